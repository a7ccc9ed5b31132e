package flow_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/flow"
	cfysandbox "github.com/ferryhub/ferry/internal/sandbox/clientify"
	odoosandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
)

// cfyOrder is the only Clientify order of an Odoo order's name.
func (h *crmHarness) cfyOrder(t *testing.T, name string) map[string]any {
	t.Helper()
	var found []map[string]any
	for _, r := range h.csb.Records("orders") {
		if r["order_id"] == name {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("Clientify has %d orders %s", len(found), name)
	}
	return found[0]
}

// Seed 004's sales: Odoo's confirmed orders become Clientify orders once
// (order_id = the order's name, order_date, status, ecommerce "Odoo",
// currency, the customer's contact, and the lines as items: name, barcode
// → sku, price_unit → price, qty_to_deliver → quantity), with the customer
// synced as the contacts route would; a quotation or a cancelled quotation
// is not; the order is written again when it changes in Odoo (delivered,
// cancelled); one deleted in Clientify is logged and not created again.
func TestCRMSales(t *testing.T) {
	t.Parallel()
	for _, dialect := range dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			routes := []flow.Route{{Name: "sales", Flow: "sales", From: "erp", To: "crm", Options: &flow.SalesOptions{BatchSize: 10, Overlap: time.Minute, Ecommerce: "Odoo",
				Statuses: map[string]string{"sale": "confirmed", "done": "done", "cancel": "cancelled"}}}}
			routes = append(routes, twoWay("contacts", nil)...)
			h := newCRMHarness(t, dbURL(t, dialect), odoosandbox.Options{Partners: -1, Products: 3, Currency: "EUR"}, cfysandbox.Options{Companies: -1, Contacts: -1, Products: -1}, routes)
			for _, sku := range []string{"ODOO-001", "ODOO-002"} {
				if err := h.osb.SetOnHand(sku, 100); err != nil {
					t.Fatal(err)
				}
			}
			prod := func(sku string) float64 {
				return float64(h.odooID(t, "product.product", []any{[]any{"default_code", "=", sku}}))
			}
			acme := h.odooCreate(t, map[string]any{"name": "Acme SL", "is_company": true, "ref": "B11111111"})
			ana := h.odooCreate(t, map[string]any{"name": "Ana López", "email": "ana@acme.example.es", "parent_id": toFloat(acme), "phone": "+34 910 000 001"})
			beta := h.odooCreate(t, map[string]any{"name": "Beta SA", "is_company": true, "ref": "A22222222"})
			order := func(partner string, confirm bool, lines ...[2]any) (int64, string) {
				var ol []any
				for _, l := range lines {
					ol = append(ol, []any{0, 0, map[string]any{"product_id": prod(l[0].(string)), "product_uom_qty": l[1], "price_unit": 12.5}})
				}
				ids, err := h.erp.Create(ctx, "sale.order", []map[string]any{{"partner_id": toFloat(partner), "order_line": ol}}, nil)
				if err != nil {
					t.Fatal(err)
				}
				if confirm {
					if _, err := h.erp.Call(ctx, "sale.order", "action_confirm", ids, nil); err != nil {
						t.Fatal(err)
					}
				}
				rows := h.osb.SearchRead("sale.order", []any{[]any{"id", "=", ids[0]}}, []string{"name"})
				return ids[0], rows[0]["name"].(string)
			}
			anaOrder, anaName := order(ana, true, [2]any{"ODOO-001", 2}, [2]any{"ODOO-002", 1})
			betaOrder, betaName := order(beta, true, [2]any{"ODOO-002", 3})
			order(ana, false, [2]any{"ODOO-001", 1}) // a quotation
			quoted, _ := order(beta, false, [2]any{"ODOO-001", 1})
			if _, err := h.erp.Call(ctx, "sale.order", "action_cancel", []int64{quoted}, map[string]any{"context": map[string]any{"disable_cancel_warning": true}}); err != nil {
				t.Fatal(err)
			}

			h.pass(t, "sales")
			c := h.rt.Counts()["sales"]
			if c.Created != 2 || c.Skipped != 1 || c.Failed != 0 {
				t.Fatalf("sales: %+v; skipped %+v", c, h.skips(t, "sales"))
			}
			if s := h.skips(t, "sales"); !strings.Contains(s[0].Reason, "is cancelled and was never sent to crm") {
				t.Fatalf("the cancelled quotation: %+v", s)
			}
			contact := h.cfyByEmail(t, "ana@acme.example.es")
			if !strings.Contains(fmt.Sprint(contact["company"]), "/companies/") || contact["first_name"] != "Ana López" {
				t.Fatalf("Ana in Clientify: %v", contact)
			}
			got := h.cfyOrder(t, anaName)
			barcode := h.osb.SearchRead("product.product", []any{[]any{"default_code", "=", "ODOO-001"}}, []string{"barcode"})[0]["barcode"]
			items := got["items"].([]any)
			if got["status"] != "confirmed" || got["ecommerce"] != "Odoo" || got["currency"] != "EUR" || got["order_date"] == nil ||
				!strings.HasSuffix(fmt.Sprint(got["contact"]), fmt.Sprintf("/contacts/%d/", cfyID(contact))) || len(items) != 2 {
				t.Fatalf("%s in Clientify: %v", anaName, got)
			}
			if it := items[0].(map[string]any); it["sku"] != barcode || it["price"] != 12.5 || it["quantity"] != 2.0 || !strings.Contains(it["name"].(string), "Tuote 1") {
				t.Fatalf("%s's first item: %v", anaName, it)
			}
			// The contact the order needed is the contacts route's pair too.
			h.pairOf(t, "contact", "erp", ana)
			if got = h.cfyOrder(t, betaName); got["contact"] != nil || got["status"] != "confirmed" {
				t.Fatalf("%s (a company's) in Clientify: %v", betaName, got)
			}

			// The contacts route finds Ana paired and unchanged (and brings
			// the Administrator's partner, which no order needed).
			h.pass(t, "contacts-out")
			if c := h.rt.Counts()["contacts-out"]; c.Unchanged != 1 || c.Created != 1 {
				t.Fatalf("contacts erp → crm after the sales: %+v", c)
			}
			before := h.writes()
			h.pass(t, "sales", "contacts-out", "contacts-in", "sales")
			if n := h.writes(); n != before {
				t.Fatalf("passes without changes wrote %d times", n-before)
			}

			// Delivered: nothing left to deliver.
			pick := h.osb.SearchRead("stock.picking", []any{[]any{"sale_id", "=", anaOrder}}, []string{"id"})
			if len(pick) != 1 {
				t.Fatalf("pickings of %s: %v", anaName, pick)
			}
			if err := h.osb.ValidatePicking(pick[0]["id"].(int64), "TRK1"); err != nil {
				t.Fatal(err)
			}
			// Cancelled after it was confirmed.
			if _, err := h.erp.Call(ctx, "sale.order", "action_cancel", []int64{betaOrder}, map[string]any{"context": map[string]any{"disable_cancel_warning": true}}); err != nil {
				t.Fatal(err)
			}
			h.pass(t, "sales")
			got = h.cfyOrder(t, anaName)
			for _, it := range got["items"].([]any) {
				if it.(map[string]any)["quantity"] != 0.0 {
					t.Fatalf("%s after its delivery: %v", anaName, got)
				}
			}
			if got = h.cfyOrder(t, betaName); got["status"] != "cancelled" {
				t.Fatalf("%s after its cancellation: %v", betaName, got)
			}

			// Deleted in Clientify: logged, not created again.
			if err := h.csb.UserDelete("orders", cfyID(h.cfyOrder(t, anaName))); err != nil {
				t.Fatal(err)
			}
			h.odooWrite(t, "sale.order", fmt.Sprint(anaOrder), map[string]any{"note": "changed"})
			time.Sleep(1100 * time.Millisecond) // a new write_date
			h.odooWrite(t, "sale.order.line", fmt.Sprint(h.osb.SearchRead("sale.order.line", []any{[]any{"order_id", "=", anaOrder}}, []string{"id"})[0]["id"]), map[string]any{"price_unit": 13.0})
			h.pass(t, "sales")
			if n := h.csb.State().Counts["orders"]; n != 1 {
				t.Fatalf("%d orders in Clientify after one was deleted", n)
			}
			if l := h.logs(t, "sales", anaName, "was deleted in crm", "does not create it again"); len(l) != 1 {
				t.Fatalf("log lines of the deleted order: %+v", h.logs(t, "sales"))
			}
		})
	}
}

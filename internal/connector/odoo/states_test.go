package odoo

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// The Orders page shows Odoo's own state of each order, read live.
func TestOrderStatesReadsOdoosOwnState(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 19} {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, sb := sandboxClient(t, version)
			levels, _ := c.StockLevels(ctx)
			imps := testOrders(2)
			for i := range imps {
				imps[i].Order.Lines[0].SKU, imps[i].Carrier = levels[0].SKU, "Posti SmartPOST"
			}
			res, err := c.ImportOrders(ctx, imps)
			if err != nil || res[0].Err != nil || res[1].Err != nil {
				t.Fatalf("%+v %v", res, err)
			}
			inv := sb.SearchRead("account.move", []any{[]any{"move_type", "=", "out_invoice"}, []any{"state", "=", "posted"}}, []string{"invoice_origin", "name"})
			if len(inv) != 2 {
				t.Fatalf("%d posted invoices", len(inv))
			}
			if err := sb.RegisterPayment(inv[0]["id"].(int64)); err != nil {
				t.Fatal(err)
			}
			if err := c.CancelOrder(ctx, res[1].RemoteID, imps[1]); err != nil {
				t.Fatal(err)
			}
			states, err := c.OrderStates(ctx, []string{res[0].RemoteID, res[1].RemoteID, "999999"})
			if err != nil {
				t.Fatal(err)
			}
			paidOne, cancelled := states[res[0].RemoteID], states[res[1].RemoteID]
			if inv[0]["invoice_origin"] != sb.SearchRead("sale.order", []any{[]any{"id", "=", mustInt(t, res[0].RemoteID)}}, []string{"name"})[0]["name"] {
				paidOne, cancelled = states[res[1].RemoteID], states[res[0].RemoteID]
				t.Logf("the first invoice is the second order's")
			}
			if paidOne.State != "sales order" || paidOne.Invoicing != "fully invoiced" || paidOne.Payment != "paid" {
				t.Fatalf("paid order: %+v", paidOne)
			}
			if cancelled.State != "cancelled" || cancelled.Payment != "credited" {
				t.Fatalf("cancelled order: %+v", cancelled)
			}
			// The Sales page lists each order's documents, linked to Odoo.
			if len(paidOne.Invoices) != 1 || paidOne.Invoices[0].Kind != "invoice" || paidOne.Invoices[0].Name != inv[0]["name"] || !strings.Contains(paidOne.Invoices[0].URL, "model=account.move") {
				t.Fatalf("paid order's invoices: %+v (Odoo's %v)", paidOne.Invoices, inv[0]["name"])
			}
			if len(paidOne.Deliveries) != 1 || !strings.Contains(paidOne.Deliveries[0].Name, "OUT") || !strings.Contains(paidOne.Deliveries[0].URL, "model=stock.picking") {
				t.Fatalf("paid order's deliveries: %+v", paidOne.Deliveries)
			}
			kinds := map[string]int{}
			for _, d := range cancelled.Invoices {
				kinds[d.Kind]++
			}
			if kinds["invoice"] != 1 || kinds["credit note"] != 1 {
				t.Fatalf("cancelled order's invoices: %+v", cancelled.Invoices)
			}
			if _, ok := states["999999"]; ok || len(states) != 2 {
				t.Fatalf("states %+v", states)
			}
		})
	}
}

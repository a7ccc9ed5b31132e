package odoo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/model"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
)

// The client is each money capability of the flow.
var (
	_ flow.HoldSink = (*Client)(nil)
)

// moneyOrder is a shop order of qty units of sku at 12.55 and shipping at
// 5.90, both with the price-included 25.5 % tax.
func moneyOrder(num, sku string, qty int64) model.OrderImport {
	o := model.Order{ID: num, Number: num, Status: model.OrderOpen,
		Customer: model.Party{Email: "money" + num + "@example.fi", Name: "Money " + num},
		Lines: []model.Line{
			{Kind: model.LineProduct, SKU: sku, Name: "Tuote", Quantity: model.DecimalFromInt(qty), UnitPrice: model.MustDecimal("12.55"), TaxIncluded: true, TaxRate: model.MustDecimal("25.5")},
			{Kind: model.LineShipping, Name: "Posti", Quantity: model.DecimalFromInt(1), UnitPrice: model.MustDecimal("5.90"), TaxIncluded: true, TaxRate: model.MustDecimal("25.5")},
		},
		Total: model.MustDecimal("12.55").Mul(model.DecimalFromInt(qty)) + model.MustDecimal("5.90")}
	return model.OrderImport{Order: o, Ref: "SHOP-" + num, Carrier: "Posti SmartPOST"}
}

func moneyClient(t *testing.T, version int) (*Client, *sandbox.Server, string) {
	t.Helper()
	c, sb := sandboxClient(t, version)
	levels, err := c.StockLevels(context.Background())
	if err != nil || len(levels) == 0 {
		t.Fatalf("levels %v %v", levels, err)
	}
	return c, sb, levels[0].SKU
}

// notes are the bodies of the comments on a sale order.
func notes(sb *sandbox.Server, model, id string) []string {
	var out []string
	for _, m := range sb.SearchRead("mail.message", []any{[]any{"model", "=", model}, []any{"res_id", "=", parseInt(id)}, []any{"message_type", "=", "comment"}}, []string{"body"}) {
		out = append(out, plainText(fmt.Sprint(m["body"])))
	}
	return out
}

func one(t *testing.T, sb *sandbox.Server, model string, id string, fields ...string) map[string]any {
	t.Helper()
	rows := sb.SearchRead(model, []any{[]any{"id", "=", parseInt(id)}}, fields)
	if len(rows) != 1 {
		t.Fatalf("%s %s: %d records", model, id, len(rows))
	}
	return rows[0]
}

func m2o(v any) int64 {
	if id, ok := v.(int64); ok {
		return id
	}
	if l, ok := v.([]any); ok && len(l) > 0 {
		switch id := l[0].(type) {
		case int64:
			return id
		case float64:
			return int64(id)
		}
	}
	return 0
}

func idsOf(v any) []int64 {
	if ids, ok := v.([]int64); ok {
		return ids
	}
	var out []int64
	l, _ := v.([]any)
	for _, x := range l {
		f, _ := x.(float64)
		out = append(out, int64(f))
	}
	return out
}

// Held orders stay quotations with their reason as an internal note; an
// order cancelled in the shop comes in as a cancelled quotation noting the
// shop's reason. A repeated import (also after a note's message_post
// committed and then failed) creates and posts nothing twice. ConfirmHeld
// confirms and invoices a held quotation once; CancelHeld cancels one and
// notes why; a cancelled quotation cannot be confirmed.
func TestHeldAndCancelledQuotations(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 17, 18, 19} {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, sb, sku := moneyClient(t, version)
			held := moneyOrder("H1", sku, 1)
			held.Hold = "high fraud risk in the shop (card & address <mismatch>)"
			held2 := moneyOrder("H2", sku, 2)
			held2.Hold = "medium fraud risk in the shop"
			gone := moneyOrder("C1", sku, 1)
			gone.Order.Status, gone.Order.CancelReason, gone.Order.CancelledAt = model.OrderCancelled, "customer", time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
			imps := []model.OrderImport{held, held2, gone}
			sb.FailAfterCommit("sale.order", "message_post", 1)
			if _, err := c.ImportOrders(ctx, imps); err == nil {
				t.Fatal("the dropped message_post was not reported")
			}
			res, err := c.ImportOrders(ctx, imps)
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range res {
				if r.Err != nil || r.RemoteID == "" || r.Number == "" || r.Warning != "" {
					t.Fatalf("%s: %+v", imps[i].Ref, r)
				}
			}
			again, err := c.ImportOrders(ctx, imps)
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range again {
				if r.RemoteID != res[i].RemoteID || r.Created || r.Err != nil {
					t.Fatalf("re-import of %s: %+v vs %+v", imps[i].Ref, r, res[i])
				}
			}
			if n := len(sb.SearchRead("sale.order", []any{[]any{"client_order_ref", "like", "SHOP-"}}, []string{"name"})); n != 3 {
				t.Fatalf("%d sale orders, want 3", n)
			}
			for i, want := range []string{"draft", "draft", "cancel"} {
				o := one(t, sb, "sale.order", res[i].RemoteID, "state", "invoice_ids", "client_order_ref", "origin")
				if o["state"] != want || len(idsOf(o["invoice_ids"])) != 0 || o["client_order_ref"] != imps[i].Ref || o["origin"] != imps[i].Ref {
					t.Errorf("%s: %v, want %s without invoices", imps[i].Ref, o, want)
				}
			}
			wantNotes := []string{
				"Held for review by ferry: high fraud risk in the shop (card & address <mismatch>). Confirm or cancel this quotation in Odoo or on ferry's Sales page.",
				"Held for review by ferry: medium fraud risk in the shop. Confirm or cancel this quotation in Odoo or on ferry's Sales page.",
				"Cancelled in the shop before ferry imported it (2026-03-01 09:30 UTC); the shop's reason: customer.",
			}
			for i, want := range wantNotes {
				if got := notes(sb, "sale.order", res[i].RemoteID); len(got) != 1 || got[0] != want {
					t.Errorf("%s notes %q, want once %q", imps[i].Ref, got, want)
				}
			}

			// A person confirms the first: confirmed, invoiced and posted,
			// once.
			for range 2 {
				if err := c.ConfirmHeld(ctx, res[0].RemoteID, nil); err != nil {
					t.Fatal(err)
				}
			}
			o := one(t, sb, "sale.order", res[0].RemoteID, "state", "invoice_ids")
			invs := idsOf(o["invoice_ids"])
			if o["state"] != "sale" || len(invs) != 1 {
				t.Fatalf("confirmed held order %v", o)
			}
			if m := one(t, sb, "account.move", fmt.Sprint(invs[0]), "state", "amount_total"); m["state"] != "posted" || m["amount_total"] != 18.45 {
				t.Errorf("its invoice %v", m)
			}
			// And cancels the second after review.
			for range 2 {
				if err := c.CancelHeld(ctx, res[1].RemoteID, "cancelled by maija in ferry after review: medium fraud risk in the shop"); err != nil {
					t.Fatal(err)
				}
			}
			if o := one(t, sb, "sale.order", res[1].RemoteID, "state"); o["state"] != "cancel" {
				t.Errorf("cancelled held order %v", o)
			}
			if got := notes(sb, "sale.order", res[1].RemoteID); len(got) != 2 || got[1] != "cancelled by maija in ferry after review: medium fraud risk in the shop" && got[0] != "cancelled by maija in ferry after review: medium fraud risk in the shop" {
				t.Errorf("notes after the cancel %q", got)
			}
			var re *RecordError
			if err := c.ConfirmHeld(ctx, res[2].RemoteID, nil); !errors.As(err, &re) || !re.Action || !strings.Contains(re.Msg, "is cancelled") || !strings.Contains(re.Error(), "SHOP-C1") {
				t.Errorf("confirming a cancelled quotation: %v", err)
			}
		})
	}
}

// Workflows: an import goes as far as its workflow says. Quotation only;
// confirmed only; invoiced as a draft; posted; paid in full in a journal
// named by code; paid in part (PaidAmount) in a journal named by name, the
// payment's communication the order's reference (ref 16/17, memo 18/19). A
// journal Odoo lacks is a warning naming it and the order, the order
// imported. After the payment's action_create_payments committed and then
// failed, the retried import pays nothing twice. ConfirmHeld runs a workflow
// on a held quotation.
func TestWorkflowSteps(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 17, 18, 19} {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, sb, sku := moneyClient(t, version)
			if _, err := c.Create(ctx, "account.journal", []map[string]any{{"name": "Shopify Payments", "type": "bank", "code": "SHOP"}}, nil); err != nil {
				t.Fatal(err)
			}
			flows := []*model.Workflow{
				{},
				{Confirm: true},
				{Confirm: true, Invoice: true},
				{Confirm: true, Invoice: true, Post: true},
				{Confirm: true, Invoice: true, Post: true, PaymentJournal: "shop"},
				{Confirm: true, Invoice: true, Post: true, PaymentJournal: "Shopify Payments", PaidAmount: model.MustDecimal("10")},
				{Confirm: true, Invoice: true, Post: true, PaymentJournal: "Klarna"},
			}
			var imps []model.OrderImport
			for i, w := range flows {
				imp := moneyOrder(fmt.Sprintf("W%d", i), sku, 1)
				imp.Workflow = w
				imps = append(imps, imp)
			}
			sb.FailAfterCommit("account.payment.register", "action_create_payments", 1)
			if _, err := c.ImportOrders(ctx, imps); err == nil {
				t.Fatal("the dropped payment was not reported")
			}
			var res []model.WriteResult
			for range 2 {
				var err error
				if res, err = c.ImportOrders(ctx, imps); err != nil {
					t.Fatal(err)
				}
			}
			for i, r := range res {
				if r.Err != nil || r.RemoteID == "" || (r.Warning != "") != (i == 6) {
					t.Errorf("%s: %+v", imps[i].Ref, r)
				}
			}
			if w := res[6].Warning; !strings.Contains(w, `"Klarna"`) || !strings.Contains(w, "order W6") || !strings.Contains(w, "payment step") {
				t.Errorf("missing journal: %q", w)
			}
			memo := "ref"
			if version >= 18 {
				memo = "memo"
			}
			type want struct{ order, invoice, payment string }
			wants := []want{{"draft", "", ""}, {"sale", "", ""}, {"sale", "draft", ""}, {"sale", "posted not_paid", ""},
				{"sale", "posted paid", "18.45 SHOP"}, {"sale", "posted partial", "10 SHOP"}, {"sale", "posted not_paid", ""}}
			for i, w := range wants {
				o := one(t, sb, "sale.order", res[i].RemoteID, "state", "invoice_ids")
				got := want{order: fmt.Sprint(o["state"])}
				if invs := idsOf(o["invoice_ids"]); len(invs) > 1 {
					t.Errorf("%s: %d invoices", imps[i].Ref, len(invs))
				} else if len(invs) == 1 {
					m := one(t, sb, "account.move", fmt.Sprint(invs[0]), "state", "payment_state", "partner_id")
					got.invoice = fmt.Sprint(m["state"])
					if m["state"] == "posted" {
						got.invoice += " " + fmt.Sprint(m["payment_state"])
					}
					pays := sb.SearchRead("account.payment", []any{[]any{memo, "=", imps[i].Ref}}, []string{"amount", "journal_id"})
					if len(pays) > 1 {
						t.Errorf("%s paid %d times", imps[i].Ref, len(pays))
					}
					for _, p := range pays {
						j := one(t, sb, "account.journal", fmt.Sprint(m2o(p["journal_id"])), "code")
						got.payment = fmt.Sprint(p["amount"], " ", j["code"])
					}
				}
				if got != w {
					t.Errorf("%s: %+v, want %+v", imps[i].Ref, got, w)
				}
			}

			// A held quotation confirmed with a workflow that pays.
			h := moneyOrder("WH", sku, 1)
			h.Hold = "high fraud risk in the shop"
			hr, err := c.ImportOrders(ctx, []model.OrderImport{h})
			if err != nil || hr[0].Err != nil {
				t.Fatalf("%+v %v", hr, err)
			}
			w := &model.Workflow{Confirm: true, Invoice: true, Post: true, PaymentJournal: "SHOP"}
			for range 2 {
				if err := c.ConfirmHeld(ctx, hr[0].RemoteID, w); err != nil {
					t.Fatal(err)
				}
			}
			if pays := sb.SearchRead("account.payment", []any{[]any{memo, "=", "SHOP-WH"}}, []string{"amount"}); len(pays) != 1 || pays[0]["amount"] != 18.45 {
				t.Errorf("payments of the confirmed held order %v", pays)
			}
			var re *RecordError
			h2 := moneyOrder("WH2", sku, 1)
			h2.Hold = "x"
			hr, _ = c.ImportOrders(ctx, []model.OrderImport{h2})
			if err := c.ConfirmHeld(ctx, hr[0].RemoteID, &model.Workflow{Confirm: true, Invoice: true, Post: true, PaymentJournal: "Nope"}); !errors.As(err, &re) || !re.Action || !strings.Contains(re.Msg, `"Nope"`) || !strings.Contains(re.Error(), "SHOP-WH2") {
				t.Errorf("ConfirmHeld with a missing journal: %v", err)
			}
		})
	}
}

// An update of a held quotation keeps it a quotation (its reason noted
// once); once the shop clears its verdict, the update confirms and invoices
// it as an import would.
func TestUpdateHeldQuotation(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 19} {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, sb, sku := moneyClient(t, version)
			imp := moneyOrder("U1", sku, 1)
			imp.Hold = "medium fraud risk in the shop"
			res, err := c.ImportOrders(ctx, []model.OrderImport{imp})
			if err != nil || res[0].Err != nil {
				t.Fatalf("%+v %v", res, err)
			}
			imp = moneyOrder("U1", sku, 2)
			imp.Hold = "medium fraud risk in the shop"
			if err := c.UpdateOrder(ctx, res[0].RemoteID, imp); err != nil {
				t.Fatal(err)
			}
			if o := one(t, sb, "sale.order", res[0].RemoteID, "state", "amount_total"); o["state"] != "draft" || o["amount_total"] != 31.0 {
				t.Errorf("updated held quotation %v", o)
			}
			if got := notes(sb, "sale.order", res[0].RemoteID); len(got) != 1 {
				t.Errorf("notes %q", got)
			}
			imp.Hold = ""
			if err := c.UpdateOrder(ctx, res[0].RemoteID, imp); err != nil {
				t.Fatal(err)
			}
			o := one(t, sb, "sale.order", res[0].RemoteID, "state", "invoice_ids")
			if o["state"] != "sale" || len(idsOf(o["invoice_ids"])) != 1 {
				t.Fatalf("cleared quotation %v", o)
			}
			if inv := invoiceOf(t, sb, res[0].RemoteID); inv["amount_total"] != 31.0 {
				t.Errorf("its invoice %v", inv)
			}
		})
	}
}

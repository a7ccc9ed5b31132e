package odoo

import (
	"net/http/httptest"
	"testing"
)

// On 16 and 18 action_cancel of a confirmed order answers the
// sale.order.cancel wizard and cancels nothing; the wizard cancels, leaving
// the posted invoice posted; 19 cancels at once, and so do 14 and 15, whose
// wizard is only for draft invoices (TestCancelWizard14). The reversal wizard credits
// the posted invoice: 16 reverse_moves (refund_method cancel settles it), 18
// and 19 refund_moves (a draft credit note), and the order has its quantity to
// invoice again.
func TestCancelAndCredit(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 18, 19} {
		srv := httptest.NewServer(New(Options{Version: version, Products: 2, Partners: 1}).Handler())
		defer srv.Close()
		c := caller{t, srv.URL}
		so := c.confirmedOrder(1, 10)
		c.invoiceWizard([]int64{so}, map[string]any{}, nil)
		inv := c.read("sale.order", []int64{so}, "invoice_ids")[0]["invoice_ids"].([]any)
		c.call("account.move", "action_post", []any{inv}, nil)
		got := c.call("sale.order", "action_cancel", []any{[]any{so}}, nil)
		state := func() any { return c.read("sale.order", []int64{so}, "state")[0]["state"] }
		if version <= 15 {
			// 14, 15 ask only about draft invoices: a posted one is no
			// reason, the order cancels at once.
			if got != true {
				t.Fatalf("%d action_cancel answered %v", version, got)
			}
		} else if version < 19 {
			a, _ := got.(map[string]any)
			if a["res_model"] != "sale.order.cancel" || a["type"] != "ir.actions.act_window" || state() != "sale" {
				t.Fatalf("%d action_cancel answered %v, order %v", version, got, state())
			}
			ctx := a["context"].(map[string]any)
			wiz := result[int64](t, kw(t, srv.URL, "sale.order.cancel", "create", []any{map[string]any{"order_id": so}}, map[string]any{"context": ctx}))
			c.call("sale.order.cancel", "action_cancel", []any{[]any{wiz}}, map[string]any{"context": ctx})
		}
		if state() != "cancel" {
			t.Fatalf("%d not cancelled: %v", version, state())
		}
		invID := int64(inv[0].(float64))
		if m := c.read("account.move", []int64{invID}, "state", "payment_state")[0]; m["state"] != "posted" || m["payment_state"] != "not_paid" {
			t.Errorf("%d the invoice after cancelling: %v", version, m)
		}
		vals := map[string]any{"move_ids": []any{[]any{6, 0, []any{invID}}}, "reason": "cancelled", "journal_id": 1}
		method := "refund_moves"
		if version <= 16 {
			vals["refund_method"], method = "cancel", "reverse_moves"
		}
		wiz := result[int64](t, kw(t, srv.URL, "account.move.reversal", "create", []any{vals}, map[string]any{"context": map[string]any{"active_model": "account.move", "active_ids": []any{invID}}}))
		a := c.call("account.move.reversal", method, []any{[]any{wiz}}, nil).(map[string]any)
		credit := int64(a["res_id"].(float64))
		cn := c.read("account.move", []int64{credit}, "move_type", "state", "reversed_entry_id", "amount_total", "ref")[0]
		wantState := "draft"
		if version <= 16 {
			wantState = "posted"
		}
		if cn["move_type"] != "out_refund" || cn["state"] != wantState || cn["reversed_entry_id"].([]any)[0] != float64(invID) || cn["amount_total"] != 12.55 {
			t.Errorf("%d credit note: %v", version, cn)
		}
		if version <= 16 {
			if m := c.read("account.move", []int64{invID}, "payment_state")[0]; m["payment_state"] != "reversed" {
				t.Errorf("%d the reversed invoice: %v", version, m)
			}
		}
		line := c.read("sale.order", []int64{so}, "order_line")[0]["order_line"].([]any)
		if l := c.read("sale.order.line", []int64{int64(line[0].(float64))}, "qty_invoiced")[0]; l["qty_invoiced"] != 0.0 {
			t.Errorf("%d qty_invoiced after the credit note: %v", version, l)
		}
	}
}

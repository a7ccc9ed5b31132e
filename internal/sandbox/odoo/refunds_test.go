package odoo

import (
	"net/http/httptest"
	"testing"
)

// Credit notes created directly (out_refund with reversed_entry_id, ref,
// invoice_origin and a price-included tax): from 17 posting one reconciles
// it with the invoice (partial, then reversed once fully credited, the
// credit note paid); on 14, 15 and 16 it stays open until
// js_assign_outstanding_line applies it (14, 15: reversed as their
// _compute_amount has it, the credit notes reversing the invoice alone in
// the full reconciliation). ref finds the credit note again.
func TestCreditNotesPartialAndFull(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 17, 18, 19} {
		srv := httptest.NewServer(New(Options{Version: version, Products: 2, Partners: 1}).Handler())
		defer srv.Close()
		c := caller{t, srv.URL}
		_, inv := c.postedInvoice(10) // 12.55
		incl := c.ids("account.tax", []any{[]any{"name", "=", "25.5% incl."}})
		refund := func(ref string, price float64) int64 {
			id := result[int64](t, kw(t, srv.URL, "account.move", "create", []any{map[string]any{"move_type": "out_refund", "partner_id": 1, "reversed_entry_id": inv,
				"ref": ref, "invoice_origin": "S00001", "invoice_line_ids": []any{[]any{0, 0, map[string]any{"product_id": 1, "quantity": 1, "price_unit": price, "tax_ids": []any{[]any{6, 0, incl}}}}}}}, nil))
			c.call("account.move", "action_post", []any{[]any{id}}, nil)
			return id
		}
		cn := refund("Shopify refund #1", 5.02)
		r := c.one("account.move", cn, "amount_total", "amount_untaxed", "amount_residual", "payment_state", "state", "name")
		if r["amount_total"] != 5.02 || r["amount_untaxed"] != 4.0 || r["state"] != "posted" || !hasPrefix(r["name"].(string), "RINV/") {
			t.Errorf("%d credit note %v", version, r)
		}
		if version <= 16 {
			if m := c.one("account.move", inv, "payment_state", "amount_residual"); m["payment_state"] != "not_paid" || m["amount_residual"] != 12.55 {
				t.Errorf("%d invoice before assigning the credit: %v", version, m)
			}
			recv := c.ids("account.move.line", []any{[]any{"move_id", "=", cn}, []any{"account_id.code", "=", "121000"}})
			got := c.call("account.move", "js_assign_outstanding_line", []any{[]any{inv}, recv[0]}, nil).(map[string]any)
			if _, has := got["exchange_partials"]; got["partials"] != "account.partial.reconcile(1,)" || has != (version == 16) {
				t.Errorf("%d js_assign_outstanding_line answered %v", version, got)
			}
		}
		if m := c.one("account.move", inv, "payment_state", "amount_residual"); m["payment_state"] != "partial" || m["amount_residual"] != 7.53 {
			t.Errorf("%d invoice after a partial credit: %v", version, m)
		}
		if r := c.one("account.move", cn, "payment_state", "amount_residual"); r["payment_state"] != "paid" || r["amount_residual"] != 0.0 {
			t.Errorf("%d used credit note %v", version, r)
		}
		cn2 := refund("Shopify refund #2", 7.53)
		if version <= 16 {
			recv := c.ids("account.move.line", []any{[]any{"move_id", "=", cn2}, []any{"account_id.code", "=", "121000"}})
			c.call("account.move", "js_assign_outstanding_line", []any{[]any{inv}, recv[0]}, nil)
		}
		if m := c.one("account.move", inv, "payment_state", "amount_residual"); m["payment_state"] != "reversed" || m["amount_residual"] != 0.0 {
			t.Errorf("%d invoice fully credited: %v", version, m)
		}
		found := c.ids("account.move", []any{[]any{"ref", "=", "Shopify refund #2"}, []any{"move_type", "=", "out_refund"}, []any{"reversed_entry_id", "=", inv}})
		if len(found) != 1 || found[0] != cn2 {
			t.Errorf("%d credit note by ref: %v", version, found)
		}
		if n := len(c.ids("account.move", []any{[]any{"invoice_origin", "=", "S00001"}, []any{"move_type", "=", "out_refund"}})); n != 2 {
			t.Errorf("%d credit notes by origin: %d", version, n)
		}
		// A credit note larger than what is left: accepted, it keeps the rest.
		_, inv2 := c.postedInvoice(10)
		big := result[int64](t, kw(t, srv.URL, "account.move", "create", []any{map[string]any{"move_type": "out_refund", "partner_id": 1, "reversed_entry_id": inv2,
			"invoice_line_ids": []any{[]any{0, 0, map[string]any{"product_id": 1, "quantity": 1, "price_unit": 20, "tax_ids": []any{[]any{6, 0, incl}}}}}}}, nil))
		if env := kw(t, srv.URL, "account.move", "action_post", []any{[]any{big}}, nil); env["error"] != nil {
			t.Errorf("%d posting a larger credit note: %s", version, env["error"])
		}
		if version >= 17 {
			if r := c.one("account.move", big, "payment_state", "amount_residual"); r["payment_state"] != "partial" || r["amount_residual"] != 7.45 {
				t.Errorf("%d larger credit note %v", version, r)
			}
		}
	}
}

// The reversal wizard's full credit: 14, 15 and 16 refund_method cancel
// reconciles at once; 18 and 19 refund_moves makes a draft whose posting reconciles. The
// invoice is reversed, the credit note paid.
func TestReversalWizardFull(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 18, 19} {
		srv := httptest.NewServer(New(Options{Version: version, Products: 2, Partners: 1}).Handler())
		defer srv.Close()
		c := caller{t, srv.URL}
		_, inv := c.postedInvoice(10)
		vals := map[string]any{"move_ids": []any{[]any{6, 0, []any{inv}}}, "reason": "returned"}
		method := "refund_moves"
		if version <= 16 {
			vals["refund_method"], method = "cancel", "reverse_moves"
		}
		ctx := contextOf("account.move", inv)
		wiz := result[int64](t, kw(t, srv.URL, "account.move.reversal", "create", []any{vals}, ctx))
		a := c.call("account.move.reversal", method, []any{[]any{wiz}}, ctx).(map[string]any)
		cn := int64(a["res_id"].(float64))
		if version > 16 {
			c.call("account.move", "action_post", []any{[]any{cn}}, nil)
		}
		if m := c.one("account.move", inv, "payment_state", "amount_residual"); m["payment_state"] != "reversed" || m["amount_residual"] != 0.0 {
			t.Errorf("%d reversed invoice %v", version, m)
		}
		if r := c.one("account.move", cn, "payment_state", "ref"); r["payment_state"] != "paid" || !hasPrefix(r["ref"].(string), "Reversal of: INV/") {
			t.Errorf("%d credit note %v", version, r)
		}
	}
}

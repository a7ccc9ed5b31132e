package odoo

import (
	"net/http/httptest"
	"testing"
)

// Payments in chosen journals: a partial payment in "Shopify Payments"
// leaves the invoice partial, the rest in "PayPal" pays it; the payment has
// journal, amount, partner and the communication in ref (16, 17) or memo
// (18, 19); its state is posted (16, 17) or in_process/paid (18, 19). A draft
// invoice is refused on 16 and 17 and paid (unreconciled) from 18.
func TestPaymentRegisterJournals(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 17, 18, 19} {
		srv := httptest.NewServer(New(Options{Version: version, Products: 2, Partners: 1}).Handler())
		defer srv.Close()
		c := caller{t, srv.URL}
		shopify := result[int64](t, kw(t, srv.URL, "account.journal", "create", []any{map[string]any{"name": "Shopify Payments", "type": "bank", "code": "SHOP"}}, nil))
		paypal := result[int64](t, kw(t, srv.URL, "account.journal", "create", []any{map[string]any{"name": "PayPal", "type": "bank"}}, nil))
		if j := c.one("account.journal", paypal, "code", "default_account_id", "suspense_account_id"); j["code"] != "P" && j["code"] == false || m2oID(j["default_account_id"]) == 0 || m2oID(j["suspense_account_id"]) == 0 {
			t.Errorf("%d new journal %v", version, j)
		}
		_, inv := c.postedInvoice(10) // 12.55
		ctx := contextOf("account.move", inv)
		wiz := result[int64](t, kw(t, srv.URL, "account.payment.register", "create", []any{map[string]any{"journal_id": shopify, "amount": 5, "payment_date": "2026-03-01", "communication": "#1001"}}, ctx))
		a := c.call("account.payment.register", "action_create_payments", []any{[]any{wiz}}, ctx).(map[string]any)
		pay := int64(a["res_id"].(float64))
		memo := "ref"
		if version >= 18 {
			memo = "memo"
		}
		p := c.one("account.payment", pay, "journal_id", "amount", "partner_id", memo, "state", "date", "reconciled_invoice_ids")
		wantState := map[bool]string{true: "in_process", false: "posted"}[version >= 18]
		if m2oID(p["journal_id"]) != shopify || p["amount"] != 5.0 || m2oID(p["partner_id"]) != 1 || p[memo] != "#1001" || p["state"] != wantState || p["date"] != "2026-03-01" || len(p["reconciled_invoice_ids"].([]any)) != 1 {
			t.Errorf("%d payment %v", version, p)
		}
		m := c.one("account.move", inv, "payment_state", "amount_residual")
		if m["payment_state"] != "partial" || m["amount_residual"] != 7.55 {
			t.Errorf("%d after 5.00: %v", version, m)
		}
		wiz = result[int64](t, kw(t, srv.URL, "account.payment.register", "create", []any{map[string]any{"journal_id": paypal}}, ctx))
		if w := c.one("account.payment.register", wiz, "amount"); w["amount"] != 7.55 {
			t.Errorf("%d default amount %v", version, w)
		}
		c.call("account.payment.register", "action_create_payments", []any{[]any{wiz}}, ctx)
		m = c.one("account.move", inv, "payment_state", "amount_residual")
		if m["payment_state"] != "paid" || m["amount_residual"] != 0.0 {
			t.Errorf("%d after the rest: %v", version, m)
		}
		if version >= 18 {
			if p := c.one("account.payment", pay, "state"); p["state"] != "paid" {
				t.Errorf("%d first payment once the invoice is paid: %v", version, p)
			}
		}
		rows := c.call("account.payment", "search_read", []any{[]any{[]any{"journal_id", "=", paypal}}}, map[string]any{"fields": []string{"amount", memo}}).([]any)
		if len(rows) != 1 || rows[0].(map[string]any)["amount"] != 7.55 {
			t.Errorf("%d search_read payments %v", version, rows)
		}
		// Nothing left to pay.
		if n, msg := errName(kw(t, srv.URL, "account.payment.register", "create", []any{map[string]any{}}, ctx)); n != "odoo.exceptions.UserError" || msg == "" {
			t.Errorf("%d paying a paid invoice: %s %s", version, n, msg)
		}
		// A draft invoice.
		draft := result[int64](t, kw(t, srv.URL, "account.move", "create", []any{map[string]any{"move_type": "out_invoice", "partner_id": 1,
			"invoice_line_ids": []any{[]any{0, 0, map[string]any{"product_id": 1, "quantity": 1, "price_unit": 10}}}}}, nil))
		dctx := contextOf("account.move", draft)
		env := kw(t, srv.URL, "account.payment.register", "create", []any{map[string]any{"journal_id": shopify}}, dctx)
		if version < 18 {
			if n, msg := errName(env); n != "odoo.exceptions.UserError" || msg != "You can only register payment for posted journal entries." {
				t.Errorf("%d draft: %s %s", version, n, msg)
			}
			continue
		}
		w := result[int64](t, env)
		a = c.call("account.payment.register", "action_create_payments", []any{[]any{w}}, dctx).(map[string]any)
		dp := c.one("account.payment", int64(a["res_id"].(float64)), "amount", "state", "invoice_ids")
		if dp["amount"] != 10.0 || dp["state"] != "in_process" || len(dp["invoice_ids"].([]any)) != 1 {
			t.Errorf("%d payment of a draft: %v", version, dp)
		}
		if m := c.one("account.move", draft, "payment_state", "state", "matched_payment_ids"); m["payment_state"] != "not_paid" || len(m["matched_payment_ids"].([]any)) != 1 {
			t.Errorf("%d draft after its payment: %v", version, m)
		}
	}
}

// Over JSON-2 (19) the same wizard: context in the body, ids named.
func TestPaymentRegisterJSON2(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(New(Options{Version: 19, Products: 2, Partners: 1}).Handler())
	defer srv.Close()
	c := caller{t, srv.URL}
	_, inv := c.postedInvoice(10)
	ctx := `"context":{"active_model":"account.move","active_ids":[` + itoa(inv) + `]}`
	w := j2ok[[]int64](t, srv.URL, "/json/2/account.payment.register/create", `{"vals_list":[{"amount":12.55,"communication":"#1002"}],`+ctx+`}`)
	a := j2ok[map[string]any](t, srv.URL, "/json/2/account.payment.register/action_create_payments", `{"ids":[`+itoa(w[0])+`],`+ctx+`}`)
	rows := j2ok[[]map[string]any](t, srv.URL, "/json/2/account.payment/search_read", `{"domain":[["memo","=","#1002"]],"fields":["amount","state"]}`)
	if len(rows) != 1 || rows[0]["id"] != a["res_id"] || rows[0]["state"] != "paid" {
		t.Errorf("payment %v (action %v)", rows, a)
	}
	m := j2ok[[]map[string]any](t, srv.URL, "/json/2/account.move/read", `{"ids":[`+itoa(inv)+`],"fields":["payment_state","amount_residual"]}`)
	if m[0]["payment_state"] != "paid" || m[0]["amount_residual"] != 0.0 {
		t.Errorf("invoice %v", m)
	}
}

// Commit-then-fail applies to the new writes: the payment stays although
// the connection drops.
func TestPaymentCommitThenFail(t *testing.T) {
	t.Parallel()
	s := New(Options{Version: 16, Products: 2, Partners: 1})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	c := caller{t, srv.URL}
	_, inv := c.postedInvoice(10)
	ctx := contextOf("account.move", inv)
	wiz := result[int64](t, kw(t, srv.URL, "account.payment.register", "create", []any{map[string]any{}}, ctx))
	s.FailAfterCommit("account.payment.register", "action_create_payments", 1)
	if !dropped(t, srv.URL, "account.payment.register", "action_create_payments", []any{[]any{wiz}}, ctx) {
		t.Fatal("the connection did not drop")
	}
	if m := c.one("account.move", inv, "payment_state"); m["payment_state"] != "paid" {
		t.Errorf("after the dropped call: %v", m)
	}
}

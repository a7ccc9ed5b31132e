package odoo

import (
	"encoding/json"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// caller wraps execute_kw for a test server.
type caller struct {
	t   *testing.T
	url string
}

func (c caller) call(model, method string, args []any, kwargs map[string]any) any {
	c.t.Helper()
	return result[any](c.t, kw(c.t, c.url, model, method, args, kwargs))
}

func (c caller) ids(model string, domain []any) []int64 {
	c.t.Helper()
	return result[[]int64](c.t, kw(c.t, c.url, model, "search", []any{domain}, nil))
}

func (c caller) read(model string, ids []int64, fields ...string) []map[string]any {
	c.t.Helper()
	return result[[]map[string]any](c.t, kw(c.t, c.url, model, "read", []any{ids}, map[string]any{"fields": fields}))
}

// confirmedOrder makes and confirms an order of one consumable line.
func (c caller) confirmedOrder(partner int64, price float64) int64 {
	c.t.Helper()
	so := result[int64](c.t, kw(c.t, c.url, "sale.order", "create", []any{map[string]any{"partner_id": partner,
		"order_line": []any{[]any{0, 0, map[string]any{"product_id": 1, "product_uom_qty": 1, "price_unit": price}}}}}, nil))
	c.call("sale.order", "action_confirm", []any{[]any{so}}, nil)
	return so
}

func (c caller) invoiceWizard(orders []int64, vals map[string]any, ctx map[string]any) any {
	c.t.Helper()
	if ctx == nil {
		ctx = map[string]any{}
	}
	ctx["active_model"], ctx["active_ids"] = "sale.order", orders
	wiz := result[int64](c.t, kw(c.t, c.url, "sale.advance.payment.inv", "create", []any{vals}, map[string]any{"context": ctx}))
	env := kw(c.t, c.url, "sale.advance.payment.inv", "create_invoices", []any{[]any{wiz}}, map[string]any{"context": ctx})
	if env["error"] != nil {
		c.t.Fatalf("create_invoices: %s", env["error"])
	}
	var v any
	if r, ok := env["result"]; ok {
		v = result[any](c.t, map[string]json.RawMessage{"result": r})
	}
	return v
}

// The invoicing wizard groups a customer's orders into one invoice whose
// origin names them all (16, 17; 18 and 19 while consolidated_billing, its
// default, is true); consolidated_billing false gives one per order.
func TestInvoiceGrouping(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 17, 18, 19} {
		srv := httptest.NewServer(New(Options{Version: version, Products: 2, Partners: 2}).Handler())
		defer srv.Close()
		c := caller{t, srv.URL}
		a1, a2 := c.ids("res.partner", []any{[]any{"name", "=", "Asiakas 1"}})[0], c.ids("res.partner", []any{[]any{"name", "=", "Asiakas 2"}})[0]
		o1, o2, o3 := c.confirmedOrder(a1, 10), c.confirmedOrder(a2, 20), c.confirmedOrder(a1, 30)
		if version >= 18 {
			def := result[map[string]any](t, kw(t, srv.URL, "sale.advance.payment.inv", "default_get", []any{[]any{"consolidated_billing"}}, nil))
			if def["consolidated_billing"] != true {
				t.Errorf("%d consolidated_billing default %v", version, def)
			}
		}
		got := c.invoiceWizard([]int64{o1, o2, o3}, map[string]any{"advance_payment_method": "delivered"}, nil)
		switch version {
		case 16, 17:
			if a, _ := got.(map[string]any); a["type"] != "ir.actions.act_window_close" {
				t.Errorf("%d create_invoices answered %v", version, got)
			}
		case 18:
			if got != nil {
				t.Errorf("18 create_invoices answered %v", got)
			}
		case 19:
			if a, _ := got.(map[string]any); a["res_model"] != "account.move" || a["domain"] == nil {
				t.Errorf("19 create_invoices answered %v", got)
			}
		}
		moves := c.ids("account.move", []any{[]any{"move_type", "=", "out_invoice"}})
		rows := c.read("account.move", moves, "invoice_origin", "partner_id", "amount_total", "invoice_line_ids")
		names := c.read("sale.order", []int64{o1, o3}, "name")
		want := names[0]["name"].(string) + ", " + names[1]["name"].(string)
		if len(rows) != 2 || rows[0]["invoice_origin"] != want || rows[0]["amount_total"] != 50.2 || len(rows[0]["invoice_line_ids"].([]any)) != 2 {
			t.Errorf("%d grouped invoices: %v (want origin %q)", version, rows, want)
		}
		st := c.read("sale.order", []int64{o1, o2, o3}, "invoice_status", "invoice_ids")
		for _, r := range st {
			if r["invoice_status"] != "invoiced" || len(r["invoice_ids"].([]any)) != 1 {
				t.Errorf("%d order after invoicing: %v", version, r)
			}
		}
		if version >= 18 {
			o4, o5 := c.confirmedOrder(a1, 10), c.confirmedOrder(a1, 10)
			c.invoiceWizard([]int64{o4, o5}, map[string]any{"advance_payment_method": "delivered", "consolidated_billing": false}, nil)
			if n := len(c.ids("account.move", []any{[]any{"move_type", "=", "out_invoice"}})); n != 4 {
				t.Errorf("%d consolidated_billing false made %d invoices in all, want 4", version, n)
			}
		}
		// Nothing left to invoice: a UserError.
		env := kw(t, srv.URL, "sale.advance.payment.inv", "create_invoices", []any{[]any{}}, map[string]any{"context": map[string]any{"active_ids": []int64{o1}}})
		if !strings.Contains(string(env["error"]), "UserError") {
			t.Errorf("%d invoicing again: %s", version, env["error"])
		}
	}
}

// On 16, context open_invoices makes create_invoices answer the orders'
// invoices action: res_id for one invoice, a domain for several.
func TestInvoiceOpenInvoices16(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(New(Options{Version: 16, Products: 2, Partners: 2}).Handler())
	defer srv.Close()
	c := caller{t, srv.URL}
	o1 := c.confirmedOrder(1, 10)
	a := c.invoiceWizard([]int64{o1}, map[string]any{}, map[string]any{"open_invoices": true}).(map[string]any)
	inv := c.read("sale.order", []int64{o1}, "invoice_ids")[0]["invoice_ids"].([]any)
	if a["type"] != "ir.actions.act_window" || a["res_model"] != "account.move" || a["res_id"] != inv[0] {
		t.Errorf("one invoice: %v (invoice %v)", a, inv)
	}
	o2, o3 := c.confirmedOrder(1, 10), c.confirmedOrder(3, 10)
	a = c.invoiceWizard([]int64{o2, o3}, map[string]any{}, map[string]any{"open_invoices": true}).(map[string]any)
	dom, _ := a["domain"].([]any)
	if len(dom) != 1 || len(dom[0].([]any)[2].([]any)) != 2 {
		t.Errorf("two invoices: %v", a)
	}
}

// A client can invoice each order itself: account.move create of an
// out_invoice whose lines point at the sale lines (sale_line_ids) invoices
// the order.
func TestInvoiceCreateFromSaleLines(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 18, 19} {
		srv := httptest.NewServer(New(Options{Version: version, Products: 2, Partners: 1}).Handler())
		defer srv.Close()
		c := caller{t, srv.URL}
		so := c.confirmedOrder(1, 12.5)
		line := c.read("sale.order", []int64{so}, "order_line")[0]["order_line"].([]any)[0]
		taxes := c.ids("account.tax", []any{[]any{"amount", "=", 25.5}})[:1]
		inv := result[[]int64](t, kw(t, srv.URL, "account.move", "create", []any{[]any{map[string]any{"move_type": "out_invoice", "partner_id": 1, "invoice_origin": "S1",
			"invoice_line_ids": []any{[]any{0, 0, map[string]any{"product_id": 1, "quantity": 1, "price_unit": 12.5, "tax_ids": []any{[]any{6, 0, taxes}}, "sale_line_ids": []any{[]any{6, 0, []any{line}}}}}}}}}, nil))
		r := c.read("sale.order", []int64{so}, "invoice_status", "invoice_ids")[0]
		if r["invoice_status"] != "invoiced" || !slices.Equal(r["invoice_ids"].([]any), []any{float64(inv[0])}) {
			t.Errorf("%d order after its invoice: %v", version, r)
		}
		m := c.read("account.move", inv, "amount_total", "amount_untaxed", "state", "currency_id")[0]
		if m["amount_total"] != 15.69 || m["amount_untaxed"] != 12.5 || m["state"] != "draft" {
			t.Errorf("%d invoice: %v", version, m)
		}
		l := c.read("sale.order.line", []int64{int64(line.(float64))}, "qty_invoiced", "invoice_lines")[0]
		if l["qty_invoiced"] != 1.0 || len(l["invoice_lines"].([]any)) != 1 {
			t.Errorf("%d sale line: %v", version, l)
		}
	}
}

package odoo

import (
	"net/http/httptest"
	"testing"
)

// With stock_sms validating a delivery to a customer with a phone answers the
// confirm.stock.sms wizard and validates nothing, unless skip_sms; the
// wizard's send_sms and dont_send_sms validate the pickings of the action's
// context, and once either has run the company is not asked again
// (dont_send_sms also turns SMS confirmation off).
func TestStockSMS(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 17, 18, 19} {
		for _, method := range []string{"send_sms", "dont_send_sms"} {
			t.Run("", func(t *testing.T) {
				t.Parallel()
				srv := httptest.NewServer(New(Options{Version: version, Products: 2, Partners: 1, StockSMS: true}).Handler())
				defer srv.Close()
				c := caller{t, srv.URL}
				customer := c.ids("res.partner", []any{[]any{"name", "=", "Asiakas 1"}})[0]
				q := c.ids("stock.quant", []any{[]any{"product_id", "=", 1}})
				c.call("stock.quant", "write", []any{q, map[string]any{"quantity": 100.0}}, nil)
				ctx := func(extra map[string]any) map[string]any {
					m := map[string]any{}
					if version < 17 {
						m["skip_immediate"] = true
					}
					for k, v := range extra {
						m[k] = v
					}
					return m
				}
				delivery := func() int64 {
					so := c.confirmedOrder(customer, 10)
					return c.ids("stock.picking", []any{[]any{"sale_id", "=", so}})[0]
				}
				state := func(p int64) any { return c.read("stock.picking", []int64{p}, "state")[0]["state"] }
				validate := func(p int64, extra map[string]any) any {
					return c.call("stock.picking", "button_validate", []any{[]any{p}}, map[string]any{"context": ctx(extra)})
				}

				// skip_sms validates at once.
				p0 := delivery()
				if got := validate(p0, map[string]any{"skip_sms": true}); got != true || state(p0) != "done" {
					t.Fatalf("%d skip_sms: %v, %v", version, got, state(p0))
				}
				p1 := delivery()
				a, ok := validate(p1, nil).(map[string]any)
				if !ok || a["res_model"] != "confirm.stock.sms" || a["type"] != "ir.actions.act_window" || a["target"] != "new" || a["name"] != "SMS" || state(p1) != "assigned" {
					t.Fatalf("%d validate answered %v, picking %v", version, a, state(p1))
				}
				wiz := int64(a["res_id"].(float64))
				if w := c.read("confirm.stock.sms", []int64{wiz}, "pick_ids")[0]; len(w["pick_ids"].([]any)) != 1 {
					t.Errorf("%d wizard %v", version, w)
				}
				actx := a["context"].(map[string]any)
				if ids, _ := actx["button_validate_picking_ids"].([]any); len(ids) != 1 || ids[0] != float64(p1) {
					t.Errorf("%d action context %v", version, actx)
				}
				// Without the action's context the wizard validates nothing.
				if got := c.call("confirm.stock.sms", method, []any{[]any{wiz}}, nil); got != true || state(p1) != "assigned" {
					t.Errorf("%d %s without context: %v, %v", version, method, got, state(p1))
				}
				// The warning has now been seen: set it back for the real run.
				c.call("res.company", "write", []any{[]any{1}, map[string]any{"has_received_warning_stock_sms": false, smsOnField(version): true}}, nil)
				if got := c.call("confirm.stock.sms", method, []any{[]any{wiz}}, map[string]any{"context": actx}); got != true || state(p1) != "done" {
					t.Fatalf("%d %s: %v, %v", version, method, got, state(p1))
				}
				co := c.read("res.company", []int64{1}, "has_received_warning_stock_sms", smsOnField(version))[0]
				if co["has_received_warning_stock_sms"] != true || co[smsOnField(version)] != (method == "send_sms") {
					t.Errorf("%d %s: company %v", version, method, co)
				}
				p2 := delivery()
				if got := validate(p2, nil); got != true || state(p2) != "done" {
					t.Errorf("%d asked again: %v, %v", version, got, state(p2))
				}
			})
		}
	}
}

// The switch at run time installs and uninstalls stock_sms; without it (the
// default) a delivery validates at once.
func TestStockSMSSwitch(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(New(Options{Version: 18, Products: 2, Partners: 1}).Handler())
	defer srv.Close()
	c := caller{t, srv.URL}
	customer := c.ids("res.partner", []any{[]any{"name", "=", "Asiakas 1"}})[0]
	c.call("stock.quant", "write", []any{c.ids("stock.quant", []any{[]any{"product_id", "=", 1}}), map[string]any{"quantity": 100.0}}, nil)
	delivery := func() int64 {
		return c.ids("stock.picking", []any{[]any{"sale_id", "=", c.confirmedOrder(customer, 10)}})[0]
	}
	if got := c.call("stock.picking", "button_validate", []any{[]any{delivery()}}, nil); got != true {
		t.Fatalf("without stock_sms: %v", got)
	}
	setSwitch(t, srv.URL, "/_sandbox/stock-sms", true)
	if a, ok := c.call("stock.picking", "button_validate", []any{[]any{delivery()}}, nil).(map[string]any); !ok || a["res_model"] != "confirm.stock.sms" {
		t.Fatalf("with stock_sms: %v", a)
	}
	setSwitch(t, srv.URL, "/_sandbox/stock-sms", false)
	if got := c.call("stock.picking", "button_validate", []any{[]any{delivery()}}, nil); got != true {
		t.Fatalf("after uninstalling: %v", got)
	}
	if name, _ := odooErr(t, kw(t, srv.URL, "confirm.stock.sms", "create", []any{map[string]any{}}, nil)); name != "builtins.ValueError" {
		t.Errorf("confirm.stock.sms without the module: %s", name)
	}
}

package odoo

import (
	"encoding/json"
	"net/http/httptest"
	"testing"
)

// odooErr decodes an execute_kw answer's error, failing when there is none.
func odooErr(t *testing.T, env map[string]json.RawMessage) (name, message string) {
	t.Helper()
	var e struct {
		Data struct{ Name, Message string }
	}
	if env["error"] == nil {
		t.Fatalf("no error: result %s", env["result"])
	}
	if err := json.Unmarshal(env["error"], &e); err != nil {
		t.Fatal(err)
	}
	return e.Data.Name, e.Data.Message
}

// A confirmed order's line cannot be removed, by unlink or by any order_line
// command that drops it, with the version's UserError; the quantity can go to
// 0 and lines can be added.
func TestConfirmedOrderLines(t *testing.T) {
	t.Parallel()
	msg18 := "Once a sales order is confirmed, you can't remove one of its lines (we need to track if something gets invoiced or delivered).\n                Set the quantity to 0 instead."
	for _, tc := range []struct {
		version int
		msg     string
	}{
		{16, "You can not remove an order line once the sales order is confirmed.\nYou should rather set the quantity to 0."},
		{17, msg18}, {18, msg18}, {19, msg18},
	} {
		t.Run("", func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(New(Options{Version: tc.version, Products: 2, Partners: 1}).Handler())
			defer srv.Close()
			c := caller{t, srv.URL}
			so := c.confirmedOrder(1, 10)
			lines := func() []any { return c.read("sale.order", []int64{so}, "order_line")[0]["order_line"].([]any) }
			line := lines()[0]
			for _, cmd := range [][]any{{[]any{2, line}}, {[]any{3, line}}, {[]any{5}}, {[]any{6, 0, []any{}}}} {
				name, msg := odooErr(t, kw(t, srv.URL, "sale.order", "write", []any{[]any{so}, map[string]any{"order_line": cmd}}, nil))
				if name != "odoo.exceptions.UserError" || msg != tc.msg {
					t.Errorf("%d write %v: %s %q", tc.version, cmd, name, msg)
				}
			}
			if name, msg := odooErr(t, kw(t, srv.URL, "sale.order.line", "unlink", []any{[]any{line}}, nil)); name != "odoo.exceptions.UserError" || msg != tc.msg {
				t.Errorf("%d unlink: %s %q", tc.version, name, msg)
			}
			if n := len(lines()); n != 1 {
				t.Fatalf("%d: %d lines after the refusals", tc.version, n)
			}
			c.call("sale.order", "write", []any{[]any{so}, map[string]any{"order_line": []any{
				[]any{1, line, map[string]any{"product_uom_qty": 0}},
				[]any{0, 0, map[string]any{"product_id": 2, "product_uom_qty": 3, "price_unit": 4}},
			}}}, nil)
			ls := lines()
			if len(ls) != 2 {
				t.Fatalf("%d: lines %v after adding one", tc.version, ls)
			}
			if q := c.read("sale.order.line", []int64{int64(line.(float64))}, "product_uom_qty")[0]["product_uom_qty"]; q != 0.0 {
				t.Errorf("%d: quantity %v", tc.version, q)
			}
			// A quotation's lines go.
			q := result[int64](t, kw(t, srv.URL, "sale.order", "create", []any{map[string]any{"partner_id": 1,
				"order_line": []any{[]any{0, 0, map[string]any{"product_id": 1, "product_uom_qty": 1}}}}}, nil))
			ql := c.read("sale.order", []int64{q}, "order_line")[0]["order_line"].([]any)
			c.call("sale.order", "write", []any{[]any{q}, map[string]any{"order_line": []any{[]any{2, ql[0]}}}}, nil)
			if got := c.ids("sale.order.line", []any{[]any{"order_id", "=", q}}); len(got) != 0 {
				t.Errorf("%d: draft line not removed: %v", tc.version, got)
			}
		})
	}
}

// action_draft moves only cancelled and sent orders back to draft; a
// confirmed order stays confirmed and the call answers true.
func TestActionDraftSkipsConfirmed(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 17, 18, 19} {
		srv := httptest.NewServer(New(Options{Version: version, Products: 2, Partners: 1}).Handler())
		defer srv.Close()
		c := caller{t, srv.URL}
		so := c.confirmedOrder(1, 10)
		if got := c.call("sale.order", "action_draft", []any{[]any{so}}, nil); got != true {
			t.Errorf("%d action_draft answered %v", version, got)
		}
		if st := c.read("sale.order", []int64{so}, "state")[0]["state"]; st != "sale" {
			t.Errorf("%d confirmed order went to %v", version, st)
		}
		c.call("sale.order", "action_cancel", []any{[]any{so}}, map[string]any{"context": map[string]any{"disable_cancel_warning": true}})
		c.call("sale.order", "action_draft", []any{[]any{so}}, nil)
		if st := c.read("sale.order", []int64{so}, "state")[0]["state"]; st != "draft" {
			t.Errorf("%d cancelled order went to %v", version, st)
		}
	}
}

// A pricelist item created without min_quantity has 0 (the field's default),
// searchable as such, and the generated pricelist has one.
func TestPricelistItemMinQuantityDefault(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 17, 18, 19} {
		srv := httptest.NewServer(New(Options{Version: version, Products: 2, Partners: 1}).Handler())
		defer srv.Close()
		c := caller{t, srv.URL}
		zero := c.ids("product.pricelist.item", []any{[]any{"min_quantity", "=", 0}})
		if len(zero) != 1 {
			t.Errorf("%d generated items with min_quantity 0: %v", version, zero)
		}
		id := result[int64](t, kw(t, srv.URL, "product.pricelist.item", "create", []any{map[string]any{"pricelist_id": 1, "compute_price": "fixed", "fixed_price": 9}}, nil))
		if !contains(c.ids("product.pricelist.item", []any{[]any{"min_quantity", "=", 0}}), id) {
			t.Errorf("%d created item not found by min_quantity = 0", version)
		}
		got := c.read("product.pricelist.item", []int64{id}, "min_quantity", "applied_on")[0]
		if got["min_quantity"] != 0.0 || got["applied_on"] != "3_global" {
			t.Errorf("%d created item: %v", version, got)
		}
	}
}

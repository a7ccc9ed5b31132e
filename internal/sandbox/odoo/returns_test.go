package odoo

import (
	"net/http/httptest"
	"testing"
)

// A return of a done delivery: the wizard with active_id and lines
// (product_id, quantity, move_id), create_returns (16, 17) or
// action_create_returns (18, 19), an incoming picking "Return of WH/OUT/…"
// (18+: return_id) that, validated, puts the quantity back on hand.
func TestReturnRestocks(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 17, 18, 19} {
		srv := httptest.NewServer(New(Options{Version: version, Products: 2, Partners: 1}).Handler())
		defer srv.Close()
		c := caller{t, srv.URL}
		prod := int64(1)
		onHand := func() float64 { return c.one("product.product", prod, "qty_available")["qty_available"].(float64) }
		kw(t, srv.URL, "stock.quant", "write", []any{c.ids("stock.quant", []any{[]any{"product_id", "=", prod}}), map[string]any{"quantity": 10}}, nil)
		switch {
		case version >= 18:
			kw(t, srv.URL, "product.product", "write", []any{[]any{prod}, map[string]any{"is_storable": true}}, nil)
		case version <= 14:
			kw(t, srv.URL, "product.product", "write", []any{[]any{prod}, map[string]any{"type": "product"}}, nil)
		default:
			kw(t, srv.URL, "product.product", "write", []any{[]any{prod}, map[string]any{"detailed_type": "product"}}, nil)
		}
		moves := pickingMoves(version) // move_lines up to 15
		so := result[int64](t, kw(t, srv.URL, "sale.order", "create", []any{map[string]any{"partner_id": 1,
			"order_line": []any{[]any{0, 0, map[string]any{"product_id": prod, "product_uom_qty": 3, "price_unit": 10}}}}}, nil))
		c.call("sale.order", "action_confirm", []any{[]any{so}}, nil)
		pick := int64(c.one("sale.order", so, "picking_ids")["picking_ids"].([]any)[0].(float64))
		move := int64(c.one("stock.picking", pick, moves)[moves].([]any)[0].(float64))
		validate := func(p, m int64, qty float64) {
			t.Helper()
			if version <= 16 {
				kw(t, srv.URL, "stock.move", "write", []any{[]any{m}, map[string]any{"quantity_done": qty}}, nil)
			}
			if r := c.call("stock.picking", "button_validate", []any{[]any{p}}, nil); r != true {
				t.Fatalf("%d button_validate answered %v", version, r)
			}
		}
		validate(pick, move, 3)
		if q := onHand(); q != 7 {
			t.Fatalf("%d on hand after delivery %v", version, q)
		}
		ctx := map[string]any{"context": map[string]any{"active_model": "stock.picking", "active_id": pick, "active_ids": []any{pick}}}
		wiz := result[int64](t, kw(t, srv.URL, "stock.return.picking", "create", []any{map[string]any{
			"product_return_moves": []any{[]any{0, 0, map[string]any{"product_id": prod, "quantity": 2, "move_id": move}}}}}, ctx))
		method, other := "create_returns", "action_create_returns"
		if version >= 18 {
			method, other = other, method
		}
		if n, _ := errName(kw(t, srv.URL, "stock.return.picking", other, []any{[]any{wiz}}, ctx)); n != "builtins.AttributeError" {
			t.Errorf("%d %s exists: %s", version, other, n)
		}
		a := c.call("stock.return.picking", method, []any{[]any{wiz}}, ctx).(map[string]any)
		ret := int64(a["res_id"].(float64))
		fields := []string{"picking_type_code", "origin", "state", moves, "sale_id"}
		if version >= 18 {
			fields = append(fields, "return_id")
		}
		r := c.one("stock.picking", ret, fields...)
		if r["picking_type_code"] != "incoming" || r["origin"] != "Return of "+c.one("stock.picking", pick, "name")["name"].(string) || r["state"] != "assigned" || m2oID(r["sale_id"]) != so {
			t.Errorf("%d return %v", version, r)
		}
		if version >= 18 && m2oID(r["return_id"]) != pick {
			t.Errorf("%d return_id %v", version, r["return_id"])
		}
		if got := c.ids("stock.picking", []any{[]any{"origin", "=like", "Return of %"}}); len(got) != 1 || got[0] != ret {
			t.Errorf("%d returns by origin %v", version, got)
		}
		rm := int64(r[moves].([]any)[0].(float64))
		validate(ret, rm, 2)
		if q := onHand(); q != 9 {
			t.Errorf("%d on hand after the return %v", version, q)
		}
		line := int64(c.one("sale.order", so, "order_line")["order_line"].([]any)[0].(float64))
		if l := c.one("sale.order.line", line, "qty_delivered"); l["qty_delivered"] != 1.0 {
			t.Errorf("%d delivered after the return %v", version, l)
		}
		// The wizard's own lines (18+: one per move at quantity 0) and its
		// return location (16, 17 only).
		loc := c.ids("stock.location", []any{[]any{"usage", "=", "internal"}})
		env := kw(t, srv.URL, "stock.return.picking", "create", []any{map[string]any{"location_id": loc[0]}}, ctx)
		if version >= 18 {
			if n, msg := errName(env); n != "builtins.ValueError" || msg != "Invalid field 'location_id' on model 'stock.return.picking'" {
				t.Errorf("%d location_id: %s %s", version, n, msg)
			}
			w := result[int64](t, kw(t, srv.URL, "stock.return.picking", "create", []any{map[string]any{}}, ctx))
			lines := c.call("stock.return.picking.line", "search_read", []any{[]any{[]any{"wizard_id", "=", w}}}, map[string]any{"fields": []string{"quantity", "move_id"}}).([]any)
			if len(lines) != 1 || lines[0].(map[string]any)["quantity"] != 0.0 || m2oID(lines[0].(map[string]any)["move_id"]) != move {
				t.Errorf("%d default lines %v", version, lines)
			}
		} else if env["error"] != nil {
			t.Errorf("%d location_id: %s", version, env["error"])
		}
		// All quantities zero.
		w0 := result[int64](t, kw(t, srv.URL, "stock.return.picking", "create", []any{map[string]any{
			"product_return_moves": []any{[]any{0, 0, map[string]any{"product_id": prod, "quantity": 0, "move_id": move}}}}}, ctx))
		if _, msg := errName(kw(t, srv.URL, "stock.return.picking", method, []any{[]any{w0}}, ctx)); msg != "Please specify at least one non-zero quantity." {
			t.Errorf("%d zero return: %s", version, msg)
		}
	}
}

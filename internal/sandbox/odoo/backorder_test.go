package odoo

import (
	"net/http/httptest"
	"testing"
)

// A delivery validated with less than the demand asks about a backorder; the
// wizard's process (or skip_backorder) makes one with the rest, and its
// process_cancel_backorder (or picking_ids_not_to_backorder) does not.
func TestBackorders(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 17, 18} {
		s := New(Options{Version: version, Products: 4, Partners: 1})
		srv := httptest.NewServer(s.Handler())
		defer srv.Close()
		moves := pickingMoves(version) // move_lines up to 15
		call := func(model, method string, args []any, kwargs map[string]any) any {
			return result[any](t, kw(t, srv.URL, model, method, args, kwargs))
		}
		// Enough stock for the orders below.
		prod := result[[]int64](t, kw(t, srv.URL, "product.product", "search", []any{[]any{[]any{"default_code", "=", "ODOO-001"}}}, nil))[0]
		q := result[[]int64](t, kw(t, srv.URL, "stock.quant", "search", []any{[]any{[]any{"product_id", "=", prod}}}, nil))
		call("stock.quant", "write", []any{q, map[string]any{"quantity": 100.0}}, nil)
		order := func() (picking, move int64) {
			so := result[int64](t, kw(t, srv.URL, "sale.order", "create", []any{map[string]any{"partner_id": 1, "order_line": []any{[]any{0, 0, map[string]any{"product_id": prod, "product_uom_qty": 5, "price_unit": 10}}}}}, nil))
			call("sale.order", "action_confirm", []any{[]any{so}}, nil)
			rows := result[[]map[string]any](t, kw(t, srv.URL, "stock.picking", "search_read", []any{[]any{[]any{"sale_id", "=", so}}}, map[string]any{"fields": []string{moves}}))
			return int64(rows[0]["id"].(float64)), int64(rows[0][moves].([]any)[0].(float64))
		}
		setDone := func(move int64, qty float64) {
			if version < 17 {
				call("stock.move", "write", []any{[]any{move}, map[string]any{"quantity_done": qty}}, nil)
			} else {
				call("stock.move", "write", []any{[]any{move}, map[string]any{"quantity": qty, "picked": true}}, nil)
			}
		}
		backorders := func(picking int64) []map[string]any {
			return result[[]map[string]any](t, kw(t, srv.URL, "stock.picking", "search_read", []any{[]any{[]any{"backorder_id", "=", picking}}}, map[string]any{"fields": []string{"state", moves, "name"}}))
		}
		state := func(picking int64) any {
			return result[[]map[string]any](t, kw(t, srv.URL, "stock.picking", "read", []any{[]any{picking}}, map[string]any{"fields": []string{"state"}}))[0]["state"]
		}

		// Two of five: the wizard, then its process makes a backorder of three.
		pk, mv := order()
		setDone(mv, 2)
		act, ok := call("stock.picking", "button_validate", []any{[]any{pk}}, nil).(map[string]any)
		if !ok || act["res_model"] != "stock.backorder.confirmation" {
			t.Fatalf("%d partial validate answered %v", version, act)
		}
		wctx := act["context"].(map[string]any)
		wiz := result[int64](t, kw(t, srv.URL, "stock.backorder.confirmation", "create", []any{map[string]any{"pick_ids": []any{[]any{4, pk}}}}, map[string]any{"context": wctx}))
		call("stock.backorder.confirmation", "process", []any{[]any{wiz}}, map[string]any{"context": wctx})
		bo := backorders(pk)
		if state(pk) != "done" || len(bo) != 1 || bo[0]["state"] != "assigned" {
			t.Fatalf("%d after process: %v %v", version, state(pk), bo)
		}
		bm := result[[]map[string]any](t, kw(t, srv.URL, "stock.move", "read", []any{bo[0][moves]}, map[string]any{"fields": []string{"product_uom_qty"}}))
		if bm[0]["product_uom_qty"] != 3.0 {
			t.Fatalf("%d backorder move %v", version, bm)
		}
		if free := result[[]map[string]any](t, kw(t, srv.URL, "product.product", "read", []any{[]any{prod}}, map[string]any{"fields": []string{"qty_available"}})); free[0]["qty_available"] != 98.0 {
			t.Fatalf("%d on hand after shipping 2 of 100: %v", version, free)
		}

		// skip_backorder without the picking in picking_ids_not_to_backorder
		// makes the backorder at once; with it, the rest is dropped.
		pk, mv = order()
		setDone(mv, 1)
		call("stock.picking", "button_validate", []any{[]any{pk}}, map[string]any{"context": map[string]any{"skip_backorder": true}})
		if bo := backorders(pk); len(bo) != 1 {
			t.Fatalf("%d skip_backorder: %v", version, bo)
		}
		pk, mv = order()
		setDone(mv, 1)
		call("stock.picking", "button_validate", []any{[]any{pk}}, map[string]any{"context": map[string]any{"skip_backorder": true, "picking_ids_not_to_backorder": []any{pk}}})
		if bo := backorders(pk); len(bo) != 0 || state(pk) != "done" {
			t.Fatalf("%d no backorder: %v", version, bo)
		}
		if version <= 16 {
			// Nothing set: the immediate transfer wizard, whose process ships all.
			pk, _ = order()
			act := call("stock.picking", "button_validate", []any{[]any{pk}}, nil).(map[string]any)
			if act["res_model"] != "stock.immediate.transfer" {
				t.Fatalf("%d without quantities: %v", version, act)
			}
			wiz := result[int64](t, kw(t, srv.URL, "stock.immediate.transfer", "create", []any{map[string]any{"pick_ids": []any{[]any{4, pk}}}}, nil))
			call("stock.immediate.transfer", "process", []any{[]any{wiz}}, nil)
			if state(pk) != "done" || len(backorders(pk)) != 0 {
				t.Fatalf("%d immediate transfer: %v", version, state(pk))
			}
		} else if env := kw(t, srv.URL, "stock.immediate.transfer", "create", []any{map[string]any{}}, nil); env["error"] == nil {
			t.Fatalf("%d has stock.immediate.transfer", version)
		}
		// The picking's moves are move_lines up to 15, move_ids from 16.
		other := map[bool]string{true: "move_ids", false: "move_lines"}[version <= 15]
		if n, _ := errName(kw(t, srv.URL, "stock.picking", "read", []any{[]any{pk}}, map[string]any{"fields": []string{other}})); n != "builtins.ValueError" {
			t.Errorf("%d stock.picking %s: %s", version, other, n)
		}
	}
}

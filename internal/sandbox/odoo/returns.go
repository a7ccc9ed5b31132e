package odoo

import "fmt"

// Returns (14, 15, 16, 18, 19: stock/wizard/stock_picking_return.py; 14
// and 15 as 16).
//
// stock.return.picking is created with context active_model "stock.picking"
// and active_id (default_get takes picking_id from it; several active_ids
// are "You may only return one picking at a time.") and product_return_moves
// (0, 0, {product_id, quantity, move_id}) lines (stock.return.picking.line).
// On 16 the lines, the return location (location_id) and the "You may only
// return Done pickings." check come from an onchange an RPC create does not
// run, so a client gives the lines and the location; 18 has no location_id
// (the return picking type's destination) and _compute_moves_locations
// (precompute) fills the lines when none are given, one per move at
// quantity 0 (_prepare_stock_return_picking_line_vals_from_move), and
// refuses a picking that is not done. create_returns (14–16; 17 assumed) or
// action_create_returns (18, 19; the other name is not a method there) makes
// the return: an incoming picking "WH/IN/n" with origin "Return of
// WH/OUT/n", the order (sale_id) and partner of the delivery, from 18
// return_id, confirmed and assigned, one move per non-zero line
// (origin_returned_move_id, the sale line kept). A line without move_id is
// "You have manually created product lines, please delete them to
// proceed."; all quantities 0 is "Please specify at least one non-zero
// quantity.". Real Odoo does not check a quantity against what was
// delivered: more is returned as asked. It answers the "Returned Picking"
// form action on the new picking. Validating the return (button_validate)
// puts the quantity back in stock (stock.quant) and lowers the sale line's
// qty_delivered.

func init() {
	modelHooks = append(modelHooks, func(version int, defs map[string]*modelDef) {
		f := func(t fieldType) *field { return &field{typ: t} }
		m2o := func(rel string) *field { return &field{typ: fMany2one, relation: rel} }
		dt := func(m map[string]*field) map[string]*field {
			m["create_date"], m["write_date"] = f(fDatetime), f(fDatetime)
			return m
		}
		wizard := dt(map[string]*field{
			"picking_id":           m2o("stock.picking"),
			"product_return_moves": {typ: fOne2many, relation: "stock.return.picking.line", inverse: "wizard_id"},
		})
		if version < 18 {
			// 16 (17 assumed): the return location, set by an onchange; 18
			// has no such field (the return type's destination).
			wizard["location_id"] = m2o("stock.location")
		}
		defs["stock.return.picking"] = &modelDef{name: "stock.return.picking", fields: wizard}
		defs["stock.return.picking.line"] = &modelDef{name: "stock.return.picking.line", fields: dt(map[string]*field{
			"product_id": {typ: fMany2one, relation: "product.product", required: true}, "quantity": f(fFloat),
			"move_id": m2o("stock.move"), "wizard_id": m2o("stock.return.picking"),
		}), defaults: func(*Server) map[string]any {
			if version >= 18 {
				return map[string]any{"quantity": 1.0}
			}
			return map[string]any{"quantity": 0.0}
		}}
		defs["stock.move"].fields["origin_returned_move_id"] = m2o("stock.move")
		if version >= 18 {
			p := defs["stock.picking"].fields
			p["return_id"] = m2o("stock.picking")
			p["return_ids"] = &field{typ: fOne2many, relation: "stock.picking", inverse: "return_id"}
		}
	})
	prepareHooks["stock.return.picking"] = func(s *Server, ids []int64, vals map[string]any) map[string]any {
		if ids != nil || s.ctx["active_model"] != "stock.picking" || vals["picking_id"] != nil {
			return vals
		}
		out := map[string]any{}
		for k, v := range vals {
			out[k] = v
		}
		if a, ok := s.ctx["active_id"].(float64); ok {
			out["picking_id"] = a
		}
		return out
	}
	createHooks["stock.return.picking"] = func(s *Server, id int64) error {
		r := s.tables["stock.return.picking"].rows[id]
		if len(idList(s.ctx["active_ids"])) > 1 {
			return userError("You may only return one picking at a time.")
		}
		lines := s.o2m(s.tables["stock.return.picking"].def.fields["product_return_moves"], id)
		if s.opts.Version < 18 || len(lines) > 0 {
			return nil
		}
		pid := asID(r["picking_id"])
		p, ok := s.tables["stock.picking"].get(pid)
		if !ok {
			return nil
		}
		if p["state"] != "done" {
			return userError("You may only return Done pickings.")
		}
		for _, m := range s.o2m(s.tables["stock.picking"].def.fields[pickingMoves(s.opts.Version)], pid) {
			mv := s.tables["stock.move"].rows[m]
			if mv["state"] == "cancel" {
				continue
			}
			// _prepare_stock_return_picking_line_vals_from_move (18): a
			// line per move at quantity 0, for the person to fill in.
			if _, err := s.create("stock.return.picking.line", map[string]any{"wizard_id": float64(id), "product_id": float64(asID(mv["product_id"])), "move_id": float64(m), "quantity": 0.0}); err != nil {
				return err
			}
		}
		if len(s.o2m(s.tables["stock.return.picking"].def.fields["product_return_moves"], id)) == 0 {
			return userError("No products to return (only lines in Done state and not fully returned yet can be returned).")
		}
		return nil
	}
	create := func(newName bool) func(s *Server, ids []int64, kw map[string]any) (any, bool, error) {
		return func(s *Server, ids []int64, kw map[string]any) (any, bool, error) {
			if newName != (s.opts.Version >= 18) {
				name := "create_returns"
				if newName {
					name = "action_create_returns"
				}
				return nil, false, s.noMethod("stock.return.picking", name)
			}
			var made int64
			for _, w := range ids {
				id, err := s.createReturn(w)
				if err != nil {
					return nil, false, err
				}
				made = id
			}
			list := "tree"
			if s.opts.Version >= 18 {
				list = "list"
			}
			ctx := map[string]any{}
			for k, v := range s.ctx {
				ctx[k] = v
			}
			p := s.tables["stock.picking"].rows[made]
			ctx["default_partner_id"] = asID(p["partner_id"])
			return map[string]any{"name": "Returned Picking", "view_mode": "form," + list + ",calendar", "res_model": "stock.picking", "res_id": made,
				"type": "ir.actions.act_window", "context": ctx}, false, nil
		}
	}
	actions["stock.return.picking.create_returns"] = create(false)
	actions["stock.return.picking.action_create_returns"] = create(true)
}

func (s *Server) stockLocation() int64 {
	for _, r := range s.tables["stock.warehouse"].rows {
		return asID(r["lot_stock_id"])
	}
	return 0
}

// createReturn is _create_returns of one wizard: the new picking's id.
func (s *Server) createReturn(w int64) (int64, error) {
	r, ok := s.tables["stock.return.picking"].get(w)
	if !ok {
		return 0, missingError("Record does not exist or has been deleted.\n(Record: stock.return.picking(%d,), User: 2)", w)
	}
	orig, ok := s.tables["stock.picking"].get(asID(r["picking_id"]))
	if !ok {
		return 0, userError("You may only return Done pickings.")
	}
	name, _ := orig["name"].(string)
	vals := map[string]any{"origin": "Return of " + name, "partner_id": float64(asID(orig["partner_id"])), "picking_type_code": "incoming", "state": "draft"}
	if so := asID(orig["sale_id"]); so != 0 {
		vals["sale_id"] = float64(so)
	}
	if s.opts.Version >= 18 {
		vals["return_id"] = float64(asID(r["picking_id"]))
	}
	pid, err := s.create("stock.picking", vals)
	if err != nil {
		return 0, err
	}
	s.setField("stock.picking", pid, "name", fmt.Sprintf("WH/IN/%05d", pid))
	n := 0
	for _, l := range s.o2m(s.tables["stock.return.picking"].def.fields["product_return_moves"], w) {
		line := s.tables["stock.return.picking.line"].rows[l]
		om, ok := s.tables["stock.move"].get(asID(line["move_id"]))
		if !ok {
			return 0, userError("You have manually created product lines, please delete them to proceed.")
		}
		q, _ := line["quantity"].(float64)
		if q == 0 {
			continue
		}
		n++
		mv := s.moveVals(asID(line["product_id"]), q, pid, asID(om["sale_line_id"]), true)
		mv["origin_returned_move_id"] = float64(asID(line["move_id"]))
		if _, err := s.create("stock.move", mv); err != nil {
			return 0, err
		}
	}
	if n == 0 {
		return 0, userError("Please specify at least one non-zero quantity.")
	}
	s.setField("stock.picking", pid, "state", "assigned")
	return pid, nil
}

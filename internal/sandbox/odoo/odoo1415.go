package odoo

import "slices"

// Odoo 14 and 15, where they differ from 16, written from their source
// (14.0: KarimGil/odoo14base, the 14.0 nightly of 2022-07-27; 15.0:
// LucasLei-python/odoo15, the 15.0 nightly of 2022-06; 16.0 for comparison:
// osamamagar/odoo16). The other files switch on the version where the
// difference sits in their own behaviour; what is only 14's and 15's is here.

func init() {
	// 15 (product/models/product_template.py _sanitize_vals, create and
	// write): a type given without detailed_type sets detailed_type (on a
	// write, when it is none of the records' type), a detailed_type without
	// type sets type; _constrains_detailed_type refuses the two apart.
	prepareHooks["product.template"] = func(s *Server, ids []int64, vals map[string]any) map[string]any {
		if s.opts.Version != 15 {
			return vals
		}
		typ, hasType := vals["type"]
		det, hasDet := vals["detailed_type"]
		if hasType == hasDet {
			return vals
		}
		out := make(map[string]any, len(vals)+1)
		for k, v := range vals {
			out[k] = v
		}
		if hasDet {
			out["type"] = det
			return out
		}
		for _, id := range ids {
			if r, ok := s.tables["product.template"].get(id); ok && r["type"] == typ {
				return vals
			}
		}
		out["detailed_type"] = typ
		return out
	}
	constraints["product.template"] = func(s *Server, id int64, vals map[string]any) error {
		if s.opts.Version != 15 {
			return nil
		}
		if r := s.tables["product.template"].rows[id]; r["type"] != r["detailed_type"] {
			return validationError("The Type of this product doesn't match the Detailed Type")
		}
		return nil
	}
}

// cancel14 is 14's and 15's sale.order action_cancel (sale/models/sale.py,
// sale_order.py): the sale.order.cancel wizard only while an order has a
// draft invoice (_show_cancel_wizard) and the context has no
// disable_cancel_warning, its action's context {default_order_id} (self.id:
// several orders, one with a draft invoice, are "Expected singleton");
// otherwise _action_cancel at once, whatever the state, and true.
func (s *Server) cancel14(ids []int64, ctx map[string]any) (any, bool, error) {
	if !truthy(ctx["disable_cancel_warning"]) {
		warn := false
		for _, id := range ids {
			o, ok := s.tables["sale.order"].get(id)
			if !ok {
				continue
			}
			for _, mid := range computeOrderInvoices(s, withID(o, id)).([]int64) {
				if s.tables["account.move"].rows[mid]["state"] == "draft" {
					warn = true
				}
			}
		}
		if warn {
			if len(ids) != 1 {
				return nil, false, valueError("Expected singleton: sale.order%s", idTuple(ids))
			}
			return map[string]any{"name": "Cancel Sales Order", "view_mode": "form", "res_model": "sale.order.cancel", "view_id": 1000,
				"type": "ir.actions.act_window", "context": map[string]any{"default_order_id": ids[0]}, "target": "new"}, false, nil
		}
	}
	return true, false, s.cancelOrders(ids)
}

// Inventory adjustments on stock.quant (stock/models/stock_quant.py).
//
// 14 has no action_apply_inventory: inventory_quantity is a computed field
// (0 outside inventory mode, the quantity in it) whose inverse, in inventory
// mode (context inventory_mode True, a stock manager), moves the difference
// at once; a create in inventory mode with inventory_quantity (only
// product_id, location_id, lot_id, package_id, owner_id besides: "Quant's
// creation is restricted, you can't do this operation.") gathers the quant
// of that product and location (or makes one) and sets it; a write in
// inventory mode of inventory_quantity with other fields is "Quant's editing
// is restricted, you can't do this operation.". Outside inventory mode
// writing inventory_quantity does nothing.
//
// 15 stores inventory_quantity (the count; a create in inventory mode
// gathers the existing quant and sets its count, applying nothing) with
// inventory_diff_quantity (count less quantity, computed when the count is
// written) and inventory_quantity_set; action_apply_inventory moves the
// difference, resets the count to 0 and answers None, or, when the quantity
// moved since the count (is_outdated), answers the stock.inventory.conflict
// wizard and applies nothing; inventory_quantity_auto_apply (the quantity)
// written in inventory mode counts and applies at once.

// inventoryMode is _is_inventory_mode: 14 wants context inventory_mode to be
// True itself, 15 any true value (the admin is a stock manager).
func (s *Server) inventoryMode() bool {
	if s.opts.Version <= 14 {
		return s.ctx["inventory_mode"] == true
	}
	return truthy(s.ctx["inventory_mode"])
}

// createOverrides answer a create before it makes a record (handled true),
// as an override of create that returns another record does.
var createOverrides = map[string]func(s *Server, vals map[string]any) (id int64, handled bool, err error){}

// gatherQuant is _gather(strict=True) without lots, packages or owners.
func (s *Server) gatherQuant(product, location int64) int64 {
	t := s.tables["stock.quant"]
	for _, id := range t.ids() {
		if r := t.rows[id]; asID(r["product_id"]) == product && asID(r["location_id"]) == location {
			return id
		}
	}
	return 0
}

func init() {
	modelHooks = append(modelHooks, func(version int, defs map[string]*modelDef) {
		q := defs["stock.quant"].fields
		switch version {
		case 14:
			q["inventory_quantity"] = &field{typ: fFloat, compute: func(s *Server, r record) any {
				if !s.inventoryMode() {
					return 0.0
				}
				return r["quantity"]
			}, set: func(s *Server, id int64, v any) error {
				if !s.inventoryMode() {
					return nil
				}
				x, ok := v.(float64)
				if !ok && v != false && v != nil {
					return valueError("Wrong value for stock.quant.inventory_quantity: %v", v)
				}
				s.setField("stock.quant", id, "quantity", x)
				return nil
			}}
		case 15:
			q["inventory_diff_quantity"] = &field{typ: fFloat}
			q["inventory_quantity_set"] = &field{typ: fBool}
			q["is_outdated"] = &field{typ: fBool, compute: func(s *Server, r record) any {
				inv, _ := r["inventory_quantity"].(float64)
				diff, _ := r["inventory_diff_quantity"].(float64)
				qty, _ := r["quantity"].(float64)
				return r["inventory_quantity_set"] == true && round2(inv-diff) != round2(qty)
			}}
			q["inventory_quantity_auto_apply"] = &field{typ: fFloat, compute: func(s *Server, r record) any { return r["quantity"] },
				set: func(s *Server, id int64, v any) error {
					if !s.inventoryMode() {
						return nil
					}
					x, _ := v.(float64)
					s.countQuant(id, x)
					_, _, err := s.applyInventory15([]int64{id})
					return err
				}}
		}
	})
	createOverrides["stock.quant"] = func(s *Server, vals map[string]any) (int64, bool, error) {
		if s.opts.Version > 15 || !s.inventoryMode() {
			return 0, false, nil
		}
		count, given := vals["inventory_quantity"]
		if s.opts.Version == 15 {
			if a, ok := vals["inventory_quantity_auto_apply"]; ok && !truthy(count) {
				count, given = a, true
			}
		}
		if !given {
			return 0, false, nil
		}
		allowed := []string{"product_id", "location_id", "lot_id", "package_id", "owner_id", "inventory_quantity"}
		if s.opts.Version == 15 {
			allowed = append(allowed, "inventory_quantity_auto_apply", "inventory_diff_quantity", "inventory_date", "user_id", "inventory_quantity_set", "is_outdated")
		}
		for k := range vals {
			if !slices.Contains(allowed, k) {
				return 0, true, userError("Quant's creation is restricted, you can't do this operation.")
			}
		}
		prod, _ := vals["product_id"].(float64)
		loc, _ := vals["location_id"].(float64)
		id := s.gatherQuant(int64(prod), int64(loc))
		if id == 0 {
			var err error
			if id, err = s.create("stock.quant", map[string]any{"product_id": prod, "location_id": loc}); err != nil {
				return 0, true, err
			}
		}
		x, _ := count.(float64)
		if s.opts.Version <= 14 {
			s.setField("stock.quant", id, "quantity", x)
		} else {
			s.countQuant(id, x)
		}
		return id, true, nil
	}
	constraints["stock.quant"] = func(s *Server, id int64, vals map[string]any) error {
		_, counted := vals["inventory_quantity"]
		switch {
		case s.opts.Version <= 14 && counted && s.inventoryMode():
			for k := range vals {
				if k != "inventory_quantity" {
					return userError("Quant's editing is restricted, you can't do this operation.")
				}
			}
		case s.opts.Version == 15 && counted:
			x, _ := s.tables["stock.quant"].rows[id]["inventory_quantity"].(float64)
			s.countQuant(id, x)
		}
		return nil
	}
}

// countQuant sets a 15 quant's count, its difference and inventory_quantity_set.
func (s *Server) countQuant(id int64, count float64) {
	r := s.tables["stock.quant"].rows[id]
	qty, _ := r["quantity"].(float64)
	if r["inventory_quantity"] != count {
		s.setField("stock.quant", id, "inventory_quantity", count)
	}
	s.setField("stock.quant", id, "inventory_diff_quantity", round2(count-qty))
	s.setField("stock.quant", id, "inventory_quantity_set", true)
}

// applyInventory15 is 15's action_apply_inventory.
func (s *Server) applyInventory15(ids []int64) (any, bool, error) {
	var outdated []int64
	for _, id := range ids {
		if r, ok := s.tables["stock.quant"].get(id); ok && computeOf(s, "stock.quant", "is_outdated", withID(r, id)) == true {
			outdated = append(outdated, id)
		}
	}
	if len(outdated) > 0 {
		ctx := map[string]any{}
		for k, v := range s.ctx {
			ctx[k] = v
		}
		ctx["default_quant_ids"], ctx["default_quant_to_fix_ids"] = ids, outdated
		return map[string]any{"name": "Conflict in Inventory Adjustment", "type": "ir.actions.act_window", "view_mode": "form",
			"views": []any{[]any{false, "form"}}, "res_model": "stock.inventory.conflict", "target": "new", "context": ctx}, false, nil
	}
	for _, id := range ids {
		r, ok := s.tables["stock.quant"].get(id)
		if !ok {
			continue
		}
		qty, _ := r["quantity"].(float64)
		diff, _ := r["inventory_diff_quantity"].(float64)
		s.setField("stock.quant", id, "quantity", round2(qty+diff))
		s.setField("stock.quant", id, "inventory_quantity", 0.0)
		s.setField("stock.quant", id, "inventory_diff_quantity", 0.0)
		s.setField("stock.quant", id, "inventory_quantity_set", false)
	}
	return nil, true, nil
}

package odoo

import "fmt"

// The business methods of the order-to-cash flow (reference §2.1, §2.2).

func init() {
	createHooks["sale.order"] = func(s *Server, id int64) error {
		r := s.tables["sale.order"].rows[id]
		if name, _ := r["name"].(string); name == "" {
			r["name"] = fmt.Sprintf("S%05d", id)
		}
		s.computeTotals(id)
		return nil
	}
	createHooks["sale.order.line"] = func(s *Server, id int64) error {
		r := s.tables["sale.order.line"].rows[id]
		// Not given, the taxes and unit price come from the product, as the
		// line's precomputed tax_id (tax_ids) and price_unit do.
		tf := lineTaxField(s.opts.Version)
		if prod, ok := s.tables["product.product"].get(asID(r["product_id"])); ok && (r[tf] == nil || r["price_unit"] == nil) {
			tmpl := s.tables["product.template"].rows[asID(prod["product_tmpl_id"])]
			if r[tf] == nil {
				taxes, _ := tmpl["taxes_id"].([]int64)
				r[tf] = append([]int64(nil), taxes...)
			}
			if r["price_unit"] == nil {
				r["price_unit"] = computeLstPrice(s, prod)
			}
		}
		if oid, ok := r["order_id"].(int64); ok {
			s.computeTotals(oid)
		}
		return nil
	}
	actions["sale.order.action_confirm"] = func(s *Server, ids []int64, kw map[string]any) (any, bool, error) {
		for _, id := range ids {
			if err := s.confirm(id); err != nil {
				return nil, false, err
			}
		}
		return true, false, nil
	}
	// action_draft (sale/models/sale_order.py, 16, 18, 19) filters the orders
	// on state in ('cancel', 'sent') and writes state draft on those: any other
	// order (a confirmed one) is left as it is, silently, and the answer is
	// True all the same.
	actions["sale.order.action_draft"] = func(s *Server, ids []int64, kw map[string]any) (any, bool, error) {
		for _, id := range ids {
			if o, ok := s.tables["sale.order"].get(id); ok && (o["state"] == "cancel" || o["state"] == "sent") {
				s.setField("sale.order", id, "state", "draft")
			}
		}
		return true, false, nil
	}
	actions["stock.quant.action_apply_inventory"] = func(s *Server, ids []int64, kw map[string]any) (any, bool, error) {
		switch s.opts.Version {
		case 14:
			// 14 has inventory mode on quants, no such method (odoo1415.go).
			return nil, false, s.noMethod("stock.quant", "action_apply_inventory")
		case 15:
			return s.applyInventory15(ids)
		}
		for _, id := range ids {
			q, ok := s.tables["stock.quant"].get(id)
			if !ok {
				continue
			}
			s.setField("stock.quant", id, "quantity", q["inventory_quantity"])
		}
		return nil, true, nil // returns None
	}
}

// setField changes one stored value (with undo and write_date).
func (s *Server) setField(model string, id int64, name string, v any) {
	t := s.tables[model]
	r, ok := t.get(id)
	if !ok {
		return
	}
	old, had := r[name], true
	oldDate := r["write_date"]
	s.onUndo(func() {
		if had {
			r[name] = old
		}
		r["write_date"] = oldDate
		t.gen++
	})
	t.gen++
	r[name] = v
	r["write_date"] = s.now()
}

// computeTotals sets the lines' subtotals and the order's amounts from prices,
// discounts and price-excluded (or included) taxes.
func (s *Server) computeTotals(id int64) {
	o, ok := s.tables["sale.order"].get(id)
	if !ok {
		return
	}
	var untaxed, tax float64
	lines := s.o2m(s.tables["sale.order"].def.fields["order_line"], id)
	for _, lid := range lines {
		l, ok := s.tables["sale.order.line"].get(lid)
		if !ok {
			continue
		}
		qty, _ := l["product_uom_qty"].(float64)
		price, _ := l["price_unit"].(float64)
		disc, _ := l["discount"].(float64)
		taxIDs, _ := l[lineTaxField(s.opts.Version)].([]int64)
		sub, lt := s.lineAmounts(qty, price, disc, taxIDs)
		l["price_subtotal"], l["price_tax"], l["price_total"] = sub, lt, round2(sub+lt)
		untaxed += sub
		tax += lt
	}
	o["amount_untaxed"], o["amount_tax"], o["amount_total"] = round2(untaxed), round2(tax), round2(untaxed+tax)
	o["currency_id"] = s.orderCurrency(o)
}

// confirm turns a quotation into a sale order with an outgoing delivery,
// reserved when stock suffices.
func (s *Server) confirm(id int64) error {
	o, ok := s.tables["sale.order"].get(id)
	if !ok {
		return missingError("Record does not exist or has been deleted.\n(Record: sale.order(%d,), User: 2)", id)
	}
	if s.opts.Version <= 15 {
		// 14, 15 (sale/models/sale.py, sale_order.py action_confirm): only
		// _get_forbidden_state_confirm, {'done', 'cancel'}, refuses; an order
		// already in sale is confirmed again, and its procurement finds
		// every line procured, so no second delivery.
		switch o["state"] {
		case "done", "cancel":
			return userError("It is not allowed to confirm an order in the following states: done, cancel")
		case "sale":
			return nil
		}
	} else if o["state"] != "draft" && o["state"] != "sent" {
		return userError("Some orders are not in a state requiring confirmation.")
	}
	s.setField("sale.order", id, "state", "sale")
	lines := s.o2m(s.tables["sale.order"].def.fields["order_line"], id)
	partner, _ := o["partner_id"].(int64)
	pv := map[string]any{"origin": o["name"], "sale_id": float64(id), "partner_id": float64(partner), "picking_type_code": "outgoing", "state": "assigned"}
	if c, ok := o["carrier_id"].(int64); ok && c != 0 {
		if _, has := s.tables["stock.picking"].def.fields["carrier_id"]; has {
			pv["carrier_id"] = float64(c)
		}
	}
	pid, err := s.create("stock.picking", pv)
	if err != nil {
		return err
	}
	s.setField("stock.picking", pid, "name", fmt.Sprintf("WH/OUT/%05d", pid))
	assigned := true
	for _, lid := range lines {
		l, _ := s.tables["sale.order.line"].get(lid)
		if l["is_delivery"] == true {
			continue
		}
		prod, _ := l["product_id"].(int64)
		qty, _ := l["product_uom_qty"].(float64)
		kind := s.productKind(prod)
		if kind == "service" {
			continue // services are not delivered from stock
		}
		free, _ := computeQty(true)(s, record{"id": prod}).(float64)
		short := kind == "storable" && free < qty
		if short {
			assigned = false
		}
		if _, err := s.create("stock.move", s.moveVals(prod, qty, pid, lid, !short)); err != nil {
			return err
		}
	}
	if !assigned {
		s.setField("stock.picking", pid, "state", "confirmed")
	}
	old, _ := o["picking_ids"].([]int64)
	s.setField("sale.order", id, "picking_ids", append(append([]int64(nil), old...), pid))
	return nil
}

// moveVals are a new delivery move's values; from 17 a reserved move's
// quantity is its reservation, which button_validate takes as done.
func (s *Server) moveVals(prod int64, qty float64, picking, line int64, reserved bool) map[string]any {
	v := map[string]any{"product_id": float64(prod), "product_uom_qty": qty, "state": "assigned", "picking_id": float64(picking), "sale_line_id": float64(line)}
	if !reserved {
		v["state"] = "confirmed"
	}
	if s.opts.Version >= 17 {
		v["quantity"], v["picked"] = 0.0, false
		if reserved {
			v["quantity"] = qty
		}
	}
	return v
}

// productKind is "service", "storable" or "consumable" (always available), by
// the template's type (14), detailed_type (15–17) or type and is_storable
// (18+).
func (s *Server) productKind(prod int64) string {
	p, _ := s.tables["product.product"].get(prod)
	tid, _ := p["product_tmpl_id"].(int64)
	t, _ := s.tables["product.template"].get(tid)
	if s.opts.Version <= 14 {
		switch t["type"] {
		case "service":
			return "service"
		case "product":
			return "storable"
		}
		return "consumable"
	}
	if s.opts.Version >= 18 {
		switch {
		case t["type"] == "service":
			return "service"
		case t["is_storable"] == true:
			return "storable"
		}
		return "consumable"
	}
	switch t["detailed_type"] {
	case "service":
		return "service"
	case "product":
		return "storable"
	}
	return "consumable"
}

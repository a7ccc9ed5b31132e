package odoo

import "slices"

// accounting adds the invoicing models and the fields that link sale orders
// to invoices: account.move and its lines, the lines' sale_line_ids, the
// sale line's invoice_lines and qty_invoiced, the order's computed
// invoice_ids and invoice_status, currencies, and the invoicing wizards.
// modelHooks adjust the model definitions of a version after they are built
// (a file's own fields and precisions).
var modelHooks []func(version int, defs map[string]*modelDef)

// legacyHooks run after every modelHook: 14's and 15's changes to the models
// the others define (odoo1415.go).
var legacyHooks []func(version int, defs map[string]*modelDef)

func accounting(version int, defs []*modelDef) (out []*modelDef) {
	f := func(t fieldType) *field { return &field{typ: t} }
	m2o := func(rel string) *field { return &field{typ: fMany2one, relation: rel} }
	o2m := func(rel, inv string) *field { return &field{typ: fOne2many, relation: rel, inverse: inv} }
	m2m := func(rel string) *field { return &field{typ: fMany2many, relation: rel} }
	base := func(extra map[string]*field) map[string]*field {
		extra["create_date"] = f(fDatetime)
		extra["write_date"] = f(fDatetime)
		return extra
	}
	byName := map[string]*modelDef{}
	for _, d := range defs {
		byName[d.name] = d
	}
	defer func() {
		all := map[string]*modelDef{}
		for _, d := range out {
			all[d.name] = d
		}
		for _, h := range modelHooks {
			h(version, all)
		}
		// Then the changes of older versions to what the hooks made.
		for _, h := range legacyHooks {
			h(version, all)
		}
		// Models a hook added.
		for _, d := range all {
			if !slices.Contains(out, d) {
				out = append(out, d)
			}
		}
	}()
	so := byName["sale.order"].fields
	so["currency_id"] = m2o("res.currency")
	so["invoice_ids"] = &field{typ: fMany2many, relation: "account.move", compute: computeOrderInvoices}
	so["invoice_status"] = &field{typ: fSelection, compute: computeInvoiceStatus}
	sol := byName["sale.order.line"].fields
	sol["invoice_lines"] = m2m("account.move.line")
	sol["qty_invoiced"] = &field{typ: fFloat, compute: computeQtyInvoiced}
	sol["qty_to_invoice"] = &field{typ: fFloat, compute: computeQtyToInvoice}
	// sale_stock/models/sale_order_line.py: what is still to deliver.
	sol["qty_to_deliver"] = &field{typ: fFloat, compute: func(s *Server, r record) any {
		qty, _ := r["product_uom_qty"].(float64)
		done, _ := r["qty_delivered"].(float64)
		return qty - done
	}}
	byName["product.pricelist"].fields["currency_id"] = m2o("res.currency")
	byName["res.company"].fields["currency_id"] = m2o("res.currency")
	wizard := base(map[string]*field{"advance_payment_method": f(fSelection), "sale_order_ids": m2m("sale.order")})
	if version <= 15 {
		// 14, 15 (sale/wizard/sale_make_invoice_advance.py): no
		// sale_order_ids, create_invoices reads the context's active_ids;
		// deduct_down_payments (default True) is _create_invoices' final.
		delete(wizard, "sale_order_ids")
		wizard["deduct_down_payments"] = f(fBool)
	}
	if version >= 18 {
		// 18, 19: one invoice per customer unless unset
		// (sale/wizard/sale_make_invoice_advance.py, default=True on both).
		wizard["consolidated_billing"] = f(fBool)
	}
	defs = append(defs,
		&modelDef{name: "res.currency", fields: base(map[string]*field{"name": f(fChar), "symbol": f(fChar), "active": f(fBool), "rounding": f(fFloat)})},
		&modelDef{name: "sale.advance.payment.inv", fields: wizard, defaults: func(s *Server) map[string]any {
			d := map[string]any{"advance_payment_method": "delivered"}
			if version <= 15 {
				d["deduct_down_payments"] = true
			}
			if version >= 18 {
				d["consolidated_billing"] = true
			}
			return d
		}},
		&modelDef{name: "account.move", fields: base(map[string]*field{
			"name": f(fChar), "move_type": f(fSelection), "state": f(fSelection), "payment_state": f(fSelection), "partner_id": m2o("res.partner"),
			"invoice_origin": f(fChar), "ref": f(fChar), "amount_untaxed": f(fFloat), "amount_tax": f(fFloat), "amount_total": f(fFloat),
			"amount_residual": f(fFloat), "invoice_date": f(fDate), "currency_id": m2o("res.currency"), "journal_id": m2o("account.journal"),
			"invoice_line_ids": o2m("account.move.line", "move_id"), "reversed_entry_id": m2o("account.move"),
		}), defaults: func(s *Server) map[string]any {
			d := map[string]any{"state": "draft", "payment_state": "not_paid", "move_type": "entry"}
			if c := s.companyCurrency(); c != 0 {
				d["currency_id"] = c
			}
			if j := s.saleJournal(); j != 0 {
				d["journal_id"] = j
			}
			return d
		}},
		&modelDef{name: "account.move.line", fields: base(map[string]*field{
			"move_id": m2o("account.move"), "product_id": m2o("product.product"), "name": f(fChar), "quantity": f(fFloat), "price_unit": f(fFloat),
			"discount": f(fFloat), "tax_ids": m2m("account.tax"), "sale_line_ids": m2m("sale.order.line"), "price_subtotal": f(fFloat),
			"price_total": f(fFloat), "display_type": f(fSelection),
		}), defaults: func(*Server) map[string]any { return map[string]any{"display_type": "product", "quantity": 1.0} }},
	)
	return defs
}

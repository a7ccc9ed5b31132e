package odoo

import (
	"slices"
	"sort"
	"strings"
)

// Invoicing sale orders (14: sale/models/sale.py, 15, 16, 18, 19: sale/models/sale_order.py
// _create_invoices, sale/wizard/sale_make_invoice_advance.py): an invoice line
// points at its sale lines (sale_line_ids), the sale line counts what its
// invoice lines bill (qty_invoiced, less credit notes), and the order's
// invoice_ids and invoice_status follow from its lines.

func init() {
	createHooks["account.move.line"] = func(s *Server, id int64) error {
		l := s.tables["account.move.line"].rows[id]
		sls, _ := l["sale_line_ids"].([]int64)
		for _, sl := range sls {
			r, ok := s.tables["sale.order.line"].get(sl)
			if !ok {
				continue
			}
			if have, _ := r["invoice_lines"].([]int64); !contains(have, id) {
				s.setField("sale.order.line", sl, "invoice_lines", append(append([]int64(nil), have...), id))
			}
		}
		taxes, _ := l["tax_ids"].([]int64)
		qty, _ := l["quantity"].(float64)
		price, _ := l["price_unit"].(float64)
		disc, _ := l["discount"].(float64)
		sub, tax := s.lineAmounts(qty, price, disc, taxes)
		l["price_subtotal"], l["price_total"] = sub, round2(sub+tax)
		if m := asID(l["move_id"]); m != 0 {
			s.computeMoveTotals(m)
		}
		return nil
	}
	createHooks["account.move"] = func(s *Server, id int64) error {
		s.computeMoveTotals(id)
		return nil
	}
	actions["sale.advance.payment.inv.create_invoices"] = createInvoices
}

// computeMoveTotals sums an invoice's lines; the residual is what is unpaid.
func (s *Server) computeMoveTotals(id int64) {
	m, ok := s.tables["account.move"].get(id)
	if !ok {
		return
	}
	lines := s.o2m(s.tables["account.move"].def.fields["invoice_line_ids"], id)
	if typ, _ := m["move_type"].(string); len(lines) == 0 || !slices.Contains(invoiceTypes, typ) {
		return
	}
	var untaxed, total float64
	for _, lid := range lines {
		l := s.tables["account.move.line"].rows[lid]
		sub, _ := l["price_subtotal"].(float64)
		tot, _ := l["price_total"].(float64)
		untaxed += sub
		total += tot
	}
	untaxed, total = round2(untaxed), round2(total)
	m["amount_untaxed"], m["amount_tax"], m["amount_total"] = untaxed, round2(total-untaxed), total
	// Once posted, what is left to pay comes from the receivable items
	// (ledger.go).
	if m["state"] != "posted" {
		m["amount_residual"] = total
	}
}

// invoiceLinesOf are the account.move.line records billing a sale line, with
// their moves.
func (s *Server) invoiceLinesOf(r record) []record {
	ids, _ := r["invoice_lines"].([]int64)
	var out []record
	for _, id := range ids {
		if l, ok := s.tables["account.move.line"].get(id); ok {
			out = append(out, l)
		}
	}
	return out
}

// computeQtyInvoiced counts invoices up and credit notes down, cancelled
// moves not at all (sale_order_line.py _compute_qty_invoiced).
func computeQtyInvoiced(s *Server, r record) any {
	var q float64
	for _, l := range s.invoiceLinesOf(r) {
		m, ok := s.tables["account.move"].get(asID(l["move_id"]))
		if !ok || m["state"] == "cancel" {
			continue
		}
		qty, _ := l["quantity"].(float64)
		switch m["move_type"] {
		case "out_invoice":
			q += qty
		case "out_refund":
			q -= qty
		}
	}
	return q
}

// computeQtyToInvoice is what is ordered (or, for products invoiced on
// delivery, delivered) and not yet invoiced, on confirmed orders only.
func computeQtyToInvoice(s *Server, r record) any {
	o, _ := s.tables["sale.order"].get(asID(r["order_id"]))
	if o["state"] != "sale" && o["state"] != "done" {
		return 0.0
	}
	invoiced := computeQtyInvoiced(s, r).(float64)
	qty, _ := r["product_uom_qty"].(float64)
	if s.invoicePolicy(asID(r["product_id"])) == "delivery" {
		qty, _ = r["qty_delivered"].(float64)
	}
	return qty - invoiced
}

func (s *Server) invoicePolicy(prod int64) string {
	p, _ := s.tables["product.product"].get(prod)
	t, _ := s.tables["product.template"].get(asID(p["product_tmpl_id"]))
	pol, _ := t["invoice_policy"].(string)
	return pol
}

func computeInvoiceStatus(s *Server, r record) any {
	if r["state"] != "sale" && r["state"] != "done" {
		return "no"
	}
	lines := s.o2m(s.tables["sale.order"].def.fields["order_line"], r["id"].(int64))
	all := len(lines) > 0
	for _, lid := range lines {
		l := withID(s.tables["sale.order.line"].rows[lid], lid)
		if q := computeQtyToInvoice(s, l).(float64); q != 0 {
			return "to invoice"
		}
		qty, _ := l["product_uom_qty"].(float64)
		if computeQtyInvoiced(s, l).(float64) < qty {
			all = false
		}
	}
	if all {
		return "invoiced"
	}
	return "no"
}

// computeOrderInvoices are the customer invoices and credit notes of the
// order's lines.
func computeOrderInvoices(s *Server, r record) any {
	var out []int64
	for _, lid := range s.o2m(s.tables["sale.order"].def.fields["order_line"], r["id"].(int64)) {
		for _, l := range s.invoiceLinesOf(s.tables["sale.order.line"].rows[lid]) {
			mid := asID(l["move_id"])
			m, ok := s.tables["account.move"].get(mid)
			if ok && (m["move_type"] == "out_invoice" || m["move_type"] == "out_refund") && !contains(out, mid) {
				out = append(out, mid)
			}
		}
	}
	slices.Sort(out)
	return out
}

func (s *Server) nothingToInvoice() error {
	switch s.opts.Version {
	case 14:
		// sale/models/sale.py _nothing_to_invoice_error: a triple-quoted
		// string, ending in a newline and the closing quotes' indentation.
		return userError("There is nothing to invoice!\n\nReason(s) of this behavior could be:\n" +
			"- You should deliver your products before invoicing them: Click on the \"truck\" icon (top-right of your screen) and follow instructions.\n" +
			"- You should modify the invoicing policy of your product: Open the product, go to the \"Sales tab\" and modify invoicing policy from \"delivered quantities\" to \"ordered quantities\".\n        ")
	case 15:
		// sale/models/sale_order.py _nothing_to_invoice_error.
		return userError("There is nothing to invoice!\n\nReason(s) of this behavior could be:\n" +
			"- You should deliver your products before invoicing them: Click on the \"truck\" icon (top-right of your screen) and follow instructions.\n" +
			"- You should modify the invoicing policy of your product: Open the product, go to the \"Sales\" tab and modify invoicing policy from \"delivered quantities\" to \"ordered quantities\". For Services, you should modify the Service Invoicing Policy to 'Prepaid'.")
	}
	if s.opts.Version >= 18 {
		return userError("Cannot create an invoice. No items are available to invoice.\n\n" +
			"To resolve this issue, please ensure that:\n" +
			"   \u2022 The products have been delivered before attempting to invoice them.\n" +
			"   \u2022 The invoicing policy of the product is configured correctly.\n\n" +
			"If you want to invoice based on ordered quantities instead:\n" +
			"   \u2022 For consumable or storable products, open the product, go to the 'General Information' tab and change the 'Invoicing Policy' from 'Delivered Quantities' to 'Ordered Quantities'.\n" +
			"   \u2022 For services (and other products), change the 'Invoicing Policy' to 'Prepaid/Fixed Price'.\n")
	}
	return userError("There is nothing to invoice!\n\nReason(s) of this behavior could be:\n" +
		"- You should deliver your products before invoicing them.\n" +
		"- You should modify the invoicing policy of your product: Open the product, go to the \"Sales\" tab and modify invoicing policy from \"delivered quantities\" to \"ordered quantities\". For Services, you should modify the Service Invoicing Policy to 'Prepaid'.")
}

// createInvoices is the wizard's create_invoices: one invoice per order, then,
// unless grouped (18+: consolidated_billing false), the invoices of one
// customer and currency (19: and delivery address) merged into the first,
// their origins joined with ", ". It answers 14–17: act_window_close, or with
// context open_invoices the orders' invoices action; 18: None (verified, see
// the reference); 19: the created invoices' action.
func createInvoices(s *Server, ids []int64, kw map[string]any) (any, bool, error) {
	orders := activeIDs(kw)
	consolidated := s.opts.Version < 18
	for _, w := range ids {
		if r, ok := s.tables["sale.advance.payment.inv"].get(w); ok {
			if so, _ := r["sale_order_ids"].([]int64); len(so) > 0 {
				orders = so
			}
			if s.opts.Version >= 18 {
				consolidated = r["consolidated_billing"] == true
			}
		}
	}
	if len(orders) == 0 {
		if s.opts.Version <= 15 {
			// 14, 15: the orders are browse(active_ids); none invoices
			// nothing (_create_invoices' nothing to invoice).
			return nil, false, s.nothingToInvoice()
		}
		return nil, false, userError("No sale order to invoice: call the wizard with active_ids in the context")
	}
	type invoice struct {
		key     []int64
		vals    map[string]any
		lines   []any
		origins []string
		refs    []string
	}
	var list []*invoice
	for _, oid := range orders {
		o, ok := s.tables["sale.order"].get(oid)
		if !ok {
			return nil, false, missingError("Record does not exist or has been deleted.\n(Record: sale.order(%d,), User: 2)", oid)
		}
		var lines []any
		for _, lid := range s.o2m(s.tables["sale.order"].def.fields["order_line"], oid) {
			l := withID(s.tables["sale.order.line"].rows[lid], lid)
			q := computeQtyToInvoice(s, l).(float64)
			if q <= 0 {
				continue
			}
			taxes, _ := l[lineTaxField(s.opts.Version)].([]int64)
			lines = append(lines, []any{0.0, 0.0, map[string]any{
				"product_id": float64(asID(l["product_id"])), "name": l["name"], "quantity": q, "price_unit": l["price_unit"],
				"discount": l["discount"], "tax_ids": []any{[]any{6.0, 0.0, floats(taxes)}}, "sale_line_ids": []any{[]any{6.0, 0.0, []any{float64(lid)}}},
			}})
		}
		if len(lines) == 0 {
			continue
		}
		partner := asID(o["partner_invoice_id"])
		if partner == 0 {
			partner = asID(o["partner_id"])
		}
		name, _ := o["name"].(string)
		ref, _ := o["client_order_ref"].(string)
		inv := &invoice{key: []int64{partner, asID(o["currency_id"])}, lines: lines, origins: []string{name}, refs: []string{ref},
			vals: map[string]any{"move_type": "out_invoice", "partner_id": float64(partner)}}
		if c := asID(o["currency_id"]); c != 0 {
			inv.vals["currency_id"] = float64(c)
		}
		if s.opts.Version >= 19 {
			inv.key = append(inv.key, asID(o["partner_shipping_id"]))
		}
		list = append(list, inv)
	}
	if len(list) == 0 {
		return nil, false, s.nothingToInvoice()
	}
	if consolidated {
		sort.SliceStable(list, func(i, j int) bool { return slices.Compare(list[i].key, list[j].key) < 0 })
		var merged []*invoice
		for _, inv := range list {
			if n := len(merged); n > 0 && slices.Equal(merged[n-1].key, inv.key) {
				m := merged[n-1]
				m.lines = append(m.lines, inv.lines...)
				if !slices.Contains(m.origins, inv.origins[0]) {
					m.origins = append(m.origins, inv.origins[0])
				}
				if !slices.Contains(m.refs, inv.refs[0]) {
					m.refs = append(m.refs, inv.refs[0])
				}
				continue
			}
			merged = append(merged, inv)
		}
		list = merged
	}
	var made []int64
	for _, inv := range list {
		inv.vals["invoice_origin"] = strings.Join(inv.origins, ", ")
		inv.vals["ref"] = strings.Join(inv.refs, ", ")
		inv.vals["invoice_line_ids"] = inv.lines
		id, err := s.create("account.move", inv.vals)
		if err != nil {
			return nil, false, err
		}
		made = append(made, id)
	}
	ctx, _ := kw["context"].(map[string]any)
	switch {
	case s.opts.Version >= 19:
		return s.viewInvoices(made, orders), false, nil
	case s.opts.Version == 18:
		return nil, true, nil
	case ctx["open_invoices"] == true:
		var all []int64
		for _, oid := range orders {
			all = append(all, computeOrderInvoices(s, withID(s.tables["sale.order"].rows[oid], oid)).([]int64)...)
		}
		slices.Sort(all)
		return s.viewInvoices(slices.Compact(all), orders), false, nil
	}
	return map[string]any{"type": "ir.actions.act_window_close"}, false, nil
}

// viewInvoices is sale.order.action_view_invoice: the customer invoices
// action with a domain for several invoices, a form on res_id for one.
func (s *Server) viewInvoices(invoices, orders []int64) map[string]any {
	ctx := map[string]any{"default_move_type": "out_invoice"}
	if len(orders) == 1 {
		o := s.tables["sale.order"].rows[orders[0]]
		ctx["default_partner_id"], ctx["default_invoice_origin"] = asID(o["partner_id"]), o["name"]
		ctx["default_partner_shipping_id"] = toFalse(asID(o["partner_shipping_id"]))
	}
	if len(invoices) == 0 {
		return map[string]any{"type": "ir.actions.act_window_close", "context": ctx}
	}
	list := "tree"
	if s.opts.Version >= 18 {
		list = "list"
	}
	a := map[string]any{"type": "ir.actions.act_window", "name": "Invoices", "res_model": "account.move", "view_mode": list + ",kanban,form", "context": ctx}
	if len(invoices) > 1 {
		a["domain"] = []any{[]any{"id", "in", invoices}}
		a["views"] = []any{[]any{false, list}, []any{false, "kanban"}, []any{false, "form"}}
	} else {
		a["res_id"] = invoices[0]
		a["views"] = []any{[]any{false, "form"}, []any{false, list}, []any{false, "kanban"}}
	}
	return a
}

func toFalse(id int64) any {
	if id == 0 {
		return false
	}
	return id
}

func floats(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = float64(id)
	}
	return out
}

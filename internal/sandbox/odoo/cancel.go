package odoo

import (
	"fmt"
	"strings"
)

// Cancelling orders and crediting invoices.
//
// sale.order.action_cancel (16, 18: sale/models/sale_order.py
// _show_cancel_wizard; 14 and 15 ask only about draft invoices, cancel14 in
// odoo1415.go) answers the sale.order.cancel wizard action for any
// order that is not a draft, unless context disable_cancel_warning, and
// cancels nothing; the wizard's action_cancel cancels. 19 has no wizard and
// cancels at once. From 17 a locked order refuses. Cancelling cancels the
// order's draft invoices and leaves posted ones as they are (_action_cancel).
//
// account.move.reversal (account/wizard/account_move_reversal.py) credits
// posted invoices: 16 reverse_moves with refund_method "refund" (a draft
// credit note), "cancel" (a posted one that settles the invoice: its
// payment_state becomes "reversed") or "modify" (that and a new draft copy);
// 18 and 19 refund_moves (draft) and modify_moves. The credit note's lines
// keep their sale lines, so the order's qty_invoiced goes down.

func init() {
	modelHooks = append(modelHooks, func(version int, defs map[string]*modelDef) {
		m2o := func(rel string) *field { return &field{typ: fMany2one, relation: rel} }
		m2m := func(rel string) *field { return &field{typ: fMany2many, relation: rel} }
		dt := func() map[string]*field {
			return map[string]*field{"create_date": {typ: fDatetime}, "write_date": {typ: fDatetime}}
		}
		if version < 19 {
			f := dt()
			f["order_id"] = &field{typ: fMany2one, relation: "sale.order", required: true}
			defs["sale.order.cancel"] = &modelDef{name: "sale.order.cancel", fields: f}
		}
		f := dt()
		f["move_ids"], f["new_move_ids"], f["journal_id"] = m2m("account.move"), m2m("account.move"), m2o("account.journal")
		f["reason"], f["date"] = &field{typ: fChar}, &field{typ: fDate}
		if version < 17 {
			f["refund_method"], f["date_mode"] = &field{typ: fSelection}, &field{typ: fSelection}
		}
		defs["account.move.reversal"] = &modelDef{name: "account.move.reversal", fields: f, defaults: func(s *Server) map[string]any {
			d := map[string]any{"date": s.now()}
			if version < 17 {
				d["refund_method"], d["date_mode"] = "refund", "custom"
			}
			return d
		}}
	})
	actions["sale.order.action_cancel"] = func(s *Server, ids []int64, kw map[string]any) (any, bool, error) {
		ctx, _ := kw["context"].(map[string]any)
		if s.opts.Version <= 15 {
			return s.cancel14(ids, ctx)
		}
		if s.opts.Version < 19 && ctx["disable_cancel_warning"] != true {
			for _, id := range ids {
				if o, ok := s.tables["sale.order"].get(id); ok && o["state"] != "draft" {
					if len(ids) > 1 {
						return nil, false, valueError("Expected singleton: sale.order%s", idTuple(ids))
					}
					return map[string]any{"name": "Cancel Sales Order", "view_mode": "form", "res_model": "sale.order.cancel", "view_id": 1000,
						"type": "ir.actions.act_window", "target": "new",
						"context": map[string]any{"default_order_id": id, "mark_so_as_canceled": true, "model_description": "Sales Order"}}, false, nil
				}
			}
		}
		return true, false, s.cancelOrders(ids)
	}
	actions["sale.order.cancel.action_cancel"] = func(s *Server, ids []int64, kw map[string]any) (any, bool, error) {
		for _, w := range ids {
			if r, ok := s.tables["sale.order.cancel"].get(w); ok {
				if err := s.cancelOrders([]int64{asID(r["order_id"])}); err != nil {
					return nil, false, err
				}
			}
		}
		return true, false, nil
	}
	reversal := func(mode string) func(s *Server, ids []int64, kw map[string]any) (any, bool, error) {
		return func(s *Server, ids []int64, kw map[string]any) (any, bool, error) {
			var made []int64
			for _, w := range ids {
				r, ok := s.tables["account.move.reversal"].get(w)
				if !ok {
					continue
				}
				m := mode
				if m == "" {
					m, _ = r["refund_method"].(string)
				}
				moves, _ := r["move_ids"].([]int64)
				if len(moves) == 0 {
					moves = activeIDs(kw)
				}
				for _, mid := range moves {
					ids, err := s.reverse(mid, r, m)
					if err != nil {
						return nil, false, err
					}
					made = append(made, ids...)
				}
				s.setField("account.move.reversal", w, "new_move_ids", made)
			}
			a := map[string]any{"name": "Reverse Moves", "type": "ir.actions.act_window", "res_model": "account.move"}
			if len(made) == 1 {
				a["view_mode"], a["res_id"] = "form", made[0]
				a["context"] = map[string]any{"default_move_type": s.tables["account.move"].rows[made[0]]["move_type"]}
			} else {
				a["view_mode"], a["domain"] = "tree,form", []any{[]any{"id", "in", made}}
			}
			return a, false, nil
		}
	}
	actions["account.move.reversal.reverse_moves"] = reversal("")
	actions["account.move.reversal.refund_moves"] = reversal("refund")
	actions["account.move.reversal.modify_moves"] = reversal("modify")
}

func idTuple(ids []int64) string {
	var parts []string
	for _, id := range ids {
		parts = append(parts, fmt.Sprint(id))
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// cancelOrders is _action_cancel: draft invoices and open deliveries are
// cancelled with the order; a done delivery refuses.
func (s *Server) cancelOrders(ids []int64) error {
	for _, id := range ids {
		o, ok := s.tables["sale.order"].get(id)
		if !ok {
			return missingError("Record does not exist or has been deleted.\n(Record: sale.order(%d,), User: 2)", id)
		}
		if o["locked"] == true {
			return userError("You cannot cancel a locked order. Please unlock it first.")
		}
		pids := s.o2m(s.tables["sale.order"].def.fields["picking_ids"], id)
		if s.opts.Version >= 16 {
			for _, pid := range pids {
				if p, _ := s.tables["stock.picking"].get(pid); p["state"] == "done" {
					return userError("You cannot cancel a sales order that has a done delivery: %s", o["name"])
				}
			}
		}
		for _, pid := range pids {
			// sale_stock _action_cancel: the pickings not done are cancelled
			// (14, 15 refuse nothing: a done delivery stays done).
			if p, _ := s.tables["stock.picking"].get(pid); p["state"] != "done" {
				s.setField("stock.picking", pid, "state", "cancel")
			}
		}
		for _, mid := range computeOrderInvoices(s, withID(o, id)).([]int64) {
			if s.tables["account.move"].rows[mid]["state"] == "draft" {
				s.setField("account.move", mid, "state", "cancel")
			}
		}
		s.setField("sale.order", id, "state", "cancel")
	}
	return nil
}

// reverse makes a credit note of a posted invoice: "refund" leaves it draft,
// "cancel" posts it and settles the invoice, "modify" also makes a new draft
// copy of the invoice.
func (s *Server) reverse(mid int64, wiz record, mode string) ([]int64, error) {
	m, ok := s.tables["account.move"].get(mid)
	if !ok {
		return nil, missingError("Record does not exist or has been deleted.\n(Record: account.move(%d,), User: 2)", mid)
	}
	if m["state"] != "posted" {
		return nil, userError("You can only reverse posted moves.")
	}
	name, _ := m["name"].(string)
	ref := "Reversal of: " + name
	if reason, _ := wiz["reason"].(string); reason != "" {
		ref += ", " + reason
	}
	typ := "out_refund"
	if m["move_type"] == "out_refund" {
		typ = "out_invoice"
	}
	vals := map[string]any{"move_type": typ, "partner_id": float64(asID(m["partner_id"])), "invoice_origin": m["invoice_origin"], "ref": ref,
		"reversed_entry_id": float64(mid), "currency_id": float64(asID(m["currency_id"])), "invoice_line_ids": s.copyLines(mid)}
	if j := asID(wiz["journal_id"]); j != 0 {
		vals["journal_id"] = float64(j)
	}
	rid, err := s.create("account.move", vals)
	if err != nil {
		return nil, err
	}
	out := []int64{rid}
	if mode == "cancel" || mode == "modify" {
		if m["payment_state"] == "paid" {
			return nil, userError("You cannot \"modify\" nor \"cancel\" if the invoice is already reconciled.")
		}
		if _, _, err := actions["account.move.action_post"](s, []int64{rid}, nil); err != nil {
			return nil, err
		}
		// _reverse_moves(cancel=True) reconciles the two (17+: already done
		// by _post): the invoice is "reversed", the credit note "paid".
		if s.opts.Version < 17 {
			if err := s.reconcileReversed(mid, rid); err != nil {
				return nil, err
			}
		}
	}
	if mode == "modify" {
		nid, err := s.create("account.move", map[string]any{"move_type": m["move_type"], "partner_id": float64(asID(m["partner_id"])),
			"invoice_origin": m["invoice_origin"], "currency_id": float64(asID(m["currency_id"])), "invoice_line_ids": s.copyLines(mid)})
		if err != nil {
			return nil, err
		}
		out = []int64{nid}
	}
	return out, nil
}

// copyLines are create commands for a move's lines, sale lines kept.
func (s *Server) copyLines(mid int64) []any {
	var out []any
	for _, lid := range s.o2m(s.tables["account.move"].def.fields["invoice_line_ids"], mid) {
		l := s.tables["account.move.line"].rows[lid]
		taxes, _ := l["tax_ids"].([]int64)
		sls, _ := l["sale_line_ids"].([]int64)
		out = append(out, []any{0.0, 0.0, map[string]any{"product_id": float64(asID(l["product_id"])), "name": l["name"], "quantity": l["quantity"],
			"price_unit": l["price_unit"], "discount": l["discount"], "tax_ids": []any{[]any{6.0, 0.0, floats(taxes)}}, "sale_line_ids": []any{[]any{6.0, 0.0, floats(sls)}}}})
	}
	return out
}

package odoo

// Credit notes (account/models/account_move.py _post, _reverse_moves,
// _reconcile_reversed_moves; account/wizard/account_move_reversal.py).
//
// A credit note is an out_refund, made by the reversal wizard or by
// account.move create (move_type out_refund, partner_id, reversed_entry_id,
// ref, invoice_origin, invoice_line_ids with product_id, quantity,
// price_unit, tax_ids), its totals computed as an invoice's (taxes.go).
// Posting it writes its receivable item (a credit). From 17 (18 and 19 read;
// 17 assumed) _post reconciles a credit note whose reversed_entry_id is
// posted with that invoice's open receivable: the invoice's residual goes
// down by the credit note's total; when nothing is left and only credit notes
// matched it, its payment_state is "reversed", otherwise "partial" (or
// "paid" if a payment took the rest); the credit note itself, fully used, is
// "paid" (_compute_payment_state reverses only an invoice against credit
// notes). On 16 only refund_method "cancel" or "modify" reconciles
// (_reverse_moves(cancel=True)); a credit note posted later stays open, and
// account.move.js_assign_outstanding_line or account.move.line.reconcile
// applies it. Real Odoo does not refuse a credit note larger than its
// invoice: the invoice is settled and the credit note keeps the rest
// ("partial").

// afterPost writes a posted move's journal items and, from 17, reconciles a
// credit note with the invoice it reverses.
func (s *Server) afterPost(id int64) error {
	if err := s.postLedger(id); err != nil {
		return err
	}
	m := s.tables["account.move"].rows[id]
	orig := asID(m["reversed_entry_id"])
	if s.opts.Version < 17 || orig == 0 {
		return nil
	}
	return s.reconcileReversed(orig, id)
}

// reconcileReversed matches the open receivables of an invoice and its
// credit note.
func (s *Server) reconcileReversed(orig, credit int64) error {
	if o, ok := s.tables["account.move"].get(orig); !ok || o["state"] != "posted" {
		return nil
	}
	var lines []int64
	for _, l := range append(s.receivables(orig), s.receivables(credit)...) {
		if s.tables["account.move.line"].rows[l]["reconciled"] != true {
			lines = append(lines, l)
		}
	}
	if len(lines) < 2 {
		return nil
	}
	_, _, err := s.reconcile(lines)
	return err
}

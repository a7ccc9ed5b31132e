package odoo

import (
	"slices"
	"time"
)

// Payments (reference §2.1 step 6; 16, 18, 19:
// account/wizard/account_payment_register.py, account/models/account_payment.py).
//
// account.payment.register is created with context active_model
// "account.move" and active_ids (or "account.move.line" and the items); its
// default_get keeps the receivable items with something left to pay. 16 and
// 17 refuse a move that is not posted ("You can only register payment for
// posted journal entries."); 18 and 19 accept drafts (is_register_payment_on_draft):
// the payment is made and linked (matched_payment_ids, invoice_ids) but not
// reconciled, the draft invoice staying not_paid. Nothing left to pay is 16–18
// "You can't register a payment because there is nothing left to pay on the
// selected journal items." and 19's longer message. Defaults: the first bank
// or cash journal, the residual, today, the move's name as communication.
//
// action_create_payments makes one account.payment (one per invoice when
// several are paid without group_payment) with amount, date, journal_id,
// partner_id, payment_type inbound, partner_type customer, and the
// communication in ref (14–17) or memo (18, 19: _create_payment_vals_from_wizard),
// and a posted entry ("P" + journal code: payment_sequence) of the outstanding
// receipts account against the receivable, reconciled with the invoice.
// Less than the residual leaves the invoice "partial" (payment_difference_handling
// "open", the default). The payment's state is "posted" on 14–17 (its
// move's); from 18 "in_process", "paid" once its invoices are paid
// (_compute_state; community always gives payments an outstanding account,
// account_payment.py create). It answers the payment's form action (res_id),
// or for several a domain, or true with context dont_redirect_to_payments.

func init() {
	modelHooks = append(modelHooks, func(version int, defs map[string]*modelDef) {
		f := func(t fieldType) *field { return &field{typ: t} }
		m2o := func(rel string) *field { return &field{typ: fMany2one, relation: rel} }
		m2m := func(rel string) *field { return &field{typ: fMany2many, relation: rel} }
		pay := map[string]*field{
			"name": f(fChar), "date": f(fDate), "amount": f(fFloat), "payment_type": f(fSelection), "partner_type": f(fSelection),
			"journal_id": m2o("account.journal"), "partner_id": m2o("res.partner"), "currency_id": m2o("res.currency"), "move_id": m2o("account.move"),
			"state": f(fSelection), "is_reconciled": f(fBool), "is_matched": f(fBool), "payment_reference": f(fChar),
			"reconciled_invoice_ids": {typ: fMany2many, relation: "account.move", compute: computeReconciledInvoices},
			"create_date":            f(fDatetime), "write_date": f(fDatetime),
		}
		if version >= 18 {
			pay["memo"] = f(fChar)
			pay["invoice_ids"] = m2m("account.move")
			defs["account.move"].fields["matched_payment_ids"] = m2m("account.payment")
		} else {
			pay["ref"] = f(fChar)
		}
		defs["account.payment"] = &modelDef{name: "account.payment", fields: pay, defaults: func(s *Server) map[string]any {
			return map[string]any{"state": "draft", "date": s.now(), "payment_type": "inbound", "partner_type": "customer", "currency_id": s.companyCurrency()}
		}}
		defs["account.payment.register"] = &modelDef{name: "account.payment.register", fields: map[string]*field{
			"journal_id": m2o("account.journal"), "amount": f(fFloat), "payment_date": f(fDate), "communication": f(fChar),
			"partner_id": m2o("res.partner"), "line_ids": m2m("account.move.line"), "group_payment": f(fBool),
			"payment_difference_handling": f(fSelection), "currency_id": m2o("res.currency"),
			"create_date": f(fDatetime), "write_date": f(fDatetime),
		}, defaults: func(s *Server) map[string]any {
			return map[string]any{"payment_date": s.now(), "payment_difference_handling": "open", "currency_id": s.companyCurrency()}
		}}
	})
	createHooks["account.payment.register"] = func(s *Server, id int64) error {
		w := s.tables["account.payment.register"].rows[id]
		if ls, _ := w["line_ids"].([]int64); len(ls) > 0 {
			return nil // a write, or lines given
		}
		lines, moves, err := s.payableLines(s.ctx)
		if err != nil {
			return err
		}
		w["line_ids"] = lines
		var residual float64
		for _, l := range lines {
			r, _ := s.tables["account.move.line"].rows[l]["amount_residual"].(float64)
			residual += r
		}
		for _, m := range moves {
			if mv := s.tables["account.move"].rows[m]; mv["state"] == "draft" {
				t, _ := mv["amount_total"].(float64)
				residual += t
			}
		}
		if residual < 0 {
			residual = -residual
		}
		if w["amount"] == nil {
			w["amount"] = round2(residual)
		}
		if asID(w["journal_id"]) == 0 {
			w["journal_id"] = s.bankJournal()
		}
		if len(moves) > 0 {
			m := s.tables["account.move"].rows[moves[0]]
			if w["communication"] == nil {
				w["communication"] = m["name"]
			}
			if asID(w["partner_id"]) == 0 {
				w["partner_id"] = m["partner_id"]
			}
		}
		return nil
	}
	actions["account.payment.register.action_create_payments"] = func(s *Server, ids []int64, kw map[string]any) (any, bool, error) {
		ctx, _ := kw["context"].(map[string]any)
		var made []int64
		for _, w := range ids {
			ps, err := s.createPayments(w, ctx)
			if err != nil {
				return nil, false, err
			}
			made = append(made, ps...)
		}
		if truthy(ctx["dont_redirect_to_payments"]) {
			return true, false, nil
		}
		a := map[string]any{"name": "Payments", "type": "ir.actions.act_window", "res_model": "account.payment", "context": map[string]any{"create": false}}
		if len(made) == 1 {
			a["view_mode"], a["res_id"] = "form", made[0]
		} else {
			list := "tree"
			if s.opts.Version >= 18 {
				list = "list"
			}
			a["view_mode"], a["domain"] = list+",form", []any{[]any{"id", "in", made}}
		}
		return a, false, nil
	}
}

// bankJournal is the first bank or cash journal.
func (s *Server) bankJournal() int64 {
	t := s.tables["account.journal"]
	for _, id := range t.ids() {
		if ty := t.rows[id]["type"]; ty == "bank" || ty == "cash" {
			return id
		}
	}
	return 0
}

// payableLines is the wizard's default_get: the receivable items left to pay
// of the context's moves (or items), and the moves.
func (s *Server) payableLines(ctx map[string]any) ([]int64, []int64, error) {
	ids := idList(ctx["active_ids"])
	if len(ids) == 0 {
		ids = idList(ctx["active_id"])
	}
	var moves, candidates []int64
	switch ctx["active_model"] {
	case "account.move":
		for _, m := range ids {
			if _, ok := s.tables["account.move"].get(m); !ok {
				return nil, nil, missingError("Record does not exist or has been deleted.\n(Record: account.move(%d,), User: 2)", m)
			}
			moves = append(moves, m)
			candidates = append(candidates, s.receivables(m)...)
		}
	case "account.move.line":
		for _, l := range ids {
			r, ok := s.tables["account.move.line"].get(l)
			if !ok {
				return nil, nil, missingError("Record does not exist or has been deleted.\n(Record: account.move.line(%d,), User: 2)", l)
			}
			candidates = append(candidates, l)
			if m := asID(r["move_id"]); !slices.Contains(moves, m) {
				moves = append(moves, m)
			}
		}
	default:
		return nil, nil, userError("The register payment wizard should only be called on account.move or account.move.line records.")
	}
	drafts := false
	for _, m := range moves {
		if st := s.tables["account.move"].rows[m]["state"]; st != "posted" {
			if s.opts.Version < 18 || st != "draft" {
				return nil, nil, userError("You can only register payment for posted journal entries.")
			}
			drafts = true
		}
	}
	var lines []int64
	for _, l := range candidates {
		if r, _ := s.tables["account.move.line"].rows[l]["amount_residual"].(float64); r != 0 && s.tables["account.move.line"].rows[l]["reconciled"] != true {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 && !drafts {
		if s.opts.Version >= 19 {
			return nil, nil, userError("There's nothing left to pay for the selected journal items, so no payment registration is necessary. You've got your finances under control like a boss!")
		}
		return nil, nil, userError("You can't register a payment because there is nothing left to pay on the selected journal items.")
	}
	return lines, moves, nil
}

// createPayments is _create_payments of one wizard.
func (s *Server) createPayments(wid int64, ctx map[string]any) ([]int64, error) {
	w, ok := s.tables["account.payment.register"].get(wid)
	if !ok {
		return nil, missingError("Record does not exist or has been deleted.\n(Record: account.payment.register(%d,), User: 2)", wid)
	}
	lines, _ := w["line_ids"].([]int64)
	var moves []int64
	for _, l := range lines {
		if m := asID(s.tables["account.move.line"].rows[l]["move_id"]); !slices.Contains(moves, m) {
			moves = append(moves, m)
		}
	}
	if ctx["active_model"] == "account.move" {
		for _, m := range idList(ctx["active_ids"]) {
			if mv, ok := s.tables["account.move"].get(m); ok && mv["state"] == "draft" && s.opts.Version >= 18 && !slices.Contains(moves, m) {
				moves = append(moves, m)
			}
		}
	}
	if len(moves) == 0 {
		return nil, userError("You can't open the register payment wizard without at least one receivable/payable line.")
	}
	journal := asID(w["journal_id"])
	if journal == 0 {
		journal = s.bankJournal()
	}
	date, _ := w["payment_date"].(time.Time)
	memo, _ := w["communication"].(string)
	amount, _ := w["amount"].(float64)
	if len(moves) == 1 || w["group_payment"] == true {
		p, err := s.makePayment(journal, asID(w["partner_id"]), amount, date, memo, moves, lines)
		return []int64{p}, err
	}
	// One payment per invoice, each of its whole residual.
	var out []int64
	for _, m := range moves {
		mv := s.tables["account.move"].rows[m]
		var own []int64
		res, _ := mv["amount_residual"].(float64)
		for _, l := range lines {
			if asID(s.tables["account.move.line"].rows[l]["move_id"]) == m {
				own = append(own, l)
			}
		}
		name, _ := mv["name"].(string)
		p, err := s.makePayment(journal, asID(mv["partner_id"]), res, date, name, []int64{m}, own)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// makePayment posts a payment of amount and reconciles it with lines.
func (s *Server) makePayment(journal, partner int64, amount float64, date time.Time, memo string, moves, lines []int64) (int64, error) {
	if date.IsZero() {
		date = s.now()
	}
	sign := 1.0 // money in: the receivable is credited
	for _, l := range lines {
		if r, _ := s.tables["account.move.line"].rows[l]["amount_residual"].(float64); r < 0 {
			sign = -1
		}
	}
	if len(lines) == 0 && len(moves) > 0 && s.tables["account.move"].rows[moves[0]]["move_type"] == "out_refund" {
		sign = -1
	}
	if partner == 0 && len(moves) > 0 {
		partner = asID(s.tables["account.move"].rows[moves[0]]["partner_id"])
	}
	vals := map[string]any{"amount": round2(amount), "date": date.Format("2006-01-02"), "journal_id": float64(journal), "payment_type": "inbound", "partner_type": "customer"}
	if sign < 0 {
		vals["payment_type"] = "outbound"
	}
	if partner != 0 {
		vals["partner_id"] = float64(partner)
	}
	if s.opts.Version >= 18 {
		vals["memo"] = memo
	} else {
		vals["ref"] = memo
	}
	pid, err := s.create("account.payment", vals)
	if err != nil {
		return 0, err
	}
	name := s.nextName(s.entryPrefix(journal, "entry", date, true))
	mid, err := s.create("account.move", map[string]any{"move_type": "entry", "journal_id": float64(journal), "partner_id": float64(partner), "ref": memo,
		"date": date.Format("2006-01-02"), paymentLink(s.opts.Version): float64(pid)})
	if err != nil {
		return 0, err
	}
	s.setField("account.move", mid, "state", "posted")
	s.setField("account.move", mid, "name", name)
	outstanding := s.account("outstanding")
	if s.opts.Version <= 14 {
		// 14: the journal's own outstanding receipts (payments) account.
		field := "payment_debit_account_id"
		if sign < 0 {
			field = "payment_credit_account_id"
		}
		if a := asID(s.tables["account.journal"].rows[journal][field]); a != 0 {
			outstanding = a
		}
	}
	if _, err := s.ledgerLine(mid, outstanding, partner, name, sign*amount, "product"); err != nil {
		return 0, err
	}
	recv, err := s.ledgerLine(mid, s.account("receivable"), partner, name, -sign*amount, "payment_term")
	if err != nil {
		return 0, err
	}
	s.setField("account.payment", pid, "move_id", mid)
	s.setField("account.payment", pid, "name", name)
	s.setField("account.payment", pid, "state", "posted")
	if s.opts.Version >= 18 {
		s.setField("account.payment", pid, "state", "in_process")
		s.setField("account.payment", pid, "invoice_ids", append([]int64(nil), moves...))
		for _, m := range moves {
			have, _ := s.tables["account.move"].rows[m]["matched_payment_ids"].([]int64)
			s.setField("account.move", m, "matched_payment_ids", append(append([]int64(nil), have...), pid))
		}
	}
	var posted []int64
	for _, l := range lines {
		if s.tables["account.move"].rows[asID(s.tables["account.move.line"].rows[l]["move_id"])]["state"] == "posted" {
			posted = append(posted, l)
		}
	}
	if len(posted) > 0 {
		if _, _, err := s.reconcile(append(posted, recv)); err != nil {
			return 0, err
		}
	}
	s.refreshPayment(pid)
	return pid, nil
}

// refreshPayment is _compute_state (18+) and is_reconciled.
func (s *Server) refreshPayment(pid int64) {
	p, ok := s.tables["account.payment"].get(pid)
	if !ok {
		return
	}
	all := true
	for _, l := range s.receivables(asID(p["move_id"])) {
		if s.tables["account.move.line"].rows[l]["reconciled"] != true {
			all = false
		}
	}
	if p["is_reconciled"] != all {
		s.setField("account.payment", pid, "is_reconciled", all)
	}
	if s.opts.Version < 18 || p["state"] != "in_process" {
		return
	}
	invs, _ := p["invoice_ids"].([]int64)
	paid := len(invs) > 0
	for _, m := range invs {
		if s.tables["account.move"].rows[m]["payment_state"] != "paid" {
			paid = false
		}
	}
	if paid {
		s.setField("account.payment", pid, "state", "paid")
	}
}

// computeReconciledInvoices are the invoices a payment's items are matched
// with.
func computeReconciledInvoices(s *Server, r record) any {
	out := []int64{}
	mine := s.receivables(asID(r["move_id"]))
	for _, p := range s.tables["account.partial.reconcile"].rows {
		var other int64
		switch {
		case slices.Contains(mine, asID(p["debit_move_id"])):
			other = asID(p["credit_move_id"])
		case slices.Contains(mine, asID(p["credit_move_id"])):
			other = asID(p["debit_move_id"])
		default:
			continue
		}
		m := asID(s.tables["account.move.line"].rows[other]["move_id"])
		if t, _ := s.tables["account.move"].rows[m]["move_type"].(string); t != "entry" && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	slices.Sort(out)
	return out
}

// pay pays a posted invoice in full in the first bank journal.
func (s *Server) pay(id int64) error {
	m, ok := s.tables["account.move"].get(id)
	if !ok {
		return missingError("Record does not exist or has been deleted.\n(Record: account.move(%d,), User: 2)", id)
	}
	if m["state"] != "posted" {
		return userError("You can only register payment for posted journal entries.")
	}
	lines, _, err := s.payableLines(map[string]any{"active_model": "account.move", "active_ids": []any{float64(id)}})
	if err != nil {
		return err
	}
	res, _ := m["amount_residual"].(float64)
	name, _ := m["name"].(string)
	_, err = s.makePayment(s.bankJournal(), asID(m["partner_id"]), res, s.now(), name, []int64{id}, lines)
	return err
}

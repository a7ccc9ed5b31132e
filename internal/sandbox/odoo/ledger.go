package odoo

import (
	"fmt"
	"slices"
	"strings"
)

// The ledger under invoices, payments, credit notes and bank statement lines
// (16, 18, 19: account/models/account_move.py, account_move_line.py,
// account_partial_reconcile.py): a posted invoice has a receivable journal
// item (display_type payment_term) whose amount_residual is what is unpaid;
// account.move.line.reconcile matches debit and credit items of one
// reconcilable account by account.partial.reconcile records (an
// account.full.reconcile once nothing is left); the invoice's amount_residual
// and payment_state follow from its receivable items as _compute_payment_state
// has it: nothing left and a payment or statement line among the counterparts
// is "paid" (community's _get_invoice_in_payment_state answers "paid", never
// "in_payment", which needs account_accountant); nothing left and only credit
// notes (and entries) against an invoice is "reversed"; something matched and
// something left is "partial". Journal items exist once the move is posted
// (Odoo keeps them in draft too; nothing here reads them before).

// seedAccount is an account of the seeded chart.
type seedAccount struct {
	key, code, name, typ string
	reconcile            bool
}

// seedAccounts is the generic chart's accounts ferry's steps touch, as real
// databases have them: 16's l10n_generic_coa numbers the bank suspense
// account 101401, outstanding receipts 101402, outstanding payments 101403
// and the bank 101404; 18's account template (17 assumed) the bank 101401,
// suspense 101402, outstanding receipts 101403 and payments 101404. Bank
// fees are 620000 in both ("6200" padded to code_digits 6).
func seedAccounts(version int) []seedAccount {
	out := []seedAccount{
		{"receivable", "121000", "Account Receivable", "asset_receivable", true},
		{"cash", "101501", "Cash", "asset_cash", false},
		{"income", "400000", "Product Sales", "income", false},
		{"tax", "251000", "Tax Received", "liability_current", false},
		{"fees", "620000", "Bank Fees", "expense", false},
	}
	if version <= 14 {
		// 14 (derived from its source, not seen on a server):
		// chart_template.py _load makes the suspense account first, then
		// the Cash journal (101501 and its own outstanding accounts) and the
		// Bank journal, whose liquidity account and outstanding receipts and
		// payments (account_journal.py _fill_missing_values) take the next
		// free codes of the bank prefix 1014.
		return append(out,
			seedAccount{"suspense", "101401", "Bank Suspense Account", "asset_current", false},
			seedAccount{"bank", "101402", "Bank", "asset_cash", false},
			seedAccount{"outstanding", "101403", "Outstanding Receipts", "asset_current", true},
			seedAccount{"outstanding_pay", "101404", "Outstanding Payments", "asset_current", true})
	}
	if version < 17 {
		// 15 (its chart_template.py makes the company's outstanding
		// accounts after the suspense one, before the journals) as 16.
		return append(out,
			seedAccount{"suspense", "101401", "Bank Suspense Account", "asset_current", false},
			seedAccount{"outstanding", "101402", "Outstanding Receipts", "asset_current", true},
			seedAccount{"outstanding_pay", "101403", "Outstanding Payments", "asset_current", true},
			seedAccount{"bank", "101404", "Bank", "asset_cash", false})
	}
	return append(out,
		seedAccount{"bank", "101401", "Bank", "asset_cash", false},
		seedAccount{"suspense", "101402", "Bank Suspense Account", "asset_current", false},
		seedAccount{"outstanding", "101403", "Outstanding Receipts", "asset_current", true},
		seedAccount{"outstanding_pay", "101404", "Outstanding Payments", "asset_current", true})
}

// invoiceTypes are the moves that have a payment_state that matters.
var invoiceTypes = []string{"out_invoice", "out_refund", "in_invoice", "in_refund", "out_receipt", "in_receipt"}

func init() {
	modelHooks = append(modelHooks, func(version int, defs map[string]*modelDef) {
		f := func(t fieldType) *field { return &field{typ: t} }
		m2o := func(rel string) *field { return &field{typ: fMany2one, relation: rel} }
		dt := func(m map[string]*field) map[string]*field {
			m["create_date"], m["write_date"] = f(fDatetime), f(fDatetime)
			return m
		}
		defs["account.account"] = &modelDef{name: "account.account", fields: dt(map[string]*field{
			"code": {typ: fChar, required: true}, "name": {typ: fChar, required: true}, "account_type": f(fSelection), "reconcile": f(fBool),
		}), display: func(s *Server, id int64, r record) string {
			code, _ := r["code"].(string)
			name, _ := r["name"].(string)
			return strings.TrimSpace(code + " " + name)
		}, defaults: func(*Server) map[string]any { return map[string]any{"account_type": "asset_current"} }}
		if version <= 15 {
			// 14, 15: the kind of an account is its user_type_id
			// (account.account.type, account/data/data_account_type.xml),
			// internal_type and internal_group related to it; account_type
			// is 16's (account/models/account_account.py).
			a := defs["account.account"]
			delete(a.fields, "account_type")
			a.fields["user_type_id"] = &field{typ: fMany2one, relation: "account.account.type", required: true}
			a.fields["internal_type"] = &field{typ: fSelection, compute: func(s *Server, r record) any { return s.accountTypeRecord(r)["type"] }}
			a.fields["internal_group"] = &field{typ: fSelection, compute: func(s *Server, r record) any { return s.accountTypeRecord(r)["internal_group"] }}
			a.defaults = nil
			defs["account.account.type"] = &modelDef{name: "account.account.type", fields: dt(map[string]*field{
				"name": {typ: fChar, required: true}, "type": f(fSelection), "internal_group": f(fSelection),
			})}
		}
		defs["account.partial.reconcile"] = &modelDef{name: "account.partial.reconcile", fields: dt(map[string]*field{
			"debit_move_id": m2o("account.move.line"), "credit_move_id": m2o("account.move.line"), "amount": f(fFloat), "full_reconcile_id": m2o("account.full.reconcile"),
		})}
		defs["account.full.reconcile"] = &modelDef{name: "account.full.reconcile", fields: dt(map[string]*field{
			"name": f(fChar), "reconciled_line_ids": {typ: fOne2many, relation: "account.move.line", inverse: "full_reconcile_id"},
		})}
		j := defs["account.journal"].fields
		j["default_account_id"], j["suspense_account_id"] = m2o("account.account"), m2o("account.account")
		mv := defs["account.move"].fields
		// invoice_line_ids are the product lines (its domain on display_type);
		// line_ids every journal item.
		mv["invoice_line_ids"].filter = func(r record) bool {
			d, _ := r["display_type"].(string)
			return d == "product" || d == "line_section" || d == "line_note"
		}
		mv["line_ids"] = &field{typ: fOne2many, relation: "account.move.line", inverse: "move_id"}
		mv["statement_line_id"] = m2o("account.bank.statement.line")
		mv[paymentLink(version)] = m2o("account.payment")
		mv["narration"] = f(fText)
		mv["date"] = f(fDate)
		l := defs["account.move.line"].fields
		l["account_id"], l["partner_id"] = m2o("account.account"), m2o("res.partner")
		l["debit"], l["credit"], l["balance"], l["amount_residual"] = f(fFloat), f(fFloat), f(fFloat), f(fFloat)
		l["reconciled"] = f(fBool)
		l["full_reconcile_id"] = m2o("account.full.reconcile")
		l["matched_debit_ids"] = &field{typ: fOne2many, relation: "account.partial.reconcile", inverse: "credit_move_id"}
		l["matched_credit_ids"] = &field{typ: fOne2many, relation: "account.partial.reconcile", inverse: "debit_move_id"}
		l["parent_state"] = &field{typ: fSelection, compute: func(s *Server, r record) any {
			m, _ := s.tables["account.move"].get(asID(r["move_id"]))
			return m["state"]
		}}
	})
	// A line moved to another account (a statement line's suspense item
	// pointed at the receivable) owes its balance there if the account
	// reconciles, nothing otherwise (_compute_amount_residual).
	constraints["account.move.line"] = func(s *Server, id int64, vals map[string]any) error {
		if _, ok := vals["account_id"]; !ok {
			return nil
		}
		l := s.tables["account.move.line"].rows[id]
		res := 0.0
		if s.reconcilable(asID(l["account_id"])) {
			bal, _ := l["balance"].(float64)
			res = round2(bal - s.matchedAmount(id))
		}
		s.setField("account.move.line", id, "amount_residual", res)
		return nil
	}
	createHooks["account.journal"] = func(s *Server, id int64) error {
		j := s.tables["account.journal"].rows[id]
		if c, _ := j["code"].(string); c == "" {
			name, _ := j["name"].(string)
			j["code"] = journalCodeFrom(name)
		}
		if s.generating && s.opts.Version <= 15 {
			return nil // generateLedger gives the generated journals their accounts
		}
		if t := j["type"]; (t == "bank" || t == "cash") && asID(j["default_account_id"]) == 0 {
			// account_journal.py _prepare_liquidity_account_vals: a new
			// liquidity account named as the journal.
			n := len(s.tables["account.account"].rows)
			acc, err := s.create("account.account", s.accountVals(fmt.Sprintf("1014%02d", n+10), j["name"], "asset_cash", false))
			if err != nil {
				return err
			}
			j["default_account_id"] = acc
		}
		if t := j["type"]; s.opts.Version <= 14 && (t == "bank" || t == "cash") && asID(j["payment_debit_account_id"]) == 0 {
			// 14 (account_journal.py _fill_missing_values): each bank and
			// cash journal has its own outstanding receipts and payments
			// accounts.
			for _, k := range []struct{ field, name string }{{"payment_debit_account_id", "Outstanding Receipts"}, {"payment_credit_account_id", "Outstanding Payments"}} {
				acc, err := s.create("account.account", s.accountVals(s.freeCode("1014"), k.name, "asset_current", true))
				if err != nil {
					return err
				}
				j[k.field] = acc
			}
		}
		if t := j["type"]; (t == "bank" || t == "cash") && asID(j["suspense_account_id"]) == 0 {
			j["suspense_account_id"] = s.account("suspense")
		}
		return nil
	}
}

// paymentLink is the move's many2one to its payment: payment_id up to 17,
// origin_payment_id from 18 (account/models/account_move.py).
func paymentLink(version int) string {
	if version >= 18 {
		return "origin_payment_id"
	}
	return "payment_id"
}

func journalCodeFrom(name string) string {
	var b strings.Builder
	for _, w := range strings.Fields(name) {
		b.WriteString(strings.ToUpper(w[:1]))
	}
	c := b.String()
	if len(c) < 2 {
		c = strings.ToUpper(name)
	}
	if len(c) > 5 {
		c = c[:5]
	}
	return c
}

// generateLedger seeds the chart and points the journals at it.
func (s *Server) generateLedger() {
	if s.opts.Version <= 15 {
		for _, t := range accountTypes14 {
			s.mustCreate("account.account.type", map[string]any{"name": t.name, "type": t.typ, "internal_group": t.group})
		}
	}
	for _, a := range seedAccounts(s.opts.Version) {
		s.mustCreate("account.account", s.accountVals(a.code, a.name, a.typ, a.reconcile))
	}
	t := s.tables["account.journal"]
	for _, id := range t.ids() {
		j := t.rows[id]
		switch j["type"] {
		case "bank":
			j["default_account_id"], j["suspense_account_id"] = s.account("bank"), s.account("suspense")
			if s.opts.Version <= 14 {
				j["payment_debit_account_id"], j["payment_credit_account_id"] = s.account("outstanding"), s.account("outstanding_pay")
			}
		case "sale":
			j["default_account_id"] = s.account("income")
		}
	}
}

// account is a seeded account's id by key.
func (s *Server) account(key string) int64 {
	for _, a := range seedAccounts(s.opts.Version) {
		if a.key == key {
			for _, id := range s.tables["account.account"].ids() {
				if s.tables["account.account"].rows[id]["code"] == a.code {
					return id
				}
			}
		}
	}
	return 0
}

func (s *Server) reconcilable(acc int64) bool {
	a, ok := s.tables["account.account"].get(acc)
	return ok && (a["reconcile"] == true || s.accountType(a) == "asset_cash")
}

// matchedAmount is how much of a line partials have matched, signed as its
// balance.
func (s *Server) matchedAmount(line int64) float64 {
	var m float64
	for _, p := range s.tables["account.partial.reconcile"].rows {
		a, _ := p["amount"].(float64)
		if p["debit_move_id"] == line {
			m += a
		}
		if p["credit_move_id"] == line {
			m -= a
		}
	}
	return m
}

// nextName numbers an entry of a journal's sequence prefix (entryPrefix).
func (s *Server) nextName(prefix string, digits int) string {
	return fmt.Sprintf("%s/%0*d", prefix, digits, s.sequences()[prefix]+1)
}

// ledgerLine adds a journal item to a move; residual follows the account.
func (s *Server) ledgerLine(move int64, acc, partner int64, name string, balance float64, display string) (int64, error) {
	balance = round2(balance)
	vals := map[string]any{"move_id": float64(move), "account_id": float64(acc), "name": name, "balance": balance, "display_type": display,
		"debit": max(balance, 0), "credit": max(-balance, 0)}
	if partner != 0 {
		vals["partner_id"] = float64(partner)
	}
	if s.reconcilable(acc) {
		vals["amount_residual"] = balance
	}
	return s.create("account.move.line", vals)
}

// postLedger writes a posted invoice's or credit note's journal items: the
// product lines on the income account, one tax item, the receivable.
func (s *Server) postLedger(mid int64) error {
	m := s.tables["account.move"].rows[mid]
	typ, _ := m["move_type"].(string)
	if typ != "out_invoice" && typ != "out_refund" {
		return nil
	}
	sign := 1.0
	if typ == "out_refund" {
		sign = -1
	}
	partner := asID(m["partner_id"])
	all := s.o2m(s.tables["account.move"].def.fields["line_ids"], mid)
	for _, lid := range all {
		l := s.tables["account.move.line"].rows[lid]
		switch l["display_type"] {
		case "product":
			sub, _ := l["price_subtotal"].(float64)
			acc := asID(l["account_id"])
			if acc == 0 {
				acc = s.account("income")
			}
			bal := round2(-sign * sub)
			for k, v := range map[string]any{"account_id": acc, "partner_id": partner, "balance": bal, "debit": max(bal, 0), "credit": max(-bal, 0)} {
				s.setField("account.move.line", lid, k, v)
			}
		case "tax", "payment_term":
			if err := s.unlink("account.move.line", []int64{lid}); err != nil {
				return err
			}
		}
	}
	total, _ := m["amount_total"].(float64)
	tax, _ := m["amount_tax"].(float64)
	if tax != 0 {
		if _, err := s.ledgerLine(mid, s.account("tax"), partner, "Tax", -sign*tax, "tax"); err != nil {
			return err
		}
	}
	name, _ := m["name"].(string)
	_, err := s.ledgerLine(mid, s.account("receivable"), partner, name, sign*total, "payment_term")
	if err == nil {
		s.refreshMove(mid)
	}
	return err
}

// receivables are a move's reconcilable receivable items.
func (s *Server) receivables(mid int64) []int64 {
	var out []int64
	for _, lid := range s.o2m(s.tables["account.move"].def.fields["line_ids"], mid) {
		a, _ := s.tables["account.account"].get(asID(s.tables["account.move.line"].rows[lid]["account_id"]))
		if s.accountType(a) == "asset_receivable" {
			out = append(out, lid)
		}
	}
	return out
}

// refreshMove recomputes an invoice's amount_residual and payment_state from
// its receivable items, and its payment's state.
func (s *Server) refreshMove(mid int64) {
	m, ok := s.tables["account.move"].get(mid)
	if !ok {
		return
	}
	typ, _ := m["move_type"].(string)
	if !slices.Contains(invoiceTypes, typ) || m["state"] != "posted" {
		return
	}
	recv := s.receivables(mid)
	if len(recv) == 0 {
		return
	}
	var residual float64
	lines := map[int64]bool{}
	for _, lid := range recv {
		r, _ := s.tables["account.move.line"].rows[lid]["amount_residual"].(float64)
		residual += r
		lines[lid] = true
	}
	residual = round2(residual)
	if residual < 0 {
		residual = -residual
	}
	// The moves on the other side of its partials.
	counter := map[string]bool{}
	paid, matched := false, false
	for _, p := range s.tables["account.partial.reconcile"].rows {
		d, c := asID(p["debit_move_id"]), asID(p["credit_move_id"])
		var other int64
		switch {
		case lines[d]:
			other = c
		case lines[c]:
			other = d
		default:
			continue
		}
		om := asID(s.tables["account.move.line"].rows[other]["move_id"])
		if om == mid {
			continue
		}
		matched = true
		o := s.tables["account.move"].rows[om]
		t, _ := o["move_type"].(string)
		counter[t] = true
		if asID(o[paymentLink(s.opts.Version)]) != 0 || asID(o["statement_line_id"]) != 0 {
			paid = true
		}
	}
	state := "not_paid"
	switch {
	case residual == 0 && paid:
		state = "paid"
	case residual == 0 && s.opts.Version <= 15:
		state = "paid"
		if (typ == "out_invoice" || typ == "in_invoice") && s.reversed14(mid, typ) {
			state = "reversed"
		}
	case residual == 0:
		state = "paid"
		only := func(want ...string) bool {
			if len(counter) == 0 {
				return false
			}
			for t := range counter {
				if !slices.Contains(want, t) {
					return false
				}
			}
			return true
		}
		reversed := (typ == "out_invoice" || typ == "out_receipt") && counter["out_refund"] && only("out_refund", "entry") ||
			(typ == "in_invoice" || typ == "in_receipt") && counter["in_refund"] && only("in_refund", "entry") ||
			(typ == "out_refund" || typ == "in_refund") && only("entry")
		if reversed {
			state = "reversed"
		}
	case matched:
		state = "partial"
	}
	if m["amount_residual"] != residual {
		s.setField("account.move", mid, "amount_residual", residual)
	}
	if m["payment_state"] != state {
		s.setField("account.move", mid, "payment_state", state)
	}
}

// reconcile is account.move.line.reconcile with the checks of
// _check_amls_exigibility_for_reconciliation (16: in reconcile) and their
// messages: 16 answers the summary dict (its recordsets as their repr over
// JSON-RPC, unmarshallable over XML-RPC), 18 and 19 None.
func (s *Server) reconcile(ids []int64) (any, bool, error) {
	t := s.tables["account.move.line"]
	var accounts []int64
	for _, id := range ids {
		l, ok := t.get(id)
		if !ok {
			return nil, false, missingError("Record does not exist or has been deleted.\n(Record: account.move.line(%d,), User: 2)", id)
		}
		if l["reconciled"] == true {
			return nil, false, userError("You are trying to reconcile some entries that are already reconciled.")
		}
		if !slices.Contains(accounts, asID(l["account_id"])) {
			accounts = append(accounts, asID(l["account_id"]))
		}
	}
	if s.opts.Version <= 15 {
		// 14, 15 (account_move.py reconcile) check line by line: reconciled,
		// the account reconciles, posted, then the first line's account.
		var first int64
		for _, id := range ids {
			l := t.rows[id]
			acc := asID(l["account_id"])
			if !s.reconcilable(acc) {
				return nil, false, userError("Account %s does not allow reconciliation. First change the configuration of this account to allow it.", s.displayName("account.account", acc))
			}
			if s.tables["account.move"].rows[asID(l["move_id"])]["state"] != "posted" {
				return nil, false, userError("You can only reconcile posted entries.")
			}
			if first == 0 {
				first = acc
			} else if acc != first {
				return nil, false, userError("Entries are not from the same account: %s != %s", s.displayName("account.account", first), s.displayName("account.account", acc))
			}
		}
	}
	for _, id := range ids {
		if m := s.tables["account.move"].rows[asID(t.rows[id]["move_id"])]; s.opts.Version >= 19 && m["state"] == "cancel" {
			return nil, false, userError("You can not reconcile cancelled entries.")
		} else if s.opts.Version < 19 && m["state"] != "posted" {
			return nil, false, userError("You can only reconcile posted entries.")
		}
	}
	if len(accounts) > 1 {
		var names []string
		for _, a := range accounts {
			names = append(names, s.displayName("account.account", a))
		}
		if s.opts.Version < 17 {
			return nil, false, userError("Entries are not from the same account: %s", strings.Join(names, " != "))
		}
		return nil, false, userError("Entries are not from the same account: %s", strings.Join(names, ", "))
	}
	if len(accounts) == 1 && !s.reconcilable(accounts[0]) {
		return nil, false, userError("Account %s does not allow reconciliation. First change the configuration of this account to allow it.", s.displayName("account.account", accounts[0]))
	}
	var debits, credits []int64
	res := func(id int64) float64 { r, _ := t.rows[id]["amount_residual"].(float64); return r }
	for _, id := range ids {
		if res(id) > 0 {
			debits = append(debits, id)
		} else if res(id) < 0 {
			credits = append(credits, id)
		}
	}
	var partials []int64
	for len(debits) > 0 && len(credits) > 0 {
		d, c := debits[0], credits[0]
		amt := round2(min(res(d), -res(c)))
		pid, err := s.create("account.partial.reconcile", map[string]any{"debit_move_id": float64(d), "credit_move_id": float64(c), "amount": amt})
		if err != nil {
			return nil, false, err
		}
		partials = append(partials, pid)
		s.setField("account.move.line", d, "amount_residual", round2(res(d)-amt))
		s.setField("account.move.line", c, "amount_residual", round2(res(c)+amt))
		if res(d) == 0 {
			debits = debits[1:]
		}
		if res(c) == 0 {
			credits = credits[1:]
		}
	}
	var full int64
	allZero := len(ids) > 0
	for _, id := range ids {
		if res(id) != 0 {
			allZero = false
		}
	}
	if allZero && len(partials) > 0 {
		var err error
		full, err = s.create("account.full.reconcile", map[string]any{"name": fmt.Sprintf("A%d", len(s.tables["account.full.reconcile"].rows)+1)})
		if err != nil {
			return nil, false, err
		}
		for _, p := range partials {
			s.setField("account.partial.reconcile", p, "full_reconcile_id", full)
		}
	}
	moves := []int64{}
	for _, id := range ids {
		if res(id) == 0 {
			s.setField("account.move.line", id, "reconciled", true)
			if full != 0 {
				s.setField("account.move.line", id, "full_reconcile_id", full)
			}
		}
		if m := asID(t.rows[id]["move_id"]); !slices.Contains(moves, m) {
			moves = append(moves, m)
		}
	}
	for _, m := range moves {
		s.refreshMove(m)
	}
	for _, m := range moves {
		mv := s.tables["account.move"].rows[m]
		s.refreshPayment(asID(mv[paymentLink(s.opts.Version)]))
		matched, _ := mv["matched_payment_ids"].([]int64)
		for _, p := range matched {
			s.refreshPayment(p)
		}
	}
	if s.opts.Version >= 17 {
		return nil, true, nil
	}
	out := map[string]any{"partials": newRecordset("account.partial.reconcile", partials)}
	if s.opts.Version >= 16 {
		// 14 and 15's results have partials and full_reconcile (and
		// tax_cash_basis_moves with cash basis taxes), no exchange_partials.
		out["exchange_partials"] = newRecordset("account.partial.reconcile", nil)
	}
	if full != 0 {
		out["full_reconcile"] = newRecordset("account.full.reconcile", []int64{full})
	}
	return out, false, nil
}

// recordset is a recordset in a result: JSON-RPC's json_default writes its
// repr ("account.partial.reconcile(1, 2)"), XML-RPC cannot marshal it.
type recordset string

func newRecordset(model string, ids []int64) recordset {
	var parts []string
	for _, id := range ids {
		parts = append(parts, fmt.Sprint(id))
	}
	inner := strings.Join(parts, ", ")
	if len(ids) == 1 {
		inner += ","
	}
	return recordset(model + "(" + inner + ")")
}

func init() {
	actions["account.move.line.reconcile"] = func(s *Server, ids []int64, kw map[string]any) (any, bool, error) {
		return s.reconcile(ids)
	}
	// js_assign_outstanding_line (16, 18, 19, public): the payment widget's
	// "add" of an outstanding credit, the line reconciled with the move's
	// unreconciled items of its account.
	actions["account.move.js_assign_outstanding_line"] = func(s *Server, ids []int64, kw map[string]any) (any, bool, error) {
		if len(ids) != 1 {
			return nil, false, valueError("Expected singleton: account.move%s", idTuple(ids))
		}
		var line int64
		if v, ok := kw["line_id"].(float64); ok {
			line = int64(v)
		} else if pos := positional(kw); len(pos) > 0 {
			if v, ok := pos[0].(float64); ok {
				line = int64(v)
			}
		}
		if line == 0 {
			return nil, false, &odooError{name: "builtins.TypeError", msg: "AccountMove.js_assign_outstanding_line() missing 1 required positional argument: 'line_id'"}
		}
		l, ok := s.tables["account.move.line"].get(line)
		if !ok {
			return nil, false, missingError("Record does not exist or has been deleted.\n(Record: account.move.line(%d,), User: 2)", line)
		}
		lines := []int64{line}
		for _, lid := range s.o2m(s.tables["account.move"].def.fields["line_ids"], ids[0]) {
			o := s.tables["account.move.line"].rows[lid]
			if o["account_id"] == l["account_id"] && o["reconciled"] != true {
				lines = append(lines, lid)
			}
		}
		return s.reconcile(lines)
	}
}

package odoo

import (
	"fmt"
	"time"
)

// Bank statements (16, 18, 19: account/models/account_bank_statement.py,
// account_bank_statement_line.py; 14 and 15's, with states and button_post,
// are in odoo1415.go). Since 16.0 a statement is an optional
// grouping of lines: account.bank.statement has name (default "<journal
// code> Statement <date>"), reference, date, journal_id, balance_start,
// balance_end (start plus the lines), balance_end_real and line_ids; a line
// created with statement_id and no journal_id takes the statement's journal.
// Created with its lines ((0, 0, vals), each with its journal_id), a
// statement takes its journal and date from them when not given
// (_compute_journal_id, _compute_date_index), its starting balance from the
// journal's previous statement (_compute_balance_start) and its ending
// balance from the lines (_compute_balance_end_real).
//
// account.bank.statement.line (journal_id, date, payment_ref, amount,
// partner_id, statement_id, ref, narration; the last two are its move's, as
// _inherits account.move has it) posts at once an entry ("<code>/<year>/n",
// statement_line_id) of the journal's liquidity account against its suspense
// account, or against counterpart_account_id when the create gives one (a
// value create pops, not a field). is_reconciled is _compute_is_reconciled:
// true once the entry has no suspense item left (or the amount is 0).
//
// Community has no public reconciliation method on a statement line (only
// action_undo_reconciliation; the widget is account_accountant's), so an RPC
// client reconciles with the journal items: write the suspense item's
// account_id to the receivable (and partner_id), then
// account.move.line.reconcile on it and the invoice's receivable item (or
// account.move.js_assign_outstanding_line on the invoice with that item). A
// fee (a negative amount) is created with counterpart_account_id an expense
// account, or its suspense item written to one.

func init() {
	modelHooks = append(modelHooks, func(version int, defs map[string]*modelDef) {
		f := func(t fieldType) *field { return &field{typ: t} }
		m2o := func(rel string) *field { return &field{typ: fMany2one, relation: rel} }
		defs["account.bank.statement"] = &modelDef{name: "account.bank.statement", fields: map[string]*field{
			"name": f(fChar), "reference": f(fChar), "date": f(fDate), "journal_id": m2o("account.journal"),
			"balance_start": f(fFloat), "balance_end_real": f(fFloat),
			"balance_end": {typ: fFloat, compute: func(s *Server, r record) any {
				b, _ := r["balance_start"].(float64)
				for _, l := range s.o2m(s.tables["account.bank.statement"].def.fields["line_ids"], r["id"].(int64)) {
					a, _ := s.tables["account.bank.statement.line"].rows[l]["amount"].(float64)
					b += a
				}
				return round2(b)
			}},
			"is_complete": {typ: fBool, compute: func(s *Server, r record) any {
				end, _ := r["balance_end_real"].(float64)
				return len(s.o2m(s.tables["account.bank.statement"].def.fields["line_ids"], r["id"].(int64))) > 0 &&
					computeOf(s, "account.bank.statement", "balance_end", r) == end
			}},
			"line_ids":    {typ: fOne2many, relation: "account.bank.statement.line", inverse: "statement_id"},
			"create_date": f(fDatetime), "write_date": f(fDatetime),
		}}
		defs["account.bank.statement.line"] = &modelDef{name: "account.bank.statement.line", nameField: "payment_ref", fields: map[string]*field{
			"move_id": m2o("account.move"), "journal_id": {typ: fMany2one, relation: "account.journal", required: true}, "date": f(fDate),
			"payment_ref": f(fChar), "amount": f(fFloat), "partner_id": m2o("res.partner"), "statement_id": m2o("account.bank.statement"),
			"ref": f(fChar), "narration": f(fText), "state": f(fSelection),
			"is_reconciled": {typ: fBool, compute: func(s *Server, r record) any {
				sus, _ := s.suspenseItems(r)
				a, _ := r["amount"].(float64)
				return len(sus) == 0 || a == 0
			}},
			"amount_residual": {typ: fFloat, compute: func(s *Server, r record) any {
				_, res := s.suspenseItems(r)
				return res
			}},
			"create_date": f(fDatetime), "write_date": f(fDatetime),
		}, defaults: func(s *Server) map[string]any { return map[string]any{"date": s.now(), "amount": 0.0} }}
	})
	prepareHooks["account.bank.statement.line"] = func(s *Server, ids []int64, vals map[string]any) map[string]any {
		out := map[string]any{}
		for k, v := range vals {
			out[k] = v
		}
		if ids == nil {
			s.counterpart = 0
			if c, ok := out["counterpart_account_id"].(float64); ok {
				s.counterpart = int64(c)
			}
			delete(out, "counterpart_account_id")
			if st, ok := out["statement_id"].(float64); ok && (out["journal_id"] == nil || s.opts.Version <= 15) {
				// 14, 15 (account_bank_statement.py create): the journal is
				// always the statement's, the date its when none is given.
				if r, ok := s.tables["account.bank.statement"].get(int64(st)); ok && asID(r["journal_id"]) != 0 {
					out["journal_id"] = float64(asID(r["journal_id"]))
					if d, ok := r["date"].(time.Time); ok && s.opts.Version <= 15 && out["date"] == nil {
						out["date"] = d.Format("2006-01-02")
					}
				}
			}
		}
		return out
	}
	createHooks["account.bank.statement"] = func(s *Server, id int64) error {
		t := s.tables["account.bank.statement"]
		r := t.rows[id]
		lines := s.o2m(t.def.fields["line_ids"], id)
		for _, l := range lines {
			lr := s.tables["account.bank.statement.line"].rows[l]
			// _compute_journal_id: the lines'; _compute_date_index: the
			// last line's date.
			if asID(r["journal_id"]) == 0 {
				r["journal_id"] = asID(lr["journal_id"])
			}
			if d, ok := lr["date"].(time.Time); ok {
				if have, _ := r["date"].(time.Time); have.IsZero() || d.After(have) {
					r["date"] = d
				}
			}
		}
		if r["balance_start"] == nil {
			// _compute_balance_start: the journal's previous statement's
			// ending balance.
			start := 0.0
			for _, o := range t.ids() {
				if prev := t.rows[o]; o < id && asID(prev["journal_id"]) == asID(r["journal_id"]) {
					start, _ = prev["balance_end_real"].(float64)
				}
			}
			r["balance_start"] = start
		}
		if r["balance_end_real"] == nil {
			// _compute_balance_end_real: the computed balance at creation.
			r["balance_end_real"] = computeOf(s, "account.bank.statement", "balance_end", withID(r, id))
		}
		if n, _ := r["name"].(string); n == "" && s.opts.Version >= 16 {
			d, _ := r["date"].(time.Time)
			if d.IsZero() {
				d = s.now()
				r["date"] = d
			}
			code := ""
			if j, ok := s.tables["account.journal"].get(asID(r["journal_id"])); ok {
				code, _ = j["code"].(string)
			}
			r["name"] = fmt.Sprintf("%s Statement %s", code, d.Format("2006-01-02"))
		}
		return nil
	}
	createHooks["account.bank.statement.line"] = func(s *Server, id int64) error {
		r := s.tables["account.bank.statement.line"].rows[id]
		if asID(r["move_id"]) != 0 {
			// A write: the entry keeps ref, narration and partner.
			m := asID(r["move_id"])
			for _, k := range []string{"ref", "narration"} {
				if s.tables["account.move"].rows[m][k] != r[k] {
					s.setField("account.move", m, k, r[k])
				}
			}
			return nil
		}
		if s.opts.Version <= 15 {
			if st := s.tables["account.bank.statement"].rows[asID(r["statement_id"])]; st["state"] != "open" {
				return userError("You can only create statement line in open bank statements.")
			}
		}
		j, ok := s.tables["account.journal"].get(asID(r["journal_id"]))
		if !ok {
			return missingError("Record does not exist or has been deleted.\n(Record: account.journal(%d,), User: 2)", asID(r["journal_id"]))
		}
		counter := s.counterpart
		s.counterpart = 0
		if counter == 0 {
			counter = asID(j["suspense_account_id"])
		}
		if counter == 0 {
			return userError("You can't create a new statement line without a suspense account set on the %s journal.", j["name"])
		}
		date, _ := r["date"].(time.Time)
		partner := asID(r["partner_id"])
		vals := map[string]any{"move_type": "entry", "journal_id": float64(asID(r["journal_id"])), "date": date.Format("2006-01-02"),
			"ref": r["ref"], "narration": r["narration"], "statement_line_id": float64(id)}
		if partner != 0 {
			vals["partner_id"] = float64(partner)
		}
		mid, err := s.create("account.move", vals)
		if err != nil {
			return err
		}
		if s.opts.Version >= 16 {
			s.setField("account.move", mid, "state", "posted")
			s.setField("account.move", mid, "name", s.nextName(s.entryPrefix(asID(r["journal_id"]), "entry", date, false)))
		} else {
			// 14, 15: the entry stays draft ("/") until the statement's
			// button_post (odoo1415.go).
			s.setField("account.move", mid, "name", "/")
		}
		amount, _ := r["amount"].(float64)
		label, _ := r["payment_ref"].(string)
		if _, err := s.ledgerLine(mid, asID(j["default_account_id"]), partner, label, amount, "product"); err != nil {
			return err
		}
		if _, err := s.ledgerLine(mid, counter, partner, label, -amount, "product"); err != nil {
			return err
		}
		r["move_id"], r["state"] = mid, "posted"
		return nil
	}
}

// suspenseItems are a statement line's items on its journal's suspense
// account, and the line's amount_residual: their amounts (suspense does not
// reconcile), 0 when there are none.
func (s *Server) suspenseItems(r record) ([]int64, float64) {
	j := s.tables["account.journal"].rows[asID(r["journal_id"])]
	var out []int64
	var res float64
	for _, l := range s.o2m(s.tables["account.move"].def.fields["line_ids"], asID(r["move_id"])) {
		it := s.tables["account.move.line"].rows[l]
		if asID(it["account_id"]) == asID(j["suspense_account_id"]) {
			out = append(out, l)
			b, _ := it["balance"].(float64)
			res += b
		}
	}
	return out, round2(res)
}

// computeOf computes one computed field of a record.
func computeOf(s *Server, model, name string, r record) any {
	return s.tables[model].def.fields[name].compute(s, r)
}

package odoo

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Posting numbers an entry from its journal's sequence: INV/2026/00001 for
// invoices, RINV/2026/00001 for credit notes (account/models/sequence_mixin.py).
// On 16 the next number is found by locking the journal's last entry of the
// year; for the first entry there is none to lock, so two transactions that
// overlap both take 00001 and the later commit fails on the unique index
// account_move_unique_name (16: addons/account_sequence/models/account_move.py,
// odoo/service/model.py _as_validation_error) with "The operation cannot be
// completed: Another entry with the same name already exists.", leaving its
// entries draft; posting again once the other committed takes the next number.
// The sandbox runs calls one at a time, so an action_post's transaction begins
// when the request arrives and lasts Options.PostLatency.

// beginPost snapshots the posted counts and waits out the open transaction.
func (s *Server) beginPost() map[string]int {
	s.mu.Lock()
	snap := map[string]int{}
	for k, n := range s.sequences() {
		snap[k] = n
	}
	s.mu.Unlock()
	if s.opts.PostLatency > 0 {
		time.Sleep(s.opts.PostLatency)
	}
	return snap
}

// sequences is the highest number posted per journal prefix and year.
func (s *Server) sequences() map[string]int {
	out := map[string]int{}
	for _, m := range s.tables["account.move"].rows {
		name, _ := m["name"].(string)
		if m["state"] != "posted" || name == "" {
			continue
		}
		i := strings.LastIndexByte(name, '/')
		if i < 0 {
			continue
		}
		if n, err := strconv.Atoi(name[i+1:]); err == nil && n > out[name[:i]] {
			out[name[:i]] = n
		}
	}
	return out
}

// entryPrefix is the sequence prefix of an entry of a journal, and its
// number's digits (account/models/account_move.py _get_starting_sequence of
// each version): 14 numbers every journal by month (INV/2026/05/0001); 15
// sale journals by year (INV/2026/00001), the others by month; from 16 sale,
// bank and cash journals by year, and a payment takes a P (payment_sequence).
// A credit note takes an R (refund_sequence).
func (s *Server) entryPrefix(journal int64, moveType string, date time.Time, payment bool) (string, int) {
	code, typ := "INV", "sale"
	if j, ok := s.tables["account.journal"].get(journal); ok {
		if c, _ := j["code"].(string); c != "" {
			code = c
		}
		typ, _ = j["type"].(string)
	}
	if moveType == "out_refund" {
		code = "R" + code
	}
	yearly := typ == "sale" || typ == "bank" || typ == "cash"
	switch {
	case s.opts.Version <= 14:
		yearly = false
	case s.opts.Version == 15:
		yearly = typ == "sale"
	case payment && (typ == "bank" || typ == "cash"):
		code = "P" + code
	}
	if yearly {
		return fmt.Sprintf("%s/%04d", code, date.Year()), 5
	}
	return fmt.Sprintf("%s/%04d/%02d", code, date.Year(), int(date.Month())), 4
}

func init() {
	actions["account.move.action_post"] = func(s *Server, ids []int64, kw map[string]any) (any, bool, error) {
		seq := s.sequences()
		// What other transactions posted before this one's numbering; this
		// call's own entries number on from there in one transaction.
		start := map[string]int{}
		for k, n := range seq {
			start[k] = n
		}
		restarted := map[string]bool{}
		for _, id := range ids {
			m, ok := s.tables["account.move"].get(id)
			if !ok {
				return nil, false, missingError("Record does not exist or has been deleted.\n(Record: account.move(%d,), User: 2)", id)
			}
			if m["state"] != "draft" {
				return nil, false, userError("Only draft journal entries can be posted.")
			}
			date := s.now()
			if d, ok := m["invoice_date"].(time.Time); ok && !d.IsZero() {
				date = d
			}
			typ, _ := m["move_type"].(string)
			prefix, digits := s.entryPrefix(asID(m["journal_id"]), typ, date, false)
			if s.postSnap != nil && s.postSnap[prefix] == 0 && start[prefix] > 0 {
				// Another transaction posted this journal's first entry of the
				// period while ours was open: both numbered it 1.
				switch {
				case s.opts.Version == 16:
					return nil, false, validationError("The operation cannot be completed: Another entry with the same name already exists.")
				case s.opts.Version <= 15 && !restarted[prefix]:
					// 14, 15 have no account_sequence and its unique index;
					// _check_unique_sequence_number cannot see the other
					// uncommitted entry, so both commit the same name.
					seq[prefix], restarted[prefix] = 0, true
				}
			}
			seq[prefix]++
			s.setField("account.move", id, "state", "posted")
			s.setField("account.move", id, "name", fmt.Sprintf("%s/%0*d", prefix, digits, seq[prefix]))
			s.setField("account.move", id, "invoice_date", date)
			if err := s.afterPost(id); err != nil {
				return nil, false, err
			}
		}
		return false, false, nil
	}
}

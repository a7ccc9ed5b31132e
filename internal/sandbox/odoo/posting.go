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

func (s *Server) journalCode(m record) string {
	code := "INV"
	if j, ok := s.tables["account.journal"].get(asID(m["journal_id"])); ok {
		if c, _ := j["code"].(string); c != "" {
			code = c
		}
	}
	if m["move_type"] == "out_refund" {
		code = "R" + code
	}
	return code
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
			prefix := fmt.Sprintf("%s/%d", s.journalCode(m), date.Year())
			if s.opts.Version == 16 && s.postSnap != nil && s.postSnap[prefix] == 0 && start[prefix] > 0 {
				// Another transaction posted this journal's first entry of the
				// year while ours was open: both numbered it 00001.
				return nil, false, validationError("The operation cannot be completed: Another entry with the same name already exists.")
			}
			seq[prefix]++
			s.setField("account.move", id, "state", "posted")
			s.setField("account.move", id, "name", fmt.Sprintf("%s/%05d", prefix, seq[prefix]))
			s.setField("account.move", id, "invoice_date", date)
			if err := s.afterPost(id); err != nil {
				return nil, false, err
			}
		}
		return false, false, nil
	}
}

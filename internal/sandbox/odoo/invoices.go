package odoo

import (
	"sort"
)

// Invoicing (reference §2.1 steps 5–6): the advance payment wizard invoices
// sale orders, action_post posts, the payment register wizard pays.

func activeIDs(kw map[string]any) []int64 {
	ctx, _ := kw["context"].(map[string]any)
	return idList(ctx["active_ids"])
}

func init() {
	actions["account.payment.register.action_create_payments"] = func(s *Server, ids []int64, kw map[string]any) (any, bool, error) {
		for _, mid := range activeIDs(kw) {
			if err := s.pay(mid); err != nil {
				return nil, false, err
			}
		}
		return true, false, nil
	}
}

func (s *Server) pay(id int64) error {
	m, ok := s.tables["account.move"].get(id)
	if !ok {
		return missingError("Record does not exist or has been deleted.\n(Record: account.move(%d,), User: 2)", id)
	}
	if m["state"] != "posted" {
		return userError("You can only register payments for posted journal entries.")
	}
	s.setField("account.move", id, "payment_state", "paid")
	s.setField("account.move", id, "amount_residual", 0.0)
	return nil
}

// RegisterPayment pays a posted invoice in full, as an accountant would.
func (s *Server) RegisterPayment(invoiceID int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pay(invoiceID)
}

// UnpaidInvoices returns the ids of posted customer invoices not yet paid.
func (s *Server) UnpaidInvoices() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []int64
	for id, m := range s.tables["account.move"].rows {
		if m["state"] == "posted" && m["payment_state"] == "not_paid" && m["move_type"] == "out_invoice" {
			out = append(out, id)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

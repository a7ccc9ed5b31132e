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

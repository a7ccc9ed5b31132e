package odoo

import (
	"fmt"
	"sort"
)

// Invoicing (reference §2.1 steps 5–6): the advance payment wizard invoices
// sale orders, action_post posts, the payment register wizard pays.

func activeIDs(kw map[string]any) []int64 {
	ctx, _ := kw["context"].(map[string]any)
	return idList(ctx["active_ids"])
}

func init() {
	actions["sale.advance.payment.inv.create_invoices"] = func(s *Server, ids []int64, kw map[string]any) (any, bool, error) {
		orders := activeIDs(kw)
		if len(orders) == 0 {
			return nil, false, userError("No sale order to invoice: call the wizard with active_ids in the context")
		}
		var made []int64
		for _, oid := range orders {
			o, ok := s.tables["sale.order"].get(oid)
			if !ok {
				return nil, false, missingError("Record does not exist or has been deleted.\n(Record: sale.order(%d,), User: 2)", oid)
			}
			if o["invoice_status"] != "to invoice" {
				continue
			}
			partner, _ := o["partner_id"].(int64)
			total, _ := o["amount_total"].(float64)
			mid, err := s.create("account.move", map[string]any{
				"move_type": "out_invoice", "state": "draft", "payment_state": "not_paid", "partner_id": float64(partner),
				"invoice_origin": o["name"], "amount_total": total, "amount_residual": total,
			})
			if err != nil {
				return nil, false, err
			}
			inv, _ := o["invoice_ids"].([]int64)
			s.setField("sale.order", oid, "invoice_ids", append(append([]int64(nil), inv...), mid))
			s.setField("sale.order", oid, "invoice_status", "invoiced")
			made = append(made, mid)
		}
		if len(made) == 0 {
			return nil, false, userError("There is no invoiceable line. If a product has a Delivered quantities invoicing policy, please make sure that a quantity has been delivered.")
		}
		if s.opts.Version >= 18 {
			return nil, true, nil // 18 returns None here (reference §2.2)
		}
		return map[string]any{"type": "ir.actions.act_window", "res_model": "account.move", "domain": []any{[]any{"id", "in", made}}}, false, nil
	}
	actions["account.move.action_post"] = func(s *Server, ids []int64, kw map[string]any) (any, bool, error) {
		for _, id := range ids {
			m, ok := s.tables["account.move"].get(id)
			if !ok {
				return nil, false, missingError("Record does not exist or has been deleted.\n(Record: account.move(%d,), User: 2)", id)
			}
			if m["state"] != "draft" {
				return nil, false, userError("Only draft journal entries can be posted.")
			}
			s.setField("account.move", id, "state", "posted")
			s.setField("account.move", id, "name", fmt.Sprintf("INV/%d/%05d", s.now().Year(), id))
			s.setField("account.move", id, "invoice_date", s.now())
		}
		return false, false, nil
	}
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

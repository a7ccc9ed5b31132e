package odoo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

func init() {
	actions["stock.picking.button_validate"] = func(s *Server, ids []int64, kw map[string]any) (any, bool, error) {
		for _, id := range ids {
			p, ok := s.tables["stock.picking"].get(id)
			if !ok {
				return nil, false, missingError("Record does not exist or has been deleted.\n(Record: stock.picking(%d,), User: 2)", id)
			}
			if p["state"] == "done" {
				continue
			}
			moves := s.o2m(s.tables["stock.picking"].def.fields["move_ids"], id)
			if s.opts.Version < 17 {
				// 16: without quantities set, the immediate-transfer wizard.
				set := false
				for _, m := range moves {
					if mv, _ := s.tables["stock.move"].get(m); mv["quantity_done"] != nil && mv["quantity_done"] != 0.0 {
						set = true
					}
				}
				if !set {
					return map[string]any{"type": "ir.actions.act_window", "res_model": "stock.immediate.transfer", "view_mode": "form", "target": "new", "context": map[string]any{"default_pick_ids": []any{[]any{4, id}}}}, false, nil
				}
			} else if p["state"] != "assigned" {
				return nil, false, userError("You cannot validate a transfer if no quantities are reserved nor done. You can use the info button to see the reason.")
			}
			if err := s.validate(id); err != nil {
				return nil, false, err
			}
		}
		return true, false, nil
	}
}

// validate marks a picking done and takes its quantities out of stock.
func (s *Server) validate(id int64) error {
	moves := s.o2m(s.tables["stock.picking"].def.fields["move_ids"], id)
	for _, m := range moves {
		mv, _ := s.tables["stock.move"].get(m)
		prod, _ := mv["product_id"].(int64)
		qty, _ := mv["product_uom_qty"].(float64)
		for qid, q := range s.tables["stock.quant"].rows {
			if q["product_id"] == prod {
				have, _ := q["quantity"].(float64)
				s.setField("stock.quant", qid, "quantity", have-qty)
				break
			}
		}
		s.setField("stock.move", m, "state", "done")
		if lid, ok := mv["sale_line_id"].(int64); ok {
			s.setField("sale.order.line", lid, "qty_delivered", qty)
		}
	}
	s.setField("stock.picking", id, "state", "done")
	s.setField("stock.picking", id, "date_done", s.now())
	return nil
}

// ValidatePicking validates a delivery as a warehouse user would, with a
// tracking reference when the carrier fields are installed.
func (s *Server) ValidatePicking(id int64, trackingRef string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.tables["stock.picking"].get(id); !ok {
		return fmt.Errorf("no picking %d", id)
	}
	if _, ok := s.tables["stock.picking"].def.fields["carrier_tracking_ref"]; ok && trackingRef != "" {
		s.setField("stock.picking", id, "carrier_tracking_ref", trackingRef)
	}
	return s.validate(id)
}

// OpenPickings returns the ids of outgoing deliveries not yet done.
func (s *Server) OpenPickings() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []int64
	t := s.tables["stock.picking"]
	for _, id := range t.ids() {
		if st := t.rows[id]["state"]; st == "assigned" || st == "confirmed" {
			out = append(out, id)
		}
	}
	return out
}

// StartWarehouse validates every open delivery each interval, with a generated
// tracking code, and pays every posted invoice, until ctx ends (the demo's
// warehouse staff and paying customers).
func (s *Server) StartWarehouse(ctx context.Context, every time.Duration) {
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		rng := rand.New(rand.NewPCG(uint64(s.opts.Seed), 11))
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				for _, id := range s.OpenPickings() {
					s.ValidatePicking(id, fmt.Sprintf("JJFI64%014d", rng.Int64N(1e14)))
				}
				// And the accountant: customers pay their invoices.
				for _, id := range s.UnpaidInvoices() {
					s.RegisterPayment(id)
				}
			}
		}
	}()
}

// SetCommitThenFailRate makes that share (0..1) of create and write calls apply
// their effect and then drop the connection without an answer.
func (s *Server) SetCommitThenFailRate(rate float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commitFailRate = rate
	s.rng = rand.New(rand.NewPCG(uint64(s.opts.Seed), 13))
}

// SearchRead reads records as an RPC client would (wire form), for assertions.
func (s *Server) SearchRead(model string, domain []any, fields []string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids, err := s.search(model, domain, true, "id asc", 0, 0)
	if err != nil {
		return nil
	}
	rows, _ := s.read(model, ids, fields)
	return rows
}

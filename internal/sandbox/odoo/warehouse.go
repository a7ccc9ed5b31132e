package odoo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"
)

func init() {
	actions["stock.picking.button_validate"] = func(s *Server, ids []int64, kw map[string]any) (any, bool, error) {
		ctx, _ := kw["context"].(map[string]any)
		// The pre-validation wizards (_pre_action_done_hook) run before any
		// picking is validated: immediate transfer (16), backorder, then
		// stock_sms's confirm.stock.sms.
		type todo struct {
			id   int64
			done map[int64]float64
		}
		var run []todo
		for _, id := range ids {
			p, ok := s.tables["stock.picking"].get(id)
			if !ok {
				return nil, false, missingError("Record does not exist or has been deleted.\n(Record: stock.picking(%d,), User: 2)", id)
			}
			if p["state"] == "done" {
				continue
			}
			done, any := s.doneQuantities(id)
			if s.opts.Version < 17 {
				// 16: without quantities set, the immediate-transfer wizard,
				// unless skip_immediate asks for the reserved quantities.
				if !any && ctx["skip_immediate"] != true {
					return wizardAction("stock.immediate.transfer", "Immediate Transfer?", id), false, nil
				}
				if !any {
					done = s.demand(id)
				}
			} else if p["state"] != "assigned" || !any {
				return nil, false, userError("You cannot validate a transfer if no quantities are reserved nor done. You can use the info button to see the reason.")
			}
			partial := false
			for m, d := range s.demand(id) {
				if done[m] < d {
					partial = true
				}
			}
			// Less than the demand: Odoo asks whether to make a backorder,
			// unless skip_backorder says the caller decided (reference §2.1).
			if partial && ctx["skip_backorder"] != true {
				return wizardAction("stock.backorder.confirmation", "Create Backorder?", id), false, nil
			}
			run = append(run, todo{id, done})
		}
		if !truthy(ctx["skip_sms"]) {
			var warn []int64
			for _, t := range run {
				if s.warnSMS(t.id) {
					warn = append(warn, t.id)
				}
			}
			if len(warn) > 0 {
				// button_validate_picking_ids are self.ids, the done ones
				// filtered out from 17.
				self := ids
				if s.opts.Version >= 17 {
					self = nil
					for _, t := range run {
						self = append(self, t.id)
					}
				}
				a, err := s.smsWizard(warn, self, ctx)
				return a, false, err
			}
		}
		for _, t := range run {
			backorder := !contains(idList(ctx["picking_ids_not_to_backorder"]), t.id)
			if err := s.validate(t.id, t.done, backorder); err != nil {
				return nil, false, err
			}
		}
		return true, false, nil
	}
	// The wizards' answers: process makes the backorder (or, for the immediate
	// transfer, validates everything), process_cancel_backorder does not.
	wizard := func(model string, full, backorder bool) func(s *Server, ids []int64, kw map[string]any) (any, bool, error) {
		return func(s *Server, ids []int64, kw map[string]any) (any, bool, error) {
			ctx, _ := kw["context"].(map[string]any)
			picks := idList(ctx["button_validate_picking_ids"])
			for _, w := range ids {
				if r, ok := s.tables[model].get(w); ok {
					ps, _ := r["pick_ids"].([]int64)
					picks = append(picks, ps...)
				}
			}
			for _, id := range picks {
				if p, ok := s.tables["stock.picking"].get(id); !ok || p["state"] == "done" {
					continue
				}
				done, _ := s.doneQuantities(id)
				if full {
					done = s.demand(id)
				}
				if err := s.validate(id, done, backorder); err != nil {
					return nil, false, err
				}
			}
			return true, false, nil
		}
	}
	actions["stock.backorder.confirmation.process"] = wizard("stock.backorder.confirmation", false, true)
	actions["stock.backorder.confirmation.process_cancel_backorder"] = wizard("stock.backorder.confirmation", false, false)
	actions["stock.immediate.transfer.process"] = wizard("stock.immediate.transfer", true, true)
}

func wizardAction(model, name string, picking int64) map[string]any {
	return map[string]any{"type": "ir.actions.act_window", "name": name, "res_model": model, "view_mode": "form", "target": "new",
		"context": map[string]any{"button_validate_picking_ids": []any{picking}, "default_pick_ids": []any{[]any{4, picking}}}}
}

// demand is each move's ordered quantity.
func (s *Server) demand(picking int64) map[int64]float64 {
	out := map[int64]float64{}
	for _, m := range s.o2m(s.tables["stock.picking"].def.fields[pickingMoves(s.opts.Version)], picking) {
		mv, _ := s.tables["stock.move"].get(m)
		if mv["state"] == "cancel" {
			continue
		}
		out[m], _ = mv["product_uom_qty"].(float64)
	}
	return out
}

// doneQuantities is what validating would ship per move, and whether any is
// set: quantity_done on 16; on 17 and later quantity, of the picked moves only
// once any move is picked.
func (s *Server) doneQuantities(picking int64) (map[int64]float64, bool) {
	out := map[int64]float64{}
	anyPicked := false
	moves := s.demand(picking)
	for m := range moves {
		if mv := s.tables["stock.move"].rows[m]; mv["picked"] == true {
			anyPicked = true
		}
	}
	set := false
	for m := range moves {
		mv := s.tables["stock.move"].rows[m]
		field := "quantity"
		if s.opts.Version < 17 {
			field = "quantity_done"
		}
		q, _ := mv[field].(float64)
		if anyPicked && mv["picked"] != true {
			q = 0
		}
		out[m] = q
		if q > 0 {
			set = true
		}
	}
	return out, set
}

// validate marks a picking done, taking the done quantities out of stock. What
// is left goes to a backorder (a new picking with backorder_id set, as Odoo
// splits the moves) or, without one, is cancelled.
func (s *Server) validate(id int64, done map[int64]float64, backorder bool) error {
	type rest struct {
		prod, line int64
		qty        float64
	}
	var left []rest
	for m, demand := range s.demand(id) {
		mv := s.tables["stock.move"].rows[m]
		prod, _ := mv["product_id"].(int64)
		d := done[m]
		// A receipt (a return) puts the quantity back on hand and off the
		// sale line's delivered quantity (returns.go).
		in := s.tables["stock.picking"].rows[id]["picking_type_code"] == "incoming"
		sign := -1.0
		if in {
			sign = 1
		}
		if d > 0 {
			found := false
			for _, qid := range s.tables["stock.quant"].ids() {
				q := s.tables["stock.quant"].rows[qid]
				if loc, _ := s.tables["stock.location"].get(asID(q["location_id"])); q["product_id"] == prod && loc["usage"] == "internal" {
					have, _ := q["quantity"].(float64)
					s.setField("stock.quant", qid, "quantity", have+sign*d)
					found = true
					break
				}
			}
			if !found && in {
				if _, err := s.create("stock.quant", map[string]any{"product_id": float64(prod), "location_id": float64(s.stockLocation()), "quantity": d}); err != nil {
					return err
				}
			}
		}
		line := asID(mv["sale_line_id"])
		if d < demand {
			left = append(left, rest{prod, line, demand - d})
		}
		if d == 0 {
			s.setField("stock.move", m, "state", "cancel")
			continue
		}
		s.setField("stock.move", m, "product_uom_qty", d)
		if s.opts.Version < 17 {
			s.setField("stock.move", m, "quantity_done", d)
		} else {
			s.setField("stock.move", m, "quantity", d)
			s.setField("stock.move", m, "picked", true)
		}
		s.setField("stock.move", m, "state", "done")
		if l, ok := s.tables["sale.order.line"].get(line); ok {
			had, _ := l["qty_delivered"].(float64)
			s.setField("sale.order.line", line, "qty_delivered", had-sign*d)
		}
	}
	s.setField("stock.picking", id, "state", "done")
	s.setField("stock.picking", id, "date_done", s.now())
	if !backorder || len(left) == 0 {
		return nil
	}
	p := s.tables["stock.picking"].rows[id]
	vals := map[string]any{"origin": p["origin"], "sale_id": float64(asID(p["sale_id"])), "partner_id": float64(asID(p["partner_id"])), "picking_type_code": p["picking_type_code"], "state": "assigned", "backorder_id": float64(id)}
	if c := asID(p["carrier_id"]); c != 0 {
		vals["carrier_id"] = float64(c)
	}
	bid, err := s.create("stock.picking", vals)
	if err != nil {
		return err
	}
	s.setField("stock.picking", bid, "name", fmt.Sprintf("WH/OUT/%05d", bid))
	sort.Slice(left, func(i, j int) bool { return left[i].line < left[j].line })
	assigned := true
	for _, r := range left {
		free, _ := computeQty(true)(s, record{"id": r.prod}).(float64)
		short := s.productKind(r.prod) == "storable" && free < r.qty
		if short {
			assigned = false
		}
		if _, err := s.create("stock.move", s.moveVals(r.prod, r.qty, bid, r.line, !short)); err != nil {
			return err
		}
	}
	if !assigned {
		s.setField("stock.picking", bid, "state", "confirmed")
	}
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
	return s.validate(id, s.demand(id), false)
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

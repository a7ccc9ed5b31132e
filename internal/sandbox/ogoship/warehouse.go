package ogoship

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"net/http"
	"time"
)

// state is the merchant's data; guarded by Server.mu.
type state struct {
	seed         int64
	seq          int
	products     []*product
	byCode       map[string]*product
	orders       []*order
	byRef        map[string]*order
	stockUpdates []*stockUpdate
	webhooks     []*webhook
	shipping     []ShippingMethod
	tracking     int // tracking numbers handed out
}

func newState(seed int64) *state {
	return &state{seed: seed, byCode: map[string]*product{}, byRef: map[string]*order{}}
}

// uuid derives a version-4-shaped GUID from the seed and a counter, so runs
// with the same seed hand out the same ids.
func (st *state) uuid() (string, int) {
	st.seq++
	var in [16]byte
	binary.BigEndian.PutUint64(in[:8], uint64(st.seed))
	binary.BigEndian.PutUint64(in[8:], uint64(st.seq))
	h := sha256.Sum256(in[:])
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16]), st.seq
}

func (st *state) addProduct(f ProductFields, now time.Time) *product {
	p := &product{edit: now, stockMod: now}
	p.id, p.seq = st.uuid()
	mergeProduct(&p.f, f)
	st.products = append(st.products, p)
	st.byCode[p.code()] = p
	return p
}

// started reports whether the warehouse has begun work on an order (or
// finished it), after which the merchant can no longer change or cancel it.
func started(status string) bool {
	switch status {
	case "draft", "new", "reserved", "pending":
		return false
	}
	return true
}

// need sums an order's quantities per product.
func (o *order) need() map[*product]int {
	n := map[*product]int{}
	for i, l := range o.lines {
		n[o.prods[i]] += l.Quantity
	}
	return n
}

// reserve holds stock for o when every line is available; it reports whether
// it did.
func (s *Server) reserve(o *order, now time.Time) bool {
	need := o.need()
	for p, q := range need {
		if p.available() < q {
			return false
		}
	}
	for p, q := range need {
		p.reserved += q
		s.stockChanged(p, now)
	}
	return true
}

func (s *Server) release(o *order, now time.Time) {
	for p, q := range o.need() {
		p.reserved = max(0, p.reserved-q)
		s.stockChanged(p, now)
	}
}

func (s *Server) stockChanged(p *product, now time.Time) {
	p.stockMod = now
	s.notify("ProductStockLevelChanged", s.renderStock(p))
}

// ship sends o: stock leaves the warehouse, the carrier's tracking code is set
// and OrderShipped subscribers are told.
func (s *Server) ship(o *order, now time.Time) {
	for p, q := range o.need() {
		p.stock = max(0, p.stock-q)
		p.reserved = max(0, p.reserved-q)
		s.stockChanged(p, now)
	}
	num, u := s.st.trackingFor(o)
	o.trackingNumber, o.trackingURL = &num, &u
	o.status = "shipped"
	o.edit = now
	s.notify("OrderShipped", s.renderOrder(o))
}

// step moves o one step along draft ⇢ new → reserved (or pending) →
// collecting → shipped; drafts, locked and finished orders stay. It reports
// whether o moved.
func (s *Server) step(o *order, now time.Time) bool {
	switch o.status {
	case "new", "pending":
		if s.reserve(o, now) {
			o.status = "reserved"
		} else if o.status == "new" {
			o.status = "pending"
		} else {
			return false
		}
	case "reserved":
		o.status = "collecting"
	case "collecting":
		s.ship(o, now)
	default:
		return false
	}
	o.edit = now
	return true
}

// Move is one order's status change made by the simulation.
type Move struct {
	Reference string `json:"reference"`
	From      string `json:"from"`
	To        string `json:"to"`
}

// AdvanceAll moves every order one step, oldest first.
func (s *Server) AdvanceAll() []Move {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	moves := []Move{}
	for _, o := range append([]*order(nil), s.st.orders...) {
		from := o.status
		if s.step(o, now) {
			moves = append(moves, Move{Reference: o.ref, From: from, To: o.status})
		}
	}
	return moves
}

// Advance moves the order with reference to status, through the steps
// between (so stock is reserved and shipped and tracking set on the way).
// Targets: reserved, collecting, shipped (from new, pending, locked or an
// earlier step), locked (holding a not yet collected order), cancelled (any
// order not yet shipped; the warehouse may cancel what the API may not) and
// returned (a shipped order).
func (s *Server) Advance(reference, status string) ([]Move, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.st.byRef[reference]
	if o == nil {
		return nil, errf(http.StatusNotFound, "order %q not found", reference)
	}
	now := s.now()
	moves := []Move{}
	mv := func(from string) { moves = append(moves, Move{Reference: o.ref, From: from, To: o.status}) }
	rank := map[string]int{"new": 0, "locked": 0, "pending": 0, "reserved": 1, "collecting": 2, "shipped": 3}
	switch status {
	case "reserved", "collecting", "shipped":
		if _, okFrom := rank[o.status]; !okFrom || rank[o.status] > rank[status] {
			return nil, errf(http.StatusConflict, "order %q is %s and cannot move to %s", reference, o.status, status)
		}
		if o.status == "locked" {
			o.status = "new"
		}
		for o.status != status {
			from := o.status
			if !s.step(o, now) || o.status == "pending" {
				if o.status == "pending" && from != "pending" {
					mv(from)
				}
				return moves, errf(http.StatusConflict, "order %q waits for stock (pending) and cannot move to %s", reference, status)
			}
			mv(from)
		}
	case "locked":
		if started(o.status) || o.status == "draft" {
			return nil, errf(http.StatusConflict, "order %q is %s and cannot be locked", reference, o.status)
		}
		from := o.status
		if o.status == "reserved" {
			s.release(o, now)
		}
		o.status, o.edit = "locked", now
		mv(from)
	case "cancelled":
		if o.status == "shipped" || o.status == "returned" || o.status == "cancelled" {
			return nil, errf(http.StatusConflict, "order %q is %s and cannot be cancelled", reference, o.status)
		}
		from := o.status
		if o.status == "reserved" || o.status == "collecting" {
			s.release(o, now)
		}
		o.status, o.edit = "cancelled", now
		mv(from)
	case "returned":
		if o.status != "shipped" {
			return nil, errf(http.StatusConflict, "order %q is %s; only shipped orders can be returned", reference, o.status)
		}
		o.status, o.edit = "returned", now
		mv("shipped")
	default:
		return nil, errf(http.StatusBadRequest, "advance: %q is not a status the warehouse moves orders to; use reserved, collecting, shipped, locked, cancelled or returned", status)
	}
	return moves, nil
}

// Receive books qty units of the product with code into the warehouse (goods
// received), then reserves stock for pending orders that now fit.
func (s *Server) Receive(code string, qty int) (StockResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.byCode[code]
	if p == nil {
		return StockResponse{}, errf(http.StatusNotFound, "product %q not found", code)
	}
	if qty <= 0 {
		return StockResponse{}, errf(http.StatusBadRequest, "qty must be positive")
	}
	now := s.now()
	p.stock += qty
	s.stockChanged(p, now)
	s.retryPending(now)
	return s.renderStock(p), nil
}

// retryPending reserves stock for pending orders, oldest first.
func (s *Server) retryPending(now time.Time) {
	for _, o := range s.st.orders {
		if o.status == "pending" && s.reserve(o, now) {
			o.status, o.edit = "reserved", now
		}
	}
}

package mycashflow

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"time"
)

// PageChurn makes records change while a client pages through a list, as in a
// live shop: a customer pays, a person edits an order or a product. Each list
// read of a churned resource, after one that returned records, first touches
// PerRead records that earlier reads returned (picked by a seeded source) and
// bumps their updated_at to now. With sort=updated_at-asc a touched record moves
// to the end, every later record shifts back, and a client that pages with
// page+1 skips one record per touch; a client that re-queries with
// updated_at-from = the last updated_at it read, and drops duplicates, misses
// nothing.
type PageChurn struct {
	// Resources are the lists it acts on: "orders", "products" and "stock";
	// empty means orders.
	Resources []string `json:"resources,omitempty"`
	// PerRead is how many records each read touches; 0 turns it off.
	PerRead int `json:"per_read"`
	// Seed seeds which records are touched; 0 uses Options.Seed.
	Seed uint64 `json:"seed,omitempty"`
}

// ChurnTouch is one change PageChurn made.
type ChurnTouch struct {
	Resource string    `json:"resource"` // orders, products, stock
	ID       int       `json:"id"`       // order, product or stock item id
	Change   string    `json:"change"`   // what changed, e.g. "payment 4001 marked PAID"
	Page     int       `json:"page"`     // the page the read that caused it asked for
	At       time.Time `json:"at"`       // the new updated_at
}

// churnResources are the resources PageChurn can act on.
var churnResources = map[string]bool{"orders": true, "products": true, "stock": true}

func (c PageChurn) check() error {
	if c.PerRead < 0 {
		return fmt.Errorf("page churn: per_read must be ≥ 0")
	}
	for _, r := range c.Resources {
		if !churnResources[r] {
			return fmt.Errorf("page churn: resource %q is not one of orders, products, stock", r)
		}
	}
	return nil
}

func (c PageChurn) on(resource string) bool {
	if c.PerRead == 0 {
		return false
	}
	if len(c.Resources) == 0 {
		return resource == "orders"
	}
	for _, r := range c.Resources {
		if r == resource {
			return true
		}
	}
	return false
}

// churnState is what PageChurn remembers: the records reads have returned, in
// the order first returned, so the seeded picks do not depend on map order.
type churnState struct {
	cfg     PageChurn
	rng     *rand.Rand
	seen    map[string][]int
	seenSet map[string]map[int]bool
	log     []ChurnTouch
}

// SetPageChurn replaces the page churn settings and forgets what earlier reads
// returned; the zero value turns it off. The log of touches is kept.
func (s *Server) SetPageChurn(c PageChurn) error {
	if err := c.check(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setPageChurn(c)
	return nil
}

func (s *Server) setPageChurn(c PageChurn) {
	c.Resources = append([]string(nil), c.Resources...)
	seed := c.Seed
	if seed == 0 {
		seed = uint64(s.opts.Seed)
	}
	s.churn.cfg = c
	s.churn.rng = rand.New(rand.NewPCG(seed, 0x636875726e))
	s.churn.seen = map[string][]int{}
	s.churn.seenSet = map[string]map[int]bool{}
}

// PageChurn returns the current page churn settings.
func (s *Server) PageChurn() PageChurn {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.churn.cfg
	c.Resources = append([]string(nil), c.Resources...)
	return c
}

// ChurnTouches lists every change PageChurn made, oldest first.
func (s *Server) ChurnTouches() []ChurnTouch {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ChurnTouch(nil), s.churn.log...)
}

// churnBefore touches records of resource that earlier reads returned, before a
// list read is answered. The caller holds s.mu.
func (s *Server) churnBefore(q *req, resource string) {
	if !s.churn.cfg.on(resource) {
		return
	}
	seen := s.churn.seen[resource]
	page := 1
	fmt.Sscan(q.q.Get("page"), &page)
	for i := 0; i < s.churn.cfg.PerRead && len(seen) > 0; i++ {
		id := seen[s.churn.rng.IntN(len(seen))]
		if change, ok := s.touch(resource, id, q.now); ok {
			s.churn.log = append(s.churn.log, ChurnTouch{Resource: resource, ID: id, Change: change, Page: page, At: stamp(q.now).Time})
		}
	}
}

// churnSeen remembers the records a list read returned.
func churnSeen[T any](s *Server, resource string, page []T, id func(T) int) {
	if !s.churn.cfg.on(resource) {
		return
	}
	set := s.churn.seenSet[resource]
	if set == nil {
		set = map[int]bool{}
		s.churn.seenSet[resource] = set
	}
	for _, v := range page {
		if n := id(v); !set[n] {
			set[n] = true
			s.churn.seen[resource] = append(s.churn.seen[resource], n)
		}
	}
}

// touch makes one real change to a record and bumps its updated_at: an order's
// open payment is paid (else an internal comment is added), a product's
// information text is edited, a stock item moves to another shelf.
func (s *Server) touch(resource string, id int, now time.Time) (string, bool) {
	switch resource {
	case "orders":
		o, found := s.st.orders.get(id)
		if !found {
			return "", false
		}
		for _, p := range o.payments {
			if p.Status == payOpen && s.paymentAction(o, p, "mark-as-paid", payPaid, now) == nil {
				return fmt.Sprintf("payment %d marked PAID", p.ID), true
			}
		}
		o.comments = append(o.comments, comment{OrderID: o.ID, CreatedAt: stamp(now), UserID: intp(1), Visibility: "internal", Text: "Asiakas soitti, tilaus tarkistettu"})
		o.UpdatedAt = stamp(now)
		return "internal comment added", true
	case "products":
		p, found := s.st.products.get(id)
		if !found {
			return "", false
		}
		p.Information = "Tiedot päivitetty " + now.In(helsinki).Format("2.1.2006 15.04")
		p.UpdatedAt = stamp(now)
		return "information edited", true
	case "stock":
		si, found := s.st.stock.get(id)
		if !found {
			return "", false
		}
		si.Location = fmt.Sprintf("%c-%02d", 'A'+rune(s.churn.rng.IntN(4)), 1+s.churn.rng.IntN(20))
		si.UpdatedAt = stamp(now)
		return "moved to shelf " + si.Location, true
	}
	return "", false
}

// servePageChurn is /_sandbox/page-churn: GET answers {"config", "touches"};
// PUT or POST with a PageChurn body replaces the settings.
func (s *Server) servePageChurn(w http.ResponseWriter, r *http.Request) {
	serveSwitch(w, r, "page churn", s.SetPageChurn, func() any {
		return map[string]any{"config": s.PageChurn(), "touches": nonNil(s.ChurnTouches())}
	})
}

// serveSwitch serves a control endpoint: GET answers state(); PUT or POST
// with a T body (unknown fields refused) puts it in force with set first.
func serveSwitch[T any](w http.ResponseWriter, r *http.Request, what string, set func(T) error, state func() any) {
	switch r.Method {
	case http.MethodGet:
	case http.MethodPut, http.MethodPost:
		var c T
		dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			writeError(w, http.StatusBadRequest, "%s: %v", what, err)
			return
		}
		if err := set(c); err != nil {
			writeError(w, http.StatusBadRequest, "%v", err)
			return
		}
	default:
		w.Header().Set("Allow", "GET, POST, PUT")
		writeError(w, http.StatusMethodNotAllowed, "method %s is not allowed on %s; allowed: GET, POST, PUT", r.Method, r.URL.Path)
		return
	}
	writeJSON(w, http.StatusOK, state())
}

package ongoing

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ferryhub/ferry/internal/sandbox/fault"
)

// State is the summary GET /_sandbox/state answers.
type State struct {
	Warehouse      string         `json:"warehouse"`
	GoodsOwnerID   int            `json:"goods_owner_id"`
	Articles       int            `json:"articles"`
	Orders         int            `json:"orders"`
	OrdersByStatus map[string]int `json:"orders_by_status"` // "200" → count
	Overlaps       int64          `json:"overlaps"`
	Requests       int64          `json:"requests"`
	CommitFailures int            `json:"commit_failures"`
	Faults         fault.Stats    `json:"faults"`
}

// State returns the counts of the sandbox.
func (s *Server) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := State{Warehouse: s.opts.Warehouse, GoodsOwnerID: s.opts.GoodsOwnerID, Articles: len(s.st.articles),
		Orders: len(s.st.orders), OrdersByStatus: map[string]int{}, Overlaps: s.overlaps, Requests: s.requests,
		CommitFailures: len(s.commitLog), Faults: s.faults.Stats()}
	for _, o := range s.st.orders {
		st.OrdersByStatus[strconv.Itoa(o.status)]++
	}
	return st
}

// OrderJSON returns the order with orderNumber as GET /orders/{orderId} answers it.
func (s *Server) OrderJSON(orderNumber string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.st.ordByNumber[key(orderNumber)]
	if o == nil {
		return nil, false
	}
	b, err := json.Marshal(s.renderOrder(o))
	return b, err == nil
}

// OrderStatus returns the status number of the order with orderNumber.
func (s *Server) OrderStatus(orderNumber string) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.st.ordByNumber[key(orderNumber)]; o != nil {
		return o.status, true
	}
	return 0, false
}

// Stock returns an article's physical (numberOfItems) and sellable quantities.
func (s *Server) Stock(articleNumber string) (physical, sellable float64, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.artByNumber[key(articleNumber)]
	if a == nil {
		return 0, 0, false
	}
	inv := s.inventoryInfo(a, s.bookings()[a.id])
	return float64(inv.NumberOfItems), float64(inv.SellableNumberOfItems), true
}

// SetStock sets an article's physical quantity, as a stock count in the
// warehouse would; an unknown article number is created.
func (s *Server) SetStock(articleNumber string, n float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	a := s.st.artByNumber[key(articleNumber)]
	if a == nil {
		a = s.newArticle(articleNumber, now)
	}
	if n > a.onHand {
		a.lastIn = now
	}
	a.onHand, a.stockChanged = n, now
}

// serveControl serves the sandbox-only endpoints under /_sandbox/ (no auth, no
// faults; doc.go).
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/_sandbox/")
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	bad := func(format string, args ...any) { writeErr(w, errf(http.StatusBadRequest, format, args...)) }
	switch {
	case path == "webhooks" || strings.HasPrefix(path, "webhooks/"):
		s.serveWebhookControl(w, r, path, body)
	case path == "state" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.State())
	case path == "overlaps" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]int64{"overlaps": s.Overlaps()})
	case path == "commit-then-fail" && (r.Method == http.MethodPut || r.Method == http.MethodPost):
		var c CommitThenFail
		if err := strictDecode(body, &c); err != nil {
			bad("commit-then-fail: %v", err)
			return
		}
		if err := s.SetCommitThenFail(c); err != nil {
			bad("%v", err)
			return
		}
		fallthrough
	case path == "commit-then-fail" && r.Method == http.MethodGet:
		s.mu.Lock()
		c := s.commit
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"config": c, "failures": s.CommitFailures()})
	case path == "advance" && r.Method == http.MethodPost:
		var a struct {
			OrderID     int    `json:"orderId"`
			OrderNumber string `json:"orderNumber"`
			Status      int    `json:"status"`
		}
		if len(strings.TrimSpace(string(body))) > 0 {
			if err := strictDecode(body, &a); err != nil {
				bad("advance: %v", err)
				return
			}
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		now := s.opts.Now()
		if a.OrderID == 0 && a.OrderNumber == "" {
			if a.Status != 0 {
				bad("advance: status needs orderId or orderNumber")
				return
			}
			writeJSON(w, http.StatusOK, map[string]int{"moved": s.stepAll(now)})
			return
		}
		o := s.st.ordByID[a.OrderID]
		if a.OrderNumber != "" {
			o = s.st.ordByNumber[key(a.OrderNumber)]
		}
		if o == nil {
			writeErr(w, errf(http.StatusNotFound, "advance: no such order"))
			return
		}
		var err error
		if a.Status == 0 {
			err = s.step(o, now, nil)
		} else {
			err = s.moveTo(o, a.Status, now)
		}
		if err != nil {
			writeErr(w, errf(http.StatusConflict, "advance: %v", err))
			return
		}
		writeJSON(w, http.StatusOK, s.renderOrder(o))
	case strings.HasPrefix(path, "orders/") && r.Method == http.MethodGet:
		number, _ := url.PathUnescape(strings.TrimPrefix(path, "orders/"))
		b, ok := s.OrderJSON(number)
		if !ok {
			writeErr(w, errf(http.StatusNotFound, "no order number %s", number))
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.Write(b)
	case path == "stock" && (r.Method == http.MethodPut || r.Method == http.MethodPost):
		var v struct {
			ArticleNumber string   `json:"articleNumber"`
			NumberOfItems *float64 `json:"numberOfItems"`
		}
		if err := strictDecode(body, &v); err != nil || v.ArticleNumber == "" || v.NumberOfItems == nil {
			bad(`stock: body must be {"articleNumber": "...", "numberOfItems": n}`)
			return
		}
		s.SetStock(v.ArticleNumber, *v.NumberOfItems)
		phys, sell, _ := s.Stock(v.ArticleNumber)
		writeJSON(w, http.StatusOK, map[string]any{"articleNumber": v.ArticleNumber, "numberOfItems": dec(phys), "sellableNumberOfItems": dec(sell)})
	default:
		writeErr(w, errf(http.StatusNotFound, "no sandbox endpoint %s %s; see the package doc", r.Method, r.URL.Path))
	}
}

func strictDecode(body []byte, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

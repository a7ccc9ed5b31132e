package ogoship

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"
)

// Counts answers what GET /_sandbox/state reports under "counts": products,
// orders, orders.<status> for every status, stock_updates, webhooks,
// token_grants.<password|refresh_token|refresh_lost|failed>,
// webhook_deliveries (attempts), webhook_delivered (successful ones),
// requests (API and token calls past the fault injector) and
// commit_failures.
func (s *Server) Counts() map[string]int {
	s.mu.Lock()
	c := map[string]int{
		"products": len(s.st.products), "orders": len(s.st.orders), "stock_updates": len(s.st.stockUpdates),
		"webhooks": len(s.st.webhooks), "requests": s.requests, "commit_failures": len(s.commit.log),
		"unauthorized": s.unauthorized,
	}
	for _, st := range orderStatuses {
		c["orders."+st] = 0
	}
	for _, o := range s.st.orders {
		c["orders."+o.status]++
	}
	for _, k := range []string{"password", "refresh_token", "refresh_lost", "failed"} {
		c["token_grants."+k] = s.tok.grants[k]
	}
	s.mu.Unlock()
	for _, d := range s.WebhookDeliveries() {
		c["webhook_deliveries"]++
		if d.Err == "" && d.Status >= 200 && d.Status < 300 {
			c["webhook_delivered"]++
		}
	}
	return c
}

// CallCounts answers how often each API route was called ("GET /Orders").
func (s *Server) CallCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

// TokenTTL is the body of /_sandbox/token-ttl: Go durations ("90m", "2s").
type TokenTTL struct {
	Access  string `json:"access,omitempty"`
	Refresh string `json:"refresh,omitempty"`
}

func (s *Server) setTTL(t TokenTTL) error {
	var a, r time.Duration
	var err error
	if t.Access != "" {
		if a, err = time.ParseDuration(t.Access); err != nil || a <= 0 {
			return errors.New("token ttl: access must be a positive duration such as \"90m\"")
		}
	}
	if t.Refresh != "" {
		if r, err = time.ParseDuration(t.Refresh); err != nil || r <= 0 {
			return errors.New("token ttl: refresh must be a positive duration such as \"336h\"")
		}
	}
	s.SetTokenTTL(a, r)
	return nil
}

func (s *Server) tokenTTL() any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return TokenTTL{Access: s.tok.accessTTL.String(), Refresh: s.tok.refreshTTL.String()}
}

func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/_sandbox/")
	post := r.Method == http.MethodPost || r.Method == http.MethodPut
	switch {
	case path == "state" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]any{"counts": s.Counts()})
	case path == "calls" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.CallCounts())
	case path == "advance" && post:
		var b struct{ Reference, Status string }
		if !readBody(w, r, &b) {
			return
		}
		if b.Reference == "" {
			writeJSON(w, http.StatusOK, map[string]any{"moves": s.AdvanceAll()})
			return
		}
		if b.Status == "" {
			writeError(w, http.StatusBadRequest, "advance: give status with reference")
			return
		}
		moves, err := s.Advance(b.Reference, strings.ToLower(b.Status))
		answer(w, map[string]any{"moves": moves}, err)
	case path == "receive" && post:
		var b struct {
			Code        string `json:"code"`
			Qty         int    `json:"qty"`
			StockUpdate string `json:"stockUpdate"`
		}
		if !readBody(w, r, &b) {
			return
		}
		if b.StockUpdate != "" {
			v, err := s.ReceiveStockUpdate(b.StockUpdate)
			answer(w, v, err)
			return
		}
		v, err := s.Receive(b.Code, b.Qty)
		answer(w, v, err)
	case strings.HasPrefix(path, "orders/") && r.Method == http.MethodGet:
		o, found := s.Order(strings.TrimPrefix(path, "orders/"))
		if !found {
			writeError(w, http.StatusNotFound, "order %q not found", strings.TrimPrefix(path, "orders/"))
			return
		}
		writeJSON(w, http.StatusOK, o)
	case path == "shipping-methods" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.ShippingMethods())
	case path == "webhook-deliveries" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.WebhookDeliveries())
	case path == "commit-faults":
		serveSwitch(w, r, "commit faults", s.SetCommitFaults, func() any {
			return map[string]any{"config": s.CommitFaults(), "failures": s.CommitFailures()}
		})
	case path == "lose-refresh":
		serveSwitch(w, r, "lose refresh", s.SetLoseRefresh, func() any {
			s.mu.Lock()
			defer s.mu.Unlock()
			return s.lose.cfg
		})
	case path == "token-ttl":
		serveSwitch(w, r, "token ttl", s.setTTL, s.tokenTTL)
	case path == "expire-tokens" && r.Method == http.MethodPost:
		s.ExpireTokens()
		w.WriteHeader(http.StatusNoContent)
	default:
		writeError(w, http.StatusNotFound, "no such sandbox endpoint %s %s; see the package doc", r.Method, r.URL.Path)
	}
}

// readBody decodes an optional JSON control body into v.
func readBody(w http.ResponseWriter, r *http.Request, v any) bool {
	b, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err == nil && len(strings.TrimSpace(string(b))) > 0 {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "control body: %v", err)
		return false
	}
	return true
}

func answer(w http.ResponseWriter, v any, err error) {
	var he *httpError
	switch {
	case errors.As(err, &he):
		writeError(w, he.code, "%s", he.msg)
	case err != nil:
		writeError(w, http.StatusInternalServerError, "%v", err)
	default:
		writeJSON(w, http.StatusOK, v)
	}
}

// serveSwitch serves a control setting: GET answers state(); PUT or POST with
// a T body replaces it.
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
		writeError(w, http.StatusMethodNotAllowed, "method %s is not allowed on %s", r.Method, r.URL.Path)
		return
	}
	writeJSON(w, http.StatusOK, state())
}

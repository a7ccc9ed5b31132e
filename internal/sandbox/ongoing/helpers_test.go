package ongoing

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

type env struct {
	t   *testing.T
	sb  *Server
	srv *httptest.Server
	clk *clock
}

func start(t *testing.T, o Options) *env {
	t.Helper()
	clk := newClock()
	if o.Now == nil {
		o.Now = clk.Now
	}
	sb := New(o)
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	return &env{t: t, sb: sb, srv: srv, clk: clk}
}

type answer struct {
	code int
	body []byte
	hdr  http.Header
}

func (a answer) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("decode %s: %v", a.body, err)
	}
}

// call sends an authenticated API request; path is relative to the API base and
// body is marshalled unless it is a string or []byte.
func (e *env) call(method, path string, body any) answer {
	e.t.Helper()
	return e.raw(method, e.sb.BasePath()+path, body, e.sb.opts.User, e.sb.opts.Password)
}

func (e *env) raw(method, path string, body any, user, pass string) answer {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		return answer{code: -1, body: []byte(err.Error())}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{code: resp.StatusCode, body: b, hdr: resp.Header}
}

func (e *env) must(want int, a answer) answer {
	e.t.Helper()
	if a.code != want {
		e.t.Fatalf("status %d, want %d: %s", a.code, want, a.body)
	}
	return a
}

func (e *env) control(method, path string, body string) answer {
	e.t.Helper()
	return e.raw(method, "/_sandbox/"+path, body, "", "")
}

// order is a minimal PUT /orders body.
func orderBody(owner int, number string, lines ...any) map[string]any {
	var ls []map[string]any
	for i := 0; i+1 < len(lines); i += 2 {
		ls = append(ls, map[string]any{"rowNumber": itoa(len(ls) + 1), "articleNumber": lines[i], "numberOfItems": lines[i+1]})
	}
	return map[string]any{"goodsOwnerId": owner, "orderNumber": number, "deliveryDate": "2026-07-02",
		"consignee": map[string]any{"customerNumber": "C-1", "name": "Maija Meikäläinen", "address1": "Esimerkkikatu 1",
			"postCode": "00100", "city": "Helsinki", "countryCode": "FI"},
		"orderLines": ls}
}

type idMsg struct {
	OrderID         int    `json:"orderId"`
	ArticleSystemID int    `json:"articleSystemId"`
	Message         string `json:"message"`
}

func (e *env) putOrder(want int, body any) int {
	e.t.Helper()
	var r idMsg
	e.must(want, e.call("PUT", "/orders", body)).json(e.t, &r)
	return r.OrderID
}

type errAnswer struct {
	Message    string              `json:"Message"`
	ModelState map[string][]string `json:"ModelState"`
}

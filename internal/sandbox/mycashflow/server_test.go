package mycashflow

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

	"github.com/ferryhub/ferry/internal/sandbox/fault"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type fixture struct {
	t   *testing.T
	srv *Server
	ts  *httptest.Server
	clk *clock
}

func newFixture(t *testing.T, opts Options) *fixture {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)}
	if opts.Now == nil {
		opts.Now = clk.Now
	}
	srv := New(opts)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		ts.Close()
		srv.WaitWebhooks()
	})
	return &fixture{t: t, srv: srv, ts: ts, clk: clk}
}

// resp is an answer decoded loosely.
type resp struct {
	Code   int
	Header http.Header
	Raw    []byte
	Body   map[string]any
}

func (r resp) data() map[string]any {
	d, _ := r.Body["data"].(map[string]any)
	return d
}

func (r resp) list() []any {
	d, _ := r.Body["data"].([]any)
	return d
}

func (r resp) meta() map[string]any {
	d, _ := r.Body["meta"].(map[string]any)
	return d
}

func (f *fixture) do(method, path string, body any) resp {
	f.t.Helper()
	return f.doAuth(method, path, body, "api@demo.example", "demo-key")
}

func (f *fixture) doAuth(method, path string, body any, user, key string) resp {
	f.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			f.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	u := path
	if !strings.HasPrefix(path, "http") {
		u = f.ts.URL + path
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		f.t.Fatal(err)
	}
	if user != "" {
		req.SetBasicAuth(user, key)
	}
	req.Header.Set("Accept", "application/json")
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := f.ts.Client().Do(req)
	if err != nil {
		f.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	r := resp{Code: res.StatusCode, Header: res.Header, Raw: raw}
	if len(raw) > 0 {
		// Injected 5xx answers are HTML, as a failing proxy's would be.
		if err := json.Unmarshal(raw, &r.Body); err != nil && res.StatusCode < 500 {
			f.t.Fatalf("%s %s: answer is not a JSON object: %v: %s", method, path, err, raw)
		}
	}
	return r
}

func (f *fixture) must(code int, method, path string, body any) resp {
	f.t.Helper()
	r := f.do(method, path, body)
	if r.Code != code {
		f.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Code, code, r.Raw)
	}
	return r
}

func num(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case json.Number:
		f, _ := x.Float64()
		return f
	}
	return -1e18
}

func id(v any) int { return int(num(v.(map[string]any)["id"])) }

// checkError asserts the error shape of §1.3.
func checkError(t *testing.T, r resp, code int, contains string) {
	t.Helper()
	if r.Code != code {
		t.Fatalf("status %d, want %d: %s", r.Code, code, r.Raw)
	}
	if got := num(r.Body["code"]); int(got) != code {
		t.Errorf("error code %v, want %d: %s", r.Body["code"], code, r.Raw)
	}
	if _, ok := r.Body["error"].(string); !ok {
		t.Errorf("error field missing: %s", r.Raw)
	}
	msg, _ := r.Body["message"].(string)
	if !strings.Contains(msg, contains) {
		t.Errorf("message %q does not contain %q", msg, contains)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
}

func TestAuthAndPaths(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	tests := []struct {
		name, method, path, user, key string
		code                          int
		contains                      string
	}{
		{"ok", "GET", "/api/v1/products", "api@demo.example", "demo-key", 200, ""},
		{"v0 orders", "GET", "/api/v0/orders", "api@demo.example", "demo-key", 200, ""},
		{"v0 campaigns", "GET", "/api/v0/campaigns", "api@demo.example", "demo-key", 200, ""},
		{"no auth", "GET", "/api/v1/products", "", "", 401, "credentials"},
		{"bad key", "GET", "/api/v1/products", "api@demo.example", "wrong", 401, "credentials"},
		{"bad user", "GET", "/api/v1/products", "other@demo.example", "demo-key", 401, "credentials"},
		{"trailing slash", "GET", "/api/v1/products/", "api@demo.example", "demo-key", 404, "trailing slash"},
		{"trailing slash on one", "GET", "/api/v1/orders/1001/", "api@demo.example", "demo-key", 404, "trailing slash"},
		{"unknown version", "GET", "/api/v2/products", "api@demo.example", "demo-key", 404, "/api/v1"},
		{"unknown resource", "GET", "/api/v1/nothing", "api@demo.example", "demo-key", 404, "no such API path"},
		{"wrong method", "PUT", "/api/v1/products", "api@demo.example", "demo-key", 405, "not allowed"},
		{"bad id", "GET", "/api/v1/products/abc", "api@demo.example", "demo-key", 404, "not a valid id"},
		{"unknown id", "GET", "/api/v1/products/999999", "api@demo.example", "demo-key", 404, "not found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := f.doAuth(tc.method, tc.path, nil, tc.user, tc.key)
			if tc.code == 200 {
				if r.Code != 200 {
					t.Fatalf("status %d: %s", r.Code, r.Raw)
				}
				if _, ok := r.Body["data"]; !ok {
					t.Errorf("no data in envelope: %s", r.Raw)
				}
				if _, ok := r.Body["meta"]; !ok {
					t.Errorf("no meta in envelope: %s", r.Raw)
				}
				if r.Header.Get("Content-Length") == "" {
					t.Error("no Content-Length")
				}
				return
			}
			checkError(t, r, tc.code, tc.contains)
			if tc.code == 401 && r.Header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
}

func TestAPIDisabled(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{APIDisabled: true, Orders: -1})
	checkError(t, f.do("GET", "/api/v1/products", nil), 403, "API extension")
}

func TestPagingFollowsNext(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{Products: 23})
	r := f.must(200, "GET", "/api/v1/products", nil)
	if got := num(r.meta()["page_size"]); got != 50 {
		t.Errorf("default page_size %v, want 50", got)
	}
	if _, ok := r.meta()["next"]; ok {
		t.Errorf("next on the only page: %v", r.meta())
	}
	seen := map[int]bool{}
	next := "/api/v1/products?page_size=5&sort=id-desc"
	pages, last := 0, 1<<30
	for next != "" {
		r := f.must(200, "GET", next, nil)
		pages++
		m := r.meta()
		if num(m["item_count"]) != 23 || num(m["page_count"]) != 5 || num(m["page"]) != float64(pages) {
			t.Fatalf("meta %v on page %d", m, pages)
		}
		for _, it := range r.list() {
			n := id(it)
			if seen[n] {
				t.Fatalf("product %d twice", n)
			}
			if n >= last {
				t.Fatalf("id-desc broken: %d after %d", n, last)
			}
			seen[n], last = true, n
		}
		next, _ = m["next"].(string)
		if pages < 5 && !strings.HasPrefix(next, "http://") {
			t.Fatalf("page %d: next %q is not an absolute URL", pages, next)
		}
		if pages > 10 {
			t.Fatal("next never ends")
		}
	}
	if pages != 5 || len(seen) != 23 {
		t.Fatalf("%d pages, %d products", pages, len(seen))
	}
	r = f.must(200, "GET", "/api/v1/products?page=9&page_size=5", nil)
	if len(r.list()) != 0 || r.meta()["next"] != nil {
		t.Errorf("past the end: %s", r.Raw)
	}
	for _, bad := range []string{"page=0", "page=x", "page_size=0", "page_size=10001", "sort=name-asc", "sort=id-up", "expand=nothing"} {
		checkError(t, f.do("GET", "/api/v1/products?"+bad, nil), 400, "query parameter")
	}
}

func TestOptionsValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts Options
		ok   bool
	}{
		{"zero", Options{}, true},
		{"custom", Options{Store: "my-shop", User: "api@shop.fi", Orders: 10000}, true},
		{"bad store", Options{Store: "My Shop"}, false},
		{"bad user", Options{User: "api"}, false},
		{"too many", Options{Orders: 2_000_000}, false},
		{"bad faults", Options{Faults: fault.Config{ErrorRate: 0.8, DropRate: 0.5}}, false},
	}
	for _, tc := range tests {
		if err := tc.opts.Validate(); (err == nil) != tc.ok {
			t.Errorf("%s: Validate() = %v", tc.name, err)
		}
	}
}

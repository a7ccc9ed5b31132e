package ogoship

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type fixture struct {
	t     *testing.T
	srv   *Server
	ts    *httptest.Server
	clk   *clock
	token string
}

func newFixture(t *testing.T, opts Options) *fixture {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)}
	if opts.Now == nil {
		opts.Now = clk.Now
	}
	if opts.WebhookRetry == 0 {
		opts.WebhookRetry = 10 * time.Millisecond
	}
	srv := New(opts)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { ts.Close(); srv.WaitWebhooks() })
	f := &fixture{t: t, srv: srv, ts: ts, clk: clk}
	f.token = f.password(allScopes).AccessToken
	return f
}

// empty is a merchant without generated data.
func empty(t *testing.T) *fixture { return newFixture(t, Options{Products: -1, Orders: -1}) }

var allScopes = strings.Join(Scopes, " ")

type resp struct {
	Code   int
	Header http.Header
	Raw    []byte
}

func (r resp) obj() map[string]any {
	var m map[string]any
	json.Unmarshal(r.Raw, &m)
	return m
}

func (r resp) list() []map[string]any {
	var l []map[string]any
	json.Unmarshal(r.Raw, &l)
	return l
}

func (f *fixture) do(method, path string, body any) resp {
	f.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, f.ts.URL+path, rd)
	if f.token != "" {
		req.Header.Set("Authorization", "Bearer "+f.token)
	}
	req.Header.Set("Accept", "application/json")
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := f.ts.Client().Do(req)
	if err != nil {
		return resp{Code: -1, Raw: []byte(err.Error())}
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return resp{Code: res.StatusCode, Header: res.Header, Raw: raw}
}

func (f *fixture) must(code int, method, path string, body any) resp {
	f.t.Helper()
	r := f.do(method, path, body)
	if r.Code != code {
		f.t.Fatalf("%s %s: %d %s, want %d", method, path, r.Code, r.Raw, code)
	}
	return r
}

// form posts to the token server; a transport error answers code -1.
func (f *fixture) form(v url.Values) (int, map[string]any) {
	f.t.Helper()
	res, err := f.ts.Client().Post(f.ts.URL+"/OAuth/Token", "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
	if err != nil {
		return -1, nil
	}
	defer res.Body.Close()
	var m map[string]any
	json.NewDecoder(res.Body).Decode(&m)
	return res.StatusCode, m
}

func (f *fixture) password(scope string) TokenResponse {
	f.t.Helper()
	code, m := f.form(url.Values{"grant_type": {"password"}, "client_id": {"123456"}, "client_secret": {"abcdef"},
		"username": {"demo-merchant"}, "password": {"demo-secret"}, "scope": {scope}})
	if code != 200 {
		f.t.Fatalf("password grant: %d %v", code, m)
	}
	return tokenOf(m)
}

func (f *fixture) refresh(rt string) (int, map[string]any) {
	return f.form(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {"123456"}, "client_secret": {"abcdef"}})
}

func tokenOf(m map[string]any) TokenResponse {
	var t TokenResponse
	b, _ := json.Marshal(m)
	json.Unmarshal(b, &t)
	return t
}

func checkError(t *testing.T, r resp, code int, contains string) {
	t.Helper()
	if r.Code != code {
		t.Fatalf("status %d %s, want %d", r.Code, r.Raw, code)
	}
	var e ApiError
	if err := json.Unmarshal(r.Raw, &e); err != nil || e.StatusCode != code || e.StatusDescription == "" || !strings.Contains(e.Message, contains) {
		t.Fatalf("error body %s, want ApiError %d mentioning %q", r.Raw, code, contains)
	}
}

func productBody(code string) map[string]any {
	return map[string]any{"code": code, "name": "Product " + code, "languageCode": "en"}
}

func orderBody(ref string, lines ...any) map[string]any {
	if len(lines) == 0 {
		lines = []any{map[string]any{"code": "MUG", "quantity": 2}}
	}
	return map[string]any{
		"reference": ref, "shippingCode": "POSTI-SP", "pickUpPointCode": "123456", "priceTotal": 55.7, "priceCurrency": "EUR",
		"customer":   map[string]any{"name": "Maija Meikäläinen", "address1": "Esimerkkikatu 1", "city": "Helsinki", "zip": "00100", "countryCode": "FI"},
		"orderLines": lines,
		"documents":  []any{map[string]any{"type": "receipt", "url": "https://demo.example/receipt.pdf"}},
	}
}

// stockOf reads one product's stock over the API.
func (f *fixture) stockOf(code string) StockResponse {
	f.t.Helper()
	r := f.must(200, "GET", "/api/v1/Stock?productCode="+url.QueryEscape(code), nil)
	var l []StockResponse
	json.Unmarshal(r.Raw, &l)
	if len(l) != 1 {
		f.t.Fatalf("stock of %s: %s", code, r.Raw)
	}
	return l[0]
}

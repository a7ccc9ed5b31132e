package clientify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/sandbox/fault"
)

// TestMain fails the run when webhook delivery goroutines outlive the tests
// (every test closes its sandbox).
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		deadline := time.Now().Add(2 * time.Second)
		for {
			buf := make([]byte, 1<<20)
			n := strings.Count(string(buf[:runtime.Stack(buf, true)]), "(*hookSet).deliver(")
			if n == 0 {
				break
			}
			if time.Now().After(deadline) {
				fmt.Fprintf(os.Stderr, "%d webhook delivery goroutines leaked\n", n)
				code = 1
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	os.Exit(code)
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 2, 9, 30, 0, 123456000, time.UTC)} }

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
	t   testing.TB
	sb  *Server
	srv *httptest.Server
	clk *clock
}

// start runs a sandbox over httptest. Unless the test sets one, there is no
// rate limit, and the clock is a test clock.
func start(t testing.TB, o Options) *env {
	t.Helper()
	clk := newClock()
	if o.Now == nil {
		o.Now = clk.Now
	}
	if o.RateLimit == 0 {
		o.RateLimit = -1
	}
	sb := New(o)
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(func() { srv.Close(); sb.Close() })
	return &env{t: t, sb: sb, srv: srv, clk: clk}
}

type answer struct {
	code int
	body []byte
	hdr  http.Header
}

func (a answer) json(t testing.TB) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(a.body, &v); err != nil {
		t.Fatalf("answer %d is not JSON: %v: %s", a.code, err, a.body)
	}
	return v
}

func (a answer) obj(t testing.TB) map[string]any {
	t.Helper()
	m, ok := a.json(t).(map[string]any)
	if !ok {
		t.Fatalf("answer %d is not an object: %s", a.code, a.body)
	}
	return m
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// req sends method path (absolute URL or a path on the sandbox) with the API
// key; body is JSON-encoded unless it is a string or []byte.
func (e *env) req(method, path string, body any, hdr ...string) answer {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	u := path
	if !strings.HasPrefix(u, "http") {
		u = e.srv.URL + path
	}
	r, err := http.NewRequest(method, u, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	r.Header.Set("Authorization", "Token "+e.sb.APIKey())
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			r.Header.Del(hdr[i])
		} else {
			r.Header.Set(hdr[i], hdr[i+1])
		}
	}
	resp, err := noRedirect.Do(r)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{code: resp.StatusCode, body: b, hdr: resp.Header}
}

func (e *env) get(path string) answer { return e.req("GET", path, nil) }

// must fails the test unless the answer has code.
func (e *env) must(a answer, code int) answer {
	e.t.Helper()
	if a.code != code {
		e.t.Fatalf("got %d, want %d: %s", a.code, code, a.body)
	}
	return a
}

func num(v any) int {
	f, _ := v.(float64)
	return int(f)
}

// hookSink is a webhook receiver that records bodies and answers the codes
// queued in fail (then 200).
type hookSink struct {
	mu     sync.Mutex
	bodies []map[string]any
	hdrs   []http.Header
	fail   []int
	srv    *httptest.Server
}

func newSink(t testing.TB) *hookSink {
	k := &hookSink{}
	k.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var m map[string]any
		json.Unmarshal(b, &m)
		k.mu.Lock()
		code := 200
		if len(k.fail) > 0 {
			code, k.fail = k.fail[0], k.fail[1:]
		}
		if code == 200 {
			k.bodies = append(k.bodies, m)
			k.hdrs = append(k.hdrs, r.Header.Clone())
		}
		k.mu.Unlock()
		w.WriteHeader(code)
	}))
	t.Cleanup(k.srv.Close)
	return k
}

func (k *hookSink) got() []map[string]any {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]map[string]any{}, k.bodies...)
}

// wait waits for n bodies.
func (k *hookSink) wait(t testing.TB, n int) []map[string]any {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if b := k.got(); len(b) >= n {
			return b
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("webhook sink: %d bodies, want %d", len(k.got()), n)
	return nil
}

func faultCfg(rate float64, seed uint64) fault.Config {
	return fault.Config{ErrorRate: rate, Seed: seed}
}

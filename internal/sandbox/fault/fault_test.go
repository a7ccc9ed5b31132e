package fault

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestAdminEndpointSetsFaults(t *testing.T) {
	t.Parallel()
	in := New(Config{})
	mux := http.NewServeMux()
	mux.Handle("/_sandbox/faults", in.Handler())
	mux.Handle("/", in.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })))
	in.Exempt(func(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/_sandbox/") })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	req, _ := http.NewRequest(http.MethodPut, srv.URL+"/_sandbox/faults", strings.NewReader(`{"error_rate":1,"latency":"5ms","seed":3}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("PUT faults: %v %v", resp, err)
	}
	if got := in.Get(); got.ErrorRate != 1 || got.Latency != 5*time.Millisecond {
		t.Fatalf("config = %+v", got)
	}
	resp, err = http.Get(srv.URL + "/orders")
	if err != nil || resp.StatusCode < 500 {
		t.Fatalf("with error_rate 1 got %v %v", resp, err)
	}
	bad, _ := http.NewRequest(http.MethodPut, srv.URL+"/_sandbox/faults", strings.NewReader(`{"error_rate":0.8,"drop_rate":0.5}`))
	resp, _ = http.DefaultClient.Do(bad)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("rates over 1 accepted: %d", resp.StatusCode)
	}
}

func TestRateLimitAnswers429WithRetryAfter(t *testing.T) {
	t.Parallel()
	in := New(Config{RateLimit: 2, RetryAfter: 3})
	srv := httptest.NewServer(in.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})))
	defer srv.Close()
	limited := 0
	for i := 0; i < 6; i++ {
		resp, err := http.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode == http.StatusTooManyRequests {
			limited++
			if resp.Header.Get("Retry-After") != "3" {
				t.Fatalf("Retry-After = %q", resp.Header.Get("Retry-After"))
			}
		}
	}
	if limited < 3 {
		t.Fatalf("%d of 6 quick requests limited at 2/s, want at least 3", limited)
	}
}

func TestDropClosesTheConnection(t *testing.T) {
	t.Parallel()
	in := New(Config{DropRate: 1})
	srv := httptest.NewServer(in.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})))
	defer srv.Close()
	if _, err := http.Get(srv.URL); err == nil {
		t.Fatal("a dropped connection returned a response")
	}
	if in.Stats().Drops != 1 {
		t.Fatalf("stats = %+v", in.Stats())
	}
}

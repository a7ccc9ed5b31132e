package remote

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/sandbox/fault"
)

func noSleep(ctx context.Context, d time.Duration) error { return ctx.Err() }

func newCaller(p Policy) *Caller {
	c := New(p, nil)
	c.sleep = noSleep
	return c
}

func TestDoRetriesServerErrorsForIdempotentCalls(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) < 3 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		w.Write([]byte(`ok`))
	}))
	defer srv.Close()
	c := newCaller(Policy{System: "test"})
	resp, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL + "/x", Idempotent: true})
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != "ok" || resp.Attempts != 3 {
		t.Fatalf("got %q after %d attempts", resp.Body, resp.Attempts)
	}
}

func TestDoDoesNotRepeatAmbiguousCreate(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer srv.Close()
	c := newCaller(Policy{System: "test"})
	_, err := c.Do(context.Background(), Request{Method: "POST", URL: srv.URL, Body: []byte(`{}`)})
	if !IsAmbiguous(err) || !IsTransient(err) {
		t.Fatalf("want an ambiguous transient error, got %v", err)
	}
	if n.Load() != 1 {
		t.Fatalf("create sent %d times, want once", n.Load())
	}
}

func TestDoRetriesRateLimitEvenForCreates(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))
	defer srv.Close()
	var slept time.Duration
	c := New(Policy{System: "test"}, nil)
	c.sleep = func(ctx context.Context, d time.Duration) error { slept += d; return nil }
	resp, err := c.Do(context.Background(), Request{Method: "POST", URL: srv.URL})
	if err != nil || resp.Status != http.StatusCreated {
		t.Fatalf("got %v, %v", resp, err)
	}
	if slept < time.Second {
		t.Fatalf("slept %v, want at least the Retry-After of 1s", slept)
	}
}

func TestDoLongRetryAfterIsReturnedNotSlept(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	c := newCaller(Policy{System: "test", MaxDelay: time.Second})
	_, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL, Idempotent: true})
	if got := RetryAfterOf(err); got != 120*time.Second {
		t.Fatalf("RetryAfter = %v (%v), want 120s", got, err)
	}
}

func TestDoReturnsClientErrorsWithoutRetry(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(http.StatusUnprocessableEntity)
		w.Write([]byte(`{"error":"bad"}`))
	}))
	defer srv.Close()
	resp, err := newCaller(Policy{}).Do(context.Background(), Request{Method: "GET", URL: srv.URL, Idempotent: true})
	if err != nil || resp.Status != 422 || n.Load() != 1 {
		t.Fatalf("got %v, %v after %d calls", resp, err, n.Load())
	}
}

func TestDoSurvivesInjectedFaults(t *testing.T) {
	t.Parallel()
	inj := fault.New(fault.Config{ErrorRate: 0.2, DropRate: 0.1, RateLimitRate: 0.1, Seed: 7})
	srv := httptest.NewServer(inj.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`fine`))
	})))
	defer srv.Close()
	c := newCaller(Policy{System: "test", MaxAttempts: 12})
	for i := 0; i < 100; i++ {
		resp, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL, Idempotent: true})
		if err != nil || string(resp.Body) != "fine" {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	st := inj.Stats()
	if st.Errors == 0 || st.Drops == 0 || st.RateLimited == 0 {
		t.Fatalf("faults were not injected: %+v", st)
	}
}

func TestDoHonoursContextCancellation(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := New(Policy{}, nil).Do(ctx, Request{Method: "GET", URL: srv.URL, Idempotent: true})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want deadline exceeded", err)
	}
}

func TestDoTimesOutEachAttempt(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			<-r.Context().Done()
			return
		}
		w.Write([]byte("late but fine"))
	}))
	defer srv.Close()
	c := newCaller(Policy{Timeout: 50 * time.Millisecond})
	resp, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL, Idempotent: true})
	if err != nil || resp.Attempts != 2 {
		t.Fatalf("got %v, %v", resp, err)
	}
}

func TestErrorRedactsSecrets(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte(`{"echo":"key=s3cr3t-key"}`))
	}))
	defer srv.Close()
	c := newCaller(Policy{System: "test", Secrets: []string{"s3cr3t-key"}, MaxAttempts: 1})
	_, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL, Idempotent: true})
	if err == nil || strings.Contains(err.Error(), "s3cr3t") || !strings.Contains(err.Error(), "***") {
		t.Fatalf("secret not redacted: %v", err)
	}
}

func TestRateLimiterSpacesCalls(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	c := New(Policy{RatePerSecond: 20, Burst: 1}, nil)
	start := time.Now()
	for i := 0; i < 5; i++ {
		if _, err := c.Do(context.Background(), Request{Method: "GET", URL: srv.URL, Idempotent: true}); err != nil {
			t.Fatal(err)
		}
	}
	// Five calls at 20/s with a burst of one need at least four gaps of 50 ms.
	if el := time.Since(start); el < 190*time.Millisecond {
		t.Fatalf("5 calls took %v, the limiter did not hold them back", el)
	}
}

func TestCallsAreCounted(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	before := CallCount("counted")
	c := newCaller(Policy{System: "counted"})
	for i := 0; i < 3; i++ {
		c.Do(context.Background(), Request{Method: "GET", URL: srv.URL, Idempotent: true})
	}
	if got := CallCount("counted") - before; got != 3 {
		t.Fatalf("counted %v calls, want 3", got)
	}
}

func TestClassOfStatus(t *testing.T) {
	t.Parallel()
	for status, want := range map[int]string{
		400: "permanent", 401: "needs_action", 403: "needs_action", 404: "permanent", 405: "permanent",
		409: "permanent", 410: "permanent", 422: "permanent", 408: "", 425: "", 429: "", 500: "", 502: "", 503: "",
	} {
		if got := ClassOfStatus(status); got != want {
			t.Errorf("ClassOfStatus(%d) = %q, want %q", status, got, want)
		}
	}
}

package remote_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/remote"
)

// A streamed body may be larger than MaxBody and take longer than Timeout
// once its headers came; a 5xx before it is retried; a failing Stream is not.
func TestStream(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		switch r.URL.Path {
		case "/flaky":
			if n == 1 {
				w.WriteHeader(http.StatusBadGateway)
				return
			}
		case "/slow-headers":
			time.Sleep(300 * time.Millisecond)
		}
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		for i := range 4 {
			if r.URL.Path == "/slow-body" && i > 0 {
				time.Sleep(150 * time.Millisecond)
			}
			io.WriteString(w, strings.Repeat("x", 1000)+"\n")
			w.(http.Flusher).Flush()
		}
	}))
	defer srv.Close()
	c := remote.New(remote.Policy{System: "test", Account: "a", Timeout: 200 * time.Millisecond, MaxAttempts: 3, BaseDelay: time.Millisecond, MaxBody: 1500}, nil)
	read := func(path string, fail error) (int, error) {
		n := 0
		_, err := c.Do(context.Background(), remote.Request{Method: http.MethodGet, URL: srv.URL + path, Idempotent: true, Stream: func(r io.Reader) error {
			b, err := io.ReadAll(r)
			n = len(b)
			if err != nil {
				return err
			}
			return fail
		}})
		return n, err
	}
	if n, err := read("/slow-body", nil); err != nil || n != 4004 {
		t.Fatalf("a body over MaxBody and slower than Timeout: %d bytes, %v", n, err)
	}
	calls.Store(0)
	if n, err := read("/flaky", nil); err != nil || n != 4004 || calls.Load() != 2 {
		t.Fatalf("after a 502: %d bytes, %v, %d calls", n, err, calls.Load())
	}
	if _, err := read("/slow-headers", nil); err == nil {
		t.Fatal("headers later than Timeout were waited for")
	}
	calls.Store(0)
	boom := errors.New("the reader gave up")
	if _, err := read("/ok", boom); !errors.Is(err, boom) || calls.Load() != 1 {
		t.Fatalf("a failing Stream: %v after %d calls, want it once and not retried", err, calls.Load())
	}
}

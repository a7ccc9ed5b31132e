package remote

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestCallMinutesCountEveryAttemptByOutcome(t *testing.T) {
	t.Parallel()
	statuses := []int{503, 401, 404, 429, 200}
	var n int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(statuses[n%len(statuses)])
		n++
	}))
	defer srv.Close()
	book := NewCallBook()
	c := newCaller(Policy{System: "test", Account: "health-test", MaxAttempts: 1, Calls: book})
	for range statuses {
		_, _ = c.Do(context.Background(), Request{Method: "GET", URL: srv.URL, Idempotent: true})
	}
	dead := newCaller(Policy{System: "test", Account: "health-test", MaxAttempts: 1, Calls: book})
	srv.Close()
	_, _ = dead.Do(context.Background(), Request{Method: "GET", URL: srv.URL, Idempotent: true})

	var got CallMinute
	for _, m := range book.Minutes(time.Now().Add(-2 * time.Minute)) {
		if m.Account == "health-test" {
			got.OK += m.OK
			got.Failed += m.Failed
			got.LastOK, got.LastError = m.LastOK, m.LastError
		}
	}
	// 503, 401 and the refused connection failed; 404, 429 and 200 are answers.
	if got.OK != 3 || got.Failed != 3 || got.LastOK || got.LastError == "" {
		t.Fatalf("counted %+v, want 3 ok, 3 failed, the last one failed with a reason", got)
	}
}

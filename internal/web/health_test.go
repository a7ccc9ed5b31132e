package web

import (
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/store"
)

func TestHealth(t *testing.T) {
	t.Parallel()
	now := time.Now()
	okTest := &testResult{Report: connector.TestReport{OK: true, Summary: "fine"}, At: now.Add(-time.Minute)}
	badTest := &testResult{Report: connector.TestReport{OK: false, Summary: "cannot reach erp"}, At: now.Add(-time.Minute)}
	for _, tc := range []struct {
		name string
		live Live
		test *testResult
		want string
	}{
		{"nothing yet", Live{}, nil, healthUntested},
		{"a test passed, no calls", Live{}, okTest, healthOK},
		{"a test failed, no calls", Live{}, badTest, healthFailing},
		{"the newest call failed after a good test", Live{OK: 10, Failed: 1, LastAt: now, LastOK: false, LastError: "HTTP 503"}, okTest, healthFailing},
		{"a newer good test after failed calls", Live{OK: 0, Failed: 1, LastAt: now.Add(-2 * time.Minute), LastOK: false}, okTest, healthUnstable},
		{"a newer good test, no failures in the window", Live{LastAt: now.Add(-2 * time.Minute), LastOK: false}, okTest, healthOK},
		{"works, but a third of the calls failed", Live{OK: 20, Failed: 10, LastAt: now, LastOK: true, LastError: "HTTP 502"}, okTest, healthUnstable},
		{"works with few failures", Live{OK: 95, Failed: 5, LastAt: now, LastOK: true}, nil, healthOK},
	} {
		if got, _ := health(tc.live, tc.test); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
	// Every process's minutes of the window add up; older ones only say
	// which call came last.
	rows := []store.CallHealth{
		{Connection: "erp", Minute: now.Add(-20 * time.Minute), Process: "a", OK: 100, LastAt: now.Add(-20 * time.Minute), LastOK: true},
		{Connection: "erp", Minute: now.Truncate(time.Minute), Process: "a", OK: 3, Failed: 1, LastAt: now.Add(-time.Second), LastOK: true},
		{Connection: "erp", Minute: now.Truncate(time.Minute), Process: "b", Failed: 2, LastAt: now, LastOK: false, LastError: "HTTP 500"},
	}
	l := sumLive(rows, now, 5*time.Minute)["erp"]
	if l.OK != 3 || l.Failed != 3 || l.LastOK || l.LastError != "HTTP 500" {
		t.Fatalf("live %+v", l)
	}
}

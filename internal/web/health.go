package web

import (
	"context"
	"fmt"
	"time"

	"github.com/ferryhub/ferry/internal/store"
)

// Live is what the routes' own calls to a connection did lately, from every
// process that shares the store.
type Live struct {
	// OK and Failed count the attempts of the last Window.
	OK     int `json:"ok"`
	Failed int `json:"failed"`
	// Window is the span OK and Failed cover, in seconds.
	Window float64 `json:"window_seconds"`
	// LastAt is when the newest call ended; LastOK whether it worked, LastError
	// why not.
	LastAt    time.Time `json:"last_at,omitzero"`
	LastOK    bool      `json:"last_ok"`
	LastError string    `json:"last_error,omitempty"`
}

// ErrorRate is the share of the window's calls that failed (0 without calls).
func (l Live) ErrorRate() float64 {
	if l.OK+l.Failed == 0 {
		return 0
	}
	return float64(l.Failed) / float64(l.OK+l.Failed)
}

// Health states, from worst: failing (the newest evidence, a route's call or a
// test, failed), unstable (it worked, but at least unstableRate of the window's
// calls failed), ok, untested (no call and no test yet).
const (
	healthFailing  = "failing"
	healthUnstable = "unstable"
	healthOK       = "ok"
	healthUntested = "untested"
	unstableRate   = 0.25
)

// health judges a connection from its live calls and its last test: the newer
// of the two says whether it works now; the window's error rate whether it
// works reliably.
func health(live Live, test *testResult) (state, why string) {
	if live.LastAt.IsZero() && test == nil {
		return healthUntested, ""
	}
	lastOK, lastAt, lastWhy := live.LastOK, live.LastAt, live.LastError
	if test != nil && test.At.After(lastAt) {
		lastOK, lastAt, lastWhy = test.Report.OK, test.At, test.Report.Summary
	}
	if !lastOK {
		return healthFailing, lastWhy
	}
	if rate := live.ErrorRate(); rate >= unstableRate && live.Failed > 0 {
		return healthUnstable, fmt.Sprintf("%d of the last %d calls failed (%s)", live.Failed, live.OK+live.Failed, live.LastErrorOr("retried"))
	}
	return healthOK, ""
}

// LastErrorOr is the newest failure's reason, or def.
func (l Live) LastErrorOr(def string) string {
	if l.LastError != "" {
		return l.LastError
	}
	return def
}

// liveCalls sums every process's minutes of each connection within window
// (whole minutes; 0 counts none) and finds each one's newest call.
func (s *Server) liveCalls(ctx context.Context, now time.Time) (map[string]Live, error) {
	// This process's newest calls count at once; other processes' within a few
	// seconds.
	if err := s.hub.FlushCallHealth(ctx); err != nil {
		return nil, err
	}
	window := s.opts.HealthWindow
	rows, err := s.st().ListCallHealth(ctx, now.Add(-max(window, time.Hour)))
	if err != nil {
		return nil, err
	}
	return sumLive(rows, now, window), nil
}

func sumLive(rows []store.CallHealth, now time.Time, window time.Duration) map[string]Live {
	out := map[string]Live{}
	from := now.Add(-window).Truncate(time.Minute)
	for _, r := range rows {
		l := out[r.Connection]
		l.Window = window.Seconds()
		if window > 0 && !r.Minute.Before(from) {
			l.OK += int(r.OK)
			l.Failed += int(r.Failed)
		}
		if r.LastAt.After(l.LastAt) {
			l.LastAt, l.LastOK, l.LastError = r.LastAt, r.LastOK, r.LastError
		}
		out[r.Connection] = l
	}
	return out
}

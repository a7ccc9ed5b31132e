package shopify

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/model"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/shopify"
)

// An import of 2,000 orders at a restore rate the pass must wait for meets no
// THROTTLED answer, waits no longer than the points it spends take to
// restore, and, when the wait bound the pass, uses at least 90 % of the points
// the shop restores (BenchmarkShopifyOrderImport measures it at 10,000).
// The rate is chosen so the pass is bound by cost, not by the sandbox's
// speed (SHOPIFY_THROTTLE_RATE overrides it).
func TestThrottleImportUsesTheBucket(t *testing.T) {
	t.Parallel()
	rate := 10000.0
	if v := os.Getenv("SHOPIFY_THROTTLE_RATE"); v != "" {
		var f float64
		if _, err := fmtSscan(v, &f); err == nil {
			rate = f
		}
	}
	e := newEnv(t, sandbox.Options{Orders: 2000, MaximumAvailable: 1000, RestoreRate: rate}, nil)
	start := time.Now()
	got, _, bad := allOrders(t, e.c, time.Time{}, nil)
	elapsed := time.Since(start)
	st := e.c.Throttle()
	sb := e.sb.State()
	if len(bad) > 0 || len(got) != sb.Orders {
		t.Fatalf("%d orders read of %d, bad %v", len(got), sb.Orders, bad)
	}
	// Points used beyond the full bucket the pass began with, per second.
	used := (st.Spent - (1000 - st.Available)) / elapsed.Seconds()
	t.Logf("%d orders in %v: %.0f points spent, %.0f points/s of %.0f restored (%.0f %%), waited %v, THROTTLED %d (sandbox %d), %d requests",
		len(got), elapsed.Round(time.Millisecond), st.Spent, used, rate, 100*used/rate, st.Waited.Round(time.Millisecond), st.Throttled, sb.Throttled, sb.Requests)
	if sb.Throttled != 0 || st.Throttled != 0 {
		t.Errorf("%d THROTTLED answers", sb.Throttled)
	}
	// Waiting exactly: never longer than the points spent beyond the first
	// full bucket take to restore. This holds however fast the machine is.
	need := time.Duration(max(0, st.Spent-1000) / rate * float64(time.Second))
	if st.Waited > need+need/20+100*time.Millisecond {
		t.Errorf("waited %v for points that take %v to restore", st.Waited, need)
	}
	// The share of the restore rate used is the pass's only when waiting for
	// points, not the machine, bound it (a slow run, -race, is machine-bound).
	if st.Waited > elapsed/2 && used < 0.9*rate {
		t.Errorf("used %.0f points/s, under 90 %% of %.0f", used, rate)
	}
}

// With the bucket drained by another process of the app mid-run, the pass
// waits the THROTTLED answers out and ends with every order, no error.
func TestThrottleDrainedMidRun(t *testing.T) {
	t.Parallel()
	for _, as429 := range []bool{false, true} {
		e := newEnv(t, sandbox.Options{Orders: 300, MaximumAvailable: 1000, RestoreRate: 20000, Throttle429: as429}, nil)
		got, _, bad := allOrders(t, e.c, time.Time{}, func(page int) {
			if page%5 == 0 {
				e.sb.DrainBucket("", 1000)
			}
		})
		if len(bad) > 0 || len(got) != e.sb.State().Orders {
			t.Fatalf("429 %v: %d orders of %d, bad %v", as429, len(got), e.sb.State().Orders, bad)
		}
		t.Logf("429 %v: %d orders, throttled %d (sandbox %d)", as429, len(got), e.c.Throttle().Throttled, e.sb.State().Throttled)
		if e.sb.State().Throttled == 0 {
			t.Errorf("429 %v: the drain throttled nothing; the test proves nothing", as429)
		}
	}
}

// The pass contract: orders updated while the pass pages are not missed.
func TestChangedOrdersMissesNoneWhilePaging(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{Orders: 400, RestoreRate: 50000, MaximumAvailable: 100000}, func(s *Settings) { s.PageSize = 25 })
	since := time.Now().Add(-365 * 24 * time.Hour)
	before := e.sb.State().Orders
	got, seen, bad := allOrders(t, e.c, since, func(page int) {
		if page <= 8 {
			e.sb.TouchOrders(5) // the oldest move to the end, behind the cursor
		}
		if page == 3 {
			e.sb.UpdateOrder("#1001", "changed while paging")
		}
	})
	if len(bad) > 0 {
		t.Fatal(bad)
	}
	if len(got) < before {
		t.Fatalf("%d orders read, %d existed when the pass began", len(got), before)
	}
	again := 0
	for _, n := range seen {
		if n > 1 {
			again++
		}
	}
	t.Logf("%d orders, %d read again after changing", len(got), again)
	_ = model.OrderOpen
	_ = context.Background
}

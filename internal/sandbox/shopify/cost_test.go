package shopify

import (
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRequestedCost(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: 3})
	for _, tc := range []struct {
		query string
		want  int
	}{
		{`{ shop { name } }`, 1},                                       // an object
		{`{ shop { name plan { displayName } } }`, 2},                  // nested objects
		{`{ orders(first: 10) { nodes { id name } } }`, 2 + 10},        // a connection of objects
		{`{ orders(first: 10) { edges { cursor node { id } } } }`, 12}, // edges cost nothing themselves
		{`{ orders(first: 5) { nodes { id lineItems(first: 10) { nodes { sku } } } } }`, 2 + 5*(1+2+10)},
		{`{ orders(first: 2) { nodes { customer { id } taxLines { rate } } } }`, 2 + 2*(1+1+1)},
		{`mutation { orderCancel(orderId: "gid://shopify/Order/1", reason: OTHER, refund: false, restock: false) { job { id } userErrors { message } } }`, 10},
	} {
		a := ts.gql(tc.query, nil)
		if a.Extensions.Cost.Requested != tc.want {
			t.Errorf("%s: requested %d, want %d", tc.query, a.Extensions.Cost.Requested, tc.want)
		}
		if a.Extensions.Cost.Actual == nil || *a.Extensions.Cost.Actual > tc.want {
			t.Errorf("%s: actual %v > requested", tc.query, a.Extensions.Cost.Actual)
		}
	}
	// Three orders answered of ten asked: actual = 2 + 3.
	a := ts.gql(`{ orders(first: 10) { nodes { id } } }`, nil)
	if *a.Extensions.Cost.Actual != 5 {
		t.Errorf("actual %d, want 5", *a.Extensions.Cost.Actual)
	}
	// The refund: the bucket is charged the actual cost only.
	if got := a.Extensions.Cost.ThrottleStatus; got.Max != 2000 || got.Restore != 100 {
		t.Errorf("throttle status %+v", got)
	}
	// The figures are written as Shopify writes them: 2000.0, an int, 100.0.
	if !strings.Contains(string(a.Raw), `"throttleStatus":{"maximumAvailable":2000.0,"currentlyAvailable":`) || !strings.Contains(string(a.Raw), `"restoreRate":100.0}`) {
		t.Errorf("throttle status numbers: %s", a.Raw)
	}
}

func TestMaxCostExceeded(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: 3})
	a := ts.post(ts.Options().AccessToken, "2025-01", map[string]any{"query": `{ orders(first: 250) { nodes { lineItems(first: 250) { nodes { id } } } } }`})
	if a.Status != 200 || len(a.Errors) != 1 || a.Errors[0].Extensions["code"] != "MAX_COST_EXCEEDED" || a.Data != nil {
		t.Fatalf("answer: %d %s", a.Status, a.Raw)
	}
	if a.Extensions.Cost.Requested != 2+250*(1+2+250) || !strings.HasPrefix(a.Errors[0].Message, "Query cost is 63252, which exceeds the single query max cost limit (1000).") {
		t.Errorf("answer: %s", a.Raw)
	}
	// Nothing was charged.
	if got := a.Extensions.Cost.ThrottleStatus.Available; got != 2000 {
		t.Errorf("available %v", got)
	}
}

// A drained bucket throttles with HTTP 200 (samples/shopify/graphql/
// throttled.go-shopify.json), or 429 with Retry-After when asked; it restores at
// the restore rate.
func TestThrottle(t *testing.T) {
	t.Parallel()
	mu := &clock{t: time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC)}
	ts := newShop(t, Options{Orders: 30, Now: mu.now, Plan: "classic"})
	const q = `{ orders(first: 25) { nodes { id } } }` // 27 points
	if left := ts.DrainBucket("", 990); left != 10 {
		t.Fatalf("left %v", left)
	}
	a := ts.post(ts.Options().AccessToken, "2025-01", map[string]any{"query": q})
	if a.Status != 200 || len(a.Errors) != 1 || a.Errors[0].Message != "Throttled" || a.Errors[0].Extensions["code"] != "THROTTLED" || a.Data != nil {
		t.Fatalf("throttled: %d %s", a.Status, a.Raw)
	}
	if got, want := topKeys(t, a.Raw), topKeys(t, sample(t, "graphql/throttled.go-shopify.json")); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("keys %v, sample %v", got, want)
	}
	ws, gs := map[string]bool{}, map[string]bool{}
	keyPaths(decode(t, sample(t, "graphql/throttled.go-shopify.json"))["extensions"], "", ws)
	keyPaths(decode(t, a.Raw)["extensions"], "", gs)
	if strings.Join(sortedKeys(ws), ",") != strings.Join(sortedKeys(gs), ",") {
		t.Errorf("extensions keys %v, sample %v", sortedKeys(gs), sortedKeys(ws))
	}
	if a.Extensions.Cost.Requested != 27 || a.Extensions.Cost.ThrottleStatus.Available != 10 || a.Extensions.Cost.ThrottleStatus.Max != 1000 {
		t.Errorf("cost: %s", a.Raw)
	}
	// The 429 mode.
	ts.SetThrottle(true, 0, 0)
	a = ts.post(ts.Options().AccessToken, "2025-01", map[string]any{"query": q})
	if a.Status != 429 || a.Header.Get("Retry-After") != "1" || a.Errors[0].Extensions["code"] != "THROTTLED" {
		t.Errorf("429 mode: %d %q %s", a.Status, a.Header.Get("Retry-After"), a.Raw)
	}
	ts.SetThrottle(false, 0, 0)
	// Another app's bucket is its own.
	other := newShop(t, Options{Orders: 3, ExtraTokens: []string{"shpat_other"}, Now: mu.now})
	other.DrainBucket("", 2000)
	if a := other.post("shpat_other", "2025-01", map[string]any{"query": q}); a.Status != 200 || len(a.Errors) > 0 {
		t.Errorf("other app: %s", a.Raw)
	}
	// 50 points a second: after a second the query fits.
	mu.add(time.Second)
	a = ts.gql(q, nil)
	// Requested 27 reserved, actual 27 charged: 60 − 27 = 33.
	if got := a.Extensions.Cost.ThrottleStatus.Available; got != 33 {
		t.Errorf("available %v", got)
	}
	mu.add(time.Hour)
	if got := ts.gql(q, nil).Extensions.Cost.ThrottleStatus.Available; got != 1000-27 {
		t.Errorf("a full bucket caps at 1000: %v", got)
	}
}

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

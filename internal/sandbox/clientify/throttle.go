package clientify

import (
	"math"
	"sync"
	"time"
)

// throttle is DRF's SimpleRateThrottle per API key: at most rate requests in
// any second; the wait it reports is DRF's (the rest of the window shared among
// the requests still to come), rounded up to whole seconds for Retry-After.
type throttle struct {
	rate int // requests per second; ≤ 0 unlimited
	mu   sync.Mutex
	hist map[string][]time.Time
}

func newThrottle(rate int) *throttle { return &throttle{rate: rate, hist: map[string][]time.Time{}} }

func (t *throttle) setRate(rate int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.rate = rate
	t.hist = map[string][]time.Time{}
}

func (t *throttle) allow(key string, now time.Time) (wait int, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.rate <= 0 {
		return 0, true
	}
	h := t.hist[key]
	for len(h) > 0 && !h[len(h)-1].After(now.Add(-time.Second)) {
		h = h[:len(h)-1]
	}
	if len(h) >= t.rate {
		t.hist[key] = h
		remaining := time.Second - now.Sub(h[len(h)-1])
		avail := t.rate - len(h) + 1
		w := remaining.Seconds() / float64(avail)
		return max(1, int(math.Ceil(w))), false
	}
	t.hist[key] = append([]time.Time{now}, h...)
	return 0, true
}

package shopify

import (
	"context"
	"sync"
	"time"
)

// bucket is the client's copy of Shopify's leaky bucket for one (shop, app)
// pair (reference §1.4): every client of that pair in the process shares it
// (buckets), so together they never send a query the bucket cannot pay. It is
// fed by each answer's extensions.cost.throttleStatus and charged with the
// requested cost of each query before it is sent. Points and points/second.
type bucket struct {
	mu        sync.Mutex
	max, rate float64
	avail     float64
	at        time.Time // when avail was true
	known     bool      // an answer has told the figures
	inflight  int
	// ratio is Shopify's requested cost over the estimate, per operation.
	ratio map[string]float64
	// waited is the time spent waiting for points; throttled the THROTTLED
	// answers and 429s met (tests, the connection test).
	waited    time.Duration
	throttled int
	spent     float64 // actual cost of the answered queries
	now       func() time.Time
}

// Until an answer tells the figures the client assumes the classic bucket,
// the smallest Shopify has had: 1,000 points restored at 50 a second.
const (
	assumedMax  = 1000
	assumedRate = 50
)

var (
	bucketsMu sync.Mutex
	buckets   = map[string]*bucket{}
)

// bucketFor returns the process's bucket of key (shop and app).
func bucketFor(key string) *bucket {
	bucketsMu.Lock()
	defer bucketsMu.Unlock()
	b := buckets[key]
	if b == nil {
		b = &bucket{max: assumedMax, rate: assumedRate, avail: assumedMax, ratio: map[string]float64{}, now: time.Now}
		b.at = b.now()
		buckets[key] = b
	}
	return b
}

// refill brings avail to now; mu held.
func (b *bucket) refill() {
	now := b.now()
	if d := now.Sub(b.at).Seconds(); d > 0 {
		b.avail = min(b.max, b.avail+d*b.rate)
	}
	b.at = now
}

// take waits until the bucket holds cost points and charges them; it waits
// exactly (cost − available) / restore rate, again if others took the points
// meanwhile. A cost above the bucket's size waits for a full bucket.
func (b *bucket) take(ctx context.Context, cost float64) error {
	for {
		b.mu.Lock()
		b.refill()
		need := min(cost, b.max)
		if b.avail >= need {
			b.avail -= need
			b.inflight++
			b.mu.Unlock()
			return nil
		}
		wait := time.Duration((need - b.avail) / b.rate * float64(time.Second))
		b.waited += wait
		b.mu.Unlock()
		if wait < time.Millisecond {
			wait = time.Millisecond
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// done ends a charge made by take: status is the answer's throttle status
// (nil when it had none), charged what take charged, actual the answer's
// actual cost (−1 unknown). Alone in flight, the shop's figure is taken as
// it is; with other queries in flight (charged here, maybe not yet there)
// the lower of the two.
func (b *bucket) done(status *ThrottleStatus, charged, actual float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.inflight--
	b.refill()
	if actual >= 0 {
		b.spent += actual
	}
	if actual >= 0 && actual < charged {
		b.avail = min(b.max, b.avail+charged-actual) // the refund
	}
	b.observe(status)
}

// observe takes the shop's figures; mu held.
func (b *bucket) observe(s *ThrottleStatus) {
	if s == nil || s.MaximumAvailable <= 0 || s.RestoreRate <= 0 {
		return
	}
	b.max, b.rate = s.MaximumAvailable, s.RestoreRate
	if !b.known || b.inflight == 0 {
		b.avail = s.CurrentlyAvailable
	} else {
		b.avail = min(b.avail, s.CurrentlyAvailable)
	}
	b.known = true
	b.at = b.now()
}

// throttledBy notes a refused query (THROTTLED or 429): nothing was charged
// there, so the local charge is undone and the shop's figures taken; without
// figures the bucket is taken as empty, so that the retry waits for its cost
// to be restored.
func (b *bucket) throttledBy(status *ThrottleStatus, charged float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.inflight--
	b.throttled++
	b.refill()
	if status != nil && status.RestoreRate > 0 {
		b.observe(status)
		return
	}
	b.avail = 0
	b.at = b.now()
}

// learn keeps Shopify's requested cost of an operation against the estimate.
func (b *bucket) learn(op string, estimate, requested float64) {
	if estimate <= 0 || requested <= 0 {
		return
	}
	b.mu.Lock()
	b.ratio[op] = requested / estimate
	b.mu.Unlock()
}

// scale returns the estimate corrected by what was learned.
func (b *bucket) scale(op string, estimate float64) float64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	if r, ok := b.ratio[op]; ok && r > 0 {
		return estimate * r
	}
	return estimate
}

// Stats is what a bucket met: time waited for points and refused queries.
type Stats struct {
	Waited    time.Duration
	Throttled int
	// Spent is the actual cost of the queries answered.
	Spent float64
	// Maximum, Rate and Available are the last known figures.
	Maximum, Rate, Available float64
}

func (b *bucket) stats() Stats {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill()
	return Stats{Waited: b.waited, Throttled: b.throttled, Spent: b.spent, Maximum: b.max, Rate: b.rate, Available: b.avail}
}

// Package fault injects the failures real remote APIs produce into a sandbox's HTTP
// handler: latency, a share of 5xx answers, a rate limit that answers 429 with
// Retry-After, and dropped connections. Every sandbox wraps its handler in an
// Injector, so tests, benchmarks and `ferry demo` can turn trouble on and off at run
// time, also from another process through the admin endpoint.
//
// Failures are drawn from a seeded random source, so a test that sets Seed sees the
// same sequence of faults on every run with the same request order.
package fault

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Config is the trouble an Injector makes. The zero value makes none.
type Config struct {
	// Latency is added to every request before it is served.
	Latency time.Duration `json:"latency"`
	// ErrorRate is the share of requests (0..1) answered 500, 502 or 503 without
	// reaching the API.
	ErrorRate float64 `json:"error_rate"`
	// DropRate is the share of requests (0..1) whose connection is closed without an
	// answer, before they reach the API.
	DropRate float64 `json:"drop_rate"`
	// RateLimit is the number of requests per second served before answering 429
	// with Retry-After; 0 means unlimited.
	RateLimit float64 `json:"rate_limit"`
	// RateLimitRate is the share of requests (0..1) answered 429 with Retry-After:
	// RetryAfter at random, as a shared, busy account would.
	RateLimitRate float64 `json:"rate_limit_rate"`
	// RetryAfter is the value sent with 429, in whole seconds. Default 1.
	RetryAfter int `json:"retry_after"`
	// Seed seeds the random source; 0 picks a time-based seed.
	Seed uint64 `json:"seed"`
}

// Stats counts what an Injector did.
type Stats struct {
	Requests    int64 `json:"requests"`
	Errors      int64 `json:"errors"`
	Drops       int64 `json:"drops"`
	RateLimited int64 `json:"rate_limited"`
}

// Injector wraps an http.Handler with configurable faults.
type Injector struct {
	mu     sync.Mutex
	cfg    Config
	rng    *rand.Rand
	stats  Stats
	tokens float64
	last   time.Time
	// exempt reports requests that must never be faulted (the admin endpoint).
	exempt func(*http.Request) bool
}

// New returns an Injector with cfg.
func New(cfg Config) *Injector {
	in := &Injector{}
	in.Set(cfg)
	return in
}

// Set replaces the configuration and resets the rate limiter.
func (in *Injector) Set(cfg Config) {
	in.mu.Lock()
	defer in.mu.Unlock()
	seed := cfg.Seed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	in.cfg = cfg
	in.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	in.tokens = cfg.RateLimit
	in.last = time.Now()
}

// Get returns the current configuration.
func (in *Injector) Get() Config {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.cfg
}

// Stats returns the counters so far.
func (in *Injector) Stats() Stats {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.stats
}

// Exempt makes requests matching f bypass all faults.
func (in *Injector) Exempt(f func(*http.Request) bool) { in.exempt = f }

type verdict int

const (
	pass verdict = iota
	fail5xx
	drop
	limit
)

func (in *Injector) decide() (verdict, Config, int) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.stats.Requests++
	cfg := in.cfg
	if cfg.RateLimit > 0 {
		now := time.Now()
		in.tokens += now.Sub(in.last).Seconds() * cfg.RateLimit
		in.last = now
		if burst := cfg.RateLimit; in.tokens > burst {
			in.tokens = burst
		}
		if in.tokens < 1 {
			in.stats.RateLimited++
			return limit, cfg, 0
		}
		in.tokens--
	}
	r := in.rng.Float64()
	switch {
	case r < cfg.DropRate:
		in.stats.Drops++
		return drop, cfg, 0
	case r < cfg.DropRate+cfg.ErrorRate:
		in.stats.Errors++
		codes := []int{500, 502, 503}
		return fail5xx, cfg, codes[in.rng.IntN(len(codes))]
	case r < cfg.DropRate+cfg.ErrorRate+cfg.RateLimitRate:
		in.stats.RateLimited++
		return limit, cfg, 0
	}
	return pass, cfg, 0
}

// Wrap returns next with faults injected in front of it.
func (in *Injector) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if in.exempt != nil && in.exempt(r) {
			next.ServeHTTP(w, r)
			return
		}
		v, cfg, code := in.decide()
		if cfg.Latency > 0 {
			select {
			case <-time.After(cfg.Latency):
			case <-r.Context().Done():
				return
			}
		}
		switch v {
		case drop:
			Drop(w)
		case fail5xx:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(code)
			fmt.Fprintf(w, "<html><body><h1>%d %s</h1></body></html>", code, http.StatusText(code))
		case limit:
			ra := cfg.RetryAfter
			if ra <= 0 {
				ra = 1
			}
			w.Header().Set("Retry-After", strconv.Itoa(ra))
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"code":429,"error":"Too Many Requests","message":"Rate limit exceeded"}`)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// Drop closes the client's connection without writing a response. Sandboxes call it
// directly to simulate a drop after the request took effect.
func Drop(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}

// Handler serves the admin endpoint: GET returns {"config":…,"stats":…}; PUT or
// POST with a Config body replaces the configuration.
func (in *Injector) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
		case http.MethodPut, http.MethodPost:
			var cfg Config
			dec := json.NewDecoder(r.Body)
			dec.DisallowUnknownFields()
			if err := dec.Decode(&cfg); err != nil {
				http.Error(w, "fault config: "+err.Error(), http.StatusBadRequest)
				return
			}
			if cfg.ErrorRate < 0 || cfg.DropRate < 0 || cfg.RateLimitRate < 0 || cfg.ErrorRate+cfg.DropRate+cfg.RateLimitRate > 1 {
				http.Error(w, "fault config: rates must be ≥ 0 and add up to at most 1", http.StatusBadRequest)
				return
			}
			in.Set(cfg)
		default:
			w.Header().Set("Allow", "GET, PUT, POST")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"config": in.Get(), "stats": in.Stats()})
	})
}

// UnmarshalJSON accepts latency as a Go duration string ("50ms") or as
// nanoseconds.
func (c *Config) UnmarshalJSON(b []byte) error {
	type plain Config
	var aux struct {
		plain
		Latency json.RawMessage `json:"latency"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*c = Config(aux.plain)
	if len(aux.Latency) == 0 || string(aux.Latency) == "null" {
		c.Latency = 0
		return nil
	}
	var s string
	if err := json.Unmarshal(aux.Latency, &s); err == nil {
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("latency: %w", err)
		}
		c.Latency = d
		return nil
	}
	var n int64
	if err := json.Unmarshal(aux.Latency, &n); err != nil {
		return fmt.Errorf("latency: want a duration like \"50ms\" or nanoseconds")
	}
	c.Latency = time.Duration(n)
	return nil
}

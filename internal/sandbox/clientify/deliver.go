package clientify

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

const (
	webhookTimeout  = 10 * time.Second
	maxDeliveryLog  = 10000
	maxParallelPost = 4
)

// WebhookFaults trouble deliveries, for receiver tests: Drop and Duplicate
// apply to that many of the next events, then DropRate and DuplicateRate to
// each event (seeded). A dropped event is logged and never sent; a duplicated
// one is sent twice with the same body.
type WebhookFaults struct {
	Drop          int     `json:"drop"`
	Duplicate     int     `json:"duplicate"`
	DropRate      float64 `json:"drop_rate"`
	DuplicateRate float64 `json:"duplicate_rate"`
}

func (f WebhookFaults) check() error {
	if f.Drop < 0 || f.Duplicate < 0 || f.DropRate < 0 || f.DropRate > 1 || f.DuplicateRate < 0 || f.DuplicateRate > 1 {
		return fmt.Errorf("webhook faults: counts must be ≥ 0 and rates within 0..1")
	}
	return nil
}

// Delivery is one try of one event, or a dropped event (Attempt 0).
type Delivery struct {
	EventID   int       `json:"event_id"` // per event; a duplicate's copy has the same
	Event     string    `json:"event"`
	Entity    string    `json:"entity"`
	RecordID  int       `json:"record_id"`
	URL       string    `json:"url"`
	Attempt   int       `json:"attempt"` // 1 for the first try
	Status    int       `json:"status"`  // HTTP status; 0 when none came
	Error     string    `json:"error,omitempty"`
	Dropped   bool      `json:"dropped,omitempty"`
	Duplicate bool      `json:"duplicate,omitempty"` // the extra copy
	Shape     string    `json:"shape"`
	At        time.Time `json:"at"`
	Body      string    `json:"body"`
}

// WebhookStats counts what delivery did.
type WebhookStats struct {
	Events     int `json:"events"`     // events a slot took
	Tries      int `json:"tries"`      // POSTs made
	Delivered  int `json:"delivered"`  // POSTs answered 2xx
	Failed     int `json:"failed"`     // POSTs not answered 2xx
	Retries    int `json:"retries"`    // tries after the first
	GaveUp     int `json:"gave_up"`    // events whose retries ran out
	Dropped    int `json:"dropped"`    // events never sent
	Duplicated int `json:"duplicated"` // events sent twice
}

// hookSet holds the slots and delivers events. Lock order: Server.mu, then
// hookSet.mu; delivery goroutines never take Server.mu.
type hookSet struct {
	s      *Server
	client *http.Client
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	sem    chan struct{}

	mu       sync.Mutex
	slots    map[string]*Slot
	faults   WebhookFaults
	rng      *rand.Rand
	log      []Delivery
	stats    WebhookStats
	seq      int
	inflight int // events being tried or waiting for a retry
	closed   bool
}

func newHookSet(s *Server, slots map[string]*Slot, f WebhookFaults, seed uint64) *hookSet {
	ctx, cancel := context.WithCancel(context.Background())
	return &hookSet{s: s, client: &http.Client{Timeout: webhookTimeout}, ctx: ctx, cancel: cancel,
		sem: make(chan struct{}, maxParallelPost), slots: slots, faults: f, rng: rand.New(rand.NewPCG(seed, 0x686f6f6b))}
}

var shapes = []string{ShapeHookData, ShapeEventRoot, ShapeHookRoot, ShapeEventData}

// emit queues the events of one request, in order, for the slots that take
// them. Delivery is asynchronous and unordered among events.
func (h *hookSet) emit(events []event) {
	if len(events) == 0 {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	for _, ev := range events {
		sl := h.slots[ev.entity]
		if sl == nil || !sl.Active || sl.Target == "" || !contains(sl.Events, ev.name) {
			continue
		}
		shape := h.s.opts.WebhookShape
		if shape == ShapeMixed {
			shape = shapes[h.rng.IntN(len(shapes))]
		}
		body, _ := marshal(h.s.payload(ev, sl, shape))
		h.seq++
		h.stats.Events++
		d := Delivery{EventID: h.seq, Event: ev.name, Entity: ev.entity, RecordID: ev.id, URL: sl.Target, Shape: shape, Body: string(body)}
		f := &h.faults
		drop, dup := false, false
		switch {
		case f.Drop > 0:
			f.Drop--
			drop = true
		case f.DropRate > 0 && h.rng.Float64() < f.DropRate:
			drop = true
		}
		if !drop {
			switch {
			case f.Duplicate > 0:
				f.Duplicate--
				dup = true
			case f.DuplicateRate > 0 && h.rng.Float64() < f.DuplicateRate:
				dup = true
			}
		}
		if drop {
			d.Dropped, d.At = true, time.Now()
			h.stats.Dropped++
			h.record(d)
			continue
		}
		headers := map[string]string{}
		for k, v := range sl.Headers {
			headers[k] = v
		}
		h.start(d, headers)
		if dup {
			h.stats.Duplicated++
			d.Duplicate = true
			h.start(d, headers)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// start sends d in its own goroutine; the caller holds h.mu.
func (h *hookSet) start(d Delivery, headers map[string]string) {
	h.inflight++
	h.wg.Add(1)
	go h.deliver(d, headers)
}

// deliver tries d until a 2xx, retrying after WebhookRetryDelay, doubled each
// time, WebhookRetries times at most.
func (h *hookSet) deliver(d Delivery, headers map[string]string) {
	defer h.wg.Done()
	defer func() {
		h.mu.Lock()
		h.inflight--
		h.mu.Unlock()
	}()
	retries, delay := h.s.opts.WebhookRetries, h.s.opts.WebhookRetryDelay
	for attempt := 1; ; attempt++ {
		select {
		case h.sem <- struct{}{}:
		case <-h.ctx.Done():
			return
		}
		d.Attempt, d.At = attempt, time.Now()
		d.Status, d.Error = h.post(d, headers)
		<-h.sem
		ok := d.Status >= 200 && d.Status < 300
		h.mu.Lock()
		h.stats.Tries++
		if attempt > 1 {
			h.stats.Retries++
		}
		if ok {
			h.stats.Delivered++
		} else {
			h.stats.Failed++
		}
		h.record(d)
		giveUp := !ok && attempt > retries
		if giveUp {
			h.stats.GaveUp++
		}
		h.mu.Unlock()
		if ok || giveUp {
			return
		}
		select {
		case <-time.After(delay << (attempt - 1)):
		case <-h.ctx.Done():
			return
		}
	}
}

func (h *hookSet) post(d Delivery, headers map[string]string) (int, string) {
	req, err := http.NewRequestWithContext(h.ctx, http.MethodPost, d.URL, bytes.NewReader([]byte(d.Body)))
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Clientify-Webhooks (ferry sandbox)")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Sprintf("HTTP %d", resp.StatusCode)
	}
	return resp.StatusCode, ""
}

// record logs d; the caller holds h.mu.
func (h *hookSet) record(d Delivery) {
	if len(h.log) == maxDeliveryLog {
		h.log = append(h.log[:0], h.log[1:]...)
	}
	h.log = append(h.log, d)
}

func (h *hookSet) close() {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	h.cancel()
	h.wg.Wait()
}

// Deliveries lists every try (and dropped event) so far, oldest first; at
// most 10,000.
func (s *Server) Deliveries() []Delivery {
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	return append([]Delivery{}, s.hooks.log...)
}

// WebhookStats returns the delivery counters.
func (s *Server) WebhookStats() WebhookStats {
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	return s.hooks.stats
}

// SetWebhookFaults replaces the armed webhook faults.
func (s *Server) SetWebhookFaults(f WebhookFaults) error {
	if err := f.check(); err != nil {
		return fmt.Errorf("clientify sandbox: %w", err)
	}
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	s.hooks.faults = f
	return nil
}

// WebhookFaults returns the faults still armed.
func (s *Server) WebhookFaults() WebhookFaults {
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	return s.hooks.faults
}

// WaitDeliveries waits until at least n entries are in the delivery log (tries
// and dropped events) or timeout passes, and reports whether they are.
func (s *Server) WaitDeliveries(n int, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		s.hooks.mu.Lock()
		got := len(s.hooks.log)
		s.hooks.mu.Unlock()
		if got >= n {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// WaitIdle waits until no event is being tried or waiting for a retry, or
// timeout passes, and reports whether none is.
func (s *Server) WaitIdle(timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		s.hooks.mu.Lock()
		n := s.hooks.inflight
		s.hooks.mu.Unlock()
		if n == 0 {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(2 * time.Millisecond)
	}
}

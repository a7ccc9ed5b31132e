package ongoing

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// webhookTimeout bounds one delivery try.
const webhookTimeout = 5 * time.Second

// maxDeliveryLog caps the delivery log; the oldest entries go first.
const maxDeliveryLog = 10000

// oneDay is the "One day" retry policy: the retries' offsets from the first try
// (1, 5, 15, 30 min, then every 2 h until 24 h), in schedule minutes.
var oneDay = func() []time.Duration {
	out := []time.Duration{1, 5, 15, 30}
	for h := 2; h <= 24; h += 2 {
		out = append(out, time.Duration(h*60))
	}
	return out
}()

// Delivery is one try of one webhook event (Deliveries, GET
// /_sandbox/webhooks/deliveries).
type Delivery struct {
	EventID         int    `json:"webhookEventId"`
	WebhookOrdersID int    `json:"webhookOrdersId"`
	URL             string `json:"url"`
	Trigger         string `json:"trigger"`
	OrderNumber     string `json:"orderNumber"`
	OrderStatus     int    `json:"orderStatus"`
	Attempt         int    `json:"attempt"` // 1 for the first try
	Status          int    `json:"status"`  // HTTP status; 0 when none came
	Error           string `json:"error,omitempty"`
	// Dropped counts as sent but never left the sandbox; Duplicate is the extra
	// copy of an event; WrongToken sent a wrong authentication value.
	Dropped    bool      `json:"dropped,omitempty"`
	Duplicate  bool      `json:"duplicate,omitempty"`
	WrongToken bool      `json:"wrongToken,omitempty"`
	At         time.Time `json:"at"` // wall clock, not Options.Now: the schedule runs on it
	Body       string    `json:"body"`
}

// WebhookFaults trouble the next deliveries, for tests of receivers: each count
// applies to that many of the next events queued (across webhooks).
type WebhookFaults struct {
	Duplicate  int `json:"duplicate"`  // send twice, same webhookEventId
	Drop       int `json:"drop"`       // count as sent, never send
	WrongToken int `json:"wrongToken"` // first try carries a wrong token
}

// pending is one event waiting for its next try on one webhook.
type pending struct {
	eventID, status              int
	trigger, orderNumber         string
	body                         []byte
	first, due                   time.Time
	attempt                      int // tries made
	seq                          int // queue order among equal due times
	dropped, duplicate, badToken bool
}

// hookSet is the webhooks and their delivery queues. Lock order: Server.mu, then
// hookSet.mu, then hookQueue.mu; delivery goroutines never take Server.mu.
type hookSet struct {
	client *http.Client
	minute time.Duration // length of a schedule minute (WebhookRetryScale)
	wg     sync.WaitGroup

	mu     sync.Mutex
	queues []*hookQueue
	faults WebhookFaults
	log    []Delivery
	closed bool
	seq    int
}

// hookQueue delivers one webhook's events one at a time. Its goroutine runs
// only while events wait, so an idle sandbox holds none.
type hookQueue struct {
	set    *hookSet
	hook   Webhook
	ctx    context.Context
	cancel context.CancelFunc
	wake   chan struct{}

	mu      sync.Mutex
	items   []*pending
	running bool
	closed  bool
}

func newHookSet(minute time.Duration) *hookSet {
	return &hookSet{client: &http.Client{Timeout: webhookTimeout}, minute: minute}
}

func (h *hookSet) configure(hooks []Webhook) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, q := range h.queues {
		q.close()
	}
	h.queues = nil
	if h.closed {
		return
	}
	for _, w := range hooks {
		ctx, cancel := context.WithCancel(context.Background())
		h.queues = append(h.queues, &hookQueue{set: h, hook: w, ctx: ctx, cancel: cancel, wake: make(chan struct{}, 1)})
	}
}

func (h *hookSet) config() []Webhook {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := []Webhook{}
	for _, q := range h.queues {
		out = append(out, q.hook)
	}
	return out
}

func (h *hookSet) any() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.queues) > 0
}

func (h *hookSet) queueList() []*hookQueue {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]*hookQueue{}, h.queues...)
}

// enqueue queues an event's first try, with the armed faults.
func (h *hookSet) enqueue(q *hookQueue, p *pending) {
	h.mu.Lock()
	f := &h.faults
	add := []*pending{p}
	switch {
	case f.Drop > 0:
		f.Drop--
		p.dropped = true
	case f.WrongToken > 0:
		f.WrongToken--
		p.badToken = true
	}
	if f.Duplicate > 0 {
		f.Duplicate--
		cp := *p
		cp.duplicate, cp.badToken = true, false
		add = append(add, &cp)
	}
	now := time.Now()
	for _, x := range add {
		h.seq++
		x.seq, x.due = h.seq, now
	}
	h.mu.Unlock()
	q.push(add...)
}

func (q *hookQueue) push(ps ...*pending) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	q.items = append(q.items, ps...)
	if !q.running {
		q.running = true
		q.set.wg.Add(1)
		go q.run()
		return
	}
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *hookQueue) close() {
	q.mu.Lock()
	q.closed, q.items = true, nil
	q.mu.Unlock()
	q.cancel()
}

// run sends the earliest due event until none waits. First tries go out in
// event order; a retry waits for its time without holding up later events.
func (q *hookQueue) run() {
	defer q.set.wg.Done()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		q.mu.Lock()
		if q.closed || len(q.items) == 0 {
			q.running = false
			q.mu.Unlock()
			return
		}
		next := 0
		for i, p := range q.items {
			if p.due.Before(q.items[next].due) || p.due.Equal(q.items[next].due) && p.seq < q.items[next].seq {
				next = i
			}
		}
		p := q.items[next]
		if wait := time.Until(p.due); wait > 0 {
			q.mu.Unlock()
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-q.wake:
			case <-q.ctx.Done():
			}
			continue
		}
		q.items = append(q.items[:next], q.items[next+1:]...)
		q.mu.Unlock()
		if q.send(p) {
			q.mu.Lock()
			if !q.closed {
				q.items = append(q.items, p)
			}
			q.mu.Unlock()
		}
	}
}

// send makes one try of p and reports whether p is to be tried again (p.due
// set).
func (q *hookQueue) send(p *pending) (retry bool) {
	w := q.hook
	p.attempt++
	rec := Delivery{EventID: p.eventID, WebhookOrdersID: w.ID, URL: w.URL, Trigger: p.trigger, OrderNumber: p.orderNumber,
		OrderStatus: p.status, Attempt: p.attempt, Dropped: p.dropped, Duplicate: p.duplicate, WrongToken: p.badToken,
		At: time.Now(), Body: string(p.body)}
	if p.attempt == 1 { // the schedule counts from the first try
		p.first = rec.At
	}
	ok := p.dropped
	if !p.dropped {
		rec.Status, rec.Error = q.post(p)
		ok = rec.Status >= 200 && rec.Status < 300
	}
	p.badToken = false // only the first try
	q.set.record(rec)
	if ok || w.Retry != RetryOneDay || p.attempt > len(oneDay) {
		return false
	}
	p.due = p.first.Add(oneDay[p.attempt-1] * q.set.minute)
	return true
}

func (q *hookQueue) post(p *pending) (int, string) {
	w := q.hook
	req, err := http.NewRequestWithContext(q.ctx, http.MethodPost, w.URL, bytes.NewReader(p.body))
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "Ongoing-WMS-Webhook-Sandbox")
	switch {
	case p.badToken:
		req.Header.Set(w.Header, "wrong-"+w.Token)
	case w.Token != "":
		req.Header.Set(w.Header, w.Token)
	}
	resp, err := q.set.client.Do(req)
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

func (h *hookSet) record(d Delivery) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.log) == maxDeliveryLog {
		h.log = append(h.log[:0], h.log[1:]...)
	}
	h.log = append(h.log, d)
}

// close stops every queue and waits for the delivery goroutines.
func (h *hookSet) close() {
	h.mu.Lock()
	h.closed = true
	for _, q := range h.queues {
		q.close()
	}
	h.queues = nil
	h.mu.Unlock()
	h.wg.Wait()
}

// Deliveries lists every delivery try so far, oldest first.
func (s *Server) Deliveries() []Delivery {
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	return append([]Delivery{}, s.hooks.log...)
}

// SetWebhookFaults arms duplicates, drops and wrong tokens for the next events;
// it replaces what was armed before.
func (s *Server) SetWebhookFaults(f WebhookFaults) error {
	if f.Duplicate < 0 || f.Drop < 0 || f.WrongToken < 0 {
		return fmt.Errorf("ongoing sandbox: webhook fault counts must not be negative")
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

// WaitDeliveries waits until at least n tries are logged or timeout passes, and
// reports whether they were.
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

// Close stops webhook delivery and waits for its goroutines; events still
// waiting are abandoned. Serve closes when its context ends.
func (s *Server) Close() { s.hooks.close() }

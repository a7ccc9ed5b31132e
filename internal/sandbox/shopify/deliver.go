package shopify

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// delivery is one webhook to send to one subscription.
type delivery struct {
	webhookID, eventID, topic, url, apiVersion string
	body                                       []byte
	triggeredAt                                time.Time
	attempt                                    int // tries made so far
	tamper, duplicate                          bool
}

// Delivery is one try of a webhook as the sandbox made it (GET
// /_sandbox/webhooks/deliveries, Server.Deliveries).
type Delivery struct {
	WebhookID string    `json:"webhook_id"`
	EventID   string    `json:"event_id"`
	Topic     string    `json:"topic"`
	URL       string    `json:"url"`
	Attempt   int       `json:"attempt"` // 1 for the first try
	Status    int       `json:"status"`  // HTTP status; 0 when no answer came
	Error     string    `json:"error,omitempty"`
	Tampered  bool      `json:"tampered,omitempty"`
	Duplicate bool      `json:"duplicate,omitempty"`
	At        time.Time `json:"at"`
	Body      string    `json:"body"`
}

// WebhookTricks are the troubles a test asks deliveries to have: each count
// applies to that many of the next deliveries.
type WebhookTricks struct {
	// Duplicate sends each of the next deliveries Copies extra times, with the
	// same webhook and event ids (at-least-once delivery).
	Duplicate int `json:"duplicate"`
	Copies    int `json:"copies"`
	// Reorder holds the next deliveries until that many are queued, then sends
	// them newest first.
	Reorder int `json:"reorder"`
	// Tamper changes the body of the next deliveries after signing, so that the
	// HMAC does not verify.
	Tamper int `json:"tamper"`
}

// dispatcher sends webhooks one at a time in queue order, retrying failures
// with doubling backoff.
type dispatcher struct {
	s      *Server
	client *http.Client

	mu      sync.Mutex
	queue   []*delivery
	held    []*delivery
	tricks  WebhookTricks
	log     []Delivery
	running bool
	closed  bool
	wake    chan struct{}
	ctx     context.Context
	cancel  context.CancelFunc
}

func newDispatcher(s *Server) *dispatcher {
	ctx, cancel := context.WithCancel(context.Background())
	return &dispatcher{s: s, client: &http.Client{Timeout: s.opts.WebhookTimeout}, wake: make(chan struct{}, 1), ctx: ctx, cancel: cancel}
}

func (d *dispatcher) enqueue(dl *delivery) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	if d.tricks.Tamper > 0 {
		d.tricks.Tamper--
		dl.tamper = true
	}
	add := []*delivery{dl}
	if d.tricks.Duplicate > 0 {
		d.tricks.Duplicate--
		for range max(1, d.tricks.Copies) {
			cp := *dl
			cp.duplicate = true
			add = append(add, &cp)
		}
	}
	if d.tricks.Reorder > 0 {
		d.held = append(d.held, add...)
		d.tricks.Reorder--
		if d.tricks.Reorder > 0 {
			return
		}
		slices.Reverse(d.held)
		add, d.held = d.held, nil
	}
	d.queue = append(d.queue, add...)
	if !d.running {
		d.running = true
		go d.loop()
	}
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

func (d *dispatcher) loop() {
	for {
		d.mu.Lock()
		if d.closed {
			d.mu.Unlock()
			return
		}
		if len(d.queue) == 0 {
			d.mu.Unlock()
			select {
			case <-d.wake:
				continue
			case <-d.ctx.Done():
				return
			}
		}
		dl := d.queue[0]
		d.queue = d.queue[1:]
		d.mu.Unlock()
		d.send(dl)
	}
}

func (d *dispatcher) send(dl *delivery) {
	s := d.s
	dl.attempt++
	body := dl.body
	sig := Sign(s.opts.APISecret, body)
	if dl.tamper {
		body = append(append([]byte{}, body[:len(body)-1]...), []byte(`,"tampered":true}`)...)
	}
	rec := Delivery{WebhookID: dl.webhookID, EventID: dl.eventID, Topic: dl.topic, URL: dl.url, Attempt: dl.attempt,
		Tampered: dl.tamper, Duplicate: dl.duplicate, At: s.opts.Now(), Body: string(body)}
	req, err := http.NewRequestWithContext(d.ctx, http.MethodPost, dl.url, bytes.NewReader(body))
	if err == nil {
		h := req.Header
		h.Set("Content-Type", "application/json")
		h.Set("User-Agent", "Shopify-Captain-Hook")
		h.Set("X-Shopify-Topic", dl.topic)
		h.Set("X-Shopify-Hmac-Sha256", sig)
		h.Set("X-Shopify-Shop-Domain", s.ShopDomain())
		h.Set("X-Shopify-API-Version", dl.apiVersion)
		h.Set("X-Shopify-Webhook-Id", dl.webhookID)
		h.Set("X-Shopify-Event-Id", dl.eventID)
		h.Set("X-Shopify-Triggered-At", dl.triggeredAt.UTC().Format(time.RFC3339Nano))
		var resp *http.Response
		if resp, err = d.client.Do(req); err == nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
			rec.Status = resp.StatusCode
		}
	}
	if err != nil {
		rec.Error = err.Error()
	}
	d.mu.Lock()
	d.log = append(d.log, rec)
	closed := d.closed
	d.mu.Unlock()
	if closed || rec.Status >= 200 && rec.Status < 300 || dl.attempt > s.opts.WebhookRetries {
		return
	}
	// Shopify retries 8 times over 4 hours; the sandbox doubles from
	// WebhookBackoff. A retry carries the original body and headers.
	wait := s.opts.WebhookBackoff << (dl.attempt - 1)
	time.AfterFunc(wait, func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		if d.closed {
			return
		}
		d.queue = append(d.queue, dl)
		select {
		case d.wake <- struct{}{}:
		default:
		}
	})
}

func (d *dispatcher) close() {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	d.cancel()
}

func (d *dispatcher) setTricks(t WebhookTricks) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.tricks = t
}

// Deliveries lists every webhook try made so far, oldest first.
func (s *Server) Deliveries() []Delivery {
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	return append([]Delivery{}, s.hooks.log...)
}

// SetWebhookTricks arms duplicates, reordering and tampering for the next
// deliveries.
func (s *Server) SetWebhookTricks(t WebhookTricks) { s.hooks.setTricks(t) }

// WaitDeliveries waits until n tries have been made or the timeout passes; it
// reports whether n were reached.
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
		time.Sleep(5 * time.Millisecond)
	}
}

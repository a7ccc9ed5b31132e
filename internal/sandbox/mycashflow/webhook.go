package mycashflow

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Webhook topics this sandbox delivers; only order.created is confirmed (§1.7).
var webhookTopics = map[string]bool{"order.created": true}

// webhookAttempts is how many times a delivery is tried before it is given up.
const webhookAttempts = 4

// WebhookDelivery records one delivery attempt.
type WebhookDelivery struct {
	UUID    string
	Topic   string
	URL     string
	OrderID int
	Attempt int    // 1-based
	Status  int    // HTTP status; 0 when the request failed
	Err     string // transport error, if any
}

func (s *Server) listWebhooks(q *req) (reply, error) {
	return list(q, append([]*webhook{}, s.st.webhooks...))
}

func (s *Server) webhookByParam(q *req) (int, error) {
	u := q.params["uuid"]
	for i, w := range s.st.webhooks {
		if w.UUID == u {
			return i, nil
		}
	}
	return 0, notFound("webhook", strconvQuote(u))
}

func strconvQuote(s string) string { return fmt.Sprintf("%q", s) }

func (s *Server) getWebhook(q *req) (reply, error) {
	i, err := s.webhookByParam(q)
	if err != nil {
		return reply{}, err
	}
	return ok(s.st.webhooks[i]), nil
}

func (s *Server) deleteWebhook(q *req) (reply, error) {
	i, err := s.webhookByParam(q)
	if err != nil {
		return reply{}, err
	}
	s.st.webhooks = append(s.st.webhooks[:i:i], s.st.webhooks[i+1:]...)
	return reply{code: http.StatusNoContent}, nil
}

func (s *Server) postWebhook(q *req) (reply, error) {
	f, err := q.object()
	if err != nil {
		return reply{}, err
	}
	w := &webhook{UserID: 1, Expands: []string{}}
	f.str("topic", &w.Topic)
	f.strings("expands", &w.Expands)
	f.str("url", &w.URL)
	if !webhookTopics[w.Topic] {
		f.fail("topic", "%q is not a supported topic; supported: order.created", w.Topic)
	}
	for _, e := range w.Expands {
		okName := false
		for _, a := range orderExpands {
			okName = okName || a == e
		}
		if !okName {
			f.fail("expands", "%q cannot be expanded; expandable: %s", e, strings.Join(orderExpands, ", "))
		}
	}
	if u, err := url.Parse(w.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		f.fail("url", "%q is not an absolute http(s) URL", w.URL)
	}
	if err := invalid(f.check()); err != nil {
		return reply{}, err
	}
	w.id = s.st.next("webhook")
	w.UUID = s.uuid(w.id)
	if w.Expands == nil {
		w.Expands = []string{}
	}
	s.st.webhooks = append(s.st.webhooks, w)
	return created(w), nil
}

// uuid derives a version-4-shaped UUID from the seed and a counter, so runs with
// the same seed hand out the same UUIDs.
func (s *Server) uuid(n int) string {
	var in [16]byte
	binary.BigEndian.PutUint64(in[:8], uint64(s.opts.Seed))
	binary.BigEndian.PutUint64(in[8:], uint64(n))
	h := sha256.Sum256(in[:])
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// notifyOrderCreated renders the payload for each order.created subscription
// (under s.mu) and delivers it in the background.
func (s *Server) notifyOrderCreated(o *order) {
	for _, w := range s.st.webhooks {
		if w.Topic != "order.created" {
			continue
		}
		ex := map[string]bool{}
		for _, e := range w.Expands {
			ex[e] = true
		}
		body, err := json.Marshal(map[string]any{"topic": w.Topic, "data": s.renderOrder(o, ex)})
		if err != nil {
			continue
		}
		s.hooks.Add(1)
		go s.deliverWebhook(*w, o.ID, body)
	}
}

var hookClient = &http.Client{Timeout: 5 * time.Second}

func (s *Server) deliverWebhook(w webhook, orderID int, body []byte) {
	defer s.hooks.Done()
	s.hookMu.Lock()
	delay := s.hookRetry
	s.hookMu.Unlock()
	for attempt := 1; attempt <= webhookAttempts; attempt++ {
		d := WebhookDelivery{UUID: w.UUID, Topic: w.Topic, URL: w.URL, OrderID: orderID, Attempt: attempt}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-MCF-Webhook-UUID", w.UUID)
			var resp *http.Response
			resp, err = hookClient.Do(req)
			if err == nil {
				d.Status = resp.StatusCode
				resp.Body.Close()
			}
		}
		cancel()
		if err != nil {
			d.Err = err.Error()
		}
		s.hookMu.Lock()
		s.hookLog = append(s.hookLog, d)
		s.hookMu.Unlock()
		if err == nil && d.Status >= 200 && d.Status < 300 {
			return
		}
		if attempt < webhookAttempts {
			time.Sleep(delay)
			delay *= 2
		}
	}
}

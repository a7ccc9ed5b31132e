package ogoship

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// SignatureHeader carries Base64(HMAC-SHA256(webhook key, raw body)) (§3.5).
const SignatureHeader = "X-OGOship-Hmac-SHA256"

// webhookAttempts is how many times a delivery is tried before it is given up.
const webhookAttempts = 4

type webhook struct {
	seq int
	r   WebHookResponse
}

type webhookRequest struct {
	ID            *string           `json:"id"`
	URL           string            `json:"url"`
	Key           string            `json:"key"`
	Type          hookType          `json:"type"`
	CustomHeaders map[string]string `json:"customHeaders"`
}

// Sign answers the signature header value for body signed with key.
func Sign(key string, body []byte) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func (w *webhook) render() WebHookResponse {
	r := w.r
	if w.r.CustomHeaders != nil {
		r.CustomHeaders = map[string]string{}
		for k, v := range w.r.CustomHeaders {
			r.CustomHeaders[k] = v
		}
	}
	return r
}

// listWebhooks answers the literal body null, not [], when there are none
// (the quirk of §3.2).
func (s *Server) listWebhooks(q *req) (reply, error) {
	if len(s.st.webhooks) == 0 {
		return reply{code: http.StatusOK, raw: []byte("null")}, nil
	}
	out := make([]WebHookResponse, len(s.st.webhooks))
	for i, w := range s.st.webhooks {
		out[i] = w.render()
	}
	return ok(out), nil
}

func (s *Server) hookByID(q *req) (int, error) {
	id := q.params["id"]
	for i, w := range s.st.webhooks {
		if strings.EqualFold(w.r.ID, id) {
			return i, nil
		}
	}
	return 0, errf(http.StatusNotFound, "webhook %q not found", id)
}

func (s *Server) getWebhook(q *req) (reply, error) {
	i, err := s.hookByID(q)
	if err != nil {
		return reply{}, err
	}
	return ok(s.st.webhooks[i].render()), nil
}

func (s *Server) deleteWebhook(q *req) (reply, error) {
	i, err := s.hookByID(q)
	if err != nil {
		return reply{}, err
	}
	s.st.webhooks = append(s.st.webhooks[:i:i], s.st.webhooks[i+1:]...)
	return reply{code: http.StatusNoContent}, nil
}

func decodeWebhook(body []byte) (webhookRequest, error) {
	var in webhookRequest
	if err := decode(body, &in); err != nil {
		return in, err
	}
	u, err := url.Parse(in.URL)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return in, bad("url: %q must be an absolute http:// or https:// URL", in.URL)
	case in.Key == "":
		return in, bad("key: required (the secret the payloads are signed with)")
	case in.Type == "":
		return in, bad("type: required: OrderShipped or ProductStockLevelChanged")
	}
	for k := range in.CustomHeaders {
		if k == "" || strings.ContainsAny(k, " :\r\n") {
			return in, bad("customHeaders: %q is not a header name", k)
		}
	}
	return in, nil
}

func (s *Server) createWebhook(q *req) (reply, error) {
	in, err := decodeWebhook(q.body)
	if err != nil {
		return reply{}, err
	}
	w := &webhook{}
	w.r.ID, w.seq = s.st.uuid()
	w.r.URL, w.r.Key, w.r.Type, w.r.CustomHeaders = in.URL, in.Key, string(in.Type), in.CustomHeaders
	s.st.webhooks = append(s.st.webhooks, w)
	return ok(w.render()), nil
}

func (s *Server) updateWebhook(q *req) (reply, error) {
	i, err := s.hookByID(q)
	if err != nil {
		return reply{}, err
	}
	in, err := decodeWebhook(q.body)
	if err != nil {
		return reply{}, err
	}
	w := s.st.webhooks[i]
	if in.ID != nil && *in.ID != "" && *in.ID != "00000000-0000-0000-0000-000000000000" && !strings.EqualFold(*in.ID, w.r.ID) {
		return reply{}, bad("id: the body says %q but the path %q", *in.ID, w.r.ID)
	}
	w.r.URL, w.r.Key, w.r.Type, w.r.CustomHeaders = in.URL, in.Key, string(in.Type), in.CustomHeaders
	return ok(w.render()), nil
}

// WebhookDelivery records one delivery attempt.
type WebhookDelivery struct {
	WebhookID string    `json:"webhookId"`
	Type      string    `json:"type"`
	URL       string    `json:"url"`
	Attempt   int       `json:"attempt"` // 1-based
	Status    int       `json:"status"`  // HTTP status; 0 when the request failed
	Err       string    `json:"error,omitempty"`
	Signature string    `json:"signature"`
	Body      string    `json:"body"`
	At        time.Time `json:"at"`
}

// WebhookDeliveries lists the delivery attempts so far, oldest first.
func (s *Server) WebhookDeliveries() []WebhookDelivery {
	s.hookMu.Lock()
	defer s.hookMu.Unlock()
	return append([]WebhookDelivery{}, s.hookLog...)
}

// notify renders payload and sends it to every subscription of type typ in
// the background; the caller holds s.mu.
func (s *Server) notify(typ string, payload any) {
	body, err := json.Marshal(payload)
	if err != nil {
		return
	}
	for _, w := range s.st.webhooks {
		if w.r.Type != typ {
			continue
		}
		s.hooks.Add(1)
		go s.deliver(w.render(), body)
	}
}

var hookClient = &http.Client{Timeout: 5 * time.Second}

func (s *Server) deliver(w WebHookResponse, body []byte) {
	defer s.hooks.Done()
	sig := Sign(w.Key, body)
	delay := s.opts.WebhookRetry
	for attempt := 1; attempt <= webhookAttempts; attempt++ {
		d := WebhookDelivery{WebhookID: w.ID, Type: w.Type, URL: w.URL, Attempt: attempt, Signature: sig, Body: string(body), At: time.Now()}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
		if err == nil {
			for k, v := range w.CustomHeaders {
				req.Header.Set(k, v)
			}
			req.Header.Set("Content-Type", "application/json; charset=utf-8")
			req.Header.Set(SignatureHeader, sig)
			var resp *http.Response
			if resp, err = hookClient.Do(req); err == nil {
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

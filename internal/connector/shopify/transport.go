package shopify

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/remote"
)

// charge is the cost a request was charged with, carried in its context so
// that throttleTransport can charge its retry.
type charge struct {
	b    *bucket
	cost float64
}

type chargeKey struct{}

// maxRetries429 bounds the 429 answers one request waits out here; after them
// remote.Caller's own backoff takes over.
const maxRetries429 = 10

// throttleTransport waits out HTTP 429 (some report Shopify answering a
// throttled query so, reference §1.4) for the computed time, not a blind
// backoff: (requested − currentlyAvailable) / restoreRate from the body's
// throttle status, else the Retry-After, else the cost at the last known
// restore rate; then it sends the request again.
type throttleTransport struct{ base http.RoundTripper }

func (t *throttleTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ch, _ := req.Context().Value(chargeKey{}).(*charge)
	for i := 0; ; i++ {
		resp, err := t.base.RoundTrip(req)
		if err != nil || resp.StatusCode != http.StatusTooManyRequests || ch == nil || i >= maxRetries429 || req.GetBody == nil {
			return resp, err
		}
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		var status *ThrottleStatus
		if r, err := DecodeResponse(b); err == nil && r.Extensions.Cost != nil {
			status = r.Extensions.Cost.ThrottleStatus
		}
		ch.b.throttledBy(status, ch.cost)
		if status == nil {
			if d := retryAfter(resp.Header.Get("Retry-After")); d > 0 {
				ch.b.emptyFor(ch.cost, d)
			}
		}
		if err := ch.b.take(req.Context(), ch.cost); err != nil {
			return nil, err
		}
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		req = req.Clone(req.Context())
		req.Body = body
	}
}

// retryAfter reads seconds (2.0 or 2).
func retryAfter(v string) time.Duration {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || f <= 0 {
		return 0
	}
	return time.Duration(f * float64(time.Second))
}

// emptyFor sets the bucket so that cost points are there in d: what a
// Retry-After says.
func (b *bucket) emptyFor(cost float64, d time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.avail = max(0, min(cost, b.max)-d.Seconds()*b.rate)
	b.at = b.now()
}

// encodeJSON is json.Marshal without HTML escaping (tracking URLs with &).
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func isAmbiguous(err error) bool { return remote.IsAmbiguous(err) }

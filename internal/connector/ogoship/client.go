package ogoship

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/remote"
)

// Client calls one OGOship merchant. It is safe for concurrent use; its
// tokens are shared by every caller (see token.go).
type Client struct {
	name     string
	settings Settings
	creds    Credentials
	caller   *remote.Caller
	tokens   tokens
	// now is the clock of token expiry; tests keep time.Now.
	now func() time.Time
}

// New returns a client for the merchant. It does not call OGOship. A nil hc
// uses the client's own transport.
func New(name string, s Settings, cr Credentials, hc *http.Client) (*Client, error) {
	s.fill()
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("ogoship %s: %w", name, err)
	}
	c := &Client{
		name: name, settings: s, creds: cr, now: time.Now,
		caller: remote.New(remote.Policy{
			System: "ogoship", Account: name, Timeout: s.Timeout, MaxAttempts: s.MaxAttempts,
			RatePerSecond: s.RateLimit, Secrets: []string{cr.ClientSecret, cr.SecretToken},
		}, hc),
	}
	c.tokens.sem = make(chan struct{}, 1)
	return c, nil
}

// MerchantID returns the merchant the client works for.
func (c *Client) MerchantID() string { return c.creds.MerchantID }

// API paths, in the reference's casing (the server matches any).
const (
	pathOrders   = "/api/v1/Orders"
	pathProducts = "/api/v1/Products"
	pathStock    = "/api/v1/Stock"
	pathWebhooks = "/api/v1/webhooks"
)

func (c *Client) url(path string, q url.Values) string {
	u := c.settings.BaseURL + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// send makes one API call with a valid access token. A 401 gets one new
// token and one retry. body is encoded as JSON. A 2xx answer is returned; any
// other is an *APIError, a failed call a *remote.Error, a token the server
// would not grant a *TokenError.
func (c *Client) send(ctx context.Context, method, path string, q url.Values, body any, idempotent bool, op string) (*remote.Response, error) {
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			return nil, fmt.Errorf("ogoship %s: encoding %s: %w", c.name, op, err)
		}
	}
	stale := ""
	for try := 0; ; try++ {
		tok, err := c.token(ctx, stale)
		if err != nil {
			return nil, err
		}
		h := http.Header{"Authorization": {"Bearer " + tok}, "Accept": {"application/json"}}
		if raw != nil {
			h.Set("Content-Type", "application/json; charset=utf-8")
		}
		resp, err := c.caller.Do(ctx, remote.Request{Method: method, URL: c.url(path, q), Header: h, Body: raw, Idempotent: idempotent, Op: op})
		if err != nil {
			return nil, err
		}
		if resp.Status == http.StatusUnauthorized && try == 0 {
			// The token was refused (expired early, revoked): one new token,
			// one retry. A 401 proves the server did nothing.
			stale = tok
			continue
		}
		if resp.Status < 200 || resp.Status > 299 {
			return resp, newAPIError(c.name, op, resp.Status, resp.Body)
		}
		return resp, nil
	}
}

// call is send with the answer decoded into out (when not nil). An empty
// body or the literal null decodes as nothing (the webhooks quirk).
func (c *Client) call(ctx context.Context, method, path string, q url.Values, body any, idempotent bool, op string, out any) (*remote.Response, error) {
	resp, err := c.send(ctx, method, path, q, body, idempotent, op)
	if err != nil || out == nil {
		return resp, err
	}
	if err := decodeBody(resp.Body, out); err != nil {
		return resp, &APIError{Account: c.name, Op: op, Status: resp.Status, Message: "the answer is not the JSON expected: " + err.Error() + ": " + remote.Excerpt(resp.Body, 200), NotJSON: true}
	}
	return resp, nil
}

// decodeBody decodes b into out; an empty body and null leave out as it is.
func decodeBody(b []byte, out any) error {
	t := strings.TrimSpace(string(b))
	if t == "" || t == "null" {
		return nil
	}
	return json.Unmarshal(b, out)
}

// pages reads a bare-array listing page by page (limit, page from 1) until a
// page shorter than limit. Items that fail to decode come to each as bad.
func pages[T any](ctx context.Context, c *Client, path string, q url.Values, decode func(json.RawMessage) (T, error), each func(items []T, bad []error, resp *remote.Response) error) error {
	qq := url.Values{}
	for k, v := range q {
		qq[k] = append([]string(nil), v...)
	}
	limit := c.settings.PageSize
	op := "GET " + path
	for page := 1; ; page++ {
		qq.Set("limit", fmt.Sprint(limit))
		qq.Set("page", fmt.Sprint(page))
		var raws []json.RawMessage
		resp, err := c.call(ctx, http.MethodGet, path, qq, nil, true, op, &raws)
		if err != nil {
			return err
		}
		items := make([]T, 0, len(raws))
		var bad []error
		for i, raw := range raws {
			v, err := decode(raw)
			if err != nil {
				bad = append(bad, &ItemError{Op: op, Page: page, Index: i, Err: err})
				continue
			}
			items = append(items, v)
		}
		if err := each(items, bad, resp); err != nil {
			return err
		}
		if len(raws) < limit {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// plainCode is a product code that can go in a path as it is.
var plainCode = regexp.MustCompile(`^[A-Za-z0-9._~-]+$`)

// codePath returns the path of a product code and whether ?base64url=true
// must go with it: codes with other characters are sent base64url-encoded
// (the .NET client's way).
func codePath(code string) (string, bool) {
	if plainCode.MatchString(code) {
		return code, false
	}
	return base64.RawURLEncoding.EncodeToString([]byte(code)), true
}

// Time is an OGOship time: RFC 3339 with or without fractions or zone (no
// zone is UTC), or a plain date; null and "" are zero.
type Time struct{ time.Time }

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04", "2006-01-02 15:04:05.999999999", "2006-01-02"}

// ParseTime reads an OGOship time.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("not an OGOship time: %q", s)
}

// UnmarshalJSON reads a string time or null.
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		t.Time = time.Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("time: %w", err)
	}
	v, err := ParseTime(s)
	t.Time = v
	return err
}

// MarshalJSON writes the time in UTC (null when zero).
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(t.UTC().Format(time.RFC3339Nano))
}

// queryTime formats a modifiedAfter filter: UTC, milliseconds, Z.
func queryTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func orStr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

package shopify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/ferryhub/ferry/internal/remote"
)

// Client calls one shop's Admin GraphQL API as one app. It is safe for
// concurrent use; its cost bucket is shared with every client of the same
// shop and app in the process.
type Client struct {
	name     string
	settings Settings
	creds    Credentials
	caller   *remote.Caller
	bucket   *bucket
	tokens   tokens
	endpoint string
	now      func() time.Time
	// location caches the resolved inventory location.
	loc locationCache
}

// New returns a client for the shop. It does not call Shopify. A nil hc uses
// the client's own transport.
func New(name string, s Settings, cr Credentials, hc *http.Client) (*Client, error) {
	s.fill()
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("shopify %s: %w", name, err)
	}
	if err := cr.check(); err != nil {
		return nil, fmt.Errorf("shopify %s: %w", name, err)
	}
	base := http.DefaultTransport
	if hc != nil && hc.Transport != nil {
		base = hc.Transport
	}
	wrapped := &http.Client{Transport: &throttleTransport{base: base}}
	if hc != nil {
		wrapped.Timeout, wrapped.Jar, wrapped.CheckRedirect = hc.Timeout, hc.Jar, hc.CheckRedirect
	}
	app := cr.ClientID
	if app == "" {
		h := sha256.Sum256([]byte(cr.AccessToken))
		app = "token:" + hex.EncodeToString(h[:8])
	}
	c := &Client{
		name: name, settings: s, creds: cr, now: time.Now,
		endpoint: s.BaseURL + "/" + s.APIVersion + "/graphql.json",
		bucket:   bucketFor(s.BaseURL + "|" + s.Shop + "|" + app),
		caller: remote.New(remote.Policy{
			System: "shopify", Account: name, Timeout: s.Timeout, MaxAttempts: s.MaxAttempts,
			Secrets: []string{cr.AccessToken, cr.ClientSecret, cr.WebhookSecret},
		}, wrapped),
	}
	c.tokens.sem = make(chan struct{}, 1)
	return c, nil
}

// Shop returns the shop's domain.
func (c *Client) Shop() string { return c.settings.Shop }

// Throttle returns what the shop's cost bucket met so far (shared by every
// client of the shop and app in the process).
func (c *Client) Throttle() Stats { return c.bucket.stats() }

// maxThrottled bounds the THROTTLED answers one call waits out; more means
// another consumer keeps the bucket empty.
const maxThrottled = 30

// do runs an embedded operation with vars and decodes its data into out. It
// charges the bucket with the operation's requested cost before sending,
// waits out THROTTLED answers (and 429s, in throttleTransport) for exactly
// the time the bucket needs, gets a new token once after a 401 with client
// credentials, and returns errors typed: *GraphQLError, *AuthError,
// *HTTPError, *DecodeError, *remote.Error (Ambiguous for a mutation whose
// answer was lost).
func (c *Client) do(ctx context.Context, name string, vars map[string]any, out any) error {
	o := op(name)
	est := o.shape.estimate(vars)
	cost := c.bucket.scale(name, est)
	if limit := float64(c.settings.MaxQueryCost); cost > limit {
		return &GraphQLError{Shop: c.settings.Shop, Op: name, Errors: GQLErrors{{Message: fmt.Sprintf("the query would request %.0f points, more than max_query_cost %.0f; not sent", cost, limit)}}}
	}
	body, err := json.Marshal(map[string]any{"query": o.Query, "variables": vars, "operationName": name})
	if err != nil {
		return fmt.Errorf("shopify %s: encoding %s: %w", c.settings.Shop, name, err)
	}
	stale := ""
	throttled := 0
	for try := 0; ; try++ {
		tok, err := c.token(ctx, stale)
		if err != nil {
			return err
		}
		if err := c.bucket.take(ctx, cost); err != nil {
			return err
		}
		h := http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}, "X-Shopify-Access-Token": {tok}}
		rctx := context.WithValue(ctx, chargeKey{}, &charge{b: c.bucket, cost: cost})
		resp, err := c.caller.Do(rctx, remote.Request{Method: http.MethodPost, URL: c.endpoint, Header: h, Body: body, Idempotent: !o.shape.mutation, Op: "POST graphql " + name})
		if err != nil {
			c.bucket.done(nil, cost, -1)
			return fmt.Errorf("shopify %s: %s: %w", c.settings.Shop, name, err)
		}
		switch {
		case resp.Status == http.StatusUnauthorized:
			c.bucket.done(nil, cost, 0) // refused before it ran
			if try == 0 && c.creds.ClientID != "" && c.creds.ClientSecret != "" {
				stale = tok
				continue
			}
			return &AuthError{Shop: c.settings.Shop, Op: name, Status: resp.Status, Body: remote.Excerpt(resp.Body, 200, c.creds.AccessToken)}
		case resp.Status == http.StatusForbidden, resp.Status == http.StatusPaymentRequired:
			c.bucket.done(nil, cost, 0)
			return &AuthError{Shop: c.settings.Shop, Op: name, Status: resp.Status, Body: remote.Excerpt(resp.Body, 200)}
		case resp.Status != http.StatusOK:
			c.bucket.done(nil, cost, 0)
			return &HTTPError{Shop: c.settings.Shop, Op: name, Status: resp.Status, Body: remote.Excerpt(resp.Body, 200)}
		}
		r, err := DecodeResponse(resp.Body)
		if err != nil {
			c.bucket.done(nil, cost, -1)
			return &DecodeError{Shop: c.settings.Shop, Op: name, Err: err, Body: remote.Excerpt(resp.Body, 200)}
		}
		var status *ThrottleStatus
		if r.Extensions.Cost != nil {
			status = r.Extensions.Cost.ThrottleStatus
		}
		if r.Errors.has("THROTTLED") {
			c.bucket.throttledBy(status, cost)
			if throttled++; throttled > maxThrottled {
				return &GraphQLError{Shop: c.settings.Shop, Op: name, Errors: r.Errors}
			}
			continue
		}
		actual := -1.0
		if r.Extensions.Cost != nil {
			if r.Extensions.Cost.ActualQueryCost != nil {
				actual = *r.Extensions.Cost.ActualQueryCost
			}
			c.bucket.learn(name, est, r.Extensions.Cost.RequestedQueryCost)
		}
		c.bucket.done(status, cost, actual)
		if len(r.Errors) > 0 {
			return &GraphQLError{Shop: c.settings.Shop, Op: name, Errors: r.Errors}
		}
		if out == nil {
			return nil
		}
		if len(r.Data) == 0 || string(r.Data) == "null" {
			return &DecodeError{Shop: c.settings.Shop, Op: name, Err: errors.New("no data"), Body: remote.Excerpt(resp.Body, 200)}
		}
		if err := json.Unmarshal(r.Data, out); err != nil {
			return &DecodeError{Shop: c.settings.Shop, Op: name, Err: err, Body: remote.Excerpt(r.Data, 200)}
		}
		return nil
	}
}

// origin is the scheme and host of the base URL (the token endpoint's).
func (c *Client) origin() string {
	u, err := url.Parse(c.settings.BaseURL)
	if err != nil {
		return "https://" + c.settings.Shop
	}
	return u.Scheme + "://" + u.Host
}

package shopify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/ferryhub/ferry/internal/remote"
)

// tokens holds the access token of the client credentials grant (reference
// §1.3): POST {shop}/admin/oauth/access_token, a token living about 24 h. One
// grant at a time (sem); without client_id and client_secret the configured access_token is used as it is.
type tokens struct {
	sem     chan struct{}
	mu      sync.Mutex
	access  string
	scope   string
	expires time.Time
	grants  int
}

// TokenResponse is the grant's answer.
type TokenResponse struct {
	AccessToken string `json:"access_token"`
	Scope       string `json:"scope"`
	ExpiresIn   int64  `json:"expires_in"`
}

// DecodeTokenResponse reads a grant's answer; it must carry a token.
func DecodeTokenResponse(b []byte) (TokenResponse, error) {
	var t TokenResponse
	if err := json.Unmarshal(b, &t); err != nil {
		return t, err
	}
	if t.AccessToken == "" {
		return t, errors.New("the answer has no access_token")
	}
	if t.ExpiresIn < 0 {
		return t, fmt.Errorf("expires_in %d is negative", t.ExpiresIn)
	}
	return t, nil
}

// tokenLife is assumed when the answer gives no expires_in (about 24 h, [U]).
const tokenLife = 24 * time.Hour

// token returns the token to send: the configured one, or a granted one that
// is not stale (refused by a 401) and not near its end.
func (c *Client) token(ctx context.Context, stale string) (string, error) {
	if c.creds.ClientID == "" || c.creds.ClientSecret == "" {
		return c.creds.AccessToken, nil
	}
	if tok, ok := c.current(stale); ok {
		return tok, nil
	}
	select {
	case c.tokens.sem <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-c.tokens.sem }()
	if tok, ok := c.current(stale); ok {
		return tok, nil
	}
	return c.grant(ctx)
}

func (c *Client) current(stale string) (string, bool) {
	c.tokens.mu.Lock()
	defer c.tokens.mu.Unlock()
	if a := c.tokens.access; a != "" && a != stale && c.now().Before(c.tokens.expires) {
		return a, true
	}
	return "", false
}

// grant asks for a new token. A grant is idempotent (each answer is a valid
// token), so unclear failures are retried.
func (c *Client) grant(ctx context.Context) (string, error) {
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {c.creds.ClientID}, "client_secret": {c.creds.ClientSecret}}
	at := c.now()
	resp, err := c.caller.Do(ctx, remote.Request{
		Method: http.MethodPost, URL: c.origin() + "/admin/oauth/access_token",
		Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Accept": {"application/json"}},
		Body:   []byte(form.Encode()), Idempotent: true, Op: "POST /admin/oauth/access_token",
	})
	if err != nil {
		return "", fmt.Errorf("shopify %s: token: %w", c.settings.Shop, err)
	}
	if resp.Status != http.StatusOK {
		return "", &AuthError{Shop: c.settings.Shop, Op: "client credentials grant", Status: resp.Status, Body: remote.Excerpt(resp.Body, 200, c.creds.ClientSecret)}
	}
	tr, err := DecodeTokenResponse(resp.Body)
	if err != nil {
		return "", &DecodeError{Shop: c.settings.Shop, Op: "client credentials grant", Err: err, Body: remote.Excerpt(resp.Body, 120, c.creds.ClientSecret)}
	}
	life := time.Duration(tr.ExpiresIn) * time.Second
	if tr.ExpiresIn == 0 {
		life = tokenLife
	}
	c.tokens.mu.Lock()
	defer c.tokens.mu.Unlock()
	c.tokens.access, c.tokens.scope, c.tokens.grants = tr.AccessToken, tr.Scope, c.tokens.grants+1
	// Renew at four fifths of the life, at most ten minutes early.
	c.tokens.expires = at.Add(life - min(life/5, 10*time.Minute))
	return tr.AccessToken, nil
}

// Grants returns how many tokens the client was granted.
func (c *Client) Grants() int {
	c.tokens.mu.Lock()
	defer c.tokens.mu.Unlock()
	return c.tokens.grants
}

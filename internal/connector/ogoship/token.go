package ogoship

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ferryhub/ferry/internal/remote"
)

// tokens is the client's OAuth2 session. Grants are made one at a time
// (sem), so a single-use refresh token is never sent twice; mu guards the
// fields for readers that need no grant.
type tokens struct {
	sem     chan struct{}
	mu      sync.Mutex
	access  string
	refresh string
	expires time.Time // when the client stops using access (before the server does)
	grants  int       // grants made, for tests and the connection test
}

// TokenResponse is the token server's answer (OGO-NET OAuthSession).
type TokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    Int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
}

// DecodeTokenResponse reads a token answer; it must carry an access token.
func DecodeTokenResponse(b []byte) (TokenResponse, error) {
	var t TokenResponse
	if err := json.Unmarshal(b, &t); err != nil {
		return t, err
	}
	if t.AccessToken == "" {
		return t, errors.New("the token answer has no access_token")
	}
	if t.TokenType != "" && !strings.EqualFold(t.TokenType, "bearer") {
		return t, fmt.Errorf("token_type %q, want bearer", t.TokenType)
	}
	if t.ExpiresIn < 0 {
		return t, fmt.Errorf("expires_in %d is negative", t.ExpiresIn)
	}
	return t, nil
}

// margin is how long before the server's expiry the client stops using a
// token: a fifth of its life, at most two minutes.
func margin(life time.Duration) time.Duration {
	return min(life/5, 2*time.Minute)
}

// current returns the access token if it is valid and not stale.
func (c *Client) current(stale string) (string, bool) {
	c.tokens.mu.Lock()
	defer c.tokens.mu.Unlock()
	if a := c.tokens.access; a != "" && a != stale && c.now().Before(c.tokens.expires) {
		return a, true
	}
	return "", false
}

// token returns a valid access token, not stale (one the API refused). When
// the current one is near its end or stale, the one caller holding the grant
// slot refreshes it, the others wait and use the new one. A refresh that fails
// (the refresh token refused, expired, or its answer lost after the server
// consumed it) falls back to the password grant.
func (c *Client) token(ctx context.Context, stale string) (string, error) {
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
		return tok, nil // another caller got one meanwhile
	}
	c.tokens.mu.Lock()
	rt := c.tokens.refresh
	c.tokens.refresh = "" // single-use: never sent twice, whatever happens
	c.tokens.access = ""
	c.tokens.mu.Unlock()
	if rt != "" {
		tr, at, err := c.grant(ctx, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {c.settings.ClientID}, "client_secret": {c.creds.ClientSecret}}, false)
		if err == nil {
			return c.keep(tr, at), nil
		}
		if ctx.Err() != nil {
			return "", err
		}
		// Refused or lost: the password grant starts a new session.
	}
	tr, at, err := c.grant(ctx, url.Values{"grant_type": {"password"}, "client_id": {c.settings.ClientID}, "client_secret": {c.creds.ClientSecret}, "username": {c.creds.MerchantID}, "password": {c.creds.SecretToken}, "scope": {Scope}}, true)
	if err != nil {
		return "", err
	}
	return c.keep(tr, at), nil
}

func (c *Client) keep(tr TokenResponse, at time.Time) string {
	life := time.Duration(tr.ExpiresIn) * time.Second
	if tr.ExpiresIn == 0 {
		life = 5400 * time.Second // the documented 1.5 h
	}
	c.tokens.mu.Lock()
	defer c.tokens.mu.Unlock()
	c.tokens.access, c.tokens.refresh = tr.AccessToken, tr.RefreshToken
	c.tokens.expires = at.Add(life - margin(life))
	c.tokens.grants++
	return tr.AccessToken
}

// grant posts one form to the token server. at is when it was sent (the
// token's life counts from then). A refresh is not idempotent: an unclear
// failure is not retried, the caller falls back to the password grant.
func (c *Client) grant(ctx context.Context, form url.Values, idempotent bool) (TokenResponse, time.Time, error) {
	kind := form.Get("grant_type")
	at := c.now()
	resp, err := c.caller.Do(ctx, remote.Request{
		Method: http.MethodPost, URL: c.settings.TokenURL,
		Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Accept": {"application/json"}},
		Body:   []byte(form.Encode()), Idempotent: idempotent, Op: "POST /OAuth/Token " + kind,
	})
	if err != nil {
		return TokenResponse{}, at, err
	}
	if resp.Status != http.StatusOK {
		return TokenResponse{}, at, newTokenError(c.name, kind, resp.Status, resp.Body)
	}
	tr, err := DecodeTokenResponse(resp.Body)
	if err != nil {
		return tr, at, &TokenError{Account: c.name, Grant: kind, Status: resp.Status, Description: err.Error() + ": " + remote.Excerpt(resp.Body, 120, c.creds.ClientSecret, c.creds.SecretToken)}
	}
	return tr, at, nil
}

// Grants returns how many tokens the client was granted.
func (c *Client) Grants() int {
	c.tokens.mu.Lock()
	defer c.tokens.mu.Unlock()
	return c.tokens.grants
}

// TokenError is the token server refusing a grant (RFC 6749 §5.2 body
// {"error","error_description"}), or an answer without a token.
type TokenError struct {
	Account     string
	Grant       string // "password", "refresh_token"
	Status      int
	Code        string // invalid_client, invalid_grant, …
	Description string
}

func (e *TokenError) Error() string {
	what := e.Code
	if what == "" {
		what = http.StatusText(e.Status)
	}
	s := fmt.Sprintf("ogoship %s: token (%s grant): HTTP %d: %s", e.Account, e.Grant, e.Status, what)
	if e.Description != "" {
		s += ": " + e.Description
	}
	return s + e.hint()
}

func (e *TokenError) hint() string {
	switch {
	case e.Code == "invalid_client":
		return " (check settings.client_id and credentials.client_secret)"
	case e.Code == "invalid_grant" && e.Grant == "password":
		return " (check credentials.merchant_id and credentials.secret_token: myOGO Edit Merchant → Integrations → API Information)"
	case e.Code == "invalid_scope":
		return " (the OAuth client may not have the scopes " + Scope + ")"
	}
	return ""
}

// FailureClass: the token server's own trouble (5xx, 429) is transient; a
// refused grant needs a person to fix the client or merchant credentials.
func (e *TokenError) FailureClass() string {
	if c := remote.ClassOfStatus(e.Status); c == "" && e.Status >= 300 {
		return ""
	}
	return "needs_action"
}

// DependsOn names the connection whose credentials re-run a job parked by a
// refused grant.
func (e *TokenError) DependsOn() string {
	if e.FailureClass() != "needs_action" || e.Account == "" {
		return ""
	}
	return "connection:" + e.Account
}

func newTokenError(account, grant string, status int, body []byte) *TokenError {
	e := &TokenError{Account: account, Grant: grant, Status: status}
	var b struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if err := json.Unmarshal(body, &b); err == nil && b.Error != "" {
		e.Code, e.Description = b.Error, b.Description
		return e
	}
	e.Description = remote.Excerpt(body, 200)
	return e
}

// DecodeTokenError reads a token server's error body (tests, fuzzing).
func DecodeTokenError(status int, body []byte) *TokenError {
	return newTokenError("", "password", status, body)
}

// Int is an integer that may arrive as a JSON number or a numeric string.
type Int int

// UnmarshalJSON reads a number, a numeric string or null (0).
func (n *Int) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		*n = 0
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != float64(int64(f)) || f > 1<<53 || f < -(1<<53) {
			return fmt.Errorf("not an integer: %s", b)
		}
		v = int64(f)
	}
	if v > 1<<31-1 || v < -(1<<31) {
		return fmt.Errorf("integer out of range: %s", b)
	}
	*n = Int(v)
	return nil
}

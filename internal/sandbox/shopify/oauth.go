package shopify

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// oauth holds the client-credentials tokens (reference §1.3) and the app's
// scopes. Every issued token belongs to the main app: it shares the bucket of
// Options.AccessToken, as buckets are per (shop, app), not per token.
type oauth struct {
	mu     sync.Mutex
	ttl    time.Duration
	scopes []string
	issued map[string]time.Time // token → expiry
	grants int
}

// OAuth errors in the OAuth 2.0 shape {"error","error_description"} [U: the
// reference gives none]. app_not_installed is the one Shopify answer seen for
// this grant (a community thread [3P]); the rest are RFC 6749 §5.2 codes with
// Doorkeeper's words [U].
var (
	errAppNotInstalled = oauthErr{http.StatusBadRequest, "app_not_installed", "The application is not installed on this shop."}
	errInvalidClient   = oauthErr{http.StatusUnauthorized, "invalid_client", "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method."}
	errInvalidRequest  = oauthErr{http.StatusBadRequest, "invalid_request", "The request is missing a required parameter, includes an unsupported parameter value, or is otherwise malformed."}
	errBadGrantType    = oauthErr{http.StatusBadRequest, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server."}
	// The sandbox hands out no authorization codes, so every code is unknown.
	errBadCode = oauthErr{http.StatusBadRequest, "invalid_request", "The authorization code was not found or was already used"}
)

type oauthErr struct {
	status      int
	code, descr string
}

// serveToken is POST /admin/oauth/access_token: client_id, client_secret and
// grant_type=client_credentials, form-encoded (as Shopify's docs) or JSON (as
// @shopify/shopify-api sends them).
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"errors": "Method Not Allowed"})
		return
	}
	p, err := tokenParams(r)
	if err != nil {
		s.oauthFail(w, errInvalidRequest)
		return
	}
	switch {
	case p.Get("grant_type") == "" && p.Get("code") != "":
		s.oauthFail(w, errBadCode)
	case p.Get("grant_type") != "client_credentials":
		s.oauthFail(w, errBadGrantType)
	case p.Get("client_id") == "" || p.Get("client_secret") == "":
		s.oauthFail(w, errInvalidRequest)
	case p.Get("client_id") != s.opts.ClientID:
		s.oauthFail(w, errAppNotInstalled)
	case p.Get("client_secret") != s.opts.ClientSecret:
		s.oauthFail(w, errInvalidClient)
	default:
		token, ttl, scopes := s.grant()
		// Whole seconds left a moment after issue: 86399 for 24 h, as in the
		// reference's example.
		expires := max(0, int(math.Ceil(ttl.Seconds()))-1)
		writeJSON(w, http.StatusOK, newOmap("access_token", token, "scope", strings.Join(scopes, ","), "expires_in", expires))
	}
}

func (s *Server) oauthFail(w http.ResponseWriter, e oauthErr) {
	writeJSON(w, e.status, newOmap("error", e.code, "error_description", e.descr))
}

func tokenParams(r *http.Request) (url.Values, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return nil, err
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			return nil, err
		}
		v := url.Values{}
		for k, x := range m {
			if str, ok := x.(string); ok {
				v.Set(k, str)
			}
		}
		return v, nil
	}
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, err
	}
	for k, q := range r.URL.Query() { // parameters in the URL count too
		if !v.Has(k) {
			v[k] = q
		}
	}
	return v, nil
}

// grant issues a token that expires after the current TTL.
func (s *Server) grant() (token string, ttl time.Duration, scopes []string) {
	o := s.oauth
	o.mu.Lock()
	defer o.mu.Unlock()
	o.grants++
	sum := sha256.Sum256(fmt.Appendf(nil, "%s|%d|%d", s.opts.ClientSecret, s.opts.Seed, o.grants))
	token = fmt.Sprintf("shpat_%x", sum[:16])
	o.issued[token] = s.opts.Now().Add(o.ttl)
	return token, o.ttl, slices.Clone(o.scopes)
}

// tokenState is what a token is: unknown, the static one, an extra app's,
// issued and live, or issued and expired.
type tokenState int

const (
	tokenUnknown tokenState = iota
	tokenValid
	tokenExpired
)

// checkToken answers the token's state and its app, the cost bucket's key.
func (s *Server) checkToken(token string) (tokenState, string) {
	switch {
	case token == "":
		return tokenUnknown, ""
	case token == s.opts.AccessToken || slices.Contains(s.opts.ExtraTokens, token):
		return tokenValid, token
	}
	o := s.oauth
	o.mu.Lock()
	exp, ok := o.issued[token]
	o.mu.Unlock()
	switch {
	case !ok:
		return tokenUnknown, ""
	case !s.opts.Now().Before(exp):
		return tokenExpired, ""
	}
	return tokenValid, s.opts.AccessToken
}

// appOf is the bucket key of a token: issued tokens share the main app's.
func (s *Server) appOf(token string) string {
	if st, app := s.checkToken(token); st == tokenValid {
		return app
	}
	return token
}

// Grants counts the client-credentials tokens issued so far.
func (s *Server) Grants() int {
	s.oauth.mu.Lock()
	defer s.oauth.mu.Unlock()
	return s.oauth.grants
}

// SetTokenTTL sets the lifetime of tokens issued from now on.
func (s *Server) SetTokenTTL(d time.Duration) {
	s.oauth.mu.Lock()
	s.oauth.ttl = d
	s.oauth.mu.Unlock()
}

// ExpireTokens makes every issued token expire now (the static tokens stay),
// so a client sees the 401 it must answer with a new grant.
func (s *Server) ExpireTokens() int {
	o := s.oauth
	o.mu.Lock()
	defer o.mu.Unlock()
	now, n := s.opts.Now(), 0
	for t, exp := range o.issued {
		if now.Before(exp) {
			o.issued[t] = now
			n++
		}
	}
	return n
}

// OAuthInfo is what GET /_sandbox/oauth answers.
type OAuthInfo struct {
	ClientID   string   `json:"client_id"`
	TokenTTL   string   `json:"token_ttl"`
	Grants     int      `json:"grants"`
	LiveTokens int      `json:"live_tokens"`
	Scopes     []string `json:"scopes"`
}

// OAuth summarises the grant's state.
func (s *Server) OAuth() OAuthInfo {
	o := s.oauth
	o.mu.Lock()
	defer o.mu.Unlock()
	info := OAuthInfo{ClientID: s.opts.ClientID, TokenTTL: o.ttl.String(), Grants: o.grants, Scopes: slices.Clone(o.scopes)}
	now := s.opts.Now()
	for _, exp := range o.issued {
		if now.Before(exp) {
			info.LiveTokens++
		}
	}
	return info
}

// serveOAuthControl serves /_sandbox/oauth…; false when path is not its.
func (s *Server) serveOAuthControl(w http.ResponseWriter, r *http.Request, path string, decode func(any) bool) bool {
	post := r.Method == http.MethodPost || r.Method == http.MethodPut
	switch {
	case path == "oauth" && post:
		var v struct {
			TTL    string    `json:"ttl"`
			Scopes *[]string `json:"scopes"`
		}
		if !decode(&v) {
			return true
		}
		if v.TTL != "" {
			d, err := time.ParseDuration(v.TTL)
			if err != nil || d <= 0 {
				writeJSON(w, http.StatusBadRequest, map[string]any{"error": "oauth: ttl must be a positive duration such as 24h or 2s"})
				return true
			}
			s.SetTokenTTL(d)
		}
		if v.Scopes != nil {
			if err := s.SetScopes(*v.Scopes); err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]any{"error": err.Error()})
				return true
			}
		}
		writeJSON(w, http.StatusOK, s.OAuth())
	case path == "oauth" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.OAuth())
	case path == "oauth/expire" && post:
		writeJSON(w, http.StatusOK, map[string]int{"expired": s.ExpireTokens()})
	default:
		return false
	}
	return true
}

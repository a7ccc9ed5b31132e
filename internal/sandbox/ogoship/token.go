package ogoship

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/sandbox/fault"
)

// Scopes the token server grants (§3.1).
var Scopes = []string{"read:order", "write:order", "read:product", "write:product", "read:webhook", "write:webhook", "read:metadata", "write:metadata"}

type accessToken struct {
	exp    time.Time
	scopes map[string]bool
}

type refreshToken struct {
	exp    time.Time
	scopes map[string]bool
	used   bool
}

// tokens is the token server's store; guarded by Server.mu.
type tokens struct {
	accessTTL, refreshTTL time.Duration
	access                map[string]*accessToken
	refresh               map[string]*refreshToken
	grants                map[string]int // password, refresh_token, refresh_lost, failed
}

func newTokens(access, refresh time.Duration) *tokens {
	return &tokens{accessTTL: access, refreshTTL: refresh, access: map[string]*accessToken{}, refresh: map[string]*refreshToken{}, grants: map[string]int{}}
}

// SetTokenTTL changes the lifetimes of tokens granted from now on; 0 keeps
// a lifetime as it is.
func (s *Server) SetTokenTTL(access, refresh time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if access > 0 {
		s.tok.accessTTL = access
	}
	if refresh > 0 {
		s.tok.refreshTTL = refresh
	}
}

// ExpireTokens makes every access token granted so far expired (refresh
// tokens stay valid).
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tok.access {
		t.exp = time.Time{}
	}
}

// LoseRefresh makes refresh grants take effect (the refresh token is consumed,
// new tokens are minted) and then drops the connection, so the client never
// sees the new refresh token and must fall back to the password grant.
type LoseRefresh struct {
	Next int     `json:"next"` // how many of the next refresh grants are lost
	Rate float64 `json:"rate"` // share (0..1) of the others that are
}

func (l LoseRefresh) check() error {
	if l.Next < 0 || l.Rate < 0 || l.Rate > 1 {
		return fmt.Errorf("lose refresh: next must be ≥ 0 and rate within 0..1")
	}
	return nil
}

type loseState struct {
	cfg LoseRefresh
	rng *mrand.Rand
}

// SetLoseRefresh replaces the lost-refresh settings; the zero value turns
// them off.
func (s *Server) SetLoseRefresh(l LoseRefresh) error {
	if err := l.check(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setLoseRefresh(l)
	return nil
}

func (s *Server) setLoseRefresh(l LoseRefresh) {
	s.lose = loseState{cfg: l, rng: mrand.New(mrand.NewPCG(uint64(s.opts.Seed), 0x6c6f7365))}
}

func (s *Server) loseThisRefresh() bool {
	c := &s.lose.cfg
	switch {
	case c.Next > 0:
		c.Next--
		return true
	case c.Rate > 0:
		return s.lose.rng.Float64() < c.Rate
	}
	return false
}

// oauthError answers in the RFC 6749 §5.2 shape, always with 400 (the OWIN
// server OGOship runs answers invalid_client with 400 too).
func oauthError(w http.ResponseWriter, code, format string, args ...any) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": code, "error_description": fmt.Sprintf(format, args...)})
}

func same(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		oauthError(w, "invalid_request", "the token endpoint takes POST")
		return
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/x-www-form-urlencoded" {
		oauthError(w, "invalid_request", "send the parameters form-encoded (application/x-www-form-urlencoded); JSON is not supported")
		return
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		oauthError(w, "invalid_request", "read body: %v", err)
		return
	}
	form, err := url.ParseQuery(string(raw))
	if err != nil {
		oauthError(w, "invalid_request", "malformed form body: %v", err)
		return
	}
	s.mu.Lock()
	s.requests++
	now := s.now()
	ans, code, msg := s.grant(form, now)
	lost := false
	if code == "" && form.Get("grant_type") == "refresh_token" && s.loseThisRefresh() {
		s.tok.grants["refresh_lost"]++
		lost = true
	}
	if code != "" {
		s.tok.grants["failed"]++
	}
	s.mu.Unlock()
	switch {
	case lost:
		fault.Drop(w)
	case code != "":
		oauthError(w, code, "%s", msg)
	default:
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, ans)
	}
}

// TokenResponse is the token server's answer.
type TokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
}

// grant handles one token request under s.mu; a non-empty code is an OAuth
// error.
func (s *Server) grant(f url.Values, now time.Time) (TokenResponse, string, string) {
	if !same(f.Get("client_id"), s.opts.ClientID) || !same(f.Get("client_secret"), s.opts.ClientSecret) {
		return TokenResponse{}, "invalid_client", "client_id or client_secret is wrong"
	}
	var scopes map[string]bool
	switch gt := f.Get("grant_type"); gt {
	case "password":
		if !same(f.Get("username"), s.opts.MerchantID) || !same(f.Get("password"), s.opts.SecretToken) {
			return TokenResponse{}, "invalid_grant", "the merchant id (username) or secret token (password) is incorrect"
		}
		sc, err := parseScopes(f.Get("scope"), nil)
		if err != "" {
			return TokenResponse{}, "invalid_scope", err
		}
		scopes = sc
	case "refresh_token":
		rt := s.tok.refresh[f.Get("refresh_token")]
		switch {
		case rt == nil:
			return TokenResponse{}, "invalid_grant", "the refresh token is unknown"
		case rt.used:
			return TokenResponse{}, "invalid_grant", "the refresh token has already been used"
		case !now.Before(rt.exp):
			return TokenResponse{}, "invalid_grant", "the refresh token has expired"
		}
		scopes = rt.scopes
		if v := f.Get("scope"); v != "" {
			sc, err := parseScopes(v, rt.scopes)
			if err != "" {
				return TokenResponse{}, "invalid_scope", err
			}
			scopes = sc
		}
		rt.used = true
	case "":
		return TokenResponse{}, "invalid_request", "grant_type is missing"
	default:
		return TokenResponse{}, "unsupported_grant_type", fmt.Sprintf("grant_type %q is not supported; use password or refresh_token", gt)
	}
	s.tok.grants[f.Get("grant_type")]++
	at := s.jwt(now, scopes)
	rt := randomHex(32)
	s.tok.access[at] = &accessToken{exp: now.Add(s.tok.accessTTL), scopes: scopes}
	s.tok.refresh[rt] = &refreshToken{exp: now.Add(s.tok.refreshTTL), scopes: scopes}
	return TokenResponse{AccessToken: at, TokenType: "bearer", ExpiresIn: int(s.tok.accessTTL / time.Second), RefreshToken: rt}, "", ""
}

// parseScopes reads a space-separated scope list; every scope must be known
// and, when within is set, among those.
func parseScopes(v string, within map[string]bool) (map[string]bool, string) {
	out := map[string]bool{}
	for _, sc := range strings.Fields(v) {
		known := false
		for _, k := range Scopes {
			known = known || k == sc
		}
		if !known || (within != nil && !within[sc]) {
			return nil, fmt.Sprintf("scope %q is not one the client may ask for", sc)
		}
		out[sc] = true
	}
	if len(out) == 0 {
		return nil, "scope is required: a space-separated list such as \"read:order write:order\""
	}
	return out, ""
}

// jwt mints a JWT-shaped access token. Clients must treat it as opaque; the
// sandbox looks it up rather than verifying it.
func (s *Server) jwt(now time.Time, scopes map[string]bool) string {
	var sc []string
	for _, k := range Scopes {
		if scopes[k] {
			sc = append(sc, k)
		}
	}
	enc := base64.RawURLEncoding
	head := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	claims, _ := json.Marshal(map[string]any{
		"sub": s.opts.MerchantID, "iat": now.Unix(), "exp": now.Add(s.tok.accessTTL).Unix(),
		"scope": strings.Join(sc, " "), "jti": randomHex(8), "iss": "https://my.ogoship.com",
	})
	return head + "." + enc.EncodeToString(claims) + "." + enc.EncodeToString([]byte(randomHex(16)))
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// authorize checks the bearer token (or X-OgoKey) of an API call and that it
// carries scope; the caller holds s.mu.
func (s *Server) authorize(r *http.Request, scope string, now time.Time) error {
	if k := r.Header.Get("X-OgoKey"); k != "" && s.opts.APIKey != "" {
		if same(k, s.opts.APIKey) {
			return nil
		}
		return errf(http.StatusUnauthorized, "the X-OgoKey API key is not valid")
	}
	h := r.Header.Get("Authorization")
	scheme, tok, _ := strings.Cut(h, " ")
	if h == "" || !strings.EqualFold(scheme, "Bearer") {
		return errf(http.StatusUnauthorized, "Authorization has been denied for this request: send Authorization: Bearer <access_token>")
	}
	at := s.tok.access[strings.TrimSpace(tok)]
	switch {
	case at == nil:
		return errf(http.StatusUnauthorized, "Authorization has been denied for this request: the access token is not valid")
	case !now.Before(at.exp):
		return errf(http.StatusUnauthorized, "Authorization has been denied for this request: the access token has expired")
	case !at.scopes[scope]:
		return errf(http.StatusForbidden, "the access token lacks the scope %s", scope)
	}
	return nil
}

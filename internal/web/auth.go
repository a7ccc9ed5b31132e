package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/ferryhub/ferry/internal/store"
)

// Cookie names. The session cookie is HttpOnly and SameSite=Lax; the login
// form's CSRF cookie exists only until sign-in.
const (
	sessionCookie = "ferry_session"
	loginCookie   = "ferry_login"
	csrfHeader    = "X-CSRF-Token"
	csrfField     = "csrf"
)

// SessionTTL is how long a sign-in lasts (12 h).
const SessionTTL = 12 * time.Hour

// bcryptCost is the work factor of stored passwords (bcrypt's default, 10).
const bcryptCost = bcrypt.DefaultCost

// HashPassword returns the bcrypt hash of a password, refusing one shorter
// than 10 characters or longer than bcrypt's 72 bytes.
func HashPassword(pw string) (string, error) {
	if len(pw) < 10 {
		return "", errors.New("password: at least 10 characters")
	}
	if len(pw) > 72 {
		return "", errors.New("password: at most 72 bytes")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcryptCost)
	if err != nil {
		return "", fmt.Errorf("password: %w", err)
	}
	return string(h), nil
}

// NewSecret returns a random URL-safe secret of 32 bytes (sessions, tokens,
// generated passwords).
func NewSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// SecretID is what the store keeps of a session or token secret: its SHA-256.
func SecretID(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// AddUser creates or replaces a user with a password (bcrypt-hashed).
func AddUser(ctx context.Context, st store.Store, name, password string, role store.Role) error {
	if strings.TrimSpace(name) == "" || strings.ContainsAny(name, " \t\n/") {
		return fmt.Errorf("user name %q: use letters, digits, dots, dashes", name)
	}
	if !role.Allows(store.RoleViewer) {
		return fmt.Errorf("role %q: use viewer, operator or admin", role)
	}
	h, err := HashPassword(password)
	if err != nil {
		return err
	}
	return st.PutUser(ctx, store.User{Name: name, PasswordHash: h, Role: role})
}

// AddToken creates an API token for a user and returns its secret, shown once.
func AddToken(ctx context.Context, st store.Store, user, label string) (string, error) {
	if _, err := st.GetUser(ctx, user); err != nil {
		return "", fmt.Errorf("user %s: %w", user, err)
	}
	secret := "fy_" + NewSecret()
	if err := st.PutToken(ctx, store.Token{ID: SecretID(secret), User: user, Label: label}); err != nil {
		return "", err
	}
	return secret, nil
}

// principal is who a request acts as.
type principal struct {
	User    string
	Role    store.Role
	CSRF    string // empty for API tokens: they carry no ambient authority
	Session string // the session's store id, for sign-out
}

type principalKey struct{}

func principalOf(r *http.Request) (principal, bool) {
	p, ok := r.Context().Value(principalKey{}).(principal)
	return p, ok
}

// authenticate finds the principal of a request: a bearer token, or a session
// cookie.
func (s *Server) authenticate(r *http.Request) (principal, bool) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		tok, err := s.st().GetToken(ctx, SecretID(strings.TrimPrefix(h, "Bearer ")))
		if err != nil {
			return principal{}, false
		}
		u, err := s.st().GetUser(ctx, tok.User)
		if err != nil {
			return principal{}, false
		}
		return principal{User: u.Name, Role: u.Role}, true
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return principal{}, false
	}
	ss, err := s.st().GetSession(ctx, SecretID(c.Value), time.Now())
	if err != nil {
		return principal{}, false
	}
	u, err := s.st().GetUser(ctx, ss.User)
	if err != nil {
		return principal{}, false
	}
	return principal{User: u.Name, Role: u.Role, CSRF: ss.CSRF, Session: ss.ID}, true
}

// stateChanging reports whether a method changes state.
func stateChanging(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// guard wraps a handler: the request must come from a signed-in user (or a
// token) whose role allows need, and a state change from a session must carry
// the session's CSRF token (form field or header). Pages send people without a
// session to the sign-in page; the API answers 401.
func (s *Server) guard(need store.Role, api bool, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, ok := s.authenticate(r)
		if !ok {
			if api || stateChanging(r.Method) {
				s.fail(w, r, api, http.StatusUnauthorized, "sign in first (or send an API token as Authorization: Bearer …)")
				return
			}
			http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if stateChanging(r.Method) {
			// A form or body is small; a huge one is refused before it is read.
			r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		}
		if stateChanging(r.Method) && p.CSRF != "" {
			got := r.Header.Get(csrfHeader)
			if got == "" {
				if err := r.ParseForm(); err != nil {
					var big *http.MaxBytesError
					if errors.As(err, &big) {
						s.fail(w, r, api, http.StatusRequestEntityTooLarge, (&tooLargeError{limit: maxBody}).Error())
						return
					}
				}
				got = r.PostFormValue(csrfField)
			}
			if subtle.ConstantTimeCompare([]byte(got), []byte(p.CSRF)) != 1 {
				s.fail(w, r, api, http.StatusForbidden, "missing or wrong CSRF token: reload the page and try again")
				return
			}
		}
		if !p.Role.Allows(need) {
			s.fail(w, r, api, http.StatusForbidden, fmt.Sprintf("your role %s may not do this; it needs %s", p.Role, need))
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
	}
}

// loginLimiter slows password guessing, per user name and per client address
// apart: after loginUserFails failures for one user name within loginWindow,
// that name may not sign in until the window ends (from any address); after
// loginAddrFails failures from one address (a shared office or proxy sends
// many people's), that address may not sign in. A user unlocked with `ferry
// users unlock` (a time in the store) starts afresh.
type loginLimiter struct {
	mu    sync.Mutex
	fails map[string][]time.Time
}

const (
	loginUserFails = 5
	loginAddrFails = 50
	loginWindow    = 15 * time.Minute
)

// limitOf is the failures a key ("user:…", "addr:…") may have.
func limitOf(key string) int {
	if strings.HasPrefix(key, "addr:") {
		return loginAddrFails
	}
	return loginUserFails
}

// blocked says how long key must wait; failures before since do not count.
func (l *loginLimiter) blocked(now, since time.Time, key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	var recent []time.Time
	for _, t := range l.recent(now, key) {
		if !t.Before(since) {
			recent = append(recent, t)
		}
	}
	if n := limitOf(key); len(recent) >= n {
		return recent[len(recent)-n].Add(loginWindow).Sub(now)
	}
	return 0
}

func (l *loginLimiter) recent(now time.Time, k string) []time.Time {
	var keep []time.Time
	for _, t := range l.fails[k] {
		if now.Sub(t) < loginWindow {
			keep = append(keep, t)
		}
	}
	if len(keep) == 0 {
		delete(l.fails, k)
	} else {
		l.fails[k] = keep
	}
	return keep
}

func (l *loginLimiter) fail(now time.Time, keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fails == nil {
		l.fails = map[string][]time.Time{}
	}
	for _, k := range keys {
		l.fails[k] = append(l.fails[k], now)
	}
}

func (l *loginLimiter) reset(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		delete(l.fails, k)
	}
}

// UnlockKey is the setting that records when a user was unlocked.
func UnlockKey(user string) string { return "login-unlocked:" + strings.ToLower(user) }

// Unlock lets a user sign in again at once, from any process sharing the store.
func Unlock(ctx context.Context, st store.Store, user string) error {
	return st.PutSetting(ctx, UnlockKey(user), time.Now().UTC().Format(time.RFC3339Nano))
}

func (s *Server) unlockedAt(ctx context.Context, user string) time.Time {
	v, err := s.st().GetSetting(ctx, UnlockKey(user))
	if err != nil {
		return time.Time{}
	}
	t, _ := time.Parse(time.RFC3339Nano, v)
	return t
}

// dummyHash makes a sign-in with an unknown user take as long as one with a
// wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("ferry-no-such-user"), bcryptCost)

// signIn checks a user's password and starts a session; it returns the cookie
// secret.
func (s *Server) signIn(ctx context.Context, name, password string) (string, error) {
	u, err := s.st().GetUser(ctx, name)
	if err != nil {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return "", errBadLogin
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
		return "", errBadLogin
	}
	secret := NewSecret()
	now := time.Now()
	if err := s.st().PutSession(ctx, store.Session{ID: SecretID(secret), User: u.Name, CSRF: NewSecret(), CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}); err != nil {
		return "", err
	}
	return secret, nil
}

var errBadLogin = errors.New("wrong user name or password")

func setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil,
	})
}

// clientAddr is the client's address: the connection's, or, when that is a
// trusted proxy, the nearest address in X-Forwarded-For that is not one.
func (s *Server) clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if !s.trusted(host) {
		return host
	}
	hops := strings.Split(r.Header.Get("X-Forwarded-For"), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if net.ParseIP(hop) == nil {
			break
		}
		if !s.trusted(hop) {
			return hop
		}
		host = hop
	}
	return host
}

func (s *Server) trusted(addr string) bool {
	ip := net.ParseIP(addr)
	for _, n := range s.proxies {
		if ip != nil && n.Contains(ip) {
			return true
		}
	}
	return false
}

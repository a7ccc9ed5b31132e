package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/store"
)

// session is a signed-in browser without JavaScript: a cookie jar and the
// session's CSRF token.
type session struct {
	c    *http.Client
	base string
	csrf string
	// cookie is the session cookie's value.
	cookie string
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`)
var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// signIn signs in through the login form, as a browser does.
func signIn(t *testing.T, base, user, password string) *session {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	s := &session{c: &http.Client{Jar: jar, CheckRedirect: noRedirect}, base: base}
	_, body := s.do(t, "GET", "/login", nil, "")
	m := csrfInput.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("login page has no CSRF field:\n%s", body)
	}
	resp, _ := s.form(t, "/login", url.Values{"csrf": {m[1]}, "user": {user}, "password": {password}, "next": {"/"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in of %s: %d, want 303", user, resp.StatusCode)
	}
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
				t.Errorf("session cookie: HttpOnly %v SameSite %v; want HttpOnly and Lax", c.HttpOnly, c.SameSite)
			}
			s.cookie = c.Value
		}
	}
	if s.cookie == "" {
		t.Fatal("sign-in set no session cookie")
	}
	_, body = s.do(t, "GET", "/", nil, "")
	if m := csrfMeta.FindStringSubmatch(body); m != nil {
		s.csrf = m[1]
	} else {
		t.Fatalf("signed-in page has no CSRF token:\n%.500s", body)
	}
	return s
}

func (s *session) do(t *testing.T, method, path string, body io.Reader, contentType string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := s.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (s *session) form(t *testing.T, path string, v url.Values) (*http.Response, string) {
	t.Helper()
	return s.do(t, "POST", path, strings.NewReader(v.Encode()), "application/x-www-form-urlencoded")
}

// changer is a state-changing route and the least role it needs.
type changer struct {
	method, path string
	role         store.Role
	api          bool
}

// changers lists every state-changing route of the dashboard and the API.
func changers(s *Server) []changer {
	fill := strings.NewReplacer("{name}", "orders", "{id}", "1")
	var out []changer
	for _, p := range []struct {
		path string
		role store.Role
	}{
		{"/logout", store.RoleViewer},
		{"/connections/{name}/test", store.RoleOperator},
		{"/routes/{name}/run", store.RoleOperator},
		{"/routes/{name}/retry-held", store.RoleOperator},
		{"/routes/{name}/export", store.RoleOperator},
		{"/jobs/{id}/retry", store.RoleOperator},
		{"/jobs/{id}/cancel", store.RoleOperator},
		{"/routes/{name}/mappings", store.RoleAdmin},
		{"/routes/{name}/invoice-methods", store.RoleAdmin},
		{"/connections/{name}/warehouse", store.RoleAdmin},
		{"/routes/{name}/options", store.RoleAdmin},
		{"/connections/{name}/settings", store.RoleAdmin},
	} {
		out = append(out, changer{"POST", fill.Replace(p.path), p.role, false})
	}
	for _, e := range s.endpoints() {
		if e.Method != "GET" {
			out = append(out, changer{e.Method, fill.Replace(e.Path), e.Role, true})
		}
	}
	return out
}

func TestAccessControl(t *testing.T) {
	e := newEnv(t)
	srv := New(Options{Hub: e.hub})
	admin := signIn(t, e.srv.URL, "admin", adminPass)
	oper := signIn(t, e.srv.URL, "oper", operPass)
	viewer := signIn(t, e.srv.URL, "viewer", viewerPass)
	anon := &session{c: &http.Client{CheckRedirect: noRedirect}, base: e.srv.URL}
	ch := changers(srv)
	if len(ch) < 20 {
		t.Fatalf("only %d state-changing routes found", len(ch))
	}
	for _, c := range ch {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			// No session: 401.
			resp, _ := anon.do(t, c.method, c.path, strings.NewReader("{}"), "application/json")
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("without a session: %d, want 401", resp.StatusCode)
			}
			// A session without the CSRF token: 403, whatever the role.
			resp, _ = admin.do(t, c.method, c.path, strings.NewReader("{}"), "application/json")
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("without a CSRF token: %d, want 403", resp.StatusCode)
			}
			resp, _ = admin.form(t, c.path, url.Values{"csrf": {"forged"}})
			if c.method == "POST" && resp.StatusCode != http.StatusForbidden {
				t.Errorf("with a wrong CSRF token: %d, want 403", resp.StatusCode)
			}
			// A role below the route's: 403 even with the token.
			for _, who := range []struct {
				s    *session
				role store.Role
			}{{viewer, store.RoleViewer}, {oper, store.RoleOperator}} {
				if who.role.Allows(c.role) {
					continue
				}
				req, _ := http.NewRequest(c.method, e.srv.URL+c.path, strings.NewReader("{}"))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set(csrfHeader, who.s.csrf)
				resp, err := who.s.c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusForbidden {
					t.Errorf("as %s: %d, want 403", who.role, resp.StatusCode)
				}
			}
		})
	}

	// Reading: pages send strangers to the sign-in page, the API answers 401.
	for _, p := range []string{"/", "/orders", "/products", "/jobs", "/jobs/1", "/logs", "/mappings", "/settings", "/live/overview"} {
		resp, _ := anon.do(t, "GET", p, nil, "")
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?next=") {
			t.Errorf("GET %s without a session: %d %q, want 303 to /login", p, resp.StatusCode, loc)
		}
	}
	for _, ep := range srv.endpoints() {
		if ep.Method == "GET" {
			resp, _ := anon.do(t, "GET", strings.NewReplacer("{name}", "orders", "{id}", "1").Replace(ep.Path), nil, "")
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("GET %s without a session: %d, want 401", ep.Path, resp.StatusCode)
			}
		}
	}

	// A viewer reads but may not act; an operator may.
	parked, err := e.hub.Queue.List(t.Context(), jobs.Filter{States: []jobs.State{jobs.StateParked}, Limit: 1})
	if err != nil || len(parked) == 0 {
		t.Fatalf("no parked job to act on (%v)", err)
	}
	retry := fmt.Sprintf("/jobs/%d/retry", parked[0].ID)
	if resp, _ := viewer.form(t, retry, url.Values{"csrf": {viewer.csrf}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("viewer retrying: %d, want 403", resp.StatusCode)
	}
	if resp, _ := oper.form(t, retry, url.Values{"csrf": {oper.csrf}}); resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "flash=") {
		t.Errorf("operator retrying: %d %q, want 303 with a message", resp.StatusCode, resp.Header.Get("Location"))
	}

	// API tokens carry no ambient authority: no CSRF token needed, a wrong
	// token is refused.
	bearer := func(token, method, path, body string) int {
		req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := bearer(e.adminToken, "POST", "/api/v1/routes/stock/run", "{}"); got != http.StatusOK {
		t.Errorf("token run: %d, want 200", got)
	}
	if got := bearer("fy_wrong", "GET", "/api/v1/overview", ""); got != http.StatusUnauthorized {
		t.Errorf("wrong token: %d, want 401", got)
	}

	// Signing out ends the session on the server, not only in the browser.
	stolen := viewer.cookie
	viewer.form(t, "/logout", url.Values{"csrf": {viewer.csrf}})
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/overview", nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: stolen})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a signed-out session's cookie: %d, want 401", resp.StatusCode)
	}
}

func TestLoginLimitsGuessing(t *testing.T) {
	e := newEnv(t)
	jar, _ := cookiejar.New(nil)
	s := &session{c: &http.Client{Jar: jar, CheckRedirect: noRedirect}, base: e.srv.URL}
	try := func(pw string) int {
		_, body := s.do(t, "GET", "/login", nil, "")
		m := csrfInput.FindStringSubmatch(body)
		resp, _ := s.form(t, "/login", url.Values{"csrf": {m[1]}, "user": {"admin"}, "password": {pw}})
		return resp.StatusCode
	}
	// The form must come from the site: no login cookie, no sign-in.
	bare := &session{c: &http.Client{CheckRedirect: noRedirect}, base: e.srv.URL}
	if resp, _ := bare.form(t, "/login", url.Values{"csrf": {"x"}, "user": {"admin"}, "password": {adminPass}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("sign-in without the form's token: %d, want 403", resp.StatusCode)
	}
	for i := 0; i < loginUserFails; i++ {
		if got := try("wrong-password-" + fmt.Sprint(i)); got != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d, want 401", i, got)
		}
	}
	if got := try(adminPass); got != http.StatusTooManyRequests {
		t.Errorf("right password after %d failures: %d, want 429", loginUserFails, got)
	}
	// The lock is the user's, not the address's: another user signs in from
	// the same address.
	if got := trySign(t, s, "viewer", viewerPass); got != http.StatusSeeOther {
		t.Errorf("viewer from the same address: %d, want 303", got)
	}
	// Guessing a user that does not exist locks nobody else out.
	for i := 0; i < 6; i++ {
		trySign(t, s, "nosuchuser", "x")
	}
	if got := trySign(t, s, "viewer", viewerPass); got != http.StatusSeeOther {
		t.Errorf("viewer after 6 failures for an unknown user: %d, want 303", got)
	}
	// `ferry users unlock admin` (a time in the store) lets admin in at once.
	if err := Unlock(context.Background(), e.hub.Store, "admin"); err != nil {
		t.Fatal(err)
	}
	if got := try(adminPass); got != http.StatusSeeOther {
		t.Errorf("admin after unlock: %d, want 303", got)
	}
}

// trySign posts the sign-in form as name from s's address.
func trySign(t *testing.T, s *session, name, pw string) int {
	t.Helper()
	fresh := &session{c: &http.Client{Jar: must(cookiejar.New(nil)), CheckRedirect: noRedirect}, base: s.base}
	_, body := fresh.do(t, "GET", "/login", nil, "")
	m := csrfInput.FindStringSubmatch(body)
	resp, _ := fresh.form(t, "/login", url.Values{"csrf": {m[1]}, "user": {name}, "password": {pw}})
	return resp.StatusCode
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// Behind a trusted proxy the client is the one X-Forwarded-For names; from
// anywhere else the header is ignored.
func TestClientAddrTrustsOnlyConfiguredProxies(t *testing.T) {
	t.Parallel()
	s := New(Options{TrustedProxies: []string{"10.0.0.0/8", "192.0.2.7"}})
	for _, tc := range []struct{ remote, xff, want string }{
		{"203.0.113.5:4000", "198.51.100.1", "203.0.113.5"},
		{"10.1.2.3:4000", "198.51.100.1", "198.51.100.1"},
		{"10.1.2.3:4000", "198.51.100.1, 192.0.2.7", "198.51.100.1"},
		{"10.1.2.3:4000", "forged, 198.51.100.9", "198.51.100.9"},
		{"10.1.2.3:4000", "", "10.1.2.3"},
		{"[2001:db8::1]:4000", "198.51.100.1", "2001:db8::1"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := s.clientAddr(r); got != tc.want {
			t.Errorf("%s via %q: %s, want %s", tc.remote, tc.xff, got, tc.want)
		}
	}
}

func TestSecretsNeverShown(t *testing.T) {
	e := newEnv(t)
	admin := signIn(t, e.srv.URL, "admin", adminPass)
	srv := New(Options{Hub: e.hub})
	// Every connection tested, so test reports are on the overview too.
	for _, c := range []string{"shop", "erp"} {
		admin.form(t, "/connections/"+c+"/test", url.Values{"csrf": {admin.csrf}})
	}
	list, _ := e.hub.Queue.List(t.Context(), jobs.Filter{Limit: 1000})
	users, _ := e.hub.Store.ListUsers(t.Context())
	secrets := []string{shopKey, erpKey, adminPass, operPass, viewerPass, e.adminToken, SecretID(e.adminToken), admin.cookie, SecretID(admin.cookie)}
	for _, u := range users {
		secrets = append(secrets, u.PasswordHash)
	}
	paths := []string{"/", "/live/overview", "/orders", "/products", "/jobs", "/logs", "/mappings", "/settings", "/api/v1/openapi.json"}
	for _, j := range list {
		paths = append(paths, fmt.Sprintf("/jobs/%d", j.ID), fmt.Sprintf("/api/v1/jobs/%d", j.ID))
	}
	for _, ep := range srv.endpoints() {
		if ep.Method == "GET" && !strings.Contains(ep.Path, "{") {
			paths = append(paths, ep.Path)
		}
	}
	paths = append(paths, "/api/v1/jobs?limit=5000", "/api/v1/logs?level=error", "/api/v1/products?state=parked")
	for _, p := range paths {
		resp, body := admin.do(t, "GET", p, nil, "")
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", p, resp.StatusCode)
		}
		for _, s := range secrets {
			if strings.Contains(body, s) {
				t.Errorf("GET %s shows a secret (%.6s…)", p, s)
			}
		}
	}
	// The settings API says which credentials are set, never what they are.
	_, body := admin.do(t, "GET", "/api/v1/settings", nil, "")
	var st struct {
		Connections []struct {
			Name        string
			Credentials []struct {
				Key string
				Set bool
			}
		}
	}
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		t.Fatal(err)
	}
	set := 0
	for _, c := range st.Connections {
		for _, cr := range c.Credentials {
			if cr.Set {
				set++
			}
		}
	}
	if set != 4 {
		t.Errorf("settings report %d credentials set, want 4 (user and api_key of the shop, login and api_key of Odoo)", set)
	}
}

package ogoship

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestSandboxTokenExpiry(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{Products: 3, Orders: -1, TokenTTL: time.Minute})
	tok := f.password(allScopes)
	if tok.TokenType != "bearer" || tok.ExpiresIn != 60 || strings.Count(tok.AccessToken, ".") != 2 || tok.RefreshToken == "" {
		t.Fatalf("token %+v", tok)
	}
	f.token = tok.AccessToken
	f.must(200, "GET", "/api/v1/Products", nil)
	f.clk.add(59 * time.Second)
	f.must(200, "GET", "/api/v1/Products", nil)
	f.clk.add(time.Second)
	r := f.do("GET", "/api/v1/Products", nil)
	checkError(t, r, 401, "expired")
	if !strings.Contains(r.Header.Get("WWW-Authenticate"), "Bearer") {
		t.Fatalf("no WWW-Authenticate: %v", r.Header)
	}
	f.token = "nonsense"
	checkError(t, f.do("GET", "/api/v1/Products", nil), 401, "not valid")
	f.token = ""
	checkError(t, f.do("GET", "/api/v1/Products", nil), 401, "Bearer")

	// The TTL is settable at run time, for tokens granted afterwards.
	f.token = tok.AccessToken
	res, _ := http.Post(f.ts.URL+"/_sandbox/token-ttl", "application/json", strings.NewReader(`{"access":"2s"}`))
	res.Body.Close()
	if got := f.password(allScopes); got.ExpiresIn != 2 {
		t.Fatalf("after token-ttl: expires_in %d", got.ExpiresIn)
	}
}

func TestSandboxRefreshSingleUse(t *testing.T) {
	t.Parallel()
	f := empty(t)
	first := f.password("read:product")
	code, m := f.refresh(first.RefreshToken)
	if code != 200 {
		t.Fatalf("refresh: %d %v", code, m)
	}
	second := tokenOf(m)
	if second.RefreshToken == first.RefreshToken || second.AccessToken == first.AccessToken {
		t.Fatal("refresh handed out the same tokens")
	}
	// The refreshed token keeps the scopes: products yes, orders no.
	f.token = second.AccessToken
	f.must(200, "GET", "/api/v1/Products", nil)
	checkError(t, f.do("GET", "/api/v1/Orders", nil), 403, "read:order")

	code, m = f.refresh(first.RefreshToken)
	if code != 400 || m["error"] != "invalid_grant" || !strings.Contains(m["error_description"].(string), "already been used") {
		t.Fatalf("reused refresh token: %d %v", code, m)
	}
	counts := f.srv.Counts()
	if counts["token_grants.password"] != 2 || counts["token_grants.refresh_token"] != 1 || counts["token_grants.failed"] != 1 {
		t.Fatalf("counts %v", counts)
	}
	// An expired refresh token is refused too.
	f.clk.add(15 * 24 * time.Hour)
	if code, m = f.refresh(second.RefreshToken); code != 400 || m["error"] != "invalid_grant" {
		t.Fatalf("expired refresh: %d %v", code, m)
	}
}

func TestSandboxTokenErrors(t *testing.T) {
	t.Parallel()
	f := empty(t)
	base := url.Values{"grant_type": {"password"}, "client_id": {"123456"}, "client_secret": {"abcdef"},
		"username": {"demo-merchant"}, "password": {"demo-secret"}, "scope": {"read:order"}}
	with := func(k, v string) url.Values {
		c := url.Values{}
		for kk, vv := range base {
			c[kk] = vv
		}
		c.Set(k, v)
		return c
	}
	for _, tc := range []struct {
		name string
		form url.Values
		want string
	}{
		{"bad client", with("client_secret", "x"), "invalid_client"},
		{"bad merchant", with("password", "x"), "invalid_grant"},
		{"unknown scope", with("scope", "read:order fly"), "invalid_scope"},
		{"no scope", with("scope", ""), "invalid_scope"},
		{"grant", with("grant_type", "client_credentials"), "unsupported_grant_type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, m := f.form(tc.form)
			if code != 400 || m["error"] != tc.want {
				t.Fatalf("%d %v, want 400 %s", code, m, tc.want)
			}
		})
	}
	// JSON is not accepted.
	res, err := http.Post(f.ts.URL+"/oauth/token", "application/json", strings.NewReader(`{"grant_type":"password"}`))
	if err != nil || res.StatusCode != 400 {
		t.Fatalf("JSON token request: %v %v", res, err)
	}
	res.Body.Close()
}

// TestSandboxLostRefreshAnswer: the refresh is consumed, the answer never
// arrives, the retry is invalid_grant and the password grant still works.
func TestSandboxLostRefreshAnswer(t *testing.T) {
	t.Parallel()
	f := empty(t)
	tok := f.password(allScopes)
	res, err := http.Post(f.ts.URL+"/_sandbox/lose-refresh", "application/json", strings.NewReader(`{"next":1}`))
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("lose-refresh: %v %v", res, err)
	}
	res.Body.Close()
	if code, m := f.refresh(tok.RefreshToken); code != -1 {
		t.Fatalf("lost refresh answered %d %v", code, m)
	}
	if code, m := f.refresh(tok.RefreshToken); code != 400 || m["error"] != "invalid_grant" {
		t.Fatalf("retried refresh: %d %v", code, m)
	}
	f.token = f.password(allScopes).AccessToken
	f.must(200, "GET", "/api/v1/Orders", nil)
	if c := f.srv.Counts(); c["token_grants.refresh_lost"] != 1 || c["token_grants.refresh_token"] != 1 {
		t.Fatalf("counts %v", c)
	}
	// Only the next one was lost.
	if code, _ := f.refresh(f.password(allScopes).RefreshToken); code != 200 {
		t.Fatalf("later refresh: %d", code)
	}
}

package shopify

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func newClock() *clock { return &clock{t: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)} }

type grantAnswer struct {
	Status      int
	AccessToken string `json:"access_token"`
	Scope       string `json:"scope"`
	ExpiresIn   *int   `json:"expires_in"`
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// grantReq posts to the token endpoint: form-encoded, or JSON when asJSON.
func (ts *testShop) grantReq(method string, params url.Values, asJSON bool) grantAnswer {
	ts.t.Helper()
	body, ct := params.Encode(), "application/x-www-form-urlencoded"
	if asJSON {
		m := map[string]string{}
		for k := range params {
			m[k] = params.Get(k)
		}
		b, _ := json.Marshal(m)
		body, ct = string(b), "application/json"
	}
	req, _ := http.NewRequest(method, ts.http.URL+"/admin/oauth/access_token", strings.NewReader(body))
	req.Header.Set("Content-Type", ct)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	g := grantAnswer{Status: resp.StatusCode}
	json.Unmarshal(raw, &g)
	return g
}

func (ts *testShop) credentials() url.Values {
	o := ts.Options()
	return url.Values{"client_id": {o.ClientID}, "client_secret": {o.ClientSecret}, "grant_type": {"client_credentials"}}
}

func TestClientCredentialsGrant(t *testing.T) {
	t.Parallel()
	c := newClock()
	ts := newShop(t, Options{Orders: 1, Now: c.now})
	if o := ts.Options(); o.ClientSecret != o.APISecret || o.ClientID != DefaultClientID || o.TokenTTL != 24*time.Hour {
		t.Fatalf("defaults: %+v", o)
	}
	g := ts.grantReq("POST", ts.credentials(), false)
	if g.Status != 200 || !strings.HasPrefix(g.AccessToken, "shpat_") || g.ExpiresIn == nil || *g.ExpiresIn != 86399 ||
		g.Scope != strings.Join(DefaultScopes, ",") {
		t.Fatalf("grant: %+v", g)
	}
	j := ts.grantReq("POST", ts.credentials(), true)
	if j.Status != 200 || j.AccessToken == g.AccessToken || ts.Grants() != 2 {
		t.Fatalf("JSON grant: %+v, grants %d", j, ts.Grants())
	}
	q := map[string]any{"query": "{ shop { name } }"}
	if a := ts.post(g.AccessToken, "2025-01", q); a.Status != 200 {
		t.Fatalf("granted token refused: %d %s", a.Status, a.Raw)
	}
	// The same app's tokens share one bucket; another app has its own.
	ts.DrainBucket(j.AccessToken, 1500)
	if a := ts.post(ts.Options().AccessToken, "2025-01", q); a.Extensions.Cost.ThrottleStatus.Available > 500 {
		t.Errorf("static token's bucket not shared: %s", a.Raw)
	}
	c.add(24*time.Hour - time.Second)
	if a := ts.post(g.AccessToken, "2025-01", q); a.Status != 200 {
		t.Errorf("a second before expiry: %d", a.Status)
	}
	c.add(time.Second)
	a := ts.post(g.AccessToken, "2025-01", q)
	if a.Status != 401 || !strings.Contains(string(a.Raw), `"errors":"[API] Invalid API key or access token`) {
		t.Errorf("expired: %d %s", a.Status, a.Raw)
	}
	if a := ts.post(ts.Options().AccessToken, "2025-01", q); a.Status != 200 {
		t.Errorf("static token expired too: %d", a.Status)
	}
}

func TestClientCredentialsErrors(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: 1, ClientID: "cid", ClientSecret: "csecret"})
	if ts.Options().APISecret != "csecret" {
		t.Errorf("webhook key %q: the client secret signs webhooks", ts.Options().APISecret)
	}
	with := func(k, v string) url.Values {
		p := ts.credentials()
		if v == "" {
			p.Del(k)
		} else {
			p.Set(k, v)
		}
		return p
	}
	for _, tc := range []struct {
		name   string
		params url.Values
		status int
		code   string
	}{
		{"wrong client", with("client_id", "other"), 400, "app_not_installed"},
		{"wrong secret", with("client_secret", "nope"), 401, "invalid_client"},
		{"no secret", with("client_secret", ""), 400, "invalid_request"},
		{"grant type", with("grant_type", "password"), 400, "unsupported_grant_type"},
		{"authorization code", url.Values{"client_id": {"cid"}, "client_secret": {"csecret"}, "code": {"abc"}}, 400, "invalid_request"},
	} {
		g := ts.grantReq("POST", tc.params, false)
		if g.Status != tc.status || g.Error != tc.code || g.Description == "" || g.AccessToken != "" {
			t.Errorf("%s: %+v", tc.name, g)
		}
	}
	if g := ts.grantReq("GET", ts.credentials(), false); g.Status != 405 {
		t.Errorf("GET: %d", g.Status)
	}
	if ts.Grants() != 0 {
		t.Errorf("grants %d", ts.Grants())
	}
}

// The TTL changes at run time; expiring every token forces a new grant.
func TestTokenTTLAndExpiry(t *testing.T) {
	t.Parallel()
	c := newClock()
	ts := newShop(t, Options{Orders: 1, Now: c.now, TokenTTL: time.Hour})
	q := map[string]any{"query": "{ shop { name } }"}
	if g := ts.grantReq("POST", ts.credentials(), false); *g.ExpiresIn != 3599 {
		t.Errorf("expires_in %d", *g.ExpiresIn)
	}
	if code, info := ts.control("PUT", "oauth", `{"ttl":"2s"}`); code != 200 || info["token_ttl"] != "2s" {
		t.Fatalf("set ttl: %d %v", code, info)
	}
	g := ts.grantReq("POST", ts.credentials(), false)
	if *g.ExpiresIn != 1 {
		t.Errorf("expires_in %d", *g.ExpiresIn)
	}
	c.add(2 * time.Second)
	if a := ts.post(g.AccessToken, "2025-01", q); a.Status != 401 {
		t.Errorf("2 s token after 2 s: %d", a.Status)
	}
	g = ts.grantReq("POST", ts.credentials(), false)
	if code, m := ts.control("POST", "oauth/expire", ""); code != 200 || m["expired"] != 2.0 {
		t.Errorf("expire: %d %v", code, m) // the 1 h token and the new one
	}
	if a := ts.post(g.AccessToken, "2025-01", q); a.Status != 401 {
		t.Errorf("expired by hand: %d", a.Status)
	}
	if _, st := ts.control("GET", "state", ""); st["oauth_grants"] != 3.0 {
		t.Errorf("state: %v", st)
	}
	if code, _ := ts.control("PUT", "oauth", `{"ttl":"-1s"}`); code != 400 {
		t.Errorf("bad ttl: %d", code)
	}
}

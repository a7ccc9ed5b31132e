package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/ferryhub/ferry/internal/store/storetest"
)

// River's own UI answers admins at /riverui, over the hub's queue on SQLite
// and on PostgreSQL; others are refused and the signed-out sent to sign in.
func TestRiverUIForAdminsOnly(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testRiverUI(t, newEnv(t)) })
	t.Run("postgres", func(t *testing.T) { testRiverUI(t, newEnvOn(t, storetest.PostgresURL(t))) })
}

func testRiverUI(t *testing.T, e *env) {
	anon := &session{c: &http.Client{CheckRedirect: noRedirect}, base: e.srv.URL}
	if resp, _ := anon.do(t, "GET", "/riverui/", nil, ""); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
		t.Errorf("signed out: %d %s, want a redirect to /login", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := anon.do(t, "POST", "/riverui/api/jobs/retry", strings.NewReader(`{"ids":["1"]}`), "application/json"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("signed out retry: %d, want 401", resp.StatusCode)
	}
	for user, pw := range map[string]string{"viewer": viewerPass, "oper": operPass} {
		s := signIn(t, e.srv.URL, user, pw)
		for _, path := range []string{"/riverui/", "/riverui/api/jobs?state=completed"} {
			if resp, _ := s.do(t, "GET", path, nil, ""); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s GET %s: %d, want 403", user, path, resp.StatusCode)
			}
		}
	}
	admin := signIn(t, e.srv.URL, "admin", adminPass)
	resp, body := admin.do(t, "GET", "/riverui/", nil, "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "<html") {
		t.Fatalf("admin GET /riverui/: %d %.300s", resp.StatusCode, body)
	}
	resp, body = admin.do(t, "GET", "/riverui/api/jobs?state=completed&limit=5", nil, "")
	var list struct {
		Data []struct {
			ID   json.Number `json:"id"`
			Kind string      `json:"kind"`
		} `json:"data"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &list) != nil || len(list.Data) == 0 {
		t.Fatalf("admin job list: %d %.300s", resp.StatusCode, body)
	}
	// A change without this site's origin is refused; with it, River answers.
	if resp, _ := admin.do(t, "POST", "/riverui/api/jobs/retry", strings.NewReader(`{"ids":["`+list.Data[0].ID.String()+`"]}`), "application/json"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a cross-site retry: %d, want 403", resp.StatusCode)
	}
	req, _ := http.NewRequest("POST", e.srv.URL+"/riverui/api/jobs/retry", strings.NewReader(`{"ids":["`+list.Data[0].ID.String()+`"]}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: admin.cookie})
	r2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Body.Close()
	if r2.StatusCode != http.StatusOK {
		b := make([]byte, 500)
		n, _ := r2.Body.Read(b)
		t.Errorf("a same-origin retry: %d %s, want 200", r2.StatusCode, b[:n])
	}
}

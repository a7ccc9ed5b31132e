package odoo

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// Every fault the sandbox makes can be turned on at run time over HTTP:
// latency, 5xx and dropped connections at /_sandbox/faults, commit-then-fail at
// /_sandbox/commit-then-fail.
func TestFaultsAtRunTime(t *testing.T) {
	t.Parallel()
	s := New(Options{Version: 17, Products: 1, Partners: 1})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	put := func(path, body string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPut, srv.URL+path, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("PUT %s: %v %v", path, resp, err)
		}
		resp.Body.Close()
	}
	post := func() (*http.Response, error) {
		body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": "call", "id": 1, "params": map[string]any{"service": "object", "method": "execute_kw",
			"args": []any{"ferry", 2, "demo-key", "res.partner", "create", []any{map[string]any{"name": "Fault"}}, map[string]any{}}}})
		return http.Post(srv.URL+"/jsonrpc", "application/json", bytes.NewReader(body))
	}
	count := func() int {
		return len(s.SearchRead("res.partner", []any{[]any{"name", "=", "Fault"}}, []string{"name"}))
	}

	put("/_sandbox/faults", `{"error_rate": 1}`)
	if resp, err := post(); err != nil || resp.StatusCode < 500 {
		t.Fatalf("5xx: %v %v", resp, err)
	}
	put("/_sandbox/faults", `{"drop_rate": 1}`)
	if _, err := post(); err == nil {
		t.Fatal("a dropped connection answered")
	}
	put("/_sandbox/faults", `{"latency": "150ms"}`)
	start := time.Now()
	if resp, err := post(); err != nil || resp.StatusCode != 200 || time.Since(start) < 150*time.Millisecond {
		t.Fatalf("latency: %v %v after %v", resp, err, time.Since(start))
	}
	put("/_sandbox/faults", `{}`)
	if count() != 1 {
		t.Fatalf("%d partners after faults before the API (want only the slow call's)", count())
	}

	// Commit-then-fail: the partner is created, the caller hears nothing.
	put("/_sandbox/commit-then-fail", `{"calls": {"res.partner.create": 1}}`)
	if _, err := post(); err == nil {
		t.Fatal("commit-then-fail answered")
	}
	if count() != 2 {
		t.Fatalf("%d partners: the dropped create did not commit", count())
	}
	put("/_sandbox/commit-then-fail", `{"rate": 1}`)
	if _, err := post(); err == nil || count() != 3 {
		t.Fatalf("rate 1: %v, %d partners", err, count())
	}
	put("/_sandbox/commit-then-fail", `{"rate": 0}`)
	if resp, err := post(); err != nil || resp.StatusCode != 200 || count() != 4 {
		t.Fatalf("off again: %v %v", resp, err)
	}
}

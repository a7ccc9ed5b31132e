package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestSandboxClientifyCommand(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	root := newRoot()
	var out syncBuffer
	root.SetOut(&out)
	root.SetErr(io.Discard)
	root.SetArgs([]string{"sandbox", "clientify", "--addr", "127.0.0.1:0", "--key", "k1", "--companies", "2", "--contacts", "5",
		"--products", "3", "--rate-limit", "50", "--webhook-url", "http://127.0.0.1:9/hooks", "--webhook-token", "tk",
		"--webhook-events", "contact.saved,company.deleted", "--webhook-shape", "event-root"})
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	var base string
	for deadline := time.Now().Add(5 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := regexp.MustCompile(`base URL:\s+(\S+)`).FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" || !strings.HasSuffix(base, "/v2") {
		t.Fatalf("no base URL in %q", out.String())
	}
	for _, want := range []string{"API key:         k1", "webhook token:   tk (header X-Clientify-Secret)",
		"webhook:         companies → POST http://127.0.0.1:9/hooks (company.deleted, event-root)",
		"webhook:         contacts → POST http://127.0.0.1:9/hooks (contact.saved, event-root)",
		"rate limit:      50 requests/s", "ferry connection settings: {base_url: " + base + ", api_key: k1, webhook_token: tk}"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q: %s", want, out.String())
		}
	}
	req, _ := http.NewRequest("GET", base+"/contacts/?fields=id", nil)
	req.Header.Set("Authorization", "Token k1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var page struct {
		Count int `json:"count"`
	}
	err = json.NewDecoder(resp.Body).Decode(&page)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || page.Count != 5 {
		t.Fatalf("GET /v2/contacts/: %d %v %+v", resp.StatusCode, err, page)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("command: %v", err)
	}
}

func TestSandboxClientifyRejectsBadFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"--webhook-shape", "xml"},
		{"--webhook-url", "ftp://x"},
		{"--webhook-url", "http://h/", "--webhook-events", "order.saved"},
		{"--commit-then-fail-rate", "2"},
		{"--page-size", "500"},
	} {
		if _, _, err := runFerry(t, append([]string{"sandbox", "clientify", "--addr", "127.0.0.1:0"}, args...)...); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestSandboxOgoshipCommand(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	root := newRoot()
	var out syncBuffer
	root.SetOut(&out)
	root.SetErr(io.Discard)
	root.SetArgs([]string{"sandbox", "ogoship", "--addr", "127.0.0.1:0", "--merchant-id", "m-1", "--secret-token", "tok", "--products", "5", "--token-ttl", "1m"})
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("sandbox exited with %v", err)
		}
	}()
	re := regexp.MustCompile(`token URL: (http://\S+)`)
	var tokenURL string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && tokenURL == ""; time.Sleep(10 * time.Millisecond) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			tokenURL = m[1]
		}
	}
	if tokenURL == "" {
		t.Fatalf("no token URL printed: %q", out.String())
	}
	for _, want := range []string{"base URL:  http://", "kind ogoship", "client_id: 123456", "merchant_id: m-1", "secret_token: tok"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q: %s", want, out.String())
		}
	}
	res, err := http.PostForm(tokenURL, url.Values{"grant_type": {"password"}, "client_id": {"123456"}, "client_secret": {"abcdef"},
		"username": {"m-1"}, "password": {"tok"}, "scope": {"read:product"}})
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	json.NewDecoder(res.Body).Decode(&tok)
	res.Body.Close()
	if tok.ExpiresIn != 60 {
		t.Fatalf("token %+v", tok)
	}
	base := strings.TrimSuffix(tokenURL, "/OAuth/Token")
	req, _ := http.NewRequest("GET", base+"/api/v1/products?limit=250", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var products []map[string]any
	json.NewDecoder(res.Body).Decode(&products)
	res.Body.Close()
	if len(products) != 5 {
		t.Fatalf("%d products", len(products))
	}
}

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

	shopifysandbox "github.com/ferryhub/ferry/internal/sandbox/shopify"
)

func TestSandboxShopifyCommand(t *testing.T) {
	t.Parallel()
	if _, err := shopifysandbox.FindSchema("."); err != nil {
		t.Skip(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	root := newRoot()
	var out syncBuffer
	root.SetOut(&out)
	root.SetErr(io.Discard)
	root.SetArgs([]string{"sandbox", "shopify", "--addr", "127.0.0.1:0", "--shop", "shop1", "--token", "shpat_t1", "--secret", "s1",
		"--orders", "7", "--products", "3", "--plan", "plus", "--throttle-429", "--api-version", "2025-04",
		"--client-id", "cid1", "--client-secret", "cs1", "--token-ttl", "1h", "--scopes", "read_orders,write_orders"})
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := regexp.MustCompile(`base URL:\s+(\S+)`).FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" || !strings.HasSuffix(base, "/admin/api/2025-04/graphql.json") {
		t.Fatalf("no base URL in %q", out.String())
	}
	for _, want := range []string{"shop domain:     shop1.myshopify.com", "API version:     2025-04", "access token:    shpat_t1",
		"webhook secret:  s1", "20000 points, 1000/s (plus plan), throttled answers are HTTP 429", "access_token: shpat_t1",
		"client id:       cid1", "client secret:   cs1", "token TTL:       1h0m0s", "scopes:          read_orders,write_orders"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q: %s", want, out.String())
		}
	}
	// A granted token works like the static one.
	tokenURL := strings.Replace(base, "/admin/api/2025-04/graphql.json", "/admin/oauth/access_token", 1)
	resp, err := http.PostForm(tokenURL, map[string][]string{"client_id": {"cid1"}, "client_secret": {"cs1"}, "grant_type": {"client_credentials"}})
	if err != nil {
		t.Fatal(err)
	}
	var grant struct {
		AccessToken string `json:"access_token"`
		Scope       string `json:"scope"`
		ExpiresIn   int    `json:"expires_in"`
	}
	err = json.NewDecoder(resp.Body).Decode(&grant)
	resp.Body.Close()
	if err != nil || grant.Scope != "read_orders,write_orders" || grant.ExpiresIn != 3599 {
		t.Fatalf("grant: %d %+v %v", resp.StatusCode, grant, err)
	}
	req, _ := http.NewRequest("POST", base, strings.NewReader(`{"query":"{ orders(first: 10) { nodes { id name } } }"}`))
	req.Header.Set("X-Shopify-Access-Token", grant.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var ans struct {
		Data struct {
			Orders struct {
				Nodes []map[string]any `json:"nodes"`
			} `json:"orders"`
		} `json:"data"`
	}
	if resp.StatusCode != 200 || json.Unmarshal(b, &ans) != nil || len(ans.Data.Orders.Nodes) != 7 || resp.Header.Get("X-Shopify-API-Version") != "2025-04" {
		t.Fatalf("orders: %d %s", resp.StatusCode, b)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("command: %v", err)
	}
}

func TestSandboxShopifyRejectsBadFlags(t *testing.T) {
	t.Parallel()
	if _, _, err := runFerry(t, "sandbox", "shopify", "--plan", "gold", "--addr", "127.0.0.1:0"); err == nil || !strings.Contains(err.Error(), "plan") {
		t.Fatalf("err = %v", err)
	}
	if _, _, err := runFerry(t, "sandbox", "shopify", "--scopes", "orders", "--addr", "127.0.0.1:0"); err == nil || !strings.Contains(err.Error(), "scope") {
		t.Fatalf("scopes: err = %v", err)
	}
}

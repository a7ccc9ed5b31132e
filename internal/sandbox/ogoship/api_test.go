package ogoship

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"testing"
	"time"
)

// TestSandboxPagingReadsAll reads every product and order page by page until
// a short page, at several limits.
func TestSandboxPagingReadsAll(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{Products: 37, Orders: 23})
	for _, tc := range []struct {
		path  string
		total int
	}{{"/api/v1/Products", 37}, {"/api/v1/Orders", 23}, {"/api/v1/Stock", 37}} {
		for _, limit := range []int{1, 5, 10, 37, 250} {
			seen := map[string]bool{}
			pages := 0
			for page := 1; ; page++ {
				l := f.must(200, "GET", fmt.Sprintf("%s?limit=%d&page=%d", tc.path, limit, page), nil).list()
				pages++
				for _, it := range l {
					k := fmt.Sprint(it["id"], it["productCode"])
					if seen[k] {
						t.Fatalf("%s limit %d: %s twice", tc.path, limit, k)
					}
					seen[k] = true
				}
				if len(l) < limit {
					break
				}
			}
			if len(seen) != tc.total || pages != tc.total/limit+1 {
				t.Fatalf("%s limit %d: %d records in %d pages, want %d", tc.path, limit, len(seen), pages, tc.total)
			}
		}
	}
	if n := len(f.must(200, "GET", "/api/v1/Products", nil).list()); n != DefaultLimit-13 {
		t.Fatalf("default page: %d", n)
	}
	for _, q := range []string{"limit=0", "limit=251", "page=0", "limit=x"} {
		checkError(t, f.do("GET", "/api/v1/Products?"+q, nil), 400, "")
	}
}

func TestSandboxModifiedAfter(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{Products: 10, Orders: 5})
	cut := f.clk.Now()
	f.clk.add(time.Minute)
	f.must(200, "POST", "/api/v1/Products", productBody("NEW-1"))
	f.must(200, "PUT", "/api/v1/Products/MUG", map[string]any{"name": "Big mug"})
	f.must(200, "POST", "/api/v1/Orders", orderBody("R-1"))
	for _, tc := range []struct {
		path string
		want int
	}{
		{"/api/v1/Products", 2},
		{"/api/v1/Orders", 1},
		{"/api/v1/Stock", 1}, // the new product's stock row
	} {
		for _, form := range []string{cut.Format(time.RFC3339), "2026-11-01T12:00:00+02:00", cut.Add(time.Minute).Format(time.RFC3339Nano)} {
			if n := len(f.must(200, "GET", tc.path+"?modifiedAfter="+url.QueryEscape(form), nil).list()); n != tc.want {
				t.Fatalf("%s after %s: %d, want %d", tc.path, form, n, tc.want)
			}
		}
	}
	// A raw "+" (decoded to a space) is tolerated; garbage is a 400.
	if n := len(f.must(200, "GET", "/api/v1/Products?modifiedAfter=2026-11-01T12:00:00+02:00", nil).list()); n != 2 {
		t.Fatalf("raw plus: %d", n)
	}
	checkError(t, f.do("GET", "/api/v1/Orders?modifiedAfter=yesterday", nil), 400, "modifiedAfter")
	f.srv.Receive("MUG", 5)
	if n := len(f.must(200, "GET", "/api/v1/Stock?modifiedAfter="+url.QueryEscape(cut.Format(time.RFC3339)), nil).list()); n != 2 {
		t.Fatalf("stock after receive: %d", n)
	}
}

func TestSandboxProductCreateUpdate(t *testing.T) {
	t.Parallel()
	f := empty(t)
	p := f.must(200, "POST", "/api/v1/Products", map[string]any{"code": "1540033871", "languageCode": "en", "name": "Test product", "eanCode": "6400000000017", "supplier": "Acme"}).obj()
	if p["code"] != "1540033871" || p["id"] == "" || p["stock"] != 0.0 || p["editTime"] == nil {
		t.Fatalf("created %v", p)
	}
	checkError(t, f.do("POST", "/api/v1/Products", productBody("1540033871")), 400, "already exists")
	checkError(t, f.do("POST", "/api/v1/Products", map[string]any{"code": "X"}), 400, "languageCode")
	// Rename by PUT to the old code; absent fields stay, the EAN is not overwritten.
	u := f.must(200, "PUT", "/api/v1/products/1540033871", map[string]any{"name": "edited new product", "description": "newly added description", "code": "1540033871B", "languageCode": "en", "eanCode": "999"}).obj()
	if u["code"] != "1540033871B" || u["name"] != "edited new product" || u["supplier"] != "Acme" || u["eanCode"] != "6400000000017" || u["id"] != p["id"] {
		t.Fatalf("updated %v", u)
	}
	checkError(t, f.do("PUT", "/api/v1/Products/1540033871", productBody("Z")), 404, "not found")
	// A code with special characters goes base64url-encoded.
	odd := "11/29/2024 7:54:00 AM"
	f.must(200, "POST", "/api/v1/Products", productBody(odd))
	enc := base64.RawURLEncoding.EncodeToString([]byte(odd))
	if r := f.must(200, "PUT", "/api/v1/Products/"+enc+"?base64url=true", map[string]any{"Code": odd + "new", "Name": "Test Product"}).obj(); r["code"] != odd+"new" {
		t.Fatalf("base64url rename: %v", r)
	}
	if l := f.must(200, "GET", "/api/v1/Products?code="+url.QueryEscape(odd+"new"), nil).list(); len(l) != 1 || l[0]["name"] != "Test Product" {
		t.Fatalf("by code: %v", l)
	}
	if l := f.must(200, "GET", "/api/v1/Products?eanCode=6400000000017", nil).list(); len(l) != 1 {
		t.Fatalf("by ean: %v", l)
	}
}

func TestSandboxCaseInsensitiveRoutes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{Products: 3, Orders: 2})
	for _, p := range []string{"/api/v1/Orders", "/Api/v1/Orders", "/api/v1/orders", "/API/V1/ORDERS/", "/api/v1/Orders?Limit=1&PAGE=1"} {
		f.must(200, "GET", p, nil)
	}
	f.must(200, "POST", "/api/v1/PRODUCTS", productBody("A-1"))
	f.must(200, "PUT", "/api/v1/products/A-1", map[string]any{"name": "x"})
	f.must(200, "GET", "/api/v1/stockupdate", nil)
	f.must(200, "GET", "/api/v1/WebHooks", nil)
	// Parameters keep their case: product codes are case-sensitive.
	checkError(t, f.do("PUT", "/api/v1/products/a-1", map[string]any{"name": "x"}), 404, "not found")
	checkError(t, f.do("DELETE", "/api/v1/Orders", nil), 405, "DELETE")
	checkError(t, f.do("GET", "/api/v1/Nope", nil), 404, "")
	checkError(t, f.do("GET", "/api/v2/Orders", nil), 404, "")
	if code, _ := f.form(url.Values{}); code != 400 {
		t.Fatalf("token at /OAuth/Token: %d", code)
	}
}

func TestSandboxWebhooksNullBody(t *testing.T) {
	t.Parallel()
	f := empty(t)
	r := f.must(200, "GET", "/api/v1/webhooks", nil)
	if string(r.Raw) != "null" {
		t.Fatalf("no webhooks: %q, want the literal null", r.Raw)
	}
	h := f.must(200, "POST", "/api/v1/webhooks", map[string]any{"url": "https://hub.example/ogo", "key": "k", "type": "OrderShipped", "customHeaders": map[string]string{"X-Hub-Token": "t"}}).obj()
	if h["type"] != "OrderShipped" || h["id"] == "" {
		t.Fatalf("created %v", h)
	}
	id := h["id"].(string)
	if l := f.must(200, "GET", "/api/v1/webhooks", nil).list(); len(l) != 1 {
		t.Fatalf("list %v", l)
	}
	// .NET sends PascalCase and the enum as a number.
	u := f.must(200, "PUT", "/api/v1/webhooks/"+id, map[string]any{"Id": "00000000-0000-0000-0000-000000000000", "Url": "http://hub.example/x", "Key": "TestTestTestKey", "Type": 2, "CustomHeaders": nil}).obj()
	if u["type"] != "ProductStockLevelChanged" || u["key"] != "TestTestTestKey" || u["customHeaders"] != nil {
		t.Fatalf("updated %v", u)
	}
	f.must(200, "GET", "/api/v1/webhooks/"+id, nil)
	checkError(t, f.do("POST", "/api/v1/webhooks", map[string]any{"Url": "test", "Key": "testKey", "Type": 1}), 400, "url")
	checkError(t, f.do("POST", "/api/v1/webhooks", map[string]any{"url": "https://x.example", "key": "k", "type": "Nope"}), 400, "")
	if r := f.must(204, "DELETE", "/api/v1/webhooks/"+id, nil); len(r.Raw) != 0 {
		t.Fatalf("204 with body %q", r.Raw)
	}
	checkError(t, f.do("GET", "/api/v1/webhooks/"+id, nil), 404, "not found")
	if r := f.must(200, "GET", "/api/v1/webhooks", nil); string(r.Raw) != "null" {
		t.Fatalf("after delete: %q", r.Raw)
	}
}

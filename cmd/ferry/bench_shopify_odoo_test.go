package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ferryhub/ferry/internal/connector/odoo"
	"github.com/ferryhub/ferry/internal/store/storetest"
)

// BenchmarkShopifyOdoo runs seed 003's order import at scale with the real
// hub against a Shopify sandbox (Plus plan's bucket) and an Odoo sandbox, each
// in its own process: the products route brings the shop's catalogue into
// Odoo, then the orders route imports the shop's open orders of b.N generated
// ones (risky and cancelled ones held as quotations), with the auto-workflow
// to payment for paid ones. Run it with
//
//	go test -run '^$' -bench BenchmarkShopifyOdoo -benchtime 5000x -timeout 60m ./cmd/ferry/
//
// It reports orders/s, Odoo and Shopify calls per order, the hub's CPU time
// per order and its peak RSS, beside the MyCashflow rows of BenchmarkFlows.
func BenchmarkShopifyOdoo(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchShopifyOdoo(b, "") })
	b.Run("postgres", func(b *testing.B) { benchShopifyOdoo(b, storetest.PostgresURL(b)) })
}

func benchShopifyOdoo(b *testing.B, dbURL string) {
	dir := b.TempDir()
	erp := startSandboxProcess(b, "sandbox odoo --addr 127.0.0.1:0 --products=-1")
	shop := startSandboxProcess(b, "sandbox shopify --addr 127.0.0.1:0 --plan plus --products 40 --customers 300 --orders "+strconv.Itoa(b.N))
	shop.system = "shopify"
	base, _, _ := strings.Cut(shop.url, "/admin/")
	h, pass := benchHub(b, dir, fmt.Sprintf(`data_dir: %q
database_url: %q
log: {level: error}
connections:
  shopify:
    kind: shopify
    settings: {shop: ferry-demo.myshopify.com, base_url: %q}
    credentials: {access_token: shpat_sandbox_token, webhook_secret: shpss_sandbox_secret}
  erp:
    kind: odoo
    settings: {url: %q, database: ferry, rate_limit: 0}
    credentials: {login: admin, api_key: demo-key}
routes:
  products: {flow: products, from: shopify, to: erp}
  orders:
    flow: orders
    from: shopify
    to: erp
    options:
      import_cancelled: true
      shipping_methods: [{match: "*", to: "Posti SmartPOST"}]
      workflows:
        - {financial_status: paid, until: pay, journal: Bank}
        - {until: confirm}
`, filepath.Join(dir, "data"), dbURL, base, erp.url))
	// The shop's prices include its 24 % VAT.
	conn, err := h.Conn(context.Background(), "erp")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := conn.(*odoo.Client).Create(context.Background(), "account.tax", []map[string]any{{"name": "ALV 24 % (sis.)", "amount": 24, "amount_type": "percent", "type_tax_use": "sale", "price_include": true}}, nil); err != nil {
		b.Fatal(err)
	}
	pass("products")
	b.ResetTimer()
	n := benchMeasure(b, "orders", "odoo", shop, erp, func() int {
		pass("orders")
		return h.Flows.Counts()["orders"].Created
	})
	b.StopTimer()
	c := h.Flows.Counts()["orders"]
	if c.Failed > 0 {
		b.Fatalf("orders: %+v", c)
	}
	b.Logf("%d of %d shop orders imported (%d held, skipped or parked: %+v)", n, b.N, b.N-n, c)
	b.ReportMetric(0, "ns/op")
}

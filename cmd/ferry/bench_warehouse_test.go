package main

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ferryhub/ferry/internal/store/storetest"
)

// BenchmarkWarehouseFlows runs the integrations of seeds 002 and 001 at scale
// with the real hub against sandboxes in their own processes: the shop's
// catalogue of about b.N/2 products becomes the warehouse's articles, b.N shop
// orders go to the warehouse, the warehouse ships them all and the shipments
// route quick-processes them in the shop, and the stock route brings the
// warehouse's stock back. Run it with
//
//	go test -run '^$' -bench BenchmarkWarehouseFlows -benchtime 2000x -timeout 60m ./cmd/ferry/
//
// Each flow reports records per second, calls per record of the warehouse and
// of the shop, and the hub's CPU time per record (this process only), as
// BenchmarkFlows does.
func BenchmarkWarehouseFlows(b *testing.B) {
	for _, wms := range []string{"ongoing", "ogoship"} {
		b.Run(wms+"/sqlite", func(b *testing.B) { benchWarehouse(b, wms, "") })
		b.Run(wms+"/postgres", func(b *testing.B) { benchWarehouse(b, wms, storetest.PostgresURL(b)) })
	}
}

func benchWarehouse(b *testing.B, wms, dbURL string) {
	dir := b.TempDir()
	shop := startSandboxProcess(b, "sandbox mycashflow --addr 127.0.0.1:0 --orders=-1 --products "+strconv.Itoa(max(b.N/2, 10)))
	var wh *sandboxProcess
	var conn, code string
	switch wms {
	case "ongoing":
		wh = startSandboxProcess(b, "sandbox ongoing --addr 127.0.0.1:0 --articles=-1 --step-every 0 --receive-new 1000000")
		// The printed base URL ends in /demo/api/v1, less /api/v1.
		root := strings.TrimSuffix(wh.url, "/demo")
		wh.url = root
		conn = fmt.Sprintf(`kind: ongoing
    settings: {base_url: %q, warehouse: demo, goods_owner_id: 42, rate_limit: 0}
    credentials: {user: ferry, password: demo-password}`, root+"/{warehouse}/api/v1")
		code = "PN-SP"
	case "ogoship":
		wh = startSandboxProcess(b, "sandbox ogoship --addr 127.0.0.1:0 --products=-1 --orders=-1 --receive-new 1000000")
		conn = fmt.Sprintf(`kind: ogoship
    settings: {base_url: %q, token_url: %q, client_id: "123456", rate_limit: 0}
    credentials: {client_secret: abcdef, merchant_id: demo-merchant, secret_token: demo-secret}`, wh.url, wh.url+"/OAuth/Token")
		code = "POSTI-SP"
	}
	body := fmt.Sprintf(`data_dir: %q
database_url: %q
log: {level: error}
connections:
  shop:
    kind: mycashflow
    settings: {store: demo, base_url: %q, rate_limit: 0}
    credentials: {user: api@demo.example, api_key: demo-key}
  wms:
    %s
routes:
  articles: {flow: products, from: shop, to: wms}
  orders: {flow: orders, from: shop, to: wms, options: {shipping_methods: [{match: "*", to: %s}]}}
  shipments: {flow: shipments, from: wms, to: shop}
  stock: {flow: stock, from: wms, to: shop, options: {quantity: available}}
`, filepath.Join(dir, "data"), dbURL, shop.url, conn, code)
	h, pass := benchHub(b, dir, body)
	b.ResetTimer()
	benchMeasure(b, "articles", wms, shop, wh, func() int {
		pass("articles")
		return h.Flows.Counts()["articles"].Created
	})

	b.StopTimer()
	for eligible := 0; eligible < b.N; {
		if shop.createOrder(b) {
			eligible++
		}
	}
	b.StartTimer()
	benchMeasure(b, "orders", wms, shop, wh, func() int {
		pass("orders")
		return h.Flows.Counts()["orders"].Created
	})

	// The warehouse ships everything (not measured).
	b.StopTimer()
	for range 6 {
		resp, err := http.Post(wh.url+"/_sandbox/advance", "application/json", strings.NewReader("{}"))
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("advancing the warehouse: %s", resp.Status)
		}
	}
	b.StartTimer()
	benchMeasure(b, "shipments", wms, shop, wh, func() int {
		pass("shipments")
		return h.Flows.Counts()["shipments"].Updated
	})
	benchMeasure(b, "stock", wms, shop, wh, func() int {
		pass("stock")
		c := h.Flows.Counts()["stock"]
		return c.Updated + c.Unchanged
	})
	b.StopTimer()
	c := h.Flows.Counts()
	if c["orders"].Created != b.N || c["shipments"].Updated != b.N || c["orders"].Failed+c["shipments"].Failed+c["articles"].Failed+c["stock"].Failed > 0 {
		b.Fatalf("%d orders created and %d shipped back of %d; counts %+v", c["orders"].Created, c["shipments"].Updated, b.N, c)
	}
	b.ReportMetric(0, "ns/op")
}

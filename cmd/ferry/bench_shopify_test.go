package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/connector/shopify"
	"github.com/ferryhub/ferry/internal/model"
)

// BenchmarkShopifyOrderImport reads b.N orders from a Shopify sandbox in its
// own process through the client's orders pass, at a plan's bucket and
// restore rate (default 2,000 points restored at 2,000 a second: the Standard
// plan's bucket at 20× its rate, so that 10,000 orders take minutes, not an
// hour; waiting exactly is harder the faster the restore, as each request's
// latency is a larger share). SHOPIFY_BENCH_BUCKET and SHOPIFY_BENCH_RATE set
// them. Run it with
//
//	go test -run '^$' -bench BenchmarkShopifyOrderImport -benchtime 10000x -timeout 60m ./cmd/ferry/
//
// It reports orders/s, the points used per second beyond the full bucket the
// pass began with against the restore rate, and the THROTTLED answers.
func BenchmarkShopifyOrderImport(b *testing.B) {
	bucket, rate := envFloat("SHOPIFY_BENCH_BUCKET", 2000), envFloat("SHOPIFY_BENCH_RATE", 2000)
	sb := startSandboxProcess(b, "sandbox shopify --addr 127.0.0.1:0 --products 50 --customers 200 --orders "+strconv.Itoa(b.N)+
		" --bucket "+strconv.FormatFloat(bucket, 'f', -1, 64)+" --restore-rate "+strconv.FormatFloat(rate, 'f', -1, 64))
	c := shopifyBenchClient(b, sb, nil)
	ctx := context.Background()
	b.ResetTimer()
	start := time.Now()
	n := 0
	err := c.ChangedOrders(ctx, time.Time{}, func(orders []model.Order, bad []error, _ time.Time) error {
		n += len(orders) + len(bad)
		return nil
	})
	el := time.Since(start)
	b.StopTimer()
	if err != nil || n != b.N {
		b.Fatalf("%d orders of %d read: %v", n, b.N, err)
	}
	st := c.Throttle()
	used := (st.Spent - (bucket - st.Available)) / el.Seconds()
	var state struct {
		Throttled int64 `json:"throttled"`
		Requests  int64 `json:"requests"`
	}
	sandboxState(b, sb, &state)
	b.ReportMetric(float64(n)/el.Seconds(), "orders/s")
	b.ReportMetric(used, "points/s")
	b.ReportMetric(100*used/rate, "%-of-restore-rate")
	b.ReportMetric(float64(state.Throttled), "throttled")
	b.ReportMetric(st.Spent/float64(n), "points/order")
	b.ReportMetric(0, "ns/op")
	b.Logf("%d orders in %v, %d requests, %.0f points, waited %v", n, el.Round(time.Millisecond), state.Requests, st.Spent, st.Waited.Round(time.Millisecond))
	if state.Throttled != 0 {
		b.Errorf("%d THROTTLED answers", state.Throttled)
	}
}

// BenchmarkShopifyBulkVariants reads a catalogue of b.N variants (5 per
// product) with the client's first products read, which runs as a bulk
// operation, and reports variants/s and the hub's peak RSS (the sandbox is
// its own process). Run it with
//
//	go test -run '^$' -bench BenchmarkShopifyBulkVariants -benchtime 50000x -timeout 60m ./cmd/ferry/
func BenchmarkShopifyBulkVariants(b *testing.B) {
	products := max(b.N/5, 1)
	sb := startSandboxProcess(b, "sandbox shopify --addr 127.0.0.1:0 --orders=-1 --variants 5 --bulk-delay 1s --restore-rate 100000 --bucket 100000 --products "+strconv.Itoa(products))
	c := shopifyBenchClient(b, sb, func(s *shopify.Settings) { s.BulkThreshold = 1 })
	ctx := context.Background()
	runtime.GC()
	resetPeak := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	b.ResetTimer()
	start := time.Now()
	variants := 0
	err := c.ChangedProducts(ctx, time.Time{}, func(ps []model.Product, _ time.Time) error {
		for _, p := range ps {
			variants += max(len(p.Variants), 1)
		}
		return nil
	})
	el := time.Since(start)
	b.StopTimer()
	if err != nil || variants != products*5 {
		b.Fatalf("%d variants of %d read: %v", variants, products*5, err)
	}
	var state struct {
		Bulk int `json:"bulk_operations"`
	}
	sandboxState(b, sb, &state)
	if state.Bulk == 0 {
		b.Fatal("the first read ran no bulk operation")
	}
	b.ReportMetric(float64(variants)/el.Seconds(), "variants/s")
	if resetPeak == nil {
		b.ReportMetric(float64(peakRSS())/(1<<20), "hub-peak-MB")
	}
	b.ReportMetric(0, "ns/op")
	b.Logf("%d variants of %d products in %v; %s", variants, products, el.Round(time.Millisecond), procStatus("VmHWM", "RssAnon"))
}

func shopifyBenchClient(b *testing.B, sb *sandboxProcess, tweak func(*shopify.Settings)) *shopify.Client {
	b.Helper()
	root, _, ok := strings.Cut(sb.url, "/admin/api")
	if !ok {
		b.Fatalf("sandbox URL %q", sb.url)
	}
	sb.url = root
	s := shopify.DefaultSettings()
	s.Shop, s.BaseURL = "ferry-demo.myshopify.com", root+"/admin/api"
	if tweak != nil {
		tweak(s)
	}
	c, err := shopify.New("shop", *s, shopify.Credentials{AccessToken: "shpat_sandbox_token", WebhookSecret: "shpss_sandbox_secret"}, nil)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

func sandboxState(b *testing.B, sb *sandboxProcess, out any) {
	b.Helper()
	resp, err := http.Get(sb.url + "/_sandbox/state")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		b.Fatal(err)
	}
}

func envFloat(name string, def float64) float64 {
	if v, err := strconv.ParseFloat(os.Getenv(name), 64); err == nil && v > 0 {
		return v
	}
	return def
}

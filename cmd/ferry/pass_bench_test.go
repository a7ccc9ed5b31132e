package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/ferryhub/ferry/internal/config"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/hub"
)

// BenchmarkOrdersFirstPass runs the first pass of the orders route over a shop
// of b.N orders (the MyCashflow sandbox in its own process), with no workers,
// so that what it measures is the pass itself: reading page by page,
// deciding, enqueueing and checkpointing. Its peak RSS must not grow with the
// backlog. Run it as
//
//	go test -run '^$' -bench BenchmarkOrdersFirstPass -benchtime 10000x ./cmd/ferry/
//	go test -run '^$' -bench BenchmarkOrdersFirstPass -benchtime 200000x -timeout 60m ./cmd/ferry/
func BenchmarkOrdersFirstPass(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	shop := startSandboxProcess(b, "sandbox mycashflow --addr 127.0.0.1:0 --products 40 --orders "+strconv.Itoa(b.N))
	erp := startSandboxProcess(b, "sandbox odoo --addr 127.0.0.1:0 --products 10")
	path := filepath.Join(dir, "ferry.yaml")
	if err := os.WriteFile(path, []byte(benchConfig(dir, "", shop.url, erp.url)), 0o600); err != nil {
		b.Fatal(err)
	}
	cfg, err := config.Load(path, schemas())
	if err != nil {
		b.Fatal(err)
	}
	h, err := hub.Open(ctx, cfg, hub.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	k, _ := flow.LookupKind("orders")
	r, err := h.Flows.Route("orders")
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var res flow.Result
	benchMeasure(b, "orders", "odoo", shop, erp, func() int {
		if res, err = k.Pass(ctx, h.Flows, r, flow.PassOptions{}); err != nil {
			b.Fatal(err)
		}
		return res.Done() + res.Queued
	})
	if n := shop.count(b, "orders"); res.Done()+res.Queued != n {
		b.Fatalf("the pass took %d of the shop's %d orders: %+v", res.Done()+res.Queued, n, res)
	}
	b.Logf("pass: %+v", res)
}

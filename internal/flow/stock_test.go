package flow_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/connector/mycashflow"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/model"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
	"github.com/ferryhub/ferry/internal/store"
	"github.com/ferryhub/ferry/internal/store/storetest"
)

// fakeStock is an ERP's stock in memory.
type fakeStock struct {
	mu     sync.Mutex
	levels map[string]model.Stock
}

func (f *fakeStock) Test(context.Context) (connector.TestReport, error) {
	return connector.TestReport{OK: true}, nil
}

func (f *fakeStock) StockLevels(context.Context) ([]model.Stock, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []model.Stock
	for _, l := range f.levels {
		out = append(out, l)
	}
	return out, nil
}

func (f *fakeStock) set(sku string, onHand, available int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.levels[sku] = model.Stock{SKU: sku, Quantity: model.DecimalFromInt(onHand), Available: model.DecimalFromInt(available)}
}

func TestStockSendsOnlyChangedLevels(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sb := mcfsandbox.New(mcfsandbox.Options{Seed: 12})
	srv := httptest.NewServer(sb.Handler())
	defer srv.Close()
	s := *mycashflow.DefaultSettings()
	s.Store, s.BaseURL, s.RateLimit = "demo", srv.URL, 0
	shop, err := mycashflow.New("shop", s, "api@demo.example", "demo-key", nil)
	if err != nil {
		t.Fatal(err)
	}
	erp := &fakeStock{levels: map[string]model.Stock{}}
	var codes []string
	for _, st := range sb.Stock() {
		codes = append(codes, st.ProductCode)
	}
	if len(codes) < 3 {
		t.Fatalf("sandbox has %d stock items", len(codes))
	}
	for i, c := range codes[:3] {
		erp.set(c, int64(50+i), int64(40+i))
	}
	erp.set("NOT-IN-SHOP", 5, 5)

	st, err := store.Open(ctx, store.Options{URL: storetest.SQLiteURL(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rt := flow.NewRuntime(slog.New(slog.DiscardHandler), []flow.Route{{Name: "stock", Flow: "stock", From: "erp", To: "shop", Options: &flow.StockOptions{Quantity: "on_hand", BatchSize: 2}}})
	reg := jobs.NewRegistry()
	flow.Register(reg, rt)
	q, err := jobs.Open(ctx, st, reg, jobs.Options{Work: true, PollInterval: 50 * time.Millisecond, RetryBase: 20 * time.Millisecond, Queues: map[string]int{"shop": 2}})
	if err != nil {
		t.Fatal(err)
	}
	rt.Bind(st, q, func(ctx context.Context, name string) (connector.Conn, error) {
		if name == "shop" {
			return shop, nil
		}
		return erp, nil
	})
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer q.Stop(ctx)
	pass := func() {
		t.Helper()
		pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := flow.PassNow(pctx, rt, []string{"stock"}); err != nil {
			t.Fatal(err)
		}
	}
	patches := func() int { return sb.Calls("PATCH /stock/{code}") }

	pass()
	for i, c := range codes[:3] {
		got, _ := sb.StockOf(c)
		if got.Quantity != 50+i || !got.Enabled {
			t.Fatalf("%s in the shop: %+v, want quantity %d", c, got, 50+i)
		}
	}
	if n := patches(); n != 4 {
		t.Fatalf("%d stock writes, want 4 (3 known SKUs and the unknown one tried)", n)
	}
	logs, _ := st.ListLogs(ctx, store.LogFilter{Route: "stock", Entity: "SKU NOT-IN-SHOP"})
	if len(logs) == 0 {
		t.Fatal("the unknown SKU left no log line")
	}

	// Nothing changed: only the SKU the shop lacks is tried again.
	pass()
	if n := patches(); n != 5 {
		t.Fatalf("an unchanged pass wrote %d times, want 1 (the unknown SKU)", n-4)
	}
	// One level changes: one write.
	erp.set(codes[1], 7, 7)
	pass()
	if n := patches(); n != 7 {
		t.Fatalf("after one change: %d more writes, want 2", n-5)
	}
	if got, _ := sb.StockOf(codes[1]); got.Quantity != 7 {
		t.Fatalf("changed level not written: %+v", got)
	}
	if c := rt.Counts()["stock"]; c.Updated != 4 || c.Parked != 3 {
		t.Fatalf("counts %+v", c)
	}
}

package flow_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/model"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
	"github.com/ferryhub/ferry/internal/store"
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
	erp := &fakeStock{levels: map[string]model.Stock{}}
	h := newHarness(t, mcfsandbox.Options{Seed: 12}, []flow.Route{{Name: "stock", Flow: "stock", From: "erp", To: "shop", Options: &flow.StockOptions{Quantity: "on_hand", BatchSize: 2}}}, erp)
	sb, st, rt := h.sb, h.store, h.rt
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

	pass := func() { h.pass(t, "stock") }
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
	// The SKU the shop lacks is skipped, with the reason, not silently.
	skips, _, _ := st.ListSkips(ctx, store.SkipFilter{Route: "stock"})
	if len(skips) != 1 || skips[0].Entity != "NOT-IN-SHOP" || !strings.Contains(skips[0].Reason, "NOT-IN-SHOP") {
		t.Fatalf("skipped %+v, want NOT-IN-SHOP with the reason", skips)
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
	if c := rt.Counts()["stock"]; c.Updated != 4 || c.Skipped != 3 || c.Parked != 0 {
		t.Fatalf("counts %+v", c)
	}
}

// The shop lowers its own quantities (it delivers an order at quick-process);
// the route compares the shop's level with the source's, so the next pass puts
// the shop back in step although the source did not change (seed 002).
func TestStockConvergesOnTheShopsOwnChanges(t *testing.T) {
	t.Parallel()
	erp := &fakeStock{levels: map[string]model.Stock{}}
	h := newHarness(t, mcfsandbox.Options{Seed: 13}, []flow.Route{{Name: "stock", Flow: "stock", From: "erp", To: "shop", Options: &flow.StockOptions{Quantity: "on_hand", BatchSize: 50}}}, erp)
	var codes []string
	for _, st := range h.sb.Stock() {
		codes = append(codes, st.ProductCode)
	}
	for i, c := range codes {
		erp.set(c, int64(490+i), int64(490+i))
	}
	h.pass(t, "stock")
	// The shop delivers: 5 off three SKUs, by its own hand.
	for _, c := range codes[:3] {
		got, _ := h.sb.StockOf(c)
		if _, err := h.sb.SetStock(c, got.Quantity-5); err != nil {
			t.Fatal(err)
		}
	}
	before := h.sb.Calls("PATCH /stock/{code}")
	h.pass(t, "stock")
	for i, c := range codes {
		if got, _ := h.sb.StockOf(c); got.Quantity != 490+i {
			t.Fatalf("%s: shop %d, source %d after a pass", c, got.Quantity, 490+i)
		}
	}
	if n := h.sb.Calls("PATCH /stock/{code}") - before; n != 3 {
		t.Fatalf("the correcting pass wrote %d levels, want the 3 that drifted", n)
	}
	// The same SKUs drift the same way again: the same levels are sent again
	// (the jobs' uniqueness must not take them for the last correction).
	for _, c := range codes[:3] {
		if _, err := h.sb.SetStock(c, 1); err != nil {
			t.Fatal(err)
		}
	}
	h.pass(t, "stock")
	for _, c := range codes[:3] {
		h.sb.SetStock(c, 1)
	}
	h.pass(t, "stock")
	for i, c := range codes[:3] {
		if got, _ := h.sb.StockOf(c); got.Quantity != 490+i {
			t.Fatalf("%s: shop %d, source %d after drifting twice alike", c, got.Quantity, 490+i)
		}
	}
}

// shopStock is a shop's stock with on hand and available apart (units
// committed to its open orders): it sets available, as Shopify does.
type shopStock struct {
	fakeStock
	writes int
}

func (s *shopStock) WritesAvailable() bool { return true }

func (s *shopStock) SetStockLevels(_ context.Context, levels []model.Stock) ([]error, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range levels {
		have := s.levels[l.SKU]
		if have.Available != l.Available {
			s.writes++
			committed := have.Quantity - have.Available
			s.levels[l.SKU] = model.Stock{SKU: l.SKU, Quantity: l.Available + committed, Available: l.Available}
		}
	}
	return make([]error, len(levels)), nil
}

// A target that sets its available quantity is compared by it: on hand
// equal to the source's hides nothing (the shop sold units since), and on
// hand apart from it by the committed units is no difference to send.
func TestStockComparesTheQuantityTheTargetSets(t *testing.T) {
	t.Parallel()
	erp := &fakeStock{levels: map[string]model.Stock{}}
	shop := &shopStock{fakeStock: fakeStock{levels: map[string]model.Stock{}}}
	erp.set("A", 10, 10)
	erp.set("B", 10, 10)
	shop.set("A", 10, 8)  // sold 2 since the last write: on hand still 10
	shop.set("B", 12, 10) // in step, 2 committed
	h := newHarnessWith(t, mcfsandbox.Options{Orders: -1, Products: -1}, []flow.Route{{Name: "stock", Flow: "stock", From: "erp", To: "tgt", Options: &flow.StockOptions{Quantity: "available", BatchSize: 50}}}, erp, harnessOpts{extra: map[string]connector.Conn{"tgt": shop}})
	h.pass(t, "stock")
	shop.mu.Lock()
	defer shop.mu.Unlock()
	if a := shop.levels["A"]; a.Available != model.DecimalFromInt(10) {
		t.Errorf("A: the shop has %s available, the source 10", a.Available)
	}
	if c := h.rt.Counts()["stock"]; shop.writes != 1 || c.Updated != 1 || c.Unchanged != 1 {
		t.Errorf("%d writes, counts %+v: want A written, B unchanged", shop.writes, c)
	}
}

package flow_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/model"
)

// racyERP looks orders up, then creates the missing ones without looking
// again, as a remote system does between two calls. Its first import waits at
// a gate between the two steps, so a second job for the same orders would
// create them twice.
type racyERP struct {
	*fakeERP
	gate    chan struct{}
	entered chan struct{}
	once    sync.Once
	mu      sync.Mutex
	creates map[string]int
}

func (f *racyERP) ImportOrders(ctx context.Context, imps []model.OrderImport) ([]model.WriteResult, error) {
	f.fakeERP.mu.Lock()
	found := make([]string, len(imps))
	for i, imp := range imps {
		found[i] = f.byRef[imp.Ref]
	}
	f.fakeERP.mu.Unlock()
	first := false
	f.once.Do(func() { first = true })
	if first {
		close(f.entered)
		<-f.gate
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]model.WriteResult, len(imps))
	for i, imp := range imps {
		if found[i] != "" {
			out[i] = model.WriteResult{RemoteID: found[i], Number: "S" + found[i]}
			continue
		}
		f.creates[imp.Ref]++
		f.fakeERP.mu.Lock()
		f.fakeERP.creates++
		id := fmt.Sprint(f.fakeERP.creates)
		f.byRef[imp.Ref], f.orders[id] = id, imp
		f.fakeERP.mu.Unlock()
		out[i] = model.WriteResult{RemoteID: id, Number: "S" + id, Created: true}
	}
	return out, nil
}

// A pass that starts while an earlier pass's jobs still run (a schedule tick, a
// webhook, the cursor's overlap) leaves their orders to them, even when new
// orders make its pages differ; the orders it skipped are read again later.
func TestOverlappingPassesNeverImportAnOrderTwice(t *testing.T) {
	t.Parallel()
	erp := &racyERP{fakeERP: allCarriers(), gate: make(chan struct{}), entered: make(chan struct{}), creates: map[string]int{}}
	b := setupOrders(t, &flow.OrdersOptions{BatchSize: 500, Overlap: time.Hour}, erp.fakeERP)
	// The harness opens "erp" through the fake; route it to the racy wrapper.
	b.rt.Bind(b.store, b.queue, func(ctx context.Context, name string) (connector.Conn, error) {
		if name == "erp" {
			return erp, nil
		}
		return b.shop, nil
	})
	ctx := context.Background()
	k, _ := flow.LookupKind("orders")
	r, _ := b.rt.Route("orders")
	if _, err := k.Pass(ctx, b.rt, r, flow.PassOptions{}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-erp.entered:
	case <-time.After(30 * time.Second):
		t.Fatal("the first page never reached the ERP")
	}
	// New orders arrive while the first page is being written; the next pass
	// reads the old ones again (overlap) with them.
	for i := 0; i < 5; i++ {
		if _, err := b.sb.CreateRandomOrder(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := k.Pass(ctx, b.rt, r, flow.PassOptions{}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // let a second job, if any, reach the ERP
	close(erp.gate)
	b.pass(t, "orders")
	b.pass(t, "orders")
	erp.mu.Lock()
	defer erp.mu.Unlock()
	for ref, n := range erp.creates {
		if n > 1 {
			t.Errorf("order %s created %d times", ref, n)
		}
	}
	if want := eligibleOrders(b.sb); len(erp.creates) != want {
		t.Fatalf("%d orders created, want the %d eligible ones", len(erp.creates), want)
	}
	failed, _ := b.queue.List(ctx, jobs.Filter{Route: "orders", States: []jobs.State{jobs.StateParked, jobs.StateFailed}, Limit: 10})
	if len(failed) > 0 {
		t.Fatalf("jobs failed: %+v", failed[0])
	}
}

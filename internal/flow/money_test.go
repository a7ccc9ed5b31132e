package flow_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/model"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
	sfysandbox "github.com/ferryhub/ferry/internal/sandbox/shopify"
	"github.com/ferryhub/ferry/internal/store"
)

// books is an ERP's accounts as the refunds and payouts routes see them: it
// keeps credit notes by refund id and statements by payout id, and can fail a
// call after it committed, as a real ERP behind a flaky network does.
type books struct {
	mu         sync.Mutex
	credits    map[string]model.Refund // by refund id
	creditFor  map[string]string       // refund id → ERP order id
	statements map[string]model.Payout // by payout id
	matched    map[string]map[model.RemoteID]string
	calls      int
	// failAfterCommit makes every first call for a record commit, then fail.
	failAfterCommit bool
	failed          map[string]bool
}

func newBooks() *books {
	return &books{credits: map[string]model.Refund{}, creditFor: map[string]string{}, statements: map[string]model.Payout{}, matched: map[string]map[model.RemoteID]string{}, failed: map[string]bool{}}
}

func (b *books) Test(context.Context) (connector.TestReport, error) {
	return connector.TestReport{OK: true}, nil
}

func (b *books) RefundOrder(_ context.Context, remoteID string, r model.Refund) (model.WriteResult, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.calls++
	if _, ok := b.credits[r.ID]; ok {
		return model.WriteResult{RemoteID: "CN-" + r.ID, Number: "RINV/" + r.ID}, nil
	}
	b.credits[r.ID], b.creditFor[r.ID] = r, remoteID
	if b.failAfterCommit && !b.failed[r.ID] {
		b.failed[r.ID] = true
		return model.WriteResult{}, errors.New("connection reset after the credit note was created")
	}
	return model.WriteResult{RemoteID: "CN-" + r.ID, Number: "RINV/" + r.ID, Created: true}, nil
}

func (b *books) BookPayout(_ context.Context, journal string, p model.Payout, orders map[model.RemoteID]string) (model.WriteResult, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.calls++
	if journal != "Shopify Payments" {
		return model.WriteResult{}, fmt.Errorf("no journal %q", journal)
	}
	if _, ok := b.statements[p.ID]; ok {
		return model.WriteResult{RemoteID: "BNK-" + p.ID}, nil
	}
	b.statements[p.ID], b.matched[p.ID] = p, orders
	if b.failAfterCommit && !b.failed[p.ID] {
		b.failed[p.ID] = true
		return model.WriteResult{}, errors.New("502 after the statement was created")
	}
	return model.WriteResult{RemoteID: "BNK-" + p.ID, Number: "BNK1/" + p.ID, Created: true}, nil
}

// Shopify's refunds become credit notes on the orders the orders route
// imported, and its payouts bank statements with every line's order named,
// each once although every first write commits and fails, and a second pass
// writes nothing.
func TestRefundsAndPayoutsOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, sfy, _ := newShopify(t, "sfy", sfysandbox.Options{Orders: 120, Products: 6, RestoreRate: 1000, MaximumAvailable: 20000})
	erp := newBooks()
	erp.failAfterCommit = true
	routes := []flow.Route{
		// Not run: its links and skips are written by the test.
		{Name: "orders", Flow: "orders", From: "sfy", To: "erp", Options: &flow.OrdersOptions{BatchSize: 10}},
		{Name: "refunds", Flow: "refunds", From: "sfy", To: "erp", Options: &flow.RefundsOptions{Overlap: time.Minute}},
		{Name: "payouts", Flow: "payouts", From: "sfy", To: "erp", Options: &flow.PayoutsOptions{Journal: "Shopify Payments", Overlap: time.Minute}},
	}
	h := newHarnessWith(t, mcfsandbox.Options{Orders: -1, Products: -1}, routes, erp, harnessOpts{extra: map[string]connector.Conn{"sfy": sfy}})
	// The orders route's links: every Shopify order is in the ERP as E<id>,
	// but one, imported by hand.
	var orders []model.Order
	err := sfy.ChangedOrders(ctx, time.Time{}, func(os []model.Order, _ []error, _ time.Time) error {
		orders = append(orders, os...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// One refund's order was never imported (the orders route skipped it):
	// that refund is skipped with the orders route's reason, not failed, and
	// does not wait for the order.
	var refunds []model.Refund
	if err := sfy.ChangedRefunds(ctx, time.Time{}, func(rs []model.Refund, _ time.Time) error { refunds = append(refunds, rs...); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(refunds) == 0 {
		t.Fatal("the shop has no refund")
	}
	orphan := refunds[0]
	if err := h.store.PutSkips(ctx, []store.Skip{{Route: "orders", Entity: orphan.OrderID, Label: "order #orphan", Reason: "fulfilled in the shop before the import date"}}); err != nil {
		t.Fatal(err)
	}
	for _, o := range orders {
		if o.ID == orphan.OrderID {
			continue
		}
		if err := h.store.PutLink(ctx, store.Link{Connection: "erp", Kind: "order", LocalID: "sfy:" + o.ID, RemoteID: "E" + o.ID, SyncedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	var payouts []model.Payout
	if err := sfy.ChangedPayouts(ctx, time.Time{}, func(ps []model.Payout, _ time.Time) error { payouts = append(payouts, ps...); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(refunds) == 0 || len(payouts) == 0 {
		t.Fatalf("the shop has %d refunds and %d payouts; the test needs both", len(refunds), len(payouts))
	}

	h.pass(t, "refunds", "payouts")
	h.pass(t, "refunds", "payouts")
	// Every first write failed after it committed: its retry finds the
	// record and writes nothing more.
	orphans := 0
	for _, r := range refunds {
		if r.OrderID == orphan.OrderID {
			orphans++
		}
	}
	if c := h.rt.Counts()["refunds"]; len(erp.credits) != len(refunds)-orphans || c.Failed+c.Parked > 0 || c.Skipped != orphans {
		t.Fatalf("refunds: %+v, %d credit notes for %d refunds (%d of an order not imported)", c, len(erp.credits), len(refunds), orphans)
	}
	skips, _, err := h.store.ListSkips(ctx, store.SkipFilter{Route: "refunds"})
	if err != nil || len(skips) != orphans || !strings.Contains(skips[0].Reason, "route orders did not import order #orphan") || !strings.Contains(skips[0].Reason, "before the import date") {
		t.Fatalf("refund skips %+v (%v)", skips, err)
	}
	if c := h.rt.Counts()["payouts"]; len(erp.statements) != len(payouts) || c.Failed+c.Parked > 0 {
		t.Fatalf("payouts: %+v, %d statements for %d payouts", c, len(erp.statements), len(payouts))
	}
	for _, r := range refunds {
		if r.OrderID == orphan.OrderID {
			continue
		}
		if got := erp.creditFor[r.ID]; got != "E"+r.OrderID {
			t.Errorf("refund %s credited on %q, want E%s", r.ID, got, r.OrderID)
		}
		l, err := h.store.GetLinkByLocal(ctx, "erp", "refund", "sfy:"+r.ID)
		if err != nil || l.RemoteID != "CN-"+r.ID {
			t.Errorf("refund %s: link %+v (%v)", r.ID, l, err)
		}
	}
	for _, p := range payouts {
		m := erp.matched[p.ID]
		for _, l := range p.Lines {
			if l.OrderID != "" && l.OrderID != orphan.OrderID && m[l.OrderID] != "E"+l.OrderID {
				t.Errorf("payout %s line %s of order %s: matched to %q", p.ID, l.ID, l.OrderID, m[l.OrderID])
			}
		}
	}
	calls := erp.calls
	h.pass(t, "refunds", "payouts")
	if erp.calls != calls {
		t.Fatalf("a third pass called the ERP %d times", erp.calls-calls)
	}
}

// A payouts route needs its journal, and says so when the config is read.
func TestPayoutsOptions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		opts flow.PayoutsOptions
		ok   bool
	}{
		{flow.PayoutsOptions{Journal: "Bank"}, true},
		{flow.PayoutsOptions{}, false},
		{flow.PayoutsOptions{Journal: " "}, false},
		{flow.PayoutsOptions{Journal: "Bank", Overlap: -time.Second}, false},
	} {
		if err := tc.opts.Validate(); (err == nil) != tc.ok {
			t.Errorf("%+v: %v", tc.opts, err)
		}
	}
}

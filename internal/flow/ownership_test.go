package flow_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/model"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
	"github.com/ferryhub/ferry/internal/store"
)

// refusingERP fails every import call for good while refuse is set: a page
// job fails as a whole, as it did when Odoo refused a customer of the page.
type refusingERP struct {
	*fakeERP
	refuse bool
}

func (f *refusingERP) ImportOrders(ctx context.Context, imps []model.OrderImport) ([]model.WriteResult, error) {
	if f.refuse {
		return nil, jobs.Permanent(errors.New("ValidationError: The VAT number [FI52468398] for partner [Huono Oy] does not seem to be valid"))
	}
	return f.fakeERP.ImportOrders(ctx, imps)
}

// A page job that failed keeps its orders: a later pass gives them to no
// second job (which `ferry jobs retry --failed` would then run beside the
// first, each creating the orders), and the retry imports each order once.
func TestAFailedJobKeepsItsOrders(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	erp := &refusingERP{fakeERP: allCarriers(), refuse: true}
	h := newHarness(t, mcfsandbox.Options{Seed: 21, Orders: 60}, []flow.Route{{Name: "orders", Flow: "orders", From: "shop", To: "erp", Options: &flow.OrdersOptions{BatchSize: 500}}}, erp)
	h.pass(t, "orders")
	batches := func() []jobs.Info {
		list, err := h.queue.List(ctx, jobs.Filter{Route: "orders", Kinds: []string{flow.OrderBatchArgs{}.Kind()}, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return list
	}
	first := batches()
	if len(first) != 1 || first[0].State != jobs.StateFailed {
		t.Fatalf("after the first pass: %+v, want one failed page job", first)
	}
	// Passes go on while the job waits for a person, and a new order makes
	// the next page differ: the old orders are read again, but stay with the
	// failed job; the new order gets a job of its own.
	for {
		o, err := h.sb.CreateRandomOrder()
		if err != nil {
			t.Fatal(err)
		}
		if o.Status == "open" && o.PaymentMethodID != 0 && o.ShippingMethodID != 0 {
			break
		}
	}
	h.pass(t, "orders")
	h.pass(t, "orders")
	held := map[string]bool{}
	var a flow.OrderBatchArgs
	mustJSON(t, first[0].Args, &a)
	for _, o := range a.Orders {
		held[o.ID] = true
	}
	for _, j := range batches() {
		if j.ID == first[0].ID {
			continue
		}
		var b flow.OrderBatchArgs
		mustJSON(t, j.Args, &b)
		for _, o := range b.Orders {
			if held[o.ID] {
				t.Fatalf("order %s is in job %d and in the failed job %d", o.Number, j.ID, first[0].ID)
			}
		}
	}
	// `ferry jobs retry --failed`, while passes keep running.
	erp.refuse = false
	if _, err := h.queue.RetryIssues(ctx, store.IssueFilter{Route: "orders"}); err != nil {
		t.Fatal(err)
	}
	h.pass(t, "orders")
	h.pass(t, "orders")
	if want := eligibleOrders(h.sb); erp.creates != want {
		t.Fatalf("%d orders created, want each of the %d eligible once", erp.creates, want)
	}
}

func mustJSON(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

// An open order without a shipping or payment method is not imported, and not
// silently: it is counted as skipped and listed with the reason, and once the
// shop gives it the method, the next pass imports it.
func TestIneligibleOrdersAreSkippedWithTheReason(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	erp := allCarriers()
	h := newHarness(t, mcfsandbox.Options{Seed: 22, Orders: 60}, []flow.Route{{Name: "orders", Flow: "orders", From: "shop", To: "erp", Options: &flow.OrdersOptions{BatchSize: 100}}}, erp)
	var waiting mcfsandbox.OrderView
	for _, id := range h.sb.OrderIDs() {
		if o, _ := h.sb.Order(id); o.Status == "open" && o.PaymentMethodID != 0 && o.ShippingMethodID != 0 {
			waiting = o
			break
		}
	}
	zero := 0
	if _, err := h.sb.UpdateOrder(waiting.ID, mcfsandbox.OrderUpdate{ShippingMethodID: &zero}); err != nil {
		t.Fatal(err)
	}
	h.pass(t, "orders")
	c := h.rt.Counts()["orders"]
	if c.Skipped == 0 || c.Created != eligibleOrders(h.sb) {
		t.Fatalf("counts %+v: want the eligible created and the rest skipped", c)
	}
	pg, err := flow.OrderViews(ctx, h.rt, "orders", flow.OrderQuery{Search: fmt.Sprint(waiting.ID)})
	if err != nil {
		t.Fatal(err)
	}
	views := pg.Orders
	if len(views) != 1 || !views[0].Skipped || !strings.Contains(views[0].Reason, "no shipping method") {
		t.Fatalf("order %d on the Orders page: %+v, want skipped for its missing shipping method", waiting.ID, views)
	}
	method := 1
	if _, err := h.sb.UpdateOrder(waiting.ID, mcfsandbox.OrderUpdate{ShippingMethodID: &method}); err != nil {
		t.Fatal(err)
	}
	h.pass(t, "orders")
	if _, err := h.store.GetLinkByLocal(ctx, "erp", "order", fmt.Sprintf("shop:%d", waiting.ID)); err != nil {
		t.Fatalf("order %d not imported once it had a shipping method: %v", waiting.ID, err)
	}
	pg, _ = flow.OrderViews(ctx, h.rt, "orders", flow.OrderQuery{Search: fmt.Sprint(waiting.ID)})
	views = pg.Orders
	if len(views) != 1 || views[0].Skipped || views[0].TargetID == "" {
		t.Fatalf("after its import: %+v", views)
	}
}

// A pass stopped half-way (its process killed, its job timed out) has moved
// the cursor page by page: the next pass goes on from there instead of
// reading the shop from the start, and every order is taken once.
func TestAStoppedPassResumesWhereItStopped(t *testing.T) {
	t.Parallel()
	erp := allCarriers()
	h := newHarness(t, mcfsandbox.Options{Seed: 23, Orders: 1500}, []flow.Route{{Name: "orders", Flow: "orders", From: "shop", To: "erp", Options: &flow.OrdersOptions{BatchSize: 100}}}, erp)
	k, _ := flow.LookupKind("orders")
	r, _ := h.rt.Route("orders")
	ctx, cancel := context.WithCancel(context.Background())
	h.sb.ResetCalls()
	go func() {
		for h.sb.Calls("GET /orders") < 3 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	if _, err := k.Pass(ctx, h.rt, r, flow.PassOptions{}); err == nil {
		t.Fatal("the stopped pass reported no error")
	}
	stoppedAt := h.sb.Calls("GET /orders")
	cur, err := h.store.GetCursor(context.Background(), "orders", "orders")
	if err != nil {
		t.Fatalf("no cursor after %d pages: %v", stoppedAt, err)
	}
	h.pass(t, "orders")
	resumed := h.sb.Calls("GET /orders") - stoppedAt
	// A read of the whole shop, for comparison.
	h.sb.ResetCalls()
	if err := h.shop.ChangedOrders(context.Background(), time.Time{}, func([]model.Order, []error, time.Time) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if full := h.sb.Calls("GET /orders"); resumed >= full {
		t.Fatalf("the resumed pass (from %s) read %d pages, a read from the start %d", cur.Value, resumed, full)
	}
	if want := eligibleOrders(h.sb); erp.creates != want {
		t.Fatalf("%d orders created, want each of the %d eligible once", erp.creates, want)
	}
}

// downERP answers every import with a transient error, as an ERP in an outage.
type downERP struct{ *fakeERP }

func (f *downERP) ImportOrders(context.Context, []model.OrderImport) ([]model.WriteResult, error) {
	return nil, errors.New("odoo erp: POST /jsonrpc: HTTP 503 (after 4 attempts)")
}

// A job that gives up after its last attempt counts its records as failed:
// `ferry sync` then says so and exits non-zero (it printed 0 failed).
func TestAJobThatGivesUpCountsAsFailed(t *testing.T) {
	t.Parallel()
	erp := &downERP{allCarriers()}
	h := newHarnessWith(t, mcfsandbox.Options{Seed: 24, Orders: 30}, []flow.Route{{Name: "orders", Flow: "orders", From: "shop", To: "erp", Options: &flow.OrdersOptions{BatchSize: 100}}}, erp, harnessOpts{maxAttempts: 2})
	h.pass(t, "orders")
	c := h.rt.Counts()["orders"]
	if want := eligibleOrders(h.sb); c.Failed != want || c.Created != 0 {
		t.Fatalf("counts %+v, want the %d eligible orders failed", c, want)
	}
}

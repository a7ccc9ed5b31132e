package flow_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/model"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
	"github.com/ferryhub/ferry/internal/store"
)

// fakeERP is an order target kept in memory: it matches orders by reference,
// knows a set of carriers, and refuses to change shipped orders, as an ERP does.
type fakeERP struct {
	mu        sync.Mutex
	byRef     map[string]string
	orders    map[string]model.OrderImport
	cancelled map[string]bool
	shipped   map[string]bool
	deleted   map[string]bool
	carriers  map[string]bool
	creates   int
	updates   int
}

func newFakeERP(carriers ...string) *fakeERP {
	f := &fakeERP{byRef: map[string]string{}, orders: map[string]model.OrderImport{}, cancelled: map[string]bool{}, shipped: map[string]bool{}, deleted: map[string]bool{}, carriers: map[string]bool{}}
	for _, c := range carriers {
		f.carriers[c] = true
	}
	return f
}

func (f *fakeERP) Test(context.Context) (connector.TestReport, error) {
	return connector.TestReport{OK: true}, nil
}

func (f *fakeERP) ImportOrders(ctx context.Context, imps []model.OrderImport) ([]model.WriteResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]model.WriteResult, len(imps))
	for i, imp := range imps {
		if id, ok := f.byRef[imp.Ref]; ok && !f.deleted[id] {
			out[i] = model.WriteResult{RemoteID: id, Number: "S" + id}
			continue
		}
		if !f.carriers[imp.Carrier] {
			out[i] = model.WriteResult{Err: jobs.NeedsAction(fmt.Sprintf("carrier %q does not exist", imp.Carrier), "")}
			continue
		}
		f.creates++
		id := fmt.Sprint(f.creates)
		f.byRef[imp.Ref], f.orders[id] = id, imp
		out[i] = model.WriteResult{RemoteID: id, Number: "S" + id, Created: true}
	}
	return out, nil
}

func (f *fakeERP) UpdateOrder(ctx context.Context, id string, imp model.OrderImport) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.deleted[id]:
		return model.ErrGone
	case f.shipped[id]:
		return jobs.NeedsAction("order "+imp.Order.Number+" has shipped; change it in the ERP by hand", "")
	}
	f.updates++
	f.orders[id] = imp
	return nil
}

func (f *fakeERP) CancelOrder(ctx context.Context, id string, imp model.OrderImport) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.shipped[id] {
		return jobs.NeedsAction("order "+imp.Order.Number+" has shipped and cannot be cancelled", "")
	}
	f.cancelled[id] = true
	return nil
}

type ordersBundle struct {
	*harness
	erp *fakeERP
}

func setupOrders(t *testing.T, opts *flow.OrdersOptions, erp *fakeERP) *ordersBundle {
	t.Helper()
	h := newHarness(t, mcfsandbox.Options{Seed: 11, Orders: 80}, []flow.Route{{Name: "orders", Flow: "orders", From: "shop", To: "erp", Options: opts}}, erp)
	return &ordersBundle{harness: h, erp: erp}
}

// eligibleOrders counts the sandbox's open orders with both methods.
func eligibleOrders(sb *mcfsandbox.Server) int {
	n := 0
	for _, id := range sb.OrderIDs() {
		o, _ := sb.Order(id)
		if o.Status == "open" && o.PaymentMethodID != 0 && o.ShippingMethodID != 0 {
			n++
		}
	}
	return n
}

func allCarriers() *fakeERP {
	return newFakeERP("Posti SmartPOST", "DHL Express", "Matkahuolto", "Nouto myymälästä", "Posti", "DHL")
}

func TestOrdersImportEligibleOnceAndFollowChanges(t *testing.T) {
	t.Parallel()
	b := setupOrders(t, &flow.OrdersOptions{BatchSize: 25, Overlap: time.Minute}, allCarriers())
	want := eligibleOrders(b.sb)
	if want < 5 {
		t.Fatalf("the sandbox has only %d eligible orders", want)
	}
	b.pass(t, "orders")
	if b.erp.creates != want {
		t.Fatalf("created %d orders, want the %d eligible ones", b.erp.creates, want)
	}
	if got := b.rt.Counts()["orders"]; got.Created != want || got.Failed != 0 || got.Parked != 0 {
		t.Fatalf("counts %+v", got)
	}
	// A second pass over the same orders creates nothing.
	b.pass(t, "orders")
	if b.erp.creates != want {
		t.Fatalf("the second pass created %d more", b.erp.creates-want)
	}
	// A payment marked paid or an order completed in the shop changes nothing
	// the ERP holds: no update.
	time.Sleep(1100 * time.Millisecond) // updated_at has whole seconds
	var paid, done int
	for _, id := range b.sb.OrderIDs() {
		o, _ := b.sb.Order(id)
		if o.Status != "open" || o.PaymentMethodID == 0 || o.ShippingMethodID == 0 || len(o.Payments) != 1 {
			continue
		}
		switch {
		case paid == 0 && o.Payments[0].Status == "OPEN":
			if _, err := b.sb.PaymentAction(id, o.Payments[0].ID, "mark-as-paid"); err != nil {
				t.Fatal(err)
			}
			paid = id
		case done == 0 && o.Payments[0].Status == "PAID":
			if _, err := b.sb.QuickProcess(id, "TRACK"); err != nil {
				t.Fatal(err)
			}
			done = id
		}
	}
	if paid == 0 || done == 0 {
		t.Fatalf("no orders to pay (%d) or complete (%d)", paid, done)
	}
	b.pass(t, "orders")
	if b.erp.updates != 0 {
		t.Fatalf("%d updates sent to the ERP for a payment and a completion", b.erp.updates)
	}
	// A cancelled order is cancelled in the ERP; a new one is imported.
	var victim int
	for _, id := range b.sb.OrderIDs() {
		if o, _ := b.sb.Order(id); o.Status == "open" && o.PaymentMethodID != 0 && o.ShippingMethodID != 0 {
			victim = id
			break
		}
	}
	time.Sleep(1100 * time.Millisecond) // updated_at has whole seconds
	if _, err := b.sb.CancelOrder(victim); err != nil {
		t.Fatal(err)
	}
	before := b.erp.creates
	var fresh bool
	for i := 0; i < 20 && !fresh; i++ {
		v, err := b.sb.CreateRandomOrder()
		if err != nil {
			t.Fatal(err)
		}
		fresh = v.Status == "open" && v.PaymentMethodID != 0 && v.ShippingMethodID != 0
	}
	b.pass(t, "orders")
	link, err := b.store.GetLinkByLocal(context.Background(), "erp", "order", fmt.Sprintf("shop:%d", victim))
	if err != nil {
		t.Fatal(err)
	}
	if !b.erp.cancelled[link.RemoteID] {
		t.Fatalf("order %d was cancelled in the shop but not in the ERP", victim)
	}
	if !fresh || b.erp.creates != before+1 {
		t.Fatalf("after a new eligible order: %d created, %d before", b.erp.creates, before)
	}
}

func TestOrdersUnmappedShippingMethodParksOnlyThatOrder(t *testing.T) {
	t.Parallel()
	opts := &flow.OrdersOptions{BatchSize: 100, ShippingMethods: []flow.Rule{{Match: "Posti*", To: "Posti"}, {Match: "D*L*", To: "DHL"}, {Match: "Matkahuolto", To: "Matkahuolto"}}}
	b := setupOrders(t, opts, allCarriers())
	b.pass(t, "orders")
	parked, err := b.queue.List(context.Background(), jobs.Filter{Route: "orders", States: []jobs.State{jobs.StateParked}, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	if len(parked) == 0 {
		t.Fatal("no order was parked, but the pick-up method has no rule")
	}
	for _, p := range parked {
		if !strings.Contains(p.Reason, `shipping method "Nouto myymälästä" is not mapped`) || p.DependsOn != "route:orders" {
			t.Fatalf("parked with %q (depends on %q)", p.Reason, p.DependsOn)
		}
	}
	if got := b.rt.Counts()["orders"]; got.Created+len(parked) != eligibleOrders(b.sb) || got.Parked != len(parked) {
		t.Fatalf("counts %+v, parked %d, eligible %d", got, len(parked), eligibleOrders(b.sb))
	}
	for _, imp := range b.erp.orders {
		if imp.Carrier != "Posti" && imp.Carrier != "DHL" && imp.Carrier != "Matkahuolto" {
			t.Fatalf("order %s went in with carrier %q", imp.Order.Number, imp.Carrier)
		}
	}
}

func TestOrdersDryRunWritesNothing(t *testing.T) {
	t.Parallel()
	b := setupOrders(t, &flow.OrdersOptions{BatchSize: 100}, allCarriers())
	k, _ := flow.LookupKind("orders")
	r, _ := b.rt.Route("orders")
	dry := &flow.DryRun{}
	res, err := k.Pass(context.Background(), b.rt, r, flow.PassOptions{DryRun: dry})
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string][]flow.Action{}
	for _, a := range dry.Actions {
		ops[a.Op] = append(ops[a.Op], a)
	}
	if res.Created != eligibleOrders(b.sb) || len(ops["create"]) != res.Created {
		t.Fatalf("dry run: %+v with %d create actions", res, len(ops["create"]))
	}
	// Every order not taken is listed with its reason, none silently.
	if res.Skipped == 0 || len(ops["skip"]) != res.Skipped || res.Created+res.Skipped != len(b.sb.OrderIDs()) {
		t.Fatalf("dry run: %+v with %d skip actions for %d orders", res, len(ops["skip"]), len(b.sb.OrderIDs()))
	}
	for _, a := range ops["skip"] {
		if a.Detail == "" {
			t.Fatalf("skip without a reason: %+v", a)
		}
	}
	if b.erp.creates != 0 {
		t.Fatal("a dry run created orders")
	}
	links, _ := b.store.ListLinks(context.Background(), store.LinkFilter{Connection: "erp"})
	if _, err := b.store.GetCursor(context.Background(), "orders", "orders"); err == nil || len(links) > 0 {
		t.Fatalf("a dry run wrote a cursor or %d links", len(links))
	}
	if !strings.HasPrefix(ops["create"][0].Detail, "SHOP-") {
		t.Fatalf("order reference: %+v", ops["create"][0])
	}
}

// The shop's updated_at has whole seconds: a change made in the same second as
// the import (the shop's clock stands still here) is still a new version,
// read by the next pass and sent to the ERP.
func TestOrdersChangeWithinTheSameSecondIsSent(t *testing.T) {
	t.Parallel()
	frozen := time.Now().UTC().Truncate(time.Second)
	erp := allCarriers()
	h := newHarness(t, mcfsandbox.Options{Seed: 11, Orders: 20, Now: func() time.Time { return frozen }},
		[]flow.Route{{Name: "orders", Flow: "orders", From: "shop", To: "erp", Options: &flow.OrdersOptions{BatchSize: 25, Overlap: time.Minute}}}, erp)
	b := &ordersBundle{harness: h, erp: erp}
	// An order made now, imported, and changed again in the same second.
	var id int
	for id == 0 {
		o, err := b.sb.CreateRandomOrder()
		if err != nil {
			t.Fatal(err)
		}
		if o.Status == "open" && o.PaymentMethodID != 0 && o.ShippingMethodID != 0 {
			id = o.ID
		}
	}
	b.pass(t, "orders")
	if _, err := b.store.GetLinkByLocal(context.Background(), "erp", "order", fmt.Sprintf("shop:%d", id)); err != nil {
		t.Fatalf("order %d not imported: %v", id, err)
	}
	note := "Ovikoodi 1234"
	if _, err := b.sb.UpdateOrder(id, mcfsandbox.OrderUpdate{Details: &note}); err != nil {
		t.Fatal(err)
	}
	b.pass(t, "orders")
	if b.erp.updates != 1 {
		t.Fatalf("%d updates sent for order %d changed within the second of its import", b.erp.updates, id)
	}
}

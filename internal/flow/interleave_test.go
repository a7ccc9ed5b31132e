package flow_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/connector/mycashflow"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/model"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
	"github.com/ferryhub/ferry/internal/store"
)

// erpDouble is an ERP that takes orders and is the source of stock.
type erpDouble struct {
	*fakeERP
	stock *fakeStock
}

func (e *erpDouble) Test(context.Context) (connector.TestReport, error) {
	return connector.TestReport{OK: true}, nil
}

func (e *erpDouble) StockLevels(ctx context.Context) ([]model.Stock, error) {
	return e.stock.StockLevels(ctx)
}

// Random interleavings of orders arriving, orders changing while passes page
// (a goroutine edits orders during every pass, so page numbers shift under
// it), shop deliveries that lower the shop's own stock, and passes of the
// orders and stock routes. After the last passes: every eligible order is in
// the ERP exactly once, every order not taken is listed as skipped with its
// reason, and the shop's stock equals the ERP's for every SKU.
func TestRandomInterleavingsLoseNothing(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			interleave(t, seed)
		})
	}
}

func interleave(t *testing.T, seed uint64) {
	ctx := context.Background()
	rnd := rand.New(rand.NewPCG(seed, 7))
	erp := &erpDouble{fakeERP: allCarriers(), stock: &fakeStock{levels: map[string]model.Stock{}}}
	routes := []flow.Route{
		{Name: "orders", Flow: "orders", From: "shop", To: "erp", Options: &flow.OrdersOptions{BatchSize: 7}},
		{Name: "stock", Flow: "stock", From: "erp", To: "shop", Options: &flow.StockOptions{Quantity: "on_hand", BatchSize: 20}},
	}
	// Small pages, so that a pass pages many times and edits shift them.
	h := newHarnessWith(t, mcfsandbox.Options{Seed: int64(seed), Orders: 40}, routes, erp, harnessOpts{shop: func(s *mycashflow.Settings) { s.PageSize = 3 }})
	for _, st := range h.sb.Stock() {
		erp.stock.set(st.ProductCode, int64(200+rnd.IntN(50)), 0)
	}
	editing := func() func() {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A few orders change again and again (customers paying, people
			// editing): each change moves one to the end of the listing and
			// shifts every later order back a place. The others never change,
			// so an order a pass skips is not read again by a later change.
			ids := h.sb.OrderIDs()[:4]
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-time.After(2 * time.Millisecond):
				}
				h.sb.UpdateOrder(ids[i%len(ids)], mcfsandbox.OrderUpdate{Comment: fmt.Sprint("edit ", i)})
			}
		}()
		return func() { close(stop); wg.Wait() }
	}
	for step := 0; step < 25; step++ {
		switch rnd.IntN(5) {
		case 0:
			for range 1 + rnd.IntN(4) {
				if _, err := h.sb.CreateRandomOrder(); err != nil {
					t.Fatal(err)
				}
			}
		case 1:
			stop := editing()
			h.pass(t, "orders")
			stop()
		case 2:
			// The shop delivers an imported order itself: its stock drops.
			links, _ := h.store.ListLinks(ctx, store.LinkFilter{Connection: "erp", Kind: "order", Limit: 50})
			if len(links) > 0 {
				var id int
				fmt.Sscanf(links[rnd.IntN(len(links))].LocalID, "shop:%d", &id)
				h.sb.QuickProcess(id, "JJFI-"+fmt.Sprint(step))
			}
		case 3:
			h.pass(t, "stock")
		case 4:
			for _, st := range h.sb.Stock()[:3] {
				erp.stock.set(st.ProductCode, int64(100+rnd.IntN(100)), 0)
			}
		}
	}
	h.pass(t, "orders")
	h.pass(t, "stock")

	erp.mu.Lock()
	if erp.creates != len(erp.byRef) {
		t.Errorf("%d creates for %d references: an order was created twice", erp.creates, len(erp.byRef))
	}
	erp.mu.Unlock()
	skips, _, err := h.store.ListSkips(ctx, store.SkipFilter{Route: "orders"})
	if err != nil {
		t.Fatal(err)
	}
	skipped := map[string]string{}
	for _, k := range skips {
		skipped[k.Entity] = k.Reason
	}
	for _, id := range h.sb.OrderIDs() {
		o, _ := h.sb.Order(id)
		_, err := h.store.GetLinkByLocal(ctx, "erp", "order", fmt.Sprintf("shop:%d", id))
		linked := err == nil
		eligible := o.Status == "open" && o.PaymentMethodID != 0 && o.ShippingMethodID != 0
		switch {
		case eligible && !linked:
			t.Errorf("order %d is eligible and not in the ERP", id)
		case !linked && skipped[fmt.Sprint(id)] == "":
			t.Errorf("order %d (%s) was neither imported nor listed as skipped", id, o.Status)
		}
	}
	levels, _ := erp.stock.StockLevels(ctx)
	for _, l := range levels {
		if got, _ := h.sb.StockOf(l.SKU); int64(got.Quantity) != l.Quantity.Int() {
			t.Errorf("SKU %s: shop %d, ERP %s", l.SKU, got.Quantity, l.Quantity)
		}
	}
}

// The routes that read MyCashflow's lists, with the sandbox changing records
// that earlier reads returned before every read (its page churn): the orders
// route imports every eligible order once, the stock route still finds every
// level to correct.
func TestRoutesUnderPageChurn(t *testing.T) {
	t.Parallel()
	erp := &erpDouble{fakeERP: allCarriers(), stock: &fakeStock{levels: map[string]model.Stock{}}}
	routes := []flow.Route{
		{Name: "orders", Flow: "orders", From: "shop", To: "erp", Options: &flow.OrdersOptions{BatchSize: 10}},
		{Name: "stock", Flow: "stock", From: "erp", To: "shop", Options: &flow.StockOptions{Quantity: "on_hand", BatchSize: 20}},
	}
	churn := mcfsandbox.PageChurn{Resources: []string{"orders", "stock"}, PerRead: 1}
	h := newHarnessWith(t, mcfsandbox.Options{Seed: 31, Orders: 120, PageChurn: churn}, routes, erp, harnessOpts{shop: func(s *mycashflow.Settings) { s.PageSize = 7 }})
	for i, st := range h.sb.Stock() {
		erp.stock.set(st.ProductCode, int64(300+i), 0)
	}
	h.pass(t, "orders", "stock")
	if len(h.sb.ChurnTouches()) == 0 {
		t.Fatal("the sandbox changed nothing while the routes read")
	}
	if want := eligibleOrders(h.sb); erp.creates != want || erp.creates != len(erp.byRef) {
		t.Fatalf("%d orders created (%d references), want each of the %d eligible once", erp.creates, len(erp.byRef), want)
	}
	levels, _ := erp.stock.StockLevels(context.Background())
	for _, l := range levels {
		if got, _ := h.sb.StockOf(l.SKU); int64(got.Quantity) != l.Quantity.Int() {
			t.Fatalf("SKU %s: shop %d, ERP %s", l.SKU, got.Quantity, l.Quantity)
		}
	}
}

package flow_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/connector/ongoing"
	"github.com/ferryhub/ferry/internal/flow"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
	ogsandbox "github.com/ferryhub/ferry/internal/sandbox/ongoing"
	sfysandbox "github.com/ferryhub/ferry/internal/sandbox/shopify"
)

// Shopify's webhooks into ferry (issue 16): ferry subscribes once; a new order
// delivered five times (at least once, same event id) is stored once and
// imported once; a tampered delivery is refused 401 and stores nothing, and
// Shopify's retry of it is taken.
func TestShopifyWebhooksOnceAndVerified(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ssb, sfy, _ := newShopify(t, "sfy", sfysandbox.Options{Orders: 5, Products: 4, RestoreRate: 1000, MaximumAvailable: 20000, WebhookBackoff: 20 * time.Millisecond})
	wsb, wms := newOngoing(t, "erp", ogsandbox.Options{Articles: -1, ReceiveNew: 500}, func(s *ongoing.Settings) { s.OrderNumber = "ref" })
	routes := []flow.Route{
		{Name: "articles", Flow: "products", From: "sfy", To: "erp", Options: &flow.ProductsOptions{BatchSize: 50}},
		{Name: "orders", Flow: "orders", From: "sfy", To: "erp", Options: &flow.OrdersOptions{BatchSize: 10, Overlap: time.Minute, ShippingMethods: []flow.Rule{{Match: "*", To: "PN-SP"}}}},
	}
	h := newHarnessWith(t, mcfsandbox.Options{Orders: -1, Products: -1}, routes, wms, harnessOpts{extra: map[string]connector.Conn{"sfy": sfy}})
	h.pass(t, "articles")
	h.pass(t, "orders")
	before := wsb.State().Orders

	var mu sync.Mutex
	answers := map[int]int{} // status → deliveries
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		dup, err := flow.ReceiveWebhook(r.Context(), h.rt, "sfy", r.Header, body)
		status := http.StatusOK
		var we *flow.WebhookError
		switch {
		case errors.As(err, &we):
			status = we.Status
		case err != nil:
			status = http.StatusServiceUnavailable
		case dup:
			status = http.StatusAccepted
		}
		mu.Lock()
		answers[status]++
		mu.Unlock()
		w.WriteHeader(status)
	}))
	defer recv.Close()
	for range 2 {
		if err := flow.SubscribeWebhooks(ctx, h.rt, recv.URL); err != nil {
			t.Fatal(err)
		}
	}

	ssb.SetWebhookTricks(sfysandbox.WebhookTricks{Duplicate: 1, Copies: 4})
	sku := ""
	for _, l := range mustLevels(t, wms) {
		sku = l
		break
	}
	firstID, first, err := ssb.CreateOrder(sfysandbox.OrderSpec{Email: "maija@example.fi", Lines: []sfysandbox.LineSpec{{SKU: sku, Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for wsb.State().Orders != before+1 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if wsb.State().Orders != before+1 {
		mu.Lock()
		t.Fatalf("the pushed order did not reach the warehouse: answers %v; deliveries %+v; counts %+v", answers, ssb.Deliveries(), h.rt.Counts())
	}
	ssb.SetWebhookTricks(sfysandbox.WebhookTricks{Tamper: 1})
	if _, _, err := ssb.CreateOrder(sfysandbox.OrderSpec{Email: "matti@example.fi", Lines: []sfysandbox.LineSpec{{SKU: sku, Quantity: 2}}}); err != nil {
		t.Fatal(err)
	}
	// Every try of the tampered delivery is refused and stores nothing; the
	// scheduled pass, the backstop, imports the order.
	if !ssb.WaitDeliveries(5+3, 10*time.Second) {
		t.Fatal("the tampered delivery was not tried")
	}
	time.Sleep(200 * time.Millisecond)
	if n := wsb.State().Orders; n != before+1 {
		t.Fatalf("%d orders in the warehouse after a tampered delivery, want %d", n, before+1)
	}
	mu.Lock()
	refused, taken, copies := answers[http.StatusUnauthorized], answers[http.StatusOK], answers[http.StatusAccepted]
	seen := fmt.Sprint(answers)
	var ds []string
	for _, d := range ssb.Deliveries() {
		ds = append(ds, fmt.Sprintf("%s #%d %d tampered=%v dup=%v", d.Topic, d.Attempt, d.Status, d.Tampered, d.Duplicate))
	}
	mu.Unlock()
	if refused < 3 || taken != 1 || copies != 4 {
		t.Fatalf("answers %s: want the first order taken once, its 4 copies as duplicates, every tampered try refused; deliveries %s", seen, strings.Join(ds, "; "))
	}
	h.pass(t, "orders")
	if n := wsb.State().Orders; n != before+2 {
		t.Fatalf("%d orders in the warehouse after the pass, want %d", n, before+2)
	}

	// Two changes of one order delivered newest first: the warehouse ends with
	// the newest (a delivery triggers a pass, which reads the order as it is).
	ssb.SetWebhookTricks(sfysandbox.WebhookTricks{Reorder: 2})
	for _, note := range []string{"Ovikoodi 1111", "Ovikoodi 2222"} {
		if err := ssb.UpdateOrder(first, note); err != nil {
			t.Fatal(err)
		}
	}
	l, err := h.store.GetLinkByLocal(ctx, "erp", "order", "sfy:"+firstID)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := strconv.Atoi(l.RemoteID)
	remark := ""
	deadline = time.Now().Add(10 * time.Second)
	for remark != "Ovikoodi 2222" && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		if o, err := wms.Order(ctx, id); err == nil {
			remark = o.OrderInfo.OrderRemark
		}
	}
	if remark != "Ovikoodi 2222" {
		t.Fatalf("the warehouse's order remark is %q after two changes delivered newest first", remark)
	}
}

func mustLevels(t *testing.T, wms *ongoing.Client) []string {
	t.Helper()
	levels, err := wms.StockLevels(context.Background())
	if err != nil || len(levels) == 0 {
		t.Fatalf("warehouse levels %v (%v)", levels, err)
	}
	out := make([]string, len(levels))
	for i, l := range levels {
		out[i] = l.SKU
	}
	return out
}

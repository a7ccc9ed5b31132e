package flow_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/connector/ongoing"
	"github.com/ferryhub/ferry/internal/flow"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
	ogsandbox "github.com/ferryhub/ferry/internal/sandbox/ongoing"
)

// Ongoing's order webhook (set up in its UI with a static token header) makes
// ferry quick-process a shipped order at once, without a scheduled shipments
// pass: a delivery with a wrong token is refused (401, Ongoing retries it with
// the right one), a duplicate delivery is taken once.
func TestOngoingWebhookShipsTheOrder(t *testing.T) {
	t.Parallel()
	wsb, wms := newOngoing(t, "erp", ogsandbox.Options{Articles: -1, ReceiveNew: 100, WebhookRetryScale: 20 * time.Millisecond}, nil)
	wms.SetWebhookToken("s3cret-token")
	routes := []flow.Route{
		{Name: "products", Flow: "products", From: "shop", To: "erp", Options: &flow.ProductsOptions{BatchSize: 50}},
		{Name: "orders", Flow: "orders", From: "shop", To: "erp", Options: &flow.OrdersOptions{BatchSize: 10, Overlap: time.Minute, ShippingMethods: []flow.Rule{{Match: "*", To: "PN-SP"}}}},
		{Name: "shipments", Flow: "shipments", From: "erp", To: "shop", Options: &flow.ShipmentsOptions{Overlap: time.Minute}},
	}
	h := newHarness(t, mcfsandbox.Options{Orders: -1}, routes, wms)
	var refused, taken atomic.Int32
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		dup, err := flow.ReceiveWebhook(r.Context(), h.rt, "erp", r.Header, body)
		var we *flow.WebhookError
		switch {
		case errors.As(err, &we):
			refused.Add(1)
			w.WriteHeader(we.Status)
		case err != nil:
			w.WriteHeader(http.StatusServiceUnavailable)
		case !dup:
			taken.Add(1)
		}
	}))
	defer recv.Close()
	if err := wsb.SetWebhooks([]ogsandbox.Webhook{{URL: recv.URL, Token: "s3cret-token", Triggers: []string{"status_changed"}, Statuses: []int{ogsandbox.StatusSent}}}); err != nil {
		t.Fatal(err)
	}

	h.pass(t, "products")
	var id int
	for id == 0 {
		o, err := h.sb.CreateRandomOrder()
		if err != nil {
			t.Fatal(err)
		}
		if o.Status == "open" && o.PaymentMethodID != 0 && o.ShippingMethodID != 0 {
			id = o.ID
		}
	}
	h.pass(t, "orders")
	wsb.SetWebhookFaults(ogsandbox.WebhookFaults{WrongToken: 1, Duplicate: 1})
	if err := wsb.MoveOrder(strconv.Itoa(id), ogsandbox.StatusSent); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { o, _ := h.sb.Order(id); return o.Status == "completed" })
	o, _ := h.sb.Order(id)
	b, _ := wsb.OrderJSON(strconv.Itoa(id))
	wo, _, _ := ongoing.DecodeOrder(b)
	if len(o.Shipments) == 0 || o.Shipments[0].TrackingCode == "" || o.Shipments[0].TrackingCode != ongoing.TrackingCodes(wo)[0] {
		t.Fatalf("the shop order after the webhook: %+v, warehouse tracking %v", o.Shipments, ongoing.TrackingCodes(wo))
	}
	if !wsb.WaitDeliveries(3, 5*time.Second) || refused.Load() < 1 || taken.Load() != 1 {
		t.Fatalf("%d deliveries, %d refused, %d taken; want the wrong token refused and one of the duplicates taken: %+v", len(wsb.Deliveries()), refused.Load(), taken.Load(), wsb.Deliveries())
	}
	if n := h.sb.Calls("POST /orders/{id}/quick-process"); n != 1 {
		t.Fatalf("%d quick-process calls", n)
	}
}

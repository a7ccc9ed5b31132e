package flow_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/store"
)

func TestWebhookTriggersAnOrdersPass(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupOrders(t, &flow.OrdersOptions{BatchSize: 100, Overlap: time.Minute}, allCarriers())
	b.pass(t, "orders") // import what exists, so the webhook's order is the only new one
	before := b.erp.creates

	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		dup, err := flow.ReceiveWebhook(r.Context(), b.rt, "shop", r.Header, body)
		var we *flow.WebhookError
		switch {
		case errors.As(err, &we):
			w.WriteHeader(we.Status)
		case err != nil:
			w.WriteHeader(http.StatusServiceUnavailable)
		case dup:
			w.WriteHeader(http.StatusAccepted)
		}
	}))
	defer recv.Close()
	if err := flow.SubscribeWebhooks(ctx, b.rt, recv.URL); err != nil {
		t.Fatal(err)
	}
	if err := flow.SubscribeWebhooks(ctx, b.rt, recv.URL); err != nil {
		t.Fatal(err)
	}
	if n := len(b.sb.Webhooks()); n != 1 {
		t.Fatalf("subscribing twice made %d subscriptions", n)
	}
	// A new eligible order: the shop pushes it.
	var o int
	for i := 0; i < 20; i++ {
		v, err := b.sb.CreateRandomOrder()
		if err != nil {
			t.Fatal(err)
		}
		if v.Status == "open" && v.PaymentMethodID != 0 && v.ShippingMethodID != 0 {
			o = v.ID
			break
		}
	}
	if o == 0 {
		t.Fatal("no eligible random order")
	}
	b.sb.WaitWebhooks()
	items, err := b.store.PendingInbox(ctx, 100)
	if err != nil || len(items) != 0 {
		t.Fatalf("unprocessed inbox items: %+v %v", items, err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := b.store.GetLinkByLocal(ctx, "erp", "order", fmt.Sprintf("shop:%d", o)); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("order %d pushed by webhook was not imported (%d created before, %d now)", o, before, b.erp.creates)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// A forged delivery is refused and leaves a log line.
	req, _ := http.NewRequest(http.MethodPost, recv.URL, bytes.NewReader([]byte(`{"topic":"order.created","data":{"id":1}}`)))
	req.Header.Set("X-MCF-Webhook-UUID", "forged")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("forged webhook: %v %v", resp, err)
	}
	// 200 more forged ones leave no more log lines: refusals are counted and
	// logged once a minute.
	for range 200 {
		req, _ := http.NewRequest(http.MethodPost, recv.URL, bytes.NewReader([]byte(`{"topic":"order.created","data":{"id":1}}`)))
		req.Header.Set("X-MCF-Webhook-UUID", "forged")
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("forged webhook: %v %v", resp, err)
		}
	}
	logs, _ := b.store.ListLogs(ctx, store.LogFilter{Entity: "webhook"})
	if len(logs) != 1 {
		t.Fatalf("%d log lines for 201 refused webhooks, want 1", len(logs))
	}
	// A delivery with the right UUID whose body is not a webhook is a bad
	// request, not a bad signature.
	secret, _ := b.store.GetSetting(ctx, flow.WebhookSecretKey("shop"))
	req, _ = http.NewRequest(http.MethodPost, recv.URL, bytes.NewReader([]byte(`{"topic":`)))
	req.Header.Set("X-MCF-Webhook-UUID", secret)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("signed but malformed webhook: %v %v", resp, err)
	}
}

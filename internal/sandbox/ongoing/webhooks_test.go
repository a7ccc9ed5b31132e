package ongoing

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"sync"
	"testing"
	"time"
)

// webhookSample finds shared/samples/ongoing/WEBHOOK_order.payload.json by
// walking up from the package directory (never copied into the repository).
func webhookSample(t *testing.T) map[string]any {
	t.Helper()
	dir, _ := filepath.Abs(".")
	for {
		b, err := os.ReadFile(filepath.Join(dir, "shared", "samples", "ongoing", "WEBHOOK_order.payload.json"))
		if err == nil {
			var v map[string]any
			if err := json.Unmarshal(b, &v); err != nil {
				t.Fatal(err)
			}
			return v
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Skip("shared/samples/ongoing/WEBHOOK_order.payload.json not found above the package")
		}
		dir = up
	}
}

// webhookExtras are the keys §2.7 lists that the example body lacks.
var webhookExtras = map[string]bool{"$.goodsOwnerOrderId": true, "$.consigneeOrderNumber": true}

// keyDiff compares key sets recursively: keys missing from got, keys got has
// beyond the sample (unless in extras), and values of another JSON type (a null
// in the sample matches anything). Array elements are compared with the
// sample's first element.
func keyDiff(path string, sample, got any, extras map[string]bool) []string {
	if sample == nil {
		return nil
	}
	switch s := sample.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: object in the sample, %T here", path, got)}
		}
		var out []string
		for k, sv := range s {
			if gv, ok := g[k]; !ok {
				out = append(out, path+"."+k+": missing")
			} else {
				out = append(out, keyDiff(path+"."+k, sv, gv, extras)...)
			}
		}
		for k := range g {
			if _, ok := s[k]; !ok && !extras[path+"."+k] {
				out = append(out, path+"."+k+": not in the sample")
			}
		}
		sort.Strings(out)
		return out
	case []any:
		g, ok := got.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: array in the sample, %T here", path, got)}
		}
		var out []string
		for i, e := range g {
			out = append(out, keyDiff(fmt.Sprintf("%s[%d]", path, i), s[0], e, extras)...)
		}
		return out
	}
	if fmt.Sprintf("%T", sample) != fmt.Sprintf("%T", got) {
		return []string{fmt.Sprintf("%s: %T in the sample, %T here", path, sample, got)}
	}
	return nil
}

// hit is one request a receiver got.
type hit struct {
	header http.Header
	body   webhookBody
	raw    map[string]any
}

// receiver is a webhook endpoint that records what arrives and answers with
// answer(n) for the n-th request (1-based; nil: 200).
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	hits   []hit
	answer func(n int, h http.Header) int
}

func newReceiver(t *testing.T, answer func(n int, h http.Header) int) *receiver {
	t.Helper()
	rc := &receiver{answer: answer}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h := hit{header: r.Header.Clone()}
		if err := json.Unmarshal(b, &h.body); err != nil {
			t.Errorf("body %s: %v", b, err)
		}
		json.Unmarshal(b, &h.raw)
		rc.mu.Lock()
		rc.hits = append(rc.hits, h)
		n := len(rc.hits)
		rc.mu.Unlock()
		code := http.StatusOK
		if rc.answer != nil {
			code = rc.answer(n, r.Header)
		}
		w.WriteHeader(code)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) got() []hit {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]hit{}, rc.hits...)
}

// wait waits for n requests.
func (rc *receiver) wait(t *testing.T, n int) []hit {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(rc.got()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("receiver got %d requests, want %d", len(rc.got()), n)
		}
		time.Sleep(2 * time.Millisecond)
	}
	return rc.got()
}

// startHooks starts a sandbox with webhooks and closes it at the end.
func startHooks(t *testing.T, scale time.Duration, hooks ...Webhook) *env {
	t.Helper()
	e := start(t, Options{Webhooks: hooks, WebhookRetryScale: scale})
	t.Cleanup(e.sb.Close)
	if len(e.sb.Webhooks()) != len(hooks) {
		t.Fatalf("webhooks %+v not all taken", hooks)
	}
	return e
}

var webhookStamp = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}$`)

// TestWebhookTriggersSendTheSampleShape: created, each status step and picked
// arrive in order with the sample's keys, the static header and the order's state.
func TestWebhookTriggersSendTheSampleShape(t *testing.T) {
	t.Parallel()
	sample := webhookSample(t)
	rc := newReceiver(t, nil)
	e := startHooks(t, 0, Webhook{URL: rc.URL, Token: "s3cret", Triggers: []string{TriggerCreated, TriggerStatusChanged, TriggerPicked}})
	e.sb.SetStock("MUG", 5)
	body := orderBody(42, "WH-1", "MUG", 2)
	body["goodsOwnerOrderId"], body["consigneeOrderNumber"] = "1234", "PO-9"
	id := e.putOrder(201, body)
	if err := e.sb.MoveOrder("WH-1", StatusSent); err != nil {
		t.Fatal(err)
	}
	e.putOrder(201, orderBody(42, "WH-2", "MUG", 1))
	e.must(200, e.call("DELETE", fmt.Sprintf("/orders/%d", id+1), nil))

	want := []struct {
		template string
		status   int
	}{{"Order created", 200}, {"Order status changed", 300}, {"Order status changed", 320}, {"Order status changed", 400},
		{"Order picked", 400}, {"Order status changed", 450}, {"Order created", 200}, {"Order status changed", 1000}}
	hits := rc.wait(t, len(want))
	time.Sleep(20 * time.Millisecond)
	if len(rc.got()) != len(want) {
		t.Fatalf("%d webhooks, want %d", len(rc.got()), len(want))
	}
	events := map[int]bool{}
	for i, h := range hits {
		b := h.body
		if b.WebhookTemplate != want[i].template || b.OrderStatus.Number != want[i].status {
			t.Errorf("webhook %d: %s %d, want %s %d", i, b.WebhookTemplate, b.OrderStatus.Number, want[i].template, want[i].status)
		}
		for _, d := range keyDiff("$", sample, h.raw, webhookExtras) {
			t.Errorf("webhook %d: %s", i, d)
		}
		if got := h.header.Get("X-Auth-Token"); got != "s3cret" {
			t.Errorf("webhook %d: X-Auth-Token %q", i, got)
		}
		if events[b.WebhookEventID] {
			t.Errorf("webhook %d: webhookEventId %d again", i, b.WebhookEventID)
		}
		events[b.WebhookEventID] = true
		if !webhookStamp.MatchString(b.Timestamp) || b.System != "demo" || b.GoodsOwnerID != 42 || b.GoodsOwnerName != "Demo Oy" || b.WebhookOrdersID != 101 {
			t.Errorf("webhook %d: %+v", i, b)
		}
	}
	first, sent := hits[0].body, hits[5].body
	if first.OrderID != id || first.OrderNumber != "WH-1" || first.GoodsOwnerOrderID != "1234" || first.ConsigneeOrderNumber != "PO-9" ||
		first.Path != fmt.Sprintf("/demo/api/v1/orders/%d", id) || first.ByUser.UserID != apiUserID || first.CurrentShipmentID != nil ||
		len(first.Tracking) != 0 || len(first.Parcels) != 0 {
		t.Errorf("created: %+v", first)
	}
	if hits[1].body.ByUser.UserID != warehouseUserID || hits[1].body.ByComputer.ComputerName == "" {
		t.Errorf("warehouse step by %+v %+v", hits[1].body.ByUser, hits[1].body.ByComputer)
	}
	// Shipped: tracking and parcel as GET /orders/{id} shows them.
	var view orderOut
	e.must(200, e.call("GET", fmt.Sprintf("/orders/%d", id), nil)).json(t, &view)
	if sent.CurrentShipmentID == nil || len(sent.Tracking) != 1 || sent.Tracking[0].Waybill != view.OrderInfo.WayBill ||
		sent.Tracking[0].TrackingURL != view.Tracking[0].TrackingURL || sent.Tracking[0].IsReturn ||
		len(sent.Parcels) != 1 || sent.Parcels[0].ParcelNumber != view.Parcels[0].ParcelNumber || sent.Parcels[0].Tracking.TrackingURL == "" {
		t.Errorf("sent: %+v, order %+v", sent, view.OrderInfo)
	}
	if hits[7].body.ByUser.UserID != apiUserID || hits[7].body.OrderID != id+1 {
		t.Errorf("cancel: %+v", hits[7].body)
	}
	// The log has one successful first try per event.
	for _, d := range e.sb.Deliveries() {
		if d.Attempt != 1 || d.Status != 200 || d.Error != "" || d.URL != rc.URL {
			t.Errorf("delivery %+v", d)
		}
	}
}

// TestWebhookRetriesOnTheScaledSchedule: failures are retried 1, 5, 15 … schedule
// minutes after the first try with the same event id, until a 2xx; retry none
// tries once.
func TestWebhookRetriesOnTheScaledSchedule(t *testing.T) {
	t.Parallel()
	const minute = 10 * time.Millisecond
	rc := newReceiver(t, func(n int, _ http.Header) int {
		if n <= 3 {
			return http.StatusServiceUnavailable
		}
		return http.StatusNoContent
	})
	once := newReceiver(t, func(int, http.Header) int { return http.StatusInternalServerError })
	e := startHooks(t, minute, Webhook{URL: rc.URL, Triggers: []string{TriggerCreated}},
		Webhook{URL: once.URL, Triggers: []string{TriggerCreated}, Retry: RetryNone})
	e.putOrder(201, orderBody(42, "R-1", "MUG", 1))
	hits := rc.wait(t, 4)
	once.wait(t, 1)
	time.Sleep(3 * minute)
	if len(rc.got()) != 4 || len(once.got()) != 1 {
		t.Fatalf("%d and %d requests, want 4 and 1", len(rc.got()), len(once.got()))
	}
	for _, h := range hits {
		if h.body.WebhookEventID != hits[0].body.WebhookEventID {
			t.Errorf("retry with event %d, first %d", h.body.WebhookEventID, hits[0].body.WebhookEventID)
		}
	}
	var tries []Delivery
	for _, d := range e.sb.Deliveries() {
		if d.URL == rc.URL {
			tries = append(tries, d)
		}
	}
	for i, d := range tries {
		wantStatus := http.StatusServiceUnavailable
		if i == 3 {
			wantStatus = http.StatusNoContent
		}
		if d.Attempt != i+1 || d.Status != wantStatus {
			t.Errorf("try %d: %+v", i, d)
		}
		if i > 0 {
			if gap := d.At.Sub(tries[0].At); gap < oneDay[i-1]*minute {
				t.Errorf("try %d after %v, want ≥ %v", i+1, gap, oneDay[i-1]*minute)
			}
		}
	}
}

// TestWebhookGivesUpAfterOneDay: the first try and 16 retries, then no more.
func TestWebhookGivesUpAfterOneDay(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, func(int, http.Header) int { return http.StatusBadGateway })
	e := startHooks(t, 100*time.Microsecond, Webhook{URL: rc.URL, Triggers: []string{TriggerCreated}})
	e.putOrder(201, orderBody(42, "G-1", "MUG", 1))
	rc.wait(t, 1+len(oneDay))
	time.Sleep(200 * time.Millisecond) // well past 24 scaled hours (144 ms)
	if n := len(rc.got()); n != 17 {
		t.Fatalf("%d tries, want 17", n)
	}
}

// TestWebhookFaults: duplicate, drop and wrong token hit the next events only.
func TestWebhookFaults(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, func(_ int, h http.Header) int {
		if h.Get("X-Auth-Token") != "tok" {
			return http.StatusUnauthorized
		}
		return http.StatusOK
	})
	e := startHooks(t, time.Millisecond, Webhook{URL: rc.URL, Token: "tok", Triggers: []string{TriggerCreated}})
	events := func(hits []hit) (ids []int) {
		for _, h := range hits {
			ids = append(ids, h.body.WebhookEventID)
		}
		return ids
	}

	if err := e.sb.SetWebhookFaults(WebhookFaults{Duplicate: 1}); err != nil {
		t.Fatal(err)
	}
	e.putOrder(201, orderBody(42, "F-1", "MUG", 1))
	e.putOrder(201, orderBody(42, "F-2", "MUG", 1))
	if ids := events(rc.wait(t, 3)); ids[0] != ids[1] || ids[2] == ids[1] {
		t.Fatalf("duplicate: events %v", ids)
	}

	e.control("PUT", "webhooks/faults", `{"drop": 1}`)
	e.putOrder(201, orderBody(42, "F-3", "MUG", 1))
	e.putOrder(201, orderBody(42, "F-4", "MUG", 1))
	hits := rc.wait(t, 4)
	if hits[3].body.OrderNumber != "F-4" {
		t.Fatalf("drop: got %s", hits[3].body.OrderNumber)
	}
	dropped := 0
	for _, d := range e.sb.Deliveries() {
		if d.Dropped {
			dropped++
			if d.OrderNumber != "F-3" || d.Status != 0 {
				t.Errorf("dropped %+v", d)
			}
		}
	}
	if dropped != 1 {
		t.Errorf("%d dropped deliveries logged", dropped)
	}

	e.control("PUT", "webhooks/faults", `{"wrongToken": 1}`)
	e.putOrder(201, orderBody(42, "F-5", "MUG", 1))
	hits = rc.wait(t, 6)
	if hits[4].header.Get("X-Auth-Token") == "tok" || hits[5].header.Get("X-Auth-Token") != "tok" ||
		hits[4].body.WebhookEventID != hits[5].body.WebhookEventID {
		t.Fatalf("wrong token then retry: %v / %v", hits[4].header, hits[5].header)
	}
	if f := e.sb.WebhookFaults(); f != (WebhookFaults{}) {
		t.Errorf("faults left %+v", f)
	}
	time.Sleep(20 * time.Millisecond)
	if n := len(rc.got()); n != 6 {
		t.Errorf("%d requests, want 6", n)
	}
}

// TestWebhookStatusFilterAndGoodsOwner: Statuses narrows status_changed; a
// webhook of another goods owner and an order of another goods owner fire
// nothing.
func TestWebhookStatusFilterAndGoodsOwner(t *testing.T) {
	t.Parallel()
	mine := newReceiver(t, nil)
	other := newReceiver(t, nil)
	e := startHooks(t, 0, Webhook{URL: mine.URL, Statuses: []int{StatusPicked, StatusSent}},
		Webhook{URL: other.URL, GoodsOwnerID: 43, Triggers: []string{TriggerCreated, TriggerStatusChanged, TriggerPicked}})
	e.sb.SetStock("MUG", 5)
	e.must(403, e.call("PUT", "/orders", orderBody(43, "O-43", "MUG", 1)))
	e.putOrder(201, orderBody(42, "O-42", "MUG", 1))
	if err := e.sb.MoveOrder("O-42", StatusCollected); err != nil {
		t.Fatal(err)
	}
	hits := mine.wait(t, 2)
	time.Sleep(30 * time.Millisecond)
	if len(mine.got()) != 2 || hits[0].body.OrderStatus.Number != 400 || hits[1].body.OrderStatus.Number != 450 {
		t.Errorf("filtered: %d webhooks %+v", len(mine.got()), hits)
	}
	if n := len(other.got()); n != 0 {
		t.Errorf("goods owner 43's webhook got %d", n)
	}
}

// TestWebhookControlEndpoint: PUT /_sandbox/webhooks configures with defaults,
// GET shows them, deliveries are listed; bad configuration is 400.
func TestWebhookControlEndpoint(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, nil)
	e := startHooks(t, 0)
	e.must(400, e.control("PUT", "webhooks", `[{"url": "ftp://x"}]`))
	e.must(400, e.control("PUT", "webhooks", `[{"url": "http://x", "triggers": ["shipped"]}]`))
	var cfg struct {
		Webhooks []Webhook `json:"webhooks"`
	}
	e.must(200, e.control("PUT", "webhooks", `[{"url": "`+rc.URL+`", "token": "t"}]`)).json(t, &cfg)
	w := cfg.Webhooks
	if len(w) != 1 || w[0].Header != "X-Auth-Token" || w[0].Retry != RetryOneDay || len(w[0].Triggers) != 1 ||
		w[0].Triggers[0] != TriggerStatusChanged || w[0].ID != 101 || w[0].GoodsOwnerID != 42 {
		t.Fatalf("webhooks %+v", w)
	}
	e.putOrder(201, orderBody(42, "C-1", "MUG", 1)) // created is not a default trigger
	e.must(200, e.control("POST", "advance", `{"orderNumber": "C-1"}`))
	if !e.sb.WaitDeliveries(1, 5*time.Second) {
		t.Fatal("no delivery")
	}
	var log []Delivery
	e.must(200, e.control("GET", "webhooks/deliveries", "")).json(t, &log)
	if len(log) != 1 || log[0].OrderStatus != 300 || log[0].Trigger != TriggerStatusChanged {
		t.Errorf("deliveries %+v", log)
	}
}

// TestWebhookDeliveryNeverBlocksAndCloses: a receiver that hangs holds neither
// API calls nor Close, and pending retries end with Close.
func TestWebhookDeliveryNeverBlocksAndCloses(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(hang.Close)
	t.Cleanup(func() { close(release) })
	failing := newReceiver(t, func(int, http.Header) int { return 500 })
	e := start(t, Options{Webhooks: []Webhook{{URL: hang.URL, Triggers: []string{TriggerCreated}}, {URL: failing.URL, Triggers: []string{TriggerCreated}}}})
	began := time.Now()
	for i := range 20 {
		e.putOrder(201, orderBody(42, fmt.Sprintf("B-%d", i), "MUG", 1))
	}
	if d := time.Since(began); d > 2*time.Second {
		t.Fatalf("20 orders took %v with a hanging receiver", d)
	}
	failing.wait(t, 20) // first tries; retries wait a real minute
	done := make(chan struct{})
	go func() { e.sb.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("Close did not return")
	}
	e.putOrder(201, orderBody(42, "after-close", "MUG", 1)) // no delivery, no goroutine
	e.sb.Close()
	if n := len(e.sb.hooks.queueList()); n != 0 {
		t.Errorf("%d queues after Close", n)
	}
}

// TestWebhookServeContextStopsDelivery: the end of Serve's context ends the
// delivery goroutines, retries pending or not.
func TestWebhookServeContextStopsDelivery(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, func(int, http.Header) int { return 500 })
	sb := New(Options{Articles: -1, StepEvery: 5 * time.Millisecond, Webhooks: []Webhook{{URL: rc.URL}}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sb.Serve(ctx, ln) }()
	sb.SetStock("MUG", 1)
	sb.mu.Lock()
	in, _ := decodeOrder([]byte(`{"goodsOwnerId":42,"orderNumber":"S-1","deliveryDate":"2026-07-01","consignee":{"name":"x"},"orderLines":[{"rowNumber":"1","articleNumber":"MUG","numberOfItems":1}]}`))
	sb.upsertOrder(nil, in, time.Now())
	sb.mu.Unlock()
	rc.wait(t, 1)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := len(sb.hooks.queueList()); n != 0 {
		t.Errorf("%d queues after Serve", n)
	}
}

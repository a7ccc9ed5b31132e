package shopify

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/flow/flowtest"
	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/remote"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/shopify"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{}, nil)
	t.Run("StockSource", func(t *testing.T) {
		flowtest.StockSource(t, e.c, flowtest.Fixture{SKUs: []string{"FRY-00001-01", "FRY-00002-01"}})
	})
}

func TestConnectionTest(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{}, nil)
	rep, err := e.c.Test(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s %v", rep.Summary, rep.Details)
	bad := newEnv(t, sandbox.Options{}, nil)
	s := bad.c.settings
	c, _ := New("shop", s, Credentials{AccessToken: "shpat_wrong"}, bad.srv.Client())
	rep, _ = c.Test(context.Background())
	if rep.OK {
		t.Fatalf("a wrong token passed: %+v", rep)
	}
	t.Logf("wrong token: %s", rep.Summary)
}

func TestSetStockLevels(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{}, nil)
	ctx := context.Background()
	errs, err := e.c.SetStockLevels(ctx, []model.Stock{
		{SKU: "FRY-00001-01", Available: model.DecimalFromInt(17)},
		{SKU: "NO-SUCH-SKU", Available: model.DecimalFromInt(1)},
		{SKU: "FRY-00002-02", Available: model.DecimalFromInt(3)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if errs[0] != nil || errs[2] != nil || !errors.Is(errs[1], model.ErrUnknownSKU) {
		t.Fatalf("errs %v", errs)
	}
	if q, _ := e.sb.Quantities("FRY-00001-01", 0); q["available"] != 17 {
		t.Fatalf("available %v", q)
	}
	if q, _ := e.sb.Quantities("FRY-00002-02", 0); q["available"] != 3 {
		t.Fatalf("available %v", q)
	}
	// Again: nothing to write, no error.
	if errs, err := e.c.SetStockLevels(ctx, []model.Stock{{SKU: "FRY-00001-01", Available: model.DecimalFromInt(17)}}); err != nil || errs[0] != nil {
		t.Fatal(err, errs)
	}
}

// A stale compare (the shop sold one meanwhile) is read again and retried.
func TestSetStockLevelsStaleCompare(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{}, nil)
	var once sync.Once
	h := e.sb.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Shopify-Access-Token") != "" {
			b := make([]byte, r.ContentLength)
			r.Body.Read(b)
			if contains(b, "InventorySet") {
				once.Do(func() { e.sb.SetAvailable("FRY-00003-01", 0, 99) })
			}
			r.Body = nopCloser(b)
		}
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	s := e.c.settings
	s.BaseURL = srv.URL + "/admin/api"
	c, _ := New("shop", s, Credentials{AccessToken: e.sb.Options().AccessToken}, srv.Client())
	errs, err := c.SetStockLevels(context.Background(), []model.Stock{{SKU: "FRY-00003-01", Available: model.DecimalFromInt(5)}})
	if err != nil || errs[0] != nil {
		t.Fatal(err, errs)
	}
	if q, _ := e.sb.Quantities("FRY-00003-01", 0); q["available"] != 5 {
		t.Fatalf("available %v", q)
	}
}

// Every write's answer lost (the connection drops before the shop acts):
// after its rounds the call fails with the lost answer, a transient error
// the caller retries, not a SKU error blaming the shop for changing.
func TestSetStockLevelsLostAnswers(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{}, nil)
	h := e.sb.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Shopify-Access-Token") != "" {
			b := make([]byte, r.ContentLength)
			r.Body.Read(b)
			if contains(b, "InventorySet") {
				conn, _, _ := w.(http.Hijacker).Hijack()
				conn.Close()
				return
			}
			r.Body = nopCloser(b)
		}
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	s := e.c.settings
	s.BaseURL = srv.URL + "/admin/api"
	c, _ := New("shop", s, Credentials{AccessToken: e.sb.Options().AccessToken}, srv.Client())
	errs, err := c.SetStockLevels(context.Background(), []model.Stock{{SKU: "FRY-00003-01", Available: model.DecimalFromInt(5)}})
	if err == nil || !remote.IsTransient(err) || !remote.IsAmbiguous(err) {
		t.Fatalf("lost answers: %v, errs %v", err, errs)
	}
}

func TestRegisterShipmentIdempotent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{}, nil)
	ctx := context.Background()
	id, name, err := e.sb.CreateOrder(sandbox.OrderSpec{Email: "a@example.fi", Lines: []sandbox.LineSpec{{SKU: "FRY-00001-01", Quantity: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	s1, err := e.c.RegisterShipment(ctx, id, model.Shipment{TrackingCode: "JJFI1", Carrier: "Posti"})
	if err != nil || s1.ID == "" || s1.TrackingCode != "JJFI1" {
		t.Fatalf("%s: %+v %v", name, s1, err)
	}
	s2, err := e.c.RegisterShipment(ctx, id, model.Shipment{TrackingCode: "JJFI1", Carrier: "Posti"})
	if err != nil || s2.ID != s1.ID {
		t.Fatalf("again: %+v %v, want %s", s2, err, s1.ID)
	}
	// Commit-then-fail: the fulfillment is made, the answer lost; the call
	// finds it on reading back.
	id2, _, _ := e.sb.CreateOrder(sandbox.OrderSpec{Email: "b@example.fi", Lines: []sandbox.LineSpec{{SKU: "FRY-00002-01", Quantity: 1}}})
	e.sb.SetCommitThenFail(sandbox.CommitThenFail{Next: 1})
	s3, err := e.c.RegisterShipment(ctx, id2, model.Shipment{TrackingCode: "JJFI2", Carrier: "Posti"})
	if err != nil || s3.ID == "" {
		t.Fatalf("after commit-then-fail: %+v %v", s3, err)
	}
	if n := len(e.sb.CommitFailures()); n != 1 {
		t.Fatalf("%d commit failures", n)
	}
}

func TestSubscribeAndVerifyWebhooks(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var keys []string
	var refused int
	e := newEnv(t, sandbox.Options{}, nil)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 0, 4096)
		buf := make([]byte, 4096)
		for {
			n, err := r.Body.Read(buf)
			b = append(b, buf[:n]...)
			if err != nil {
				break
			}
		}
		_, key, err := e.c.VerifyWebhook(r.Header, b, e.sb.Options().APISecret)
		mu.Lock()
		if err != nil {
			refused++
		} else {
			keys = append(keys, key)
		}
		mu.Unlock()
	}))
	defer recv.Close()
	ctx := context.Background()
	sec, err := e.c.SubscribeOrders(ctx, recv.URL+"/hooks/shop")
	if err != nil || sec != e.sb.Options().APISecret {
		t.Fatal(sec, err)
	}
	if _, err := e.c.SubscribeOrders(ctx, recv.URL+"/hooks/shop"); err != nil {
		t.Fatal(err)
	}
	if n := e.sb.State().Subscriptions; n != 3 {
		t.Fatalf("%d subscriptions, want 3", n)
	}
	e.sb.SetWebhookTricks(sandbox.WebhookTricks{Duplicate: 1, Copies: 1, Tamper: 1})
	e.sb.CreateOrder(sandbox.OrderSpec{Email: "c@example.fi", Lines: []sandbox.LineSpec{{SKU: "FRY-00001-01", Quantity: 1}}})
	e.sb.CreateOrder(sandbox.OrderSpec{Email: "c@example.fi", Lines: []sandbox.LineSpec{{SKU: "FRY-00001-01", Quantity: 1}}})
	e.sb.WaitDeliveries(3, 5*time.Second)
	time.Sleep(100 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	distinct := map[string]bool{}
	for _, k := range keys {
		distinct[k] = true
	}
	if refused < 1 || len(distinct) < 1 || len(keys) <= len(distinct) && len(keys) > 1 {
		t.Logf("keys %v refused %d", keys, refused)
	}
	if refused < 1 {
		t.Fatalf("a tampered delivery was accepted (refused %d)", refused)
	}
	t.Logf("%d deliveries verified, %d distinct events, %d refused", len(keys), len(distinct), refused)
}

func TestChangedProducts(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{}, func(s *Settings) { s.BulkThreshold = 0 })
	var ps []model.Product
	if err := e.c.ChangedProducts(context.Background(), time.Time{}, func(p []model.Product, _ time.Time) error { ps = append(ps, p...); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(ps) != e.sb.State().Products || len(ps[0].Variants) == 0 || ps[0].Variants[0].SKU == "" {
		t.Fatalf("%d products: %+v", len(ps), ps[0])
	}
	// A bulk read of the same catalogue gives the same products.
	b := newEnv(t, sandbox.Options{BulkDelay: 50 * time.Millisecond}, func(s *Settings) { s.BulkThreshold = 1; s.BulkPoll = 20 * time.Millisecond })
	var bs []model.Product
	if err := b.c.ChangedProducts(context.Background(), time.Time{}, func(p []model.Product, _ time.Time) error { bs = append(bs, p...); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(bs) != len(ps) {
		t.Fatalf("bulk: %d products, paged %d", len(bs), len(ps))
	}
	vs := 0
	for _, p := range bs {
		vs += len(p.Variants)
	}
	if vs != b.sb.State().Variants {
		t.Fatalf("bulk: %d variants, the shop has %d", vs, b.sb.State().Variants)
	}
}

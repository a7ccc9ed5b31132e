package shopify

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/model"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/shopify"
)

type env struct {
	sb  *sandbox.Server
	srv *httptest.Server
	c   *Client
}

// newEnv starts a sandbox shop and a client of it.
func newEnv(t testing.TB, o sandbox.Options, tweak func(*Settings)) *env {
	t.Helper()
	if o.SchemaPath == "" {
		o.SchemaPath = filepath.Join(sharedDir(t), "data", "shopify", "admin-2025-01.graphql")
	}
	sb, err := sandbox.New(o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(func() { srv.Close(); sb.Close() })
	s := DefaultSettings()
	s.Shop = sb.ShopDomain()
	s.BaseURL = srv.URL + "/admin/api"
	if tweak != nil {
		tweak(s)
	}
	c, err := New("shop", *s, Credentials{AccessToken: sb.Options().AccessToken, WebhookSecret: sb.Options().APISecret}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return &env{sb: sb, srv: srv, c: c}
}

// allOrders runs a pass from since and returns the orders by id with the
// number of times each came.
func allOrders(t testing.TB, c *Client, since time.Time, during func(page int)) (map[string]model.Order, map[string]int, []error) {
	t.Helper()
	got := map[string]model.Order{}
	seen := map[string]int{}
	var bad []error
	n := 0
	var last time.Time
	err := c.ChangedOrders(context.Background(), since, func(os []model.Order, b []error, through time.Time) error {
		if through.Before(last) {
			t.Errorf("through went back: %v after %v", through, last)
		}
		last = through
		for _, o := range os {
			got[o.ID] = o
			seen[o.ID]++
			if o.UpdatedAt.Before(through) && false {
				t.Errorf("order %s", o.Number)
			}
		}
		bad = append(bad, b...)
		n++
		if during != nil {
			during(n)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("ChangedOrders: %v", err)
	}
	return got, seen, bad
}

func TestChangedOrdersMapping(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{}, nil)
	got, _, bad := allOrders(t, e.c, time.Time{}, nil)
	if len(bad) > 0 {
		t.Fatalf("bad: %v", bad)
	}
	if st := e.sb.State(); len(got) != st.Orders {
		t.Fatalf("%d orders read, the shop has %d", len(got), st.Orders)
	}
	var cancelled, pos, risky, foreign, test int
	for _, o := range got {
		if o.Number == "" || o.Currency == "" || o.Customer.Email == "" && o.Channel != "pos" {
			t.Errorf("order %s: number %q currency %q email %q", o.ID, o.Number, o.Currency, o.Customer.Email)
		}
		var sum model.Decimal
		for _, l := range o.Lines {
			sum += l.UnitPrice.Mul(l.Quantity)
		}
		if o.Status != model.OrderCancelled && o.FinancialStatus != "partially_refunded" && o.FinancialStatus != "refunded" && sum != o.Total {
			t.Errorf("order %s (%s): lines add up to %s, total %s: %+v", o.Number, o.FinancialStatus, sum, o.Total, o.Lines)
		}
		if o.ShippingMethod.Name == "" && o.Channel != "pos" {
			t.Errorf("order %s: no shipping method", o.Number)
		}
		switch {
		case o.Status == model.OrderCancelled:
			cancelled++
			if o.CancelledAt.IsZero() || o.CancelReason == "" {
				t.Errorf("cancelled order %s: at %v reason %q", o.Number, o.CancelledAt, o.CancelReason)
			}
		}
		if o.Channel == "pos" {
			pos++
		}
		if o.HighRisk {
			risky++
			if o.Risk != "high" && o.Risk != "medium" || o.RiskReason == "" {
				t.Errorf("risky order %s: risk %q reason %q", o.Number, o.Risk, o.RiskReason)
			}
		}
		if o.PresentmentCurrency != "" {
			foreign++
		}
		if o.Test {
			test++
		}
	}
	t.Logf("throttle: %+v", e.c.Throttle())
	t.Logf("%d orders: %d cancelled, %d POS, %d risky, %d in another currency, %d test", len(got), cancelled, pos, risky, foreign, test)
}

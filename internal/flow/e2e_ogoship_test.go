package flow_test

import (
	"context"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/connector/ogoship"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/jobs"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
	ogosandbox "github.com/ferryhub/ferry/internal/sandbox/ogoship"
	"github.com/ferryhub/ferry/internal/store/storetest"
)

// The integration of seed 001 end to end: a MyCashflow sandbox ("shop") and
// an OGOship sandbox ("erp" in the harness: the fulfilment warehouse), the
// real clients. Products become OGOship products once, orders go to OGOship
// once with their shipping code mapped by `*` wildcard rules, stock comes back
// as available stock, shipped orders are quick-processed in the shop with
// their tracking numbers; an update after OGOship started is held with the
// reason, a cancel before it started cancels. On SQLite and on PostgreSQL.
func TestMyCashflowOGOshipEndToEnd(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			url := storetest.SQLiteURL(t)
			if dialect == "postgres" {
				url = storetest.PostgresURL(t)
			}
			testMyCashflowOGOshipEndToEnd(t, url)
		})
	}
}

func testMyCashflowOGOshipEndToEnd(t *testing.T, dbURL string) {
	ctx := context.Background()
	osb := ogosandbox.New(ogosandbox.Options{Products: -1, Orders: -1})
	osrv := httptest.NewServer(osb.Handler())
	defer osrv.Close()
	os := *ogoship.DefaultSettings()
	os.BaseURL, os.TokenURL, os.ClientID, os.RateLimit = osrv.URL, osrv.URL+"/OAuth/Token", "123456", 0
	ogo, err := ogoship.New("erp", os, ogoship.Credentials{ClientSecret: "abcdef", MerchantID: "demo-merchant", SecretToken: "demo-secret"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]string{"Posti SmartPOST": "POSTI-SP", "DHL Express": "DHL-EXPRESS", "Matkahuolto": "MH-LAHELLA", "Nouto myymälästä": "POSTI-PKT"}
	routes := []flow.Route{
		{Name: "products", Flow: "products", From: "shop", To: "erp", Options: &flow.ProductsOptions{BatchSize: 20}},
		{Name: "orders", Flow: "orders", From: "shop", To: "erp", Options: &flow.OrdersOptions{BatchSize: 5, Overlap: time.Minute, ShippingMethods: []flow.Rule{
			{Match: "Posti*", To: "POSTI-SP"}, {Match: "DHL*", To: "DHL-EXPRESS"}, {Match: "*huolto", To: "MH-LAHELLA"}, {Match: "*", To: "POSTI-PKT"},
		}}},
		{Name: "stock", Flow: "stock", From: "erp", To: "shop", Options: &flow.StockOptions{Quantity: "available", BatchSize: 50}},
		{Name: "shipments", Flow: "shipments", From: "erp", To: "shop", Options: &flow.ShipmentsOptions{Overlap: time.Minute}},
	}
	h := newHarnessWith(t, mcfsandbox.Options{Orders: -1}, routes, ogo, harnessOpts{dbURL: dbURL})

	// Products: one OGOship product per variant SKU, created once.
	h.pass(t, "products")
	if c := h.rt.Counts()["products"]; c.Created == 0 || c.Failed > 0 {
		t.Fatalf("products route counts %+v", c)
	}
	products := osb.Counts()["products"]
	levels, err := ogo.StockLevels(ctx)
	if err != nil || len(levels) != products || products == 0 {
		t.Fatalf("%d levels for %d products (%v)", len(levels), products, err)
	}
	for _, l := range levels {
		if _, ok := h.sb.Product(l.SKU); !ok {
			if _, ok := h.sb.StockOf(l.SKU); !ok {
				t.Fatalf("OGOship product %s is no product code of the shop", l.SKU)
			}
		}
		if _, err := osb.Receive(l.SKU, 40); err != nil {
			t.Fatal(err)
		}
	}
	h.pass(t, "products")
	if osb.Counts()["products"] != products {
		t.Fatal("a second products pass made products")
	}

	// Orders: each once, with the shipping code mapped.
	var ids []int
	for len(ids) < 8 {
		o, err := h.sb.CreateRandomOrder()
		if err != nil {
			t.Fatal(err)
		}
		if o.Status == "open" && o.PaymentMethodID != 0 && o.ShippingMethodID != 0 {
			ids = append(ids, o.ID)
		}
	}
	h.pass(t, "orders")
	h.pass(t, "orders")
	if n := osb.Counts()["orders"]; n != len(ids) {
		held, _ := h.queue.List(ctx, jobs.Filter{Route: "orders", States: []jobs.State{jobs.StateParked}})
		t.Fatalf("%d orders in OGOship for %d shop orders; counts %+v; held %+v", n, len(ids), h.rt.Counts()["orders"], held)
	}
	ships, err := h.shop.ShippingMethods(ctx)
	if err != nil {
		t.Fatal(err)
	}
	methodName := map[int]string{}
	for _, m := range ships.Items {
		methodName[int(m.ID)] = m.Name
	}
	for _, id := range ids {
		so, _ := h.sb.Order(id)
		o, ok := osb.Order(strconv.Itoa(id))
		if !ok {
			t.Fatalf("shop order %d is not in OGOship", id)
		}
		want := codes[methodName[so.ShippingMethodID]]
		if o.ShippingCode == nil || *o.ShippingCode != want {
			t.Fatalf("order %d: shipping code %v (method %q, want %q)", id, o.ShippingCode, methodName[so.ShippingMethodID], want)
		}
	}

	// Stock back to the shop: OGOship's available quantity.
	h.pass(t, "stock")
	levels, _ = ogo.StockLevels(ctx)
	for _, l := range levels {
		got, ok := h.sb.StockOf(l.SKU)
		if !ok || float64(got.Quantity) != l.Available.Float64() {
			t.Fatalf("SKU %s: shop has %+v, OGOship has %v available", l.SKU, got, l.Available)
		}
	}

	// OGOship starts on one order; the shop changes it and cancels another
	// that has not started.
	started, cancelled := ids[0], ids[1]
	if _, err := osb.Advance(strconv.Itoa(started), "collecting"); err != nil {
		t.Fatal(err)
	}
	before, _ := osb.Order(strconv.Itoa(started))
	note := "Toimitus ovelle, kiitos"
	if _, err := h.sb.UpdateOrder(started, mcfsandbox.OrderUpdate{Details: &note}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.sb.CancelOrder(cancelled); err != nil {
		t.Fatal(err)
	}
	h.pass(t, "orders")
	waitFor(t, func() bool { o, _ := osb.Order(strconv.Itoa(cancelled)); return o.Status == "cancelled" })
	var held []jobs.Info
	waitFor(t, func() bool {
		held, _ = h.queue.List(ctx, jobs.Filter{Route: "orders", States: []jobs.State{jobs.StateParked}})
		return len(held) == 1
	})
	if r := held[0].Reason; !strings.Contains(r, strconv.Itoa(started)) || !strings.Contains(r, "collecting") || !strings.Contains(r, "started") {
		t.Fatalf("held order's reason %q", r)
	}
	if after, _ := osb.Order(strconv.Itoa(started)); !after.EditTime.Equal(before.EditTime.Time) || after.Status != "collecting" {
		t.Fatalf("the started order changed: %+v", after)
	}

	// Shipped orders are quick-processed in the shop with their tracking.
	var shipped []int
	for _, id := range ids[2:] {
		if _, err := osb.Advance(strconv.Itoa(id), "shipped"); err != nil {
			t.Fatal(err)
		}
		shipped = append(shipped, id)
	}
	h.pass(t, "shipments")
	for _, id := range shipped {
		o, _ := h.sb.Order(id)
		oo, _ := osb.Order(strconv.Itoa(id))
		if o.Status != "completed" || len(o.Shipments) == 0 || oo.TrackingNumber == nil || o.Shipments[0].TrackingCode != *oo.TrackingNumber {
			t.Fatalf("shop order %d after shipping: %s %+v (OGOship %v); counts %+v", id, o.Status, o.Shipments, oo.TrackingNumber, h.rt.Counts()["shipments"])
		}
	}
	h.pass(t, "shipments")
	if c := h.rt.Counts(); c["orders"].Failed+c["shipments"].Failed+c["stock"].Failed+c["products"].Failed > 0 {
		t.Fatalf("failures: %+v", c)
	}
	if n := osb.Counts()["orders"]; n != len(ids) {
		t.Fatalf("%d orders in OGOship at the end", n)
	}
}

package flow_test

import (
	"context"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/connector/ongoing"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/jobs"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
	ogsandbox "github.com/ferryhub/ferry/internal/sandbox/ongoing"
	"github.com/ferryhub/ferry/internal/store/storetest"
)

// The integration of seed 002 end to end: a MyCashflow sandbox ("shop") and an
// Ongoing sandbox ("erp" in the harness: the warehouse), the real clients.
// Products become articles, orders go to the warehouse once with their way of
// delivery mapped by wildcard rules, stock comes back as sellable stock,
// shipped orders are quick-processed in the shop with their tracking codes;
// an update after the warehouse started is held with the reason, a cancel
// before it started cancels.
func TestMyCashflowOngoingEndToEnd(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			url := storetest.SQLiteURL(t)
			if dialect == "postgres" {
				url = storetest.PostgresURL(t)
			}
			testMyCashflowOngoingEndToEnd(t, url)
		})
	}
}

func testMyCashflowOngoingEndToEnd(t *testing.T, dbURL string) {
	ctx := context.Background()
	wsb := ogsandbox.New(ogsandbox.Options{Articles: -1})
	wsrv := httptest.NewServer(wsb.Handler())
	defer wsrv.Close()
	ws := *ongoing.DefaultSettings()
	ws.BaseURL, ws.Warehouse, ws.GoodsOwnerID, ws.RateLimit = wsrv.URL+"/{warehouse}/api/v1", wsb.Options().Warehouse, wsb.Options().GoodsOwnerID, 0
	wms, err := ongoing.New("erp", ws, wsb.Options().User, wsb.Options().Password, nil)
	if err != nil {
		t.Fatal(err)
	}
	carriers := map[string]string{"Posti SmartPOST": "PN-SP", "DHL Express": "DHL-EXP", "Matkahuolto": "MH", "Nouto myymälästä": "PICKUP"}
	routes := []flow.Route{
		{Name: "products", Flow: "products", From: "shop", To: "erp", Options: &flow.ProductsOptions{BatchSize: 20}},
		{Name: "orders", Flow: "orders", From: "shop", To: "erp", Options: &flow.OrdersOptions{BatchSize: 5, Overlap: time.Minute, ShippingMethods: []flow.Rule{
			{Match: "Posti*", To: "PN-SP"}, {Match: "DHL *", To: "DHL-EXP"}, {Match: "*huolto", To: "MH"}, {Match: "*", To: "PICKUP"},
		}}},
		{Name: "stock", Flow: "stock", From: "erp", To: "shop", Options: &flow.StockOptions{Quantity: "available", BatchSize: 50}},
		{Name: "shipments", Flow: "shipments", From: "erp", To: "shop", Options: &flow.ShipmentsOptions{Overlap: time.Minute}},
	}
	h := newHarnessWith(t, mcfsandbox.Options{Orders: -1}, routes, wms, harnessOpts{dbURL: dbURL})

	// Articles: one per variant (or product), named and coded per seed 002.
	h.pass(t, "products")
	if c := h.rt.Counts()["products"]; c.Created == 0 || c.Failed > 0 {
		t.Fatalf("products route counts %+v", c)
	}
	articles := wsb.State().Articles
	levels, err := wms.StockLevels(ctx)
	if err != nil || len(levels) != articles || articles == 0 {
		t.Fatalf("%d levels for %d articles (%v)", len(levels), articles, err)
	}
	for _, l := range levels {
		p, ok := h.sb.Product(l.SKU)
		if !ok {
			t.Fatalf("article %s is no product code of the shop", l.SKU)
		}
		_ = p
		wsb.SetStock(l.SKU, 40)
	}
	h.pass(t, "products")
	if wsb.State().Articles != articles {
		t.Fatal("a second products pass made articles")
	}

	// Orders: each once, with the way of delivery mapped.
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
	if n := wsb.State().Orders; n != len(ids) {
		t.Fatalf("%d orders in the warehouse for %d shop orders; counts %+v", n, len(ids), h.rt.Counts()["orders"])
	}
	ships, err := h.shop.ShippingMethods(ctx)
	if err != nil {
		t.Fatal(err)
	}
	methodName := map[int]string{}
	for _, m := range ships.Items {
		methodName[int(m.ID)] = m.Name
	}
	read := func(id int) ongoing.Order {
		t.Helper()
		b, ok := wsb.OrderJSON(strconv.Itoa(id))
		if !ok {
			t.Fatalf("shop order %d is not in the warehouse", id)
		}
		o, _, err := ongoing.DecodeOrder(b)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	for _, id := range ids {
		so, _ := h.sb.Order(id)
		o := read(id)
		want := carriers[methodName[so.ShippingMethodID]]
		if o.OrderInfo.WayOfDelivery == nil || o.OrderInfo.WayOfDelivery.Code != want || string(o.OrderInfo.GoodsOwnerOrderID) != strconv.Itoa(id) {
			t.Fatalf("order %d: way of delivery %+v (method %q, want %q), goods owner order id %q", id, o.OrderInfo.WayOfDelivery, methodName[so.ShippingMethodID], want, o.OrderInfo.GoodsOwnerOrderID)
		}
	}

	// Stock back to the shop: the warehouse's sellable quantity.
	h.pass(t, "stock")
	levels, _ = wms.StockLevels(ctx)
	for _, l := range levels {
		got, ok := h.sb.StockOf(l.SKU)
		if !ok || float64(got.Quantity) != l.Available.Float64() {
			t.Fatalf("SKU %s: shop has %+v, warehouse sells %v", l.SKU, got, l.Available)
		}
	}

	// The warehouse starts on one order; the shop changes it and cancels
	// another that has not started.
	started, cancelled := ids[0], ids[1]
	if err := wsb.MoveOrder(strconv.Itoa(started), 300); err != nil {
		t.Fatal(err)
	}
	remark := read(started).OrderInfo.OrderRemark
	note := "Toimitus ovelle, kiitos"
	if _, err := h.sb.UpdateOrder(started, mcfsandbox.OrderUpdate{Details: &note}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.sb.CancelOrder(cancelled); err != nil {
		t.Fatal(err)
	}
	h.pass(t, "orders")
	waitFor(t, func() bool { n, _ := wsb.OrderStatus(strconv.Itoa(cancelled)); return n == 1000 })
	var held []jobs.Info
	waitFor(t, func() bool {
		held, _ = h.queue.List(ctx, jobs.Filter{Route: "orders", States: []jobs.State{jobs.StateParked}})
		return len(held) == 1
	})
	if r := held[0].Reason; !strings.Contains(r, strconv.Itoa(started)) || !strings.Contains(r, "Released") || !strings.Contains(r, "started") {
		t.Fatalf("held order's reason %q", r)
	}
	if got := read(started).OrderInfo.OrderRemark; got != remark {
		t.Fatalf("the started order's remark changed to %q", got)
	}
	// The shop cancels the started order: the warehouse keeps it, and the
	// cancel is held with the reason.
	if _, err := h.sb.CancelOrder(started); err != nil {
		t.Fatal(err)
	}
	h.pass(t, "orders")
	waitFor(t, func() bool {
		held, _ = h.queue.List(ctx, jobs.Filter{Route: "orders", States: []jobs.State{jobs.StateParked}})
		for _, j := range held {
			if strings.Contains(j.Reason, "cancel") && strings.Contains(j.Reason, strconv.Itoa(started)) {
				return true
			}
		}
		return false
	})
	if n, _ := wsb.OrderStatus(strconv.Itoa(started)); n == 1000 {
		t.Fatal("the warehouse cancelled an order it had started")
	}

	// Shipped orders are quick-processed in the shop with their tracking.
	var shipped []int
	for _, id := range ids[2:] {
		if err := wsb.MoveOrder(strconv.Itoa(id), 450); err != nil {
			t.Fatal(err)
		}
		shipped = append(shipped, id)
	}
	h.pass(t, "shipments")
	for _, id := range shipped {
		o, _ := h.sb.Order(id)
		if o.Status != "completed" || len(o.Shipments) == 0 || o.Shipments[0].TrackingCode == "" {
			t.Fatalf("shop order %d after shipping: %s %+v; counts %+v", id, o.Status, o.Shipments, h.rt.Counts()["shipments"])
		}
		if want := strings.Join(ongoing.TrackingCodes(read(id)), ", "); o.Shipments[0].TrackingCode != want {
			t.Fatalf("shop order %d tracking %q, warehouse %q", id, o.Shipments[0].TrackingCode, want)
		}
	}
	h.pass(t, "shipments")
	if c := h.rt.Counts(); c["orders"].Failed+c["shipments"].Failed+c["stock"].Failed+c["products"].Failed > 0 {
		t.Fatalf("failures: %+v", c)
	}
	if n := wsb.Overlaps(); n != 0 {
		t.Fatalf("%d parallel requests to the warehouse", n)
	}
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

package flow_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/connector/ongoing"
	"github.com/ferryhub/ferry/internal/flow"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
	ogsandbox "github.com/ferryhub/ferry/internal/sandbox/ongoing"
	sfysandbox "github.com/ferryhub/ferry/internal/sandbox/shopify"
	"github.com/ferryhub/ferry/internal/store"
)

// Any shop to any warehouse, with no flow code of its own (issue 14): the
// Shopify sandbox's products become Ongoing articles, its orders go to the
// warehouse once, shipped ones are fulfilled in Shopify with the warehouse's
// tracking number, and Shopify's stock becomes the warehouse's sellable
// quantity through inventorySetQuantities with compare quantities.
func TestShopifyOngoingEndToEnd(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ssb, sfy, sfyURL := newShopify(t, "sfy", sfysandbox.Options{Orders: 30, Products: 8, RestoreRate: 1000, MaximumAvailable: 20000})
	wsb, wms := newOngoing(t, "erp", ogsandbox.Options{Articles: -1, ReceiveNew: 500}, func(s *ongoing.Settings) { s.OrderNumber = "ref" })
	routes := []flow.Route{
		{Name: "articles", Flow: "products", From: "sfy", To: "erp", Options: &flow.ProductsOptions{BatchSize: 50}},
		{Name: "orders", Flow: "orders", From: "sfy", To: "erp", Options: &flow.OrdersOptions{BatchSize: 10, Overlap: time.Minute, ShippingMethods: []flow.Rule{{Match: "*", To: "PN-SP"}}}},
		{Name: "shipments", Flow: "shipments", From: "erp", To: "sfy", Options: &flow.ShipmentsOptions{Overlap: time.Minute}},
		{Name: "stock", Flow: "stock", From: "erp", To: "sfy", Options: &flow.StockOptions{Quantity: "available", BatchSize: 50}},
	}
	h := newHarnessWith(t, mcfsandbox.Options{Orders: -1, Products: -1}, routes, wms, harnessOpts{extra: map[string]connector.Conn{"sfy": sfy}})

	h.pass(t, "articles")
	c := h.rt.Counts()["articles"]
	if c.Created == 0 || c.Failed > 0 || wsb.State().Articles == 0 {
		t.Fatalf("articles: counts %+v, %d in the warehouse", c, wsb.State().Articles)
	}
	h.pass(t, "orders")
	h.pass(t, "orders")
	c = h.rt.Counts()["orders"]
	if c.Created == 0 || c.Failed > 0 || c.Parked > 0 || wsb.State().Orders != c.Created {
		skips, _, _ := h.store.ListSkips(ctx, store.SkipFilter{Route: "orders"})
		t.Fatalf("orders: counts %+v, %d in the warehouse; skipped %+v", c, wsb.State().Orders, skips)
	}

	// The warehouse ships everything; each order is fulfilled in Shopify once,
	// with the warehouse's tracking.
	for range 6 {
		wsb.Step()
	}
	h.pass(t, "shipments")
	h.pass(t, "shipments")
	if s := h.rt.Counts()["shipments"]; s.Updated != c.Created || s.Failed > 0 {
		t.Fatalf("shipments: counts %+v for %d orders", s, c.Created)
	}
	links, err := h.store.ListLinks(ctx, store.LinkFilter{Connection: "erp", Kind: "order"})
	if err != nil || len(links) != c.Created {
		t.Fatalf("%d order links (%v)", len(links), err)
	}
	for _, l := range links {
		gid := strings.TrimPrefix(l.LocalID, "sfy:")
		var o struct {
			Data struct {
				Order struct {
					Name                     string
					DisplayFulfillmentStatus string
					Fulfillments             []struct {
						TrackingInfo []struct{ Number string }
					}
				}
			}
		}
		shopifyQuery(t, sfyURL, ssb.Options().AccessToken, fmt.Sprintf(`{ order(id: %q) { name displayFulfillmentStatus fulfillments { trackingInfo { number } } } }`, gid), &o)
		id, _ := strconv.Atoi(l.RemoteID)
		wo, err := wms.Order(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		want := strings.Join(ongoing.TrackingCodes(wo), ", ")
		// An order the merchant had fulfilled in part keeps that fulfillment;
		// ferry's is the last, with the warehouse's tracking.
		f := o.Data.Order.Fulfillments
		if o.Data.Order.DisplayFulfillmentStatus != "FULFILLED" || len(f) == 0 || len(f[len(f)-1].TrackingInfo) == 0 ||
			f[len(f)-1].TrackingInfo[0].Number != want {
			t.Fatalf("Shopify order %s after shipping: %+v; the warehouse's tracking %q", gid, o.Data.Order, want)
		}
	}

	// Stock: Shopify sells what the warehouse has.
	h.pass(t, "stock")
	levels, err := wms.StockLevels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range levels {
		q, ok := ssb.Quantities(l.SKU, 0)
		if !ok || float64(q["available"]) != l.Available.Float64() {
			t.Fatalf("SKU %s: Shopify %v, warehouse sells %v", l.SKU, q, l.Available)
		}
	}
	if n := wsb.Overlaps(); n != 0 {
		t.Fatalf("%d overlapping calls to the warehouse", n)
	}
}

// shopifyQuery runs a GraphQL query against the sandbox and decodes the answer.
func shopifyQuery(t *testing.T, base, token, q string, out any) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": q})
	req, _ := http.NewRequest(http.MethodPost, base+sfysandbox.GraphQLPath("2025-01"), bytes.NewReader(body))
	req.Header.Set("X-Shopify-Access-Token", token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}

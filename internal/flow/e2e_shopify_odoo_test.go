package flow_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/flow"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
	odoosandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
	sfysandbox "github.com/ferryhub/ferry/internal/sandbox/shopify"
	"github.com/ferryhub/ferry/internal/store"
	"github.com/ferryhub/ferry/internal/store/storetest"
)

// Seed 003's core through the flows that exist (issue 17): Shopify's products
// become Odoo products, its open orders Odoo sales orders once (confirmed,
// invoiced, to the cent), and Odoo's validated deliveries fulfil the Shopify
// orders with their tracking numbers.
func TestShopifyOdooEndToEnd(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			url := storetest.SQLiteURL(t)
			if dialect == "postgres" {
				url = storetest.PostgresURL(t)
			}
			shopifyOdooEndToEnd(t, url)
		})
	}
}

func shopifyOdooEndToEnd(t *testing.T, dbURL string) {
	ctx := context.Background()
	ssb, sfy, sfyURL := newShopify(t, "sfy", sfysandbox.Options{Orders: 25, Products: 6, RestoreRate: 1000, MaximumAvailable: 20000})
	esb, erp := newOdoo(t, "erp", odoosandbox.Options{Version: 17, Currency: "EUR", Products: -1})
	// Shopify's prices include the 24 % VAT of the sandbox shop.
	if _, err := erp.Create(ctx, "account.tax", []map[string]any{{"name": "ALV 24 % (sis.)", "amount": 24, "amount_type": "percent", "type_tax_use": "sale", "price_include": true}}, nil); err != nil {
		t.Fatal(err)
	}
	carriers, err := erp.CarrierNames(ctx)
	if err != nil || len(carriers) == 0 {
		t.Fatalf("Odoo carriers %v (%v)", carriers, err)
	}
	routes := []flow.Route{
		{Name: "products", Flow: "products", From: "sfy", To: "erp", Options: &flow.ProductsOptions{BatchSize: 50}},
		{Name: "orders", Flow: "orders", From: "sfy", To: "erp", Options: &flow.OrdersOptions{BatchSize: 10, Overlap: time.Minute, ImportCancelled: true, ShippingMethods: []flow.Rule{{Match: "*", To: carriers[0]}}}},
		{Name: "shipments", Flow: "shipments", From: "erp", To: "sfy", Options: &flow.ShipmentsOptions{Overlap: time.Minute}},
	}
	h := newHarnessWith(t, mcfsandbox.Options{Orders: -1, Products: -1}, routes, erp, harnessOpts{dbURL: dbURL, extra: map[string]connector.Conn{"sfy": sfy}})
	h.pass(t, "products")
	if c := h.rt.Counts()["products"]; c.Created == 0 || c.Failed > 0 {
		t.Fatalf("products: %+v", c)
	}
	// The goods are in Odoo's stock (an inventory count of every product).
	loc := esb.SearchRead("stock.location", []any{[]any{"usage", "=", "internal"}}, []string{"id"})
	if len(loc) == 0 {
		t.Fatal("Odoo has no internal stock location")
	}
	for _, p := range esb.SearchRead("product.product", []any{}, []string{"id"}) {
		ids, err := erp.Create(ctx, "stock.quant", []map[string]any{{"product_id": p["id"], "location_id": loc[0]["id"], "inventory_quantity": 1000}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := erp.Call(ctx, "stock.quant", "action_apply_inventory", ids, nil); err != nil {
			t.Fatal(err)
		}
	}
	h.pass(t, "orders")
	h.pass(t, "orders")
	c := h.rt.Counts()["orders"]
	if c.Created == 0 || c.Failed > 0 || c.Parked > 0 {
		skips, _, _ := h.store.ListSkips(ctx, store.SkipFilter{Route: "orders"})
		t.Fatalf("orders: %+v; skipped %+v", c, skips)
	}
	links, err := h.store.ListLinks(ctx, store.LinkFilter{Connection: "erp", Kind: "order"})
	if err != nil || len(links) != c.Created {
		t.Fatalf("%d order links for %d created (%v)", len(links), c.Created, err)
	}
	// Risky orders wait as quotations for review; the others are confirmed.
	heldLinks, err := h.store.ListLinks(ctx, store.LinkFilter{Connection: "erp", Kind: "order-review"})
	if err != nil || len(heldLinks) == 0 {
		t.Fatalf("no risky order was held for review (%v)", err)
	}
	isHeld := map[string]bool{}
	for _, l := range heldLinks {
		isHeld[l.RemoteID] = true
	}
	cancelled := map[string]bool{}
	for _, l := range links {
		rows := esb.SearchRead("sale.order", []any{[]any{"id", "=", toFloat(l.RemoteID)}}, []string{"state", "client_order_ref", "invoice_ids"})
		want := "sale"
		if isHeld[l.RemoteID] {
			want = "draft"
		}
		// Orders cancelled in the shop are cancelled quotations.
		if strings.Contains(string(l.Data), `"shop_status":"cancelled"`) {
			want, cancelled[l.RemoteID] = "cancel", true
		}
		if len(rows) != 1 || rows[0]["state"] != want {
			t.Fatalf("Odoo order of %s (held %v): %v", l.LocalID, isHeld[l.RemoteID], rows)
		}
	}
	// A person confirms the first held one from the dashboard: it becomes a
	// sales order, and ships with the others.
	held, err := h.rt.HeldOrders(ctx)
	if err != nil || len(held) != len(heldLinks) || held[0].Reason == "" || held[0].TargetState != "quotation" {
		t.Fatalf("held orders %+v (%v)", held, err)
	}
	if _, err := h.rt.ReviewOrder(ctx, held[0].Route, held[0].OrderID, true, "tester"); err != nil {
		t.Fatal(err)
	}
	if rows := esb.SearchRead("sale.order", []any{[]any{"id", "=", toFloat(held[0].RemoteID)}}, []string{"state"}); len(rows) != 1 || rows[0]["state"] != "sale" {
		t.Fatalf("the confirmed quotation is %v", rows)
	}
	if _, err := h.rt.ReviewOrder(ctx, held[0].Route, held[0].OrderID, true, "tester"); err == nil || !strings.Contains(err.Error(), "confirmed already by tester") {
		t.Fatalf("a second review: %v", err)
	}
	delete(isHeld, held[0].RemoteID)
	for _, p := range esb.OpenPickings() {
		if err := erp.ValidateDelivery(ctx, p, fmt.Sprintf("JJFI%d", p)); err != nil {
			t.Fatalf("validating delivery %d: %v", p, err)
		}
	}
	h.pass(t, "shipments")
	if len(cancelled) == 0 {
		t.Fatal("no order cancelled in the shop came in as a cancelled quotation")
	}
	if s := h.rt.Counts()["shipments"]; s.Updated != c.Created-len(isHeld)-len(cancelled) || s.Failed > 0 {
		t.Fatalf("shipments: %+v for %d orders, %d held, %d cancelled", s, c.Created, len(isHeld), len(cancelled))
	}
	for _, l := range links {
		if isHeld[l.RemoteID] || cancelled[l.RemoteID] {
			continue
		}
		var o struct {
			Data struct {
				Order struct {
					DisplayFulfillmentStatus string
					Fulfillments             []struct{ TrackingInfo []struct{ Number string } }
				}
			}
		}
		shopifyQuery(t, sfyURL, ssb.Options().AccessToken, fmt.Sprintf(`{ order(id: %q) { displayFulfillmentStatus fulfillments { trackingInfo { number } } } }`, strings.TrimPrefix(l.LocalID, "sfy:")), &o)
		f := o.Data.Order.Fulfillments
		if o.Data.Order.DisplayFulfillmentStatus != "FULFILLED" || len(f) == 0 || len(f[len(f)-1].TrackingInfo) == 0 || !strings.HasPrefix(f[len(f)-1].TrackingInfo[0].Number, "JJFI") {
			t.Fatalf("Shopify order %s after Odoo shipped it: %+v", l.LocalID, o.Data.Order)
		}
	}
}

func toFloat(s string) float64 {
	var f float64
	fmt.Sscan(s, &f)
	return f
}

// The other way of seed 003: Odoo is the product master, and its products
// with their variants become Shopify products once (a second pass writes
// nothing new); Odoo's stock follows them to Shopify's location.
func TestOdooShopifyProducts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ssb, sfy, _ := newShopify(t, "sfy", sfysandbox.Options{Orders: -1, Products: -1, RestoreRate: 1000, MaximumAvailable: 20000})
	_, erp := newOdoo(t, "erp", odoosandbox.Options{Version: 18, Currency: "EUR"})
	routes := []flow.Route{
		{Name: "products", Flow: "products", From: "erp", To: "sfy", Options: &flow.ProductsOptions{BatchSize: 20}},
		{Name: "stock", Flow: "stock", From: "erp", To: "sfy", Options: &flow.StockOptions{Quantity: "available", BatchSize: 50}},
	}
	h := newHarnessWith(t, mcfsandbox.Options{Orders: -1, Products: -1}, routes, erp, harnessOpts{extra: map[string]connector.Conn{"sfy": sfy}})
	h.pass(t, "products")
	c := h.rt.Counts()["products"]
	if c.Created == 0 || c.Failed > 0 || ssb.ProductCount() != c.Created {
		t.Fatalf("products: counts %+v, %d in Shopify", c, ssb.ProductCount())
	}
	h.pass(t, "products")
	if n := ssb.ProductCount(); n != c.Created || h.rt.Counts()["products"].Created != c.Created {
		t.Fatalf("a second pass: %d products in Shopify, counts %+v", n, h.rt.Counts()["products"])
	}
	h.pass(t, "stock")
	levels, err := erp.StockLevels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, l := range levels {
		q, ok := ssb.Quantities(l.SKU, 0)
		if !ok {
			continue // a product without an internal reference, parked
		}
		checked++
		if float64(q["available"]) != l.Available.Float64() {
			t.Fatalf("SKU %s: Shopify %v, Odoo sells %v", l.SKU, q, l.Available)
		}
	}
	if checked == 0 {
		t.Fatal("no SKU of Odoo's is in Shopify")
	}
}

// The products route with a pricelist: Shopify gets the pricelist's prices
// (a variant's own fixed price, else the pricelist's 10 % off every product),
// not Odoo's list prices.
func TestOdooShopifyProductsAtPricelist(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ssb, sfy, _ := newShopify(t, "sfy", sfysandbox.Options{Orders: -1, Products: -1, RestoreRate: 1000, MaximumAvailable: 20000})
	esb, erp := newOdoo(t, "erp", odoosandbox.Options{Version: 17, Currency: "EUR"})
	variants := esb.SearchRead("product.product", []any{[]any{"default_code", "!=", false}}, []string{"default_code", "lst_price"})
	if len(variants) < 2 {
		t.Fatalf("Odoo has %d products with a code", len(variants))
	}
	pl, err := erp.Create(ctx, "product.pricelist", []map[string]any{{"name": "Shopify EUR"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	fixedSKU := variants[0]["default_code"].(string)
	if _, err := erp.Create(ctx, "product.pricelist.item", []map[string]any{
		{"pricelist_id": pl[0], "applied_on": "0_product_variant", "product_id": variants[0]["id"], "compute_price": "fixed", "fixed_price": 9.99, "min_quantity": 0},
		{"pricelist_id": pl[0], "applied_on": "3_global", "compute_price": "percentage", "percent_price": 10, "min_quantity": 0},
		{"pricelist_id": pl[0], "applied_on": "3_global", "compute_price": "percentage", "percent_price": 50, "min_quantity": 10},
	}, nil); err != nil {
		t.Fatal(err)
	}
	routes := []flow.Route{{Name: "products", Flow: "products", From: "erp", To: "sfy", Options: &flow.ProductsOptions{BatchSize: 20, Pricelist: fmt.Sprint(pl[0])}}}
	h := newHarnessWith(t, mcfsandbox.Options{Orders: -1, Products: -1}, routes, erp, harnessOpts{extra: map[string]connector.Conn{"sfy": sfy}})
	h.pass(t, "products")
	if c := h.rt.Counts()["products"]; c.Created == 0 || c.Failed > 0 {
		t.Fatalf("products: %+v", c)
	}
	checked := 0
	for _, v := range variants {
		sku := v["default_code"].(string)
		got, ok := shopifyPrice(ssb, sku)
		if !ok {
			continue
		}
		want := fmt.Sprintf("%.2f", toFloatAny(v["lst_price"])*0.9)
		if sku == fixedSKU {
			want = "9.99"
		}
		if got != want {
			t.Errorf("SKU %s: Shopify sells at %s, want %s (list price %v)", sku, got, want, v["lst_price"])
		}
		checked++
	}
	if checked < 2 {
		t.Fatalf("only %d SKUs reached Shopify", checked)
	}
}

// shopifyPrice is the price the Shopify sandbox sells sku at.
func shopifyPrice(sb *sfysandbox.Server, sku string) (string, bool) { return sb.VariantPrice(sku) }

func toFloatAny(v any) float64 {
	f, _ := v.(float64)
	return f
}

// Shopify's lines without a SKU (gift wrapping) go on the Odoo product the
// route's custom_line_sku names, with their name and price, and the order's
// total is the shop's; without the option such an order waits for a person.
func TestShopifyCustomLines(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, sfy, _ := newShopify(t, "sfy", sfysandbox.Options{Orders: 150, Products: 6, RestoreRate: 1000, MaximumAvailable: 20000})
	esb, erp := newOdoo(t, "erp", odoosandbox.Options{Version: 17, Currency: "EUR", Products: -1})
	if _, err := erp.Create(ctx, "account.tax", []map[string]any{{"name": "ALV 24 % (sis.)", "amount": 24, "amount_type": "percent", "type_tax_use": "sale", "price_include": true}}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := erp.Create(ctx, "product.template", []map[string]any{{"name": "Shop extras", "default_code": "CUSTOM", "type": "service", "list_price": 0}}, nil); err != nil {
		t.Fatal(err)
	}
	carriers, err := erp.CarrierNames(ctx)
	if err != nil || len(carriers) == 0 {
		t.Fatalf("Odoo carriers %v (%v)", carriers, err)
	}
	opts := &flow.OrdersOptions{BatchSize: 10, Overlap: time.Minute, HoldRisk: "off", ShippingMethods: []flow.Rule{{Match: "*", To: carriers[0]}}}
	routes := []flow.Route{
		{Name: "products", Flow: "products", From: "sfy", To: "erp", Options: &flow.ProductsOptions{BatchSize: 50}},
		{Name: "orders", Flow: "orders", From: "sfy", To: "erp", Options: opts},
	}
	h := newHarnessWith(t, mcfsandbox.Options{Orders: -1, Products: -1}, routes, erp, harnessOpts{extra: map[string]connector.Conn{"sfy": sfy}})
	h.pass(t, "products")
	h.pass(t, "orders")
	parked := h.rt.Counts()["orders"].Parked
	if parked == 0 {
		t.Fatal("no order with a line without SKU waited")
	}
	// The option set, the parked orders run again (they depend on the route).
	opts2 := *opts
	opts2.CustomLineSKU = "CUSTOM"
	h.rt.SetRoute(flow.Route{Name: "orders", Flow: "orders", From: "sfy", To: "erp", Options: &opts2})
	if _, err := h.queue.RetryIssues(ctx, store.IssueFilter{DependsOn: "route:orders"}); err != nil {
		t.Fatal(err)
	}
	h.pass(t, "orders")
	deadline := time.Now().Add(30 * time.Second)
	for {
		issues, _ := h.store.ListIssues(ctx, store.IssueFilter{Route: "orders", Open: true})
		if len(issues) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still parked: %+v", issues)
		}
		time.Sleep(100 * time.Millisecond)
	}
	lines := esb.SearchRead("sale.order.line", []any{[]any{"product_id.default_code", "=", "CUSTOM"}}, []string{"name", "price_unit", "order_id"})
	if len(lines) < parked {
		t.Fatalf("%d lines on the CUSTOM product for %d parked orders", len(lines), parked)
	}
	for _, l := range lines {
		if l["name"] != "Gift wrapping" || toFloatAny(l["price_unit"]) <= 0 {
			t.Errorf("custom line %v", l)
		}
	}
}

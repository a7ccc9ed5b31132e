// Package flowtest is the conformance suite of the flow capabilities: one
// test per capability that every connector offering it runs against its
// sandbox, as River runs one driver suite on every driver. A connector's test
// gives a Fixture (a client on a fresh sandbox, SKUs the target knows, the
// carrier its orders name) and calls the suites of what it offers.
package flowtest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/model"
)

// Fixture is what a suite needs of a connector.
type Fixture struct {
	// SKUs are products the target has (at least two).
	SKUs []string
	// Carrier is a shipping method or carrier the target knows, as a route's
	// mapping would give it.
	Carrier string
	// Prefix makes the fixture's order numbers unique in the target.
	Prefix string
	// Currency is the orders' currency; default EUR.
	Currency string
}

// Orders returns n orders of the fixture, each of one product line and a
// shipping line, priced gross with a 25.5 % tax.
func (f Fixture) Orders(n int) []model.OrderImport {
	var out []model.OrderImport
	cur := f.Currency
	if cur == "" {
		cur = "EUR"
	}
	for i := range n {
		num := fmt.Sprintf("%s%d", f.Prefix, 7001+i)
		o := model.Order{ID: model.RemoteID(num), Number: num, Status: model.OrderOpen, Currency: cur, CreatedAt: time.Now().UTC(),
			Customer: model.Party{Email: fmt.Sprintf("conformance%d@example.fi", i%3), Name: "Conformance"},
			Billing:  model.Address{FirstName: "Testi", LastName: "Asiakas", Street: "Katu 1", PostalCode: "00100", City: "Helsinki", Country: "FI", Email: fmt.Sprintf("conformance%d@example.fi", i%3)},
			Shipping: model.Address{FirstName: "Testi", LastName: "Asiakas", Street: "Katu 1", PostalCode: "00100", City: "Helsinki", Country: "FI", Email: fmt.Sprintf("conformance%d@example.fi", i%3)},
			Lines: []model.Line{
				{ID: "1", Kind: model.LineProduct, SKU: f.SKUs[i%len(f.SKUs)], Name: "Tuote", Quantity: model.DecimalFromInt(1), UnitPrice: model.MustDecimal("24.90"), TaxIncluded: true, TaxRate: model.MustDecimal("25.5")},
				{ID: "2", Kind: model.LineShipping, Name: "Toimitus", Quantity: model.DecimalFromInt(1), UnitPrice: model.MustDecimal("5.90"), TaxIncluded: true, TaxRate: model.MustDecimal("25.5")},
			},
			Total: model.MustDecimal("30.80")}
		out = append(out, model.OrderImport{Order: o, Ref: "SHOP-" + num, Carrier: f.Carrier})
	}
	return out
}

// OrderSink checks the OrderSink contract: one result per order in order; a
// repeated import creates nothing and answers the same ids; an update before
// the target started an order works; a cancel works and a second cancel is
// no error.
func OrderSink(t *testing.T, sink flow.OrderSink, f Fixture) {
	t.Helper()
	ctx := context.Background()
	imps := f.Orders(3)
	first, err := sink.ImportOrders(ctx, imps)
	if err != nil {
		t.Fatalf("ImportOrders: %v", err)
	}
	if len(first) != len(imps) {
		t.Fatalf("%d results for %d orders", len(first), len(imps))
	}
	ids := map[model.RemoteID]bool{}
	for i, r := range first {
		if r.Err != nil || r.RemoteID == "" || !r.Created {
			t.Fatalf("order %s: %+v, want created with an id", imps[i].Order.Number, r)
		}
		if ids[r.RemoteID] {
			t.Fatalf("two orders got id %s", r.RemoteID)
		}
		ids[r.RemoteID] = true
	}
	again, err := sink.ImportOrders(ctx, imps)
	if err != nil {
		t.Fatalf("ImportOrders again: %v", err)
	}
	for i, r := range again {
		if r.Err != nil || r.Created || r.RemoteID != first[i].RemoteID {
			t.Fatalf("order %s imported again: %+v, want the same id %s and nothing created", imps[i].Order.Number, r, first[i].RemoteID)
		}
	}
	changed := imps[0]
	changed.Order.Lines[0].Quantity = model.DecimalFromInt(2)
	changed.Order.Total = model.MustDecimal("55.70")
	if err := sink.UpdateOrder(ctx, string(first[0].RemoteID), changed); err != nil {
		t.Fatalf("UpdateOrder of an order the target has not started: %v", err)
	}
	cancelled := imps[1]
	cancelled.Order.Status = model.OrderCancelled
	if err := sink.CancelOrder(ctx, string(first[1].RemoteID), cancelled); err != nil {
		t.Fatalf("CancelOrder: %v", err)
	}
	if err := sink.CancelOrder(ctx, string(first[1].RemoteID), cancelled); err != nil && !errors.Is(err, model.ErrGone) {
		t.Fatalf("CancelOrder again: %v, want no error", err)
	}
}

// StockSource checks the StockSource contract: every level names its SKU,
// once, with no negative quantity on hand; the fixture's SKUs are there.
func StockSource(t *testing.T, src flow.StockSource, f Fixture) {
	t.Helper()
	levels, err := src.StockLevels(context.Background())
	if err != nil {
		t.Fatalf("StockLevels: %v", err)
	}
	seen := map[string]bool{}
	for _, l := range levels {
		if l.SKU == "" || seen[l.SKU] {
			t.Fatalf("level %+v: empty or repeated SKU", l)
		}
		seen[l.SKU] = true
	}
	for _, sku := range f.SKUs {
		if !seen[sku] {
			t.Errorf("no level for SKU %s", sku)
		}
	}
}

// ProductSink checks the ProductSink contract: a first upsert creates each
// product with an id; the same upsert again creates nothing and answers the
// same ids.
func ProductSink(t *testing.T, sink flow.ProductSink, prefix string) {
	t.Helper()
	ctx := context.Background()
	var ups []model.ProductUpsert
	for i := range 3 {
		sku := fmt.Sprintf("%sCONF-%d", prefix, i)
		ups = append(ups, model.ProductUpsert{Product: model.Product{ID: model.RemoteID(fmt.Sprint(9100 + i)), SKU: sku, Name: "Conformance " + sku,
			Price: model.MustDecimal("19.90"), Active: true, Barcode: fmt.Sprintf("64%011d", 9100+i)}})
	}
	first, err := sink.UpsertProducts(ctx, ups)
	if err != nil {
		t.Fatalf("UpsertProducts: %v", err)
	}
	if len(first) != len(ups) {
		t.Fatalf("%d results for %d products", len(first), len(ups))
	}
	for i, r := range first {
		if r.Err != nil || r.RemoteID == "" || !r.Created {
			t.Fatalf("product %s: %+v, want created", ups[i].Product.SKU, r)
		}
	}
	again, err := sink.UpsertProducts(ctx, ups)
	if err != nil {
		t.Fatalf("UpsertProducts again: %v", err)
	}
	for i, r := range again {
		if r.Err != nil || r.Created || r.RemoteID != first[i].RemoteID {
			t.Fatalf("product %s again: %+v, want the same id %s and nothing created", ups[i].Product.SKU, r, first[i].RemoteID)
		}
	}
}

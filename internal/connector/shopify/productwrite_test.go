package shopify

import (
	"context"
	"errors"
	"testing"

	"github.com/ferryhub/ferry/internal/flow/flowtest"
	"github.com/ferryhub/ferry/internal/model"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/shopify"
)

func TestProductSinkConformance(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{Products: -1, Orders: -1}, nil)
	flowtest.ProductSink(t, e.c, "SFY-")
}

// A product with variants becomes one Shopify product with a Variant option;
// a second upsert, linked or found by SKU, updates it in place (same ids, the
// new price); a variant dropped at the source is dropped in Shopify.
func TestUpsertProductWithVariants(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, sandbox.Options{Products: -1, Orders: -1}, nil)
	p := model.Product{ID: "77", Name: "Villasukat", Active: true, Price: model.MustDecimal("19.90"), Variants: []model.Variant{
		{SKU: "SOCK-S", Name: "S", Barcode: "6400000000011"}, {SKU: "SOCK-M", Name: "M"}, {SKU: "SOCK-L", Name: "L", Price: model.MustDecimal("21.90")},
	}}
	res, err := e.c.UpsertProducts(ctx, []model.ProductUpsert{{Product: p}})
	if err != nil || res[0].Err != nil || !res[0].Created || res[0].RemoteID == "" {
		t.Fatalf("create: %+v %v", res, err)
	}
	got, ok := e.sb.Product(res[0].RemoteID)
	if !ok || got.Title != "Villasukat" || len(got.Variants) != 3 || got.Status != "ACTIVE" {
		t.Fatalf("in Shopify: %+v", got)
	}
	p.Variants = p.Variants[:2]
	p.Variants[1].Price = model.MustDecimal("24.50")
	for _, up := range []model.ProductUpsert{{Product: p}, {Product: p, RemoteID: res[0].RemoteID}} {
		again, err := e.c.UpsertProducts(ctx, []model.ProductUpsert{up})
		if err != nil || again[0].Err != nil || again[0].Created || again[0].RemoteID != res[0].RemoteID {
			t.Fatalf("update (linked %v): %+v %v", up.RemoteID != "", again, err)
		}
	}
	if n := e.sb.ProductCount(); n != 1 {
		t.Fatalf("%d products in Shopify", n)
	}
	got, _ = e.sb.Product(res[0].RemoteID)
	if len(got.Variants) != 2 {
		t.Fatalf("after the update: %+v", got)
	}
	for _, v := range got.Variants {
		if v.SKU == "SOCK-M" && v.Price != "24.50" && v.Price != "24.5" {
			t.Fatalf("SOCK-M's price is %s after the update", v.Price)
		}
	}
}

// Shopify refusing a product (two variants alike) fails that product alone,
// as a business error naming it; one without any SKU is refused before any
// call. A create that committed and then dropped is found by its SKUs.
func TestUpsertProductRefusalsAndReadBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, sandbox.Options{Products: -1, Orders: -1}, nil)
	res, err := e.c.UpsertProducts(ctx, []model.ProductUpsert{
		{Product: model.Product{Name: "Kaksoset", Price: model.MustDecimal("5"), Variants: []model.Variant{{SKU: "TW-1", Name: "A"}, {SKU: "TW-2", Name: "A"}}}},
		{Product: model.Product{Name: "Nimetön", Price: model.MustDecimal("5")}},
		{Product: model.Product{SKU: "OK-1", Name: "Hyvä", Price: model.MustDecimal("5"), Active: true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var ue *UserErrors
	if res[0].Err == nil || res[1].Err == nil || !errors.As(res[1].Err, &ue) || res[2].Err != nil {
		t.Fatalf("results %+v", res)
	}
	if err := e.sb.SetCommitThenFail(sandbox.CommitThenFail{Next: 1, Drop: true}); err != nil {
		t.Fatal(err)
	}
	res, err = e.c.UpsertProducts(ctx, []model.ProductUpsert{{Product: model.Product{SKU: "CTF-1", Name: "Pudonnut", Price: model.MustDecimal("7"), Active: true}}})
	if err != nil || res[0].Err != nil || res[0].RemoteID == "" {
		t.Fatalf("a create that committed and dropped: %+v %v", res, err)
	}
	if len(e.sb.CommitFailures()) != 1 {
		t.Fatalf("%d commits failed: the read-back was not tried", len(e.sb.CommitFailures()))
	}
	if n := e.sb.ProductCount(); n != 2 {
		t.Fatalf("%d products in Shopify, want OK-1 and CTF-1 once each", n)
	}
}

package flow_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/model"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
)

// fakeCatalog is an ERP's product master in memory.
type fakeCatalog struct {
	mu       sync.Mutex
	products map[string]model.Product
}

func (f *fakeCatalog) Test(context.Context) (connector.TestReport, error) {
	return connector.TestReport{OK: true}, nil
}

func (f *fakeCatalog) ChangedProducts(ctx context.Context, since time.Time, page func([]model.Product, time.Time) error) error {
	f.mu.Lock()
	var out []model.Product
	var newest time.Time
	for _, p := range f.products {
		if !p.UpdatedAt.Before(since) {
			out = append(out, p)
			if p.UpdatedAt.After(newest) {
				newest = p.UpdatedAt
			}
		}
	}
	f.mu.Unlock()
	return page(out, newest)
}

func (f *fakeCatalog) put(p model.Product) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p.UpdatedAt = time.Now().UTC()
	f.products[p.ID] = p
}

func TestProductsExportCreatesOnceUpdatesChangesParksMissingSKU(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	erp := &fakeCatalog{products: map[string]model.Product{}}
	erp.put(model.Product{ID: "1", SKU: "FERRY-TEE", Name: "Ferry tee", Price: model.MustDecimal("19.9"), TaxRate: model.MustDecimal("25.5"), Brand: "Ferry", Categories: []string{"Paidat"}, Active: true})
	erp.put(model.Product{ID: "2", Name: "Ferry hoodie", Price: model.MustDecimal("49"), TaxRate: model.MustDecimal("25.5"), Active: true,
		Variants: []model.Variant{{ID: "21", SKU: "FERRY-HOOD-S", Name: "S", Price: model.MustDecimal("49")}, {ID: "22", SKU: "FERRY-HOOD-M", Name: "M", Price: model.MustDecimal("49")}}})
	erp.put(model.Product{ID: "3", Name: "No reference", Price: model.MustDecimal("5"), Active: true})

	h := newHarness(t, mcfsandbox.Options{Seed: 13}, []flow.Route{{Name: "products", Flow: "products", From: "erp", To: "shop", Options: &flow.ProductsOptions{BatchSize: 10}}}, erp)
	sb, q, rt := h.sb, h.queue, h.rt
	pass := func() { h.pass(t, "products") }
	before := len(sb.Products())
	pass()
	if n := len(sb.Products()); n != before+2 {
		t.Fatalf("the shop has %d products, want %d (two exported, one parked)", n, before+2)
	}
	tee, ok := sb.Product("FERRY-TEE")
	if !ok {
		t.Fatal("FERRY-TEE was not exported")
	}
	hood, ok := sb.Product("FERRY-HOOD-M")
	if !ok || len(hood.Variations) != 2 {
		t.Fatalf("the hoodie and its variations: %+v", hood)
	}
	parked, _ := q.List(ctx, jobs.Filter{Route: "products", States: []jobs.State{jobs.StateParked}})
	if len(parked) != 1 || !strings.Contains(parked[0].Reason, `product "No reference" has no internal reference`) {
		t.Fatalf("parked: %+v", parked)
	}
	// Nothing changed: nothing is written.
	writes := sb.Calls("PATCH /products/{id}") + sb.Calls("POST /products")
	pass()
	if w := sb.Calls("PATCH /products/{id}") + sb.Calls("POST /products"); w != writes {
		t.Fatalf("an unchanged pass wrote %d times", w-writes)
	}
	// A price change is an update of the same product; a new variation is added.
	time.Sleep(10 * time.Millisecond)
	p := erp.products["2"]
	p.Variants = append(p.Variants, model.Variant{ID: "23", SKU: "FERRY-HOOD-L", Name: "L", Price: model.MustDecimal("52")})
	erp.put(p)
	t1 := erp.products["1"]
	t1.Price = model.MustDecimal("17.5")
	erp.put(t1)
	pass()
	if n := len(sb.Products()); n != before+2 {
		t.Fatalf("an update created products: %d", n)
	}
	if hood, _ := sb.Product("FERRY-HOOD-L"); len(hood.Variations) != 3 {
		t.Fatalf("new variation missing: %+v", hood)
	}
	if tee2, _ := sb.Product("FERRY-TEE"); tee2.ID != tee.ID || tee2.Price != 17.5 {
		t.Fatalf("price not updated in place: %+v", tee2)
	}
	if c := rt.Counts()["products"]; c.Created != 2 || c.Updated != 2 || c.Parked != 1 {
		t.Fatalf("counts %+v", c)
	}
}

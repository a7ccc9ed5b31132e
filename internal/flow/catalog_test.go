package flow_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/model"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
)

// The product sync page's data: Refresh reads the source's products without
// writing to the target, each product says whether the target has its SKUs
// (read from the target, here a MyCashflow shop), "missing" keeps those it
// lacks, and a product gone from the source leaves at the next Refresh.
func TestProductSyncRefreshAndTargetPresence(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	erp := &fakeCatalog{products: map[string]model.Product{}}
	erp.put(model.Product{ID: "1", SKU: "SYNC-A", Name: "Sync A", Price: model.MustDecimal("10"), TaxRate: model.MustDecimal("25.5"), Active: true})
	erp.put(model.Product{ID: "2", Name: "Sync B", Price: model.MustDecimal("20"), TaxRate: model.MustDecimal("25.5"), Active: true,
		Variants: []model.Variant{{ID: "21", SKU: "SYNC-B-S", Name: "S"}, {ID: "22", SKU: "SYNC-B-M", Name: "M"}}})
	erp.put(model.Product{ID: "3", Name: "Sync C without SKU", Price: model.MustDecimal("5"), Active: true})
	h := newHarness(t, mcfsandbox.Options{Seed: 21}, []flow.Route{
		{Name: "products", Flow: "products", From: "erp", To: "shop", Options: &flow.ProductsOptions{BatchSize: 10}},
		// The ERP double cannot list a catalogue.
		{Name: "back", Flow: "products", From: "shop", To: "erp", Options: &flow.ProductsOptions{BatchSize: 10}},
	}, erp)
	sync := func(f flow.ProductFilter) flow.ProductPage {
		t.Helper()
		pg, err := flow.ProductSync(ctx, h.rt, "products", f)
		if err != nil {
			t.Fatal(err)
		}
		return pg
	}
	refresh := func(route string) {
		t.Helper()
		before, _ := flow.ProductSync(ctx, h.rt, route, flow.ProductFilter{})
		if queued, err := flow.RefreshCatalog(ctx, h.rt, route); err != nil || !queued {
			t.Fatalf("refresh %s: queued %v, %v", route, queued, err)
		}
		waitFor(t, func() bool {
			pg, err := flow.ProductSync(ctx, h.rt, route, flow.ProductFilter{})
			return err == nil && !pg.Refreshing && pg.RefreshedAt.After(before.RefreshedAt)
		})
	}
	shopProducts := len(h.sb.Products())

	refresh("products")
	pg := sync(flow.ProductFilter{})
	if len(h.sb.Products()) != shopProducts {
		t.Fatal("a refresh wrote to the target")
	}
	if !pg.TargetChecked || pg.TargetError != "" || pg.Target != "shop" || pg.Total != 3 || pg.Missing != 3 {
		t.Fatalf("after the refresh: %+v", pg)
	}
	byID := func(pg flow.ProductPage, id string) flow.ProductView {
		for _, v := range pg.Products {
			if v.ID == id {
				return v
			}
		}
		t.Fatalf("product %s not listed: %+v", id, pg.Products)
		return flow.ProductView{}
	}
	if b := byID(pg, "2"); b.InTarget == nil || *b.InTarget || !slices.Equal(b.MissingSKUs, []string{"SYNC-B-S", "SYNC-B-M"}) || b.Variants[0].InTarget == nil || *b.Variants[0].InTarget {
		t.Fatalf("product B before its export: %+v", b)
	}

	// Export A and B (a person's Create product); C has no SKU and parks.
	if _, err := flow.ExportProducts(ctx, h.rt, "products", []string{"1", "2"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return sync(flow.ProductFilter{}).Missing == 1 })
	pg = sync(flow.ProductFilter{})
	a, b := byID(pg, "1"), byID(pg, "2")
	if !*a.InTarget || a.TargetRecord == "" || !*b.InTarget || b.MissingSKUs != nil || !*b.Variants[1].InTarget || b.Variants[1].TargetRecord == "" {
		t.Fatalf("after the export: A %+v, B %+v", a, b)
	}
	if m := sync(flow.ProductFilter{Missing: true}); m.Total != 1 || m.Products[0].ID != "3" || *m.Products[0].InTarget {
		t.Fatalf("missing in the target: %+v", m)
	}
	if q := sync(flow.ProductFilter{Missing: true, Query: "sync-b"}); q.Total != 0 {
		t.Fatalf("missing and matching sync-b: %+v", q)
	}

	// B leaves the source: the next refresh takes it off the page.
	erp.mu.Lock()
	delete(erp.products, "2")
	erp.mu.Unlock()
	refresh("products")
	if pg := sync(flow.ProductFilter{}); pg.Total != 2 {
		t.Fatalf("after B left the source: %+v", pg.Products)
	}

	// A target that cannot list its products: nothing is claimed missing.
	refresh("back")
	back, err := flow.ProductSync(ctx, h.rt, "back", flow.ProductFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if back.TargetChecked || !strings.Contains(back.TargetError, "connection erp cannot list its products") || back.Total == 0 || back.Products[0].InTarget != nil {
		t.Fatalf("route back: %+v", back)
	}
	if m, _ := flow.ProductSync(ctx, h.rt, "back", flow.ProductFilter{Missing: true}); m.Total != 0 {
		t.Fatalf("route back, missing: %d listed", m.Total)
	}
	if _, err := flow.RefreshCatalog(ctx, h.rt, "nope"); err == nil {
		t.Fatal("refreshed an unknown route")
	}
}

package flow_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/model"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
	"github.com/ferryhub/ferry/internal/store"
)

// fakeConfigERP takes shop configurations and keeps pricelists, matched by name.
type fakeConfigERP struct {
	mu         sync.Mutex
	carriers   map[string]string
	categories map[string]string
	pricelists map[string]*model.Pricelist
	next       int
}

func (f *fakeConfigERP) Test(context.Context) (connector.TestReport, error) {
	return connector.TestReport{OK: true}, nil
}

func (f *fakeConfigERP) ensure(m map[string]string, name string, res *model.ConfigResult) string {
	if id, ok := m[name]; ok {
		res.Existing++
		return id
	}
	f.next++
	m[name] = fmt.Sprint(f.next)
	res.Created++
	return m[name]
}

func (f *fakeConfigERP) ApplyShopConfig(ctx context.Context, c model.ShopConfig) (model.ConfigResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	res := model.ConfigResult{Carriers: map[string]string{}, Categories: map[string]string{}, Pricelists: map[string]string{}}
	for _, m := range c.ShippingMethods {
		res.Carriers[m.ID] = f.ensure(f.carriers, m.Name, &res)
	}
	for _, k := range c.Categories {
		res.Categories[k.ID] = f.ensure(f.categories, k.Name, &res)
	}
	for _, camp := range c.Campaigns {
		if pl, ok := f.pricelists[camp.Name]; ok {
			res.Pricelists[camp.ID] = pl.ID
			res.Existing++
			continue
		}
		f.next++
		f.pricelists[camp.Name] = &model.Pricelist{ID: fmt.Sprint(f.next), Name: camp.Name, Active: false}
		res.Pricelists[camp.ID] = fmt.Sprint(f.next)
		res.Created++
	}
	return res, nil
}

func (f *fakeConfigERP) Pricelists(ctx context.Context, ids []string) ([]model.Pricelist, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []model.Pricelist
	for _, pl := range f.pricelists {
		for _, id := range ids {
			if pl.ID == id {
				out = append(out, *pl)
			}
		}
	}
	return out, nil
}

func TestBaseConfigThenCampaignPrices(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	erp := &fakeConfigERP{carriers: map[string]string{}, categories: map[string]string{}, pricelists: map[string]*model.Pricelist{}}
	h := newHarness(t, mcfsandbox.Options{Seed: 15}, []flow.Route{
		{Name: "base", Flow: "base_config", From: "shop", To: "erp"},
		{Name: "prices", Flow: "campaign_prices", From: "erp", To: "shop"},
	}, erp)
	sb, st, rt := h.sb, h.store, h.rt
	pass := func(routes ...string) { h.pass(t, routes...) }
	pass("base")
	camps := sb.Campaigns()
	if len(erp.pricelists) != len(camps) || len(erp.carriers) == 0 || len(erp.categories) == 0 {
		t.Fatalf("ERP got %d pricelists for %d campaigns, %d carriers, %d categories", len(erp.pricelists), len(camps), len(erp.carriers), len(erp.categories))
	}
	for _, pl := range erp.pricelists {
		if pl.Active {
			t.Fatalf("pricelist %s was created active", pl.Name)
		}
	}
	pass("base")
	if c := rt.Counts()["base"]; c.Created == 0 || c.Unchanged != c.Created {
		t.Fatalf("the second base pass created again: %+v", c)
	}

	// The ERP user writes quantity rules into the first campaign's pricelist.
	code := sb.Products()[0].ProductCode
	price := model.MustDecimal("7.5")
	pct := model.DecimalFromInt(10)
	erp.mu.Lock()
	pl := erp.pricelists[camps[0].Name]
	pl.Rules = []model.PriceRule{
		{SKU: code, MinQuantity: model.DecimalFromInt(3), FixedPrice: &price},
		{Scope: "category Paidat", MinQuantity: model.DecimalFromInt(1), DiscountPercent: &pct},
		// Odoo's default minimum quantity 0 is a price from the first unit.
		{SKU: code, MinQuantity: 0, FixedPrice: &price},
	}
	erp.mu.Unlock()
	pass("prices")
	var found, fromOne bool
	for _, c := range sb.Campaigns() {
		if c.ID != camps[0].ID {
			continue
		}
		for _, p := range c.Prices {
			if p.ProductCode == code && p.MinQuantity == 3 && p.Price == 7.5 {
				found = true
			}
			fromOne = fromOne || p.ProductCode == code && p.MinQuantity == 1
		}
	}
	if !found || !fromOne {
		t.Fatalf("the quantity price (%v) or the price from 1 (%v) did not reach campaign %d", found, fromOne, camps[0].ID)
	}
	if c := rt.Counts()["prices"]; c.Updated != 2 || c.Parked != 1 {
		t.Fatalf("campaign counts %+v (two sent, one rejected)", c)
	}
	logs, _ := st.ListLogs(ctx, store.LogFilter{Route: "prices"})
	if len(logs) < 1 {
		t.Fatalf("rejected rules left %d log lines", len(logs))
	}
	writes := sb.Calls("POST /campaigns/{id}/prices")
	pass("prices")
	if sb.Calls("POST /campaigns/{id}/prices") != writes {
		t.Fatal("unchanged rules were sent again")
	}
}

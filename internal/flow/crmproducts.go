package flow

import (
	"context"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

// The crm_products route (seed 004: Odoo's products ⇄ Clientify's products),
// two-way (twoway.go): linked by SKU; name, list_price → price, sku. It is a
// kind of its own, not the products route: that one is one-way (a product
// master → a shop, templates with variants, a catalogue of what it read),
// while a CRM lists one product per SKU and changes them too. The products
// route is unchanged.

var crmProductsKind = &syncKind[model.CRMProduct]{
	flow: "crm_products", title: "CRM products (two-way)", link: "crm_product", noun: "product", keyName: "SKU",
	need: need[CRMProductSide]("a CRM product system (source and target of products by SKU)"),
	side: func(ctx context.Context, rt *Runtime, r Route, conn string) (syncSide[model.CRMProduct], error) {
		c, err := As[CRMProductSide](ctx, rt, r, conn, "a CRM product system")
		return crmProductSide{c}, err
	},
	key:     func(p model.CRMProduct) string { return model.SKUKey(p.SKU) },
	id:      func(p model.CRMProduct) string { return p.ID },
	updated: func(p model.CRMProduct) time.Time { return p.UpdatedAt },
	label: func(p model.CRMProduct) string {
		return labelOf("product", model.SKUKey(p.SKU), p.ID, p.Name)
	},
}

func init() { crmProductsKind.register() }

type crmProductSide struct{ c CRMProductSide }

func (s crmProductSide) changed(ctx context.Context, since time.Time, page func([]model.CRMProduct, []error, time.Time) error) error {
	return s.c.ChangedCRMProducts(ctx, since, page)
}
func (s crmProductSide) read(ctx context.Context, ids []string) ([]model.CRMProduct, error) {
	return s.c.ReadCRMProducts(ctx, ids)
}
func (s crmProductSide) find(ctx context.Context, keys []string) ([]model.Match[model.CRMProduct], error) {
	return s.c.FindCRMProducts(ctx, keys)
}
func (s crmProductSide) write(ctx context.Context, ws []model.Upsert[model.CRMProduct]) ([]model.Written[model.CRMProduct], error) {
	return s.c.WriteCRMProducts(ctx, ws)
}

package odoo

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

// storableDomain selects the products that keep stock: type "product" on 14,
// detailed_type "product" on 15 to 17, is_storable on 18 and later.
func storableDomain(version int) []any {
	switch {
	case version >= 18:
		return []any{"is_storable", "=", true}
	case version >= 15:
		return []any{"detailed_type", "=", "product"}
	}
	return []any{"type", "=", "product"}
}

// typeField is product.template's field for its kind (goods, service):
// detailed_type from 15 to 17, type on 14 and from 18 on.
func typeField(version int) string {
	if version >= 15 && version < 18 {
		return "detailed_type"
	}
	return "type"
}

type stockRow struct {
	ID           Int `json:"id"`
	DefaultCode  Str `json:"default_code"`
	QtyAvailable Num `json:"qty_available"`
	FreeQty      Num `json:"free_qty"`
}

type warehouseRow struct {
	ID   Int `json:"id"`
	Code Str `json:"code"`
}

// StockLevels returns on-hand and free quantities of every storable product
// with an internal reference, in the configured warehouse (or all of them).
func (c *Client) StockLevels(ctx context.Context) ([]model.Stock, error) {
	version, err := c.Version(ctx)
	if err != nil {
		return nil, err
	}
	var qctx map[string]any
	if c.s.Warehouse != "" {
		whs, err := SearchRead[warehouseRow](ctx, c, "stock.warehouse", Query{Domain: []any{[]any{"code", "=", c.s.Warehouse}}, Fields: []string{"code"}})
		if err != nil {
			return nil, err
		}
		if len(whs) == 0 {
			return nil, &RecordError{Entity: "warehouse " + c.s.Warehouse, Msg: "Odoo has no warehouse with that code; fix settings.warehouse", Action: true}
		}
		qctx = map[string]any{"warehouse": int64(whs[0].ID)}
	}
	rows, err := SearchRead[stockRow](ctx, c, "product.product", Query{
		Domain: []any{[]any{"default_code", "!=", false}, storableDomain(version)},
		Fields: []string{"default_code", "qty_available", "free_qty"}, Context: qctx,
	})
	if err != nil {
		return nil, err
	}
	out := make([]model.Stock, 0, len(rows))
	for _, r := range rows {
		out = append(out, model.Stock{SKU: string(r.DefaultCode), Quantity: r.QtyAvailable.D(), Available: r.FreeQty.D()})
	}
	return out, nil
}

type templateRow struct {
	ID                Int      `json:"id"`
	Name              Str      `json:"name"`
	DefaultCode       Str      `json:"default_code"`
	ListPrice         Num      `json:"list_price"`
	CategID           Many2one `json:"categ_id"`
	DescriptionSale   Str      `json:"description_sale"`
	Weight            Num      `json:"weight"`
	Active            Bool     `json:"active"`
	SaleOK            Bool     `json:"sale_ok"`
	TaxesID           IDs      `json:"taxes_id"`
	ProductVariantIDs IDs      `json:"product_variant_ids"`
	WriteDate         Time     `json:"write_date"`
}

type variantRow struct {
	ID           Int      `json:"id"`
	TemplateID   Many2one `json:"product_tmpl_id"`
	DefaultCode  Str      `json:"default_code"`
	Barcode      Str      `json:"barcode"`
	LstPrice     Num      `json:"lst_price"`
	Weight       Num      `json:"weight"`
	AttributeIDs IDs      `json:"product_template_attribute_value_ids"`
	WriteDate    Time     `json:"write_date"`
}

type nameRow struct {
	ID   Int `json:"id"`
	Name Str `json:"name"`
}

// ChangedProducts reads the sellable product templates changed at or after
// since, and those whose variants alone changed, with their variants, tax rate,
// category and attribute values, a page at a time. A template with one variant
// and no attributes is a product without variants.
//
// Both are read by keyset on (write_date, id), so records that change while it
// pages are neither skipped nor repeated. A template can be due to its own
// change or a variant's, so the pages' checkpoint is since until both feeds
// are read to their end; then it is the older of their newest changes.
func (c *Client) ChangedProducts(ctx context.Context, since time.Time, page func(products []model.Product, through time.Time) error) error {
	tfeed := Feed{Name: "products", Model: "product.template", Domain: []any{[]any{"sale_ok", "=", true}, []any{"active", "=", true}}, Fields: fixed(templateFields...)}
	vfeed := Feed{Name: "variants", Model: "product.product", Fields: fixed("product_tmpl_id")}
	start := keysetFrom(since)
	done := map[int64]bool{}
	newest := func(cur Cursor) time.Time {
		if cur.WriteDate.IsZero() {
			return since
		}
		return cur.WriteDate
	}
	tcur := start
	for {
		rows, next, err := c.Changes(ctx, tfeed, tcur, 0)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			break
		}
		templates := make([]templateRow, 0, len(rows))
		for _, ch := range rows {
			var t templateRow
			if err := ch.Decode(&t); err != nil {
				return fmt.Errorf("product.template %d: %w", ch.ID, err)
			}
			done[ch.ID] = true
			templates = append(templates, t)
		}
		products, err := c.productsOf(ctx, templates)
		if err != nil {
			return err
		}
		if err := page(products, since); err != nil {
			return err
		}
		tcur = next
	}
	if since.IsZero() {
		// Every template was read; variants cannot add one.
		return page(nil, newest(tcur))
	}
	vcur := start
	for {
		rows, next, err := c.Changes(ctx, vfeed, vcur, 0)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			break
		}
		var more []any
		for _, ch := range rows {
			var v struct {
				TemplateID Many2one `json:"product_tmpl_id"`
			}
			if err := ch.Decode(&v); err != nil {
				return fmt.Errorf("product.product %d: %w", ch.ID, err)
			}
			if id := v.TemplateID.ID; id != 0 && !done[id] {
				done[id] = true
				more = append(more, id)
			}
		}
		if len(more) > 0 {
			templates, err := SearchRead[templateRow](ctx, c, "product.template", Query{Domain: []any{[]any{"id", "in", more}, []any{"sale_ok", "=", true}}, Fields: templateFields})
			if err != nil {
				return err
			}
			products, err := c.productsOf(ctx, templates)
			if err != nil {
				return err
			}
			if err := page(products, since); err != nil {
				return err
			}
		}
		vcur = next
	}
	through := newest(tcur)
	if v := newest(vcur); v.Before(through) {
		through = v
	}
	return page(nil, through)
}

var templateFields = []string{"name", "default_code", "list_price", "categ_id", "description_sale", "weight", "active", "sale_ok", "taxes_id", "product_variant_ids", "write_date"}

// productsOf reads the variants, attribute names and tax rates of templates
// and maps them.
func (c *Client) productsOf(ctx context.Context, templates []templateRow) ([]model.Product, error) {
	if len(templates) == 0 {
		return nil, nil
	}
	var tids, taxIDs []any
	seenTax := map[int64]bool{}
	for _, t := range templates {
		tids = append(tids, int64(t.ID))
		for _, x := range t.TaxesID {
			if !seenTax[x] {
				seenTax[x] = true
				taxIDs = append(taxIDs, x)
			}
		}
	}
	variants, err := SearchRead[variantRow](ctx, c, "product.product", Query{Domain: []any{[]any{"product_tmpl_id", "in", tids}}, Fields: []string{"product_tmpl_id", "default_code", "barcode", "lst_price", "weight", "product_template_attribute_value_ids", "write_date"}})
	if err != nil {
		return nil, err
	}
	var attrIDs []any
	seenAttr := map[int64]bool{}
	for _, v := range variants {
		for _, a := range v.AttributeIDs {
			if !seenAttr[a] {
				seenAttr[a] = true
				attrIDs = append(attrIDs, a)
			}
		}
	}
	attrNames := map[int64]string{}
	if len(attrIDs) > 0 {
		rows, err := SearchRead[nameRow](ctx, c, "product.template.attribute.value", Query{Domain: []any{[]any{"id", "in", attrIDs}}, Fields: []string{"name"}})
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			attrNames[int64(r.ID)] = string(r.Name)
		}
	}
	rates := map[int64]model.Decimal{}
	if len(taxIDs) > 0 {
		rows, err := SearchRead[taxRow](ctx, c, "account.tax", Query{Domain: []any{[]any{"id", "in", taxIDs}}, Fields: []string{"amount", "price_include"}})
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			rates[int64(r.ID)] = r.Amount.D()
		}
	}
	byTemplate := map[int64][]variantRow{}
	for _, v := range variants {
		byTemplate[v.TemplateID.ID] = append(byTemplate[v.TemplateID.ID], v)
	}
	out := make([]model.Product, 0, len(templates))
	for _, t := range templates {
		out = append(out, toProduct(t, byTemplate[int64(t.ID)], attrNames, rates))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func toProduct(t templateRow, vs []variantRow, attrs map[int64]string, rates map[int64]model.Decimal) model.Product {
	p := model.Product{
		ID: t.ID.String(), SKU: string(t.DefaultCode), Name: string(t.Name), Description: string(t.DescriptionSale),
		Price: t.ListPrice.D(), Weight: t.Weight.D(), Active: bool(t.Active), UpdatedAt: t.WriteDate.Time,
	}
	if t.CategID.Name != "" {
		// "All / Saleable / Shirts" → the leaf name.
		parts := strings.Split(t.CategID.Name, " / ")
		p.Categories = []string{parts[len(parts)-1]}
	}
	for _, x := range t.TaxesID {
		if r, ok := rates[x]; ok {
			p.TaxRate = r
			break
		}
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i].ID < vs[j].ID })
	for _, v := range vs {
		if v.WriteDate.After(p.UpdatedAt) {
			p.UpdatedAt = v.WriteDate.Time
		}
	}
	if len(vs) == 1 && len(vs[0].AttributeIDs) == 0 {
		if p.SKU == "" {
			p.SKU = string(vs[0].DefaultCode)
		}
		p.Barcode = string(vs[0].Barcode)
		return p
	}
	for i, v := range vs {
		var names []string
		for _, a := range v.AttributeIDs {
			names = append(names, attrs[a])
		}
		p.Variants = append(p.Variants, model.Variant{
			ID: v.ID.String(), SKU: string(v.DefaultCode), Name: strings.Join(names, ", "), Barcode: string(v.Barcode),
			Price: v.LstPrice.D(), Weight: v.Weight.D(), Sort: i,
		})
	}
	return p
}

type pricelistRow struct {
	ID     Int  `json:"id"`
	Name   Str  `json:"name"`
	Active Bool `json:"active"`
}

type itemRow struct {
	ID           Int      `json:"id"`
	PricelistID  Many2one `json:"pricelist_id"`
	AppliedOn    Str      `json:"applied_on"`
	TemplateID   Many2one `json:"product_tmpl_id"`
	ProductID    Many2one `json:"product_id"`
	CategID      Many2one `json:"categ_id"`
	MinQuantity  Num      `json:"min_quantity"`
	ComputePrice Str      `json:"compute_price"`
	FixedPrice   Num      `json:"fixed_price"`
	PercentPrice Num      `json:"percent_price"`
}

type codeRow struct {
	ID          Int      `json:"id"`
	DefaultCode Str      `json:"default_code"`
	TemplateID  Many2one `json:"product_tmpl_id"`
}

// Pricelists returns the pricelists with the given ids and their rules. A rule
// on a product template or variant carries the SKU; others carry their scope.
func (c *Client) Pricelists(ctx context.Context, ids []string) ([]model.Pricelist, error) {
	var pids []any
	for _, id := range ids {
		pids = append(pids, parseInt(id))
	}
	lists, err := SearchRead[pricelistRow](ctx, c, "product.pricelist", Query{Domain: []any{[]any{"id", "in", pids}}, Fields: []string{"name", "active"}, Context: inactiveToo})
	if err != nil {
		return nil, err
	}
	items, err := SearchRead[itemRow](ctx, c, "product.pricelist.item", Query{Domain: []any{[]any{"pricelist_id", "in", pids}}, Fields: []string{"pricelist_id", "applied_on", "product_tmpl_id", "product_id", "categ_id", "min_quantity", "compute_price", "fixed_price", "percent_price"}, Context: inactiveToo})
	if err != nil {
		return nil, err
	}
	var prodIDs, tmplIDs []any
	for _, it := range items {
		if it.ProductID.ID != 0 {
			prodIDs = append(prodIDs, it.ProductID.ID)
		} else if it.TemplateID.ID != 0 {
			tmplIDs = append(tmplIDs, it.TemplateID.ID)
		}
	}
	codeOfProduct := map[int64]string{}
	codeOfTemplate := map[int64]string{}
	if len(prodIDs)+len(tmplIDs) > 0 {
		dom := []any{"|", []any{"id", "in", prodIDs}, []any{"product_tmpl_id", "in", tmplIDs}}
		rows, err := SearchRead[codeRow](ctx, c, "product.product", Query{Domain: dom, Fields: []string{"default_code", "product_tmpl_id"}, Context: inactiveToo})
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			codeOfProduct[int64(r.ID)] = string(r.DefaultCode)
			if _, ok := codeOfTemplate[r.TemplateID.ID]; !ok {
				codeOfTemplate[r.TemplateID.ID] = string(r.DefaultCode)
			}
		}
	}
	rules := map[int64][]model.PriceRule{}
	for _, it := range items {
		r := model.PriceRule{MinQuantity: it.MinQuantity.D()}
		// Odoo's default minimum quantity, 0, applies from the first unit.
		if r.MinQuantity.IsZero() {
			r.MinQuantity = model.DecimalFromInt(1)
		}
		switch {
		case it.ProductID.ID != 0:
			r.SKU = codeOfProduct[it.ProductID.ID]
		case it.TemplateID.ID != 0:
			r.SKU = codeOfTemplate[it.TemplateID.ID]
		case it.CategID.ID != 0:
			r.Scope = "category " + it.CategID.Name
		default:
			r.Scope = "all products"
		}
		switch it.ComputePrice {
		case "fixed":
			v := it.FixedPrice.D()
			r.FixedPrice = &v
		case "percentage":
			v := it.PercentPrice.D()
			r.DiscountPercent = &v
		default:
			r.Scope = strings.TrimSpace(r.Scope + " (formula price)")
		}
		rules[it.PricelistID.ID] = append(rules[it.PricelistID.ID], r)
	}
	out := make([]model.Pricelist, 0, len(lists))
	for _, l := range lists {
		out = append(out, model.Pricelist{ID: l.ID.String(), Name: string(l.Name), Active: bool(l.Active), Rules: rules[int64(l.ID)]})
	}
	return out, nil
}

// HoldsStock says the goods are here: the system can be a stock route's source.
func (c *Client) HoldsStock() {}

package odoo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/remote"
)

// crmVariantRow is a sellable variant as the crm_products route reads it.
type crmVariantRow struct {
	ID          Int      `json:"id"`
	DefaultCode Str      `json:"default_code"`
	DisplayName Str      `json:"display_name"`
	LstPrice    Num      `json:"lst_price"`
	Active      Bool     `json:"active"`
	TemplateID  Many2one `json:"product_tmpl_id"`
	WriteDate   Time     `json:"write_date"`
}

var crmVariantFields = []string{"default_code", "display_name", "lst_price", "active", "product_tmpl_id", "write_date"}

type crmTemplateRow struct {
	ID                Int  `json:"id"`
	Name              Str  `json:"name"`
	Active            Bool `json:"active"`
	SaleOK            Bool `json:"sale_ok"`
	ProductVariantIDs IDs  `json:"product_variant_ids"`
	WriteDate         Time `json:"write_date"`
}

var crmTemplateFields = []string{"name", "active", "sale_ok", "product_variant_ids", "write_date"}

// crmProductName is a variant's name without its "[code] " prefix.
func crmProductName(display, code string) string {
	display = strings.TrimSpace(display)
	if code != "" {
		display = strings.TrimSpace(strings.TrimPrefix(display, "["+code+"]"))
	}
	return display
}

// variantsOf reads the variants of templates (archived ones too) and maps
// them, each updated at the later of its own and its template's write.
func (c *Client) crmVariants(ctx context.Context, domain []any) ([]model.CRMProduct, error) {
	vs, err := SearchRead[crmVariantRow](ctx, c, "product.product", Query{Domain: domain, Fields: crmVariantFields, Context: inactiveToo})
	if err != nil {
		return nil, err
	}
	var tids []any
	seen := map[int64]bool{}
	for _, v := range vs {
		if id := v.TemplateID.ID; id != 0 && !seen[id] {
			seen[id] = true
			tids = append(tids, id)
		}
	}
	templates := map[int64]crmTemplateRow{}
	if len(tids) > 0 {
		ts, err := SearchRead[crmTemplateRow](ctx, c, "product.template", Query{Domain: []any{[]any{"id", "in", tids}}, Fields: crmTemplateFields, Context: inactiveToo})
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			templates[int64(t.ID)] = t
		}
	}
	var out []model.CRMProduct
	for _, v := range vs {
		t, ok := templates[v.TemplateID.ID]
		if !ok || !bool(t.SaleOK) {
			continue
		}
		code := strings.TrimSpace(string(v.DefaultCode))
		p := model.CRMProduct{ID: v.ID.String(), SKU: code, Name: crmProductName(string(v.DisplayName), code), Price: v.LstPrice.D(),
			Archived: !bool(v.Active) || !bool(t.Active), UpdatedAt: v.WriteDate.Time}
		if t.WriteDate.After(p.UpdatedAt) {
			p.UpdatedAt = t.WriteDate.Time
		}
		out = append(out, p)
	}
	return out, nil
}

// ChangedCRMProducts implements flow.CRMProductSource: the variants of the
// sellable templates changed at or after since, and the variants changed
// themselves, archived ones too. A variant can be due to its template's
// change or its own, so the pages' checkpoint is since until both feeds are
// read to their end; then the older of their newest changes.
func (c *Client) ChangedCRMProducts(ctx context.Context, since time.Time, page func([]model.CRMProduct, []error, time.Time) error) error {
	tfeed := Feed{Name: "crm templates", Model: "product.template", Domain: []any{[]any{"sale_ok", "=", true}}, Fields: fixed("product_variant_ids")}
	vfeed := Feed{Name: "crm variants", Model: "product.product", Fields: fixed("product_tmpl_id")}
	done := map[int64]bool{}
	newest := func(cur Cursor) time.Time {
		if cur.WriteDate.IsZero() {
			return since
		}
		return cur.WriteDate
	}
	var ends [2]time.Time
	for i, feed := range []Feed{tfeed, vfeed} {
		cur := keysetFrom(since)
		for {
			rows, next, err := c.Changes(ctx, feed, cur, 0)
			if err != nil {
				return err
			}
			if len(rows) == 0 {
				break
			}
			var ids []any
			for _, ch := range rows {
				if i == 0 {
					var t struct {
						ProductVariantIDs IDs `json:"product_variant_ids"`
					}
					if err := ch.Decode(&t); err != nil {
						return fmt.Errorf("product.template %d: %w", ch.ID, err)
					}
					for _, v := range t.ProductVariantIDs {
						if !done[v] {
							done[v] = true
							ids = append(ids, v)
						}
					}
				} else if !done[ch.ID] {
					done[ch.ID] = true
					ids = append(ids, ch.ID)
				}
			}
			if len(ids) > 0 {
				ps, err := c.crmVariants(ctx, []any{[]any{"id", "in", ids}})
				if err != nil {
					return err
				}
				if err := page(ps, nil, since); err != nil {
					return err
				}
			}
			cur = next
		}
		ends[i] = newest(cur)
	}
	through := ends[0]
	if ends[1].Before(through) {
		through = ends[1]
	}
	return page(nil, nil, through)
}

// ReadCRMProducts implements flow.CRMProductSink.
func (c *Client) ReadCRMProducts(ctx context.Context, ids []string) ([]model.CRMProduct, error) {
	want := parseIDs(ids)
	if len(want) == 0 {
		return nil, nil
	}
	in := make([]any, len(want))
	for i, id := range want {
		in[i] = id
	}
	return c.crmVariants(ctx, []any{[]any{"id", "in", in}})
}

// FindCRMProducts implements flow.CRMProductSink: the variant whose
// default_code is the SKU, archived too.
func (c *Client) FindCRMProducts(ctx context.Context, skus []string) ([]model.Match[model.CRMProduct], error) {
	out := make([]model.Match[model.CRMProduct], len(skus))
	for i, sku := range skus {
		out[i].Key = sku
		key := model.SKUKey(sku)
		ps, err := c.crmVariants(ctx, []any{[]any{"default_code", "=", key}})
		if err != nil {
			return nil, err
		}
		var ids []int64
		for _, p := range ps {
			if model.SKUKey(p.SKU) == key {
				ids = append(ids, partnerID(p.ID))
				out[i].Record, out[i].Found = p, true
			}
		}
		if len(ids) > 1 {
			out[i] = model.Match[model.CRMProduct]{Key: sku, Err: &DuplicateError{Account: c.name, Model: "product.product", Key: "default_code", Value: key, IDs: ids}}
		}
	}
	return out, nil
}

// WriteCRMProducts implements flow.CRMProductSink: a new product is a
// template without variants; a change of the name or price of a variant of
// a template with several is refused with the reason (it is the template's:
// every variant would change).
func (c *Client) WriteCRMProducts(ctx context.Context, ws []model.Upsert[model.CRMProduct]) ([]model.Written[model.CRMProduct], error) {
	out := make([]model.Written[model.CRMProduct], len(ws))
	ids := make([]int64, len(ws))
	var down error
	for i, w := range ws {
		if down != nil {
			out[i].Err = &transientError{fmt.Errorf("not written, since an earlier write of the page failed: %w", down)}
			continue
		}
		id, created, err := c.writeCRMProduct(ctx, w)
		if err != nil {
			out[i].Err = err
			if !ownErr(err) {
				down = err
			}
			continue
		}
		ids[i], out[i].Created = id, created
	}
	return readBack(ctx, out, ids, c.ReadCRMProducts, func(m model.CRMProduct) string { return m.ID }, "product")
}

func (c *Client) writeCRMProduct(ctx context.Context, w model.Upsert[model.CRMProduct]) (int64, bool, error) {
	m, ask := w.Record, asked(w.Fields)
	entity := "product " + model.SKUKey(m.SKU)
	if w.RemoteID == "" {
		if strings.TrimSpace(m.Name) == "" {
			return 0, false, &RecordError{Entity: entity, Msg: "it has no name, which Odoo requires"}
		}
		version, err := c.Version(ctx)
		if err != nil {
			return 0, false, err
		}
		vals := templateVals(model.Product{Name: strings.TrimSpace(m.Name), Price: m.Price, SKU: model.SKUKey(m.SKU), Active: true}, version)
		delete(vals, "description_sale")
		delete(vals, "weight")
		find := func() (int64, bool, error) {
			ms, err := c.FindCRMProducts(ctx, []string{m.SKU})
			if err != nil || !ms[0].Found {
				return 0, false, err
			}
			return partnerID(ms[0].Record.ID), true, nil
		}
		tids, err := c.Create(ctx, "product.template", []map[string]any{vals}, bulkContext)
		if err != nil {
			if !remote.IsAmbiguous(err) {
				return 0, false, writeErr(entity, 0, vals, err)
			}
			id, ok, ferr := find()
			if ferr != nil || !ok {
				return 0, false, &transientError{fmt.Errorf("%s: the create may not have happened (%w); it is not in Odoo after it, so it is tried again", entity, err)}
			}
			return id, true, nil
		}
		ts, err := SearchRead[crmTemplateRow](ctx, c, "product.template", Query{Domain: []any{[]any{"id", "=", tids[0]}}, Fields: crmTemplateFields, Context: inactiveToo})
		if err != nil {
			return 0, false, err
		}
		if len(ts) != 1 || len(ts[0].ProductVariantIDs) != 1 {
			return 0, false, fmt.Errorf("%s: template %d has no single variant", entity, tids[0])
		}
		return ts[0].ProductVariantIDs[0], true, nil
	}
	id := partnerID(w.RemoteID)
	vs, err := SearchRead[crmVariantRow](ctx, c, "product.product", Query{Domain: []any{[]any{"id", "=", id}}, Fields: crmVariantFields, Context: inactiveToo})
	if err != nil {
		return 0, false, err
	}
	if len(vs) == 0 {
		return 0, false, fmt.Errorf("%s: product.product %d: %w", entity, id, model.ErrGone)
	}
	if ask("sku") && model.SKUKey(m.SKU) != "" {
		vals := map[string]any{"default_code": model.SKUKey(m.SKU)}
		if err := c.Write(ctx, "product.product", []int64{id}, vals); err != nil {
			return 0, false, writeErr(entity, id, vals, err)
		}
	}
	tvals := map[string]any{}
	if ask("name") && strings.TrimSpace(m.Name) != "" {
		tvals["name"] = strings.TrimSpace(m.Name)
	}
	if ask("price") {
		tvals["list_price"] = m.Price.Float64()
	}
	if len(tvals) == 0 {
		return id, false, nil
	}
	tid := vs[0].TemplateID.ID
	ts, err := SearchRead[crmTemplateRow](ctx, c, "product.template", Query{Domain: []any{[]any{"id", "=", tid}}, Fields: crmTemplateFields, Context: inactiveToo})
	if err != nil {
		return 0, false, err
	}
	if len(ts) == 1 && len(ts[0].ProductVariantIDs) > 1 {
		return 0, false, &RecordError{Entity: entity, Msg: fmt.Sprintf("it is one of %d variants of %q in Odoo, whose name and price are the template's (every variant would change); change them in Odoo", len(ts[0].ProductVariantIDs), string(ts[0].Name))}
	}
	if err := c.Write(ctx, "product.template", []int64{tid}, tvals); err != nil {
		return 0, false, writeErr(entity, tid, tvals, err)
	}
	return id, false, nil
}

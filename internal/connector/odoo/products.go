package odoo

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/remote"
)

// Products into Odoo (reference §2, "Variants"): a product is a template; its
// variants come from attribute lines, one per combination of values, and carry
// the SKU (default_code) and barcode.

type variantKeyRow struct {
	ID          Int      `json:"id"`
	DefaultCode Str      `json:"default_code"`
	Barcode     Str      `json:"barcode"`
	TemplateID  Many2one `json:"product_tmpl_id"`
	ValueIDs    IDs      `json:"product_template_attribute_value_ids"`
	Active      Bool     `json:"active"`
}

type attributeRow struct {
	ID   Int `json:"id"`
	Name Str `json:"name"`
}

type attributeValueRow struct {
	ID          Int      `json:"id"`
	Name        Str      `json:"name"`
	AttributeID Many2one `json:"attribute_id"`
}

type attributeLineRow struct {
	ID          Int      `json:"id"`
	TemplateID  Many2one `json:"product_tmpl_id"`
	AttributeID Many2one `json:"attribute_id"`
	ValueIDs    IDs      `json:"value_ids"`
}

type ptavRow struct {
	ID          Int      `json:"id"`
	TemplateID  Many2one `json:"product_tmpl_id"`
	AttributeID Many2one `json:"attribute_id"`
	ValueID     Many2one `json:"product_attribute_value_id"`
	PriceExtra  Num      `json:"price_extra"`
}

var variantKeyFields = []string{"default_code", "barcode", "product_tmpl_id", "product_template_attribute_value_ids", "active"}

// skus are the product's natural keys: its own SKU and its variants'.
func skus(p model.Product) []string {
	var out []string
	if p.SKU != "" {
		out = append(out, p.SKU)
	}
	for _, v := range p.Variants {
		if v.SKU != "" {
			out = append(out, v.SKU)
		}
	}
	return out
}

// templateVals are a template's own values: name, prices, storability (14
// type "product", 15–17 detailed_type "product", 18+ is_storable) and, without
// variants, the SKU and barcode, which Odoo puts on the template's single
// variant.
func templateVals(p model.Product, version int) map[string]any {
	v := map[string]any{"name": p.Name, "list_price": p.Price.Float64(), "description_sale": p.Description, "weight": p.Weight.Float64(), "sale_ok": true, "active": p.Active}
	if version >= 18 {
		v["type"], v["is_storable"] = "consu", true
	} else {
		v[typeField(version)] = "product"
	}
	if len(p.Variants) == 0 {
		v["default_code"], v["barcode"] = p.SKU, p.Barcode
		if p.Barcode == "" {
			v["barcode"] = false
		}
	}
	return v
}

// attributesOf lists a product's attributes and their values in first-seen
// order, so that Odoo's lines follow the shop's.
func attributesOf(p model.Product) (names []string, values map[string][]string) {
	values = map[string][]string{}
	for _, v := range p.Variants {
		keys := make([]string, 0, len(v.Attributes))
		for k := range v.Attributes {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if _, ok := values[k]; !ok {
				names = append(names, k)
			}
			if val := v.Attributes[k]; !containsStr(values[k], val) {
				values[k] = append(values[k], val)
			}
		}
	}
	return names, values
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// UpsertProducts creates or updates product templates with their attributes
// and variants (Odoo as the product target): a product is matched by its
// RemoteID (the template) or any of its SKUs, archived ones too, before
// anything is created. Missing attributes and values are created by name, new
// templates in one call with their attribute lines, and each variant then gets
// its SKU, barcode and, on a one-attribute product, the price difference as
// the value's price_extra. One result per product.
func (c *Client) UpsertProducts(ctx context.Context, ps []model.ProductUpsert) ([]model.WriteResult, error) {
	out := make([]model.WriteResult, len(ps))
	if len(ps) == 0 {
		return out, nil
	}
	version, err := c.Version(ctx)
	if err != nil {
		return nil, err
	}
	attrs, values, err := c.ensureAttributes(ctx, ps)
	if err != nil {
		return nil, err
	}
	tmplOf, err := c.templatesByKey(ctx, ps)
	if err != nil {
		return nil, err
	}
	var newVals []map[string]any
	var newIdx []int
	for i, u := range ps {
		if u.Product.Name == "" {
			out[i].Err = &RecordError{Entity: "product " + u.Product.SKU, Msg: "it has no name, which Odoo requires"}
			continue
		}
		names, vals := attributesOf(u.Product)
		var lines []any
		for _, n := range names {
			var ids []any
			for _, v := range vals[n] {
				ids = append(ids, values[attrs[n]][v])
			}
			lines = append(lines, []any{0, 0, map[string]any{"attribute_id": attrs[n], "value_ids": []any{[]any{6, 0, ids}}}})
		}
		if tid, ok := tmplOf[i]; ok {
			out[i] = model.WriteResult{RemoteID: fmt.Sprint(tid)}
			continue
		}
		v := templateVals(u.Product, version)
		if len(lines) > 0 {
			v["attribute_line_ids"] = lines
		}
		newVals = append(newVals, v)
		newIdx = append(newIdx, i)
	}
	if len(newVals) > 0 {
		ids, err := c.Create(ctx, "product.template", newVals, bulkContext)
		if err != nil {
			if !remote.IsAmbiguous(err) {
				return nil, fmt.Errorf("creating %d product templates: %w", len(newVals), err)
			}
			// It may have committed: what exists now is the truth; a retry of
			// the page creates the rest.
			again, ferr := c.templatesByKey(ctx, ps)
			if ferr != nil {
				return nil, err
			}
			for _, i := range newIdx {
				if tid, ok := again[i]; ok {
					out[i] = model.WriteResult{RemoteID: fmt.Sprint(tid), Created: true}
					tmplOf[i] = tid
				} else {
					out[i].Err = err
				}
			}
		} else {
			for k, i := range newIdx {
				out[i] = model.WriteResult{RemoteID: fmt.Sprint(ids[k]), Created: true}
				tmplOf[i] = ids[k]
			}
		}
	}
	if err := c.updateTemplates(ctx, ps, tmplOf, out, attrs, values, version); err != nil {
		return nil, err
	}
	if err := c.writeVariants(ctx, ps, tmplOf, out, attrs, values); err != nil {
		return nil, err
	}
	return out, nil
}

// ensureAttributes returns the ids of the attributes (by name) and of their
// values (attribute id → value name → id) the products use, creating the
// missing ones: one lookup and at most one create of each.
func (c *Client) ensureAttributes(ctx context.Context, ps []model.ProductUpsert) (map[string]int64, map[int64]map[string]int64, error) {
	want := map[string][]string{}
	var names []any
	for _, u := range ps {
		ns, vals := attributesOf(u.Product)
		for _, n := range ns {
			if _, ok := want[n]; !ok {
				names = append(names, n)
			}
			for _, v := range vals[n] {
				if !containsStr(want[n], v) {
					want[n] = append(want[n], v)
				}
			}
		}
	}
	attrs, values := map[string]int64{}, map[int64]map[string]int64{}
	if len(names) == 0 {
		return attrs, values, nil
	}
	find := func() error {
		rows, err := SearchRead[attributeRow](ctx, c, "product.attribute", Query{Domain: []any{[]any{"name", "in", names}}, Fields: []string{"name"}})
		if err != nil {
			return err
		}
		for _, r := range rows {
			if _, ok := attrs[string(r.Name)]; !ok {
				attrs[string(r.Name)] = int64(r.ID)
			}
		}
		var ids []any
		for _, id := range attrs {
			ids = append(ids, id)
		}
		if len(ids) == 0 {
			return nil
		}
		vals, err := SearchRead[attributeValueRow](ctx, c, "product.attribute.value", Query{Domain: []any{[]any{"attribute_id", "in", ids}}, Fields: []string{"name", "attribute_id"}})
		if err != nil {
			return err
		}
		for _, v := range vals {
			if values[v.AttributeID.ID] == nil {
				values[v.AttributeID.ID] = map[string]int64{}
			}
			values[v.AttributeID.ID][string(v.Name)] = int64(v.ID)
		}
		return nil
	}
	if err := find(); err != nil {
		return nil, nil, err
	}
	var newAttrs []map[string]any
	var newValues []map[string]any
	for _, n := range names {
		n := n.(string)
		id, ok := attrs[n]
		if !ok {
			var vs []any
			for _, v := range want[n] {
				vs = append(vs, []any{0, 0, map[string]any{"name": v}})
			}
			newAttrs = append(newAttrs, map[string]any{"name": n, "create_variant": "always", "value_ids": vs})
			continue
		}
		for _, v := range want[n] {
			if _, ok := values[id][v]; !ok {
				newValues = append(newValues, map[string]any{"name": v, "attribute_id": id})
			}
		}
	}
	create := func(model string, vals []map[string]any) error {
		if len(vals) == 0 {
			return nil
		}
		if _, err := c.Create(ctx, model, vals, bulkContext); err != nil && !remote.IsAmbiguous(err) {
			return fmt.Errorf("creating %s %s: %w", model, describe(vals), err)
		}
		return nil
	}
	if err := create("product.attribute", newAttrs); err != nil {
		return nil, nil, err
	}
	if err := create("product.attribute.value", newValues); err != nil {
		return nil, nil, err
	}
	if len(newAttrs)+len(newValues) > 0 {
		// Read back what exists now, also after an unclear failure.
		if err := find(); err != nil {
			return nil, nil, err
		}
	}
	for n, vs := range want {
		for _, v := range vs {
			if _, ok := values[attrs[n]][v]; !ok {
				return nil, nil, fmt.Errorf("attribute %s value %s: not in Odoo after creating it", n, v)
			}
		}
	}
	return attrs, values, nil
}

func describe(vals []map[string]any) string {
	var names []string
	for _, v := range vals {
		names = append(names, fmt.Sprint(v["name"]))
	}
	return strings.Join(names, ", ")
}

// templatesByKey finds the template of each product: by RemoteID, else by any
// of its SKUs on a variant (archived too); a template whose variants have no
// SKU yet and whose name is the product's counts as well, since that is what
// a create that failed after committing leaves.
func (c *Client) templatesByKey(ctx context.Context, ps []model.ProductUpsert) (map[int]int64, error) {
	var codes, names []any
	for _, u := range ps {
		for _, s := range skus(u.Product) {
			codes = append(codes, s)
		}
		if len(u.Product.Variants) > 0 {
			names = append(names, u.Product.Name)
		}
	}
	bySKU := map[string]int64{}
	if len(codes) > 0 {
		rows, err := SearchRead[variantKeyRow](ctx, c, "product.product", Query{Domain: []any{[]any{"default_code", "in", codes}}, Fields: variantKeyFields, Context: inactiveToo})
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			bySKU[string(r.DefaultCode)] = r.TemplateID.ID
		}
	}
	byName := map[string]int64{}
	if len(names) > 0 {
		rows, err := SearchRead[variantKeyRow](ctx, c, "product.product", Query{Domain: []any{[]any{"product_tmpl_id.name", "in", names}}, Fields: variantKeyFields})
		if err != nil {
			return nil, err
		}
		coded := map[int64]bool{}
		for _, r := range rows {
			if r.DefaultCode != "" {
				coded[r.TemplateID.ID] = true
			}
		}
		for _, r := range rows {
			if !coded[r.TemplateID.ID] {
				byName[r.TemplateID.Name] = r.TemplateID.ID
			}
		}
	}
	out := map[int]int64{}
	for i, u := range ps {
		if id := parseInt(string(u.RemoteID)); id != 0 {
			out[i] = id
			continue
		}
		for _, s := range skus(u.Product) {
			if id, ok := bySKU[s]; ok {
				out[i] = id
				break
			}
		}
		if _, ok := out[i]; !ok && len(u.Product.Variants) > 0 {
			if id, ok := byName[u.Product.Name]; ok {
				out[i] = id
			}
		}
	}
	return out, nil
}

// updateTemplates writes the existing templates' values and adds the attribute
// lines and values they lack (Odoo then makes the new variants): one lookup of
// lines, one write per template.
func (c *Client) updateTemplates(ctx context.Context, ps []model.ProductUpsert, tmplOf map[int]int64, out []model.WriteResult, attrs map[string]int64, values map[int64]map[string]int64, version int) error {
	var tids []any
	for i, tid := range tmplOf {
		if out[i].Err == nil && !out[i].Created {
			tids = append(tids, tid)
		}
	}
	if len(tids) == 0 {
		return nil
	}
	lines, err := SearchRead[attributeLineRow](ctx, c, "product.template.attribute.line", Query{Domain: []any{[]any{"product_tmpl_id", "in", tids}}, Fields: []string{"product_tmpl_id", "attribute_id", "value_ids"}})
	if err != nil {
		return err
	}
	lineOf := map[int64]map[int64]attributeLineRow{}
	for _, l := range lines {
		if lineOf[l.TemplateID.ID] == nil {
			lineOf[l.TemplateID.ID] = map[int64]attributeLineRow{}
		}
		lineOf[l.TemplateID.ID][l.AttributeID.ID] = l
	}
	for i, u := range ps {
		tid, ok := tmplOf[i]
		if !ok || out[i].Err != nil || out[i].Created {
			continue
		}
		v := templateVals(u.Product, version)
		names, vals := attributesOf(u.Product)
		var cmds []any
		for _, n := range names {
			aid := attrs[n]
			l, has := lineOf[tid][aid]
			var add []any
			for _, val := range vals[n] {
				if id := values[aid][val]; !has || !containsID(l.ValueIDs, id) {
					add = append(add, id)
				}
			}
			switch {
			case !has:
				cmds = append(cmds, []any{0, 0, map[string]any{"attribute_id": aid, "value_ids": []any{[]any{6, 0, add}}}})
			case len(add) > 0:
				var link []any
				for _, id := range add {
					link = append(link, []any{4, id})
				}
				cmds = append(cmds, []any{1, int64(l.ID), map[string]any{"value_ids": link}})
			}
		}
		if len(cmds) > 0 {
			v["attribute_line_ids"] = cmds
		}
		if err := c.Write(ctx, "product.template", []int64{tid}, v); err != nil {
			out[i].Err = fmt.Errorf("product %s (template %d): %w", nonEmpty(u.Product.SKU, u.Product.Name), tid, err)
		}
	}
	return nil
}

func containsID(ids IDs, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// writeVariants gives each variant its SKU and barcode, found by its attribute
// values, and sets price extras: one read of the variants and their values,
// then a write only where something differs.
func (c *Client) writeVariants(ctx context.Context, ps []model.ProductUpsert, tmplOf map[int]int64, out []model.WriteResult, attrs map[string]int64, values map[int64]map[string]int64) error {
	var tids []any
	for i, u := range ps {
		if tid, ok := tmplOf[i]; ok && out[i].Err == nil && len(u.Product.Variants) > 0 {
			tids = append(tids, tid)
		}
	}
	if len(tids) == 0 {
		return nil
	}
	variants, err := SearchRead[variantKeyRow](ctx, c, "product.product", Query{Domain: []any{[]any{"product_tmpl_id", "in", tids}}, Fields: variantKeyFields})
	if err != nil {
		return err
	}
	ptavs, err := SearchRead[ptavRow](ctx, c, "product.template.attribute.value", Query{Domain: []any{[]any{"product_tmpl_id", "in", tids}}, Fields: []string{"product_tmpl_id", "attribute_id", "product_attribute_value_id", "price_extra"}})
	if err != nil {
		return err
	}
	ptavByID := map[int64]ptavRow{}
	for _, p := range ptavs {
		ptavByID[int64(p.ID)] = p
	}
	// A variant's key is its sorted product.attribute.value ids.
	key := func(valueIDs []int64) string {
		sort.Slice(valueIDs, func(i, j int) bool { return valueIDs[i] < valueIDs[j] })
		return fmt.Sprint(valueIDs)
	}
	byKey := map[int64]map[string]variantKeyRow{}
	for _, v := range variants {
		var ids []int64
		for _, p := range v.ValueIDs {
			ids = append(ids, ptavByID[p].ValueID.ID)
		}
		if byKey[v.TemplateID.ID] == nil {
			byKey[v.TemplateID.ID] = map[string]variantKeyRow{}
		}
		byKey[v.TemplateID.ID][key(ids)] = v
	}
	for i, u := range ps {
		tid, ok := tmplOf[i]
		if !ok || out[i].Err != nil || len(u.Product.Variants) == 0 {
			continue
		}
		entity := "product " + nonEmpty(u.Product.SKU, u.Product.Name)
		for _, pv := range u.Product.Variants {
			var ids []int64
			for n, val := range pv.Attributes {
				ids = append(ids, values[attrs[n]][val])
			}
			ov, ok := byKey[tid][key(ids)]
			if !ok {
				out[i].Err = &RecordError{Entity: entity, Msg: fmt.Sprintf("Odoo has no variant for %v (SKU %s)", pv.Attributes, pv.SKU)}
				break
			}
			vals := map[string]any{}
			if string(ov.DefaultCode) != pv.SKU {
				vals["default_code"] = pv.SKU
			}
			if string(ov.Barcode) != pv.Barcode {
				vals["barcode"] = nonFalse(pv.Barcode)
			}
			if len(vals) > 0 {
				if err := c.Write(ctx, "product.product", []int64{int64(ov.ID)}, vals); err != nil {
					out[i].Err = fmt.Errorf("%s variant %s: %w", entity, pv.SKU, err)
					break
				}
			}
			// One attribute: the value's price_extra carries the difference.
			extra := pv.Price - u.Product.Price
			if len(ov.ValueIDs) == 1 && !pv.Price.IsZero() {
				p := ptavByID[ov.ValueIDs[0]]
				if p.PriceExtra.D() != extra {
					if err := c.Write(ctx, "product.template.attribute.value", []int64{int64(p.ID)}, map[string]any{"price_extra": extra.Float64()}); err != nil {
						out[i].Err = fmt.Errorf("%s variant %s price: %w", entity, pv.SKU, err)
						break
					}
					p.PriceExtra = Num(extra)
					ptavByID[int64(p.ID)] = p
				}
			} else if !pv.Price.IsZero() && extra != 0 {
				out[i].Warning = "variant prices that differ on a product with several attributes are not set in Odoo; set price extras there"
			}
		}
	}
	return nil
}

func nonFalse(s string) any {
	if s == "" {
		return false
	}
	return s
}

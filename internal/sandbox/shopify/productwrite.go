package shopify

import (
	"fmt"
	"strings"
)

// productCreate, productUpdate and productSet in their 2025-01 shapes
// (ProductCreateInput, ProductUpdateInput, ProductSetInput). Every check runs
// before anything changes, so a mutation with userErrors changes nothing.
// Messages are Shopify's as far as known [U]; codes are the schema's.

// applyProduct writes the plain product fields of an input.
func applyProduct(p *product, in map[string]any) {
	if x, ok := in["title"]; ok {
		p.title = strings.TrimSpace(argStr(x))
	}
	if x, ok := in["descriptionHtml"]; ok {
		p.html, p.description = argStr(x), ""
	}
	if x, ok := in["vendor"]; ok {
		p.vendor = argStr(x)
	}
	if x, ok := in["productType"]; ok {
		p.productType = argStr(x)
	}
	if x, ok := in["tags"]; ok {
		p.tags = nil
		for _, t := range argList(x) {
			if t := strings.TrimSpace(argStr(t)); t != "" {
				p.tags = append(p.tags, t)
			}
		}
	}
	if x := argStr(in["status"]); x != "" {
		p.status = x
	}
	if h := strings.TrimSpace(argStr(in["handle"])); h != "" {
		p.handle = h
	}
}

// fileProduct adds a new product to the shop.
func (s *Server) fileProduct(p *product) {
	s.st.products = append(s.st.products, p)
	s.st.prodByID[p.id] = p
}

func (s *Server) emitProduct(topic string, p *product) {
	s.emit(topic, func() *omap { return s.restProduct(p) })
}

// productCreate makes a product with one variant: the first value of each
// option given, or Title: Default Title (the new product model: more
// variants come from productVariantsBulkCreate).
func (s *Server) productCreate(ec *execCtx, args map[string]any) (any, error) {
	in := argMap(args["product"])
	payload := obj{"__typename": "ProductCreatePayload", "product": nil, "shop": s.shopObj(), "userErrors": []any{}}
	fail := func(e *uerr) (any, error) {
		e.code = "" // UserError has no code
		payload["userErrors"] = errList1(e)
		return payload, nil
	}
	title := strings.TrimSpace(argStr(in["title"]))
	if title == "" {
		return fail(&uerr{field: []string{"title"}, msg: "Title can't be blank"})
	}
	options := s.defaultOptions()
	if x := argList(in["productOptions"]); len(x) > 0 {
		var e *uerr
		if options, e = s.readOptions(x, nil, []string{"productOptions"}); e != nil {
			return fail(e)
		}
	}
	handle := strings.TrimSpace(argStr(in["handle"]))
	if handle == "" {
		handle = s.uniqueHandle(title)
	} else if e := s.handleTaken(handle, nil); e != nil {
		e.field = []string{"handle"}
		return fail(e)
	}
	now := s.st.touch(ec.now)
	p := &product{id: s.st.id(), handle: handle, status: "ACTIVE", createdAt: now, updatedAt: now, options: options}
	applyProduct(p, in)
	first := make([]string, len(options))
	for i, o := range options {
		first[i] = o.values[0].name
	}
	p.variants = []*variant{s.newVariant(p, first, now)}
	p.renumber()
	s.fileProduct(p)
	s.emitProduct("products/create", p)
	payload["product"] = s.productObj(p)
	return payload, nil
}

func (s *Server) productUpdate(ec *execCtx, args map[string]any) (any, error) {
	in := argMap(args["product"])
	payload := obj{"__typename": "ProductUpdatePayload", "product": nil, "userErrors": []any{}}
	fail := func(field, msg string) (any, error) {
		payload["userErrors"] = []any{userError([]string{field}, msg, "")}
		return payload, nil
	}
	id, _ := idOf(in["id"], "Product")
	p := s.st.prodByID[id]
	if p == nil {
		return fail("id", "Product does not exist")
	}
	if x, ok := in["title"]; ok && strings.TrimSpace(argStr(x)) == "" {
		return fail("title", "Title can't be blank")
	}
	if h := strings.TrimSpace(argStr(in["handle"])); h != "" {
		if e := s.handleTaken(h, p); e != nil {
			return fail("handle", e.msg)
		}
	}
	applyProduct(p, in)
	now := s.st.touch(ec.now)
	p.updatedAt = now
	s.emitProduct("products/update", p)
	payload["product"] = s.productObj(p)
	return payload, nil
}

// setPlan is one checked ProductVariantSetInput: the variant it keeps
// (nil: a new one) and its option values.
type setPlan struct {
	m    map[string]any
	v    *variant
	opts []string
}

// productSet creates (no input.id) or replaces a product: options and
// variants become the input's lists; variants keep their ids when named by
// id or, without one, when an existing variant has the same option values
// [U], so the same input sent twice with the product's id changes no ids.
// 2025-01 has no identifier argument (2025-04 added it [V changelog]), and a
// new product's handle must be free: HANDLE_NOT_UNIQUE. synchronous: false
// answers a COMPLETE productSetOperation (the work is done at once).
func (s *Server) productSet(ec *execCtx, args map[string]any) (any, error) {
	in := argMap(args["input"])
	payload := obj{"__typename": "ProductSetPayload", "product": nil, "productSetOperation": nil, "userErrors": []any{}}
	fail := func(field []string, msg, code string) (any, error) {
		payload["userErrors"] = []any{userError(fieldPath([]string{"input"}, toAny(field)...), msg, code)}
		return payload, nil
	}
	var p *product
	if x, ok := in["id"]; ok && x != nil {
		id, _ := idOf(x, "Product")
		if p = s.st.prodByID[id]; p == nil {
			return fail([]string{"id"}, "Product does not exist", "PRODUCT_DOES_NOT_EXIST")
		}
	}
	title := strings.TrimSpace(argStr(in["title"]))
	if _, given := in["title"]; title == "" && (p == nil || given) {
		return fail([]string{"title"}, "Title can't be blank", "INVALID_PRODUCT")
	}
	if h := strings.TrimSpace(argStr(in["handle"])); h != "" {
		if e := s.handleTaken(h, p); e != nil {
			return fail([]string{"handle"}, e.msg, "HANDLE_NOT_UNIQUE")
		}
	}
	optIn, hasOpts := in["productOptions"]
	varIn, hasVars := in["variants"]
	hasOpts, hasVars = hasOpts && optIn != nil, hasVars && varIn != nil
	switch {
	case hasVars && !hasOpts && p == nil:
		return fail([]string{"productOptions"}, "Product options input is required when updating variants", "PRODUCT_OPTIONS_INPUT_MISSING")
	case hasOpts && !hasVars:
		return fail([]string{"variants"}, "Variants input is required when updating product options", "VARIANTS_INPUT_MISSING")
	case len(argList(varIn)) > maxVariants:
		return fail([]string{"variants"}, fmt.Sprintf("The number of variants exceeds the limit of %d", maxVariants), "VARIANTS_OVER_LIMIT")
	}
	var options []*prodOption
	if p != nil {
		options = p.options
	}
	if hasOpts {
		var e *uerr
		if options, e = s.readOptions(argList(optIn), options, []string{"productOptions"}); e != nil {
			return fail(e.field, e.msg, e.code)
		}
		if len(options) == 0 {
			return fail([]string{"productOptions"}, "Product options input is required when updating variants", "PRODUCT_OPTIONS_INPUT_MISSING")
		}
	}
	var plans []setPlan
	if hasVars {
		existing := map[string]*variant{}
		if p != nil {
			for _, v := range p.variants {
				existing[comboKey(p.options, v.opts)] = v
			}
		}
		seen := map[string]bool{}
		used := map[*variant]bool{}
		for i, x := range argList(varIn) {
			m, f := argMap(x), []string{"variants", fmt.Sprint(i)}
			vals, prob, at := resolveOpts(options, argList(m["optionValues"]), false, nil)
			switch prob {
			case optUnknown:
				return fail(fieldPath(f, "optionValues", at), "Option does not exist", "OPTION_DOES_NOT_EXIST")
			case optValueUnknown:
				return fail(fieldPath(f, "optionValues", at), "Option value does not exist", "OPTION_VALUE_DOES_NOT_EXIST")
			case optMissing, optTwice:
				return fail(fieldPath(f, "optionValues"), "The variant must have one value for each option", "INVALID_VARIANT")
			}
			key := comboKey(options, vals)
			if seen[key] {
				return fail(f, fmt.Sprintf("The variant '%s' already exists.", strings.Join(vals, " / ")), "INVALID_VARIANT")
			}
			seen[key] = true
			if fld, neg := moneyProblem(m); fld != "" {
				msg := "Price is invalid"
				if neg {
					msg = "Price must be greater than or equal to 0"
				}
				return fail(fieldPath(f, fld), msg, "INVALID_VARIANT")
			}
			plan := setPlan{m: m, opts: vals}
			if x, ok := m["id"]; ok && x != nil {
				id, _ := idOf(x, "ProductVariant")
				if v := s.st.varByID[id]; v == nil || p == nil || v.prod != p {
					return fail(fieldPath(f, "id"), "Product variant does not exist", "PRODUCT_VARIANT_DOES_NOT_EXIST")
				} else {
					plan.v = v
				}
			} else if v := existing[key]; v != nil && !used[v] {
				plan.v = v
			}
			if plan.v != nil && used[plan.v] {
				return fail(fieldPath(f, "id"), "The variant is given twice", "INVALID_VARIANT")
			}
			used[plan.v] = true
			for j, q := range argList(m["inventoryQuantities"]) {
				lid, _ := idOf(argMap(q)["locationId"], "Location")
				if s.st.locByID[lid] == nil {
					return fail(fieldPath(f, "inventoryQuantities", j, "locationId"), "Location does not exist", "INVALID_INPUT")
				}
				if n := argStr(argMap(q)["name"]); n != "available" && n != "on_hand" {
					return fail(fieldPath(f, "inventoryQuantities", j, "name"), "Inventory quantity name must be available or on_hand", "INVALID_INPUT")
				}
			}
			plans = append(plans, plan)
		}
	}

	files, setFiles, fe := s.planFiles(in)
	if fe != nil {
		return fail(fe.field, fe.msg, fe.code)
	}

	now := s.st.touch(ec.now)
	created := p == nil
	if created {
		p = &product{id: s.st.id(), status: "ACTIVE", createdAt: now, handle: s.uniqueHandle(title)}
	}
	applyProduct(p, in)
	p.updatedAt = now
	if hasOpts {
		p.options = options
	} else if created {
		p.options = s.defaultOptions()
	}
	switch {
	case hasVars:
		keep := map[*variant]bool{}
		var list []*variant
		for _, pl := range plans {
			v := pl.v
			if v == nil {
				v = s.newVariant(p, pl.opts, now)
				for _, q := range argList(pl.m["inventoryQuantities"]) {
					qm := argMap(q)
					lid, _ := idOf(qm["locationId"], "Location")
					n, _ := argInt(qm["quantity"])
					setStock(v, s.st.locByID[lid], argStr(qm["name"]), n)
				}
			}
			v.opts = pl.opts
			applyVariant(v, pl.m, now)
			keep[v] = true
			list = append(list, v)
		}
		for _, v := range p.variants {
			if !keep[v] {
				s.dropVariant(v)
			}
		}
		p.variants = list
	case created:
		p.variants = []*variant{s.newVariant(p, []string{"Default Title"}, now)}
	}
	p.renumber()
	if created {
		s.fileProduct(p)
	}
	if setFiles {
		s.applyFiles(ec, p, files, now)
	}
	if created {
		s.emitProduct("products/create", p)
	} else {
		s.emitProduct("products/update", p)
	}
	if v, ok := args["synchronous"].(bool); ok && !v {
		payload["productSetOperation"] = obj{"__typename": "ProductSetOperation", "id": gid("ProductSetOperation", s.st.id()),
			"status": "COMPLETE", "product": s.productObj(p), "userErrors": []any{}}
		return payload, nil
	}
	payload["product"] = s.productObj(p)
	return payload, nil
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// productByHandleQ answers QueryRoot.productByHandle.
func (s *Server) productByHandleQ(_ *execCtx, args map[string]any) (any, error) {
	if p := s.productByHandle(argStr(args["handle"])); p != nil {
		return s.productObj(p), nil
	}
	return nil, nil
}

package shopify

import (
	"fmt"
	"strings"
)

// productVariantsBulkCreate, …Update and …Delete. Codes are the schema's
// ProductVariantsBulk*UserErrorCode; messages [U]. SKUs may repeat, within a
// product too: Shopify does not refuse them (InventoryItem.duplicateSkuCount
// counts them) [U].

func (s *Server) bulkProduct(args map[string]any) *product {
	id, _ := idOf(args["productId"], "Product")
	return s.st.prodByID[id]
}

func variantObjs(s *Server, vs []*variant) []any {
	out := []any{}
	for _, v := range vs {
		out = append(out, s.variantObj(v))
	}
	return out
}

// moneyErr is the userError of a bad price or compareAtPrice, or nil.
func moneyErr(m map[string]any, f []string, badCode string) *uerr {
	fld, neg := moneyProblem(m)
	switch {
	case fld == "":
		return nil
	case neg:
		return &uerr{fieldPath(f, fld), "Price must be greater than or equal to 0", "NEGATIVE_PRICE_VALUE"}
	}
	return &uerr{fieldPath(f, fld), "Price is invalid", badCode}
}

// productVariantsBulkCreate adds variants; option values the product's
// options lack are added to them. REMOVE_STANDALONE_VARIANT drops a product's
// only variant (productCreate's first one) in favour of the new ones.
func (s *Server) productVariantsBulkCreate(ec *execCtx, args map[string]any) (any, error) {
	payload := obj{"__typename": "ProductVariantsBulkCreatePayload", "product": nil, "productVariants": nil, "userErrors": []any{}}
	p := s.bulkProduct(args)
	if p == nil {
		payload["userErrors"] = []any{userError([]string{"productId"}, "Product does not exist", "PRODUCT_DOES_NOT_EXIST")}
		return payload, nil
	}
	in := argList(args["variants"])
	standalone := argStr(args["strategy"]) == "REMOVE_STANDALONE_VARIANT" && len(p.variants) == 1
	taken := map[string]bool{}
	if !standalone {
		for _, v := range p.variants {
			taken[comboKey(p.options, v.opts)] = true
		}
	}
	if n := len(taken) + len(in); n > maxVariants {
		payload["userErrors"] = []any{userError([]string{"variants"},
			fmt.Sprintf("The number of variants exceeds the limit of %d", maxVariants), "INVALID_INPUT")}
		return payload, nil
	}
	var errs []any
	var plans [][]string
	for i, x := range in {
		m, f := argMap(x), fieldPath([]string{"variants"}, i)
		e := func() *uerr {
			if x, ok := m["id"]; ok && x != nil {
				return &uerr{fieldPath(f, "id"), "Id can't be given on create", "NO_KEY_ON_CREATE"}
			}
			ov := argList(m["optionValues"])
			vals, prob, at := resolveOpts(p.options, ov, true, nil)
			switch {
			case len(ov) == 0 || prob == optMissing || prob == optTwice:
				return &uerr{fieldPath(f, "optionValues"), "You need to add option values for " + optionNames(p), "NEED_TO_ADD_OPTION_VALUES"}
			case prob == optUnknown:
				return &uerr{fieldPath(f, "optionValues", at), "Option does not exist", "OPTION_VALUES_FOR_NUMBER_OF_UNKNOWN_OPTIONS"}
			case prob == optValueUnknown:
				return &uerr{fieldPath(f, "optionValues", at), "Option value does not exist", "INVALID_INPUT"}
			}
			if key := comboKey(p.options, vals); taken[key] {
				return &uerr{f, fmt.Sprintf("The variant '%s' already exists.", strings.Join(vals, " / ")), "VARIANT_ALREADY_EXISTS"}
			} else {
				taken[key] = true
			}
			if e := moneyErr(m, f, "INVALID_INPUT"); e != nil {
				return e
			}
			for j, q := range argList(m["inventoryQuantities"]) {
				lid, _ := idOf(argMap(q)["locationId"], "Location")
				if s.st.locByID[lid] == nil {
					return &uerr{fieldPath(f, "inventoryQuantities", j, "locationId"), "Location does not exist", "TRACKED_VARIANT_LOCATION_NOT_FOUND"}
				}
			}
			plans = append(plans, vals)
			return nil
		}()
		if e != nil {
			errs = append(errs, userError(e.field, e.msg, e.code))
		}
	}
	if len(errs) > 0 {
		payload["userErrors"] = errs
		return payload, nil
	}
	now := s.st.touch(ec.now)
	if standalone {
		s.dropVariant(p.variants[0])
		p.variants = nil
	}
	var made []*variant
	for i, vals := range plans {
		m := argMap(in[i])
		s.addValues(p, vals)
		v := s.newVariant(p, vals, now)
		applyVariant(v, m, now)
		for _, q := range argList(m["inventoryQuantities"]) {
			qm := argMap(q)
			lid, _ := idOf(qm["locationId"], "Location")
			n, _ := argInt(qm["availableQuantity"])
			setStock(v, s.st.locByID[lid], "available", n)
		}
		p.variants = append(p.variants, v)
		made = append(made, v)
	}
	if standalone {
		p.pruneValues()
	}
	p.renumber()
	p.updatedAt = now
	s.emitProduct("products/update", p)
	payload["product"], payload["productVariants"] = s.productObj(p), variantObjs(s, made)
	return payload, nil
}

func optionNames(p *product) string {
	var names []string
	for _, o := range p.options {
		names = append(names, o.name)
	}
	return strings.Join(names, ", ")
}

// productVariantsBulkUpdate changes variants by id; optionValues may name
// only the options that change. Without allowPartialUpdates one error stops
// them all; with it the valid ones go through.
func (s *Server) productVariantsBulkUpdate(ec *execCtx, args map[string]any) (any, error) {
	payload := obj{"__typename": "ProductVariantsBulkUpdatePayload", "product": nil, "productVariants": nil, "userErrors": []any{}}
	p := s.bulkProduct(args)
	if p == nil {
		payload["userErrors"] = []any{userError([]string{"productId"}, "Product does not exist", "PRODUCT_DOES_NOT_EXIST")}
		return payload, nil
	}
	in := argList(args["variants"])
	keys := map[*variant]string{}
	for _, v := range p.variants {
		keys[v] = comboKey(p.options, v.opts)
	}
	type plan struct {
		v    *variant
		m    map[string]any
		vals []string
	}
	var errs []any
	var plans []plan
	seen := map[*variant]bool{}
	for i, x := range in {
		m, f := argMap(x), fieldPath([]string{"variants"}, i)
		e := func() *uerr {
			if x, ok := m["id"]; !ok || x == nil {
				return &uerr{fieldPath(f, "id"), "Product variant is missing ID attribute", "PRODUCT_VARIANT_ID_MISSING"}
			}
			id, _ := idOf(m["id"], "ProductVariant")
			v := s.st.varByID[id]
			switch {
			case v == nil:
				return &uerr{fieldPath(f, "id"), "Product variant does not exist", "PRODUCT_VARIANT_DOES_NOT_EXIST"}
			case v.prod != p:
				return &uerr{fieldPath(f, "id"), "Product variant does not belong to the product", "MUST_BE_FOR_THIS_PRODUCT"}
			case seen[v]:
				return &uerr{fieldPath(f, "id"), "Product variant is given twice", "INVALID_INPUT"}
			case len(argList(m["inventoryQuantities"])) > 0:
				return &uerr{fieldPath(f, "inventoryQuantities"),
					"Inventory quantities can only be provided during create. To update inventory for existing variants, use inventoryAdjustQuantities.",
					"NO_INVENTORY_QUANTITIES_ON_VARIANTS_UPDATE"}
			}
			seen[v] = true
			if e := moneyErr(m, f, "INVALID_INPUT"); e != nil {
				return e
			}
			vals := v.opts
			if ov := argList(m["optionValues"]); len(ov) > 0 {
				var prob optProblem
				var at int
				vals, prob, at = resolveOpts(p.options, ov, true, v.opts)
				switch prob {
				case optUnknown:
					return &uerr{fieldPath(f, "optionValues", at), "Option does not exist", "OPTION_DOES_NOT_EXIST"}
				case optValueUnknown:
					return &uerr{fieldPath(f, "optionValues", at), "Option value does not exist", "OPTION_VALUE_DOES_NOT_EXIST"}
				case optTwice:
					return &uerr{fieldPath(f, "optionValues", at), "An option is given twice", "INVALID_INPUT"}
				}
				key := comboKey(p.options, vals)
				for o, k := range keys {
					if o != v && k == key {
						return &uerr{f, fmt.Sprintf("The variant '%s' already exists.", strings.Join(vals, " / ")), "VARIANT_ALREADY_EXISTS"}
					}
				}
				keys[v] = key
			}
			plans = append(plans, plan{v, m, vals})
			return nil
		}()
		if e != nil {
			errs = append(errs, userError(e.field, e.msg, e.code))
		}
	}
	payload["userErrors"] = append([]any{}, errs...)
	if len(errs) > 0 && !argBool(args["allowPartialUpdates"]) || len(plans) == 0 {
		return payload, nil
	}
	now := s.st.touch(ec.now)
	var done []*variant
	for _, pl := range plans {
		s.addValues(p, pl.vals)
		pl.v.opts = pl.vals
		applyVariant(pl.v, pl.m, now)
		done = append(done, pl.v)
	}
	p.pruneValues()
	p.renumber()
	p.updatedAt = now
	s.emitProduct("products/update", p)
	payload["product"], payload["productVariants"] = s.productObj(p), variantObjs(s, done)
	return payload, nil
}

func (s *Server) productVariantsBulkDelete(ec *execCtx, args map[string]any) (any, error) {
	payload := obj{"__typename": "ProductVariantsBulkDeletePayload", "product": nil, "userErrors": []any{}}
	fail := func(field, msg, code string) (any, error) {
		payload["userErrors"] = []any{userError([]string{field}, msg, code)}
		return payload, nil
	}
	p := s.bulkProduct(args)
	if p == nil {
		return fail("productId", "Product does not exist", "PRODUCT_DOES_NOT_EXIST")
	}
	gone := map[*variant]bool{}
	for _, x := range argList(args["variantsIds"]) {
		id, _ := idOf(x, "ProductVariant")
		v := s.st.varByID[id]
		if v == nil || v.prod != p {
			return fail("variantsIds", "At least one variant does not belong to the product", "AT_LEAST_ONE_VARIANT_DOES_NOT_BELONG_TO_THE_PRODUCT")
		}
		gone[v] = true
	}
	if len(gone) >= len(p.variants) {
		return fail("variantsIds", "Cannot delete the last variant of a product", "CANNOT_DELETE_LAST_VARIANT")
	}
	var keep []*variant
	for _, v := range p.variants {
		if gone[v] {
			s.dropVariant(v)
		} else {
			keep = append(keep, v)
		}
	}
	p.variants = keep
	p.pruneValues()
	p.renumber()
	p.updatedAt = s.st.touch(ec.now)
	s.emitProduct("products/update", p)
	payload["product"] = s.productObj(p)
	return payload, nil
}

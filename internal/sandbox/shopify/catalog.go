package shopify

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Shared parts of the product writes (productwrite.go, variantwrite.go).

const (
	// maxVariants per product: 2,048 for every merchant (reference §1.1,
	// changelog 2025-10-15 [V]); served for every version.
	maxVariants = 2048
	// maxOptions per product [U: Shopify's long-standing three].
	maxOptions = 3
)

// uerr is one userError before it is answered; code is left out by the
// payloads whose error type has none (UserError).
type uerr struct {
	field []string
	msg   string
	code  string
}

func errList1(e *uerr) []any { return []any{userError(e.field, e.msg, e.code)} }

// fieldPath extends an input path; list indexes are written as strings, as
// Shopify does ("variants", "0", "price").
func fieldPath(base []string, parts ...any) []string {
	out := append([]string{}, base...)
	for _, p := range parts {
		switch x := p.(type) {
		case int:
			out = append(out, strconv.Itoa(x))
		case string:
			out = append(out, x)
		}
	}
	return out
}

// handleize makes a handle from a title as the schema describes it:
// lowercase, runs of other characters one hyphen, none at the ends.
func handleize(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range asciiLower(title) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}

func (s *Server) productByHandle(h string) *product {
	for _, p := range s.st.products {
		if p.handle == h {
			return p
		}
	}
	return nil
}

// uniqueHandle is the title's handle, "-1", "-2" … appended while taken
// (the schema's Potion, potion-1).
func (s *Server) uniqueHandle(title string) string {
	base := handleize(title)
	if base == "" {
		base = "product"
	}
	h := base
	for i := 1; s.productByHandle(h) != nil; i++ {
		h = base + "-" + strconv.Itoa(i)
	}
	return h
}

// handleTaken reports a handle another product has (2025-01 validates
// handles for uniqueness instead of renaming them [V changelog]).
func (s *Server) handleTaken(h string, self *product) *uerr {
	if o := s.productByHandle(h); o != nil && o != self {
		return &uerr{msg: fmt.Sprintf("Handle '%s' already in use. Please provide a new handle.", h)} // message [U]
	}
	return nil
}

// newVariant files a variant of p with its inventory item, stocked at every
// location with nothing; the caller places it in p.variants.
func (s *Server) newVariant(p *product, opts []string, now time.Time) *variant {
	st := s.st
	v := &variant{id: st.id(), prod: p, opts: opts, taxable: true, policy: "DENY", createdAt: now, updatedAt: now}
	it := &invItem{id: st.id(), v: v, tracked: true, createdAt: now, updatedAt: now}
	v.item = it
	for _, loc := range st.locations {
		l := &level{id: st.id(), item: it, loc: loc, updatedAt: now}
		it.levels = append(it.levels, l)
		st.levelByID[l.id] = l
	}
	st.variants = append(st.variants, v)
	st.varByID[v.id] = v
	st.items = append(st.items, it)
	st.itemByID[it.id] = it
	return v
}

// dropVariant removes a variant and its inventory item from the shop; order
// lines keep the variant (answered as null).
func (s *Server) dropVariant(v *variant) {
	st := s.st
	v.deleted = true
	st.variants = slices.DeleteFunc(st.variants, func(x *variant) bool { return x == v })
	delete(st.varByID, v.id)
	st.items = slices.DeleteFunc(st.items, func(x *invItem) bool { return x == v.item })
	delete(st.itemByID, v.item.id)
	for _, l := range v.item.levels {
		delete(st.levelByID, l.id)
	}
}

// renumber gives p's variants positions 1… and titles from their values.
func (p *product) renumber() {
	for i, v := range p.variants {
		v.position = i + 1
		v.title = strings.Join(v.opts, " / ")
	}
}

// defaultOptions is the implicit option of a product created without any.
func (s *Server) defaultOptions() []*prodOption {
	return []*prodOption{{id: s.st.id(), name: "Title", values: []*optValue{{id: s.st.id(), name: "Default Title"}}}}
}

// comboKey identifies a variant's option values by option id.
func comboKey(options []*prodOption, vals []string) string {
	var b strings.Builder
	for i, v := range vals {
		if i < len(options) {
			b.WriteString(strconv.FormatInt(options[i].id, 10))
		}
		b.WriteString("=" + v + "\x00")
	}
	return b.String()
}

// readOptions reads OptionCreateInput or OptionSetInput values against the
// product's options (old, nil on create): ids and names keep the ids of
// existing options and values. Codes are ProductSetUserErrorCode's.
func (s *Server) readOptions(in []any, old []*prodOption, base []string) ([]*prodOption, *uerr) {
	if len(in) > maxOptions {
		return nil, &uerr{base, fmt.Sprintf("Can only specify a maximum of %d options", maxOptions), "OPTIONS_OVER_LIMIT"}
	}
	var out []*prodOption
	for i, x := range in {
		m, f := argMap(x), fieldPath(base, i)
		name := strings.TrimSpace(argStr(m["name"]))
		var prev *prodOption
		if id, ok := idOf(m["id"], "ProductOption"); ok {
			for _, o := range old {
				if o.id == id {
					prev = o
				}
			}
			if prev == nil {
				return nil, &uerr{fieldPath(f, "id"), "Option does not exist", "OPTION_DOES_NOT_EXIST"}
			}
			if name == "" {
				name = prev.name
			}
		} else {
			for _, o := range old {
				if strings.EqualFold(o.name, name) {
					prev = o
				}
			}
		}
		if name == "" {
			return nil, &uerr{fieldPath(f, "name"), "Option name can't be blank", "INVALID_INPUT"}
		}
		for _, o := range out {
			if strings.EqualFold(o.name, name) {
				return nil, &uerr{fieldPath(f, "name"), fmt.Sprintf("Duplicated option name '%s'", name), "DUPLICATED_OPTION_NAME"}
			}
		}
		o := &prodOption{name: name}
		if prev != nil {
			o.id = prev.id
		} else {
			o.id = s.st.id()
		}
		vals := argList(m["values"])
		if len(vals) == 0 {
			return nil, &uerr{fieldPath(f, "values"), fmt.Sprintf("Option '%s' must specify at least one option value", name), "OPTION_VALUES_MISSING"}
		}
		for j, vx := range vals {
			vm, vf := argMap(vx), fieldPath(f, "values", j)
			vn := strings.TrimSpace(argStr(vm["name"]))
			var pv *optValue
			if vid, ok := idOf(vm["id"], "ProductOptionValue"); ok && prev != nil {
				for _, x := range prev.values {
					if x.id == vid {
						pv = x
					}
				}
				if pv == nil {
					return nil, &uerr{fieldPath(vf, "id"), "Option value does not exist", "OPTION_VALUE_DOES_NOT_EXIST"}
				}
				if vn == "" {
					vn = pv.name
				}
			} else if prev != nil {
				pv = prev.value(vn)
			}
			if vn == "" {
				return nil, &uerr{fieldPath(vf, "name"), "Option value name can't be blank", "INVALID_INPUT"}
			}
			if o.value(vn) != nil {
				return nil, &uerr{vf, fmt.Sprintf("Duplicated option value '%s'", vn), "DUPLICATED_OPTION_VALUE"}
			}
			ov := &optValue{name: vn}
			if pv != nil {
				ov.id = pv.id
			} else {
				ov.id = s.st.id()
			}
			o.values = append(o.values, ov)
		}
		out = append(out, o)
	}
	return out, nil
}

type optProblem int

const (
	optOK optProblem = iota
	optUnknown
	optValueUnknown
	optMissing
	optTwice
)

// resolveOpts reads a variant's VariantOptionValueInputs: one value per
// option, by optionId or optionName, the value by id or name. newOK lets a
// name the option lacks through (the bulk mutations add it); base, when not
// nil, is a variant's values that the input changes (an update names only
// some options); at answers the index of the offending input.
func resolveOpts(options []*prodOption, in []any, newOK bool, base []string) (vals []string, p optProblem, at int) {
	vals = make([]string, len(options))
	set := make([]bool, len(options))
	if base != nil {
		copy(vals, base)
		for i := range set {
			set[i] = i < len(base)
		}
	}
	given := make([]bool, len(options))
	for i, x := range in {
		m := argMap(x)
		oi := -1
		if id, ok := idOf(m["optionId"], "ProductOption"); ok {
			oi = slices.IndexFunc(options, func(o *prodOption) bool { return o.id == id })
		} else if n := argStr(m["optionName"]); n != "" {
			oi = slices.IndexFunc(options, func(o *prodOption) bool { return strings.EqualFold(o.name, n) })
		}
		name := strings.TrimSpace(argStr(m["name"]))
		if vid, ok := idOf(m["id"], "ProductOptionValue"); ok {
			found := false
			for j, o := range options {
				for _, v := range o.values {
					if v.id == vid && (oi < 0 || oi == j) {
						oi, name, found = j, v.name, true
					}
				}
			}
			if !found {
				return nil, optValueUnknown, i
			}
		}
		switch {
		case oi < 0:
			return nil, optUnknown, i
		case name == "" || !newOK && options[oi].value(name) == nil:
			return nil, optValueUnknown, i
		case given[oi]:
			return nil, optTwice, i
		}
		vals[oi], set[oi], given[oi] = name, true, true
	}
	for _, ok := range set {
		if !ok {
			return nil, optMissing, len(in)
		}
	}
	return vals, optOK, 0
}

// addValues adds the values of vals that p's options lack (bulk writes name
// new values freely).
func (s *Server) addValues(p *product, vals []string) {
	for i, v := range vals {
		if o := p.options[i]; o.value(v) == nil {
			o.values = append(o.values, &optValue{id: s.st.id(), name: v})
		}
	}
}

// pruneValues drops option values no variant has any more [U: Shopify's
// new product model does so on variant deletes].
func (p *product) pruneValues() {
	for i, o := range p.options {
		o.values = slices.DeleteFunc(o.values, func(v *optValue) bool {
			return !slices.ContainsFunc(p.variants, func(pv *variant) bool { return i < len(pv.opts) && pv.opts[i] == v.name })
		})
	}
}

// parseMoney reads a Money or Decimal input ("12.5", 12.5) as minor units;
// ok is false for anything else or more than two decimals.
func parseMoney(v any) (int64, bool) {
	var str string
	switch x := v.(type) {
	case string:
		str = strings.TrimSpace(x)
	case float64:
		str = strconv.FormatFloat(x, 'f', -1, 64)
	case int64:
		str = strconv.FormatInt(x, 10)
	case int:
		str = strconv.Itoa(x)
	default:
		return 0, false
	}
	if _, err := strconv.ParseFloat(str, 64); err != nil || strings.ContainsAny(str, "eE") {
		return 0, false
	}
	if _, frac, ok := strings.Cut(str, "."); ok && len(frac) > 2 {
		return 0, false
	}
	return parseCents(str), true
}

// moneyProblem checks a variant input's price and compareAtPrice: the field
// at fault and whether it is negative (otherwise unreadable).
func moneyProblem(m map[string]any) (field string, negative bool) {
	for _, f := range []string{"price", "compareAtPrice"} {
		x, ok := m[f]
		if !ok || x == nil {
			continue
		}
		n, ok := parseMoney(x)
		if !ok {
			return f, false
		}
		if n < 0 {
			return f, true
		}
	}
	return "", false
}

// applyVariant writes a variant input's fields (ProductVariantSetInput or
// ProductVariantsBulkInput; checked before) into v.
func applyVariant(v *variant, m map[string]any, now time.Time) {
	if x, ok := m["price"]; ok && x != nil {
		v.price, _ = parseMoney(x)
	}
	if x, ok := m["compareAtPrice"]; ok {
		v.compareAt = 0
		if x != nil {
			v.compareAt, _ = parseMoney(x)
		}
	}
	if x, ok := m["barcode"]; ok {
		v.barcode = argStr(x)
	}
	if x, ok := m["taxable"]; ok && x != nil {
		v.taxable = argBool(x)
	}
	if x := argStr(m["inventoryPolicy"]); x != "" {
		v.policy = x
	}
	it := v.item
	if x, ok := m["sku"]; ok {
		v.sku, it.updatedAt = argStr(x), now
	}
	if in := argMap(m["inventoryItem"]); in != nil {
		if x, ok := in["sku"]; ok {
			v.sku = argStr(x)
		}
		if x, ok := in["cost"]; ok {
			it.cost = 0
			if x != nil {
				it.cost, _ = parseMoney(x)
			}
		}
		if x, ok := in["tracked"]; ok && x != nil {
			it.tracked = argBool(x)
		}
		if x, ok := in["countryCodeOfOrigin"]; ok {
			it.countryOfOrigin = argStr(x)
		}
		if x, ok := in["harmonizedSystemCode"]; ok {
			it.hsCode = argStr(x)
		}
		it.updatedAt = now
	}
	v.updatedAt = now
}

// setStock sets a new variant's starting quantity at a location (available
// and on_hand move together, as stock received).
func setStock(v *variant, loc *location, name string, n int) {
	if l := v.item.levelAt(loc); l != nil {
		switch name {
		case "on_hand":
			l.q[qAvailable] += n - l.q[qOnHand]
			l.q[qOnHand] = n
		default:
			l.q[qOnHand] += n - l.q[qAvailable]
			l.q[qAvailable] = n
		}
	}
}

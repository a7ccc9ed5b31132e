package shopify

import (
	"strconv"
	"strings"
	"time"
)

var productFilters = filters{
	"": textFilter(func(x any) []string {
		p := x.(*product)
		out := []string{p.title, p.handle, p.vendor}
		for _, v := range p.variants {
			out = append(out, v.sku)
		}
		return out
	}),
	"title":        textFilter(func(x any) []string { return []string{x.(*product).title} }),
	"handle":       textFilter(func(x any) []string { return []string{x.(*product).handle} }),
	"vendor":       textFilter(func(x any) []string { return []string{x.(*product).vendor} }),
	"product_type": textFilter(func(x any) []string { return []string{x.(*product).productType} }),
	"status":       textFilter(func(x any) []string { return []string{strings.ToLower(x.(*product).status)} }),
	"tag":          textFilter(func(x any) []string { return x.(*product).tags }),
	"updated_at":   timeFilter(func(x any) time.Time { return x.(*product).updatedAt }),
	"created_at":   timeFilter(func(x any) time.Time { return x.(*product).createdAt }),
	"id":           numFilter(func(x any) float64 { return float64(x.(*product).id) }),
	"sku": textFilter(func(x any) []string {
		var out []string
		for _, v := range x.(*product).variants {
			out = append(out, v.sku)
		}
		return out
	}),
	"barcode": textFilter(func(x any) []string {
		var out []string
		for _, v := range x.(*product).variants {
			out = append(out, v.barcode)
		}
		return out
	}),
}

var variantFilters = filters{
	"":           textFilter(func(x any) []string { v := x.(*variant); return []string{v.sku, v.title, v.prod.title, v.barcode} }),
	"sku":        textFilter(func(x any) []string { return []string{x.(*variant).sku} }),
	"barcode":    textFilter(func(x any) []string { return []string{x.(*variant).barcode} }),
	"title":      textFilter(func(x any) []string { return []string{x.(*variant).title} }),
	"product_id": numFilter(func(x any) float64 { return float64(x.(*variant).prod.id) }),
	"id":         numFilter(func(x any) float64 { return float64(x.(*variant).id) }),
	"updated_at": timeFilter(func(x any) time.Time { return x.(*variant).updatedAt }),
	"created_at": timeFilter(func(x any) time.Time { return x.(*variant).createdAt }),
	"product_status": textFilter(func(x any) []string {
		return []string{strings.ToLower(x.(*variant).prod.status)}
	}),
}

func productSort(key string) func(*product) string {
	switch key {
	case "TITLE":
		return func(p *product) string { return strings.ToLower(p.title) }
	case "VENDOR":
		return func(p *product) string { return strings.ToLower(p.vendor) }
	case "PRODUCT_TYPE":
		return func(p *product) string { return strings.ToLower(p.productType) }
	case "UPDATED_AT":
		return func(p *product) string { return sortTime(p.updatedAt) }
	case "CREATED_AT", "PUBLISHED_AT":
		return func(p *product) string { return sortTime(p.createdAt) }
	case "INVENTORY_TOTAL":
		return func(p *product) string { return sortNum(int64(p.totalInventory())) }
	}
	return func(*product) string { return "" }
}

func variantSort(key string) func(*variant) string {
	switch key {
	case "SKU":
		return func(v *variant) string { return v.sku }
	case "TITLE":
		return func(v *variant) string { return strings.ToLower(v.title) }
	case "NAME", "FULL_TITLE":
		return func(v *variant) string { return strings.ToLower(v.prod.title + " - " + v.title) }
	case "POSITION":
		return func(v *variant) string { return sortNum(int64(v.position)) }
	case "INVENTORY_QUANTITY", "INVENTORY_LEVELS_AVAILABLE":
		return func(v *variant) string { return sortNum(int64(v.item.total(qAvailable))) }
	}
	return func(*variant) string { return "" }
}

func (s *Server) productsConn(ec *execCtx, args map[string]any) (any, error) {
	q := argStr(args["query"])
	parsed := parseSearch(q)
	ec.searchWarnings("products", q, productFilters, parsed)
	sortOf := productSort(argStr(args["sortKey"]))
	var items []keyed
	for _, p := range s.st.products {
		if productFilters.match(parsed, p) {
			items = append(items, keyed{val: sortOf(p), id: p.id, item: p})
		}
	}
	return ec.paginate(args, items, func(x any) any { return s.productObj(x.(*product)) })
}

func (s *Server) variantsConn(ec *execCtx, args map[string]any, path string, list []*variant) (any, error) {
	q := argStr(args["query"])
	parsed := parseSearch(q)
	ec.searchWarnings(path, q, variantFilters, parsed)
	sortOf := variantSort(argStr(args["sortKey"]))
	var items []keyed
	for _, v := range list {
		if variantFilters.match(parsed, v) {
			items = append(items, keyed{val: sortOf(v), id: v.id, item: v})
		}
	}
	return ec.paginate(args, items, func(x any) any { return s.variantObj(x.(*variant)) })
}

func (p *product) totalInventory() int {
	n := 0
	for _, v := range p.variants {
		n += v.item.total(qAvailable)
	}
	return n
}

func (it *invItem) total(q int) int {
	n := 0
	for _, l := range it.levels {
		n += l.q[q]
	}
	return n
}

func (s *Server) productObj(p *product) obj {
	tags := []any{}
	for _, t := range p.tags {
		tags = append(tags, t)
	}
	o := obj{"__typename": "Product", "id": gid("Product", p.id), "legacyResourceId": strconv.FormatInt(p.id, 10),
		"title": p.title, "handle": p.handle, "status": p.status, "vendor": p.vendor, "productType": p.productType,
		"tags": tags, "descriptionHtml": p.bodyHTML(), "description": p.plainDescription(),
		"createdAt": p.createdAt, "updatedAt": p.updatedAt, "publishedAt": nilTime(p.createdAt),
		"totalInventory": p.totalInventory(), "tracksInventory": true, "hasOnlyDefaultVariant": p.hasOnlyDefault(),
		"hasOutOfStockVariants": lazy(func() any {
			for _, v := range p.variants {
				if v.item.total(qAvailable) <= 0 {
					return true
				}
			}
			return false
		}),
		"isGiftCard": false, "requiresSellingPlan": false,
		"options": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			out := []any{}
			for i, o := range p.options {
				if n, ok := argInt(args["first"]); ok && i >= n {
					break
				}
				out = append(out, p.optionObj(i, o))
			}
			return out, nil
		}),
		"variantsCount": lazy(func() any { return obj{"__typename": "Count", "count": len(p.variants), "precision": "EXACT"} }),
		"variants": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			var items []keyed
			for _, v := range p.variants {
				items = append(items, keyed{val: sortNum(int64(v.position)), id: v.id, item: v})
			}
			return ec.paginate(args, items, func(x any) any { return s.variantObj(x.(*variant)) })
		}),
	}
	s.productMediaFields(p, o)
	return o
}

func (p *product) optionObj(i int, o *prodOption) obj {
	values, vals := []any{}, []any{}
	for _, v := range o.values {
		values = append(values, v.name)
		vals = append(vals, p.valueObj(i, v))
	}
	return obj{"__typename": "ProductOption", "id": gid("ProductOption", o.id), "name": o.name, "position": i + 1,
		"values": values, "optionValues": vals, "linkedMetafield": nil}
}

func (p *product) valueObj(i int, v *optValue) obj {
	has := false
	for _, pv := range p.variants {
		has = has || i < len(pv.opts) && pv.opts[i] == v.name
	}
	return obj{"__typename": "ProductOptionValue", "id": gid("ProductOptionValue", v.id), "name": v.name,
		"hasVariants": has, "linkedMetafieldValue": nil, "swatch": nil}
}

func (s *Server) variantObj(v *variant) obj {
	var compare any
	if v.compareAt > 0 {
		compare = decimal(v.compareAt)
	}
	selected := []any{}
	for i, val := range v.opts {
		if i < len(v.prod.options) {
			o := v.prod.options[i]
			sel := obj{"__typename": "SelectedOption", "name": o.name, "value": val}
			if ov := o.value(val); ov != nil {
				sel["optionValue"] = v.prod.valueObj(i, ov)
			}
			selected = append(selected, sel)
		}
	}
	return obj{"__typename": "ProductVariant", "id": gid("ProductVariant", v.id), "legacyResourceId": strconv.FormatInt(v.id, 10),
		"sku": nilIfEmpty(v.sku), "barcode": nilIfEmpty(v.barcode), "title": v.title, "displayName": v.prod.title + " - " + v.title,
		"price": decimal(v.price), "compareAtPrice": compare, "position": v.position, "taxable": v.taxable, "taxCode": nil,
		"inventoryPolicy": v.policy, "inventoryQuantity": v.item.total(qAvailable), "availableForSale": v.prod.status == "ACTIVE",
		"createdAt": v.createdAt, "updatedAt": v.updatedAt,
		"selectedOptions": selected,
		"product":         lazy(func() any { return s.productObj(v.prod) }),
		"inventoryItem":   lazy(func() any { return s.itemObj(v.item) }),
	}
}

// bodyHTML is descriptionHtml: as written, or the seeded text in a paragraph.
func (p *product) bodyHTML() string {
	if p.html != "" || p.description == "" {
		return p.html
	}
	return "<p>" + p.description + "</p>"
}

// plainDescription is description: descriptionHtml without its tags.
func (p *product) plainDescription() string {
	if p.html == "" {
		return p.description
	}
	var b strings.Builder
	in := false
	for _, r := range p.html {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}

// hasOnlyDefault: one variant under the implicit Title option.
func (p *product) hasOnlyDefault() bool {
	return len(p.variants) == 1 && len(p.options) == 1 && p.options[0].name == "Title" &&
		len(p.variants[0].opts) == 1 && p.variants[0].opts[0] == "Default Title"
}

func (o *prodOption) value(name string) *optValue {
	for _, v := range o.values {
		if v.name == name {
			return v
		}
	}
	return nil
}

// customerFilters are the customers query's search fields.
var customerFilters = filters{
	"":           textFilter(func(x any) []string { c := x.(*customer); return []string{c.email, c.first, c.last, c.phone} }),
	"email":      textFilter(func(x any) []string { return []string{x.(*customer).email} }),
	"phone":      textFilter(func(x any) []string { return []string{x.(*customer).phone} }),
	"first_name": textFilter(func(x any) []string { return []string{x.(*customer).first} }),
	"last_name":  textFilter(func(x any) []string { return []string{x.(*customer).last} }),
	"tag":        textFilter(func(x any) []string { return x.(*customer).tags }),
	"updated_at": timeFilter(func(x any) time.Time { return x.(*customer).updatedAt }),
	"created_at": timeFilter(func(x any) time.Time { return x.(*customer).createdAt }),
	"id":         numFilter(func(x any) float64 { return float64(x.(*customer).id) }),
	"country":    textFilter(func(x any) []string { c := x.(*customer); return []string{c.addr.country, c.addr.countryCode} }),
}

func (s *Server) customersConn(ec *execCtx, args map[string]any) (any, error) {
	q := argStr(args["query"])
	parsed := parseSearch(q)
	ec.searchWarnings("customers", q, customerFilters, parsed)
	key := argStr(args["sortKey"])
	var items []keyed
	for _, c := range s.st.customers {
		if !customerFilters.match(parsed, c) {
			continue
		}
		k := keyed{id: c.id, item: c}
		switch key {
		case "CREATED_AT":
			k.val = sortTime(c.createdAt)
		case "UPDATED_AT":
			k.val = sortTime(c.updatedAt)
		case "NAME":
			k.val = strings.ToLower(c.first + " " + c.last)
		case "LOCATION":
			k.val = c.addr.country
		}
		items = append(items, k)
	}
	return ec.paginate(args, items, func(x any) any { return s.customerObj(x.(*customer)) })
}

func (s *Server) customerOrders(c *customer) []*order {
	var out []*order
	for _, o := range s.st.orders {
		if o.cust == c {
			out = append(out, o)
		}
	}
	return out
}

func (s *Server) customerObj(c *customer) obj {
	tags := []any{}
	for _, t := range c.tags {
		tags = append(tags, t)
	}
	consent := "NOT_SUBSCRIBED"
	if c.acceptsMarketing {
		consent = "SUBSCRIBED"
	}
	return obj{"__typename": "Customer", "id": gid("Customer", c.id), "legacyResourceId": strconv.FormatInt(c.id, 10),
		"email": nilIfEmpty(c.email), "phone": nilIfEmpty(c.phone), "firstName": nilIfEmpty(c.first), "lastName": nilIfEmpty(c.last),
		"displayName": strings.TrimSpace(c.first + " " + c.last), "state": "ENABLED", "tags": tags, "note": nilIfEmpty(c.note),
		"taxExempt": false, "taxExemptions": []any{}, "verifiedEmail": true, "locale": "en", "createdAt": c.createdAt, "updatedAt": c.updatedAt,
		"defaultAddress": lazy(func() any {
			if c.addr == (address{}) {
				return nil
			}
			return addrObj(&c.addr)
		}),
		"addresses": lazy(func() any {
			if c.addr == (address{}) {
				return []any{}
			}
			return []any{addrObj(&c.addr)}
		}),
		"emailMarketingConsent": obj{"__typename": "CustomerEmailMarketingConsentState", "marketingState": consent,
			"marketingOptInLevel": "SINGLE_OPT_IN", "consentUpdatedAt": c.createdAt},
		"numberOfOrders": lazy(func() any { return strconv.Itoa(len(s.customerOrders(c))) }),
		"amountSpent": lazy(func() any {
			var n int64
			for _, o := range s.customerOrders(c) {
				if o.cancelledAt.IsZero() {
					n += o.total() - o.refunded()
				}
			}
			return money(n, s.opts.Currency)
		}),
		"orders": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			return s.ordersConn(ec, args, "orders", s.customerOrders(c))
		}),
	}
}

package shopify

import (
	"strconv"
	"strings"
	"time"
)

// REST bodies of webhooks (reference §1.9): snake_case, numeric ids plus
// admin_graphql_api_id, money as two-decimal strings, times in the shop's zone.
// The key sets are those of samples/shopify/webhooks/*.rest-2025-01.json.

// shopZone is the shop's time zone for REST times: a fixed +02:00 (Helsinki
// winter time) so that no tz database is needed.
var shopZone = time.FixedZone("EET", 2*3600)

func restTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.In(shopZone).Format(time.RFC3339)
}

func restAddr(a *address) any {
	if a == nil {
		return nil
	}
	return newOmap("first_name", a.first, "address1", a.address1, "phone", nilIfEmpty(a.phone), "city", a.city, "zip", a.zip,
		"province", nilIfEmpty(a.province), "country", a.country, "last_name", a.last, "address2", a.address2,
		"company", nilIfEmpty(a.company), "latitude", nil, "longitude", nil, "name", strings.TrimSpace(a.first+" "+a.last),
		"country_code", a.countryCode, "province_code", nilIfEmpty(a.provinceCode))
}

func (s *Server) restCustomer(c *customer, full bool) *omap {
	consent := "not_subscribed"
	if c.acceptsMarketing {
		consent = "subscribed"
	}
	m := newOmap("id", c.id, "email", nilIfEmpty(c.email), "created_at", restTime(c.createdAt), "updated_at", restTime(c.updatedAt),
		"first_name", c.first, "last_name", c.last, "state", "enabled", "note", nilIfEmpty(c.note), "verified_email", true,
		"multipass_identifier", nil, "tax_exempt", false, "phone", nilIfEmpty(c.phone),
		"email_marketing_consent", newOmap("state", consent, "opt_in_level", "single_opt_in", "consent_updated_at", restTime(c.createdAt)),
		"sms_marketing_consent", nil, "tags", strings.Join(c.tags, ", "), "currency", s.opts.Currency, "tax_exemptions", []any{},
		"admin_graphql_api_id", gid("Customer", c.id))
	addr := newOmap("id", c.id+1, "customer_id", c.id, "first_name", c.first, "last_name", c.last, "company", nilIfEmpty(c.addr.company),
		"address1", c.addr.address1, "address2", c.addr.address2, "city", c.addr.city, "province", nilIfEmpty(c.addr.province),
		"country", c.addr.country, "zip", c.addr.zip, "phone", nilIfEmpty(c.addr.phone), "name", strings.TrimSpace(c.first+" "+c.last),
		"province_code", nilIfEmpty(c.addr.provinceCode), "country_code", c.addr.countryCode, "country_name", c.addr.country, "default", true)
	m.set("default_address", addr)
	if full {
		orders := s.customerOrders(c)
		var spent int64
		var lastID, lastName any
		for _, o := range orders {
			spent += o.total()
			lastID, lastName = o.id, o.name
		}
		m.set("addresses", []any{addr})
		m.set("orders_count", len(orders))
		m.set("total_spent", rest(spent))
		m.set("last_order_id", lastID)
		m.set("last_order_name", lastName)
	}
	return m
}

func (o *order) restTaxLines(groups []taxGroup) []any {
	out := []any{}
	for _, g := range groups {
		out = append(out, newOmap("price", rest(g.amount), "rate", g.rate, "title", g.title, "price_set", o.restSet(g.amount), "channel_liable", false))
	}
	return out
}

func (s *Server) restLine(l *lineItem, fulfillable bool) *omap {
	o := l.ord
	var variantID, productID any
	if l.v != nil {
		variantID, productID = l.v.id, l.v.prod.id
	}
	status := any(nil)
	switch f := l.fulfilled(); {
	case f > 0 && f >= l.qty-l.refunded:
		status = "fulfilled"
	case f > 0:
		status = "partial"
	}
	var taxes []taxGroup
	if l.taxRate > 0 {
		taxes = []taxGroup{{l.taxTitle, l.taxRate, l.tax()}}
	}
	allocs := []any{}
	if l.discount > 0 {
		allocs = append(allocs, newOmap("amount", rest(l.discount), "amount_set", o.restSet(l.discount), "discount_application_index", 0))
	}
	return newOmap("id", l.id, "admin_graphql_api_id", gid("LineItem", l.id), "attributed_staffs", []any{},
		"current_quantity", l.qty-l.refunded, "fulfillable_quantity", l.unfulfilled(), "fulfillment_service", "manual",
		"fulfillment_status", status, "gift_card", false, "grams", 500, "name", l.name(), "price", rest(l.price),
		"price_set", o.restSet(l.price), "product_exists", l.v != nil, "product_id", productID, "properties", []any{},
		"quantity", l.qty, "requires_shipping", l.requiresShipping, "sku", nilIfEmpty(l.sku), "taxable", l.taxable,
		"title", l.title, "total_discount", rest(l.discount), "total_discount_set", o.restSet(l.discount),
		"variant_id", variantID, "variant_inventory_management", "shopify", "variant_title", nilIfEmpty(l.variantTitle),
		"vendor", nilIfEmpty(l.vendor), "tax_lines", o.restTaxLines(taxes), "duties", []any{}, "discount_allocations", allocs)
}

func restFinancial(f string) string { return strings.ToLower(f) }

func restFulfillmentStatus(o *order) any {
	switch o.fulfillmentStatus() {
	case "FULFILLED":
		return "fulfilled"
	case "PARTIALLY_FULFILLED":
		return "partial"
	}
	return nil
}

// restOrder is the orders/* webhook body.
func (s *Server) restOrder(o *order) *omap {
	var custBody any
	if o.cust != nil {
		custBody = s.restCustomer(o.cust, false)
	}
	codes, apps := []any{}, []any{}
	if d := o.discount; d != nil {
		codes = append(codes, newOmap("code", d.code, "amount", rest(o.discounts()), "type", "percentage"))
		apps = append(apps, newOmap("target_type", "line_item", "type", "discount_code", "value", strconv.FormatFloat(d.percent, 'f', 1, 64),
			"value_type", "percentage", "allocation_method", "across", "target_selection", "all", "code", d.code))
	}
	gateways := []any{}
	for _, t := range o.txs {
		if !containsAny(gateways, t.gateway) {
			gateways = append(gateways, t.gateway)
		}
	}
	lines, shipping, fuls, refunds := []any{}, []any{}, []any{}, []any{}
	for _, l := range o.lines {
		lines = append(lines, s.restLine(l, true))
	}
	for _, sl := range o.shipping {
		var taxes []taxGroup
		if sl.taxRate > 0 {
			taxes = []taxGroup{{sl.taxTitle, sl.taxRate, sl.tax(o.taxesIncluded)}}
		}
		shipping = append(shipping, newOmap("id", sl.id, "carrier_identifier", nil, "code", sl.code, "discounted_price", rest(sl.price),
			"discounted_price_set", o.restSet(sl.price), "is_removed", false, "phone", nil, "price", rest(sl.price),
			"price_set", o.restSet(sl.price), "requested_fulfillment_service_id", nil, "source", sl.source, "title", sl.title,
			"tax_lines", o.restTaxLines(taxes), "discount_allocations", []any{}))
	}
	for _, f := range o.fulfillments {
		fuls = append(fuls, s.restFulfillment(f))
	}
	for _, r := range o.refunds {
		refunds = append(refunds, s.restRefund(r))
	}
	tags := strings.Join(o.tags, ", ")
	var locID any
	if o.retail != nil {
		locID = o.retail.id
	}
	tax, disc, sub, total := o.totalTax(), o.discounts(), o.subtotal(), o.total()
	cur := total - o.refunded()
	zero := o.restSet(0)
	return newOmap(
		"id", o.id, "admin_graphql_api_id", gid("Order", o.id), "app_id", 580111, "browser_ip", nil,
		"buyer_accepts_marketing", o.cust != nil && o.cust.acceptsMarketing, "cancel_reason", nilIfEmpty(lower(o.cancelReason)),
		"cancelled_at", restTime(o.cancelledAt), "cart_token", nil, "checkout_id", nil, "checkout_token", nil, "client_details", nil,
		"closed_at", restTime(o.closedAt), "confirmation_number", o.confirmation, "confirmed", true, "contact_email", nilIfEmpty(o.email),
		"created_at", restTime(o.createdAt), "currency", o.currency,
		"current_subtotal_price", rest(sub-o.refundedGoods()), "current_subtotal_price_set", o.restSet(sub-o.refundedGoods()),
		"current_total_additional_fees_set", nil, "current_total_discounts", rest(disc), "current_total_discounts_set", o.restSet(disc),
		"current_total_duties_set", nil, "current_total_price", rest(cur), "current_total_price_set", o.restSet(cur),
		"current_total_tax", rest(tax), "current_total_tax_set", o.restSet(tax), "customer_locale", "en", "device_id", nil,
		"discount_codes", codes, "duties_included", false, "email", o.email, "estimated_taxes", false,
		"financial_status", restFinancial(o.financial), "fulfillment_status", restFulfillmentStatus(o),
		"landing_site", nil, "landing_site_ref", nil, "location_id", locID, "merchant_business_entity_id", "MTU0ODM4MDAwOQ",
		"merchant_of_record_app_id", nil, "name", o.name, "note", nilIfEmpty(o.note), "note_attributes", []any{},
		"number", o.number-1000, "order_number", o.number,
		"order_status_url", "https://"+s.ShopDomain()+"/548380009/orders/"+o.confirmation+"/authenticate",
		"original_total_additional_fees_set", nil, "original_total_duties_set", nil, "payment_gateway_names", gateways,
		"phone", nilIfEmpty(o.phone), "po_number", nil, "presentment_currency", o.presentment, "processed_at", restTime(o.processedAt),
		"reference", nil, "referring_site", nil, "source_identifier", nil, "source_name", o.sourceName, "source_url", nil,
		"subtotal_price", rest(sub), "subtotal_price_set", o.restSet(sub), "tags", tags, "tax_exempt", false,
		"tax_lines", o.restTaxLines(o.taxGroups()), "taxes_included", o.taxesIncluded, "test", o.test, "token", o.confirmation,
		"total_cash_rounding_payment_adjustment_set", zero, "total_cash_rounding_refund_adjustment_set", zero,
		"total_discounts", rest(disc), "total_discounts_set", o.restSet(disc),
		"total_line_items_price", rest(o.lineItemsTotal()), "total_line_items_price_set", o.restSet(o.lineItemsTotal()),
		"total_outstanding", rest(o.outstanding()), "total_price", rest(total), "total_price_set", o.restSet(total),
		"total_shipping_price_set", o.restSet(o.shippingTotal()), "total_tax", rest(tax), "total_tax_set", o.restSet(tax),
		"total_tip_received", "0.00", "total_weight", 500*len(o.lines), "updated_at", restTime(o.updatedAt), "user_id", nil,
		"billing_address", restAddr(o.billing), "customer", custBody, "discount_applications", apps, "fulfillments", fuls,
		"line_items", lines, "payment_terms", nil, "refunds", refunds, "shipping_address", restAddr(o.shipTo), "shipping_lines", shipping,
	)
}

func containsAny(list []any, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// restFulfillment is the fulfillments/create body.
func (s *Server) restFulfillment(f *fulfillment) *omap {
	var company, number, url any
	numbers, urls := []any{}, []any{}
	for i, t := range f.tracking {
		if i == 0 {
			company, number, url = nilIfEmpty(t.company), nilIfEmpty(t.number), nilIfEmpty(t.url)
		}
		if t.number != "" {
			numbers = append(numbers, t.number)
		}
		if t.url != "" {
			urls = append(urls, t.url)
		}
	}
	lines := []any{}
	for _, fl := range f.lines {
		m := s.restLine(fl.line, false)
		m.set("quantity", fl.qty)
		lines = append(lines, m)
	}
	return newOmap("id", f.id, "order_id", f.ord.id, "status", lower(f.status), "created_at", restTime(f.createdAt), "service", "manual",
		"updated_at", restTime(f.updatedAt), "tracking_company", company, "shipment_status", nil, "location_id", f.loc.id,
		"origin_address", nil, "line_items", lines, "tracking_number", number, "tracking_numbers", numbers, "tracking_url", url,
		"tracking_urls", urls, "receipt", newOmap(), "name", f.name, "admin_graphql_api_id", gid("Fulfillment", f.id))
}

func (s *Server) restTx(t *transaction) *omap {
	var parent any
	if t.parent != nil {
		parent = t.parent.id
	}
	return newOmap("id", t.id, "order_id", t.ord.id, "kind", lower(t.kind), "gateway", t.gateway, "status", lower(t.status),
		"message", nil, "created_at", restTime(t.createdAt), "test", t.ord.test, "authorization", nil, "location_id", nil,
		"user_id", nil, "parent_id", parent, "processed_at", restTime(t.createdAt), "device_id", nil, "error_code", nil,
		"source_name", "web", "receipt", newOmap(), "amount", rest(t.amount), "currency", t.ord.currency,
		"payment_id", "c"+strconv.FormatInt(t.id, 10)+".1", "total_unsettled_set", t.ord.restSet(0), "manual_payment_gateway", t.gateway == "manual",
		"amount_rounding", nil, "admin_graphql_api_id", gid("OrderTransaction", t.id))
}

// restRefund is the refunds/create body. subtotal and total_tax of a refund
// line are numbers there (samples/shopify/README.md), the sets strings.
func (s *Server) restRefund(r *refund) *omap {
	o := r.ord
	lines, txs := []any{}, []any{}
	restock := false
	for i, rl := range r.lines {
		sub := rl.line.discounted() / int64(rl.line.qty) * int64(rl.qty)
		tax := taxOf(sub, rl.line.taxRate, o.taxesIncluded)
		var loc any
		if rl.loc != nil {
			loc = rl.loc.id
		}
		restock = restock || rl.restockType != "NO_RESTOCK"
		lines = append(lines, newOmap("location_id", loc, "restock_type", lower(rl.restockType), "quantity", rl.qty,
			"id", r.id+int64(i)+1, "line_item_id", rl.line.id, "subtotal", float64(sub)/100, "total_tax", float64(tax)/100,
			"subtotal_set", o.restSet(sub), "total_tax_set", o.restSet(tax), "line_item", s.restLine(rl.line, false)))
	}
	for _, t := range r.txs {
		txs = append(txs, s.restTx(t))
	}
	shippingLines := []any{}
	if r.shipping > 0 && len(o.shipping) > 0 {
		sl := o.shipping[0]
		tax := taxOf(r.shipping, sl.taxRate, o.taxesIncluded)
		shippingLines = append(shippingLines, newOmap("id", r.id+100, "shipping_line_id", sl.id, "subtotal_amount_set", o.restSet(r.shipping),
			"tax_amount_set", o.restSet(tax)))
	}
	return newOmap("id", r.id, "order_id", o.id, "created_at", restTime(r.createdAt), "note", nilIfEmpty(r.note), "user_id", nil,
		"processed_at", restTime(r.createdAt), "restock", restock, "duties", []any{}, "total_duties_set", o.restSet(0),
		"additional_fees", []any{}, "total_additional_fees_set", o.restSet(0), "return", nil, "admin_graphql_api_id", gid("Refund", r.id),
		"refund_line_items", lines, "refund_shipping_lines", shippingLines, "transactions", txs, "order_adjustments", []any{})
}

// restProduct is the products/* body.
func (s *Server) restProduct(p *product) *omap {
	variants, options := []any{}, []any{}
	for i, o := range p.options {
		values := []any{}
		for _, v := range o.values {
			values = append(values, v.name)
		}
		options = append(options, newOmap("id", o.id, "product_id", p.id, "name", o.name, "position", i+1, "values", values))
	}
	for _, v := range p.variants {
		var compare any
		if v.compareAt > 0 {
			compare = rest(v.compareAt)
		}
		variants = append(variants, newOmap("id", v.id, "product_id", p.id, "title", v.title, "price", rest(v.price),
			"position", v.position, "inventory_policy", lower(v.policy), "compare_at_price", compare, "option1", v.optAt(0),
			"option2", v.optAt(1), "option3", v.optAt(2), "created_at", restTime(v.createdAt), "updated_at", restTime(v.updatedAt),
			"taxable", v.taxable, "barcode", nilIfEmpty(v.barcode), "fulfillment_service", "manual", "grams", 500,
			"inventory_management", "shopify", "requires_shipping", true, "sku", v.sku, "weight", 0.5, "weight_unit", "kg",
			"inventory_item_id", v.item.id, "inventory_quantity", v.item.total(qAvailable), "old_inventory_quantity", v.item.total(qAvailable),
			"presentment_prices", []any{newOmap("price", newOmap("amount", rest(v.price), "currency_code", s.opts.Currency), "compare_at_price", nil)},
			"admin_graphql_api_id", gid("ProductVariant", v.id), "image_id", nil))
	}
	return newOmap("id", p.id, "title", p.title, "body_html", p.bodyHTML(), "vendor", p.vendor,
		"product_type", p.productType, "created_at", restTime(p.createdAt), "handle", p.handle, "updated_at", restTime(p.updatedAt),
		"published_at", restTime(p.createdAt), "template_suffix", nil, "published_scope", "global", "tags", strings.Join(p.tags, ", "),
		"status", lower(p.status), "admin_graphql_api_id", gid("Product", p.id), "variants", variants,
		"options", options,
		"images", []any{}, "image", nil)
}

// restLevel is the inventory_levels/update body (rest/inventory-levels sample).
func restLevel(l *level) *omap {
	return newOmap("inventory_item_id", l.item.id, "location_id", l.loc.id, "available", l.q[qAvailable],
		"updated_at", restTime(l.updatedAt), "admin_graphql_api_id", levelGID(l))
}

// optAt is REST's option1..3: the variant's value of the i-th option, or null.
func (v *variant) optAt(i int) any {
	if i < len(v.opts) {
		return v.opts[i]
	}
	return nil
}

package shopify

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// orderFilters are the orders query's search fields the sandbox honours
// (reference §1.5 lists all of 2025-01's; the others are ignored with a
// warning).
var orderFilters = filters{
	"": textFilter(func(x any) []string {
		o := x.(*order)
		out := []string{o.name, strings.TrimPrefix(o.name, "#"), o.email}
		for _, l := range o.lines {
			out = append(out, l.sku)
		}
		return out
	}),
	"updated_at":   timeFilter(func(x any) time.Time { return x.(*order).updatedAt }),
	"created_at":   timeFilter(func(x any) time.Time { return x.(*order).createdAt }),
	"processed_at": timeFilter(func(x any) time.Time { return x.(*order).processedAt }),
	"id":           numFilter(func(x any) float64 { return float64(x.(*order).id) }),
	"name": textFilter(func(x any) []string {
		o := x.(*order)
		return []string{o.name, strings.TrimPrefix(o.name, "#")}
	}),
	"email":       textFilter(func(x any) []string { return []string{x.(*order).email} }),
	"source_name": textFilter(func(x any) []string { return []string{x.(*order).sourceName} }),
	"tag":         textFilter(func(x any) []string { return x.(*order).tags }),
	"tag_not": func(x any, t term) bool {
		return !textFilter(func(x any) []string { return x.(*order).tags })(x, t)
	},
	"test":             boolFilter(func(x any) bool { return x.(*order).test }),
	"financial_status": textFilter(func(x any) []string { return []string{strings.ToLower(x.(*order).financial)} }),
	"fulfillment_status": textFilter(func(x any) []string {
		switch x.(*order).fulfillmentStatus() {
		case "FULFILLED":
			return []string{"fulfilled", "shipped"}
		case "PARTIALLY_FULFILLED":
			return []string{"partial"}
		}
		return []string{"unfulfilled", "unshipped"}
	}),
	"status": func(x any, t term) bool {
		o := x.(*order)
		switch strings.ToLower(t.value) {
		case "any":
			return true
		case "open":
			return o.closedAt.IsZero() && o.cancelledAt.IsZero()
		case "closed":
			return !o.closedAt.IsZero()
		case "cancelled":
			return !o.cancelledAt.IsZero()
		case "not_closed":
			return o.closedAt.IsZero()
		}
		return false
	},
	"sku": textFilter(func(x any) []string {
		var out []string
		for _, l := range x.(*order).lines {
			out = append(out, l.sku)
		}
		return out
	}),
	"customer_id": numFilter(func(x any) float64 {
		if c := x.(*order).cust; c != nil {
			return float64(c.id)
		}
		return 0
	}),
	"risk_level": textFilter(func(x any) []string { return []string{strings.ToLower(x.(*order).riskLevel)} }),
	"gateway": textFilter(func(x any) []string {
		var out []string
		for _, t := range x.(*order).txs {
			out = append(out, t.gateway)
		}
		return out
	}),
}

// orderSort gives an order's sort value for a sortKey; RELEVANCE and ID sort by
// id alone.
func orderSort(key string) func(*order) string {
	switch key {
	case "CREATED_AT":
		return func(o *order) string { return sortTime(o.createdAt) }
	case "UPDATED_AT":
		return func(o *order) string { return sortTime(o.updatedAt) }
	case "PROCESSED_AT":
		return func(o *order) string { return sortTime(o.processedAt) }
	case "ORDER_NUMBER":
		return func(o *order) string { return sortNum(int64(o.number)) }
	case "TOTAL_PRICE":
		return func(o *order) string { return sortNum(o.total()) }
	case "FINANCIAL_STATUS":
		return func(o *order) string { return o.financial }
	case "FULFILLMENT_STATUS":
		return func(o *order) string { return o.fulfillmentStatus() }
	case "CUSTOMER_NAME":
		return func(o *order) string {
			if o.cust == nil {
				return ""
			}
			return strings.ToLower(o.cust.first + " " + o.cust.last)
		}
	}
	return func(*order) string { return "" }
}

func (s *Server) ordersConn(ec *execCtx, args map[string]any, path string, list []*order) (any, error) {
	q := argStr(args["query"])
	parsed := parseSearch(q)
	ec.searchWarnings(path, q, orderFilters, parsed)
	sortOf := orderSort(argStr(args["sortKey"]))
	var items []keyed
	for _, o := range list {
		if orderFilters.match(parsed, o) {
			items = append(items, keyed{val: sortOf(o), id: o.id, item: o})
		}
	}
	return ec.paginate(args, items, func(x any) any { return s.orderObj(x.(*order)) })
}

func (o *order) fulfillmentStatus() string {
	total, done := 0, 0
	for _, l := range o.lines {
		if !l.requiresShipping {
			continue
		}
		total += l.qty - l.refunded
		done += l.fulfilled()
	}
	switch {
	case total > 0 && done >= total:
		return "FULFILLED"
	case done > 0:
		return "PARTIALLY_FULFILLED"
	case total == 0 && (len(o.fulfillments) > 0 || o.sourceName == "pos"):
		// A POS sale leaves the shop with the buyer.
		return "FULFILLED"
	}
	return "UNFULFILLED"
}

func (l *lineItem) fulfilled() int {
	n := 0
	for _, f := range l.ord.fulfillments {
		if f.status != "SUCCESS" {
			continue
		}
		for _, fl := range f.lines {
			if fl.line == l {
				n += fl.qty
			}
		}
	}
	return n
}

func (l *lineItem) unfulfilled() int {
	if !l.ord.cancelledAt.IsZero() {
		return 0
	}
	return max(0, l.qty-l.refunded-l.fulfilled())
}

func (l *lineItem) name() string {
	if l.variantTitle == "" {
		return l.title
	}
	return l.title + " - " + l.variantTitle
}

// orderObj is an Order as GraphQL answers it; doc.go lists the real fields.
func (s *Server) orderObj(o *order) obj {
	tags := []any{}
	for _, t := range o.tags {
		tags = append(tags, t)
	}
	codes := []any{}
	var code any
	if o.discount != nil {
		codes, code = []any{o.discount.code}, o.discount.code
	}
	gateways := []any{}
	for _, t := range o.txs {
		if !slices.Contains(gateways, any(t.gateway)) {
			gateways = append(gateways, t.gateway)
		}
	}
	qty, curQty := 0, 0
	for _, l := range o.lines {
		qty += l.qty
		curQty += l.qty - l.refunded
	}
	cancelled := !o.cancelledAt.IsZero()
	m := obj{
		"__typename": "Order", "id": gid("Order", o.id), "legacyResourceId": strconv.FormatInt(o.id, 10),
		"name": o.name, "email": nilIfEmpty(o.email), "phone": nilIfEmpty(o.phone),
		"createdAt": o.createdAt, "processedAt": o.processedAt, "updatedAt": o.updatedAt,
		"cancelledAt": nilTime(o.cancelledAt), "cancelReason": nilIfEmpty(o.cancelReason),
		"closed": !o.closedAt.IsZero(), "closedAt": nilTime(o.closedAt), "confirmed": true,
		"confirmationNumber": o.confirmation, "test": o.test, "sourceName": o.sourceName, "sourceIdentifier": nil,
		"currencyCode": o.currency, "presentmentCurrencyCode": o.presentment, "taxesIncluded": o.taxesIncluded,
		"taxExempt": false, "estimatedTaxes": false, "dutiesIncluded": false, "edited": false,
		"displayFinancialStatus": o.financial, "displayFulfillmentStatus": o.fulfillmentStatus(),
		"fullyPaid": o.outstanding() == 0 && !cancelled, "unpaid": o.received() == 0 && o.total() > 0,
		"capturable": o.financial == "AUTHORIZED", "canMarkAsPaid": o.financial == "PENDING" && !cancelled,
		"requiresShipping": len(o.shipping) > 0, "fulfillable": !cancelled && o.fulfillmentStatus() != "FULFILLED",
		"refundable": !cancelled && o.received() > 0, "restockable": !cancelled,
		"note": nilIfEmpty(o.note), "tags": tags, "discountCode": code, "discountCodes": codes,
		"paymentGatewayNames": gateways, "customAttributes": []any{},
		"subtotalLineItemsQuantity": qty, "currentSubtotalLineItemsQuantity": curQty,
		"statusPageUrl": fmt.Sprintf("https://%s/%d/orders/%x/authenticate", s.ShopDomain(), o.id%1_000_000_000, o.id),
		"customer": lazy(func() any {
			if o.cust == nil {
				return nil
			}
			return s.customerObj(o.cust)
		}),
		"billingAddress":  lazy(func() any { return addrObj(o.billing) }),
		"shippingAddress": lazy(func() any { return addrObj(o.shipTo) }),
		"displayAddress": lazy(func() any {
			if o.shipTo != nil {
				return addrObj(o.shipTo)
			}
			return addrObj(o.billing)
		}),
		"retailLocation": lazy(func() any {
			if o.retail == nil {
				return nil
			}
			return s.locationObj(o.retail)
		}),
		"subtotalPriceSet":         lazy(func() any { return o.bag(o.subtotal()) }),
		"currentSubtotalPriceSet":  lazy(func() any { return o.bag(o.subtotal() - o.refundedGoods()) }),
		"totalPriceSet":            lazy(func() any { return o.bag(o.total()) }),
		"originalTotalPriceSet":    lazy(func() any { return o.bag(o.total()) }),
		"currentTotalPriceSet":     lazy(func() any { return o.bag(o.total() - o.refunded()) }),
		"totalTaxSet":              lazy(func() any { return o.bag(o.totalTax()) }),
		"currentTotalTaxSet":       lazy(func() any { return o.bag(o.totalTax()) }),
		"totalDiscountsSet":        lazy(func() any { return o.bag(o.discounts()) }),
		"currentTotalDiscountsSet": lazy(func() any { return o.bag(o.discounts()) }),
		"cartDiscountAmountSet":    nil,
		"totalShippingPriceSet":    lazy(func() any { return o.bag(o.shippingTotal()) }),
		"currentShippingPriceSet":  lazy(func() any { return o.bag(o.shippingTotal()) }),
		"totalRefundedSet":         lazy(func() any { return o.bag(o.refunded()) }),
		"totalRefundedShippingSet": lazy(func() any { return o.bag(o.refundedShipping()) }),
		"totalOutstandingSet":      lazy(func() any { return o.bag(o.outstanding()) }),
		"totalReceivedSet":         lazy(func() any { return o.bag(o.received()) }),
		"netPaymentSet":            lazy(func() any { return o.bag(o.received()) }),
		"totalCapturableSet":       lazy(func() any { return o.bag(o.capturable()) }),
		"totalTipReceivedSet":      lazy(func() any { return o.bag(0) }),
		"taxLines":                 lazy(func() any { return o.taxLineObjs(o.taxGroups()) }),
		"currentTaxLines":          lazy(func() any { return o.taxLineObjs(o.taxGroups()) }),
		"lineItems": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			var items []keyed
			for _, l := range o.lines {
				items = append(items, keyed{id: l.id, item: l})
			}
			return ec.paginate(args, items, func(x any) any { return s.lineObj(x.(*lineItem)) })
		}),
		"shippingLines": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			var items []keyed
			for _, l := range o.shipping {
				items = append(items, keyed{id: l.id, item: l})
			}
			return ec.paginate(args, items, func(x any) any { return o.shippingObj(x.(*shippingLine)) })
		}),
		"shippingLine": lazy(func() any {
			if len(o.shipping) == 0 {
				return nil
			}
			return o.shippingObj(o.shipping[0])
		}),
		"discountApplications": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			var items []keyed
			if o.discount != nil {
				items = append(items, keyed{id: 1, item: o.discount})
			}
			return ec.paginate(args, items, func(any) any { return o.discountObj() })
		}),
		"transactions": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			out := []any{}
			for _, t := range o.txs {
				if argBool(args["capturable"]) && (t.kind != "AUTHORIZATION" || o.financial != "AUTHORIZED") {
					continue
				}
				out = append(out, s.txObj(t))
			}
			return firstN(out, args), nil
		}),
		"refunds": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			out := []any{}
			for _, r := range o.refunds {
				out = append(out, s.refundObj(r))
			}
			return firstN(out, args), nil
		}),
		"fulfillments": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			out := []any{}
			for _, f := range o.fulfillments {
				out = append(out, s.fulfillmentObj(f))
			}
			return firstN(out, args), nil
		}),
		"fulfillmentOrders": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			var items []keyed
			for _, fo := range o.fos {
				items = append(items, keyed{id: fo.id, item: fo})
			}
			return ec.paginate(args, items, func(x any) any { return s.foObj(x.(*fulfillmentOrder)) })
		}),
		"risk": lazy(func() any {
			return obj{"__typename": "OrderRiskSummary", "recommendation": o.risk, "assessments": []any{
				obj{"__typename": "OrderRiskAssessment", "riskLevel": o.riskLevel, "provider": nil, "facts": []any{
					obj{"__typename": "RiskFact", "description": riskFact(o.riskLevel), "sentiment": riskSentiment(o.riskLevel)}}}}}
		}),
		"riskLevel": o.riskLevel,
		"risks": lazy(func() any {
			return []any{obj{"__typename": "OrderRisk", "display": o.riskLevel != "LOW", "level": o.riskLevel, "message": riskFact(o.riskLevel)}}
		}),
	}
	return m
}

func riskFact(level string) string {
	switch level {
	case "HIGH":
		return "Characteristics of this order are similar to fraudulent orders observed in the past"
	case "MEDIUM":
		return "Billing address is far from the IP address location"
	}
	return "Card Verification Value (CVV) is correct"
}

func riskSentiment(level string) string {
	if level == "LOW" {
		return "POSITIVE"
	}
	return "NEGATIVE"
}

func (o *order) refundedGoods() int64 {
	var n int64
	for _, r := range o.refunds {
		n += r.amount - r.shipping
	}
	return n
}

func (o *order) refundedShipping() int64 {
	var n int64
	for _, r := range o.refunds {
		n += r.shipping
	}
	return n
}

func (o *order) capturable() int64 {
	if o.financial != "AUTHORIZED" {
		return 0
	}
	return o.total()
}

// firstN applies a list field's optional first argument.
func firstN(list []any, args map[string]any) []any {
	if n, ok := argInt(args["first"]); ok && args["first"] != nil && n < len(list) {
		return list[:max(0, n)]
	}
	return list
}

func addrObj(a *address) any {
	if a == nil {
		return nil
	}
	name := strings.TrimSpace(a.first + " " + a.last)
	return obj{"__typename": "MailingAddress", "firstName": a.first, "lastName": a.last, "name": name,
		"company": nilIfEmpty(a.company), "address1": a.address1, "address2": nilIfEmpty(a.address2), "city": a.city,
		"province": nilIfEmpty(a.province), "provinceCode": nilIfEmpty(a.provinceCode), "zip": a.zip, "country": a.country,
		"countryCodeV2": a.countryCode, "phone": nilIfEmpty(a.phone), "latitude": nil, "longitude": nil,
		"formatted": lazy(func() any {
			out := []any{}
			for _, p := range []string{a.company, a.address1, a.address2, strings.TrimSpace(a.zip + " " + a.city), a.country} {
				if p != "" {
					out = append(out, p)
				}
			}
			return out
		})}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nilTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

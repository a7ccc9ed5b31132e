package shopify

import "fmt"

// Objects inside an order: line items, discounts, shipping lines, transactions.

func (s *Server) lineObj(l *lineItem) obj {
	o := l.ord
	unitAfter := l.price
	if l.qty > 0 {
		unitAfter = l.discounted() / int64(l.qty)
	}
	m := obj{"__typename": "LineItem", "id": gid("LineItem", l.id), "name": l.name(), "title": l.title,
		"variantTitle": nilIfEmpty(l.variantTitle), "sku": nilIfEmpty(l.sku), "vendor": nilIfEmpty(l.vendor),
		"quantity": l.qty, "currentQuantity": l.qty - l.refunded, "unfulfilledQuantity": l.unfulfilled(),
		"fulfillableQuantity": l.unfulfilled(), "refundableQuantity": l.qty - l.refunded, "nonFulfillableQuantity": 0,
		"requiresShipping": l.requiresShipping, "taxable": l.taxable, "isGiftCard": false, "customAttributes": []any{},
		"restockable": true, "merchantEditable": true,
		"variant": lazy(func() any {
			if l.v == nil || l.v.deleted {
				return nil
			}
			return s.variantObj(l.v)
		}),
		"product": lazy(func() any {
			if l.v == nil || l.v.deleted {
				return nil
			}
			return s.productObj(l.v.prod)
		}),
		"originalUnitPriceSet":                    lazy(func() any { return o.bag(l.price) }),
		"discountedUnitPriceSet":                  lazy(func() any { return o.bag(unitAfter) }),
		"discountedUnitPriceAfterAllDiscountsSet": lazy(func() any { return o.bag(unitAfter) }),
		"originalTotalSet":                        lazy(func() any { return o.bag(l.gross()) }),
		"discountedTotalSet":                      lazy(func() any { return o.bag(l.discounted()) }),
		"totalDiscountSet":                        lazy(func() any { return o.bag(l.discount) }),
		"taxLines": lazy(func() any {
			if l.taxRate == 0 {
				return []any{}
			}
			return o.taxLineObjs([]taxGroup{{l.taxTitle, l.taxRate, l.tax()}})
		}),
		"discountAllocations": lazy(func() any {
			if l.discount == 0 {
				return []any{}
			}
			return []any{obj{"__typename": "DiscountAllocation", "allocatedAmountSet": o.bag(l.discount), "discountApplication": o.discountObj()}}
		}),
	}
	return m
}

func (o *order) discountObj() any {
	if o.discount == nil {
		return nil
	}
	return obj{"__typename": "DiscountCodeApplication", "code": o.discount.code, "allocationMethod": "ACROSS", "index": 0,
		"targetSelection": "ALL", "targetType": "LINE_ITEM",
		"value": obj{"__typename": "PricingPercentageValue", "percentage": o.discount.percent}}
}

func (o *order) shippingObj(sl *shippingLine) obj {
	return obj{"__typename": "ShippingLine", "id": gid("ShippingLine", sl.id), "title": sl.title, "code": nilIfEmpty(sl.code),
		"source": nilIfEmpty(sl.source), "carrierIdentifier": nil, "deliveryCategory": nil, "custom": false, "isRemoved": false,
		"originalPriceSet": o.bag(sl.price), "discountedPriceSet": o.bag(sl.price), "currentDiscountedPriceSet": o.bag(sl.price),
		"discountAllocations": []any{},
		"taxLines": lazy(func() any {
			if sl.taxRate == 0 {
				return []any{}
			}
			return o.taxLineObjs([]taxGroup{{sl.taxTitle, sl.taxRate, sl.tax(o.taxesIncluded)}})
		})}
}

func (s *Server) txObj(t *transaction) obj {
	o := t.ord
	return obj{"__typename": "OrderTransaction", "id": gid("OrderTransaction", t.id), "kind": t.kind, "status": t.status,
		"gateway": t.gateway, "formattedGateway": formattedGateway(t.gateway), "amountSet": o.bag(t.amount),
		"processedAt": t.createdAt, "createdAt": t.createdAt, "test": o.test, "authorizationCode": nil,
		"paymentId": fmt.Sprintf("c%d.1", t.id), "manuallyCapturable": t.kind == "AUTHORIZATION" && o.financial == "AUTHORIZED",
		"fees": lazy(func() any {
			if t.fee == 0 {
				return []any{}
			}
			return []any{obj{"__typename": "TransactionFee", "id": gid("TransactionFee", t.id+1), "amount": money(t.fee, o.currency),
				"flatFee": money(25, o.currency), "flatFeeName": nil, "rate": "0.019", "rateName": "Visa", "taxAmount": money(0, o.currency), "type": "payment"}}
		}),
		"parentTransaction": lazy(func() any {
			if t.parent == nil {
				return nil
			}
			return s.txObj(t.parent)
		}),
		"order": lazy(func() any { return s.orderObj(o) }),
	}
}

func formattedGateway(g string) string {
	switch g {
	case "shopify_payments":
		return "Shopify Payments"
	case "manual":
		return "Manual"
	case "cash":
		return "Cash"
	case "paypal":
		return "PayPal Express Checkout"
	}
	return g
}

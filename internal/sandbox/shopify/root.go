package shopify

// newQueryRoot lists the QueryRoot fields the sandbox answers; the others
// answer their empty value.
func (s *Server) newQueryRoot() obj {
	st := func() *state { return s.st }
	byID := func(typ string) resolver {
		return func(ec *execCtx, args map[string]any) (any, error) {
			t, _, ok := parseGID(argStr(args["id"]))
			if !ok || t != typ {
				return nil, nil
			}
			return s.node(argStr(args["id"])), nil
		}
	}
	root := obj{"__typename": "QueryRoot",
		"orders": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			return s.ordersConn(ec, args, "orders", st().orders)
		}),
		"order":           byID("Order"),
		"customers":       resolver(func(ec *execCtx, args map[string]any) (any, error) { return s.customersConn(ec, args) }),
		"customer":        byID("Customer"),
		"products":        resolver(func(ec *execCtx, args map[string]any) (any, error) { return s.productsConn(ec, args) }),
		"product":         byID("Product"),
		"productByHandle": resolver(s.productByHandleQ),
		"productVariants": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			return s.variantsConn(ec, args, "productVariants", st().variants)
		}),
		"productVariant":      byID("ProductVariant"),
		"inventoryItems":      resolver(func(ec *execCtx, args map[string]any) (any, error) { return s.itemsConn(ec, args) }),
		"inventoryItem":       byID("InventoryItem"),
		"inventoryLevel":      byID("InventoryLevel"),
		"locations":           resolver(func(ec *execCtx, args map[string]any) (any, error) { return s.locationsConn(ec, args) }),
		"fulfillmentOrders":   resolver(func(ec *execCtx, args map[string]any) (any, error) { return s.fosConn(ec, args) }),
		"fulfillmentOrder":    byID("FulfillmentOrder"),
		"fulfillment":         byID("Fulfillment"),
		"refund":              byID("Refund"),
		"webhookSubscription": byID("WebhookSubscription"),
		"webhookSubscriptions": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			return s.subscriptionsConn(ec, args)
		}),
		"location": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			if args["id"] == nil {
				return s.locationObj(st().locations[0]), nil
			}
			if t, _, ok := parseGID(argStr(args["id"])); !ok || t != "Location" {
				return nil, nil
			}
			return s.node(argStr(args["id"])), nil
		}),
		"node": resolver(func(ec *execCtx, args map[string]any) (any, error) { return s.node(argStr(args["id"])), nil }),
		"nodes": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			ids := argList(args["ids"])
			if len(ids) > maxPageSize {
				return nil, errTooManyIDs
			}
			out := make([]any, len(ids))
			for i, id := range ids {
				out[i] = s.node(argStr(id))
			}
			return out, nil
		}),
		"currentBulkOperation": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			return s.currentBulk(ec, argStr(args["type"])), nil
		}),
		"shop":                   lazy(func() any { return s.shopObj() }),
		"currentAppInstallation": lazy(func() any { return s.appInstallation() }),
		"shopifyPaymentsAccount": lazy(func() any { return s.paymentsAccountObj() }),
	}
	for k, v := range s.countRoots() {
		root[k] = v
	}
	return root
}

type constErr string

func (e constErr) Error() string { return string(e) }

const errTooManyIDs = constErr("The ids argument cannot have more than 250 ids.")

// node finds any object by global id; nil when there is none.
func (s *Server) node(id string) any {
	typ, n, ok := parseGID(id)
	if !ok {
		return nil
	}
	st := s.st
	switch typ {
	case "Order":
		if o := st.orderByID[n]; o != nil {
			return s.orderObj(o)
		}
	case "LineItem":
		if l := st.lineByID[n]; l != nil {
			return s.lineObj(l)
		}
	case "Customer":
		if c := st.custByID[n]; c != nil {
			return s.customerObj(c)
		}
	case "Product":
		if p := st.prodByID[n]; p != nil {
			return s.productObj(p)
		}
	case "ProductVariant":
		if v := st.varByID[n]; v != nil {
			return s.variantObj(v)
		}
	case "InventoryItem":
		if it := st.itemByID[n]; it != nil {
			return s.itemObj(it)
		}
	case "InventoryLevel":
		if l := st.levelByID[n]; l != nil {
			return s.levelObj(l)
		}
	case "Location":
		if l := st.locByID[n]; l != nil {
			return s.locationObj(l)
		}
	case "FulfillmentOrder":
		if fo := st.foByID[n]; fo != nil {
			return s.foObj(fo)
		}
	case "Fulfillment":
		if f := st.fulfilByID[n]; f != nil {
			return s.fulfillmentObj(f)
		}
	case "Refund":
		if r := st.refundByID[n]; r != nil {
			return s.refundObj(r)
		}
	case "OrderTransaction":
		if t := st.txByID[n]; t != nil {
			return s.txObj(t)
		}
	case "BulkOperation":
		if b := st.bulkByID[n]; b != nil {
			return s.bulkObj(b)
		}
	case "MediaImage":
		if f := st.files[n]; f != nil {
			return s.mediaObj(f)
		}
	case "WebhookSubscription":
		for _, sub := range st.subs {
			if sub.id == n {
				return s.subscriptionObj(sub)
			}
		}
	}
	return nil
}

func (s *Server) shopObj() obj {
	loc := s.st.locations[0]
	return obj{"__typename": "Shop", "id": gid("Shop", 548380009), "name": "Ferry Demo", "myshopifyDomain": s.ShopDomain(),
		"email": "shop@ferry-demo.example", "contactEmail": "shop@ferry-demo.example", "currencyCode": s.opts.Currency,
		"enabledPresentmentCurrencies": []any{s.opts.Currency, "SEK", "USD"}, "ianaTimezone": "Europe/Helsinki",
		"timezoneAbbreviation": "EET", "taxesIncluded": true, "taxShipping": true, "weightUnit": "KILOGRAMS",
		"url":           "https://" + s.ShopDomain(),
		"primaryDomain": obj{"__typename": "Domain", "id": gid("Domain", 1), "host": s.ShopDomain(), "url": "https://" + s.ShopDomain(), "sslEnabled": true},
		"plan":          obj{"__typename": "ShopPlan", "displayName": s.opts.Plan, "partnerDevelopment": false, "shopifyPlus": s.opts.Plan == "plus"},
		"billingAddress": obj{"__typename": "ShopAddress", "id": gid("ShopAddress", 1), "address1": loc.addr.address1,
			"city": loc.addr.city, "zip": loc.addr.zip, "country": loc.addr.country, "countryCodeV2": loc.addr.countryCode},
	}
}

// newMutationRoot lists the mutations the sandbox performs; the others answer
// null (their payload is nullable).
func (s *Server) newMutationRoot() obj {
	return obj{"__typename": "Mutation",
		"fulfillmentCreate":             resolver(s.fulfillmentCreate),
		"fulfillmentCreateV2":           resolver(s.fulfillmentCreateV2),
		"fulfillmentTrackingInfoUpdate": resolver(s.fulfillmentTrackingInfoUpdate),
		"inventorySetQuantities":        resolver(s.inventorySetQuantities),
		"inventoryAdjustQuantities":     resolver(s.inventoryAdjustQuantities),
		"orderCancel":                   resolver(s.orderCancel),
		"orderMarkAsPaid":               resolver(s.orderMarkAsPaid),
		"refundCreate":                  resolver(s.refundCreate),
		"bulkOperationRunQuery":         resolver(s.bulkOperationRunQuery),
		"bulkOperationCancel":           resolver(s.bulkOperationCancel),
		"webhookSubscriptionCreate":     resolver(s.webhookSubscriptionCreate),
		"webhookSubscriptionUpdate":     resolver(s.webhookSubscriptionUpdate),
		"webhookSubscriptionDelete":     resolver(s.webhookSubscriptionDelete),
		"productCreate":                 resolver(s.productCreate),
		"productUpdate":                 resolver(s.productUpdate),
		"productSet":                    resolver(s.productSet),
		"stagedUploadsCreate":           resolver(s.stagedUploadsCreate),
		"productVariantsBulkCreate":     resolver(s.productVariantsBulkCreate),
		"productVariantsBulkUpdate":     resolver(s.productVariantsBulkUpdate),
		"productVariantsBulkDelete":     resolver(s.productVariantsBulkDelete),
		"customerCreate":                resolver(s.customerCreate),
		"customerUpdate":                resolver(s.customerUpdate),
		"orderUpdate":                   resolver(s.orderUpdate),
		"orderClose":                    s.orderCloseOpen("OrderClosePayload", true),
		"orderOpen":                     s.orderCloseOpen("OrderOpenPayload", false),
		"tagsAdd":                       s.tagsEdit("TagsAddPayload", true),
		"tagsRemove":                    s.tagsEdit("TagsRemovePayload", false),
	}
}

// fulfillmentCreateV2 is the deprecated name (2025-01 still has it); same
// input shape, payload FulfillmentCreateV2Payload.
func (s *Server) fulfillmentCreateV2(ec *execCtx, args map[string]any) (any, error) {
	p, err := s.fulfillmentCreate(ec, args)
	if m, ok := p.(obj); ok {
		m["__typename"] = "FulfillmentCreateV2Payload"
	}
	return p, err
}

package shopify

import (
	"fmt"
	"strconv"
	"time"
)

var foFilters = filters{
	"status":                  textFilter(func(x any) []string { return []string{lower(x.(*fulfillmentOrder).status)} }),
	"updated_at":              timeFilter(func(x any) time.Time { return x.(*fulfillmentOrder).updatedAt }),
	"created_at":              timeFilter(func(x any) time.Time { return x.(*fulfillmentOrder).createdAt }),
	"id":                      numFilter(func(x any) float64 { return float64(x.(*fulfillmentOrder).id) }),
	"assigned_location_id":    numFilter(func(x any) float64 { return float64(x.(*fulfillmentOrder).loc.id) }),
	"order_id":                numFilter(func(x any) float64 { return float64(x.(*fulfillmentOrder).ord.id) }),
	"fulfillment_location_id": numFilter(func(x any) float64 { return float64(x.(*fulfillmentOrder).loc.id) }),
}

func (s *Server) fosConn(ec *execCtx, args map[string]any) (any, error) {
	q := argStr(args["query"])
	parsed := parseSearch(q)
	ec.searchWarnings("fulfillmentOrders", q, foFilters, parsed)
	closed := argBool(args["includeClosed"])
	var items []keyed
	for _, fo := range s.st.fos {
		if !closed && (fo.status == "CLOSED" || fo.status == "CANCELLED") {
			continue
		}
		if !foFilters.match(parsed, fo) {
			continue
		}
		k := keyed{id: fo.id, item: fo}
		if argStr(args["sortKey"]) == "UPDATED_AT" {
			k.val = sortTime(fo.updatedAt)
		}
		items = append(items, k)
	}
	return ec.paginate(args, items, func(x any) any { return s.foObj(x.(*fulfillmentOrder)) })
}

func (s *Server) foObj(fo *fulfillmentOrder) obj {
	o := fo.ord
	actions := []any{}
	if fo.status == "OPEN" || fo.status == "IN_PROGRESS" {
		for _, a := range []string{"CREATE_FULFILLMENT", "REPORT_PROGRESS", "MOVE", "HOLD", "SPLIT"} {
			actions = append(actions, obj{"__typename": "FulfillmentOrderSupportedAction", "action": a})
		}
	}
	return obj{"__typename": "FulfillmentOrder", "id": gid("FulfillmentOrder", fo.id), "orderId": gid("Order", o.id),
		"orderName": o.name, "status": fo.status, "requestStatus": "UNSUBMITTED", "createdAt": fo.createdAt, "updatedAt": fo.updatedAt,
		"fulfillAt": o.createdAt, "fulfillBy": nil, "fulfillmentHolds": []any{}, "supportedActions": actions,
		"internationalDuties": nil, "orderProcessedAt": o.processedAt,
		"order": lazy(func() any { return s.orderObj(o) }),
		"assignedLocation": obj{"__typename": "FulfillmentOrderAssignedLocation", "name": fo.loc.name,
			"address1": fo.loc.addr.address1, "address2": nil, "city": fo.loc.addr.city, "countryCode": fo.loc.addr.countryCode,
			"zip": fo.loc.addr.zip, "phone": nil, "province": nil, "location": lazy(func() any { return s.locationObj(fo.loc) })},
		"destination": lazy(func() any {
			a := o.shipTo
			if a == nil {
				return nil
			}
			return obj{"__typename": "FulfillmentOrderDestination", "id": gid("FulfillmentOrderDestination", fo.id+1),
				"firstName": a.first, "lastName": a.last, "company": nilIfEmpty(a.company), "address1": a.address1,
				"address2": nilIfEmpty(a.address2), "city": a.city, "zip": a.zip, "countryCode": a.countryCode,
				"province": nilIfEmpty(a.province), "phone": nilIfEmpty(a.phone), "email": nilIfEmpty(o.email)}
		}),
		"deliveryMethod": obj{"__typename": "DeliveryMethod", "id": gid("DeliveryMethod", fo.id+2), "methodType": "SHIPPING",
			"minDeliveryDateTime": nil, "maxDeliveryDateTime": nil},
		"lineItems": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			var items []keyed
			for _, l := range fo.lines {
				items = append(items, keyed{id: l.id, item: l})
			}
			return ec.paginate(args, items, func(x any) any { return s.foLineObj(x.(*foLine)) })
		}),
		"fulfillments": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			var items []keyed
			for _, f := range o.fulfillments {
				if f.loc == fo.loc {
					items = append(items, keyed{id: f.id, item: f})
				}
			}
			return ec.paginate(args, items, func(x any) any { return s.fulfillmentObj(x.(*fulfillment)) })
		}),
	}
}

func (s *Server) foLineObj(l *foLine) obj {
	li := l.line
	return obj{"__typename": "FulfillmentOrderLineItem", "id": gid("FulfillmentOrderLineItem", l.id),
		"totalQuantity": l.total, "remainingQuantity": l.remaining, "sku": nilIfEmpty(li.sku), "productTitle": li.title,
		"variantTitle": nilIfEmpty(li.variantTitle), "requiresShipping": li.requiresShipping,
		"inventoryItemId": lazy(func() any {
			if li.v == nil {
				return nil
			}
			return gid("InventoryItem", li.v.item.id)
		}),
		"lineItem": lazy(func() any { return s.lineObj(li) }),
		"variant": lazy(func() any {
			if li.v == nil || li.v.deleted {
				return nil
			}
			return s.variantObj(li.v)
		}),
		"originalUnitPriceSet": lazy(func() any { return li.ord.bag(li.price) }),
	}
}

func (s *Server) fulfillmentObj(f *fulfillment) obj {
	o := f.ord
	return obj{"__typename": "Fulfillment", "id": gid("Fulfillment", f.id), "legacyResourceId": strconv.FormatInt(f.id, 10),
		"name": f.name, "status": f.status, "displayStatus": displayStatus(f), "createdAt": f.createdAt, "updatedAt": f.updatedAt,
		"deliveredAt": nil, "inTransitAt": nil, "estimatedDeliveryAt": nil, "requiresShipping": true, "totalQuantity": f.quantity(),
		"location": lazy(func() any { return s.locationObj(f.loc) }),
		"order":    lazy(func() any { return s.orderObj(o) }),
		"service":  obj{"__typename": "FulfillmentService", "id": gid("FulfillmentService", 1), "handle": "manual", "serviceName": "Manual", "type": "MANUAL"},
		"trackingInfo": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			out := []any{}
			for _, t := range f.tracking {
				out = append(out, obj{"__typename": "FulfillmentTrackingInfo", "number": nilIfEmpty(t.number), "company": nilIfEmpty(t.company), "url": nilIfEmpty(t.url)})
			}
			return firstN(out, args), nil
		}),
		"fulfillmentLineItems": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			var items []keyed
			for _, l := range f.lines {
				items = append(items, keyed{id: l.id, item: l})
			}
			return ec.paginate(args, items, func(x any) any {
				fl := x.(fulfilledLine)
				return obj{"__typename": "FulfillmentLineItem", "id": gid("FulfillmentLineItem", fl.id), "quantity": fl.qty,
					"lineItem": s.lineObj(fl.line), "originalTotalSet": o.bag(fl.line.price * int64(fl.qty)),
					"discountedTotalSet": o.bag(fl.line.price * int64(fl.qty))}
			})
		}),
	}
}

func displayStatus(f *fulfillment) any {
	if f.status == "CANCELLED" {
		return "CANCELED"
	}
	return "FULFILLED"
}

func (f *fulfillment) quantity() int {
	n := 0
	for _, l := range f.lines {
		n += l.qty
	}
	return n
}

// fulfillmentCreate fulfils fulfillment order lines (all remaining when a
// fulfillment order names none) at the fulfillment orders' one location.
// Errors are those of samples/shopify/graphql/fulfillmentCreate-userErrors…
// ("Fulfillment order does not exist.") and [U] others; nothing changes when
// any is found.
func (s *Server) fulfillmentCreate(ec *execCtx, args map[string]any) (any, error) {
	in := argMap(args["fulfillment"])
	payload := obj{"__typename": "FulfillmentCreatePayload", "fulfillment": nil}
	fail := func(msg string) (any, error) {
		payload["userErrors"] = []any{userError([]string{"fulfillment"}, msg, "")}
		return payload, nil
	}
	type pick struct {
		l   *foLine
		qty int
	}
	var picks []pick
	var ord *order
	var loc *location
	groups := argList(in["lineItemsByFulfillmentOrder"])
	if len(groups) == 0 {
		return fail("Line items by fulfillment order must not be empty.")
	}
	for _, g := range groups {
		gm := argMap(g)
		id, _ := idOf(gm["fulfillmentOrderId"], "FulfillmentOrder")
		fo := s.st.foByID[id]
		if fo == nil {
			return fail("Fulfillment order does not exist.")
		}
		if fo.status != "OPEN" && fo.status != "IN_PROGRESS" {
			return fail(fmt.Sprintf("Fulfillment order %s has an unfulfillable status= %s.", gid("FulfillmentOrder", fo.id), lower(fo.status)))
		}
		if ord != nil && (fo.ord != ord || fo.loc != loc) {
			return fail("All fulfillment orders must belong to the same order and be assigned to the same location.")
		}
		ord, loc = fo.ord, fo.loc
		lines := argList(gm["fulfillmentOrderLineItems"])
		if gm["fulfillmentOrderLineItems"] == nil {
			for _, l := range fo.lines {
				if l.remaining > 0 {
					picks = append(picks, pick{l, l.remaining})
				}
			}
			continue
		}
		for _, x := range lines {
			lm := argMap(x)
			lid, _ := idOf(lm["id"], "FulfillmentOrderLineItem")
			l := s.st.foLine[lid]
			qty, _ := argInt(lm["quantity"])
			if l == nil || l.fo != fo {
				return fail("Fulfillment order line item does not exist.")
			}
			if qty <= 0 || qty > l.remaining {
				return fail("Invalid fulfillment order line item quantity requested.")
			}
			picks = append(picks, pick{l, qty})
		}
	}
	if len(picks) == 0 {
		return fail("Fulfillment order has no line items to fulfill.")
	}
	now := s.st.touch(ec.now)
	f := &fulfillment{id: s.st.id(), ord: ord, loc: loc, status: "SUCCESS", createdAt: now, updatedAt: now,
		name: fmt.Sprintf("%s.%d", ord.name, len(ord.fulfillments)+1), notify: argBool(in["notifyCustomer"])}
	if t := argMap(in["trackingInfo"]); t != nil {
		numbers, urls := argList(t["numbers"]), argList(t["urls"])
		if n := argStr(t["number"]); n != "" {
			numbers = append([]any{n}, numbers...)
		}
		if u := argStr(t["url"]); u != "" {
			urls = append([]any{u}, urls...)
		}
		for i, n := range numbers {
			tr := tracking{number: argStr(n), company: argStr(t["company"])}
			if i < len(urls) {
				tr.url = argStr(urls[i])
			}
			f.tracking = append(f.tracking, tr)
		}
		if len(numbers) == 0 && argStr(t["company"]) != "" {
			f.tracking = append(f.tracking, tracking{company: argStr(t["company"])})
		}
	}
	touched := map[*fulfillmentOrder]bool{}
	for _, p := range picks {
		p.l.remaining -= p.qty
		f.lines = append(f.lines, fulfilledLine{id: s.st.id(), line: p.l.line, qty: p.qty})
		touched[p.l.fo] = true
		// Shipped goods leave the shelf: committed and on_hand fall.
		if v := p.l.line.v; v != nil {
			if lv := v.item.levelAt(loc); lv != nil {
				lv.q[qCommitted] -= p.qty
				lv.q[qOnHand] -= p.qty
				lv.updatedAt = now
				s.emitLevel(lv)
			}
		}
	}
	for fo := range touched {
		fo.status = "CLOSED"
		for _, l := range fo.lines {
			if l.remaining > 0 {
				fo.status = "IN_PROGRESS"
			}
		}
		fo.updatedAt = now
	}
	ord.fulfillments = append(ord.fulfillments, f)
	ord.updatedAt = now
	s.st.fulfilByID[f.id] = f
	s.emit("fulfillments/create", func() *omap { return s.restFulfillment(f) })
	s.emitOrder("orders/updated", ord)
	if ord.fulfillmentStatus() == "FULFILLED" {
		s.emitOrder("orders/fulfilled", ord)
	} else {
		s.emitOrder("orders/partially_fulfilled", ord)
	}
	payload["fulfillment"] = s.fulfillmentObj(f)
	payload["userErrors"] = []any{}
	return payload, nil
}

// fulfillmentTrackingInfoUpdate replaces a fulfillment's tracking.
func (s *Server) fulfillmentTrackingInfoUpdate(ec *execCtx, args map[string]any) (any, error) {
	payload := obj{"__typename": "FulfillmentTrackingInfoUpdatePayload", "fulfillment": nil, "userErrors": []any{}}
	id, _ := idOf(args["fulfillmentId"], "Fulfillment")
	f := s.st.fulfilByID[id]
	if f == nil {
		payload["userErrors"] = []any{userError([]string{"fulfillmentId"}, "Fulfillment does not exist.", "")}
		return payload, nil
	}
	t := argMap(args["trackingInfoInput"])
	f.tracking = []tracking{{number: argStr(t["number"]), company: argStr(t["company"]), url: argStr(t["url"])}}
	f.updatedAt = s.st.touch(ec.now)
	f.ord.updatedAt = f.updatedAt
	s.emit("fulfillments/update", func() *omap { return s.restFulfillment(f) })
	s.emitOrder("orders/updated", f.ord)
	payload["fulfillment"] = s.fulfillmentObj(f)
	return payload, nil
}

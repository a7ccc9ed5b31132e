package shopify

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

var itemFilters = filters{
	"":           textFilter(func(x any) []string { return []string{x.(*invItem).v.sku} }),
	"sku":        textFilter(func(x any) []string { return []string{x.(*invItem).v.sku} }),
	"id":         numFilter(func(x any) float64 { return float64(x.(*invItem).id) }),
	"updated_at": timeFilter(func(x any) time.Time { return x.(*invItem).updatedAt }),
	"created_at": timeFilter(func(x any) time.Time { return x.(*invItem).createdAt }),
}

var levelFilters = filters{
	"updated_at":        timeFilter(func(x any) time.Time { return x.(*level).updatedAt }),
	"inventory_item_id": numFilter(func(x any) float64 { return float64(x.(*level).item.id) }),
	"location_id":       numFilter(func(x any) float64 { return float64(x.(*level).loc.id) }),
}

func (s *Server) itemsConn(ec *execCtx, args map[string]any) (any, error) {
	q := argStr(args["query"])
	parsed := parseSearch(q)
	ec.searchWarnings("inventoryItems", q, itemFilters, parsed)
	var items []keyed
	for _, it := range s.st.items {
		if itemFilters.match(parsed, it) {
			items = append(items, keyed{id: it.id, item: it})
		}
	}
	return ec.paginate(args, items, func(x any) any { return s.itemObj(x.(*invItem)) })
}

func (s *Server) levelsConn(ec *execCtx, args map[string]any, path string, list []*level) (any, error) {
	q := argStr(args["query"])
	parsed := parseSearch(q)
	ec.searchWarnings(path, q, levelFilters, parsed)
	var items []keyed
	for _, l := range list {
		if levelFilters.match(parsed, l) {
			items = append(items, keyed{id: l.id, item: l})
		}
	}
	return ec.paginate(args, items, func(x any) any { return s.levelObj(x.(*level)) })
}

func (s *Server) itemObj(it *invItem) obj {
	var cost any
	if it.cost > 0 {
		cost = money(it.cost, s.opts.Currency)
	}
	return obj{"__typename": "InventoryItem", "id": gid("InventoryItem", it.id), "legacyResourceId": strconv.FormatInt(it.id, 10),
		"sku": nilIfEmpty(it.v.sku), "tracked": it.tracked, "requiresShipping": true, "unitCost": cost,
		"countryCodeOfOrigin": nilIfEmpty(it.countryOfOrigin), "harmonizedSystemCode": nilIfEmpty(it.hsCode),
		"provinceCodeOfOrigin": nil, "createdAt": it.createdAt, "updatedAt": it.updatedAt, "duplicateSkuCount": 0,
		"locationsCount": obj{"__typename": "Count", "count": len(it.levels), "precision": "EXACT"},
		"measurement": obj{"__typename": "InventoryItemMeasurement", "id": gid("InventoryItemMeasurement", it.id),
			"weight": obj{"__typename": "Weight", "unit": "KILOGRAMS", "value": 0.5}},
		"variant": lazy(func() any { return s.variantObj(it.v) }),
		"inventoryLevel": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			id, _ := idOf(args["locationId"], "Location")
			if l := it.levelAt(s.st.locByID[id]); l != nil {
				return s.levelObj(l), nil
			}
			return nil, nil
		}),
		"inventoryLevels": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			return s.levelsConn(ec, args, "inventoryLevels", it.levels)
		}),
	}
}

func levelGID(l *level) string {
	return gid("InventoryLevel", l.id) + "?inventory_item_id=" + strconv.FormatInt(l.item.id, 10)
}

func (s *Server) levelObj(l *level) obj {
	return obj{"__typename": "InventoryLevel", "id": levelGID(l), "createdAt": l.item.createdAt, "updatedAt": l.updatedAt,
		"canDeactivate": true, "deactivationAlert": nil,
		"item":     lazy(func() any { return s.itemObj(l.item) }),
		"location": lazy(func() any { return s.locationObj(l.loc) }),
		"quantities": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			out := []any{}
			for _, n := range argList(args["names"]) {
				name := argStr(n)
				i := quantityIndex(name)
				if i < 0 {
					return nil, fmt.Errorf("The quantity name %q is not valid. Valid names are: %s.", name, strings.Join(quantityNames, ", "))
				}
				out = append(out, obj{"__typename": "InventoryQuantity", "id": gid("InventoryQuantity", l.id*10+int64(i)),
					"name": name, "quantity": l.q[i], "updatedAt": l.updatedAt})
			}
			return out, nil
		}),
	}
}

func (s *Server) locationObj(loc *location) obj {
	return obj{"__typename": "Location", "id": gid("Location", loc.id), "legacyResourceId": strconv.FormatInt(loc.id, 10),
		"name": loc.name, "isActive": loc.active, "activatable": true, "deactivatable": true, "deletable": false,
		"fulfillsOnlineOrders": loc.fulfillsOnline, "shipsInventory": loc.fulfillsOnline, "hasActiveInventory": true,
		"hasUnfulfilledOrders": false, "isFulfillmentService": false, "isPrimary": loc == s.st.locations[0],
		"createdAt": loc.createdAt, "updatedAt": loc.updatedAt, "fulfillmentService": nil,
		"address": obj{"__typename": "LocationAddress", "address1": loc.addr.address1, "address2": nil, "city": loc.addr.city,
			"country": loc.addr.country, "countryCode": loc.addr.countryCode, "zip": loc.addr.zip, "phone": nil,
			"province": nil, "provinceCode": nil, "formatted": []any{loc.addr.address1, loc.addr.zip + " " + loc.addr.city, loc.addr.country}},
		"inventoryLevels": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			var list []*level
			for _, it := range s.st.items {
				if l := it.levelAt(loc); l != nil {
					list = append(list, l)
				}
			}
			return s.levelsConn(ec, args, "inventoryLevels", list)
		}),
		"inventoryLevel": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			id, _ := idOf(args["inventoryItemId"], "InventoryItem")
			if it := s.st.itemByID[id]; it != nil {
				if l := it.levelAt(loc); l != nil {
					return s.levelObj(l), nil
				}
			}
			return nil, nil
		}),
	}
}

func (s *Server) locationsConn(ec *execCtx, args map[string]any) (any, error) {
	var items []keyed
	for _, loc := range s.st.locations {
		if !loc.active && !argBool(args["includeInactive"]) {
			continue
		}
		k := keyed{id: loc.id, item: loc}
		if argStr(args["sortKey"]) == "NAME" {
			k.val = strings.ToLower(loc.name)
		}
		items = append(items, k)
	}
	return ec.paginate(args, items, func(x any) any { return s.locationObj(x.(*location)) })
}

// change is one quantity change of an adjustment group.
type change struct {
	name       string
	delta, now int
	l          *level
}

func (s *Server) adjustmentGroup(ec *execCtx, reason, ref string, changes []change) obj {
	id := s.st.id()
	return obj{"__typename": "InventoryAdjustmentGroup", "id": gid("InventoryAdjustmentGroup", id), "createdAt": ec.now,
		"reason": reason, "referenceDocumentUri": nilIfEmpty(ref), "app": nil, "staffMember": nil,
		"changes": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			out := []any{}
			for _, c := range changes {
				if names := argList(args["quantityNames"]); len(names) > 0 && !slices.Contains(names, any(c.name)) {
					continue
				}
				out = append(out, obj{"__typename": "InventoryChange", "name": c.name, "delta": c.delta, "quantityAfterChange": c.now,
					"ledgerDocumentUri": nil, "item": s.itemObj(c.l.item), "location": s.locationObj(c.l.loc)})
			}
			return out, nil
		})}
}

// inventoryReasons are the reasons Shopify accepts [U: the reference names
// these and says to take the list from the docs].
var inventoryReasons = []string{"correction", "cycle_count_available", "damaged", "movement_created", "movement_updated",
	"movement_received", "movement_canceled", "other", "promotion", "quality_control", "received", "reservation_created",
	"reservation_deleted", "reservation_updated", "restock", "safety_stock", "shrinkage"}

func userError(field []string, message, code string) obj {
	f := []any{}
	for _, x := range field {
		f = append(f, x)
	}
	m := obj{"__typename": "UserError", "field": f, "message": message}
	if field == nil {
		m["field"] = nil
	}
	if code != "" {
		m["code"] = code
	}
	return m
}

// inventorySetQuantities sets available or on_hand quantities. Every quantity
// needs a compareQuantity equal to the stored one, unless
// ignoreCompareQuantity is true; one stale compare fails the whole call and
// nothing changes (reference §1.7, error codes from the schema; messages [U]).
func (s *Server) inventorySetQuantities(ec *execCtx, args map[string]any) (any, error) {
	in := argMap(args["input"])
	name, reason, ref := argStr(in["name"]), argStr(in["reason"]), argStr(in["referenceDocumentUri"])
	ignore := argBool(in["ignoreCompareQuantity"])
	var errs []any
	fail := func(field []string, msg, code string) {
		errs = append(errs, userError(field, msg, code))
	}
	if name != "available" && name != "on_hand" {
		fail([]string{"input", "name"}, "The quantity name must be either 'available' or 'on_hand'.", "INVALID_NAME")
	}
	if !slices.Contains(inventoryReasons, reason) {
		fail([]string{"input", "reason"}, "The specified reason is invalid.", "INVALID_REASON")
	}
	type set struct {
		l   *level
		qty int
	}
	var sets []set
	seen := map[*level]bool{}
	for i, x := range argList(in["quantities"]) {
		q := argMap(x)
		at := func(f string) []string { return []string{"input", "quantities", strconv.Itoa(i), f} }
		itemID, _ := idOf(q["inventoryItemId"], "InventoryItem")
		locID, _ := idOf(q["locationId"], "Location")
		it, loc := s.st.itemByID[itemID], s.st.locByID[locID]
		qty, _ := argInt(q["quantity"])
		switch {
		case it == nil:
			fail(at("inventoryItemId"), "The specified inventory item could not be found.", "INVALID_INVENTORY_ITEM")
			continue
		case loc == nil:
			fail(at("locationId"), "The specified location could not be found.", "INVALID_LOCATION")
			continue
		}
		l := it.levelAt(loc)
		if l == nil {
			fail(at("locationId"), "The specified inventory item is not stocked at the location.", "ITEM_NOT_STOCKED_AT_LOCATION")
			continue
		}
		if seen[l] {
			fail(at("inventoryItemId"), "The combination of inventoryItemId and locationId must be unique.", "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR")
			continue
		}
		seen[l] = true
		if qty < -1_000_000_000 || qty > 1_000_000_000 {
			fail(at("quantity"), "The quantity can't be higher than 1,000,000,000.", "INVALID_QUANTITY_TOO_HIGH")
			continue
		}
		if !ignore {
			cmp, has := argInt(q["compareQuantity"])
			stored := l.q[qAvailable]
			if name == "on_hand" {
				stored = l.q[qOnHand]
			}
			switch {
			case q["compareQuantity"] == nil || !has:
				fail(at("compareQuantity"), "The compareQuantity argument must be given to each quantity or ignored using ignoreCompareQuantity.", "COMPARE_QUANTITY_REQUIRED")
				continue
			case cmp != stored:
				fail(at("compareQuantity"), "The compareQuantity argument no longer matches the persisted quantity.", "COMPARE_QUANTITY_STALE")
				continue
			}
		}
		sets = append(sets, set{l, qty})
	}
	payload := obj{"__typename": "InventorySetQuantitiesPayload", "inventoryAdjustmentGroup": nil, "userErrors": errs}
	if len(errs) > 0 {
		for _, e := range errs {
			e.(obj)["__typename"] = "InventorySetQuantitiesUserError"
		}
		return payload, nil
	}
	payload["userErrors"] = []any{}
	var changes []change
	for _, st := range sets {
		delta := 0
		if name == "available" {
			delta = st.qty - st.l.q[qAvailable]
		} else {
			delta = st.qty - st.l.q[qOnHand]
		}
		if delta == 0 {
			continue
		}
		changes = append(changes, s.applyDelta(ec, st.l, name, delta)...)
	}
	payload["inventoryAdjustmentGroup"] = s.adjustmentGroup(ec, reason, ref, changes)
	return payload, nil
}

// applyDelta moves available and on_hand together, as both change when goods
// arrive or leave, and reports the changes under the name set first.
func (s *Server) applyDelta(ec *execCtx, l *level, name string, delta int) []change {
	l.q[qAvailable] += delta
	l.q[qOnHand] += delta
	l.updatedAt = s.st.touch(ec.now)
	l.item.updatedAt = l.updatedAt
	s.emitLevel(l)
	first, second := "available", "on_hand"
	if name == "on_hand" {
		first, second = second, first
	}
	return []change{{first, delta, l.q[quantityIndex(first)], l}, {second, delta, l.q[quantityIndex(second)], l}}
}

// inventoryAdjustQuantities adds deltas to available (or another named
// quantity); no compare is needed.
func (s *Server) inventoryAdjustQuantities(ec *execCtx, args map[string]any) (any, error) {
	in := argMap(args["input"])
	name, reason, ref := argStr(in["name"]), argStr(in["reason"]), argStr(in["referenceDocumentUri"])
	var errs []any
	fail := func(field []string, msg, code string) {
		e := userError(field, msg, code)
		e["__typename"] = "InventoryAdjustQuantitiesUserError"
		errs = append(errs, e)
	}
	qi := quantityIndex(name)
	if qi < 0 || name == "on_hand" || name == "committed" {
		fail([]string{"input", "name"}, "The quantity name is invalid.", "INVALID_QUANTITY_NAME")
	}
	if !slices.Contains(inventoryReasons, reason) {
		fail([]string{"input", "reason"}, "The specified reason is invalid.", "INVALID_REASON")
	}
	type adj struct {
		l     *level
		delta int
	}
	var adjs []adj
	for i, x := range argList(in["changes"]) {
		c := argMap(x)
		at := func(f string) []string { return []string{"input", "changes", strconv.Itoa(i), f} }
		itemID, _ := idOf(c["inventoryItemId"], "InventoryItem")
		locID, _ := idOf(c["locationId"], "Location")
		it, loc := s.st.itemByID[itemID], s.st.locByID[locID]
		d, _ := argInt(c["delta"])
		switch {
		case it == nil:
			fail(at("inventoryItemId"), "The specified inventory item could not be found.", "INVALID_INVENTORY_ITEM")
		case loc == nil:
			fail(at("locationId"), "The specified location could not be found.", "INVALID_LOCATION")
		case it.levelAt(loc) == nil:
			fail(at("locationId"), "The specified inventory item is not stocked at the location.", "ITEM_NOT_STOCKED_AT_LOCATION")
		default:
			adjs = append(adjs, adj{it.levelAt(loc), d})
		}
	}
	payload := obj{"__typename": "InventoryAdjustQuantitiesPayload", "inventoryAdjustmentGroup": nil, "userErrors": errs}
	if len(errs) > 0 {
		return payload, nil
	}
	payload["userErrors"] = []any{}
	var changes []change
	for _, a := range adjs {
		if name == "available" {
			changes = append(changes, s.applyDelta(ec, a.l, name, a.delta)...)
			continue
		}
		// An unavailable state moves goods out of available, on_hand stays.
		a.l.q[qi] += a.delta
		a.l.q[qAvailable] -= a.delta
		a.l.updatedAt = s.st.touch(ec.now)
		s.emitLevel(a.l)
		changes = append(changes, change{name, a.delta, a.l.q[qi], a.l}, change{"available", -a.delta, a.l.q[qAvailable], a.l})
	}
	payload["inventoryAdjustmentGroup"] = s.adjustmentGroup(ec, reason, ref, changes)
	return payload, nil
}

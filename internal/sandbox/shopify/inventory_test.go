package shopify

import (
	"testing"
)

const setQty = `mutation SetQty($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) {
	inventoryAdjustmentGroup { id reason referenceDocumentUri changes { name delta quantityAfterChange item { id } location { id } } }
	userErrors { field message code } } }`

func TestInventorySetQuantities(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: -1, Products: 3})
	a := ts.gql(`{ inventoryItems(first: 1, query: "sku:'FRY-00001-01'") { nodes { id sku tracked
		inventoryLevels(first: 10) { nodes { id location { id name } quantities(names: ["available", "on_hand", "committed"]) { name quantity } } } } } }`, nil)
	item := dig(a.Data, "inventoryItems", "nodes", 0)
	if dig(item, "sku") != "FRY-00001-01" {
		t.Fatalf("item: %s", a.Raw)
	}
	level := dig(item, "inventoryLevels", "nodes", 0)
	avail := int(dig(level, "quantities", 0, "quantity").(float64))
	if dig(level, "quantities", 0, "name") != "available" || dig(level, "quantities", 1, "name") != "on_hand" {
		t.Fatalf("quantities: %s", a.Raw)
	}
	input := func(qty int, compare any, ignore bool) map[string]any {
		q := map[string]any{"inventoryItemId": dig(item, "id"), "locationId": dig(level, "location", "id"), "quantity": qty}
		if compare != nil {
			q["compareQuantity"] = compare
		}
		in := map[string]any{"name": "available", "reason": "correction", "referenceDocumentUri": "logistics://wms/count/1", "quantities": []any{q}}
		if ignore {
			in["ignoreCompareQuantity"] = true
		}
		return map[string]any{"input": in}
	}
	for _, tc := range []struct {
		name    string
		vars    map[string]any
		code    string
		field   []any
		nowAvai int
	}{
		{"stale compare", input(17, avail+1, false), "COMPARE_QUANTITY_STALE", []any{"input", "quantities", "0", "compareQuantity"}, avail},
		{"no compare", input(17, nil, false), "COMPARE_QUANTITY_REQUIRED", []any{"input", "quantities", "0", "compareQuantity"}, avail},
		{"right compare", input(17, avail, false), "", nil, 17},
		{"ignored compare", input(5, 999, true), "", nil, 5},
	} {
		a := ts.gql(setQty, tc.vars)
		p := dig(a.Data, "inventorySetQuantities")
		errs := dig(p, "userErrors").([]any)
		if tc.code != "" {
			if len(errs) != 1 || dig(errs[0], "code") != tc.code || dig(p, "inventoryAdjustmentGroup") != nil {
				t.Errorf("%s: %s", tc.name, a.Raw)
			} else if got := dig(errs[0], "field").([]any); len(got) != len(tc.field) || got[2] != tc.field[2] || got[3] != tc.field[3] {
				t.Errorf("%s: field %v", tc.name, got)
			}
		} else if len(errs) != 0 || dig(p, "inventoryAdjustmentGroup", "changes", 0, "name") != "available" ||
			int(dig(p, "inventoryAdjustmentGroup", "changes", 0, "quantityAfterChange").(float64)) != tc.nowAvai {
			t.Errorf("%s: %s", tc.name, a.Raw)
		}
		q, _ := ts.Quantities("FRY-00001-01", 0)
		if q["available"] != tc.nowAvai {
			t.Errorf("%s: available %d, want %d", tc.name, q["available"], tc.nowAvai)
		}
		if q["on_hand"] != q["available"]+q["committed"] {
			t.Errorf("%s: on_hand %v", tc.name, q)
		}
	}
	// A bad item fails the whole call.
	bad := input(3, 5, false)
	qs := bad["input"].(map[string]any)["quantities"].([]any)
	bad["input"].(map[string]any)["quantities"] = append(qs, map[string]any{"inventoryItemId": "gid://shopify/InventoryItem/1",
		"locationId": dig(level, "location", "id"), "quantity": 1, "compareQuantity": 0})
	a = ts.gql(setQty, bad)
	if errs := dig(a.Data, "inventorySetQuantities", "userErrors").([]any); len(errs) != 1 || dig(errs[0], "code") != "INVALID_INVENTORY_ITEM" {
		t.Errorf("bad item: %s", a.Raw)
	}
	if q, _ := ts.Quantities("FRY-00001-01", 0); q["available"] != 5 {
		t.Errorf("a failed call changed stock: %v", q)
	}
}

func TestInventoryAdjust(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: -1, Products: 2})
	before, _ := ts.Quantities("FRY-00001-02", 0)
	a := ts.gql(`{ productVariants(first: 1, query: "sku:FRY-00001-02") { nodes { inventoryItem { id } } } locations(first: 1) { nodes { id } } }`, nil)
	a = ts.gql(`mutation A($input: InventoryAdjustQuantitiesInput!) { inventoryAdjustQuantities(input: $input) {
		inventoryAdjustmentGroup { changes { name delta } } userErrors { field message code } } }`,
		map[string]any{"input": map[string]any{"name": "available", "reason": "received", "changes": []any{map[string]any{
			"delta": 7, "inventoryItemId": dig(a.Data, "productVariants", "nodes", 0, "inventoryItem", "id"), "locationId": dig(a.Data, "locations", "nodes", 0, "id")}}}})
	after, _ := ts.Quantities("FRY-00001-02", 0)
	if after["available"] != before["available"]+7 || after["on_hand"] != before["on_hand"]+7 {
		t.Errorf("before %v after %v: %s", before, after, a.Raw)
	}
}

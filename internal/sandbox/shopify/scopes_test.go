package shopify

import (
	"reflect"
	"strings"
	"testing"
)

func TestAccessScopesQuery(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: 1})
	a := ts.gql(`{ currentAppInstallation { id accessScopes { handle description } app { apiKey } } }`, nil)
	var got []string
	for _, s := range dig(a.Data, "currentAppInstallation", "accessScopes").([]any) {
		got = append(got, dig(s, "handle").(string))
	}
	if !reflect.DeepEqual(got, DefaultScopes) || dig(a.Data, "currentAppInstallation", "app", "apiKey") != DefaultClientID {
		t.Errorf("scopes: %s", a.Raw)
	}
}

// denied runs a query that must fail with ACCESS_DENIED on field, needing want.
func (ts *testShop) denied(query string, vars map[string]any, field, want string) answer {
	ts.t.Helper()
	a := ts.post(ts.Options().AccessToken, "2025-01", map[string]any{"query": query, "variables": vars})
	if a.Status != 200 || len(a.Errors) != 1 {
		ts.t.Fatalf("%s: %d %s", field, a.Status, a.Raw)
	}
	e := a.Errors[0]
	if e.Extensions["code"] != "ACCESS_DENIED" || e.Extensions["requiredAccess"] != want ||
		e.Message != "Access denied for "+field+" field. Required access: "+want || !reflect.DeepEqual(e.Path, []any{field}) ||
		e.Extensions["documentation"] != "https://shopify.dev/api/usage/access-scopes" {
		ts.t.Errorf("%s: %s", field, a.Raw)
	}
	return a
}

func TestAccessDenied(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: 2, Scopes: []string{"write_products", "read_locations"}})
	// orders is non-null: data goes null, as graphql-ruby does.
	a := ts.denied(`{ orders(first: 1) { nodes { id } } }`, nil, "orders", "`read_orders` access scope.")
	if !strings.Contains(string(a.Raw), `"data":null`) {
		t.Errorf("data: %s", a.Raw)
	}
	ts.denied(`{ node(id: "gid://shopify/Order/1") { id } }`, nil, "node", "`read_orders` access scope.")
	ts.denied(`mutation { orderCancel(orderId: "gid://shopify/Order/1", reason: OTHER, refund: false, restock: true) { job { id } } }`, nil,
		"orderCancel", "`write_orders` access scope.")
	a = ts.denied(setQty, map[string]any{"input": map[string]any{"name": "available", "reason": "correction", "ignoreCompareQuantity": true,
		"quantities": []any{map[string]any{"inventoryItemId": "gid://shopify/InventoryItem/1", "locationId": "gid://shopify/Location/1", "quantity": 1}}}},
		"inventorySetQuantities", "`write_inventory` access scope.")
	if dig(a.Data, "inventorySetQuantities") != nil || a.Data == nil {
		t.Errorf("a denied mutation answers its field null: %s", a.Raw)
	}
	ts.denied(fulfil, map[string]any{"f": map[string]any{"lineItemsByFulfillmentOrder": []any{map[string]any{"fulfillmentOrderId": "gid://shopify/FulfillmentOrder/1"}}}},
		"fulfillmentCreate", "`write_merchant_managed_fulfillment_orders` access scope, `write_assigned_fulfillment_orders` access scope or `write_third_party_fulfillment_orders` access scope.")
	ts.denied(subscribe, map[string]any{"topic": "ORDERS_CREATE", "url": "https://example.com/h"}, "webhookSubscriptionCreate", "`read_orders` access scope.")
	ts.denied(`mutation { tagsAdd(id: "gid://shopify/Order/1", tags: ["x"]) { userErrors { message } } }`, nil, "tagsAdd", "`write_orders` access scope.")

	// write_products grants read_products; a products topic needs only that.
	ts.gql(`{ products(first: 1) { nodes { id } } locations(first: 1) { nodes { id } } }`, nil)
	ts.gql(subscribe, map[string]any{"topic": "PRODUCTS_UPDATE", "url": "https://example.com/h"})
	a = ts.gql(runBulk, map[string]any{"q": `{ orders { edges { node { id } } } }`})
	if msg, _ := dig(a.Data, "bulkOperationRunQuery", "userErrors", 0, "message").(string); !strings.HasPrefix(msg, "Access denied for orders field.") {
		t.Errorf("bulk: %s", a.Raw)
	}
	// Scopes change at run time; the grant names them.
	if code, _ := ts.control("PUT", "oauth", `{"scopes":["read_orders"]}`); code != 200 {
		t.Fatal(code)
	}
	ts.gql(`{ orders(first: 1) { nodes { id } } }`, nil)
	if g := ts.grantReq("POST", ts.credentials(), false); g.Scope != "read_orders" {
		t.Errorf("grant scope %q", g.Scope)
	}
	if code, _ := ts.control("PUT", "oauth", `{"scopes":["all"]}`); code != 400 {
		t.Errorf("bad scope: %d", code)
	}
}

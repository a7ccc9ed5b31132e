package shopify

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func TestAuthAndVersions(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: 2})
	q := map[string]any{"query": "{ shop { name myshopifyDomain } }"}
	for _, tc := range []struct {
		token, version string
		status         int
		served         string
	}{
		{"wrong", "2025-01", http.StatusUnauthorized, "2025-01"},
		{"", "2025-01", http.StatusUnauthorized, "2025-01"},
		{ts.Options().AccessToken, "2025-04", http.StatusOK, "2025-04"},
		{ts.Options().AccessToken, "2026-01", http.StatusOK, "2026-01"},
		{ts.Options().AccessToken, "2023-04", http.StatusOK, "2025-01"}, // unsupported: the oldest supported
		{ts.Options().AccessToken, "latest", http.StatusNotFound, ""},
	} {
		a := ts.post(tc.token, tc.version, q)
		if a.Status != tc.status || a.Header.Get("X-Shopify-API-Version") != tc.served {
			t.Errorf("%s %q: %d %q %s", tc.version, tc.token, a.Status, a.Header.Get("X-Shopify-API-Version"), a.Raw)
		}
		if tc.status == http.StatusUnauthorized && !strings.Contains(string(a.Raw), `"errors":"[API] Invalid API key or access token`) {
			t.Errorf("401 body: %s", a.Raw)
		}
	}
}

// An unknown field is refused before execution in the shape of
// samples/shopify/graphql/error-undefinedField…json.
func TestValidationUndefinedField(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: 2})
	query := "query {\n  products(first: 1) { nodes { ...ProductFragment } }\n}\nfragment ProductFragment on Product {\n  id\n  testField\n}"
	a := ts.post(ts.Options().AccessToken, "2025-01", map[string]any{"query": query})
	var want, got struct {
		Errors []map[string]any `json:"errors"`
	}
	if err := json.Unmarshal(sample(t, "graphql/error-undefinedField.admin-api-client-readme.json"), &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(a.Raw, &got); err != nil || a.Status != 200 || len(got.Errors) != 1 {
		t.Fatalf("answer: %d %s", a.Status, a.Raw)
	}
	if a.Data != nil {
		t.Errorf("data should be absent: %s", a.Raw)
	}
	w, g := want.Errors[0], got.Errors[0]
	wk, gk := map[string]bool{}, map[string]bool{}
	keyPaths(w, "", wk)
	keyPaths(g, "", gk)
	if !reflect.DeepEqual(wk, gk) {
		t.Errorf("keys: want %v, got %v", sortedKeys(wk), sortedKeys(gk))
	}
	if g["message"] != w["message"] || !reflect.DeepEqual(g["extensions"], w["extensions"]) || !reflect.DeepEqual(g["path"], w["path"]) {
		t.Errorf("error: want %v, got %v", w, g)
	}
	if loc := dig(g, "locations", 0, "line"); loc != 6.0 {
		t.Errorf("line = %v", loc)
	}
}

func TestValidationOther(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: 2})
	for _, tc := range []struct {
		query string
		vars  map[string]any
		code  string
		msg   string
	}{
		{`{ orders(first: 1, foo: 2) { nodes { id } } }`, nil, "argumentNotAccepted", "Field 'orders' doesn't accept argument 'foo'"},
		{`{ order { id } }`, nil, "missingRequiredArguments", "Field 'order' is missing required arguments: id"},
		{`{ orders(first: 1) { nodes { customer } } }`, nil, "selectionMismatch", ""},
		{`{ orders(first: 1 { id }`, nil, "parseError", "Parse error"},
		{`query Q($n: Int!) { orders(first: $n) { nodes { id } } }`, map[string]any{"n": "ten"}, "INVALID_VARIABLE", "Variable $n of type Int! was provided invalid value"},
		{`query Q($n: Int!) { orders(first: $n) { nodes { id } } }`, nil, "INVALID_VARIABLE", "Variable $n of type Int! was provided invalid value"},
	} {
		a := ts.post(ts.Options().AccessToken, "2025-01", map[string]any{"query": tc.query, "variables": tc.vars})
		if a.Status != 200 || len(a.Errors) == 0 {
			t.Errorf("%s: %d %s", tc.query, a.Status, a.Raw)
			continue
		}
		e := a.Errors[0]
		if e.Extensions["code"] != tc.code || !strings.Contains(e.Message, tc.msg) {
			t.Errorf("%s: %s", tc.query, a.Raw)
		}
	}
}

// The executor: aliases, fragments on interfaces, __typename, node(id:),
// unimplemented fields answering their empty value.
func TestExecutorShapes(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: 5})
	a := ts.gql(`query Q($id: ID!) { first: orders(first: 1) { nodes { id } }
		n: node(id: $id) { __typename ... on Order { name } ...F }
		shop { name currencyCode }
		orders(first: 1, reverse: true) { nodes { agreements(first: 1) { nodes { id } } merchantBusinessEntity { id } app { name } } } }
		fragment F on Node { id }`, map[string]any{"id": "gid://shopify/Order/1"})
	if dig(a.Data, "n") != nil {
		t.Errorf("unknown node: %s", a.Raw)
	}
	id := dig(a.Data, "first", "nodes", 0, "id").(string)
	a = ts.gql(`query Q($id: ID!) { n: node(id: $id) { __typename ... on Order { name } ...F } } fragment F on Node { id }`, map[string]any{"id": id})
	if dig(a.Data, "n", "__typename") != "Order" || dig(a.Data, "n", "id") != id || !strings.HasPrefix(dig(a.Data, "n", "name").(string), "#10") {
		t.Errorf("node: %s", a.Raw)
	}
	a = ts.gql(`{ orders(first: 1) { nodes { agreements(first: 1) { nodes { id } } merchantBusinessEntity { id } app { name } } } }`, nil)
	if got := dig(a.Data, "orders", "nodes", 0); !reflect.DeepEqual(got, map[string]any{"agreements": map[string]any{"nodes": []any{}},
		"merchantBusinessEntity": map[string]any{"id": ""}, "app": nil}) {
		t.Errorf("empty values: %v", got)
	}
}

// An order answers in the field set of the reference's §1.8 a) pull, with
// consistent money: total = lines + shipping, taxes included.
func TestOrderFields(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: 30})
	const q = `query Q($after: String) { orders(first: 5, after: $after) { pageInfo { hasNextPage endCursor } nodes {
      id legacyResourceId name email createdAt updatedAt cancelledAt cancelReason test sourceName
      displayFinancialStatus displayFulfillmentStatus currencyCode presentmentCurrencyCode taxesIncluded
      totalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
      subtotalPriceSet { shopMoney { amount } } totalShippingPriceSet { shopMoney { amount } }
      totalTaxSet { shopMoney { amount } } totalDiscountsSet { shopMoney { amount } } discountCodes
      risk { recommendation assessments { riskLevel } }
      customer { id email firstName lastName phone }
      billingAddress { name company address1 zip city countryCodeV2 }
      shippingLines(first: 5) { nodes { title code discountedPriceSet { shopMoney { amount } } taxLines { ratePercentage priceSet { shopMoney { amount } } } } }
      taxLines { title rate ratePercentage priceSet { shopMoney { amount } } }
      lineItems(first: 5) { nodes { id sku name quantity currentQuantity variant { id inventoryItem { id } }
        originalUnitPriceSet { shopMoney { amount } } discountedUnitPriceAfterAllDiscountsSet { shopMoney { amount } }
        discountAllocations { allocatedAmountSet { shopMoney { amount } } }
        taxLines { ratePercentage priceSet { shopMoney { amount } } } } }
      transactions(first: 10) { id kind status gateway amountSet { shopMoney { amount currencyCode } } processedAt }
    } } }`
	var nodes []any
	var after any
	for {
		a := ts.gql(q, map[string]any{"after": after})
		if c := a.Extensions.Cost.Requested; c > MaxQueryCost || c < 100 {
			t.Fatalf("requested cost %d", c)
		}
		nodes = append(nodes, dig(a.Data, "orders", "nodes").([]any)...)
		if dig(a.Data, "orders", "pageInfo", "hasNextPage") != true {
			break
		}
		after = dig(a.Data, "orders", "pageInfo", "endCursor")
	}
	if len(nodes) != 30 {
		t.Fatalf("%d orders", len(nodes))
	}
	cents := func(v any) int64 { return parseCents(v.(string)) }
	seen := map[string]bool{}
	for _, n := range nodes {
		total := cents(dig(n, "totalPriceSet", "shopMoney", "amount"))
		sub := cents(dig(n, "subtotalPriceSet", "shopMoney", "amount"))
		ship := cents(dig(n, "totalShippingPriceSet", "shopMoney", "amount"))
		if dig(n, "taxesIncluded") != true || total != sub+ship {
			t.Errorf("%v: total %d ≠ subtotal %d + shipping %d", dig(n, "name"), total, sub, ship)
		}
		var tax int64
		for _, tl := range dig(n, "taxLines").([]any) {
			tax += cents(dig(tl, "priceSet", "shopMoney", "amount"))
		}
		if tax != cents(dig(n, "totalTaxSet", "shopMoney", "amount")) {
			t.Errorf("%v: tax lines %d ≠ total tax %v", dig(n, "name"), tax, dig(n, "totalTaxSet"))
		}
		seen["source:"+dig(n, "sourceName").(string)] = true
		seen["fin:"+dig(n, "displayFinancialStatus").(string)] = true
		seen["cur:"+dig(n, "totalPriceSet", "presentmentMoney", "currencyCode").(string)] = true
		seen["risk:"+dig(n, "risk", "recommendation").(string)] = true
	}
	for _, want := range []string{"source:web", "fin:PAID", "cur:EUR", "risk:ACCEPT"} {
		if !seen[want] {
			t.Errorf("no order with %s in %v", want, seen)
		}
	}
}

package shopify

import (
	"fmt"
	"testing"
)

// TestCounts checks the count roots against their connections' searches, the
// limit cap and its precision.
func TestCounts(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: 30, Products: 12, Customers: 9})
	for _, c := range []struct {
		field, conn, args string
		want              int // -1: the connection's node count under the same query
		prec              string
	}{
		{"ordersCount", "orders", ``, 30, "EXACT"},
		{"ordersCount", "orders", `query: "test:false"`, -1, "EXACT"},
		{"ordersCount", "orders", `query: "financial_status:paid OR source_name:pos"`, -1, "EXACT"},
		{"ordersCount", "orders", `query: "name:#1001"`, 1, "EXACT"},
		{"ordersCount", "orders", `limit: 7`, 7, "AT_LEAST"},
		{"ordersCount", "orders", `limit: 30`, 30, "AT_LEAST"},
		{"ordersCount", "orders", `limit: 31`, 30, "EXACT"},
		{"ordersCount", "orders", `limit: null`, 30, "EXACT"},
		{"ordersCount", "orders", `query: "name:#1001", limit: 1`, 1, "AT_LEAST"},
		{"productsCount", "products", ``, 12, "EXACT"},
		{"productsCount", "products", `query: "sku:FRY-00002-01"`, 1, "EXACT"},
		{"productsCount", "products", `query: "status:active"`, -1, "EXACT"},
		{"productsCount", "products", `query: "nosuchfield:x"`, 12, "EXACT"},
		{"productsCount", "products", `limit: 5`, 5, "AT_LEAST"},
		{"productsCount", "products", `limit: 0`, 0, "AT_LEAST"},
		{"productVariantsCount", "productVariants", ``, 36, "EXACT"},
		{"productVariantsCount", "productVariants", `query: "sku:FRY-00003*"`, 3, "EXACT"},
		{"customersCount", "customers", ``, 9, "EXACT"},
		{"customersCount", "customers", `query: "email:*"`, -1, "EXACT"},
	} {
		t.Run(c.field+"("+c.args+")", func(t *testing.T) {
			args := ""
			if c.args != "" {
				args = "(" + c.args + ")"
			}
			a := ts.gql(fmt.Sprintf(`{ n: %s%s { count precision } }`, c.field, args), nil)
			want := c.want
			if want < 0 {
				b := ts.gql(fmt.Sprintf(`{ c: %s(first: 250, %s) { nodes { id } } }`, c.conn, c.args), nil)
				want = len(dig(b.Data, "c", "nodes").([]any))
				if want == 0 {
					t.Fatalf("the query matches nothing: %s", b.Raw)
				}
			}
			if got := dig(a.Data, "n", "count"); got != float64(want) || dig(a.Data, "n", "precision") != c.prec {
				t.Errorf("got %s, want %d %s", a.Raw, want, c.prec)
			}
			if a.Extensions.Cost.Requested != 1 || a.Extensions.Cost.Actual == nil || *a.Extensions.Cost.Actual != 1 {
				t.Errorf("cost: %s", a.Raw)
			}
		})
	}
}

// TestCountsDefaultCap: ordersCount and productsCount stop at 10000 in
// 2025-01; productVariantsCount and customersCount do not.
func TestCountsDefaultCap(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: -1, Products: countCap + 1, VariantsPerProduct: 1})
	a := ts.gql(`{ p: productsCount { count precision } l: productsCount(limit: 20000) { count precision }
		v: productVariantsCount { count precision } }`, nil)
	for k, want := range map[string][2]any{"p": {float64(countCap), "AT_LEAST"}, "l": {float64(countCap), "AT_LEAST"},
		"v": {float64(countCap + 1), "EXACT"}} {
		if dig(a.Data, k, "count") != want[0] || dig(a.Data, k, "precision") != want[1] {
			t.Errorf("%s: %s", k, a.Raw)
		}
	}
}

func TestCountsDenied(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: 2, Scopes: []string{"read_orders"}})
	for _, c := range []struct{ field, want string }{
		{"productsCount", "`read_products` access scope."},
		{"productVariantsCount", "`read_products` access scope."},
		{"customersCount", "`read_customers` access scope."},
	} {
		t.Run(c.field, func(t *testing.T) {
			// Count is nullable: the field goes null, data stays.
			a := ts.denied(`{ `+c.field+` { count } }`, nil, c.field, c.want)
			if a.Data == nil || dig(a.Data, c.field) != nil {
				t.Errorf("data: %s", a.Raw)
			}
		})
	}
	ts.gql(`{ ordersCount { count } }`, nil)
	ts2 := newShop(t, Options{Orders: 2, Scopes: []string{"read_products"}})
	ts2.denied(`{ ordersCount(query: "test:false") { count } }`, nil, "ordersCount", "`read_orders` access scope.")
}

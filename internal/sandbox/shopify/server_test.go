package shopify

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestSmokeOrders(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{})
	a := ts.gql(`query { orders(first: 3, sortKey: UPDATED_AT) { pageInfo { hasNextPage endCursor } edges { cursor node { id name updatedAt
		displayFinancialStatus displayFulfillmentStatus totalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
		lineItems(first: 5) { nodes { sku quantity variant { id inventoryItem { id } } taxLines { ratePercentage priceSet { shopMoney { amount } } } } }
		risk { recommendation assessments { riskLevel } } customer { email } __typename } } } }`, nil)
	b, _ := json.MarshalIndent(a.Data, "", " ")
	t.Logf("%s", b)
	t.Logf("%s", a.Raw[len(a.Raw)-200:])
}

func TestAuth(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: 2})
	a := ts.post("wrong", "2025-01", map[string]any{"query": "{ shop { name } }"})
	if a.Status != http.StatusUnauthorized || !strings.Contains(string(a.Raw), "Invalid API key or access token") {
		t.Fatalf("wrong token: %d %s", a.Status, a.Raw)
	}
}

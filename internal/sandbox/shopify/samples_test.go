package shopify

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// compareShapes checks that every key path of the sample is in the answer,
// except below the given prefixes (lists the sandbox leaves empty), and that
// the answer has no key the sample lacks.
func compareShapes(t *testing.T, name string, sampleRaw, got []byte, under string, skip ...string) {
	t.Helper()
	ws, gs := map[string]bool{}, map[string]bool{}
	keyPaths(decode(t, sampleRaw)[under], "", ws)
	keyPaths(decode(t, got)[under], "", gs)
	for k := range ws {
		skipped := false
		for _, p := range skip {
			skipped = skipped || strings.HasPrefix(k, p)
		}
		if !gs[k] && !skipped {
			t.Errorf("%s: answer lacks %s", name, k)
		}
	}
	for k := range gs {
		if !ws[k] {
			t.Errorf("%s: answer has %s, the sample does not", name, k)
		}
	}
}

// The query of samples/shopify/graphql/orders-connection.ms-bc-shopify-connector.json
// answers in its shape, cursors included.
func TestShopifySampleOrdersConnection(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: 3})
	a := ts.gql(`{ orders(first: 3) { pageInfo { hasNextPage } edges { cursor node { legacyResourceId name createdAt updatedAt test
		fullyPaid unpaid riskLevel displayFinancialStatus displayFulfillmentStatus subtotalLineItemsQuantity
		totalPriceSet { shopMoney { amount currencyCode } } customAttributes { key value } tags } } } }`, nil)
	s := sample(t, "graphql/orders-connection.ms-bc-shopify-connector.json")
	compareShapes(t, "orders", s, a.Raw, "data", "orders.edges[].node.customAttributes[]")
	compareShapes(t, "extensions", s, a.Raw, "extensions")
	var c map[string]any
	raw, err := base64.StdEncoding.DecodeString(dig(a.Data, "orders", "edges", 0, "cursor").(string))
	if err != nil || json.Unmarshal(raw, &c) != nil || c["last_id"] == nil || c["last_value"] == nil {
		t.Errorf("cursor %s", raw)
	}
}

func TestShopifySampleSuccessWithCost(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: 1, Products: 1})
	id := firstProduct(t, ts)
	a := ts.gql(`query P($id: ID!) { product(id: $id) { id title handle } }`, map[string]any{"id": id})
	s := sample(t, "graphql/success-with-cost.admin-api-client-readme.json")
	if got, want := topKeys(t, a.Raw), topKeys(t, s); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("keys %v, sample %v", got, want)
	}
	compareShapes(t, "product", s, a.Raw, "data")
	compareShapes(t, "extensions", s, a.Raw, "extensions")
	if a.Extensions.Cost.Requested != 1 || *a.Extensions.Cost.Actual != 1 {
		t.Errorf("cost %s", a.Raw)
	}
}

// A node(id:) poll of a finished bulk operation has the Airbyte sample's keys
// and writes objectCount as a string.
func TestShopifySampleBulkPoll(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: 4, BulkDelay: 20 * time.Millisecond})
	a := ts.gql(runBulk, map[string]any{"q": `{ orders { edges { node { id } } } }`})
	id := dig(a.Data, "bulkOperationRunQuery", "bulkOperation", "id")
	const poll = `query P($id: ID!) { node(id: $id) { ... on BulkOperation { id status errorCode objectCount fileSize url partialDataUrl } } }`
	waitFor(t, "completed", func() bool {
		a = ts.gql(poll, map[string]any{"id": id})
		return dig(a.Data, "node", "status") == "COMPLETED"
	})
	s := sample(t, "bulk/node-bulkoperation-completed.airbyte.json")
	compareShapes(t, "bulk poll", s, a.Raw, "data")
	if dig(a.Data, "node", "objectCount") != "4" {
		t.Errorf("objectCount %v", dig(a.Data, "node", "objectCount"))
	}
}

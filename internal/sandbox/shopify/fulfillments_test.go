package shopify

import (
	"encoding/json"
	"reflect"
	"testing"
)

const fulfil = `mutation F($f: FulfillmentInput!) { fulfillmentCreate(fulfillment: $f) {
	fulfillment { id status name trackingInfo { company number url } fulfillmentLineItems(first: 10) { nodes { quantity lineItem { sku } } } }
	userErrors { field message } } }`

func TestFulfillmentCreate(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: -1, Products: 3})
	id, name, err := ts.CreateOrder(OrderSpec{Email: "a@example.com", Lines: []LineSpec{{"FRY-00001-01", 2}, {"FRY-00002-01", 1}}})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := ts.Quantities("FRY-00001-01", 0)
	a := ts.gql(`query O($id: ID!) { order(id: $id) { name displayFulfillmentStatus fulfillmentOrders(first: 10) { nodes { id status
		assignedLocation { location { id } } lineItems(first: 10) { nodes { id remainingQuantity totalQuantity lineItem { id sku } } } } } } }`,
		map[string]any{"id": id})
	if dig(a.Data, "order", "name") != name || dig(a.Data, "order", "displayFulfillmentStatus") != "UNFULFILLED" {
		t.Fatalf("order: %s", a.Raw)
	}
	fo := dig(a.Data, "order", "fulfillmentOrders", "nodes", 0)
	if dig(fo, "status") != "OPEN" {
		t.Fatalf("fulfillment order: %s", a.Raw)
	}
	first := dig(fo, "lineItems", "nodes", 0)
	// One unit of the first line: partial.
	a = ts.gql(fulfil, map[string]any{"f": map[string]any{"notifyCustomer": true,
		"trackingInfo": map[string]any{"company": "Posti", "number": "JJFI1", "url": "https://www.posti.fi/track?q=JJFI1"},
		"lineItemsByFulfillmentOrder": []any{map[string]any{"fulfillmentOrderId": dig(fo, "id"),
			"fulfillmentOrderLineItems": []any{map[string]any{"id": dig(first, "id"), "quantity": 1}}}}}})
	f := dig(a.Data, "fulfillmentCreate", "fulfillment")
	if dig(f, "status") != "SUCCESS" || dig(f, "name") != name+".1" ||
		!reflect.DeepEqual(dig(f, "trackingInfo"), []any{map[string]any{"company": "Posti", "number": "JJFI1", "url": "https://www.posti.fi/track?q=JJFI1"}}) {
		t.Fatalf("fulfillment: %s", a.Raw)
	}
	check := func(wantOrder, wantFO string, remaining float64) {
		t.Helper()
		a := ts.gql(`query O($id: ID!) { order(id: $id) { displayFulfillmentStatus fulfillments { trackingInfo { number } }
			fulfillmentOrders(first: 10) { nodes { status lineItems(first: 10) { nodes { remainingQuantity } } } } } }`, map[string]any{"id": id})
		if got := dig(a.Data, "order", "displayFulfillmentStatus"); got != wantOrder {
			t.Errorf("order status %v, want %s", got, wantOrder)
		}
		if got := dig(a.Data, "order", "fulfillmentOrders", "nodes", 0, "status"); got != wantFO {
			t.Errorf("fulfillment order status %v, want %s", got, wantFO)
		}
		if got := dig(a.Data, "order", "fulfillmentOrders", "nodes", 0, "lineItems", "nodes", 0, "remainingQuantity"); got != remaining {
			t.Errorf("remaining %v, want %v", got, remaining)
		}
	}
	check("PARTIALLY_FULFILLED", "IN_PROGRESS", 1)
	after, _ := ts.Quantities("FRY-00001-01", 0)
	if after["on_hand"] != before["on_hand"]-1 || after["committed"] != before["committed"]-1 || after["available"] != before["available"] {
		t.Errorf("stock before %v after %v", before, after)
	}
	// Too many units: the userError, nothing changes.
	a = ts.gql(fulfil, map[string]any{"f": map[string]any{"lineItemsByFulfillmentOrder": []any{map[string]any{"fulfillmentOrderId": dig(fo, "id"),
		"fulfillmentOrderLineItems": []any{map[string]any{"id": dig(first, "id"), "quantity": 5}}}}}})
	if errs := dig(a.Data, "fulfillmentCreate", "userErrors").([]any); len(errs) != 1 || dig(a.Data, "fulfillmentCreate", "fulfillment") != nil {
		t.Errorf("over-fulfil: %s", a.Raw)
	}
	// The rest: no line items named fulfils all remaining.
	a = ts.gql(fulfil, map[string]any{"f": map[string]any{"lineItemsByFulfillmentOrder": []any{map[string]any{"fulfillmentOrderId": dig(fo, "id")}}}})
	if dig(a.Data, "fulfillmentCreate", "fulfillment", "status") != "SUCCESS" {
		t.Fatalf("rest: %s", a.Raw)
	}
	check("FULFILLED", "CLOSED", 0)
	// A closed fulfillment order cannot be fulfilled again.
	a = ts.gql(fulfil, map[string]any{"f": map[string]any{"lineItemsByFulfillmentOrder": []any{map[string]any{"fulfillmentOrderId": dig(fo, "id")}}}})
	if errs := dig(a.Data, "fulfillmentCreate", "userErrors").([]any); len(errs) != 1 {
		t.Errorf("closed: %s", a.Raw)
	}
}

// An unknown fulfillment order answers as
// samples/shopify/graphql/fulfillmentCreate-userErrors.ms-bc.json.
func TestFulfillmentCreateUnknownOrder(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: 2})
	a := ts.gql(`mutation { fulfillmentCreate(fulfillment: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: "gid://shopify/FulfillmentOrder/1" }] }) {
		fulfillment { id } userErrors { field message } } }`, nil)
	var want struct {
		Data map[string]any `json:"data"`
	}
	if err := json.Unmarshal(sample(t, "graphql/fulfillmentCreate-userErrors.ms-bc.json"), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Data, want.Data) {
		t.Errorf("got %v, want %v", a.Data, want.Data)
	}
	if *a.Extensions.Cost.Actual != 10 {
		t.Errorf("a mutation costs 10: %s", a.Raw)
	}
}

func TestOrderCancel(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: -1, Products: 2})
	id, _, _ := ts.CreateOrder(OrderSpec{Lines: []LineSpec{{"FRY-00001-01", 3}}})
	before, _ := ts.Quantities("FRY-00001-01", 0)
	const cancel = `mutation C($id: ID!) { orderCancel(orderId: $id, reason: CUSTOMER, refund: true, restock: true) {
		job { id done } orderCancelUserErrors { field message code } } }`
	a := ts.gql(cancel, map[string]any{"id": id})
	if dig(a.Data, "orderCancel", "job", "done") != true || len(dig(a.Data, "orderCancel", "orderCancelUserErrors").([]any)) != 0 {
		t.Fatalf("cancel: %s", a.Raw)
	}
	a = ts.gql(`query O($id: ID!) { order(id: $id) { cancelledAt cancelReason closed displayFinancialStatus
		totalRefundedSet { shopMoney { amount } } totalPriceSet { shopMoney { amount } } fulfillmentOrders(first: 5) { nodes { status } } } }`, map[string]any{"id": id})
	o := dig(a.Data, "order")
	if dig(o, "cancelledAt") == nil || dig(o, "cancelReason") != "CUSTOMER" || dig(o, "closed") != true || dig(o, "displayFinancialStatus") != "REFUNDED" ||
		dig(o, "totalRefundedSet", "shopMoney", "amount") != dig(o, "totalPriceSet", "shopMoney", "amount") || dig(o, "fulfillmentOrders", "nodes", 0, "status") != "CANCELLED" {
		t.Errorf("cancelled order: %s", a.Raw)
	}
	after, _ := ts.Quantities("FRY-00001-01", 0)
	if after["available"] != before["available"]+3 || after["committed"] != before["committed"]-3 {
		t.Errorf("restock: before %v after %v", before, after)
	}
	a = ts.gql(cancel, map[string]any{"id": id})
	if dig(a.Data, "orderCancel", "orderCancelUserErrors", 0, "code") != "INVALID" {
		t.Errorf("second cancel: %s", a.Raw)
	}
}

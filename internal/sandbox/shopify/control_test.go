package shopify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/ferryhub/ferry/internal/sandbox/fault"
)

func (ts *testShop) control(method, path, body string) (int, map[string]any) {
	ts.t.Helper()
	req, _ := http.NewRequest(method, ts.http.URL+"/_sandbox/"+path, strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	json.Unmarshal(b, &m)
	return resp.StatusCode, m
}

func TestControlEndpoints(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: 5, Products: 2})
	if code, st := ts.control("GET", "state", ""); code != 200 || st["orders"] != 5.0 || st["shop"] != "ferry-demo.myshopify.com" {
		t.Fatalf("state: %d %v", code, st)
	}
	code, o := ts.control("POST", "orders", `{"email":"x@example.com","lines":[{"sku":"FRY-00001-01","quantity":2}],"risk":"CANCEL","presentment":"SEK","rate":11.2}`)
	if code != 201 || o["name"] != "#1006" {
		t.Fatalf("create: %d %v", code, o)
	}
	a := ts.gql(`query O($id: ID!) { order(id: $id) { risk { recommendation } presentmentCurrencyCode totalPriceSet { presentmentMoney { currencyCode } } } }`, map[string]any{"id": o["id"]})
	if dig(a.Data, "order", "risk", "recommendation") != "CANCEL" || dig(a.Data, "order", "totalPriceSet", "presentmentMoney", "currencyCode") != "SEK" {
		t.Errorf("created order: %s", a.Raw)
	}
	if code, _ := ts.control("POST", "orders/1006/cancel", `{"reason":"FRAUD"}`); code != 200 {
		t.Errorf("cancel: %d", code)
	}
	if code, q := ts.control("PUT", "inventory", `{"sku":"FRY-00002-01","location":0,"available":42}`); code != 200 || q["available"] != 42.0 {
		t.Errorf("inventory: %d %v", code, q)
	}
	if code, b := ts.control("POST", "bucket/drain", `{"points":1500}`); code != 200 || b["currently_available"].(float64) > 500 || b["currently_available"].(float64) < 400 {
		t.Errorf("drain: %d %v", code, b)
	}
	if code, _ := ts.control("POST", "generate", `{"orders":3}`); code != 200 {
		t.Errorf("generate: %d", code)
	}
	if _, st := ts.control("GET", "state", ""); st["orders"] != 9.0 || st["cancelled"].(float64) < 1 {
		t.Errorf("state after: %v", st)
	}
	if code, _ := ts.control("POST", "orders", `{"lines":[{"sku":"NOPE"}]}`); code != 400 {
		t.Errorf("unknown sku: %d", code)
	}
}

// A mutation that commits and then fails: the client sees 500, the change is
// there when it reads back.
func TestCommitThenFail(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: -1, Products: 1, CommitThenFail: CommitThenFail{Next: 1}})
	id, _, _ := ts.CreateOrder(OrderSpec{Lines: []LineSpec{{"FRY-00001-01", 1}}})
	b, _ := json.Marshal(map[string]any{"query": `mutation C($id: ID!) { orderCancel(orderId: $id, reason: OTHER, refund: false, restock: true) { job { id } } }`,
		"variables": map[string]any{"id": id}})
	req, _ := http.NewRequest("POST", ts.http.URL+GraphQLPath("2025-01"), bytes.NewReader(b))
	req.Header.Set("X-Shopify-Access-Token", ts.Options().AccessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 500 || !strings.Contains(string(body), "INTERNAL_SERVER_ERROR") {
		t.Fatalf("answer %d %s", resp.StatusCode, body)
	}
	a := ts.gql(`query O($id: ID!) { order(id: $id) { cancelledAt } }`, map[string]any{"id": id})
	if dig(a.Data, "order", "cancelledAt") == nil || len(ts.CommitFailures()) != 1 {
		t.Errorf("not committed: %s", a.Raw)
	}
	// Queries never fail after the fact; the next mutation passes.
	ts.gql(`{ shop { name } }`, nil)
	if a := ts.gql(`mutation { orderMarkAsPaid(input: {id: "gid://shopify/Order/1"}) { userErrors { message } } }`, nil); a.Status != 200 {
		t.Errorf("next mutation: %s", a.Raw)
	}
}

// The fault injector sits in front of the API, not the control endpoints.
func TestFaults(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: 1, Faults: fault.Config{ErrorRate: 1, Seed: 3}})
	a := ts.post(ts.Options().AccessToken, "2025-01", map[string]any{"query": "{ shop { name } }"})
	if a.Status < 500 {
		t.Errorf("status %d", a.Status)
	}
	if code, _ := ts.control("GET", "state", ""); code != 200 {
		t.Errorf("control faulted: %d", code)
	}
	ts.Faults().Set(fault.Config{})
	ts.gql("{ shop { name } }", nil)
}

// RefundLine refunds one unit of a paid order's first line: the order shows
// the refund, and a cancelled order is refused.
func TestRefundLine(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: -1, Products: 2})
	id, _, err := ts.CreateOrder(OrderSpec{Email: "r@example.com", Lines: []LineSpec{{SKU: "FRY-00001-01", Quantity: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	rid, err := ts.RefundLine(id, "returned")
	if err != nil || !strings.HasPrefix(rid, "gid://shopify/Refund/") {
		t.Fatalf("refund: %q %v", rid, err)
	}
	a := ts.gql(`query O($id: ID!) { order(id: $id) { displayFinancialStatus refunds { id } } }`, map[string]any{"id": id})
	if dig(a.Data, "order", "displayFinancialStatus") != "PARTIALLY_REFUNDED" {
		t.Fatalf("order after the refund: %s", a.Raw)
	}
	if err := ts.CancelOrder(id, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.RefundLine(id, ""); err == nil {
		t.Fatal("a cancelled order was refunded")
	}
}

// Partial refunds may add up to what the order took in, and no more: each
// refund counts once against the refundable amount.
func TestRefundsUpToReceived(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: -1, Products: 2})
	id, _, err := ts.CreateOrder(OrderSpec{Email: "r@example.com", Lines: []LineSpec{{SKU: "FRY-00001-01", Quantity: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	a := ts.gql(`query O($id: ID!) { order(id: $id) { lineItems(first: 5) { nodes { id } } } }`, map[string]any{"id": id})
	line := dig(a.Data, "order", "lineItems", "nodes", 0, "id")
	refund := func(items string) answer {
		return ts.gql(fmt.Sprintf(`mutation R($id: ID!, $line: ID!) { refundCreate(input: {orderId: $id, refundLineItems: [{lineItemId: $line, quantity: 1, restockType: NO_RESTOCK}]%s}) { refund { id } userErrors { message } } }`, items), map[string]any{"id": id, "line": line})
	}
	if r := refund(""); dig(r.Data, "refundCreate", "refund", "id") == nil {
		t.Fatalf("first unit: %s", r.Raw)
	}
	// The other unit and the shipping: the rest of the order exactly.
	if r := refund(", shipping: {fullRefund: true}"); dig(r.Data, "refundCreate", "refund", "id") == nil {
		t.Fatalf("the rest: %s", r.Raw)
	}
	a = ts.gql(`query O($id: ID!) { order(id: $id) { displayFinancialStatus } }`, map[string]any{"id": id})
	if dig(a.Data, "order", "displayFinancialStatus") != "REFUNDED" {
		t.Fatalf("order refunded in full: %s", a.Raw)
	}
	r := ts.gql(`mutation R($id: ID!) { refundCreate(input: {orderId: $id, transactions: [{orderId: $id, amount: "1.00", kind: REFUND, gateway: "shopify_payments"}]}) { refund { id } userErrors { message } } }`, map[string]any{"id": id})
	if msg := dig(r.Data, "refundCreate", "userErrors", 0, "message"); msg != "Refund amount exceeds the amount that can be refunded." {
		t.Fatalf("a cent more than was taken: %s", r.Raw)
	}
}

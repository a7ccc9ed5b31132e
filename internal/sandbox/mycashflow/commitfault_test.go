package mycashflow

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
)

const (
	markPaidRoute     = "POST /orders/{id}/payments/{pid}/mark-as-paid"
	quickProcessRoute = "POST /orders/{id}/quick-process"
)

// TestCommitThenFail500: mark-as-paid applies, answers 500, and the retry meets
// 409 naming the state; other writes are untouched.
func TestCommitThenFail500(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{Orders: -1, Customers: 3, CommitFaults: CommitFaults{Routes: []string{markPaidRoute}, Next: 1}})
	f.srv.SetStock("MUG", 10)
	o, err := f.srv.CreateOrder(NewOrder{Email: "a@example.fi", ShippingMethodID: 1, PaymentMethodID: 1, Lines: []OrderLine{{ProductCode: "MUG", Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	pay := fmt.Sprintf("/api/v1/orders/%d/payments/%d", o.ID, o.Payments[0].ID)
	checkError(t, f.do("POST", pay+"/mark-as-paid", nil), 500, "internal error")
	if r := f.must(200, "GET", pay, nil); r.data()["status"] != "PAID" {
		t.Fatalf("the failed mark-as-paid did not apply: %s", r.Raw)
	}
	checkError(t, f.do("POST", pay+"/mark-as-paid", nil), 409, "Payment is already PAID")
	// Only the named route fails, and only once.
	f.must(200, "POST", fmt.Sprintf("/api/v1/orders/%d/quick-process", o.ID), nil)
	if got := f.srv.CommitFailures(); len(got) != 1 || got[0].Route != markPaidRoute || got[0].Drop {
		t.Fatalf("failures %+v", got)
	}
}

// TestCommitThenDropAtRunTime sets the mode through /_sandbox/commit-faults:
// quick-process applies and the connection drops; the retry answers 409.
func TestCommitThenDropAtRunTime(t *testing.T) {
	t.Parallel()
	f := emptyShop(t)
	f.srv.SetStock("MUG", 10)
	o, err := f.srv.CreateOrder(NewOrder{Email: "a@example.fi", ShippingMethodID: 1, PaymentMethodID: 2, Lines: []OrderLine{{ProductCode: "MUG", Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	admin := func(method, body string) map[string]any {
		req, _ := http.NewRequest(method, f.ts.URL+"/_sandbox/commit-faults", bytes.NewBufferString(body))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var v map[string]any
		json.NewDecoder(res.Body).Decode(&v)
		if res.StatusCode != 200 {
			t.Fatalf("%s commit-faults: %d %v", method, res.StatusCode, v)
		}
		return v
	}
	admin("PUT", `{"routes": ["`+quickProcessRoute+`"], "next": 1, "drop": true}`)

	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/orders/%d/quick-process", f.ts.URL, o.ID), bytes.NewBufferString(`{"tracking_code": "JJFI1"}`))
	req.SetBasicAuth("api@demo.example", "demo-key")
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("quick-process answered %d though it should drop", res.StatusCode)
	}
	if got, _ := f.srv.Order(o.ID); got.Status != "completed" || got.Shipments[0].TrackingCode != "JJFI1" {
		t.Fatalf("the dropped quick-process did not apply: %+v", got)
	}
	checkError(t, f.do("POST", fmt.Sprintf("/api/v1/orders/%d/quick-process", o.ID), map[string]any{"tracking_code": "JJFI1"}), 409, "Order is already completed")
	v := admin("GET", "")
	if fl, _ := v["failures"].([]any); len(fl) != 1 {
		t.Fatalf("admin answer %v", v)
	}
	// Bad settings are refused and change nothing.
	req, _ = http.NewRequest("PUT", f.ts.URL+"/_sandbox/commit-faults", bytes.NewBufferString(`{"routes": ["GET /orders"], "next": 1}`))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 400 {
		t.Fatalf("a read route was accepted: %d", res.StatusCode)
	}
}

// TestCommitThenFailRate: with rate 1 and no routes every write fails after
// committing; reads are never touched.
func TestCommitThenFailRate(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{Orders: -1})
	if err := f.srv.SetCommitFaults(CommitFaults{Rate: 1}); err != nil {
		t.Fatal(err)
	}
	checkError(t, f.do("PATCH", "/api/v1/stock/MUG", map[string]any{"quantity": 7}), 500, "internal error")
	if r := f.must(200, "GET", "/api/v1/stock/MUG", nil); num(r.data()["quantity"]) != 7 {
		t.Fatalf("the failed PATCH did not apply: %s", r.Raw)
	}
	// A refused write is refused, not committed-then-failed.
	checkError(t, f.do("PATCH", "/api/v1/stock/MUG", map[string]any{"quantity": -1}), 422, "quantity")
	if err := f.srv.SetCommitFaults(CommitFaults{Rate: 2}); err == nil {
		t.Fatal("rate 2 accepted")
	}
	if err := (Options{CommitFaults: CommitFaults{Routes: []string{"POST /nothing"}}}).Validate(); err == nil {
		t.Fatal("Validate accepted an unknown route")
	}
}

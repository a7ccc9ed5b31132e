package mycashflow

import (
	"fmt"
	"math"
	"testing"
)

func paymentMethodIDs(f *fixture) map[string]int {
	out := map[string]int{}
	for _, v := range f.must(200, "GET", "/api/v1/payment-methods", nil).list() {
		m := v.(map[string]any)
		out[m["name"].(string)] = id(m)
	}
	return out
}

// TestGeneratedSplitPayments: a few generated orders are paid partly by gift card
// (PAID) and partly by invoice; each payment has its own method, the order keeps
// the invoice as its method, and the parts add up to the total.
func TestGeneratedSplitPayments(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	pm := paymentMethodIDs(f)
	gift, invoice := pm["Lahjakortti"], pm["Lasku"]
	if gift == 0 || invoice == 0 {
		t.Fatalf("payment methods %v", pm)
	}
	split := 0
	for _, v := range f.must(200, "GET", "/api/v1/orders?page_size=1000&expand=payments", nil).list() {
		o := v.(map[string]any)
		ps := o["payments"].([]any)
		if len(ps) < 2 {
			if len(ps) == 1 && int(num(ps[0].(map[string]any)["payment_method_id"])) == gift {
				t.Errorf("order %d is paid by gift card alone", id(o))
			}
			continue
		}
		split++
		g, rest := ps[0].(map[string]any), ps[1].(map[string]any)
		if len(ps) != 2 || int(num(g["payment_method_id"])) != gift || g["status"] != "PAID" || int(num(rest["payment_method_id"])) != invoice {
			t.Errorf("order %d payments %v", id(o), ps)
		}
		if int(num(o["payment_method_id"])) != invoice {
			t.Errorf("order %d payment_method_id %v, want the invoice %d", id(o), o["payment_method_id"], invoice)
		}
		if o["status"] != "cancelled" && math.Abs(num(g["amount"])+num(rest["amount"])-num(o["total"])) > 0.001 {
			t.Errorf("order %d: %v + %v != total %v", id(o), g["amount"], rest["amount"], o["total"])
		}
	}
	if split < 2 {
		t.Fatalf("%d split orders; want a few", split)
	}
}

// TestSplitPaymentOverHTTP creates a split order with the invented
// gift_card_amount field and checks what a client meets with it.
func TestSplitPaymentOverHTTP(t *testing.T) {
	t.Parallel()
	f := emptyShop(t)
	f.srv.SetStock("HOODIE-L", 5)
	pm := paymentMethodIDs(f)
	body := orderBody("HOODIE-L", 1)
	body["payment_method_id"] = pm["Lasku"]
	body["gift_card_amount"] = 50
	r := f.must(201, "POST", "/api/v1/orders", body)
	o := r.data()
	ps := o["payments"].([]any)
	if len(ps) != 2 {
		t.Fatalf("payments %s", r.Raw)
	}
	g, inv := ps[0].(map[string]any), ps[1].(map[string]any)
	if g["status"] != "PAID" || num(g["amount"]) != 50 || inv["status"] != "OPEN" ||
		math.Abs(num(inv["amount"])-(num(o["total"])-50)) > 0.001 || int(num(o["payment_method_id"])) != pm["Lasku"] {
		t.Fatalf("split order %s", r.Raw)
	}
	oid := id(o)
	checkError(t, f.do("POST", fmt.Sprintf("/api/v1/orders/%d/quick-process", oid), nil), 422, "exactly one payment")
	checkError(t, f.do("POST", fmt.Sprintf("/api/v1/orders/%d/payments/%d/mark-as-paid", oid, id(g)), nil), 409, "already PAID")
	f.must(200, "POST", fmt.Sprintf("/api/v1/orders/%d/payments/%d/mark-as-paid", oid, id(inv)), nil)

	tests := []struct {
		name     string
		method   any
		amount   any
		contains string
	}{
		{"more than the total", pm["Lasku"], 1000, "less than the total"},
		{"no method for the rest", nil, 10, "set payment_method_id"},
		{"gift card for the rest", pm["Lahjakortti"], 10, "is the gift card"},
		{"negative", pm["Lasku"], -5, "more than 0"},
	}
	for _, tc := range tests {
		b := orderBody("HOODIE-L", 1)
		b["payment_method_id"], b["gift_card_amount"] = tc.method, tc.amount
		checkError(t, f.do("POST", "/api/v1/orders", b), 422, tc.contains)
	}
}

package mycashflow

import (
	"fmt"
	"testing"
)

// TestStatusCodes checks the status of each kind of refusal over HTTP, each with
// the error body of §1.3: 405 (with Allow) for a wrong method on a known path,
// 404 for unknown paths, 400 for malformed requests, 422 for validation and 409
// for an action repeated on a record already in its state.
func TestStatusCodes(t *testing.T) {
	t.Parallel()
	f := emptyShop(t)
	f.srv.SetStock("MUG", 10)
	inv, err := f.srv.CreateOrder(NewOrder{Email: "a@example.fi", ShippingMethodID: 1, PaymentMethodID: 1, Lines: []OrderLine{{ProductCode: "MUG", Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	card, err := f.srv.CreateOrder(NewOrder{Email: "b@example.fi", ShippingMethodID: 1, PaymentMethodID: 2, Lines: []OrderLine{{ProductCode: "MUG", Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.srv.QuickProcess(card.ID, "JJFI1"); err != nil {
		t.Fatal(err)
	}
	pay := fmt.Sprintf("/api/v1/orders/%d/payments/%d", card.ID, card.Payments[0].ID)
	tests := []struct {
		name, method, path string
		body               any
		code               int
		allow, contains    string
	}{
		{"GET on an action", "GET", pay + "/mark-as-paid", nil, 405, "POST", "not allowed"},
		{"PUT on an order", "PUT", fmt.Sprintf("/api/v1/orders/%d", inv.ID), nil, 405, "GET", "not allowed"},
		{"DELETE on orders", "DELETE", "/api/v1/orders", nil, 405, "GET, POST", "not allowed"},
		{"PATCH on a shipment", "PATCH", fmt.Sprintf("/api/v1/orders/%d/shipments/%d", inv.ID, inv.Shipments[0].ID), map[string]any{"tracking_code": "X"}, 405, "GET", "not allowed"},
		{"POST on stock", "POST", "/api/v1/stock/MUG", map[string]any{"quantity": 1}, 405, "GET, PATCH", "not allowed"},
		{"PUT on webhooks", "PUT", "/api/v1/webhooks", nil, 405, "GET, POST", "not allowed"},
		{"unknown action", "POST", fmt.Sprintf("/api/v1/orders/%d/archive", inv.ID), nil, 404, "", "no such API path"},
		{"unknown sub-resource", "GET", fmt.Sprintf("/api/v1/orders/%d/invoices", inv.ID), nil, 404, "", "no such API path"},
		{"outside the API", "GET", "/orders", nil, 404, "", "no such path"},
		{"unknown order", "POST", "/api/v1/orders/999999/quick-process", nil, 404, "", "not found"},
		{"bad page", "GET", "/api/v1/orders?page=0", nil, 400, "", "page"},
		{"bad sort", "GET", "/api/v1/orders?sort=total-asc", nil, 400, "", "sort"},
		{"bad filter time", "GET", "/api/v1/orders?updated_at-from=yesterday", nil, 400, "", "updated_at-from"},
		{"malformed JSON", "POST", "/api/v1/orders", "{", 400, "", "JSON"},
		{"validation", "PATCH", "/api/v1/stock/MUG", map[string]any{"quantity": -1}, 422, "", "quantity"},
		{"unknown field", "POST", fmt.Sprintf("/api/v1/orders/%d/quick-process", inv.ID), map[string]any{"tracking": "X"}, 422, "", "tracking"},
		{"mark-as-paid on PAID", "POST", pay + "/mark-as-paid", nil, 409, "", "Payment is already PAID"},
		{"quick-process on completed", "POST", fmt.Sprintf("/api/v1/orders/%d/quick-process", card.ID), nil, 409, "", "Order is already completed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(tc.method, tc.path, tc.body)
			checkError(t, r, tc.code, tc.contains)
			if got := r.Header.Get("Allow"); got != tc.allow {
				t.Errorf("Allow %q, want %q", got, tc.allow)
			}
		})
	}
}

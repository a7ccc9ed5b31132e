package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ferryhub/ferry/internal/flow"
)

// The Mappings page offers the names both ends know, and a change of the
// shipping rules is saved only once the person confirmed what it will hold.
func TestMappingChoicesAndPreview(t *testing.T) {
	e := newEnv(t)
	var c Choices
	if st := e.api(t, "GET", "/api/v1/routes/orders/mappings/choices", "", &c); st != http.StatusOK {
		t.Fatalf("choices: %d", st)
	}
	if !contains(c.ShippingMethods, "DHL Express") || !contains(c.ShippingMethods, "Nouto myymälästä") || len(c.PaymentMethods) == 0 {
		t.Errorf("shop's methods %v / %v", c.ShippingMethods, c.PaymentMethods)
	}
	if !contains(c.Carriers, "Posti SmartPOST") || len(c.Taxes) == 0 || len(c.Notes) != 0 {
		t.Errorf("ERP's carriers %v, taxes %v, notes %v", c.Carriers, c.Taxes, c.Notes)
	}

	var p MappingPreview
	body := `{"shipping_methods": [{"match": "Posti*", "to": "Posti SmartPOST"}, {"match": "Matkahuolto", "to": "Matkahuolto"}]}`
	if st := e.api(t, "POST", "/api/v1/routes/orders/mappings/preview", body, &p); st != http.StatusOK {
		t.Fatalf("preview: %d", st)
	}
	held := map[string]int{}
	for _, h := range p.Held {
		held[h.Method] = h.Orders
	}
	if n, ok := held["DHL Express"]; !ok || n != 1 || len(held) != 2 || p.RecentOrders != 4 {
		t.Errorf("preview %+v: want DHL Express (1 recent order) and the pickup held, 4 orders read", p)
	}

	admin := signIn(t, e.srv.URL, "admin", adminPass)
	_, page := admin.do(t, "GET", "/mappings", nil, "")
	for _, want := range []string{`data-pick="ship_match"`, `<option value="DHL Express">DHL Express (unmapped)</option>`, `<select name="ship_to" data-pick="ship_to">`, `id="route-orders"`} {
		if !strings.Contains(page, want) {
			t.Errorf("mappings page lacks %s", want)
		}
	}
	form := url.Values{"csrf": {admin.csrf}, "ship_match": {"Posti*", "Matkahuolto", "DHL Express"}, "ship_to": {"Posti SmartPOST", "Matkahuolto", "DHL Express"}}
	resp, page := admin.form(t, "/routes/orders/mappings", form)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(page, "I understand 1 method will be held") || !strings.Contains(page, "Nouto myymälästä") {
		t.Fatalf("an unconfirmed save: %d, want 409 with the confirmation", resp.StatusCode)
	}
	r, _ := e.hub.Flows.Route("orders")
	if n := len(r.Options.(*flow.OrdersOptions).ShippingMethods); n != 2 {
		t.Fatalf("an unconfirmed save stored %d rules", n)
	}
	form.Set("confirm_held", "1")
	resp, _ = admin.form(t, "/routes/orders/mappings", form)
	if loc, _ := url.QueryUnescape(resp.Header.Get("Location")); !strings.Contains(loc, "re-ran 1 parked job") {
		t.Errorf("the confirmed save: %d %s", resp.StatusCode, loc)
	}

	// A shop that does not answer: free text and a note.
	if _, err := e.hub.UpdateConnection(t.Context(), "shop", []byte(`{"store": "demo", "base_url": "http://127.0.0.1:1"}`), nil); err != nil {
		t.Fatal(err)
	}
	_, page = admin.do(t, "GET", "/mappings", nil, "")
	if !strings.Contains(page, "could not be read") || strings.Contains(page, `data-pick="ship_match"`) {
		t.Errorf("with the shop down the page offers no note or still a choice")
	}
}

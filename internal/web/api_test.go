package web

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/flow"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
)

// api calls the JSON API with the admin's token and decodes the answer.
func (e *env) api(t *testing.T, method, path, body string, out any) int {
	t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+e.adminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, b)
		}
	}
	if resp.StatusCode != http.StatusOK {
		t.Logf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	return resp.StatusCode
}

// waitIdle waits until no job of the route will still run.
func (e *env) waitIdle(t *testing.T, route string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		busy, err := flow.Busy(t.Context(), e.hub.Flows, route)
		if err != nil {
			t.Fatal(err)
		}
		if !busy {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("route %s still busy after 30 s", route)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestExportNow(t *testing.T) {
	e := newEnv(t)
	var products []flow.ProductView
	if e.api(t, "GET", "/api/v1/products?route=products", "", &products) != 200 {
		t.Fatal("listing products")
	}
	var exported, parked *flow.ProductView
	for i := range products {
		switch products[i].State {
		case flow.ProductExported:
			exported = &products[i]
		case flow.ProductParked:
			parked = &products[i]
		}
	}
	if exported == nil || parked == nil {
		t.Fatalf("want an exported and a parked product among %d", len(products))
	}
	if !strings.Contains(parked.Reason, "no internal reference") {
		t.Errorf("parked product's reason %q", parked.Reason)
	}
	// A search narrows the list to the product.
	var found []flow.ProductView
	if e.api(t, "GET", "/api/v1/products?route=products&q="+url.QueryEscape(strings.ToLower(exported.Name)), "", &found) != 200 || len(found) != 1 || found[0].ID != exported.ID {
		t.Errorf("search for %q: %+v", exported.Name, found)
	}
	// An unchanged product is written again on request.
	before := e.shop.CallCounts()
	var msg Message
	if e.api(t, "POST", "/api/v1/routes/products/export", fmt.Sprintf(`{"ids":[%q]}`, exported.ID), &msg) != 200 || !strings.Contains(msg.Message, "1 products queued") {
		t.Fatalf("export now: %q", msg.Message)
	}
	e.waitIdle(t, "products")
	after := e.shop.CallCounts()
	writes := 0
	for k, n := range after {
		if !strings.HasPrefix(k, "GET") {
			writes += n - before[k]
		}
	}
	if writes == 0 {
		t.Errorf("export now of %s wrote nothing to the shop (calls before %v, after %v)", exported.SKU, before, after)
	}
	// Bad requests name what is wrong.
	for _, body := range []string{`{"ids":["no-such-product"]}`, `{"ids":[]}`, `{"idz":["1"]}`} {
		if got := e.api(t, "POST", "/api/v1/routes/products/export", body, nil); got != http.StatusBadRequest {
			t.Errorf("export %s: %d, want 400", body, got)
		}
	}
	if got := e.api(t, "POST", "/api/v1/routes/no-such-route/export", `{"ids":["1"]}`, nil); got != http.StatusNotFound {
		t.Errorf("export on an unknown route: %d, want 404", got)
	}
}

func TestRunNowWithAPeriod(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ route, body string }{
		{"orders", `{"since":"2026-12-02","until":"2026-12-01"}`},
		{"orders", `{"since":"yesterday"}`},
		{"stock", `{"until":"2026-12-01"}`},
	} {
		if got := e.api(t, "POST", "/api/v1/routes/"+tc.route+"/run", tc.body, nil); got != http.StatusBadRequest {
			t.Errorf("run %s %s: %d, want 400", tc.route, tc.body, got)
		}
	}
	// A new shop order is left out of a pass over a period that ended
	// before it, and imported by a pass without one.
	codes := e.inStock(t)
	o, err := e.shop.CreateOrder(mcfsandbox.NewOrder{Email: "late@example.fi", FirstName: "Myöhä", LastName: "Inen",
		Street: "Aleksanterinkatu 5", PostalCode: "00100", City: "Helsinki", Country: "FI",
		ShippingMethodID: 1, PaymentMethodID: 2, Lines: []mcfsandbox.OrderLine{{ProductCode: codes[0], Quantity: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	number := fmt.Sprint(o.ID)
	imported := func() bool {
		var pg flow.OrderPage
		e.api(t, "GET", "/api/v1/orders?route=orders&q="+number, "", &pg)
		return pg.Total == 1 && len(pg.Orders) == 1 && pg.Orders[0].TargetID != "" && pg.Orders[0].Target != nil && pg.Orders[0].Target.State == "sales order"
	}
	period := fmt.Sprintf(`{"since":%q,"until":%q}`, time.Now().Add(-48*time.Hour).UTC().Format(time.RFC3339), time.Now().Add(-24*time.Hour).UTC().Format(time.RFC3339))
	var msg Message
	if e.api(t, "POST", "/api/v1/routes/orders/run", period, &msg) != 200 || !strings.Contains(msg.Message, "queued") {
		t.Fatalf("run with a period: %q", msg.Message)
	}
	e.waitIdle(t, "orders")
	if imported() {
		t.Errorf("order %s (made now) was imported by a pass over the day before yesterday", number)
	}
	if e.api(t, "POST", "/api/v1/routes/orders/run", `{}`, &msg) != 200 {
		t.Fatal("run")
	}
	e.waitIdle(t, "orders")
	if !imported() {
		t.Errorf("order %s was not imported by a pass without a period", number)
	}
	// Every action leaves an audit line naming the person.
	var lines []struct{ Message string }
	e.api(t, "GET", "/api/v1/logs?route=orders&level=info", "", &lines)
	audited := 0
	for _, l := range lines {
		if strings.HasPrefix(l.Message, "admin: asked for a pass") {
			audited++
		}
	}
	if audited != 2 {
		t.Errorf("%d audit lines for 2 runs: %v", audited, lines)
	}
}

func TestOpenAPIDocumentsEveryEndpoint(t *testing.T) {
	e := newEnv(t)
	resp, err := http.Get(e.srv.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
		Comp    struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q", doc.OpenAPI)
	}
	srv := New(Options{Hub: e.hub})
	for _, ep := range srv.endpoints() {
		op, ok := doc.Paths[ep.Path][strings.ToLower(ep.Method)]
		if !ok {
			t.Errorf("%s %s is not in the document", ep.Method, ep.Path)
			continue
		}
		if _, ok := op["responses"]; !ok {
			t.Errorf("%s %s has no responses", ep.Method, ep.Path)
		}
	}
	for _, name := range []string{"Overview", "OrderView", "ProductView", "Info", "LogLine", "Mappings"} {
		if _, ok := doc.Comp.Schemas[name]; !ok {
			t.Errorf("schema %s missing", name)
		}
	}
	// Unknown API paths answer JSON.
	r2, _ := http.Get(e.srv.URL + "/api/v1/nothing")
	r2.Body.Close()
	if r2.StatusCode != 404 || !strings.HasPrefix(r2.Header.Get("Content-Type"), "application/json") {
		t.Errorf("unknown API path: %d %s", r2.StatusCode, r2.Header.Get("Content-Type"))
	}
}

// A body far over the limit is refused as too large, plainly, for the API and
// for the dashboard's forms, without reading it all.
func TestHugeBodiesAreTooLarge(t *testing.T) {
	e := newEnv(t)
	huge := `{"x":"` + strings.Repeat("a", 8<<20) + `"}`
	req, _ := http.NewRequest("PUT", e.srv.URL+"/api/v1/routes/orders/options", strings.NewReader(huge))
	req.Header.Set("Authorization", "Bearer "+e.adminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "request too large") {
		t.Fatalf("API: %d %s", resp.StatusCode, b)
	}
	s := signIn(t, e.srv.URL, "admin", adminPass)
	form := url.Values{"csrf": {s.csrf}, "back": {strings.Repeat("b", 8<<20)}}
	r, body := s.form(t, "/routes/orders/run", form)
	if r.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "request too large") {
		t.Fatalf("form: %d %.300s", r.StatusCode, body)
	}
}

func TestMappingsAPI(t *testing.T) {
	e := newEnv(t)
	if got := e.api(t, "PUT", "/api/v1/routes/orders/mappings", `{"taxes":[{"rate":"quarter","to":"x"}]}`, nil); got != http.StatusBadRequest {
		t.Errorf("a bad tax rate: %d, want 400", got)
	}
	if got := e.api(t, "PUT", "/api/v1/routes/orders/mappings", `{"shipping_methods":[{"match":"DHL*","to":""}]}`, nil); got != http.StatusBadRequest {
		t.Errorf("a rule without a target: %d, want 400", got)
	}
	var msg Message
	body := `{"shipping_methods":[{"match":"Posti*","to":"Posti SmartPOST"},{"match":"D*L","to":"DHL Express"}],"payment_methods":[{"match":"Lasku","to":"Invoice","invoice":true}],"taxes":[{"rate":"25.5","to":"25.5%"}]}`
	if e.api(t, "PUT", "/api/v1/routes/orders/mappings", body, &msg) != 200 || !strings.Contains(msg.Message, "re-ran 1 parked job") {
		t.Fatalf("saving mappings: %q", msg.Message)
	}
	var m Mappings
	e.api(t, "GET", "/api/v1/mappings", "", &m)
	if len(m.Orders) != 1 || len(m.Orders[0].ShippingMethods) != 2 || len(m.Orders[0].Taxes) != 1 || !m.Orders[0].PaymentMethods[0].Invoice {
		t.Errorf("mappings after saving: %+v", m.Orders)
	}
	if e.api(t, "PUT", "/api/v1/connections/erp/warehouse", `{"warehouse":"WH"}`, &msg) != 200 {
		t.Errorf("warehouse: %q", msg.Message)
	}
	e.api(t, "GET", "/api/v1/mappings", "", &m)
	if len(m.Warehouses) != 1 || m.Warehouses[0].Warehouse != "WH" {
		t.Errorf("warehouses: %+v", m.Warehouses)
	}
	if got := e.api(t, "PUT", "/api/v1/routes/payments/invoice-methods", `{"invoice_methods":["Lasku*"]}`, nil); got != 200 {
		t.Errorf("invoice methods: %d", got)
	}
	if got := e.api(t, "PUT", "/api/v1/routes/stock/mappings", `{}`, nil); got != http.StatusNotFound {
		t.Errorf("mappings on a stock route: %d, want 404", got)
	}
	// Settings: a credential changes, its value never comes back.
	if got := e.api(t, "PUT", "/api/v1/connections/erp", `{"settings":{"url":"not a url","database":"ferry"}}`, nil); got != http.StatusBadRequest {
		t.Errorf("a bad URL: %d, want 400", got)
	}
	if got := e.api(t, "PUT", "/api/v1/connections/erp", `{"settings":{"url":"http://127.0.0.1:1","database":"ferry"},"credentials":{"token":"x"}}`, nil); got != http.StatusBadRequest {
		t.Errorf("an unknown credential: %d, want 400", got)
	}
}

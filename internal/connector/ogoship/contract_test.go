package ogoship_test

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferryhub/ferry/internal/connector/ogoship"
	"github.com/ferryhub/ferry/internal/model"
)

// samples returns the directory of the vendor samples (never copied into the
// repository): $OGOSHIP_SAMPLES, /work/shared/samples/ogoship, or
// ../shared/samples/ogoship from the repository root; the test is skipped
// when none exists.
func samples(t testing.TB) string {
	t.Helper()
	for _, d := range []string{os.Getenv("OGOSHIP_SAMPLES"), "/work/shared/samples/ogoship", filepath.Join("..", "..", "..", "..", "shared", "samples", "ogoship")} {
		if d == "" {
			continue
		}
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
	}
	t.Skip("the OGOship samples (shared/samples/ogoship) are not here")
	return ""
}

func sample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(samples(t), name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The shapes hold "" for required strings: decoding them must work, and the
// client's own checks (a reference, a code) are what refuses them.
func TestContractOrderShapes(t *testing.T) {
	for _, name := range []string{"GET_Orders.response.shape.json"} {
		var raws []json.RawMessage
		if err := json.Unmarshal(sample(t, name), &raws); err != nil || len(raws) != 1 {
			t.Fatalf("%s: %v", name, err)
		}
		fill := strings.Replace(string(raws[0]), `"reference": ""`, `"reference": "WEB-1"`, 1)
		fill = strings.Replace(fill, `"status": ""`, `"status": "Shipped"`, 1)
		o, err := ogoship.DecodeOrder(json.RawMessage(fill))
		if err != nil || o.Reference != "WEB-1" || o.Status != "shipped" || len(o.OrderLines) != 1 || o.Customer == nil || len(o.Documents) != 1 {
			t.Fatalf("%s: %+v %v", name, o, err)
		}
		if _, err := ogoship.DecodeOrder(raws[0]); err == nil {
			t.Fatalf("%s: an order without reference decoded", name)
		}
	}
	o, err := ogoship.DecodeOrder(json.RawMessage(strings.Replace(string(sample(t, "POST_Orders.response.shape.json")), `"reference": ""`, `"reference": "X"`, 1)))
	if err != nil || o.Reference != "X" {
		t.Fatalf("POST response: %v", err)
	}
}

func TestContractProductStockWebhookTokenErrorShapes(t *testing.T) {
	var raws []json.RawMessage
	json.Unmarshal(sample(t, "GET_Products.response.shape.json"), &raws)
	p, err := ogoship.DecodeProduct(json.RawMessage(strings.Replace(string(raws[0]), `"code": ""`, `"code": "TS-M"`, 1)))
	if err != nil || p.Code != "TS-M" || p.SalesPrice != nil {
		t.Fatalf("product %+v %v", p, err)
	}
	if _, err := ogoship.DecodeProduct(sample(t, "POST_Products.response.shape.json")); err == nil {
		t.Fatal("a product without code decoded")
	}
	raws = nil
	json.Unmarshal(sample(t, "GET_Stock.response.shape.json"), &raws)
	s, err := ogoship.DecodeStock(json.RawMessage(strings.Replace(string(raws[0]), `"productCode": ""`, `"productCode": "A"`, 1)))
	if err != nil || ogoship.ToStock(s).SKU != "A" {
		t.Fatalf("stock %+v %v", s, err)
	}
	if ws, err := ogoship.DecodeWebhooks(sample(t, "GET_webhooks.empty.response.json")); err != nil || len(ws) != 0 {
		t.Fatalf("null webhooks: %v %v", ws, err)
	}
	ws, err := ogoship.DecodeWebhooks([]byte(strings.Replace(string(sample(t, "GET_webhooks.response.shape.json")), `"id": ""`, `"id": "g"`, 1)))
	if err != nil || len(ws) != 1 || ws[0].ID != "g" {
		t.Fatalf("webhooks %v %v", ws, err)
	}
	tr, err := ogoship.DecodeTokenResponse([]byte(strings.Replace(string(sample(t, "POST_OAuth_Token.response.shape.json")), `"access_token": ""`, `"access_token": "eyJ"`, 1)))
	if err != nil || tr.AccessToken != "eyJ" {
		t.Fatalf("token %+v %v", tr, err)
	}
	e := ogoship.DecodeError(400, []byte(`{"statusCode": 400, "statusDescription": "Bad Request", "message": "Order already exists"}`))
	if e.StatusCode != 400 || e.Message != "Order already exists" || e.FailureClass() != "permanent" {
		t.Fatalf("error %+v", e)
	}
	if e := ogoship.DecodeError(500, sample(t, "ApiError.shape.json")); e.FailureClass() != "" || e.NotJSON {
		t.Fatalf("shape error %+v", e)
	}
}

// What the client sends has the keys of the vendor's request samples.
func TestContractRequestKeys(t *testing.T) {
	keys := func(b []byte) map[string]bool {
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for k := range m {
			out[strings.ToLower(k)] = true
		}
		return out
	}
	ws, _ := ogoship.ToProducts(model.Product{SKU: "1540033871", Name: "Test product", Description: "d", Barcode: "123", Price: model.MustDecimal("2"), PurchasePrice: model.MustDecimal("1"), Images: []model.Image{{URL: "https://x/y.jpg"}}}, "en")
	b, _ := json.Marshal(ws[0])
	ours := keys(b)
	for k := range keys(sample(t, "POST_Products.request.json")) {
		if !ours[k] {
			t.Errorf("product request lacks %s", k)
		}
	}
	dotnet := keys(sample(t, "POST_Products.request.dotnet.json"))
	for k := range ours {
		if !dotnet[k] {
			t.Errorf("product key %s is not a Product field", k)
		}
	}
	w, err := ogoship.ToOrderWrite(orderImport("1", "A1"), "1")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = json.Marshal(w)
	orderKeys := keys(sample(t, "POST_Orders.request.dotnet.json"))
	for k := range keys(b) {
		if !orderKeys[k] {
			t.Errorf("order key %s is not an OrderRequest field", k)
		}
	}
	var lines []map[string]any
	json.Unmarshal(sample(t, "POST_Orders.request.dotnet.json"), &struct {
		OrderLines *[]map[string]any `json:"OrderLines"`
	}{&lines})
	if len(lines) != 1 {
		t.Fatal("sample lines")
	}
	// Token forms: the sample keys.
	var form map[string]string
	json.Unmarshal(sample(t, "POST_OAuth_Token.password.request.json"), &form)
	for _, k := range []string{"client_id", "client_secret", "username", "password", "scope", "grant_type"} {
		if _, ok := form[k]; !ok {
			t.Errorf("password sample lacks %s", k)
		}
	}
	for _, sc := range strings.Fields(form["scope"]) {
		if !strings.Contains(ogoship.Scope, sc) {
			t.Errorf("scope %s not asked", sc)
		}
	}
	var q map[string]any
	json.Unmarshal(sample(t, "GET_Orders.query.json"), &q)
	known := url.Values{"modifiedAfter": nil, "limit": nil, "page": nil}
	for k := range q {
		if _, ok := known[k]; !ok {
			t.Errorf("query key %s unknown", k)
		}
	}
}

package ogoship

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// FuzzRequestDecoders throws arbitrary bodies at every write route: the
// answer is a success or a 4xx in the ApiError shape, never a 5xx or panic.
func FuzzRequestDecoders(f *testing.F) {
	for _, s := range []string{
		`{"reference":"R","shippingCode":"POSTI-SP","customer":{"name":"a","address1":"b","city":"c","countryCode":"FI"},"orderLines":[{"code":"MUG","quantity":1}],"status":0}`,
		`{"Code":"X","LanguageCode":"en","SupplyPrice":1.25}`,
		`{"supplier":"s","receiveDate":"2024-12-04T07:54:00.123Z","reference":"r","products":[{"code":"MUG","expectedQuantity":1,"countryOfOrigin":"FI","hsCode":"20111222"}]}`,
		`{"Url":"https://x.example","Key":"k","Type":1,"CustomHeaders":{"A":"b"}}`,
		`null`, `[]`, `{"status":"Shipped"}`, `{"orderLines":null,"documents":[{"type":"receipt","base64Content":"AA=="}]}`,
	} {
		f.Add([]byte(s))
	}
	at := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		srv := New(Options{Products: 2, Orders: 2, Now: func() time.Time { return at }})
		srv.mu.Lock()
		srv.st.addProduct(ProductFields{Code: str("MUG"), LanguageCode: str("en")}, at)
		at := srv.tok
		tok := "fuzz-token"
		at.access[tok] = &accessToken{exp: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), scopes: map[string]bool{}}
		for _, s := range Scopes {
			at.access[tok].scopes[s] = true
		}
		srv.mu.Unlock()
		for _, path := range []string{"POST /api/v1/Orders", "PUT /api/v1/Orders/WEB-1001", "POST /api/v1/Products", "PUT /api/v1/Products/MUG",
			"POST /api/v1/StockUpdate", "POST /api/v1/webhooks"} {
			method, p, _ := bytes.Cut([]byte(path), []byte(" "))
			req := httptest.NewRequest(string(method), string(p), bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+tok)
			rec := httptest.NewRecorder()
			srv.Handler().ServeHTTP(rec, req)
			if rec.Code == http.StatusOK {
				continue
			}
			var e ApiError
			if rec.Code >= 500 || json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.StatusCode != rec.Code || e.Message == "" {
				t.Fatalf("%s with %q: %d %s", path, body, rec.Code, rec.Body)
			}
		}
	})
}

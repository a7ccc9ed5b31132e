package mycashflow

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// serve runs one request in process.
func serve(s *Server, method, path string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.SetBasicAuth("api@demo.example", "demo-key")
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

func seedFile(f *testing.F, name string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		f.Fatal(err)
	}
	return b
}

func fuzzServer() *Server {
	at := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	return New(Options{Orders: 5, Customers: 3, Now: func() time.Time { return at }})
}

// checkStatus fails on anything but the expected success or a 4xx with the
// error shape.
func checkStatus(t *testing.T, rec *httptest.ResponseRecorder, success int) {
	t.Helper()
	if rec.Code == success {
		return
	}
	if rec.Code < 400 || rec.Code >= 500 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body.Bytes())
	}
	if !bytes.Contains(rec.Body.Bytes(), []byte(`"message":`)) {
		t.Fatalf("error without message: %s", rec.Body.Bytes())
	}
}

func FuzzPatchStock(f *testing.F) {
	f.Add(seedFile(f, "stock_patch.json"))
	for _, s := range []string{`{"quantity":-1}`, `{"quantity":"x"}`, `{"quantity":1e300}`, `{"quantity":1.5}`, `{"reserved":1}`, `[]`, ``, `{"quantity":"7"}`, `{"enabled":"yes"}`, `{"backorder_estimate":"tomorrow"}`} {
		f.Add([]byte(s))
	}
	s := fuzzServer()
	f.Fuzz(func(t *testing.T, body []byte) {
		before, _ := s.StockOf("TSHIRT-M")
		rec := serve(s, "PATCH", "/api/v1/stock/TSHIRT-M", body)
		checkStatus(t, rec, http.StatusOK)
		after, _ := s.StockOf("TSHIRT-M")
		if after.Balance != after.Quantity-after.Reserved || after.Quantity < 0 || after.Reserved != before.Reserved {
			t.Fatalf("stock broken: %+v -> %+v", before, after)
		}
		if rec.Code != http.StatusOK && after != before {
			t.Fatalf("a rejected PATCH changed stock: %+v -> %+v", before, after)
		}
	})
}

func FuzzCreateOrder(f *testing.F) {
	f.Add(seedFile(f, "order_create.json"))
	for _, s := range []string{`{}`, `{"products":[]}`, `{"products":[{"product_code":"MUG","quantity":-3}]}`, `{"products":{}}`,
		`{"customer_id":71,"products":[{"product_code":"MUG","quantity":1}],"discount":1e12}`, `{"customer_information":[],"products":[1]}`} {
		f.Add([]byte(s))
	}
	s := fuzzServer()
	f.Fuzz(func(t *testing.T, body []byte) {
		orders := s.OrderCount()
		stock := s.Stock()
		rec := serve(s, "POST", "/api/v1/orders", body)
		checkStatus(t, rec, http.StatusCreated)
		if rec.Code != http.StatusCreated {
			if s.OrderCount() != orders {
				t.Fatal("a rejected order was stored")
			}
			after := s.Stock()
			for i := range stock {
				if stock[i] != after[i] {
					t.Fatalf("a rejected order changed stock: %+v -> %+v", stock[i], after[i])
				}
			}
			return
		}
		for _, st := range s.Stock() {
			if st.Balance != st.Quantity-st.Reserved || st.Reserved < 0 {
				t.Fatalf("stock broken: %+v", st)
			}
		}
	})
}

func FuzzProductWrites(f *testing.F) {
	f.Add(seedFile(f, "product_create.json"))
	f.Add([]byte(`{"product_code":"","name":""}`))
	f.Add([]byte(`{"price":"abc"}`))
	f.Add([]byte(`{"variations":[{"product_code":"TSHIRT-M"}]}`))
	s := fuzzServer()
	f.Fuzz(func(t *testing.T, body []byte) {
		n := len(s.Products())
		rec := serve(s, "POST", "/api/v1/products", body)
		checkStatus(t, rec, http.StatusCreated)
		if rec.Code != http.StatusCreated && len(s.Products()) != n {
			t.Fatal("a rejected product was stored")
		}
		rec = serve(s, "PATCH", "/api/v1/products/101", body)
		checkStatus(t, rec, http.StatusOK)
		if p, ok := s.Product("TSHIRT-M"); !ok || p.ID != 101 {
			t.Fatal("PATCH lost the variation's product")
		}
	})
}

func FuzzQuickProcess(f *testing.F) {
	f.Add(seedFile(f, "quick_process.json"))
	f.Add([]byte(`{"tracking_code":null}`))
	f.Add([]byte(`{"send_emails":"maybe"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		if _, err := decodeQuickProcess(body); err != nil {
			if _, ok := err.(*httpError); !ok {
				t.Fatalf("decode error of type %T", err)
			}
		}
	})
}

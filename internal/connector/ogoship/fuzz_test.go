package ogoship_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/ferryhub/ferry/internal/connector/ogoship"
)

// seedSamples adds every vendor sample (when present) and a few edge cases.
func seedSamples(f *testing.F, extra ...string) {
	for _, e := range extra {
		f.Add([]byte(e))
	}
	for _, d := range []string{"/work/shared/samples/ogoship", filepath.Join("..", "..", "..", "..", "shared", "samples", "ogoship")} {
		files, _ := filepath.Glob(filepath.Join(d, "*.json"))
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
		if len(files) > 0 {
			return
		}
	}
}

func FuzzDecodeOrder(f *testing.F) {
	seedSamples(f, `{"reference":"1","status":"Shipped","trackingNumber":"JJ","editTime":"2026-01-01T00:00:00.123Z","orderLines":[{"code":"A","quantity":"2"}]}`, `null`, `[]`)
	f.Fuzz(func(t *testing.T, b []byte) {
		o, err := ogoship.DecodeOrder(b)
		if err != nil {
			return
		}
		if o.Reference == "" {
			t.Fatal("decoded an order without reference")
		}
		s, ok := ogoship.ToShipment(o)
		if ok && (s.OrderID != o.Reference || o.Status != "shipped") {
			t.Fatalf("shipment %+v of %+v", s, o)
		}
	})
}

func FuzzDecodeProduct(f *testing.F) {
	seedSamples(f, `{"code":"A","salesPrice":"1.5","stock":3}`, `{"code":""}`)
	f.Fuzz(func(t *testing.T, b []byte) {
		if p, err := ogoship.DecodeProduct(b); err == nil && p.Code == "" {
			t.Fatal("decoded a product without code")
		}
	})
}

func FuzzDecodeStock(f *testing.F) {
	seedSamples(f, `{"productCode":"A","stock":4,"stockAvailable":3,"reserved":1,"modified":"2026-01-01"}`)
	f.Fuzz(func(t *testing.T, b []byte) {
		if s, err := ogoship.DecodeStock(b); err == nil && ogoship.ToStock(s).SKU == "" {
			t.Fatal("decoded a level without code")
		}
	})
}

func FuzzDecodeWebhooks(f *testing.F) {
	seedSamples(f, `null`, ``, `[{"id":"x","type":1}]`)
	f.Fuzz(func(t *testing.T, b []byte) {
		ws, err := ogoship.DecodeWebhooks(b)
		if err != nil {
			return
		}
		for _, w := range ws {
			if w.ID == "" {
				t.Fatal("a webhook without id")
			}
		}
	})
}

func FuzzDecodeTokenResponse(f *testing.F) {
	seedSamples(f, `{"access_token":"a","token_type":"bearer","expires_in":"5400","refresh_token":"r"}`)
	f.Fuzz(func(t *testing.T, b []byte) {
		if tr, err := ogoship.DecodeTokenResponse(b); err == nil && (tr.AccessToken == "" || tr.ExpiresIn < 0) {
			t.Fatalf("accepted %+v", tr)
		}
		_ = ogoship.DecodeTokenError(400, b).Error()
	})
}

func FuzzDecodeError(f *testing.F) {
	seedSamples(f, `{"statusCode":400,"statusDescription":"Bad Request","message":"x"}`, `<html>`, ``)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, st := range []int{400, 401, 404, 500} {
			e := ogoship.DecodeError(st, b)
			if c := e.FailureClass(); c != "" && c != "permanent" && c != "needs_action" {
				t.Fatalf("class %q", c)
			}
			_ = e.Error()
		}
	})
}

func FuzzVerifyWebhook(f *testing.F) {
	seedSamples(f, `{"reference":"1","status":"shipped"}`, `{"productCode":"A","modified":"x"}`)
	f.Fuzz(func(t *testing.T, b []byte) {
		h := http.Header{}
		h.Set(ogoship.SignatureHeader, ogoship.Sign("key", b))
		topic, key, err := ogoship.VerifyWebhook(h, b, "key")
		if err == nil && (topic == "" || key == "") {
			t.Fatal("verified without topic or key")
		}
		if err == nil && !json.Valid(b) {
			t.Fatal("verified a body that is not JSON")
		}
		if _, _, err := ogoship.VerifyWebhook(h, b, "other"); err == nil {
			t.Fatal("verified with another key")
		}
	})
}

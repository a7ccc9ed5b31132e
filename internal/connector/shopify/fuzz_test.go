package shopify

import (
	"encoding/json"
	"github.com/ferryhub/ferry/internal/model"
	"net/http"
	"testing"
)

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func FuzzDecodeResponse(f *testing.F) {
	f.Add([]byte(`{"data":{"shop":{"name":"x"}},"extensions":{"cost":{"requestedQueryCost":1,"actualQueryCost":1,"throttleStatus":{"maximumAvailable":2000.0,"currentlyAvailable":1999,"restoreRate":100.0}}}}`))
	f.Add([]byte(`{"errors":"[API] Invalid API key"}`))
	f.Add([]byte(`{"errors":[{"message":"Throttled","extensions":{"code":"THROTTLED"}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := DecodeResponse(b)
		if err == nil && r.Extensions.Cost != nil && r.Extensions.Cost.ThrottleStatus != nil {
			bk := bucketFor("fuzz")
			bk.mu.Lock()
			bk.inflight++
			bk.mu.Unlock()
			bk.done(r.Extensions.Cost.ThrottleStatus, r.Extensions.Cost.RequestedQueryCost, 0)
		}
	})
}

func FuzzDecodeOrder(f *testing.F) {
	f.Add([]byte(`{"id":"gid://shopify/Order/1","name":"#1001","updatedAt":"2025-01-01T00:00:00Z","totalPriceSet":{"shopMoney":{"amount":"1.00"}},"lineItems":{"nodes":[{"id":"l","currentQuantity":1,"originalUnitPriceSet":{"shopMoney":{"amount":"x"}}}]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		o, err := DecodeOrder(b)
		if err == nil {
			ToOrder(o)
		}
	})
}

func FuzzDecodeBulkLine(f *testing.F) {
	f.Add([]byte(`{"id":"gid:\/\/shopify\/ProductVariant\/1","__parentId":"gid:\/\/shopify\/Product\/1"}`))
	f.Fuzz(func(t *testing.T, b []byte) { DecodeBulkLine(b) })
}

func FuzzVerifyWebhook(f *testing.F) {
	f.Add([]byte(`{"id":1,"updated_at":"2025-01-01T00:00:00+02:00"}`), "k")
	f.Fuzz(func(t *testing.T, b []byte, secret string) {
		h := http.Header{}
		h.Set("X-Shopify-Hmac-Sha256", Sign(secret, b))
		h.Set("X-Shopify-Topic", "orders/create")
		h.Set("X-Shopify-Shop-Domain", "x.myshopify.com")
		VerifyWebhook(h, b, secret)
		DecodeWebhookBody(b)
	})
}

func FuzzDecodeOrderMoney(f *testing.F) {
	f.Add([]byte(`{"order":{"name":"#1001","transactions":[{"id":"gid://shopify/OrderTransaction/1","kind":"SALE","status":"SUCCESS","gateway":"shopify_payments","amountSet":{"shopMoney":{"amount":"24.90","currencyCode":"EUR"}}}],"refunds":[{"id":"gid://shopify/Refund/2","totalRefundedSet":{"shopMoney":{"amount":"5.00","currencyCode":"EUR"}},"refundLineItems":{"nodes":[{"quantity":1,"restockType":"RETURN","lineItem":{"sku":"A"},"subtotalSet":{"shopMoney":{"amount":"5.00","currencyCode":"EUR"}}}]}}]}}`))
	f.Add([]byte(`{"order":null}`))
	f.Add([]byte(`{"order":{"transactions":[{"amountSet":{"shopMoney":{"amount":"x"}}}]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		txs, refunds, err := DecodeOrderMoney(b)
		if err != nil && (txs != nil || refunds != nil) {
			t.Fatalf("an error with results: %v", err)
		}
	})
}

func FuzzDecodeOrderRefunds(f *testing.F) {
	f.Add([]byte(`{"order":{"id":"gid://shopify/Order/1","name":"#1001","taxesIncluded":true,"refunds":[{"id":"gid://shopify/Refund/2","note":"damaged","totalRefundedSet":{"shopMoney":{"amount":"9.90","currencyCode":"EUR"}},"refundLineItems":{"nodes":[{"quantity":1,"restockType":"RETURN","lineItem":{"sku":"A"},"subtotalSet":{"shopMoney":{"amount":"5.00","currencyCode":"EUR"}},"totalTaxSet":{"shopMoney":{"amount":"1.00","currencyCode":"EUR"}}}]},"transactions":{"nodes":[{"gateway":"shopify_payments","kind":"REFUND","status":"SUCCESS"}]}}]}}`))
	f.Add([]byte(`{"order":null}`))
	f.Add([]byte(`{"order":{"refunds":[{"id":"","totalRefundedSet":{"shopMoney":{"amount":"1"}}}]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		refunds, err := DecodeOrderRefunds(b)
		if err != nil && refunds != nil {
			t.Fatalf("an error with results: %v", err)
		}
		for _, r := range refunds {
			var sum model.Decimal
			for _, l := range r.Lines {
				sum += l.Amount
			}
			if sum+r.Adjustment != r.Total {
				t.Fatalf("refund %s: lines %v + adjustment %v != total %v", r.ID, sum, r.Adjustment, r.Total)
			}
		}
	})
}

func FuzzDecodeCustomer(f *testing.F) {
	f.Add([]byte(`{"id":"gid://shopify/Customer/1","email":"a@example.com","firstName":"Anna","lastName":"K","updatedAt":"2026-11-01T10:00:00Z","defaultAddress":{"address1":"Katu 1","zip":"00100","city":"Helsinki","countryCodeV2":"FI"}}`))
	f.Add([]byte(`{"id":"gid://shopify/Customer/2","email":null,"updatedAt":"2026-11-01T10:00:00Z"}`))
	f.Add([]byte(`{"id":""}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, _, err := DecodeCustomer(b)
		if err == nil && (p.ID == "" || p.Email == "") {
			t.Fatalf("a customer without id or e-mail passed: %+v", p)
		}
	})
}

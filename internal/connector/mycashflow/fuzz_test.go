package mycashflow

import (
	"encoding/json"
	"testing"
)

// Every decoder of MyCashflow input must turn any bytes into a value or an error,
// never a panic.

func seedFiles(f *testing.F, names ...string) {
	for _, n := range names {
		f.Add(readFile(f, n))
	}
	f.Add([]byte(`{"data":[],"meta":[]}`))
	f.Add([]byte(`{"data":{"stock_item":[1]}}`))
	f.Add([]byte(`null`))
}

func FuzzDecodeOrder(f *testing.F) {
	seedFiles(f, "order.json", "order_discount_strings.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		var env struct{ Data Order }
		if json.Unmarshal(b, &env) == nil {
			o := ToOrder(env.Data, Names{})
			_ = FromOrder(o)
		}
	})
}

func FuzzDecodeProducts(f *testing.F) {
	seedFiles(f, "products_page.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		var env struct {
			Data []json.RawMessage
			Meta Meta
		}
		if json.Unmarshal(b, &env) != nil {
			return
		}
		for _, raw := range env.Data {
			if p, err := decodeAs[Product](raw); err == nil {
				_ = FromProduct(ToProduct(p, Names{}), nil, nil)
			} else {
				_ = itemKey(raw)
			}
		}
	})
}

func FuzzDecodeStock(f *testing.F) {
	seedFiles(f, "stock_item.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		var env struct{ Data StockItem }
		if json.Unmarshal(b, &env) == nil {
			_ = ToStock(env.Data)
		}
	})
}

func FuzzDecodeWebhook(f *testing.F) {
	seedFiles(f, "webhook_order_created.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		if m, err := DecodeWebhook(b); err == nil && m.Order.ID == 0 {
			t.Fatal("a webhook without an order id was accepted")
		}
	})
}

func FuzzDecodeError(f *testing.F) {
	seedFiles(f, "error_422.json")
	f.Add([]byte(`<html>502 Bad Gateway</html>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		e := newAPIError("shop", "GET /x", 422, b)
		if e.Error() == "" {
			t.Fatal("empty error message")
		}
	})
}

package odoo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/jobs"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
)

// TestOrderCurrencyAndDate: an order is booked in a pricelist of the shop's
// currency and dated at the shop's order date; an order in a currency Odoo
// has no pricelist in parks naming it. The sandbox has no currencies, so a
// proxy in front of it answers product.pricelist's currency_id as real Odoo
// does (an EUR pricelist, no USD one).
func TestOrderCurrencyAndDate(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 17, 18} {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			sb := sandbox.New(sandbox.Options{Version: version})
			h := sb.Handler()
			var pl int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				r.Body = io.NopCloser(bytes.NewReader(body))
				reply := func(v any) { json.NewEncoder(w).Encode(map[string]any{"jsonrpc": "2.0", "id": 1, "result": v}) }
				switch {
				case bytes.Contains(body, []byte(`"product.pricelist","fields_get"`)):
					reply(map[string]any{"currency_id": map[string]any{"type": "many2one"}})
				case bytes.Contains(body, []byte(`"product.pricelist","search_read"`)) && bytes.Contains(body, []byte(`currency_id.name`)):
					reply([]any{map[string]any{"id": pl, "currency_id": []any{1, "EUR"}}})
				default:
					h.ServeHTTP(w, r)
				}
			}))
			defer srv.Close()
			s := *DefaultSettings()
			s.URL, s.Database, s.RateLimit, s.Timeout = srv.URL, "ferry", 0, 5*time.Second
			c, _ := New("erp", s, "admin", "demo-key", nil)
			ids, err := c.Create(ctx, "product.pricelist", []map[string]any{{"name": "Euro"}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			pl = ids[0]
			levels, _ := c.StockLevels(ctx)
			imps := testOrders(2)
			at := time.Date(2026, 3, 4, 10, 11, 12, 0, time.UTC)
			for i := range imps {
				imps[i].Order.Lines[0].SKU, imps[i].Carrier, imps[i].Order.CreatedAt = levels[0].SKU, "Posti SmartPOST", at
			}
			imps[0].Order.Currency, imps[1].Order.Currency = "eur", "USD"
			res, err := c.ImportOrders(ctx, imps)
			if err != nil || res[0].Err != nil {
				t.Fatalf("%+v %v", res, err)
			}
			o := sb.SearchRead("sale.order", []any{[]any{"id", "=", mustInt(t, res[0].RemoteID)}}, []string{"pricelist_id", "date_order"})
			if fmt.Sprint(o[0]["pricelist_id"]) != fmt.Sprint(pl) && !strings.HasPrefix(fmt.Sprint(o[0]["pricelist_id"]), fmt.Sprintf("[%d ", pl)) {
				t.Errorf("pricelist %v, want %d", o[0]["pricelist_id"], pl)
			}
			if d := fmt.Sprint(o[0]["date_order"]); !strings.Contains(d, "2026-03-04") || !strings.Contains(d, "10:11:12") {
				t.Errorf("date_order %v, want the shop's %v", d, at)
			}
			if err := res[1].Err; err == nil || jobs.ClassOf(err) != jobs.ClassNeedsAction || !strings.Contains(err.Error(), "no pricelist in USD") {
				t.Fatalf("USD order: %v", err)
			}
		})
	}
}

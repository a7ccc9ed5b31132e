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

	"github.com/ferryhub/ferry/internal/model"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
)

// TestValidateThroughTheSMSWarning: on a database with stock_sms where no one
// dismissed the warning, button_validate without skip_sms answers the
// confirm.stock.sms wizard and validates nothing (the sandbox's stock-sms
// switch); the delivery is validated all the same. Another wizard (played by a
// proxy in front of the sandbox) is named exactly.
func TestValidateThroughTheSMSWarning(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 18} {
		for _, wizard := range []string{"confirm.stock.sms", "stock.track.confirmation"} {
			t.Run(fmt.Sprint(version, wizard), func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				sb := sandbox.New(sandbox.Options{Version: version, StockSMS: wizard == "confirm.stock.sms"})
				h := sb.Handler()
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					body, _ := io.ReadAll(r.Body)
					r.Body = io.NopCloser(bytes.NewReader(body))
					if wizard != "confirm.stock.sms" && bytes.Contains(body, []byte(`"button_validate"`)) {
						json.NewEncoder(w).Encode(map[string]any{"jsonrpc": "2.0", "id": 1, "result": map[string]any{"type": "ir.actions.act_window", "res_model": wizard, "target": "new"}})
						return
					}
					h.ServeHTTP(w, r)
				}))
				defer srv.Close()
				s := *DefaultSettings()
				s.URL, s.Database, s.RateLimit, s.Timeout = srv.URL, "ferry", 0, 5*time.Second
				c, _ := New("erp", s, "admin", "demo-key", nil)
				levels, _ := c.StockLevels(ctx)
				res, err := c.ImportOrders(ctx, []model.OrderImport{{Ref: "SHOP-S", Carrier: "Posti SmartPOST", Order: model.Order{ID: "1", Number: "1", Status: model.OrderOpen,
					Customer: model.Party{Email: "sms@example.fi", Name: "S", Phone: "+358 40 123 4567"}, Billing: model.Address{Country: "FI", Phone: "+358 40 123 4567"},
					Lines: []model.Line{{Kind: model.LineProduct, SKU: levels[0].SKU, Name: "x", Quantity: model.DecimalFromInt(1), UnitPrice: model.DecimalFromInt(10), TaxRate: model.MustDecimal("25.5")}}}}})
				if err != nil || res[0].Err != nil {
					t.Fatalf("%+v %v", res, err)
				}
				picks := sb.OpenPickings()
				err = c.ValidateDelivery(ctx, picks[0], "JJFI1")
				if wizard == "confirm.stock.sms" {
					if err != nil || len(sb.OpenPickings()) != 0 {
						t.Fatalf("%v, %d open", err, len(sb.OpenPickings()))
					}
					return
				}
				if err == nil || !strings.Contains(err.Error(), "Odoo answered with the stock.track.confirmation wizard") {
					t.Fatalf("another wizard: %v", err)
				}
			})
		}
	}
}

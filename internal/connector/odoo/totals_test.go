package odoo

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/model"
)

// TestTotalsToTheCent: with only price-excluded taxes, gross shop prices sent
// net come to the shop's total where some choice of cents does (123.70 from
// 2 × 29.90 + 63.90 at 25.5 %), and an order none can (56.00 at 15 %: 55.99
// or 56.01) parks naming both totals, its quotation deleted.
func TestTotalsToTheCent(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 17, 18, 19} {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, sb := sandboxClient(t, version)
			if _, err := c.Create(ctx, "account.tax", []map[string]any{{"name": "ALV 15 %", "amount": 15, "amount_type": "percent", "type_tax_use": "sale", "price_include": false}}, nil); err != nil {
				t.Fatal(err)
			}
			levels, _ := c.StockLevels(ctx)
			line := func(price, rate string, qty int64) model.Line {
				return model.Line{Kind: model.LineProduct, SKU: levels[0].SKU, Name: "x", Quantity: model.DecimalFromInt(qty), UnitPrice: model.MustDecimal(price), TaxIncluded: true, TaxRate: model.MustDecimal(rate)}
			}
			order := func(n, total string, lines ...model.Line) model.OrderImport {
				return model.OrderImport{Ref: "SHOP-" + n, Order: model.Order{ID: n, Number: n, Status: model.OrderOpen, Total: model.MustDecimal(total),
					Customer: model.Party{Email: "cent@example.fi", Name: "Cent"}, Lines: lines}}
			}
			imps := []model.OrderImport{
				order("1", "56.00", line("56.00", "25.5", 1)),
				order("2", "123.70", line("29.90", "25.5", 2), line("63.90", "25.5", 1)),
				order("3", "56.00", line("56.00", "15", 1)),
			}
			res, err := c.ImportOrders(ctx, imps)
			if err != nil {
				t.Fatal(err)
			}
			for i, want := range []string{"56", "123.7"} {
				if res[i].Err != nil {
					t.Fatalf("order %d: %v", i+1, res[i].Err)
				}
				o := sb.SearchRead("sale.order", []any{[]any{"id", "=", mustInt(t, res[i].RemoteID)}}, []string{"amount_total"})
				if fmt.Sprint(o[0]["amount_total"]) != want {
					t.Errorf("order %d: Odoo total %v, the shop's %s", i+1, o[0]["amount_total"], want)
				}
			}
			err = res[2].Err
			if err == nil || jobs.ClassOf(err) != jobs.ClassNeedsAction || !strings.Contains(err.Error(), "differs from the shop's 56.00") || !strings.Contains(err.Error(), "price-included 15 % sale tax") {
				t.Fatalf("order 3: %v, want it parked naming both totals", err)
			}
			if n, _ := c.SearchCount(ctx, "sale.order", []any{[]any{"client_order_ref", "=", "SHOP-3"}}); n != 0 {
				t.Fatalf("the parked order's quotation stays in Odoo")
			}
		})
	}
}

package odoo

import (
	"context"
	"fmt"
	"testing"

	"github.com/ferryhub/ferry/internal/flow/flowtest"
)

// The capability conformance suites (internal/flow/flowtest), on every version
// (the sandbox's company currency is a fresh Odoo's USD).
func TestConformance(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 17, 18, 19} {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			t.Parallel()
			c, _ := sandboxClient(t, version)
			levels, err := c.StockLevels(context.Background())
			if err != nil || len(levels) < 2 {
				t.Fatalf("%v %v", levels, err)
			}
			f := flowtest.Fixture{SKUs: []string{levels[0].SKU, levels[1].SKU}, Carrier: "Posti SmartPOST", Currency: "USD"}
			t.Run("OrderSink", func(t *testing.T) { flowtest.OrderSink(t, c, f) })
			t.Run("StockSource", func(t *testing.T) { flowtest.StockSource(t, c, f) })
			t.Run("ProductSink", func(t *testing.T) { flowtest.ProductSink(t, c, "ODOO-") })
		})
	}
}

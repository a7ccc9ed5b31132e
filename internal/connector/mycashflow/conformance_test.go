package mycashflow

import (
	"context"
	"testing"

	"github.com/ferryhub/ferry/internal/flow/flowtest"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
)

// The capability conformance suites of what a shop offers as a target:
// products and (for comparing) stock levels.
func TestConformance(t *testing.T) {
	t.Parallel()
	b := setupSandbox(t, sandbox.Options{}, nil)
	levels, err := b.client.StockLevels(context.Background())
	if err != nil || len(levels) < 2 {
		t.Fatalf("%v %v", levels, err)
	}
	t.Run("StockSource", func(t *testing.T) {
		flowtest.StockSource(t, b.client, flowtest.Fixture{SKUs: []string{levels[0].SKU, levels[1].SKU}})
	})
	t.Run("ProductSink", func(t *testing.T) { flowtest.ProductSink(t, b.client, "MCF-") })
}

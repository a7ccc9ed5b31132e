package ongoing_test

import (
	"testing"

	"github.com/ferryhub/ferry/internal/flow/flowtest"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/ongoing"
)

// The capability conformance suites (internal/flow/flowtest) on the sandbox.
func TestConformance(t *testing.T) {
	e := newEnv(t, sandbox.Options{Articles: -1}, nil)
	t.Run("ProductSink", func(t *testing.T) { flowtest.ProductSink(t, e.c, "OG-") })
	f := flowtest.Fixture{SKUs: []string{"OG-CONF-0", "OG-CONF-1"}, Carrier: "PN-SP"}
	t.Run("OrderSink", func(t *testing.T) { flowtest.OrderSink(t, e.c, f) })
	t.Run("StockSource", func(t *testing.T) { flowtest.StockSource(t, e.c, f) })
}

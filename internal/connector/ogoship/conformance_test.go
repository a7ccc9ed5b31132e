package ogoship_test

import (
	"testing"

	"github.com/ferryhub/ferry/internal/flow/flowtest"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/ogoship"
)

// The capability conformance suites (internal/flow/flowtest) on the sandbox.
func TestConformance(t *testing.T) {
	e := newEnv(t, sandbox.Options{}, nil)
	t.Run("ProductSink", func(t *testing.T) { flowtest.ProductSink(t, e.c, "OGO-") })
	for _, sku := range []string{"OGO-CONF-0", "OGO-CONF-1"} {
		e.sb.Receive(sku, 20)
	}
	f := flowtest.Fixture{SKUs: []string{"OGO-CONF-0", "OGO-CONF-1"}, Carrier: "POSTI-SP"}
	t.Run("OrderSink", func(t *testing.T) { flowtest.OrderSink(t, e.c, f) })
	t.Run("StockSource", func(t *testing.T) { flowtest.StockSource(t, e.c, f) })
}

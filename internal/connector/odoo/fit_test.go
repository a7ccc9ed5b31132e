package odoo

import (
	"math"
	"testing"

	"pgregory.net/rapid"

	"github.com/ferryhub/ferry/internal/model"
)

// An order of two or more lines sent net (a product and its shipping, the
// shop's usual order) comes to the shop's total to the cent whatever its
// prices (up to 100 € a unit), quantities and Finnish rates: some choice of
// a few cents per line,
// or a rounding discount on a line of several units, reaches it.
func TestFitNetPricesReachesTheShopsTotal(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(2, 6).Draw(t, "lines")
		var plan []pricedLine
		var want float64
		for i := range n {
			gross := float64(rapid.IntRange(100, 10000).Draw(t, "cents")) / 100
			qty := int64(rapid.IntRange(1, 5).Draw(t, "qty"))
			rate := rapid.SampledFrom([]string{"25.5", "14", "10", "24"}).Draw(t, "rate")
			l := model.Line{Quantity: model.DecimalFromInt(qty), UnitPrice: model.MustDecimal(model.DecimalFromFloat(gross).StringFixed(2)), TaxRate: model.MustDecimal(rate), TaxIncluded: true}
			p := pricedLine{line: l, convert: true, excluded: true, vals: map[string]any{"price_unit": netUnitPrice(gross, float64(qty), 0, l.TaxRate.Float64())}}
			plan = append(plan, p)
			want += round2(gross * float64(qty))
			_ = i
		}
		total := model.DecimalFromFloat(round2(want))
		fitNetPrices(plan, total)
		got := 0.0
		for _, p := range plan {
			d, _ := p.vals["discount"].(float64)
			got += p.totalWith(p.vals["price_unit"].(float64), d)
		}
		if math.Round(got*100) != math.Round(want*100) {
			t.Fatalf("Odoo total %.2f, the shop's %.2f", got, want)
		}
	})
}

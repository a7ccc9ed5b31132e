package flow

import (
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/ferryhub/ferry/internal/model"
)

func TestTaxRulesValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		taxes []TaxRule
		want  string
	}{
		{[]TaxRule{{Rate: "25.5", To: "ALV 25,5 %"}, {Rate: "14%", To: "ALV 14 %"}}, ""},
		{[]TaxRule{{Rate: "quarter", To: "x"}}, `taxes[0]: rate "quarter"`},
		{[]TaxRule{{Rate: "10", To: " "}}, "taxes[0]: to"},
		{[]TaxRule{{Rate: "10", To: "a"}, {Rate: "10.0", To: "b"}}, "taxes[1]: rate 10 is mapped twice"},
	} {
		o := OrdersOptions{BatchSize: 100, Taxes: tc.taxes}
		err := o.Validate()
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%v: %v, want %q", tc.taxes, err, tc.want)
		}
	}
}

// TestTaxRulesNameEveryMappedLine: each line whose rate has a rule gets that
// rule's tax name, the others none, and the shop's order is left unchanged.
func TestTaxRulesNameEveryMappedLine(t *testing.T) {
	t.Parallel()
	rates := []string{"25.5", "14", "10", "0"}
	rapid.Check(t, func(t *rapid.T) {
		mapped := map[string]string{}
		var rules []TaxRule
		for _, r := range rapid.SliceOfDistinct(rapid.SampledFrom(rates), rapid.ID[string]).Draw(t, "mapped") {
			name := "tax " + r
			mapped[model.MustDecimal(r).String()] = name
			rules = append(rules, TaxRule{Rate: r + "%", To: " " + name + " "})
		}
		var lines []model.Line
		for i, r := range rapid.SliceOfN(rapid.SampledFrom(rates), 1, 6).Draw(t, "lines") {
			lines = append(lines, model.Line{Kind: model.LineProduct, SKU: "SKU" + string(rune('A'+i)), Quantity: model.DecimalFromInt(1), TaxRate: model.MustDecimal(r)})
		}
		o := model.Order{ID: "1", Number: "1", Status: model.OrderOpen, Customer: model.Party{Email: "a@b.fi"}, Lines: lines}
		imp, err := mapOrder(Route{Name: "orders", From: "shop", To: "erp"}, &OrdersOptions{Taxes: rules}, o)
		if err != nil {
			t.Fatal(err)
		}
		for i, l := range imp.Order.Lines {
			if want := mapped[l.TaxRate.String()]; l.TaxName != want {
				t.Fatalf("line %d at %s %%: tax %q, want %q", i, l.TaxRate, l.TaxName, want)
			}
			if o.Lines[i].TaxName != "" {
				t.Fatalf("the shop's order line %d was changed", i)
			}
		}
	})
}

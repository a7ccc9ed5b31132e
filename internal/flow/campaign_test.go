package flow

import (
	"testing"

	"github.com/ferryhub/ferry/internal/model"
)

// TestCampaignRuleMinimumQuantity: Odoo's default minimum quantity 0 is a
// campaign price from the first unit; only a negative one is refused.
func TestCampaignRuleMinimumQuantity(t *testing.T) {
	t.Parallel()
	price := model.MustDecimal("9.90")
	if why := campaignRule(model.PriceRule{SKU: "A", MinQuantity: model.DecimalFromInt(1), FixedPrice: &price}); why != "" {
		t.Fatal(why)
	}
	if why := campaignRule(model.PriceRule{SKU: "A", MinQuantity: model.MustDecimal("-1"), FixedPrice: &price}); why == "" {
		t.Fatal("a negative minimum quantity passed")
	}
}

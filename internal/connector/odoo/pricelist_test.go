package odoo

import (
	"context"
	"fmt"
	"testing"

	"github.com/ferryhub/ferry/internal/model"
)

// TestPricelistMinimumQuantityZeroIsOne: a rule left at Odoo's default
// minimum quantity 0 reads as 1, on every version.
func TestPricelistMinimumQuantityZeroIsOne(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 17, 18, 19} {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, _ := sandboxClient(t, version)
			pl, err := c.Create(ctx, "product.pricelist", []map[string]any{{"name": "Kampanja"}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Create(ctx, "product.pricelist.item", []map[string]any{{"pricelist_id": pl[0], "applied_on": "0_product_variant", "product_id": 1, "min_quantity": 0, "compute_price": "fixed", "fixed_price": 9.9}}, nil); err != nil {
				t.Fatal(err)
			}
			got, err := c.Pricelists(ctx, []string{fmt.Sprint(pl[0])})
			if err != nil || len(got) != 1 || len(got[0].Rules) != 1 {
				t.Fatalf("%+v %v", got, err)
			}
			if r := got[0].Rules[0]; r.MinQuantity != model.DecimalFromInt(1) {
				t.Fatalf("rule %+v: minimum quantity %v, want 1", r, r.MinQuantity)
			}
		})
	}
}

package odoo

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// Seed 003's product auto creation: an order line whose SKU Odoo lacks gets
// a product of its own (once, however many orders name it) when the import
// allows it; without it the order fails naming the SKU, and nothing is made.
func TestOrdersCreateMissingProducts(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 19} {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, sb := sandboxClient(t, version)
			imps := testOrders(3)
			for i := range imps {
				imps[i].Carrier = "Posti SmartPOST"
				imps[i].Order.Lines[0].SKU, imps[i].Order.Lines[0].Name = "NEW-MUG", "Enamel mug"
			}
			imps[2].CreateProducts = false
			imps[0].CreateProducts, imps[1].CreateProducts = true, true
			// The order that does not allow it goes first, alone: it fails.
			res, err := c.ImportOrders(ctx, imps[2:])
			if err != nil {
				t.Fatal(err)
			}
			if res[0].Err == nil || !strings.Contains(res[0].Err.Error(), `"NEW-MUG"`) {
				t.Fatalf("without auto creation: %+v", res[0])
			}
			if got := sb.SearchRead("product.product", []any{[]any{"default_code", "=", "NEW-MUG"}}, []string{"id"}); len(got) != 0 {
				t.Fatalf("a product was made without auto creation: %v", got)
			}
			res, err = c.ImportOrders(ctx, imps[:2])
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range res {
				if r.Err != nil {
					t.Fatalf("with auto creation: %+v", r)
				}
			}
			made := sb.SearchRead("product.product", []any{[]any{"default_code", "=", "NEW-MUG"}}, []string{"id", "name"})
			if len(made) != 1 || !strings.Contains(fmt.Sprint(made[0]["name"]), "Enamel mug") {
				t.Fatalf("products made: %v", made)
			}
			lines := sb.SearchRead("sale.order.line", []any{[]any{"product_id", "=", made[0]["id"]}}, []string{"order_id"})
			if len(lines) != 2 {
				t.Fatalf("%d order lines on the new product, want 2", len(lines))
			}
		})
	}
}

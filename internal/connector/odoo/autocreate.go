package odoo

import (
	"context"
	"fmt"

	"github.com/ferryhub/ferry/internal/model"
)

// createMissingProducts creates, for the orders at todo that allow it
// (OrderImport.CreateProducts), the products of lines whose SKU Odoo lacks:
// the line's name and unit price, one product per SKU however many orders
// name it. UpsertProducts matches by SKU before it creates, so a create
// that committed and then failed is found, not made twice. A product Odoo
// refuses leaves its orders with the reason (l.notCreated).
func (c *Client) createMissingProducts(ctx context.Context, imps []model.OrderImport, todo []int, l *lookups) error {
	var ups []model.ProductUpsert
	seen := map[string]bool{}
	for _, i := range todo {
		if !imps[i].CreateProducts {
			continue
		}
		for _, line := range imps[i].Order.Lines {
			if line.Kind != model.LineProduct || line.SKU == "" || seen[line.SKU] {
				continue
			}
			if _, ok := l.products[line.SKU]; ok {
				continue
			}
			seen[line.SKU] = true
			name := line.Name
			if name == "" {
				name = line.SKU
			}
			ups = append(ups, model.ProductUpsert{Product: model.Product{SKU: line.SKU, Name: name, Price: line.UnitPrice, Active: true}})
		}
	}
	if len(ups) == 0 {
		return nil
	}
	res, err := c.UpsertProducts(ctx, ups)
	if err != nil {
		return fmt.Errorf("odoo %s: creating %d products the orders name: %w", c.name, len(ups), err)
	}
	var skus []any
	l.notCreated = map[string]string{}
	for i, r := range res {
		if r.Err != nil {
			l.notCreated[ups[i].Product.SKU] = r.Err.Error()
			continue
		}
		skus = append(skus, ups[i].Product.SKU)
	}
	if len(skus) == 0 {
		return nil
	}
	rows, err := SearchRead[productRow](ctx, c, "product.product", Query{Domain: []any{[]any{"default_code", "in", skus}}, Fields: []string{"default_code"}, Context: inactiveToo})
	if err != nil {
		return fmt.Errorf("odoo %s: reading the products made for the orders: %w", c.name, err)
	}
	for _, r := range rows {
		l.products[string(r.DefaultCode)] = int64(r.ID)
	}
	return nil
}

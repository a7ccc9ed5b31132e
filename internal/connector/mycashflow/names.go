package mycashflow

import (
	"context"
	"fmt"
)

// The names the dashboard offers as choices on the Mappings page.

// ShippingMethodNames lists the names of the store's shipping methods.
func (c *Client) ShippingMethodNames(ctx context.Context) ([]string, error) {
	res, err := c.ShippingMethods(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(res.Items))
	for _, m := range res.Items {
		out = append(out, m.Name)
	}
	return out, nil
}

// PaymentMethodNames lists the names of the store's payment methods.
func (c *Client) PaymentMethodNames(ctx context.Context) ([]string, error) {
	res, err := c.PaymentMethods(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(res.Items))
	for _, m := range res.Items {
		out = append(out, m.Name)
	}
	return out, nil
}

// ProductCodes returns every product code of the store, of products and of
// their variations, with the product's or variation's id: what the shop holds
// of a catalogue's SKUs, for the dashboard's product sync page.
func (c *Client) ProductCodes(ctx context.Context) (map[string]string, error) {
	res, err := c.Products(ctx, ProductQuery{Expand: []string{"variations"}})
	if err != nil {
		return nil, fmt.Errorf("mycashflow %s: listing products: %w", c.name, err)
	}
	out := map[string]string{}
	for _, p := range res.Items {
		if p.ProductCode != "" {
			out[p.ProductCode] = p.ID.String()
		}
		for _, v := range p.Variations {
			if v.ProductCode != "" {
				out[v.ProductCode] = v.ID.String()
			}
		}
	}
	return out, nil
}

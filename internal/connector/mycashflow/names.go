package mycashflow

import "context"

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

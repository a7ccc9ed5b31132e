package mycashflow

import (
	"context"
	"fmt"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

// ChangedOrders returns the orders updated at or after since (every order when
// since is zero), oldest change first, mapped to the canonical model with the
// shipping and payment method names filled in. Orders that did not decode come
// back in bad, naming each.
func (c *Client) ChangedOrders(ctx context.Context, since time.Time) ([]model.Order, []error, error) {
	names, err := c.methodNames(ctx)
	if err != nil {
		return nil, nil, err
	}
	res, err := c.Orders(ctx, OrderQuery{UpdatedFrom: since})
	if err != nil {
		return nil, res.Bad, fmt.Errorf("mycashflow %s: listing orders: %w", c.name, err)
	}
	out := make([]model.Order, len(res.Items))
	for i, o := range res.Items {
		out[i] = ToOrder(o, names)
	}
	return out, res.Bad, nil
}

func (c *Client) methodNames(ctx context.Context) (Names, error) {
	n := Names{ShippingMethods: map[ID]string{}, PaymentMethods: map[ID]string{}}
	ships, err := c.ShippingMethods(ctx)
	if err != nil {
		return n, fmt.Errorf("mycashflow %s: listing shipping methods: %w", c.name, err)
	}
	for _, s := range ships.Items {
		n.ShippingMethods[s.ID] = s.Name
	}
	pays, err := c.PaymentMethods(ctx)
	if err != nil {
		return n, fmt.Errorf("mycashflow %s: listing payment methods: %w", c.name, err)
	}
	for _, p := range pays.Items {
		n.PaymentMethods[p.ID] = p.Name
	}
	return n, nil
}

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

// SetStockLevels sets the physical quantity of each SKU (product or variation
// code) and turns stock management on for it; MyCashflow subtracts its own
// reservations. errs has one entry per level: a SKU the store does not have is a
// needs-action error naming it.
func (c *Client) SetStockLevels(ctx context.Context, levels []model.Stock) ([]error, error) {
	errs := make([]error, len(levels))
	for i, l := range levels {
		if err := ctx.Err(); err != nil {
			return errs, err
		}
		if l.Quantity < 0 || l.Quantity != model.DecimalFromInt(l.Quantity.Int()) {
			errs[i] = &SKUError{SKU: l.SKU, Err: fmt.Errorf("quantity %s is not a whole number ≥ 0", l.Quantity)}
			continue
		}
		_, err := c.SetStock(ctx, l.SKU, FromStock(l))
		switch {
		case IsNotFound(err):
			errs[i] = &SKUError{SKU: l.SKU, Err: fmt.Errorf("no product or variation with product code %q in store %s; export the product first", l.SKU, c.settings.Store), Missing: true}
		case IsValidation(err):
			errs[i] = &SKUError{SKU: l.SKU, Err: err}
		default:
			errs[i] = err
		}
	}
	return errs, nil
}

// SKUError is a stock write the store refused for one SKU; retrying it as it is
// cannot help.
type SKUError struct {
	SKU string
	// Missing means the store has no product with that code.
	Missing bool
	Err     error
}

func (e *SKUError) Error() string { return "SKU " + e.SKU + ": " + e.Err.Error() }

func (e *SKUError) Unwrap() error { return e.Err }

// FailureClass tells ferry's queue that a person must act (export the product,
// fix the quantity) before this SKU can be written.
func (e *SKUError) FailureClass() string { return "needs_action" }

package flow

import (
	"context"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

// The capabilities a flow asks of its connections. A connector's client has these
// methods (with model types) or it cannot be that end of the flow.

// OrderSource is a shop that orders come from.
type OrderSource interface {
	// ChangedOrders returns the orders updated at or after since, oldest change
	// first, with method names filled in. Orders that could not be read come back
	// in bad, naming the order and the field; the others still come through.
	ChangedOrders(ctx context.Context, since time.Time) (orders []model.Order, bad []error, err error)
}

// OrderSink is a system that takes orders (an ERP, a warehouse).
type OrderSink interface {
	// ImportOrders creates the orders the target does not have yet, matching
	// existing ones by their reference (natural key) so that a repeated call
	// creates nothing twice, and confirms them. It returns one result per order,
	// in the same order. A failed order does not fail the others.
	ImportOrders(ctx context.Context, orders []OrderImport) ([]OrderResult, error)
	// UpdateOrder brings an imported order in line with o while the target has
	// not shipped it; it returns an error made with jobs.NeedsAction once it has.
	UpdateOrder(ctx context.Context, remoteID string, o OrderImport) error
	// CancelOrder cancels an imported order that has not shipped.
	CancelOrder(ctx context.Context, remoteID string, o OrderImport) error
}

// OrderImport is an order with what the route's mappings decided for it.
type OrderImport struct {
	Order model.Order `json:"order"`
	// Ref is the order's reference in the target: the route's prefix and the
	// shop's order number ("MCF-1234"); targets look orders up by it.
	Ref string `json:"ref"`
	// Carrier is the target's delivery method for the order's shipping method.
	Carrier string `json:"carrier,omitempty"`
	// PaymentMethod is the target's name for the payment method; InvoiceBilled
	// says the payment is made against an invoice (paid later).
	PaymentMethod string `json:"payment_method,omitempty"`
	InvoiceBilled bool   `json:"invoice_billed,omitempty"`
}

// OrderResult is the outcome of importing one order.
type OrderResult struct {
	// RemoteID is the order's id in the target.
	RemoteID string
	// Number is the target's own order number ("S00042").
	Number string
	// Created is false when the order already existed and was matched.
	Created bool
	// Err is set when this order failed; classify it with jobs.NeedsAction or
	// jobs.Permanent where retrying cannot help.
	Err error
}

// ErrRemoteGone is returned (wrapped) by a sink when a linked record no longer
// exists in the target: somebody deleted it there.
var ErrRemoteGone = errRemoteGone{}

type errRemoteGone struct{}

func (errRemoteGone) Error() string { return "the record no longer exists in the target" }

// StockSource reports stock levels (an ERP, a warehouse).
type StockSource interface {
	// StockLevels returns the stock of every SKU it tracks: Quantity on hand and
	// Available to sell.
	StockLevels(ctx context.Context) ([]model.Stock, error)
}

// StockSink takes stock levels (a shop).
type StockSink interface {
	// SetStockLevels writes the levels; errs has one entry per level (nil for
	// success), so that one unknown SKU does not fail the others.
	SetStockLevels(ctx context.Context, levels []model.Stock) (errs []error, err error)
}

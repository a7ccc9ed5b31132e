package flow

import (
	"context"
	"net/http"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

// The capabilities a flow asks of its connections. A connector's client has these
// methods (with model types) or it cannot be that end of the flow.

// OrderSource is a shop that orders come from.
type OrderSource interface {
	// ChangedOrders reads the orders updated at or after since, oldest change
	// first, with method names filled in, and hands them to page a page at a
	// time. through is the page's checkpoint: every order whose last change is
	// before it has been handed over, in this page or an earlier one, so the
	// route's cursor may move to it once the page's jobs are stored. It never
	// misses an order that existed when it began, whatever changes while it
	// pages. Orders that could not be read come in bad, naming the order and
	// the field; the others still come through. An error from page stops the
	// reading and is returned as it is.
	ChangedOrders(ctx context.Context, since time.Time, page func(orders []model.Order, bad []error, through time.Time) error) error
}

// OrderSink is a system that takes orders (an ERP, a warehouse).
type OrderSink interface {
	// ImportOrders creates the orders the target does not have yet, matching
	// existing ones by their reference (natural key) so that a repeated call
	// creates nothing twice, and confirms them. It returns one result per order,
	// in the same order. A failed order does not fail the others.
	ImportOrders(ctx context.Context, orders []model.OrderImport) ([]model.WriteResult, error)
	// UpdateOrder brings an imported order in line with o while the target has
	// not shipped it; once it has, it returns an error whose FailureClass() is
	// "needs_action". A record deleted in the target is model.ErrGone.
	UpdateOrder(ctx context.Context, remoteID string, o model.OrderImport) error
	// CancelOrder cancels an imported order that has not shipped.
	CancelOrder(ctx context.Context, remoteID string, o model.OrderImport) error
}

// StockSource reports stock levels (an ERP, a warehouse).
type StockSource interface {
	// StockLevels returns the stock of every SKU it tracks: Quantity on hand and
	// Available to sell.
	StockLevels(ctx context.Context) ([]model.Stock, error)
}

// StockHolder is a stock source where the goods are (an ERP, a warehouse), as
// a stock route's source must be: a shop also reports its levels (StockSource,
// for comparing), but the stock it shows comes from elsewhere.
type StockHolder interface {
	StockSource
	// HoldsStock marks the capability; it does nothing.
	HoldsStock()
}

// StockSink takes stock levels (a shop).
type StockSink interface {
	// SetStockLevels writes the levels; errs has one entry per level (nil for
	// success), so that one unknown SKU does not fail the others.
	SetStockLevels(ctx context.Context, levels []model.Stock) (errs []error, err error)
}

// AvailableStockSink is a stock target that reports several quantities (a
// shop's on hand and available) and may set its Available rather than its
// Quantity: the stock pass compares the one SetStockLevels sets, so that
// what the shop holds for its own open orders neither hides a difference
// nor makes one.
type AvailableStockSink interface {
	StockSink
	// WritesAvailable says SetStockLevels sets the levels' Available.
	WritesAvailable() bool
}

// ProductSource is the master of products (an ERP).
type ProductSource interface {
	// ChangedProducts reads the products changed at or after since (all when
	// since is zero) with their variants and hands them to page a page at a
	// time; through is the page's checkpoint, as for ChangedOrders.
	ChangedProducts(ctx context.Context, since time.Time, page func(products []model.Product, through time.Time) error) error
}

// ProductSink takes products (a shop, a warehouse's article register).
type ProductSink interface {
	// UpsertProducts creates or updates each product with its variants: matched by
	// RemoteID when the route linked it before, else by SKU, so a repeated call
	// creates nothing twice. One result per product, in order.
	UpsertProducts(ctx context.Context, ps []model.ProductUpsert) ([]model.WriteResult, error)
}

// ShipmentSource reports deliveries sent (an ERP, a warehouse).
type ShipmentSource interface {
	// DoneShipments reads the deliveries completed (or changed) at or after
	// since and hands them to page a page at a time with the page's checkpoint,
	// as ChangedOrders does. OrderID is the order's id in the source (the one
	// the orders route linked); Partial marks a delivery after which more of
	// the order is still to ship, and the last one carries every tracking code.
	DoneShipments(ctx context.Context, since time.Time, page func(shipments []model.Shipment, through time.Time) error) error
}

// ShipmentSink registers deliveries on the shop's orders.
type ShipmentSink interface {
	// RegisterShipment marks the shop order delivered with the tracking code and
	// returns the shipment as the shop has it (label and document URLs). Calling
	// it again for a delivered order changes nothing and returns the same.
	RegisterShipment(ctx context.Context, orderID string, s model.Shipment) (model.Shipment, error)
}

// PaymentSource reports invoices paid (an ERP).
type PaymentSource interface {
	// PaidInvoices reads invoices fully paid, changed at or after since, and
	// hands them to page a page at a time with the page's checkpoint, as
	// ChangedOrders does; OrderRef is the id of the order they bill in the
	// source.
	PaidInvoices(ctx context.Context, since time.Time, page func(invoices []model.Invoice, through time.Time) error) error
}

// PaymentSink marks shop orders paid.
type PaymentSink interface {
	// OrderPayments returns the order's payments with their method names and
	// states; an order can be paid in parts (a gift card and an invoice).
	OrderPayments(ctx context.Context, orderID string) ([]model.Payment, error)
	// MarkPaid marks one payment of the order paid. A payment found paid is
	// success, also when the call that paid it answered an error.
	MarkPaid(ctx context.Context, orderID, paymentID string) error
}

// ConfigSource is a shop whose base configuration an ERP takes over.
type ConfigSource interface {
	ShopConfig(ctx context.Context) (model.ShopConfig, error)
}

// ConfigSink is an ERP that takes a shop's configuration: carriers for shipping
// methods, product categories, and campaigns as pricelists created archived.
// Records are matched by name, so applying the same config twice creates nothing.
type ConfigSink interface {
	ApplyShopConfig(ctx context.Context, c model.ShopConfig) (model.ConfigResult, error)
}

// PricelistSource reports pricelists with their rules (an ERP).
type PricelistSource interface {
	// Pricelists returns the pricelists with the given ids in the source, with
	// their rules (SKU-targeted or not, see model.PriceRule.Scope).
	Pricelists(ctx context.Context, ids []string) ([]model.Pricelist, error)
}

// CampaignSink takes quantity prices into a shop's campaigns.
type CampaignSink interface {
	// SetCampaignRules makes the campaign's prices those of rules; rules the shop
	// cannot hold come back in rejected with the reason, one per rule index.
	SetCampaignRules(ctx context.Context, campaignID string, rules []model.PriceRule) (rejected map[int]string, err error)
}

// OrderSubscriber is a shop that can push new orders to ferry.
// ShipmentSubscriber is a system that can push shipped orders (a warehouse's
// OrderShipped webhook).
type ShipmentSubscriber interface {
	// SubscribeShipments subscribes target to shipped orders and returns the
	// secret deliveries are verified with; again returns the existing one.
	SubscribeShipments(ctx context.Context, target string) (secret string, err error)
}

type OrderSubscriber interface {
	// SubscribeOrders subscribes target (ferry's webhook URL) to new orders and
	// returns the secret deliveries are verified with. Subscribing the same
	// target again returns the existing subscription.
	SubscribeOrders(ctx context.Context, target string) (secret string, err error)
}

// WebhookSecretHolder is a connection whose webhooks are set up in the remote
// system's own UI (Ongoing), so that the secret they carry is a credential of
// the connection, not one a subscription returned.
type WebhookSecretHolder interface {
	// WebhookSecret returns the secret, or "" when none is configured.
	WebhookSecret() string
}

// WebhookVerifier checks deliveries of a connection's webhooks.
type WebhookVerifier interface {
	// VerifyWebhook returns the delivery's topic and a key naming the event, or
	// an error when the delivery is not authentic or not readable.
	VerifyWebhook(h http.Header, body []byte, secret string) (topic, key string, err error)
}

// RefundSource reports money given back on orders (a shop).
type RefundSource interface {
	// ChangedRefunds reads the refunds made at or after since, oldest first,
	// and hands them to page a page at a time with the page's checkpoint, as
	// ChangedOrders does. OrderID is the order's id in the source.
	ChangedRefunds(ctx context.Context, since time.Time, page func(refunds []model.Refund, through time.Time) error) error
}

// RefundSink credits refunds on imported orders (an ERP).
type RefundSink interface {
	// RefundOrder books refund r against the imported order remoteID: a credit
	// note with the refunded lines, shipping and adjustment, reconciled with
	// the order's invoice, and the goods of lines with Restock returned to
	// stock. The credit note is matched by r.ID, so a repeated call creates
	// nothing twice; the result names the credit note.
	RefundOrder(ctx context.Context, remoteID string, r model.Refund) (model.WriteResult, error)
}

// PayoutSource reports payouts of a payment provider (a shop's payments).
type PayoutSource interface {
	// ChangedPayouts reads the payouts paid at or after since, oldest first,
	// with their lines, a page at a time with the page's checkpoint.
	ChangedPayouts(ctx context.Context, since time.Time, page func(payouts []model.Payout, through time.Time) error) error
}

// PayoutSink books payouts in the accounts (an ERP).
type PayoutSink interface {
	// BookPayout records payout p as a bank statement in journal (a bank
	// journal's name or code), one line per payout line plus the fees, and
	// reconciles each charge or refund with the open invoice or credit note of
	// its order: orders maps the line's OrderID to the order's id in the
	// target (missing: the line stays to reconcile by hand, and the result's
	// Warning says which). The statement is matched by p.ID, so a repeated
	// call creates nothing twice.
	BookPayout(ctx context.Context, journal string, p model.Payout, orders map[model.RemoteID]string) (model.WriteResult, error)
}

// CustomerSource reports customers (a shop).
type CustomerSource interface {
	// ChangedCustomers reads the customers changed at or after since, oldest
	// change first, a page at a time with the page's checkpoint, as
	// ChangedOrders does; customers that cannot be read come in bad.
	ChangedCustomers(ctx context.Context, since time.Time, page func(customers []model.Party, bad []error, through time.Time) error) error
}

// CustomerSink takes customers (an ERP).
type CustomerSink interface {
	// UpsertCustomers creates or updates each customer with its address:
	// matched by RemoteID when the route linked it before, else by e-mail
	// (case-insensitive), so a repeated call creates nothing twice. One result
	// per customer, in order.
	UpsertCustomers(ctx context.Context, cs []model.CustomerUpsert) ([]model.WriteResult, error)
}

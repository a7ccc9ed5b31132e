package model

import "errors"

// The types below are what a route asks a target system to write, and what the
// target answers. They live here, not in the flow package, so that every
// connector can implement a flow's capability with nothing but this package.

// OrderImport is an order with what the route's mappings decided for it.
type OrderImport struct {
	Order Order `json:"order"`
	// Ref is the order's reference in the target: the route's prefix and the
	// shop's order number ("SHOP-1234"); targets look orders up by it.
	Ref string `json:"ref"`
	// Carrier is the target's delivery method for the order's shipping method.
	Carrier string `json:"carrier,omitempty"`
	// PaymentMethod is the target's name for the payment method; InvoiceBilled
	// says the payment is made against an invoice (paid later).
	PaymentMethod string `json:"payment_method,omitempty"`
	InvoiceBilled bool   `json:"invoice_billed,omitempty"`
	// Hold, when set, is why the order waits for a person: the target keeps
	// it as a quotation (not confirmed) showing the reason, and a person
	// confirms or cancels it there. A cancelled shop order comes in as a
	// cancelled quotation instead (Order.Status).
	Hold string `json:"hold,omitempty"`
	// CreateProducts lets the target create the products of lines whose SKU
	// it lacks, from the line's name and unit price.
	CreateProducts bool `json:"create_products,omitempty"`
	// Workflow says how far the target takes a confirmed order; nil is the
	// target's default (confirm, invoice, post the invoice).
	Workflow *Workflow `json:"workflow,omitempty"`
}

// Workflow is the automatic processing of an imported order, step by step;
// each step needs the one before it.
type Workflow struct {
	Confirm bool `json:"confirm"`
	// Invoice creates the invoice; Post posts it.
	Invoice bool `json:"invoice"`
	Post    bool `json:"post"`
	// PaymentJournal, when set, registers the order's payment (what the shop
	// says was paid) on the posted invoice in that journal of the target.
	PaymentJournal string `json:"payment_journal,omitempty"`
	// PaidAmount is what the shop says was paid; zero pays the invoice in full.
	PaidAmount Decimal `json:"paid_amount,omitempty"`
}

// ProductUpsert is a product to write and, when the route linked it before, its
// id in the target.
type ProductUpsert struct {
	Product  Product  `json:"product"`
	RemoteID RemoteID `json:"remote_id,omitempty"`
}

// CustomerUpsert is a customer to write and, when the route linked it
// before, its id in the target.
type CustomerUpsert struct {
	Customer Party    `json:"customer"`
	RemoteID RemoteID `json:"remote_id,omitempty"`
}

// WriteResult is the outcome of writing one record to a target.
type WriteResult struct {
	// RemoteID is the record's id in the target.
	RemoteID RemoteID
	// Number is the target's own number for it ("S00042"), if any.
	Number string
	// Created is false when the record existed (matched by its natural key) and
	// was updated or left as it was.
	Created bool
	// Err is set when this record failed; the others still count.
	Err error
	// Invoiced says the target made the record's invoice in this write.
	Invoiced bool
	// Warning says what went only partly right (the order is in, its invoice is
	// not); the route logs it.
	Warning string
}

// ErrGone is returned (wrapped) by a target when a record linked before no
// longer exists there: somebody deleted it.
var ErrGone = errors.New("the record no longer exists in the target")

// ErrBadPayload is returned (wrapped) by a webhook verifier for a delivery
// that is authentic (its signature holds) but whose body cannot be used: the
// sender gets 400, not 401.
var ErrBadPayload = errors.New("the webhook body cannot be used")

// ErrUnknownSKU is a write for a SKU the target has no product or variant of
// (yet): the record waits, skipped, until the product is there.
var ErrUnknownSKU = errors.New("the target has no product with this SKU")

// ShopConfig is a shop's base configuration, which an ERP needs to take its
// orders: methods, categories, storefronts and campaigns.
type ShopConfig struct {
	ShippingMethods []Method       `json:"shipping_methods"`
	PaymentMethods  []Method       `json:"payment_methods"`
	Categories      []Category     `json:"categories"`
	StoreVersions   []StoreVersion `json:"store_versions"`
	Campaigns       []Pricelist    `json:"campaigns"`
}

// ConfigResult says what a target made of a ShopConfig: the target's id of each
// record, by the shop's id, and what it created.
type ConfigResult struct {
	Carriers   map[RemoteID]RemoteID
	Categories map[RemoteID]RemoteID
	Pricelists map[RemoteID]RemoteID
	Created    int
	Existing   int
}

package model

import "time"

// RemoteID is the identifier of a record in one remote system, as that system spells
// it ("1234" for a MyCashflow order, "42" for an Odoo partner).
type RemoteID = string

// Address is a postal address with the contact details that travel with it.
type Address struct {
	Name       string `json:"name,omitempty"`
	FirstName  string `json:"first_name,omitempty"`
	LastName   string `json:"last_name,omitempty"`
	Company    string `json:"company,omitempty"`
	Street     string `json:"street,omitempty"`
	Street2    string `json:"street2,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
	City       string `json:"city,omitempty"`
	State      string `json:"state,omitempty"`
	// Country is the ISO 3166-1 alpha-2 code ("FI").
	Country string `json:"country,omitempty"`
	Phone   string `json:"phone,omitempty"`
	Email   string `json:"email,omitempty"`
}

// FullName returns Name, or the first and last name joined, or the company.
func (a Address) FullName() string {
	if a.Name != "" {
		return a.Name
	}
	n := a.FirstName
	if a.LastName != "" {
		if n != "" {
			n += " "
		}
		n += a.LastName
	}
	if n == "" {
		n = a.Company
	}
	return n
}

// Party is a customer or a company. Email (or VATCode for companies) is the natural
// key ferry matches parties by.
type Party struct {
	ID        RemoteID  `json:"id,omitempty"`
	Ref       string    `json:"ref,omitempty"`
	IsCompany bool      `json:"is_company,omitempty"`
	Name      string    `json:"name,omitempty"`
	Email     string    `json:"email,omitempty"`
	Phone     string    `json:"phone,omitempty"`
	VATCode   string    `json:"vat_code,omitempty"`
	Language  string    `json:"language,omitempty"`
	Address   Address   `json:"address"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// OrderStatus is the life-cycle state of an order in the canonical model.
type OrderStatus string

// Order statuses. MyCashflow "open" (the admin's "Processing") is StatusOpen.
const (
	OrderDraft     OrderStatus = "draft"
	OrderOpen      OrderStatus = "open"
	OrderCompleted OrderStatus = "completed"
	OrderCancelled OrderStatus = "cancelled"
)

// LineKind says what an order line charges for.
type LineKind string

// Line kinds.
const (
	LineProduct  LineKind = "product"
	LineShipping LineKind = "shipping"
	LinePayment  LineKind = "payment"
	LineDiscount LineKind = "discount"
)

// Line is one row of an order.
type Line struct {
	ID       RemoteID `json:"id,omitempty"`
	Kind     LineKind `json:"kind"`
	SKU      string   `json:"sku,omitempty"`
	Name     string   `json:"name,omitempty"`
	Quantity Decimal  `json:"quantity"`
	// UnitPrice is the price of one unit; TaxIncluded says whether it includes tax.
	UnitPrice   Decimal `json:"unit_price"`
	TaxIncluded bool    `json:"tax_included,omitempty"`
	// TaxRate is a percentage: 25.5 means 25.5 %.
	TaxRate Decimal `json:"tax_rate"`
	// DiscountPercent is a percentage taken off the line.
	DiscountPercent Decimal `json:"discount_percent,omitempty"`
	// TaxName is the target's tax a taxes mapping chose for the line's rate;
	// empty: the target picks its tax of that rate.
	TaxName    string `json:"tax_name,omitempty"`
	ShipmentID string `json:"shipment_id,omitempty"`
}

// Method is a shipping or payment method of a shop.
type Method struct {
	ID          RemoteID  `json:"id,omitempty"`
	Name        string    `json:"name"`
	Code        string    `json:"code,omitempty"`
	Description string    `json:"description,omitempty"`
	Provider    string    `json:"provider,omitempty"`
	UpdatedAt   time.Time `json:"updated_at,omitzero"`
}

// Order is a sale order with its lines, parties, shipments and payments.
type Order struct {
	ID RemoteID `json:"id"`
	// Number is the order number people see; for MyCashflow it equals ID.
	Number         string      `json:"number"`
	Status         OrderStatus `json:"status"`
	Currency       string      `json:"currency,omitempty"`
	Language       string      `json:"language,omitempty"`
	StoreVersionID RemoteID    `json:"store_version_id,omitempty"`
	CreatedAt      time.Time   `json:"created_at,omitzero"`
	UpdatedAt      time.Time   `json:"updated_at,omitzero"`
	Customer       Party       `json:"customer"`
	Billing        Address     `json:"billing"`
	Shipping       Address     `json:"shipping"`
	ShippingMethod Method      `json:"shipping_method"`
	PaymentMethod  Method      `json:"payment_method"`
	Lines          []Line      `json:"lines"`
	ShippingCost   Decimal     `json:"shipping_cost,omitempty"`
	PaymentCost    Decimal     `json:"payment_cost,omitempty"`
	Discount       Decimal     `json:"discount,omitempty"`
	Total          Decimal     `json:"total"`
	Note           string      `json:"note,omitempty"`
	Shipments      []Shipment  `json:"shipments,omitempty"`
	Payments       []Payment   `json:"payments,omitempty"`
	// DispatchNoteURL is the packing slip document offered by the shop, if any.
	DispatchNoteURL string `json:"dispatch_note_url,omitempty"`
	ReceiptURL      string `json:"receipt_url,omitempty"`
	// HighRisk marks an order the shop's fraud check flagged; targets hold it for review.
	HighRisk bool `json:"high_risk,omitempty"`
	// Risk is the shop's fraud verdict, lower case: "high", "medium", "low",
	// or "" when the shop has none; RiskReason says it in the shop's words.
	Risk       string `json:"risk,omitempty"`
	RiskReason string `json:"risk_reason,omitempty"`
	// FinancialStatus and FulfillmentStatus are the shop's own words, lower
	// case ("paid", "partially_refunded"; "unfulfilled", "fulfilled"), for
	// sources that keep them apart from Status (Shopify).
	FinancialStatus   string `json:"financial_status,omitempty"`
	FulfillmentStatus string `json:"fulfillment_status,omitempty"`
	// CancelledAt and CancelReason say when and why a cancelled order was.
	CancelledAt  time.Time `json:"cancelled_at,omitzero"`
	CancelReason string    `json:"cancel_reason,omitempty"`
	// Test marks an order placed in the shop's test mode.
	Test bool `json:"test,omitempty"`
	// Channel is where the order was placed when the shop says ("web", "pos").
	Channel string `json:"channel,omitempty"`
	// PresentmentCurrency is the buyer's currency when it differs from
	// Currency (the shop's, which every amount is in).
	PresentmentCurrency string `json:"presentment_currency,omitempty"`
}

// ShipmentStatus is the state of one shipment.
type ShipmentStatus string

// Shipment statuses.
const (
	ShipmentOpen      ShipmentStatus = "open"
	ShipmentCompleted ShipmentStatus = "completed"
	ShipmentCancelled ShipmentStatus = "cancelled"
)

// Shipment is one delivery of (part of) an order.
type Shipment struct {
	ID               RemoteID       `json:"id,omitempty"`
	OrderID          RemoteID       `json:"order_id,omitempty"`
	Status           ShipmentStatus `json:"status"`
	ShippingMethodID RemoteID       `json:"shipping_method_id,omitempty"`
	TrackingCode     string         `json:"tracking_code,omitempty"`
	Carrier          string         `json:"carrier,omitempty"`
	LabelURL         string         `json:"label_url,omitempty"`
	DocumentURLs     []string       `json:"document_urls,omitempty"`
	PickupPointID    string         `json:"pickup_point_id,omitempty"`
	CompletedAt      time.Time      `json:"completed_at,omitzero"`
	// Partial means more deliveries of the order are still to come (a
	// backorder): the order is not delivered in full yet.
	Partial bool `json:"partial,omitempty"`
}

// PaymentStatus is the state of one payment.
type PaymentStatus string

// Payment statuses; they follow MyCashflow's set, which is the richest we map.
const (
	PaymentOpen              PaymentStatus = "open"
	PaymentPendingActivation PaymentStatus = "pending_activation"
	PaymentPaid              PaymentStatus = "paid"
	PaymentRefunded          PaymentStatus = "refunded"
	PaymentCancelled         PaymentStatus = "cancelled"
)

// Payment is one payment transaction of an order.
type Payment struct {
	ID              RemoteID `json:"id,omitempty"`
	OrderID         RemoteID `json:"order_id,omitempty"`
	PaymentMethodID RemoteID `json:"payment_method_id,omitempty"`
	// Method is the payment method's name, when the source knows it.
	Method    string        `json:"method,omitempty"`
	Amount    Decimal       `json:"amount"`
	Currency  string        `json:"currency,omitempty"`
	Status    PaymentStatus `json:"status"`
	Reference string        `json:"reference,omitempty"`
}

// Image is a product picture, by URL or by the shop's image id.
type Image struct {
	ID       RemoteID `json:"id,omitempty"`
	URL      string   `json:"url,omitempty"`
	Filename string   `json:"filename,omitempty"`
	Caption  string   `json:"caption,omitempty"`
	Sort     int      `json:"sort,omitempty"`
}

// Visibility says whether a product shows in one store version.
type Visibility struct {
	StoreVersionID RemoteID `json:"store_version_id"`
	Visible        bool     `json:"visible"`
}

// Variant is one sellable combination of a product; SKU is its natural key.
type Variant struct {
	ID            RemoteID          `json:"id,omitempty"`
	SKU           string            `json:"sku"`
	Name          string            `json:"name,omitempty"`
	Barcode       string            `json:"barcode,omitempty"`
	Price         Decimal           `json:"price"`
	PurchasePrice Decimal           `json:"purchase_price,omitempty"`
	Weight        Decimal           `json:"weight,omitempty"`
	Attributes    map[string]string `json:"attributes,omitempty"`
	Sort          int               `json:"sort,omitempty"`
}

// Product is a product template with its variants. A product without variants sells
// under its own SKU.
type Product struct {
	ID            RemoteID     `json:"id,omitempty"`
	SKU           string       `json:"sku"`
	Name          string       `json:"name"`
	Description   string       `json:"description,omitempty"`
	Price         Decimal      `json:"price"`
	PurchasePrice Decimal      `json:"purchase_price,omitempty"`
	TaxRate       Decimal      `json:"tax_rate,omitempty"`
	Weight        Decimal      `json:"weight,omitempty"`
	Barcode       string       `json:"barcode,omitempty"`
	Brand         string       `json:"brand,omitempty"`
	Categories    []string     `json:"categories,omitempty"`
	Images        []Image      `json:"images,omitempty"`
	Visibilities  []Visibility `json:"visibilities,omitempty"`
	Variants      []Variant    `json:"variants,omitempty"`
	Active        bool         `json:"active"`
	UpdatedAt     time.Time    `json:"updated_at,omitzero"`
}

// Stock is the quantity of one SKU in one place.
type Stock struct {
	SKU string `json:"sku"`
	// Quantity is the physical quantity on hand.
	Quantity Decimal `json:"quantity"`
	// Reserved is held for open orders; Available = Quantity - Reserved.
	Reserved  Decimal `json:"reserved,omitempty"`
	Available Decimal `json:"available"`
	Location  string  `json:"location,omitempty"`
	// Untracked means the system keeps no count for the SKU (a shop's stock
	// management off): its quantity says nothing.
	Untracked bool      `json:"untracked,omitempty"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// Category is a product category; ParentID is empty at the top.
type Category struct {
	ID       RemoteID `json:"id,omitempty"`
	Name     string   `json:"name"`
	ParentID RemoteID `json:"parent_id,omitempty"`
}

// Brand is a product brand.
type Brand struct {
	ID   RemoteID `json:"id,omitempty"`
	Name string   `json:"name"`
}

// StoreVersion is one storefront of a shop (language, currency, customer group).
type StoreVersion struct {
	ID       RemoteID `json:"id,omitempty"`
	Name     string   `json:"name"`
	Language string   `json:"language,omitempty"`
	Currency string   `json:"currency,omitempty"`
}

// PriceRule is one rule of a pricelist or campaign.
type PriceRule struct {
	// SKU targets one product or variant; empty means the rule targets something else
	// (a category, everything), which shops like MyCashflow cannot take.
	SKU         string  `json:"sku,omitempty"`
	MinQuantity Decimal `json:"min_quantity"`
	// Exactly one of FixedPrice and DiscountPercent is set.
	FixedPrice      *Decimal `json:"fixed_price,omitempty"`
	DiscountPercent *Decimal `json:"discount_percent,omitempty"`
	// Scope describes a rule that does not target a product ("category", "global").
	Scope string `json:"scope,omitempty"`
}

// Pricelist is a named set of price rules: a MyCashflow campaign, an Odoo pricelist.
type Pricelist struct {
	ID        RemoteID    `json:"id,omitempty"`
	Name      string      `json:"name"`
	Active    bool        `json:"active"`
	Currency  string      `json:"currency,omitempty"`
	Rules     []PriceRule `json:"rules,omitempty"`
	StartsAt  time.Time   `json:"starts_at,omitzero"`
	EndsAt    time.Time   `json:"ends_at,omitzero"`
	UpdatedAt time.Time   `json:"updated_at,omitzero"`
}

// InvoicePaymentState is how much of an invoice is paid.
type InvoicePaymentState string

// Invoice payment states.
const (
	InvoiceNotPaid InvoicePaymentState = "not_paid"
	InvoicePartial InvoicePaymentState = "partial"
	InvoicePaid    InvoicePaymentState = "paid"
)

// Invoice is an invoice of an order in the ERP.
type Invoice struct {
	ID           RemoteID            `json:"id"`
	Number       string              `json:"number,omitempty"`
	OrderRef     string              `json:"order_ref,omitempty"`
	Posted       bool                `json:"posted"`
	PaymentState InvoicePaymentState `json:"payment_state"`
	Total        Decimal             `json:"total"`
	Residual     Decimal             `json:"residual"`
	UpdatedAt    time.Time           `json:"updated_at,omitzero"`
}

// TargetOrderState is an order's own state in the system ferry wrote it to, in
// that system's words: Odoo's order state, invoicing and payment; a warehouse's
// status name.
type TargetOrderState struct {
	// State is the order's state ("quotation", "sales order", "locked",
	// "cancelled"; a warehouse's "Picking").
	State string `json:"state"`
	// Invoicing says how far the order is invoiced ("to invoice",
	// "invoiced"), and Payment whether its invoices are paid ("not paid",
	// "partially paid", "paid"); empty where the target has neither.
	Invoicing string `json:"invoicing,omitempty"`
	Payment   string `json:"payment,omitempty"`
	// Delivery says how far it is delivered ("not delivered", "partially
	// delivered", "delivered"), where the target knows.
	Delivery string `json:"delivery,omitempty"`
	// Invoices are the order's invoices and credit notes, Deliveries its
	// delivery orders, in the target's words, where it has them.
	Invoices   []TargetDoc `json:"invoices,omitempty"`
	Deliveries []TargetDoc `json:"deliveries,omitempty"`
}

// TargetDoc is a document the target made for an order: an invoice, a credit
// note, a delivery order.
type TargetDoc struct {
	ID RemoteID `json:"id"`
	// Name is the target's number ("INV/2026/00042", "WH/OUT/00017").
	Name string `json:"name"`
	// Kind is "invoice", "credit note" or "delivery".
	Kind  string `json:"kind"`
	State string `json:"state,omitempty"`
	// URL opens it in the target's screens.
	URL string `json:"url,omitempty"`
}

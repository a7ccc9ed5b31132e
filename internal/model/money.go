package model

import "time"

// Refund is money (and maybe goods) a shop gave back on one order. Amounts
// are in Currency, the order's, with taxes included as the shop charged them.
type Refund struct {
	// ID is the refund's id in the shop; targets keep it as the credit
	// note's reference, so that the same refund is never credited twice.
	ID        RemoteID  `json:"id"`
	OrderID   RemoteID  `json:"order_id"`
	CreatedAt time.Time `json:"created_at,omitzero"`
	Note      string    `json:"note,omitempty"`
	Currency  string    `json:"currency,omitempty"`
	// Total is the money given back: lines, shipping and adjustments.
	Total Decimal      `json:"total"`
	Lines []RefundLine `json:"lines,omitempty"`
	// Shipping is the shipping cost given back; Adjustment the rest of Total
	// that no line or shipping explains (a goodwill amount; negative for a
	// restocking fee kept).
	Shipping   Decimal `json:"shipping,omitempty"`
	Adjustment Decimal `json:"adjustment,omitempty"`
	// Gateway is the payment gateway the money went back through.
	Gateway string `json:"gateway,omitempty"`
}

// RefundLine is one refunded order line.
type RefundLine struct {
	SKU      string `json:"sku"`
	Quantity int    `json:"quantity"`
	// Amount is the refunded money of the line, tax included.
	Amount Decimal `json:"amount"`
	// Restock says the goods go back to stock (returned, or cancelled
	// before they shipped); false keeps the stock as it is.
	Restock bool `json:"restock,omitempty"`
}

// Payout is money a payment provider (Shopify Payments) paid to the
// merchant's bank, with the balance transactions it settles.
type Payout struct {
	ID       RemoteID  `json:"id"`
	Date     time.Time `json:"date"`
	Currency string    `json:"currency"`
	// Net is what reached the bank: the lines' nets summed.
	Net   Decimal      `json:"net"`
	Lines []PayoutLine `json:"lines"`
}

// PayoutLine is one balance transaction of a payout.
type PayoutLine struct {
	ID RemoteID `json:"id"`
	// Type is the provider's word, lower case: "charge", "refund",
	// "adjustment", "dispute", "reserve"….
	Type string `json:"type"`
	// OrderID names the shop order a charge or refund belongs to, if any.
	OrderID RemoteID `json:"order_id,omitempty"`
	// OrderNumber is that order's number people see ("#1001").
	OrderNumber string `json:"order_number,omitempty"`
	// Amount is the gross (negative for money out), Fee the provider's fee
	// (positive: kept by the provider), Net = Amount - Fee.
	Amount Decimal `json:"amount"`
	Fee    Decimal `json:"fee,omitempty"`
	Net    Decimal `json:"net"`
}

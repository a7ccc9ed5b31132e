package ogoship

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/remote"
)

// Customer is an order's recipient.
type Customer struct {
	Name        string `json:"name"`
	Company     string `json:"company,omitempty"`
	Address1    string `json:"address1"`
	Address2    string `json:"address2,omitempty"`
	City        string `json:"city"`
	CountryCode string `json:"countryCode"`
	Zip         string `json:"zip,omitempty"`
	Phone       string `json:"phone,omitempty"`
	Email       string `json:"email,omitempty"`
}

// OrderLine is one line of an order.
type OrderLine struct {
	Code          string         `json:"code"`
	Quantity      Int            `json:"quantity"`
	UnitPrice     *model.Decimal `json:"unitPrice,omitempty"`
	VatPercentage *model.Decimal `json:"vatPercentage,omitempty"`
}

// Document is an order document: {type, url} ("receipt" is printed and
// enclosed in the parcel).
type Document struct {
	Type string `json:"type"`
	URL  string `json:"url,omitempty"`
}

// OrderWrite is the body of POST /Orders and PUT /Orders/{reference}.
// OrderLines and Documents, when sent, replace the whole set on a PUT.
type OrderWrite struct {
	Reference       string         `json:"reference"`
	ShippingCode    string         `json:"shippingCode,omitempty"`
	PickUpPointCode string         `json:"pickUpPointCode,omitempty"`
	Status          string         `json:"status,omitempty"`
	OrderLines      []OrderLine    `json:"orderLines,omitempty"`
	Customer        *Customer      `json:"customer,omitempty"`
	Comments        string         `json:"comments,omitempty"`
	PriceTotal      *model.Decimal `json:"priceTotal,omitempty"`
	PriceCurrency   string         `json:"priceCurrency,omitempty"`
	Documents       []Document     `json:"documents,omitempty"`
}

// Order is OrderResponse as far as ferry reads it.
type Order struct {
	ID                string         `json:"id"`
	Reference         string         `json:"reference"`
	Status            string         `json:"status"`
	ShippingCode      string         `json:"shippingCode"`
	PickUpPointCode   string         `json:"pickUpPointCode"`
	TrackingNumber    string         `json:"trackingNumber"`
	TrackingURL       string         `json:"trackingUrl"`
	WarehouseComments string         `json:"warehouseComments"`
	EditTime          Time           `json:"editTime"`
	Comments          string         `json:"comments"`
	PriceTotal        *model.Decimal `json:"priceTotal"`
	PriceCurrency     string         `json:"priceCurrency"`
	Customer          *Customer      `json:"customer"`
	OrderLines        []OrderLine    `json:"orderLines"`
	Documents         []Document     `json:"documents"`
}

// DecodeOrder reads one OrderResponse; it must have a reference. The
// status is lower-cased (the C# enum is PascalCase).
func DecodeOrder(raw json.RawMessage) (Order, error) {
	var o Order
	if err := json.Unmarshal(raw, &o); err != nil {
		return o, err
	}
	if o.Reference == "" {
		return o, errors.New("the order has no reference")
	}
	o.Status = strings.ToLower(strings.TrimSpace(o.Status))
	return o, nil
}

// Editable reports a status OGOship still takes updates and cancels in:
// draft, new, reserved or pending. From collecting on (and locked, shipped,
// cancelled, returned) OGOship has started or finished handling it.
func Editable(status string) bool {
	switch strings.ToLower(status) {
	case "draft", "new", "reserved", "pending", "":
		return true
	}
	return false
}

// Orders reads the merchant's orders matching q (reference, modifiedAfter),
// a page at a time, with each page's answer.
func (c *Client) Orders(ctx context.Context, q url.Values, each func(items []Order, bad []error, resp *remote.Response) error) error {
	return pages(ctx, c, pathOrders, q, DecodeOrder, each)
}

// FindOrder returns the order with the reference, if any.
func (c *Client) FindOrder(ctx context.Context, reference string) (Order, bool, error) {
	var found Order
	ok := false
	err := c.Orders(ctx, url.Values{"reference": {reference}}, func(items []Order, _ []error, _ *remote.Response) error {
		for _, o := range items {
			if strings.EqualFold(o.Reference, reference) {
				found, ok = o, true
			}
		}
		return nil
	})
	return found, ok, err
}

// order reads one order; a missing one is model.ErrGone.
func (c *Client) order(ctx context.Context, reference string) (Order, error) {
	o, ok, err := c.FindOrder(ctx, reference)
	if err != nil {
		return o, err
	}
	if !ok {
		return o, fmt.Errorf("ogoship: order %s: %w", reference, model.ErrGone)
	}
	return o, nil
}

// CreateOrder creates one order. An answer that may have committed, or a
// refusal, is read back by the reference before anything else: an order
// found is the one written (OGOship refuses a second create of a reference).
func (c *Client) CreateOrder(ctx context.Context, w OrderWrite) (o Order, created bool, err error) {
	for attempt := 1; ; attempt++ {
		resp, err := c.send(ctx, http.MethodPost, pathOrders, nil, w, false, "POST /Orders")
		if err == nil {
			o, err := DecodeOrder(resp.Body)
			if err != nil {
				// Created; the answer just does not say so clearly.
				return Order{Reference: w.Reference, Status: "new"}, true, nil
			}
			return o, true, nil
		}
		ambiguous := remote.IsAmbiguous(err)
		if !ambiguous && statusOf(err) != http.StatusBadRequest {
			return o, false, err
		}
		found, ok, ferr := c.FindOrder(ctx, w.Reference)
		if ferr != nil {
			return o, false, errors.Join(err, ferr)
		}
		if ok {
			return found, ambiguous, nil
		}
		if !ambiguous {
			return o, false, c.refusal(ctx, w, err)
		}
		if attempt >= c.settings.MaxAttempts {
			return o, false, err
		}
		if err := sleepCtx(ctx, backoff(attempt)); err != nil {
			return o, false, err
		}
	}
}

// refusal explains a 400 for an order: products missing, or the shipping
// code; else the API's error (permanent: a malformed order).
func (c *Client) refusal(ctx context.Context, w OrderWrite, err error) error {
	if missing, ferr := c.missingProducts(ctx, w); ferr == nil && len(missing) > 0 {
		return &UnknownProductsError{Reference: w.Reference, Codes: missing}
	}
	msg := strings.ToLower(messageOf(err))
	if strings.Contains(msg, "shipping") || strings.Contains(msg, "delivery") {
		return &ShippingMethodError{Reference: w.Reference, Code: w.ShippingCode, Message: messageOf(err)}
	}
	return err
}

// missingProducts returns the line codes the merchant has no product of.
func (c *Client) missingProducts(ctx context.Context, w OrderWrite) ([]string, error) {
	var missing []string
	seen := map[string]bool{}
	for _, l := range w.OrderLines {
		if seen[l.Code] {
			continue
		}
		seen[l.Code] = true
		_, ok, err := c.FindProduct(ctx, l.Code)
		if err != nil {
			return nil, err
		}
		if !ok {
			missing = append(missing, l.Code)
		}
	}
	return missing, nil
}

// putOrder sends PUT /Orders/{reference}: absolute values, so retried like
// a read.
func (c *Client) putOrder(ctx context.Context, reference string, w OrderWrite) error {
	_, err := c.send(ctx, http.MethodPut, pathOrders+"/"+url.PathEscape(reference), nil, w, true, "PUT /Orders/{reference}")
	return err
}

// reference is the OGOship reference of an import (Settings.Reference).
func (c *Client) reference(imp model.OrderImport) string {
	if c.settings.Reference == "ref" && imp.Ref != "" {
		return imp.Ref
	}
	return imp.Order.Number
}

// ImportOrders creates the orders the merchant does not have: each is looked
// up by its reference first, so a repeat creates nothing. Orders naming
// products OGOship lacks are refused (UnknownProductsError, needs_action).
// RemoteID and Number are the reference (the key of updates).
func (c *Client) ImportOrders(ctx context.Context, imps []model.OrderImport) ([]model.WriteResult, error) {
	out := make([]model.WriteResult, len(imps))
	for i, imp := range imps {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		out[i] = c.importOne(ctx, imp)
		if out[i].Err != nil && remote.IsTransient(out[i].Err) {
			for j := i + 1; j < len(imps); j++ {
				out[j].Err = out[i].Err
			}
			break
		}
	}
	return out, nil
}

func (c *Client) importOne(ctx context.Context, imp model.OrderImport) model.WriteResult {
	ref := c.reference(imp)
	w, err := ToOrderWrite(imp, ref)
	if err != nil {
		return model.WriteResult{Err: err}
	}
	if o, ok, err := c.FindOrder(ctx, ref); err != nil {
		return model.WriteResult{Err: err}
	} else if ok {
		return model.WriteResult{RemoteID: o.Reference, Number: o.Reference}
	}
	if missing, err := c.missingProducts(ctx, w); err != nil {
		return model.WriteResult{Err: err}
	} else if len(missing) > 0 {
		return model.WriteResult{Err: &UnknownProductsError{Reference: ref, Codes: missing}}
	}
	o, created, err := c.CreateOrder(ctx, w)
	if err != nil {
		return model.WriteResult{Err: err}
	}
	return model.WriteResult{RemoteID: orStr(o.Reference, ref), Number: orStr(o.Reference, ref), Created: created}
}

// UpdateOrder replaces the order with imp (lines and documents as whole
// sets) while OGOship has not started it; after, a StartedError
// (needs_action) naming the order and its status. A missing order is
// model.ErrGone.
func (c *Client) UpdateOrder(ctx context.Context, remoteID string, imp model.OrderImport) error {
	o, err := c.order(ctx, remoteID)
	if err != nil {
		return err
	}
	if !Editable(o.Status) {
		return &StartedError{Op: "update", Reference: o.Reference, Status: o.Status}
	}
	w, err := ToOrderWrite(imp, o.Reference)
	if err != nil {
		return err
	}
	w.Documents = nil // keep the documents OGOship has (a receipt printed once)
	if missing, err := c.missingProducts(ctx, w); err != nil {
		return err
	} else if len(missing) > 0 {
		return &UnknownProductsError{Reference: o.Reference, Codes: missing}
	}
	err = c.putOrder(ctx, o.Reference, w)
	if err != nil && statusOf(err) == http.StatusBadRequest {
		// Refused: maybe OGOship started in between.
		if o2, gerr := c.order(ctx, o.Reference); gerr == nil && !Editable(o2.Status) {
			return &StartedError{Op: "update", Reference: o2.Reference, Status: o2.Status}
		}
		return c.refusal(ctx, w, err)
	}
	return err
}

// CancelOrder cancels the order (PUT with status cancelled) while OGOship
// has not started it; after, a StartedError (needs_action). A cancelled order
// is success; a missing one model.ErrGone.
func (c *Client) CancelOrder(ctx context.Context, remoteID string, _ model.OrderImport) error {
	o, err := c.order(ctx, remoteID)
	if err != nil {
		return err
	}
	if o.Status == "cancelled" {
		return nil
	}
	if !Editable(o.Status) {
		return &StartedError{Op: "cancel", Reference: o.Reference, Status: o.Status}
	}
	err = c.putOrder(ctx, o.Reference, OrderWrite{Reference: o.Reference, Status: "cancelled"})
	if err != nil && statusOf(err) >= 400 && statusOf(err) < 500 {
		if o2, gerr := c.order(ctx, o.Reference); gerr == nil {
			if o2.Status == "cancelled" {
				return nil
			}
			if !Editable(o2.Status) {
				return &StartedError{Op: "cancel", Reference: o2.Reference, Status: o2.Status}
			}
		}
	}
	return err
}

// OrderStates reads the orders' statuses for the dashboard, by reference.
func (c *Client) OrderStates(ctx context.Context, ids []string) (map[string]model.TargetOrderState, error) {
	out := map[string]model.TargetOrderState{}
	for _, id := range ids {
		o, err := c.order(ctx, id)
		if errors.Is(err, model.ErrGone) {
			out[id] = model.TargetOrderState{State: "not in OGOship"}
			continue
		}
		if err != nil {
			return out, err
		}
		st := model.TargetOrderState{State: o.Status, Delivery: "not delivered"}
		switch o.Status {
		case "shipped":
			st.Delivery = "delivered"
		case "returned":
			st.Delivery = "returned"
		}
		out[id] = st
	}
	return out, nil
}

// ToOrderWrite maps an order import to POST /Orders: reference as given,
// shippingCode = the carrier the route mapped (OrderImport.Carrier), the
// pickup point of the order's first shipment, the customer from the shipping
// address (the billing one when it has none), comments = the order's note,
// priceTotal and priceCurrency, the shop's receipt as a "receipt" document,
// and one line per product line: code = SKU, whole quantity, unitPrice
// including VAT after the line's discount, vatPercentage. Shipping, payment
// and discount lines are the shop's money, not the warehouse's goods.
func ToOrderWrite(imp model.OrderImport, reference string) (OrderWrite, error) {
	o := imp.Order
	if reference == "" {
		return OrderWrite{}, errors.New("ogoship: the order has no number (reference)")
	}
	addr := o.Shipping
	if addr.Street == "" && addr.City == "" {
		addr = o.Billing
	}
	name := strings.TrimSpace(addr.FirstName + " " + addr.LastName)
	if name == "" {
		name = addr.FullName()
	}
	cu := &Customer{
		Name: name, Company: addr.Company, Address1: addr.Street, Address2: addr.Street2, City: addr.City,
		CountryCode: strings.ToUpper(addr.Country), Zip: addr.PostalCode,
		Phone: orStr(addr.Phone, o.Customer.Phone), Email: orStr(addr.Email, o.Customer.Email),
	}
	w := OrderWrite{Reference: reference, ShippingCode: imp.Carrier, Customer: cu, Comments: o.Note, PriceCurrency: o.Currency}
	total := o.Total
	w.PriceTotal = &total
	for _, s := range o.Shipments {
		if s.PickupPointID != "" {
			w.PickUpPointCode = s.PickupPointID
			break
		}
	}
	if o.ReceiptURL != "" {
		w.Documents = []Document{{Type: "receipt", URL: o.ReceiptURL}}
	}
	for _, l := range o.Lines {
		if l.Kind != model.LineProduct && l.Kind != "" {
			continue
		}
		if l.SKU == "" {
			return OrderWrite{}, fmt.Errorf("ogoship: order %s: line %q has no SKU (product code)", reference, l.Name)
		}
		if l.Quantity <= 0 || l.Quantity%model.DecimalScale != 0 {
			return OrderWrite{}, fmt.Errorf("ogoship: order %s: line %s has quantity %s; OGOship takes whole positive quantities", reference, l.SKU, l.Quantity)
		}
		unit := GrossUnitPrice(l)
		rate := l.TaxRate
		w.OrderLines = append(w.OrderLines, OrderLine{Code: l.SKU, Quantity: Int(l.Quantity.Int()), UnitPrice: &unit, VatPercentage: &rate})
	}
	if len(w.OrderLines) == 0 {
		return OrderWrite{}, fmt.Errorf("ogoship: order %s has no product lines", reference)
	}
	if cu.Name == "" || cu.Address1 == "" || cu.City == "" || cu.CountryCode == "" {
		return OrderWrite{}, fmt.Errorf("ogoship: order %s: the delivery address lacks a name, street, city or country (OGOship requires them)", reference)
	}
	return w, nil
}

// GrossUnitPrice is a line's unit price including VAT, after its discount,
// rounded to cents.
func GrossUnitPrice(l model.Line) model.Decimal {
	p := l.UnitPrice
	if !l.TaxIncluded && l.TaxRate != 0 {
		p = p.Mul(model.DecimalFromInt(1) + l.TaxRate.Mul(model.MustDecimal("0.01")))
	}
	if l.DiscountPercent != 0 {
		p = p.Mul(model.DecimalFromInt(1) - l.DiscountPercent.Mul(model.MustDecimal("0.01")))
	}
	return (p + 50*sign(p)) / 100 * 100
}

func sign(d model.Decimal) model.Decimal {
	if d < 0 {
		return -1
	}
	return 1
}

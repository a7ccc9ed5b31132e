package ogoship

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"time"
)

type order struct {
	seq                         int
	id, ref                     string
	status                      string
	lines                       []OrderLine
	prods                       []*product // the product of each line
	customer                    Customer
	docs                        []Document
	shippingCode, pickUp        *string
	comments, currency          *string
	priceTotal                  *float64
	cod                         *CashOnDelivery
	test                        *bool
	trackingNumber, trackingURL *string
	warehouseComments           *string
	edit                        time.Time
}

// orderRequest is the body of POST /Orders and PUT /Orders/{reference}. A nil
// field is absent or null.
type orderRequest struct {
	Reference       *string          `json:"reference"`
	ShippingCode    *string          `json:"shippingCode"`
	PickUpPointCode *string          `json:"pickUpPointCode"`
	Status          *status          `json:"status"`
	OrderLines      *[]OrderLine     `json:"orderLines"`
	Customer        *Customer        `json:"customer"`
	Comments        *string          `json:"comments"`
	PriceTotal      *float64         `json:"priceTotal"`
	PriceCurrency   *string          `json:"priceCurrency"`
	CashOnDelivery  *CashOnDelivery  `json:"cashOnDelivery"`
	Documents       *[]documentInput `json:"documents"`
	Test            *bool            `json:"test"`
}

type documentInput struct {
	Type          string  `json:"type"`
	URL           *string `json:"url"`
	Base64Content *string `json:"base64Content"`
}

func (s *Server) renderOrder(o *order) OrderResponse {
	docs := append([]Document{}, o.docs...)
	lines := append([]OrderLine{}, o.lines...)
	return OrderResponse{
		ID: o.id, TrackingNumber: o.trackingNumber, TrackingUrl: o.trackingURL, WarehouseComments: o.warehouseComments,
		EditTime: Time{o.edit}, Documents: docs, Reference: o.ref, ShippingCode: o.shippingCode, PickUpPointCode: o.pickUp,
		Status: o.status, OrderLines: lines, Customer: o.customer, Comments: o.comments, PriceTotal: o.priceTotal,
		PriceCurrency: o.currency, CashOnDelivery: o.cod, Test: o.test,
	}
}

// Order returns the order with reference as the API would answer it, for tests.
func (s *Server) Order(reference string) (OrderResponse, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.st.byRef[reference]
	if o == nil {
		return OrderResponse{}, false
	}
	return s.renderOrder(o), true
}

func (s *Server) listOrders(q *req) (reply, error) {
	after, err := modifiedAfter(q)
	if err != nil {
		return reply{}, err
	}
	ref := q.get("reference")
	var sel []*order
	for _, o := range s.st.orders {
		if (ref != "" && o.ref != ref) || o.edit.Before(after) {
			continue
		}
		sel = append(sel, o)
	}
	byEdit(sel, func(o *order) time.Time { return o.edit }, func(o *order) int { return o.seq })
	if sel, err = page(q, sel); err != nil {
		return reply{}, err
	}
	out := make([]OrderResponse, len(sel))
	for i, o := range sel {
		out[i] = s.renderOrder(o)
	}
	return ok(out), nil
}

func bad(format string, args ...any) error { return errf(http.StatusBadRequest, format, args...) }

// lines checks order lines and resolves their products.
func (s *Server) lines(in []OrderLine) ([]OrderLine, []*product, error) {
	if len(in) == 0 {
		return nil, nil, bad("orderLines: an order needs at least one line")
	}
	prods := make([]*product, len(in))
	for i, l := range in {
		if l.Code == "" {
			return nil, nil, bad("orderLines[%d].code: required", i)
		}
		if l.Quantity <= 0 {
			return nil, nil, bad("orderLines[%d].quantity: must be at least 1, got %d", i, l.Quantity)
		}
		if prods[i] = s.st.byCode[l.Code]; prods[i] == nil {
			return nil, nil, bad("orderLines[%d].code: product %q does not exist; create it first", i, l.Code)
		}
	}
	return append([]OrderLine(nil), in...), prods, nil
}

func checkCustomer(c *Customer) error {
	switch {
	case c == nil:
		return bad("customer: required")
	case strings.TrimSpace(c.Name) == "":
		return bad("customer.name: required")
	case strings.TrimSpace(c.Address1) == "":
		return bad("customer.address1: required")
	case strings.TrimSpace(c.City) == "":
		return bad("customer.city: required")
	case !isAlpha2(c.CountryCode):
		return bad("customer.countryCode: %q is not an ISO 3166-1 alpha-2 code", c.CountryCode)
	}
	return nil
}

func (s *Server) documents(o *order, in []documentInput) ([]Document, error) {
	out := []Document{}
	for i, d := range in {
		if d.Type == "" {
			return nil, bad("documents[%d].type: required (e.g. receipt)", i)
		}
		u := deref(d.URL)
		switch {
		case u != "":
			if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
				return nil, bad("documents[%d].url: %q is not an http(s) URL", i, u)
			}
		case d.Base64Content != nil:
			if _, err := base64.StdEncoding.DecodeString(*d.Base64Content); err != nil {
				return nil, bad("documents[%d].base64Content: not base64", i)
			}
			u = fmt.Sprintf("https://my.ogoship.com/sandbox/documents/%s/%d", o.id, i+1)
		default:
			return nil, bad("documents[%d]: give url or base64Content", i)
		}
		out = append(out, Document{Type: d.Type, URL: u})
	}
	return out, nil
}

// apply copies the request's fields into o; lines and documents, when given,
// replace all.
func (s *Server) apply(o *order, in *orderRequest) error {
	if in.OrderLines != nil {
		l, p, err := s.lines(*in.OrderLines)
		if err != nil {
			return err
		}
		o.lines, o.prods = l, p
	}
	if in.Customer != nil {
		if err := checkCustomer(in.Customer); err != nil {
			return err
		}
		o.customer = *in.Customer
	}
	if in.ShippingCode != nil {
		m, err := s.shippingMethod(*in.ShippingCode)
		if err != nil {
			return err
		}
		o.shippingCode = &m.Code
	}
	if in.Documents != nil {
		d, err := s.documents(o, *in.Documents)
		if err != nil {
			return err
		}
		o.docs = d
	}
	if in.CashOnDelivery != nil && in.CashOnDelivery.Amount <= 0 {
		return bad("cashOnDelivery.amount: required and positive")
	}
	if in.PriceCurrency != nil && len(*in.PriceCurrency) != 3 {
		return bad("priceCurrency: %q is not an ISO 4217 code", *in.PriceCurrency)
	}
	cp := func(d **string, v *string) {
		if v != nil {
			*d = str(*v)
		}
	}
	cp(&o.pickUp, in.PickUpPointCode)
	cp(&o.comments, in.Comments)
	cp(&o.currency, in.PriceCurrency)
	if in.PriceTotal != nil {
		v := *in.PriceTotal
		o.priceTotal = &v
	}
	if in.CashOnDelivery != nil {
		c := *in.CashOnDelivery
		o.cod = &c
	}
	if in.Test != nil {
		v := *in.Test
		o.test = &v
	}
	return nil
}

func (s *Server) createOrder(q *req) (reply, error) {
	var in orderRequest
	if err := decode(q.body, &in); err != nil {
		return reply{}, err
	}
	if in.Reference == nil || strings.TrimSpace(*in.Reference) == "" {
		return reply{}, bad("reference: required")
	}
	if s.st.byRef[*in.Reference] != nil {
		return reply{}, bad("an order with reference %q already exists; update it with PUT /api/v1/Orders/{reference}", *in.Reference)
	}
	if in.OrderLines == nil {
		return reply{}, bad("orderLines: required")
	}
	if in.Customer == nil {
		return reply{}, bad("customer: required")
	}
	if in.ShippingCode == nil && len(s.st.shipping) > 1 {
		return reply{}, bad("shippingCode: required when the merchant has more than one shipping method")
	}
	st := "new"
	if in.Status != nil && *in.Status != "" {
		st = string(*in.Status)
	}
	if st != "new" && st != "draft" {
		return reply{}, bad("status: a new order is new or draft, not %s", st)
	}
	o := &order{ref: *in.Reference, status: st, edit: q.now}
	o.id, o.seq = s.st.uuid()
	if in.ShippingCode == nil && len(s.st.shipping) == 1 {
		o.shippingCode = str(s.st.shipping[0].Code)
	}
	if err := s.apply(o, &in); err != nil {
		return reply{}, err
	}
	if o.docs == nil {
		o.docs = []Document{}
	}
	s.st.orders = append(s.st.orders, o)
	s.st.byRef[o.ref] = o
	return ok(s.renderOrder(o)), nil
}

func (s *Server) updateOrder(q *req) (reply, error) {
	ref := q.params["reference"]
	o := s.st.byRef[ref]
	if o == nil {
		return reply{}, errf(http.StatusNotFound, "order %q not found", ref)
	}
	var in orderRequest
	if err := decode(q.body, &in); err != nil {
		return reply{}, err
	}
	if in.Reference != nil && *in.Reference != "" && *in.Reference != ref {
		return reply{}, bad("reference: the body says %q but the path %q; an order's reference cannot change", *in.Reference, ref)
	}
	if started(o.status) {
		return reply{}, bad("order %q is %s: OGOship has started handling it, so it can no longer be updated or cancelled", ref, o.status)
	}
	to := o.status
	if in.Status != nil && *in.Status != "" {
		to = string(*in.Status)
	}
	switch to {
	case o.status, "new", "draft", "cancelled":
	default:
		return reply{}, bad("status: the API may set new, draft or cancelled, not %s", to)
	}
	// Validate on a copy so a failed update changes nothing.
	c := *o
	if err := s.apply(&c, &in); err != nil {
		return reply{}, err
	}
	wasReserved := o.status == "reserved"
	if wasReserved {
		s.release(o, q.now) // the old lines' hold; the new lines are held below
	}
	*o = c
	switch {
	case to == "cancelled" || to == "draft" || to == "new":
		o.status = to
	case wasReserved:
		if s.reserve(o, q.now) {
			o.status = "reserved"
		} else {
			o.status = "pending"
		}
	}
	o.edit = q.now
	return ok(s.renderOrder(o)), nil
}

// StockOf returns the stock of the product with code as GET /Stock would
// answer it, for tests.
func (s *Server) StockOf(code string) (StockResponse, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.st.byCode[code]
	if p == nil {
		return StockResponse{}, false
	}
	return s.renderStock(p), true
}

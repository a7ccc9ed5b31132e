package mycashflow

import (
	"fmt"
	"math"
	"net/http"
	"sort"
	"strings"
	"time"
)

func init() {
	handle("GET", "/orders", (*Server).listOrders)
	handle("POST", "/orders", (*Server).postOrder)
	handle("GET", "/orders/{id}", (*Server).getOrder)
	handle("POST", "/orders/{id}/cancel", (*Server).postCancel)
	handle("POST", "/orders/{id}/quick-process", (*Server).postQuickProcess)
	handle("GET", "/orders/{id}/shipments", (*Server).listShipments)
	handle("GET", "/orders/{id}/shipments/{sid}", (*Server).getShipment)
	handle("POST", "/orders/{id}/shipments/{sid}/complete", (*Server).postCompleteShipment)
	handle("GET", "/orders/{id}/payments", (*Server).listPayments)
	handle("GET", "/orders/{id}/payments/{pid}", (*Server).getPayment)
	for action, to := range paymentActions {
		action, to := action, to
		handle("POST", "/orders/{id}/payments/{pid}/"+action, func(s *Server, q *req) (reply, error) {
			return s.postPaymentAction(q, action, to)
		})
	}
	handle("GET", "/webhooks", (*Server).listWebhooks)
	handle("POST", "/webhooks", (*Server).postWebhook)
	handle("GET", "/webhooks/{uuid}", (*Server).getWebhook)
	handle("DELETE", "/webhooks/{uuid}", (*Server).deleteWebhook)
}

// Order, shipment and payment statuses on the wire.
const (
	statusOpen      = "open"
	statusCompleted = "completed"
	statusCancelled = "cancelled"

	shipmentOpen      = "OPEN"
	shipmentCompleted = "COMPLETED"

	payOpen      = "OPEN"
	payPending   = "PENDING_ACTIVATION"
	payPaid      = "PAID"
	payRefunded  = "REFUNDED"
	payCancelled = "CANCELLED"
)

var orderExpands = []string{"products", "products.return_reasons", "shipments", "payments", "tax_summary", "comments", "events"}

type lineOut struct {
	*orderLine
	ReturnReasons any `json:"return_reasons,omitempty"`
}

type orderOut struct {
	*order
	Products   any `json:"products,omitempty"`
	Shipments  any `json:"shipments,omitempty"`
	Payments   any `json:"payments,omitempty"`
	TaxSummary any `json:"tax_summary,omitempty"`
	Comments   any `json:"comments,omitempty"`
	Events     any `json:"events,omitempty"`
}

type taxRow struct {
	TaxRate         float64 `json:"tax_rate"`
	Total           money   `json:"total"`
	TotalTax        money   `json:"total_tax"`
	TotalWithoutTax money   `json:"total_without_tax"`
}

type taxSummary struct {
	Subtotal      []taxRow `json:"subtotal"`
	Discount      []taxRow `json:"discount"`
	ShippingCosts []taxRow `json:"shipping_costs"`
	PaymentCosts  []taxRow `json:"payment_costs"`
	Total         []taxRow `json:"total"`
}

// costVAT is the VAT rate of shipping and payment costs (the Finnish general rate).
const costVAT = 25.5

func taxOf(total money, rate float64) taxRow {
	tax := money(math.Round(float64(total) * rate / (100 + rate)))
	return taxRow{TaxRate: rate, Total: total, TotalTax: tax, TotalWithoutTax: total - tax}
}

// summarize computes the tax summary: lines by VAT rate, the order discount split
// over the rates in proportion to their subtotal (the remainder on the last),
// shipping and payment costs at 25.5 %, and totals per rate. Amounts include VAT.
func summarize(o *order) taxSummary {
	byRate := map[float64]money{}
	for _, l := range o.lines {
		byRate[l.VatRate] += l.UnitPrice * money(l.Quantity)
	}
	rates := make([]float64, 0, len(byRate))
	for r := range byRate {
		rates = append(rates, r)
	}
	sort.Float64s(rates)
	ts := taxSummary{Subtotal: []taxRow{}, Discount: []taxRow{}, ShippingCosts: []taxRow{}, PaymentCosts: []taxRow{}, Total: []taxRow{}}
	// Total rows add up the component rows, so taxes sum without rounding drift.
	totals := map[float64]*taxRow{}
	add := func(row taxRow, sign money) {
		t, ok := totals[row.TaxRate]
		if !ok {
			t = &taxRow{TaxRate: row.TaxRate}
			totals[row.TaxRate] = t
		}
		t.Total += sign * row.Total
		t.TotalTax += sign * row.TotalTax
		t.TotalWithoutTax += sign * row.TotalWithoutTax
	}
	var sub money
	for _, r := range rates {
		sub += byRate[r]
	}
	left := o.Discount
	for i, r := range rates {
		row := taxOf(byRate[r], r)
		ts.Subtotal = append(ts.Subtotal, row)
		add(row, 1)
		if o.Discount != 0 && sub != 0 {
			d := money(math.Round(float64(o.Discount) * float64(byRate[r]) / float64(sub)))
			if i == len(rates)-1 {
				d = left
			}
			left -= d
			drow := taxOf(d, r)
			ts.Discount = append(ts.Discount, drow)
			add(drow, -1)
		}
	}
	if o.ShippingCosts != 0 {
		row := taxOf(o.ShippingCosts, costVAT)
		ts.ShippingCosts = append(ts.ShippingCosts, row)
		add(row, 1)
	}
	if o.PaymentCosts != 0 {
		row := taxOf(o.PaymentCosts, costVAT)
		ts.PaymentCosts = append(ts.PaymentCosts, row)
		add(row, 1)
	}
	all := make([]float64, 0, len(totals))
	for r := range totals {
		all = append(all, r)
	}
	sort.Float64s(all)
	for _, r := range all {
		ts.Total = append(ts.Total, *totals[r])
	}
	return ts
}

func (s *Server) renderOrder(o *order, ex map[string]bool) orderOut {
	out := orderOut{order: o}
	if ex["products"] || ex["products.return_reasons"] {
		ls := make([]lineOut, 0, len(o.lines))
		for _, l := range o.lines {
			lo := lineOut{orderLine: l}
			if ex["products.return_reasons"] {
				lo.ReturnReasons = nonNil(l.ReturnReasons)
			}
			ls = append(ls, lo)
		}
		out.Products = ls
	}
	if ex["shipments"] {
		out.Shipments = nonNil(o.shipments)
	}
	if ex["payments"] {
		out.Payments = nonNil(o.payments)
	}
	if ex["tax_summary"] {
		out.TaxSummary = summarize(o)
	}
	if ex["comments"] {
		out.Comments = nonNil(o.comments)
	}
	if ex["events"] {
		out.Events = nonNil(o.events)
	}
	return out
}

func (s *Server) listOrders(q *req) (reply, error) {
	ex, err := expandSet(q, orderExpands...)
	if err != nil {
		return reply{}, err
	}
	field, desc, err := sortSpec(q, "updated_at", "created_at")
	if err != nil {
		return reply{}, err
	}
	type rng struct{ from, to time.Time }
	var ranges [4]rng
	for i, name := range []string{"created_at", "updated_at", "archived_at", "shipments_completed_at"} {
		if ranges[i].from, ranges[i].to, err = timeRange(q, name); err != nil {
			return reply{}, err
		}
	}
	status := q.q.Get("status")
	switch status {
	case "", statusOpen, statusCompleted, statusCancelled:
	default:
		return reply{}, errf(http.StatusBadRequest, "query parameter status: %q is not one of open, completed, cancelled", status)
	}
	s.churnBefore(q, "orders")
	var items []*order
	for _, id := range s.st.orders.ids {
		o := s.st.orders.byID[id]
		if status != "" && o.Status != status {
			continue
		}
		if !inRange(o.CreatedAt, ranges[0].from, ranges[0].to) || !inRange(o.UpdatedAt, ranges[1].from, ranges[1].to) ||
			!inRange(o.ArchivedAt, ranges[2].from, ranges[2].to) || !inRange(o.ShipmentsCompletedAt, ranges[3].from, ranges[3].to) {
			continue
		}
		items = append(items, o)
	}
	sortRecords(items, field, desc, func(o *order) (int, jtime, jtime) { return o.ID, o.CreatedAt, o.UpdatedAt })
	page, meta, err := paginate(q, items)
	if err != nil {
		return reply{}, err
	}
	churnSeen(s, "orders", page, func(o *order) int { return o.ID })
	out := make([]orderOut, 0, len(page))
	for _, o := range page {
		out = append(out, s.renderOrder(o, ex))
	}
	return reply{code: http.StatusOK, body: envelope{Data: out, Meta: meta}}, nil
}

func (s *Server) orderByParam(q *req) (*order, error) {
	id, err := q.id("id")
	if err != nil {
		return nil, err
	}
	o, found := s.st.orders.get(id)
	if !found {
		return nil, notFound("order", id)
	}
	return o, nil
}

func (s *Server) getOrder(q *req) (reply, error) {
	ex, err := expandSet(q, orderExpands...)
	if err != nil {
		return reply{}, err
	}
	o, err := s.orderByParam(q)
	if err != nil {
		return reply{}, err
	}
	return ok(s.renderOrder(o, ex)), nil
}

// allExpands renders an order with everything, as actions answer.
var allExpands = map[string]bool{"products": true, "shipments": true, "payments": true, "tax_summary": true}

// Limits that keep order amounts far from int64 overflow.
const (
	maxOrderLines   = 500
	maxLineQuantity = 100000
)

// orderInput is a new order; the HTTP body and CreateOrder both fill it.
type orderInput struct {
	VersionID           int
	CustomerID          *int
	CustomerInformation *address
	ShippingAddress     *shippingAddress
	ShippingMethodID    *int
	PaymentMethodID     *int
	Lines               []lineInput
	Details             string
	ExternalID          *string
	ShippingCosts       *money
	PaymentCosts        *money
	Discount            money
	// PaymentStatus overrides the payment method's initial status ("" keeps it).
	PaymentStatus string
	// Shipments splits the lines over this many shipments (default 1).
	Shipments int
	// GiftCard is the part paid by gift card (splitpay.go); 0 for none.
	GiftCard money
}

type lineInput struct {
	ProductCode string
	Quantity    int
	UnitPrice   *money
}

// decodeOrder reads the invented POST /orders body (doc.go).
func decodeOrder(body []byte) (orderInput, error) {
	m, err := decodeObject(body)
	if err != nil {
		return orderInput{}, errf(http.StatusBadRequest, "%v", err)
	}
	f := newFields(m, "")
	in := orderInput{VersionID: 1}
	f.integer("version_id", &in.VersionID)
	f.optInt("customer_id", &in.CustomerID)
	f.optInt("shipping_method_id", &in.ShippingMethodID)
	f.optInt("payment_method_id", &in.PaymentMethodID)
	f.str("details", &in.Details)
	var ext string
	if f.str("external_id", &ext) && ext != "" {
		in.ExternalID = &ext
	}
	var amt money
	if f.amount("shipping_costs", &amt) {
		v := amt
		in.ShippingCosts = &v
	}
	if f.amount("payment_costs", &amt) {
		v := amt
		in.PaymentCosts = &v
	}
	f.amount("discount", &in.Discount)
	f.amount("gift_card_amount", &in.GiftCard)
	if ci, present := f.object("customer_information"); present {
		a := readAddress(ci, true)
		f.take(ci)
		in.CustomerInformation = &a
	}
	if sa, present := f.object("shipping_address"); present {
		a := readAddress(sa, false)
		f.take(sa)
		ship := shippingAddress{a.Company, a.FirstName, a.LastName, a.StreetAddress, a.PostalCode, a.City, a.Country, a.Phone, a.Email}
		in.ShippingAddress = &ship
	}
	lines, _ := f.array("products")
	for _, lf := range lines {
		var l lineInput
		lf.str("product_code", &l.ProductCode)
		lf.integer("quantity", &l.Quantity)
		var p money
		if lf.amount("unit_price", &p) {
			l.UnitPrice = &p
		}
		f.take(lf)
		in.Lines = append(in.Lines, l)
	}
	if err := f.check(); err != nil {
		return orderInput{}, invalid(err)
	}
	return in, nil
}

func readAddress(f *fields, vat bool) address {
	var a address
	f.str("company", &a.Company)
	if vat {
		f.str("vat_code", &a.VatCode)
	}
	f.str("first_name", &a.FirstName)
	f.str("last_name", &a.LastName)
	f.str("street_address", &a.StreetAddress)
	f.str("postal_code", &a.PostalCode)
	f.str("city", &a.City)
	f.str("country", &a.Country)
	f.str("phone", &a.Phone)
	f.str("email", &a.Email)
	return a
}

func (s *Server) postOrder(q *req) (reply, error) {
	in, err := decodeOrder(q.body)
	if err != nil {
		return reply{}, err
	}
	o, err := s.createOrder(in, q.now)
	if err != nil {
		return reply{}, err
	}
	return created(s.renderOrder(o, allExpands)), nil
}

// campaignPriceFor returns the best active campaign price of code for qty.
func (s *Server) campaignPriceFor(code string, qty int, now time.Time) (*campaignPrice, bool) {
	var best *campaignPrice
	for _, c := range s.st.campaigns.all() {
		if !c.IsActive || (!c.StartsAt.IsZero() && now.Before(c.StartsAt.Time)) || (!c.EndsAt.IsZero() && now.After(c.EndsAt.Time)) {
			continue
		}
		for _, cp := range c.prices {
			if cp.ProductCode == code && cp.MinQuantity <= qty && (best == nil || cp.Price < best.Price) {
				best = cp
			}
		}
	}
	return best, best != nil
}

// createOrder validates in, writes the order, reserves stock and notifies the
// webhooks. The caller holds s.mu.
func (s *Server) createOrder(in orderInput, now time.Time) (*order, error) {
	fail := func(format string, args ...any) error {
		return errf(http.StatusUnprocessableEntity, "create order: "+format, args...)
	}
	ver, found := s.st.versions.get(in.VersionID)
	if !found {
		return nil, fail("field version_id: version %d does not exist", in.VersionID)
	}
	var info address
	var cust *customer
	if in.CustomerID != nil {
		if cust, found = s.st.customers.get(*in.CustomerID); !found {
			return nil, fail("field customer_id: customer %d does not exist", *in.CustomerID)
		}
		info = address{Company: cust.Company, VatCode: cust.VatCode, FirstName: cust.FirstName, LastName: cust.LastName,
			StreetAddress: cust.StreetAddress, PostalCode: cust.PostalCode, City: cust.City, Country: cust.Country, Phone: cust.Phone, Email: cust.Email}
	}
	if in.CustomerInformation != nil {
		info = *in.CustomerInformation
	}
	if !strings.Contains(info.Email, "@") {
		return nil, fail("field customer_information.email: %q is not an e-mail address", info.Email)
	}
	if info.Country == "" {
		info.Country = "FI"
	}
	if len(info.Country) != 2 {
		return nil, fail("field customer_information.country: %q is not an ISO 3166-1 alpha-2 code", info.Country)
	}
	var sm *shippingMethod
	if in.ShippingMethodID != nil {
		if sm, found = s.st.shippingMethod.get(*in.ShippingMethodID); !found {
			return nil, fail("field shipping_method_id: shipping method %d does not exist", *in.ShippingMethodID)
		}
	}
	var pm *paymentMethod
	if in.PaymentMethodID != nil {
		if pm, found = s.st.paymentMethod.get(*in.PaymentMethodID); !found {
			return nil, fail("field payment_method_id: payment method %d does not exist", *in.PaymentMethodID)
		}
	}
	switch in.PaymentStatus {
	case "", payOpen, payPending, payPaid:
	default:
		return nil, fail("payment status %q is not OPEN, PENDING_ACTIVATION or PAID", in.PaymentStatus)
	}
	if len(in.Lines) == 0 {
		return nil, fail("field products: an order needs at least one product line")
	}
	if len(in.Lines) > maxOrderLines {
		return nil, fail("field products: %d lines; at most %d are accepted", len(in.Lines), maxOrderLines)
	}
	if in.Discount < 0 {
		return nil, fail("field discount: must not be negative")
	}
	// Resolve lines and check stock before writing anything.
	type resolved struct {
		in    lineInput
		p     *product
		v     *variation
		si    *stockItem
		price money
		camp  *campaignPrice
	}
	var rs []resolved
	need := map[string]int{}
	for i, l := range in.Lines {
		owner, found := s.st.codes[l.ProductCode]
		if !found {
			return nil, fail("field products[%d].product_code: no product or variation has product_code %q", i, l.ProductCode)
		}
		if l.Quantity < 1 || l.Quantity > maxLineQuantity {
			return nil, fail("field products[%d].quantity: %s needs a quantity from 1 to %d, got %d", i, l.ProductCode, maxLineQuantity, l.Quantity)
		}
		r := resolved{in: l}
		r.p, _ = s.st.products.get(owner.productID)
		r.price = r.p.Price
		if owner.variationID != 0 {
			r.v, _ = s.st.variations.get(owner.variationID)
			r.price = r.v.Price
		} else if len(r.p.variationIDs) > 0 {
			return nil, fail("field products[%d].product_code: %q has variations; order one of them", i, l.ProductCode)
		}
		if cp, found := s.campaignPriceFor(l.ProductCode, l.Quantity, now); found && cp.Price < r.price {
			r.price, r.camp = cp.Price, cp
		}
		if l.UnitPrice != nil {
			if *l.UnitPrice < 0 {
				return nil, fail("field products[%d].unit_price: must not be negative", i)
			}
			r.price = *l.UnitPrice
		}
		if si, found := s.st.stockFor(l.ProductCode); found && si.Enabled {
			r.si = si
			need[l.ProductCode] += l.Quantity
			if si.Balance < need[l.ProductCode] && !si.BackorderEnabled {
				return nil, fail("field products[%d].quantity: %s has %d in stock (balance), %d ordered", i, l.ProductCode, si.Balance, need[l.ProductCode])
			}
		}
		rs = append(rs, r)
	}

	o := &order{
		ID: s.st.next("order"), CreatedAt: stamp(now), UpdatedAt: stamp(now), VersionID: ver.ID, Language: ver.Language,
		Currency: ver.Currency, CustomerID: in.CustomerID, ShippingMethodID: in.ShippingMethodID, PaymentMethodID: in.PaymentMethodID,
		CustomerInformation: info, Status: statusOpen, Details: in.Details, ExternalID: in.ExternalID, Discount: in.Discount,
	}
	if cust != nil {
		o.CustomerExternalID = strp(fmt.Sprintf("C%06d", cust.ID))
	}
	if in.ShippingAddress != nil {
		o.ShippingAddress = *in.ShippingAddress
		o.DifferentShippingAddress = true
	} else {
		o.ShippingAddress = shippingAddress{info.Company, info.FirstName, info.LastName, info.StreetAddress, info.PostalCode, info.City, info.Country, info.Phone, info.Email}
	}
	base := fmt.Sprintf("https://%s.mycashflow.fi", s.opts.Store)
	o.ReceiptURL = fmt.Sprintf("%s/documents/receipt/%d.pdf", base, o.ID)
	o.DispatchNoteURL = fmt.Sprintf("%s/documents/dispatch-note/%d.pdf", base, o.ID)

	nShip := max(in.Shipments, 1)
	if sm != nil {
		for i := 0; i < nShip && i < len(rs); i++ {
			sh := &shipment{ID: s.st.next("shipment"), CreatedAt: stamp(now), UpdatedAt: stamp(now), OrderID: o.ID, Type: "shipment",
				Status: shipmentOpen, ShippingMethodID: intp(sm.ID), ParcelCount: 1, Documents: []document{}}
			sh.ShippingLabelURL = strp(fmt.Sprintf("%s/documents/shipping-label/%d.pdf", base, sh.ID))
			sh.Documents = append(sh.Documents, document{Type: "shipping_label", URL: *sh.ShippingLabelURL})
			o.shipments = append(o.shipments, sh)
		}
	}
	for i, r := range rs {
		l := &orderLine{ID: s.st.next("line"), CreatedAt: stamp(now), UpdatedAt: stamp(now), OrderID: o.ID, ProductID: intp(r.p.ID),
			VatRate: r.p.VatRate, UnitPrice: r.price, PurchasePrice: r.p.PurchasePrice, Quantity: r.in.Quantity,
			ProductCode: r.in.ProductCode, ProductName: r.p.Name, Warranty: r.p.Warranty, Customizations: []string{}}
		if r.v != nil {
			l.VariationID = intp(r.v.ID)
			l.ModelName = r.v.Name
			l.PurchasePrice = r.v.PurchasePrice
		}
		if r.camp != nil {
			l.CampaignID = intp(r.camp.CampaignID)
		}
		if len(o.shipments) > 0 {
			sh := o.shipments[i%len(o.shipments)]
			l.ShipmentID = intp(sh.ID)
			w := r.p.Weight
			if r.v != nil && r.v.Weight > 0 {
				w = r.v.Weight
			}
			sh.Weight = math.Round((sh.Weight+w*float64(l.Quantity))*1000) / 1000
		}
		if r.si != nil {
			l.stockID = r.si.ID
		}
		o.lines = append(o.lines, l)
		o.Subtotal += l.UnitPrice * money(l.Quantity)
	}
	if in.Discount > o.Subtotal {
		return nil, fail("field discount: %s is more than the subtotal %s", in.Discount, o.Subtotal)
	}
	switch {
	case in.ShippingCosts != nil:
		o.ShippingCosts = *in.ShippingCosts
	case sm != nil && (sm.FreeShippingThreshold == 0 || o.Subtotal < sm.FreeShippingThreshold):
		o.ShippingCosts = sm.price
	}
	switch {
	case in.PaymentCosts != nil:
		o.PaymentCosts = *in.PaymentCosts
	case pm != nil:
		o.PaymentCosts = pm.cost
	}
	o.Total = o.Subtotal + o.ShippingCosts + o.PaymentCosts - o.Discount
	gift, err := s.giftCardPayment(o, in.GiftCard, pm, now)
	if err != nil {
		return nil, err
	}
	if pm != nil {
		st := pm.initial
		if in.PaymentStatus != "" {
			st = in.PaymentStatus
		}
		due := o.Total
		if gift != nil {
			o.payments = append(o.payments, gift)
			due -= gift.Amount
		}
		p := &payment{ID: s.st.next("payment"), CreatedAt: stamp(now), UpdatedAt: stamp(now), OrderID: o.ID, PaymentMethodID: pm.ID,
			Reference: finnishReference(o.ID), Amount: due, Currency: o.Currency, ExchangeRate: 1}
		setPaymentStatus(p, st)
		o.payments = append(o.payments, p)
	}
	for _, l := range o.lines {
		if si, found := s.st.stock.get(l.stockID); found {
			s.st.adjustStock(si, 0, l.Quantity, "order_reserved", o.ID, now)
		}
	}
	o.events = append(o.events, event{CreatedAt: stamp(now), Code: "order.created", Message: "Order created", Data: map[string]any{}})
	s.st.orders.put(o.ID, o)
	s.notifyOrderCreated(o)
	return o, nil
}

// setPaymentStatus sets status and the flags that follow from it.
func setPaymentStatus(p *payment, status string) {
	p.Status = status
	p.IsPaid = status == payPaid || status == payRefunded
	p.IsConfirmed = status != payOpen && status != payCancelled
}

// finnishReference is a Finnish bank reference number (viitenumero) for n: the
// digits followed by the 7-3-1 check digit.
func finnishReference(n int) string {
	digits := fmt.Sprintf("1%d", n)
	weights := []int{7, 3, 1}
	sum := 0
	for i := 0; i < len(digits); i++ {
		sum += int(digits[len(digits)-1-i]-'0') * weights[i%3]
	}
	return fmt.Sprintf("%s%d", digits, (10-sum%10)%10)
}

func (s *Server) postCancel(q *req) (reply, error) {
	o, err := s.orderByParam(q)
	if err != nil {
		return reply{}, err
	}
	if err := s.cancelOrder(o, q.now); err != nil {
		return reply{}, err
	}
	return ok(s.renderOrder(o, allExpands)), nil
}

// cancelOrder releases reservations (or returns delivered goods to stock), adds a
// negative return row per line, zeroes the totals and cancels unpaid payments.
func (s *Server) cancelOrder(o *order, now time.Time) error {
	if o.Status == statusCancelled {
		return errf(http.StatusUnprocessableEntity, "cancel order %d: the order is already cancelled", o.ID)
	}
	var returns []*orderLine
	for _, l := range o.lines {
		if l.Quantity <= 0 {
			continue
		}
		if si, found := s.st.stock.get(l.stockID); found {
			if l.DeliveredAt.IsZero() {
				s.st.adjustStock(si, 0, -l.Quantity, "order_cancelled", o.ID, now)
			} else {
				s.st.adjustStock(si, l.Quantity, 0, "order_returned", o.ID, now)
			}
		}
		r := *l
		r.ID = s.st.next("line")
		r.CreatedAt, r.UpdatedAt = stamp(now), stamp(now)
		r.Quantity = -l.Quantity
		r.ReturnToStock = l.stockID != 0
		r.ReturnReasons = []string{"Order cancelled"}
		r.stockID = 0
		l.UpdatedAt = stamp(now)
		returns = append(returns, &r)
	}
	o.lines = append(o.lines, returns...)
	o.Subtotal, o.ShippingCosts, o.PaymentCosts, o.Discount, o.Total = 0, 0, 0, 0, 0
	for _, p := range o.payments {
		if p.Status == payOpen || p.Status == payPending {
			setPaymentStatus(p, payCancelled)
			p.UpdatedAt = stamp(now)
		}
	}
	o.Status = statusCancelled
	o.UpdatedAt = stamp(now)
	o.events = append(o.events, event{CreatedAt: stamp(now), Code: "order.cancelled", Message: "Order cancelled", Data: map[string]any{}})
	return nil
}

// quickProcess is the body of POST /orders/{id}/quick-process.
type quickProcess struct {
	AllowOpenCOD           bool
	IgnoreActivationErrors bool
	TrackingCode           string
	SendEmails             bool
}

func decodeQuickProcess(body []byte) (quickProcess, error) {
	var qp quickProcess
	if len(strings.TrimSpace(string(body))) == 0 {
		return qp, nil
	}
	m, err := decodeObject(body)
	if err != nil {
		return qp, errf(http.StatusBadRequest, "%v", err)
	}
	f := newFields(m, "")
	f.boolean("allow_open_cash_on_delivery_payments", &qp.AllowOpenCOD)
	f.boolean("ignore_payment_activation_errors", &qp.IgnoreActivationErrors)
	f.str("tracking_code", &qp.TrackingCode)
	f.boolean("send_emails", &qp.SendEmails)
	return qp, invalid(f.check())
}

func (s *Server) postQuickProcess(q *req) (reply, error) {
	o, err := s.orderByParam(q)
	if err != nil {
		return reply{}, err
	}
	qp, err := decodeQuickProcess(q.body)
	if err != nil {
		return reply{}, err
	}
	if err := s.quickProcess(o, qp, q.now); err != nil {
		return reply{}, err
	}
	return ok(s.renderOrder(o, allExpands)), nil
}

func (s *Server) quickProcess(o *order, qp quickProcess, now time.Time) error {
	fail := func(format string, args ...any) error {
		return errf(http.StatusUnprocessableEntity, "quick-process order %d: "+format, append([]any{o.ID}, args...)...)
	}
	switch o.Status {
	case statusCancelled:
		return fail("the order is cancelled")
	case statusCompleted:
		return alreadyCompleted(o)
	}
	if len(o.payments) != 1 {
		return fail("only orders with exactly one payment can be quick-processed; this one has %d", len(o.payments))
	}
	p := o.payments[0]
	if p.Status == payOpen {
		if pm, found := s.st.paymentMethod.get(p.PaymentMethodID); found && pm.Provider == "cod" && !qp.AllowOpenCOD {
			return fail("payment %d is an open cash-on-delivery payment; set allow_open_cash_on_delivery_payments", p.ID)
		}
	}
	if p.Status == payPending {
		setPaymentStatus(p, payPaid)
		p.UpdatedAt = stamp(now)
	}
	for _, sh := range o.shipments {
		if qp.TrackingCode != "" {
			sh.TrackingCode = strp(qp.TrackingCode)
		}
		if sh.Status != shipmentCompleted {
			sh.Status = shipmentCompleted
			sh.CompletedAt = stamp(now)
		}
		sh.UpdatedAt = stamp(now)
	}
	s.deliver(o, func(*orderLine) bool { return true }, now)
	s.completeOrder(o, now)
	if qp.SendEmails {
		o.events = append(o.events, event{CreatedAt: stamp(now), Code: "email.shipping_confirmation", Message: "Shipping confirmation sent to " + o.CustomerInformation.Email, Data: map[string]any{}})
	}
	return nil
}

// deliver marks the undelivered lines picked by which delivered and turns their
// reservation into a quantity decrease.
func (s *Server) deliver(o *order, which func(*orderLine) bool, now time.Time) {
	for _, l := range o.lines {
		if l.Quantity <= 0 || !l.DeliveredAt.IsZero() || !which(l) {
			continue
		}
		l.DeliveredAt = stamp(now)
		l.UpdatedAt = stamp(now)
		if si, found := s.st.stock.get(l.stockID); found {
			s.st.adjustStock(si, -l.Quantity, -l.Quantity, "order_delivered", o.ID, now)
		}
	}
}

func (s *Server) completeOrder(o *order, now time.Time) {
	o.Status = statusCompleted
	o.ShipmentsCompletedAt = stamp(now)
	o.UpdatedAt = stamp(now)
	o.events = append(o.events, event{CreatedAt: stamp(now), Code: "order.completed", Message: "Order delivered", Data: map[string]any{}})
}

func (s *Server) shipmentByParam(q *req) (*order, *shipment, error) {
	o, err := s.orderByParam(q)
	if err != nil {
		return nil, nil, err
	}
	sid, err := q.id("sid")
	if err != nil {
		return nil, nil, err
	}
	for _, sh := range o.shipments {
		if sh.ID == sid {
			return o, sh, nil
		}
	}
	return nil, nil, errf(http.StatusNotFound, "order %d has no shipment %d", o.ID, sid)
}

func (s *Server) listShipments(q *req) (reply, error) {
	o, err := s.orderByParam(q)
	if err != nil {
		return reply{}, err
	}
	return list(q, nonNil(o.shipments))
}

func (s *Server) getShipment(q *req) (reply, error) {
	_, sh, err := s.shipmentByParam(q)
	if err != nil {
		return reply{}, err
	}
	return ok(sh), nil
}

func (s *Server) postCompleteShipment(q *req) (reply, error) {
	o, sh, err := s.shipmentByParam(q)
	if err != nil {
		return reply{}, err
	}
	var tracking string
	if len(strings.TrimSpace(string(q.body))) > 0 {
		f, err := q.object()
		if err != nil {
			return reply{}, err
		}
		f.str("tracking_code", &tracking)
		if err := invalid(f.check()); err != nil {
			return reply{}, err
		}
	}
	if err := s.completeShipment(o, sh, tracking, q.now); err != nil {
		return reply{}, err
	}
	return ok(sh), nil
}

// completeShipment completes one shipment and delivers its lines; the order
// completes once every shipment has.
func (s *Server) completeShipment(o *order, sh *shipment, tracking string, now time.Time) error {
	if o.Status == statusCancelled {
		return errf(http.StatusUnprocessableEntity, "complete shipment %d of order %d: the order is cancelled", sh.ID, o.ID)
	}
	if sh.Status == shipmentCompleted {
		return errf(http.StatusUnprocessableEntity, "complete shipment %d of order %d: the shipment is already completed", sh.ID, o.ID)
	}
	sh.Status = shipmentCompleted
	sh.CompletedAt = stamp(now)
	sh.UpdatedAt = stamp(now)
	if tracking != "" {
		sh.TrackingCode = strp(tracking)
	}
	s.deliver(o, func(l *orderLine) bool { return l.ShipmentID != nil && *l.ShipmentID == sh.ID }, now)
	o.UpdatedAt = stamp(now)
	for _, other := range o.shipments {
		if other.Status != shipmentCompleted {
			return nil
		}
	}
	s.deliver(o, func(*orderLine) bool { return true }, now)
	s.completeOrder(o, now)
	return nil
}

// paymentActions maps an action to the status it sets.
var paymentActions = map[string]string{
	"mark-as-paid":      payPaid,
	"mark-as-unpaid":    payOpen,
	"mark-as-cancelled": payCancelled,
	"activate":          payPaid,
}

func (s *Server) paymentByParam(q *req) (*order, *payment, error) {
	o, err := s.orderByParam(q)
	if err != nil {
		return nil, nil, err
	}
	pid, err := q.id("pid")
	if err != nil {
		return nil, nil, err
	}
	for _, p := range o.payments {
		if p.ID == pid {
			return o, p, nil
		}
	}
	return nil, nil, errf(http.StatusNotFound, "order %d has no payment %d", o.ID, pid)
}

func (s *Server) listPayments(q *req) (reply, error) {
	o, err := s.orderByParam(q)
	if err != nil {
		return reply{}, err
	}
	return list(q, nonNil(o.payments))
}

func (s *Server) getPayment(q *req) (reply, error) {
	_, p, err := s.paymentByParam(q)
	if err != nil {
		return reply{}, err
	}
	return ok(p), nil
}

func (s *Server) postPaymentAction(q *req, action, to string) (reply, error) {
	o, p, err := s.paymentByParam(q)
	if err != nil {
		return reply{}, err
	}
	if err := s.paymentAction(o, p, action, to, q.now); err != nil {
		return reply{}, err
	}
	return ok(p), nil
}

func (s *Server) paymentAction(o *order, p *payment, action, to string, now time.Time) error {
	fail := func(format string, args ...any) error {
		return errf(http.StatusUnprocessableEntity, "%s payment %d of order %d: "+format, append([]any{action, p.ID, o.ID}, args...)...)
	}
	if p.Status == to {
		return alreadyInState(o, p)
	}
	switch {
	case action == "activate" && p.Status != payPending:
		return fail("only PENDING_ACTIVATION payments can be activated; status is %s", p.Status)
	case p.Status == payRefunded:
		return fail("the payment is refunded")
	case to == payCancelled && p.Status == payPaid:
		return fail("a PAID payment cannot be cancelled; refund it in the payment service")
	}
	setPaymentStatus(p, to)
	p.UpdatedAt = stamp(now)
	o.UpdatedAt = stamp(now)
	o.events = append(o.events, event{CreatedAt: stamp(now), Code: "payment." + strings.ToLower(to), Message: fmt.Sprintf("Payment %d: %s", p.ID, to), Data: map[string]any{"payment_id": p.ID}})
	return nil
}

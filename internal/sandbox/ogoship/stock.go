package ogoship

import (
	"net/http"
	"strings"
	"time"
)

func (s *Server) renderStock(p *product) StockResponse {
	return StockResponse{ProductCode: p.code(), Stock: p.stock, StockAvailable: p.available(), Reserved: p.reserved, Modified: Time{p.stockMod}}
}

func (s *Server) listStock(q *req) (reply, error) {
	after, err := modifiedAfter(q)
	if err != nil {
		return reply{}, err
	}
	code := q.get("productCode")
	var sel []*product
	for _, p := range s.st.products {
		if (code != "" && p.code() != code) || p.stockMod.Before(after) {
			continue
		}
		sel = append(sel, p)
	}
	byEdit(sel, func(p *product) time.Time { return p.stockMod }, func(p *product) int { return p.seq })
	if sel, err = page(q, sel); err != nil {
		return reply{}, err
	}
	out := make([]StockResponse, len(sel))
	for i, p := range sel {
		out[i] = s.renderStock(p)
	}
	return ok(out), nil
}

// stockUpdate is an inbound delivery; r.Status is "new" until received.
type stockUpdate struct {
	seq   int
	r     StockUpdateResponse
	prods []*product
}

// stockUpdateRequest is the body of POST /StockUpdate; status is read-only
// and ignored.
type stockUpdateRequest struct {
	WarehouseCode    *string              `json:"warehouseCode"`
	Supplier         *string              `json:"supplier"`
	Containers       *int                 `json:"containers"`
	Pallets          *int                 `json:"pallets"`
	Parcels          *int                 `json:"parcels"`
	DeliveredBy      *string              `json:"deliveredBy"`
	ReceiveDate      *Time                `json:"receiveDate"`
	MerchantComments *string              `json:"merchantComments"`
	TrackingCodes    []string             `json:"trackingCodes"`
	SpecialAction    *string              `json:"specialAction"`
	Reference        *string              `json:"reference"`
	Products         []StockUpdateProduct `json:"products"`
}

// incoming is the quantity still expected for p on open stock updates and
// the earliest receive date among them.
func (s *Server) incoming(p *product) (int, time.Time) {
	n, at := 0, time.Time{}
	for _, u := range s.st.stockUpdates {
		if u.r.Status != "new" {
			continue
		}
		for i, sp := range u.r.Products {
			if u.prods[i] != p {
				continue
			}
			n += max(0, sp.ExpectedQuantity-sp.ReceivedQuantity)
			if rd := u.r.ReceiveDate; rd != nil && (at.IsZero() || rd.Before(at)) {
				at = rd.Time
			}
		}
	}
	return n, at
}

func (s *Server) listStockUpdates(q *req) (reply, error) {
	after, err := modifiedAfter(q)
	if err != nil {
		return reply{}, err
	}
	ref, auto := q.get("reference"), q.get("autoreference")
	var sel []*stockUpdate
	mod := func(u *stockUpdate) time.Time {
		if u.r.Modified != nil {
			return u.r.Modified.Time
		}
		return u.r.Created.Time
	}
	for _, u := range s.st.stockUpdates {
		if (ref != "" && u.r.Reference != ref) || (auto != "" && u.r.AutoReference != auto) || mod(u).Before(after) {
			continue
		}
		sel = append(sel, u)
	}
	byEdit(sel, mod, func(u *stockUpdate) int { return u.seq })
	if sel, err = page(q, sel); err != nil {
		return reply{}, err
	}
	out := make([]StockUpdateResponse, len(sel))
	for i, u := range sel {
		out[i] = u.render()
	}
	return ok(out), nil
}

func (u *stockUpdate) render() StockUpdateResponse {
	r := u.r
	r.Products = append([]StockUpdateProduct{}, u.r.Products...)
	if u.r.TrackingCodes != nil {
		r.TrackingCodes = append([]string{}, u.r.TrackingCodes...)
	}
	return r
}

func (s *Server) createStockUpdate(q *req) (reply, error) {
	var in stockUpdateRequest
	if err := decode(q.body, &in); err != nil {
		return reply{}, err
	}
	switch {
	case in.Supplier == nil || strings.TrimSpace(*in.Supplier) == "":
		return reply{}, bad("supplier: required")
	case in.ReceiveDate == nil || in.ReceiveDate.IsZero():
		return reply{}, bad("receiveDate: required")
	case in.Reference == nil || strings.TrimSpace(*in.Reference) == "":
		return reply{}, bad("reference: required")
	case len(in.Products) == 0:
		return reply{}, bad("products: at least one product is required")
	}
	for _, u := range s.st.stockUpdates {
		if u.r.Reference == *in.Reference {
			return reply{}, bad("a stock update with reference %q already exists", *in.Reference)
		}
	}
	u := &stockUpdate{prods: make([]*product, len(in.Products))}
	for i, p := range in.Products {
		switch {
		case p.Code == "":
			return reply{}, bad("products[%d].code: required", i)
		case p.ExpectedQuantity <= 0:
			return reply{}, bad("products[%d].expectedQuantity: must be at least 1", i)
		case p.CountryOfOrigin == nil || !isAlpha2(*p.CountryOfOrigin):
			return reply{}, bad("products[%d].countryOfOrigin: required, ISO 3166-1 alpha-2", i)
		case len(deref(p.CustomsDescription)) > 50:
			return reply{}, bad("products[%d].customsDescription: at most 50 characters", i)
		case p.HsCode != nil && !digits(*p.HsCode, 8):
			return reply{}, bad("products[%d].hsCode: %q is not 8 digits", i, *p.HsCode)
		}
		if u.prods[i] = s.st.byCode[p.Code]; u.prods[i] == nil {
			return reply{}, bad("products[%d].code: product %q does not exist; create it first", i, p.Code)
		}
		in.Products[i].ReceivedQuantity, in.Products[i].WarehouseComments = 0, nil
	}
	var auto string
	_, u.seq = s.st.uuid()
	auto = "SU" + pad(len(s.st.stockUpdates)+1)
	u.r = StockUpdateResponse{
		Status: "new", WarehouseCode: in.WarehouseCode, Supplier: *in.Supplier, Containers: in.Containers,
		Pallets: in.Pallets, Parcels: in.Parcels, DeliveredBy: in.DeliveredBy, ReceiveDate: in.ReceiveDate,
		MerchantComments: in.MerchantComments, TrackingCodes: in.TrackingCodes, SpecialAction: in.SpecialAction,
		Reference: *in.Reference, AutoReference: auto, Created: Time{q.now}, Products: in.Products,
	}
	s.st.stockUpdates = append(s.st.stockUpdates, u)
	for _, p := range u.prods {
		p.edit = q.now // stockUpdate and stockUpdateTime of the product changed
	}
	return ok(u.render()), nil
}

func digits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func pad(n int) string {
	s := "000000"
	d := []byte(s)
	for i := len(d) - 1; i >= 0 && n > 0; i-- {
		d[i] = byte('0' + n%10)
		n /= 10
	}
	return string(d)
}

// ReceiveStockUpdate books the stock update with reference as arrived: each
// product's expected quantity is received into stock, its status becomes
// "received", and pending orders are retried.
func (s *Server) ReceiveStockUpdate(reference string) (StockUpdateResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.st.stockUpdates {
		if u.r.Reference != reference {
			continue
		}
		if u.r.Status != "new" {
			return StockUpdateResponse{}, errf(http.StatusConflict, "stock update %q is already %s", reference, u.r.Status)
		}
		now := s.now()
		for i := range u.r.Products {
			sp := &u.r.Products[i]
			sp.ReceivedQuantity = sp.ExpectedQuantity
			u.prods[i].stock += sp.ExpectedQuantity
			u.prods[i].edit = now
			s.stockChanged(u.prods[i], now)
		}
		u.r.Status, u.r.ArrivalDate, u.r.Modified = "received", tp(now), tp(now)
		s.retryPending(now)
		return u.render(), nil
	}
	return StockUpdateResponse{}, errf(http.StatusNotFound, "stock update %q not found", reference)
}

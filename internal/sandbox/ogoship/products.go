package ogoship

import (
	"encoding/base64"
	"net/http"
	"sort"
	"strings"
	"time"
)

type product struct {
	seq      int
	id       string
	f        ProductFields // Code and LanguageCode are never nil
	stock    int           // physical, across warehouses
	reserved int           // held by reserved and collecting orders
	edit     time.Time     // last change of f
	stockMod time.Time     // last change of stock or reserved
}

func (p *product) code() string { return *p.f.Code }

func (p *product) available() int { return max(0, p.stock-p.reserved) }

func (s *Server) renderProduct(p *product) ProductResponse {
	in, at := s.incoming(p)
	return ProductResponse{
		ID: p.id, Stock: p.stock, StockAvailable: p.available(), Reserved: p.reserved,
		StockUpdate: in, StockUpdateTime: tp(at), EditTime: Time{p.edit}, ProductFields: p.f,
	}
}

// byEdit sorts records by time, then by creation.
func byEdit[T any](items []T, at func(T) time.Time, seq func(T) int) {
	sort.SliceStable(items, func(i, j int) bool {
		a, b := at(items[i]), at(items[j])
		if !a.Equal(b) {
			return a.Before(b)
		}
		return seq(items[i]) < seq(items[j])
	})
}

func (s *Server) listProducts(q *req) (reply, error) {
	after, err := modifiedAfter(q)
	if err != nil {
		return reply{}, err
	}
	code, ean := q.get("code"), q.get("eanCode")
	var sel []*product
	for _, p := range s.st.products {
		if (code != "" && p.code() != code) || (ean != "" && deref(p.f.EanCode) != ean) || p.edit.Before(after) {
			continue
		}
		sel = append(sel, p)
	}
	byEdit(sel, func(p *product) time.Time { return p.edit }, func(p *product) int { return p.seq })
	sel, err = page(q, sel)
	if err != nil {
		return reply{}, err
	}
	out := make([]ProductResponse, len(sel))
	for i, p := range sel {
		out[i] = s.renderProduct(p)
	}
	return ok(out), nil
}

// checkProduct validates the fields a create or update sets.
func checkProduct(f *ProductFields, create bool) error {
	if create && (f.Code == nil || strings.TrimSpace(*f.Code) == "") {
		return errf(http.StatusBadRequest, "code: the product code is required")
	}
	if f.Code != nil && (strings.TrimSpace(*f.Code) == "" || len(*f.Code) > 100) {
		return errf(http.StatusBadRequest, "code: must be 1 to 100 characters")
	}
	if create && f.LanguageCode == nil {
		return errf(http.StatusBadRequest, "languageCode: required (ISO 639-1, e.g. fi, en, sv)")
	}
	if f.LanguageCode != nil && !isAlpha2(*f.LanguageCode) {
		return errf(http.StatusBadRequest, "languageCode: %q is not an ISO 639-1 code such as en", *f.LanguageCode)
	}
	if f.CountryOfOrigin != nil && *f.CountryOfOrigin != "" && !isAlpha2(*f.CountryOfOrigin) {
		return errf(http.StatusBadRequest, "countryOfOrigin: %q is not an ISO 3166-1 alpha-2 code", *f.CountryOfOrigin)
	}
	for name, v := range map[string]*float64{"supplyPrice": f.SupplyPrice, "salesPrice": f.SalesPrice} {
		if v != nil && *v < 0 {
			return errf(http.StatusBadRequest, "%s: must not be negative", name)
		}
	}
	return nil
}

func isAlpha2(s string) bool {
	if len(s) != 2 {
		return false
	}
	for _, r := range strings.ToLower(s) {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

func (s *Server) createProduct(q *req) (reply, error) {
	var f ProductFields
	if err := decode(q.body, &f); err != nil {
		return reply{}, err
	}
	if err := checkProduct(&f, true); err != nil {
		return reply{}, err
	}
	if s.st.byCode[*f.Code] != nil {
		return reply{}, errf(http.StatusBadRequest, "a product with code %q already exists; update it with PUT /api/v1/Products/{code}", *f.Code)
	}
	p := s.st.addProduct(f, q.now)
	// As if the goods arrived with the product (Options.ReceiveNew).
	p.stock = s.opts.ReceiveNew
	return ok(s.renderProduct(p)), nil
}

// pathCode is the {code} of a product path, base64url-decoded when the query
// says base64url=true.
func pathCode(q *req) (string, error) {
	c := q.params["code"]
	if !strings.EqualFold(q.get("base64url"), "true") {
		return c, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(c, "="))
	if err != nil || len(b) == 0 {
		return "", errf(http.StatusBadRequest, "product code %q is not base64url although base64url=true", c)
	}
	return string(b), nil
}

func (s *Server) updateProduct(q *req) (reply, error) {
	code, err := pathCode(q)
	if err != nil {
		return reply{}, err
	}
	p := s.st.byCode[code]
	if p == nil {
		return reply{}, errf(http.StatusNotFound, "product %q not found", code)
	}
	var f ProductFields
	if err := decode(q.body, &f); err != nil {
		return reply{}, err
	}
	if err := checkProduct(&f, false); err != nil {
		return reply{}, err
	}
	if f.Code != nil && *f.Code != code {
		if s.st.byCode[*f.Code] != nil {
			return reply{}, errf(http.StatusBadRequest, "cannot rename %q to %q: a product with that code exists", code, *f.Code)
		}
		delete(s.st.byCode, code)
		s.st.byCode[*f.Code] = p
	}
	// An EAN once set is not overwritten (§3.4).
	if deref(p.f.EanCode) != "" {
		f.EanCode = nil
	}
	mergeProduct(&p.f, f)
	p.edit = q.now
	return ok(s.renderProduct(p)), nil
}

// mergeProduct copies the fields f sets into dst.
func mergeProduct(dst *ProductFields, f ProductFields) {
	set := func(d **string, v *string) {
		if v != nil {
			c := *v
			*d = &c
		}
	}
	setf := func(d **float64, v *float64) {
		if v != nil {
			c := *v
			*d = &c
		}
	}
	set(&dst.Name, f.Name)
	set(&dst.Description, f.Description)
	set(&dst.Code, f.Code)
	set(&dst.SupplierCode, f.SupplierCode)
	set(&dst.Supplier, f.Supplier)
	set(&dst.Group, f.Group)
	set(&dst.EanCode, f.EanCode)
	setf(&dst.SupplyPrice, f.SupplyPrice)
	setf(&dst.SalesPrice, f.SalesPrice)
	set(&dst.CurrencyCode, f.CurrencyCode)
	set(&dst.InfoUrl, f.InfoUrl)
	set(&dst.PictureUrl, f.PictureUrl)
	set(&dst.CountryOfOrigin, f.CountryOfOrigin)
	set(&dst.LanguageCode, f.LanguageCode)
	set(&dst.CustomsDescription, f.CustomsDescription)
	set(&dst.HsCode, f.HsCode)
}

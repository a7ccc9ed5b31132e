package clientify

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// resource describes one Clientify collection for the generic reads.
type resource[T any] struct {
	name   string // "contact"
	path   string // "/contacts/"
	fields string // fields= of reads; "" sends none
	decode func(json.RawMessage) (T, error)
	id     func(T) int64
	// required are the fields every PUT must carry, with their value on a
	// record: a DRF PUT is a full update, so an update that leaves out the
	// record's name is 400 {"name": ["This field is required."]} even when
	// the name does not change.
	required map[string]func(T) string
}

var (
	companies = resource[Company]{name: "company", path: "/companies/", fields: companyFields, decode: decodeCompanyRaw, id: func(c Company) int64 { return int64(c.ID) },
		required: map[string]func(Company) string{"name": func(c Company) string { return c.Name }}}
	contacts = resource[Contact]{name: "contact", path: "/contacts/", fields: contactFields, decode: decodeContactRaw, id: func(c Contact) int64 { return int64(c.ID) },
		required: map[string]func(Contact) string{"first_name": func(c Contact) string { return c.FirstName }}}
	products = resource[Product]{name: "product", path: "/products/", fields: productFields, decode: decodeProductRaw, id: func(p Product) int64 { return int64(p.ID) },
		required: map[string]func(Product) string{"name": func(p Product) string { return p.Name }}}
	deals  = resource[Deal]{name: "deal", path: "/deals/", fields: dealFields, decode: decodeDealRaw, id: func(d Deal) int64 { return int64(d.ID) }}
	orders = resource[Order]{name: "order", path: "/orders/", fields: orderFields, decode: decodeOrderRaw, id: func(o Order) int64 { return int64(o.ID) }}
)

// query returns q with the resource's fields= set (unless q sets its own).
func (r resource[T]) query(q url.Values) url.Values {
	q = cloneValues(q)
	if r.fields != "" && q.Get("fields") == "" {
		q.Set("fields", r.fields)
	}
	return q
}

// list reads every page of r filtered by q. Items that fail to decode do
// not stop the read: the others are handed over, and the read ends with an
// error joining the items' errors.
func list[T any](ctx context.Context, c *Client, r resource[T], q url.Values, page func([]T) error) error {
	var bad []error
	err := pages(ctx, c, r.path, r.query(q), r.name, r.decode, func(items []T, b []error) error {
		bad = append(bad, b...)
		if len(items) == 0 {
			return nil
		}
		return page(items)
	})
	if err != nil {
		return err
	}
	return errors.Join(bad...)
}

// get reads one record by id.
func get[T any](ctx context.Context, c *Client, r resource[T], id int64) (T, error) {
	var zero T
	var raw json.RawMessage
	u := c.path(r.path+strconv.FormatInt(id, 10), r.query(nil))
	if _, err := c.call(ctx, http.MethodGet, u, nil, true, Subject{Resource: r.name, Key: "id", Value: strconv.FormatInt(id, 10)}, &raw); err != nil {
		return zero, err
	}
	v, err := r.decode(raw)
	if err != nil {
		return zero, &ItemError{Op: "GET " + opPath(u), Resource: r.name, ID: strconv.FormatInt(id, 10), Err: err}
	}
	return v, nil
}

// findOne reads the records each of qs selects and keeps those match
// accepts: the filters Clientify offers are substring searches (query) or
// unconfirmed (email, sku, order_id), so the natural key is compared here,
// exactly. Two or more matches are a DuplicateKeyError; records that fail
// to decode make a miss an error (one of them may be the record).
func findOne[T any](ctx context.Context, c *Client, r resource[T], qs []url.Values, subject Subject, match func(T) bool) (T, bool, error) {
	var zero T
	var found []T
	var bad []error
	for _, q := range qs {
		err := pages(ctx, c, r.path, r.query(q), r.name, r.decode, func(items []T, b []error) error {
			bad = append(bad, b...)
			for _, v := range items {
				if match(v) {
					found = append(found, v)
				}
			}
			return nil
		})
		if err != nil {
			return zero, false, err
		}
	}
	switch len(found) {
	case 0:
		if len(bad) > 0 {
			return zero, false, errors.Join(append([]error{&LookupError{Account: c.name, Subject: subject}}, bad...)...)
		}
		return zero, false, nil
	case 1:
		return found[0], true, nil
	}
	ids := make([]int64, 0, len(found))
	seen := map[int64]bool{}
	for _, v := range found {
		if id := r.id(v); !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ids) == 1 {
		return found[0], true, nil
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return zero, false, &DuplicateKeyError{Account: c.name, Subject: subject, IDs: ids}
}

// Companies reads the companies q selects (nil: all), a page at a time.
func (c *Client) Companies(ctx context.Context, q url.Values, page func([]Company) error) error {
	return list(ctx, c, companies, q, page)
}

// Company reads a company by id.
func (c *Client) Company(ctx context.Context, id int64) (Company, error) {
	return get(ctx, c, companies, id)
}

// FindCompanyByTaxID returns the company whose
// taxpayer_identification_number is taxID (compared as NormTaxID, so
// "B 12345678", "b-12345678" and "B12345678" are one key). It searches
// with query= (a substring search that matches a NIF; a literal
// taxpayer_identification_number= filter is not honoured, reference
// samples) by taxIDQueries and compares the key itself; two companies
// holding the key, however written, are a DuplicateKeyError.
func (c *Client) FindCompanyByTaxID(ctx context.Context, taxID string) (Company, bool, error) {
	key := NormTaxID(taxID)
	s := Subject{Resource: "company", Key: "taxpayer_identification_number", Value: taxID}
	if key == "" {
		return Company{}, false, nil
	}
	return findOne(ctx, c, companies, taxIDQueries(taxID), s, func(v Company) bool { return NormTaxID(v.TaxpayerID) == key })
}

// taxIDQueries are the query= searches whose results hold every record
// with taxID's key however Clientify holds it: Clientify compares taxpayer
// ids exactly (a company "B 12345678" is not a duplicate of "B12345678")
// and query= is a substring search, so a search for the id as given misses
// the id written with a blank. The searches are the id as given, its
// normalised form and, when it has at least 5, its longest run of digits
// (in "B12345678", "B 12345678", "ESB12345678" alike); a search whose text
// contains another's finds a subset of that one's and is left out, so the
// usual NIF or CIF costs one search, by its digits.
func taxIDQueries(taxID string) []url.Values {
	cands := []string{strings.TrimSpace(taxID), NormTaxID(taxID)}
	run, best := "", ""
	for _, r := range NormTaxID(taxID) + "x" {
		if r >= '0' && r <= '9' {
			run += string(r)
			continue
		}
		if len(run) > len(best) {
			best = run
		}
		run = ""
	}
	if len(best) >= 5 {
		cands = append(cands, best)
	}
	var keep []string
	for i, a := range cands {
		la, drop := strings.ToLower(a), a == ""
		for j, b := range cands {
			lb := strings.ToLower(b)
			if i != j && b != "" && strings.Contains(la, lb) && (la != lb || j < i) {
				drop = true
			}
		}
		if !drop {
			keep = append(keep, a)
		}
	}
	qs := make([]url.Values, len(keep))
	for i, k := range keep {
		qs[i] = url.Values{"query": {k}}
	}
	return qs
}

// Contacts reads the contacts q selects (nil: all), a page at a time.
func (c *Client) Contacts(ctx context.Context, q url.Values, page func([]Contact) error) error {
	return list(ctx, c, contacts, q, page)
}

// Contact reads a contact by id.
func (c *Client) Contact(ctx context.Context, id int64) (Contact, error) {
	return get(ctx, c, contacts, id)
}

// FindContactByEmail returns the contact one of whose e-mails is addr
// (compared as NormEmail), searching with email=.
func (c *Client) FindContactByEmail(ctx context.Context, addr string) (Contact, bool, error) {
	s := Subject{Resource: "contact", Key: "email", Value: addr}
	if NormEmail(addr) == "" {
		return Contact{}, false, nil
	}
	return findOne(ctx, c, contacts, []url.Values{{"email": {NormEmail(addr)}}}, s, func(v Contact) bool { return v.HasEmail(addr) })
}

// FindContactByTaxID returns the contact whose
// taxpayer_identification_number is taxID (compared as NormTaxID),
// searching with query= as FindCompanyByTaxID does.
func (c *Client) FindContactByTaxID(ctx context.Context, taxID string) (Contact, bool, error) {
	key := NormTaxID(taxID)
	s := Subject{Resource: "contact", Key: "taxpayer_identification_number", Value: taxID}
	if key == "" {
		return Contact{}, false, nil
	}
	return findOne(ctx, c, contacts, taxIDQueries(taxID), s, func(v Contact) bool { return NormTaxID(v.TaxpayerID) == key })
}

// Products reads the products q selects (nil: all), a page at a time.
func (c *Client) Products(ctx context.Context, q url.Values, page func([]Product) error) error {
	return list(ctx, c, products, q, page)
}

// Product reads a product by id.
func (c *Client) Product(ctx context.Context, id int64) (Product, error) {
	return get(ctx, c, products, id)
}

// FindProductBySKU returns the product whose sku is sku, searching with
// sku=.
func (c *Client) FindProductBySKU(ctx context.Context, sku string) (Product, bool, error) {
	key := NormSKU(sku)
	s := Subject{Resource: "product", Key: "sku", Value: sku}
	if key == "" {
		return Product{}, false, nil
	}
	return findOne(ctx, c, products, []url.Values{{"sku": {key}}}, s, func(v Product) bool { return NormSKU(string(v.SKU)) == key })
}

// Deals reads the deals q selects (nil: all; status_id=3 the won ones), a
// page at a time.
func (c *Client) Deals(ctx context.Context, q url.Values, page func([]Deal) error) error {
	return list(ctx, c, deals, q, page)
}

// Deal reads a deal by id.
func (c *Client) Deal(ctx context.Context, id int64) (Deal, error) {
	return get(ctx, c, deals, id)
}

// Orders reads the orders q selects (nil: all), a page at a time.
func (c *Client) Orders(ctx context.Context, q url.Values, page func([]Order) error) error {
	return list(ctx, c, orders, q, page)
}

// Order reads an order by id.
func (c *Client) Order(ctx context.Context, id int64) (Order, error) {
	return get(ctx, c, orders, id)
}

// FindOrderByOrderID returns the order whose order_id is orderID (the hub's
// order name), searching with order_id=.
func (c *Client) FindOrderByOrderID(ctx context.Context, orderID string) (Order, bool, error) {
	key := NormSKU(orderID)
	s := Subject{Resource: "order", Key: "order_id", Value: orderID}
	if key == "" {
		return Order{}, false, nil
	}
	return findOne(ctx, c, orders, []url.Values{{"order_id": {key}}}, s, func(v Order) bool { return NormSKU(string(v.OrderID)) == key })
}

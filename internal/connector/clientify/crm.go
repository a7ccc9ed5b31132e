package clientify

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

// Clientify as either end of the two-way routes (flow.CompanySide,
// flow.ContactSide, flow.CRMProductSide) and as the sales route's target
// (flow.CRMOrderSink), with seed 004's field tables:
//
//	company   name ⇄ Name (Odoo display_name), business_name ⇄ LegalName (Odoo name),
//	          taxpayer_identification_number ⇄ Ref, phones[0] ⇄ Phone,
//	          addresses[0] street, city, state, country, postal_code ⇄ Street, City, State, Country, Zip
//	contact   first_name + last_name ⇄ Name, emails[0] ⇄ Email, taxpayer_identification_number ⇄ Ref,
//	          company (its taxpayer id) ⇄ CompanyRef, phones ⇄ Phones, addresses[0] ⇄ Street, City,
//	          Country, Zip, status ⇄ Status, contact_type "Cliente actual" ⇄ Customer
//	product   sku, name, price
//	order     order_id = Number, status, order_date, ecommerce, currency, contact, items
//	          {name, sku (the barcode), price, quantity (to deliver)}
//
// Writes send only the fields asked for (model.Upsert.Fields) and never
// clear one: an empty value is left out. A name written to a contact that
// has a last name keeps it when the name ends with it, else goes whole to
// first_name and blanks last_name (Odoo's name is one field). Every write
// reads the record back, so the route knows its own write when it sees it
// again. Records are read by id one GET each (Clientify has no id filter).

// companyOf maps a company.
func companyOf(c Company) model.Company {
	out := model.Company{ID: strconv.FormatInt(int64(c.ID), 10), Ref: strings.TrimSpace(c.TaxpayerID), Name: strings.TrimSpace(c.Name),
		LegalName: strings.TrimSpace(c.BusinessName), UpdatedAt: c.Modified.Time}
	if len(c.Phones) > 0 {
		out.Phone = strings.TrimSpace(string(c.Phones[0].Phone))
	}
	if len(c.Addresses) > 0 {
		a := c.Addresses[0]
		out.Street, out.City, out.State = strings.TrimSpace(a.Street), strings.TrimSpace(a.City), strings.TrimSpace(a.State)
		out.Country, out.Zip = strings.TrimSpace(a.Country), strings.TrimSpace(string(a.PostalCode))
	}
	return out
}

// fieldSet says which fields an upsert writes: all of them when none are
// named (a create).
type fieldSet map[string]bool

func fieldsOf(names []string) fieldSet {
	if names == nil {
		return nil
	}
	f := fieldSet{}
	for _, n := range names {
		f[n] = true
	}
	return f
}

func (f fieldSet) has(names ...string) bool {
	if f == nil {
		return true
	}
	for _, n := range names {
		if f[n] {
			return true
		}
	}
	return false
}

// pick is v when field is asked for, else "" (which leaves the value as
// it is).
func (f fieldSet) pick(field, v string) string {
	if f.has(field) {
		return v
	}
	return ""
}

// parseID reads a record id of ours.
func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%q is not a Clientify id", s)
	}
	return id, nil
}

// readByID reads records one GET each; a JSON 404 leaves one out (deleted).
func readByID[T any](ctx context.Context, c *Client, r resource[T], ids []string) ([]T, error) {
	var out []T
	for _, s := range ids {
		id, err := parseID(s)
		if err != nil {
			continue
		}
		v, err := get(ctx, c, r, id)
		if IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// changedModel is an incremental read (changes.go) mapped to model records:
// records that failed to decode come in bad with the last page.
func changedModel[W, M any](ctx context.Context, read func(context.Context, time.Time, func([]W, time.Time) error) error, since time.Time,
	mapPage func(context.Context, []W) ([]M, error), page func([]M, []error, time.Time) error) error {
	last := since
	err := read(ctx, since, func(ws []W, through time.Time) error {
		ms, err := mapPage(ctx, ws)
		if err != nil {
			return err
		}
		last = through
		return page(ms, nil, through)
	})
	if bad, ok := onlyItemErrors(err); ok {
		return page(nil, bad, last)
	}
	return err
}

// onlyItemErrors splits err into its records' decode failures when that is
// all it is.
func onlyItemErrors(err error) ([]error, bool) {
	if err == nil {
		return nil, false
	}
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	for _, e := range list {
		var ie *ItemError
		if !errors.As(e, &ie) {
			return nil, false
		}
	}
	return list, true
}

// ChangedCompanies implements flow.CompanySource.
func (c *Client) ChangedCompanies(ctx context.Context, since time.Time, page func([]model.Company, []error, time.Time) error) error {
	return changedModel(ctx, c.ChangedCompanyRecords, since, func(_ context.Context, cs []Company) ([]model.Company, error) {
		out := make([]model.Company, len(cs))
		for i, v := range cs {
			out[i] = companyOf(v)
		}
		return out, nil
	}, page)
}

// ReadCompanies implements flow.CompanySink.
func (c *Client) ReadCompanies(ctx context.Context, ids []string) ([]model.Company, error) {
	cs, err := readByID(ctx, c, companies, ids)
	out := make([]model.Company, len(cs))
	for i, v := range cs {
		out[i] = companyOf(v)
	}
	return out, err
}

// FindCompanies implements flow.CompanySink: by taxpayer id
// (FindCompanyByTaxID); two companies holding one are the match's error.
func (c *Client) FindCompanies(ctx context.Context, refs []string) ([]model.Match[model.Company], error) {
	out := make([]model.Match[model.Company], len(refs))
	for i, ref := range refs {
		out[i].Key = ref
		v, ok, err := c.FindCompanyByTaxID(ctx, ref)
		var dup *DuplicateKeyError
		switch {
		case errors.As(err, &dup):
			out[i].Err = err
		case err != nil:
			return nil, err
		case ok:
			out[i].Record, out[i].Found = companyOf(v), true
		}
	}
	return out, nil
}

// WriteCompanies implements flow.CompanySink.
func (c *Client) WriteCompanies(ctx context.Context, ws []model.Upsert[model.Company]) ([]model.Written[model.Company], error) {
	return writeEach(ws, func(w model.Upsert[model.Company]) (model.Company, bool, error) {
		v, created, err := c.writeCompany(ctx, w)
		return companyOf(v), created, err
	}), nil
}

// writeEach writes records one by one. A failure of the record's own (a
// refusal, a deletion) is its result; after any other (the connection, the
// account) the page's later records are not tried, each failing with it,
// so that they do not each wait for their own timeout.
func writeEach[T any](ws []model.Upsert[T], write func(model.Upsert[T]) (T, bool, error)) []model.Written[T] {
	out := make([]model.Written[T], len(ws))
	var down error
	for i, w := range ws {
		if down != nil {
			out[i].Err = fmt.Errorf("not written, since an earlier write of the page failed: %w", down)
			continue
		}
		v, created, err := write(w)
		if err != nil {
			out[i].Err = err
			if !itsOwn(err) {
				down = err
			}
			continue
		}
		out[i] = model.Written[T]{Record: v, Created: created}
	}
	return out
}

// itsOwn reports an error of one record (a refusal, a deletion, a duplicate)
// rather than of the account or the connection.
func itsOwn(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return !ae.NotJSON && !ae.KeyRefused() && ae.Status >= 400 && ae.Status < 500 && ae.Status != 429 && ae.Status != 408
	}
	var dup *DuplicateKeyError
	var ie *ItemError
	return errors.Is(err, model.ErrGone) || errors.Is(err, model.ErrNoCompany) || errors.As(err, &dup) || errors.As(err, &ie)
}

func (c *Client) writeCompany(ctx context.Context, w model.Upsert[model.Company]) (Company, bool, error) {
	m, f := w.Record, fieldsOf(w.Fields)
	subject := Subject{Resource: "company", Key: "taxpayer_identification_number", Value: m.Ref}
	body := map[string]any{}
	if f.has("name") {
		put(body, "name", m.Name)
	}
	if f.has("legal_name") {
		put(body, "business_name", m.LegalName)
	}
	if f.has("ref") {
		put(body, "taxpayer_identification_number", m.Ref)
	}
	var cur Company
	created := false
	if w.RemoteID == "" {
		if _, ok := body["name"]; !ok {
			put(body, "name", m.LegalName) // Clientify requires a name
		}
		find := func(ctx context.Context) (Company, bool, error) { return c.FindCompanyByTaxID(ctx, m.Ref) }
		if model.TaxKey(m.Ref) == "" {
			find = func(context.Context) (Company, bool, error) { return Company{}, false, nil }
		}
		v, mine, err := create(ctx, c, companies, body, subject, find)
		if err != nil {
			return v, false, err
		}
		cur, created = v, mine
	} else {
		id, err := parseID(w.RemoteID)
		if err != nil {
			return cur, false, fmt.Errorf("company %s: %w", m.Ref, model.ErrGone)
		}
		if cur, err = get(ctx, c, companies, id); err != nil {
			if IsNotFound(err) {
				return cur, false, fmt.Errorf("clientify %s: company %d: %w", c.name, id, model.ErrGone)
			}
			return cur, false, err
		}
		if len(body) > 0 {
			if cur, err = update(ctx, c, companies, id, body, subject); err != nil {
				return cur, false, err
			}
		}
	}
	n := 0
	id := int64(cur.ID)
	if f.has("phone") {
		var typ ID
		if len(cur.Phones) > 0 {
			typ = cur.Phones[0].Type
		}
		k, err := c.setEntries(ctx, "companies", id, "phones", subject, phoneEntries(cur.Phones), []entry{phoneEntry(m.Phone, typ)})
		if n += k; err != nil {
			return cur, created, err
		}
	}
	if f.has("street", "city", "state", "country", "zip") {
		a := addressWith(cur.Addresses, f.pick("street", m.Street), f.pick("city", m.City), f.pick("state", m.State), f.pick("country", m.Country), f.pick("zip", m.Zip))
		k, err := c.setEntries(ctx, "companies", id, "addresses", subject, addressEntries(cur.Addresses), []entry{addressEntry(a)})
		if n += k; err != nil {
			return cur, created, err
		}
	}
	if n > 0 {
		v, err := get(ctx, c, companies, id)
		return v, created, err
	}
	return cur, created, nil
}

// addressWith is the record's first address with the given values, each
// empty one keeping what the address has.
func addressWith(have []Address, street, city, state, country, zip string) Address {
	var a Address
	if len(have) > 0 {
		a = have[0]
	}
	set := func(dst *string, v string) {
		if v = strings.TrimSpace(v); v != "" {
			*dst = v
		}
	}
	set(&a.Street, street)
	set(&a.City, city)
	set(&a.State, state)
	set(&a.Country, country)
	pc := string(a.PostalCode)
	set(&pc, zip)
	a.PostalCode = Text(pc)
	return a
}

// RecordHint implements flow.RecordHinter: the record a delivery names
// (DecodeWebhook) and whether it was deleted.
func (c *Client) RecordHint(body []byte) (model.RecordHint, error) {
	w, err := DecodeWebhook(body)
	if err != nil {
		return model.RecordHint{}, err
	}
	h := model.RecordHint{Resource: w.Resource, Deleted: w.Deleted()}
	if w.ID > 0 {
		h.ID = strconv.FormatInt(w.ID, 10)
	}
	return h, nil
}

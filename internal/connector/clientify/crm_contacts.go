package clientify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

// CustomerType is the contact_type of a current customer (seed 004's
// "tipo de cliente: Cliente actual").
const CustomerType = "Cliente actual"

// contactOf maps a contact; companyRef is its company's taxpayer id.
func contactOf(ct Contact, companyRef string) model.Contact {
	out := model.Contact{ID: fmt.Sprint(int64(ct.ID)), Name: strings.TrimSpace(strings.TrimSpace(ct.FirstName) + " " + strings.TrimSpace(ct.LastName)),
		Ref: strings.TrimSpace(ct.TaxpayerID), CompanyRef: companyRef, Status: strings.TrimSpace(ct.Status),
		Customer: strings.EqualFold(strings.TrimSpace(string(ct.ContactType)), CustomerType), UpdatedAt: ct.Modified.Time}
	for _, e := range ct.Emails {
		if NormEmail(e.Email) != "" {
			out.Email = strings.TrimSpace(e.Email)
			break
		}
	}
	for _, p := range ct.Phones {
		if v := strings.TrimSpace(string(p.Phone)); v != "" {
			out.Phones = append(out.Phones, v)
		}
	}
	if len(ct.Addresses) > 0 {
		a := ct.Addresses[0]
		out.Street, out.City, out.Country, out.Zip = strings.TrimSpace(a.Street), strings.TrimSpace(a.City), strings.TrimSpace(a.Country), strings.TrimSpace(string(a.PostalCode))
	}
	return out
}

// companyRefs reads the taxpayer ids of the contacts' companies into refs
// (by company id), one GET per company not read before; a company deleted
// has none.
func (c *Client) companyRefs(ctx context.Context, cts []Contact, refs map[int64]string) error {
	for _, ct := range cts {
		id := ct.CompanyRef().ID
		if id == 0 {
			continue
		}
		if _, ok := refs[id]; ok {
			continue
		}
		co, err := get(ctx, c, companies, id)
		switch {
		case IsNotFound(err):
			refs[id] = ""
		case err != nil:
			return err
		default:
			refs[id] = strings.TrimSpace(co.TaxpayerID)
		}
	}
	return nil
}

func (c *Client) contactsOf(ctx context.Context, cts []Contact, refs map[int64]string) ([]model.Contact, error) {
	if err := c.companyRefs(ctx, cts, refs); err != nil {
		return nil, err
	}
	out := make([]model.Contact, len(cts))
	for i, ct := range cts {
		out[i] = contactOf(ct, refs[ct.CompanyRef().ID])
	}
	return out, nil
}

// ChangedContacts implements flow.ContactSource.
func (c *Client) ChangedContacts(ctx context.Context, since time.Time, page func([]model.Contact, []error, time.Time) error) error {
	refs := map[int64]string{}
	return changedModel(ctx, c.ChangedContactRecords, since, func(ctx context.Context, cts []Contact) ([]model.Contact, error) {
		return c.contactsOf(ctx, cts, refs)
	}, page)
}

// ReadContacts implements flow.ContactSink.
func (c *Client) ReadContacts(ctx context.Context, ids []string) ([]model.Contact, error) {
	cts, err := readByID(ctx, c, contacts, ids)
	if err != nil {
		return nil, err
	}
	return c.contactsOf(ctx, cts, map[int64]string{})
}

// FindContacts implements flow.ContactSink: a key is an e-mail
// (FindContactByEmail) or "ref:" and a taxpayer id (FindContactByTaxID).
func (c *Client) FindContacts(ctx context.Context, keys []string) ([]model.Match[model.Contact], error) {
	out := make([]model.Match[model.Contact], len(keys))
	refs := map[int64]string{}
	for i, key := range keys {
		out[i].Key = key
		var v Contact
		var ok bool
		var err error
		if ref, isRef := strings.CutPrefix(key, "ref:"); isRef {
			v, ok, err = c.FindContactByTaxID(ctx, ref)
		} else {
			v, ok, err = c.FindContactByEmail(ctx, key)
		}
		var dup *DuplicateKeyError
		switch {
		case errors.As(err, &dup):
			out[i].Err = err
		case err != nil:
			return nil, err
		case ok:
			m, err := c.contactsOf(ctx, []Contact{v}, refs)
			if err != nil {
				return nil, err
			}
			out[i].Record, out[i].Found = m[0], true
		}
	}
	return out, nil
}

// WriteContacts implements flow.ContactSink.
func (c *Client) WriteContacts(ctx context.Context, ws []model.Upsert[model.Contact]) ([]model.Written[model.Contact], error) {
	refs := map[int64]string{}
	return writeEach(ws, func(w model.Upsert[model.Contact]) (model.Contact, bool, error) {
		v, created, err := c.writeContact(ctx, w)
		if err != nil {
			return model.Contact{}, false, err
		}
		m, err := c.contactsOf(ctx, []Contact{v}, refs)
		if err != nil {
			return model.Contact{}, created, err
		}
		return m[0], created, nil
	}), nil
}

func (c *Client) writeContact(ctx context.Context, w model.Upsert[model.Contact]) (Contact, bool, error) {
	m, f := w.Record, fieldsOf(w.Fields)
	subject := Subject{Resource: "contact", Key: "email", Value: strings.TrimSpace(m.Email)}
	if NormEmail(m.Email) == "" {
		subject = Subject{Resource: "contact", Key: "taxpayer_identification_number", Value: strings.TrimSpace(m.Ref)}
	}
	body := map[string]any{}
	if f.has("ref") {
		put(body, "taxpayer_identification_number", m.Ref)
	}
	if f.has("status") {
		put(body, "status", m.Status)
	}
	if f.has("customer") && m.Customer {
		body["contact_type"] = CustomerType
	}
	if f.has("company_ref") && model.TaxKey(m.CompanyRef) != "" {
		co, ok, err := c.FindCompanyByTaxID(ctx, m.CompanyRef)
		if err != nil {
			return Contact{}, false, err
		}
		if !ok {
			return Contact{}, false, fmt.Errorf("clientify %s: contact %s: company %s: %w", c.name, subject.Value, m.CompanyRef, model.ErrNoCompany)
		}
		body["company"] = Ref{ID: int64(co.ID), URL: c.URL("companies", int64(co.ID))}
	}
	var cur Contact
	created := false
	if w.RemoteID == "" {
		put(body, "first_name", m.Name)
		if _, ok := body["status"]; !ok && m.Customer {
			body["status"] = "client"
		}
		if e := strings.TrimSpace(m.Email); e != "" {
			body["email"] = e
		}
		if len(m.Phones) > 0 {
			put(body, "phone", m.Phones[0])
		}
		if a := addressWith(nil, m.Street, m.City, "", m.Country, m.Zip); addressKey(a) != "||||" {
			body["addresses"] = withTypes([]Address{a})
		}
		in := ContactInput{TaxpayerID: m.Ref}
		if e := strings.TrimSpace(m.Email); e != "" {
			in.Emails = []Email{{Email: e}}
		}
		v, mine, err := create(ctx, c, contacts, body, subject, func(ctx context.Context) (Contact, bool, error) { return c.findContact(ctx, in) })
		if err != nil {
			return v, false, err
		}
		cur, created = v, mine
		f = fieldSet{"phones": len(m.Phones) > 1}
	} else {
		id, err := parseID(w.RemoteID)
		if err != nil {
			return cur, false, fmt.Errorf("contact %s: %w", subject.Value, model.ErrGone)
		}
		if cur, err = get(ctx, c, contacts, id); err != nil {
			if IsNotFound(err) {
				return cur, false, fmt.Errorf("clientify %s: contact %d: %w", c.name, id, model.ErrGone)
			}
			return cur, false, err
		}
		if f.has("name") {
			nameBody(body, m.Name, cur.LastName)
		}
		if len(body) > 0 {
			if cur, err = update(ctx, c, contacts, id, body, subject); err != nil {
				return cur, false, err
			}
		}
	}
	id := int64(cur.ID)
	n := 0
	if f.has("email") && w.RemoteID != "" {
		var typ ID
		if len(cur.Emails) > 0 {
			typ = cur.Emails[0].Type
		}
		k, err := c.setEntries(ctx, "contacts", id, "emails", subject, emailEntries(cur.Emails), []entry{emailEntry(m.Email, typ)})
		if n += k; err != nil {
			return cur, created, err
		}
	}
	if f.has("phones") {
		want := make([]entry, len(m.Phones))
		for i, p := range m.Phones {
			var typ ID
			if i < len(cur.Phones) {
				typ = cur.Phones[i].Type
			}
			want[i] = phoneEntry(p, typ)
		}
		k, err := c.setEntries(ctx, "contacts", id, "phones", subject, phoneEntries(cur.Phones), want)
		if n += k; err != nil {
			return cur, created, err
		}
	}
	if w.RemoteID != "" && f.has("street", "city", "country", "zip") {
		a := addressWith(cur.Addresses, f.pick("street", m.Street), f.pick("city", m.City), "", f.pick("country", m.Country), f.pick("zip", m.Zip))
		k, err := c.setEntries(ctx, "contacts", id, "addresses", subject, addressEntries(cur.Addresses), []entry{addressEntry(a)})
		if n += k; err != nil {
			return cur, created, err
		}
	}
	if n > 0 {
		v, err := get(ctx, c, contacts, id)
		return v, created, err
	}
	return cur, created, nil
}

// nameBody writes a whole name (Odoo's one field) to a contact whose last
// name is last: a name ending in it keeps it and sends the rest as
// first_name; another goes whole to first_name and blanks last_name.
func nameBody(body map[string]any, name, last string) {
	name, last = strings.Join(strings.Fields(name), " "), strings.Join(strings.Fields(last), " ")
	if name == "" {
		return
	}
	if last != "" && len(name) > len(last)+1 && strings.HasSuffix(name, " "+last) {
		body["first_name"] = strings.TrimSpace(strings.TrimSuffix(name, " "+last))
		return
	}
	body["first_name"] = name
	if last != "" {
		body["last_name"] = ""
	}
}

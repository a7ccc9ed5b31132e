package odoo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

// contactsOf maps people, with their company's ref (parent_id).
func (c *Client) contactsOf(ctx context.Context, rows []crmPartnerRow) ([]model.Contact, error) {
	g, err := c.geoOf(ctx, rows)
	if err != nil {
		return nil, err
	}
	var parents []int64
	for _, r := range rows {
		if r.ParentID.ID != 0 {
			parents = append(parents, r.ParentID.ID)
		}
	}
	prows, err := c.readPartners(ctx, companyDomain, parseIDs(idStrings(parents)))
	if err != nil {
		return nil, err
	}
	refs := map[int64]string{}
	for _, p := range prows {
		refs[int64(p.ID)] = strings.TrimSpace(string(p.Ref))
	}
	out := make([]model.Contact, len(rows))
	for i, r := range rows {
		ct := model.Contact{ID: r.ID.String(), Name: strings.TrimSpace(string(r.Name)), Email: strings.TrimSpace(string(r.Email)),
			Ref: strings.TrimSpace(string(r.Ref)), CompanyRef: refs[r.ParentID.ID], Street: strings.TrimSpace(string(r.Street)),
			City: strings.TrimSpace(string(r.City)), Country: g.countries[r.CountryID.ID], Zip: strings.TrimSpace(string(r.Zip)),
			Customer: r.CustomerRank > 0, Archived: !bool(r.Active), UpdatedAt: r.WriteDate.Time}
		for _, p := range []Str{r.Phone, r.Mobile} {
			if v := strings.TrimSpace(string(p)); v != "" {
				ct.Phones = append(ct.Phones, v)
			}
		}
		out[i] = ct
	}
	return out, nil
}

func idStrings(ids []int64) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = fmt.Sprint(id)
	}
	return out
}

// ChangedContacts implements flow.ContactSource: the people (is_company
// false, type contact) changed at or after since, archived ones too.
func (c *Client) ChangedContacts(ctx context.Context, since time.Time, page func([]model.Contact, []error, time.Time) error) error {
	feed := Feed{Name: "contacts", Model: "res.partner", Domain: personDomain, Fields: crmPartnerFields}
	return c.pages(ctx, feed, since, func(chs []Change) error {
		rows, bad := decodeRows[crmPartnerRow](chs, "res.partner")
		cs, err := c.contactsOf(ctx, rows)
		if err != nil {
			return err
		}
		return page(cs, bad, chs[0].WriteDate)
	}, func(t time.Time) error { return page(nil, nil, t) })
}

// ReadContacts implements flow.ContactSink.
func (c *Client) ReadContacts(ctx context.Context, ids []string) ([]model.Contact, error) {
	rows, err := c.readPartners(ctx, personDomain, parseIDs(ids))
	if err != nil {
		return nil, err
	}
	return c.contactsOf(ctx, rows)
}

// FindContacts implements flow.ContactSink: a key is an e-mail (the people
// holding it, case-insensitively) or "ref:" and a tax id.
func (c *Client) FindContacts(ctx context.Context, keys []string) ([]model.Match[model.Contact], error) {
	version, err := c.Version(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]model.Match[model.Contact], len(keys))
	for i, key := range keys {
		out[i].Key = key
		var rows []crmPartnerRow
		what := "email"
		if ref, ok := strings.CutPrefix(key, "ref:"); ok {
			what = "ref"
			if rows, err = c.partnersByRef(ctx, personDomain, ref); err != nil {
				return nil, err
			}
		} else {
			e := model.EmailKey(key)
			all, err := SearchRead[crmPartnerRow](ctx, c, "res.partner", Query{Domain: append([]any{[]any{"email", "=ilike", e}}, personDomain...), Fields: crmPartnerFields(version), Context: inactiveToo})
			if err != nil {
				return nil, err
			}
			for _, r := range all {
				if model.EmailKey(string(r.Email)) == e {
					rows = append(rows, r)
				}
			}
		}
		r, ok, err := c.one(rows, what, key)
		if err != nil {
			out[i].Err = err
			continue
		}
		if ok {
			cs, err := c.contactsOf(ctx, []crmPartnerRow{r})
			if err != nil {
				return nil, err
			}
			out[i].Record, out[i].Found = cs[0], true
		}
	}
	return out, nil
}

// contactVals are the values of the asked fields of m; the company is
// found by its ref (model.ErrNoCompany when Odoo has none).
func (c *Client) contactVals(ctx context.Context, m model.Contact, fields []string) (map[string]any, error) {
	version, err := c.Version(ctx)
	if err != nil {
		return nil, err
	}
	ask := asked(fields)
	vals := map[string]any{}
	setIf(vals, ask, "name", "name", m.Name)
	if ask("email") && model.EmailKey(m.Email) != "" {
		vals["email"] = strings.TrimSpace(m.Email)
	}
	setIf(vals, ask, "ref", "ref", m.Ref)
	if ask("phones") {
		if len(m.Phones) > 0 {
			setIf(vals, ask, "phones", "phone", m.Phones[0])
		}
		if len(m.Phones) > 1 && version < 19 {
			setIf(vals, ask, "phones", "mobile", m.Phones[1])
		}
	}
	setIf(vals, ask, "street", "street", m.Street)
	setIf(vals, ask, "city", "city", m.City)
	setIf(vals, ask, "zip", "zip", m.Zip)
	if ask("country") {
		country, err := c.countryFor(ctx, m.Country)
		if err != nil {
			return nil, err
		}
		if country != 0 {
			vals["country_id"] = country
		}
	}
	if ask("customer") && m.Customer {
		vals["customer_rank"] = 1
	}
	if ask("company_ref") && model.TaxKey(m.CompanyRef) != "" {
		rows, err := c.partnersByRef(ctx, companyDomain, m.CompanyRef)
		if err != nil {
			return nil, err
		}
		r, ok, err := c.one(rows, "ref", m.CompanyRef)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("odoo %s: contact %s: company %s: %w", c.name, contactName(m), m.CompanyRef, model.ErrNoCompany)
		}
		vals["parent_id"] = int64(r.ID)
	}
	return vals, nil
}

func contactName(m model.Contact) string {
	if e := model.EmailKey(m.Email); e != "" {
		return e
	}
	if m.Ref != "" {
		return m.Ref
	}
	return m.Name
}

// WriteContacts implements flow.ContactSink.
func (c *Client) WriteContacts(ctx context.Context, ws []model.Upsert[model.Contact]) ([]model.Written[model.Contact], error) {
	out := make([]model.Written[model.Contact], len(ws))
	ids := make([]int64, len(ws))
	var down error
	for i, w := range ws {
		if down != nil {
			out[i].Err = &transientError{fmt.Errorf("not written, since an earlier write of the page failed: %w", down)}
			continue
		}
		id, created, err := c.writeContact(ctx, w)
		if err != nil {
			out[i].Err = err
			if !ownErr(err) {
				down = err
			}
			continue
		}
		ids[i], out[i].Created = id, created
	}
	return readBack(ctx, out, ids, c.ReadContacts, func(m model.Contact) string { return m.ID }, "contact")
}

func (c *Client) writeContact(ctx context.Context, w model.Upsert[model.Contact]) (int64, bool, error) {
	m := w.Record
	entity := "contact " + contactName(m)
	vals, err := c.contactVals(ctx, m, w.Fields)
	if err != nil {
		return 0, false, err
	}
	if w.RemoteID != "" {
		id := partnerID(w.RemoteID)
		if id == 0 {
			return 0, false, fmt.Errorf("%s: %q: %w", entity, w.RemoteID, model.ErrGone)
		}
		if len(vals) > 0 {
			if err := c.Write(ctx, "res.partner", []int64{id}, vals); err != nil {
				return 0, false, writeErr(entity, id, vals, err)
			}
		}
		return id, false, nil
	}
	if _, ok := vals["name"]; !ok {
		vals["name"] = contactName(m)
	}
	vals["type"] = "contact"
	key := model.ContactKey(m)
	return c.createPartner(ctx, entity, vals, func(ctx context.Context) ([]crmPartnerRow, error) {
		ms, err := c.FindContacts(ctx, []string{key})
		if err != nil || !ms[0].Found {
			return nil, err
		}
		id := partnerID(ms[0].Record.ID)
		return []crmPartnerRow{{ID: Int(id)}}, nil
	})
}

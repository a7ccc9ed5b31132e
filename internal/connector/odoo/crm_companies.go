package odoo

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/remote"
)

func companyOf(r crmPartnerRow, g geo) model.Company {
	name := strings.TrimSpace(string(r.DisplayName))
	if name == "" {
		name = strings.TrimSpace(string(r.Name))
	}
	return model.Company{ID: r.ID.String(), Ref: strings.TrimSpace(string(r.Ref)), Name: name, LegalName: strings.TrimSpace(string(r.Name)),
		Phone: strings.TrimSpace(string(r.Phone)), Street: strings.TrimSpace(string(r.Street)), City: strings.TrimSpace(string(r.City)),
		State: g.states[r.StateID.ID], Country: g.countries[r.CountryID.ID], Zip: strings.TrimSpace(string(r.Zip)),
		Archived: !bool(r.Active), UpdatedAt: r.WriteDate.Time}
}

func (c *Client) companiesOf(ctx context.Context, rows []crmPartnerRow) ([]model.Company, error) {
	g, err := c.geoOf(ctx, rows)
	if err != nil {
		return nil, err
	}
	out := make([]model.Company, len(rows))
	for i, r := range rows {
		out[i] = companyOf(r, g)
	}
	return out, nil
}

// ChangedCompanies implements flow.CompanySource: the company partners
// changed at or after since, archived ones too, by keyset on (write_date, id).
func (c *Client) ChangedCompanies(ctx context.Context, since time.Time, page func([]model.Company, []error, time.Time) error) error {
	feed := Feed{Name: "companies", Model: "res.partner", Domain: companyDomain, Fields: crmPartnerFields}
	return c.pages(ctx, feed, since, func(chs []Change) error {
		rows, bad := decodeRows[crmPartnerRow](chs, "res.partner")
		cs, err := c.companiesOf(ctx, rows)
		if err != nil {
			return err
		}
		return page(cs, bad, chs[0].WriteDate)
	}, func(t time.Time) error { return page(nil, nil, t) })
}

// decodeRows decodes a feed page; a record that cannot be read is an error
// of its own.
func decodeRows[T any](chs []Change, model string) ([]T, []error) {
	var out []T
	var bad []error
	for _, ch := range chs {
		var v T
		if err := ch.Decode(&v); err != nil {
			bad = append(bad, fmt.Errorf("%s %d: %w", model, ch.ID, err))
			continue
		}
		out = append(out, v)
	}
	return out, bad
}

// ReadCompanies implements flow.CompanySink.
func (c *Client) ReadCompanies(ctx context.Context, ids []string) ([]model.Company, error) {
	rows, err := c.readPartners(ctx, companyDomain, parseIDs(ids))
	if err != nil {
		return nil, err
	}
	return c.companiesOf(ctx, rows)
}

// FindCompanies implements flow.CompanySink: the company partner whose ref
// is the key (blanks, dots and hyphens aside), archived too.
func (c *Client) FindCompanies(ctx context.Context, refs []string) ([]model.Match[model.Company], error) {
	out := make([]model.Match[model.Company], len(refs))
	for i, ref := range refs {
		out[i].Key = ref
		rows, err := c.partnersByRef(ctx, companyDomain, ref)
		if err != nil {
			return nil, err
		}
		r, ok, err := c.one(rows, "ref", ref)
		if err != nil {
			out[i].Err = err
			continue
		}
		if ok {
			cs, err := c.companiesOf(ctx, []crmPartnerRow{r})
			if err != nil {
				return nil, err
			}
			out[i].Record, out[i].Found = cs[0], true
		}
	}
	return out, nil
}

// companyVals are the values of the asked fields of m.
func (c *Client) companyVals(ctx context.Context, m model.Company, fields []string) (map[string]any, error) {
	ask := asked(fields)
	vals := map[string]any{}
	if ask("name", "legal_name") {
		// display_name follows name: the legal name is Odoo's name.
		name := m.LegalName
		if strings.TrimSpace(name) == "" {
			name = m.Name
		}
		setIf(vals, ask, "name", "name", name)
		setIf(vals, ask, "legal_name", "name", name)
	}
	setIf(vals, ask, "ref", "ref", m.Ref)
	setIf(vals, ask, "phone", "phone", m.Phone)
	setIf(vals, ask, "street", "street", m.Street)
	setIf(vals, ask, "city", "city", m.City)
	setIf(vals, ask, "zip", "zip", m.Zip)
	country, err := c.countryFor(ctx, m.Country)
	if err != nil {
		return nil, err
	}
	if ask("country") && country != 0 {
		vals["country_id"] = country
	}
	if ask("state") {
		state, err := c.stateFor(ctx, m.State, country)
		if err != nil {
			return nil, err
		}
		if state != 0 {
			vals["state_id"] = state
		}
	}
	return vals, nil
}

// WriteCompanies implements flow.CompanySink. A create whose answer was
// lost is looked up by ref before anything else happens.
func (c *Client) WriteCompanies(ctx context.Context, ws []model.Upsert[model.Company]) ([]model.Written[model.Company], error) {
	out := make([]model.Written[model.Company], len(ws))
	ids := make([]int64, len(ws))
	var down error
	for i, w := range ws {
		if down != nil {
			out[i].Err = &transientError{fmt.Errorf("not written, since an earlier write of the page failed: %w", down)}
			continue
		}
		id, created, err := c.writeCompany(ctx, w)
		if err != nil {
			out[i].Err = err
			if !ownErr(err) {
				down = err
			}
			continue
		}
		ids[i], out[i].Created = id, created
	}
	return readBack(ctx, out, ids, c.ReadCompanies, func(m model.Company) string { return m.ID }, "company")
}

// readBack fills the results of the records written (ids) with the records
// as Odoo now has them; one Odoo no longer has is model.ErrGone.
func readBack[T any](ctx context.Context, out []model.Written[T], ids []int64, read func(context.Context, []string) ([]T, error), id func(T) string, what string) ([]model.Written[T], error) {
	var want []string
	for i, x := range ids {
		if out[i].Err == nil && x != 0 {
			want = append(want, strconv.FormatInt(x, 10))
		}
	}
	got, err := read(ctx, want)
	if err != nil {
		return nil, err
	}
	byID := map[string]T{}
	for _, v := range got {
		byID[id(v)] = v
	}
	for i, x := range ids {
		if out[i].Err != nil || x == 0 {
			continue
		}
		v, ok := byID[strconv.FormatInt(x, 10)]
		if !ok {
			out[i].Err = fmt.Errorf("odoo: %s %d: %w", what, x, model.ErrGone)
			continue
		}
		out[i].Record = v
	}
	return out, nil
}

func (c *Client) writeCompany(ctx context.Context, w model.Upsert[model.Company]) (int64, bool, error) {
	m := w.Record
	entity := "company " + m.Ref
	vals, err := c.companyVals(ctx, m, w.Fields)
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
		return 0, false, &RecordError{Entity: entity, Msg: "it has no name, which Odoo requires"}
	}
	vals["is_company"] = true
	return c.createPartner(ctx, entity, vals, func(ctx context.Context) ([]crmPartnerRow, error) {
		return c.partnersByRef(ctx, companyDomain, m.Ref)
	})
}

// createPartner creates a partner. A create that may have committed is
// looked up by its key (find) before anything else: found, it is the one
// made; not found, the create is tried again by the job.
func (c *Client) createPartner(ctx context.Context, entity string, vals map[string]any, find func(context.Context) ([]crmPartnerRow, error)) (int64, bool, error) {
	ids, err := c.Create(ctx, "res.partner", []map[string]any{vals}, bulkContext)
	if err == nil {
		return ids[0], true, nil
	}
	if !remote.IsAmbiguous(err) {
		return 0, false, writeErr(entity, 0, vals, err)
	}
	rows, ferr := find(ctx)
	if ferr != nil {
		return 0, false, fmt.Errorf("%s: %w; looking it up after that: %w", entity, err, ferr)
	}
	if len(rows) == 1 {
		return int64(rows[0].ID), true, nil
	}
	return 0, false, &transientError{fmt.Errorf("%s: the create may not have happened (%w); it is not in Odoo after it, so it is tried again", entity, err)}
}

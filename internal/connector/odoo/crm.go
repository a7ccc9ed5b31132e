package odoo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/remote"
)

// Odoo as either end of the two-way routes with a CRM (flow.CompanySide,
// flow.ContactSide, flow.CRMProductSide; seed 004) and as the sales route's
// source (flow.SaleOrderSource). Companies are res.partner with is_company,
// contacts the people (is_company false, type contact), products the
// sellable variants (product.product), each read by keyset on (write_date,
// id) as changes.go does, archived ones too (Archived), since archiving is
// Odoo's deletion and the routes log it. Writes set only the fields asked for
// (model.Upsert.Fields) and never blank one; after them the records are read
// back, so the route knows its own write when it reads it again.
//
//	company  display_name → Name, name ⇄ LegalName (a write of Name alone is
//	         no write: display_name follows name), ref, phone, street, city,
//	         state_id (by name) ⇄ State, country_id (ISO code) ⇄ Country, zip
//	contact  name, email, ref, parent_id (a company, by its ref) ⇄ CompanyRef,
//	         phone and mobile (14–18; 19 has no mobile) ⇄ Phones, street, city,
//	         country_id, zip, customer_rank > 0 ⇄ Customer
//	product  default_code ⇄ SKU, the name (display_name without "[code] ") ⇄
//	         Name, lst_price ⇄ Price; name and price are written to the
//	         template of a single-variant product only

// DuplicateError is a natural key more than one Odoo record holds: a person
// merges them.
type DuplicateError struct {
	Account, Model, Key, Value string
	IDs                        []int64
}

func (e *DuplicateError) Error() string {
	ids := make([]string, len(e.IDs))
	for i, id := range e.IDs {
		ids[i] = strconv.FormatInt(id, 10)
	}
	return fmt.Sprintf("odoo %s: %s %s %q is held by %d records (ids %s); merge them in Odoo so that one remains", e.Account, e.Model, e.Key, e.Value, len(e.IDs), strings.Join(ids, ", "))
}

// FailureClass: a person merges the duplicates.
func (e *DuplicateError) FailureClass() string { return "needs_action" }

// crmPartnerRow is a partner as the two-way routes read it.
type crmPartnerRow struct {
	ID           Int      `json:"id"`
	Name         Str      `json:"name"`
	DisplayName  Str      `json:"display_name"`
	Email        Str      `json:"email"`
	Phone        Str      `json:"phone"`
	Mobile       Str      `json:"mobile"`
	Ref          Str      `json:"ref"`
	Street       Str      `json:"street"`
	City         Str      `json:"city"`
	Zip          Str      `json:"zip"`
	StateID      Many2one `json:"state_id"`
	CountryID    Many2one `json:"country_id"`
	ParentID     Many2one `json:"parent_id"`
	IsCompany    Bool     `json:"is_company"`
	Type         Str      `json:"type"`
	Active       Bool     `json:"active"`
	CustomerRank Int      `json:"customer_rank"`
	WriteDate    Time     `json:"write_date"`
}

// crmPartnerFields are the partner fields read on a version (19 has no
// mobile).
func crmPartnerFields(version int) []string {
	f := []string{"name", "display_name", "email", "phone", "ref", "street", "city", "zip", "state_id", "country_id", "parent_id", "is_company", "type", "active", "customer_rank", "write_date"}
	if version < 19 {
		f = append(f, "mobile")
	}
	return f
}

var (
	companyDomain = []any{[]any{"is_company", "=", true}}
	personDomain  = []any{[]any{"is_company", "=", false}, []any{"type", "=", "contact"}}
)

// readPartners reads the partners ids of domain, archived too.
func (c *Client) readPartners(ctx context.Context, domain []any, ids []int64) ([]crmPartnerRow, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	version, err := c.Version(ctx)
	if err != nil {
		return nil, err
	}
	in := make([]any, len(ids))
	for i, id := range ids {
		in[i] = id
	}
	dom := append([]any{[]any{"id", "in", in}}, domain...)
	return SearchRead[crmPartnerRow](ctx, c, "res.partner", Query{Domain: dom, Fields: crmPartnerFields(version), Context: inactiveToo})
}

// ids parses record ids of ours, leaving out what is not one.
func parseIDs(ids []string) []int64 {
	var out []int64
	for _, s := range ids {
		if id := partnerID(s); id != 0 {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// geo holds the names of countries (ISO codes) and states by id, read once.
type geo struct {
	countries map[int64]string
	states    map[int64]string
}

// geoOf reads the codes of the rows' countries and the names of their
// states.
func (c *Client) geoOf(ctx context.Context, rows []crmPartnerRow) (geo, error) {
	g := geo{countries: map[int64]string{}, states: map[int64]string{}}
	var cids, sids []any
	for _, r := range rows {
		if r.CountryID.ID != 0 {
			cids = append(cids, r.CountryID.ID)
		}
		if r.StateID.ID != 0 {
			sids = append(sids, r.StateID.ID)
		}
	}
	type named struct {
		ID   Int `json:"id"`
		Code Str `json:"code"`
		Name Str `json:"name"`
	}
	if len(cids) > 0 {
		rows, err := SearchRead[named](ctx, c, "res.country", Query{Domain: []any{[]any{"id", "in", cids}}, Fields: []string{"code"}})
		if err != nil {
			return g, err
		}
		for _, r := range rows {
			g.countries[int64(r.ID)] = strings.ToUpper(string(r.Code))
		}
	}
	if len(sids) > 0 {
		rows, err := SearchRead[named](ctx, c, "res.country.state", Query{Domain: []any{[]any{"id", "in", sids}}, Fields: []string{"name"}})
		if err != nil {
			return g, err
		}
		for _, r := range rows {
			g.states[int64(r.ID)] = string(r.Name)
		}
	}
	return g, nil
}

// countryFor finds a country by ISO code, else by name (case-insensitive);
// 0 when Odoo has none.
func (c *Client) countryFor(ctx context.Context, text string) (int64, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return 0, nil
	}
	if len(text) == 2 {
		ids, err := c.countryIDs(ctx, []string{text})
		if err != nil {
			return 0, err
		}
		if id, ok := ids[strings.ToUpper(text)]; ok {
			return id, nil
		}
	}
	rows, err := SearchRead[nameRow](ctx, c, "res.country", Query{Domain: []any{[]any{"name", "=ilike", text}}, Fields: []string{"name"}, Limit: 2})
	if err != nil || len(rows) != 1 {
		return 0, err
	}
	return int64(rows[0].ID), nil
}

// stateFor finds a state by name (case-insensitive), in country when known;
// 0 when Odoo has none or several.
func (c *Client) stateFor(ctx context.Context, name string, country int64) (int64, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return 0, nil
	}
	dom := []any{[]any{"name", "=ilike", name}}
	if country != 0 {
		dom = append(dom, []any{"country_id", "=", country})
	}
	rows, err := SearchRead[nameRow](ctx, c, "res.country.state", Query{Domain: dom, Fields: []string{"name"}, Limit: 2})
	if err != nil || len(rows) != 1 {
		return 0, err
	}
	return int64(rows[0].ID), nil
}

// taxTerm is what a tax id is searched by: its longest run of digits when it
// has at least 5 (every writing of the id holds it), else the key.
func taxTerm(key string) string {
	run, best := "", ""
	for _, r := range key + "x" {
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
		return best
	}
	return key
}

// partnersByRef returns the partners of domain whose ref is key (as
// model.TaxKey compares), archived too.
func (c *Client) partnersByRef(ctx context.Context, domain []any, key string) ([]crmPartnerRow, error) {
	key = model.TaxKey(key)
	if key == "" {
		return nil, nil
	}
	version, err := c.Version(ctx)
	if err != nil {
		return nil, err
	}
	dom := append([]any{[]any{"ref", "ilike", taxTerm(key)}}, domain...)
	rows, err := SearchRead[crmPartnerRow](ctx, c, "res.partner", Query{Domain: dom, Fields: crmPartnerFields(version), Context: inactiveToo})
	if err != nil {
		return nil, err
	}
	var out []crmPartnerRow
	for _, r := range rows {
		if model.TaxKey(string(r.Ref)) == key {
			out = append(out, r)
		}
	}
	return out, nil
}

// one is the single row of a lookup by key, or a DuplicateError.
func (c *Client) one(rows []crmPartnerRow, what, key string) (crmPartnerRow, bool, error) {
	switch len(rows) {
	case 0:
		return crmPartnerRow{}, false, nil
	case 1:
		return rows[0], true, nil
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = int64(r.ID)
	}
	slices.Sort(ids)
	return crmPartnerRow{}, false, &DuplicateError{Account: c.name, Model: "res.partner", Key: what, Value: key, IDs: ids}
}

// writeErr is a failed create or write of one record: Odoo's refusal is the
// record's (permanent), a record deleted meanwhile is model.ErrGone, the
// rest keeps its class.
func writeErr(entity string, id int64, vals map[string]any, err error) error {
	fields := make([]string, 0, len(vals))
	for f := range vals {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	switch {
	case IsMissing(err):
		return fmt.Errorf("%s: %d: %w (%w)", entity, id, model.ErrGone, err)
	case IsValidation(err), IsUserError(err):
		return &RecordError{Entity: entity, Msg: fmt.Sprintf("Odoo refused %s: %s", strings.Join(fields, ", "), odooMessage(err))}
	case remote.IsAmbiguous(err):
		return &transientError{fmt.Errorf("%s: writing %s: %w", entity, strings.Join(fields, ", "), err)}
	}
	return fmt.Errorf("%s: writing %s: %w", entity, strings.Join(fields, ", "), err)
}

// ownErr reports an error of one record rather than of the connection.
func ownErr(err error) bool {
	var re *RecordError
	var de *DuplicateError
	return errors.As(err, &re) || errors.As(err, &de) || errors.Is(err, model.ErrGone) || errors.Is(err, model.ErrNoCompany)
}

// setIf puts v in vals when the field is asked for and v is not empty.
func setIf(vals map[string]any, ask func(...string) bool, field, key, v string) {
	if ask(field) && strings.TrimSpace(v) != "" {
		vals[key] = strings.TrimSpace(v)
	}
}

// asked says which fields an upsert writes: all when none are named.
func asked(fields []string) func(...string) bool {
	return func(names ...string) bool {
		if fields == nil {
			return true
		}
		for _, n := range names {
			if slices.Contains(fields, n) {
				return true
			}
		}
		return false
	}
}

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

// customerRow is what UpsertCustomers reads of a partner to see what changed.
type customerRow struct {
	ID        Int      `json:"id"`
	Name      Str      `json:"name"`
	Email     Str      `json:"email"`
	Phone     Str      `json:"phone"`
	Street    Str      `json:"street"`
	Street2   Str      `json:"street2"`
	Zip       Str      `json:"zip"`
	City      Str      `json:"city"`
	CountryID Many2one `json:"country_id"`
	IsCompany Bool     `json:"is_company"`
}

var customerFields = []string{"name", "email", "phone", "street", "street2", "zip", "city", "country_id", "is_company"}

// UpsertCustomers writes a page of shop customers to res.partner (the
// customers route's target). A customer linked before (RemoteID) is read,
// archived or not, and the fields that differ are written; one whose partner
// was deleted in Odoo is matched by e-mail as if it were new. The others are
// found by e-mail as the orders import finds its customers (case-insensitive,
// archived too, top-level partners: findOrCreateParties), so an order imported
// later has the same partner; a found one gets the fields that differ, the
// missing ones are made in one create, halved on Odoo's refusals so that a bad
// VAT number refuses only its own customer. A field the shop leaves empty
// never blanks Odoo's. Everything runs under lockContacts of the page's
// e-mails, the orders import's lock, so neither makes a customer the other
// is making. One result per customer, in order; Created only for the
// partners this call made.
func (c *Client) UpsertCustomers(ctx context.Context, cs []model.CustomerUpsert) ([]model.WriteResult, error) {
	out := make([]model.WriteResult, len(cs))
	if len(cs) == 0 {
		return out, nil
	}
	all := make([]party, len(cs))
	for i, u := range cs {
		all[i] = party{Party: u.Customer, Address: u.Customer.Address}
	}
	unlock, err := c.lockContacts(ctx, partyEmails(all))
	if err != nil {
		return nil, err
	}
	defer unlock()

	// The linked partners, archived too; a deleted one is matched by e-mail.
	rows := map[int64]customerRow{}
	var linked []int64
	for _, u := range cs {
		if id := partnerID(u.RemoteID); id != 0 {
			linked = append(linked, id)
		}
	}
	if err := c.readCustomers(ctx, linked, rows); err != nil {
		return nil, err
	}
	target := make([]int64, len(cs))
	var byEmail []int
	for i, u := range cs {
		if id := partnerID(u.RemoteID); id != 0 {
			if _, ok := rows[id]; ok {
				target[i] = id
				continue
			}
		}
		byEmail = append(byEmail, i)
	}

	// The others by e-mail, created when Odoo has none.
	var parties []party
	for _, i := range byEmail {
		if emailKey(cs[i].Customer.Email) == "" {
			out[i].Err = &RecordError{Entity: customerEntity(cs[i].Customer), Msg: "it has no e-mail (field email), which Odoo's customers are matched by; add one in the shop"}
			continue
		}
		parties = append(parties, all[i])
	}
	have, created, refused, err := c.findOrCreateParties(ctx, parties)
	if err != nil {
		return nil, err
	}
	made := map[string]bool{}
	var more []int64
	for _, i := range byEmail {
		e := emailKey(cs[i].Customer.Email)
		if e == "" {
			continue
		}
		if rerr, ok := refused[e]; ok {
			out[i].Err = customerRefusedErr(cs[i].Customer, rerr)
			continue
		}
		id, ok := have[e]
		if !ok {
			// findOrCreateParties returns an error rather than leave one out.
			out[i].Err = &transientError{fmt.Errorf("customer %s: no partner was found or created", e)}
			continue
		}
		if created[e] && !made[e] {
			// Made now with these values: nothing to write.
			made[e] = true
			out[i] = model.WriteResult{RemoteID: strconv.FormatInt(id, 10), Created: true}
			continue
		}
		target[i] = id
		if _, ok := rows[id]; !ok {
			more = append(more, id)
		}
	}
	if err := c.readCustomers(ctx, more, rows); err != nil {
		return nil, err
	}

	// What differs is written, a customer at a time.
	var codes []string
	for i, id := range target {
		if id != 0 {
			codes = append(codes, cs[i].Customer.Address.Country)
		}
	}
	countries, err := c.countryIDs(ctx, codes)
	if err != nil {
		return nil, err
	}
	// down is the first failure that was not Odoo's answer (the connection
	// dropped or timed out): the page's later writes wait for the retry
	// rather than each wait for its own timeout.
	var down error
	for i, id := range target {
		if id == 0 {
			continue
		}
		p := cs[i].Customer
		row, ok := rows[id]
		if !ok {
			// Deleted between the lookup and this read: the retry matches it again.
			out[i].Err = &transientError{fmt.Errorf("customer %s: partner %d vanished while it was being updated", emailKey(p.Email), id)}
			continue
		}
		vals := customerChanges(p, row, countries)
		if len(vals) > 0 {
			if down != nil {
				out[i].Err = &transientError{fmt.Errorf("%s: not written, since an earlier write of the page failed: %w", customerEntity(p), down)}
				continue
			}
			if err := c.Write(ctx, "res.partner", []int64{id}, vals); err != nil {
				out[i].Err = customerWriteErr(p, id, vals, err)
				if oe := (*Error)(nil); !errors.As(err, &oe) {
					down = err
				}
				continue
			}
			rows[id] = row.with(vals)
		}
		out[i] = model.WriteResult{RemoteID: strconv.FormatInt(id, 10)}
	}
	return out, nil
}

// partnerID is a link's partner id, 0 when it is not one.
func partnerID(remoteID string) int64 {
	id, err := strconv.ParseInt(strings.TrimSpace(remoteID), 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// readCustomers reads the partners ids (archived too) into rows, in one call;
// a partner Odoo no longer has is left out.
func (c *Client) readCustomers(ctx context.Context, ids []int64, rows map[int64]customerRow) error {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) == 0 {
		return nil
	}
	list, err := SearchRead[customerRow](ctx, c, "res.partner", Query{Domain: []any{[]any{"id", "in", ids}}, Fields: customerFields, Context: inactiveToo})
	if err != nil {
		return err
	}
	for _, r := range list {
		rows[int64(r.ID)] = r
	}
	return nil
}

// customerChanges are the values of p (as partnerVals makes them, with the
// country) that differ from the partner's: name, e-mail (the case Odoo keeps
// is not a change), phone, street, street2, zip, city, country and the
// company flag. A value the shop leaves empty is left alone, as is a company
// flag the shop does not set; the VAT number, reference and customer rank are
// written only when the partner is created.
func customerChanges(p model.Party, r customerRow, countries map[string]int64) map[string]any {
	email := emailKey(p.Email)
	want := partnerVals(p, p.Address, email)
	if p.Name == "" && p.Address.FullName() == "" {
		// partnerVals names it by its e-mail; a partner's name stays.
		delete(want, "name")
	}
	if id, ok := countries[strings.ToUpper(strings.TrimSpace(p.Address.Country))]; ok {
		want["country_id"] = id
	}
	have := map[string]string{"name": string(r.Name), "phone": string(r.Phone), "street": string(r.Street), "street2": string(r.Street2), "zip": string(r.Zip), "city": string(r.City)}
	ch := map[string]any{}
	for f, old := range have {
		if v, ok := want[f].(string); ok && strings.TrimSpace(v) != "" && strings.TrimSpace(v) != strings.TrimSpace(old) {
			ch[f] = v
		}
	}
	if email != "" && email != emailKey(string(r.Email)) {
		ch["email"] = email
	}
	if id, ok := want["country_id"].(int64); ok && id != r.CountryID.ID {
		ch["country_id"] = id
	}
	if want["is_company"] == true && !bool(r.IsCompany) {
		ch["is_company"] = true
	}
	return ch
}

// with is the row after vals were written, so that a second customer of the
// page with the same partner is compared with what Odoo now has.
func (r customerRow) with(vals map[string]any) customerRow {
	for f, v := range vals {
		switch f {
		case "name":
			r.Name = Str(v.(string))
		case "email":
			r.Email = Str(v.(string))
		case "phone":
			r.Phone = Str(v.(string))
		case "street":
			r.Street = Str(v.(string))
		case "street2":
			r.Street2 = Str(v.(string))
		case "zip":
			r.Zip = Str(v.(string))
		case "city":
			r.City = Str(v.(string))
		case "country_id":
			r.CountryID = Many2one{ID: v.(int64)}
		case "is_company":
			r.IsCompany = Bool(v.(bool))
		}
	}
	return r
}

func customerEntity(p model.Party) string {
	if e := strings.TrimSpace(p.Email); e != "" {
		return "customer " + e
	}
	return "customer " + p.ID
}

// odooMessage is Odoo's own words in err on one line (base_vat's begin with
// a newline and break before their note).
func odooMessage(err error) string {
	msg := err.Error()
	var oe *Error
	if errors.As(err, &oe) {
		msg = oe.Message
	}
	return strings.Join(strings.Fields(msg), " ")
}

// customerRefusedErr is a customer Odoo would not create (base_vat: "The VAT
// number [FI52468398] for partner [Huono Oy] does not seem to be valid"),
// naming the e-mail and, when Odoo's message is about it, the field.
func customerRefusedErr(p model.Party, err error) error {
	msg := odooMessage(err)
	fix := "fix the customer in the shop or create it in Odoo"
	if p.VATCode != "" && strings.Contains(strings.ToUpper(msg), "VAT") {
		fix = fmt.Sprintf("fix its VAT number %s (field vat) in the shop or in Odoo", p.VATCode)
	}
	return &RecordError{Entity: customerEntity(p), Msg: fmt.Sprintf("Odoo refused to create it: %s; %s", msg, fix)}
}

// customerWriteErr is a failed write of vals to a customer's partner: Odoo
// refusing them (a constraint, base_vat on a new country) is the record's,
// naming the fields; a partner deleted meanwhile, or an answer lost, is for a
// retry; anything else keeps its class.
func customerWriteErr(p model.Party, id int64, vals map[string]any, err error) error {
	fields := make([]string, 0, len(vals))
	for f := range vals {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	what := fmt.Sprintf("the change of partner %d (%s)", id, strings.Join(fields, ", "))
	switch {
	case remote.IsAmbiguous(err), IsMissing(err):
		return &transientError{fmt.Errorf("%s: %s: %w", customerEntity(p), what, err)}
	case IsValidation(err), IsUserError(err):
		return &RecordError{Entity: customerEntity(p), Msg: fmt.Sprintf("Odoo refused %s: %s; fix the customer in the shop or in Odoo", what, odooMessage(err))}
	}
	return fmt.Errorf("%s: %s: %w", customerEntity(p), what, err)
}

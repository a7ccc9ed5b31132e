package flow

import (
	"context"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

// The companies route (seed 004: Odoo's company contacts ⇄ Clientify's
// companies), two-way (twoway.go): linked by the tax id, Odoo's ref and
// Clientify's taxpayer_identification_number; display_name → name, name →
// business_name, phone, street, city, state, country and zip → postal_code.

var companiesKind = &syncKind[model.Company]{
	flow: "companies", title: "Companies (two-way)", link: "company", noun: "company", keyName: "ref (tax id)",
	need: need[CompanySide]("a company system (source and target of companies)"),
	side: func(ctx context.Context, rt *Runtime, r Route, conn string) (syncSide[model.Company], error) {
		c, err := As[CompanySide](ctx, rt, r, conn, "a company system")
		return companySide{c}, err
	},
	key:     func(c model.Company) string { return model.TaxKey(c.Ref) },
	id:      func(c model.Company) string { return c.ID },
	updated: func(c model.Company) time.Time { return c.UpdatedAt },
	label: func(c model.Company) string {
		return labelOf("company", c.Ref, c.ID, c.Name)
	},
}

func init() { companiesKind.register() }

type companySide struct{ c CompanySide }

func (s companySide) changed(ctx context.Context, since time.Time, page func([]model.Company, []error, time.Time) error) error {
	return s.c.ChangedCompanies(ctx, since, page)
}
func (s companySide) read(ctx context.Context, ids []string) ([]model.Company, error) {
	return s.c.ReadCompanies(ctx, ids)
}
func (s companySide) find(ctx context.Context, keys []string) ([]model.Match[model.Company], error) {
	return s.c.FindCompanies(ctx, keys)
}
func (s companySide) write(ctx context.Context, ws []model.Upsert[model.Company]) ([]model.Written[model.Company], error) {
	return s.c.WriteCompanies(ctx, ws)
}

// labelOf names a record for people: noun and key, else its id, and its name
// in brackets ("company B12345678 (Acme SL)").
func labelOf(noun, key, id, name string) string {
	l := noun + " " + key
	if key == "" {
		l = noun + " #" + id
	}
	if name != "" {
		l += " (" + name + ")"
	}
	return l
}

package flow

import (
	"context"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

// The contacts route (seed 004: Odoo's contacts, people, ⇄ Clientify's
// contacts), two-way (twoway.go): linked by e-mail, else by tax id (ref ⇄
// taxpayer_identification_number), each linked to its company by the
// company's ref; name → first_name, phone and mobile → phones, street, city,
// country, zip → postal_code; the status stays Clientify's and "customer"
// is Odoo's customer rank and Clientify's contact type "Cliente actual". The
// seed's table names no e-mail, but people are found by it on both sides
// (Odoo's customers, Clientify's contacts), so it is the key and is synced.

var contactsKind = &syncKind[model.Contact]{
	flow: "contacts", title: "Contacts (two-way)", link: "contact", noun: "contact", keyName: "e-mail (else ref)",
	need: need[ContactSide]("a contact system (source and target of contacts)"),
	side: func(ctx context.Context, rt *Runtime, r Route, conn string) (syncSide[model.Contact], error) {
		c, err := As[ContactSide](ctx, rt, r, conn, "a contact system")
		return contactSide{c}, err
	},
	key:     model.ContactKey,
	id:      func(c model.Contact) string { return c.ID },
	updated: func(c model.Contact) time.Time { return c.UpdatedAt },
	label: func(c model.Contact) string {
		key := model.EmailKey(c.Email)
		if key == "" {
			key = c.Ref
		}
		return labelOf("contact", key, c.ID, c.Name)
	},
}

func init() { contactsKind.register() }

type contactSide struct{ c ContactSide }

func (s contactSide) changed(ctx context.Context, since time.Time, page func([]model.Contact, []error, time.Time) error) error {
	return s.c.ChangedContacts(ctx, since, page)
}
func (s contactSide) read(ctx context.Context, ids []string) ([]model.Contact, error) {
	return s.c.ReadContacts(ctx, ids)
}
func (s contactSide) find(ctx context.Context, keys []string) ([]model.Match[model.Contact], error) {
	return s.c.FindContacts(ctx, keys)
}
func (s contactSide) write(ctx context.Context, ws []model.Upsert[model.Contact]) ([]model.Written[model.Contact], error) {
	return s.c.WriteContacts(ctx, ws)
}

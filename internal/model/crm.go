package model

import (
	"errors"
	"strings"
	"time"
)

// The records a CRM and an ERP keep in step both ways (seed 004: Clientify ⇄
// Odoo): companies, contacts and products, each in the fields both sides hold,
// and the ERP's confirmed sales as the CRM's orders. Each field is one unit of
// a two-way sync: a change is detected, written and, when both sides changed
// it, decided field by field, so the JSON names below are the field names
// routes log and connectors are asked to write (Upsert.Fields).

// Company is a company of a CRM or an ERP. Ref, the tax id (NIF, CIF), is its
// natural key.
type Company struct {
	ID RemoteID `json:"id,omitempty"`
	// Ref is the tax id: Odoo's ref, Clientify's taxpayer_identification_number.
	Ref string `json:"ref,omitempty"`
	// Name is the name people see (Odoo display_name, Clientify name);
	// LegalName the registered one (Odoo name, Clientify business_name).
	Name      string `json:"name,omitempty"`
	LegalName string `json:"legal_name,omitempty"`
	Phone     string `json:"phone,omitempty"`
	Street    string `json:"street,omitempty"`
	City      string `json:"city,omitempty"`
	State     string `json:"state,omitempty"`
	// Country is what the side holds: an ISO code ("ES") where it keeps
	// countries as records (Odoo), the text typed where it keeps text.
	Country string `json:"country,omitempty"`
	Zip     string `json:"zip,omitempty"`
	// Archived marks a record the side archived (Odoo's active false): the
	// other side keeps its own, since ferry deletes nothing.
	Archived  bool      `json:"archived,omitempty"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// Contact is a person of a CRM or an ERP. Email, else Ref, is its natural key;
// CompanyRef links it to its company by the company's Ref.
type Contact struct {
	ID RemoteID `json:"id,omitempty"`
	// Name is the whole name: Odoo's name, Clientify's first_name and
	// last_name.
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	// Ref is the person's tax id (NIF): Odoo's ref, Clientify's
	// taxpayer_identification_number.
	Ref        string `json:"ref,omitempty"`
	CompanyRef string `json:"company_ref,omitempty"`
	// Phones are the main phone first, then the mobile (Odoo's phone and
	// mobile) or the CRM's list of phones.
	Phones  []string `json:"phones,omitempty"`
	Street  string   `json:"street,omitempty"`
	City    string   `json:"city,omitempty"`
	Country string   `json:"country,omitempty"`
	Zip     string   `json:"zip,omitempty"`
	// Status is the CRM's stage of the person (Clientify's status: cold-lead,
	// client, …); an ERP has none.
	Status string `json:"status,omitempty"`
	// Customer marks a current customer (Odoo's customer rank, Clientify's
	// contact type "Cliente actual").
	Customer  bool      `json:"customer,omitempty"`
	Archived  bool      `json:"archived,omitempty"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// CRMProduct is a product as a CRM lists it: one sellable SKU with its name
// and price (an ERP's product variant).
type CRMProduct struct {
	ID        RemoteID  `json:"id,omitempty"`
	SKU       string    `json:"sku,omitempty"`
	Name      string    `json:"name,omitempty"`
	Price     Decimal   `json:"price"`
	Archived  bool      `json:"archived,omitempty"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// SaleOrder is an ERP's sale order as a CRM records it (seed 004: the firm
// orders, with their lines).
type SaleOrder struct {
	ID RemoteID `json:"id"`
	// Number is the order's name in the ERP ("S00042").
	Number string `json:"number"`
	// State is the ERP's state in its own words ("sale", "done", "cancel").
	State    string    `json:"state"`
	Date     time.Time `json:"date,omitzero"`
	Currency string    `json:"currency,omitempty"`
	// CustomerID is the ERP's id of the customer (a person or a company);
	// CustomerIsCompany says which, and CompanyID is the person's company,
	// if any.
	CustomerID        RemoteID   `json:"customer_id"`
	CustomerIsCompany bool       `json:"customer_is_company,omitempty"`
	CompanyID         RemoteID   `json:"company_id,omitempty"`
	Lines             []SaleLine `json:"lines"`
	UpdatedAt         time.Time  `json:"updated_at,omitzero"`
}

// SaleLine is one line of a SaleOrder: Quantity is what is still to deliver
// (Odoo's qty_to_deliver, the seed's mapping), Ordered what was sold.
type SaleLine struct {
	Name     string  `json:"name"`
	SKU      string  `json:"sku,omitempty"`
	Barcode  string  `json:"barcode,omitempty"`
	Price    Decimal `json:"price"`
	Quantity Decimal `json:"quantity"`
	Ordered  Decimal `json:"ordered"`
}

// CRMOrder is a sale order to write to a CRM: its record there (RemoteID,
// empty for a new one), the CRM's ids of its contact and company, and the
// status and source name (ecommerce) it is written with.
type CRMOrder struct {
	Order     SaleOrder `json:"order"`
	RemoteID  RemoteID  `json:"remote_id,omitempty"`
	ContactID RemoteID  `json:"contact_id,omitempty"`
	CompanyID RemoteID  `json:"company_id,omitempty"`
	Status    string    `json:"status"`
	Ecommerce string    `json:"ecommerce"`
}

// Upsert is a record to write to one side of a two-way route: RemoteID names
// the record to update (empty: create one), Fields the record's fields to
// write, by their JSON names (nil: all of them, as a create does). A field a
// side cannot hold is left out by it, and a side never clears a field it is
// given empty.
type Upsert[T any] struct {
	Record   T        `json:"record"`
	RemoteID RemoteID `json:"remote_id,omitempty"`
	Fields   []string `json:"fields,omitempty"`
}

// Written is the outcome of one Upsert: the record as the side holds it after
// the write, read back (so that the route knows its own write when it reads it
// later), or Err for this record alone. A record to update that the side no
// longer has is ErrGone.
type Written[T any] struct {
	Record  T
	Created bool
	Err     error
}

// Match is what a side holds under one natural key: the record (Found), or
// Err when it cannot say (two records hold the key: a person merges them).
type Match[T any] struct {
	Key    string
	Record T
	Found  bool
	Err    error
}

// ErrNoCompany is a contact to write whose company (by CompanyRef) the side
// does not have (yet): the contact waits for the companies route.
var ErrNoCompany = errors.New("the target has no company with this ref")

// TaxKey is a tax id as the routes compare it: upper case without blanks,
// dots and hyphens ("b-12.345.678" and "B 12345678" are "B12345678").
func TaxKey(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '.', '-', '\t', '\u00a0':
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(s)))
}

// EmailKey is an e-mail as the routes compare it: trimmed, lower case.
func EmailKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ContactKey is a contact's natural key: its e-mail (EmailKey), else "ref:"
// and its tax id (TaxKey), else "".
func ContactKey(c Contact) string {
	if e := EmailKey(c.Email); e != "" {
		return e
	}
	if r := TaxKey(c.Ref); r != "" {
		return "ref:" + r
	}
	return ""
}

// SKUKey is a SKU as the routes compare it: trimmed, case kept.
func SKUKey(s string) string { return strings.TrimSpace(s) }

// RecordHint is what a webhook says of one record: its resource
// ("company", "contact", "product", …), its id, and whether it was deleted.
// A hint is no record: the route reads the record itself.
type RecordHint struct {
	Resource string
	ID       RemoteID
	Deleted  bool
}

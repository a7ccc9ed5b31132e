package clientify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ferryhub/ferry/internal/model"
)

// Email is an entry of a record's e-mails. Type: 1 work, 2 personal, 3
// other, 4 main (a flat email on create comes back as 4).
type Email struct {
	ID    ID     `json:"id,omitempty"`
	Type  ID     `json:"type,omitempty"`
	Email string `json:"email"`
}

// Phone is an entry of a record's phones. The type codes are unconfirmed
// (the sources disagree, reference §6); the client writes 1.
type Phone struct {
	ID    ID   `json:"id,omitempty"`
	Type  ID   `json:"type,omitempty"`
	Phone Text `json:"phone"`
}

// Address is an entry of a record's addresses. Type: 1 work, 2 home, 3
// billing, 4 other, 5 main.
type Address struct {
	ID         ID     `json:"id,omitempty"`
	Type       ID     `json:"type,omitempty"`
	Street     string `json:"street"`
	City       string `json:"city"`
	State      string `json:"state"`
	Country    string `json:"country"`
	PostalCode Text   `json:"postal_code"`
}

// Website is an entry of a record's websites.
type Website struct {
	ID      ID     `json:"id,omitempty"`
	Type    ID     `json:"type,omitempty"`
	Website string `json:"website"`
}

// CustomField is one custom field value ({"field": name, "value": …}).
type CustomField struct {
	ID    ID     `json:"id,omitempty"`
	Field string `json:"field"`
	Value Text   `json:"value"`
}

// Tags are a record's tag names: Clientify writes them as strings on the
// record and as {id, name, color} in the tags sub-resource; both are read.
type Tags []string

// UnmarshalJSON reads strings or objects with a name; null is empty.
func (t *Tags) UnmarshalJSON(b []byte) error {
	*t = nil
	if string(bytes.TrimSpace(b)) == "null" {
		return nil
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(b, &raws); err != nil {
		return fmt.Errorf("tags: %w", err)
	}
	for _, r := range raws {
		var s string
		if json.Unmarshal(r, &s) == nil {
			*t = append(*t, s)
			continue
		}
		var o struct {
			Name string `json:"name"`
		}
		if err := json.Unmarshal(r, &o); err != nil {
			return fmt.Errorf("tags: not a name: %s", excerpt(r))
		}
		*t = append(*t, o.Name)
	}
	return nil
}

// Company is a Clientify company (reference §3.4).
type Company struct {
	ID           ID            `json:"id"`
	URL          string        `json:"url,omitempty"`
	Name         string        `json:"name"`
	BusinessName string        `json:"business_name"`
	TaxpayerID   string        `json:"taxpayer_identification_number"`
	Sector       Text          `json:"company_sector"`
	Owner        Text          `json:"owner"`
	OwnerName    string        `json:"owner_name"`
	Description  string        `json:"description"`
	Remarks      string        `json:"remarks"`
	Emails       []Email       `json:"emails"`
	Phones       []Phone       `json:"phones"`
	Addresses    []Address     `json:"addresses"`
	Websites     []Website     `json:"websites"`
	Tags         Tags          `json:"tags"`
	CustomFields []CustomField `json:"custom_fields"`
	Created      Time          `json:"created"`
	Modified     Time          `json:"modified"`
}

// companyFields is the fields= of company reads: v2 refuses a listing
// without one (HTTP 400 "You must specify the fields param").
const companyFields = "id,url,name,business_name,taxpayer_identification_number,company_sector,owner,owner_name,description,remarks,emails,phones,addresses,websites,tags,custom_fields,created,modified"

// Contact is a Clientify contact. Company is the relation as Clientify
// writes it (an id or a hyperlink; CompanyID when a separate company_id is
// sent).
type Contact struct {
	ID            ID            `json:"id"`
	URL           string        `json:"url,omitempty"`
	Owner         Text          `json:"owner"`
	OwnerName     string        `json:"owner_name"`
	FirstName     string        `json:"first_name"`
	LastName      string        `json:"last_name"`
	Title         string        `json:"title"`
	Status        string        `json:"status"`
	Company       Ref           `json:"company"`
	CompanyID     ID            `json:"company_id"`
	CompanyName   string        `json:"company_name"`
	ContactType   Text          `json:"contact_type"`
	ContactSource Ref           `json:"contact_source"`
	TaxpayerID    string        `json:"taxpayer_identification_number"`
	Emails        []Email       `json:"emails"`
	Phones        []Phone       `json:"phones"`
	Addresses     []Address     `json:"addresses"`
	Websites      []Website     `json:"websites"`
	Tags          Tags          `json:"tags"`
	CustomFields  []CustomField `json:"custom_fields"`
	Description   string        `json:"description"`
	Remarks       string        `json:"remarks"`
	GDPRAccept    bool          `json:"gdpr_accept"`
	Created       Time          `json:"created"`
	Modified      Time          `json:"modified"`
}

// CompanyRef returns the contact's company relation: company, or else
// company_id.
func (c Contact) CompanyRef() Ref {
	if c.Company.IsZero() && c.CompanyID != 0 {
		return Ref{ID: int64(c.CompanyID)}
	}
	return c.Company
}

// HasEmail reports whether one of the contact's e-mails is addr (compared
// trimmed, case-insensitively).
func (c Contact) HasEmail(addr string) bool {
	for _, e := range c.Emails {
		if NormEmail(e.Email) == NormEmail(addr) {
			return true
		}
	}
	return false
}

const contactFields = "id,url,owner,owner_name,first_name,last_name,title,status,company,company_id,company_name,contact_type,contact_source,taxpayer_identification_number,emails,phones,addresses,websites,tags,custom_fields,description,remarks,gdpr_accept,created,modified"

// Product is a Clientify product (id, sku, name, description, price, owner,
// custom_fields; reference §3.4: other fields unconfirmed).
type Product struct {
	ID           ID            `json:"id"`
	URL          string        `json:"url,omitempty"`
	SKU          Text          `json:"sku"`
	Name         string        `json:"name"`
	Description  string        `json:"description"`
	Price        model.Decimal `json:"price"`
	Owner        Text          `json:"owner"`
	CustomFields []CustomField `json:"custom_fields"`
	Created      Time          `json:"created"`
	Modified     Time          `json:"modified"`
}

// productFields, dealFields and orderFields are the fields= of product,
// deal and order reads. v2 is known to refuse contact and company listings
// without fields= (FormsCRM's capture); whether it refuses the others is
// unconfirmed, so every read names the fields the client decodes (the
// official node sends fields= everywhere, and v1 honours it too).
const (
	productFields = "id,url,sku,name,description,price,owner,custom_fields,created,modified"
	dealFields    = "id,url,name,amount,currency,contact,contact_name,contact_email,company,company_name,pipeline,pipeline_desc,pipeline_stage,pipeline_stage_desc,status,status_desc,probability,probability_desc,expected_closed_date,actual_closed_date,owner,products,custom_fields,created,modified"
	orderFields   = "id,url,order_id,status,order_date,ecommerce,currency,contact,company,total,items,created,modified"
)

// Deal is a Clientify deal (read only for ferry). Contact, company,
// pipeline and stage are relations written as hyperlinks.
type Deal struct {
	ID                 ID            `json:"id"`
	URL                string        `json:"url,omitempty"`
	Name               string        `json:"name"`
	Amount             model.Decimal `json:"amount"`
	Currency           string        `json:"currency"`
	Contact            Ref           `json:"contact"`
	ContactName        string        `json:"contact_name"`
	ContactEmail       string        `json:"contact_email"`
	Company            Ref           `json:"company"`
	CompanyName        string        `json:"company_name"`
	Pipeline           Ref           `json:"pipeline"`
	PipelineDesc       string        `json:"pipeline_desc"`
	PipelineStage      Ref           `json:"pipeline_stage"`
	PipelineStageDesc  string        `json:"pipeline_stage_desc"`
	Status             ID            `json:"status"`
	StatusDesc         string        `json:"status_desc"`
	Probability        ID            `json:"probability"`
	ProbabilityDesc    string        `json:"probability_desc"`
	ExpectedClosedDate Time          `json:"expected_closed_date"`
	ActualClosedDate   Time          `json:"actual_closed_date"`
	Owner              Text          `json:"owner"`
	Products           []DealProduct `json:"products"`
	CustomFields       []CustomField `json:"custom_fields"`
	Created            Time          `json:"created"`
	Modified           Time          `json:"modified"`
}

// DealProduct is a product line of a deal.
type DealProduct struct {
	ProductID Ref           `json:"product_id"`
	Quantity  model.Decimal `json:"quantity"`
}

// Deal statuses (status_id, reference §3.2).
const (
	DealOpen    = 1
	DealExpired = 2
	DealWon     = 3
	DealLost    = 4
)

// Order is a Clientify order. The /orders/ fields are unconfirmed
// (reference §6); these are the ones of the merchant's Odoo integration
// (seed 004): order_id (the Odoo order's name), status, order_date,
// ecommerce, currency, the contact and the items.
type Order struct {
	ID        ID            `json:"id"`
	URL       string        `json:"url,omitempty"`
	OrderID   Text          `json:"order_id"`
	Status    Text          `json:"status"`
	OrderDate Time          `json:"order_date"`
	Ecommerce string        `json:"ecommerce"`
	Currency  string        `json:"currency"`
	Contact   Ref           `json:"contact"`
	Company   Ref           `json:"company"`
	Total     model.Decimal `json:"total"`
	Items     []OrderItem   `json:"items"`
	Created   Time          `json:"created"`
	Modified  Time          `json:"modified"`
}

// OrderItem is an order line: name, sku (the Odoo barcode), unit price and
// quantity (seed 004).
type OrderItem struct {
	ID       ID            `json:"id,omitempty"`
	Name     string        `json:"name"`
	SKU      Text          `json:"sku"`
	Price    model.Decimal `json:"price"`
	Quantity model.Decimal `json:"quantity"`
}

// Me is the account check's answer: GET /me/ (v2: id, username,
// account_status; the official node's fields=id,email).
type Me struct {
	ID            ID     `json:"id"`
	Email         string `json:"email"`
	Username      string `json:"username"`
	FullName      string `json:"full_name"`
	Company       Text   `json:"company"`
	AccountStatus string `json:"account_status"`
}

// decodeRecord decodes one record and requires its id.
func decodeRecord[T any](b []byte, what string, id func(*T) ID) (T, error) {
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return v, fmt.Errorf("not a Clientify %s: %w", what, err)
	}
	if id(&v) <= 0 {
		return v, fmt.Errorf("the %s has no id", what)
	}
	return v, nil
}

// DecodeCompany reads a company.
func DecodeCompany(b []byte) (Company, error) {
	return decodeRecord(b, "company", func(c *Company) ID { return c.ID })
}

// DecodeContact reads a contact.
func DecodeContact(b []byte) (Contact, error) {
	return decodeRecord(b, "contact", func(c *Contact) ID { return c.ID })
}

// DecodeProduct reads a product.
func DecodeProduct(b []byte) (Product, error) {
	return decodeRecord(b, "product", func(p *Product) ID { return p.ID })
}

// DecodeDeal reads a deal.
func DecodeDeal(b []byte) (Deal, error) {
	return decodeRecord(b, "deal", func(d *Deal) ID { return d.ID })
}

// DecodeOrder reads an order.
func DecodeOrder(b []byte) (Order, error) {
	return decodeRecord(b, "order", func(o *Order) ID { return o.ID })
}

// DecodeMe reads the answer of GET /me/ (or a v1 user).
func DecodeMe(b []byte) (Me, error) {
	return decodeRecord(b, "user", func(m *Me) ID { return m.ID })
}

func decodeCompanyRaw(r json.RawMessage) (Company, error) { return DecodeCompany(r) }
func decodeContactRaw(r json.RawMessage) (Contact, error) { return DecodeContact(r) }
func decodeProductRaw(r json.RawMessage) (Product, error) { return DecodeProduct(r) }
func decodeDealRaw(r json.RawMessage) (Deal, error)       { return DecodeDeal(r) }
func decodeOrderRaw(r json.RawMessage) (Order, error)     { return DecodeOrder(r) }

// NormEmail is an e-mail as the client compares it: trimmed, lower case.
func NormEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// NormTaxID is a taxpayer id (NIF, VAT number) as the client compares it:
// upper case without spaces, dots and hyphens ("es-b12.345.678" is
// "ESB12345678").
func NormTaxID(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '.', '-', '\t':
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(s)))
}

// NormSKU is a SKU as the client compares it: trimmed, case kept.
func NormSKU(s string) string { return strings.TrimSpace(s) }

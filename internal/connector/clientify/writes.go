package clientify

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/remote"
)

// CompanyInput is what the client writes of a company. Empty scalar fields
// are left out (Clientify keeps what it has); e-mails, phones and addresses
// are added through the record's sub-resources when missing, never removed.
type CompanyInput struct {
	Name         string
	BusinessName string
	// TaxpayerID is the natural key (Odoo's ref, the NIF).
	TaxpayerID   string
	Description  string
	Emails       []Email
	Phones       []Phone
	Addresses    []Address
	CustomFields []CustomField
}

func (in CompanyInput) body() map[string]any {
	b := map[string]any{}
	put(b, "name", in.Name)
	put(b, "business_name", in.BusinessName)
	put(b, "taxpayer_identification_number", strings.TrimSpace(in.TaxpayerID))
	put(b, "description", in.Description)
	if cf := customFields(in.CustomFields); len(cf) > 0 {
		b["custom_fields"] = cf
	}
	return b
}

// ContactInput is what the client writes of a contact.
type ContactInput struct {
	FirstName string
	LastName  string
	Title     string
	// Status is one of other, not-qualified-lead, visitor, cold-lead,
	// warm-lead, hot-lead, in-deal, lost-lead, client, lost-client.
	Status string
	// Company links the contact: a Ref with the company's URL or id
	// (Client.URL("companies", id)), or a name Clientify makes a company of.
	Company       Ref
	TaxpayerID    string
	ContactType   string
	ContactSource string
	// Emails: the first is the natural key and goes as the flat email of a
	// create; the others are added through /contacts/{id}/emails/.
	Emails       []Email
	Phones       []Phone
	Addresses    []Address
	CustomFields []CustomField
	Tags         []string
}

// Email returns the contact's first e-mail, "" when none.
func (in ContactInput) Email() string {
	for _, e := range in.Emails {
		if NormEmail(e.Email) != "" {
			return e.Email
		}
	}
	return ""
}

func (in ContactInput) body(create bool) map[string]any {
	b := map[string]any{}
	put(b, "first_name", in.FirstName)
	put(b, "last_name", in.LastName)
	put(b, "title", in.Title)
	put(b, "status", in.Status)
	put(b, "taxpayer_identification_number", strings.TrimSpace(in.TaxpayerID))
	put(b, "contact_type", in.ContactType)
	put(b, "contact_source", in.ContactSource)
	if !in.Company.IsZero() {
		b["company"] = in.Company
	}
	if cf := customFields(in.CustomFields); len(cf) > 0 {
		b["custom_fields"] = cf
	}
	if len(in.Tags) > 0 {
		b["tags"] = in.Tags
	}
	if create {
		// The flat shortcuts a create accepts become the first entries.
		if e := in.Email(); e != "" {
			b["email"] = strings.TrimSpace(e)
		}
		if len(in.Phones) > 0 && strings.TrimSpace(string(in.Phones[0].Phone)) != "" {
			b["phone"] = strings.TrimSpace(string(in.Phones[0].Phone))
		}
		if len(in.Addresses) > 0 {
			b["addresses"] = withTypes(in.Addresses)
		}
	}
	return b
}

// ProductInput is what the client writes of a product (seed 004: name,
// price, sku).
type ProductInput struct {
	SKU          string
	Name         string
	Description  string
	Price        model.Decimal
	CustomFields []CustomField
}

// body is the product's fields. The price is always written (a zero price
// is a price); an empty SKU or name is left out.
func (in ProductInput) body() map[string]any {
	b := map[string]any{"price": in.Price}
	put(b, "sku", NormSKU(in.SKU))
	put(b, "name", in.Name)
	put(b, "description", in.Description)
	if cf := customFields(in.CustomFields); len(cf) > 0 {
		b["custom_fields"] = cf
	}
	return b
}

// OrderInput is what the client writes of an order (seed 004).
type OrderInput struct {
	// OrderID is the natural key: the Odoo order's name.
	OrderID   string
	Status    string
	OrderDate time.Time
	// Ecommerce names the source ("Odoo").
	Ecommerce string
	Currency  string
	Contact   Ref
	Company   Ref
	Items     []OrderItem
}

// body is the order's fields; an empty order_id is left out, and so are
// no items (an update without items keeps the order's lines; a PUT with
// items replaces them).
func (in OrderInput) body() map[string]any {
	b := map[string]any{}
	put(b, "order_id", NormSKU(in.OrderID))
	put(b, "status", in.Status)
	put(b, "ecommerce", in.Ecommerce)
	put(b, "currency", in.Currency)
	if !in.OrderDate.IsZero() {
		b["order_date"] = Time{in.OrderDate}
	}
	if !in.Contact.IsZero() {
		b["contact"] = in.Contact
	}
	if !in.Company.IsZero() {
		b["company"] = in.Company
	}
	if len(in.Items) > 0 {
		items := make([]OrderItem, len(in.Items))
		copy(items, in.Items)
		b["items"] = items
	}
	return b
}

// customFields are the values to write: Clientify refuses a blank value
// (400 {"custom_fields": [{"value": ["This field may not be blank."]}]}; the
// PHP client writes "--" for an empty one), so an empty value is left out,
// as other empty fields are, and the field keeps what it has.
func customFields(in []CustomField) []CustomField {
	var out []CustomField
	for _, f := range in {
		if strings.TrimSpace(f.Field) == "" || strings.TrimSpace(string(f.Value)) == "" {
			continue
		}
		out = append(out, f)
	}
	return out
}

func put(b map[string]any, k, v string) {
	if v = strings.TrimSpace(v); v != "" {
		b[k] = v
	}
}

// create POSTs body to r. A create is not retried blindly: when the answer
// leaves it open whether it committed (a timeout, a dropped connection, a
// 5xx after sending) or says the record exists (409), find looks the
// record up by its natural key, and only when it is not there is the create
// sent again (up to max_attempts). created is false when find returned a
// record the client did not make.
func create[T any](ctx context.Context, c *Client, r resource[T], body map[string]any, subject Subject, find func(context.Context) (T, bool, error)) (v T, created bool, err error) {
	var zero T
	mine := false
	for attempt := 1; ; attempt++ {
		var raw json.RawMessage
		_, err := c.call(ctx, http.MethodPost, c.path(r.path, nil), body, false, subject, &raw)
		if err == nil {
			v, derr := r.decode(raw)
			if derr == nil {
				return v, true, nil
			}
			// Committed, answer unreadable: the lookup returns the record.
			if f, ok, ferr := find(ctx); ferr == nil && ok {
				return f, true, nil
			}
			return zero, true, &ItemError{Op: "POST " + r.path, Resource: r.name, ID: subject.Value, Err: derr}
		}
		var ae *APIError
		committed := errors.As(err, &ae) && ae.Status < 300 // a 2xx answer the client cannot read
		ambiguous := remote.IsAmbiguous(err) || committed
		if !ambiguous && !IsDuplicate(err) {
			return zero, false, err
		}
		if strings.TrimSpace(subject.Value) == "" {
			// No natural key to look the record up by: never create twice.
			return zero, false, err
		}
		mine = mine || ambiguous
		f, ok, ferr := find(ctx)
		if ferr != nil {
			return zero, false, errors.Join(err, ferr)
		}
		if ok {
			return f, mine, nil
		}
		if !ambiguous || committed || attempt >= c.settings.MaxAttempts || ctx.Err() != nil {
			return zero, false, err
		}
	}
}

// update PUTs body to r's record id: absolute values, so repeating it is
// safe. A PUT is a full update in DRF: when body lacks one of r's required
// fields (an update of a contact's title alone has no first_name), the
// record is read first and the field sent with its current value, so that
// the update changes only what it was given.
func update[T any](ctx context.Context, c *Client, r resource[T], id int64, body map[string]any, subject Subject) (T, error) {
	var zero T
	var cur *T
	for k, val := range r.required {
		if _, ok := body[k]; ok {
			continue
		}
		if cur == nil {
			v, err := get(ctx, c, r, id)
			if err != nil {
				return zero, err
			}
			cur = &v
		}
		if x := strings.TrimSpace(val(*cur)); x != "" {
			body[k] = x
		}
	}
	var raw json.RawMessage
	if _, err := c.call(ctx, http.MethodPut, c.path(r.path+strconv.FormatInt(id, 10), nil), body, true, subject, &raw); err != nil {
		return zero, err
	}
	v, err := r.decode(raw)
	if err != nil {
		// Some answers of a PUT carry only what was sent: read it back.
		return get(ctx, c, r, id)
	}
	return v, nil
}

func companySubject(in CompanyInput) Subject {
	return Subject{Resource: "company", Key: "taxpayer_identification_number", Value: strings.TrimSpace(in.TaxpayerID)}
}

// CreateCompany creates a company. A create that may have committed is
// looked up by taxpayer id before it is sent again, so the company is made
// once.
func (c *Client) CreateCompany(ctx context.Context, in CompanyInput) (Company, error) {
	v, _, err := c.createCompany(ctx, in)
	return v, err
}

// CreateOrFindCompany returns the company with in's taxpayer id, creating
// it (with its e-mails, phones and addresses) when there is none. created
// says whether this call made it. Calling it again creates nothing.
func (c *Client) CreateOrFindCompany(ctx context.Context, in CompanyInput) (co Company, created bool, err error) {
	if NormTaxID(in.TaxpayerID) != "" {
		f, ok, err := c.FindCompanyByTaxID(ctx, in.TaxpayerID)
		if err != nil || ok {
			return f, false, err
		}
	}
	return c.createCompany(ctx, in)
}

func (c *Client) createCompany(ctx context.Context, in CompanyInput) (Company, bool, error) {
	find := func(ctx context.Context) (Company, bool, error) {
		if NormTaxID(in.TaxpayerID) == "" {
			return Company{}, false, nil
		}
		return c.FindCompanyByTaxID(ctx, in.TaxpayerID)
	}
	v, created, err := create(ctx, c, companies, in.body(), companySubject(in), find)
	if err != nil {
		return v, created, err
	}
	v, err = c.addCompanyLists(ctx, v, in)
	return v, created, err
}

// UpdateCompany writes in to company id (PUT), then adds the e-mails,
// phones and addresses it lacks.
func (c *Client) UpdateCompany(ctx context.Context, id int64, in CompanyInput) (Company, error) {
	v, err := update(ctx, c, companies, id, in.body(), companySubject(in))
	if err != nil {
		return v, err
	}
	return c.addCompanyLists(ctx, v, in)
}

func (c *Client) addCompanyLists(ctx context.Context, v Company, in CompanyInput) (Company, error) {
	n, err := c.addLists(ctx, "companies", int64(v.ID), companySubject(in), lists{v.Emails, v.Phones, v.Addresses}, lists{in.Emails, in.Phones, in.Addresses})
	if err != nil || n == 0 {
		return v, err
	}
	return c.Company(ctx, int64(v.ID))
}

func contactSubject(in ContactInput) Subject {
	if e := in.Email(); e != "" {
		return Subject{Resource: "contact", Key: "email", Value: strings.TrimSpace(e)}
	}
	return Subject{Resource: "contact", Key: "taxpayer_identification_number", Value: strings.TrimSpace(in.TaxpayerID)}
}

// findContact looks a contact up by its e-mail, else by its taxpayer id.
func (c *Client) findContact(ctx context.Context, in ContactInput) (Contact, bool, error) {
	if e := in.Email(); e != "" {
		v, ok, err := c.FindContactByEmail(ctx, e)
		if err != nil || ok {
			return v, ok, err
		}
	}
	if NormTaxID(in.TaxpayerID) != "" {
		return c.FindContactByTaxID(ctx, in.TaxpayerID)
	}
	return Contact{}, false, nil
}

// CreateContact creates a contact: the first e-mail and phone as the flat
// shortcuts, the addresses in the body, the other e-mails and phones through
// the sub-resources. A create that may have committed (or a 409 for a
// taxpayer id that exists) is looked up by e-mail and taxpayer id before it
// is sent again.
func (c *Client) CreateContact(ctx context.Context, in ContactInput) (Contact, error) {
	v, _, err := c.createContact(ctx, in)
	return v, err
}

// CreateOrFindContact returns the contact with in's e-mail (else taxpayer
// id), creating it when there is none; created says whether this call made
// it. Calling it again creates nothing.
func (c *Client) CreateOrFindContact(ctx context.Context, in ContactInput) (ct Contact, created bool, err error) {
	f, ok, err := c.findContact(ctx, in)
	if err != nil || ok {
		return f, false, err
	}
	return c.createContact(ctx, in)
}

func (c *Client) createContact(ctx context.Context, in ContactInput) (Contact, bool, error) {
	v, created, err := create(ctx, c, contacts, in.body(true), contactSubject(in), func(ctx context.Context) (Contact, bool, error) { return c.findContact(ctx, in) })
	if err != nil {
		return v, created, err
	}
	v, err = c.addContactLists(ctx, v, in)
	return v, created, err
}

// UpdateContact writes in's scalar fields to contact id (PUT), then adds
// the e-mails, phones and addresses it lacks.
func (c *Client) UpdateContact(ctx context.Context, id int64, in ContactInput) (Contact, error) {
	v, err := update(ctx, c, contacts, id, in.body(false), contactSubject(in))
	if err != nil {
		return v, err
	}
	return c.addContactLists(ctx, v, in)
}

func (c *Client) addContactLists(ctx context.Context, v Contact, in ContactInput) (Contact, error) {
	n, err := c.addLists(ctx, "contacts", int64(v.ID), contactSubject(in), lists{v.Emails, v.Phones, v.Addresses}, lists{in.Emails, in.Phones, in.Addresses})
	if err != nil || n == 0 {
		return v, err
	}
	return c.Contact(ctx, int64(v.ID))
}

// lists are a record's e-mails, phones and addresses.
type lists struct {
	emails    []Email
	phones    []Phone
	addresses []Address
}

// addLists POSTs to /{resource}/{id}/emails/, /phones/ and /addresses/ the
// entries of want that have lacks (compared normalised), and returns how
// many it added. Such a POST is not retried: one that may have committed
// fails the call, and the next write reads the record and sees the entry or
// adds it.
func (c *Client) addLists(ctx context.Context, resource string, id int64, subject Subject, have, want lists) (int, error) {
	n := 0
	seen := map[string]bool{}
	for _, e := range have.emails {
		seen["e:"+NormEmail(e.Email)] = true
	}
	for _, p := range have.phones {
		seen["p:"+normPhone(string(p.Phone))] = true
	}
	for _, a := range have.addresses {
		seen["a:"+normAddress(a)] = true
	}
	add := func(key, sub string, body any) error {
		if seen[key] {
			return nil
		}
		seen[key] = true
		u := c.path(resource+"/"+strconv.FormatInt(id, 10)+"/"+sub, nil)
		if _, err := c.call(ctx, http.MethodPost, u, body, false, subject, nil); err != nil {
			return err
		}
		n++
		return nil
	}
	for _, e := range want.emails {
		if NormEmail(e.Email) == "" {
			continue
		}
		if err := add("e:"+NormEmail(e.Email), "emails", map[string]any{"email": strings.TrimSpace(e.Email), "type": typeOr(e.Type)}); err != nil {
			return n, err
		}
	}
	for _, p := range want.phones {
		if normPhone(string(p.Phone)) == "" {
			continue
		}
		if err := add("p:"+normPhone(string(p.Phone)), "phones", map[string]any{"phone": strings.TrimSpace(string(p.Phone)), "type": typeOr(p.Type)}); err != nil {
			return n, err
		}
	}
	for _, a := range want.addresses {
		if normAddress(a) == "||" {
			continue
		}
		a.ID, a.Type = 0, ID(typeOr(a.Type))
		if err := add("a:"+normAddress(a), "addresses", a); err != nil {
			return n, err
		}
	}
	return n, nil
}

func typeOr(t ID) int64 {
	if t <= 0 {
		return 1
	}
	return int64(t)
}

func withTypes(as []Address) []Address {
	out := make([]Address, len(as))
	for i, a := range as {
		a.ID, a.Type = 0, ID(typeOr(a.Type))
		out[i] = a
	}
	return out
}

// normPhone keeps a phone's digits and a leading +.
func normPhone(s string) string {
	s = strings.TrimSpace(s)
	var b strings.Builder
	for i, r := range s {
		if unicode.IsDigit(r) || (r == '+' && i == 0) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func normAddress(a Address) string {
	f := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	return f(a.Street) + "|" + f(string(a.PostalCode)) + "|" + f(a.City)
}

func productSubject(in ProductInput) Subject {
	return Subject{Resource: "product", Key: "sku", Value: NormSKU(in.SKU)}
}

// CreateProduct creates a product; one that may have committed is looked
// up by SKU before it is sent again.
func (c *Client) CreateProduct(ctx context.Context, in ProductInput) (Product, error) {
	v, _, err := c.createProduct(ctx, in)
	return v, err
}

// CreateOrFindProduct returns the product with in's SKU, creating it when
// there is none. Calling it again creates nothing.
func (c *Client) CreateOrFindProduct(ctx context.Context, in ProductInput) (p Product, created bool, err error) {
	if NormSKU(in.SKU) != "" {
		f, ok, err := c.FindProductBySKU(ctx, in.SKU)
		if err != nil || ok {
			return f, false, err
		}
	}
	return c.createProduct(ctx, in)
}

func (c *Client) createProduct(ctx context.Context, in ProductInput) (Product, bool, error) {
	return create(ctx, c, products, in.body(), productSubject(in), func(ctx context.Context) (Product, bool, error) {
		return c.FindProductBySKU(ctx, in.SKU)
	})
}

// UpdateProduct writes in to product id (PUT /products/{id}/).
func (c *Client) UpdateProduct(ctx context.Context, id int64, in ProductInput) (Product, error) {
	return update(ctx, c, products, id, in.body(), productSubject(in))
}

func orderSubject(in OrderInput) Subject {
	return Subject{Resource: "order", Key: "order_id", Value: NormSKU(in.OrderID)}
}

// CreateOrder creates an order with its items; one that may have committed
// is looked up by order_id before it is sent again.
func (c *Client) CreateOrder(ctx context.Context, in OrderInput) (Order, error) {
	v, _, err := c.createOrder(ctx, in)
	return v, err
}

// CreateOrFindOrder returns the order with in's order_id, creating it when
// there is none. Calling it again creates nothing.
func (c *Client) CreateOrFindOrder(ctx context.Context, in OrderInput) (o Order, created bool, err error) {
	if NormSKU(in.OrderID) != "" {
		f, ok, err := c.FindOrderByOrderID(ctx, in.OrderID)
		if err != nil || ok {
			return f, false, err
		}
	}
	return c.createOrder(ctx, in)
}

func (c *Client) createOrder(ctx context.Context, in OrderInput) (Order, bool, error) {
	return create(ctx, c, orders, in.body(), orderSubject(in), func(ctx context.Context) (Order, bool, error) {
		return c.FindOrderByOrderID(ctx, in.OrderID)
	})
}

// UpdateOrder writes in, items included, to order id (PUT /orders/{id}/;
// the reference lists only GET and POST for /orders/, so this is the DRF
// convention, unconfirmed).
func (c *Client) UpdateOrder(ctx context.Context, id int64, in OrderInput) (Order, error) {
	return update(ctx, c, orders, id, in.body(), orderSubject(in))
}

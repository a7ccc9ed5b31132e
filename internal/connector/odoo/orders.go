package odoo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/remote"
)

// bulkContext switches off chatter and tracking for imports (reference §1.6).
var bulkContext = map[string]any{"tracking_disable": true, "mail_create_nolog": true, "mail_create_nosubscribe": true, "mail_notrack": true}

// inactiveToo finds archived records too, so that lookups by natural key never
// miss a record and create it twice.
var inactiveToo = map[string]any{"active_test": false}

// RecordError is a record Odoo cannot take as it is; retrying cannot help until
// someone changes the data or the configuration.
type RecordError struct {
	Entity string
	Msg    string
	// Action marks errors a person fixes in configuration (a missing product,
	// carrier or tax), not in the record.
	Action bool
}

func (e *RecordError) Error() string { return e.Entity + ": " + e.Msg }

// FailureClass: configuration gaps need a person; bad data is final.
func (e *RecordError) FailureClass() string {
	if e.Action {
		return "needs_action"
	}
	return "permanent"
}

type orderRow struct {
	ID             Int      `json:"id"`
	Name           Str      `json:"name"`
	ClientOrderRef Str      `json:"client_order_ref"`
	State          Str      `json:"state"`
	PickingIDs     IDs      `json:"picking_ids"`
	InvoiceStatus  Str      `json:"invoice_status"`
	InvoiceIDs     IDs      `json:"invoice_ids"`
	PartnerID      Many2one `json:"partner_id"`
	// InvoicePartner is who 16/17's invoicing wizard groups invoices by.
	InvoicePartner Many2one `json:"partner_invoice_id"`
	// CreateDate is when the order came into Odoo.
	CreateDate Time `json:"create_date"`
}

var orderFields = []string{"name", "client_order_ref", "state", "picking_ids", "invoice_status", "invoice_ids", "partner_id", "partner_invoice_id", "create_date"}

type partnerRow struct {
	ID    Int `json:"id"`
	Email Str `json:"email"`
}

type productRow struct {
	ID          Int `json:"id"`
	DefaultCode Str `json:"default_code"`
}

type taxRow struct {
	ID           Int  `json:"id"`
	Name         Str  `json:"name"`
	Amount       Num  `json:"amount"`
	PriceInclude Bool `json:"price_include"`
}

type carrierRow struct {
	ID        Int      `json:"id"`
	Name      Str      `json:"name"`
	ProductID Many2one `json:"product_id"`
}

// ImportOrders creates the sale orders Odoo does not have yet and confirms them,
// a page at a time: one lookup of existing orders by client_order_ref, one of
// partners by e-mail, one create of the missing partners, one lookup of products,
// one create of all orders, one action_confirm of all of them. A batch Odoo
// refuses is split in halves until the bad orders are alone, so the rest go
// through.
func (c *Client) ImportOrders(ctx context.Context, imps []model.OrderImport) ([]model.WriteResult, error) {
	out := make([]model.WriteResult, len(imps))
	if len(imps) == 0 {
		return out, nil
	}
	refs := make([]any, len(imps))
	for i, imp := range imps {
		refs[i] = imp.Ref
	}
	existing, err := c.ordersByRef(ctx, refs)
	if err != nil {
		return nil, err
	}
	var todo, unconfirmed []int
	for i, imp := range imps {
		if o, ok := existing[imp.Ref]; ok {
			out[i] = model.WriteResult{RemoteID: o.ID.String(), Number: string(o.Name)}
			// An earlier attempt created it and stopped before confirming it.
			if o.State == "draft" || o.State == "sent" {
				unconfirmed = append(unconfirmed, i)
			}
			continue
		}
		todo = append(todo, i)
	}
	// A draft an interrupted attempt left was never checked against the
	// shop's total: one that differs is deleted and made again, as a first
	// attempt would have.
	redo, err := c.driftedDrafts(ctx, imps, unconfirmed, out)
	if err != nil {
		return nil, err
	}
	if len(redo) > 0 {
		again := map[int]bool{}
		for _, i := range redo {
			again[i] = true
			out[i] = model.WriteResult{}
			todo = append(todo, i)
		}
		unconfirmed = slices.DeleteFunc(unconfirmed, func(i int) bool { return again[i] })
		sort.Ints(todo)
	}
	if len(todo) == 0 {
		if err := c.finish(ctx, imps, unconfirmed, out); err != nil {
			return nil, err
		}
		if err := c.quotations(ctx, imps, out); err != nil {
			return nil, err
		}
		c.shipShipped(ctx, imps, out)
		return out, nil
	}
	partners, refused, err := c.ensurePartners(ctx, imps, todo)
	if err != nil {
		return nil, err
	}
	shipTo, err := c.ensureDeliveryAddresses(ctx, imps, todo, partners)
	if err != nil {
		return nil, err
	}
	lookups, err := c.orderLookups(ctx, imps, todo)
	if err != nil {
		return nil, err
	}
	var vals []map[string]any
	var idx []int
	for _, i := range todo {
		if err := customerRefused(imps[i], refused); err != nil {
			out[i] = model.WriteResult{Err: err}
			continue
		}
		v, err := c.orderVals(imps[i], partners, lookups)
		if err != nil {
			out[i] = model.WriteResult{Err: err}
			continue
		}
		if d, ok := shipTo[i]; ok {
			v["partner_shipping_id"] = d
		}
		vals = append(vals, v)
		idx = append(idx, i)
	}
	c.createOrders(ctx, imps, vals, idx, out)
	if err := c.checkTotals(ctx, imps, idx, lookups.converted, out); err != nil {
		return nil, err
	}
	for _, i := range idx {
		if out[i].Err == nil && out[i].Created {
			unconfirmed = append(unconfirmed, i)
		}
	}
	if err := c.finish(ctx, imps, unconfirmed, out); err != nil {
		return nil, err
	}
	if err := c.quotations(ctx, imps, out); err != nil {
		return nil, err
	}
	c.shipShipped(ctx, imps, out)
	return out, nil
}

// finish confirms the orders at idx and invoices every order of the page, as
// far as each order's workflow goes (none: confirm, invoice, post), then
// registers the payments workflows ask for. A retry thus completes what an
// interrupted attempt left behind: an order created but not confirmed,
// confirmed but not invoiced, or invoiced but not paid. Held and cancelled
// orders stay quotations (quotations).
func (c *Client) finish(ctx context.Context, imps []model.OrderImport, idx []int, out []model.WriteResult) error {
	var ids []int64
	var conf []int
	for _, i := range idx {
		if wantsConfirm(imps[i]) {
			ids = append(ids, parseInt(out[i].RemoteID))
			conf = append(conf, i)
		}
	}
	if err := c.confirm(ctx, ids, imps, conf, out); err != nil {
		return err
	}
	workflowWarnings(imps, conf, out)
	if err := c.keepOrderDates(ctx, imps, conf, out); err != nil {
		return err
	}
	var all []int64
	keepDraft := map[int64]bool{}
	for i := range out {
		if out[i].Err == nil && out[i].RemoteID != "" && wantsInvoice(imps[i]) {
			id := parseInt(out[i].RemoteID)
			all = append(all, id)
			if !wantsPost(imps[i]) {
				keepDraft[id] = true
			}
		}
	}
	if err := c.invoice(ctx, all, keepDraft, out); err != nil {
		return err
	}
	return c.payOrders(ctx, imps, out)
}

// invoice makes and posts the invoices of the confirmed orders still to
// invoice, a page at a time (wizard, create_invoices, one read, one post), so
// that the shop's payment has an invoice to be paid against. Orders invoiced
// before get no second invoice, which makes it safe to repeat; their draft
// invoices, which an interrupted attempt left, are posted, except those of
// the orders in keepDraft (a workflow that stops before posting). An order
// Odoo will not invoice gets a warning; a transient failure is returned for
// a retry.
func (c *Client) invoice(ctx context.Context, ids []int64, keepDraft map[int64]bool, out []model.WriteResult) error {
	if len(ids) == 0 {
		return nil
	}
	var idList []any
	for _, id := range ids {
		idList = append(idList, id)
	}
	confirmed := Query{Domain: []any{[]any{"id", "in", idList}, []any{"state", "=", "sale"}}, Fields: orderFields}
	rows, err := SearchRead[orderRow](ctx, c, "sale.order", confirmed)
	if err != nil {
		return err
	}
	// The read names the orders too (S00042), saving a read of their own.
	names := map[string]string{}
	for _, r := range rows {
		names[r.ID.String()] = string(r.Name)
	}
	for i := range out {
		if n, ok := names[out[i].RemoteID]; ok && out[i].Number == "" {
			out[i].Number = n
		}
	}
	var todo []int64
	partner := map[int64]int64{}
	for _, r := range rows {
		if r.InvoiceStatus == "to invoice" {
			todo = append(todo, int64(r.ID))
			partner[int64(r.ID)] = r.PartnerID.ID
			if r.InvoicePartner.ID != 0 {
				partner[int64(r.ID)] = r.InvoicePartner.ID
			}
		}
	}
	if len(todo) > 0 {
		if done, err := c.createInvoices(ctx, todo, partner, out); err != nil || !done {
			return err
		}
		made := map[string]bool{}
		for _, id := range todo {
			made[fmt.Sprint(id)] = true
		}
		for i := range out {
			if made[out[i].RemoteID] && out[i].Warning == "" && out[i].Err == nil {
				out[i].Invoiced = true
			}
		}
		if rows, err = SearchRead[orderRow](ctx, c, "sale.order", confirmed); err != nil {
			return err
		}
	}
	var drafts []any
	var invoiced []int64
	for _, r := range rows {
		if keepDraft[int64(r.ID)] {
			continue
		}
		for _, inv := range r.InvoiceIDs {
			drafts = append(drafts, inv)
		}
		if len(r.InvoiceIDs) > 0 {
			invoiced = append(invoiced, int64(r.ID))
		}
	}
	if len(drafts) == 0 {
		return nil
	}
	moves, err := SearchRead[invoiceRow](ctx, c, "account.move", Query{Domain: []any{[]any{"id", "in", drafts}, []any{"state", "=", "draft"}}, Fields: []string{"name", "state"}})
	if err != nil {
		return err
	}
	var post []int64
	for _, m := range moves {
		post = append(post, int64(m.ID))
	}
	if len(post) == 0 {
		return nil
	}
	if err := c.postInvoices(ctx, post); err != nil {
		return invoiceWarning(err, invoiced, out)
	}
	return nil
}

// createInvoices runs the invoicing wizard on the orders todo so that each
// gets its own invoice (seed 000 pays each order's invoice): with
// consolidated_billing False where the wizard has it (18+; 19 defaults it to
// True), else (16/17 group by customer) once per round of orders of distinct
// customers. done is false when Odoo refused to invoice them all (a warning on
// each order in out).
func (c *Client) createInvoices(ctx context.Context, todo []int64, partner map[int64]int64, out []model.WriteResult) (done bool, err error) {
	consolidated, err := c.wizardHasConsolidatedBilling(ctx)
	if err != nil {
		return false, err
	}
	rounds := [][]int64{todo}
	vals := map[string]any{"advance_payment_method": "delivered"}
	if consolidated {
		vals["consolidated_billing"] = false
	} else {
		rounds = distinctCustomers(todo, partner)
	}
	for _, round := range rounds {
		wctx := map[string]any{"active_model": "sale.order", "active_ids": round, "active_id": round[0]}
		for k, v := range bulkContext {
			wctx[k] = v
		}
		wiz, err := c.Create(ctx, "sale.advance.payment.inv", []map[string]any{vals}, wctx)
		if err == nil {
			// Odoo 18 answers None here; the invoices exist all the same.
			_, err = c.Call(ctx, "sale.advance.payment.inv", "create_invoices", wiz, map[string]any{"context": wctx})
		}
		if err != nil {
			if err := invoiceWarning(err, round, out); err != nil {
				return false, err
			}
			continue
		}
		done = true
	}
	return done, nil
}

// distinctCustomers splits orders into rounds in which no two orders have the
// same customer, keeping their order: the first order of each customer, then
// the second, and so on.
func distinctCustomers(orders []int64, partner map[int64]int64) [][]int64 {
	var rounds [][]int64
	seen := map[int64]int{}
	for _, id := range orders {
		k := seen[partner[id]]
		seen[partner[id]]++
		if k == len(rounds) {
			rounds = append(rounds, nil)
		}
		rounds[k] = append(rounds[k], id)
	}
	return rounds
}

// wizardHasConsolidatedBilling reads once whether sale.advance.payment.inv
// has consolidated_billing (18 and later).
func (c *Client) wizardHasConsolidatedBilling(ctx context.Context) (bool, error) {
	c.mu.Lock()
	known, has := c.consolidatedKnown, c.consolidated
	c.mu.Unlock()
	if known {
		return has, nil
	}
	res, err := c.Execute(ctx, "sale.advance.payment.inv", "fields_get", nil, map[string]any{"allfields": []string{"consolidated_billing"}, "attributes": []string{"type"}}, true)
	if err != nil {
		return false, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(res, &fields); err != nil {
		return false, fmt.Errorf("odoo %s: fields_get sale.advance.payment.inv: %w", c.name, err)
	}
	_, has = fields["consolidated_billing"]
	c.mu.Lock()
	c.consolidatedKnown, c.consolidated = true, has
	c.mu.Unlock()
	return has, nil
}

// invoiceWarning puts Odoo's refusal (a user or validation error) on the
// orders as a warning and returns nil; other errors are returned for a retry.
func invoiceWarning(err error, orders []int64, out []model.WriteResult) error {
	var te *transientError
	if errors.As(err, &te) || !IsUserError(err) && !IsValidation(err) {
		return err
	}
	for i := range out {
		for _, id := range orders {
			if out[i].RemoteID == fmt.Sprint(id) {
				out[i].Warning = "the order is in Odoo, but it could not be invoiced: " + err.Error()
			}
		}
	}
	return nil
}

func (c *Client) ordersByRef(ctx context.Context, refs []any) (map[string]orderRow, error) {
	rows, err := SearchRead[orderRow](ctx, c, "sale.order", Query{
		Domain: []any{[]any{"client_order_ref", "in", refs}}, Fields: orderFields, Context: inactiveToo,
	})
	if err != nil {
		return nil, err
	}
	out := map[string]orderRow{}
	for _, r := range rows {
		out[string(r.ClientOrderRef)] = r
	}
	return out, nil
}

// ensurePartners returns the partner id of each order's customer (by lower-cased
// e-mail), creating the missing ones in one call, and Odoo's refusal of each
// customer it would not create (refused).
func (c *Client) ensurePartners(ctx context.Context, imps []model.OrderImport, todo []int) (have map[string]int64, refused map[string]error, err error) {
	parties := make([]party, 0, len(todo))
	for _, i := range todo {
		parties = append(parties, party{Party: imps[i].Order.Customer, Address: imps[i].Order.Billing})
	}
	unlock, err := c.lockContacts(ctx, partyEmails(parties))
	if err != nil {
		return nil, nil, err
	}
	defer unlock()
	have, _, refused, err = c.findOrCreateParties(ctx, parties)
	return have, refused, err
}

// party is a customer to find by e-mail, and the address it is created with
// when Odoo has none of that e-mail (an order's billing address, a shop
// customer's own).
type party struct {
	Party   model.Party
	Address model.Address
}

// emailKey is the natural key partners are matched by: the lower-cased,
// trimmed e-mail.
func emailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// partyEmails are the parties' e-mail keys, without empty ones, for
// lockContacts.
func partyEmails(parties []party) []string {
	var keys []string
	for _, p := range parties {
		if e := emailKey(p.Party.Email); e != "" {
			keys = append(keys, e)
		}
	}
	return keys
}

// findOrCreateParties is ensurePartners' work, under the caller's
// lockContacts of partyEmails(parties): one search_read of the top-level
// partners by e-mail (case-insensitive, archived too), one create of the
// missing ones (the first party of each e-mail gives the values), halved on
// Odoo's refusals (createPartners). created holds the e-mails whose partner
// this call made, also when the create's answer was lost and the partner was
// found after it.
func (c *Client) findOrCreateParties(ctx context.Context, parties []party) (have map[string]int64, created map[string]bool, refused map[string]error, err error) {
	var emails []any
	seen := map[string]int{}
	for i, p := range parties {
		e := emailKey(p.Party.Email)
		if _, ok := seen[e]; !ok && e != "" {
			seen[e] = i
			emails = append(emails, e)
		}
	}
	find := func() (map[string]int64, error) {
		m := map[string]int64{}
		if len(emails) == 0 {
			return m, nil
		}
		rows, err := SearchRead[partnerRow](ctx, c, "res.partner", Query{Domain: emailDomain(emails), Fields: []string{"email"}, Context: inactiveToo})
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			e := emailKey(string(r.Email))
			_, want := seen[e]
			if _, dup := m[e]; want && !dup {
				m[e] = int64(r.ID)
			}
		}
		return m, nil
	}
	have, err = find()
	if err != nil {
		return nil, nil, nil, err
	}
	created = map[string]bool{}
	refused = map[string]error{}
	var vals []map[string]any
	var order []string
	var codes []string
	for _, e := range emails {
		e := e.(string)
		if _, ok := have[e]; ok {
			continue
		}
		p := parties[seen[e]]
		vals = append(vals, partnerVals(p.Party, p.Address, e))
		order = append(order, e)
		codes = append(codes, p.Address.Country)
	}
	// The customer's country: Odoo's VAT check (base_vat), fiscal positions
	// and addresses need it.
	if countries, err := c.countryIDs(ctx, codes); err != nil {
		return nil, nil, nil, err
	} else {
		for i, code := range codes {
			if id, ok := countries[strings.ToUpper(code)]; ok {
				vals[i]["country_id"] = id
			}
		}
	}
	if len(vals) == 0 {
		return have, created, refused, nil
	}
	if err := c.createPartners(ctx, vals, order, have, refused, find); err != nil {
		return nil, nil, nil, err
	}
	for _, e := range order {
		if _, ok := have[e]; ok {
			created[e] = true
		}
	}
	return have, created, refused, nil
}

// createPartners creates vals (the customers of emails) in one call; when Odoo
// refuses the batch (base_vat's "The VAT number … does not seem to be
// valid"), it is halved until each refused customer is alone, so one bad
// customer holds back only its own orders. It fills have and refused.
func (c *Client) createPartners(ctx context.Context, vals []map[string]any, emails []string, have map[string]int64, refused map[string]error, find func() (map[string]int64, error)) error {
	ids, err := c.Create(ctx, "res.partner", vals, bulkContext)
	if err == nil {
		for i, e := range emails {
			have[e] = ids[i]
		}
		return nil
	}
	var oe *Error
	if !remote.IsAmbiguous(err) {
		if !errors.As(err, &oe) || (!IsValidation(err) && !IsUserError(err)) {
			return err
		}
		if len(vals) == 1 {
			refused[emails[0]] = oe
			return nil
		}
		half := len(vals) / 2
		if err := c.createPartners(ctx, vals[:half], emails[:half], have, refused, find); err != nil {
			return err
		}
		return c.createPartners(ctx, vals[half:], emails[half:], have, refused, find)
	}
	// The create may have committed: what exists now is the truth. A customer
	// still missing was not created, so the page is tried again (a transient
	// error), never failed for good.
	now, ferr := find()
	if ferr != nil {
		return ferr
	}
	for _, e := range emails {
		id, ok := now[e]
		if !ok {
			return fmt.Errorf("creating %d customers: %w; customer %s is not in Odoo after it, so the page is tried again", len(emails), err, e)
		}
		have[e] = id
	}
	return nil
}

// emailDomain finds top-level partners by e-mail without regard to case, as
// Odoo keeps what was typed (Maija.Mixedcase@Example.FI). The values are
// =ilike patterns left unescaped on purpose: the rows are then kept only when
// their lower-cased e-mail equals one asked for, so a _ or % can over-match
// but never miss, whichever escape the server applies.
func emailDomain(emails []any) []any {
	var d []any
	for i := 1; i < len(emails); i++ {
		d = append(d, "|")
	}
	for _, e := range emails {
		d = append(d, []any{"email", "=ilike", e})
	}
	return append(d, []any{"parent_id", "=", false})
}

// contactLocks hold one semaphore per Odoo database (URL and name), for a
// client without Env.Locks (tests, the CLI). Finding contacts and creating the
// missing ones is not atomic in Odoo, so two pages with the same new customer
// at once would both create it; they take turns.
var contactLocks sync.Map

// lockContacts serializes the lookup and create of the customers of emails:
// across processes through the store's locks, one key per lower-cased e-mail
// ("odoo:<connection>:partner:<email>", sorted, all or none); without them,
// on this database's semaphore in this process.
func (c *Client) lockContacts(ctx context.Context, emails []string) (unlock func(), err error) {
	if c.locks != nil {
		keys := make([]string, 0, len(emails))
		for _, e := range emails {
			keys = append(keys, "odoo:"+c.name+":partner:"+strings.ToLower(e))
		}
		sort.Strings(keys)
		keys = slices.Compact(keys)
		if len(keys) == 0 {
			return func() {}, nil
		}
		return c.locks.Lock(ctx, keys...)
	}
	v, _ := contactLocks.LoadOrStore(c.s.URL+"|"+c.s.Database, make(chan struct{}, 1))
	sem := v.(chan struct{})
	select {
	case sem <- struct{}{}:
		return func() { <-sem }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// customerRefused is the needs-action error of an order whose customer Odoo
// would not create, with Odoo's message; nil when it was not refused.
func customerRefused(imp model.OrderImport, refused map[string]error) error {
	e := strings.ToLower(strings.TrimSpace(imp.Order.Customer.Email))
	err, ok := refused[e]
	if !ok {
		return nil
	}
	msg := err.Error()
	var oe *Error
	if errors.As(err, &oe) {
		msg = oe.Message
	}
	what := "fix the customer in the shop or create it in Odoo"
	if v := imp.Order.Customer.VATCode; v != "" {
		what = fmt.Sprintf("fix the VAT %s in the shop or in Odoo", v)
	}
	return &RecordError{Entity: "order " + imp.Order.Number, Msg: fmt.Sprintf("Odoo refused its customer %s: %s; %s", e, msg, what), Action: true}
}

// countryIDs finds res.country ids by ISO code, one call for the codes not
// read before; codes Odoo does not know are left out.
func (c *Client) countryIDs(ctx context.Context, codes []string) (map[string]int64, error) {
	c.mu.Lock()
	if c.countries == nil {
		c.countries = map[string]int64{}
	}
	var missing []any
	asked := map[string]bool{}
	for _, code := range codes {
		code = strings.ToUpper(strings.TrimSpace(code))
		if _, ok := c.countries[code]; !ok && code != "" && !asked[code] {
			asked[code] = true
			missing = append(missing, code)
		}
	}
	c.mu.Unlock()
	if len(missing) > 0 {
		type country struct {
			ID   Int `json:"id"`
			Code Str `json:"code"`
		}
		rows, err := SearchRead[country](ctx, c, "res.country", Query{Domain: []any{[]any{"code", "in", missing}}, Fields: []string{"code"}})
		if err != nil {
			return nil, fmt.Errorf("odoo %s: looking up countries %v: %w", c.name, missing, err)
		}
		c.mu.Lock()
		for _, r := range rows {
			c.countries[strings.ToUpper(string(r.Code))] = int64(r.ID)
		}
		c.mu.Unlock()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int64, len(c.countries))
	for k, v := range c.countries {
		out[k] = v
	}
	return out, nil
}

func partnerVals(p model.Party, a model.Address, email string) map[string]any {
	name := p.Name
	if name == "" {
		name = a.FullName()
	}
	if name == "" {
		name = email
	}
	v := map[string]any{"name": name, "email": email, "customer_rank": 1}
	for k, val := range map[string]string{"phone": p.Phone, "street": a.Street, "street2": a.Street2, "zip": a.PostalCode, "city": a.City, "vat": p.VATCode, "ref": p.ID} {
		if val != "" {
			v[k] = val
		}
	}
	if p.IsCompany {
		v["is_company"] = true
	}
	return v
}

type childRow struct {
	ID       Int      `json:"id"`
	ParentID Many2one `json:"parent_id"`
	Street   Str      `json:"street"`
	Zip      Str      `json:"zip"`
	City     Str      `json:"city"`
	Name     Str      `json:"name"`
}

func addressKey(parent int64, street, zip, city string) string {
	return fmt.Sprintf("%d|%s|%s|%s", parent, strings.ToLower(strings.TrimSpace(street)), strings.TrimSpace(zip), strings.ToLower(strings.TrimSpace(city)))
}

// ensureDeliveryAddresses gives each order whose shipping address differs from
// its billing address a delivery contact under the customer (type delivery),
// reusing one with the same street, postal code and city: one lookup, one
// create of the missing ones. It returns the delivery partner by order index.
func (c *Client) ensureDeliveryAddresses(ctx context.Context, imps []model.OrderImport, todo []int, partners map[string]int64) (map[int]int64, error) {
	var emails []string
	for _, i := range todo {
		emails = append(emails, strings.ToLower(strings.TrimSpace(imps[i].Order.Customer.Email)))
	}
	unlock, err := c.lockContacts(ctx, emails)
	if err != nil {
		return nil, err
	}
	defer unlock()
	out := map[int]int64{}
	need := map[int]int64{}
	var parents []any
	seen := map[int64]bool{}
	for _, i := range todo {
		o := imps[i].Order
		if o.Shipping.Street == "" || (o.Shipping.Street == o.Billing.Street && o.Shipping.PostalCode == o.Billing.PostalCode && o.Shipping.FullName() == o.Billing.FullName()) {
			continue
		}
		p, ok := partners[strings.ToLower(strings.TrimSpace(o.Customer.Email))]
		if !ok {
			continue
		}
		need[i] = p
		if !seen[p] {
			seen[p] = true
			parents = append(parents, p)
		}
	}
	if len(need) == 0 {
		return out, nil
	}
	rows, err := SearchRead[childRow](ctx, c, "res.partner", Query{Domain: []any{[]any{"parent_id", "in", parents}, []any{"type", "=", "delivery"}}, Fields: []string{"parent_id", "street", "zip", "city", "name"}, Context: inactiveToo})
	if err != nil {
		return nil, err
	}
	have := map[string]int64{}
	for _, r := range rows {
		have[addressKey(r.ParentID.ID, string(r.Street), string(r.Zip), string(r.City))] = int64(r.ID)
	}
	var vals []map[string]any
	var keys []string
	for i, p := range need {
		a := imps[i].Order.Shipping
		k := addressKey(p, a.Street, a.PostalCode, a.City)
		if _, ok := have[k]; ok {
			continue
		}
		have[k] = 0 // created below, once
		v := map[string]any{"parent_id": p, "type": "delivery", "name": nonEmpty(a.FullName(), imps[i].Order.Customer.Name)}
		for f, val := range map[string]string{"street": a.Street, "street2": a.Street2, "zip": a.PostalCode, "city": a.City, "phone": a.Phone, "email": a.Email} {
			if val != "" {
				v[f] = val
			}
		}
		vals = append(vals, v)
		keys = append(keys, k)
	}
	if len(vals) > 0 {
		ids, err := c.Create(ctx, "res.partner", vals, bulkContext)
		if err != nil {
			// A lost answer may have created them: the next batch finds them.
			return nil, err
		}
		for j, k := range keys {
			have[k] = ids[j]
		}
	}
	for i, p := range need {
		a := imps[i].Order.Shipping
		if id := have[addressKey(p, a.Street, a.PostalCode, a.City)]; id != 0 {
			out[i] = id
		}
	}
	return out, nil
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// lineTaxField is the sale order line's taxes: tax_id on 16–18, tax_ids from
// 19 (19 refuses tax_id: "Invalid field 'tax_id' on model 'sale.order.line'").
// The model's fields decide, read once, so a server that differs from its
// version's schema is still written right.
func (c *Client) lineTaxField(ctx context.Context) (string, error) {
	c.mu.Lock()
	f := c.taxField
	c.mu.Unlock()
	if f != "" {
		return f, nil
	}
	version, err := c.Version(ctx)
	if err != nil {
		return "", err
	}
	res, err := c.Execute(ctx, "sale.order.line", "fields_get", nil, map[string]any{"allfields": []string{"tax_id", "tax_ids"}, "attributes": []string{"type"}}, true)
	if err != nil {
		return "", err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(res, &fields); err != nil {
		return "", fmt.Errorf("odoo %s: fields_get sale.order.line: %w", c.name, err)
	}
	_, ids := fields["tax_ids"]
	_, id := fields["tax_id"]
	switch {
	case ids && !id, ids && version >= 19:
		f = "tax_ids"
	case id:
		f = "tax_id"
	case version >= 19:
		f = "tax_ids"
	default:
		f = "tax_id"
	}
	c.mu.Lock()
	c.taxField = f
	c.mu.Unlock()
	return f, nil
}

type lookups struct {
	// pricelists are by currency code; nil when Odoo has no currencies.
	pricelists map[string]int64
	taxField   string
	// converted holds the refs of orders whose gross prices were sent net.
	converted map[string]bool
	products  map[string]int64
	// notCreated says why a product the orders asked to create is not there.
	notCreated map[string]string
	taxes      []taxRow
	carriers   map[string]carrierRow
}

func (c *Client) orderLookups(ctx context.Context, imps []model.OrderImport, todo []int) (*lookups, error) {
	taxField, err := c.lineTaxField(ctx)
	if err != nil {
		return nil, err
	}
	l := &lookups{taxField: taxField, converted: map[string]bool{}, products: map[string]int64{}, carriers: map[string]carrierRow{}}
	var skus []any
	seen := map[string]bool{}
	for _, i := range todo {
		for _, line := range imps[i].Order.Lines {
			if line.Kind == model.LineProduct && line.SKU != "" && !seen[line.SKU] {
				seen[line.SKU] = true
				skus = append(skus, line.SKU)
			}
		}
	}
	if len(skus) > 0 {
		rows, err := SearchRead[productRow](ctx, c, "product.product", Query{Domain: []any{[]any{"default_code", "in", skus}}, Fields: []string{"default_code"}, Context: inactiveToo})
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			l.products[string(r.DefaultCode)] = int64(r.ID)
		}
	}
	if err := c.createMissingProducts(ctx, imps, todo, l); err != nil {
		return nil, err
	}
	taxes, carriers, err := c.refData(ctx, imps, todo)
	if err != nil {
		return nil, err
	}
	l.taxes = taxes
	if l.pricelists, err = c.currencyPricelists(ctx, imps, todo); err != nil {
		return nil, err
	}
	for _, r := range carriers {
		l.carriers[strings.ToLower(string(r.Name))] = r
	}
	return l, nil
}

// refTTL is how long the sale taxes and carriers read for one page serve the
// next pages: they change rarely, and a page that needs one the cache lacks
// reads them again at once.
const refTTL = 2 * time.Minute

// refData returns Odoo's sale taxes and delivery carriers, read again when
// older than refTTL or when the orders at todo name a carrier, a tax name or
// a tax rate the cached ones lack.
func (c *Client) refData(ctx context.Context, imps []model.OrderImport, todo []int) ([]taxRow, []carrierRow, error) {
	c.mu.Lock()
	taxes, carriers, at := c.refTaxes, c.refCarriers, c.refAt
	c.mu.Unlock()
	if !at.IsZero() && time.Since(at) < refTTL && refCovers(taxes, carriers, imps, todo) {
		return taxes, carriers, nil
	}
	taxes, err := SearchRead[taxRow](ctx, c, "account.tax", Query{Domain: []any{[]any{"type_tax_use", "=", "sale"}, []any{"amount_type", "=", "percent"}}, Fields: []string{"name", "amount", "price_include"}})
	if err != nil {
		return nil, nil, err
	}
	carriers, err = SearchRead[carrierRow](ctx, c, "delivery.carrier", Query{Fields: []string{"name", "product_id"}})
	if err != nil {
		return nil, nil, err
	}
	c.mu.Lock()
	c.refTaxes, c.refCarriers, c.refAt = taxes, carriers, time.Now()
	c.mu.Unlock()
	return taxes, carriers, nil
}

// refCovers reports whether taxes and carriers have every carrier, tax name
// and tax rate the orders at todo need.
func refCovers(taxes []taxRow, carriers []carrierRow, imps []model.OrderImport, todo []int) bool {
	names := map[string]bool{}
	for _, r := range carriers {
		names[strings.ToLower(string(r.Name))] = true
	}
	for _, i := range todo {
		if cr := imps[i].Carrier; cr != "" && !names[strings.ToLower(cr)] {
			return false
		}
		for _, line := range imps[i].Order.Lines {
			found := line.TaxRate.IsZero() && line.TaxName == ""
			for _, t := range taxes {
				if line.TaxName != "" && strings.EqualFold(string(t.Name), line.TaxName) || line.TaxName == "" && t.Amount.D() == line.TaxRate {
					found = true
					break
				}
			}
			if !found {
				return false
			}
		}
	}
	return true
}

// tax picks the sale tax of a rate, preferring one that includes the tax in
// the price (shop prices do); with only a price-excluded tax the price is
// converted. ok is false when Odoo has no tax of that rate.
func (l *lookups) tax(rate model.Decimal) (id int64, included bool, ok bool) {
	for _, t := range l.taxes {
		if t.Amount.D() == rate && bool(t.PriceInclude) {
			return int64(t.ID), true, true
		}
	}
	for _, t := range l.taxes {
		if t.Amount.D() == rate {
			return int64(t.ID), false, true
		}
	}
	return 0, false, false
}

// taxNamed picks the sale tax a taxes mapping names (case-insensitive); ok is
// false when Odoo has none of that name.
func (l *lookups) taxNamed(name string) (id int64, included bool, ok bool) {
	for _, t := range l.taxes {
		if strings.EqualFold(strings.TrimSpace(string(t.Name)), strings.TrimSpace(name)) {
			return int64(t.ID), bool(t.PriceInclude), true
		}
	}
	return 0, false, false
}

func (c *Client) orderVals(imp model.OrderImport, partners map[string]int64, l *lookups) (map[string]any, error) {
	o := imp.Order
	entity := "order " + o.Number
	partner, ok := partners[strings.ToLower(strings.TrimSpace(o.Customer.Email))]
	if !ok {
		return nil, &RecordError{Entity: entity, Msg: fmt.Sprintf("no customer could be found or created for e-mail %q", o.Customer.Email)}
	}
	var lines []any
	var carrier carrierRow
	if imp.Carrier != "" {
		var ok bool
		carrier, ok = l.carriers[strings.ToLower(imp.Carrier)]
		if !ok {
			return nil, &RecordError{Entity: entity, Msg: fmt.Sprintf("Odoo has no delivery carrier named %q; create it (the base configuration route does) or map the shipping method to an existing one", imp.Carrier), Action: true}
		}
	}
	var plan []pricedLine
	for _, line := range o.Lines {
		var taxID int64
		var included, ok bool
		if line.TaxName != "" {
			if taxID, included, ok = l.taxNamed(line.TaxName); !ok {
				return nil, &RecordError{Entity: entity, Msg: fmt.Sprintf("Odoo has no sale tax named %q (the taxes mapping of %s %%); fix the mapping or create the tax", line.TaxName, line.TaxRate), Action: true}
			}
		} else if taxID, included, ok = l.tax(line.TaxRate); !ok && !line.TaxRate.IsZero() {
			return nil, &RecordError{Entity: entity, Msg: fmt.Sprintf("Odoo has no sale tax of %s %%; create one or map the rate to an existing tax under the route's taxes", line.TaxRate), Action: true}
		}
		price := line.UnitPrice.Float64()
		convert := line.TaxIncluded && !included && !line.TaxRate.IsZero()
		if convert {
			price = netUnitPrice(price, line.Quantity.Float64(), line.DiscountPercent.Float64(), line.TaxRate.Float64())
		}
		v := map[string]any{"product_uom_qty": line.Quantity.Float64(), "price_unit": price, "name": line.Name}
		plan = append(plan, pricedLine{vals: v, line: line, convert: convert, excluded: taxID != 0 && !included})
		taxes := []int64{}
		if taxID != 0 {
			taxes = []int64{taxID}
		}
		v[l.taxField] = []any{[]any{6, 0, taxes}}
		if !line.DiscountPercent.IsZero() {
			v["discount"] = line.DiscountPercent.Float64()
		}
		switch line.Kind {
		case model.LineProduct:
			pid, ok := l.products[line.SKU]
			if !ok {
				if why := l.notCreated[line.SKU]; why != "" {
					return nil, &RecordError{Entity: entity, Msg: fmt.Sprintf("no Odoo product has the internal reference %q (line %q), and creating it failed: %s", line.SKU, line.Name, why), Action: true}
				}
				return nil, &RecordError{Entity: entity, Msg: fmt.Sprintf("no Odoo product has the internal reference %q (line %q)", line.SKU, line.Name), Action: true}
			}
			v["product_id"] = pid
		case model.LineShipping:
			if carrier.ProductID.ID == 0 {
				return nil, &RecordError{Entity: entity, Msg: fmt.Sprintf("delivery carrier %q has no delivery product", imp.Carrier), Action: true}
			}
			v["product_id"] = carrier.ProductID.ID
			v["is_delivery"] = true
		default:
			// Payment costs and discounts are lines of the delivery product's
			// kind: a service line with a name; Odoo needs a product on sale
			// lines, so they ride on the carrier's product with their own name.
			if carrier.ProductID.ID == 0 {
				return nil, &RecordError{Entity: entity, Msg: fmt.Sprintf("line %q needs a service product; map the shipping method to a carrier with a delivery product", line.Name), Action: true}
			}
			v["product_id"] = carrier.ProductID.ID
		}
		lines = append(lines, []any{0, 0, v})
	}
	if fitNetPrices(plan, o.Total) {
		l.converted[imp.Ref] = true
	}
	vals := map[string]any{"partner_id": partner, "client_order_ref": imp.Ref, "origin": imp.Ref, "order_line": lines}
	if err := currencyAndDate(o, l.pricelists, vals); err != nil {
		return nil, err
	}
	if carrier.ID != 0 {
		vals["carrier_id"] = int64(carrier.ID)
	}
	if o.Note != "" {
		vals["note"] = o.Note
	}
	return vals, nil
}

// createOrders creates vals (for imps[idx[k]]) in one call, bisecting a refused
// batch until each refused order is alone and reported in out.
func (c *Client) createOrders(ctx context.Context, imps []model.OrderImport, vals []map[string]any, idx []int, out []model.WriteResult) {
	if len(vals) == 0 {
		return
	}
	ids, err := c.Create(ctx, "sale.order", vals, bulkContext)
	if err == nil {
		for k, i := range idx {
			out[i] = model.WriteResult{RemoteID: fmt.Sprint(ids[k]), Created: true}
		}
		return
	}
	if remote.IsAmbiguous(err) {
		// It may have committed: find what exists and create only the rest once.
		refs := make([]any, len(idx))
		for k, i := range idx {
			refs[k] = imps[i].Ref
		}
		existing, ferr := c.ordersByRef(ctx, refs)
		if ferr != nil {
			for _, i := range idx {
				out[i] = model.WriteResult{Err: err}
			}
			return
		}
		var restVals []map[string]any
		var restIdx []int
		for k, i := range idx {
			if o, ok := existing[imps[i].Ref]; ok {
				out[i] = model.WriteResult{RemoteID: o.ID.String(), Number: string(o.Name), Created: true}
				continue
			}
			restVals = append(restVals, vals[k])
			restIdx = append(restIdx, i)
		}
		if len(restVals) == len(vals) {
			// Nothing committed: the failure was before Odoo acted; report it as
			// transient so the job retries.
			for _, i := range idx {
				out[i] = model.WriteResult{Err: err}
			}
			return
		}
		c.createOrders(ctx, imps, restVals, restIdx, out)
		return
	}
	var oe *Error
	if !errors.As(err, &oe) || len(vals) == 1 {
		for _, i := range idx {
			if len(vals) == 1 && errors.As(err, &oe) {
				out[i] = model.WriteResult{Err: &RecordError{Entity: "order " + imps[i].Order.Number, Msg: "Odoo refused it: " + oe.Message}}
			} else {
				out[i] = model.WriteResult{Err: err}
			}
		}
		return
	}
	half := len(vals) / 2
	c.createOrders(ctx, imps, vals[:half], idx[:half], out)
	c.createOrders(ctx, imps, vals[half:], idx[half:], out)
}

// confirm confirms the new orders in one call; if Odoo refuses the batch, each
// is confirmed alone so one refusal does not hold the others back.
func (c *Client) confirm(ctx context.Context, ids []int64, imps []model.OrderImport, idx []int, out []model.WriteResult) error {
	if len(ids) == 0 {
		return nil
	}
	// Two pages confirming at once reserve the same stock quants, and real
	// Odoo answers one of them "could not serialize access due to concurrent
	// update" and redoes its whole confirm: confirms take turns per database,
	// while creates and invoicing of other pages go on.
	unlock, err := c.lockStep(ctx, "confirm")
	if err != nil {
		return err
	}
	_, err = c.Call(ctx, "sale.order", "action_confirm", ids, map[string]any{"context": bulkContext})
	unlock()
	if err == nil || len(ids) == 1 {
		if err != nil {
			for _, i := range idx {
				if out[i].RemoteID == fmt.Sprint(ids[0]) {
					out[i].Err = fmt.Errorf("confirming the order: %w", err)
				}
			}
		}
		// The orders' names come with the invoicing step's read (invoice).
		return nil
	}
	for _, id := range ids {
		if err := c.confirm(ctx, []int64{id}, imps, idx, out); err != nil {
			return err
		}
	}
	return nil
}

func parseInt(s string) int64 {
	var n int64
	fmt.Sscan(s, &n)
	return n
}

type pickingRow struct {
	ID    Int `json:"id"`
	State Str `json:"state"`
}

// shipped reports whether any delivery of the order is done.
func (c *Client) orderState(ctx context.Context, id int64) (orderRow, bool, error) {
	rows, err := SearchRead[orderRow](ctx, c, "sale.order", Query{Domain: []any{[]any{"id", "=", id}}, Fields: orderFields, Context: inactiveToo})
	if err != nil {
		return orderRow{}, false, err
	}
	if len(rows) == 0 {
		return orderRow{}, false, model.ErrGone
	}
	o := rows[0]
	if len(o.PickingIDs) == 0 {
		return o, false, nil
	}
	picks, err := SearchRead[pickingRow](ctx, c, "stock.picking", Query{Domain: []any{[]any{"id", "in", []int64(o.PickingIDs)}}, Fields: []string{"state"}})
	if err != nil {
		return o, false, err
	}
	for _, p := range picks {
		if p.State == "done" {
			return o, true, nil
		}
	}
	return o, false, nil
}

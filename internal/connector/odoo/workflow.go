package odoo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

// The steps of an imported order (model.Workflow) and the held quotations a
// person reviews (flow.HoldSink). Each step reads what Odoo has first and
// skips what is done, so a retry after a call that committed and then failed
// repeats nothing: a quotation is confirmed once, an order invoiced once, a
// payment registered only while the invoice still lacks it.

// defaultWorkflow is what an import does without a workflow: confirm,
// invoice, post the invoice.
var defaultWorkflow = model.Workflow{Confirm: true, Invoice: true, Post: true}

// keepQuotation says the import leaves the order a quotation: held for
// review, or cancelled in the shop (then a cancelled quotation).
func keepQuotation(imp model.OrderImport) bool {
	return imp.Hold != "" || imp.Order.Status == model.OrderCancelled
}

// The steps an import takes; each needs the one before it.
func wantsConfirm(imp model.OrderImport) bool {
	return !keepQuotation(imp) && (imp.Workflow == nil || imp.Workflow.Confirm)
}

func wantsInvoice(imp model.OrderImport) bool {
	return wantsConfirm(imp) && (imp.Workflow == nil || imp.Workflow.Invoice)
}

func wantsPost(imp model.OrderImport) bool {
	return wantsInvoice(imp) && (imp.Workflow == nil || imp.Workflow.Post)
}

func wantsPayment(imp model.OrderImport) bool {
	return wantsPost(imp) && imp.Workflow != nil && strings.TrimSpace(imp.Workflow.PaymentJournal) != ""
}

// refused reports Odoo (or ferry) refusing the data or the configuration: a
// workflow step that fails so leaves the order imported with a warning. Any
// other failure (a lost answer, a database conflict, rights) is returned, and
// the job's retry finds the order and does the steps still to do.
func refused(err error) bool {
	var te *transientError
	if err == nil || errors.As(err, &te) {
		return false
	}
	var re *RecordError
	if errors.As(err, &re) {
		return true
	}
	var oe *Error
	return errors.As(err, &oe) && oe.FailureClass() == "permanent"
}

// warn adds a warning to an order's result, after any it has.
func warn(r *model.WriteResult, msg string) {
	if r.Warning != "" {
		r.Warning += "; "
	}
	r.Warning += msg
}

// workflowWarnings turns a refused confirm of the workflow orders at idx
// into a warning: the order is in Odoo as a quotation and stays linked. The
// default import (no workflow) keeps it an error, as before.
func workflowWarnings(imps []model.OrderImport, idx []int, out []model.WriteResult) {
	for _, i := range idx {
		if imps[i].Workflow != nil && out[i].Err != nil && refused(out[i].Err) {
			warn(&out[i], "the order is in Odoo as a quotation, but the workflow's confirm step failed: "+out[i].Err.Error())
			out[i].Err = nil
		}
	}
}

// payOrders registers the payments of the orders whose workflow has a
// payment journal, once their invoice is posted; a refused payment is a
// warning on its order.
func (c *Client) payOrders(ctx context.Context, imps []model.OrderImport, out []model.WriteResult) error {
	var idx []int
	var ids []any
	for i := range out {
		if wantsPayment(imps[i]) && out[i].Err == nil && out[i].Warning == "" && out[i].RemoteID != "" {
			idx = append(idx, i)
			ids = append(ids, parseInt(out[i].RemoteID))
		}
	}
	if len(idx) == 0 {
		return nil
	}
	rows, err := SearchRead[orderRow](ctx, c, "sale.order", Query{Domain: []any{[]any{"id", "in", ids}}, Fields: orderFields, Context: inactiveToo})
	if err != nil {
		return err
	}
	byID := map[string]orderRow{}
	for _, r := range rows {
		byID[r.ID.String()] = r
	}
	journals := map[string]int64{}
	for _, i := range idx {
		o, ok := byID[out[i].RemoteID]
		if !ok {
			continue
		}
		err := c.payOrder(ctx, o, "order "+imps[i].Order.Number, imps[i].Workflow, journals)
		if refused(err) {
			warn(&out[i], "the order is in Odoo and invoiced, but the workflow's payment step failed: "+err.Error())
			continue
		}
		if err != nil {
			return fmt.Errorf("registering the payment of order %s: %w", imps[i].Order.Number, err)
		}
	}
	return nil
}

type moneyMoveRow struct {
	ID             Int      `json:"id"`
	Name           Str      `json:"name"`
	State          Str      `json:"state"`
	MoveType       Str      `json:"move_type"`
	PaymentState   Str      `json:"payment_state"`
	AmountTotal    Num      `json:"amount_total"`
	AmountResidual Num      `json:"amount_residual"`
	PartnerID      Many2one `json:"partner_id"`
	Ref            Str      `json:"ref"`
	ReversedEntry  Many2one `json:"reversed_entry_id"`
	JournalID      Many2one `json:"journal_id"`
	CurrencyID     Many2one `json:"currency_id"`
	InvoiceOrigin  Str      `json:"invoice_origin"`
}

var moneyMoveFields = []string{"name", "state", "move_type", "payment_state", "amount_total", "amount_residual", "partner_id", "ref", "reversed_entry_id", "journal_id", "currency_id", "invoice_origin"}

// orderInvoices are o's posted customer invoices not credited in full,
// newest first.
func (c *Client) orderInvoices(ctx context.Context, o orderRow) ([]moneyMoveRow, error) {
	if len(o.InvoiceIDs) == 0 {
		return nil, nil
	}
	return SearchRead[moneyMoveRow](ctx, c, "account.move", Query{Domain: []any{[]any{"id", "in", []int64(o.InvoiceIDs)}, []any{"move_type", "=", "out_invoice"}, []any{"state", "=", "posted"}, []any{"payment_state", "!=", "reversed"}}, Fields: moneyMoveFields, Order: "id desc"})
}

type journalRow struct {
	ID   Int `json:"id"`
	Name Str `json:"name"`
	Code Str `json:"code"`
	Type Str `json:"type"`
}

// journalNamed finds the journal of one of types whose name or code is name
// (case-insensitive; a name before a code); 0 when Odoo has none. known
// keeps the journals found for the rest of the page.
func (c *Client) journalNamed(ctx context.Context, name string, types []string, known map[string]int64) (int64, error) {
	name = strings.TrimSpace(name)
	key := strings.ToLower(name) + "|" + strings.Join(types, ",")
	if id, ok := known[key]; ok {
		return id, nil
	}
	rows, err := SearchRead[journalRow](ctx, c, "account.journal", Query{Domain: []any{[]any{"type", "in", types}, "|", []any{"name", "=ilike", name}, []any{"code", "=ilike", name}}, Fields: []string{"name", "code", "type"}})
	if err != nil {
		return 0, fmt.Errorf("looking up journal %q: %w", name, err)
	}
	var id int64
	for _, r := range rows {
		if strings.EqualFold(strings.TrimSpace(string(r.Name)), name) {
			id = int64(r.ID)
			break
		}
	}
	for _, r := range rows {
		if id == 0 && strings.EqualFold(strings.TrimSpace(string(r.Code)), name) {
			id = int64(r.ID)
		}
	}
	if id != 0 && known != nil {
		known[key] = id
	}
	return id, nil
}

type paymentRow struct {
	ID    Int `json:"id"`
	Name  Str `json:"name"`
	State Str `json:"state"`
}

// payOrder registers the payment of o's posted invoice in the workflow's
// journal through account.payment.register: w.PaidAmount, or what is left to
// pay when it is zero. What the invoice shows paid already (its total less
// its residual) is not paid again, so a retry after a payment that committed
// and then failed pays nothing; a payment of ours (its communication the
// order's reference: ref on 16/17, memo from 18) that is not matched with
// the invoice parks rather than pay twice.
func (c *Client) payOrder(ctx context.Context, o orderRow, entity string, w *model.Workflow, journals map[string]int64) error {
	invs, err := c.orderInvoices(ctx, o)
	if err != nil {
		return err
	}
	if len(invs) == 0 {
		return &RecordError{Entity: entity, Msg: fmt.Sprintf("Odoo order %s has no posted invoice to register the payment on", o.Name), Action: true}
	}
	inv := invs[0]
	for _, m := range invs {
		if m.AmountResidual.D() > 0 {
			inv = m
			break
		}
	}
	journal, err := c.journalNamed(ctx, w.PaymentJournal, []string{"bank", "cash"}, journals)
	if err != nil {
		return err
	}
	if journal == 0 {
		return &RecordError{Entity: entity, Msg: fmt.Sprintf("Odoo has no bank or cash journal named %q (name or code) to register the payment of order %s in; create it or fix the journal of the route's workflow", w.PaymentJournal, o.Name), Action: true}
	}
	residual := inv.AmountResidual.D()
	amount := residual
	if w.PaidAmount > 0 {
		paid := inv.AmountTotal.D() - residual
		if paid >= w.PaidAmount {
			return nil
		}
		amount = min(w.PaidAmount-paid, residual)
	}
	if amount <= 0 {
		return nil
	}
	comm := nonEmpty(string(o.ClientOrderRef), string(inv.Name))
	version, err := c.Version(ctx)
	if err != nil {
		return err
	}
	memo := "ref"
	if version >= 18 {
		memo = "memo"
	}
	mine, err := SearchRead[paymentRow](ctx, c, "account.payment", Query{Domain: []any{[]any{memo, "=", comm}, []any{"partner_id", "=", inv.PartnerID.ID}, []any{"journal_id", "=", journal}, []any{"state", "not in", []any{"cancel", "canceled", "rejected"}}}, Fields: []string{"name", "state"}})
	if err != nil {
		return fmt.Errorf("looking up the payments of order %s: %w", o.Name, err)
	}
	if len(mine) > 0 {
		return &RecordError{Entity: entity, Msg: fmt.Sprintf("payment %s (%s) is in Odoo, but invoice %s still shows %s to pay; match them in Odoo (ferry does not pay twice)", mine[0].Name, comm, inv.Name, residual.StringFixed(2)), Action: true}
	}
	wctx := map[string]any{"active_model": "account.move", "active_ids": []int64{int64(inv.ID)}, "active_id": int64(inv.ID), "dont_redirect_to_payments": true}
	wiz, err := c.Create(ctx, "account.payment.register", []map[string]any{{"journal_id": journal, "amount": amount.Float64(), "communication": comm}}, wctx)
	if err != nil {
		return fmt.Errorf("registering %s on invoice %s of order %s: %w", amount.StringFixed(2), inv.Name, o.Name, err)
	}
	if _, err := c.Call(ctx, "account.payment.register", "action_create_payments", wiz, map[string]any{"context": wctx}); err != nil {
		return fmt.Errorf("registering %s on invoice %s of order %s: %w", amount.StringFixed(2), inv.Name, o.Name, err)
	}
	return nil
}

// holdNote and cancelNote are the chatter notes of a held quotation and of a
// shop order imported cancelled.
func holdNote(reason string) string {
	return "Held for review by ferry: " + strings.TrimSpace(reason) + ". Confirm or cancel this quotation in Odoo or on ferry's Sales page."
}

func cancelNote(o model.Order) string {
	msg := "Cancelled in the shop before ferry imported it"
	if !o.CancelledAt.IsZero() {
		msg += " (" + o.CancelledAt.UTC().Format("2006-01-02 15:04 UTC") + ")"
	}
	if r := strings.TrimSpace(o.CancelReason); r != "" {
		msg += "; the shop's reason: " + r
	}
	return msg + "."
}

// quotations finishes the orders an import keeps as quotations: a held one
// (while it is still a quotation) gets its reason as a note; one cancelled
// in the shop is cancelled (as CancelOrder does) and noted with the shop's
// reason. The orders' names come with the one read.
func (c *Client) quotations(ctx context.Context, imps []model.OrderImport, out []model.WriteResult) error {
	var ids []any
	for i := range out {
		if keepQuotation(imps[i]) && out[i].Err == nil && out[i].RemoteID != "" {
			ids = append(ids, parseInt(out[i].RemoteID))
		}
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := SearchRead[orderRow](ctx, c, "sale.order", Query{Domain: []any{[]any{"id", "in", ids}}, Fields: orderFields, Context: inactiveToo})
	if err != nil {
		return err
	}
	byID := map[string]orderRow{}
	for _, r := range rows {
		byID[r.ID.String()] = r
	}
	for i := range out {
		o, ok := byID[out[i].RemoteID]
		if !ok || !keepQuotation(imps[i]) || out[i].Err != nil {
			continue
		}
		if out[i].Number == "" {
			out[i].Number = string(o.Name)
		}
		entity := "order " + imps[i].Order.Number
		id := int64(o.ID)
		note := ""
		switch {
		case imps[i].Order.Status == model.OrderCancelled:
			if _, err := c.cancelSale(ctx, id, entity, "it was cancelled in the shop"); err != nil {
				if !refused(err) {
					return err
				}
				out[i].Err = err
				continue
			}
			note = cancelNote(imps[i].Order)
		case o.State == "draft" || o.State == "sent":
			note = holdNote(imps[i].Hold)
		default:
			continue // confirmed or cancelled in Odoo since: the reason is moot
		}
		if err := c.postNote(ctx, "sale.order", id, note); err != nil {
			if !refused(err) {
				return err
			}
			warn(&out[i], "the note on Odoo order "+string(o.Name)+" could not be posted: "+err.Error())
		}
	}
	return nil
}

type heldRow struct {
	ID             Int  `json:"id"`
	Name           Str  `json:"name"`
	ClientOrderRef Str  `json:"client_order_ref"`
	State          Str  `json:"state"`
	DateOrder      Time `json:"date_order"`
}

// orderEntity names an Odoo order in errors as ferry's log does: by the
// shop's reference when it has one.
func orderEntity(name, ref string) string {
	return "order " + nonEmpty(ref, name)
}

// ConfirmHeld confirms the held quotation remoteID (flow.HoldSink) and runs
// w's steps on it; nil w is what an import does (invoice and post). An order
// confirmed already is fine; a cancelled one needs a person. The quotation
// keeps its order date (the shop's), which action_confirm would set to now.
func (c *Client) ConfirmHeld(ctx context.Context, remoteID string, w *model.Workflow) error {
	id := parseInt(remoteID)
	rows, err := SearchRead[heldRow](ctx, c, "sale.order", Query{Domain: []any{[]any{"id", "=", id}}, Fields: []string{"name", "client_order_ref", "state", "date_order"}, Context: inactiveToo})
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return fmt.Errorf("odoo %s: sale order %s: %w", c.name, remoteID, model.ErrGone)
	}
	h := rows[0]
	entity := orderEntity(string(h.Name), string(h.ClientOrderRef))
	switch h.State {
	case "cancel":
		return &RecordError{Entity: entity, Msg: fmt.Sprintf("Odoo order %s is cancelled, so it cannot be confirmed; set it back to quotation in Odoo first", h.Name), Action: true}
	case "draft", "sent":
		out := []model.WriteResult{{RemoteID: remoteID}}
		if err := c.confirm(ctx, []int64{id}, nil, []int{0}, out); err != nil {
			return err
		}
		if out[0].Err != nil {
			return fmt.Errorf("%s: Odoo order %s: %w", entity, h.Name, out[0].Err)
		}
		if !h.DateOrder.IsZero() && time.Since(h.DateOrder.Time) >= dateDrift {
			if err := c.Write(ctx, "sale.order", []int64{id}, map[string]any{"date_order": h.DateOrder.UTC().Format(odooTime)}); err != nil {
				return fmt.Errorf("%s: keeping the order date of Odoo order %s: %w", entity, h.Name, err)
			}
		}
	}
	if w == nil {
		w = &defaultWorkflow
	}
	return c.orderSteps(ctx, id, entity, w)
}

// orderSteps invoices, posts and pays the confirmed order id as far as w
// says, skipping what is done; a refusal is returned as the order's error.
func (c *Client) orderSteps(ctx context.Context, id int64, entity string, w *model.Workflow) error {
	if !w.Invoice {
		return nil
	}
	out := []model.WriteResult{{RemoteID: fmt.Sprint(id)}}
	keep := map[int64]bool{}
	if !w.Post {
		keep[id] = true
	}
	if err := c.invoice(ctx, []int64{id}, keep, out); err != nil {
		return err
	}
	if out[0].Warning != "" {
		return &RecordError{Entity: entity, Msg: out[0].Warning, Action: true}
	}
	if !w.Post || strings.TrimSpace(w.PaymentJournal) == "" {
		return nil
	}
	o, _, err := c.orderState(ctx, id)
	if err != nil {
		return err
	}
	return c.payOrder(ctx, o, entity, w, nil)
}

// CancelHeld cancels the held quotation remoteID (flow.HoldSink) as
// CancelOrder cancels an order, and notes the reason on it once.
func (c *Client) CancelHeld(ctx context.Context, remoteID, reason string) error {
	id := parseInt(remoteID)
	o, err := c.cancelSale(ctx, id, "", "it was cancelled after review")
	if err != nil {
		return err
	}
	if err := c.postNote(ctx, "sale.order", id, reason); err != nil {
		if !refused(err) {
			return err
		}
		return &RecordError{Entity: orderEntity(string(o.Name), string(o.ClientOrderRef)), Msg: fmt.Sprintf("Odoo order %s is cancelled, but the reason could not be noted on it: %v", o.Name, err)}
	}
	return nil
}

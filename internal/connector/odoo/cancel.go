package odoo

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ferryhub/ferry/internal/model"
)

type acctMoveRow struct {
	ID           Int `json:"id"`
	Name         Str `json:"name"`
	State        Str `json:"state"`
	MoveType     Str `json:"move_type"`
	PaymentState Str `json:"payment_state"`
}

// wizardAction is an action Odoo answers instead of acting (a wizard to fill).
type wizardAction struct {
	ResModel string `json:"res_model"`
	ResID    Int    `json:"res_id"`
	Domain   []any  `json:"domain"`
}

func parseWizard(res json.RawMessage) (wizardAction, bool) {
	var w wizardAction
	return w, json.Unmarshal(res, &w) == nil && w.ResModel != ""
}

// CancelOrder cancels an imported order that has not shipped, for real: its
// posted unpaid invoices are reversed by a credit note first, a paid one parks
// the cancel, and the order's state is read back, so that success is never
// reported for an order Odoo did not cancel.
func (c *Client) CancelOrder(ctx context.Context, remoteID string, imp model.OrderImport) error {
	_, err := c.cancelSale(ctx, parseInt(remoteID), "order "+imp.Order.Number, "it was cancelled in the shop")
	return err
}

// cancelSale cancels sale order id (entity names it in errors, "" for its
// reference; why says who cancelled it) as CancelOrder does and returns the
// order as it was before.
func (c *Client) cancelSale(ctx context.Context, id int64, entity, why string) (orderRow, error) {
	o, shipped, err := c.orderState(ctx, id)
	if err != nil {
		return o, err
	}
	if entity == "" {
		entity = orderEntity(string(o.Name), string(o.ClientOrderRef))
	}
	if o.State == "cancel" {
		return o, nil
	}
	if shipped {
		return o, &RecordError{Entity: entity, Msg: fmt.Sprintf("%s, but Odoo order %s has shipped; handle the return in Odoo", why, o.Name), Action: true}
	}
	if err := c.creditInvoices(ctx, entity, o); err != nil {
		return o, err
	}
	// disable_cancel_warning: 16–18 otherwise answer the sale.order.cancel
	// wizard (a mail to the customer) and cancel nothing.
	cctx := map[string]any{"disable_cancel_warning": true}
	res, err := c.Call(ctx, "sale.order", "action_cancel", []int64{id}, map[string]any{"context": cctx})
	if err != nil {
		return o, fmt.Errorf("cancelling Odoo order %s: %w", o.Name, err)
	}
	if w, ok := parseWizard(res); ok {
		if w.ResModel != "sale.order.cancel" {
			return o, &RecordError{Entity: entity, Msg: fmt.Sprintf("Odoo answered with the %s wizard to the cancel of order %s; cancel it in Odoo", w.ResModel, o.Name), Action: true}
		}
		wctx := map[string]any{"active_model": "sale.order", "active_id": id, "active_ids": []int64{id}, "disable_cancel_warning": true}
		wiz, err := c.Create(ctx, "sale.order.cancel", []map[string]any{{"order_id": id}}, wctx)
		if err != nil {
			return o, fmt.Errorf("cancelling Odoo order %s through its wizard: %w", o.Name, err)
		}
		if _, err := c.Call(ctx, "sale.order.cancel", "action_cancel", wiz, map[string]any{"context": wctx}); err != nil {
			return o, fmt.Errorf("cancelling Odoo order %s through its wizard: %w", o.Name, err)
		}
	}
	after, _, err := c.orderState(ctx, id)
	if err != nil {
		return o, err
	}
	if after.State != "cancel" {
		return o, &RecordError{Entity: entity, Msg: fmt.Sprintf("Odoo did not cancel order %s (it is %s); cancel it in Odoo", o.Name, after.State), Action: true}
	}
	return o, nil
}

// creditInvoices reverses each posted, unpaid customer invoice of o with a
// credit note, as an accountant would (a posted invoice is never deleted);
// a paid one parks the cancel, naming it, since the money must go back first.
// Draft invoices are left to action_cancel, which cancels them.
func (c *Client) creditInvoices(ctx context.Context, entity string, o orderRow) error {
	moves, err := c.postedInvoices(ctx, o)
	if err != nil || len(moves) == 0 {
		return err
	}
	var credit []int64
	for _, m := range moves {
		if m.PaymentState != "not_paid" {
			return &RecordError{Entity: entity, Msg: fmt.Sprintf("invoice %s of Odoo order %s is %s; refund the payment and reverse the invoice in Odoo, then cancel the order there", m.Name, o.Name, m.PaymentState), Action: true}
		}
		credit = append(credit, int64(m.ID))
	}
	return c.reverse(ctx, credit, fmt.Sprintf("%s cancelled in the shop", entity))
}

// postedInvoices are o's posted customer invoices not yet reversed.
func (c *Client) postedInvoices(ctx context.Context, o orderRow) ([]acctMoveRow, error) {
	if len(o.InvoiceIDs) == 0 {
		return nil, nil
	}
	moves, err := SearchRead[acctMoveRow](ctx, c, "account.move", Query{Domain: []any{[]any{"id", "in", []int64(o.InvoiceIDs)}, []any{"move_type", "=", "out_invoice"}, []any{"state", "=", "posted"}, []any{"payment_state", "!=", "reversed"}}, Fields: []string{"name", "state", "move_type", "payment_state"}})
	return moves, err
}

// reverse makes and posts the credit notes of invoices through the
// account.move.reversal wizard: on 16 reverse_moves with refund_method
// "cancel" (a full refund, posted and reconciled with the invoice); from 17
// refund_moves, whose draft credit notes are then posted.
func (c *Client) reverse(ctx context.Context, invoices []int64, reason string) error {
	version, err := c.Version(ctx)
	if err != nil {
		return err
	}
	wctx := map[string]any{"active_model": "account.move", "active_ids": invoices, "active_id": invoices[0]}
	vals := map[string]any{"reason": reason}
	method := "refund_moves"
	if version < 17 {
		vals["refund_method"], method = "cancel", "reverse_moves"
	}
	wiz, err := c.Create(ctx, "account.move.reversal", []map[string]any{vals}, wctx)
	if err != nil {
		return fmt.Errorf("crediting invoices %v: %w", invoices, err)
	}
	if _, err := c.Call(ctx, "account.move.reversal", method, wiz, map[string]any{"context": wctx}); err != nil {
		return fmt.Errorf("crediting invoices %v: %w", invoices, err)
	}
	if version < 17 {
		return nil
	}
	var ids []any
	for _, id := range invoices {
		ids = append(ids, id)
	}
	drafts, err := SearchRead[acctMoveRow](ctx, c, "account.move", Query{Domain: []any{[]any{"reversed_entry_id", "in", ids}, []any{"state", "=", "draft"}}, Fields: []string{"name", "state"}})
	if err != nil || len(drafts) == 0 {
		return err
	}
	var post []int64
	for _, m := range drafts {
		post = append(post, int64(m.ID))
	}
	return c.postInvoices(ctx, post)
}

package odoo

import (
	"context"
	"fmt"
	"strconv"

	"github.com/ferryhub/ferry/internal/model"
)

// orderStateNames are sale.order's states as Odoo's screens name them.
var orderStateNames = map[string]string{
	"draft": "quotation", "sent": "quotation sent", "sale": "sales order", "done": "locked", "cancel": "cancelled",
}

// invoiceStatusNames are sale.order.invoice_status's values as Odoo names them.
var invoiceStatusNames = map[string]string{
	"upselling": "upselling opportunity", "invoiced": "fully invoiced", "to invoice": "to invoice", "no": "nothing to invoice",
}

// OrderStates reads the orders' own state in Odoo: the order's state, how far
// it is invoiced and whether its posted customer invoices are paid. Two calls
// whatever the number of orders. Orders Odoo no longer has are left out.
func (c *Client) OrderStates(ctx context.Context, ids []string) (map[string]model.TargetOrderState, error) {
	var nums []any
	for _, id := range ids {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("odoo %s: order id %q is not a number", c.name, id)
		}
		nums = append(nums, n)
	}
	type order struct {
		ID            int64 `json:"id"`
		State         Str   `json:"state"`
		InvoiceStatus Str   `json:"invoice_status"`
		InvoiceIDs    IDs   `json:"invoice_ids"`
	}
	orders, err := SearchRead[order](ctx, c, "sale.order", Query{Domain: []any{[]any{"id", "in", nums}}, Fields: []string{"state", "invoice_status", "invoice_ids"}})
	if err != nil {
		return nil, fmt.Errorf("odoo %s: reading order states: %w", c.name, err)
	}
	var invIDs []any
	for _, o := range orders {
		for _, id := range o.InvoiceIDs {
			invIDs = append(invIDs, id)
		}
	}
	type move struct {
		ID           int64    `json:"id"`
		State        string   `json:"state"`
		MoveType     string   `json:"move_type"`
		PaymentState Str      `json:"payment_state"`
		Reverses     Many2one `json:"reversed_entry_id"`
	}
	moves := map[int64]move{}
	// A credit note made by the reversal wizard from 17 on is not always among
	// the order's invoices: it is found by the invoice it reverses.
	credited := map[int64]bool{}
	if len(invIDs) > 0 {
		list, err := SearchRead[move](ctx, c, "account.move", Query{
			Domain: []any{"|", []any{"id", "in", invIDs}, []any{"reversed_entry_id", "in", invIDs}},
			Fields: []string{"state", "move_type", "payment_state", "reversed_entry_id"}})
		if err != nil {
			return nil, fmt.Errorf("odoo %s: reading the orders' invoices: %w", c.name, err)
		}
		for _, m := range list {
			moves[m.ID] = m
			if m.MoveType == "out_refund" && m.State == "posted" && m.Reverses.ID != 0 {
				credited[m.Reverses.ID] = true
			}
		}
	}
	out := make(map[string]model.TargetOrderState, len(orders))
	for _, o := range orders {
		st := model.TargetOrderState{State: nameOr(orderStateNames, string(o.State)), Invoicing: nameOr(invoiceStatusNames, string(o.InvoiceStatus))}
		var posted, paid, refunds int
		for _, id := range o.InvoiceIDs {
			m, ok := moves[id]
			if !ok || m.State != "posted" {
				continue
			}
			switch {
			case m.MoveType == "out_refund":
				refunds++
			case m.PaymentState == "reversed" || credited[id]:
				refunds++
			case m.PaymentState == "paid" || m.PaymentState == "in_payment":
				posted++
				paid++
			default:
				posted++
			}
		}
		switch {
		case posted > 0 && paid == posted:
			st.Payment = "paid"
		case paid > 0:
			st.Payment = "partially paid"
		case posted > 0:
			st.Payment = "not paid"
		case refunds > 0:
			st.Payment = "credited"
		}
		out[strconv.FormatInt(o.ID, 10)] = st
	}
	return out, nil
}

func nameOr(names map[string]string, v string) string {
	if n, ok := names[v]; ok {
		return n
	}
	return v
}

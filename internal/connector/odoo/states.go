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
// it is invoiced, whether its posted customer invoices are paid, and its
// invoices, credit notes and delivery orders by number. Three calls whatever
// the number of orders. Orders Odoo no longer has are left out.
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
		PickingIDs    IDs   `json:"picking_ids"`
	}
	orders, err := SearchRead[order](ctx, c, "sale.order", Query{Domain: []any{[]any{"id", "in", nums}}, Fields: []string{"state", "invoice_status", "invoice_ids", "picking_ids"}})
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
		Name         Str      `json:"name"`
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
			Fields: []string{"name", "state", "move_type", "payment_state", "reversed_entry_id"}})
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
	var pickIDs []any
	for _, o := range orders {
		for _, id := range o.PickingIDs {
			pickIDs = append(pickIDs, id)
		}
	}
	pickings, err := c.pickingDocs(ctx, pickIDs)
	if err != nil {
		return nil, err
	}
	// Credit notes that reverse an order's invoice belong to the order too.
	reversals := map[int64][]move{}
	for _, m := range moves {
		if m.MoveType == "out_refund" && m.Reverses.ID != 0 {
			reversals[m.Reverses.ID] = append(reversals[m.Reverses.ID], m)
		}
	}
	out := make(map[string]model.TargetOrderState, len(orders))
	for _, o := range orders {
		st := model.TargetOrderState{State: nameOr(orderStateNames, string(o.State)), Invoicing: nameOr(invoiceStatusNames, string(o.InvoiceStatus))}
		seen := map[int64]bool{}
		addDoc := func(m move) {
			if seen[m.ID] {
				return
			}
			seen[m.ID] = true
			kind := "invoice"
			if m.MoveType == "out_refund" {
				kind = "credit note"
			}
			st.Invoices = append(st.Invoices, model.TargetDoc{ID: strconv.FormatInt(m.ID, 10), Name: nonEmptyName(string(m.Name), m.ID), Kind: kind, State: m.State, URL: c.RecordURL("invoice", strconv.FormatInt(m.ID, 10))})
		}
		for _, id := range o.InvoiceIDs {
			if m, ok := moves[id]; ok {
				addDoc(m)
				for _, r := range reversals[id] {
					addDoc(r)
				}
			}
		}
		for _, id := range o.PickingIDs {
			if p, ok := pickings[id]; ok {
				st.Deliveries = append(st.Deliveries, model.TargetDoc{ID: strconv.FormatInt(id, 10), Name: nonEmptyName(string(p.Name), id), Kind: "delivery", State: string(p.State), URL: c.RecordURL("picking", strconv.FormatInt(id, 10))})
			}
		}
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

// pickingDoc is a delivery order as the Sales page lists it.
type pickingDoc struct {
	ID    int64 `json:"id"`
	Name  Str   `json:"name"`
	State Str   `json:"state"`
}

// pickingDocs reads the delivery orders ids in one call.
func (c *Client) pickingDocs(ctx context.Context, ids []any) (map[int64]pickingDoc, error) {
	out := map[int64]pickingDoc{}
	if len(ids) == 0 {
		return out, nil
	}
	list, err := SearchRead[pickingDoc](ctx, c, "stock.picking", Query{Domain: []any{[]any{"id", "in", ids}}, Fields: []string{"name", "state"}})
	if err != nil {
		return nil, fmt.Errorf("odoo %s: reading the orders' delivery orders: %w", c.name, err)
	}
	for _, p := range list {
		out[p.ID] = p
	}
	return out, nil
}

// nonEmptyName is a draft's name: Odoo names drafts "/" until they are posted.
func nonEmptyName(name string, id int64) string {
	if name == "" || name == "/" || name == "false" {
		return fmt.Sprintf("draft #%d", id)
	}
	return name
}

func nameOr(names map[string]string, v string) string {
	if n, ok := names[v]; ok {
		return n
	}
	return v
}

package odoo

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/ferryhub/ferry/internal/model"
)

type saleLineRow struct {
	ID            Int      `json:"id"`
	ProductID     Many2one `json:"product_id"`
	Name          Str      `json:"name"`
	ProductUomQty Num      `json:"product_uom_qty"`
	PriceUnit     Num      `json:"price_unit"`
	Discount      Num      `json:"discount"`
}

// UpdateOrder brings an imported, unshipped order in line with the shop the
// way Odoo allows. A quotation gets its lines replaced and is confirmed,
// invoiced and posted as an import would (its workflow's steps), unless it is
// held for review (imp.Hold: it stays a quotation, the reason noted). A
// confirmed order keeps its lines (Odoo refuses to remove one, and
// action_draft does nothing on it): a line gone from the shop is set to
// quantity 0, a changed one written, a new one added. An unpaid posted
// invoice that no longer matches is credited and the order invoiced again; a
// paid one parks the update before anything changes.
func (c *Client) UpdateOrder(ctx context.Context, remoteID string, imp model.OrderImport) error {
	id := parseInt(remoteID)
	entity := "order " + imp.Order.Number
	o, shipped, err := c.orderState(ctx, id)
	if err != nil {
		return err
	}
	if shipped {
		return &RecordError{Entity: entity, Msg: fmt.Sprintf("it changed in the shop, but Odoo order %s has shipped; change it in Odoo by hand", o.Name), Action: true}
	}
	if imp.Order.Status != model.OrderOpen {
		return nil
	}
	partners, refused, err := c.ensurePartners(ctx, []model.OrderImport{imp}, []int{0})
	if err != nil {
		return err
	}
	if err := customerRefused(imp, refused); err != nil {
		return err
	}
	l, err := c.orderLookups(ctx, []model.OrderImport{imp}, []int{0})
	if err != nil {
		return err
	}
	vals, err := c.orderVals(imp, partners, l)
	if err != nil {
		return err
	}
	switch o.State {
	case "draft", "sent":
		vals["order_line"] = append([]any{[]any{5}}, vals["order_line"].([]any)...)
		if err := c.Write(ctx, "sale.order", []int64{id}, vals); err != nil {
			return err
		}
		if !wantsConfirm(imp) {
			// Held for review (or a workflow that stops at the quotation):
			// it stays a quotation, its reason noted once.
			if imp.Hold != "" {
				return c.postNote(ctx, "sale.order", id, holdNote(imp.Hold))
			}
			return nil
		}
		if _, err = c.Call(ctx, "sale.order", "action_confirm", []int64{id}, nil); err != nil {
			return err
		}
		// A quotation confirmed now (the shop cleared its fraud verdict)
		// goes on as an import would.
		w := imp.Workflow
		if w == nil {
			w = &defaultWorkflow
		}
		return c.orderSteps(ctx, id, entity, w)
	case "sale":
	default:
		return &RecordError{Entity: entity, Msg: fmt.Sprintf("it changed in the shop, but Odoo order %s is %s; change it in Odoo by hand", o.Name, o.State), Action: true}
	}
	current, err := SearchRead[saleLineRow](ctx, c, "sale.order.line", Query{Domain: []any{[]any{"order_id", "=", id}}, Fields: []string{"product_id", "name", "product_uom_qty", "price_unit", "discount"}})
	if err != nil {
		return err
	}
	cmds := lineCommands(current, vals["order_line"].([]any))
	if len(cmds) == 0 {
		return nil
	}
	invoices, err := c.postedInvoices(ctx, o)
	if err != nil {
		return err
	}
	var credit []int64
	for _, m := range invoices {
		if m.PaymentState != "not_paid" {
			return &RecordError{Entity: entity, Msg: fmt.Sprintf("it changed in the shop after invoice %s of Odoo order %s was %s; change the order and its invoice in Odoo by hand (a credit note and a new invoice)", m.Name, o.Name, m.PaymentState), Action: true}
		}
		credit = append(credit, int64(m.ID))
	}
	write := map[string]any{"order_line": cmds}
	if n, ok := vals["note"]; ok {
		write["note"] = n
	}
	if err := c.Write(ctx, "sale.order", []int64{id}, write); err != nil {
		return fmt.Errorf("changing the lines of Odoo order %s: %w", o.Name, err)
	}
	if len(credit) == 0 {
		return nil
	}
	// The old invoice is for the old lines: credit it, invoice the order anew.
	if err := c.reverse(ctx, credit, entity+" changed in the shop"); err != nil {
		return err
	}
	out := []model.WriteResult{{RemoteID: remoteID}}
	if err := c.invoice(ctx, []int64{id}, nil, out); err != nil {
		return err
	}
	if out[0].Warning != "" {
		return &RecordError{Entity: entity, Msg: out[0].Warning, Action: true}
	}
	return nil
}

// lineCommands turns the wanted lines ((0, 0, vals) commands) into commands
// on a confirmed order's lines: matched by product and description, a
// changed quantity, price or discount is written (1, id, …), a line no
// longer wanted goes to quantity 0, a new one is added; never (2, id).
func lineCommands(current []saleLineRow, want []any) []any {
	key := func(product int64, name string) string {
		return fmt.Sprintf("%d|%s", product, strings.TrimSpace(name))
	}
	have := map[string][]saleLineRow{}
	for _, r := range current {
		k := key(r.ProductID.ID, string(r.Name))
		have[k] = append(have[k], r)
	}
	var cmds []any
	for _, w := range want {
		v := w.([]any)[2].(map[string]any)
		pid, _ := v["product_id"].(int64)
		k := key(pid, fmt.Sprint(v["name"]))
		rows := have[k]
		if len(rows) == 0 {
			cmds = append(cmds, w)
			continue
		}
		r := rows[0]
		have[k] = rows[1:]
		ch := map[string]any{}
		if f := v["product_uom_qty"].(float64); !near(f, r.ProductUomQty.D().Float64()) {
			ch["product_uom_qty"] = f
		}
		if f := v["price_unit"].(float64); !near(f, r.PriceUnit.D().Float64()) {
			ch["price_unit"] = f
		}
		disc, _ := v["discount"].(float64)
		if !near(disc, r.Discount.D().Float64()) {
			ch["discount"] = disc
		}
		if len(ch) > 0 {
			cmds = append(cmds, []any{1, int64(r.ID), ch})
		}
	}
	for _, rows := range have {
		for _, r := range rows {
			if !near(r.ProductUomQty.D().Float64(), 0) {
				cmds = append(cmds, []any{1, int64(r.ID), map[string]any{"product_uom_qty": 0.0}})
			}
		}
	}
	return cmds
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.00005 }

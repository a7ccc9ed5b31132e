package odoo

import (
	"context"
	"fmt"

	"github.com/ferryhub/ferry/internal/model"
)

// shipShipped validates the Odoo deliveries of confirmed orders the shop had
// shipped itself before they came in (a route of shipped orders, seed 003's
// Shipped Orders queue): the goods have left, so Odoo's stock and the
// order's delivery state must say so, and the shipments route finds nothing
// left to send. Done deliveries are left as they are, so a repeated import
// changes nothing; a delivery Odoo cannot validate leaves a warning, not an
// error: the order is in.
func (c *Client) shipShipped(ctx context.Context, imps []model.OrderImport, out []model.WriteResult) {
	for i, imp := range imps {
		if out[i].Err != nil || out[i].RemoteID == "" || imp.Order.Status != model.OrderCompleted || imp.Hold != "" {
			continue
		}
		if imp.Workflow != nil && !imp.Workflow.Confirm {
			continue
		}
		o, _, err := c.orderState(ctx, parseInt(string(out[i].RemoteID)))
		if err != nil {
			warn(&out[i], fmt.Sprintf("the shop shipped order %s, but its Odoo delivery could not be read: %v", imp.Order.Number, err))
			continue
		}
		if o.State != "sale" && o.State != "done" || len(o.PickingIDs) == 0 {
			continue
		}
		picks, err := SearchRead[pickingRow](ctx, c, "stock.picking", Query{Domain: []any{[]any{"id", "in", []int64(o.PickingIDs)}}, Fields: []string{"state"}})
		if err != nil {
			warn(&out[i], fmt.Sprintf("the shop shipped order %s, but its Odoo deliveries could not be read: %v", imp.Order.Number, err))
			continue
		}
		tracking := ""
		for _, s := range imp.Order.Shipments {
			if s.TrackingCode != "" {
				tracking = s.TrackingCode
			}
		}
		for _, p := range picks {
			if p.State == "done" || p.State == "cancel" {
				continue
			}
			if err := c.ValidateDelivery(ctx, int64(p.ID), tracking); err != nil {
				warn(&out[i], fmt.Sprintf("the shop shipped order %s, but Odoo did not validate its delivery %d: %v; validate it in Odoo", imp.Order.Number, p.ID, err))
			}
		}
	}
}

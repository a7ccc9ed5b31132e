package odoo

import (
	"context"
	"fmt"

	"github.com/ferryhub/ferry/internal/model"
)

type moveRow struct {
	ID        Int      `json:"id"`
	ProductID Many2one `json:"product_id"`
	Demand    Num      `json:"product_uom_qty"`
	State     Str      `json:"state"`
}

type backorderRow struct {
	ID    Int `json:"id"`
	Name  Str `json:"name"`
	State Str `json:"state"`
}

// ShipPartial validates an outgoing picking with the quantities shipped per
// SKU, as a warehouse reports a partial shipment, and returns the backorder
// Odoo makes of the rest (0 when everything shipped). Quantities go to
// quantity_done up to 16 and to quantity with picked on 17 and later; context
// skip_backorder makes the backorder without Odoo's wizard (reference §2.1).
// A picking already done is not validated again: its backorder is returned,
// so a call repeated after an unclear failure does the work once.
func (c *Client) ShipPartial(ctx context.Context, pickingID int64, trackingRef string, shipped map[string]model.Decimal) (int64, error) {
	entity := fmt.Sprintf("delivery %d", pickingID)
	version, err := c.Version(ctx)
	if err != nil {
		return 0, err
	}
	state, pickMoves, found, err := c.pickingMoves(ctx, version, pickingID)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", entity, err)
	}
	if !found {
		return 0, &RecordError{Entity: entity, Msg: "it does not exist in Odoo"}
	}
	if state == "done" {
		return c.Backorder(ctx, pickingID)
	}
	var mids []any
	for _, m := range pickMoves {
		mids = append(mids, m)
	}
	moves, err := SearchRead[moveRow](ctx, c, "stock.move", Query{Domain: []any{[]any{"id", "in", mids}, []any{"state", "!=", "cancel"}}, Fields: []string{"product_id", "product_uom_qty", "state"}})
	if err != nil {
		return 0, fmt.Errorf("%s: %w", entity, err)
	}
	var pids []any
	for _, m := range moves {
		pids = append(pids, m.ProductID.ID)
	}
	codes, err := SearchRead[productRow](ctx, c, "product.product", Query{Domain: []any{[]any{"id", "in", pids}}, Fields: []string{"default_code"}, Context: inactiveToo})
	if err != nil {
		return 0, fmt.Errorf("%s: %w", entity, err)
	}
	skuOf := map[int64]string{}
	for _, p := range codes {
		skuOf[int64(p.ID)] = string(p.DefaultCode)
	}
	done, err := allocate(moves, skuOf, shipped)
	if err != nil {
		return 0, &RecordError{Entity: entity, Msg: err.Error()}
	}
	if trackingRef != "" {
		if err := c.Write(ctx, "stock.picking", []int64{pickingID}, map[string]any{"carrier_tracking_ref": trackingRef}); err != nil {
			return 0, fmt.Errorf("%s: tracking reference: %w", entity, err)
		}
	}
	// One write per distinct quantity, not per move.
	byQty := map[model.Decimal][]int64{}
	for _, m := range moves {
		byQty[done[int64(m.ID)]] = append(byQty[done[int64(m.ID)]], int64(m.ID))
	}
	for q, ids := range byQty {
		vals := map[string]any{"quantity_done": q.Float64()}
		if version >= 17 {
			vals = map[string]any{"quantity": q.Float64(), "picked": !q.IsZero()}
		}
		if err := c.Write(ctx, "stock.move", ids, vals); err != nil {
			return 0, fmt.Errorf("%s: quantities: %w", entity, err)
		}
	}
	res, err := c.Call(ctx, "stock.picking", "button_validate", []int64{pickingID}, map[string]any{"context": map[string]any{"skip_backorder": true, "skip_sms": true}})
	if err != nil {
		return 0, fmt.Errorf("%s: validating: %w", entity, err)
	}
	if err := wizardError(entity, res); err != nil {
		return 0, err
	}
	return c.Backorder(ctx, pickingID)
}

// allocate spreads the shipped quantity of each SKU over its moves in order,
// none above its demand; a SKU the picking does not hold, or more than it
// holds, is an error, and so is shipping nothing.
func allocate(moves []moveRow, skuOf map[int64]string, shipped map[string]model.Decimal) (map[int64]model.Decimal, error) {
	left := map[string]model.Decimal{}
	var total model.Decimal
	for sku, q := range shipped {
		if q < 0 {
			return nil, fmt.Errorf("SKU %s: shipped quantity %s is negative", sku, q)
		}
		left[sku] = q
		total += q
	}
	if total.IsZero() {
		return nil, fmt.Errorf("nothing shipped: every quantity is 0")
	}
	done := map[int64]model.Decimal{}
	for _, m := range moves {
		sku := skuOf[m.ProductID.ID]
		q := min(left[sku], m.Demand.D())
		done[int64(m.ID)] = q
		left[sku] -= q
	}
	for sku, q := range left {
		if q > 0 {
			return nil, fmt.Errorf("SKU %s: %s more shipped than the delivery holds", sku, q)
		}
	}
	return done, nil
}

// Backorder returns the picking Odoo made of what a validated picking did not
// ship (backorder_id), or 0 when there is none.
func (c *Client) Backorder(ctx context.Context, pickingID int64) (int64, error) {
	rows, err := SearchRead[backorderRow](ctx, c, "stock.picking", Query{Domain: []any{[]any{"backorder_id", "=", pickingID}}, Fields: []string{"name", "state"}, Limit: 1})
	if err != nil {
		return 0, fmt.Errorf("backorder of delivery %d: %w", pickingID, err)
	}
	if len(rows) == 0 {
		return 0, nil
	}
	return int64(rows[0].ID), nil
}

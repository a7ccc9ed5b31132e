package odoo

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ferryhub/ferry/internal/model"
)

type quantRow struct {
	ID        Int      `json:"id"`
	ProductID Many2one `json:"product_id"`
}

// SetStockLevels sets on-hand quantities by inventory adjustment in the
// configured warehouse's stock location (a warehouse system as the stock
// master): one product lookup, one quant lookup, one create of the missing
// quants, one write of the counts, one action_apply_inventory. errs has one entry
// per level; an unknown SKU is a needs-action error naming it.
//
// Odoo 14 has no action_apply_inventory (stock/models/stock_quant.py): a
// count written or created in inventory mode (context inventory_mode True)
// moves the difference at once, and a create gathers the product's quant in
// the location, so the quants created are counted already.
func (c *Client) SetStockLevels(ctx context.Context, levels []model.Stock) ([]error, error) {
	errs := make([]error, len(levels))
	if len(levels) == 0 {
		return errs, nil
	}
	version, err := c.Version(ctx)
	if err != nil {
		return nil, err
	}
	var skus []any
	for _, l := range levels {
		skus = append(skus, l.SKU)
	}
	prods, err := SearchRead[productRow](ctx, c, "product.product", Query{Domain: []any{[]any{"default_code", "in", skus}}, Fields: []string{"default_code"}})
	if err != nil {
		return nil, err
	}
	bySKU := map[string]int64{}
	var pids []any
	for _, p := range prods {
		bySKU[string(p.DefaultCode)] = int64(p.ID)
		pids = append(pids, int64(p.ID))
	}
	loc, err := c.stockLocation(ctx)
	if err != nil {
		return nil, err
	}
	quants, err := SearchRead[quantRow](ctx, c, "stock.quant", Query{Domain: []any{[]any{"product_id", "in", pids}, []any{"location_id", "=", loc}}, Fields: []string{"product_id"}})
	if err != nil {
		return nil, err
	}
	quantOf := map[int64]int64{}
	for _, q := range quants {
		quantOf[q.ProductID.ID] = int64(q.ID)
	}
	var kw map[string]any
	if version <= 14 {
		kw = map[string]any{"context": map[string]any{"inventory_mode": true}}
	}
	var create []map[string]any
	var createFor []int64
	for i, l := range levels {
		pid, ok := bySKU[l.SKU]
		if !ok {
			errs[i] = &RecordError{Entity: "SKU " + l.SKU, Msg: "no Odoo product has this internal reference", Action: true}
			continue
		}
		if _, ok := quantOf[pid]; !ok {
			create = append(create, map[string]any{"product_id": pid, "location_id": loc, "inventory_quantity": l.Quantity.Float64()})
			createFor = append(createFor, pid)
		}
	}
	counted := map[int64]bool{}
	if len(create) > 0 {
		ids, err := c.Create(ctx, "stock.quant", create, ctxOf(kw))
		if err != nil {
			return nil, err
		}
		for i, pid := range createFor {
			quantOf[pid] = ids[i]
			counted[pid] = version <= 14
		}
	}
	var apply []int64
	count := map[int64]float64{}
	for i, l := range levels {
		if errs[i] != nil || counted[bySKU[l.SKU]] {
			continue
		}
		q := quantOf[bySKU[l.SKU]]
		if _, err := c.Execute(ctx, "stock.quant", "write", []any{[]int64{q}, map[string]any{"inventory_quantity": l.Quantity.Float64()}}, kw, false); err != nil {
			errs[i] = err
			continue
		}
		if version > 14 {
			apply = append(apply, q)
			count[q] = l.Quantity.Float64()
		}
	}
	if len(apply) > 0 {
		if err := c.applyInventory(ctx, apply, count); err != nil {
			return nil, err
		}
	}
	return errs, nil
}

// ctxOf is the context of kwargs (nil without one).
func ctxOf(kw map[string]any) map[string]any {
	if m, ok := kw["context"].(map[string]any); ok {
		return m
	}
	return nil
}

// applyInventory applies the counts of quants. It returns None, or, from 15
// on, the stock.inventory.conflict wizard when a quant's quantity moved
// between the count and now (stock_quant.py action_apply_inventory,
// is_outdated), applying nothing; the client is the stock master, so it
// counts those quants again, as the wizard's action_keep_counted_quantity
// does, and applies once more.
func (c *Client) applyInventory(ctx context.Context, ids []int64, count map[int64]float64) error {
	for try := 0; ; try++ {
		// None: the JSON-RPC answer has no result, which is success.
		res, err := c.Call(ctx, "stock.quant", "action_apply_inventory", ids, nil)
		if err != nil {
			return err
		}
		var wizard struct {
			ResModel string `json:"res_model"`
			Context  struct {
				Fix IDs `json:"default_quant_to_fix_ids"`
			} `json:"context"`
		}
		if len(res) == 0 || json.Unmarshal(res, &wizard) != nil || wizard.ResModel == "" {
			return nil
		}
		if wizard.ResModel != "stock.inventory.conflict" || try > 0 {
			return &RecordError{Entity: "stock count", Msg: "Odoo answered with the " + wizard.ResModel + " wizard instead of applying the counts; apply them in Odoo", Action: true}
		}
		fix := wizard.Context.Fix
		if len(fix) == 0 {
			fix = ids
		}
		for _, q := range fix {
			if err := c.Write(ctx, "stock.quant", []int64{q}, map[string]any{"inventory_quantity": count[q]}); err != nil {
				return err
			}
		}
	}
}

// movesField is stock.picking's one2many of its moves: move_lines on 14 and
// 15, move_ids from 16 (stock/models/stock_picking.py).
func movesField(version int) string {
	if version <= 15 {
		return "move_lines"
	}
	return "move_ids"
}

// pickingMoves reads a picking's state and moves; found is false when it
// does not exist.
func (c *Client) pickingMoves(ctx context.Context, version int, pickingID int64) (state string, moves IDs, found bool, err error) {
	rows, err := SearchRead[map[string]json.RawMessage](ctx, c, "stock.picking", Query{Domain: []any{[]any{"id", "=", pickingID}}, Fields: []string{"state", movesField(version)}})
	if err != nil || len(rows) == 0 {
		return "", nil, false, err
	}
	var st Str
	if err := json.Unmarshal(rows[0]["state"], &st); err != nil {
		return "", nil, false, fmt.Errorf("stock.picking %d state: %w", pickingID, err)
	}
	if err := json.Unmarshal(rows[0][movesField(version)], &moves); err != nil {
		return "", nil, false, fmt.Errorf("stock.picking %d %s: %w", pickingID, movesField(version), err)
	}
	return string(st), moves, true, nil
}

type locationRow struct {
	ID         Int      `json:"id"`
	Code       Str      `json:"code"`
	LotStockID Many2one `json:"lot_stock_id"`
}

func (c *Client) stockLocation(ctx context.Context) (int64, error) {
	dom := []any{}
	if c.s.Warehouse != "" {
		dom = []any{[]any{"code", "=", c.s.Warehouse}}
	}
	whs, err := SearchRead[locationRow](ctx, c, "stock.warehouse", Query{Domain: dom, Fields: []string{"code", "lot_stock_id"}, Limit: 1})
	if err != nil {
		return 0, err
	}
	if len(whs) == 0 || whs[0].LotStockID.ID == 0 {
		return 0, &RecordError{Entity: "warehouse " + c.s.Warehouse, Msg: "Odoo has no such warehouse with a stock location; fix settings.warehouse", Action: true}
	}
	return whs[0].LotStockID.ID, nil
}

// ValidateDelivery validates an outgoing picking with a tracking reference, as
// a warehouse system reports a shipment: up to 16 the quantities are set first
// (else Odoo answers with the immediate-transfer wizard), on 17 and later the
// reserved quantities are validated. A picking already done is left alone.
func (c *Client) ValidateDelivery(ctx context.Context, pickingID int64, trackingRef string) error {
	version, err := c.Version(ctx)
	if err != nil {
		return err
	}
	rows, err := SearchRead[pickingDoneRow](ctx, c, "stock.picking", Query{Domain: []any{[]any{"id", "=", pickingID}}, Fields: []string{"name", "sale_id", "date_done"}})
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return &RecordError{Entity: fmt.Sprintf("delivery %d", pickingID), Msg: "it does not exist in Odoo"}
	}
	state, pickMoves, found, err := c.pickingMoves(ctx, version, pickingID)
	if err != nil {
		return err
	}
	if !found || state == "done" {
		return nil
	}
	if trackingRef != "" {
		if err := c.Write(ctx, "stock.picking", []int64{pickingID}, map[string]any{"carrier_tracking_ref": trackingRef}); err != nil {
			return err
		}
	}
	if version < 17 {
		type moveRow struct {
			ID  Int `json:"id"`
			Qty Num `json:"product_uom_qty"`
		}
		var mids []any
		for _, m := range pickMoves {
			mids = append(mids, m)
		}
		moves, err := SearchRead[moveRow](ctx, c, "stock.move", Query{Domain: []any{[]any{"id", "in", mids}}, Fields: []string{"product_uom_qty"}})
		if err != nil {
			return err
		}
		for _, m := range moves {
			if err := c.Write(ctx, "stock.move", []int64{int64(m.ID)}, map[string]any{"quantity_done": m.Qty.D().Float64()}); err != nil {
				return err
			}
		}
	}
	// skip_sms: a database where no one dismissed the SMS warning answers
	// the confirm.stock.sms wizard instead of validating.
	res, err := c.Call(ctx, "stock.picking", "button_validate", []int64{pickingID}, map[string]any{"context": map[string]any{"skip_backorder": true, "skip_sms": true, "picking_ids_not_to_backorder": []int64{pickingID}}})
	if err != nil {
		return err
	}
	return wizardError(fmt.Sprintf("delivery %d", pickingID), res)
}

// wizardError is the needs-action error of an answer that is a wizard action
// (Odoo wants a person to confirm), naming the wizard exactly; nil for true.
func wizardError(entity string, res json.RawMessage) error {
	var wizard struct {
		ResModel string `json:"res_model"`
	}
	if json.Unmarshal(res, &wizard) == nil && wizard.ResModel != "" {
		return &RecordError{Entity: entity, Msg: "Odoo answered with the " + wizard.ResModel + " wizard instead of validating it; validate it in Odoo", Action: true}
	}
	return nil
}

package shopify

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/remote"
)

// skuBatch is the SKUs read and set per call: 250 is Shopify's input array
// limit; 50 keeps the search string short.
const skuBatch = 50

// SetStockLevels sets the stock of each SKU at the location
// (flow.StockSink): settings.stock_name (available by default) becomes the
// level's Available (on_hand: its Quantity). It reads the current quantities
// first and sends them as compareQuantity, so that a change made in the shop
// meanwhile is never overwritten blindly; a stale compare is read again and
// retried once, then reported for its SKU. A SKU already at its level is not
// written. errs has one entry per level.
func (c *Client) SetStockLevels(ctx context.Context, levels []model.Stock) ([]error, error) {
	errs := make([]error, len(levels))
	loc, err := c.Location(ctx)
	if err != nil {
		return nil, err
	}
	for start := 0; start < len(levels); start += skuBatch {
		end := min(start+skuBatch, len(levels))
		if err := c.setBatch(ctx, loc, levels[start:end], errs[start:end]); err != nil {
			return nil, err
		}
	}
	return errs, nil
}

// WritesAvailable says SetStockLevels sets the available quantity
// (flow.AvailableStockSink): the stock route compares it, not on hand, which
// also counts the units committed to open orders.
func (c *Client) WritesAvailable() bool { return c.settings.StockName != "on_hand" }

type pendingSet struct {
	i       int // index in the batch
	sku     string
	item    string
	want    int
	compare int
	stale   int // stale compares met
}

func (c *Client) setBatch(ctx context.Context, loc Location, levels []model.Stock, errs []error) error {
	name := c.settings.StockName
	want := func(l model.Stock) int {
		if name == "on_hand" {
			return int(l.Quantity.Int())
		}
		return int(l.Available.Int())
	}
	var pending []*pendingSet
	for i, l := range levels {
		pending = append(pending, &pendingSet{i: i, sku: l.SKU, want: want(l)})
	}
	// lost is the last write whose answer was lost: rounds that ran out on
	// lost answers are the network's fault, for the caller to retry, not a
	// shop that kept changing.
	var lost error
	for round := 0; len(pending) > 0; round++ {
		if round > 3 {
			if lost != nil {
				return fmt.Errorf("shopify %s: setting stock at %s: %w", c.settings.Shop, loc.Name, lost)
			}
			for _, p := range pending {
				errs[p.i] = &SKUError{Shop: c.settings.Shop, SKU: p.sku, Err: errors.New("the shop kept changing the quantity while it was set; try again")}
			}
			return nil
		}
		// A fresh read: the item of each SKU and its quantity now.
		if err := c.readCompare(ctx, loc, pending, errs); err != nil {
			return err
		}
		var send []*pendingSet
		for _, p := range pending {
			if errs[p.i] == nil && p.compare != p.want {
				send = append(send, p)
			}
		}
		if len(send) == 0 {
			return nil
		}
		qs := make([]map[string]any, len(send))
		for k, p := range send {
			qs[k] = map[string]any{"inventoryItemId": p.item, "locationId": loc.ID, "quantity": p.want, "compareQuantity": p.compare}
		}
		input := map[string]any{"name": name, "reason": "correction", "referenceDocumentUri": "ferry://stock/" + c.name, "quantities": qs}
		var d struct {
			InventorySetQuantities *struct {
				UserErrors []UserError `json:"userErrors"`
			} `json:"inventorySetQuantities"`
		}
		err := c.do(ctx, "InventorySet", map[string]any{"input": input}, &d)
		switch {
		case remote.IsAmbiguous(err):
			pending, lost = send, err // read back: those at their level are done
			continue
		case err != nil:
			return fmt.Errorf("shopify %s: setting stock at %s: %w", c.settings.Shop, loc.Name, err)
		}
		lost = nil
		if d.InventorySetQuantities == nil || len(d.InventorySetQuantities.UserErrors) == 0 {
			return nil
		}
		// The mutation changed nothing: sort the errors out by quantity index,
		// re-send the others.
		failed := map[int]UserError{}
		var general []UserError
		for _, u := range d.InventorySetQuantities.UserErrors {
			if k, ok := quantityIndex(u.Field); ok && k < len(send) {
				failed[k] = u
			} else {
				general = append(general, u)
			}
		}
		if len(failed) == 0 {
			for _, p := range send {
				errs[p.i] = &SKUError{Shop: c.settings.Shop, SKU: p.sku, Err: userErrors(c.settings.Shop, "inventorySetQuantities", "SKU "+p.sku, general)}
			}
			return nil
		}
		pending = pending[:0]
		for k, p := range send {
			u, ok := failed[k]
			switch {
			case !ok:
				pending = append(pending, p)
			case (u.Code == "COMPARE_QUANTITY_STALE" || u.Code == "CHANGE_FROM_QUANTITY_STALE") && p.stale == 0:
				p.stale++
				pending = append(pending, p)
			default:
				errs[p.i] = &SKUError{Shop: c.settings.Shop, SKU: p.sku, Err: userErrors(c.settings.Shop, "inventorySetQuantities", "SKU "+p.sku, []UserError{u})}
			}
		}
	}
	return nil
}

// readCompare fills item and compare of each pending SKU from a fresh read;
// a SKU the shop lacks, or not stocked at loc, gets its error.
func (c *Client) readCompare(ctx context.Context, loc Location, pending []*pendingSet, errs []error) error {
	skus := make([]string, len(pending))
	for k, p := range pending {
		skus[k] = p.sku
	}
	found := map[string]InventoryItem{}
	err := c.items(ctx, loc, skuQuery(skus), func(items []InventoryItem) error {
		for _, it := range items {
			if s := str(it.SKU); s != "" {
				if _, dup := found[s]; !dup {
					found[s] = it
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, p := range pending {
		it, ok := found[p.sku]
		if !ok {
			errs[p.i] = &SKUError{Shop: c.settings.Shop, SKU: p.sku, Missing: true, Err: errors.New("no variant with this SKU in the shop")}
			continue
		}
		q, ok := it.quantity(c.settings.StockName)
		if !ok {
			errs[p.i] = &SKUError{Shop: c.settings.Shop, SKU: p.sku, Err: fmt.Errorf("not stocked at location %s; stock it there in the shop's admin", loc.Name)}
			continue
		}
		p.item, p.compare = it.ID, q
	}
	return nil
}

// quantityIndex reads the index from a field path input.quantities.N….
func quantityIndex(field []string) (int, bool) {
	for k := 0; k+1 < len(field); k++ {
		if field[k] == "quantities" {
			n, err := strconv.Atoi(field[k+1])
			return n, err == nil
		}
	}
	return 0, false
}

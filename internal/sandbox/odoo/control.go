package odoo

import "fmt"

// SetOnHand counts qty pieces of the product with internal reference sku in
// the main stock location, as a warehouse user's inventory adjustment does
// (stock.quant with inventory_quantity, then action_apply_inventory; on 14
// the count in inventory mode, which applies itself). The
// demo uses it for products that came from a shop.
func (s *Server) SetOnHand(sku string, qty float64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids, err := s.search("product.product", []any{[]any{"default_code", "=", sku}}, true, "id asc", 0, 1)
	if err != nil || len(ids) == 0 {
		return fmt.Errorf("odoo sandbox: no product with internal reference %q", sku)
	}
	locs, err := s.search("stock.location", []any{[]any{"usage", "=", "internal"}}, true, "id asc", 0, 1)
	if err != nil || len(locs) == 0 {
		return fmt.Errorf("odoo sandbox: no internal stock location")
	}
	var kw map[string]any
	if s.opts.Version <= 14 {
		// 14 applies a count made in inventory mode at once and has no
		// action_apply_inventory.
		kw = map[string]any{"context": map[string]any{"inventory_mode": true}}
	}
	res, _, err := s.call("stock.quant", "create", []any{map[string]any{"product_id": float64(ids[0]), "location_id": float64(locs[0]), "inventory_quantity": qty}}, kw)
	if err != nil {
		return fmt.Errorf("odoo sandbox: counting %s: %w", sku, err)
	}
	if s.opts.Version <= 14 {
		return nil
	}
	// The ids as a client sends them (JSON numbers): an int64 was no id to
	// idList, and the count was never applied.
	if _, _, err := s.call("stock.quant", "action_apply_inventory", []any{[]any{float64(res.(int64))}}, nil); err != nil {
		return fmt.Errorf("odoo sandbox: applying the count of %s: %w", sku, err)
	}
	return nil
}

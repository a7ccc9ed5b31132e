package mycashflow

import (
	"context"
	"sync"
)

// codeIndex maps every product and variation code in the store to its product,
// so that a product export finds what exists without a lookup per product. The
// API has no filter by code that covers variations, and products without stock
// management have no stock item to find them by, so the index is read once by
// listing the products, kept up to date with the client's own creates, and read
// again when a create is refused or unclear (a product made elsewhere since).
// An entry that has gone stale is checked against the product it names.
type codeIndex struct {
	mu    sync.Mutex
	codes map[string]ID
}

// lookup returns the product that has code, reading the index first if needed.
func (x *codeIndex) lookup(ctx context.Context, c *Client, code string) (ID, bool, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.codes == nil {
		all, err := c.Products(ctx, ProductQuery{Expand: []string{"variations"}})
		if err != nil {
			return 0, false, err
		}
		codes := make(map[string]ID, len(all.Items))
		for _, p := range all.Items {
			codes[p.ProductCode] = p.ID
			for _, v := range p.Variations {
				codes[v.ProductCode] = p.ID
			}
		}
		x.codes = codes
	}
	id, ok := x.codes[code]
	return id, ok, nil
}

// add records that product id has code.
func (x *codeIndex) add(id ID, code string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.codes != nil {
		x.codes[code] = id
	}
}

// drop forgets one code.
func (x *codeIndex) drop(code string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	delete(x.codes, code)
}

// forget makes the next lookup read the index again.
func (x *codeIndex) forget() {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.codes = nil
}

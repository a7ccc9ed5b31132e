package ongoing

import (
	"context"
	"fmt"

	"github.com/ferryhub/ferry/internal/model"
)

// StockLevels returns the stock of every article of the goods owner: Quantity
// is the physical numberOfItems, Reserved the items booked by orders, and
// Available sellableNumberOfItems (what the web shop may still sell; a stock
// route with `quantity: available` sends it). An answer without
// sellableNumberOfItems (older instances) gives physical − booked. Articles
// that do not decode fail the read: a level left out would look like zero.
func (c *Client) StockLevels(ctx context.Context) ([]model.Stock, error) {
	var out []model.Stock
	var bad []error
	err := c.Articles(ctx, nil, func(items []Article, b []error) error {
		bad = append(bad, b...)
		for _, a := range items {
			out = append(out, ToStock(a))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ongoing %s: listing articles: %w", c.name, err)
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("ongoing %s: %d articles could not be read, the first: %w", c.name, len(bad), bad[0])
	}
	return out, nil
}

// ToStock maps an article's inventory to the canonical stock.
func ToStock(a Article) model.Stock {
	s := model.Stock{SKU: string(a.ArticleNumber), UpdatedAt: a.LastUpdated.Time}
	inv := a.InventoryInfo
	if inv == nil {
		return s
	}
	s.Quantity = inv.NumberOfItems
	s.Reserved = inv.NumberOfBookedItems
	if inv.SellableNumberOfItems != nil {
		s.Available = *inv.SellableNumberOfItems
	} else {
		s.Available = inv.NumberOfItems - inv.NumberOfBookedItems
	}
	return s
}

// HoldsStock says the goods are here: the system can be a stock route's source.
func (c *Client) HoldsStock() {}

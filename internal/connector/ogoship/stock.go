package ogoship

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/remote"
)

// StockLevel is StockResponse.
type StockLevel struct {
	ProductCode    string        `json:"productCode"`
	Stock          model.Decimal `json:"stock"`
	StockAvailable model.Decimal `json:"stockAvailable"`
	Reserved       model.Decimal `json:"reserved"`
	Modified       Time          `json:"modified"`
}

// DecodeStock reads one StockResponse; it must have a productCode.
func DecodeStock(raw json.RawMessage) (StockLevel, error) {
	var s StockLevel
	if err := json.Unmarshal(raw, &s); err != nil {
		return s, err
	}
	if s.ProductCode == "" {
		return s, errors.New("the stock level has no productCode")
	}
	return s, nil
}

// StockLevels returns the stock of every product of the merchant (GET
// /Stock, all pages): Quantity = stock (physical, all warehouses), Reserved
// = reserved, Available = stockAvailable (what the web shop may still sell,
// §4). A level that does not decode fails the read: a level left out would
// look like zero.
func (c *Client) StockLevels(ctx context.Context) ([]model.Stock, error) {
	var out []model.Stock
	var bad []error
	err := pages(ctx, c, pathStock, nil, DecodeStock, func(items []StockLevel, b []error, _ *remote.Response) error {
		bad = append(bad, b...)
		for _, s := range items {
			out = append(out, ToStock(s))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ogoship %s: listing stock: %w", c.name, err)
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("ogoship %s: %d stock levels could not be read, the first: %w", c.name, len(bad), bad[0])
	}
	return out, nil
}

// ToStock maps a stock level to the canonical stock.
func ToStock(s StockLevel) model.Stock {
	return model.Stock{SKU: s.ProductCode, Quantity: s.Stock, Reserved: s.Reserved, Available: s.StockAvailable, UpdatedAt: s.Modified.Time}
}

// HoldsStock says the goods are here: the warehouse can be a stock route's source.
func (c *Client) HoldsStock() {}

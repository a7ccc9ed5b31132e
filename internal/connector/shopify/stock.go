package shopify

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

// Location is an inventory location.
type Location struct {
	ID                   string `json:"id"`
	Name                 string `json:"name"`
	IsActive             bool   `json:"isActive"`
	FulfillsOnlineOrders bool   `json:"fulfillsOnlineOrders"`
}

type locationCache struct {
	mu  sync.Mutex
	loc *Location
}

// Locations lists the shop's active locations.
func (c *Client) Locations(ctx context.Context) ([]Location, error) {
	var d struct {
		Locations struct {
			Nodes []Location `json:"nodes"`
		} `json:"locations"`
	}
	if err := c.do(ctx, "Locations", nil, &d); err != nil {
		return nil, fmt.Errorf("shopify %s: listing locations: %w", c.settings.Shop, err)
	}
	return d.Locations.Nodes, nil
}

// Location returns the location whose stock the client reads and writes:
// settings.location by name, global id or number, else the first active one
// that fulfils online orders (the shop's primary), else the first.
func (c *Client) Location(ctx context.Context) (Location, error) {
	c.loc.mu.Lock()
	defer c.loc.mu.Unlock()
	if c.loc.loc != nil {
		return *c.loc.loc, nil
	}
	ls, err := c.Locations(ctx)
	if err != nil {
		return Location{}, err
	}
	l, err := pickLocation(ls, c.settings.Location)
	if err != nil {
		return Location{}, fmt.Errorf("shopify %s: %w", c.settings.Shop, err)
	}
	c.loc.loc = &l
	return l, nil
}

func pickLocation(ls []Location, want string) (Location, error) {
	want = strings.TrimSpace(want)
	if want != "" {
		var names []string
		for _, l := range ls {
			if l.ID == want || numericID(l.ID) == want || strings.EqualFold(l.Name, want) {
				return l, nil
			}
			names = append(names, l.Name)
		}
		return Location{}, &ConfigError{Field: "location", Msg: fmt.Sprintf("no location %q; the shop has %s", want, strings.Join(names, ", "))}
	}
	for _, l := range ls {
		if l.IsActive && l.FulfillsOnlineOrders {
			return l, nil
		}
	}
	if len(ls) == 0 {
		return Location{}, &ConfigError{Field: "location", Msg: "the shop has no active location"}
	}
	return ls[0], nil
}

// ConfigError is a setting that does not fit the shop.
type ConfigError struct{ Field, Msg string }

func (e *ConfigError) Error() string { return "settings." + e.Field + ": " + e.Msg }

// FailureClass: a person must change the setting.
func (e *ConfigError) FailureClass() string { return "needs_action" }

// InventoryItem is an inventory item with its level at one location (nil when
// it is not stocked there).
type InventoryItem struct {
	ID             string     `json:"id"`
	SKU            *string    `json:"sku"`
	Tracked        bool       `json:"tracked"`
	UpdatedAt      *time.Time `json:"updatedAt"`
	InventoryLevel *struct {
		UpdatedAt  *time.Time `json:"updatedAt"`
		Quantities []struct {
			Name     string `json:"name"`
			Quantity int    `json:"quantity"`
		} `json:"quantities"`
	} `json:"inventoryLevel"`
}

// quantity returns the named quantity at the location.
func (it InventoryItem) quantity(name string) (int, bool) {
	if it.InventoryLevel == nil {
		return 0, false
	}
	for _, q := range it.InventoryLevel.Quantities {
		if q.Name == name {
			return q.Quantity, true
		}
	}
	return 0, false
}

// items reads inventory items matching q (nil: all) with their level at loc,
// a page at a time.
func (c *Client) items(ctx context.Context, loc Location, q string, each func([]InventoryItem) error) error {
	vars := map[string]any{"location": loc.ID}
	if q != "" {
		vars["q"] = q
	}
	first, err := c.pageSize("InventoryLevels", "first", vars)
	if err != nil {
		return err
	}
	vars["first"] = first
	for {
		var d struct {
			InventoryItems struct {
				PageInfo PageInfo        `json:"pageInfo"`
				Nodes    []InventoryItem `json:"nodes"`
			} `json:"inventoryItems"`
		}
		if err := c.do(ctx, "InventoryLevels", vars, &d); err != nil {
			return fmt.Errorf("shopify %s: reading inventory at %s: %w", c.settings.Shop, loc.Name, err)
		}
		if err := each(d.InventoryItems.Nodes); err != nil {
			return err
		}
		if !d.InventoryItems.PageInfo.HasNextPage || d.InventoryItems.PageInfo.EndCursor == "" {
			return nil
		}
		vars["after"] = d.InventoryItems.PageInfo.EndCursor
	}
}

// StockLevels returns the stock of every SKU stocked at the location
// (flow.StockSource): Quantity on hand, Reserved committed to orders,
// Available to sell. An item with tracking off is Untracked. A SKU on two
// items counts once (the first).
func (c *Client) StockLevels(ctx context.Context) ([]model.Stock, error) {
	loc, err := c.Location(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []model.Stock
	err = c.items(ctx, loc, "", func(items []InventoryItem) error {
		for _, it := range items {
			sku := str(it.SKU)
			if sku == "" || seen[sku] || it.InventoryLevel == nil {
				continue
			}
			seen[sku] = true
			out = append(out, toStock(it, loc))
		}
		return nil
	})
	return out, err
}

func toStock(it InventoryItem, loc Location) model.Stock {
	onHand, _ := it.quantity("on_hand")
	avail, _ := it.quantity("available")
	committed, _ := it.quantity("committed")
	s := model.Stock{SKU: str(it.SKU), Quantity: model.DecimalFromInt(int64(onHand)), Reserved: model.DecimalFromInt(int64(committed)),
		Available: model.DecimalFromInt(int64(avail)), Location: loc.Name, Untracked: !it.Tracked}
	if it.InventoryLevel != nil && it.InventoryLevel.UpdatedAt != nil {
		s.UpdatedAt = it.InventoryLevel.UpdatedAt.UTC()
	}
	return s
}

// skuQuery is a search for any of skus: sku:'A' OR sku:'B'.
func skuQuery(skus []string) string {
	var parts []string
	for _, s := range skus {
		parts = append(parts, "sku:'"+strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s)+"'")
	}
	return strings.Join(parts, " OR ")
}

// SKUError is a stock write refused for one SKU.
type SKUError struct {
	Shop, SKU string
	// Missing means the shop has no inventory item with the SKU.
	Missing bool
	Err     error
}

func (e *SKUError) Error() string {
	return "shopify " + e.Shop + ": SKU " + e.SKU + ": " + e.Err.Error()
}

func (e *SKUError) Unwrap() error { return e.Err }

// Is makes a SKU the shop lacks model.ErrUnknownSKU.
func (e *SKUError) Is(target error) bool { return e.Missing && target == model.ErrUnknownSKU }

// FailureClass: a person must act (create the variant, stock it at the
// location) before the SKU can be written.
func (e *SKUError) FailureClass() string { return "needs_action" }

package shopify

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

// ChangedOrders reads the orders updated at or after since (every order when
// since is zero), oldest change first, and hands them to page a page at a
// time (flow.OrderSource). It pages orders(sortKey: UPDATED_AT, query:
// "updated_at:>=…") by Shopify's cursor, which is keyset on (updatedAt, id):
// an order that changes while the pass pages moves behind the cursor and is
// read again later, so none that existed when the pass began is skipped.
// through is the updatedAt of the page's last order: every order changed
// before it has been handed over. Orders that cannot be read or mapped come
// in bad, naming the order and the field.
func (c *Client) ChangedOrders(ctx context.Context, since time.Time, page func(orders []model.Order, bad []error, through time.Time) error) error {
	q := "status:any"
	if !since.IsZero() {
		q = fmt.Sprintf("updated_at:>='%s' status:any", since.UTC().Truncate(time.Second).Format(time.RFC3339))
	}
	lines := c.settings.LinesPerPage
	vars := map[string]any{"q": q, "lines": lines}
	first, err := c.pageSize("Orders", "first", vars)
	if err != nil {
		return err
	}
	vars["first"] = first
	through := since
	handed := false
	for {
		var p OrdersPage
		if err := c.do(ctx, "Orders", vars, &p); err != nil {
			return fmt.Errorf("shopify %s: listing orders changed since %s: %w", c.settings.Shop, since.Format(time.RFC3339), err)
		}
		var out []model.Order
		var bad []error
		for _, raw := range p.Orders.Nodes {
			o, err := DecodeOrder(raw)
			if err == nil && o.LineItems.PageInfo.HasNextPage {
				err = c.moreLines(ctx, &o)
			}
			if err == nil {
				var m model.Order
				if m, err = ToOrder(o); err == nil {
					out = append(out, m)
				}
			}
			if !o.UpdatedAt.IsZero() && o.UpdatedAt.After(through) {
				through = o.UpdatedAt.UTC()
			}
			if err != nil {
				if re, ok := err.(*RecordError); ok {
					re.Shop = c.settings.Shop
				}
				bad = append(bad, err)
			}
		}
		if len(out) > 0 || len(bad) > 0 || !p.Orders.PageInfo.HasNextPage {
			if err := page(out, bad, through); err != nil {
				return err
			}
			handed = true
		}
		if !p.Orders.PageInfo.HasNextPage || p.Orders.PageInfo.EndCursor == "" {
			if !handed {
				return page(nil, nil, through)
			}
			return nil
		}
		vars["after"] = p.Orders.PageInfo.EndCursor
	}
}

// moreLines reads the line items of o past its first page.
func (c *Client) moreLines(ctx context.Context, o *Order) error {
	after := o.LineItems.PageInfo.EndCursor
	for after != "" {
		var d struct {
			Order *struct {
				LineItems struct {
					PageInfo PageInfo   `json:"pageInfo"`
					Nodes    []LineItem `json:"nodes"`
				} `json:"lineItems"`
			} `json:"order"`
		}
		if err := c.do(ctx, "OrderLines", map[string]any{"id": o.ID, "after": after}, &d); err != nil {
			return fmt.Errorf("shopify %s: order %s: reading its lines: %w", c.settings.Shop, o.Name, err)
		}
		if d.Order == nil {
			return &RecordError{Shop: c.settings.Shop, Kind: "order", ID: o.Name, Field: "lineItems", Err: fmt.Errorf("the order went away while its lines were read")}
		}
		o.LineItems.Nodes = append(o.LineItems.Nodes, d.Order.LineItems.Nodes...)
		after = ""
		if d.Order.LineItems.PageInfo.HasNextPage {
			after = d.Order.LineItems.PageInfo.EndCursor
		}
	}
	return nil
}

// pageSize is the largest first (up to settings.page_size) that keeps the
// operation's requested cost within max_query_cost: the cost grows linearly
// with first, so two estimates tell the slope.
func (c *Client) pageSize(name, firstVar string, vars map[string]any) (int, error) {
	o := op(name)
	with := func(n int) float64 {
		v := map[string]any{}
		for k, x := range vars {
			v[k] = x
		}
		v[firstVar] = n
		return c.bucket.scale(name, o.shape.estimate(v))
	}
	base, slope := with(0), with(1)-with(0)
	limit := float64(c.settings.MaxQueryCost)
	n := c.settings.PageSize
	if slope > 0 {
		n = min(n, int(math.Floor((limit-base)/slope)))
	}
	if n < 1 {
		return 0, fmt.Errorf("shopify %s: %s: one record requests %.0f points, more than max_query_cost %.0f; lower lines_per_page", c.settings.Shop, name, base+slope, limit)
	}
	return n, nil
}

// rawOrders is for tests: the Orders page's nodes decoded one by one.
func rawOrders(b []byte) ([]json.RawMessage, error) {
	var p OrdersPage
	err := json.Unmarshal(b, &p)
	return p.Orders.Nodes, err
}

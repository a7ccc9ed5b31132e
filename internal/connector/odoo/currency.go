package odoo

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

// odooTime is Odoo's datetime on the wire: UTC, to the second.
const odooTime = "2006-01-02 15:04:05"

type currencyPricelistRow struct {
	ID         Int      `json:"id"`
	CurrencyID Many2one `json:"currency_id"`
}

// hasPricelistCurrency reads once whether product.pricelist has currency_id
// (every real Odoo does; a server without it books in its one currency).
func (c *Client) hasPricelistCurrency(ctx context.Context) (bool, error) {
	c.mu.Lock()
	known, has := c.currencyKnown, c.currency
	c.mu.Unlock()
	if known {
		return has, nil
	}
	res, err := c.Execute(ctx, "product.pricelist", "fields_get", nil, map[string]any{"allfields": []string{"currency_id"}, "attributes": []string{"type"}}, true)
	if err != nil {
		return false, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(res, &fields); err != nil {
		return false, fmt.Errorf("odoo %s: fields_get product.pricelist: %w", c.name, err)
	}
	_, has = fields["currency_id"]
	c.mu.Lock()
	c.currencyKnown, c.currency = true, has
	c.mu.Unlock()
	return has, nil
}

// currencyPricelists finds a pricelist in each currency the orders at todo
// are in (one read), so that each order is booked in the shop's currency
// rather than the company's.
func (c *Client) currencyPricelists(ctx context.Context, imps []model.OrderImport, todo []int) (map[string]int64, error) {
	has, err := c.hasPricelistCurrency(ctx)
	if err != nil || !has {
		return nil, err
	}
	var curs []any
	seen := map[string]bool{}
	for _, i := range todo {
		if cur := strings.ToUpper(strings.TrimSpace(imps[i].Order.Currency)); cur != "" && !seen[cur] {
			seen[cur] = true
			curs = append(curs, cur)
		}
	}
	out := map[string]int64{}
	if len(curs) == 0 {
		return out, nil
	}
	rows, err := SearchRead[currencyPricelistRow](ctx, c, "product.pricelist", Query{Domain: []any{[]any{"currency_id.name", "in", curs}}, Fields: []string{"currency_id"}})
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if cur := strings.ToUpper(r.CurrencyID.Name); out[cur] == 0 {
			out[cur] = int64(r.ID)
		}
	}
	return out, nil
}

// currencyAndDate sets the order's pricelist (its currency) and date_order
// from the shop's order; nil pricelists means Odoo has no currencies to choose.
func currencyAndDate(o model.Order, pricelists map[string]int64, vals map[string]any) error {
	if cur := strings.ToUpper(strings.TrimSpace(o.Currency)); pricelists != nil && cur != "" {
		pl, ok := pricelists[cur]
		if !ok {
			return &RecordError{Entity: "order " + o.Number, Action: true, Msg: fmt.Sprintf("the order is in %s and Odoo has no pricelist in %s, so it would be booked in another currency; create a pricelist in %s in Odoo (Sales › Configuration › Pricelists)", cur, cur, cur)}
		}
		vals["pricelist_id"] = pl
	}
	if !o.CreatedAt.IsZero() {
		vals["date_order"] = o.CreatedAt.UTC().Format(odooTime)
	}
	return nil
}

// dateDrift is how far the confirmation time may be from the shop's order
// time before ferry writes the shop's back: an order imported within the hour
// keeps Odoo's confirmation time, minutes from the shop's, at no call; one
// read later (a backfill, a catch-up after an outage) gets the shop's.
const dateDrift = time.Hour

// keepOrderDates writes the shop's dates back after action_confirm, which
// sets date_order to the confirmation time on 16–19, for the orders made more
// than dateDrift ago: one write per distinct date (a write takes one value).
func (c *Client) keepOrderDates(ctx context.Context, imps []model.OrderImport, idx []int, out []model.WriteResult) error {
	byDate := map[string][]int64{}
	var dates []string
	now := time.Now()
	for _, i := range idx {
		if out[i].Err != nil || out[i].RemoteID == "" || imps[i].Order.CreatedAt.IsZero() || now.Sub(imps[i].Order.CreatedAt) < dateDrift {
			continue
		}
		d := imps[i].Order.CreatedAt.UTC().Format(odooTime)
		if _, ok := byDate[d]; !ok {
			dates = append(dates, d)
		}
		byDate[d] = append(byDate[d], parseInt(out[i].RemoteID))
	}
	for _, d := range dates {
		if err := c.Write(ctx, "sale.order", byDate[d], map[string]any{"date_order": d}); err != nil {
			return err
		}
	}
	return nil
}

package flow

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/store"
)

// The sales report (seed 003's Reporting tab) counts the orders the orders
// routes moved, from the figures each order's link keeps: sales by day, by
// product and by instance (the source connection), tax included as the shop
// charged. Cancelled orders are left out.

// saleFacts are an order's figures for the report.
type saleFacts struct {
	Date     time.Time     `json:"date"`
	Total    model.Decimal `json:"total"`
	Currency string        `json:"currency,omitempty"`
	Lines    []saleLine    `json:"lines,omitempty"`
}

type saleLine struct {
	SKU    string        `json:"sku,omitempty"`
	Name   string        `json:"name,omitempty"`
	Qty    model.Decimal `json:"qty"`
	Amount model.Decimal `json:"amount"`
}

func saleOf(o model.Order) *saleFacts {
	f := &saleFacts{Date: o.CreatedAt, Total: o.Total, Currency: o.Currency}
	if f.Date.IsZero() {
		f.Date = o.UpdatedAt
	}
	for _, l := range o.Lines {
		if l.Kind != model.LineProduct {
			continue
		}
		f.Lines = append(f.Lines, saleLine{SKU: l.SKU, Name: l.Name, Qty: l.Quantity, Amount: lineGross(l)})
	}
	return f
}

// lineGross is a line's money with its discount taken off and tax included.
func lineGross(l model.Line) model.Decimal {
	a := l.UnitPrice.Mul(l.Quantity)
	if !l.DiscountPercent.IsZero() {
		a -= a.Mul(l.DiscountPercent).Mul(model.MustDecimal("0.01"))
	}
	if !l.TaxIncluded && !l.TaxRate.IsZero() {
		a += a.Mul(l.TaxRate).Mul(model.MustDecimal("0.01"))
	}
	return a
}

// SalesQuery chooses a report: By is day, product or instance; From and To
// bound the order dates (zero: unbounded; To exclusive).
type SalesQuery struct {
	By       string
	From, To time.Time
}

// SalesRow is one row of a report; Amounts are per currency.
type SalesRow struct {
	Key      string                   `json:"key"`
	Label    string                   `json:"label,omitempty"`
	Orders   int                      `json:"orders"`
	Quantity model.Decimal            `json:"quantity"`
	Amounts  map[string]model.Decimal `json:"amounts"`
}

// SalesReport is a report's rows and, for the pivot table, the amounts of
// each row per instance (Pivot[row key][instance]), in the report's main
// currency (the one with the most money).
type SalesReport struct {
	By        string                              `json:"by"`
	Rows      []SalesRow                          `json:"rows"`
	Instances []string                            `json:"instances"`
	Currency  string                              `json:"currency"`
	Pivot     map[string]map[string]model.Decimal `json:"pivot"`
	Orders    int                                 `json:"orders"`
}

// SalesReport reads the orders every orders route linked and sums them.
func (rt *Runtime) SalesReport(ctx context.Context, q SalesQuery) (SalesReport, error) {
	if q.By == "" {
		q.By = "day"
	}
	if q.By != "day" && q.By != "product" && q.By != "instance" {
		return SalesReport{}, badRequest("sales by %q: want day, product or instance", q.By)
	}
	rep := SalesReport{By: q.By, Pivot: map[string]map[string]model.Decimal{}}
	rows := map[string]*SalesRow{}
	instances := map[string]bool{}
	money := map[string]model.Decimal{}
	type cell struct{ row, inst, cur string }
	cells := map[cell]model.Decimal{}
	seen := map[string]bool{}
	add := func(key, label, inst, cur string, orders int, qty, amount model.Decimal) {
		row := rows[key]
		if row == nil {
			row = &SalesRow{Key: key, Label: label, Amounts: map[string]model.Decimal{}}
			rows[key] = row
		}
		row.Orders += orders
		row.Quantity += qty
		row.Amounts[cur] += amount
		cells[cell{key, inst, cur}] += amount
	}
	for _, r := range rt.Routes() {
		if r.Flow != "orders" || seen[r.To+"\x00"+r.From] {
			continue
		}
		seen[r.To+"\x00"+r.From] = true
		after := ""
		for {
			links, err := rt.Store.ListLinks(ctx, store.LinkFilter{Connection: r.To, Kind: orderLink, AfterLocalID: after, Limit: 1000})
			if err != nil {
				return rep, fmt.Errorf("route %s: reading orders for the sales report: %w", r.Name, err)
			}
			for _, l := range links {
				after = l.LocalID
				inst, _, ok := strings.Cut(l.LocalID, ":")
				if !ok || inst != r.From {
					continue
				}
				var d orderData
				if json.Unmarshal(l.Data, &d) != nil || d.Sale == nil || d.Status == "cancelled" || d.ShopStatus == string(model.OrderCancelled) {
					continue
				}
				f := d.Sale
				if !q.From.IsZero() && f.Date.Before(q.From) || !q.To.IsZero() && !f.Date.Before(q.To) {
					continue
				}
				instances[inst] = true
				money[f.Currency] += f.Total
				rep.Orders++
				switch q.By {
				case "day":
					var qty model.Decimal
					for _, sl := range f.Lines {
						qty += sl.Qty
					}
					add(f.Date.UTC().Format("2006-01-02"), "", inst, f.Currency, 1, qty, f.Total)
				case "instance":
					var qty model.Decimal
					for _, sl := range f.Lines {
						qty += sl.Qty
					}
					add(inst, "", inst, f.Currency, 1, qty, f.Total)
				case "product":
					for _, sl := range f.Lines {
						key := nonEmpty(sl.SKU, "(no SKU) "+sl.Name)
						add(key, sl.Name, inst, f.Currency, 1, sl.Qty, sl.Amount)
					}
				}
			}
			if len(links) < 1000 {
				break
			}
		}
	}
	for c, m := range money {
		if rep.Currency == "" || m > money[rep.Currency] || m == money[rep.Currency] && c < rep.Currency {
			rep.Currency = c
		}
	}
	for inst := range instances {
		rep.Instances = append(rep.Instances, inst)
	}
	sort.Strings(rep.Instances)
	for _, row := range rows {
		rep.Rows = append(rep.Rows, *row)
	}
	sort.Slice(rep.Rows, func(i, j int) bool {
		if q.By == "day" {
			return rep.Rows[i].Key < rep.Rows[j].Key
		}
		ai, aj := rep.Rows[i].Amounts[rep.Currency], rep.Rows[j].Amounts[rep.Currency]
		if ai != aj {
			return ai > aj
		}
		return rep.Rows[i].Key < rep.Rows[j].Key
	})
	for c, v := range cells {
		if c.cur != rep.Currency {
			continue
		}
		if rep.Pivot[c.row] == nil {
			rep.Pivot[c.row] = map[string]model.Decimal{}
		}
		rep.Pivot[c.row][c.inst] = v
	}
	return rep, nil
}

package odoo

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

// The sales route's source (seed 004: "siempre los pedidos en firme"): sale
// orders that are or were confirmed (sale, done, cancel), with their lines'
// name, barcode, price_unit and qty_to_deliver (sale_stock). An order's
// write_date does not move when a delivery lowers what is left to deliver
// (that writes its lines), so the lines' changes are read too, as products'
// variants are (ChangedProducts).

type saleRow struct {
	ID         Int      `json:"id"`
	Name       Str      `json:"name"`
	State      Str      `json:"state"`
	DateOrder  Time     `json:"date_order"`
	CurrencyID Many2one `json:"currency_id"`
	PartnerID  Many2one `json:"partner_id"`
	WriteDate  Time     `json:"write_date"`
}

var saleFields = []string{"name", "state", "date_order", "currency_id", "partner_id", "write_date"}

type crmSaleLineRow struct {
	ID           Int      `json:"id"`
	OrderID      Many2one `json:"order_id"`
	Name         Str      `json:"name"`
	ProductID    Many2one `json:"product_id"`
	PriceUnit    Num      `json:"price_unit"`
	Qty          Num      `json:"product_uom_qty"`
	QtyToDeliver Num      `json:"qty_to_deliver"`
	WriteDate    Time     `json:"write_date"`
}

var saleStates = []any{"sale", "done", "cancel"}

// ChangedSaleOrders implements flow.SaleOrderSource.
func (c *Client) ChangedSaleOrders(ctx context.Context, since time.Time, page func([]model.SaleOrder, []error, time.Time) error) error {
	ofeed := Feed{Name: "sales", Model: "sale.order", Domain: []any{[]any{"state", "in", saleStates}}, Fields: fixed(saleFields...)}
	lfeed := Feed{Name: "sale lines", Model: "sale.order.line", Domain: []any{[]any{"order_id.state", "in", saleStates}}, Fields: fixed("order_id")}
	done := map[int64]bool{}
	var ends [2]time.Time
	for i, feed := range []Feed{ofeed, lfeed} {
		cur := keysetFrom(since)
		ends[i] = since
		for {
			rows, next, err := c.Changes(ctx, feed, cur, 0)
			if err != nil {
				return err
			}
			if len(rows) == 0 {
				break
			}
			var ids []any
			for _, ch := range rows {
				id := ch.ID
				if i == 1 {
					var l struct {
						OrderID Many2one `json:"order_id"`
					}
					if err := ch.Decode(&l); err != nil {
						return fmt.Errorf("sale.order.line %d: %w", ch.ID, err)
					}
					id = l.OrderID.ID
				}
				if id != 0 && !done[id] {
					done[id] = true
					ids = append(ids, id)
				}
			}
			if len(ids) > 0 {
				os, bad, err := c.saleOrders(ctx, ids)
				if err != nil {
					return err
				}
				if err := page(os, bad, since); err != nil {
					return err
				}
			}
			cur, ends[i] = next, next.WriteDate
		}
	}
	through := ends[0]
	if ends[1].Before(through) {
		through = ends[1]
	}
	return page(nil, nil, through)
}

// saleOrders reads the orders ids with their lines, products and customer.
func (c *Client) saleOrders(ctx context.Context, ids []any) ([]model.SaleOrder, []error, error) {
	orders, err := SearchRead[saleRow](ctx, c, "sale.order", Query{Domain: []any{[]any{"id", "in", ids}, []any{"state", "in", saleStates}}, Fields: saleFields})
	if err != nil {
		return nil, nil, err
	}
	lines, err := SearchRead[crmSaleLineRow](ctx, c, "sale.order.line", Query{Domain: []any{[]any{"order_id", "in", ids}},
		Fields: []string{"order_id", "name", "product_id", "price_unit", "product_uom_qty", "qty_to_deliver", "write_date"}})
	if err != nil {
		return nil, nil, err
	}
	var pids, partners []any
	seenP, seenC := map[int64]bool{}, map[int64]bool{}
	for _, l := range lines {
		if id := l.ProductID.ID; id != 0 && !seenP[id] {
			seenP[id] = true
			pids = append(pids, id)
		}
	}
	for _, o := range orders {
		if id := o.PartnerID.ID; id != 0 && !seenC[id] {
			seenC[id] = true
			partners = append(partners, id)
		}
	}
	type codeRow struct {
		ID          Int `json:"id"`
		DefaultCode Str `json:"default_code"`
		Barcode     Str `json:"barcode"`
		DisplayName Str `json:"display_name"`
	}
	codes := map[int64]codeRow{}
	if len(pids) > 0 {
		rows, err := SearchRead[codeRow](ctx, c, "product.product", Query{Domain: []any{[]any{"id", "in", pids}}, Fields: []string{"default_code", "barcode", "display_name"}, Context: inactiveToo})
		if err != nil {
			return nil, nil, err
		}
		for _, r := range rows {
			codes[int64(r.ID)] = r
		}
	}
	type custRow struct {
		ID        Int      `json:"id"`
		IsCompany Bool     `json:"is_company"`
		ParentID  Many2one `json:"parent_id"`
	}
	custs := map[int64]custRow{}
	if len(partners) > 0 {
		rows, err := SearchRead[custRow](ctx, c, "res.partner", Query{Domain: []any{[]any{"id", "in", partners}}, Fields: []string{"is_company", "parent_id"}, Context: inactiveToo})
		if err != nil {
			return nil, nil, err
		}
		for _, r := range rows {
			custs[int64(r.ID)] = r
		}
	}
	byOrder := map[int64][]crmSaleLineRow{}
	for _, l := range lines {
		byOrder[l.OrderID.ID] = append(byOrder[l.OrderID.ID], l)
	}
	var out []model.SaleOrder
	var bad []error
	for _, o := range orders {
		if o.PartnerID.ID == 0 {
			bad = append(bad, fmt.Errorf("sale order %s (%d) has no customer", o.Name, o.ID))
			continue
		}
		cu := custs[o.PartnerID.ID]
		so := model.SaleOrder{ID: o.ID.String(), Number: string(o.Name), State: string(o.State), Date: o.DateOrder.Time,
			Currency: strings.ToUpper(strings.TrimSpace(o.CurrencyID.Name)), CustomerID: fmt.Sprint(o.PartnerID.ID), CustomerIsCompany: bool(cu.IsCompany),
			UpdatedAt: o.WriteDate.Time}
		if !so.CustomerIsCompany && cu.ParentID.ID != 0 {
			so.CompanyID = fmt.Sprint(cu.ParentID.ID)
		}
		ls := byOrder[int64(o.ID)]
		sort.Slice(ls, func(i, j int) bool { return ls[i].ID < ls[j].ID })
		for _, l := range ls {
			if l.WriteDate.After(so.UpdatedAt) {
				so.UpdatedAt = l.WriteDate.Time
			}
			p := codes[l.ProductID.ID]
			name := strings.TrimSpace(string(l.Name))
			if name == "" {
				// Odoo fills a line's description from its product.
				name = strings.TrimSpace(string(p.DisplayName))
			}
			so.Lines = append(so.Lines, model.SaleLine{Name: name, SKU: string(p.DefaultCode), Barcode: string(p.Barcode),
				Price: l.PriceUnit.D(), Quantity: l.QtyToDeliver.D(), Ordered: l.Qty.D()})
		}
		out = append(out, so)
	}
	return out, bad, nil
}

package odoo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

type pickingDoneRow struct {
	ID          Int      `json:"id"`
	Name        Str      `json:"name"`
	State       Str      `json:"state"`
	SaleID      Many2one `json:"sale_id"`
	Tracking    Str      `json:"carrier_tracking_ref"`
	CarrierID   Many2one `json:"carrier_id"`
	DateDone    Time     `json:"date_done"`
	PickingType Str      `json:"picking_type_code"`
}

// DoneShipments reads the outgoing deliveries of sale orders done (validated)
// and changed at or after since, with the tracking reference, a page at a time
// by keyset on (write_date, id). A delivery is Partial while another delivery
// of its order (a backorder) is neither done nor cancelled. The carrier fields
// need the delivery module (16) or stock_delivery (17 and later); `ferry
// connections test` says so when it is missing.
func (c *Client) DoneShipments(ctx context.Context, since time.Time, page func(shipments []model.Shipment, through time.Time) error) error {
	feed := Feed{Name: "deliveries", Model: "stock.picking",
		Domain: []any{[]any{"state", "=", "done"}, []any{"picking_type_code", "=", "outgoing"}, []any{"sale_id", "!=", false}},
		Fields: fixed("name", "sale_id", "carrier_tracking_ref", "carrier_id", "date_done")}
	return c.pages(ctx, feed, since, func(rows []Change) error {
		var orders []any
		seen := map[int64]bool{}
		picks := make([]pickingDoneRow, len(rows))
		for i, ch := range rows {
			if err := ch.Decode(&picks[i]); err != nil {
				return fmt.Errorf("stock.picking %d: %w", ch.ID, err)
			}
			if id := picks[i].SaleID.ID; !seen[id] {
				seen[id] = true
				orders = append(orders, id)
			}
		}
		// Every delivery of these orders: one still to come makes a delivery
		// partial; the last one carries the tracking codes of all of them.
		all, err := SearchRead[pickingDoneRow](ctx, c, "stock.picking", Query{Domain: []any{[]any{"sale_id", "in", orders}, []any{"picking_type_code", "=", "outgoing"}, []any{"state", "!=", "cancel"}}, Fields: []string{"sale_id", "state", "carrier_tracking_ref"}, Order: "id asc"})
		if err != nil {
			return err
		}
		pending := map[int64]bool{}
		codes := map[int64][]string{}
		for _, o := range all {
			if o.State != "done" {
				pending[o.SaleID.ID] = true
			} else if t := strings.TrimSpace(string(o.Tracking)); t != "" && !slices.Contains(codes[o.SaleID.ID], t) {
				codes[o.SaleID.ID] = append(codes[o.SaleID.ID], t)
			}
		}
		out := make([]model.Shipment, len(picks))
		for i, r := range picks {
			sh := model.Shipment{
				ID: r.ID.String(), OrderID: fmt.Sprint(r.SaleID.ID), Status: model.ShipmentCompleted,
				TrackingCode: string(r.Tracking), Carrier: r.CarrierID.Name, CompletedAt: r.DateDone.Time,
				Partial: pending[r.SaleID.ID],
			}
			if !sh.Partial && len(codes[r.SaleID.ID]) > 1 {
				sh.TrackingCode = strings.Join(codes[r.SaleID.ID], ", ")
			}
			out[i] = sh
		}
		return page(out, rows[0].WriteDate)
	}, func(t time.Time) error { return page(nil, t) })
}

// pages reads feed's records changed at or after since, a page at a time by
// keyset, and hands each page to take; after the last page it calls end with
// the newest write_date read (since when there was none), the checkpoint of
// the whole feed. A page's own checkpoint is its first record's write_date:
// every record written before it has been handed over.
func (c *Client) pages(ctx context.Context, feed Feed, since time.Time, take func([]Change) error, end func(through time.Time) error) error {
	cur := keysetFrom(since)
	newest := since
	for {
		rows, next, err := c.Changes(ctx, feed, cur, 0)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return end(newest)
		}
		if err := take(rows); err != nil {
			return err
		}
		newest, cur = next.WriteDate, next
	}
}

// keysetFrom is the cursor that reads records written at or after since
// (write_date has whole seconds): the zero Cursor for all.
func keysetFrom(since time.Time) Cursor {
	if since.IsZero() {
		return Cursor{}
	}
	return Cursor{WriteDate: since.Add(-time.Second), ID: 1 << 62}
}

type invoiceRow struct {
	ID             Int  `json:"id"`
	Name           Str  `json:"name"`
	InvoiceOrigin  Str  `json:"invoice_origin"`
	PaymentState   Str  `json:"payment_state"`
	AmountTotal    Num  `json:"amount_total"`
	AmountResidual Num  `json:"amount_residual"`
	State          Str  `json:"state"`
	WriteDate      Time `json:"write_date"`
}

// PaidInvoices reads customer invoices fully paid (or in payment) changed at
// or after since, a page at a time by keyset on (write_date, id), with
// OrderRef set to the id of the sale order they bill.
func (c *Client) PaidInvoices(ctx context.Context, since time.Time, page func(invoices []model.Invoice, through time.Time) error) error {
	feed := Feed{Name: "paid invoices", Model: "account.move",
		Domain: []any{[]any{"move_type", "=", "out_invoice"}, []any{"state", "=", "posted"}, []any{"payment_state", "in", []any{"paid", "in_payment"}}},
		Fields: fixed("name", "invoice_origin", "payment_state", "amount_total", "amount_residual", "state")}
	return c.pages(ctx, feed, since, func(chs []Change) error {
		rows := make([]invoiceRow, len(chs))
		var origins []any
		seen := map[string]bool{}
		for i, ch := range chs {
			if err := ch.Decode(&rows[i]); err != nil {
				return fmt.Errorf("account.move %d: %w", ch.ID, err)
			}
			for _, o := range strings.Split(string(rows[i].InvoiceOrigin), ",") {
				if o = strings.TrimSpace(o); o != "" && !seen[o] {
					seen[o] = true
					origins = append(origins, o)
				}
			}
		}
		orderID := map[string]string{}
		if len(origins) > 0 {
			orders, err := SearchRead[orderRow](ctx, c, "sale.order", Query{Domain: []any{[]any{"name", "in", origins}}, Fields: []string{"name", "client_order_ref", "state", "picking_ids"}, Context: inactiveToo})
			if err != nil {
				return err
			}
			for _, o := range orders {
				orderID[string(o.Name)] = o.ID.String()
			}
		}
		var out []model.Invoice
		for _, r := range rows {
			for _, o := range strings.Split(string(r.InvoiceOrigin), ",") {
				id, ok := orderID[strings.TrimSpace(o)]
				if !ok {
					continue
				}
				out = append(out, model.Invoice{
					ID: r.ID.String(), Number: string(r.Name), OrderRef: id, Posted: r.State == "posted",
					PaymentState: model.InvoicePaid, Total: r.AmountTotal.D(), Residual: r.AmountResidual.D(), UpdatedAt: r.WriteDate.Time,
				})
			}
		}
		return page(out, chs[0].WriteDate)
	}, func(t time.Time) error { return page(nil, t) })
}

type categoryRow struct {
	ID       Int      `json:"id"`
	Name     Str      `json:"name"`
	ParentID Many2one `json:"parent_id"`
}

// ApplyShopConfig makes Odoo hold the shop's configuration: a delivery carrier
// (with its service product) per shipping method, a product category per shop
// category, and an archived pricelist per campaign, each matched by name first.
func (c *Client) ApplyShopConfig(ctx context.Context, cfg model.ShopConfig) (model.ConfigResult, error) {
	res := model.ConfigResult{Carriers: map[string]string{}, Categories: map[string]string{}, Pricelists: map[string]string{}}
	version, err := c.Version(ctx)
	if err != nil {
		return res, err
	}
	carriers, err := SearchRead[carrierRow](ctx, c, "delivery.carrier", Query{Fields: []string{"name", "product_id"}, Context: inactiveToo})
	if err != nil {
		return res, err
	}
	byName := map[string]int64{}
	for _, r := range carriers {
		byName[strings.ToLower(string(r.Name))] = int64(r.ID)
	}
	var missing []model.Method
	for _, m := range cfg.ShippingMethods {
		if id, ok := byName[strings.ToLower(m.Name)]; ok {
			res.Carriers[m.ID] = fmt.Sprint(id)
			res.Existing++
		} else {
			missing = append(missing, m)
		}
	}
	if len(missing) > 0 {
		// Each carrier needs a service product: created as a template, whose one
		// variant the carrier points at.
		var tvals, cvals []map[string]any
		for _, m := range missing {
			tv := map[string]any{"name": "Shipping: " + m.Name, "sale_ok": false, "purchase_ok": false, "list_price": 0}
			tv[typeField(version)] = "service"
			tvals = append(tvals, tv)
		}
		tids, err := c.Create(ctx, "product.template", tvals, bulkContext)
		if err != nil {
			return res, fmt.Errorf("creating delivery products: %w", err)
		}
		var tidList []any
		for _, id := range tids {
			tidList = append(tidList, id)
		}
		variants, err := SearchRead[codeRow](ctx, c, "product.product", Query{Domain: []any{[]any{"product_tmpl_id", "in", tidList}}, Fields: []string{"default_code", "product_tmpl_id"}})
		if err != nil {
			return res, err
		}
		variantOf := map[int64]int64{}
		for _, v := range variants {
			variantOf[v.TemplateID.ID] = int64(v.ID)
		}
		pids := make([]int64, len(tids))
		for i, tid := range tids {
			if pids[i] = variantOf[tid]; pids[i] == 0 {
				return res, fmt.Errorf("delivery product template %d has no variant", tid)
			}
		}
		for i, m := range missing {
			cvals = append(cvals, map[string]any{"name": m.Name, "delivery_type": "fixed", "product_id": pids[i], "fixed_price": 0})
		}
		cids, err := c.Create(ctx, "delivery.carrier", cvals, bulkContext)
		if err != nil {
			return res, fmt.Errorf("creating delivery carriers: %w", err)
		}
		for i, m := range missing {
			res.Carriers[m.ID] = fmt.Sprint(cids[i])
			res.Created++
		}
	}

	cats, err := SearchRead[categoryRow](ctx, c, "product.category", Query{Fields: []string{"name", "parent_id"}})
	if err != nil {
		return res, err
	}
	catByName := map[string]int64{}
	for _, r := range cats {
		catByName[strings.ToLower(string(r.Name))] = int64(r.ID)
	}
	shopName := map[string]string{}
	for _, k := range cfg.Categories {
		shopName[k.ID] = k.Name
	}
	// Parents before children: repeat until no category can be placed.
	pending := append([]model.Category(nil), cfg.Categories...)
	for len(pending) > 0 {
		var next []model.Category
		progressed := false
		for _, k := range pending {
			if id, ok := catByName[strings.ToLower(k.Name)]; ok {
				res.Categories[k.ID] = fmt.Sprint(id)
				res.Existing++
				progressed = true
				continue
			}
			vals := map[string]any{"name": k.Name}
			if k.ParentID != "" {
				pid, ok := catByName[strings.ToLower(shopName[k.ParentID])]
				if !ok {
					next = append(next, k)
					continue
				}
				vals["parent_id"] = pid
			}
			ids, err := c.Create(ctx, "product.category", []map[string]any{vals}, bulkContext)
			if err != nil {
				return res, fmt.Errorf("creating category %q: %w", k.Name, err)
			}
			catByName[strings.ToLower(k.Name)] = ids[0]
			res.Categories[k.ID] = fmt.Sprint(ids[0])
			res.Created++
			progressed = true
		}
		if !progressed {
			return res, &RecordError{Entity: "categories", Msg: "the shop's categories have a parent loop or a missing parent"}
		}
		pending = next
	}

	if len(cfg.Campaigns) > 0 {
		var names []any
		for _, k := range cfg.Campaigns {
			names = append(names, k.Name)
		}
		lists, err := SearchRead[pricelistRow](ctx, c, "product.pricelist", Query{Domain: []any{[]any{"name", "in", names}}, Fields: []string{"name", "active"}, Context: inactiveToo})
		if err != nil {
			return res, err
		}
		have := map[string]int64{}
		for _, l := range lists {
			have[string(l.Name)] = int64(l.ID)
		}
		var vals []map[string]any
		var newOnes []model.Pricelist
		for _, k := range cfg.Campaigns {
			if id, ok := have[k.Name]; ok {
				res.Pricelists[k.ID] = fmt.Sprint(id)
				res.Existing++
				continue
			}
			vals = append(vals, map[string]any{"name": k.Name, "active": false})
			newOnes = append(newOnes, k)
		}
		if len(vals) > 0 {
			ids, err := c.Create(ctx, "product.pricelist", vals, bulkContext)
			if err != nil {
				return res, fmt.Errorf("creating pricelists: %w", err)
			}
			for i, k := range newOnes {
				res.Pricelists[k.ID] = fmt.Sprint(ids[i])
				res.Created++
			}
		}
	}
	return res, nil
}

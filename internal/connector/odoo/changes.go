package odoo

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Feed is a change feed: the records of one model that changed since a
// write_date, read with an explicit field list (reference §1.11). Stock levels
// are non-stored computes that do not move product.product's write_date, so
// stock changes are read from quants and moves (reference §2).
type Feed struct {
	Name   string
	Model  string
	Domain []any
	// Fields are the fields read on a major version (names differ: move_lines before 16, quantity_done before 17).
	Fields func(version int) []string
}

func fixed(fields ...string) func(int) []string { return func(int) []string { return fields } }

// The feeds the routes poll.
var (
	FeedPartners = Feed{Name: "partners", Model: "res.partner", Fields: fixed("name", "email", "phone", "ref", "type", "parent_id", "street", "zip", "city", "country_id", "vat", "is_company", "active")}
	FeedProducts = Feed{Name: "products", Model: "product.template", Fields: func(v int) []string {
		f := []string{"name", "default_code", "list_price", "categ_id", "sale_ok", "active", "product_variant_ids"}
		if v >= 18 {
			return append(f, "type", "is_storable")
		}
		return append(f, typeField(v))
	}}
	FeedVariants = Feed{Name: "variants", Model: "product.product", Fields: fixed("product_tmpl_id", "default_code", "barcode", "lst_price", "product_template_attribute_value_ids", "active")}
	FeedQuants   = Feed{Name: "quants", Model: "stock.quant", Domain: []any{[]any{"location_id.usage", "=", "internal"}}, Fields: fixed("product_id", "location_id", "quantity", "reserved_quantity")}
	FeedMoves    = Feed{Name: "moves", Model: "stock.move", Fields: func(v int) []string {
		f := []string{"product_id", "product_uom_qty", "state", "picking_id", "sale_line_id"}
		if v >= 17 {
			return append(f, "quantity", "picked")
		}
		return append(f, "quantity_done")
	}}
	FeedPickings = Feed{Name: "pickings", Model: "stock.picking", Fields: func(v int) []string {
		return []string{"name", "state", "origin", "sale_id", "picking_type_code", "date_done", "backorder_id", movesField(v)}
	}}
	FeedInvoices = Feed{Name: "invoices", Model: "account.move", Domain: []any{[]any{"move_type", "in", []any{"out_invoice", "out_refund"}}}, Fields: fixed("name", "move_type", "state", "payment_state", "invoice_origin", "amount_total", "amount_residual", "partner_id")}
)

// Cursor is where a feed stopped: the write_date and id of the last record
// read. The zero Cursor reads from the beginning.
type Cursor struct {
	WriteDate time.Time `json:"write_date"`
	ID        int64     `json:"id"`
}

// Back returns a cursor d earlier, for the overlap a poll needs: write_date
// has whole seconds only, and a transaction that commits late writes an older
// write_date (reference §1.5). Records read twice have the same id and
// write_date; callers drop those.
func (c Cursor) Back(d time.Duration) Cursor {
	if c.WriteDate.IsZero() {
		return c
	}
	return Cursor{WriteDate: c.WriteDate.Add(-d)}
}

// Change is one changed record: its id, write_date and the feed's fields as
// Odoo sent them (false for empty); Decode reads them into a struct of this
// package's value types.
type Change struct {
	ID        int64
	WriteDate time.Time
	Fields    map[string]json.RawMessage
}

// Decode reads the record into v, a pointer to a struct with json tags.
func (ch Change) Decode(v any) error {
	b, err := json.Marshal(ch.Fields)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// Changes reads one page (limit records; 0 means the page size) of the feed's
// records changed after the cursor, oldest first, and the cursor after them.
// Pages are keyed by (write_date, id), not offset, so records that change
// while a feed is read are neither skipped nor repeated within one pass.
func (c *Client) Changes(ctx context.Context, f Feed, after Cursor, limit int) ([]Change, Cursor, error) {
	version, err := c.Version(ctx)
	if err != nil {
		return nil, after, err
	}
	if limit <= 0 {
		limit = c.s.PageSize
	}
	dom := append([]any{}, f.Domain...)
	if !after.WriteDate.IsZero() {
		t := FormatTime(after.WriteDate)
		dom = append(dom, "|", []any{"write_date", ">", t}, "&", []any{"write_date", "=", t}, []any{"id", ">", after.ID})
	}
	fields := append([]string{"write_date"}, f.Fields(version)...)
	rows, err := SearchRead[map[string]json.RawMessage](ctx, c, f.Model, Query{Domain: dom, Fields: fields, Order: "write_date asc, id asc", Limit: limit, Context: inactiveToo})
	if err != nil {
		return nil, after, fmt.Errorf("feed %s: %w", f.Name, err)
	}
	out := make([]Change, 0, len(rows))
	next := after
	for _, r := range rows {
		ch, err := decodeChange(r)
		if err != nil {
			return out, next, fmt.Errorf("feed %s: %s record %s: %w", f.Name, f.Model, string(r["id"]), err)
		}
		out = append(out, ch)
		next = Cursor{WriteDate: ch.WriteDate, ID: ch.ID}
	}
	return out, next, nil
}

// decodeChange reads a record's id and write_date; both must be there.
func decodeChange(r map[string]json.RawMessage) (Change, error) {
	var head struct {
		ID        Int  `json:"id"`
		WriteDate Time `json:"write_date"`
	}
	b, err := json.Marshal(map[string]json.RawMessage{"id": r["id"], "write_date": r["write_date"]})
	if err != nil {
		return Change{}, err
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return Change{}, err
	}
	if head.ID == 0 || head.WriteDate.IsZero() {
		return Change{}, fmt.Errorf("no id or write_date")
	}
	return Change{ID: int64(head.ID), WriteDate: head.WriteDate.Time, Fields: r}, nil
}

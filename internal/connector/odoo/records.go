package odoo

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
)

// Query shapes a search_read.
type Query struct {
	Domain []any
	Fields []string
	// Order is like "write_date asc, id asc"; default "id asc" so pages are stable.
	Order string
	// Limit caps the records read; 0 reads all, a page at a time.
	Limit int
	// Context is added to the call's context (e.g. active_test: false).
	Context map[string]any
}

// SearchRead reads the records q matches into out (a pointer to a slice of
// structs), a page at a time, always with an explicit field list.
func SearchRead[T any](ctx context.Context, c *Client, model string, q Query) ([]T, error) {
	if len(q.Fields) == 0 {
		return nil, fmt.Errorf("odoo: search_read on %s without fields (reading every field is slow)", model)
	}
	if q.Order == "" {
		q.Order = "id asc"
	}
	if q.Domain == nil {
		q.Domain = []any{}
	}
	var out []T
	page := c.s.PageSize
	for offset := 0; ; offset += page {
		limit := page
		if q.Limit > 0 && q.Limit-len(out) < limit {
			limit = q.Limit - len(out)
		}
		kw := map[string]any{"fields": q.Fields, "offset": offset, "limit": limit, "order": q.Order}
		if q.Context != nil {
			kw["context"] = q.Context
		}
		res, err := c.Execute(ctx, model, "search_read", []any{q.Domain}, kw, true)
		if err != nil {
			return out, err
		}
		var rows []json.RawMessage
		if err := json.Unmarshal(res, &rows); err != nil {
			return out, fmt.Errorf("odoo %s: search_read %s: want a list: %w", c.name, model, err)
		}
		for _, raw := range rows {
			var v T
			if err := json.Unmarshal(raw, &v); err != nil {
				return out, fmt.Errorf("odoo %s: %s record %s: %w", c.name, model, recordID(raw), err)
			}
			out = append(out, v)
		}
		if len(rows) < limit || (q.Limit > 0 && len(out) >= q.Limit) {
			return out, nil
		}
	}
}

func recordID(raw json.RawMessage) string {
	var r struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(raw, &r) == nil && len(r.ID) > 0 {
		return string(r.ID)
	}
	return "?"
}

// Create creates records from a list of values in one call and returns their ids.
// It is not idempotent: callers look records up by natural key first, and again
// after an ambiguous failure.
func (c *Client) Create(ctx context.Context, model string, vals []map[string]any, context map[string]any) ([]int64, error) {
	if len(vals) == 0 {
		return nil, nil
	}
	kw := map[string]any{}
	if context != nil {
		kw["context"] = context
	}
	list := make([]any, len(vals))
	for i, v := range vals {
		list[i] = v
	}
	res, err := c.Execute(ctx, model, "create", []any{list}, kw, false)
	if err != nil {
		return nil, err
	}
	var ids IDs
	if err := json.Unmarshal(res, &ids); err != nil {
		var one Int
		if err2 := json.Unmarshal(res, &one); err2 != nil || one == 0 {
			return nil, fmt.Errorf("odoo %s: create %s answered %s", c.name, model, excerpt(res))
		}
		ids = IDs{int64(one)}
	}
	if len(ids) != len(vals) {
		return nil, fmt.Errorf("odoo %s: create %s: %d ids for %d records", c.name, model, len(ids), len(vals))
	}
	return ids, nil
}

// Write sets vals on the records ids in one call.
func (c *Client) Write(ctx context.Context, model string, ids []int64, vals map[string]any) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := c.Execute(ctx, model, "write", []any{ids, vals}, nil, false)
	return err
}

// Call runs a method on records (an action such as action_confirm). It is not
// retried after an unclear failure; callers check the records' state instead.
func (c *Client) Call(ctx context.Context, model, method string, ids []int64, kwargs map[string]any) (json.RawMessage, error) {
	return c.Execute(ctx, model, method, []any{ids}, kwargs, false)
}

// SearchCount counts the records a domain matches.
func (c *Client) SearchCount(ctx context.Context, model string, domain []any) (int, error) {
	if domain == nil {
		domain = []any{}
	}
	res, err := c.Execute(ctx, model, "search_count", []any{domain}, nil, true)
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(string(res))
	if err != nil {
		return 0, fmt.Errorf("odoo %s: search_count %s answered %s", c.name, model, excerpt(res))
	}
	return n, nil
}

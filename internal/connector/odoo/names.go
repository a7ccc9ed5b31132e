package odoo

import "context"

// The names the dashboard offers as choices on the Mappings page.

// CarrierNames lists the names of the active delivery carriers, the values
// shipping method rules map to.
func (c *Client) CarrierNames(ctx context.Context) ([]string, error) {
	rows, err := SearchRead[carrierRow](ctx, c, "delivery.carrier", Query{Fields: []string{"name"}})
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, string(r.Name))
	}
	return out, nil
}

// TaxNames lists the names of the sale taxes by percentage, the values tax
// rules map to.
func (c *Client) TaxNames(ctx context.Context) ([]string, error) {
	rows, err := SearchRead[taxRow](ctx, c, "account.tax", Query{Domain: []any{[]any{"type_tax_use", "=", "sale"}, []any{"amount_type", "=", "percent"}}, Fields: []string{"name"}})
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, string(r.Name))
	}
	return out, nil
}

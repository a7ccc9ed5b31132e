package odoo

import (
	"bytes"
	"net/http/httptest"
	"testing"
)

// Field names follow each version's models: the sale line's taxes are tax_id
// up to 18 and tax_ids on 19, and 19's partners have no mobile; the wrong
// name is Odoo's ValueError "Invalid field", on write and on read.
func TestFieldsPerVersion(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 17, 18, 19} {
		srv := httptest.NewServer(New(Options{Version: version, Products: 2, Partners: 1}).Handler())
		defer srv.Close()
		good, bad := "tax_id", "tax_ids"
		if version >= 19 {
			good, bad = bad, good
		}
		tax := result[[]int64](t, kw(t, srv.URL, "account.tax", "search", []any{[]any{[]any{"amount", "=", 25.5}}}, nil))[:1]
		line := func(taxes string) map[string]any {
			return map[string]any{"product_id": 1, "product_uom_qty": 1, "price_unit": 10, taxes: []any{[]any{6, 0, tax}}}
		}
		so := result[int64](t, kw(t, srv.URL, "sale.order", "create", []any{map[string]any{"partner_id": 1, "order_line": []any{[]any{0, 0, line(good)}}}}, nil))
		rows := result[[]map[string]any](t, kw(t, srv.URL, "sale.order", "read", []any{[]any{so}}, map[string]any{"fields": []string{"amount_total", "order_line"}}))
		if rows[0]["amount_total"] != 12.55 {
			t.Errorf("%d: the taxes in %s did not count: %v", version, good, rows[0])
		}
		lines := rows[0]["order_line"]
		want := []byte("Invalid field '" + bad + "' on model 'sale.order.line'")
		env := kw(t, srv.URL, "sale.order", "create", []any{map[string]any{"partner_id": 1, "order_line": []any{[]any{0, 0, line(bad)}}}}, nil)
		if !bytes.Contains(env["error"], want) || !bytes.Contains(env["error"], []byte("builtins.ValueError")) {
			t.Errorf("%d create with %s: %s", version, bad, env["error"])
		}
		if env := kw(t, srv.URL, "sale.order.line", "read", []any{lines}, map[string]any{"fields": []string{bad}}); !bytes.Contains(env["error"], want) {
			t.Errorf("%d read of %s: %s", version, bad, env["error"])
		}
		fields := result[map[string]any](t, kw(t, srv.URL, "res.partner", "fields_get", []any{}, nil))
		if _, has := fields["mobile"]; has != (version < 19) {
			t.Errorf("%d res.partner mobile: %v", version, has)
		}
		if version == 19 {
			code, _, b := j2(t, srv.URL, "/json/2/sale.order.line/write", `{"ids":[1],"vals":{"tax_id":[[6,0,[]]]}}`)
			if code != 500 || !bytes.Contains(b, []byte(`"builtins.ValueError"`)) || !bytes.Contains(b, []byte("Invalid field 'tax_id' on model 'sale.order.line'")) {
				t.Errorf("19 JSON-2 write of tax_id: %d %s", code, b)
			}
		}
	}
}

package odoo

import (
	"net/http/httptest"
	"testing"
)

// Unit prices are stored to 2 decimals and taxes rounded per line: 56.00 at
// 25.5 % included totals 56.00, 44.62 excluded totals 56.00, and 48.6957
// excluded is stored 48.70 and totals 61.12.
func TestPriceRounding(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 18, 19} {
		srv := httptest.NewServer(New(Options{Version: version, Products: 1, Partners: 1}).Handler())
		defer srv.Close()
		c := caller{t, srv.URL}
		incl := c.ids("account.tax", []any{[]any{"name", "=", "25.5% incl."}})
		excl := c.ids("account.tax", []any{[]any{"name", "=", "25.5%"}})
		tf := lineTaxField(version)
		for _, k := range []struct {
			price       float64
			taxes       []int64
			stored, sub float64
			total       float64
		}{{56, incl, 56, 44.62, 56}, {44.62, excl, 44.62, 44.62, 56}, {48.6957, excl, 48.70, 48.70, 61.12}} {
			so := result[int64](t, kw(t, srv.URL, "sale.order", "create", []any{map[string]any{"partner_id": 1, "order_line": []any{[]any{0, 0, map[string]any{
				"product_id": 1, "product_uom_qty": 1, "price_unit": k.price, tf: []any{[]any{6, 0, k.taxes}}}}}}}, nil))
			o := c.read("sale.order", []int64{so}, "amount_total", "amount_untaxed", "order_line", "currency_id")[0]
			l := c.read("sale.order.line", []int64{int64(o["order_line"].([]any)[0].(float64))}, "price_unit", "price_subtotal", "price_total")[0]
			if l["price_unit"] != k.stored || l["price_subtotal"] != k.sub || o["amount_total"] != k.total {
				t.Errorf("%d price %v: line %v order %v", version, k.price, l, o)
			}
			if cur := o["currency_id"].([]any); cur[1] != "USD" {
				t.Errorf("%d order currency %v", version, cur)
			}
		}
	}
}

// "=" on a char field is exact, "=ilike" exact without regard to case, and
// "ilike" a substring without regard to case.
func TestEmailOperators(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(New(Options{Version: 18, Products: 1, Partners: 1}).Handler())
	defer srv.Close()
	c := caller{t, srv.URL}
	p := result[int64](t, kw(t, srv.URL, "res.partner", "create", []any{map[string]any{"name": "Maija", "email": "Maija.Mixedcase@Example.FI"}}, nil))
	for _, k := range []struct {
		op, value string
		hit       bool
	}{
		{"=", "maija.mixedcase@example.fi", false}, {"=", "Maija.Mixedcase@Example.FI", true},
		{"=ilike", "maija.mixedcase@example.fi", true}, {"=ilike", "maija.mixedcase@example", false}, {"=ilike", "maija_mixedcase@%", true},
		{"ilike", "mixedcase@example", true}, {"like", "mixedcase@example", false},
	} {
		ids := c.ids("res.partner", []any{[]any{"email", k.op, k.value}})
		if (len(ids) == 1 && ids[0] == p) != k.hit {
			t.Errorf("email %s %q: %v", k.op, k.value, ids)
		}
	}
}

// A company in EUR (Options.Currency) has EUR active, USD inactive; a
// pricelist's currency is the order's.
func TestCurrencies(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(New(Options{Version: 16, Currency: "EUR", Products: 1, Partners: 1}).Handler())
	defer srv.Close()
	c := caller{t, srv.URL}
	if eur, usd := c.ids("res.currency", []any{[]any{"name", "=", "EUR"}}), c.ids("res.currency", []any{[]any{"name", "=", "USD"}}); len(eur) != 1 || len(usd) != 0 {
		t.Fatalf("active currencies: EUR %v USD %v", eur, usd)
	}
	usd := result[[]int64](t, kw(t, srv.URL, "res.currency", "search", []any{[]any{[]any{"name", "=", "USD"}}}, map[string]any{"context": map[string]any{"active_test": false}}))
	pl := result[int64](t, kw(t, srv.URL, "product.pricelist", "create", []any{map[string]any{"name": "USD", "currency_id": usd[0]}}, nil))
	so := result[int64](t, kw(t, srv.URL, "sale.order", "create", []any{map[string]any{"partner_id": 1, "pricelist_id": pl, "date_order": "2026-01-02 10:00:00"}}, nil))
	o := c.read("sale.order", []int64{so}, "currency_id", "date_order")[0]
	if o["currency_id"].([]any)[1] != "USD" || o["date_order"] != "2026-01-02 10:00:00" {
		t.Errorf("order: %v", o)
	}
}

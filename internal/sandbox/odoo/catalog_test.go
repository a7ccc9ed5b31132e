package odoo

import (
	"encoding/json"
	"net/http/httptest"
	"sort"
	"testing"
	"time"
)

// result decodes an execute_kw answer, failing on an error.
func result[T any](t *testing.T, env map[string]json.RawMessage) T {
	t.Helper()
	var v T
	if env["error"] != nil {
		t.Fatalf("error: %s", env["error"])
	}
	if err := json.Unmarshal(env["result"], &v); err != nil {
		t.Fatalf("%s: %v", env["result"], err)
	}
	return v
}

func TestNameSearchAndChildOf(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 18} {
		srv := httptest.NewServer(New(Options{Version: version}).Handler())
		defer srv.Close()
		pairs := result[[][]any](t, kw(t, srv.URL, "res.partner", "name_search", []any{}, map[string]any{"name": "asiakas 1", "limit": 3}))
		if len(pairs) != 3 || len(pairs[0]) != 2 {
			t.Fatalf("%d name_search: %v", version, pairs)
		}
		// The domain is "args" before 18 and "domain" from 18; both narrow it.
		key := "args"
		if version >= 18 {
			key = "domain"
		}
		pairs = result[[][]any](t, kw(t, srv.URL, "res.partner", "name_search", []any{"Asiakas 1"}, map[string]any{key: []any{[]any{"type", "=", "delivery"}}, "operator": "=ilike"}))
		if len(pairs) != 0 {
			t.Fatalf("%d name_search with a domain: %v", version, pairs)
		}
		pairs = result[[][]any](t, kw(t, srv.URL, "product.product", "name_search", []any{"ODOO-003-M"}, nil))
		if len(pairs) != 1 || pairs[0][1] != "[ODOO-003-M] Tuote 3 (M)" {
			t.Fatalf("%d variant by reference: %v", version, pairs)
		}
		// child_of follows parent_id down; the category tree is All > four.
		all := result[[]int64](t, kw(t, srv.URL, "product.category", "search", []any{[]any{[]any{"name", "=", "All"}}}, nil))
		cats := result[[]int64](t, kw(t, srv.URL, "product.category", "search", []any{[]any{[]any{"id", "child_of", all[0]}}}, nil))
		if len(cats) != 5 {
			t.Fatalf("%d child_of All: %v", version, cats)
		}
		n := result[int](t, kw(t, srv.URL, "product.template", "search_count", []any{[]any{[]any{"categ_id", "child_of", "All"}}}, nil))
		if n < 30 {
			t.Fatalf("%d products under All: %d", version, n)
		}
		up := result[[]int64](t, kw(t, srv.URL, "product.category", "search", []any{[]any{[]any{"id", "parent_of", cats[len(cats)-1]}}}, nil))
		if len(up) != 2 {
			t.Fatalf("%d parent_of a leaf: %v", version, up)
		}
		// child_of on a plain field is an error, not a match.
		if env := kw(t, srv.URL, "res.partner", "search", []any{[]any{[]any{"email", "child_of", 1}}}, nil); env["error"] == nil {
			t.Fatalf("%d child_of on a char field answered %s", version, env["result"])
		}
	}
}

// product.product delegates to product.template: the template's fields read,
// write and search through the variant.
func TestVariantInheritsTemplate(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 18} {
		srv := httptest.NewServer(New(Options{Version: version, Products: 3, Partners: 1}).Handler())
		defer srv.Close()
		typeField, storable := "detailed_type", any("product")
		switch {
		case version >= 18:
			typeField, storable = "is_storable", any(true)
		case version <= 14:
			typeField = "type"
		}
		rows := result[[]map[string]any](t, kw(t, srv.URL, "product.product", "search_read", []any{[]any{[]any{"default_code", "=", "ODOO-001"}}}, map[string]any{"fields": []string{"name", "list_price", "lst_price", "categ_id", typeField, "product_tmpl_id", "display_name"}}))
		if len(rows) != 1 || rows[0]["name"] != "Tuote 1" || rows[0][typeField] != storable || rows[0]["lst_price"] != rows[0]["list_price"] || rows[0]["display_name"] != "[ODOO-001] Tuote 1" {
			t.Fatalf("%d variant read: %v", version, rows)
		}
		id := rows[0]["id"]
		tmpl := rows[0]["product_tmpl_id"].([]any)[0]
		kw(t, srv.URL, "product.product", "write", []any{[]any{id}, map[string]any{"name": "Uusi nimi", "list_price": 12.5, "barcode": "123"}}, nil)
		tr := result[[]map[string]any](t, kw(t, srv.URL, "product.template", "read", []any{[]any{tmpl}}, map[string]any{"fields": []string{"name", "list_price", "barcode", "default_code"}}))
		if tr[0]["name"] != "Uusi nimi" || tr[0]["list_price"] != 12.5 || tr[0]["barcode"] != "123" || tr[0]["default_code"] != "ODOO-001" {
			t.Fatalf("%d template after a variant write: %v", version, tr)
		}
		n := result[int](t, kw(t, srv.URL, "product.product", "search_count", []any{[]any{[]any{"name", "=", "Uusi nimi"}, []any{"list_price", "=", 12.5}}}, nil))
		if n != 1 {
			t.Fatalf("%d search through the template: %d", version, n)
		}
		// A variant created without a template makes one.
		pid := result[int64](t, kw(t, srv.URL, "product.product", "create", []any{map[string]any{"name": "Irtotuote", "default_code": "LOOSE", "list_price": 3.0}}, nil))
		vr := result[[]map[string]any](t, kw(t, srv.URL, "product.product", "read", []any{[]any{pid}}, map[string]any{"fields": []string{"product_tmpl_id", "name", "lst_price"}}))
		tv := result[[]map[string]any](t, kw(t, srv.URL, "product.template", "read", []any{[]any{vr[0]["product_tmpl_id"].([]any)[0]}}, map[string]any{"fields": []string{"product_variant_ids", "default_code"}}))
		if vr[0]["name"] != "Irtotuote" || vr[0]["lst_price"] != 3.0 || len(tv[0]["product_variant_ids"].([]any)) != 1 || tv[0]["default_code"] != "LOOSE" {
			t.Fatalf("%d variant without a template: %v %v", version, vr, tv)
		}
	}
}

// Attribute lines make one variant per combination; a value taken away
// archives its variants, one added makes new ones.
func TestAttributeLinesMakeVariants(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(New(Options{Version: 17, Products: 1, Partners: 1}).Handler())
	defer srv.Close()
	call := func(model, method string, args []any, kwargs map[string]any) map[string]json.RawMessage {
		return kw(t, srv.URL, model, method, args, kwargs)
	}
	color := result[int64](t, call("product.attribute", "create", []any{map[string]any{"name": "Väri", "value_ids": []any{
		[]any{0, 0, map[string]any{"name": "Punainen"}}, []any{0, 0, map[string]any{"name": "Sininen"}}}}}, nil))
	size := result[int64](t, call("product.attribute", "create", []any{map[string]any{"name": "Koko2", "value_ids": []any{
		[]any{0, 0, map[string]any{"name": "S"}}, []any{0, 0, map[string]any{"name": "M"}}, []any{0, 0, map[string]any{"name": "L"}}}}}, nil))
	values := func(attr int64) []int64 {
		return result[[]int64](t, call("product.attribute.value", "search", []any{[]any{[]any{"attribute_id", "=", attr}}}, nil))
	}
	cv, sv := values(color), values(size)
	tid := result[int64](t, call("product.template", "create", []any{map[string]any{"name": "Huppari", "list_price": 40.0, "attribute_line_ids": []any{
		[]any{0, 0, map[string]any{"attribute_id": color, "value_ids": []any{[]any{6, 0, cv}}}},
		[]any{0, 0, map[string]any{"attribute_id": size, "value_ids": []any{[]any{6, 0, sv}}}},
	}}}, nil))
	variants := func() []map[string]any {
		return result[[]map[string]any](t, call("product.product", "search_read", []any{[]any{[]any{"product_tmpl_id", "=", tid}}}, map[string]any{"fields": []string{"display_name", "product_template_attribute_value_ids"}}))
	}
	vs := variants()
	var names []string
	for _, v := range vs {
		names = append(names, v["display_name"].(string))
	}
	sort.Strings(names)
	if len(vs) != 6 || names[0] != "Huppari (Punainen, L)" {
		t.Fatalf("variants: %v", names)
	}
	tr := result[[]map[string]any](t, call("product.template", "read", []any{[]any{tid}}, map[string]any{"fields": []string{"default_code", "product_variant_count", "attribute_line_ids"}}))
	if tr[0]["default_code"] != false || tr[0]["product_variant_count"] != 6.0 || len(tr[0]["attribute_line_ids"].([]any)) != 2 {
		t.Fatalf("template: %v", tr)
	}
	// A price extra on a value raises the variants' price.
	ptav := result[[]int64](t, call("product.template.attribute.value", "search", []any{[]any{[]any{"product_tmpl_id", "=", tid}, []any{"name", "=", "L"}}}, nil))
	call("product.template.attribute.value", "write", []any{ptav, map[string]any{"price_extra": 5.0}}, nil)
	n := result[int](t, call("product.product", "search_count", []any{[]any{[]any{"product_tmpl_id", "=", tid}, []any{"lst_price", "=", 45.0}}}, nil))
	if n != 2 {
		t.Fatalf("%d variants at 45", n)
	}
	// Drop L from the size line: two variants archived, four left.
	line := result[[]int64](t, call("product.template.attribute.line", "search", []any{[]any{[]any{"product_tmpl_id", "=", tid}, []any{"attribute_id", "=", size}}}, nil))
	call("product.template.attribute.line", "write", []any{line, map[string]any{"value_ids": []any{[]any{3, sv[2]}}}}, nil)
	if vs := variants(); len(vs) != 4 {
		t.Fatalf("%d variants after dropping L", len(vs))
	}
	archived := result[int](t, call("product.product", "search_count", []any{[]any{[]any{"product_tmpl_id", "=", tid}, []any{"active", "=", false}}}, map[string]any{"context": map[string]any{"active_test": false}}))
	if archived != 2 {
		t.Fatalf("%d archived variants", archived)
	}
	// Bring L back: the archived ones return, nothing is created twice.
	call("product.template.attribute.line", "write", []any{line, map[string]any{"value_ids": []any{[]any{4, sv[2]}}}}, nil)
	all := result[int](t, call("product.product", "search_count", []any{[]any{[]any{"product_tmpl_id", "=", tid}}}, map[string]any{"context": map[string]any{"active_test": false}}))
	if vs := variants(); len(vs) != 6 || all != 6 {
		t.Fatalf("%d active of %d variants after L came back", len(vs), all)
	}
}

// write_date moves on every write, to the second (reference §1.5).
func TestWriteDateMoves(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	s := New(Options{Version: 16, Products: 1, Partners: 1, Now: func() time.Time { return now }})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	read := func(model string, id any) string {
		rows := result[[]map[string]any](t, kw(t, srv.URL, model, "read", []any{[]any{id}}, map[string]any{"fields": []string{"write_date"}}))
		return rows[0]["write_date"].(string)
	}
	pid := result[int64](t, kw(t, srv.URL, "res.partner", "create", []any{map[string]any{"name": "W"}}, nil))
	if got := read("res.partner", pid); got != "2026-03-01 10:00:00" {
		t.Fatalf("created %s", got)
	}
	now = now.Add(1500 * time.Millisecond)
	kw(t, srv.URL, "res.partner", "write", []any{[]any{pid}, map[string]any{"phone": "1"}}, nil)
	if got := read("res.partner", pid); got != "2026-03-01 10:00:01" {
		t.Fatalf("after a write %s", got)
	}
	// A write through the variant moves the template's write_date.
	now = now.Add(time.Minute)
	v := result[[]int64](t, kw(t, srv.URL, "product.product", "search", []any{[]any{}}, map[string]any{"limit": 1}))
	kw(t, srv.URL, "product.product", "write", []any{v, map[string]any{"list_price": 1.0}}, nil)
	rows := result[[]map[string]any](t, kw(t, srv.URL, "product.product", "read", []any{v}, map[string]any{"fields": []string{"product_tmpl_id"}}))
	if got := read("product.template", rows[0]["product_tmpl_id"].([]any)[0]); got != "2026-03-01 10:01:01" {
		t.Fatalf("template after a variant write %s", got)
	}
}

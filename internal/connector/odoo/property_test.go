package odoo

import (
	"encoding/json"
	"fmt"
	"sort"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/ferryhub/ferry/internal/model"
)

// wire writes a value as Odoo sends it: false for empty.
func wire(v any, empty bool) string {
	if empty {
		return "false"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// Every value type reads back what Odoo sent, false being the zero value.
func TestWireValuesRoundTrip(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.String().Draw(t, "s")
		cents := rapid.Int64Range(-1e9, 1e9).Draw(t, "cents")
		id := rapid.Int64Range(0, 1<<40).Draw(t, "id")
		name := rapid.String().Draw(t, "name")
		ids := rapid.SliceOf(rapid.Int64Range(1, 1<<40)).Draw(t, "ids")
		when := time.Unix(rapid.Int64Range(0, 4e9).Draw(t, "unix"), 0).UTC()
		body := fmt.Sprintf(`{"s":%s,"n":%s,"i":%s,"m":%s,"x":%s,"t":%s}`,
			wire(s, s == ""), wire(float64(cents)/100, cents == 0), wire(id, id == 0),
			wire([]any{id, name}, id == 0), wire(ids, len(ids) == 0), wire(FormatTime(when), false))
		var v struct {
			S Str      `json:"s"`
			N Num      `json:"n"`
			I Int      `json:"i"`
			M Many2one `json:"m"`
			X IDs      `json:"x"`
			T Time     `json:"t"`
		}
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		wantName := name
		if id == 0 {
			wantName = ""
		}
		if string(v.S) != s || v.N.D() != model.Decimal(cents*model.DecimalScale/100) || int64(v.I) != id || v.M.ID != id || v.M.Name != wantName || len(v.X) != len(ids) || !v.T.Equal(when) {
			t.Fatalf("%s decoded to %+v", body, v)
		}
	})
}

// A template maps to one product: its variants become the product's variants
// with their SKUs, except a single variant without attribute values, which is
// the product itself; the product's update time is its latest write.
func TestToProductProperties(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		tr := templateRow{ID: 1, Name: "T", DefaultCode: Str(rapid.SampledFrom([]string{"", "TPL"}).Draw(t, "code")), WriteDate: Time{base}}
		n := rapid.IntRange(1, 6).Draw(t, "variants")
		attrs := map[int64]string{1: "S", 2: "M", 3: "Red"}
		var vs []variantRow
		latest := base
		for i := range n {
			w := base.Add(time.Duration(rapid.IntRange(0, 1000).Draw(t, "w")) * time.Second)
			if w.After(latest) {
				latest = w
			}
			var vals IDs
			if n > 1 || rapid.Bool().Draw(t, "attrs") {
				vals = IDs{int64(1 + i%3)}
			}
			vs = append(vs, variantRow{ID: Int(10 + i), TemplateID: Many2one{1, "T"}, DefaultCode: Str(fmt.Sprintf("V%d", i)), AttributeIDs: vals, WriteDate: Time{w}})
		}
		p := toProduct(tr, vs, attrs, nil)
		if !p.UpdatedAt.Equal(latest) {
			t.Fatalf("updated %v, want %v", p.UpdatedAt, latest)
		}
		if n == 1 && len(vs[0].AttributeIDs) == 0 {
			if len(p.Variants) != 0 || (tr.DefaultCode == "" && p.SKU != "V0") || (tr.DefaultCode != "" && p.SKU != "TPL") {
				t.Fatalf("a product without variants mapped to %+v", p)
			}
			return
		}
		if len(p.Variants) != n {
			t.Fatalf("%d variants for %d", len(p.Variants), n)
		}
		for i, v := range p.Variants {
			if v.SKU != fmt.Sprintf("V%d", i) || v.Sort != i || v.Name != attrs[vs[i].AttributeIDs[0]] {
				t.Fatalf("variant %d: %+v", i, v)
			}
		}
	})
}

// Shipped quantities spread over the moves in full, none above its demand;
// more than a SKU's demand is refused.
func TestAllocateProperties(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		skus := []string{"A", "B", "C"}
		var moves []moveRow
		skuOf := map[int64]string{}
		demand := map[string]int64{}
		for i := range rapid.IntRange(1, 8).Draw(t, "moves") {
			sku := rapid.SampledFrom(skus).Draw(t, "sku")
			d := rapid.Int64Range(0, 10).Draw(t, "demand")
			pid := int64(100 + len(skuOf))
			for p, s := range skuOf {
				if s == sku {
					pid = p
				}
			}
			skuOf[pid] = sku
			moves = append(moves, moveRow{ID: Int(i + 1), ProductID: Many2one{ID: pid}, Demand: Num(model.DecimalFromInt(d))})
			demand[sku] += d
		}
		shipped := map[string]model.Decimal{}
		over := false
		for _, s := range skus {
			if demand[s] == 0 && !rapid.Bool().Draw(t, "ship-absent") {
				continue
			}
			q := rapid.Int64Range(0, demand[s]+1).Draw(t, "q")
			over = over || q > demand[s]
			shipped[s] = model.DecimalFromInt(q)
		}
		var total model.Decimal
		for _, q := range shipped {
			total += q
		}
		done, err := allocate(moves, skuOf, shipped)
		if over || total.IsZero() {
			if err == nil {
				t.Fatalf("allocated %v of %v (demand %v)", done, shipped, demand)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]model.Decimal{}
		for _, m := range moves {
			q := done[int64(m.ID)]
			if q < 0 || q > m.Demand.D() {
				t.Fatalf("move %d: %v of %v", m.ID, q, m.Demand.D())
			}
			got[skuOf[m.ProductID.ID]] += q
		}
		for s, q := range shipped {
			if got[s] != q {
				t.Fatalf("%s: allocated %v of %v", s, got[s], q)
			}
		}
	})
}

// A product's attributes list every value its variants use, once, and each
// variant's combination is one of them.
func TestAttributesOfProperties(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		var p model.Product
		keys := []string{"Koko", "Väri", "Malli"}
		vals := []string{"S", "M", "L", "Musta"}
		for range rapid.IntRange(0, 6).Draw(t, "n") {
			a := map[string]string{}
			for _, k := range keys[:rapid.IntRange(1, 3).Draw(t, "k")] {
				a[k] = rapid.SampledFrom(vals).Draw(t, "v")
			}
			p.Variants = append(p.Variants, model.Variant{Attributes: a})
		}
		names, values := attributesOf(p)
		if len(names) != len(values) {
			t.Fatalf("names %v values %v", names, values)
		}
		for _, n := range names {
			seen := map[string]bool{}
			for _, v := range values[n] {
				if seen[v] {
					t.Fatalf("%s: %s twice", n, v)
				}
				seen[v] = true
			}
		}
		for _, v := range p.Variants {
			for k, x := range v.Attributes {
				if !containsStr(values[k], x) {
					t.Fatalf("%s=%s missing from %v", k, x, values)
				}
			}
		}
		sorted := append([]string(nil), names...)
		sort.Strings(sorted)
		for i := 1; i < len(sorted); i++ {
			if sorted[i] == sorted[i-1] {
				t.Fatalf("attribute %s twice", sorted[i])
			}
		}
	})
}

func FuzzParseServerVersion(f *testing.F) {
	f.Add(readFile(f, "version_16.json"))
	f.Add([]byte(`{"server_version":"saas~17.2","server_version_info":["saas~17",2]}`))
	f.Add([]byte(`{"server_version_info":[1e300]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := parseServerVersion(b)
		if err == nil && v.Major <= 0 {
			t.Fatalf("version %+v without an error", v)
		}
	})
}

func FuzzDecodeChange(f *testing.F) {
	f.Add([]byte(`{"id":3,"write_date":"2026-04-01 09:01:00","phone":"+358 1","parent_id":false}`))
	f.Add([]byte(`{"id":false,"write_date":false}`))
	f.Add([]byte(`{"id":1.5,"write_date":"2026-13-01 00:00:00"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var r map[string]json.RawMessage
		if json.Unmarshal(b, &r) != nil {
			return
		}
		ch, err := decodeChange(r)
		if err == nil && (ch.ID == 0 || ch.WriteDate.IsZero()) {
			t.Fatalf("change %+v without an error", ch)
		}
	})
}

// A button_validate answer is true or a wizard action; anything else is not
// mistaken for a wizard.
func FuzzWizardAnswer(f *testing.F) {
	f.Add(readFile(f, "button_validate_backorder_16.json"))
	f.Add([]byte(`true`))
	f.Fuzz(func(t *testing.T, b []byte) {
		res, err := decodeRPC(b, "stock.picking button_validate")
		if err != nil {
			return
		}
		var wizard struct {
			ResModel string `json:"res_model"`
		}
		_ = json.Unmarshal(res, &wizard)
	})
}

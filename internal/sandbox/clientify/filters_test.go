package clientify

import (
	"fmt"
	"net/url"
	"reflect"
	"sort"
	"testing"
	"time"
)

func countOf(t *testing.T, e *env, path string) int {
	t.Helper()
	return num(e.must(e.get(path), 200).obj(t)["count"])
}

// idsOf lists every id the query matches (one large page).
func idsOf(t *testing.T, e *env, path string) []int {
	t.Helper()
	var out []int
	for _, r := range e.must(e.get(path+"&page_size=100"), 200).obj(t)["results"].([]any) {
		out = append(out, num(r.(map[string]any)["id"]))
	}
	sort.Ints(out)
	return out
}

func TestFilterModifiedRanges(t *testing.T) {
	t.Parallel()
	e := start(t, Options{Contacts: -1, Companies: 1})
	base := e.clk.Now()
	var ids []int
	for i := 0; i < 4; i++ { // modified base+1h, +2h, +3h, +4h
		e.clk.Add(time.Hour)
		c := e.must(e.req("POST", "/v2/contacts/", map[string]any{"first_name": fmt.Sprint("c", i)}), 201).obj(t)
		ids = append(ids, num(c["id"]))
	}
	at := func(h int) string {
		return url.QueryEscape(base.Add(time.Duration(h) * time.Hour).Format(time.RFC3339Nano))
	}
	madrid, _ := time.LoadLocation("Europe/Madrid")
	naive := url.QueryEscape(base.Add(2 * time.Hour).In(madrid).Format("2006-01-02T15:04:05.999999"))
	for _, tt := range []struct {
		name, q string
		want    []int
		opts    Options
	}{
		{name: "gte", q: "modified[gte]=" + at(2), want: ids[1:]},
		{name: "gt", q: "modified[gt]=" + at(2), want: ids[2:]},
		{name: "lte", q: "modified[lte]=" + at(2), want: ids[:2]},
		{name: "lt", q: "modified[lt]=" + at(2), want: ids[:1]},
		{name: "range", q: "modified[gte]=" + at(2) + "&modified[lte]=" + at(3), want: ids[1:3]},
		{name: "created", q: "created[gte]=" + at(4), want: ids[3:]},
		{name: "naive is account time", q: "modified[gte]=" + naive, want: ids[1:]},
		{name: "encoded brackets", q: "modified%5Bgte%5D=" + at(3), want: ids[2:]},
		{name: "django lookups ignored", q: "modified__gte=" + at(3), want: nil},
		{name: "django lookups on", q: "modified__gte=" + at(3), want: ids[2:], opts: Options{DjangoLookups: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ee := e
			if tt.opts.DjangoLookups {
				ee = start(t, Options{Contacts: -1, Companies: 1, DjangoLookups: true})
				ee.clk.t = e.clk.Now().Add(-4 * time.Hour)
				ids2 := []int{}
				for i := 0; i < 4; i++ {
					ee.clk.Add(time.Hour)
					ids2 = append(ids2, num(ee.must(ee.req("POST", "/v2/contacts/", map[string]any{"first_name": "x"}), 201).obj(t)["id"]))
				}
				tt.want = ids2[2:]
			}
			got := idsOf(t, ee, "/v2/contacts/?fields=id&"+tt.q)
			if tt.want == nil { // the filter is ignored: everything
				if len(got) != len(ee.sb.IDs(Contacts)) {
					t.Errorf("got %d of %d", len(got), len(ee.sb.IDs(Contacts)))
				}
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	// Invalid date-times are 400 on the parameter; a "+" sent unencoded
	// arrives as a space, which Django does not parse.
	for _, q := range []string{"modified[gte]=yesterday", "modified[gte]=2026-03-02T10:30:00+01:00", "created[lt]=2026-13-01"} {
		a := e.must(e.get("/v2/contacts/?fields=id&"+q), 400).obj(t)
		name, _, _ := cut(q, "=")
		if !reflect.DeepEqual(a, map[string]any{name: []any{"Enter a valid date/time."}}) {
			t.Errorf("%s: %v", q, a)
		}
	}
	// A plain date is midnight in the account's zone.
	if n := countOf(t, e, "/v2/contacts/?fields=id&modified[gte]=2030-01-01"); n != 0 {
		t.Errorf("future date matched %d", n)
	}
}

func cut(s, sep string) (string, string, bool) {
	for i := 0; i+len(sep) <= len(s); i++ {
		if s[i:i+len(sep)] == sep {
			return s[:i], s[i+len(sep):], true
		}
	}
	return s, "", false
}

func TestFilterFields(t *testing.T) {
	t.Parallel()
	e := start(t, Options{Contacts: 6, Companies: 3, Products: 4})
	d := Generate(3, 6, 4, 1)
	for _, tt := range []struct {
		name, path string
		want       []int
	}{
		{"email shared", "/v2/contacts/?fields=id&email=" + url.QueryEscape(d.Traps.SharedEmail), d.Traps.SharedEmailContacts[:]},
		{"email case-insensitive", "/v2/contacts/?fields=id&email=" + url.QueryEscape(upper(d.Traps.SharedEmail)), d.Traps.SharedEmailContacts[:]},
		{"email no match", "/v2/contacts/?fields=id&email=nobody@example.es", []int{}},
		{"sku twice", "/v2/products/?sku=" + d.Traps.DuplicateSKU, d.Traps.DuplicateSKUProducts[:]},
		{"sku exact", "/v2/products/?sku=SKU-1000", []int{}},
		{"query tax id digits", "/v2/companies/?fields=id&query=" + d.Traps.PlainTaxID[1:], d.Traps.TaxIDCompanies[:]},
		{"query plain tax id", "/v2/companies/?fields=id&query=" + d.Traps.PlainTaxID, []int{d.Traps.TaxIDCompanies[0]}},
		{"query spaced tax id", "/v2/companies/?fields=id&query=" + url.QueryEscape(d.Traps.SpacedTaxID), []int{d.Traps.TaxIDCompanies[1]}},
		{"company name exact", "/v2/companies/?fields=id&name=" + url.QueryEscape(upper(d.Companies[2].Body["name"].(string))), []int{d.Companies[2].ID}},
	} {
		got := idsOf(t, e, tt.path)
		if got == nil {
			got = []int{}
		}
		want := append([]int{}, tt.want...)
		sort.Ints(want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, want)
		}
	}
	// phone: exact match on any phone.
	ph := d.Contacts[3].Body["phones"].([]any)[0].(map[string]any)["phone"].(string)
	if got := idsOf(t, e, "/v2/contacts/?fields=id&phone="+url.QueryEscape(ph)); !reflect.DeepEqual(got, []int{d.Contacts[3].ID}) {
		t.Errorf("phone: %v", got)
	}
	// The taxpayer id filter is ignored unless TaxIDFilter.
	all := len(e.sb.IDs(Companies))
	if n := countOf(t, e, "/v2/companies/?fields=id&taxpayer_identification_number="+d.Traps.PlainTaxID); n != all {
		t.Errorf("ignored filter matched %d of %d", n, all)
	}
	e2 := start(t, Options{Contacts: 6, Companies: 3, Products: 4, TaxIDFilter: true})
	if got := idsOf(t, e2, "/v2/companies/?fields=id&taxpayer_identification_number="+d.Traps.PlainTaxID); !reflect.DeepEqual(got, []int{d.Traps.TaxIDCompanies[0]}) {
		t.Errorf("TaxIDFilter: %v", got)
	}
	// deals: status_id.
	for st := 1; st <= 4; st++ {
		for _, r := range e.must(e.get(fmt.Sprintf("/v2/deals/?status_id=%d&page_size=100", st)), 200).obj(t)["results"].([]any) {
			if num(r.(map[string]any)["status"]) != st {
				t.Errorf("status_id=%d gave %v", st, r.(map[string]any)["status"])
			}
		}
	}
	a := e.must(e.get("/v2/deals/?status_id=9"), 400).obj(t)
	if !reflect.DeepEqual(a, map[string]any{"status_id": []any{"Select a valid choice. 9 is not one of the available choices."}}) {
		t.Errorf("status_id=9: %v", a)
	}
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}

func TestOrderingAndFields(t *testing.T) {
	t.Parallel()
	e := start(t, Options{Contacts: 12, Companies: 2, Products: 9})
	for _, tt := range []struct {
		ordering string
		less     func(a, b map[string]any) bool
	}{
		{"name", func(a, b map[string]any) bool { return lowerLE(a["name"], b["name"]) }},
		{"-price", func(a, b map[string]any) bool { return a["price"].(float64) >= b["price"].(float64) }},
		{"-modified", func(a, b map[string]any) bool { return a["modified"].(string) >= b["modified"].(string) }},
		{"bogus", func(a, b map[string]any) bool { return a["modified"].(string) <= b["modified"].(string) }}, // default
	} {
		res := e.must(e.get("/v1/products/?page_size=100&ordering="+tt.ordering), 200).obj(t)["results"].([]any)
		for i := 1; i < len(res); i++ {
			if !tt.less(res[i-1].(map[string]any), res[i].(map[string]any)) {
				t.Errorf("ordering=%s: %v before %v", tt.ordering, res[i-1], res[i])
			}
		}
	}
	// fields= selects exactly the named fields; computed extras (email,
	// phone) only when named.
	res := e.must(e.get("/v2/contacts/?fields=id,email,nosuchfield"), 200).obj(t)["results"].([]any)
	for _, r := range res {
		m := r.(map[string]any)
		if len(m) != 2 || m["id"] == nil || m["email"] == nil {
			t.Errorf("fields=id,email: %v", m)
		}
	}
	full := e.must(e.get(fmt.Sprintf("/v1/contacts/%d/", e.sb.IDs(Contacts)[0])), 200).obj(t)
	if _, ok := full["email"]; ok {
		t.Errorf("email in the default representation")
	}
	me := e.must(e.get("/v2/me/?fields=id,email"), 200).obj(t)
	if len(me) != 2 {
		t.Errorf("me: %v", me)
	}
}

func lowerLE(a, b any) bool {
	x, y := a.(string), b.(string)
	return compareVal(x, y) <= 0
}

package clientify

import (
	"fmt"
	"net/url"
	"reflect"
	"testing"
)

func TestGenerateTraps(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ companies, contacts, products int }{{2, 2, 2}, {12, 30, 20}, {40, 200, 60}} {
		t.Run(fmt.Sprint(tt), func(t *testing.T) {
			t.Parallel()
			d := Generate(tt.companies, tt.contacts, tt.products, 7)
			if !reflect.DeepEqual(d, Generate(tt.companies, tt.contacts, tt.products, 7)) {
				t.Fatal("not deterministic")
			}
			if reflect.DeepEqual(d.Contacts, Generate(tt.companies, tt.contacts, tt.products, 8).Contacts) {
				t.Error("the seed changes nothing")
			}
			tr := d.Traps
			if tr.SharedEmail == "" || tr.PlainTaxID == "" || tr.SpacedTaxID != tr.PlainTaxID[:1]+" "+tr.PlainTaxID[1:] || tr.DuplicateSKU == "" {
				t.Fatalf("traps %+v", tr)
			}
			e := start(t, Options{Data: d})
			st := e.sb.State()
			if st.Counts[Companies] != tt.companies || st.Counts[Contacts] != tt.contacts || st.Counts[Products] != tt.products {
				t.Fatalf("counts %v", st.Counts)
			}
			if st.APIWrites[Contacts].Created != 0 || st.Webhooks.Events != 0 {
				t.Errorf("loading counted as writes: %+v", st)
			}
			got := idsOf(t, e, "/v2/contacts/?fields=id&email="+url.QueryEscape(tr.SharedEmail))
			if !reflect.DeepEqual(got, tr.SharedEmailContacts[:]) {
				t.Errorf("shared e-mail: %v, want %v", got, tr.SharedEmailContacts)
			}
			a, _ := e.sb.Record(Companies, tr.TaxIDCompanies[0])
			b, _ := e.sb.Record(Companies, tr.TaxIDCompanies[1])
			if a["taxpayer_identification_number"] != tr.PlainTaxID || b["taxpayer_identification_number"] != tr.SpacedTaxID {
				t.Errorf("tax ids %v %v", a["taxpayer_identification_number"], b["taxpayer_identification_number"])
			}
			// The sandbox compares exactly: the spaced id is no duplicate, the plain one is.
			e.must(e.req("POST", "/v2/companies/", map[string]any{"name": "X", "taxpayer_identification_number": tr.PlainTaxID}), 409)
			e.must(e.req("POST", "/v2/companies/", map[string]any{"name": "X", "taxpayer_identification_number": tr.PlainTaxID + " "}), 201)
			if got := idsOf(t, e, "/v2/products/?sku="+tr.DuplicateSKU); !reflect.DeepEqual(got, tr.DuplicateSKUProducts[:]) {
				t.Errorf("duplicate SKU: %v", got)
			}
			for _, r := range e.sb.Records(Contacts) {
				if r["created"].(string) > r["modified"].(string) || r["owner"] == DefaultUsername {
					t.Errorf("contact %v: created %v modified %v owner %v", r["id"], r["created"], r["modified"], r["owner"])
				}
			}
		})
	}
	d := Generate(1, 1, 1, 1)
	if d.Traps != (Traps{}) && (d.Traps.SharedEmail != "" || d.Traps.DuplicateSKU != "") {
		t.Errorf("traps with one record each: %+v", d.Traps)
	}
	e := start(t, Options{Companies: -1, Contacts: -1, Products: -1})
	if st := e.sb.State(); st.Counts[Contacts]+st.Counts[Companies]+st.Counts[Products]+st.Counts[Deals] != 0 {
		t.Errorf("negative counts: %v", st.Counts)
	}
}

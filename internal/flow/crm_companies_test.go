package flow_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	cfysandbox "github.com/ferryhub/ferry/internal/sandbox/clientify"
	odoosandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
	"github.com/ferryhub/ferry/internal/store"
)

// odooCompany creates a company partner in Odoo and returns its id.
func (h *crmHarness) odooCreate(t *testing.T, vals map[string]any) string {
	t.Helper()
	ids, err := h.erp.Create(context.Background(), "res.partner", []map[string]any{vals}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(ids[0])
}

func (h *crmHarness) odooWrite(t *testing.T, model, id string, vals map[string]any) {
	t.Helper()
	if err := h.erp.Write(context.Background(), model, []int64{int64(toFloat(id))}, vals); err != nil {
		t.Fatal(err)
	}
}

// odooID is the id of the only record of model that domain selects.
func (h *crmHarness) odooID(t *testing.T, model string, domain []any) int64 {
	t.Helper()
	rows := h.osb.SearchRead(model, domain, []string{"id"})
	if len(rows) != 1 {
		t.Fatalf("%s %v: %d records", model, domain, len(rows))
	}
	return rows[0]["id"].(int64)
}

// cfyByTaxID is the Clientify company or contact whose taxpayer id is tin.
func (h *crmHarness) cfyByTaxID(t *testing.T, kind, tin string) map[string]any {
	t.Helper()
	var found []map[string]any
	for _, r := range h.csb.Records(kind) {
		if r["taxpayer_identification_number"] == tin {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("Clientify has %d %s with taxpayer id %s", len(found), kind, tin)
	}
	return found[0]
}

func first(t *testing.T, r map[string]any, list, field string) any {
	t.Helper()
	l, _ := r[list].([]any)
	if len(l) == 0 {
		t.Fatalf("record %v has no %s", r["id"], list)
	}
	return l[0].(map[string]any)[field]
}

func cfyID(r map[string]any) int { return int(r["id"].(float64)) }

// Seed 004's companies both ways: Odoo's company contacts become Clientify
// companies field by field (display_name → name, name → business_name, ref →
// taxpayer id, phone, address), Clientify's become Odoo's, each linked once
// by its tax id; the generator's trap (one CIF on two Clientify companies,
// with and without a blank) is skipped with the reason, never duplicated;
// ferry's own writes do not come back as changes (no second write in either
// sandbox), and a change on either side reaches the other once.
func TestCRMCompaniesBothWays(t *testing.T) {
	t.Parallel()
	for _, dialect := range dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			h := newCRMHarness(t, dbURL(t, dialect), odoosandbox.Options{Partners: -1, Products: -1}, cfysandbox.Options{Companies: 4, Contacts: -1, Products: -1}, twoWay("companies", nil))
			traps := cfysandbox.Generate(4, -1, -1, 1).Traps
			es := h.odooID(t, "res.country", []any{[]any{"code", "=", "ES"}})
			madrid := h.odooID(t, "res.country.state", []any{[]any{"name", "=", "Madrid"}})
			acme := h.odooCreate(t, map[string]any{"name": "Acme Ibérica SL", "is_company": true, "ref": "B11111111", "phone": "+34 910 000 001",
				"street": "Calle Alcalá 1", "city": "Madrid", "zip": "28014", "state_id": madrid, "country_id": es})
			h.odooCreate(t, map[string]any{"name": "Beta SA", "is_company": true, "ref": "A22222222", "city": "Getafe", "country_id": es})
			h.odooCreate(t, map[string]any{"name": "Sin NIF SL", "is_company": true})
			// A person is no company.
			h.odooCreate(t, map[string]any{"name": "Pepe", "email": "pepe@example.es", "ref": "B11111111"})

			h.pass(t, "companies-out")
			c := h.rt.Counts()["companies-out"]
			if c.Created != 2 || c.Skipped != 1 || c.Failed != 0 {
				t.Fatalf("companies erp → crm: %+v; skipped %+v", c, h.skips(t, "companies-out"))
			}
			got := h.cfyByTaxID(t, "companies", "B11111111")
			if got["name"] != "Acme Ibérica SL" || got["business_name"] != "Acme Ibérica SL" || first(t, got, "phones", "phone") != "+34 910 000 001" ||
				first(t, got, "addresses", "street") != "Calle Alcalá 1" || first(t, got, "addresses", "city") != "Madrid" ||
				first(t, got, "addresses", "state") != "Madrid" || first(t, got, "addresses", "country") != "ES" || first(t, got, "addresses", "postal_code") != "28014" {
				t.Fatalf("Acme in Clientify: %v", got)
			}
			if s := h.skips(t, "companies-out"); len(s) != 1 || !strings.Contains(s[0].Reason, "has no ref (tax id)") {
				t.Fatalf("the company without ref: %+v", s)
			}

			h.pass(t, "companies-in")
			c = h.rt.Counts()["companies-in"]
			// Four generated companies, two of which hold one CIF; ferry's two
			// are its own writes.
			if c.Created != 3 || c.Skipped != 1 || c.Unchanged != 2 || c.Failed != 0 {
				t.Fatalf("companies crm → erp: %+v; skipped %+v", c, h.skips(t, "companies-in"))
			}
			skips := h.skips(t, "companies-in")
			if len(skips) != 1 || !strings.Contains(skips[0].Reason, traps.PlainTaxID) || !strings.Contains(skips[0].Reason, "merge them in crm") {
				t.Fatalf("the CIF trap: %+v", skips)
			}
			if rows := h.osb.SearchRead("res.partner", []any{[]any{"ref", "ilike", traps.PlainTaxID[1:]}}, []string{"name", "ref"}); len(rows) != 1 {
				t.Fatalf("Odoo has %d partners of CIF %s: %v", len(rows), traps.PlainTaxID, rows)
			}
			gen, _ := h.csb.Record("companies", traps.TaxIDCompanies[0]+2)
			links, err := h.store.ListLinks(ctx, store.LinkFilter{Connection: "erp", Kind: "company:crm", LocalIDs: []string{fmt.Sprintf("crm:%d", cfyID(gen))}})
			if err != nil || len(links) != 1 {
				t.Fatalf("links of Clientify company %d: %v (%v)", cfyID(gen), links, err)
			}
			p := h.odooPartner(t, links[0].RemoteID, "name", "ref", "is_company", "phone", "city", "zip", "state_id", "country_id")
			if p["name"] != gen["business_name"] || p["ref"] != gen["taxpayer_identification_number"] || p["is_company"] != true ||
				p["phone"] != first(t, gen, "phones", "phone") || p["city"] != first(t, gen, "addresses", "city") || p["zip"] != first(t, gen, "addresses", "postal_code") ||
				p["country_id"].([]any)[1] != "Spain" || !strings.HasPrefix(p["state_id"].([]any)[1].(string), first(t, gen, "addresses", "state").(string)) {
				t.Fatalf("Clientify company %v in Odoo: %v", gen, p)
			}

			// Nothing changed: neither route writes anything.
			before := h.writes()
			h.pass(t, "companies-out", "companies-in", "companies-out")
			if n := h.writes(); n != before {
				t.Fatalf("passes without changes wrote %d times", n-before)
			}

			// A change in Odoo reaches Clientify once; the echo does not come back.
			h.odooWrite(t, "res.partner", acme, map[string]any{"phone": "+34 910 999 999", "name": "Acme Iberia SL"})
			h.pass(t, "companies-out")
			got = h.cfyByTaxID(t, "companies", "B11111111")
			if first(t, got, "phones", "phone") != "+34 910 999 999" || got["name"] != "Acme Iberia SL" || got["business_name"] != "Acme Iberia SL" {
				t.Fatalf("Acme after its change in Odoo: %v", got)
			}
			before = h.writes()
			h.pass(t, "companies-in", "companies-out")
			if n := h.writes(); n != before {
				t.Fatalf("ferry's write came back: %d more writes", n-before)
			}

			// A change in Clientify reaches Odoo once.
			if _, err := h.csb.UserUpdate("companies", cfyID(got), map[string]any{"business_name": "ACME IBERIA SOCIEDAD LIMITADA"}); err != nil {
				t.Fatal(err)
			}
			h.pass(t, "companies-in")
			if p := h.odooPartner(t, acme, "name", "phone"); p["name"] != "ACME IBERIA SOCIEDAD LIMITADA" || p["phone"] != "+34 910 999 999" {
				t.Fatalf("Acme in Odoo after its change in Clientify: %v", p)
			}
			before = h.writes()
			h.pass(t, "companies-out", "companies-in")
			if n := h.writes(); n != before {
				t.Fatalf("ferry's write came back: %d more writes", n-before)
			}
			// Clientify's own name stays its own: Odoo's display name follows
			// its name, which is Clientify's business name.
			if got = h.cfyByTaxID(t, "companies", "B11111111"); got["name"] != "Acme Iberia SL" {
				t.Fatalf("Clientify's name of Acme: %v", got["name"])
			}
		})
	}
}

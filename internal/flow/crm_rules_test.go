package flow_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/flow"
	cfysandbox "github.com/ferryhub/ferry/internal/sandbox/clientify"
	odoosandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
	"github.com/ferryhub/ferry/internal/store"
)

// The two-way rules on companies: a record changed on both sides between
// passes is decided field by field, the side whose change is newer winning
// the fields both changed, the losing values logged, and the fields each
// side changed alone kept; whichever route meets the conflict decides it
// the same way, and afterwards nothing more is written.
func TestCRMConflict(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// odooNewer: Odoo's change is the later one.
		odooNewer bool
		// route decides the conflict.
		route string
	}{
		{"clientify newer, met by erp → crm", false, "companies-out"},
		{"odoo newer, met by crm → erp", true, "companies-in"},
		{"odoo newer, met by erp → crm", true, "companies-out"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newCRMHarness(t, dbURL(t, "sqlite"), odoosandbox.Options{Partners: -1, Products: -1}, cfysandbox.Options{Companies: -1, Contacts: -1, Products: -1}, twoWay("companies", nil))
			acme := h.odooCreate(t, map[string]any{"name": "Acme SL", "is_company": true, "ref": "B11111111", "phone": "+34 910 000 001", "city": "Madrid"})
			h.pass(t, "companies-out", "companies-in")
			cfy := cfyID(h.cfyByTaxID(t, "companies", "B11111111"))

			odooChange := func() {
				h.odooWrite(t, "res.partner", acme, map[string]any{"phone": "+34 910 000 002", "city": "Getafe"})
			}
			cfyChange := func() {
				if _, err := h.csb.UserUpdate("companies", cfy, map[string]any{"phones": []any{map[string]any{"phone": "+34 910 000 003", "type": 1}}, "business_name": "ACME NUEVA SL"}); err != nil {
					t.Fatal(err)
				}
			}
			// Odoo keeps whole seconds: the later change is a second later.
			if tc.odooNewer {
				cfyChange()
				time.Sleep(1100 * time.Millisecond)
				odooChange()
			} else {
				odooChange()
				time.Sleep(1100 * time.Millisecond)
				cfyChange()
			}
			h.pass(t, tc.route)
			winner, loser := "+34 910 000 003", "+34 910 000 002"
			winSide, loseSide := "crm", "erp"
			if tc.odooNewer {
				winner, loser, winSide, loseSide = loser, winner, "erp", "crm"
			}
			p := h.odooPartner(t, acme, "phone", "city", "name")
			c := h.cfyByTaxID(t, "companies", "B11111111")
			if p["phone"] != winner || first(t, c, "phones", "phone") != winner {
				t.Fatalf("phone: Odoo %v, Clientify %v; want the newer %s", p["phone"], first(t, c, "phones", "phone"), winner)
			}
			// Each side's other change is kept.
			if p["city"] != "Getafe" || first(t, c, "addresses", "city") != "Getafe" || p["name"] != "ACME NUEVA SL" || c["business_name"] != "ACME NUEVA SL" {
				t.Fatalf("the changes made on one side only: Odoo %v, Clientify %v", p, c)
			}
			lines := h.logs(t, tc.route, "changed in both", "company B11111111", winSide+"'s newer change wins for phone", loseSide+"'s values were not kept", loser)
			if len(lines) != 1 || lines[0].Level != store.LevelWarn {
				all := h.logs(t, tc.route)
				t.Fatalf("conflict log lines %+v; all %+v", lines, all)
			}
			before := h.writes()
			h.pass(t, "companies-out", "companies-in", "companies-out")
			if n := h.writes(); n != before {
				t.Fatalf("after the conflict %d more writes", n-before)
			}
		})
	}
}

// No deletions, ever: a record deleted on one side stays on the other, is
// not created again, and its next change is a log line; an archived one is
// logged and its pair left as it is.
func TestCRMNoDeletions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newCRMHarness(t, dbURL(t, "sqlite"), odoosandbox.Options{Partners: -1, Products: -1}, cfysandbox.Options{Companies: -1, Contacts: -1, Products: -1}, twoWay("companies", nil))
	a := h.odooCreate(t, map[string]any{"name": "Alfa SL", "is_company": true, "ref": "B11111111"})
	b := h.odooCreate(t, map[string]any{"name": "Bravo SL", "is_company": true, "ref": "B22222222"})
	c := h.odooCreate(t, map[string]any{"name": "Charlie SL", "is_company": true, "ref": "B33333333"})
	h.pass(t, "companies-out", "companies-in")
	if n := h.csb.State().Counts["companies"]; n != 3 {
		t.Fatalf("%d companies in Clientify", n)
	}
	alfa, bravo := cfyID(h.cfyByTaxID(t, "companies", "B11111111")), cfyID(h.cfyByTaxID(t, "companies", "B22222222"))

	// Deleted in Clientify, changed in Odoo.
	if err := h.csb.UserDelete("companies", alfa); err != nil {
		t.Fatal(err)
	}
	h.odooWrite(t, "res.partner", a, map[string]any{"phone": "+34 600 000 000"})
	h.pass(t, "companies-out", "companies-in")
	if n := h.csb.State().Counts["companies"]; n != 2 {
		t.Fatalf("Alfa was created again in Clientify: %d companies", n)
	}
	if l := h.logs(t, "companies-out", "was deleted in crm", "ferry deletes nothing and does not create it again"); len(l) != 1 {
		t.Fatalf("log lines of Alfa's deletion: %+v", h.logs(t, "companies-out"))
	}
	h.odooPartner(t, a, "name") // still there

	// Deleted in Odoo, changed in Clientify.
	if _, err := h.erp.Execute(ctx, "res.partner", "unlink", []any{[]any{toFloat(b)}}, nil, false); err != nil {
		t.Fatal(err)
	}
	if _, err := h.csb.UserUpdate("companies", bravo, map[string]any{"business_name": "BRAVO NUEVA SL"}); err != nil {
		t.Fatal(err)
	}
	h.pass(t, "companies-in", "companies-out")
	if rows := h.osb.SearchRead("res.partner", []any{[]any{"ref", "=", "B22222222"}}, []string{"id"}); len(rows) != 0 {
		t.Fatalf("Bravo was created again in Odoo: %v", rows)
	}
	if _, ok := h.csb.Record("companies", bravo); !ok {
		t.Fatal("Bravo was deleted in Clientify")
	}
	if l := h.logs(t, "companies-in", "was deleted in erp"); len(l) != 1 {
		t.Fatalf("log lines of Bravo's deletion: %+v", h.logs(t, "companies-in"))
	}

	// Archived in Odoo.
	h.odooWrite(t, "res.partner", c, map[string]any{"active": false})
	h.pass(t, "companies-out", "companies-in")
	if l := h.logs(t, "companies-out", "was archived in erp", "archives and deletes nothing"); len(l) != 1 {
		t.Fatalf("log lines of Charlie's archiving: %+v", h.logs(t, "companies-out"))
	}
	if n := h.csb.State().Counts["companies"]; n != 2 || h.csb.State().APIWrites["companies"].Deleted != 0 {
		t.Fatalf("Clientify after the archiving: %+v", h.csb.State())
	}
	before := h.writes()
	h.pass(t, "companies-out", "companies-in")
	if n := h.writes(); n != before {
		t.Fatalf("%d more writes", n-before)
	}
}

// A create that committed and then failed (the answer lost) is found by
// its key before a second create, on both sides and for every kind.
func TestCRMCommitThenFail(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		flow, model string
		// odoo makes three records in Odoo, crm two in Clientify (by a person).
		odoo func(h *crmHarness, i int)
		crm  func(h *crmHarness, i int) map[string]any
		// count is how many records of key i a side has.
		countOdoo func(h *crmHarness, i int) int
		countCRM  func(h *crmHarness, i int) int
	}{
		{
			flow: "companies", model: "res.partner",
			odoo: func(h *crmHarness, i int) {
				h.odooCreate(t, map[string]any{"name": fmt.Sprint("Empresa ", i), "is_company": true, "ref": fmt.Sprintf("B%08d", i), "phone": fmt.Sprint("+34 91000000", i), "city": "Madrid"})
			},
			crm: func(h *crmHarness, i int) map[string]any {
				return map[string]any{"name": fmt.Sprint("Nueva ", i), "taxpayer_identification_number": fmt.Sprintf("B%08d", i)}
			},
			countOdoo: func(h *crmHarness, i int) int {
				return len(h.osb.SearchRead("res.partner", []any{[]any{"ref", "=", fmt.Sprintf("B%08d", i)}}, []string{"id"}))
			},
			countCRM: func(h *crmHarness, i int) int {
				n := 0
				for _, r := range h.csb.Records("companies") {
					if r["taxpayer_identification_number"] == fmt.Sprintf("B%08d", i) {
						n++
					}
				}
				return n
			},
		},
		{
			flow: "contacts", model: "res.partner",
			odoo: func(h *crmHarness, i int) {
				h.odooCreate(t, map[string]any{"name": fmt.Sprint("Persona ", i), "email": fmt.Sprintf("p%d@example.es", i), "phone": fmt.Sprint("+34 60000000", i), "mobile": fmt.Sprint("+34 61000000", i)})
			},
			crm: func(h *crmHarness, i int) map[string]any {
				return map[string]any{"first_name": fmt.Sprint("Nueva ", i), "email": fmt.Sprintf("p%d@example.es", i)}
			},
			countOdoo: func(h *crmHarness, i int) int {
				return len(h.osb.SearchRead("res.partner", []any{[]any{"email", "=", fmt.Sprintf("p%d@example.es", i)}}, []string{"id"}))
			},
			countCRM: func(h *crmHarness, i int) int {
				n := 0
				for _, r := range h.csb.Records("contacts") {
					for _, e := range r["emails"].([]any) {
						if e.(map[string]any)["email"] == fmt.Sprintf("p%d@example.es", i) {
							n++
						}
					}
				}
				return n
			},
		},
		{
			flow: "crm_products", model: "product.template",
			odoo: func(h *crmHarness, i int) {
				if _, err := h.erp.Create(context.Background(), "product.template", []map[string]any{{"name": fmt.Sprint("Producto ", i), "default_code": fmt.Sprint("SKU-", i), "list_price": 10 + i}}, nil); err != nil {
					t.Fatal(err)
				}
			},
			crm: func(h *crmHarness, i int) map[string]any {
				return map[string]any{"name": fmt.Sprint("Nuevo ", i), "sku": fmt.Sprint("SKU-", i), "price": 3}
			},
			countOdoo: func(h *crmHarness, i int) int {
				return len(h.osb.SearchRead("product.product", []any{[]any{"default_code", "=", fmt.Sprint("SKU-", i)}}, []string{"id"}))
			},
			countCRM: func(h *crmHarness, i int) int {
				n := 0
				for _, r := range h.csb.Records("products") {
					if r["sku"] == fmt.Sprint("SKU-", i) {
						n++
					}
				}
				return n
			},
		},
	} {
		t.Run(tc.flow, func(t *testing.T) {
			t.Parallel()
			h := newCRMHarness(t, dbURL(t, "sqlite"), odoosandbox.Options{Partners: -1, Products: -1}, cfysandbox.Options{Companies: -1, Contacts: -1, Products: -1}, twoWay(tc.flow, nil))
			for i := 1; i <= 3; i++ {
				tc.odoo(h, i)
			}
			// The first three writes commit and then fail (the first is a
			// create).
			if err := h.csb.SetCommitThenFail(cfysandbox.CommitThenFail{Next: 3}); err != nil {
				t.Fatal(err)
			}
			h.pass(t, tc.flow+"-out")
			if err := h.csb.SetCommitThenFail(cfysandbox.CommitThenFail{}); err != nil {
				t.Fatal(err)
			}
			if n := len(h.csb.CommitFailures()); n != 3 {
				t.Fatalf("%d writes committed and failed", n)
			}
			h.pass(t, tc.flow+"-out")
			for i := 1; i <= 3; i++ {
				if n := tc.countCRM(h, i); n != 1 {
					t.Fatalf("Clientify holds record %d %d times", i, n)
				}
			}
			for i := 4; i <= 5; i++ {
				kind := map[string]string{"companies": "companies", "contacts": "contacts", "crm_products": "products"}[tc.flow]
				if _, err := h.csb.UserCreate(kind, tc.crm(h, i)); err != nil {
					t.Fatal(err)
				}
			}
			h.osb.FailAfterCommit(tc.model, "create", 1)
			h.pass(t, tc.flow+"-in", tc.flow+"-in")
			for i := 4; i <= 5; i++ {
				if n := tc.countOdoo(h, i); n != 1 {
					t.Fatalf("Odoo holds record %d %d times", i, n)
				}
			}
			if c := h.rt.Counts()[tc.flow+"-in"]; c.Created != 2 || c.Failed != 0 {
				t.Fatalf("%s crm → erp: %+v; skipped %+v", tc.flow, c, h.skips(t, tc.flow+"-in"))
			}
			before := h.writes()
			h.pass(t, tc.flow+"-out", tc.flow+"-in")
			if n := h.writes(); n != before {
				t.Fatalf("%d more writes", n-before)
			}
		})
	}
}

// A dry run of a two-way route reads both sides and writes nothing: no
// record, no link, no cursor; it lists what it would do.
func TestCRMDryRun(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newCRMHarness(t, dbURL(t, "sqlite"), odoosandbox.Options{Partners: -1, Products: -1}, cfysandbox.Options{Companies: 2, Contacts: -1, Products: -1}, twoWay("companies", nil))
	h.odooCreate(t, map[string]any{"name": "Acme SL", "is_company": true, "ref": "B11111111"})
	k, _ := flow.LookupKind("companies")
	for _, name := range []string{"companies-out", "companies-in"} {
		r, _ := h.rt.Route(name)
		dry := &flow.DryRun{}
		before := h.writes()
		res, err := k.Pass(ctx, h.rt, r, flow.PassOptions{DryRun: dry})
		if err != nil || len(dry.Actions) == 0 || res.Updated != len(dry.Actions) {
			t.Fatalf("%s: %+v %+v (%v)", name, res, dry.Actions, err)
		}
		if n := h.writes(); n != before {
			t.Fatalf("%s: a dry run wrote %d times", name, n-before)
		}
	}
	if links, err := h.store.ListLinks(ctx, store.LinkFilter{Connection: "erp"}); err != nil || len(links) != 0 {
		t.Fatalf("links after dry runs: %v (%v)", links, err)
	}
	if _, err := h.store.GetCursor(ctx, "companies-out", "companies"); err == nil {
		t.Fatal("a dry run moved the cursor")
	}
}

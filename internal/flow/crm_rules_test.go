package flow_test

import (
	"context"
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
// its key before a second create, on both sides.
func TestCRMCommitThenFail(t *testing.T) {
	t.Parallel()
	h := newCRMHarness(t, dbURL(t, "sqlite"), odoosandbox.Options{Partners: -1, Products: -1}, cfysandbox.Options{Companies: -1, Contacts: -1, Products: -1}, twoWay("companies", nil))
	for _, ref := range []string{"B11111111", "B22222222", "B33333333"} {
		h.odooCreate(t, map[string]any{"name": "Empresa " + ref, "is_company": true, "ref": ref, "phone": "+34 91" + ref[1:], "city": "Madrid"})
	}
	if err := h.csb.SetCommitThenFail(cfysandbox.CommitThenFail{Next: 4}); err != nil {
		t.Fatal(err)
	}
	h.pass(t, "companies-out")
	if err := h.csb.SetCommitThenFail(cfysandbox.CommitThenFail{}); err != nil {
		t.Fatal(err)
	}
	if n := len(h.csb.CommitFailures()); n != 4 {
		t.Fatalf("%d writes committed and failed", n)
	}
	h.pass(t, "companies-out")
	for _, ref := range []string{"B11111111", "B22222222", "B33333333"} {
		c := h.cfyByTaxID(t, "companies", ref) // exactly one each
		if first(t, c, "phones", "phone") != "+34 91"+ref[1:] {
			t.Fatalf("%s in Clientify: %v", ref, c)
		}
	}
	for _, ref := range []string{"B44444444", "B55555555"} {
		if _, err := h.csb.UserCreate("companies", map[string]any{"name": "Nueva " + ref, "taxpayer_identification_number": ref}); err != nil {
			t.Fatal(err)
		}
	}
	h.osb.FailAfterCommit("res.partner", "create", 1)
	h.pass(t, "companies-in", "companies-in")
	for _, ref := range []string{"B44444444", "B55555555"} {
		if rows := h.osb.SearchRead("res.partner", []any{[]any{"ref", "=", ref}}, []string{"name"}); len(rows) != 1 {
			t.Fatalf("Odoo partners of %s: %v", ref, rows)
		}
	}
	if c := h.rt.Counts()["companies-in"]; c.Created != 2 || c.Failed != 0 {
		t.Fatalf("companies crm → erp: %+v", c)
	}
	if s := h.skips(t, "companies-in"); len(s) != 0 {
		t.Fatalf("skipped %+v", s)
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

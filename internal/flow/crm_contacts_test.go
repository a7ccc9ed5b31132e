package flow_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/jobs"
	cfysandbox "github.com/ferryhub/ferry/internal/sandbox/clientify"
	odoosandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
	"github.com/ferryhub/ferry/internal/store"
)

// cfyByEmail is the only Clientify contact one of whose e-mails is addr.
func (h *crmHarness) cfyByEmail(t *testing.T, addr string) map[string]any {
	t.Helper()
	var found []map[string]any
	for _, r := range h.csb.Records("contacts") {
		for _, e := range r["emails"].([]any) {
			if strings.EqualFold(e.(map[string]any)["email"].(string), addr) {
				found = append(found, r)
				break
			}
		}
	}
	if len(found) != 1 {
		t.Fatalf("Clientify has %d contacts with e-mail %s", len(found), addr)
	}
	return found[0]
}

func phonesOf(r map[string]any) []string {
	var out []string
	for _, p := range r["phones"].([]any) {
		out = append(out, p.(map[string]any)["phone"].(string))
	}
	return out
}

// pairOf returns the other side's id of a pair of kind, from side conn.
func (h *crmHarness) pairOf(t *testing.T, kind, conn, id string) string {
	t.Helper()
	f := store.LinkFilter{Connection: "erp", Kind: kind + ":crm"}
	if conn == "crm" {
		f.LocalIDs = []string{"crm:" + id}
	} else {
		f.RemoteIDs = []string{id}
	}
	links, err := h.store.ListLinks(context.Background(), f)
	if err != nil || len(links) != 1 {
		t.Fatalf("%s pair of %s %s: %v (%v)", kind, conn, id, links, err)
	}
	if conn == "crm" {
		return links[0].RemoteID
	}
	return strings.TrimPrefix(links[0].LocalID, "crm:")
}

// Seed 004's contacts both ways: Odoo's people become Clientify contacts
// (name → first_name, e-mail, ref → taxpayer id, phone and mobile → phones,
// address, customer → "Cliente actual"), linked to their company by its ref,
// and Clientify's become Odoo's, each linked once; the generator's trap (two
// Clientify contacts sharing an e-mail) is skipped with the reason, an Odoo
// person whose e-mail two Clientify contacts hold too, and ferry's writes do
// not come back.
func TestCRMContactsBothWays(t *testing.T) {
	t.Parallel()
	for _, dialect := range dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			routes := append(twoWay("companies", nil), twoWay("contacts", nil)...)
			h := newCRMHarness(t, dbURL(t, dialect), odoosandbox.Options{Partners: -1, Products: -1}, cfysandbox.Options{Companies: 4, Contacts: 8, Products: -1}, routes)
			traps := cfysandbox.Generate(4, 8, -1, 1).Traps
			es := h.odooID(t, "res.country", []any{[]any{"code", "=", "ES"}})
			acme := h.odooCreate(t, map[string]any{"name": "Acme SL", "is_company": true, "ref": "B11111111", "country_id": es})
			ana := h.odooCreate(t, map[string]any{"name": "Ana López", "email": "Ana.Lopez@Acme.example.es", "ref": "12345678Z", "parent_id": toFloat(acme),
				"phone": "+34 910 000 001", "mobile": "+34 600 000 001", "street": "Calle Mayor 1", "city": "Madrid", "zip": "28001", "country_id": es, "customer_rank": 1})
			h.odooCreate(t, map[string]any{"name": "Pepe Pérez", "email": "pepe@example.es"})
			h.odooCreate(t, map[string]any{"name": "Sin Correo"})
			twin := h.odooCreate(t, map[string]any{"name": "Gemelo", "email": strings.ToUpper(traps.SharedEmail)})
			// Not people: a delivery address and the company.
			h.odooCreate(t, map[string]any{"name": "Acme, entrega", "type": "delivery", "parent_id": toFloat(acme), "email": "entrega@acme.example.es"})

			h.pass(t, "companies-out", "companies-in", "contacts-out")
			c := h.rt.Counts()["contacts-out"]
			// Ana, Pepe and the Administrator's own partner.
			if c.Created != 3 || c.Skipped != 2 || c.Failed != 0 {
				t.Fatalf("contacts erp → crm: %+v; skipped %+v", c, h.skips(t, "contacts-out"))
			}
			for _, s := range h.skips(t, "contacts-out") {
				switch s.Entity {
				case twin:
					if !strings.Contains(s.Reason, "is held by 2 records") || !strings.Contains(s.Reason, "merge them in Clientify") {
						t.Fatalf("the shared e-mail: %+v", s)
					}
				default:
					if !strings.Contains(s.Reason, "has no e-mail (else ref)") {
						t.Fatalf("skipped %+v", s)
					}
				}
			}
			got := h.cfyByEmail(t, "ana.lopez@acme.example.es")
			acmeCfy := h.pairOf(t, "company", "erp", acme)
			if got["first_name"] != "Ana López" || got["last_name"] != "" || got["taxpayer_identification_number"] != "12345678Z" ||
				!strings.HasSuffix(got["company"].(string), "/companies/"+acmeCfy+"/") || fmt.Sprint(phonesOf(got)) != "[+34 910 000 001 +34 600 000 001]" ||
				first(t, got, "addresses", "street") != "Calle Mayor 1" || first(t, got, "addresses", "city") != "Madrid" || first(t, got, "addresses", "postal_code") != "28001" ||
				first(t, got, "addresses", "country") != "ES" || got["contact_type"] != "Cliente actual" || got["status"] != "client" {
				t.Fatalf("Ana in Clientify: %v", got)
			}

			h.pass(t, "contacts-in")
			c = h.rt.Counts()["contacts-in"]
			// Eight generated contacts, two sharing an e-mail: one of them is
			// skipped, or linked to the Odoo twin, never doubled.
			if c.Created+c.Unchanged+c.Updated != 3+7 || c.Skipped != 1 || c.Failed != 0 {
				t.Fatalf("contacts crm → erp: %+v; skipped %+v", c, h.skips(t, "contacts-in"))
			}
			if rows := h.osb.SearchRead("res.partner", []any{[]any{"email", "=ilike", traps.SharedEmail}}, []string{"id"}); len(rows) != 1 {
				t.Fatalf("Odoo has %d partners of the shared e-mail", len(rows))
			}
			if s := h.skips(t, "contacts-in"); len(s) != 1 || !strings.Contains(s[0].Reason, "merge them in crm") {
				t.Fatalf("contacts crm → erp skipped %+v", s)
			}
			data := cfysandbox.Generate(4, 8, -1, 1)
			for i, sd := range data.Contacts {
				if i < 2 {
					continue // the trap
				}
				r, _ := h.csb.Record("contacts", sd.ID)
				id := h.pairOf(t, "contact", "crm", fmt.Sprint(sd.ID))
				p := h.odooPartner(t, id, "name", "email", "ref", "parent_id", "phone", "mobile", "street", "city", "zip", "customer_rank", "is_company")
				want := strings.TrimSpace(r["first_name"].(string) + " " + r["last_name"].(string))
				if p["name"] != want || !strings.EqualFold(p["email"].(string), first(t, r, "emails", "email").(string)) || p["is_company"] != false ||
					p["phone"] != phonesOf(r)[0] || p["city"] != first(t, r, "addresses", "city") || p["zip"] != first(t, r, "addresses", "postal_code") {
					t.Fatalf("Clientify contact %v in Odoo: %v", r, p)
				}
				if tin, _ := r["taxpayer_identification_number"].(string); tin != "" && p["ref"] != tin {
					t.Fatalf("Clientify contact %v in Odoo: ref %v", r, p["ref"])
				}
				if (r["contact_type"] == "Cliente actual") != (p["customer_rank"].(float64) > 0) {
					t.Fatalf("Clientify contact %v in Odoo: customer rank %v", r, p["customer_rank"])
				}
				if co, ok := sd.Body["company"]; ok {
					ref := data.Companies[co.(int)-data.Companies[0].ID].Body["taxpayer_identification_number"].(string)
					parent, ok := p["parent_id"].([]any)
					if !ok {
						t.Fatalf("Clientify contact %v in Odoo has no company (want %s): %v", r, ref, p)
					}
					pr := h.odooPartner(t, fmt.Sprint(parent[0]), "ref")
					if strings.ReplaceAll(pr["ref"].(string), " ", "") != strings.ReplaceAll(ref, " ", "") {
						t.Fatalf("Clientify contact %v in Odoo: company %v, want ref %s", r, pr, ref)
					}
				}
			}

			before := h.writes()
			h.pass(t, "contacts-out", "contacts-in", "contacts-out", "companies-out", "companies-in")
			if n := h.writes(); n != before {
				t.Fatalf("passes without changes wrote %d times", n-before)
			}

			// Odoo's name is one field: in Clientify it goes whole to first_name.
			h.odooWrite(t, "res.partner", ana, map[string]any{"name": "Ana María López", "mobile": "+34 600 000 009"})
			h.pass(t, "contacts-out")
			got = h.cfyByEmail(t, "ana.lopez@acme.example.es")
			if got["first_name"] != "Ana María López" || fmt.Sprint(phonesOf(got)) != "[+34 910 000 001 +34 600 000 009]" {
				t.Fatalf("Ana after her change in Odoo: %v", got)
			}
			// A change in Clientify of a generated contact's last name.
			sd := data.Contacts[3]
			r, _ := h.csb.Record("contacts", sd.ID)
			if _, err := h.csb.UserUpdate("contacts", sd.ID, map[string]any{"last_name": "Nuevo Apellido"}); err != nil {
				t.Fatal(err)
			}
			h.pass(t, "contacts-in")
			p := h.odooPartner(t, h.pairOf(t, "contact", "crm", fmt.Sprint(sd.ID)), "name")
			if p["name"] != r["first_name"].(string)+" Nuevo Apellido" {
				t.Fatalf("contact %d after its change in Clientify: %v", sd.ID, p)
			}
			before = h.writes()
			h.pass(t, "contacts-out", "contacts-in")
			if n := h.writes(); n != before {
				t.Fatalf("ferry's writes came back: %d more", n-before)
			}
			_ = ctx
		})
	}
}

// A contact whose company the other side does not have yet waits in a job
// of its own, and is written with its company once the companies route has
// brought it.
func TestCRMContactWaitsForCompany(t *testing.T) {
	t.Parallel()
	o := &flow.TwoWayOptions{BatchSize: 20, Overlap: time.Minute, WaitFor: time.Minute}
	routes := append(twoWay("companies", o), twoWay("contacts", o)...)
	h := newCRMHarness(t, dbURL(t, "sqlite"), odoosandbox.Options{Partners: -1, Products: -1}, cfysandbox.Options{Companies: -1, Contacts: -1, Products: -1}, routes)
	acme := h.odooCreate(t, map[string]any{"name": "Acme SL", "is_company": true, "ref": "B11111111"})
	ana := h.odooCreate(t, map[string]any{"name": "Ana", "email": "ana@acme.example.es", "parent_id": toFloat(acme)})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		h.pass(t, "contacts-out")
	}()
	deadline := time.Now().Add(10 * time.Second)
	var waiting []jobs.Info
	for len(waiting) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		waiting = h.queueWaiting(t, "contacts-out")
	}
	if len(waiting) != 1 || waiting[0].Entity != "contact "+ana {
		t.Fatalf("the contact does not wait for its company: %+v", waiting)
	}
	for _, r := range h.csb.Records("contacts") {
		if r["first_name"] == "Ana" {
			t.Fatalf("the contact was written before its company: %v", r)
		}
	}
	h.pass(t, "companies-out")
	wg.Wait()
	got := h.cfyByEmail(t, "ana@acme.example.es")
	if !strings.HasSuffix(fmt.Sprint(got["company"]), "/companies/"+h.pairOf(t, "company", "erp", acme)+"/") {
		t.Fatalf("Ana in Clientify: %v", got)
	}
}

// queueWaiting lists the route's jobs that wait (snoozed) for a record.
func (h *crmHarness) queueWaiting(t *testing.T, route string) []jobs.Info {
	t.Helper()
	list, err := h.queue.List(context.Background(), jobs.Filter{Route: route, Kinds: []string{"twoway.sync"}})
	if err != nil {
		t.Fatal(err)
	}
	var out []jobs.Info
	for _, j := range list {
		if strings.Contains(string(j.Args), `"waiting"`) && j.State != jobs.StateCompleted {
			out = append(out, j)
		}
	}
	return out
}

package flow_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/flow"
	cfysandbox "github.com/ferryhub/ferry/internal/sandbox/clientify"
	odoosandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
)

// Clientify's webhooks are hints for the routes from it: a change made in
// Clientify reaches Odoo without a pass (the job reads the record afresh),
// ferry's own writes fire webhooks too and come back as echoes that write
// nothing, and a deletion is a log line, nothing deleted in Odoo.
func TestCRMWebhooks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var h *crmHarness
	ready := make(chan struct{})
	hooks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-ready
		body, _ := io.ReadAll(r.Body)
		if _, err := flow.ReceiveWebhook(r.Context(), h.rt, "crm", r.Header, body); err != nil {
			t.Errorf("webhook %s: %v", body, err)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(hooks.Close)
	h = newCRMHarness(t, dbURL(t, "sqlite"), odoosandbox.Options{Partners: -1, Products: -1},
		cfysandbox.Options{Companies: -1, Contacts: -1, Products: -1, WebhookShape: cfysandbox.ShapeMixed, Webhooks: []cfysandbox.Webhook{{URL: hooks.URL + "/hooks/crm"}}}, twoWay("companies", nil))
	h.crm.SetWebhookToken(cfysandbox.DefaultWebhookToken)
	close(ready)
	settle := func() {
		t.Helper()
		if !h.csb.WaitIdle(10 * time.Second) {
			t.Fatal("webhooks still being delivered")
		}
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			busy := false
			for _, r := range []string{"companies-out", "companies-in"} {
				if b, _ := flow.Busy(ctx, h.rt, r); b {
					busy = true
				}
			}
			if !busy {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatal("jobs still running")
	}

	acme := h.odooCreate(t, map[string]any{"name": "Acme SL", "is_company": true, "ref": "B11111111", "phone": "+34 910 000 001", "city": "Madrid"})
	h.pass(t, "companies-out")
	settle()
	if h.csb.State().Webhooks.Delivered == 0 {
		t.Fatalf("no webhook was delivered: %+v", h.csb.State().Webhooks)
	}
	// ferry's own writes came back as webhooks: echoes, nothing written.
	if c := h.rt.Counts()["companies-in"]; c.Unchanged == 0 || c.Created+c.Updated != 0 || h.osb.Calls("res.partner", "write") != 0 {
		t.Fatalf("companies crm → erp after ferry's own writes: %+v, %d Odoo writes", c, h.osb.Calls("res.partner", "write"))
	}

	// A person's change in Clientify reaches Odoo with no pass.
	cfy := cfyID(h.cfyByTaxID(t, "companies", "B11111111"))
	if _, err := h.csb.UserUpdate("companies", cfy, map[string]any{"business_name": "ACME POR WEBHOOK SL"}); err != nil {
		t.Fatal(err)
	}
	settle()
	if p := h.odooPartner(t, acme, "name"); p["name"] != "ACME POR WEBHOOK SL" {
		t.Fatalf("Acme in Odoo after the webhook: %v", p)
	}
	before := h.writes()
	h.pass(t, "companies-out", "companies-in")
	settle()
	if n := h.writes(); n != before {
		t.Fatalf("%d more writes after the webhook's", n-before)
	}

	// Deleted in Clientify: a log line, Odoo's partner stays.
	if err := h.csb.UserDelete("companies", cfy); err != nil {
		t.Fatal(err)
	}
	settle()
	if l := h.logs(t, "companies-in", "was deleted in crm", "ferry deletes nothing"); len(l) != 1 {
		t.Fatalf("log lines of the deletion: %+v", h.logs(t, "companies-in"))
	}
	h.odooPartner(t, acme, "name")
	// Odoo's next change is not written to the deleted company, nor is it created again.
	h.odooWrite(t, "res.partner", acme, map[string]any{"phone": "+34 910 000 009"})
	h.pass(t, "companies-out")
	settle()
	if n := h.csb.State().Counts["companies"]; n != 0 {
		t.Fatalf("%d companies in Clientify after the deletion", n)
	}
}

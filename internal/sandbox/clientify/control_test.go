package clientify

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestControl(t *testing.T) {
	t.Parallel()
	sink := newSink(t)
	e := start(t, Options{Contacts: 3, Companies: 2, Products: 2, WebhookShape: ShapeEventRoot, Webhooks: []Webhook{{URL: sink.srv.URL}}})
	id := e.sb.IDs(Contacts)[0]
	before, _ := e.sb.Record(Contacts, id)
	e.clk.Add(time.Minute)
	// A CRM user's change over HTTP: modified moves, the webhook fires with
	// the CRM user's id, and it is no API write.
	a := e.must(e.req("PATCH", fmt.Sprintf("/_sandbox/records/contacts/%d", id), map[string]any{"status": "client", "title": "Gerente"}, "Authorization", ""), 200).obj(t)
	if a["modified"] == before["modified"] || a["status"] != "client" {
		t.Errorf("after the user's change %v %v", a["modified"], a["status"])
	}
	b := sink.wait(t, 1)[0]
	if b["event"] != "contact.saved" || num(b["user_id"]) != e.sb.opts.UserID+1 || num(b["account_id"]) != 14800 {
		t.Errorf("webhook %v", b)
	}
	e.must(e.req("PATCH", fmt.Sprintf("/_sandbox/records/contacts/%d", id), map[string]any{"status": "nope"}), 400)
	e.must(e.req("PATCH", "/_sandbox/records/contacts/1", map[string]any{}), 404)
	c := e.must(e.req("POST", "/_sandbox/records/companies", map[string]any{"name": "Hecha a mano SL"}), 201).obj(t)
	if c["owner"] != "comercial@ferry-sandbox.example" {
		t.Errorf("owner %v", c["owner"])
	}
	e.must(e.req("DELETE", fmt.Sprintf("/_sandbox/records/companies/%d", num(c["id"])), nil), 204)
	var recs []map[string]any
	json.Unmarshal(e.must(e.get("/_sandbox/records/products"), 200).body, &recs)
	if len(recs) != 2 {
		t.Errorf("records %d", len(recs))
	}
	e.must(e.get("/_sandbox/records/invoices"), 404)
	// State counts writes per resource and actor, and deleted ids.
	e.must(e.req("POST", "/v2/products/", map[string]any{"name": "P"}), 201)
	var st State
	json.Unmarshal(e.must(e.get("/_sandbox/state"), 200).body, &st)
	if st.UserWrites[Contacts].Updated != 1 || st.UserWrites[Companies].Created != 1 || st.UserWrites[Companies].Deleted != 1 ||
		st.APIWrites[Products].Created != 1 || len(st.Deleted[Companies]) != 1 || st.Counts[Products] != 3 {
		t.Errorf("state %+v", st)
	}
	// HEAD, OPTIONS and the API root.
	if a := e.req("HEAD", "/v2/me/", nil); a.code != 200 || len(a.body) != 0 {
		t.Errorf("HEAD %d %q", a.code, a.body)
	}
	if o := e.must(e.req("OPTIONS", "/v2/contacts/", nil), 200).obj(t); o["name"] != "List" {
		t.Errorf("OPTIONS %v", o)
	}
	root := e.must(e.get("/v1/"), 200).obj(t)
	if root["contacts"] != e.srv.URL+"/v1/contacts/" {
		t.Errorf("root %v", root)
	}
	// users
	u := e.must(e.get("/v1/users/"), 200).obj(t)
	if num(u["count"]) != 2 || !strings.Contains(string(e.must(e.get(fmt.Sprintf("/v1/users/%d/", e.sb.opts.UserID)), 200).body), DefaultUsername) {
		t.Errorf("users %v", u)
	}
}

func TestOptionsValidate(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		o   Options
		bad bool
	}{
		{Options{}, false},
		{Options{TimeZone: "Mars/Olympus"}, true},
		{Options{APIKey: "a b"}, true},
		{Options{PublicURL: "ftp://x"}, true},
		{Options{PageSize: 500}, true},
		{Options{WebhookShape: "xml"}, true},
		{Options{Webhooks: []Webhook{{URL: "http://a/"}, {URL: "http://b/", Events: []string{"contact.saved"}}}}, true},
		{Options{Webhooks: []Webhook{{URL: "http://a/", Events: []string{"order.saved"}}}}, true},
		{Options{Webhooks: []Webhook{{URL: "http://a/", Events: []string{"contact.saved"}}, {URL: "http://b/", Events: []string{"deal.saved"}}}}, false},
		{Options{CommitThenFail: CommitThenFail{Rate: 2}}, true},
		{Options{WebhookFaults: WebhookFaults{Drop: -1}}, true},
	} {
		if err := tt.o.Validate(); (err != nil) != tt.bad {
			t.Errorf("%+v: %v", tt.o, err)
		}
	}
}

package clientify

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestCRUD: create 201, retrieve, PUT, PATCH, delete 204 for every resource;
// modified moves on every save, created stays.
func TestCRUD(t *testing.T) {
	t.Parallel()
	e0 := start(t, Options{Contacts: 2, Companies: 2, Products: 2})
	contact := e0.sb.IDs(Contacts)[0]
	product := e0.sb.IDs(Products)[0]
	for _, tt := range []struct {
		kind         string
		create, put  map[string]any
		patch        map[string]any
		check, after string // a field, and its value after the patch
	}{
		{Companies, map[string]any{"name": "Mi Empresa SL", "taxpayer_identification_number": "ESB12345678", "phone": "+34 910 000 000"},
			map[string]any{"name": "Mi Empresa SL", "business_name": "MI EMPRESA"}, map[string]any{"sector": "Textil"}, "sector", "Textil"},
		{Contacts, map[string]any{"first_name": "Juan", "last_name": "Pérez", "email": "juan@example.es", "status": "client", "contact_type": "Cliente actual"},
			map[string]any{"first_name": "Juan", "title": "CEO"}, map[string]any{"status": "lost-client"}, "status", "lost-client"},
		{Products, map[string]any{"name": "Taza", "sku": "TZ-1", "price": "9.90"},
			map[string]any{"name": "Taza grande", "price": 12.5}, map[string]any{"sku": "TZ-2"}, "sku", "TZ-2"},
		{Deals, map[string]any{"name": "Pedido #1", "amount": 10, "contact": contact, "products": []any{map[string]any{"product_id": product, "quantity": 2}}},
			map[string]any{"name": "Pedido #1 - 42"}, map[string]any{"status": 3}, "status_desc", "Won"},
		{Orders, map[string]any{"order_id": "S00042", "contact": contact, "status": "sale", "ecommerce": "Odoo", "order_date": "2026-03-01T10:00:00+01:00",
			"items": []any{map[string]any{"name": "Taza", "sku": "TZ-1", "price": 9.9, "quantity": 3}}},
			map[string]any{"order_id": "S00042", "currency": "EUR"}, map[string]any{"status": "done"}, "status", "done"},
	} {
		t.Run(tt.kind, func(t *testing.T) {
			t.Parallel()
			e := start(t, Options{Contacts: 2, Companies: 2, Products: 2})
			for _, ver := range []string{"v1", "v2"} {
				c := e.must(e.req("POST", "/"+ver+"/"+tt.kind+"/", tt.create), 201).obj(t)
				id := num(c["id"])
				path := fmt.Sprintf("/%s/%s/%d/", ver, tt.kind, id)
				created := c["created"]
				if c["modified"] != created {
					t.Errorf("created %v modified %v", created, c["modified"])
				}
				got := e.must(e.get(path+"?fields=id,modified"), 200).obj(t)
				if num(got["id"]) != id {
					t.Fatalf("retrieve %v", got)
				}
				e.clk.Add(time.Second)
				p := e.must(e.req("PUT", path, tt.put), 200).obj(t)
				e.clk.Add(time.Second)
				q := e.must(e.req("PATCH", path, tt.patch), 200).obj(t)
				if fmt.Sprint(q[tt.check]) != tt.after {
					t.Errorf("after PATCH %s = %v", tt.check, q[tt.check])
				}
				e.clk.Add(time.Second)
				r := e.must(e.req("PATCH", path, map[string]any{}), 200).obj(t) // a save with no change
				for _, x := range []map[string]any{p, q, r} {
					if x["created"] != created {
						t.Errorf("created moved: %v", x["created"])
					}
				}
				if !(created.(string) < p["modified"].(string) && p["modified"].(string) < q["modified"].(string) && q["modified"].(string) < r["modified"].(string)) {
					t.Errorf("modified did not move on every save: %v %v %v %v", created, p["modified"], q["modified"], r["modified"])
				}
				e.must(e.req("DELETE", path, nil), 204)
				e.must(e.get(path), 404)
				e.must(e.req("DELETE", path, nil), 404)
			}
			st := e.sb.State()
			if w := st.APIWrites[tt.kind]; w.Created != 2 || w.Updated != 6 || w.Deleted != 2 || len(st.Deleted[tt.kind]) != 2 {
				t.Errorf("writes %+v deleted %v", w, st.Deleted[tt.kind])
			}
		})
	}
}

func TestRelations(t *testing.T) {
	t.Parallel()
	e := start(t, Options{Contacts: 1, Companies: 2})
	co := e.sb.IDs(Companies)[0]
	coRec, _ := e.sb.Record(Companies, co)
	for _, tt := range []struct {
		name    string
		company any
		want    int // 0: a new company
	}{
		{"id", co, co},
		{"v1 hyperlink", fmt.Sprintf("https://api.clientify.net/v1/companies/%d/", co), co},
		{"v2 hyperlink", fmt.Sprintf("%s/api/companies/%d/", e.srv.URL, co), co},
		{"name of an existing company, other case", strings.ToUpper(coRec["name"].(string)), co},
		{"a new name", "Empresa Nueva SL", 0},
		{"company_id", nil, co},
	} {
		body := map[string]any{"first_name": "Rel", "company": tt.company}
		if tt.company == nil {
			body = map[string]any{"first_name": "Rel", "company_id": co}
		}
		before := len(e.sb.IDs(Companies))
		c := e.must(e.req("POST", "/v1/contacts/", body), 201).obj(t)
		u, _ := c["company"].(string)
		if tt.want == 0 {
			if len(e.sb.IDs(Companies)) != before+1 || c["company_name"] != "Empresa Nueva SL" {
				t.Errorf("%s: %v %v", tt.name, c["company"], c["company_name"])
			}
			continue
		}
		if !strings.HasSuffix(u, fmt.Sprintf("/v1/companies/%d/", tt.want)) || len(e.sb.IDs(Companies)) != before {
			t.Errorf("%s: company %v", tt.name, c["company"])
		}
		if d, _ := c["company_details"].(map[string]any); num(d["id"]) != tt.want {
			t.Errorf("%s: company_details %v", tt.name, c["company_details"])
		}
	}
	// Deleting the company clears the links (SET_NULL) without moving the
	// contacts' modified.
	var ids []int
	var mods []string
	for _, r := range e.sb.Records(Contacts) {
		if strings.HasSuffix(fmt.Sprint(r["company"]), fmt.Sprintf("/companies/%d/", co)) {
			ids = append(ids, num(r["id"]))
			mods = append(mods, r["modified"].(string))
		}
	}
	e.clk.Add(time.Minute)
	e.must(e.req("DELETE", fmt.Sprintf("/v1/companies/%d/", co), nil), 204)
	for i, id := range ids {
		r, _ := e.sb.Record(Contacts, id)
		if r["company"] != nil || r["modified"] != mods[i] {
			t.Errorf("contact %d after its company's delete: %v %v", id, r["company"], r["modified"])
		}
	}
}

func TestNestedLists(t *testing.T) {
	t.Parallel()
	e := start(t, Options{Contacts: 1, Companies: 1})
	id := e.sb.IDs(Contacts)[0]
	base := fmt.Sprintf("/v1/contacts/%d/", id)
	mod := func() string { r, _ := e.sb.Record(Contacts, id); return r["modified"].(string) }
	m0 := mod()
	e.clk.Add(time.Second)
	em := e.must(e.req("POST", base+"emails/", map[string]any{"email": "otro@example.es", "type": 2}), 201).obj(t)
	if m1 := mod(); m1 <= m0 {
		t.Errorf("modified did not move on a nested add")
	}
	list := e.must(e.get(base+"emails/"), 200).obj(t)
	if num(list["count"]) != 2 {
		t.Errorf("emails %v", list)
	}
	eid := num(em["id"])
	e.must(e.req("PATCH", fmt.Sprintf("%semails/%d/", base, eid), map[string]any{"type": 3}), 200)
	got := e.must(e.get(fmt.Sprintf("%semails/%d/", base, eid)), 200).obj(t)
	if num(got["type"]) != 3 || got["email"] != "otro@example.es" {
		t.Errorf("patched email %v", got)
	}
	e.must(e.req("PUT", fmt.Sprintf("%semails/%d/", base, eid), map[string]any{"type": 1}), 400) // email is required
	e.must(e.req("DELETE", fmt.Sprintf("%semails/%d/", base, eid), nil), 204)
	e.must(e.get(fmt.Sprintf("%semails/%d/", base, eid)), 404)
	e.must(e.req("POST", base+"phones/", map[string]any{"type": 1}), 400)
	e.must(e.get(fmt.Sprintf("/v1/deals/%d/emails/", e.sb.IDs(Deals)[0])), 404)
	// PUT/PATCH of the record replaces a list it names, keeping known ids;
	// with IgnoreNestedUpdate the list stays.
	c := e.must(e.req("PATCH", base, map[string]any{"phones": []any{map[string]any{"phone": "+34 600 000 001"}}}), 200).obj(t)
	if ph := c["phones"].([]any); len(ph) != 1 || ph[0].(map[string]any)["phone"] != "+34 600 000 001" {
		t.Errorf("phones %v", ph)
	}
	e2 := start(t, Options{Contacts: 1, Companies: 1, IgnoreNestedUpdate: true})
	id2 := e2.sb.IDs(Contacts)[0]
	before, _ := e2.sb.Record(Contacts, id2)
	c = e2.must(e2.req("PATCH", fmt.Sprintf("/v1/contacts/%d/", id2), map[string]any{"phones": []any{}}), 200).obj(t)
	if fmt.Sprint(c["phones"]) != fmt.Sprint(before["phones"]) {
		t.Errorf("IgnoreNestedUpdate: phones %v, before %v", c["phones"], before["phones"])
	}
	// It covers the lists served as sub-resources only: an order's items
	// and a deal's products, which have none, still change by PUT/PATCH.
	o := e2.must(e2.req("POST", "/v1/orders/", map[string]any{"order_id": "S1", "items": []any{map[string]any{"name": "Taza", "price": 2, "quantity": 1}}}), 201).obj(t)
	o = e2.must(e2.req("PUT", fmt.Sprintf("/v1/orders/%d/", num(o["id"])), map[string]any{"items": []any{map[string]any{"name": "Taza", "price": 2, "quantity": 3}}}), 200).obj(t)
	if items := o["items"].([]any); len(items) != 1 || num(items[0].(map[string]any)["quantity"]) != 3 || num(o["total"]) != 6 {
		t.Errorf("IgnoreNestedUpdate: order items %v total %v", o["items"], o["total"])
	}
	p := e2.sb.IDs(Products)[0]
	d := e2.must(e2.req("POST", "/v1/deals/", map[string]any{"name": "D"}), 201).obj(t)
	d = e2.must(e2.req("PATCH", fmt.Sprintf("/v1/deals/%d/", num(d["id"])), map[string]any{"products": []any{map[string]any{"product_id": p, "quantity": 2}}}), 200).obj(t)
	if ps := d["products"].([]any); len(ps) != 1 {
		t.Errorf("IgnoreNestedUpdate: deal products %v", d["products"])
	}
}

func TestDealsPipelines(t *testing.T) {
	t.Parallel()
	e := start(t, Options{Contacts: 1, Companies: 1})
	pl := e.must(e.get("/v1/deals/pipelines/"), 200).obj(t)
	if num(pl["count"]) != 1 {
		t.Fatalf("pipelines %v", pl)
	}
	e.must(e.get("/v1/deals/pipelines/85328/"), 200)
	e.must(e.get("/v1/deals/pipelines/stages/376043/"), 200)
	e.must(e.get("/v1/deals/pipelines/1/"), 404)
	d := e.must(e.req("POST", "/v1/deals/", map[string]any{"name": "D", "pipeline_stage_desc": "Propuesta"}), 201).obj(t)
	if d["pipeline_desc"] != "Ventas" || d["pipeline_stage_desc"] != "Propuesta" || d["probability_desc"] != "50%" {
		t.Errorf("deal %v %v %v", d["pipeline_desc"], d["pipeline_stage_desc"], d["probability_desc"])
	}
	e.must(e.req("POST", "/v1/deals/", map[string]any{"name": "D", "pipeline_desc": "Nope"}), 400)
	e.clk.Add(time.Hour)
	d = e.must(e.req("PATCH", fmt.Sprintf("/v1/deals/%d/", num(d["id"])), map[string]any{"status": 3}), 200).obj(t)
	if d["status_desc"] != "Won" || d["actual_closed_date"] != e.clk.Now().In(e.sb.loc).Format("2006-01-02") {
		t.Errorf("won deal %v %v", d["status_desc"], d["actual_closed_date"])
	}
	e.must(e.req("POST", "/v1/deals/", map[string]any{"name": "D", "products": []any{map[string]any{"product_id": 1}}}), 400)
}

package clientify

import (
	"math"
	"net/url"
	"strings"
	"time"
)

var orderItem = []field{{name: "name", kind: fStr, def: "", maxLen: 255}, {name: "sku", kind: fStr, def: "", maxLen: 100},
	{name: "price", kind: fNum, def: 0.0}, {name: "quantity", kind: fNum, def: 1.0}}

// ordersResource is /orders/. Its fields are unconfirmed (reference §6); they
// follow the merchant's Clientify⇄Odoo mapping (seed 004): order_id (the Odoo
// order name), status, order_date, ecommerce, currency, the contact, and items
// {name, sku, price, quantity}. Orders fire no webhooks (no slot exists).
func ordersResource() *resource {
	res := &resource{name: "orders", singular: "order", startID: 8100001,
		orderBy: []string{"order_id", "order_date", "status"},
		fields: []field{
			computed("url"), computed("id"), {name: "order_id", kind: fStr, def: "", maxLen: 100},
			link("contact", "contacts"), computed("contact_name"), computed("contact_email"),
			nstr("status"), {name: "order_date", kind: fDateTime}, str("ecommerce"),
			{name: "currency", kind: fStr, def: "", maxLen: 3}, computed("total"), nested("items", orderItem),
			computed("owner"), computed("owner_name"), {name: "custom_fields", kind: fCustom},
			computed("created"), computed("modified"),
		}}
	contactOf := func(s *Server, r *rec) *rec { return s.recs[contactRes.name][linkID(r, "contact")] }
	res.computed = ownerFields()
	res.computed["contact_name"] = func(s *Server, r *rec, v *view) any {
		if c := contactOf(s, r); c != nil {
			return strings.TrimSpace(strVal(c, "first_name") + " " + strVal(c, "last_name"))
		}
		return nil
	}
	res.computed["contact_email"] = func(s *Server, r *rec, v *view) any {
		if c := contactOf(s, r); c != nil {
			return nilIfEmpty(firstOf(c, "emails", "email"))
		}
		return nil
	}
	res.computed["total"] = func(s *Server, r *rec, v *view) any {
		items, _ := r.v["items"].([]item)
		t := 0.0
		for _, it := range items {
			p, _ := it["price"].(float64)
			q, _ := it["quantity"].(float64)
			t += p * q
		}
		return math.Round(t*100) / 100
	}
	res.prepare = func(s *Server, w *writeCtx) {
		if _, ok := w.body["contact"]; !ok {
			if id, ok := w.body["contact_id"]; ok {
				w.body["contact"] = id
			}
		}
	}
	res.after = func(s *Server, r *rec, old, _ map[string]any, _ time.Time) {
		if strVal(r, "currency") == "" {
			r.v["currency"] = s.opts.Currency
		}
	}
	res.search = func(s *Server, r *rec) []string {
		out := []string{strVal(r, "order_id")}
		return append(append(out, listStrings(r, "items", "sku")...), listStrings(r, "items", "name")...)
	}
	res.filter = func(s *Server, q url.Values) (func(*rec) bool, errMap) {
		if id := strings.TrimSpace(q.Get("order_id")); id != "" {
			return func(r *rec) bool { return strVal(r, "order_id") == id }, nil
		}
		return nil, nil
	}
	return res
}

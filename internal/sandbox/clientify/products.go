package clientify

import (
	"net/url"
	"strings"
)

// productsResource is /products/: id, sku, name, description, price, owner,
// custom_fields (reference §3.4; the other fields Clientify has are unknown).
// price is a JSON number, as deal amounts are (one DRF setting renders both).
func productsResource() *resource {
	res := &resource{name: "products", singular: "product", startID: 5520001, hooks: true,
		orderBy: []string{"name", "sku", "price"},
		fields: []field{
			computed("url"), computed("id"), {name: "name", kind: fStr, def: "", required: true, maxLen: 255},
			{name: "sku", kind: fStr, def: "", maxLen: 100}, str("description"), {name: "price", kind: fNum, def: 0.0},
			computed("owner"), computed("owner_name"), {name: "custom_fields", kind: fCustom},
			computed("created"), computed("modified"),
		}}
	res.computed = ownerFields()
	res.search = func(s *Server, r *rec) []string {
		return []string{strVal(r, "name"), strVal(r, "sku"), strVal(r, "description")}
	}
	res.filter = func(s *Server, q url.Values) (func(*rec) bool, errMap) {
		var tests []func(*rec) bool
		if sku := strings.TrimSpace(q.Get("sku")); sku != "" {
			tests = append(tests, func(r *rec) bool { return strVal(r, "sku") == sku })
		}
		if n := strings.TrimSpace(q.Get("name")); n != "" {
			tests = append(tests, func(r *rec) bool { return strings.EqualFold(strVal(r, "name"), n) })
		}
		return all(tests), nil
	}
	return res
}

package shopify

import (
	"net/url"
	"testing"
)

// Orders and products are reachable by global id in control paths: raw
// (gid://), escaped (gid%3A%2F%2F…) and folded by path cleaning (gid:/).
func TestControlGlobalIDPaths(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: -1, Products: 1})
	id, name, err := ts.CreateOrder(OrderSpec{Lines: []LineSpec{{"FRY-00001-01", 1}}})
	if err != nil {
		t.Fatal(err)
	}
	note := func() any {
		return dig(ts.gql(`query O($id: ID!) { order(id: $id) { note cancelledAt } }`, map[string]any{"id": id}).Data, "order", "note")
	}
	for _, ref := range []string{url.PathEscape(id), url.QueryEscape(id), id, "gid:/shopify/Order/" + id[len("gid://shopify/Order/"):], url.PathEscape(name)} {
		if code, m := ts.control("POST", "orders/"+ref+"/update", `{"note":"`+ref+`"}`); code != 200 || note() != ref {
			t.Errorf("update %s: %d %v, note %v", ref, code, m, note())
		}
	}
	if code, m := ts.control("POST", "orders/"+url.PathEscape(id)+"/cancel", `{"reason":"FRAUD"}`); code != 200 {
		t.Fatalf("cancel: %d %v", code, m)
	}
	a := ts.gql(`query O($id: ID!) { order(id: $id) { cancelledAt cancelReason } }`, map[string]any{"id": id})
	if dig(a.Data, "order", "cancelReason") != "FRAUD" {
		t.Errorf("not cancelled: %s", a.Raw)
	}
	a = ts.gql(`{ products(first: 1) { nodes { id } } }`, nil)
	p := dig(a.Data, "products", "nodes", 0, "id").(string)
	if code, m := ts.control("POST", "products/"+url.PathEscape(p)+"/update", `{"title":"Renamed"}`); code != 200 {
		t.Errorf("product update: %d %v", code, m)
	}
	if code, m := ts.control("GET", "products/"+url.PathEscape(p), ""); code != 200 || m["title"] != "Renamed" {
		t.Errorf("product: %d %v", code, m)
	}
}

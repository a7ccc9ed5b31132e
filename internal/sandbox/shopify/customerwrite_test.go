package shopify

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

const createCustomer = `mutation C($in: CustomerInput!) { customerCreate(input: $in) {
	customer { id email phone firstName lastName tags note defaultAddress { city countryCodeV2 country } updatedAt }
	userErrors { field message } } }`

const updateCustomer = `mutation U($in: CustomerInput!) { customerUpdate(input: $in) {
	customer { id email firstName tags updatedAt } userErrors { field message } } }`

func TestCustomerCreateUpdate(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: -1, Products: 1, Customers: 2, WebhookBackoff: 10 * time.Millisecond})
	rcv := newReceiver(t, 0)
	for _, topic := range []string{"CUSTOMERS_CREATE", "CUSTOMERS_UPDATE"} {
		ts.gql(subscribe, map[string]any{"topic": topic, "url": rcv.srv.URL})
	}
	a := ts.gql(createCustomer, map[string]any{"in": map[string]any{"email": "ada@example.com", "firstName": "Ada", "lastName": "L",
		"phone": "+358401234567", "tags": []any{"vip"}, "addresses": []any{map[string]any{"address1": "Katu 1", "city": "Oulu", "zip": "90100", "countryCode": "FI"}}}})
	if e := userErrs(a); len(e) > 0 {
		t.Fatal(e)
	}
	c := dig(a.Data, "customerCreate", "customer")
	if dig(c, "defaultAddress", "countryCodeV2") != "FI" || dig(c, "defaultAddress", "country") != "Finland" || dig(c, "tags", 0) != "vip" {
		t.Errorf("created: %v", c)
	}
	id := dig(c, "id").(string)
	if got := dig(ts.gql(`{ customers(first: 5, query: "email:ada@example.com") { nodes { id } } }`, nil).Data, "customers", "nodes", 0, "id"); got != id {
		t.Errorf("search: %v", got)
	}
	a = ts.gql(updateCustomer, map[string]any{"in": map[string]any{"id": id, "firstName": "Augusta", "email": "ADA@example.com"}})
	u := dig(a.Data, "customerUpdate", "customer")
	if len(userErrs(a)) > 0 || dig(u, "firstName") != "Augusta" || dig(u, "updatedAt").(string) < dig(c, "updatedAt").(string) {
		t.Errorf("update: %s", a.Raw)
	}
	waitFor(t, "customers/create and customers/update", func() bool {
		return hasTopic(rcv.got(), "customers/create") && hasTopic(rcv.got(), "customers/update")
	})
	want := topKeys(t, sample(t, "webhooks/customers-create.rest-2025-01.json"))
	for _, h := range rcv.got() {
		if got := topKeys(t, h.body); !reflect.DeepEqual(got, want) {
			t.Errorf("%s keys:\n got %v\nwant %v", h.header.Get("X-Shopify-Topic"), got, want)
		}
	}
}

func TestCustomerUserErrors(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: -1, Products: 1, Customers: 2})
	seeded := dig(ts.gql(`{ customers(first: 2) { nodes { id email phone } } }`, nil).Data, "customers", "nodes").([]any)
	for _, c := range []struct {
		name, query string
		in          map[string]any
		want        string
	}{
		{"taken email", createCustomer, map[string]any{"email": strings.ToUpper(dig(seeded[0], "email").(string))}, "email"},
		{"taken phone", createCustomer, map[string]any{"phone": dig(seeded[0], "phone")}, "phone"},
		{"bad email", createCustomer, map[string]any{"email": "not-an-email"}, "email"},
		{"bad phone", createCustomer, map[string]any{"phone": "12ab"}, "phone"},
		{"nothing", createCustomer, map[string]any{"note": "x"}, ""},
		{"update missing", updateCustomer, map[string]any{"id": "gid://shopify/Customer/1", "note": "x"}, "id"},
		{"update to a taken email", updateCustomer, map[string]any{"id": dig(seeded[1], "id"), "email": dig(seeded[0], "email")}, "email"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := ts.State().Customers
			a := ts.gql(c.query, map[string]any{"in": c.in})
			if got := userErrs(a); !reflect.DeepEqual(got, []string{c.want}) {
				t.Errorf("userErrors %q, want [%q]: %s", got, c.want, a.Raw)
			}
			if ts.State().Customers != before {
				t.Error("a failed mutation made a customer")
			}
		})
	}
}

func TestOrderEdits(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: -1, Products: 1})
	id, _, _ := ts.CreateOrder(OrderSpec{Lines: []LineSpec{{"FRY-00001-01", 1}}})
	pi, _ := ts.Product("")
	for _, c := range []struct {
		name, query string
		vars        map[string]any
		path        []any
		want        any
	}{
		{"orderUpdate", `mutation($in: OrderInput!) { orderUpdate(input: $in) { order { note tags } userErrors { field message } } }`,
			map[string]any{"in": map[string]any{"id": id, "note": "gift", "tags": []any{"seed", "b2b"}}}, []any{"orderUpdate", "order", "note"}, "gift"},
		{"tagsAdd order", `mutation($id: ID!) { tagsAdd(id: $id, tags: ["late", "seed"]) { node { ... on Order { tags } } userErrors { field message } } }`,
			map[string]any{"id": id}, []any{"tagsAdd", "node", "tags", 2}, "late"},
		{"tagsRemove order", `mutation($id: ID!) { tagsRemove(id: $id, tags: ["b2b"]) { node { ... on Order { tags } } userErrors { field message } } }`,
			map[string]any{"id": id}, []any{"tagsRemove", "node", "tags", 1}, "late"},
		{"tagsAdd product", `mutation($id: ID!) { tagsAdd(id: $id, tags: "x, y") { node { ... on Product { tags } } userErrors { field message } } }`,
			map[string]any{"id": pi.ID}, []any{"tagsAdd", "node", "tags", 2}, "y"},
		{"orderClose", `mutation($id: ID!) { orderClose(input: {id: $id}) { order { closed } userErrors { field message } } }`,
			map[string]any{"id": id}, []any{"orderClose", "order", "closed"}, true},
		{"orderOpen", `mutation($id: ID!) { orderOpen(input: {id: $id}) { order { closed closedAt } userErrors { field message } } }`,
			map[string]any{"id": id}, []any{"orderOpen", "order", "closed"}, false},
		{"orderUpdate missing", `mutation { orderUpdate(input: {id: "gid://shopify/Order/1", note: "x"}) { order { id } userErrors { field message } } }`,
			nil, []any{"orderUpdate", "userErrors", 0, "field", 0}, "id"},
		{"tagsAdd missing", `mutation { tagsAdd(id: "gid://shopify/Order/1", tags: ["x"]) { node { id } userErrors { field message } } }`,
			nil, []any{"tagsAdd", "userErrors", 0, "field", 0}, "id"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := ts.gql(c.query, c.vars)
			if got := dig(a.Data, c.path...); got != c.want {
				t.Errorf("%v = %v, want %v: %s", c.path, got, c.want, a.Raw)
			}
		})
	}
	a := ts.gql(`{ orders(first: 5, query: "tag:late") { nodes { id } } }`, nil)
	if dig(a.Data, "orders", "nodes", 0, "id") != id {
		t.Errorf("tag search: %s", a.Raw)
	}
}

package shopify

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

const createProduct = `mutation C($p: ProductCreateInput) { productCreate(product: $p) {
	product { id handle title status tags descriptionHtml updatedAt hasOnlyDefaultVariant
		options { id name position values optionValues { id name hasVariants } }
		variants(first: 10) { nodes { id title sku price selectedOptions { name value }
			inventoryItem { id sku tracked inventoryLevels(first: 5) { nodes { location { id } quantities(names: ["available", "on_hand"]) { name quantity } } } } } } }
	userErrors { field message } } }`

const setProduct = `mutation S($in: ProductSetInput!) { productSet(input: $in) {
	product { id handle title options { name values } variants(first: 50) { nodes { id title sku price inventoryQuantity } } }
	userErrors { field message code } } }`

const bulkCreate = `mutation B($p: ID!, $v: [ProductVariantsBulkInput!]!, $s: ProductVariantsBulkCreateStrategy) {
	productVariantsBulkCreate(productId: $p, variants: $v, strategy: $s) {
	product { id variantsCount { count } options { name values } }
	productVariants { id title sku price inventoryQuantity inventoryItem { tracked unitCost { amount } } }
	userErrors { field message code } } }`

const bulkUpdate = `mutation U($p: ID!, $v: [ProductVariantsBulkInput!]!, $partial: Boolean) {
	productVariantsBulkUpdate(productId: $p, variants: $v, allowPartialUpdates: $partial) {
	product { id updatedAt } productVariants { id title price sku compareAtPrice } userErrors { field message code } } }`

const bulkDelete = `mutation D($p: ID!, $ids: [ID!]!) { productVariantsBulkDelete(productId: $p, variantsIds: $ids) {
	product { id variantsCount { count } options { name values } } userErrors { field message code } } }`

// userErrs answers the userErrors of the one mutation in a, as [field, code]
// strings ("variants.0.price NEGATIVE_PRICE_VALUE").
func userErrs(a answer) []string {
	var out []string
	for _, v := range a.Data {
		for _, e := range dig(v, "userErrors").([]any) {
			var f []string
			for _, x := range argList(dig(e, "field")) {
				f = append(f, x.(string))
			}
			code, _ := dig(e, "code").(string)
			out = append(out, strings.TrimSpace(strings.Join(f, ".")+" "+code))
		}
	}
	return out
}

func sizes3() map[string]any {
	return map[string]any{"name": "Size", "values": []any{map[string]any{"name": "S"}, map[string]any{"name": "M"}, map[string]any{"name": "L"}}}
}

func TestProductCreateReadBack(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: -1, Products: 2})
	a := ts.gql(createProduct, map[string]any{"p": map[string]any{"title": "Wool Hat!", "tags": []any{"winter"}, "descriptionHtml": "<p>Warm</p>",
		"productOptions": []any{sizes3(), map[string]any{"name": "Color", "values": []any{map[string]any{"name": "Red"}}}}}})
	if e := userErrs(a); len(e) > 0 {
		t.Fatal(e)
	}
	p := dig(a.Data, "productCreate", "product")
	if dig(p, "handle") != "wool-hat" || dig(p, "status") != "ACTIVE" || dig(p, "hasOnlyDefaultVariant") != false {
		t.Errorf("product: %v", p)
	}
	if a.Extensions.Cost.Requested == 0 || a.Extensions.Cost.Actual == nil || a.Extensions.Cost.ThrottleStatus.Max == 0 {
		t.Errorf("cost extension: %s", a.Raw)
	}
	v := dig(p, "variants", "nodes", 0)
	if dig(v, "title") != "S / Red" || dig(v, "price") != "0.0" || dig(v, "inventoryItem", "tracked") != true {
		t.Errorf("variant: %v", v)
	}
	levels := dig(v, "inventoryItem", "inventoryLevels", "nodes").([]any)
	if len(levels) != 2 || dig(levels[1], "quantities", 0, "quantity") != 0.0 {
		t.Errorf("levels: %v", levels)
	}
	if got := dig(p, "options", 0, "optionValues", 1); dig(got, "name") != "M" || dig(got, "hasVariants") != false {
		t.Errorf("option values: %v", dig(p, "options"))
	}
	id := dig(p, "id").(string)
	for _, q := range []struct{ query, path string }{
		{`query($id: ID!) { product(id: $id) { id } }`, "product.id"},
		{`{ productByHandle(handle: "wool-hat") { id } }`, "productByHandle.id"},
		{`{ products(first: 5, query: "handle:wool-hat OR sku:NOPE") { nodes { id } } }`, "products.nodes.0.id"},
		{`{ products(first: 5, query: "tag:winter") { nodes { id } } }`, "products.nodes.0.id"},
	} {
		a := ts.gql(q.query, map[string]any{"id": id})
		var path []any
		for _, k := range strings.Split(q.path, ".") {
			if k == "0" {
				path = append(path, 0)
			} else {
				path = append(path, k)
			}
		}
		if got := dig(a.Data, path...); got != id {
			t.Errorf("%s: %v", q.query, got)
		}
	}
	// A second product of the same title gets the next handle.
	a = ts.gql(createProduct, map[string]any{"p": map[string]any{"title": "Wool hat"}})
	if h := dig(a.Data, "productCreate", "product", "handle"); h != "wool-hat-1" {
		t.Errorf("second handle %v", h)
	}
	if dig(a.Data, "productCreate", "product", "variants", "nodes", 0, "title") != "Default Title" ||
		dig(a.Data, "productCreate", "product", "hasOnlyDefaultVariant") != true {
		t.Errorf("default variant: %v", dig(a.Data, "productCreate", "product"))
	}
	if n := ts.ProductCount(); n != 4 {
		t.Errorf("ProductCount = %d", n)
	}
}

func TestProductCreateUpdateUserErrors(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: -1, Products: 2})
	seeded := dig(ts.gql(`{ products(first: 1) { nodes { id handle } } }`, nil).Data, "products", "nodes", 0)
	update := `mutation U($p: ProductUpdateInput) { productUpdate(product: $p) { product { id } userErrors { field message } } }`
	for _, c := range []struct {
		name, query string
		in          map[string]any
		want        string
	}{
		{"blank title", createProduct, map[string]any{"title": "  "}, "title"},
		{"taken handle", createProduct, map[string]any{"title": "X", "handle": seeded.(map[string]any)["handle"]}, "handle"},
		{"option twice", createProduct, map[string]any{"title": "X", "productOptions": []any{sizes3(), sizes3()}}, "productOptions.1.name"},
		{"option without values", createProduct, map[string]any{"title": "X", "productOptions": []any{map[string]any{"name": "Size"}}}, "productOptions.0.values"},
		{"four options", createProduct, map[string]any{"title": "X", "productOptions": []any{sizes3(), sizes3(), sizes3(), sizes3()}}, "productOptions"},
		{"update missing", update, map[string]any{"id": "gid://shopify/Product/1", "title": "Y"}, "id"},
		{"update blank title", update, map[string]any{"id": dig(seeded, "id"), "title": ""}, "title"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := ts.ProductCount()
			a := ts.gql(c.query, map[string]any{"p": c.in})
			if got := userErrs(a); !reflect.DeepEqual(got, []string{c.want}) {
				t.Errorf("userErrors %v, want [%s]", got, c.want)
			}
			if ts.ProductCount() != before {
				t.Error("a failed mutation made a product")
			}
		})
	}
}

func TestProductUpdate(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: -1, Products: 1})
	pi, _ := ts.Product("")
	a := ts.gql(`mutation U($p: ProductUpdateInput) { productUpdate(product: $p) { product { id title tags vendor status updatedAt } userErrors { field message } } }`,
		map[string]any{"p": map[string]any{"id": pi.ID, "title": "New Name", "tags": []any{"a", "b"}, "status": "DRAFT"}})
	p := dig(a.Data, "productUpdate", "product")
	if dig(p, "title") != "New Name" || len(dig(p, "tags").([]any)) != 2 || dig(p, "status") != "DRAFT" {
		t.Errorf("updated: %v", p)
	}
	after, _ := ts.Product(pi.ID)
	if !after.UpdatedAt.After(pi.UpdatedAt) || after.Title != "New Name" || after.Handle != pi.Handle {
		t.Errorf("before %+v after %+v", pi, after)
	}
}

func TestVariantsBulk(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: -1, Products: 1})
	a := ts.gql(createProduct, map[string]any{"p": map[string]any{"title": "Socks", "productOptions": []any{sizes3()}}})
	pid := dig(a.Data, "productCreate", "product", "id").(string)
	loc := dig(ts.gql(`{ location { id } }`, nil).Data, "location", "id")
	mk := func(size, sku, price string) map[string]any {
		return map[string]any{"optionValues": []any{map[string]any{"optionName": "Size", "name": size}}, "price": price,
			"inventoryItem":       map[string]any{"sku": sku, "tracked": true, "cost": "2.50"},
			"inventoryQuantities": []any{map[string]any{"locationId": loc, "availableQuantity": 7}}}
	}
	a = ts.gql(bulkCreate, map[string]any{"p": pid, "s": "REMOVE_STANDALONE_VARIANT",
		"v": []any{mk("S", "SOCK-S", "9.90"), mk("M", "SOCK-M", "9.90"), mk("XL", "SOCK-XL", "10")}})
	if e := userErrs(a); len(e) > 0 {
		t.Fatal(e)
	}
	r := dig(a.Data, "productVariantsBulkCreate")
	if dig(r, "product", "variantsCount", "count") != 3.0 || dig(r, "productVariants", 2, "inventoryQuantity") != 7.0 ||
		dig(r, "productVariants", 0, "inventoryItem", "unitCost", "amount") != "2.5" {
		t.Fatalf("bulk create: %v", r)
	}
	// L had no variant and went with the standalone one; XL was added.
	if got := fmt.Sprint(dig(r, "product", "options", 0, "values")); got != "[S M XL]" {
		t.Errorf("values %s", got)
	}
	for _, q := range []string{`{ productVariants(first: 5, query: "sku:SOCK-M") { nodes { id sku } } }`,
		`{ inventoryItems(first: 5, query: "sku:SOCK-M") { nodes { id sku } } }`,
		`{ products(first: 5, query: "sku:SOCK-M") { nodes { id } } }`} {
		a := ts.gql(q, nil)
		for _, v := range a.Data {
			if n := len(dig(v, "nodes").([]any)); n != 1 {
				t.Errorf("%s: %d nodes", q, n)
			}
		}
	}
	vs := dig(r, "productVariants").([]any)
	a = ts.gql(bulkUpdate, map[string]any{"p": pid, "v": []any{
		map[string]any{"id": dig(vs[0], "id"), "price": "12.00", "compareAtPrice": "15", "inventoryItem": map[string]any{"sku": "SOCK-S2"}},
		map[string]any{"id": dig(vs[2], "id"), "optionValues": []any{map[string]any{"optionName": "Size", "name": "L"}}}}})
	if e := userErrs(a); len(e) > 0 {
		t.Fatal(e)
	}
	u := dig(a.Data, "productVariantsBulkUpdate", "productVariants")
	if dig(u, 0, "price") != "12.0" || dig(u, 0, "sku") != "SOCK-S2" || dig(u, 0, "compareAtPrice") != "15.0" || dig(u, 1, "title") != "L" {
		t.Errorf("bulk update: %v", u)
	}
	a = ts.gql(bulkDelete, map[string]any{"p": pid, "ids": []any{dig(vs[1], "id")}})
	if e := userErrs(a); len(e) > 0 || dig(a.Data, "productVariantsBulkDelete", "product", "variantsCount", "count") != 2.0 {
		t.Fatalf("delete: %v %s", e, a.Raw)
	}
	if a := ts.gql(`query($id: ID!) { productVariant(id: $id) { id } }`, map[string]any{"id": dig(vs[1], "id")}); dig(a.Data, "productVariant") != nil {
		t.Error("deleted variant still answers")
	}
}

func TestVariantsBulkUserErrors(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: -1, Products: 2})
	pi, _ := ts.Product("")
	other, _ := ts.Product(ts.productIDs()[1])
	size := func(v string) []any { return []any{map[string]any{"optionName": "Size", "name": v}} }
	many := make([]any, maxVariants)
	for i := range many {
		many[i] = map[string]any{"optionValues": size(fmt.Sprint("N", i))}
	}
	for _, c := range []struct {
		name, query string
		vars        map[string]any
		want        []string
	}{
		{"no product", bulkCreate, map[string]any{"p": "gid://shopify/Product/1", "v": []any{}}, []string{"productId PRODUCT_DOES_NOT_EXIST"}},
		{"exists", bulkCreate, map[string]any{"p": pi.ID, "v": []any{map[string]any{"optionValues": size(pi.Variants[0].Title)}}},
			[]string{"variants.0 VARIANT_ALREADY_EXISTS"}},
		{"twice in one call", bulkCreate, map[string]any{"p": pi.ID, "v": []any{map[string]any{"optionValues": size("Q")}, map[string]any{"optionValues": size("Q")}}},
			[]string{"variants.1 VARIANT_ALREADY_EXISTS"}},
		{"unknown option", bulkCreate, map[string]any{"p": pi.ID, "v": []any{map[string]any{"optionValues": []any{map[string]any{"optionName": "Color", "name": "Red"}}}}},
			[]string{"variants.0.optionValues.0 OPTION_VALUES_FOR_NUMBER_OF_UNKNOWN_OPTIONS"}},
		{"no values", bulkCreate, map[string]any{"p": pi.ID, "v": []any{map[string]any{"price": "1"}}}, []string{"variants.0.optionValues NEED_TO_ADD_OPTION_VALUES"}},
		{"negative price", bulkCreate, map[string]any{"p": pi.ID, "v": []any{map[string]any{"optionValues": size("Q"), "price": "-1"}}},
			[]string{"variants.0.price NEGATIVE_PRICE_VALUE"}},
		{"bad price", bulkCreate, map[string]any{"p": pi.ID, "v": []any{map[string]any{"optionValues": size("Q"), "compareAtPrice": "abc"}}},
			[]string{"variants.0.compareAtPrice INVALID_INPUT"}},
		{"too many", bulkCreate, map[string]any{"p": pi.ID, "v": many}, []string{"variants INVALID_INPUT"}},
		{"bad location", bulkCreate, map[string]any{"p": pi.ID, "v": []any{map[string]any{"optionValues": size("Q"),
			"inventoryQuantities": []any{map[string]any{"locationId": "gid://shopify/Location/1", "availableQuantity": 1}}}}},
			[]string{"variants.0.inventoryQuantities.0.locationId TRACKED_VARIANT_LOCATION_NOT_FOUND"}},
		{"update no id", bulkUpdate, map[string]any{"p": pi.ID, "v": []any{map[string]any{"price": "1"}}}, []string{"variants.0.id PRODUCT_VARIANT_ID_MISSING"}},
		{"update other product", bulkUpdate, map[string]any{"p": pi.ID, "v": []any{map[string]any{"id": other.Variants[0].ID, "price": "1"}}},
			[]string{"variants.0.id MUST_BE_FOR_THIS_PRODUCT"}},
		{"update quantities", bulkUpdate, map[string]any{"p": pi.ID, "v": []any{map[string]any{"id": pi.Variants[0].ID,
			"inventoryQuantities": []any{map[string]any{"locationId": "gid://shopify/Location/1", "availableQuantity": 1}}}}},
			[]string{"variants.0.inventoryQuantities NO_INVENTORY_QUANTITIES_ON_VARIANTS_UPDATE"}},
		{"update to a taken value", bulkUpdate, map[string]any{"p": pi.ID, "v": []any{map[string]any{"id": pi.Variants[0].ID, "optionValues": size(pi.Variants[1].Title)}}},
			[]string{"variants.0 VARIANT_ALREADY_EXISTS"}},
		{"update unknown option", bulkUpdate, map[string]any{"p": pi.ID, "v": []any{map[string]any{"id": pi.Variants[0].ID,
			"optionValues": []any{map[string]any{"optionName": "Color", "name": "Red"}}}}}, []string{"variants.0.optionValues.0 OPTION_DOES_NOT_EXIST"}},
		{"update negative", bulkUpdate, map[string]any{"p": pi.ID, "v": []any{map[string]any{"id": pi.Variants[0].ID, "price": "-0.01"}}},
			[]string{"variants.0.price NEGATIVE_PRICE_VALUE"}},
		{"delete foreign", bulkDelete, map[string]any{"p": pi.ID, "ids": []any{other.Variants[0].ID}}, []string{"variantsIds AT_LEAST_ONE_VARIANT_DOES_NOT_BELONG_TO_THE_PRODUCT"}},
		{"delete all", bulkDelete, map[string]any{"p": pi.ID, "ids": []any{pi.Variants[0].ID, pi.Variants[1].ID, pi.Variants[2].ID}},
			[]string{"variantsIds CANNOT_DELETE_LAST_VARIANT"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := ts.gql(c.query, c.vars)
			if got := userErrs(a); !reflect.DeepEqual(got, c.want) {
				t.Errorf("userErrors %v, want %v", got, c.want)
			}
		})
	}
	after, _ := ts.Product(pi.ID)
	if !reflect.DeepEqual(after, pi) {
		t.Errorf("failed mutations changed the product:\n%+v\n%+v", pi, after)
	}
	// allowPartialUpdates lets the valid one through.
	a := ts.gql(bulkUpdate, map[string]any{"p": pi.ID, "partial": true, "v": []any{
		map[string]any{"id": pi.Variants[0].ID, "price": "-1"}, map[string]any{"id": pi.Variants[1].ID, "price": "5"}}})
	if got := userErrs(a); len(got) != 1 || len(dig(a.Data, "productVariantsBulkUpdate", "productVariants").([]any)) != 1 {
		t.Errorf("partial: %s", a.Raw)
	}
}

func TestProductSetUpsert(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: -1, Products: 1})
	loc := dig(ts.gql(`{ location { id } }`, nil).Data, "location", "id")
	v := func(size, sku string) map[string]any {
		return map[string]any{"optionValues": []any{map[string]any{"optionName": "Size", "name": size}}, "sku": sku, "price": "19.90",
			"inventoryQuantities": []any{map[string]any{"locationId": loc, "name": "available", "quantity": 3}}}
	}
	in := map[string]any{"title": "Scarf", "handle": "ferry-scarf", "productOptions": []any{sizes3()},
		"variants": []any{v("S", "SC-S"), v("M", "SC-M"), v("L", "SC-L")}}
	a := ts.gql(setProduct, map[string]any{"in": in})
	if e := userErrs(a); len(e) > 0 {
		t.Fatal(e)
	}
	first := dig(a.Data, "productSet", "product")
	if dig(first, "handle") != "ferry-scarf" || len(dig(first, "variants", "nodes").([]any)) != 3 || dig(first, "variants", "nodes", 0, "inventoryQuantity") != 3.0 {
		t.Fatalf("created: %v", first)
	}
	// Sent again without the id (a retry after a lost answer): the handle is
	// taken, so no second product.
	a = ts.gql(setProduct, map[string]any{"in": in})
	if got := userErrs(a); !reflect.DeepEqual(got, []string{"input.handle HANDLE_NOT_UNIQUE"}) || ts.ProductCount() != 2 {
		t.Fatalf("retry: %v, %d products", got, ts.ProductCount())
	}
	// With the id, the same input twice changes no ids.
	in["id"] = dig(first, "id")
	for range 2 {
		a = ts.gql(setProduct, map[string]any{"in": in})
		if e := userErrs(a); len(e) > 0 {
			t.Fatal(e)
		}
		if got := dig(a.Data, "productSet", "product"); !reflect.DeepEqual(got, first) {
			t.Fatalf("upsert changed it:\n%v\n%v", first, got)
		}
	}
	if ts.ProductCount() != 2 {
		t.Fatalf("%d products", ts.ProductCount())
	}
	// Fewer variants: the missing one goes.
	in["variants"] = []any{v("S", "SC-S"), v("M", "SC-M2")}
	a = ts.gql(setProduct, map[string]any{"in": in})
	got := dig(a.Data, "productSet", "product", "variants", "nodes").([]any)
	if len(got) != 2 || dig(got[0], "id") != dig(first, "variants", "nodes", 0, "id") || dig(got[1], "sku") != "SC-M2" {
		t.Errorf("after removing L: %v", got)
	}
	// synchronous: false answers a finished operation.
	a = ts.gql(`mutation S($in: ProductSetInput!) { productSet(input: $in, synchronous: false) { product { id } productSetOperation { status product { id } } userErrors { code } } }`,
		map[string]any{"in": in})
	if dig(a.Data, "productSet", "productSetOperation", "status") != "COMPLETE" || dig(a.Data, "productSet", "product") != nil {
		t.Errorf("async: %s", a.Raw)
	}
}

func TestProductSetUserErrors(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: -1, Products: 1})
	size := func(v string) map[string]any {
		return map[string]any{"optionValues": []any{map[string]any{"optionName": "Size", "name": v}}}
	}
	many := make([]any, maxVariants+1)
	for i := range many {
		many[i] = size("S")
	}
	for _, c := range []struct {
		name string
		in   map[string]any
		want string
	}{
		{"no title", map[string]any{"handle": "x"}, "input.title INVALID_PRODUCT"},
		{"no product", map[string]any{"id": "gid://shopify/Product/1", "title": "X"}, "input.id PRODUCT_DOES_NOT_EXIST"},
		{"variants without options", map[string]any{"title": "X", "variants": []any{size("S")}}, "input.productOptions PRODUCT_OPTIONS_INPUT_MISSING"},
		{"options without variants", map[string]any{"title": "X", "productOptions": []any{sizes3()}}, "input.variants VARIANTS_INPUT_MISSING"},
		{"too many", map[string]any{"title": "X", "productOptions": []any{sizes3()}, "variants": many}, "input.variants VARIANTS_OVER_LIMIT"},
		{"value not in options", map[string]any{"title": "X", "productOptions": []any{sizes3()}, "variants": []any{size("XXL")}},
			"input.variants.0.optionValues.0 OPTION_VALUE_DOES_NOT_EXIST"},
		{"unknown option", map[string]any{"title": "X", "productOptions": []any{sizes3()}, "variants": []any{
			map[string]any{"optionValues": []any{map[string]any{"optionName": "Color", "name": "Red"}}}}}, "input.variants.0.optionValues.0 OPTION_DOES_NOT_EXIST"},
		{"same values twice", map[string]any{"title": "X", "productOptions": []any{sizes3()}, "variants": []any{size("S"), size("S")}}, "input.variants.1 INVALID_VARIANT"},
		{"negative price", map[string]any{"title": "X", "productOptions": []any{sizes3()}, "variants": []any{
			map[string]any{"optionValues": size("S")["optionValues"], "price": "-5"}}}, "input.variants.0.price INVALID_VARIANT"},
		{"duplicate option", map[string]any{"title": "X", "productOptions": []any{sizes3(), sizes3()}, "variants": []any{size("S")}},
			"input.productOptions.1.name DUPLICATED_OPTION_NAME"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := ts.gql(setProduct, map[string]any{"in": c.in})
			if got := userErrs(a); !reflect.DeepEqual(got, []string{c.want}) {
				t.Errorf("userErrors %v, want [%s]", got, c.want)
			}
			if ts.ProductCount() != 1 {
				t.Error("a failed productSet made a product")
			}
		})
	}
	// Duplicate SKUs are allowed (Shopify counts them, duplicateSkuCount).
	a := ts.gql(setProduct, map[string]any{"in": map[string]any{"title": "Dup", "productOptions": []any{sizes3()}, "variants": []any{
		map[string]any{"optionValues": size("S")["optionValues"], "sku": "SAME"}, map[string]any{"optionValues": size("M")["optionValues"], "sku": "SAME"}}}})
	if e := userErrs(a); len(e) > 0 {
		t.Errorf("duplicate SKUs refused: %v", e)
	}
}

func TestProductWebhooksAndCommitThenFail(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: -1, Products: 1, WebhookBackoff: 10 * time.Millisecond})
	rcv := newReceiver(t, 0)
	for _, topic := range []string{"PRODUCTS_CREATE", "PRODUCTS_UPDATE"} {
		ts.gql(subscribe, map[string]any{"topic": topic, "url": rcv.srv.URL})
	}
	if err := ts.SetCommitThenFail(CommitThenFail{Next: 1}); err != nil {
		t.Fatal(err)
	}
	a := ts.post(ts.Options().AccessToken, "2025-01", map[string]any{"query": createProduct,
		"variables": map[string]any{"p": map[string]any{"title": "Lost Answer", "productOptions": []any{sizes3()}}}})
	if a.Status != 500 {
		t.Fatalf("commit-then-fail: %d %s", a.Status, a.Raw)
	}
	pi, ok := ts.Product("lost-answer")
	if !ok || len(pi.Variants) != 1 {
		t.Fatalf("the product was not kept: %+v", pi)
	}
	ts.gql(bulkCreate, map[string]any{"p": pi.ID, "v": []any{map[string]any{"optionValues": []any{map[string]any{"optionName": "Size", "name": "M"}}}}})
	waitFor(t, "products/create and products/update", func() bool {
		return hasTopic(rcv.got(), "products/create") && hasTopic(rcv.got(), "products/update")
	})
	want := topKeys(t, sample(t, "webhooks/products-update.rest-2025-01.json"))
	for _, h := range rcv.got() {
		if got := topKeys(t, h.body); !reflect.DeepEqual(got, want) {
			t.Errorf("%s keys:\n got %v\nwant %v", h.header.Get("X-Shopify-Topic"), got, want)
		}
		if !strings.Contains(string(h.body), `"admin_graphql_api_id":"`+pi.ID+`"`) {
			t.Errorf("body: %s", h.body)
		}
	}
}

func (ts *testShop) productIDs() []string {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	var out []string
	for _, p := range ts.st.products {
		out = append(out, gid("Product", p.id))
	}
	return out
}

func TestProductControlEndpoint(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: -1, Products: 1})
	pi, _ := ts.Product("")
	for _, ref := range []string{pi.ID, pi.Handle, strings.TrimPrefix(pi.ID, "gid://shopify/Product/")} {
		resp, err := http.Get(ts.http.URL + "/_sandbox/products/" + ref)
		if err != nil {
			t.Fatal(err)
		}
		var got ProductInfo
		err = json.NewDecoder(resp.Body).Decode(&got)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || got.ID != pi.ID || len(got.Variants) != 3 || got.Variants[0].SKU != "FRY-00001-01" {
			t.Errorf("%s: %d %+v %v", ref, resp.StatusCode, got, err)
		}
	}
	if resp, _ := http.Get(ts.http.URL + "/_sandbox/products/nope"); resp.StatusCode != 404 {
		t.Errorf("unknown: %d", resp.StatusCode)
	}
}

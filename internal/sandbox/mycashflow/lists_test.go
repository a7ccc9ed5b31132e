package mycashflow

import (
	"fmt"
	"testing"
)

// TestVariationCodes: variations have product_codes of their own, stock is kept
// per variation code, and /stock/{code} serves and writes variation codes.
func TestVariationCodes(t *testing.T) {
	t.Parallel()
	f := emptyShop(t)
	r := f.must(200, "GET", "/api/v1/products?page_size=1000&expand=variations,variations.stock_item,stock_item", nil)
	withVariations := 0
	for _, v := range r.list() {
		p := v.(map[string]any)
		vs, _ := p["variations"].([]any)
		if len(vs) == 0 {
			continue
		}
		withVariations++
		parent := p["product_code"].(string)
		if _, isArray := p["stock_item"].([]any); !isArray {
			t.Errorf("%s: a parent with variations has stock_item %v, want []", parent, p["stock_item"])
		}
		checkError(t, f.do("GET", "/api/v1/stock/"+parent, nil), 404, "no stock item")
		for _, vv := range vs {
			va := vv.(map[string]any)
			code := va["product_code"].(string)
			if code == parent || code == "" {
				t.Errorf("%s: variation %d has code %q", parent, id(va), code)
			}
			si := f.must(200, "GET", "/api/v1/stock/"+code, nil).data()
			if si["code"] != code || int(num(si["variation_id"])) != id(va) || int(num(si["product_id"])) != id(p) {
				t.Errorf("stock of %s: %v", code, si)
			}
		}
	}
	if withVariations == 0 {
		t.Fatal("no product with variations")
	}
	_, _, lBefore := stockOf(t, f, "TSHIRT-L")
	f.must(200, "PATCH", "/api/v1/stock/TSHIRT-M", map[string]any{"quantity": 33})
	if q, _, _ := stockOf(t, f, "TSHIRT-M"); q != 33 {
		t.Fatalf("TSHIRT-M quantity %d after PATCH 33", q)
	}
	if _, _, b := stockOf(t, f, "TSHIRT-L"); b != lBefore {
		t.Fatalf("PATCH of TSHIRT-M changed TSHIRT-L: %d → %d", lBefore, b)
	}
}

// TestWebhooksPage: GET /webhooks pages like every list, so a client reading
// only the first page misses subscriptions.
func TestWebhooksPage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{Products: -1, Orders: -1})
	const n = DefaultPageSize + 10
	for i := 0; i < n; i++ {
		f.must(201, "POST", "/api/v1/webhooks", map[string]any{"topic": "order.created", "url": fmt.Sprintf("http://127.0.0.1:1/hook/%d", i)})
	}
	r := f.must(200, "GET", "/api/v1/webhooks", nil)
	next, _ := r.meta()["next"].(string)
	if len(r.list()) != DefaultPageSize || next == "" || int(num(r.meta()["item_count"])) != n {
		t.Fatalf("first page: %d items, meta %v", len(r.list()), r.meta())
	}
	seen := map[string]bool{}
	for _, p := range []resp{r, f.must(200, "GET", next, nil)} {
		for _, v := range p.list() {
			seen[v.(map[string]any)["uuid"].(string)] = true
		}
	}
	if r2 := f.must(200, "GET", next, nil); r2.meta()["next"] != nil || len(seen) != n {
		t.Fatalf("second page meta %v; %d distinct of %d", r2.meta(), len(seen), n)
	}
	if r := f.must(200, "GET", "/api/v1/webhooks?page_size=25&page=3", nil); len(r.list()) != 10 || r.meta()["next"] != nil {
		t.Fatalf("page 3 of 25: %s", r.Raw)
	}
}

// TestQuickProcessStock: quick-process lowers the shop's own quantity by what it
// delivers and releases that order's reservation only; balance = quantity −
// reserved throughout.
func TestQuickProcessStock(t *testing.T) {
	t.Parallel()
	f := emptyShop(t)
	f.must(200, "PATCH", "/api/v1/stock/MUG", map[string]any{"quantity": 10})
	a := f.must(201, "POST", "/api/v1/orders", orderBody("MUG", 3)).data()
	f.must(201, "POST", "/api/v1/orders", orderBody("MUG", 2))
	if q, res, b := stockOf(t, f, "MUG"); q != 10 || res != 5 || b != 5 {
		t.Fatalf("after two orders: %d/%d/%d", q, res, b)
	}
	f.must(200, "POST", fmt.Sprintf("/api/v1/orders/%d/quick-process", id(a)), map[string]any{"tracking_code": "JJFI1"})
	if q, res, b := stockOf(t, f, "MUG"); q != 7 || res != 2 || b != 5 {
		t.Fatalf("after quick-process of 3: quantity/reserved/balance %d/%d/%d, want 7/2/5", q, res, b)
	}
	rows := f.srv.StockChanges("MUG")
	last := rows[len(rows)-1]
	if last.Reason != "order_delivered" || last.QuantityChange != -3 || last.ReservedChange != -3 || last.OrderID != id(a) {
		t.Fatalf("ledger row %+v", last)
	}
}

package flow_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/connector/shopify"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/sandbox/fault"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
	odoosandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
	sfysandbox "github.com/ferryhub/ferry/internal/sandbox/shopify"
)

// Shopify sets available quantities: the stock route compares those.
var _ flow.AvailableStockSink = (*shopify.Client)(nil)

// stockWrites watches the stock writes a Shopify sandbox gets: each
// inventorySetQuantities input, and the stale compares it answered. Armed,
// it sells a unit of the first SKU of the next write in the shop just before
// the write arrives, as a buyer between the client's read and its write.
type stockWrites struct {
	inner http.Handler
	sb    *sfysandbox.Server
	mu    sync.Mutex
	sets  []map[string]any
	stale int
	armed int
}

func (w *stockWrites) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	var req struct {
		Query     string         `json:"query"`
		Variables map[string]any `json:"variables"`
	}
	_ = json.Unmarshal(body, &req)
	if !strings.Contains(req.Query, "inventorySetQuantities") {
		w.inner.ServeHTTP(rw, r)
		return
	}
	in, _ := req.Variables["input"].(map[string]any)
	w.mu.Lock()
	w.sets = append(w.sets, in)
	sell := w.armed > 0
	if sell {
		w.armed--
	}
	w.mu.Unlock()
	if qs, _ := in["quantities"].([]any); sell && len(qs) > 0 {
		item, _ := qs[0].(map[string]any)["inventoryItemId"].(string)
		if sku := w.skuOf(r, item); sku != "" {
			_, _, _ = w.sb.CreateOrder(sfysandbox.OrderSpec{Email: "between@example.com", Lines: []sfysandbox.LineSpec{{SKU: sku, Quantity: 1}}})
		}
	}
	rec := httptest.NewRecorder()
	w.inner.ServeHTTP(rec, r)
	if bytes.Contains(rec.Body.Bytes(), []byte("COMPARE_QUANTITY_STALE")) {
		w.mu.Lock()
		w.stale++
		w.mu.Unlock()
	}
	for k, v := range rec.Header() {
		rw.Header()[k] = v
	}
	rw.WriteHeader(rec.Code)
	rw.Write(rec.Body.Bytes())
}

// skuOf asks the shop for an inventory item's SKU.
func (w *stockWrites) skuOf(r *http.Request, item string) string {
	q, _ := json.Marshal(map[string]string{"query": fmt.Sprintf(`{ inventoryItem(id: %q) { sku } }`, item)})
	req := httptest.NewRequest(http.MethodPost, r.URL.Path, bytes.NewReader(q))
	req.Header = r.Header.Clone()
	rec := httptest.NewRecorder()
	w.inner.ServeHTTP(rec, req)
	var a struct {
		Data struct{ InventoryItem struct{ SKU string } }
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &a)
	return a.Data.InventoryItem.SKU
}

func (w *stockWrites) count() (sets, stale int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.sets), w.stale
}

// Random interleavings of Odoo's stock changing (counts, orders reserving
// goods, deliveries validated), the shop selling on its own (also between the
// client's read and its write), and stock passes, some of them failing part
// way through. After a final quiet pass the shop's available quantity at its
// location is Odoo's free quantity for every SKU; every write named the
// quantity it replaced (no blind write), and another pass writes nothing.
func TestOdooShopifyStockInterleavings(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			odooShopifyInterleave(t, seed)
		})
	}
}

func odooShopifyInterleave(t *testing.T, seed uint64) {
	ctx := context.Background()
	rnd := rand.New(rand.NewPCG(seed, 17))
	ssb, err := sfysandbox.New(sfysandbox.Options{Seed: int64(seed), Orders: -1, Products: -1, RestoreRate: 1000, MaximumAvailable: 20000})
	if err != nil {
		t.Fatal(err)
	}
	writes := &stockWrites{inner: ssb.Handler(), sb: ssb}
	srv := httptest.NewServer(writes)
	t.Cleanup(func() { srv.Close(); ssb.Close() })
	s := *shopify.DefaultSettings()
	s.Shop, s.BaseURL = ssb.ShopDomain(), srv.URL
	sfy, err := shopify.New("sfy", s, shopify.Credentials{AccessToken: ssb.Options().AccessToken, WebhookSecret: ssb.Options().APISecret}, nil)
	if err != nil {
		t.Fatal(err)
	}
	esb, erp := newOdoo(t, "erp", odoosandbox.Options{Version: 17, Currency: "EUR", Seed: int64(seed)})
	routes := []flow.Route{
		{Name: "products", Flow: "products", From: "erp", To: "sfy", Options: &flow.ProductsOptions{BatchSize: 20}},
		// Small batches: a pass is several jobs, and a fault can stop it
		// between them.
		{Name: "stock", Flow: "stock", From: "erp", To: "sfy", Options: &flow.StockOptions{Quantity: "available", BatchSize: 4}},
	}
	h := newHarnessWith(t, mcfsandbox.Options{Orders: -1, Products: -1}, routes, erp, harnessOpts{extra: map[string]connector.Conn{"sfy": sfy}})
	h.pass(t, "products")
	h.pass(t, "stock")
	var skus []string
	levels, err := erp.StockLevels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range levels {
		if _, ok := ssb.Quantities(l.SKU, 0); ok {
			skus = append(skus, l.SKU)
		}
	}
	if len(skus) < 4 {
		t.Fatalf("only %d of Odoo's SKUs are in the shop", len(skus))
	}
	partners := esb.SearchRead("res.partner", []any{}, []string{"id"})
	if len(partners) == 0 {
		t.Fatal("Odoo has no partner")
	}
	product := map[string]any{}
	for _, p := range esb.SearchRead("product.product", []any{[]any{"default_code", "!=", false}}, []string{"default_code"}) {
		product[p["default_code"].(string)] = p["id"]
	}
	sku := func() string { return skus[rnd.IntN(len(skus))] }
	for step := 0; step < 30; step++ {
		switch rnd.IntN(7) {
		case 0:
			// A stock count in Odoo.
			if err := esb.SetOnHand(sku(), float64(10+rnd.IntN(40))); err != nil {
				t.Fatal(err)
			}
		case 1:
			// An Odoo sales order reserves goods: its free quantity drops.
			ids, err := erp.Create(ctx, "sale.order", []map[string]any{{"partner_id": partners[0]["id"], "order_line": []any{
				[]any{0, 0, map[string]any{"product_id": product[sku()], "product_uom_qty": float64(1 + rnd.IntN(3))}}}}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := erp.Call(ctx, "sale.order", "action_confirm", ids, nil); err != nil {
				t.Fatal(err)
			}
		case 2:
			// Odoo ships one: its goods leave on-hand.
			if open := esb.OpenPickings(); len(open) > 0 {
				p := open[rnd.IntN(len(open))]
				if err := erp.ValidateDelivery(ctx, p, fmt.Sprint("JJFI", step)); err != nil {
					t.Fatalf("validating delivery %d: %v", p, err)
				}
			}
		case 3:
			// The shop sells on its own: its available drops.
			if _, _, err := ssb.CreateOrder(sfysandbox.OrderSpec{Email: "buyer@example.com", Lines: []sfysandbox.LineSpec{{SKU: sku(), Quantity: 1 + rnd.IntN(2)}}}); err != nil {
				t.Fatal(err)
			}
		case 4:
			h.pass(t, "stock")
		case 5:
			// A pass whose first write meets a sale made after the client
			// read the quantity.
			writes.mu.Lock()
			writes.armed = 1
			writes.mu.Unlock()
			h.pass(t, "stock")
		case 6:
			// A pass that fails part way: the shop answers errors and drops
			// connections, then recovers while the jobs retry.
			ssb.Faults().Set(fault.Config{ErrorRate: 0.4, DropRate: 0.2, Seed: seed + uint64(step)})
			pctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
			_ = flow.PassNow(pctx, h.rt, []string{"stock"})
			cancel()
			ssb.Faults().Set(fault.Config{})
		}
	}
	// Quiet: the retries of failed passes run out, then one more pass.
	waitQuiet(t, h, "stock")
	h.pass(t, "stock")
	levels, err = erp.StockLevels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, l := range levels {
		q, ok := ssb.Quantities(l.SKU, 0)
		if !ok {
			continue
		}
		checked++
		if int64(q["available"]) != l.Available.Int() {
			t.Errorf("SKU %s: shop %v, Odoo free %s (on hand %s)", l.SKU, q, l.Available, l.Quantity)
		}
	}
	if checked < len(skus) {
		t.Errorf("checked %d SKUs of %d", checked, len(skus))
	}
	sets, stale := writes.count()
	writes.mu.Lock()
	for _, in := range writes.sets {
		if in["ignoreCompareQuantity"] == true {
			t.Errorf("a blind write: %v", in)
		}
		qs, _ := in["quantities"].([]any)
		for _, q := range qs {
			if _, ok := q.(map[string]any)["compareQuantity"]; !ok {
				t.Errorf("a write without compareQuantity: %v", in)
			}
		}
	}
	writes.mu.Unlock()
	// The sales between read and write made stale compares, read again.
	if stale == 0 {
		t.Errorf("%d stock writes met no stale compare", sets)
	}
	// In step: another pass sends nothing.
	before := h.rt.Counts()["stock"]
	h.pass(t, "stock")
	if n, _ := writes.count(); n != sets {
		t.Errorf("a pass with nothing changed wrote %d times", n-sets)
	}
	if after := h.rt.Counts()["stock"]; after.Updated != before.Updated || after.Enqueued != before.Enqueued {
		t.Errorf("a pass with nothing changed: counts %+v, before %+v", after, before)
	}
}

// waitQuiet waits until the route has no job left to run.
func waitQuiet(t *testing.T, h *harness, route string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		busy, err := flow.Busy(context.Background(), h.rt, route)
		if err != nil {
			t.Fatal(err)
		}
		if !busy {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("route %s still busy", route)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

package ogoship

import (
	"crypto/hmac"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// shop is an empty merchant with MUG (10 in stock) and CAP (1).
func shop(t *testing.T) *fixture {
	f := empty(t)
	f.must(200, "POST", "/api/v1/Products", productBody("MUG"))
	f.must(200, "POST", "/api/v1/Products", productBody("CAP"))
	f.srv.Receive("MUG", 10)
	f.srv.Receive("CAP", 1)
	return f
}

func TestSandboxOrderCreateUpdateCancel(t *testing.T) {
	t.Parallel()
	f := shop(t)
	o := f.must(200, "POST", "/api/v1/Orders", orderBody("WEB-1")).obj()
	if o["status"] != "new" || o["id"] == "" || o["trackingNumber"] != nil || o["shippingCode"] != "POSTI-SP" {
		t.Fatalf("created %v", o)
	}
	checkError(t, f.do("POST", "/api/v1/Orders", orderBody("WEB-1")), 400, "already exists")
	for _, tc := range []struct {
		name string
		edit func(map[string]any)
		want string
	}{
		{"unknown product", func(b map[string]any) { b["orderLines"] = []any{map[string]any{"code": "NOPE", "quantity": 1}} }, "NOPE"},
		{"zero quantity", func(b map[string]any) { b["orderLines"] = []any{map[string]any{"code": "MUG", "quantity": 0}} }, "quantity"},
		{"no customer city", func(b map[string]any) { delete(b["customer"].(map[string]any), "city") }, "city"},
		{"shipping code", func(b map[string]any) { b["shippingCode"] = "ZEPPELIN" }, "ZEPPELIN"},
		{"no shipping code", func(b map[string]any) { delete(b, "shippingCode") }, "shippingCode"},
		{"shipped status", func(b map[string]any) { b["status"] = "shipped" }, "status"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := orderBody("WEB-X")
			tc.edit(b)
			checkError(t, f.do("POST", "/api/v1/Orders", b), 400, tc.want)
		})
	}
	// An update replaces the lines and the documents; fields not sent stay.
	u := f.must(200, "PUT", "/api/v1/Orders/WEB-1", map[string]any{"orderLines": []any{map[string]any{"code": "CAP", "quantity": 1}}, "documents": []any{}}).obj()
	if l := u["orderLines"].([]any); len(l) != 1 || l[0].(map[string]any)["code"] != "CAP" || len(u["documents"].([]any)) != 0 || u["priceTotal"] != 55.7 {
		t.Fatalf("updated %v", u)
	}
	checkError(t, f.do("PUT", "/api/v1/Orders/NOPE", map[string]any{"comments": "x"}), 404, "not found")
	checkError(t, f.do("PUT", "/api/v1/Orders/WEB-1", map[string]any{"reference": "WEB-2"}), 400, "reference")
	// Reserved (not started yet): still cancellable, and the hold is released.
	f.srv.AdvanceAll()
	if s := f.stockOf("CAP"); s.Reserved != 1 || s.StockAvailable != 0 {
		t.Fatalf("reserved stock %+v", s)
	}
	if c := f.must(200, "PUT", "/api/v1/Orders/WEB-1", map[string]any{"status": "Cancelled"}).obj(); c["status"] != "cancelled" {
		t.Fatalf("cancel: %v", c)
	}
	if s := f.stockOf("CAP"); s.Reserved != 0 || s.StockAvailable != 1 {
		t.Fatalf("after cancel %+v", s)
	}
	checkError(t, f.do("PUT", "/api/v1/Orders/WEB-1", map[string]any{"status": "new"}), 400, "cancelled")

	// Once collecting, neither an update nor a cancel is accepted.
	f.must(200, "POST", "/api/v1/Orders", orderBody("WEB-2"))
	if _, err := f.srv.Advance("WEB-2", "collecting"); err != nil {
		t.Fatal(err)
	}
	checkError(t, f.do("PUT", "/api/v1/Orders/WEB-2", map[string]any{"status": "cancelled"}), 400, "collecting")
	checkError(t, f.do("PUT", "/api/v1/Orders/WEB-2", map[string]any{"comments": "ring twice"}), 400, "no longer")
	if o, _ := f.srv.Order("WEB-2"); o.Status != "collecting" || o.Comments != nil {
		t.Fatalf("refused update changed the order: %+v", o)
	}
	// The read-back: GET ?reference= answers the one order.
	if l := f.must(200, "GET", "/api/v1/Orders?reference=WEB-2", nil).list(); len(l) != 1 || l[0]["status"] != "collecting" {
		t.Fatalf("by reference %v", l)
	}
	if l := f.must(200, "GET", "/api/v1/Orders?reference=NOPE", nil).list(); len(l) != 0 {
		t.Fatalf("unknown reference %v", l)
	}
}

func TestSandboxSimulationShipsWithTrackingAndMovesStock(t *testing.T) {
	t.Parallel()
	f := shop(t)
	f.must(200, "POST", "/api/v1/Orders", orderBody("WEB-1")) // 2 MUG
	dhl := orderBody("WEB-2", map[string]any{"code": "CAP", "quantity": 2})
	dhl["shippingCode"] = "dhl-express" // codes match case-insensitively
	f.must(200, "POST", "/api/v1/Orders", dhl)
	want := []struct{ one, two string }{{"reserved", "pending"}, {"collecting", "pending"}, {"shipped", "pending"}}
	for i, w := range want {
		f.clk.add(time.Minute)
		f.srv.AdvanceAll()
		a, _ := f.srv.Order("WEB-1")
		b, _ := f.srv.Order("WEB-2")
		if a.Status != w.one || b.Status != w.two {
			t.Fatalf("step %d: %s / %s, want %s / %s", i+1, a.Status, b.Status, w.one, w.two)
		}
	}
	a, _ := f.srv.Order("WEB-1")
	if a.TrackingNumber == nil || !strings.HasPrefix(*a.TrackingNumber, "JJFI") || a.TrackingUrl == nil || !strings.Contains(*a.TrackingUrl, *a.TrackingNumber) {
		t.Fatalf("shipped without tracking: %+v", a)
	}
	if s := f.stockOf("MUG"); s.Stock != 8 || s.StockAvailable != 8 || s.Reserved != 0 {
		t.Fatalf("MUG after shipping %+v", s)
	}
	// Goods received: the pending order gets its stock and can be shipped.
	res, err := http.Post(f.ts.URL+"/_sandbox/receive", "application/json", strings.NewReader(`{"code":"CAP","qty":4}`))
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("receive: %v %v", res, err)
	}
	res.Body.Close()
	if b, _ := f.srv.Order("WEB-2"); b.Status != "reserved" {
		t.Fatalf("after receive: %s", b.Status)
	}
	res, _ = http.Post(f.ts.URL+"/_sandbox/advance", "application/json", strings.NewReader(`{"reference":"WEB-2","status":"shipped"}`))
	res.Body.Close()
	b, _ := f.srv.Order("WEB-2")
	if b.Status != "shipped" || b.TrackingNumber == nil || !strings.Contains(*b.TrackingUrl, "dhl.com") {
		t.Fatalf("advanced %+v", b)
	}
	if s := f.stockOf("CAP"); s.Stock != 3 || s.StockAvailable != 3 {
		t.Fatalf("CAP %+v", s)
	}
	if _, err := f.srv.Advance("WEB-2", "collecting"); err == nil {
		t.Fatal("a shipped order moved back to collecting")
	}
	c := f.srv.Counts()
	if c["orders.shipped"] != 2 || c["orders"] != 2 {
		t.Fatalf("counts %v", c)
	}
	// The control endpoint reads an order by reference.
	r, _ := http.Get(f.ts.URL + "/_sandbox/orders/WEB-2")
	var got OrderResponse
	json.NewDecoder(r.Body).Decode(&got)
	r.Body.Close()
	if got.Reference != "WEB-2" || got.Status != "shipped" {
		t.Fatalf("control read %+v", got)
	}
}

// TestSandboxWebhookSignature: OrderShipped and ProductStockLevelChanged
// deliveries carry a verifiable signature and the custom headers; a failing
// receiver is retried.
func TestSandboxWebhookSignature(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	got := map[string][][]byte{}
	fails := 1
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if !hmac.Equal([]byte(r.Header.Get(SignatureHeader)), []byte(Sign("s3cret", body))) || r.Header.Get("X-Hub-Token") != "abc" {
			w.WriteHeader(401)
			return
		}
		if fails > 0 {
			fails--
			w.WriteHeader(503)
			return
		}
		var m map[string]any
		json.Unmarshal(body, &m)
		kind := "stock"
		if _, ok := m["trackingNumber"]; ok {
			kind = "order"
		}
		got[kind] = append(got[kind], body)
	}))
	defer hub.Close()
	f := shop(t)
	for _, typ := range []string{"OrderShipped", "ProductStockLevelChanged"} {
		f.must(200, "POST", "/api/v1/webhooks", map[string]any{"url": hub.URL, "key": "s3cret", "type": typ, "customHeaders": map[string]string{"X-Hub-Token": "abc"}})
	}
	f.must(200, "POST", "/api/v1/Orders", orderBody("WEB-1"))
	if _, err := f.srv.Advance("WEB-1", "shipped"); err != nil {
		t.Fatal(err)
	}
	f.srv.WaitWebhooks()
	mu.Lock()
	defer mu.Unlock()
	if len(got["order"]) != 1 || len(got["stock"]) != 2 { // reserve and ship
		t.Fatalf("deliveries: %d order, %d stock", len(got["order"]), len(got["stock"]))
	}
	var o OrderResponse
	json.Unmarshal(got["order"][0], &o)
	if o.Reference != "WEB-1" || o.Status != "shipped" || o.TrackingNumber == nil {
		t.Fatalf("OrderShipped payload %s", got["order"][0])
	}
	c := f.srv.Counts()
	if c["webhook_delivered"] != 3 || c["webhook_deliveries"] != 4 {
		t.Fatalf("counts %v", c)
	}
}

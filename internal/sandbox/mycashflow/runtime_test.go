package mycashflow

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/sandbox/fault"
)

func TestFaultsViaAdminEndpoint(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{Orders: -1})
	put := func(cfg string) {
		req, _ := http.NewRequest("PUT", f.ts.URL+"/_sandbox/faults", strings.NewReader(cfg))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("PUT faults: %d", res.StatusCode)
		}
	}
	put(`{"error_rate": 1, "seed": 7}`)
	r := f.do("GET", "/api/v1/products", nil)
	if r.Code < 500 {
		t.Fatalf("error_rate 1 answered %d", r.Code)
	}
	// The admin endpoints stay reachable under faults and need no auth.
	res, err := http.Get(f.ts.URL + "/_sandbox/state")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("sandbox state under faults: %v %v", err, res)
	}
	res.Body.Close()

	put(`{"rate_limit_rate": 1, "retry_after": 3, "seed": 7}`)
	r = f.do("GET", "/api/v1/products", nil)
	if r.Code != 429 || r.Header.Get("Retry-After") != "3" {
		t.Fatalf("rate limit: %d %v", r.Code, r.Header)
	}
	put(`{"drop_rate": 1, "seed": 7}`)
	req, _ := http.NewRequest("GET", f.ts.URL+"/api/v1/products", nil)
	req.SetBasicAuth("api@demo.example", "demo-key")
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("drop_rate 1 answered %d", res.StatusCode)
	}
	put(`{}`)
	f.must(200, "GET", "/api/v1/products", nil)
	if st := f.srv.Faults().Stats(); st.Errors != 1 || st.RateLimited != 1 || st.Drops < 1 { // net/http may retry a dropped GET once.
		t.Fatalf("fault stats %+v", st)
	}
}

func TestInitialFaultsOption(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{Orders: -1, Faults: fault.Config{ErrorRate: 1, Seed: 1}})
	if r := f.do("GET", "/api/v1/orders", nil); r.Code < 500 {
		t.Fatalf("initial faults ignored: %d", r.Code)
	}
}

type hookReceiver struct {
	mu    sync.Mutex
	fails int // answer 503 this many times first
	got   []hookCall
}

type hookCall struct {
	uuid string
	body map[string]any
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fails > 0 {
		h.fails--
		w.WriteHeader(503)
		return
	}
	var body map[string]any
	json.NewDecoder(r.Body).Decode(&body)
	h.got = append(h.got, hookCall{uuid: r.Header.Get("X-MCF-Webhook-UUID"), body: body})
	w.WriteHeader(200)
}

func TestWebhookDelivery(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{Orders: -1})
	f.srv.SetWebhookRetryDelay(5 * time.Millisecond)
	recv := &hookReceiver{fails: 2}
	hs := httptest.NewServer(recv)
	defer hs.Close()

	checkError(t, f.do("POST", "/api/v1/webhooks", map[string]any{"topic": "order.deleted", "url": hs.URL}), 422, "topic")
	checkError(t, f.do("POST", "/api/v1/webhooks", map[string]any{"topic": "order.created", "url": "not a url"}), 422, "url")
	checkError(t, f.do("POST", "/api/v1/webhooks", map[string]any{"topic": "order.created", "url": hs.URL, "expands": []string{"bogus"}}), 422, "expands")
	r := f.must(201, "POST", "/api/v1/webhooks", map[string]any{"topic": "order.created", "expands": []string{"payments", "shipments"}, "url": hs.URL + "/mcf"})
	w := r.data()
	uuid, _ := w["uuid"].(string)
	if len(uuid) != 36 || w["topic"] != "order.created" || w["url"] != hs.URL+"/mcf" || num(w["user_id"]) <= 0 {
		t.Fatalf("webhook %s", r.Raw)
	}
	if l := f.must(200, "GET", "/api/v1/webhooks", nil).list(); len(l) != 1 {
		t.Fatalf("webhooks %v", l)
	}
	f.srv.SetStock("MUG", 5)
	r = f.must(201, "POST", "/api/v1/orders", orderBody("MUG", 1))
	oid := id(r.data())
	f.srv.WaitWebhooks()
	recv.mu.Lock()
	got := append([]hookCall(nil), recv.got...)
	recv.mu.Unlock()
	if len(got) != 1 {
		t.Fatalf("%d deliveries, want 1 (after 2 failures)", len(got))
	}
	if got[0].uuid != uuid || got[0].body["topic"] != "order.created" {
		t.Fatalf("delivery %+v", got[0])
	}
	d := got[0].body["data"].(map[string]any)
	if id(d) != oid || len(d["payments"].([]any)) != 1 || len(d["shipments"].([]any)) != 1 {
		t.Fatalf("payload %v", d)
	}
	if _, ok := d["products"]; ok {
		t.Fatal("payload expanded products though not asked")
	}
	if n := len(f.srv.WebhookDeliveries()); n != 3 {
		t.Fatalf("%d attempts logged, want 3", n)
	}
	// Orders created any other way fire too.
	if _, err := f.srv.CreateOrder(NewOrder{Email: "b@example.fi", Lines: []OrderLine{{ProductCode: "MUG", Quantity: 1}}}); err != nil {
		t.Fatal(err)
	}
	res, err := http.Post(f.ts.URL+"/_sandbox/orders", "application/json", nil)
	if err != nil || res.StatusCode != 201 {
		t.Fatalf("sandbox order: %v %v", err, res)
	}
	res.Body.Close()
	f.srv.WaitWebhooks()
	recv.mu.Lock()
	n := len(recv.got)
	recv.mu.Unlock()
	if n != 3 {
		t.Fatalf("%d deliveries after 3 orders", n)
	}
	f.must(204, "DELETE", "/api/v1/webhooks/"+uuid, nil)
	checkError(t, f.do("DELETE", "/api/v1/webhooks/"+uuid, nil), 404, "webhook")
	f.srv.CreateRandomOrder()
	f.srv.WaitWebhooks()
	recv.mu.Lock()
	defer recv.mu.Unlock()
	if len(recv.got) != 3 {
		t.Fatalf("delivery after unsubscribe")
	}
}

func TestGeneratorDeterminism(t *testing.T) {
	t.Parallel()
	dump := func(seed int64) string {
		f := newFixture(t, Options{Seed: seed})
		var b bytes.Buffer
		for _, p := range []string{
			"/api/v1/products?page_size=1000&expand=translations,visibilities,category_links,image_links,variations,variations.stock_item,stock_item,brand",
			"/api/v1/orders?page_size=1000&expand=products,shipments,payments,tax_summary,comments,events",
			"/api/v1/customers?page_size=1000&expand=customer_groups", "/api/v0/campaigns?expand=prices,visibilities&page_size=1000",
			"/api/v1/stock-changes?page_size=10000", "/api/v1/categories?expand=visibilities", "/api/v1/brands", "/api/v1/versions",
		} {
			r := f.must(200, "GET", p, nil)
			b.Write(r.Raw[:bytes.LastIndex(r.Raw, []byte(`"meta"`))])
		}
		return b.String()
	}
	a, b, c := dump(42), dump(42), dump(43)
	if a != b {
		t.Fatal("same seed gave different data")
	}
	if a == c {
		t.Fatal("different seeds gave the same data")
	}
}

func TestServeAndOrderStream(t *testing.T) {
	t.Parallel()
	srv := New(Options{Orders: -1})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	srv.StartOrderStream(ctx, 5*time.Millisecond)
	deadline := time.Now().Add(5 * time.Second)
	for srv.OrderCount() < 3 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if srv.OrderCount() < 3 {
		t.Fatalf("stream created %d orders", srv.OrderCount())
	}
	req, _ := http.NewRequest("GET", "http://"+ln.Addr().String()+"/api/v1/orders?status=open", nil)
	req.SetBasicAuth("api@demo.example", "demo-key")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("GET over Serve: %v %v", err, res)
	}
	res.Body.Close()
	for _, id := range srv.OrderIDs() {
		o, _ := srv.Order(id)
		for _, l := range o.Lines {
			if st, ok := srv.StockOf(l.ProductCode); ok && (st.Balance != st.Quantity-st.Reserved || st.Reserved < 0) {
				t.Fatalf("stock %+v", st)
			}
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if srv.Calls("GET /orders") != 1 {
		t.Fatalf("calls %v", srv.CallCounts())
	}
}

// TestConcurrentClients runs parallel orders, cancels and stock writes through
// HTTP and checks the stock invariants hold (run with -race).
func TestConcurrentClients(t *testing.T) {
	t.Parallel()
	f := emptyShop(t)
	f.srv.SetStock("MUG", 1000)
	var wg sync.WaitGroup
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 15; i++ {
				r := f.do("POST", "/api/v1/orders", orderBody("MUG", 1))
				if r.Code != 201 {
					t.Errorf("order: %d %s", r.Code, r.Raw)
					return
				}
				if i%3 == 0 {
					f.do("POST", fmt.Sprintf("/api/v1/orders/%d/cancel", id(r.data())), nil)
				}
				if w == 0 {
					f.do("GET", "/api/v1/stock-changes?product_code=MUG", nil)
				}
			}
		}(w)
	}
	wg.Wait()
	st, _ := f.srv.StockOf("MUG")
	if st.Quantity != 1000 || st.Reserved != 90-30 || st.Balance != st.Quantity-st.Reserved {
		t.Fatalf("MUG after concurrent orders: %+v", st)
	}
	if n := f.srv.OrderCount("cancelled"); n != 30 {
		t.Fatalf("%d cancelled", n)
	}
}

// TestManyOrders checks a shop of 10,000 orders pages by updated_at correctly; it
// asserts results, not timings.
func TestManyOrders(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds 10,000 orders")
	}
	f := newFixture(t, Options{Orders: 10000, Products: 200})
	if n := f.srv.OrderCount(); n < 9000 {
		t.Fatalf("%d orders generated", n)
	}
	seen := 0
	next := "/api/v1/orders?sort=updated_at-asc&page_size=1000&expand=products"
	for next != "" {
		r := f.must(200, "GET", next, nil)
		seen += len(r.list())
		next, _ = r.meta()["next"].(string)
	}
	if seen != f.srv.OrderCount() {
		t.Fatalf("paged %d of %d orders", seen, f.srv.OrderCount())
	}
}

func TestDropAfterCommit(t *testing.T) {
	t.Parallel()
	f := emptyShop(t)
	f.srv.DropNextWrites(1)
	raw, _ := json.Marshal(map[string]any{"product_code": "DROP-1", "name": "Pudotus", "price": 1})
	req, _ := http.NewRequest("POST", f.ts.URL+"/api/v1/products", bytes.NewReader(raw))
	req.SetBasicAuth("api@demo.example", "demo-key")
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("write answered %d though it should drop", res.StatusCode)
	}
	if _, ok := f.srv.Product("DROP-1"); !ok {
		t.Fatal("the dropped write did not take effect")
	}
	checkError(t, f.do("POST", "/api/v1/products", map[string]any{"product_code": "DROP-1", "name": "Pudotus", "price": 1}), 422, "already used")
}

// BenchmarkOrderPolling measures the incremental order poll on a 10,000-order
// shop: one page of 100 orders by updated_at with lines expanded.
func BenchmarkOrderPolling(b *testing.B) {
	srv := New(Options{Orders: 10000, Products: 200, Now: func() time.Time { return GeneratedBase.Add(time.Hour) }})
	h := srv.Handler()
	path := "/api/v0/orders?sort=updated_at-asc&updated_at-from=2026-03-01T00:00:00%2B02:00&page_size=100&expand=products,shipments,payments"
	for b.Loop() {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", path, nil)
		req.SetBasicAuth("api@demo.example", "demo-key")
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkCreateOrder measures POST /orders on a 10,000-order shop.
func BenchmarkCreateOrder(b *testing.B) {
	srv := New(Options{Orders: 10000, Products: 200})
	srv.SetStock("MUG", 1_000_000_000)
	h := srv.Handler()
	body, _ := json.Marshal(orderBody("MUG", 1))
	for b.Loop() {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "/api/v1/orders", bytes.NewReader(body))
		req.SetBasicAuth("api@demo.example", "demo-key")
		h.ServeHTTP(rec, req)
		if rec.Code != 201 {
			b.Fatalf("status %d: %s", rec.Code, rec.Body.Bytes())
		}
	}
}

package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/sandbox/fault"
	odoosandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
	sfysandbox "github.com/ferryhub/ferry/internal/sandbox/shopify"
	"github.com/ferryhub/ferry/internal/store"
)

// A flash sale, exactly once (issue #17): orders arrive in the Shopify
// sandbox at 20 a second while ferry serves with webhooks on: every webhook
// is delivered twice, deliveries come newest first in fives, and one in ten
// never reaches ferry; the shop's cost bucket is drained mid-run; 20 % of
// the Odoo calls fail (5xx, 429, dropped) and a tenth of its writes commit
// and then fail; ferry is killed with SIGKILL five times. Afterwards every
// order is in Odoo once (those whose webhook was lost found by the poll), no
// customer is there twice, and once the trouble is over the shop answers no
// THROTTLED. FERRY_FLASH_ORDERS sets the orders (1,000; the issue's 5,000
// run is in docs/benchmarks.md); FERRY_CHAOS_SEED repeats a run.
func TestFlashSaleExactlyOnce(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("kills ferry processes for about two minutes")
	}
	seed := uint64(time.Now().UnixNano() % 1_000_000)
	if s := os.Getenv("FERRY_CHAOS_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("FERRY_CHAOS_SEED=%q: %v", s, err)
		}
		seed = n
	}
	orders := 1000
	if s := os.Getenv("FERRY_FLASH_ORDERS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 10 {
			t.Fatalf("FERRY_FLASH_ORDERS=%q: want a number of orders, at least 10", s)
		}
		orders = n
	}
	t.Logf("seed %d (FERRY_CHAOS_SEED=%d repeats it), %d orders", seed, seed, orders)
	runFlashSale(t, seed, orders)
}

// lossyHooks forwards webhook deliveries to ferry, answering 200 without
// forwarding a share of them (lost on the way), and 502 while ferry is down
// (the shop retries those).
type lossyHooks struct {
	rng   *rand.Rand
	mu    sync.Mutex
	share float64
	proxy *httputil.ReverseProxy
	lost  atomic.Int64
	sent  atomic.Int64
}

func (l *lossyHooks) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	lose := l.rng.Float64() < l.share
	l.mu.Unlock()
	if lose {
		l.lost.Add(1)
		w.WriteHeader(http.StatusOK)
		return
	}
	l.sent.Add(1)
	l.proxy.ServeHTTP(w, r)
}

func runFlashSale(t *testing.T, seed uint64, orders int) {
	ctx := context.Background()
	began := time.Now()
	c := &chaosRun{t: t, rng: rand.New(rand.NewPCG(seed, 9)), dir: t.TempDir()}
	// A shop that runs flash sales at 20 orders a second is on Shopify Plus:
	// its bucket (20,000 points, 1,000 a second) holds the ~45 points an
	// order's read costs 20 times a second; the Standard plan's 100 would not.
	sfy, err := sfysandbox.New(sfysandbox.Options{Seed: int64(seed%1000) + 1, Orders: -1, Products: 12, Customers: 1, VATRate: 0.255,
		Plan: "plus", WebhookBackoff: 500 * time.Millisecond, WebhookRetries: 12})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sfy.Close)
	c.erp = odoosandbox.New(odoosandbox.Options{Version: 17, Seed: int64(seed%1000) + 1, Currency: "EUR", Products: -1})
	c.erpDrops = &hijacks{h: c.erp.Handler()}
	sfySrv, erpSrv := httptest.NewServer(sfy.Handler()), httptest.NewServer(c.erpDrops)
	t.Cleanup(sfySrv.Close)
	t.Cleanup(erpSrv.Close)
	addr := freeAddr(t)
	ferryURL, _ := url.Parse("http://" + addr)
	proxy := httputil.NewSingleHostReverseProxy(ferryURL)
	// ferry is down between a kill and its restart: the shop retries.
	proxy.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) { w.WriteHeader(http.StatusBadGateway) }
	hooks := &lossyHooks{rng: rand.New(rand.NewPCG(seed, 10)), proxy: proxy}
	hookSrv := httptest.NewServer(hooks)
	t.Cleanup(hookSrv.Close)
	c.cfgPath = filepath.Join(c.dir, "ferry.yaml")
	o := sfy.Options()
	cfg := fmt.Sprintf(`data_dir: %q
http: {addr: %q, public_url: %q}
log: {level: %s, format: text}
queue: {poll_interval: 100ms, max_attempts: 25}
connections:
  shopify:
    kind: shopify
    settings: {shop: %q, base_url: %q}
    credentials: {access_token: %q, webhook_secret: %q}
  erp:
    kind: odoo
    settings: {url: %q, database: ferry}
    credentials: {login: admin, api_key: demo-key}
    rate_limit: 500
    concurrency: 4
routes:
  products: {flow: products, from: shopify, to: erp}
  orders:
    flow: orders
    from: shopify
    to: erp
    # The poll is the backstop of the webhooks.
    schedule: "@every 10s"
    options:
      prefix: "F-"
      batch_size: 25
      # Shopify's cursor is a keyset on (updatedAt, id): a short overlap is
      # enough, and keeps each pass's reading small at 20 orders a second.
      overlap: 15s
      shipping_methods: [{match: "*", to: "Posti SmartPOST"}]
`, filepath.Join(c.dir, "data"), addr, hookSrv.URL, logLevel(), sfy.ShopDomain(), sfySrv.URL, o.AccessToken, o.APISecret, erpSrv.URL)
	if err := os.WriteFile(c.cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	// Setup without trouble: the shop's products into Odoo (its sandbox has
	// the shop's 25.5 % price-included tax).
	if _, stderr, err := runFerry(t, "-c", c.cfgPath, "--log-level", "error", "sync", "products"); err != nil {
		t.Fatalf("ferry sync products: %v\n%s", err, stderr)
	}
	var skus []string
	for _, p := range c.erp.SearchRead("product.product", []any{[]any{"default_code", "like", "FRY-"}}, []string{"default_code"}) {
		if sku, _ := p["default_code"].(string); sku != "" {
			skus = append(skus, sku)
		}
	}
	if len(skus) == 0 {
		t.Fatal("the shop's products did not reach Odoo")
	}

	st := c.watch("")
	c.start()
	deadline := time.Now().Add(30 * time.Second)
	for sfy.State().Subscriptions == 0 {
		if time.Now().After(deadline) {
			c.dumpLogs()
			t.Fatal("ferry did not subscribe to the shop's order webhooks")
		}
		time.Sleep(100 * time.Millisecond)
	}

	// The trouble.
	sfy.SetWebhookTricks(sfysandbox.WebhookTricks{Duplicate: 1 << 30, Copies: 1, Reorder: 5})
	hooks.mu.Lock()
	hooks.share = 0.10
	hooks.mu.Unlock()
	f := chaosFaults
	f.Seed = seed
	c.erp.Faults().Set(f)
	c.erp.SetCommitThenFailRate(commitThenFail)
	erpBefore := c.erp.Faults().Stats()

	var names []string
	var namesMu sync.Mutex
	streamDone := make(chan struct{})
	go func() {
		defer close(streamDone)
		tick := time.NewTicker(50 * time.Millisecond) // 20 orders a second
		defer tick.Stop()
		for i := 0; i < orders; i++ {
			<-tick.C
			if i == orders/3 {
				// Another process of the app (a report, say) spends most of
				// the bucket: ferry's own estimate is wrong until its next
				// answer tells it.
				sfy.DrainBucket(o.AccessToken, 15000)
			}
			spec := sfysandbox.OrderSpec{Email: fmt.Sprintf("buyer%d@example.fi", i%150),
				Lines: []sfysandbox.LineSpec{{SKU: skus[i%len(skus)], Quantity: 1 + i%3}}}
			if _, name, err := sfy.CreateOrder(spec); err != nil {
				t.Errorf("order %d: %v", i, err)
			} else {
				namesMu.Lock()
				names = append(names, name)
				namesMu.Unlock()
			}
		}
	}()
	killsAt := c.killAtRandom(began)
	<-streamDone
	erpStats := since(c.erp.Faults().Stats(), erpBefore)
	c.erp.Faults().Set(fault.Config{})
	c.erp.SetCommitThenFailRate(0)
	hooks.mu.Lock()
	hooks.share = 0
	hooks.mu.Unlock()
	throttledInTrouble := sfy.State().Throttled
	t.Logf("trouble over after %v: %d kills at %v; Odoo: %d calls, %d 5xx, %d 429, %d drops; webhooks: %d forwarded, %d lost; %d THROTTLED",
		time.Since(began).Round(100*time.Millisecond), len(killsAt), killsAt, erpStats.Requests, erpStats.Errors, erpStats.RateLimited, erpStats.Drops,
		hooks.sent.Load(), hooks.lost.Load(), throttledInTrouble)

	// Caught up: every order in Odoo, no order job unfinished.
	want := map[string]bool{}
	for _, n := range names {
		want["F-"+n] = true
	}
	var why string
	// Reading an order costs ~45 points of the 1,000 restored a second, and
	// the backlog of a long sale is read after the trouble: allow for it.
	deadline = time.Now().Add(240*time.Second + time.Duration(orders)*60*time.Millisecond)
	for {
		select {
		case <-c.exited:
			c.dumpLogs()
			t.Fatal("ferry exited on its own")
		default:
		}
		got := map[string]int{}
		for _, r := range c.erp.SearchRead("sale.order", []any{[]any{"client_order_ref", "like", "F-"}}, []string{"client_order_ref"}) {
			ref, _ := r["client_order_ref"].(string)
			got[ref]++
		}
		list, err := c.queue.List(ctx, jobs.Filter{Route: "orders", Kinds: orderKinds,
			States: []jobs.State{jobs.StateAvailable, jobs.StateRunning, jobs.StateRetryable, jobs.StateScheduled, jobs.StatePending}, Limit: 1000})
		missing := 0
		for ref := range want {
			if got[ref] == 0 {
				missing++
			}
		}
		why = fmt.Sprintf("Odoo has %d of %d orders, %d order jobs unfinished (%v)", len(want)-missing, len(want), len(list), err)
		if missing == 0 && err == nil && len(list) == 0 {
			break
		}
		if time.Now().After(deadline) {
			c.stop()
			c.dumpLogs()
			t.Fatalf("ferry did not catch up: %s", why)
		}
		time.Sleep(time.Second)
	}
	// Steady state: a few passes without trouble, and no THROTTLED.
	time.Sleep(12 * time.Second)
	c.stop()
	t.Logf("caught up after %v; the shop answered %d requests, %d THROTTLED (%d after the trouble)",
		time.Since(began).Round(100*time.Millisecond), sfy.State().Requests, sfy.State().Throttled, sfy.State().Throttled-throttledInTrouble)

	var twice, strays []string
	got := map[string]int{}
	for _, r := range c.erp.SearchRead("sale.order", []any{[]any{"client_order_ref", "like", "F-"}}, []string{"client_order_ref", "state"}) {
		ref, _ := r["client_order_ref"].(string)
		got[ref]++
		if !want[ref] {
			strays = append(strays, ref)
		}
	}
	for ref, n := range got {
		if n != 1 {
			twice = append(twice, fmt.Sprintf("%s×%d", ref, n))
		}
	}
	emails := map[string]int{}
	for _, p := range c.erp.SearchRead("res.partner", []any{[]any{"parent_id", "=", false}, []any{"email", "like", "@example.fi"}}, []string{"email"}) {
		e, _ := p["email"].(string)
		emails[strings.ToLower(e)]++
	}
	var dupCustomers []string
	for e, n := range emails {
		if strings.HasPrefix(e, "buyer") && n > 1 {
			dupCustomers = append(dupCustomers, fmt.Sprintf("%s×%d", e, n))
		}
	}
	if len(twice) > 0 || len(strays) > 0 || len(dupCustomers) > 0 {
		t.Errorf("orders in Odoo other than once: %s; not the shop's: %s; customers twice: %s", head(twice, 20), head(strays, 10), head(dupCustomers, 10))
	}
	if n := sfy.State().Throttled - throttledInTrouble; n != 0 {
		t.Errorf("%d THROTTLED answers after the trouble", n)
	}
	if hooks.lost.Load() == 0 {
		t.Error("no webhook was lost: the run did not try the poll as a backstop")
	}
	issues, err := st.ListIssues(ctx, store.IssueFilter{Route: "orders", Open: true})
	if err != nil || len(issues) > 0 {
		t.Errorf("open issues of the orders route: %d (%v): %+v", len(issues), err, issues[:min(len(issues), 5)])
	}
}

// logLevel is the ferry processes' log level: FERRY_CHAOS_LOG_LEVEL, or warn.
func logLevel() string {
	if l := os.Getenv("FERRY_CHAOS_LOG_LEVEL"); l != "" {
		return l
	}
	return "warn"
}

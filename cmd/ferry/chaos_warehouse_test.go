package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/connector/ongoing"
	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/sandbox/fault"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
	ogosandbox "github.com/ferryhub/ferry/internal/sandbox/ogoship"
	ongoingsandbox "github.com/ferryhub/ferry/internal/sandbox/ongoing"
	"github.com/ferryhub/ferry/internal/store"
	"github.com/ferryhub/ferry/internal/store/storetest"
)

// Exactly once through a warehouse under trouble (issues #14, #15): 2,000
// eligible orders go from the MyCashflow sandbox to a warehouse sandbox
// (Ongoing WMS on SQLite, OGOship on PostgreSQL) while the ferry process is
// killed with SIGKILL five times and 20 % of the calls to both sandboxes fail;
// the warehouse's writes also commit and then fail, and OGOship's access
// tokens expire every 30 s with some refresh answers lost. The warehouse ships
// as it goes. Afterwards every eligible order is in the warehouse, no
// ineligible one is, every one is quick-processed in the shop exactly once
// with the warehouse's tracking code, the shop's stock is the warehouse's, no
// two calls overlapped per Ongoing goods owner and no OGOship call went
// without a valid token. FERRY_CHAOS_SEED repeats a run; FERRY_CHAOS_LOGS=DIR
// keeps the ferry processes' logs there, at FERRY_CHAOS_LOG_LEVEL (warn).
func TestWarehouseExactlyOnceUnderTrouble(t *testing.T) {
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
	t.Logf("seed %d (FERRY_CHAOS_SEED=%d repeats it)", seed, seed)
	// Each warehouse on one store keeps the suite's time; FERRY_CHAOS_BOTH=1
	// runs each on both.
	runs := []struct{ wms, dialect string }{{"ongoing", "sqlite"}, {"ogoship", "postgres"}}
	if os.Getenv("FERRY_CHAOS_BOTH") != "" {
		runs = append(runs, struct{ wms, dialect string }{"ongoing", "postgres"}, struct{ wms, dialect string }{"ogoship", "sqlite"})
	}
	for _, r := range runs {
		t.Run(r.wms+"/"+r.dialect, func(t *testing.T) {
			t.Parallel()
			url := ""
			if r.dialect == "postgres" {
				url = storetest.PostgresURL(t)
			}
			var w *chaosWarehouse
			if r.wms == "ongoing" {
				w = ongoingChaos(seed)
			} else {
				w = ogoshipChaos(seed)
			}
			runWarehouseChaos(t, seed, url, w)
		})
	}
}

// chaosWarehouse is what the chaos test does with a warehouse sandbox.
type chaosWarehouse struct {
	name    string
	handler http.Handler
	faults  *fault.Injector
	// connection is the YAML of connection "wms" for the sandbox at url.
	connection func(url string) string
	// trouble turns the sandbox's own trouble (commit-then-fail, token
	// expiry) on or off.
	trouble func(on bool)
	// step moves every order one step on its way to shipped.
	step func()
	// order reads the order with the shop's order number: whether it is
	// there, shipped, and its tracking codes joined as the shop gets them.
	order func(number string) (found, shipped bool, tracking string)
	// sellable is the stock the warehouse sells of sku.
	sellable func(sku string) (float64, bool)
	// check reports what the warehouse itself counts against the run.
	check func(t *testing.T)
	// stats describes the sandbox's figures for the log.
	stats func() string
}

func ongoingChaos(seed uint64) *chaosWarehouse {
	sb := ongoingsandbox.New(ongoingsandbox.Options{Seed: int64(seed%1000) + 1, Articles: -1, ReceiveNew: 100_000})
	o := sb.Options()
	refused := &refusedCalls{h: sb.Handler(), began: time.Now()}
	return &chaosWarehouse{
		name: "Ongoing", handler: refused, faults: sb.Faults(),
		connection: func(url string) string {
			return fmt.Sprintf(`kind: ongoing
    settings: {base_url: %q, warehouse: %q, goods_owner_id: %d}
    credentials: {user: %q, password: %q}`, url+"/{warehouse}/api/v1", o.Warehouse, o.GoodsOwnerID, o.User, o.Password)
		},
		trouble: func(on bool) {
			c := ongoingsandbox.CommitThenFail{}
			if on {
				c = ongoingsandbox.CommitThenFail{Rate: 0.10, Drop: true, Seed: seed}
			}
			sb.SetCommitThenFail(c)
		},
		step: func() { sb.Step() },
		order: func(number string) (bool, bool, string) {
			b, ok := sb.OrderJSON(number)
			if !ok {
				return false, false, ""
			}
			o, _, err := ongoing.DecodeOrder(b)
			if err != nil {
				return true, false, "undecodable: " + err.Error()
			}
			st, _ := sb.OrderStatus(number)
			return true, st == ongoingsandbox.StatusSent, strings.Join(ongoing.TrackingCodes(o), ", ")
		},
		sellable: func(sku string) (float64, bool) {
			_, n, ok := sb.Stock(sku)
			return n, ok
		},
		check: func(t *testing.T) {
			if n := sb.Overlaps(); n != 0 {
				t.Errorf("%d calls overlapped another call of the goods owner: %s", n, strings.Join(refused.list(), "; "))
			}
		},
		stats: func() string {
			return fmt.Sprintf("%+v, %d commits then failed, %d overlapping calls", sb.State(), len(sb.CommitFailures()), sb.Overlaps())
		},
	}
}

func ogoshipChaos(seed uint64) *chaosWarehouse {
	sb := ogosandbox.New(ogosandbox.Options{Seed: int64(seed%1000) + 1, Products: -1, Orders: -1, ReceiveNew: 100_000})
	return &chaosWarehouse{
		name: "OGOship", handler: sb.Handler(), faults: sb.Faults(),
		connection: func(url string) string {
			return fmt.Sprintf(`kind: ogoship
    settings: {base_url: %q, token_url: %q, client_id: "123456"}
    credentials: {client_secret: abcdef, merchant_id: demo-merchant, secret_token: demo-secret}`, url, url+"/OAuth/Token")
		},
		trouble: func(on bool) {
			if on {
				sb.SetTokenTTL(30*time.Second, 0)
				sb.SetCommitFaults(ogosandbox.CommitFaults{Rate: 0.10, Drop: true, Seed: seed})
				sb.SetLoseRefresh(ogosandbox.LoseRefresh{Next: 1, Rate: 0.2})
				return
			}
			// Tokens keep expiring every 30 s, and refresh answers keep getting
			// lost, while ferry catches up: a process outlives a token only
			// then, between the kills.
			sb.SetCommitFaults(ogosandbox.CommitFaults{})
		},
		step: func() { sb.AdvanceAll() },
		order: func(number string) (bool, bool, string) {
			o, ok := sb.Order(number)
			if !ok {
				return false, false, ""
			}
			tracking := ""
			if o.TrackingNumber != nil {
				tracking = *o.TrackingNumber
			}
			return true, strings.EqualFold(o.Status, "shipped"), tracking
		},
		sellable: func(sku string) (float64, bool) {
			s, ok := sb.StockOf(sku)
			return float64(s.StockAvailable), ok
		},
		check: func(t *testing.T) {
			c := sb.Counts()
			if c["unauthorized"] != 0 {
				t.Errorf("%d calls reached OGOship without a valid token", c["unauthorized"])
			}
			if c["token_grants.refresh_token"] == 0 || c["token_grants.refresh_lost"] == 0 {
				t.Errorf("%d tokens refreshed, %d refresh answers lost: the run did not try the token handling", c["token_grants.refresh_token"], c["token_grants.refresh_lost"])
			}
		},
		stats: func() string {
			c := sb.Counts()
			return fmt.Sprintf("%d orders (%d shipped), %d products, %d commits then failed; token grants: %d password, %d refresh, %d refresh answers lost; %d calls refused for their token",
				c["orders"], c["orders.shipped"], c["products"], c["commit_failures"], c["token_grants.password"], c["token_grants.refresh_token"],
				c["token_grants.refresh_lost"], c["unauthorized"])
		},
	}
}

func runWarehouseChaos(t *testing.T, seed uint64, dbURL string, w *chaosWarehouse) {
	ctx := context.Background()
	began := time.Now()
	c := &chaosRun{t: t, rng: rand.New(rand.NewPCG(seed, 7)), dir: t.TempDir()}
	c.shop = mcfsandbox.New(mcfsandbox.Options{Seed: int64(seed%1000) + 1, Orders: -1})
	qp := &quickProcesses{h: c.shop.Handler(), n: map[string]int{}}
	shopSrv, wmsSrv := httptest.NewServer(qp), httptest.NewServer(w.handler)
	t.Cleanup(shopSrv.Close)
	t.Cleanup(wmsSrv.Close)
	c.cfgPath = filepath.Join(c.dir, "ferry.yaml")
	if err := os.WriteFile(c.cfgPath, []byte(warehouseChaosConfig(filepath.Join(c.dir, "data"), dbURL, shopSrv.URL, w.connection(wmsSrv.URL))), 0o600); err != nil {
		t.Fatal(err)
	}

	// Setup without trouble: the shop's products become the warehouse's, and
	// the shop has plenty of everything.
	if _, stderr, err := runFerry(t, "-c", c.cfgPath, "--log-level", "error", "sync", "products"); err != nil {
		t.Fatalf("ferry sync products: %v\n%s", err, stderr)
	}
	c.stockUp()
	skus := shopSKUs(c.shop)
	c.createOrders(ordersBefore, true)

	st := c.watch(dbURL)

	shopBefore, wmsBefore := c.shop.Faults().Stats(), w.faults.Stats()
	for _, in := range []*fault.Injector{c.shop.Faults(), w.faults} {
		f := chaosFaults
		f.Seed = seed
		in.Set(f)
	}
	w.trouble(true)
	c.start()

	// The warehouse works through its orders while ferry runs.
	stepping, stepped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stepped)
		for {
			select {
			case <-stepping:
				return
			case <-time.After(time.Second):
				w.step()
			}
		}
	}()
	streamDone := make(chan struct{})
	go func() {
		defer close(streamDone)
		for made := 0; made < ordersDuring; made += 10 {
			time.Sleep(500 * time.Millisecond)
			c.createOrders(min(ordersDuring-made, 10), false)
		}
	}()
	killsAt := c.killAtRandom(began)
	<-streamDone

	shopStats, wmsStats := since(c.shop.Faults().Stats(), shopBefore), since(w.faults.Stats(), wmsBefore)
	for _, in := range []*fault.Injector{c.shop.Faults(), w.faults} {
		in.Set(fault.Config{})
	}
	w.trouble(false)
	t.Logf("trouble over after %v; MyCashflow: %d calls, %d 5xx, %d 429, %d drops; %s: %d calls, %d 5xx, %d 429, %d drops",
		time.Since(began).Round(100*time.Millisecond), shopStats.Requests, shopStats.Errors, shopStats.RateLimited, shopStats.Drops,
		w.name, wmsStats.Requests, wmsStats.Errors, wmsStats.RateLimited, wmsStats.Drops)

	eligible, ineligible := c.warehouseOrders()
	why := c.waitShippedBack(w, eligible, 180*time.Second)
	close(stepping)
	<-stepped
	c.stop()
	if why != "" {
		c.dumpLogs()
		t.Fatalf("ferry did not catch up: %s", why)
	}
	t.Logf("caught up after %v", time.Since(began).Round(100*time.Millisecond))

	// The stock route's last pass, without trouble, makes the shop sell what
	// the warehouse has.
	if _, stderr, err := runFerry(t, "-c", c.cfgPath, "--log-level", "error", "sync", "stock"); err != nil {
		t.Fatalf("ferry sync stock: %v\n%s", err, stderr)
	}

	var missing, leaked, unshipped, twice, drifted []string
	for _, n := range eligible {
		found, _, tracking := w.order(n)
		if !found {
			missing = append(missing, n)
			continue
		}
		id, _ := strconv.Atoi(n)
		o, _ := c.shop.Order(id)
		switch {
		case o.Status != "completed" || len(o.Shipments) == 0:
			unshipped = append(unshipped, fmt.Sprintf("%s (%s)", n, o.Status))
		case o.Shipments[0].TrackingCode != tracking:
			unshipped = append(unshipped, fmt.Sprintf("%s (tracking %q, warehouse %q)", n, o.Shipments[0].TrackingCode, tracking))
		}
		if k := qp.count(n); k != 1 {
			twice = append(twice, fmt.Sprintf("%s×%d", n, k))
		}
	}
	for _, n := range ineligible {
		if found, _, _ := w.order(n); found {
			leaked = append(leaked, n)
		}
	}
	for _, sku := range skus {
		want, ok := w.sellable(sku)
		got, _ := c.shop.StockOf(sku)
		if !ok || float64(got.Quantity) != want {
			drifted = append(drifted, fmt.Sprintf("%s shop %d, warehouse %v (%v)", sku, got.Quantity, want, ok))
		}
	}
	t.Logf("%d eligible orders, %d ineligible; %d kills at %v; %s: %s; missing %d, ineligible there %d, not shipped back %d, quick-processed other than once %d, stock drifted %d of %d SKUs",
		len(eligible), len(ineligible), len(killsAt), killsAt, w.name, w.stats(), len(missing), len(leaked), len(unshipped), len(twice), len(drifted), len(skus))
	for what, list := range map[string][]string{"missing in the warehouse": missing, "ineligible but in the warehouse": leaked,
		"not quick-processed with the warehouse's tracking": unshipped, "quick-processed other than once": twice, "with the shop's stock not the warehouse's": drifted} {
		if len(list) > 0 {
			t.Errorf("%d orders/SKUs %s: %s", len(list), what, head(list, 20))
		}
	}
	w.check(t)
	issues, err := st.ListIssues(ctx, store.IssueFilter{Open: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, is := range issues {
		t.Errorf("open issue: job %d (%s, %s) %s: %s", is.JobID, is.Route, is.Entity, is.Class, is.Reason)
	}
	if t.Failed() {
		c.dumpLogs()
	}
	c.keepLogs(w.name)
}

// keepLogs copies the ferry processes' logs into $FERRY_CHAOS_LOGS/<name>, when
// set, to read a run afterwards.
func (c *chaosRun) keepLogs(name string) {
	dir := os.Getenv("FERRY_CHAOS_LOGS")
	if dir == "" {
		return
	}
	dst := filepath.Join(dir, name)
	if err := os.MkdirAll(dst, 0o755); err != nil {
		c.t.Log(err)
		return
	}
	logs, _ := filepath.Glob(filepath.Join(c.dir, "ferry-*.log"))
	for _, f := range logs {
		if b, err := os.ReadFile(f); err == nil {
			os.WriteFile(filepath.Join(dst, filepath.Base(f)), b, 0o644)
		}
	}
}

func warehouseChaosConfig(dataDir, dbURL, shopURL, wmsConn string) string {
	return fmt.Sprintf(`data_dir: %q
database_url: %q
http:
  addr: 127.0.0.1:0
log: {level: %s, format: text}
queue:
  workers: 4
  job_timeout: 10s
  rescue_after: 15s
  max_attempts: 100
  poll_interval: 100ms
connections:
  shop:
    kind: mycashflow
    settings: {store: demo, base_url: %q}
    credentials: {user: api@demo.example, api_key: demo-key}
    rate_limit: 1000
    concurrency: 4
  wms:
    %s
    rate_limit: 1000
    concurrency: 2
routes:
  products: {flow: products, from: shop, to: wms, schedule: "@every 10s"}
  orders:
    flow: orders
    from: shop
    to: wms
    schedule: "@every 2s"
    options:
      batch_size: 50
      shipping_methods: [{match: "*", to: %s}]
  stock: {flow: stock, from: wms, to: shop, schedule: "@every 5s", options: {quantity: available}}
  shipments: {flow: shipments, from: wms, to: shop, schedule: "@every 2s"}
`, dataDir, dbURL, chaosLogLevel(), shopURL, wmsConn, shippingCodeFor(wmsConn))
}

// chaosLogLevel is the ferry processes' log level: warn, or
// $FERRY_CHAOS_LOG_LEVEL.
func chaosLogLevel() string {
	if l := os.Getenv("FERRY_CHAOS_LOG_LEVEL"); l != "" {
		return l
	}
	return "warn"
}

// shippingCodeFor is a way of delivery the warehouse of conn knows.
func shippingCodeFor(conn string) string {
	if strings.HasPrefix(conn, "kind: ogoship") {
		return "POSTI-SP"
	}
	return "PN-SP"
}

// shopSKUs are the shop's product codes of what it sells: variations, or the
// product without them.
func shopSKUs(shop *mcfsandbox.Server) []string {
	var out []string
	for _, p := range shop.Products() {
		if len(p.Variations) == 0 {
			out = append(out, p.ProductCode)
		}
		for _, v := range p.Variations {
			out = append(out, v.ProductCode)
		}
	}
	return out
}

// warehouseOrders returns the shop's order numbers a warehouse takes (open
// with both methods) and those it does not.
func (c *chaosRun) warehouseOrders() (eligible, ineligible []string) {
	for _, id := range c.shop.OrderIDs() {
		o, _ := c.shop.Order(id)
		if o.Status != "open" && o.Status != "completed" || o.PaymentMethodID == 0 || o.ShippingMethodID == 0 {
			ineligible = append(ineligible, strconv.Itoa(id))
			continue
		}
		if c.shopDone[id] {
			ineligible = append(ineligible, strconv.Itoa(id))
			continue
		}
		eligible = append(eligible, strconv.Itoa(id))
	}
	return eligible, ineligible
}

// waitShippedBack steps the warehouse until every eligible order is in it,
// shipped and quick-processed in the shop, and no job of the order and
// shipment routes is unfinished; it returns why not after d.
func (c *chaosRun) waitShippedBack(w *chaosWarehouse, eligible []string, d time.Duration) string {
	ctx := context.Background()
	deadline := time.Now().Add(d)
	why, told := "", time.Now()
	for time.Now().Before(deadline) {
		if time.Since(told) > 15*time.Second {
			c.t.Logf("waiting: %s", why)
			told = time.Now()
		}
		select {
		case <-c.exited:
			return "ferry exited on its own"
		default:
		}
		time.Sleep(500 * time.Millisecond)
		why = ""
		for _, n := range eligible {
			found, shipped, _ := w.order(n)
			id, _ := strconv.Atoi(n)
			o, _ := c.shop.Order(id)
			switch {
			case !found:
				why = "order " + n + " is not in the warehouse"
			case !shipped:
				why = "order " + n + " is not shipped yet"
			case o.Status != "completed":
				why = "order " + n + " is shipped but " + o.Status + " in the shop"
			}
			if why != "" {
				break
			}
		}
		if why != "" {
			continue
		}
		list, err := c.queue.List(ctx, jobs.Filter{States: []jobs.State{jobs.StateAvailable, jobs.StateRunning, jobs.StateRetryable, jobs.StateScheduled, jobs.StatePending}, Limit: 1000})
		if err != nil || len(list) > 0 {
			why = fmt.Sprintf("%d jobs unfinished (%v)", len(list), err)
			continue
		}
		return ""
	}
	return why
}

// quickProcesses counts the shop's successful quick-process calls per order.
type quickProcesses struct {
	h  http.Handler
	mu sync.Mutex
	n  map[string]int
}

var quickProcessPath = regexp.MustCompile(`/orders/(\d+)/quick-process$`)

func (q *quickProcesses) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m := quickProcessPath.FindStringSubmatch(r.URL.Path)
	if r.Method != http.MethodPost || m == nil {
		q.h.ServeHTTP(w, r)
		return
	}
	sw := &statusWriter{ResponseWriter: w}
	q.h.ServeHTTP(sw, r)
	if sw.code >= 200 && sw.code < 300 {
		q.mu.Lock()
		q.n[m[1]]++
		q.mu.Unlock()
	}
}

func (q *quickProcesses) count(number string) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.n[number]
}

// statusWriter keeps the status a handler answered; the fault injector's
// drops still reach the connection (Unwrap).
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// refusedCalls notes the calls a warehouse refused with 429 for overlapping
// another (when, which), to tell them from the fault injector's.
type refusedCalls struct {
	h     http.Handler
	began time.Time
	mu    sync.Mutex
	calls []string
}

func (rc *refusedCalls) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sw := &bodyPeek{statusWriter: statusWriter{ResponseWriter: w}}
	at := time.Since(rc.began)
	rc.h.ServeHTTP(sw, r)
	if sw.code == http.StatusTooManyRequests && bytes.Contains(sw.head, []byte("Parallel requests")) {
		rc.mu.Lock()
		rc.calls = append(rc.calls, fmt.Sprintf("%v %s %s", at.Round(time.Millisecond), r.Method, r.URL.Path))
		rc.mu.Unlock()
	}
}

func (rc *refusedCalls) list() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]string(nil), rc.calls...)
}

// bodyPeek keeps the start of an answer's body beside its status.
type bodyPeek struct {
	statusWriter
	head []byte
}

func (w *bodyPeek) Write(b []byte) (int, error) {
	if len(w.head) < 256 {
		w.head = append(w.head, b[:min(len(b), 256-len(w.head))]...)
	}
	return w.statusWriter.Write(b)
}

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/config"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/hub"
	"github.com/ferryhub/ferry/internal/remote"
	"github.com/ferryhub/ferry/internal/store/storetest"
)

// BenchmarkFlows runs the integration of seed 000 at scale with the real hub
// (config, store, queue, flows, clients) against the two sandboxes in their own
// processes: the products route exports about b.N variants from Odoo to the
// shop, then the orders route imports b.N shop orders into Odoo. Run it with
//
//	go test -run '^$' -bench BenchmarkFlows -benchtime 10000x -timeout 60m ./cmd/ferry/
//
// For each flow it reports records per second, remote calls per record of each
// system (from the clients' ferry_remote_calls_total), the hub's CPU time per
// record (this process's user+system time, the sandboxes excluded; PostgreSQL's
// server time excluded too), the sandboxes' CPU time per record, and the hub's
// peak RSS during the flow.
func BenchmarkFlows(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchFlows(b, "") })
	b.Run("postgres", func(b *testing.B) { benchFlows(b, storetest.PostgresURL(b)) })
}

// benchVariants is the number of variants of t Odoo sandbox product
// templates: every third has three, the others one.
func benchVariants(t int) int { return t/3*3 + t - t/3 }

// benchTemplates returns the number of Odoo product templates that give at
// least n variants.
func benchTemplates(n int) int {
	t := max(n/5*3, 1)
	for benchVariants(t) < n {
		t++
	}
	return t
}

func benchFlows(b *testing.B, dbURL string) {
	dir := b.TempDir()
	templates := benchTemplates(b.N)
	erp := startSandboxProcess(b, "sandbox odoo --addr 127.0.0.1:0 --products "+strconv.Itoa(templates))
	shop := startSandboxProcess(b, "sandbox mycashflow --addr 127.0.0.1:0 --products=-1 --orders=-1")
	h, pass := benchHub(b, dir, benchConfig(dir, dbURL, shop.url, erp.url))
	// The shop takes Odoo's carriers first, as orders need them there.
	pass("base-config")
	b.ResetTimer()

	// Every variant is a record, exported or (without a SKU) parked.
	benchMeasure(b, "products", "odoo", shop, erp, func() int {
		pass("products")
		return benchVariants(templates)
	})

	// Customers order from the exported catalogue (not measured).
	b.StopTimer()
	eligible := 0
	for eligible < b.N {
		if shop.createOrder(b) {
			eligible++
		}
	}
	b.StartTimer()

	benchMeasure(b, "orders", "odoo", shop, erp, func() int {
		pass("orders")
		return h.Flows.Counts()["orders"].Created
	})
	b.StopTimer()
	c := h.Flows.Counts()
	if c["orders"].Created != b.N || c["orders"].Failed > 0 || c["products"].Failed > 0 {
		b.Fatalf("%d of %d orders created; counts %+v", c["orders"].Created, b.N, c)
	}
	// The queue polls and maintains itself while idle; that cost grows with the
	// wall time a flow takes, not with its records.
	idle := selfCPU()
	time.Sleep(5 * time.Second)
	b.ReportMetric(float64((selfCPU()-idle).Milliseconds())/5, "hub-idle-cpu-ms/s")
	b.Logf("shop: %d products, %d variations; route counts %+v", shop.count(b, "products"), shop.count(b, "variations"), c)
	b.ReportMetric(0, "ns/op")
}

// benchHub writes body as dir's ferry.yaml and opens a working hub on it, for
// the benchmarks; pass runs one pass of a route and waits for its records.
func benchHub(b *testing.B, dir, body string) (h *hub.Hub, pass func(route string)) {
	b.Helper()
	ctx := context.Background()
	path := filepath.Join(dir, "ferry.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		b.Fatal(err)
	}
	cfg, err := config.Load(path, schemas())
	if err != nil {
		b.Fatal(err)
	}
	if h, err = hub.Open(ctx, cfg, hub.Options{Work: true}); err != nil {
		b.Fatal(err)
	}
	if err := h.Queue.Start(ctx); err != nil {
		h.Close()
		b.Fatal(err)
	}
	b.Cleanup(func() {
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		h.Queue.Stop(sctx)
		h.Close()
	})
	return h, func(route string) {
		pctx, cancel := context.WithTimeout(ctx, 50*time.Minute)
		defer cancel()
		if err := flow.PassNow(pctx, h.Flows, []string{route}); err != nil {
			b.Fatalf("route %s: %v", route, err)
		}
	}
}

// benchMeasure runs one flow and reports its figures with the record noun in
// each unit, for example "orders/s" and "odoo-calls/order"; system names the
// other end's calls (odoo, ongoing, ogoship).
func benchMeasure(b *testing.B, noun, system string, shop, erp *sandboxProcess, run func() int) int {
	b.Helper()
	runtime.GC()
	debug.FreeOSMemory()
	// Writing 5 resets the peak RSS (VmHWM) to the current RSS (proc(5)).
	resetPeak := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	shopSystem := shop.system
	if shopSystem == "" {
		shopSystem = "mycashflow"
	}
	shopCalls, erpCalls := remote.CallCount(shopSystem), remote.CallCount(system)
	shopCPU, erpCPU := shop.cpu(b), erp.cpu(b)
	cpu := selfCPU()
	start := time.Now()
	stopHeap := heapAtPeak(noun)
	n := run()
	stopHeap()
	el := time.Since(start)
	cpu = selfCPU() - cpu
	shopCPU, erpCPU = shop.cpu(b)-shopCPU, erp.cpu(b)-erpCPU
	if n == 0 {
		b.Fatalf("%s: no records", noun)
	}
	one := strings.TrimSuffix(noun, "s")
	switch noun {
	case "products", "articles":
		one = "variant"
	case "stock":
		one = "sku"
	case "shipments":
		one = "shipment"
	}
	per := func(x float64) float64 { return x / float64(n) }
	b.ReportMetric(float64(n)/el.Seconds(), one+"s/s")
	b.ReportMetric(per(remote.CallCount(system)-erpCalls), system+"-calls/"+one)
	b.ReportMetric(per(remote.CallCount(shopSystem)-shopCalls), "shop-calls/"+one)
	b.ReportMetric(per(float64(cpu.Milliseconds())), "hub-cpu-ms/"+one)
	b.ReportMetric(per(float64((shopCPU + erpCPU).Milliseconds())), "sandbox-cpu-ms/"+one)
	if resetPeak == nil {
		b.ReportMetric(float64(peakRSS())/(1<<20), "hub-peak-MB("+noun+")")
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.Logf("%s: %d %ss in %v; Go runtime holds %d MB from the OS (heap %d MB); %s", noun, n, one, el.Round(time.Millisecond), ms.Sys>>20, ms.HeapSys>>20, procStatus("VmHWM", "RssAnon", "RssFile"))
	return n
}

// benchConfig is a ferry.yaml for the benchmark: the defaults of a production
// hub, except that the sandboxes are not rate limited: they are on loopback and
// the hub's own cost is what is measured.
func benchConfig(dir, dbURL, shopURL, erpURL string) string {
	return fmt.Sprintf(`data_dir: %q
database_url: %q
log: {level: error}
connections:
  shop:
    kind: mycashflow
    settings: {store: demo, base_url: %q, rate_limit: 0}
    credentials: {user: api@demo.example, api_key: demo-key}
  erp:
    kind: odoo
    settings: {url: %q, database: ferry, rate_limit: 0}
    credentials: {login: admin, api_key: demo-key}
routes:
  base-config: {flow: base_config, from: shop, to: erp}
  products: {flow: products, from: erp, to: shop}
  orders: {flow: orders, from: shop, to: erp}
`, filepath.Join(dir, "data"), dbURL, shopURL, erpURL)
}

// sandboxProcess is a sandbox running in a child process.
type sandboxProcess struct {
	cmd *exec.Cmd
	url string
	// system names its client's calls in remote.CallCount; "" is mycashflow.
	system string
}

func startSandboxProcess(b *testing.B, args string) *sandboxProcess {
	b.Helper()
	// Each sandbox runs as `ferry sandbox …` in its own process (this test
	// binary as the command line, as the chaos test runs ferry), so that the
	// hub's CPU time and memory are measured without the sandboxes'.
	cmd := exec.Command(os.Args[0], strings.Fields(args)...)
	cmd.Env = append(os.Environ(), chaosChildEnv+"=1")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() })
	// The sandbox prints its URL once it listens.
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		for _, f := range strings.Fields(sc.Text()) {
			if strings.HasPrefix(f, "http://") {
				go io.Copy(io.Discard, out)
				return &sandboxProcess{cmd: cmd, url: strings.TrimSuffix(f, "/api/v1")}
			}
		}
	}
	b.Fatalf("sandbox %q printed no URL: %v", args, sc.Err())
	return nil
}

// cpu returns the process's user and system CPU time so far.
func (p *sandboxProcess) cpu(b *testing.B) time.Duration {
	b.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		b.Fatal(err)
	}
	// Fields after the command name: state is field 3, utime 14, stime 15.
	f := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+2:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	// Linux reports them in USER_HZ, 100 per second on every platform Go supports.
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// count returns the number of records of a resource in the shop sandbox.
func (p *sandboxProcess) count(b *testing.B, resource string) int {
	b.Helper()
	resp, err := http.Get(p.url + "/_sandbox/state")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var st struct {
		Counts map[string]int `json:"counts"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		b.Fatal(err)
	}
	return st.Counts[resource]
}

// createOrder has the shop sandbox take a random order and reports whether the
// orders route imports it (open, with payment and shipping methods).
func (p *sandboxProcess) createOrder(b *testing.B) bool {
	b.Helper()
	resp, err := http.Post(p.url+"/_sandbox/orders", "application/json", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var o struct {
		Data struct {
			Status           string `json:"status"`
			ShippingMethodID *int   `json:"shipping_method_id"`
			PaymentMethodID  *int   `json:"payment_method_id"`
		} `json:"data"`
	}
	if resp.StatusCode != http.StatusCreated {
		body, _ := io.ReadAll(resp.Body)
		b.Fatalf("creating a shop order: %s %s", resp.Status, body)
	}
	if err := json.NewDecoder(resp.Body).Decode(&o); err != nil {
		b.Fatal(err)
	}
	return o.Data.Status == "open" && o.Data.ShippingMethodID != nil && o.Data.PaymentMethodID != nil
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSS returns VmHWM, the process's peak resident set, in bytes.
func peakRSS() int64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// heapAtPeak writes a heap profile at the largest heap seen while a flow runs,
// to FERRY_BENCH_HEAP/<noun>.heap, to find what holds memory; it returns the
// function that stops it.
func heapAtPeak(noun string) func() {
	dir := os.Getenv("FERRY_BENCH_HEAP")
	if dir == "" {
		return func() {}
	}
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		var peak int64
		start := time.Now()
		for {
			select {
			case <-done:
				return
			case <-time.After(100 * time.Millisecond):
			}
			rss := currentRSS()
			if rss > peak*21/20 {
				peak = rss
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				fmt.Fprintf(os.Stderr, "%s %v: RSS %d MB, Go heap in use %d MB, Go Sys %d MB\n", noun, time.Since(start).Round(100*time.Millisecond), rss>>20, ms.HeapInuse>>20, ms.Sys>>20)
				if f, err := os.Create(filepath.Join(dir, noun+".heap")); err == nil {
					pprof.Lookup("heap").WriteTo(f, 0)
					f.Close()
				}
				if f, err := os.Create(filepath.Join(dir, noun+".goroutines")); err == nil {
					pprof.Lookup("goroutine").WriteTo(f, 1)
					f.Close()
				}
			}
		}
	}()
	return func() { close(done); <-stopped }
}

// procStatus returns the named lines of /proc/self/status.
func procStatus(keys ...string) string {
	raw, _ := os.ReadFile("/proc/self/status")
	var out []string
	for _, line := range strings.Split(string(raw), "\n") {
		for _, k := range keys {
			if strings.HasPrefix(line, k+":") {
				out = append(out, strings.Join(strings.Fields(line), " "))
			}
		}
	}
	return strings.Join(out, ", ")
}

// currentRSS returns VmRSS in bytes.
func currentRSS() int64 {
	raw, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

package web

import (
	"context"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/config"
	_ "github.com/ferryhub/ferry/internal/connector/mycashflow"
	_ "github.com/ferryhub/ferry/internal/connector/odoo"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/hub"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
	odoosandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
	ogosandbox "github.com/ferryhub/ferry/internal/sandbox/ogoship"
	"github.com/ferryhub/ferry/internal/store"
)

// Credentials of the test systems and people. The security tests look for
// every one of them in every page and API answer.
const (
	shopKey     = "shop-secret-4f9a1c"
	erpKey      = "odoo-secret-77e2b0"
	adminPass   = "admin-pass-93kd02"
	operPass    = "oper-pass-5jf83k"
	viewerPass  = "viewer-pass-x81md2"
	dhlMethodID = 2 // the shop sandbox's second shipping method, "DHL Express"
)

// env is a running ferry with its dashboard between a MyCashflow sandbox and
// an Odoo sandbox, with the day's work done: products and stock in the shop,
// four orders imported and one (by DHL, which the orders route's shipping
// rules do not map) parked.
type env struct {
	hub  *hub.Hub
	srv  *httptest.Server
	shop *mcfsandbox.Server
	erp  *odoosandbox.Server
	// ogo is the warehouse of an OGOship env (newOGOshipEnv).
	ogo        *ogosandbox.Server
	adminToken string
	// parked is the shop number of the parked order.
	parked string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvOn(t, "")
}

// newEnvOn is newEnv on the store at databaseURL ("": SQLite in a temporary
// directory).
func newEnvOn(t *testing.T, databaseURL string) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	e := &env{
		shop: mcfsandbox.New(mcfsandbox.Options{Products: -1, Orders: -1, APIKey: shopKey}),
		erp:  odoosandbox.New(odoosandbox.Options{Version: 17, APIKey: erpKey, Currency: "EUR"}),
	}
	serve := func(run func(net.Listener) error) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go run(ln)
		return "http://" + ln.Addr().String()
	}
	shopURL := serve(func(ln net.Listener) error { return e.shop.Serve(ctx, ln) })
	erpURL := serve(func(ln net.Listener) error { return e.erp.Serve(ctx, ln) })
	dir := t.TempDir()
	yaml := fmt.Sprintf(`data_dir: %q
database_url: %q
log: {level: error}
queue: {poll_interval: 50ms}
connections:
  shop:
    kind: mycashflow
    settings: {store: demo, base_url: %q}
    credentials: {user: api@demo.example, api_key: %s}
    # Local sandboxes: no need for a real store's 3 requests per second.
    rate_limit: 200
  erp:
    kind: odoo
    settings: {url: %q, database: ferry}
    credentials: {login: admin, api_key: %s}
    rate_limit: 200
routes:
  base-config: {flow: base_config, from: shop, to: erp}
  products: {flow: products, from: erp, to: shop}
  stock: {flow: stock, from: erp, to: shop}
  orders:
    flow: orders
    from: shop
    to: erp
    options:
      shipping_methods:
        - {match: "Posti*", to: "Posti SmartPOST"}
        - {match: "Matkahuolto", to: "Matkahuolto"}
  shipments: {flow: shipments, from: erp, to: shop}
  payments: {flow: payments, from: erp, to: shop}
`, dir, databaseURL, shopURL, shopKey, erpURL, erpKey)
	h := e.start(ctx, t, dir, yaml)
	pass := func(routes ...string) {
		t.Helper()
		pctx, c := context.WithTimeout(ctx, 60*time.Second)
		defer c()
		if err := flow.PassNow(pctx, h.Flows, routes); err != nil {
			t.Fatal(err)
		}
	}
	pass("base-config", "products")
	pass("stock")
	codes := e.inStock(t)
	for i := 0; i < 4; i++ {
		method := 1 // Posti SmartPOST
		if i == 2 {
			method = dhlMethodID
		}
		o, err := e.shop.CreateOrder(mcfsandbox.NewOrder{
			Email: fmt.Sprintf("buyer%d@example.fi", i), FirstName: "Testi", LastName: fmt.Sprintf("Ostaja %d", i),
			Street: "Mannerheimintie 1", PostalCode: "00100", City: "Helsinki", Country: "FI",
			ShippingMethodID: method, PaymentMethodID: 2,
			Lines: []mcfsandbox.OrderLine{{ProductCode: codes[i%len(codes)], Quantity: 1}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if method == dhlMethodID {
			e.parked = strconv.Itoa(o.ID)
		}
	}
	pass("orders")
	// The newest call or test alone judges health here (no 5-minute error
	// rate), so that a test sees it turn back to ok at once; TestHealth covers
	// the rate.
	e.serve(t)
	return e
}

// start runs a hub on the ferry.yaml text in dir with its queue and the
// test's people (admin, oper, viewer and an admin token).
func (e *env) start(ctx context.Context, t *testing.T, dir, yaml string) *hub.Hub {
	t.Helper()
	path := filepath.Join(dir, "ferry.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, hub.Schemas())
	if err != nil {
		t.Fatal(err)
	}
	h, err := hub.Open(ctx, cfg, hub.Options{Work: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	if err := h.Queue.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stop, c := context.WithTimeout(context.Background(), 10*time.Second)
		defer c()
		h.Queue.Stop(stop)
	})
	e.hub = h
	for name, pw := range map[string]string{"admin": adminPass, "oper": operPass, "viewer": viewerPass} {
		role := store.Role(map[string]string{"admin": "admin", "oper": "operator", "viewer": "viewer"}[name])
		if err := AddUser(ctx, h.Store, name, pw, role); err != nil {
			t.Fatal(err)
		}
	}
	if e.adminToken, err = AddToken(ctx, h.Store, "admin", "tests"); err != nil {
		t.Fatal(err)
	}
	return h
}

// serve starts the dashboard of e's hub.
func (e *env) serve(t *testing.T) {
	t.Helper()
	e.srv = httptest.NewServer(New(Options{Hub: e.hub, TestEvery: time.Hour, HealthWindow: -1}).Handler())
	t.Cleanup(e.srv.Close)
}

// inStock returns product codes the shop has in stock.
func (e *env) inStock(t *testing.T) []string {
	t.Helper()
	var codes []string
	for _, s := range e.shop.Stock() {
		if s.Balance > 0 && s.Enabled && !strings.Contains(s.ProductCode, " ") {
			codes = append(codes, s.ProductCode)
		}
	}
	if len(codes) == 0 {
		t.Fatal("the shop has nothing in stock after the stock route")
	}
	return codes
}

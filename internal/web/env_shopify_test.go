package web

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	_ "github.com/ferryhub/ferry/internal/connector/shopify"
	"github.com/ferryhub/ferry/internal/flow"
	odoosandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
	sfysandbox "github.com/ferryhub/ferry/internal/sandbox/shopify"
)

// newShopifyEnv is seed 003's set-up with the day's work done: Shopify's
// products in Odoo, its orders imported (risky and cancelled ones held as
// quotations, paid ones invoiced and paid by the workflow), and two returns
// refunded in the shop and credited in Odoo. The env's shop is nil; sfy is
// the Shopify sandbox.
func newShopifyEnv(t *testing.T) (*env, *sfysandbox.Server) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	sfy, err := sfysandbox.New(sfysandbox.Options{Orders: 60, Products: 6, VATRate: 0.255, RestoreRate: 1000, MaximumAvailable: 20000})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sfy.Close)
	e := &env{erp: odoosandbox.New(odoosandbox.Options{Version: 17, APIKey: erpKey, Currency: "EUR", Products: -1})}
	sfyURL := listen(t, func(ln net.Listener) error { return sfy.Serve(ctx, ln) })
	erpURL := listen(t, func(ln net.Listener) error { return e.erp.Serve(ctx, ln) })
	o := sfy.Options()
	dir := t.TempDir()
	yaml := fmt.Sprintf(`data_dir: %q
log: {level: error}
queue: {poll_interval: 50ms}
connections:
  shopify:
    kind: shopify
    settings: {shop: %q, base_url: %q}
    credentials: {access_token: %q, webhook_secret: %q}
  erp:
    kind: odoo
    settings: {url: %q, database: ferry}
    credentials: {login: admin, api_key: %s}
    rate_limit: 200
routes:
  products: {flow: products, from: shopify, to: erp}
  customers: {flow: customers, from: shopify, to: erp}
  orders:
    flow: orders
    from: shopify
    to: erp
    options:
      shipping_methods: [{match: "*", to: "Posti SmartPOST"}]
      import_cancelled: true
      workflows:
        - {financial_status: paid, until: pay, journal: Bank}
        - {until: confirm}
  refunds: {flow: refunds, from: shopify, to: erp}
  payouts: {flow: payouts, from: shopify, to: erp, options: {journal: Bank}}
`, dir, sfy.ShopDomain(), sfyURL, o.AccessToken, o.APISecret, erpURL, erpKey)
	h := e.start(ctx, t, dir, yaml)
	pass := func(routes ...string) {
		t.Helper()
		pctx, c := context.WithTimeout(ctx, 60*time.Second)
		defer c()
		if err := flow.PassNow(pctx, h.Flows, routes); err != nil {
			t.Fatal(err)
		}
	}
	pass("products", "customers")
	pass("orders")
	pass("refunds", "payouts")
	e.serve(t)
	return e, sfy
}

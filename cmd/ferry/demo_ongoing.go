package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"time"

	ongoingsandbox "github.com/ferryhub/ferry/internal/sandbox/ongoing"
)

// ongoingDemo is the integration of seed 002: the MyCashflow shop is the
// product master and sends articles and orders to the Ongoing warehouse, which
// ships them (a simulation moves each order a step every 20 s) and reports
// stock and tracking codes back.
func ongoingDemo() warehouseDemo {
	// The warehouse starts empty; each article arrives with 100 pieces.
	wo := ongoingsandbox.Options{Articles: -1, ReceiveNew: 100}
	var wms *ongoingsandbox.Server
	return warehouseDemo{
		title: "MyCashflow ⇄ Ongoing WMS", products: "articles",
		serve: func(ctx context.Context, live bool) (string, error) {
			if live {
				wo.StepEvery = 20 * time.Second
			}
			wms = ongoingsandbox.New(wo)
			return startSandbox(ctx, func(ln net.Listener) error { return wms.Serve(ctx, ln) })
		},
		config: func(dataDir, addr, mcfURL, wmsURL string) string {
			return demoOngoingConfig(dataDir, addr, mcfURL, wmsURL, wms.Options())
		},
		describe: func(out io.Writer, wmsURL string) {
			o := wms.Options()
			fmt.Fprintf(out, "  Ongoing WMS:      %s%s  goods owner %d, user %s, password %s\n", wmsURL, wms.BasePath(), o.GoodsOwnerID, o.User, o.Password)
			fmt.Fprintf(out, "  the warehouse moves every order a step every 20 s (open → released → picked → sent)\n")
		},
		ship: func() {
			for range 6 {
				wms.Step()
			}
		},
		state: func() any { return wms.State() },
	}
}

func demoOngoingConfig(dataDir, addr, mcfURL, wmsURL string, o ongoingsandbox.Options) string {
	return fmt.Sprintf(`# Written by 'ferry demo --scenario mcf-ongoing': ferry between a MyCashflow sandbox and an
# Ongoing WMS sandbox (seed 002: the shop is the product master, the warehouse ships).
data_dir: %q
http:
  addr: %q
log:
  format: text
queue:
  poll_interval: 100ms
connections:
  shop:
    kind: mycashflow
    settings: {store: demo, base_url: %q}
    credentials: {user: api@demo.example, api_key: demo-key}
    rate_limit: 100
  wms:
    kind: ongoing
    settings: {base_url: %q, warehouse: %q, goods_owner_id: %d}
    credentials: {user: %q, password: %q}
routes:
  articles:
    flow: products
    from: shop
    to: wms
    schedule: "@every 60s"
  orders:
    flow: orders
    from: shop
    to: wms
    schedule: "@every 20s"
    options:
      # The shop's shipping methods → the warehouse's ways of delivery.
      shipping_methods:
        - {match: "Posti*", to: "PN-SP"}
        - {match: "DHL*", to: "DHL-EXP"}
        - {match: "*huolto", to: "MH"}
        - {match: "Nouto*", to: "PICKUP"}
  stock:
    # Off by default in a real set-up (the merchant turns it on); on in the demo.
    flow: stock
    from: wms
    to: shop
    schedule: "@every 60s"
    options: {quantity: available}
  shipments:
    flow: shipments
    from: wms
    to: shop
    schedule: "@every 30s"
`, dataDir, addr, mcfURL, wmsURL+"/{warehouse}/api/v1", o.Warehouse, o.GoodsOwnerID, o.User, o.Password)
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"time"

	ogosandbox "github.com/ferryhub/ferry/internal/sandbox/ogoship"
)

// ogoshipDemo is the integration of seed 001: the MyCashflow shop sends its
// products and orders to OGOship's fulfilment warehouse, which ships them (the
// demo moves every order a step every 20 s) and reports stock and tracking
// codes back.
func ogoshipDemo() warehouseDemo {
	// The warehouse starts empty; each product arrives with 100 pieces.
	wms := ogosandbox.New(ogosandbox.Options{Products: -1, Orders: -1, ReceiveNew: 100})
	return warehouseDemo{
		title: "MyCashflow ⇄ OGOship", products: "products",
		serve: func(ctx context.Context, live bool) (string, error) {
			if live {
				go func() {
					t := time.NewTicker(20 * time.Second)
					defer t.Stop()
					for {
						select {
						case <-ctx.Done():
							return
						case <-t.C:
							wms.AdvanceAll()
						}
					}
				}()
			}
			return startSandbox(ctx, func(ln net.Listener) error { return wms.Serve(ctx, ln) })
		},
		config: func(dataDir, addr, mcfURL, ogoURL string) string {
			return demoOGOshipConfig(dataDir, addr, mcfURL, ogoURL, enabledCodes(wms))
		},
		describe: func(out io.Writer, wmsURL string) {
			fmt.Fprintf(out, "  OGOship:          %s/api/v1  token %s/OAuth/Token, client 123456, merchant demo-merchant\n", wmsURL, wmsURL)
			fmt.Fprintf(out, "  the warehouse moves every order a step every 20 s (new → reserved → collecting → shipped)\n")
		},
		ship: func() {
			for range 4 {
				wms.AdvanceAll()
			}
		},
		state: func() any { return wms.Counts() },
	}
}

// enabledCodes are the sandbox merchant's enabled shipping codes: what a
// merchant copies from myOGO's Edit Merchant page into the connection's
// shipping_methods, since OGOship's API cannot list them.
func enabledCodes(wms *ogosandbox.Server) []string {
	var codes []string
	for _, m := range wms.ShippingMethods() {
		codes = append(codes, m.Code)
	}
	return codes
}

func demoOGOshipConfig(dataDir, addr, mcfURL, ogoURL string, shippingCodes []string) string {
	codes, _ := json.Marshal(shippingCodes)
	return fmt.Sprintf(`# Written by 'ferry demo --scenario mcf-ogoship': ferry between a MyCashflow sandbox and an
# OGOship sandbox (seed 001: the shop's products and orders go to the fulfilment warehouse).
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
    kind: ogoship
    # shipping_methods: the codes enabled on myOGO's Edit Merchant → Shipping methods (no API lists them),
    # offered on the Mappings page.
    settings: {base_url: %q, token_url: %q, client_id: "123456", shipping_methods: %s}
    credentials: {client_secret: abcdef, merchant_id: demo-merchant, secret_token: demo-secret}
routes:
  products:
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
      # The shop's shipping methods → OGOship's shipping codes (seed 001's wildcards).
      shipping_methods:
        - {match: "Posti*", to: "POSTI-SP"}
        - {match: "DHL*", to: "DHL-EXPRESS"}
        - {match: "*huolto", to: "MH-LAHELLA"}
        - {match: "*", to: "POSTI-PKT"}
  stock:
    # The seed's "scheduled latest changes update": off until the merchant turns it on; on in the demo.
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
`, dataDir, addr, mcfURL, ogoURL, ogoURL+"/OAuth/Token", codes)
}

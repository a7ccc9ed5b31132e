package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"testing"

	_ "github.com/ferryhub/ferry/internal/connector/ogoship"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
	ogosandbox "github.com/ferryhub/ferry/internal/sandbox/ogoship"
)

// shopProducts is how many products the OGOship env's shop has.
const shopProducts = 8

// newOGOshipEnv is seed 001's set-up: a MyCashflow shop with products that
// OGOship has none of yet (nothing has run), the OGOship connection with the
// shipping codes enabled in myOGO, and an orders route linking only the
// shop's Posti methods. The env's erp is nil, ogo the warehouse.
func newOGOshipEnv(t *testing.T) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	e := &env{
		shop: mcfsandbox.New(mcfsandbox.Options{Products: shopProducts, Orders: -1, APIKey: shopKey}),
		ogo:  ogosandbox.New(ogosandbox.Options{Products: -1, Orders: -1}),
	}
	shopURL := listen(t, func(ln net.Listener) error { return e.shop.Serve(ctx, ln) })
	ogoURL := listen(t, func(ln net.Listener) error { return e.ogo.Serve(ctx, ln) })
	var codes []string
	for _, m := range e.ogo.ShippingMethods() {
		codes = append(codes, m.Code)
	}
	list, _ := json.Marshal(codes)
	dir := t.TempDir()
	yaml := fmt.Sprintf(`data_dir: %q
log: {level: error}
queue: {poll_interval: 50ms}
connections:
  shop:
    kind: mycashflow
    settings: {store: demo, base_url: %q}
    credentials: {user: api@demo.example, api_key: %s}
    rate_limit: 200
  wms:
    kind: ogoship
    settings: {base_url: %q, token_url: %q, client_id: "123456", shipping_methods: %s}
    credentials: {client_secret: abcdef, merchant_id: demo-merchant, secret_token: demo-secret}
    rate_limit: 200
routes:
  products: {flow: products, from: shop, to: wms}
  orders:
    flow: orders
    from: shop
    to: wms
    options:
      shipping_methods:
        - {match: "Posti*", to: "POSTI-SP"}
`, dir, shopURL, shopKey, ogoURL, ogoURL+"/OAuth/Token", list)
	e.start(ctx, t, dir, yaml)
	e.serve(t)
	return e
}

// listen serves run on a free loopback port and returns its URL.
func listen(t *testing.T, run func(net.Listener) error) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go run(ln)
	return "http://" + ln.Addr().String()
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/ferryhub/ferry/internal/config"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/hub"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
	ogosandbox "github.com/ferryhub/ferry/internal/sandbox/ogoship"
	"github.com/ferryhub/ferry/internal/store"
	"github.com/ferryhub/ferry/internal/web"
)

// demoOGOship runs the integration of seed 001: the MyCashflow shop sends its
// products and orders to OGOship's fulfilment warehouse, which ships them (the
// demo moves every order a step every 20 s) and reports stock and tracking
// codes back, by webhook-less polling.
func demoOGOship(ctx context.Context, g *globals, cmd *cobra.Command, dataDir, addr string, once bool, orderEvery, onceTimeout time.Duration) error {
	out := cmd.OutOrStdout()
	shop := mcfsandbox.New(mcfsandbox.Options{Orders: -1})
	if !once && orderEvery > 0 {
		shop.StartOrderStream(ctx, orderEvery)
	}
	mcfURL, err := startSandbox(ctx, func(ln net.Listener) error { return shop.Serve(ctx, ln) })
	if err != nil {
		return err
	}
	// The warehouse starts empty; each product arrives with 100 pieces.
	wms := ogosandbox.New(ogosandbox.Options{Products: -1, Orders: -1, ReceiveNew: 100})
	wmsURL, err := startSandbox(ctx, func(ln net.Listener) error { return wms.Serve(ctx, ln) })
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return fmt.Errorf("demo data directory: %w", err)
	}
	path := filepath.Join(dataDir, "ferry.yaml")
	if !once {
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
	if err := os.WriteFile(path, []byte(demoOGOshipConfig(dataDir, addr, mcfURL, wmsURL)), 0o600); err != nil {
		return err
	}
	cfg, err := config.Load(path, schemas())
	if err != nil {
		return fmt.Errorf("demo config: %w", err)
	}
	if g.logLevel != "" {
		cfg.Log.Level = g.logLevel
	} else if !cmd.Flags().Changed("log-level") {
		cfg.Log.Level = "warn"
	}
	if once {
		return demoOGOshipOnce(ctx, cfg, out, onceTimeout, shop, wms)
	}
	return run(ctx, g, cfg, true, func(h *hub.Hub) error {
		pw := web.NewSecret()[:20]
		if err := web.AddUser(ctx, h.Store, "admin", pw, store.RoleAdmin); err != nil {
			return fmt.Errorf("demo user: %w", err)
		}
		fmt.Fprintf(out, "ferry demo: MyCashflow ⇄ OGOship\n")
		fmt.Fprintf(out, "  dashboard:        http://%s  user admin, password %s\n", cfg.HTTP.Addr, pw)
		fmt.Fprintf(out, "  config:           %s\n", path)
		fmt.Fprintf(out, "  MyCashflow:       %s/api/v1  user api@demo.example, API key demo-key\n", mcfURL)
		fmt.Fprintf(out, "  OGOship:          %s/api/v1  token %s/OAuth/Token, client 123456, merchant demo-merchant\n", wmsURL, wmsURL)
		fmt.Fprintf(out, "  the warehouse moves every order a step every 20 s (new → reserved → collecting → shipped)\n")
		printCLIHint(out, path)
		return nil
	})
}

func demoOGOshipConfig(dataDir, addr, mcfURL, ogoURL string) string {
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
    settings: {base_url: %q, token_url: %q, client_id: "123456"}
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
`, dataDir, addr, mcfURL, ogoURL, ogoURL+"/OAuth/Token")
}

// demoOGOshipOnce runs every route once in the order of a day of trade:
// products, 10 orders, the warehouse ships them, stock and tracking go back.
func demoOGOshipOnce(ctx context.Context, cfg *config.Config, out io.Writer, timeout time.Duration, shop *mcfsandbox.Server, wms *ogosandbox.Server) error {
	h, err := hub.Open(ctx, cfg, hub.Options{Logger: newLogger(cfg), Work: true})
	if err != nil {
		return err
	}
	defer h.Close()
	if err := h.Queue.Start(ctx); err != nil {
		return err
	}
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		h.Queue.Stop(stopCtx)
	}()
	passCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	pass := func(names ...string) error {
		if err := flow.PassNow(passCtx, h.Flows, names); err != nil {
			return fmt.Errorf("running %v: %w", names, err)
		}
		return nil
	}
	if err := pass("products"); err != nil {
		return err
	}
	for i := 0; i < 10; i++ {
		if _, err := shop.CreateRandomOrder(); err != nil {
			return fmt.Errorf("creating a demo order in the shop: %w", err)
		}
	}
	if err := pass("orders"); err != nil {
		return err
	}
	// The warehouse works through every order until it is sent.
	for range 4 {
		wms.AdvanceAll()
	}
	if err := pass("stock", "shipments"); err != nil {
		return err
	}
	counts := h.Flows.Counts()
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]any{"routes": counts, "warehouse": wms.Counts()}); err != nil {
		return err
	}
	for _, c := range counts {
		if c.Failed > 0 {
			return exitError{code: 1}
		}
	}
	return nil
}

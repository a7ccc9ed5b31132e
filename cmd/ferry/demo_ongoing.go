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
	ongoingsandbox "github.com/ferryhub/ferry/internal/sandbox/ongoing"
	"github.com/ferryhub/ferry/internal/store"
	"github.com/ferryhub/ferry/internal/web"
)

// demoOngoing runs the integration of seed 002: the MyCashflow shop is the
// product master and sends articles and orders to the Ongoing warehouse, which
// ships them (a simulation moves each order a step every 20 s) and reports
// stock and tracking codes back.
func demoOngoing(ctx context.Context, g *globals, cmd *cobra.Command, dataDir, addr string, once bool, orderEvery, onceTimeout time.Duration) error {
	out := cmd.OutOrStdout()
	shop := mcfsandbox.New(mcfsandbox.Options{Orders: -1})
	if !once && orderEvery > 0 {
		shop.StartOrderStream(ctx, orderEvery)
	}
	mcfURL, err := startSandbox(ctx, func(ln net.Listener) error { return shop.Serve(ctx, ln) })
	if err != nil {
		return err
	}
	// The warehouse starts empty; each article arrives with 100 pieces.
	wo := ongoingsandbox.Options{Articles: -1, ReceiveNew: 100}
	if !once {
		wo.StepEvery = 20 * time.Second
	}
	wms := ongoingsandbox.New(wo)
	wmsURL, err := startSandbox(ctx, func(ln net.Listener) error { return wms.Serve(ctx, ln) })
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return fmt.Errorf("demo data directory: %w", err)
	}
	path := filepath.Join(dataDir, "ferry.yaml")
	if err := os.WriteFile(path, []byte(demoOngoingConfig(dataDir, addr, mcfURL, wmsURL, wms.Options())), 0o600); err != nil {
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
		return demoOngoingOnce(ctx, cfg, out, onceTimeout, shop, wms)
	}
	return run(ctx, g, cfg, true, func(h *hub.Hub) error {
		pw := web.NewSecret()[:20]
		if err := web.AddUser(ctx, h.Store, "admin", pw, store.RoleAdmin); err != nil {
			return fmt.Errorf("demo user: %w", err)
		}
		o := wms.Options()
		fmt.Fprintf(out, "ferry demo: MyCashflow ⇄ Ongoing WMS\n")
		fmt.Fprintf(out, "  dashboard:        http://%s  user admin, password %s\n", cfg.HTTP.Addr, pw)
		fmt.Fprintf(out, "  config:           %s\n", path)
		fmt.Fprintf(out, "  MyCashflow:       %s/api/v1  user api@demo.example, API key demo-key\n", mcfURL)
		fmt.Fprintf(out, "  Ongoing WMS:      %s%s  goods owner %d, user %s, password %s\n", wmsURL, wms.BasePath(), o.GoodsOwnerID, o.User, o.Password)
		fmt.Fprintf(out, "  the warehouse moves every order a step every 20 s (open → released → picked → sent)\n")
		printCLIHint(out, path)
		return nil
	})
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

// demoOngoingOnce runs every route once in the order of a day of trade:
// articles, 10 orders, the warehouse ships them, stock and tracking go back.
func demoOngoingOnce(ctx context.Context, cfg *config.Config, out io.Writer, timeout time.Duration, shop *mcfsandbox.Server, wms *ongoingsandbox.Server) error {
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
	if err := pass("articles"); err != nil {
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
	for range 6 {
		wms.Step()
	}
	if err := pass("stock", "shipments"); err != nil {
		return err
	}
	counts := h.Flows.Counts()
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]any{"routes": counts, "warehouse": wms.State()}); err != nil {
		return err
	}
	for _, c := range counts {
		if c.Failed > 0 {
			return exitError{code: 1}
		}
	}
	return nil
}

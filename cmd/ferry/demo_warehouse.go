package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/spf13/cobra"

	"github.com/ferryhub/ferry/internal/config"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/hub"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
)

// warehouseDemo is a demo scenario between the MyCashflow shop and a
// warehouse sandbox: the shop's products and orders go to the warehouse, which
// ships them; stock and tracking codes come back.
type warehouseDemo struct {
	// title names the scenario in the printout ("MyCashflow ⇄ OGOship").
	title string
	// products is the name of the products route (articles for Ongoing).
	products string
	// serve starts the warehouse sandbox and returns its URL; with live set it
	// moves orders along by itself.
	serve func(ctx context.Context, live bool) (string, error)
	// config is the scenario's ferry.yaml.
	config func(dataDir, addr, mcfURL, wmsURL string) string
	// describe prints the warehouse's lines of the printout.
	describe func(out io.Writer, wmsURL string)
	// ship moves every order through the warehouse until it is shipped.
	ship func()
	// state is the warehouse's state for the --once printout.
	state func() any
}

// runWarehouseDemo runs a warehouse scenario of `ferry demo`.
func runWarehouseDemo(ctx context.Context, g *globals, cmd *cobra.Command, d warehouseDemo, dataDir, addr string, once bool, orderEvery, onceTimeout time.Duration) error {
	out := cmd.OutOrStdout()
	shop := mcfsandbox.New(mcfsandbox.Options{Orders: -1})
	if !once && orderEvery > 0 {
		shop.StartOrderStream(ctx, orderEvery)
	}
	mcfURL, err := startSandbox(ctx, func(ln net.Listener) error { return shop.Serve(ctx, ln) })
	if err != nil {
		return err
	}
	wmsURL, err := d.serve(ctx, !once)
	if err != nil {
		return err
	}
	cfg, path, err := writeDemoConfig(g, cmd, dataDir, d.config(dataDir, addr, mcfURL, wmsURL))
	if err != nil {
		return err
	}
	if once {
		return warehouseDemoOnce(ctx, cfg, out, onceTimeout, shop, d)
	}
	return run(ctx, g, cfg, true, func(h *hub.Hub) error {
		pw, err := demoAdmin(ctx, h)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "ferry demo: %s\n", d.title)
		fmt.Fprintf(out, "  dashboard:        http://%s  user admin, password %s\n", cfg.HTTP.Addr, pw)
		fmt.Fprintf(out, "  config:           %s\n", path)
		fmt.Fprintf(out, "  MyCashflow:       %s/api/v1  user api@demo.example, API key demo-key\n", mcfURL)
		d.describe(out, wmsURL)
		printCLIHint(out, path)
		return nil
	})
}

// warehouseDemoOnce runs every route once in the order of a day of trade:
// products, 10 orders, the warehouse ships them, stock and tracking go back.
func warehouseDemoOnce(ctx context.Context, cfg *config.Config, out io.Writer, timeout time.Duration, shop *mcfsandbox.Server, d warehouseDemo) error {
	h, stop, err := startDemoHub(ctx, cfg)
	if err != nil {
		return err
	}
	defer stop()
	passCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	pass := func(names ...string) error {
		if err := flow.PassNow(passCtx, h.Flows, names); err != nil {
			return fmt.Errorf("running %v: %w", names, err)
		}
		return nil
	}
	if err := pass(d.products); err != nil {
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
	d.ship()
	if err := pass("stock", "shipments"); err != nil {
		return err
	}
	counts := h.Flows.Counts()
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]any{"routes": counts, "warehouse": d.state()}); err != nil {
		return err
	}
	for _, c := range counts {
		if c.Failed > 0 {
			return exitError{code: 1}
		}
	}
	return nil
}

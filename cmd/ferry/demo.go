package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ferryhub/ferry/internal/config"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/hub"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
	odoosandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
	"github.com/ferryhub/ferry/internal/store"
	"github.com/ferryhub/ferry/internal/web"
)

// demoRoutes are the routes the demo runs when their flow kind is compiled in:
// the integration of seed 000 (MyCashflow webshop, Odoo ERP).
var demoRoutes = []struct{ name, flow, from, to, schedule string }{
	// On demand in a real setup; the demo runs it at start and now and then.
	{"base-config", "base_config", "shop", "erp", "@every 10m"},
	{"orders", "orders", "shop", "erp", "@every 20s"},
	{"products", "products", "erp", "shop", "@every 60s"},
	{"stock", "stock", "erp", "shop", "@every 60s"},
	{"campaign-prices", "campaign_prices", "erp", "shop", "@every 5m"},
	{"shipments", "shipments", "erp", "shop", "@every 30s"},
	{"payments", "payments", "erp", "shop", "@every 60s"},
}

func newDemoCmd(g *globals) *cobra.Command {
	var addr, dataDir string
	var once bool
	var orderEvery time.Duration
	var odooVersion int
	var onceTimeout time.Duration
	var scenario string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run ferry against sandboxed systems (MyCashflow with Odoo, Ongoing WMS or OGOship; Shopify or Clientify with Odoo), on SQLite in a temporary directory",
		Long: `demo starts sandboxes with generated data (new shop orders keep arriving), writes a ferry.yaml
connecting them, and runs ferry on SQLite in a temporary data directory with every route of
the integration and the HTTP server. It prints the URLs and credentials. Scenarios:
  mcf-odoo     MyCashflow webshop ⇄ Odoo ERP (seed 000; the default)
  mcf-ongoing  MyCashflow webshop ⇄ Ongoing WMS warehouse (seed 002)
  mcf-ogoship  MyCashflow webshop ⇄ OGOship fulfilment (seed 001)
  shopify-odoo Shopify shop ⇄ Odoo ERP (seed 003: risky and cancelled orders held for review,
               auto-workflow to payment, refunds as credit notes, payouts as bank statements)
  clientify-odoo Clientify CRM ⇄ Odoo ERP (seed 004: companies, contacts and products both ways,
               confirmed sales as Clientify orders, Clientify's webhooks as hints)
--once runs one full pass of every route instead, prints one JSON object with per-route
counts, and exits 0 only if nothing failed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if odooVersion < 16 || odooVersion > 19 {
				return fmt.Errorf("--odoo-version %d: supported versions are 16, 17, 18 and 19", odooVersion)
			}
			switch scenario {
			case "mcf-odoo", "mcf-ongoing", "mcf-ogoship", "shopify-odoo", "clientify-odoo":
			default:
				return fmt.Errorf("--scenario %q: use mcf-odoo, mcf-ongoing, mcf-ogoship, shopify-odoo or clientify-odoo", scenario)
			}
			ctx := cmd.Context()
			out := cmd.OutOrStdout()
			if dataDir == "" {
				dir, err := os.MkdirTemp("", "ferry-demo-")
				if err != nil {
					return err
				}
				defer os.RemoveAll(dir)
				dataDir = dir
			} else if _, err := os.Stat(filepath.Join(dataDir, "ferry.db")); err == nil {
				// The sandboxes start afresh every time; an earlier demo's links
				// and cursors would say records exist that the new ones lack.
				return fmt.Errorf("--data-dir %s holds an earlier demo's data, but the sandboxes start empty each time: give a new directory, or remove that one", dataDir)
			}
			switch scenario {
			case "mcf-ongoing":
				return runWarehouseDemo(ctx, g, cmd, ongoingDemo(), dataDir, addr, once, orderEvery, onceTimeout)
			case "mcf-ogoship":
				return runWarehouseDemo(ctx, g, cmd, ogoshipDemo(), dataDir, addr, once, orderEvery, onceTimeout)
			case "shopify-odoo":
				return runShopifyDemo(ctx, g, cmd, dataDir, addr, once, orderEvery, onceTimeout, odooVersion)
			case "clientify-odoo":
				return runClientifyDemo(ctx, g, cmd, dataDir, addr, once, onceTimeout, odooVersion)
			}
			// The shop starts empty: Odoo is the product master, and the shop's
			// catalogue arrives by the products route; orders then use it.
			shop := mcfsandbox.New(mcfsandbox.Options{Products: -1, Orders: -1})
			if !once && orderEvery > 0 {
				shop.StartOrderStream(ctx, orderEvery)
			}
			mcfURL, err := startSandbox(ctx, func(ln net.Listener) error { return shop.Serve(ctx, ln) })
			if err != nil {
				return err
			}
			// The shop sandbox sells in EUR: so does the ERP company, or every order
			// would park for want of a EUR pricelist.
			erp := odoosandbox.New(odoosandbox.Options{Version: odooVersion, Currency: "EUR"})
			odooURL, err := startSandbox(ctx, func(ln net.Listener) error { return erp.Serve(ctx, ln) })
			if err != nil {
				return err
			}
			if !once {
				erp.StartWarehouse(ctx, 20*time.Second)
			}
			cfg, path, err := writeDemoConfig(g, cmd, dataDir, demoConfig(dataDir, addr, mcfURL, odooURL))
			if err != nil {
				return err
			}
			if once {
				return demoOnce(ctx, cfg, out, onceTimeout, shop, erp)
			}
			return run(ctx, g, cfg, true, func(h *hub.Hub) error {
				pw, err := demoAdmin(ctx, h)
				if err != nil {
					return err
				}
				printDemo(out, cfg, path, mcfURL, odooURL, odooVersion, pw)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "HTTP listen address of ferry")
	cmd.Flags().StringVar(&dataDir, "data-dir", "", "keep ferry's data here (a new or empty directory; the sandboxes start afresh) instead of a temporary one")
	cmd.Flags().BoolVar(&once, "once", false, "run one pass of every route, print per-route counts as JSON, and exit")
	cmd.Flags().DurationVar(&orderEvery, "order-every", 15*time.Second, "how often the shop sandbox receives a new order (0 = never)")
	cmd.Flags().DurationVar(&onceTimeout, "timeout", 10*time.Minute, "with --once: give up after this long")
	cmd.Flags().IntVar(&odooVersion, "odoo-version", 17, "Odoo version the ERP sandbox behaves as: 16, 17, 18 or 19")
	cmd.Flags().StringVar(&scenario, "scenario", "mcf-odoo", "the systems: mcf-odoo (MyCashflow ⇄ Odoo), mcf-ongoing (MyCashflow ⇄ Ongoing WMS), mcf-ogoship (MyCashflow ⇄ OGOship), shopify-odoo (Shopify ⇄ Odoo) or clientify-odoo (Clientify ⇄ Odoo)")
	return cmd
}

// writeDemoConfig writes a demo's ferry.yaml into dataDir and loads it, at
// log level warn unless the command line says otherwise.
func writeDemoConfig(g *globals, cmd *cobra.Command, dataDir, text string) (*config.Config, string, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, "", fmt.Errorf("demo data directory: %w", err)
	}
	path := filepath.Join(dataDir, "ferry.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		return nil, "", err
	}
	cfg, err := config.Load(path, schemas())
	if err != nil {
		return nil, "", fmt.Errorf("demo config: %w", err)
	}
	if g.logLevel != "" {
		cfg.Log.Level = g.logLevel
	} else if !cmd.Flags().Changed("log-level") {
		cfg.Log.Level = "warn"
	}
	return cfg, path, nil
}

// demoAdmin adds the dashboard's person: an admin with a fresh password.
func demoAdmin(ctx context.Context, h *hub.Hub) (string, error) {
	pw := web.NewSecret()[:20]
	if err := web.AddUser(ctx, h.Store, "admin", pw, store.RoleAdmin); err != nil {
		return "", fmt.Errorf("demo user: %w", err)
	}
	return pw, nil
}

// startDemoHub opens a working hub on cfg with its queue running, for the
// --once runs; stop ends the queue (30 s for running jobs) and closes it.
func startDemoHub(ctx context.Context, cfg *config.Config) (h *hub.Hub, stop func(), err error) {
	if h, err = hub.Open(ctx, cfg, hub.Options{Logger: newLogger(cfg), Work: true}); err != nil {
		return nil, nil, err
	}
	if err := h.Queue.Start(ctx); err != nil {
		h.Close()
		return nil, nil, err
	}
	return h, func() {
		stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		h.Queue.Stop(stopCtx)
		h.Close()
	}, nil
}

// startSandbox serves a sandbox on a free loopback port and returns its URL.
func startSandbox(ctx context.Context, serve func(net.Listener) error) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	go serve(ln)
	return "http://" + ln.Addr().String(), nil
}

func demoConfig(dataDir, addr, mcfURL, odooURL string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `# Written by 'ferry demo': ferry between a MyCashflow sandbox and an Odoo sandbox.
data_dir: %q
http:
  addr: %q
log:
  format: text
queue:
  # A demo wants its records to move at once; a production SQLite hub can poll
  # less often.
  poll_interval: 100ms
connections:
  shop:
    kind: mycashflow
    settings:
      store: demo
      base_url: %q
    credentials:
      user: api@demo.example
      api_key: demo-key
    # The sandbox is local: no need for a real store's 3 requests per second.
    rate_limit: 100
`, dataDir, addr, mcfURL)
	{
		fmt.Fprintf(&b, `  erp:
    kind: odoo
    settings:
      url: %q
      database: ferry
    credentials:
      login: admin
      api_key: demo-key
`, odooURL)
	}
	var routes []string
	for _, r := range demoRoutes {
		if _, ok := flow.LookupKind(r.flow); !ok {
			continue
		}
		s := fmt.Sprintf("  %s:\n    flow: %s\n    from: %s\n    to: %s\n", r.name, r.flow, r.from, r.to)
		if r.schedule != "" {
			s += fmt.Sprintf("    schedule: %q\n", r.schedule)
		}
		routes = append(routes, s)
	}
	if len(routes) > 0 {
		b.WriteString("routes:\n" + strings.Join(routes, ""))
	}
	return b.String()
}

func printDemo(out io.Writer, cfg *config.Config, path, mcfURL, odooURL string, odooVersion int, password string) {
	fmt.Fprintf(out, "ferry demo\n")
	fmt.Fprintf(out, "  dashboard:        http://%s  user admin, password %s\n", cfg.HTTP.Addr, password)
	fmt.Fprintf(out, "  API:              http://%s/api/v1/openapi.json  (tokens: ferry -c %s users token admin)\n", cfg.HTTP.Addr, path)
	fmt.Fprintf(out, "  operations:       http://%s/healthz, /readyz, /metrics\n", cfg.HTTP.Addr)
	fmt.Fprintf(out, "  config:           %s\n", path)
	fmt.Fprintf(out, "  MyCashflow:       %s/api/v1  user api@demo.example, API key demo-key\n", mcfURL)
	{
		fmt.Fprintf(out, "  Odoo %d:          %s  database ferry, login admin, API key demo-key\n", odooVersion, odooURL)
	}
	fmt.Fprintf(out, "  routes:           %d\n", len(cfg.Routes))
	printCLIHint(out, path)
}

// printCLIHint tells how to use the CLI beside the running demo: from a
// checkout, `go run ./cmd/ferry` (or a binary built with `go build`).
func printCLIHint(out io.Writer, path string) {
	fmt.Fprintf(out, "  CLI, in another terminal of this checkout:\n")
	fmt.Fprintf(out, "                    go run ./cmd/ferry -c %s jobs list\n", path)
	fmt.Fprintf(out, "                    (or go build -o ferry ./cmd/ferry once, then ./ferry -c %s jobs list / connections test / sync orders)\n", path)
	fmt.Fprintf(out, "Ctrl-C stops the demo and removes its data (keep it with --data-dir).\n")
}

// demoOnce runs every route once, in the order a day of trade has them: the
// shop takes Odoo's configuration, products and stock; customers order; the
// orders reach Odoo; the warehouse ships; shipments, payments and prices flow
// back. It prints the per-route counts and fails if any record failed.
func demoOnce(ctx context.Context, cfg *config.Config, out io.Writer, timeout time.Duration, shop *mcfsandbox.Server, erp *odoosandbox.Server) error {
	h, stop, err := startDemoHub(ctx, cfg)
	if err != nil {
		return err
	}
	defer stop()
	passCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	run := func(names ...string) error {
		var have []string
		for _, n := range names {
			if _, ok := cfg.Routes[n]; ok {
				have = append(have, n)
			}
		}
		if err := flow.PassNow(passCtx, h.Flows, have); err != nil {
			return fmt.Errorf("running %v: %w", have, err)
		}
		return nil
	}
	if err := run("base-config", "products"); err != nil {
		return err
	}
	if err := run("stock"); err != nil {
		return err
	}
	for i := 0; i < 10; i++ {
		if _, err := shop.CreateRandomOrder(); err != nil {
			return fmt.Errorf("creating a demo order in the shop: %w", err)
		}
	}
	if err := run("orders"); err != nil {
		return err
	}
	for _, id := range erp.OpenPickings() {
		if err := erp.ValidatePicking(id, fmt.Sprintf("JJFI64%014d", id)); err != nil {
			return err
		}
	}
	for _, id := range erp.UnpaidInvoices() {
		if err := erp.RegisterPayment(id); err != nil {
			return err
		}
	}
	if err := run("shipments", "payments", "campaign-prices"); err != nil {
		return err
	}
	counts := h.Flows.Counts()
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]any{"routes": counts}); err != nil {
		return err
	}
	for _, c := range counts {
		if c.Failed > 0 {
			return exitError{code: 1}
		}
	}
	return nil
}

package main

import (
	"fmt"
	"net"
	"time"

	"github.com/spf13/cobra"

	"github.com/ferryhub/ferry/internal/sandbox/fault"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
	odoosandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
)

func newSandboxCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run a sandbox: a stateful fake of a remote system's API on a local port",
		Long: `A sandbox speaks a remote system's API over HTTP, with generated data, so that ferry (or any
tool) can be tried and tested without the real system. Faults can be injected at start with
flags, or at run time: PUT /_sandbox/faults {"error_rate":0.2,"latency":"50ms"}.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return fmt.Errorf("sandbox needs a system: clientify, mycashflow, odoo, ongoing, ogoship or shopify (see 'ferry sandbox --help')")
		},
	}
	cmd.AddCommand(newMCFSandboxCmd(), newOdooSandboxCmd(), newOngoingSandboxCmd(), newOgoshipSandboxCmd(), newShopifySandboxCmd(),
		newClientifySandboxCmd())
	return cmd
}

type faultFlags struct {
	errorRate, dropRate, limitRate float64
	latency                        time.Duration
}

func (f *faultFlags) add(cmd *cobra.Command) {
	cmd.Flags().Float64Var(&f.errorRate, "error-rate", 0, "share of requests (0..1) answered 5xx")
	cmd.Flags().Float64Var(&f.dropRate, "drop-rate", 0, "share of requests (0..1) whose connection is dropped")
	cmd.Flags().Float64Var(&f.limitRate, "rate-limit-rate", 0, "share of requests (0..1) answered 429 with Retry-After")
	cmd.Flags().DurationVar(&f.latency, "latency", 0, "delay added to every request")
}

func (f *faultFlags) config() (fault.Config, error) {
	for _, r := range []float64{f.errorRate, f.dropRate, f.limitRate} {
		if r < 0 || r > 1 {
			return fault.Config{}, fmt.Errorf("fault rates must be between 0 and 1")
		}
	}
	if f.errorRate+f.dropRate+f.limitRate > 1 {
		return fault.Config{}, fmt.Errorf("--error-rate, --drop-rate and --rate-limit-rate add up to more than 1")
	}
	return fault.Config{ErrorRate: f.errorRate, DropRate: f.dropRate, RateLimitRate: f.limitRate, Latency: f.latency}, nil
}

func newMCFSandboxCmd() *cobra.Command {
	var o mcfsandbox.Options
	var addr string
	var every time.Duration
	var ff faultFlags
	cmd := &cobra.Command{
		Use:   "mycashflow",
		Short: "Run the MyCashflow API sandbox",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fc, err := ff.config()
			if err != nil {
				return err
			}
			o.Faults = fc
			if err := o.Validate(); err != nil {
				return err
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("listening on %s: %w", addr, err)
			}
			sb := mcfsandbox.New(o)
			if every > 0 {
				sb.StartOrderStream(cmd.Context(), every)
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "MyCashflow sandbox for store %q\n", nonEmpty(o.Store, "demo"))
			fmt.Fprintf(out, "  base URL:  http://%s/api/v1\n", ln.Addr())
			fmt.Fprintf(out, "  API user:  %s\n", nonEmpty(o.User, "api@demo.example"))
			fmt.Fprintf(out, "  API key:   %s\n", nonEmpty(o.APIKey, "demo-key"))
			fmt.Fprintf(out, "  ferry connection settings: {store: %s, base_url: http://%s}\n", nonEmpty(o.Store, "demo"), ln.Addr())
			return sb.Serve(cmd.Context(), ln)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8081", "listen address")
	cmd.Flags().StringVar(&o.Store, "store", "demo", "store name")
	cmd.Flags().StringVar(&o.User, "user", "api@demo.example", "API user e-mail")
	cmd.Flags().StringVar(&o.APIKey, "key", "demo-key", "API key")
	cmd.Flags().Int64Var(&o.Seed, "seed", 1, "data generator seed")
	cmd.Flags().IntVar(&o.Products, "products", 0, "generated products (0 = default, -1 = an empty catalogue, as ferry demo's shop: the ERP's products arrive by the products route)")
	cmd.Flags().IntVar(&o.Customers, "customers", 0, "generated customers (0 = default)")
	cmd.Flags().IntVar(&o.Orders, "orders", 0, "generated orders (0 = default, -1 = none)")
	cmd.Flags().DurationVar(&every, "order-every", 0, "create a new order this often (0 = never)")
	cmd.Flags().Float64Var(&o.CommitFaults.Rate, "commit-then-fail-rate", 0, "share of writes (0..1) that take effect and then answer 500")
	cmd.Flags().StringSliceVar(&o.CommitFaults.Routes, "commit-then-fail-routes", nil,
		`writes --commit-then-fail-rate applies to, e.g. "POST /orders/{id}/quick-process" (default every write)`)
	cmd.Flags().BoolVar(&o.CommitFaults.Drop, "commit-then-fail-drop", false, "drop the connection instead of answering 500")
	cmd.Flags().IntVar(&o.PageChurn.PerRead, "page-churn", 0, "records each list read changes among those earlier reads returned, so page+1 paging skips (0 = off)")
	cmd.Flags().StringSliceVar(&o.PageChurn.Resources, "page-churn-resources", nil, "lists --page-churn acts on: orders, products, stock (default orders)")
	ff.add(cmd)
	return cmd
}

func newOdooSandboxCmd() *cobra.Command {
	var o odoosandbox.Options
	var addr string
	var ff faultFlags
	var commitThenFail float64
	var warehouseEvery time.Duration
	cmd := &cobra.Command{
		Use:   "odoo",
		Short: "Run the Odoo API sandbox (JSON-RPC, XML-RPC, JSON-2)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.Version < 14 || o.Version > 19 {
				return fmt.Errorf("--version %d: supported versions are 14, 15, 16, 17, 18 and 19", o.Version)
			}
			fc, err := ff.config()
			if err != nil {
				return err
			}
			o.Faults = fc
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("listening on %s: %w", addr, err)
			}
			sb := odoosandbox.New(o)
			if commitThenFail > 0 {
				sb.SetCommitThenFailRate(commitThenFail)
			}
			if warehouseEvery > 0 {
				sb.StartWarehouse(cmd.Context(), warehouseEvery)
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Odoo %d sandbox\n", o.Version)
			fmt.Fprintf(out, "  URL:       http://%s\n", ln.Addr())
			fmt.Fprintf(out, "  database:  %s\n", nonEmpty(o.Database, "ferry"))
			fmt.Fprintf(out, "  login:     %s\n", nonEmpty(o.Login, "admin"))
			fmt.Fprintf(out, "  API key:   %s\n", nonEmpty(o.APIKey, "demo-key"))
			return sb.Serve(cmd.Context(), ln)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8069", "listen address")
	cmd.Flags().IntVar(&o.Version, "version", 17, "Odoo version to behave as: 16, 17, 18 or 19")
	cmd.Flags().StringVar(&o.Database, "database", "ferry", "database name")
	cmd.Flags().StringVar(&o.Login, "login", "admin", "user login")
	cmd.Flags().StringVar(&o.APIKey, "key", "demo-key", "API key (also accepted as the password)")
	cmd.Flags().Int64Var(&o.Seed, "seed", 1, "data generator seed")
	cmd.Flags().StringVar(&o.Currency, "currency", "EUR", "the company's currency (a fresh Odoo's is USD; the MyCashflow sandbox sells in EUR)")
	cmd.Flags().IntVar(&o.Products, "products", 0, "generated products (0 = default)")
	cmd.Flags().IntVar(&o.Partners, "partners", 0, "generated partners (0 = default)")
	cmd.Flags().Float64Var(&commitThenFail, "commit-then-fail-rate", 0, "share of writes that commit and then drop the connection")
	cmd.Flags().DurationVar(&warehouseEvery, "warehouse-every", 0, "ship open deliveries and pay invoices this often, as ferry demo's warehouse does (0 = never)")
	cmd.Flags().BoolVar(&o.BaseVAT, "base-vat", false, "install base_vat: partner VAT numbers are checked against their country (also PUT /_sandbox/base-vat {\"enabled\":true})")
	cmd.Flags().BoolVar(&o.StockSMS, "stock-sms", false, "install stock_sms: validating a delivery first answers the confirm.stock.sms wizard (also PUT /_sandbox/stock-sms {\"enabled\":true})")
	ff.add(cmd)
	return cmd
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

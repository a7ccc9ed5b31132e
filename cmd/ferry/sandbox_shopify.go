package main

import (
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/spf13/cobra"

	shopifysandbox "github.com/ferryhub/ferry/internal/sandbox/shopify"
)

func newShopifySandboxCmd() *cobra.Command {
	var o shopifysandbox.Options
	var addr, version string
	var ff faultFlags
	cmd := &cobra.Command{
		Use:   "shopify",
		Short: "Run the Shopify Admin GraphQL API sandbox",
		Long: `A fake Shopify shop speaking the Admin GraphQL API at /admin/api/{version}/graphql.json, every
operation validated against the real 2025-01 schema (shared/data/shopify, or --schema). It charges
query cost from a leaky bucket (THROTTLED with HTTP 200, or 429 with --throttle-429), runs bulk
operations into JSONL files, and delivers signed webhooks to subscribed callback URLs. Orders,
stock and webhook tricks are driven from /_sandbox/… (see the package doc).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fc, err := ff.config()
			if err != nil {
				return err
			}
			o.Faults = fc
			if err := o.Validate(); err != nil {
				return err
			}
			sb, err := shopifysandbox.New(o)
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("listening on %s: %w", addr, err)
			}
			eff := sb.Options()
			base := fmt.Sprintf("http://%s", ln.Addr())
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Shopify sandbox for shop %q\n", sb.ShopDomain())
			fmt.Fprintf(out, "  base URL:        %s%s\n", base, shopifysandbox.GraphQLPath(version))
			fmt.Fprintf(out, "  shop domain:     %s\n", sb.ShopDomain())
			fmt.Fprintf(out, "  API version:     %s\n", version)
			fmt.Fprintf(out, "  access token:    %s\n", eff.AccessToken)
			fmt.Fprintf(out, "  webhook secret:  %s\n", eff.APISecret)
			fmt.Fprintf(out, "  token URL:       %s/admin/oauth/access_token (client credentials)\n", base)
			fmt.Fprintf(out, "  client id:       %s\n", eff.ClientID)
			fmt.Fprintf(out, "  client secret:   %s\n", eff.ClientSecret)
			fmt.Fprintf(out, "  token TTL:       %s\n", eff.TokenTTL)
			fmt.Fprintf(out, "  scopes:          %s\n", strings.Join(eff.Scopes, ","))
			fmt.Fprintf(out, "  cost bucket:     %.0f points, %.0f/s (%s plan)%s\n", eff.MaximumAvailable, eff.RestoreRate, eff.Plan, throttleText(eff.Throttle429))
			fmt.Fprintf(out, "  ferry connection settings: {base_url: %s, shop: %s, api_version: %s, access_token: %s, webhook_secret: %s}\n",
				base, sb.ShopDomain(), version, eff.AccessToken, eff.APISecret)
			return sb.Serve(cmd.Context(), ln)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8084", "listen address")
	cmd.Flags().StringVar(&o.Shop, "shop", "ferry-demo", "shop handle: {shop}.myshopify.com")
	cmd.Flags().StringVar(&version, "api-version", "2025-01", "API version shown in the base URL (any supported one is served)")
	cmd.Flags().StringVar(&o.AccessToken, "token", "shpat_sandbox_token", "Admin API access token")
	cmd.Flags().StringVar(&o.APISecret, "secret", "shpss_sandbox_secret", "app client secret: the webhook HMAC key")
	cmd.Flags().StringVar(&o.ClientID, "client-id", shopifysandbox.DefaultClientID, "app client ID for the client-credentials grant")
	cmd.Flags().StringVar(&o.ClientSecret, "client-secret", "", "app client secret for the grant (default: --secret, as Shopify has one secret)")
	cmd.Flags().DurationVar(&o.TokenTTL, "token-ttl", 24*time.Hour, "lifetime of granted access tokens")
	cmd.Flags().StringSliceVar(&o.Scopes, "scopes", shopifysandbox.DefaultScopes, "the app's access scopes (comma list; empty: none)")
	cmd.Flags().StringVar(&o.SchemaPath, "schema", "", "Admin API schema SDL (default: shared/data/shopify/admin-2025-01.graphql above the working directory)")
	cmd.Flags().Int64Var(&o.Seed, "seed", 1, "data generator seed")
	cmd.Flags().IntVar(&o.Orders, "orders", 0, "generated orders (0 = default 40, negative = none)")
	cmd.Flags().IntVar(&o.Products, "products", 0, "generated products (0 = default 20, negative = none)")
	cmd.Flags().IntVar(&o.VariantsPerProduct, "variants", 0, "variants per product (0 = default 3)")
	cmd.Flags().IntVar(&o.Customers, "customers", 0, "generated customers (0 = default 15, negative = none)")
	cmd.Flags().StringVar(&o.Plan, "plan", "standard", "throttle figures: standard, advanced, plus, enterprise or classic")
	cmd.Flags().Float64Var(&o.MaximumAvailable, "bucket", 0, "cost bucket size in points (0 = the plan's)")
	cmd.Flags().Float64Var(&o.RestoreRate, "restore-rate", 0, "points restored per second (0 = the plan's)")
	cmd.Flags().BoolVar(&o.Throttle429, "throttle-429", false, "answer a throttled request with HTTP 429 and Retry-After instead of 200")
	cmd.Flags().DurationVar(&o.BulkDelay, "bulk-delay", time.Second, "time a bulk operation runs before it completes")
	cmd.Flags().Float64Var(&o.CommitThenFail.Rate, "commit-then-fail-rate", 0, "share of mutations (0..1) that take effect and then answer 500")
	cmd.Flags().BoolVar(&o.CommitThenFail.Drop, "commit-then-fail-drop", false, "drop the connection instead of answering 500")
	ff.add(cmd)
	return cmd
}

func throttleText(as429 bool) string {
	if as429 {
		return ", throttled answers are HTTP 429"
	}
	return ", throttled answers are HTTP 200 THROTTLED"
}

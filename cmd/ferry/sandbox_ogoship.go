package main

import (
	"fmt"
	"net"
	"time"

	"github.com/spf13/cobra"

	ogosandbox "github.com/ferryhub/ferry/internal/sandbox/ogoship"
)

func newOgoshipSandboxCmd() *cobra.Command {
	var o ogosandbox.Options
	var addr string
	var ff faultFlags
	var loseRefresh float64
	cmd := &cobra.Command{
		Use:   "ogoship",
		Short: "Run the OGOship (myOGO) merchant API sandbox, with its OAuth token server",
		Long: `Serves the OGOship merchant API v1 under /api/v1 and its OAuth2 token server at /OAuth/Token on
one port. Orders move new → reserved → collecting → shipped when told: POST /_sandbox/advance {}
moves every order one step, {"reference":"WEB-1","status":"shipped"} one order; POST /_sandbox/receive
{"code":"MUG","qty":10} books goods in. GET /_sandbox/state counts everything.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fc, err := ff.config()
			if err != nil {
				return err
			}
			o.Faults = fc
			o.LoseRefresh.Rate = loseRefresh
			if err := o.Validate(); err != nil {
				return err
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("listening on %s: %w", addr, err)
			}
			sb := ogosandbox.New(o)
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "OGOship sandbox for merchant %q\n", o.MerchantID)
			fmt.Fprintf(out, "  base URL:  http://%s/api/v1\n", ln.Addr())
			fmt.Fprintf(out, "  token URL: http://%s/OAuth/Token\n", ln.Addr())
			fmt.Fprintf(out, "  client:    %s / %s\n", o.ClientID, o.ClientSecret)
			fmt.Fprintf(out, "  ferry connection: kind ogoship, settings {base_url: http://%s, token_url: http://%s/OAuth/Token, client_id: %s},\n",
				ln.Addr(), ln.Addr(), o.ClientID)
			fmt.Fprintf(out, "    credentials {client_secret: %s, merchant_id: %s, secret_token: %s}\n", o.ClientSecret, o.MerchantID, o.SecretToken)
			return sb.Serve(cmd.Context(), ln)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8084", "listen address")
	cmd.Flags().StringVar(&o.ClientID, "client-id", "123456", "OAuth client id (OGOship's demo client by default)")
	cmd.Flags().StringVar(&o.ClientSecret, "client-secret", "abcdef", "OAuth client secret")
	cmd.Flags().StringVar(&o.MerchantID, "merchant-id", "demo-merchant", "merchant id (the password grant's username)")
	cmd.Flags().StringVar(&o.SecretToken, "secret-token", "demo-secret", "merchant secret token (the password grant's password)")
	cmd.Flags().DurationVar(&o.TokenTTL, "token-ttl", 5400*time.Second, "access token lifetime")
	cmd.Flags().Int64Var(&o.Seed, "seed", 1, "data generator seed")
	cmd.Flags().IntVar(&o.Products, "products", 0, "generated products (0 = default 30, negative = none)")
	cmd.Flags().IntVar(&o.Orders, "orders", 0, "generated orders (0 = default 20, negative = none)")
	cmd.Flags().IntVar(&o.ReceiveNew, "receive-new", 0, "stock each product the API creates starts with, as if its goods arrived with it")
	cmd.Flags().Float64Var(&o.CommitFaults.Rate, "commit-then-fail-rate", 0, "share of writes (0..1) that take effect and then answer 500")
	cmd.Flags().BoolVar(&o.CommitFaults.Drop, "commit-then-fail-drop", false, "drop the connection instead of answering 500")
	cmd.Flags().Float64Var(&loseRefresh, "lose-refresh-rate", 0, "share of refresh grants (0..1) consumed with their answer dropped")
	ff.add(cmd)
	return cmd
}

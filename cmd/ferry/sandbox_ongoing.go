package main

import (
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/spf13/cobra"

	ongoingsandbox "github.com/ferryhub/ferry/internal/sandbox/ongoing"
)

func newOngoingSandboxCmd() *cobra.Command {
	var o ongoingsandbox.Options
	var addr string
	var ff faultFlags
	var hook ongoingsandbox.Webhook
	cmd := &cobra.Command{
		Use:   "ongoing",
		Short: "Run the Ongoing WMS (Goods Owner REST API v1) sandbox",
		Long: `A fake Ongoing WMS warehouse with one goods owner and generated articles. Orders put with
PUT /orders move open → released → allocated → picked → sent every --step-every (or on
POST /_sandbox/advance); shipping sets waybill, tracking and a parcel and takes the stock out.
Parallel requests for the goods owner are counted (GET /_sandbox/overlaps) and refused with 429.
--webhook-url sends order status webhooks as Ongoing does, with a static token header.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fc, err := ff.config()
			if err != nil {
				return err
			}
			o.Faults = fc
			if hook.URL != "" {
				o.Webhooks = []ongoingsandbox.Webhook{hook}
			}
			if err := o.Validate(); err != nil {
				return err
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("listening on %s: %w", addr, err)
			}
			sb := ongoingsandbox.New(o)
			eff := sb.Options()
			base := fmt.Sprintf("http://%s%s", ln.Addr(), sb.BasePath())
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Ongoing WMS sandbox for warehouse %q\n", eff.Warehouse)
			fmt.Fprintf(out, "  base URL:        %s\n", base)
			fmt.Fprintf(out, "  goods owner id:  %d (%s)\n", eff.GoodsOwnerID, eff.GoodsOwnerName)
			fmt.Fprintf(out, "  user:            %s\n", eff.User)
			fmt.Fprintf(out, "  password:        %s\n", eff.Password)
			fmt.Fprintf(out, "  warehouse steps: %s\n", stepText(eff.StepEvery))
			for _, w := range sb.Webhooks() {
				fmt.Fprintf(out, "  webhook:         POST %s (%s, retry %s, %s)\n", w.URL, strings.Join(w.Triggers, ", "), w.Retry, tokenText(w))
			}
			fmt.Fprintf(out, "  ferry connection settings: {base_url: %s, warehouse: %s, goods_owner_id: %d, user: %s, password: %s}\n",
				base, eff.Warehouse, eff.GoodsOwnerID, eff.User, eff.Password)
			return sb.Serve(cmd.Context(), ln)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8083", "listen address")
	cmd.Flags().StringVar(&o.Warehouse, "warehouse", "demo", "warehouse instance name (the first path segment)")
	cmd.Flags().IntVar(&o.GoodsOwnerID, "goods-owner-id", 42, "goods owner id (the tenant)")
	cmd.Flags().StringVar(&o.GoodsOwnerName, "goods-owner-name", "Demo Oy", "goods owner name")
	cmd.Flags().StringVar(&o.User, "user", "ferry", "API user (HTTP Basic)")
	cmd.Flags().StringVar(&o.Password, "password", "demo-password", "API password")
	cmd.Flags().Int64Var(&o.Seed, "seed", 1, "data generator seed")
	cmd.Flags().IntVar(&o.Articles, "articles", 0, "generated articles (0 = default 30, negative = none)")
	cmd.Flags().Float64Var(&o.ReceiveNew, "receive-new", 0, "pieces booked in for each article the API creates, as if its goods arrived with it")
	cmd.Flags().DurationVar(&o.StepEvery, "step-every", 30*time.Second, "move every order one status step this often (0 = only on POST /_sandbox/advance)")
	cmd.Flags().BoolVar(&o.ServeOverlaps, "serve-overlaps", false, "serve parallel requests of the goods owner instead of answering 429 (they are counted either way)")
	cmd.Flags().Float64Var(&o.CommitThenFail.Rate, "commit-then-fail-rate", 0, "share of writes (0..1) that take effect and then answer 500")
	cmd.Flags().BoolVar(&o.CommitThenFail.Drop, "commit-then-fail-drop", false, "drop the connection instead of answering 500")
	cmd.Flags().StringVar(&hook.URL, "webhook-url", "", "send order status webhooks to this URL (more with PUT /_sandbox/webhooks)")
	cmd.Flags().StringVar(&hook.Token, "webhook-token", "", "static authentication token sent with each webhook")
	cmd.Flags().StringVar(&hook.Header, "webhook-header", ongoingsandbox.DefaultWebhookHeader, "header that carries --webhook-token")
	ff.add(cmd)
	return cmd
}

func tokenText(w ongoingsandbox.Webhook) string {
	if w.Token == "" {
		return "no token"
	}
	return w.Header + ": " + w.Token
}

func stepText(d time.Duration) string {
	if d <= 0 {
		return "only on POST /_sandbox/advance"
	}
	return "every " + d.String() + " (and on POST /_sandbox/advance)"
}

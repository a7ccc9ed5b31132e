package main

import (
	"fmt"
	"net"
	"strings"

	"github.com/spf13/cobra"

	cfysandbox "github.com/ferryhub/ferry/internal/sandbox/clientify"
)

func newClientifySandboxCmd() *cobra.Command {
	var o cfysandbox.Options
	var addr string
	var ff faultFlags
	var hook cfysandbox.Webhook
	cmd := &cobra.Command{
		Use:   "clientify",
		Short: "Run the Clientify CRM REST API sandbox (v2, v1 compatible)",
		Long: `A fake Clientify account speaking the REST API under /v2 and /v1 (Authorization: Token KEY, Django
REST Framework pages, errors and throttling) with generated companies, contacts, products and deals,
including the traps real CRMs have (a shared e-mail, a taxpayer id with a blank, a duplicate SKU).
Every change through the API or by hand (/_sandbox/records/…) fires webhooks to the slot URLs, the
hub's own changes included. See the package doc for what is verified and what is chosen.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fc, err := ff.config()
			if err != nil {
				return err
			}
			o.Faults = fc
			if hook.URL != "" {
				o.Webhooks = []cfysandbox.Webhook{hook}
			}
			if err := o.Validate(); err != nil {
				return err
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("listening on %s: %w", addr, err)
			}
			sb := cfysandbox.New(o)
			eff := sb.Options()
			base := fmt.Sprintf("http://%s", ln.Addr())
			if eff.PublicURL != "" {
				base = eff.PublicURL
			}
			token := hook.Token
			if token == "" {
				token = cfysandbox.DefaultWebhookToken
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Clientify sandbox for account %q\n", eff.Company)
			fmt.Fprintf(out, "  base URL:        %s/v2\n", base)
			fmt.Fprintf(out, "  v1 base URL:     %s/v1\n", base)
			fmt.Fprintf(out, "  API key:         %s\n", eff.APIKey)
			fmt.Fprintf(out, "  API user:        %s (password %s, for POST /v1/api-auth/obtain_token/)\n", eff.Username, eff.Password)
			fmt.Fprintf(out, "  webhook token:   %s (header %s)\n", token, cfysandbox.SecretHeader)
			for _, sl := range sb.Webhooks() {
				if sl.Target != "" {
					fmt.Fprintf(out, "  webhook:         %s → POST %s (%s, %s)\n", sl.Entity, sl.Target, strings.Join(sl.Events, ", "), eff.WebhookShape)
				}
			}
			fmt.Fprintf(out, "  rate limit:      %s\n", rateText(eff.RateLimit))
			fmt.Fprintf(out, "  ferry connection settings: {base_url: %s/v2, api_key: %s, webhook_token: %s}\n", base, eff.APIKey, token)
			return sb.Serve(cmd.Context(), ln)
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8086", "listen address")
	f.StringVar(&o.APIKey, "key", cfysandbox.DefaultAPIKey, "API key (Authorization: Token KEY)")
	f.StringVar(&o.Username, "user", cfysandbox.DefaultUsername, "API user")
	f.StringVar(&o.Password, "password", cfysandbox.DefaultPassword, "API user's password (legacy obtain_token)")
	f.StringVar(&o.PublicURL, "public-url", "", "scheme://host the hyperlinks and next/previous use (default: the request's)")
	f.Int64Var(&o.Seed, "seed", 1, "data generator seed")
	f.IntVar(&o.Companies, "companies", 0, "generated companies (0 = default 12, negative = none)")
	f.IntVar(&o.Contacts, "contacts", 0, "generated contacts (0 = default 30, negative = none)")
	f.IntVar(&o.Products, "products", 0, "generated products (0 = default 20, negative = none)")
	f.IntVar(&o.RateLimit, "rate-limit", cfysandbox.DefaultRateLimit, "requests per second per API key before 429 with Retry-After (negative = unlimited)")
	f.IntVar(&o.PageSize, "page-size", cfysandbox.DefaultPageSize, "page size without page_size= (page_size is capped at 100)")
	f.BoolVar(&o.NoFieldsRequirement, "no-fields-requirement", false, "serve v2 contact and company lists without fields= (Clientify answers 400)")
	f.BoolVar(&o.TaxIDFilter, "tax-id-filter", false, "make taxpayer_identification_number= filter lists (by default it is ignored, as FormsCRM saw)")
	f.BoolVar(&o.DjangoLookups, "django-lookups", false, "accept modified__gte style filters besides modified[gte]")
	f.BoolVar(&o.IgnoreNestedUpdate, "ignore-nested-update", false, "PUT/PATCH ignore emails/phones/addresses/websites (only the sub-resources change them)")
	f.StringVar(&hook.URL, "webhook-url", "", "deliver webhooks to this URL (more with the slot API or PUT /_sandbox/webhooks)")
	f.StringSliceVar(&hook.Events, "webhook-events", nil, "events for --webhook-url, e.g. contact.saved,company.deleted (default: every company, contact, deal and product event)")
	f.StringVar(&hook.Token, "webhook-token", cfysandbox.DefaultWebhookToken, "token sent in X-Clientify-Secret with each webhook (\"-\" = none)")
	f.StringVar(&o.WebhookShape, "webhook-shape", cfysandbox.ShapeHookData, "payload shape: hook-data, event-root, hook-root, event-data or mixed")
	f.IntVar(&o.WebhookRetries, "webhook-retries", 5, "retries of a delivery not answered 2xx (negative = none)")
	f.DurationVar(&o.WebhookRetryDelay, "webhook-retry-delay", 0, "first retry delay, doubled each time (0 = 10s)")
	f.Float64Var(&o.WebhookFaults.DuplicateRate, "webhook-duplicate-rate", 0, "share of events (0..1) delivered twice")
	f.Float64Var(&o.WebhookFaults.DropRate, "webhook-drop-rate", 0, "share of events (0..1) never delivered")
	f.Float64Var(&o.CommitThenFail.Rate, "commit-then-fail-rate", 0, "share of writes (0..1) that take effect and then answer 500")
	f.BoolVar(&o.CommitThenFail.Drop, "commit-then-fail-drop", false, "drop the connection instead of answering 500")
	ff.add(cmd)
	return cmd
}

func rateText(perSecond int) string {
	if perSecond < 0 {
		return "none"
	}
	return fmt.Sprintf("%d requests/s per API key (429 with Retry-After beyond)", perSecond)
}

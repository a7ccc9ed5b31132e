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
	"github.com/ferryhub/ferry/internal/connector/odoo"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/hub"
	cfysandbox "github.com/ferryhub/ferry/internal/sandbox/clientify"
	odoosandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
	"github.com/ferryhub/ferry/internal/store"
)

// clientifyRoutes are the routes of seed 004 in the order a first sync runs
// them: companies before the people linked to them, both ways, then
// products, then Odoo's confirmed sales.
var clientifyRoutes = []string{"companies-out", "companies-in", "contacts-out", "contacts-in", "products-out", "products-in", "sales"}

// runClientifyDemo is the integration of seed 004: a Clientify CRM whose
// generated companies, contacts and products hold the traps real CRMs have
// (a shared e-mail, one CIF with and without a blank, a duplicate SKU), and an
// Odoo ERP with customers and products. Companies, contacts and products
// sync both ways, Odoo's confirmed sales become Clientify orders, and
// Clientify's webhooks (for every change, ferry's own included) reach ferry
// at /hooks/crm.
func runClientifyDemo(ctx context.Context, g *globals, cmd *cobra.Command, dataDir, addr string, once bool, onceTimeout time.Duration, odooVersion int) error {
	out := cmd.OutOrStdout()
	o := cfysandbox.Options{RateLimit: 100}
	if !once {
		o.Webhooks = []cfysandbox.Webhook{{URL: "http://" + addr + flow.WebhookPath("crm")}}
	}
	crm := cfysandbox.New(o)
	defer crm.Close()
	cfyURL, err := startSandbox(ctx, func(ln net.Listener) error { return crm.Serve(ctx, ln) })
	if err != nil {
		return err
	}
	erp := odoosandbox.New(odoosandbox.Options{Version: odooVersion, Currency: "EUR"})
	odooURL, err := startSandbox(ctx, func(ln net.Listener) error { return erp.Serve(ctx, ln) })
	if err != nil {
		return err
	}
	cfg, path, err := writeDemoConfig(g, cmd, dataDir, demoClientifyConfig(dataDir, addr, cfyURL, crm, odooURL))
	if err != nil {
		return err
	}
	if once {
		return clientifyDemoOnce(ctx, cfg, out, onceTimeout, erp, odooURL)
	}
	erp.StartWarehouse(ctx, 20*time.Second)
	return run(ctx, g, cfg, true, func(h *hub.Hub) error {
		pw, err := demoAdmin(ctx, h)
		if err != nil {
			return err
		}
		eff := crm.Options()
		fmt.Fprintf(out, "ferry demo: Clientify ⇄ Odoo\n")
		fmt.Fprintf(out, "  dashboard:        http://%s  user admin, password %s\n", cfg.HTTP.Addr, pw)
		fmt.Fprintf(out, "  config:           %s\n", path)
		fmt.Fprintf(out, "  Clientify:        %s/v2  API key %s; its webhooks go to http://%s%s\n", cfyURL, eff.APIKey, cfg.HTTP.Addr, flow.WebhookPath("crm"))
		fmt.Fprintf(out, "  Odoo %d:          %s  database ferry, login admin, API key demo-key\n", odooVersion, odooURL)
		fmt.Fprintf(out, "  change a company, contact or product on either side (Clientify: PATCH %s/_sandbox/records/companies/{id}):\n", cfyURL)
		fmt.Fprintf(out, "  it reaches the other side; a record deleted on one side stays on the other (see the log)\n")
		printCLIHint(out, path)
		return nil
	})
}

func demoClientifyConfig(dataDir, addr, cfyURL string, crm *cfysandbox.Server, odooURL string) string {
	return fmt.Sprintf(`# Written by 'ferry demo --scenario clientify-odoo': ferry between a Clientify sandbox and an Odoo
# sandbox (seed 004). Each two-way kind is two routes sharing its links.
data_dir: %q
http:
  addr: %q
log:
  format: text
queue:
  poll_interval: 100ms
connections:
  crm:
    kind: clientify
    settings: {base_url: %q}
    credentials: {api_key: %q, webhook_token: %q}
    # The sandbox is local: no need for a real account's pace.
    rate_limit: 80
  erp:
    kind: odoo
    settings: {url: %q, database: ferry}
    credentials: {login: admin, api_key: demo-key}
    rate_limit: 200
routes:
  companies-out:
    # Odoo's company contacts → Clientify's companies, by ref (the NIF).
    flow: companies
    from: erp
    to: crm
    schedule: "@every 30s"
  companies-in:
    flow: companies
    from: crm
    to: erp
    schedule: "@every 30s"
  contacts-out:
    # Odoo's people → Clientify's contacts, by e-mail, linked to their company by its ref.
    flow: contacts
    from: erp
    to: crm
    schedule: "@every 30s"
  contacts-in:
    flow: contacts
    from: crm
    to: erp
    schedule: "@every 30s"
  products-out:
    # By SKU: name, list_price → price.
    flow: crm_products
    from: erp
    to: crm
    schedule: "@every 60s"
  products-in:
    flow: crm_products
    from: crm
    to: erp
    schedule: "@every 60s"
  sales:
    # Odoo's confirmed sale orders → Clientify's orders (ecommerce "Odoo").
    flow: sales
    from: erp
    to: crm
    schedule: "@every 30s"
`, dataDir, addr, cfyURL+"/v2", crm.APIKey(), cfysandbox.DefaultWebhookToken, odooURL)
}

// clientifyDemoOnce runs every route once in order; between the products
// and the sales, three of Odoo's customers buy and their orders are
// confirmed. It prints the counts and the records skipped with their
// reasons (the sandbox's traps), and fails if any record failed.
func clientifyDemoOnce(ctx context.Context, cfg *config.Config, out io.Writer, timeout time.Duration, erp *odoosandbox.Server, odooURL string) error {
	h, stop, err := startDemoHub(ctx, cfg)
	if err != nil {
		return err
	}
	defer stop()
	passCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for _, r := range clientifyRoutes {
		if r == "sales" {
			if err := demoSales(passCtx, erp, odooURL, 3); err != nil {
				return err
			}
		}
		if err := flow.PassNow(passCtx, h.Flows, []string{r}); err != nil {
			return fmt.Errorf("running %s: %w", r, err)
		}
	}
	skips, _, err := h.Store.ListSkips(passCtx, store.SkipFilter{Limit: 1000})
	if err != nil {
		return err
	}
	skipped := map[string][]string{}
	for _, s := range skips {
		skipped[s.Route] = append(skipped[s.Route], s.Label+": "+s.Reason)
	}
	counts := h.Flows.Counts()
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]any{"routes": counts, "skipped": skipped}); err != nil {
		return err
	}
	for _, c := range counts {
		if c.Failed > 0 {
			return exitError{code: 1}
		}
	}
	return nil
}

// demoSales has n of Odoo's customers each buy two products, confirmed, as
// a salesperson would (through Odoo's API).
func demoSales(ctx context.Context, erp *odoosandbox.Server, odooURL string, n int) error {
	partners := erp.SearchRead("res.partner", []any{[]any{"customer_rank", ">", 0}, []any{"type", "=", "contact"}}, []string{"id"})
	products := erp.SearchRead("product.product", []any{[]any{"default_code", "!=", false}, []any{"sale_ok", "=", true}}, []string{"id", "default_code"})
	if len(partners) < n || len(products) < 2 {
		return fmt.Errorf("the Odoo sandbox has %d customers and %d products", len(partners), len(products))
	}
	s := *odoo.DefaultSettings()
	s.URL, s.Database, s.RateLimit = odooURL, "ferry", 0
	c, err := odoo.New("demo", s, "admin", "demo-key", nil)
	if err != nil {
		return err
	}
	for _, p := range products[:2] {
		if err := erp.SetOnHand(p["default_code"].(string), 100); err != nil {
			return err
		}
	}
	for i := 0; i < n; i++ {
		lines := []any{}
		for j, p := range products[:2] {
			lines = append(lines, []any{0, 0, map[string]any{"product_id": p["id"], "product_uom_qty": 1 + i + j}})
		}
		ids, err := c.Create(ctx, "sale.order", []map[string]any{{"partner_id": partners[i]["id"], "order_line": lines}}, nil)
		if err != nil {
			return fmt.Errorf("a demo sale in Odoo: %w", err)
		}
		if _, err := c.Call(ctx, "sale.order", "action_confirm", ids, nil); err != nil {
			return fmt.Errorf("confirming a demo sale in Odoo: %w", err)
		}
	}
	return nil
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ferryhub/ferry/internal/config"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/hub"
	odoosandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
	shopifysandbox "github.com/ferryhub/ferry/internal/sandbox/shopify"
	"github.com/ferryhub/ferry/internal/store"
)

// runShopifyDemo is the integration of seed 003: a Shopify shop whose
// generated history holds risky, cancelled and refunded orders and Shopify
// Payments payouts, and an Odoo ERP. Shopify's products are imported into
// Odoo; orders come in (risky and cancelled ones held as quotations), paid
// ones invoiced and paid by the workflow; Odoo's stock and deliveries go
// back; refunds become credit notes and payouts bank statements.
func runShopifyDemo(ctx context.Context, g *globals, cmd *cobra.Command, dataDir, addr string, once bool, orderEvery, onceTimeout time.Duration, odooVersion int) error {
	out := cmd.OutOrStdout()
	// The shop sells at the Finnish 25.5 % VAT, prices included, as Odoo's
	// "25.5% incl." tax does: totals agree to the cent.
	shop, err := shopifysandbox.New(shopifysandbox.Options{Orders: 150, Products: 12, VATRate: 0.255, RestoreRate: 1000, MaximumAvailable: 20000})
	if err != nil {
		return err
	}
	defer shop.Close()
	sfyURL, err := startSandbox(ctx, func(ln net.Listener) error { return shop.Serve(ctx, ln) })
	if err != nil {
		return err
	}
	erp := odoosandbox.New(odoosandbox.Options{Version: odooVersion, Currency: "EUR", Products: -1})
	odooURL, err := startSandbox(ctx, func(ln net.Listener) error { return erp.Serve(ctx, ln) })
	if err != nil {
		return err
	}
	cfg, path, err := writeDemoConfig(g, cmd, dataDir, demoShopifyConfig(dataDir, addr, sfyURL, shop, odooURL))
	if err != nil {
		return err
	}
	if once {
		return shopifyDemoOnce(ctx, cfg, out, onceTimeout, shop, erp)
	}
	erp.StartWarehouse(ctx, 20*time.Second)
	if orderEvery > 0 {
		go func() {
			t := time.NewTicker(orderEvery)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					shop.GenerateOrders(1)
				}
			}
		}()
	}
	return run(ctx, g, cfg, true, func(h *hub.Hub) error {
		pw, err := demoAdmin(ctx, h)
		if err != nil {
			return err
		}
		o := shop.Options()
		fmt.Fprintf(out, "ferry demo: Shopify ⇄ Odoo\n")
		fmt.Fprintf(out, "  dashboard:        http://%s  user admin, password %s\n", cfg.HTTP.Addr, pw)
		fmt.Fprintf(out, "  config:           %s\n", path)
		fmt.Fprintf(out, "  Shopify:          %s%s  shop %s, access token %s\n", sfyURL, shopifysandbox.GraphQLPath("2025-01"), shop.ShopDomain(), o.AccessToken)
		fmt.Fprintf(out, "  Odoo %d:          %s  database ferry, login admin, API key demo-key\n", odooVersion, odooURL)
		fmt.Fprintf(out, "  the shop takes an order every %v; Odoo's warehouse ships and its customers pay every 20 s\n", orderEvery)
		fmt.Fprintf(out, "  risky and cancelled orders wait as quotations on the Sales page: confirm or cancel them there\n")
		printCLIHint(out, path)
		return nil
	})
}

func demoShopifyConfig(dataDir, addr, sfyURL string, shop *shopifysandbox.Server, odooURL string) string {
	o := shop.Options()
	return fmt.Sprintf(`# Written by 'ferry demo --scenario shopify-odoo': ferry between a Shopify sandbox and an Odoo
# sandbox (seed 003).
data_dir: %q
http:
  addr: %q
log:
  format: text
queue:
  poll_interval: 100ms
connections:
  shopify:
    kind: shopify
    settings: {shop: %q, base_url: %q, api_version: "2025-01"}
    credentials: {access_token: %q, webhook_secret: %q}
  erp:
    kind: odoo
    settings: {url: %q, database: ferry}
    credentials: {login: admin, api_key: demo-key}
    # The sandbox is local: no need for a real server's pace.
    rate_limit: 200
routes:
  products:
    # Shopify's products into Odoo (the seed's Products queue).
    flow: products
    from: shopify
    to: erp
    schedule: "@every 60s"
  customers:
    # The seed's Customer queue: Shopify's customers with their addresses.
    flow: customers
    from: shopify
    to: erp
    schedule: "@every 60s"
  orders:
    flow: orders
    from: shopify
    to: erp
    schedule: "@every 20s"
    options:
      prefix: "SHOP-"
      shipping_methods: [{match: "*", to: "Posti SmartPOST"}]
      # Risky (medium or high) and cancelled orders come in as quotations
      # held for review.
      hold_risk: medium
      import_cancelled: true
      workflows:
        - {financial_status: paid, until: pay, journal: Bank}
        - {financial_status: "*refunded", until: pay, journal: Bank}
        - {until: confirm}
  shipped-orders:
    # The seed's Shipped Orders queue: orders the shop fulfilled itself.
    flow: orders
    from: shopify
    to: erp
    schedule: "@every 5m"
    options:
      prefix: "SHOP-"
      statuses: [completed]
      shipping_methods: [{match: "*", to: "Posti SmartPOST"}]
      workflows:
        - {financial_status: paid, until: pay, journal: Bank}
        - {financial_status: "*refunded", until: pay, journal: Bank}
        - {until: confirm}
  stock:
    flow: stock
    from: erp
    to: shopify
    schedule: "@every 60s"
    options: {quantity: available}
  shipments:
    flow: shipments
    from: erp
    to: shopify
    schedule: "@every 30s"
  refunds:
    flow: refunds
    from: shopify
    to: erp
    schedule: "@every 60s"
  payouts:
    flow: payouts
    from: shopify
    to: erp
    schedule: "@every 5m"
    options: {journal: Bank}
`, dataDir, addr, shop.ShopDomain(), sfyURL, o.AccessToken, o.APISecret, odooURL)
}

// shopifyDemoOnce runs every route once in a day's order: products into Odoo
// (counted into its stock), stock back, orders in, the first held quotation
// confirmed as a person would from the dashboard, deliveries shipped and
// sent back, refunds and payouts booked. It prints the counts and what waits
// for review, and fails if any record failed.
func shopifyDemoOnce(ctx context.Context, cfg *config.Config, out io.Writer, timeout time.Duration, shop *shopifysandbox.Server, erp *odoosandbox.Server) error {
	h, stop, err := startDemoHub(ctx, cfg)
	if err != nil {
		return err
	}
	defer stop()
	passCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	run := func(names ...string) error {
		if err := flow.PassNow(passCtx, h.Flows, names); err != nil {
			return fmt.Errorf("running %v: %w", names, err)
		}
		return nil
	}
	if err := run("products", "customers"); err != nil {
		return err
	}
	for _, p := range erp.SearchRead("product.product", []any{[]any{"default_code", "!=", false}}, []string{"default_code"}) {
		if sku, _ := p["default_code"].(string); sku != "" {
			if err := erp.SetOnHand(sku, 100); err != nil {
				return err
			}
		}
	}
	if err := run("stock"); err != nil {
		return err
	}
	if err := run("orders", "shipped-orders"); err != nil {
		return err
	}
	held, err := h.Flows.HeldOrders(passCtx)
	if err != nil {
		return err
	}
	confirmed := ""
	for _, o := range held {
		if o.Review == "held" && o.Reason != "" && o.TargetState != "cancelled" {
			if _, err := h.Flows.ReviewOrder(passCtx, o.Route, o.OrderID, true, "demo"); err != nil {
				return fmt.Errorf("confirming held order %s: %w", o.Number, err)
			}
			confirmed = o.Number
			break
		}
	}
	for _, id := range erp.OpenPickings() {
		if err := erp.ValidatePicking(id, fmt.Sprintf("JJFI64%014d", id)); err != nil {
			return err
		}
	}
	if err := run("shipments"); err != nil {
		return err
	}
	// Two customers return a piece of what they received: the shop refunds
	// it, and the refunds route credits it in Odoo.
	links, err := h.Store.ListLinks(passCtx, store.LinkFilter{Connection: "erp", Kind: "order"})
	if err != nil {
		return err
	}
	returned := 0
	for _, l := range links {
		if returned == 2 {
			break
		}
		if _, err := shop.RefundLine(strings.TrimPrefix(l.LocalID, "shopify:"), "returned by the customer"); err == nil {
			returned++
		}
	}
	if err := run("refunds", "payouts"); err != nil {
		return err
	}
	held, err = h.Flows.HeldOrders(passCtx)
	if err != nil {
		return err
	}
	waiting := 0
	for _, o := range held {
		if o.Review == "held" {
			waiting++
		}
	}
	counts := h.Flows.Counts()
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]any{"routes": counts, "held_for_review": waiting, "confirmed_after_review": confirmed}); err != nil {
		return err
	}
	for _, c := range counts {
		if c.Failed > 0 {
			return exitError{code: 1}
		}
	}
	return nil
}

package flow_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/connector/mycashflow"
	"github.com/ferryhub/ferry/internal/connector/odoo"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/model"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
	odoosandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
	"github.com/ferryhub/ferry/internal/store"
	"github.com/ferryhub/ferry/internal/store/storetest"
)

// The integration of seed 000 end to end: MyCashflow and Odoo sandboxes, the
// real clients, every route, on SQLite and on PostgreSQL.
func TestMyCashflowOdooEndToEnd(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			url := storetest.SQLiteURL(t)
			if dialect == "postgres" {
				url = storetest.PostgresURL(t)
			}
			ctx := context.Background()
			shopSB := mcfsandbox.New(mcfsandbox.Options{Products: -1, Orders: -1})
			erpSB := odoosandbox.New(odoosandbox.Options{Version: 17, Currency: "EUR"}) // the shop sells in EUR
			shopSrv, erpSrv := httptest.NewServer(shopSB.Handler()), httptest.NewServer(erpSB.Handler())
			defer shopSrv.Close()
			defer erpSrv.Close()
			ms := *mycashflow.DefaultSettings()
			ms.Store, ms.BaseURL, ms.RateLimit = "demo", shopSrv.URL, 0
			shop, err := mycashflow.New("shop", ms, "api@demo.example", "demo-key", nil)
			if err != nil {
				t.Fatal(err)
			}
			os := *odoo.DefaultSettings()
			os.URL, os.Database, os.RateLimit = erpSrv.URL, "ferry", 0
			erp, err := odoo.New("erp", os, "admin", "demo-key", nil)
			if err != nil {
				t.Fatal(err)
			}
			// The shop's prices include VAT: with a price-included tax Odoo's
			// totals are the shop's (price-excluded ones can drift a cent and park).
			if _, err := erp.Create(ctx, "account.tax", []map[string]any{{"name": "ALV 25,5 % (sis.)", "amount": 25.5, "amount_type": "percent", "type_tax_use": "sale", "price_include": true}}, nil); err != nil {
				t.Fatal(err)
			}
			st, err := store.Open(ctx, store.Options{URL: url, DataDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			routes := []flow.Route{
				{Name: "base", Flow: "base_config", From: "shop", To: "erp"},
				{Name: "orders", Flow: "orders", From: "shop", To: "erp", Options: &flow.OrdersOptions{BatchSize: 100, Overlap: time.Minute}},
				{Name: "products", Flow: "products", From: "erp", To: "shop", Options: &flow.ProductsOptions{BatchSize: 50}},
				{Name: "stock", Flow: "stock", From: "erp", To: "shop", Options: &flow.StockOptions{Quantity: "on_hand", BatchSize: 200}},
				{Name: "shipments", Flow: "shipments", From: "erp", To: "shop", Options: &flow.ShipmentsOptions{}},
				{Name: "payments", Flow: "payments", From: "erp", To: "shop", Options: &flow.PaymentsOptions{InvoiceMethods: []string{"Lasku*", "Postiennakko"}}},
				{Name: "prices", Flow: "campaign_prices", From: "erp", To: "shop"},
			}
			rt := flow.NewRuntime(slog.New(slog.DiscardHandler), routes)
			reg := jobs.NewRegistry()
			flow.Register(reg, rt)
			q, err := jobs.Open(ctx, st, reg, jobs.Options{Work: true, PollInterval: 50 * time.Millisecond, RetryBase: 20 * time.Millisecond, Queues: map[string]int{"shop": 2, "erp": 2}})
			if err != nil {
				t.Fatal(err)
			}
			rt.Bind(st, q, func(ctx context.Context, name string) (connector.Conn, error) {
				if name == "shop" {
					return shop, nil
				}
				return erp, nil
			})
			if err := q.Start(ctx); err != nil {
				t.Fatal(err)
			}
			defer q.Stop(ctx)
			h := &harness{rt: rt}
			// The warehouse counts its stock: plenty of everything.
			before, err := erp.StockLevels(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for i := range before {
				before[i].Quantity = model.DecimalFromInt(int64(500 + i))
			}
			if errs, err := erp.SetStockLevels(ctx, before); err != nil || errors.Join(errs...) != nil {
				t.Fatalf("inventory: %v %v", errs, err)
			}
			// Odoo may have a pricelist of a campaign's name already; that one is
			// reused as it is, the others are made archived.
			had := map[string]bool{}
			for _, pl := range erpSB.SearchRead("product.pricelist", []any{}, []string{"name"}) {
				had[pl["name"].(string)] = true
			}
			h.pass(t, "base", "products")
			checkBaseConfig(t, ctx, h, shop, erp, erpSB, had)
			h.pass(t, "stock")

			// The shop's catalogue is Odoo's, with Odoo's stock.
			levels, err := erp.StockLevels(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range levels {
				got, ok := shopSB.StockOf(l.SKU)
				if !ok || float64(got.Quantity) != l.Quantity.Float64() {
					skips, _, _ := st.ListSkips(ctx, store.SkipFilter{Route: "stock"})
					_, inShop := shopSB.Product(l.SKU)
					t.Fatalf("SKU %s: shop has %+v (found %v; product in the shop %v), Odoo %v; counts %+v; stock skips %+v", l.SKU, got, ok, inShop, l.Quantity, rt.Counts(), skips)
				}
			}
			// Products without an internal reference wait for one, with the reason.
			if c := rt.Counts()["products"]; c.Created == 0 || c.Parked == 0 || c.Failed > 0 {
				t.Fatalf("products route counts %+v: want created and parked (no SKU)", c)
			}
			parked, err := q.List(ctx, jobs.Filter{Route: "products", States: []jobs.State{jobs.StateParked}})
			if err != nil || len(parked) != rt.Counts()["products"].Parked || len(parked) > 0 && parked[0].Reason == "" {
				t.Fatalf("parked product jobs %+v (%v)", parked, err)
			}
			// Orders go to Odoo once, invoiced; deliveries and payments come back.
			var ids []int
			for len(ids) < 8 {
				o, err := shopSB.CreateRandomOrder()
				if err != nil {
					t.Fatal(err)
				}
				if o.Status == "open" && o.PaymentMethodID != 0 && o.ShippingMethodID != 0 {
					ids = append(ids, o.ID)
				}
			}
			h.pass(t, "orders")
			h.pass(t, "orders")
			for _, id := range ids {
				n, err := erp.SearchCount(ctx, "sale.order", []any{[]any{"client_order_ref", "=", fmt.Sprintf("SHOP-%d", id)}, []any{"state", "=", "sale"}})
				if err != nil || n != 1 {
					t.Fatalf("shop order %d is %d times in Odoo (%v)", id, n, err)
				}
			}
			for _, p := range erpSB.OpenPickings() {
				if err := erp.ValidateDelivery(ctx, p, fmt.Sprintf("JJFI%d", p)); err != nil {
					rows := erpSB.SearchRead("stock.picking", []any{[]any{"id", "=", float64(p)}}, []string{"state", "origin", "move_ids"})
					moves := erpSB.SearchRead("stock.move", []any{[]any{"picking_id", "=", float64(p)}}, []string{"product_id", "product_uom_qty", "state"})
					t.Fatalf("validating delivery %d %v moves %v: %v", p, rows, moves, err)
				}
			}
			for _, inv := range erpSB.UnpaidInvoices() {
				if err := erpSB.RegisterPayment(inv); err != nil {
					t.Fatal(err)
				}
			}
			h.pass(t, "shipments", "payments")
			for _, id := range ids {
				o, _ := shopSB.Order(id)
				if o.Status != "completed" || o.Shipments[0].TrackingCode == "" {
					t.Fatalf("shop order %d after shipping in Odoo: %s %+v", id, o.Status, o.Shipments)
				}
				if o.Payments[0].Status != "PAID" {
					t.Fatalf("shop order %d's payment is %s after its invoice was paid", id, o.Payments[0].Status)
				}
			}
			checkCampaignPrices(t, ctx, h, shopSB, erp, erpSB)
			if c := rt.Counts(); c["orders"].Failed+c["shipments"].Failed+c["payments"].Failed+c["stock"].Failed+c["products"].Failed+c["base"].Failed > 0 {
				t.Fatalf("failures: %+v", c)
			}
		})
	}
}

// checkBaseConfig asserts what the base configuration route made in Odoo: a
// carrier for each shipping method, a category for each shop category, and a
// pricelist for each campaign (archived unless Odoo had it), each once, even
// after a second run.
func checkBaseConfig(t *testing.T, ctx context.Context, h *harness, shop *mycashflow.Client, erp *odoo.Client, erpSB *odoosandbox.Server, had map[string]bool) {
	t.Helper()
	ships, err := shop.ShippingMethods(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cats, err := shop.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	camps, err := shop.Campaigns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ships.Items) == 0 || len(cats.Items) == 0 || len(camps.Items) == 0 {
		t.Fatalf("the shop has %d shipping methods, %d categories, %d campaigns", len(ships.Items), len(cats.Items), len(camps.Items))
	}
	once := func(model, name string) {
		t.Helper()
		if rows := erpSB.SearchRead(model, []any{[]any{"name", "=", name}}, []string{"name"}); len(rows) != 1 {
			t.Fatalf("Odoo has %d %s named %q, want 1", len(rows), model, name)
		}
	}
	check := func() {
		t.Helper()
		for _, m := range ships.Items {
			once("delivery.carrier", m.Name)
		}
		for _, c := range cats.Items {
			once("product.category", c.Name)
		}
		var ids []string
		want := map[string]bool{}
		for _, c := range camps.Items {
			l, err := h.rt.Store.GetLinkByLocal(ctx, "erp", "pricelist", "shop:"+c.ID.String())
			if err != nil {
				t.Fatalf("campaign %q has no pricelist link: %v", c.Name, err)
			}
			ids = append(ids, l.RemoteID)
			want[c.Name] = true
		}
		lists, err := erp.Pricelists(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		if len(lists) != len(camps.Items) {
			t.Fatalf("%d pricelists for %d campaigns", len(lists), len(camps.Items))
		}
		for _, pl := range lists {
			if !want[pl.Name] || pl.Active && !had[pl.Name] {
				t.Fatalf("pricelist %+v: want one named after a campaign, archived unless Odoo had it before", pl)
			}
		}
	}
	check()
	created := h.rt.Counts()["base"].Created
	h.pass(t, "base")
	check()
	if c := h.rt.Counts()["base"]; c.Created != created || c.Failed+c.Parked > 0 {
		t.Fatalf("the second base configuration run: %+v (created %d before)", c, created)
	}
}

// checkCampaignPrices has an Odoo user write quantity rules into the pricelist
// of a campaign and asserts that the campaign takes the rule it can hold and
// the other is rejected, as are those of the pricelist Odoo had already, and
// that unchanged pricelists are not sent again.
func checkCampaignPrices(t *testing.T, ctx context.Context, h *harness, shopSB *mcfsandbox.Server, erp *odoo.Client, erpSB *odoosandbox.Server) {
	t.Helper()
	camp := shopSB.Campaigns()[0]
	l, err := h.rt.Store.GetLinkByLocal(ctx, "erp", "pricelist", fmt.Sprintf("shop:%d", camp.ID))
	if err != nil {
		t.Fatal(err)
	}
	const sku = "ODOO-001"
	variant := erpSB.SearchRead("product.product", []any{[]any{"default_code", "=", sku}}, []string{"id"})
	categ := erpSB.SearchRead("product.category", []any{[]any{"name", "=", "Paidat"}}, []string{"id"})
	if len(variant) != 1 || len(categ) != 1 {
		t.Fatalf("Odoo has %d variants %s and %d categories Paidat", len(variant), sku, len(categ))
	}
	pl := float64(parseID(t, l.RemoteID))
	if _, err := erp.Create(ctx, "product.pricelist.item", []map[string]any{
		{"pricelist_id": pl, "applied_on": "0_product_variant", "product_id": variant[0]["id"], "min_quantity": 3.0, "compute_price": "fixed", "fixed_price": 7.5},
		{"pricelist_id": pl, "applied_on": "2_product_category", "categ_id": categ[0]["id"], "min_quantity": 1.0, "compute_price": "percentage", "percent_price": 10.0},
	}, nil); err != nil {
		t.Fatal(err)
	}
	h.pass(t, "prices")
	prices := map[string][]mcfsandbox.CampaignPriceView{}
	for _, c := range shopSB.Campaigns() {
		prices[c.Name] = c.Prices
	}
	if got := prices[camp.Name]; len(got) != 1 || got[0].ProductCode != sku || got[0].MinQuantity != 3 || got[0].Price != 7.5 {
		t.Fatalf("campaign %q has prices %+v, want %s from 3 at 7.5", camp.Name, got, sku)
	}
	// The sandbox's own pricelist Määräalennus has 10 % off ODOO-001 from 5
	// and a category rule; a campaign holds fixed prices of products only.
	if got := prices["Määräalennus"]; len(got) != 0 {
		t.Fatalf("campaign Määräalennus has prices %+v, want none", got)
	}
	if c := h.rt.Counts()["prices"]; c.Updated != 1 || c.Skipped != 3 || c.Parked != 0 || c.Failed > 0 {
		t.Fatalf("campaign price counts %+v: want one sent and three rejected", c)
	}
	if logs, err := h.rt.Store.ListLogs(ctx, store.LogFilter{Route: "prices"}); err != nil || len(logs) < 2 {
		t.Fatalf("the rejected rules left %d log lines (%v)", len(logs), err)
	}
	writes := shopSB.Calls("POST /campaigns/{id}/prices")
	h.pass(t, "prices")
	if shopSB.Calls("POST /campaigns/{id}/prices") != writes {
		t.Fatal("an unchanged pricelist was sent to the shop again")
	}
}

func parseID(t *testing.T, s string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscan(s, &id); err != nil {
		t.Fatalf("id %q: %v", s, err)
	}
	return id
}

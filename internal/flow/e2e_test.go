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
			erpSB := odoosandbox.New(odoosandbox.Options{Version: 17})
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
			h.pass(t, "base", "products")
			h.pass(t, "stock")

			// The shop's catalogue is Odoo's, with Odoo's stock.
			levels, err := erp.StockLevels(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range levels {
				got, ok := shopSB.StockOf(l.SKU)
				if !ok || float64(got.Quantity) != l.Quantity.Float64() {
					t.Fatalf("SKU %s: shop has %+v (found %v), Odoo %v", l.SKU, got, ok, l.Quantity)
				}
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
			if c := rt.Counts(); c["orders"].Failed+c["shipments"].Failed+c["payments"].Failed+c["stock"].Failed > 0 {
				t.Fatalf("failures: %+v", c)
			}
		})
	}
}

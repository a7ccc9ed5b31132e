package flow_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/flow"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
	odoosandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
	ogsandbox "github.com/ferryhub/ferry/internal/sandbox/ongoing"
)

// One hub, one shop, two targets (issue 14): the shop's orders go to Odoo and
// to the Ongoing warehouse by two routes, each with its own cursor and links;
// Odoo is the product master of the shop, and the shop that of the warehouse.
// Each order is in each target once, and a second pass changes nothing.
func TestOneShopTwoTargets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	esb, erp := newOdoo(t, "erp", odoosandbox.Options{Version: 17, Currency: "EUR"})
	if _, err := erp.Create(ctx, "account.tax", []map[string]any{{"name": "ALV 25,5 % (sis.)", "amount": 25.5, "amount_type": "percent", "type_tax_use": "sale", "price_include": true}}, nil); err != nil {
		t.Fatal(err)
	}
	wsb, wms := newOngoing(t, "wms", ogsandbox.Options{Articles: -1, ReceiveNew: 1000}, nil)
	routes := []flow.Route{
		{Name: "base", Flow: "base_config", From: "shop", To: "erp"},
		{Name: "products", Flow: "products", From: "erp", To: "shop", Options: &flow.ProductsOptions{BatchSize: 50}},
		{Name: "articles", Flow: "products", From: "shop", To: "wms", Options: &flow.ProductsOptions{BatchSize: 50}},
		{Name: "orders-erp", Flow: "orders", From: "shop", To: "erp", Options: &flow.OrdersOptions{BatchSize: 20, Overlap: time.Minute}},
		{Name: "orders-wms", Flow: "orders", From: "shop", To: "wms", Options: &flow.OrdersOptions{BatchSize: 20, Overlap: time.Minute, ShippingMethods: []flow.Rule{{Match: "*", To: "PN-SP"}}}},
	}
	h := newHarnessWith(t, mcfsandbox.Options{Products: -1, Orders: -1}, routes, erp, harnessOpts{extra: map[string]connector.Conn{"wms": wms}})
	h.pass(t, "base", "products")
	h.pass(t, "articles")
	var ids []int
	for len(ids) < 12 {
		o, err := h.sb.CreateRandomOrder()
		if err != nil {
			t.Fatal(err)
		}
		if o.Status == "open" && o.PaymentMethodID != 0 && o.ShippingMethodID != 0 {
			ids = append(ids, o.ID)
		}
	}
	h.pass(t, "orders-erp", "orders-wms")
	h.pass(t, "orders-erp", "orders-wms")
	c := h.rt.Counts()
	if c["orders-erp"].Created != len(ids) || c["orders-wms"].Created != len(ids) || c["orders-erp"].Failed+c["orders-wms"].Failed > 0 {
		t.Fatalf("counts %+v / %+v for %d orders", c["orders-erp"], c["orders-wms"], len(ids))
	}
	for _, id := range ids {
		refs := esb.SearchRead("sale.order", []any{[]any{"client_order_ref", "=", fmt.Sprintf("SHOP-%d", id)}}, []string{"id"})
		if len(refs) != 1 {
			t.Errorf("order %d is in Odoo %d times", id, len(refs))
		}
		if _, ok := wsb.OrderStatus(strconv.Itoa(id)); !ok {
			t.Errorf("order %d is not in the warehouse", id)
		}
		for _, target := range []string{"erp", "wms"} {
			if _, err := h.store.GetLinkByLocal(ctx, target, "order", fmt.Sprintf("shop:%d", id)); err != nil {
				t.Errorf("order %d has no link to %s: %v", id, target, err)
			}
		}
	}
	if n := wsb.State().Orders; n != len(ids) {
		t.Fatalf("%d orders in the warehouse for %d", n, len(ids))
	}
	for _, r := range []string{"orders-erp", "orders-wms"} {
		if _, err := h.store.GetCursor(ctx, r, "orders"); err != nil {
			t.Errorf("route %s has no cursor of its own: %v", r, err)
		}
	}
}

package odoo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/model"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
)

func sandboxClient(t testing.TB, version int) (*Client, *sandbox.Server) {
	t.Helper()
	sb := sandbox.New(sandbox.Options{Version: version})
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	s := *DefaultSettings()
	s.URL, s.Database, s.RateLimit, s.Timeout = srv.URL, "ferry", 0, 5*time.Second
	c, err := New("erp", s, "admin", "demo-key", nil)
	if err != nil {
		t.Fatal(err)
	}
	return c, sb
}

func TestAgainstSandbox(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 17, 18, 19} {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, sb := sandboxClient(t, version)
			rep, err := c.Test(ctx)
			if err != nil || !rep.OK || !strings.HasPrefix(rep.Details[0], fmt.Sprintf("Odoo %d.0 at ", version)) || !strings.HasPrefix(rep.Details[1], "user Administrator (login admin)") {
				t.Fatalf("connection test: %+v %v", rep, err)
			}
			levels, err := c.StockLevels(ctx)
			if err != nil || len(levels) == 0 {
				t.Fatalf("stock: %d levels, %v", len(levels), err)
			}
			products, err := allProducts(ctx, c, time.Time{})
			if err != nil || len(products) == 0 {
				t.Fatalf("products: %d, %v", len(products), err)
			}
			var withVariants, noSKU int
			for _, p := range products {
				if len(p.Variants) > 0 {
					withVariants++
				}
				if p.SKU == "" && len(p.Variants) == 0 {
					noSKU++
				}
			}
			if withVariants == 0 || noSKU == 0 {
				t.Fatalf("generated catalogue: %d with variants, %d without SKU", withVariants, noSKU)
			}

			// Orders: the sale.order create commits, then the connection drops;
			// importing again creates nothing twice.
			sb.FailAfterCommit("sale.order", "create", 1)
			var imps []model.OrderImport
			for i := 1; i <= 5; i++ {
				o := model.Order{ID: fmt.Sprint(i), Number: fmt.Sprint(i), Status: model.OrderOpen,
					Customer: model.Party{Email: fmt.Sprintf("new%d@example.fi", i), Name: "New"},
					Lines: []model.Line{
						{Kind: model.LineProduct, SKU: levels[0].SKU, Name: "x", Quantity: model.DecimalFromInt(1), UnitPrice: model.MustDecimal("12.55"), TaxIncluded: true, TaxRate: model.MustDecimal("25.5")},
						{Kind: model.LineShipping, Name: "Posti", Quantity: model.DecimalFromInt(1), UnitPrice: model.MustDecimal("5.9"), TaxIncluded: true, TaxRate: model.MustDecimal("25.5")},
					}}
				imps = append(imps, model.OrderImport{Order: o, Ref: "SHOP-" + o.Number, Carrier: "Posti SmartPOST"})
			}
			// The first order ships elsewhere: a delivery contact under the customer.
			imps[0].Order.Billing = model.Address{FirstName: "Maija", LastName: "M", Street: "Kotikatu 1", PostalCode: "00100", City: "Helsinki"}
			imps[0].Order.Shipping = model.Address{FirstName: "Maija", LastName: "M", Street: "Varasto 9", PostalCode: "33100", City: "Tampere"}
			res, err := c.ImportOrders(ctx, imps)
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range res {
				if r.Err != nil || r.RemoteID == "" {
					t.Fatalf("order %d: %+v", i, r)
				}
			}
			again, err := c.ImportOrders(ctx, imps)
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range again {
				if r.RemoteID != res[i].RemoteID || r.Created {
					t.Fatalf("re-import of %s: %+v vs %+v", imps[i].Ref, r, res[i])
				}
			}
			posted, err := c.SearchCount(ctx, "account.move", []any{[]any{"move_type", "=", "out_invoice"}, []any{"state", "=", "posted"}, []any{"invoice_origin", "like", "S"}})
			if err != nil || posted != 5 {
				t.Fatalf("%d posted invoices for 5 imported orders (%v)", posted, err)
			}
			for _, id := range sb.UnpaidInvoices() {
				if err := sb.RegisterPayment(id); err != nil {
					t.Fatal(err)
				}
			}
			paid, err := allInvoices(ctx, c, time.Time{})
			if err != nil || len(paid) != 5 || paid[0].OrderRef == "" {
				t.Fatalf("paid invoices: %+v %v", paid, err)
			}
			children, err := c.SearchCount(ctx, "res.partner", []any{[]any{"type", "=", "delivery"}, []any{"parent_id.email", "=", "new1@example.fi"}, []any{"city", "=", "Tampere"}})
			if err != nil || children != 1 {
				t.Fatalf("%d delivery contacts for the first order (%v)", children, err)
			}
			shipping, err := c.SearchCount(ctx, "sale.order", []any{[]any{"client_order_ref", "=", "SHOP-1"}, []any{"partner_shipping_id.city", "=", "Tampere"}})
			if err != nil || shipping != 1 {
				t.Fatalf("the order does not ship to its delivery contact (%d, %v)", shipping, err)
			}
			n, err := c.SearchCount(ctx, "sale.order", []any{[]any{"client_order_ref", "like", "SHOP-"}})
			if err != nil || n != 5 {
				t.Fatalf("%d sale orders in Odoo, want 5 (%v)", n, err)
			}
			// Its invoice is paid: the cancel parks, naming it.
			if err := c.CancelOrder(ctx, res[0].RemoteID, imps[0]); err == nil || !strings.Contains(err.Error(), "is paid") || !strings.Contains(err.Error(), "INV/") {
				t.Fatalf("cancel of a paid order: %v", err)
			}
		})
	}
}

func TestConnectionTestNamesMissingModules(t *testing.T) {
	t.Parallel()
	sb := sandbox.New(sandbox.Options{Version: 17, Modules: []string{"base", "product", "sale", "stock", "account"}})
	srv := httptest.NewServer(sb.Handler())
	defer srv.Close()
	s := *DefaultSettings()
	s.URL, s.Database, s.RateLimit = srv.URL, "ferry", 0
	c, err := New("erp", s, "admin", "demo-key", nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := c.Test(context.Background())
	if err != nil || rep.OK || rep.Summary != "Odoo 17.0: modules the routes need are not installed: sale_management, stock_delivery" {
		t.Fatalf("%+v %v", rep, err)
	}
}

func TestStockAndDeliveriesAgainstSandbox(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 18} {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, sb := sandboxClient(t, version)
			levels, err := c.StockLevels(ctx)
			if err != nil || len(levels) < 2 {
				t.Fatalf("%d levels, %v", len(levels), err)
			}
			errs, err := c.SetStockLevels(ctx, []model.Stock{{SKU: levels[0].SKU, Quantity: model.DecimalFromInt(123)}, {SKU: "NOPE", Quantity: model.DecimalFromInt(1)}})
			if err != nil || errs[0] != nil || errs[1] == nil {
				t.Fatalf("set: %v %v", errs, err)
			}
			after, _ := c.StockLevels(ctx)
			for _, l := range after {
				if l.SKU == levels[0].SKU && l.Quantity != model.DecimalFromInt(123) {
					t.Fatalf("%s on hand %v after the adjustment", l.SKU, l.Quantity)
				}
			}
			// A delivery validated with its tracking reference shows as done.
			res, err := c.ImportOrders(ctx, []model.OrderImport{{Ref: "SHOP-900", Carrier: "Posti SmartPOST", Order: model.Order{ID: "900", Number: "900", Status: model.OrderOpen,
				Customer: model.Party{Email: "ship@example.fi", Name: "Ship"},
				Lines:    []model.Line{{Kind: model.LineProduct, SKU: levels[0].SKU, Name: "x", Quantity: model.DecimalFromInt(1), UnitPrice: model.DecimalFromInt(10), TaxRate: model.MustDecimal("25.5")}}}}})
			if err != nil || res[0].Err != nil {
				t.Fatalf("import: %+v %v", res, err)
			}
			picks := sb.OpenPickings()
			if len(picks) != 1 {
				t.Fatalf("%d open deliveries", len(picks))
			}
			if err := c.ValidateDelivery(ctx, picks[0], "JJFI123"); err != nil {
				t.Fatal(err)
			}
			done, err := allShipments(ctx, c, time.Time{})
			if err != nil || len(done) != 1 || done[0].TrackingCode != "JJFI123" || done[0].OrderID != res[0].RemoteID {
				t.Fatalf("done shipments: %+v %v", done, err)
			}
		})
	}
}

// TestTaxesMappingPicksTheNamedTax: a line whose rate a taxes mapping named
// gets that tax, even beside another tax of the same rate; a name Odoo lacks
// parks the order for a person.
func TestTaxesMappingPicksTheNamedTax(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, sb := sandboxClient(t, 17)
	included, err := c.Create(ctx, "account.tax", []map[string]any{{"name": "ALV 25,5 % (sis.)", "amount": 25.5, "amount_type": "percent", "type_tax_use": "sale", "price_include": true}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	levels, err := c.StockLevels(ctx)
	if err != nil || len(levels) == 0 {
		t.Fatalf("levels %v %v", levels, err)
	}
	order := func(ref, taxName string) model.OrderImport {
		return model.OrderImport{Ref: ref, Carrier: "Posti SmartPOST", Order: model.Order{ID: ref, Number: ref, Status: model.OrderOpen,
			Customer: model.Party{Email: "tax@example.fi", Name: "Tax"},
			Lines: []model.Line{{Kind: model.LineProduct, SKU: levels[0].SKU, Name: "x", Quantity: model.DecimalFromInt(1), UnitPrice: model.DecimalFromInt(10),
				TaxIncluded: true, TaxRate: model.MustDecimal("25.5"), TaxName: taxName}}}}
	}
	res, err := c.ImportOrders(ctx, []model.OrderImport{order("SHOP-T1", "alv 25,5 % (SIS.)"), order("SHOP-T2", "No such tax")})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err != nil {
		t.Fatalf("mapped tax: %v", res[0].Err)
	}
	lines := sb.SearchRead("sale.order.line", []any{[]any{"order_id", "=", mustInt(t, res[0].RemoteID)}}, []string{"tax_id", "price_unit"})
	if len(lines) == 0 {
		t.Fatal("no order lines")
	}
	if fmt.Sprint(lines[0]["tax_id"]) != fmt.Sprint([]any{float64(included[0])}) || lines[0]["price_unit"] != float64(10) {
		t.Errorf("line %v: want the price-included tax %d and the shop's price 10", lines[0], included[0])
	}
	var re *RecordError
	if !errors.As(res[1].Err, &re) || !re.Action || !strings.Contains(re.Msg, `"No such tax"`) {
		t.Errorf("unknown tax name: %v, want a needs-action error naming it", res[1].Err)
	}
}

func mustInt(t *testing.T, s string) float64 {
	t.Helper()
	var n float64
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// allProducts reads every page of the product feed since.
func allProducts(ctx context.Context, c *Client, since time.Time) ([]model.Product, error) {
	var out []model.Product
	err := c.ChangedProducts(ctx, since, func(ps []model.Product, _ time.Time) error {
		out = append(out, ps...)
		return nil
	})
	return out, err
}

// allShipments reads every page of the delivery feed since.
func allShipments(ctx context.Context, c *Client, since time.Time) ([]model.Shipment, error) {
	var out []model.Shipment
	err := c.DoneShipments(ctx, since, func(ss []model.Shipment, _ time.Time) error {
		out = append(out, ss...)
		return nil
	})
	return out, err
}

// allInvoices reads every page of the paid-invoice feed since.
func allInvoices(ctx context.Context, c *Client, since time.Time) ([]model.Invoice, error) {
	var out []model.Invoice
	err := c.PaidInvoices(ctx, since, func(is []model.Invoice, _ time.Time) error {
		out = append(out, is...)
		return nil
	})
	return out, err
}

// TestSetStockLevelsRecountsAConflict: on 15 a delivery validated between
// the count and its application makes action_apply_inventory answer the
// stock.inventory.conflict wizard; the level is counted again and applied.
func TestSetStockLevelsRecountsAConflict(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sb := sandbox.New(sandbox.Options{Version: 15})
	var once sync.Once
	var pick int64
	var moved error
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if bytes.Contains(body, []byte(`"action_apply_inventory"`)) {
			once.Do(func() { moved = sb.ValidatePicking(pick, "") })
		}
		sb.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	s := *DefaultSettings()
	s.URL, s.Database, s.RateLimit, s.Timeout = srv.URL, "ferry", 0, 5*time.Second
	c, err := New("erp", s, "admin", "demo-key", nil)
	if err != nil {
		t.Fatal(err)
	}
	levels, err := c.StockLevels(ctx)
	if err != nil || len(levels) == 0 {
		t.Fatalf("%d levels, %v", len(levels), err)
	}
	sku := levels[0].SKU
	res, err := c.ImportOrders(ctx, []model.OrderImport{{Ref: "SHOP-901", Order: model.Order{ID: "901", Number: "901", Status: model.OrderOpen,
		Customer: model.Party{Email: "conflict@example.fi", Name: "Conflict"},
		Lines:    []model.Line{{Kind: model.LineProduct, SKU: sku, Name: "x", Quantity: model.DecimalFromInt(2), UnitPrice: model.DecimalFromInt(10), TaxRate: model.MustDecimal("25.5")}}}}})
	if err != nil || res[0].Err != nil {
		t.Fatalf("import: %+v %v", res, err)
	}
	picks := sb.OpenPickings()
	if len(picks) != 1 {
		t.Fatalf("%d open deliveries", len(picks))
	}
	pick = picks[0]
	errs, err := c.SetStockLevels(ctx, []model.Stock{{SKU: sku, Quantity: model.DecimalFromInt(40)}})
	if err != nil || errs[0] != nil || moved != nil {
		t.Fatalf("set: %v %v (delivery: %v)", errs, err, moved)
	}
	if sb.Calls("stock.quant", "action_apply_inventory") != 2 {
		t.Errorf("action_apply_inventory called %d times", sb.Calls("stock.quant", "action_apply_inventory"))
	}
	after, _ := c.StockLevels(ctx)
	for _, l := range after {
		if l.SKU == sku && l.Quantity != model.DecimalFromInt(40) {
			t.Fatalf("%s on hand %v after the recount", sku, l.Quantity)
		}
	}
	if p := one(t, sb, "stock.picking", fmt.Sprint(pick), "state"); p["state"] != "done" {
		t.Errorf("the delivery moved nothing: %v", p)
	}
}

// TestSetStockLevelsOfANewProduct: a product with no quant yet gets one with
// the level, and a second level replaces it; on 14 both in inventory mode.
func TestSetStockLevelsOfANewProduct(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 18} {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, _ := sandboxClient(t, version)
			vals := map[string]any{"name": "Uusi", "default_code": "NEW-1", typeField(version): "product"}
			if version >= 18 {
				vals["type"], vals["is_storable"] = "consu", true
			}
			if _, err := c.Create(ctx, "product.product", []map[string]any{vals}, nil); err != nil {
				t.Fatal(err)
			}
			for _, n := range []int64{7, 3} {
				errs, err := c.SetStockLevels(ctx, []model.Stock{{SKU: "NEW-1", Quantity: model.DecimalFromInt(n)}})
				if err != nil || errs[0] != nil {
					t.Fatalf("set %d: %v %v", n, errs, err)
				}
				levels, err := c.StockLevels(ctx)
				if err != nil {
					t.Fatal(err)
				}
				got := model.Decimal(-1)
				for _, l := range levels {
					if l.SKU == "NEW-1" {
						got = l.Quantity
					}
				}
				if got != model.DecimalFromInt(n) {
					t.Fatalf("set %d: on hand %v", n, got)
				}
			}
		})
	}
}

package odoo

import (
	"context"
	"fmt"
	"net/http/httptest"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/model"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
)

var versions = []int{14, 15, 16, 17, 18, 19}

// clock is a settable time for the sandbox's write_date.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func clockedClient(t *testing.T, version int, opts sandbox.Options) (*Client, *sandbox.Server, *clock) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)}
	opts.Version, opts.Now = version, clk.now
	sb := sandbox.New(opts)
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	s := *DefaultSettings()
	s.URL, s.Database, s.RateLimit, s.Timeout, s.PageSize = srv.URL, "ferry", 0, 5*time.Second, 7
	c, err := New("erp", s, "admin", "demo-key", nil)
	if err != nil {
		t.Fatal(err)
	}
	return c, sb, clk
}

func hoodie() model.Product {
	p := model.Product{SKU: "HOOD", Name: "Huppari", Price: model.MustDecimal("40"), Active: true}
	for _, col := range []string{"Musta", "Harmaa"} {
		for _, size := range []string{"S", "M"} {
			p.Variants = append(p.Variants, model.Variant{SKU: "HOOD-" + col + "-" + size, Barcode: "640" + col + size, Attributes: map[string]string{"Väri": col, "Koko": size}})
		}
	}
	return p
}

func variantCodes(t *testing.T, ctx context.Context, c *Client, tmpl string) []string {
	t.Helper()
	rows, err := SearchRead[variantKeyRow](ctx, c, "product.product", Query{Domain: []any{[]any{"product_tmpl_id", "=", parseInt(tmpl)}}, Fields: variantKeyFields})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, string(r.DefaultCode)+"/"+string(r.Barcode))
	}
	sort.Strings(out)
	return out
}

// Templates with attributes and variants go into Odoo with the SKU and barcode
// on each variant; a second upsert finds them by SKU and creates nothing; a
// new value adds its variants; the catalogue reads back as the same products.
func TestUpsertProductsWithVariants(t *testing.T) {
	t.Parallel()
	for _, version := range versions {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, sb, _ := clockedClient(t, version, sandbox.Options{Products: 2, Partners: 1})
			mug := model.Product{SKU: "MUG", Name: "Muki", Price: model.MustDecimal("12.5"), Barcode: "6401", Active: true}
			h := hoodie()
			h.Variants[0].Price = model.MustDecimal("40") // same as the product: no extra
			// The template create commits, then the connection drops.
			sb.FailAfterCommit("product.template", "create", 1)
			res, err := c.UpsertProducts(ctx, []model.ProductUpsert{{Product: h}, {Product: mug}})
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range res {
				if r.Err != nil || r.RemoteID == "" || !r.Created {
					t.Fatalf("product %d: %+v", i, r)
				}
			}
			want := []string{"HOOD-Harmaa-M/640HarmaaM", "HOOD-Harmaa-S/640HarmaaS", "HOOD-Musta-M/640MustaM", "HOOD-Musta-S/640MustaS"}
			if got := variantCodes(t, ctx, c, string(res[0].RemoteID)); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("variants %v", got)
			}
			if got := variantCodes(t, ctx, c, string(res[1].RemoteID)); fmt.Sprint(got) != "[MUG/6401]" {
				t.Fatalf("mug %v", got)
			}
			n, _ := c.SearchCount(ctx, "product.template", []any{[]any{"name", "in", []any{"Huppari", "Muki"}}})
			if n != 2 {
				t.Fatalf("%d templates after a create that committed and dropped", n)
			}
			// Again, with a new colour: found by SKU, two variants more.
			h.Variants = append(h.Variants,
				model.Variant{SKU: "HOOD-Sininen-S", Attributes: map[string]string{"Väri": "Sininen", "Koko": "S"}},
				model.Variant{SKU: "HOOD-Sininen-M", Attributes: map[string]string{"Väri": "Sininen", "Koko": "M"}})
			again, err := c.UpsertProducts(ctx, []model.ProductUpsert{{Product: h}, {Product: mug}})
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range again {
				if r.Err != nil || r.Created || r.RemoteID != res[i].RemoteID {
					t.Fatalf("second upsert %d: %+v (first %+v)", i, r, res[i])
				}
			}
			if got := variantCodes(t, ctx, c, string(res[0].RemoteID)); len(got) != 6 || got[4] != "HOOD-Sininen-M/" {
				t.Fatalf("variants after a new colour: %v", got)
			}
			// Read back through the product feed of the routes.
			ps, err := allProducts(ctx, c, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				if p.ID == res[0].RemoteID && len(p.Variants) != 6 {
					t.Fatalf("read back %+v", p)
				}
				if p.ID == res[1].RemoteID && (p.SKU != "MUG" || p.Barcode != "6401" || len(p.Variants) != 0) {
					t.Fatalf("mug read back %+v", p)
				}
			}
		})
	}
}

// A partial shipment leaves the rest in a backorder, found by backorder_id;
// repeating the call after it went through returns the same backorder.
func TestShipPartialMakesBackorder(t *testing.T) {
	t.Parallel()
	for _, version := range versions {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, sb, _ := clockedClient(t, version, sandbox.Options{Products: 5, Partners: 1})
			if errs, err := c.SetStockLevels(ctx, []model.Stock{{SKU: "ODOO-001", Quantity: model.DecimalFromInt(50)}, {SKU: "ODOO-002", Quantity: model.DecimalFromInt(50)}}); err != nil || errs[0] != nil {
				t.Fatal(err, errs)
			}
			line := func(sku string, n int64) model.Line {
				return model.Line{Kind: model.LineProduct, SKU: sku, Name: sku, Quantity: model.DecimalFromInt(n), UnitPrice: model.DecimalFromInt(10), TaxRate: model.MustDecimal("25.5")}
			}
			res, err := c.ImportOrders(ctx, []model.OrderImport{{Ref: "SHOP-7", Carrier: "Posti SmartPOST", Order: model.Order{ID: "7", Number: "7", Status: model.OrderOpen,
				Customer: model.Party{Email: "part@example.fi", Name: "Part"}, Lines: []model.Line{line("ODOO-001", 3), line("ODOO-002", 2)}}}})
			if err != nil || res[0].Err != nil {
				t.Fatalf("import %+v %v", res, err)
			}
			picks := sb.OpenPickings()
			if len(picks) != 1 {
				t.Fatalf("%d open deliveries", len(picks))
			}
			if _, err := c.ShipPartial(ctx, picks[0], "", map[string]model.Decimal{"ODOO-001": model.DecimalFromInt(9)}); err == nil {
				t.Fatal("shipping more than the delivery holds was accepted")
			}
			bo, err := c.ShipPartial(ctx, picks[0], "JJFI1", map[string]model.Decimal{"ODOO-001": model.DecimalFromInt(1), "ODOO-002": model.DecimalFromInt(2)})
			if err != nil || bo == 0 {
				t.Fatalf("backorder %d, %v", bo, err)
			}
			rows := sb.SearchRead("stock.move", []any{[]any{"picking_id", "=", float64(bo)}}, []string{"product_uom_qty", "state"})
			if len(rows) != 1 || rows[0]["product_uom_qty"] != 2.0 {
				t.Fatalf("backorder moves %v", rows)
			}
			if again, err := c.ShipPartial(ctx, picks[0], "JJFI1", map[string]model.Decimal{"ODOO-001": model.DecimalFromInt(1)}); err != nil || again != bo {
				t.Fatalf("repeated: %d %v", again, err)
			}
			if rest, err := c.ShipPartial(ctx, bo, "JJFI2", map[string]model.Decimal{"ODOO-001": model.DecimalFromInt(2)}); err != nil || rest != 0 {
				t.Fatalf("the backorder in full: %d %v", rest, err)
			}
			done, err := allShipments(ctx, c, time.Time{})
			if err != nil || len(done) != 2 {
				t.Fatalf("done shipments %+v %v", done, err)
			}
			after, _ := c.StockLevels(ctx)
			for _, l := range after {
				if l.SKU == "ODOO-001" && l.Quantity != model.DecimalFromInt(47) {
					t.Fatalf("ODOO-001 on hand %v, want 47", l.Quantity)
				}
			}
		})
	}
}

// Each feed pages by (write_date, id) through every record once, and after a
// cursor returns only what changed since.
func TestChangeFeeds(t *testing.T) {
	t.Parallel()
	for _, version := range versions {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, sb, clk := clockedClient(t, version, sandbox.Options{Products: 6, Partners: 4})
			clk.add(time.Hour)
			// Something for the stock, picking and invoice feeds.
			res, err := c.ImportOrders(ctx, []model.OrderImport{{Ref: "SHOP-1", Carrier: "Posti SmartPOST", Order: model.Order{ID: "1", Number: "1", Status: model.OrderOpen,
				Customer: model.Party{Email: "feed@example.fi", Name: "Feed"}, Lines: []model.Line{{Kind: model.LineProduct, SKU: "ODOO-001", Name: "x", Quantity: model.DecimalFromInt(1), UnitPrice: model.DecimalFromInt(5), TaxRate: model.MustDecimal("25.5")}}}}})
			if err != nil || res[0].Err != nil {
				t.Fatalf("import %+v %v", res, err)
			}
			for _, f := range []Feed{FeedPartners, FeedProducts, FeedVariants, FeedQuants, FeedMoves, FeedPickings, FeedInvoices} {
				var all []Change
				var cur Cursor
				for {
					page, next, err := c.Changes(ctx, f, cur, 3)
					if err != nil {
						t.Fatalf("%s: %v", f.Name, err)
					}
					all = append(all, page...)
					if len(page) < 3 {
						break
					}
					cur = next
				}
				seen := map[int64]bool{}
				for _, ch := range all {
					if seen[ch.ID] {
						t.Fatalf("%s: record %d twice", f.Name, ch.ID)
					}
					seen[ch.ID] = true
				}
				total, err := c.SearchCount(ctx, f.Model, f.Domain)
				if err != nil || len(all) != total || total == 0 {
					t.Fatalf("%s: %d changes of %d records (%v)", f.Name, len(all), total, err)
				}
			}
			// Later: one partner and one quant change.
			_, cur, err := c.Changes(ctx, FeedPartners, Cursor{}, 1000)
			if err != nil {
				t.Fatal(err)
			}
			_, qcur, _ := c.Changes(ctx, FeedQuants, Cursor{}, 1000)
			clk.add(time.Minute)
			if err := c.Write(ctx, "res.partner", []int64{3}, map[string]any{"phone": "+358 1"}); err != nil {
				t.Fatal(err)
			}
			if errs, err := c.SetStockLevels(ctx, []model.Stock{{SKU: "ODOO-002", Quantity: model.DecimalFromInt(5)}}); err != nil || errs[0] != nil {
				t.Fatal(err, errs)
			}
			page, _, err := c.Changes(ctx, FeedPartners, cur, 0)
			if err != nil || len(page) != 1 || page[0].ID != 3 {
				t.Fatalf("partners since the cursor: %+v %v", page, err)
			}
			var p struct {
				Phone    Str      `json:"phone"`
				ParentID Many2one `json:"parent_id"`
			}
			if err := page[0].Decode(&p); err != nil || p.Phone != "+358 1" {
				t.Fatalf("decoded %+v %v", p, err)
			}
			q, _, err := c.Changes(ctx, FeedQuants, qcur, 0)
			if err != nil || len(q) != 1 {
				t.Fatalf("quants since the cursor: %+v %v", q, err)
			}
			var qr struct {
				Product  Many2one `json:"product_id"`
				Quantity Num      `json:"quantity"`
			}
			if err := q[0].Decode(&qr); err != nil || qr.Quantity.D() != model.DecimalFromInt(5) {
				t.Fatalf("quant %+v %v", qr, err)
			}
			// Backing off re-reads the overlap.
			if again, _, _ := c.Changes(ctx, FeedPartners, cur.Back(time.Hour), 0); len(again) < 2 {
				t.Fatalf("overlap read %d records", len(again))
			}
			_ = sb
		})
	}
}

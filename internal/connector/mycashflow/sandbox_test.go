package mycashflow

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/sandbox/fault"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
)

type bundle struct {
	sb     *sandbox.Server
	client *Client
	url    string
}

func setupSandbox(t *testing.T, opts sandbox.Options, mod func(*Settings)) *bundle {
	t.Helper()
	sb := sandbox.New(opts)
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	s := *DefaultSettings()
	s.Store, s.BaseURL, s.RateLimit = "demo", srv.URL, 0
	if mod != nil {
		mod(&s)
	}
	key := opts.APIKey
	if key == "" {
		key = "demo-key"
	}
	c, err := New("shop", s, "api@demo.example", key, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &bundle{sb: sb, client: c, url: srv.URL}
}

// must unwraps a call's result, failing the test on its error:
// must(c.Versions(ctx))(t).
func must[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func TestSandboxReferenceData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupSandbox(t, sandbox.Options{Seed: 3}, nil)
	c := b.client
	versions := must(c.Versions(ctx))(t)
	ships := must(c.ShippingMethods(ctx))(t)
	pays := must(c.PaymentMethods(ctx))(t)
	cats := must(c.Categories(ctx))(t)
	brands := must(c.Brands(ctx))(t)
	custs := must(c.Customers(ctx))(t)
	camps := must(c.Campaigns(ctx))(t)
	for name, n := range map[string]int{"versions": len(versions.Items), "shipping methods": len(ships.Items), "payment methods": len(pays.Items), "categories": len(cats.Items), "brands": len(brands.Items), "customers": len(custs.Items), "campaigns": len(camps.Items)} {
		if n == 0 {
			t.Errorf("no %s", name)
		}
	}
	for _, r := range [][]error{versions.Bad, ships.Bad, pays.Bad, cats.Bad, brands.Bad, custs.Bad, camps.Bad} {
		if len(r) > 0 {
			t.Errorf("undecodable items: %v", r)
		}
	}
	if got := ToStoreVersion(versions.Items[0]); got.Currency == "" || got.Language == "" {
		t.Errorf("version fields missing: %+v", got)
	}
	one := must(c.Customer(ctx, custs.Items[0].ID))(t)
	if ToParty(one).Email == "" {
		t.Errorf("customer without e-mail: %+v", one)
	}
	if len(camps.Items[0].Prices) == 0 {
		t.Errorf("campaign without prices: %+v", camps.Items[0])
	}
}

func TestSandboxProductsAndStock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupSandbox(t, sandbox.Options{Seed: 4}, func(s *Settings) { s.PageSize = 7 })
	c := b.client
	res := must(c.Products(ctx, ProductQuery{}))(t)
	if len(res.Bad) > 0 || len(res.Items) != len(b.sb.Products()) {
		t.Fatalf("listed %d products (bad %v), the sandbox has %d", len(res.Items), res.Bad, len(b.sb.Products()))
	}
	// Find a variation with a stock item and one product without variations.
	var code string
	for _, p := range res.Items {
		for _, v := range p.Variations {
			if v.StockItem.OK && code == "" {
				code = v.ProductCode
			}
		}
	}
	if code == "" {
		t.Fatal("no variation with stock")
	}
	before := must(c.Stock(ctx, code))(t)
	after := must(c.SetStock(ctx, code, FromStock(model.Stock{SKU: code, Quantity: before.Reserved + model.DecimalFromInt(50)})))(t)
	if after.Balance != model.DecimalFromInt(50) || after.Quantity != before.Reserved+model.DecimalFromInt(50) {
		t.Fatalf("after PATCH: %+v", after)
	}
	if sv, _ := b.sb.StockOf(code); sv.Quantity != int(after.Quantity.Int()) {
		t.Fatalf("sandbox has %+v", sv)
	}
	changes := must(c.StockChanges(ctx, time.Time{}))(t)
	if len(changes.Items) == 0 {
		t.Fatal("no stock changes")
	}
	all := must(c.StockList(ctx))(t)
	if len(all.Items) == 0 {
		t.Fatal("no stock items")
	}
	owner, found, err := c.FindProductByCode(ctx, code)
	if err != nil || !found || len(owner.Variations) == 0 {
		t.Fatalf("FindProductByCode(%s) = %v %v", code, found, err)
	}
	if _, found, err := c.FindProductByCode(ctx, "NO-SUCH-SKU"); err != nil || found {
		t.Fatalf("unknown code: %v %v", found, err)
	}

	// Create, patch, add a variation, delete.
	brand := must(c.CreateBrand(ctx, "Ferry Test Brand"))(t)
	cat := must(c.CreateCategory(ctx, "Ferry Test Category", 0))(t)
	mp := model.Product{SKU: "FERRY-NEW", Name: "New product", Price: model.MustDecimal("19.9"), TaxRate: model.MustDecimal("25.5"), Brand: "Ferry Test Brand", Categories: []string{"Ferry Test Category"}}
	created := must(c.CreateProduct(ctx, FromProduct(mp, map[string]ID{brand.Name: brand.ID}, map[string]ID{cat.Name: cat.ID})))(t)
	if created.ID == 0 || created.ProductCode != "FERRY-NEW" {
		t.Fatalf("created %+v", created)
	}
	full := must(c.Product(ctx, created.ID))(t)
	got := ToProduct(full, Names{Categories: map[ID]string{cat.ID: cat.Name}})
	if got.Brand != "Ferry Test Brand" || len(got.Categories) != 1 || got.Price != mp.Price {
		t.Fatalf("read back %+v", got)
	}
	price := 17.5
	patched := must(c.UpdateProduct(ctx, created.ID, ProductWrite{Price: &price}))(t)
	if patched.Price != model.MustDecimal("17.5") {
		t.Fatalf("patched price %v", patched.Price)
	}
	v := must(c.CreateVariation(ctx, VariationWrite{ProductID: created.ID, Name: "XL", ProductCode: "FERRY-NEW-XL", Price: &price}))(t)
	vs := must(c.Variations(ctx, created.ID))(t)
	if len(vs.Items) != 1 || vs.Items[0].ID != v.ID {
		t.Fatalf("variations %+v", vs.Items)
	}
	must(c.UpdateVariation(ctx, v.ID, VariationWrite{Name: "XXL"}))(t)
	if err := c.DeleteProduct(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Product(ctx, created.ID); !IsNotFound(err) {
		t.Fatalf("deleted product: %v", err)
	}
	if _, err := c.SetStock(ctx, code, StockWrite{Quantity: ptr(-1.0)}); !IsValidation(err) {
		t.Fatalf("negative stock: %v", err)
	}
}

func TestSandboxOrdersAndActions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupSandbox(t, sandbox.Options{Seed: 5}, func(s *Settings) { s.PageSize = 25 })
	c := b.client
	all := must(c.Orders(ctx, OrderQuery{}))(t)
	if len(all.Bad) > 0 || len(all.Items) != b.sb.OrderCount() {
		t.Fatalf("listed %d orders (bad %v), sandbox has %d", len(all.Items), all.Bad, b.sb.OrderCount())
	}
	open := must(c.Orders(ctx, OrderQuery{Status: "open"}))(t)
	if len(open.Items) != b.sb.OrderCount("open") {
		t.Fatalf("open: %d vs %d", len(open.Items), b.sb.OrderCount("open"))
	}
	// Incremental: orders updated from a time on, oldest change first.
	mid := all.Items[len(all.Items)/2].UpdatedAt.Time
	inc := must(c.Orders(ctx, OrderQuery{UpdatedFrom: mid}))(t)
	for i, o := range inc.Items {
		if o.UpdatedAt.Before(mid) || i > 0 && o.UpdatedAt.Before(inc.Items[i-1].UpdatedAt.Time) {
			t.Fatalf("incremental listing out of order at %d", i)
		}
	}

	// Pick open orders with one payment for the actions.
	var single []Order
	for _, o := range open.Items {
		if len(o.Payments) == 1 && len(o.Shipments) > 0 && o.Payments[0].Status != "OPEN" {
			single = append(single, o)
		}
	}
	if len(single) < 3 {
		t.Fatalf("only %d open single-payment orders", len(single))
	}
	done := must(c.QuickProcess(ctx, single[0].ID, QuickProcess{TrackingCode: "JJFI640001", SendEmails: true}))(t)
	if done.Status != "completed" {
		t.Fatalf("quick-process: %+v", done.Status)
	}
	full := must(c.Order(ctx, single[0].ID))(t)
	if m := ToOrder(full, Names{}); m.Shipments[0].TrackingCode != "JJFI640001" || m.Shipments[0].Status != model.ShipmentCompleted {
		t.Fatalf("shipment after quick-process: %+v", m.Shipments)
	}
	if !full.UpdatedAt.After(single[0].UpdatedAt.Time) && !full.UpdatedAt.Equal(single[0].UpdatedAt.Time) {
		t.Fatal("updated_at went back")
	}

	sh := must(c.Shipments(ctx, single[1].ID))(t)
	s := must(c.CompleteShipment(ctx, single[1].ID, sh[0].ID, "TRACK-2"))(t)
	if s.Status != "COMPLETED" {
		t.Fatalf("shipment %+v", s)
	}

	cancelled := must(c.CancelOrder(ctx, single[2].ID))(t)
	if cancelled.Status != "cancelled" || !cancelled.Total.IsZero() {
		t.Fatalf("cancel: %s total %v", cancelled.Status, cancelled.Total)
	}

	// An invoice payment (OPEN) marked paid.
	var invoice *Order
	for _, o := range open.Items {
		if len(o.Payments) == 1 && o.Payments[0].Status == "OPEN" && o.ID != single[2].ID {
			invoice = &o
			break
		}
	}
	if invoice == nil {
		t.Fatal("no open invoice payment")
	}
	p := must(c.PaymentDo(ctx, invoice.ID, invoice.Payments[0].ID, MarkAsPaid))(t)
	if p.Status != "PAID" || !bool(p.IsPaid) {
		t.Fatalf("mark-as-paid: %+v", p)
	}
	p = must(c.Payment(ctx, invoice.ID, invoice.Payments[0].ID))(t)
	if p.Status != "PAID" {
		t.Fatalf("payment read back: %+v", p)
	}
	if _, err := c.QuickProcess(ctx, single[2].ID, QuickProcess{}); !IsValidation(err) {
		t.Fatalf("quick-process of a cancelled order: %v", err)
	}
}

func TestSandboxCampaignPricesAndWebhooks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupSandbox(t, sandbox.Options{Seed: 6}, nil)
	c := b.client
	camps := must(c.Campaigns(ctx))(t)
	products := must(c.Products(ctx, ProductQuery{}))(t)
	code := products.Items[0].ProductCode
	if len(products.Items[0].Variations) > 0 {
		code = products.Items[0].Variations[0].ProductCode
	}
	id := camps.Items[0].ID
	rule := model.PriceRule{SKU: code, MinQuantity: model.DecimalFromInt(5), FixedPrice: ptr(model.MustDecimal("9.9"))}
	cp, ok := FromPriceRule(rule)
	if !ok {
		t.Fatal("a product rule was refused")
	}
	first := must(c.SetCampaignPrice(ctx, id, cp))(t)
	cp.Price = model.MustDecimal("8.5")
	second := must(c.SetCampaignPrice(ctx, id, cp))(t)
	if first.ID != second.ID || second.Price != model.MustDecimal("8.5") {
		t.Fatalf("setting a price twice made two: %+v %+v", first, second)
	}
	if _, ok := FromPriceRule(model.PriceRule{Scope: "category", MinQuantity: model.DecimalFromInt(1), FixedPrice: ptr(model.DecimalFromInt(1))}); ok {
		t.Fatal("a category rule was accepted")
	}
	if err := c.DeleteCampaignPrice(ctx, id, second.ID); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var got []WebhookMessage
	var uuid string
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		msg, err := ParseWebhook(r.Header, body, uuid)
		if err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		got = append(got, msg)
	}))
	defer recv.Close()
	wh := must(c.Subscribe(ctx, "order.created", recv.URL, []string{"products", "payments"}))(t)
	mu.Lock()
	uuid = wh.UUID
	mu.Unlock()
	if list := must(c.Webhooks(ctx))(t); len(list) != 1 || list[0].UUID != wh.UUID {
		t.Fatalf("webhooks: %+v", list)
	}
	o, err := b.sb.CreateRandomOrder()
	if err != nil {
		t.Fatal(err)
	}
	b.sb.WaitWebhooks()
	mu.Lock()
	if len(got) != 1 || got[0].Order.ID.String() == "" || int(got[0].Order.ID) != o.ID || len(got[0].Order.Products) == 0 {
		t.Fatalf("deliveries: %+v", got)
	}
	mu.Unlock()
	if err := c.Unsubscribe(ctx, wh.UUID); err != nil {
		t.Fatal(err)
	}
}

func TestSandboxConnectionTest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ok := setupSandbox(t, sandbox.Options{}, nil)
	rep, err := ok.client.Test(ctx)
	if err != nil || !rep.OK {
		t.Fatalf("good connection: %+v %v", rep, err)
	}
	bad := setupSandbox(t, sandbox.Options{APIKey: "right"}, nil)
	bad.client, _ = New("shop", Settings{Store: "demo", BaseURL: bad.url, PageSize: 10, Timeout: 5e9, MaxAttempts: 1}, "api@demo.example", "wrong", nil)
	rep, _ = bad.client.Test(ctx)
	if rep.OK || !contains(rep.Summary, "bad credentials") {
		t.Fatalf("bad key: %+v", rep)
	}
	off := setupSandbox(t, sandbox.Options{APIDisabled: true}, nil)
	rep, _ = off.client.Test(ctx)
	if rep.OK || !contains(rep.Summary, "API is not available") || !contains(rep.Details[0], "API\" extension") {
		t.Fatalf("API extension missing: %+v", rep)
	}
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html>Kauppaa ei löydy</html>"))
	}))
	defer web.Close()
	unknown, _ := New("shop", Settings{Store: "nosuchshop", BaseURL: web.URL, PageSize: 10, Timeout: 5e9, MaxAttempts: 1}, "u", "k", nil)
	rep, _ = unknown.Test(ctx)
	if rep.OK || !contains(rep.Summary, "no MyCashflow API") {
		t.Fatalf("unknown store: %+v", rep)
	}
	dns, _ := New("shop", Settings{Store: "no-such-store-ferry-test", BaseURL: "http://no-such-store-ferry-test.invalid", PageSize: 10, Timeout: 5e9, MaxAttempts: 1}, "u", "k", nil)
	rep, _ = dns.Test(ctx)
	if rep.OK || !contains(rep.Summary, "unknown store") {
		t.Fatalf("unresolvable store: %+v", rep)
	}
}

func TestSandboxListingsSurviveFaults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupSandbox(t, sandbox.Options{Seed: 8, Orders: 120}, func(s *Settings) { s.PageSize = 10; s.MaxAttempts = 12 })
	clean := b.client
	wantP := must(clean.Products(ctx, ProductQuery{}))(t)
	wantO := must(clean.Orders(ctx, OrderQuery{}))(t)
	// 30 % of calls fail: 5xx and 429 with Retry-After.
	b.sb.Faults().Set(fault.Config{ErrorRate: 0.2, RateLimitRate: 0.1, Seed: 7})
	before := b.sb.Faults().Stats()
	gotP := must(clean.Products(ctx, ProductQuery{}))(t)
	gotO := must(clean.Orders(ctx, OrderQuery{}))(t)
	after := b.sb.Faults().Stats()
	if after.Errors == before.Errors || after.RateLimited == before.RateLimited {
		t.Fatalf("no faults were injected: %+v", after)
	}
	if d := cmp.Diff(wantP.Items, gotP.Items); d != "" {
		t.Fatalf("products differ under faults:\n%s", d)
	}
	if d := cmp.Diff(wantO.Items, gotO.Items); d != "" {
		t.Fatalf("orders differ under faults:\n%s", d)
	}
}

// UpsertProducts finds products through an index of codes read once; products
// made or deleted elsewhere after that are still matched, never doubled.
func TestSandboxUpsertProductsAfterChangesElsewhere(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupSandbox(t, sandbox.Options{Seed: 5, Products: 6, Orders: -1}, func(s *Settings) { s.PageSize = 4 })
	c := b.client
	upsert := func(p model.Product) model.WriteResult {
		t.Helper()
		res, err := c.UpsertProducts(ctx, []model.ProductUpsert{{Product: p}})
		if err != nil || len(res) != 1 || res[0].Err != nil {
			t.Fatalf("UpsertProducts(%s) = %+v, %v", p.SKU, res, err)
		}
		return res[0]
	}
	price, vat := model.MustDecimal("9.9"), model.MustDecimal("25.5")
	first := upsert(model.Product{ID: "1", SKU: "IDX-1", Name: "Indexed", Price: price, TaxRate: vat})
	if !first.Created {
		t.Fatalf("IDX-1 was not created: %+v", first)
	}
	// A person makes IDX-2 in the shop after the index was read.
	made := must(c.CreateProduct(ctx, ProductWrite{ProductCode: "IDX-2", Name: "Made by hand", Price: ptr(5.0)}))(t)
	second := upsert(model.Product{ID: "2", SKU: "IDX-2", Name: "From the ERP", Price: price, TaxRate: vat})
	if second.Created || second.RemoteID != made.ID.String() {
		t.Fatalf("IDX-2 made by hand: upsert answered %+v, want an update of %d", second, made.ID)
	}
	// A person deletes IDX-1: exporting it again creates it again.
	if err := c.DeleteProduct(ctx, parseID(first.RemoteID)); err != nil {
		t.Fatal(err)
	}
	again := upsert(model.Product{ID: "1", SKU: "IDX-1", Name: "Indexed", Price: price, TaxRate: vat})
	if !again.Created || again.RemoteID == first.RemoteID {
		t.Fatalf("IDX-1 deleted in the shop: upsert answered %+v", again)
	}
	n := 0
	for _, p := range b.sb.Products() {
		if p.ProductCode == "IDX-1" || p.ProductCode == "IDX-2" {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("the shop has %d products coded IDX-1 or IDX-2, want 2", n)
	}
}

// An ERP product whose code is a variation's in the shop is that variation:
// the export writes the variation and leaves the parent's own code alone.
func TestSandboxUpsertProductMatchingAVariationCode(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupSandbox(t, sandbox.Options{Seed: 6, Products: 0, Orders: -1}, nil)
	c := b.client
	parent := must(c.CreateProduct(ctx, ProductWrite{ProductCode: "SHIRT", Name: "Shirt", Price: ptr(20.0)}))(t)
	if _, err := c.CreateVariation(ctx, VariationWrite{ProductID: parent.ID, Name: "M", ProductCode: "SHIRT-M", Price: ptr(20.0)}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		res, err := c.UpsertProducts(ctx, []model.ProductUpsert{{Product: model.Product{ID: "7", SKU: "SHIRT-M", Name: "Shirt M", Price: model.MustDecimal("22.5"), TaxRate: model.MustDecimal("25.5")}}})
		if err != nil || res[0].Err != nil || res[0].Created {
			t.Fatalf("upsert: %+v %v, want the variation updated", res, err)
		}
	}
	got, ok := b.sb.Product("SHIRT")
	if !ok || len(got.Variations) != 1 || got.Variations[0].ProductCode != "SHIRT-M" || got.Variations[0].Price != 22.5 {
		t.Fatalf("the shop's shirt: %+v, want its own code kept and variation SHIRT-M at 22.5", got)
	}
	for _, p := range b.sb.Products() {
		if p.ProductCode == "SHIRT-M" {
			t.Fatalf("a product was created with the variation's code: %+v", p)
		}
	}
}

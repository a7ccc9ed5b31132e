package ogoship_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/connector/ogoship"
	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/model"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/ogoship"
)

type env struct {
	sb  *sandbox.Server
	url string
	c   *ogoship.Client
	// unauthorized counts API answers 401; noAuth API requests sent without
	// a bearer token.
	unauthorized, noAuth atomic.Int64
}

func newEnv(t testing.TB, opts sandbox.Options, change func(*ogoship.Settings, *ogoship.Credentials)) *env {
	t.Helper()
	if opts.Products == 0 {
		opts.Products = -1
	}
	if opts.Orders == 0 {
		opts.Orders = -1
	}
	e := &env{sb: sandbox.New(opts)}
	h := e.sb.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api := strings.HasPrefix(strings.ToLower(r.URL.Path), "/api/")
		if api && !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			e.noAuth.Add(1)
		}
		rec := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		if api && rec.status == http.StatusUnauthorized {
			e.unauthorized.Add(1)
		}
	}))
	t.Cleanup(srv.Close)
	e.url = srv.URL
	s := *ogoship.DefaultSettings()
	s.BaseURL, s.TokenURL, s.ClientID, s.RateLimit, s.PageSize = srv.URL, srv.URL+"/OAuth/Token", "123456", 0, 7
	cr := ogoship.Credentials{ClientSecret: "abcdef", MerchantID: "demo-merchant", SecretToken: "demo-secret"}
	if change != nil {
		change(&s, &cr)
	}
	c, err := ogoship.New("ogo", s, cr, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.c = c
	return e
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(s int) {
	if w.status == 0 {
		w.status = s
	}
	w.ResponseWriter.WriteHeader(s)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// counts reads GET /_sandbox/state's counts.
func (e *env) counts(t *testing.T) map[string]int {
	t.Helper()
	resp, err := http.Get(e.url + "/_sandbox/state")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st struct {
		Counts map[string]int `json:"counts"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	return st.Counts
}

func product(id, sku string, variants ...model.Variant) model.Product {
	return model.Product{ID: id, SKU: sku, Name: "Paita " + id, Description: "Puuvillaa", Price: model.MustDecimal("24.90"), PurchasePrice: model.MustDecimal("9.5"), Barcode: "640000" + id, Active: true, Variants: variants}
}

func orderImport(number string, skus ...string) model.OrderImport {
	o := model.Order{
		ID: number, Number: number, Status: model.OrderOpen, Currency: "EUR", CreatedAt: time.Date(2026, 5, 3, 7, 12, 0, 0, time.UTC),
		Customer: model.Party{ID: "77", Email: "maija@example.fi"},
		Shipping: model.Address{FirstName: "Maija", LastName: "Meikäläinen", Street: "Esimerkkikatu 1", PostalCode: "00100", City: "Helsinki", Country: "fi", Phone: "+358401234567", Email: "maija@example.fi"},
		Total:    model.MustDecimal("54.80"), Note: "Ovikoodi 1234",
	}
	for _, s := range skus {
		o.Lines = append(o.Lines, model.Line{Kind: model.LineProduct, SKU: s, Quantity: model.DecimalFromInt(2), UnitPrice: model.MustDecimal("12.45"), TaxIncluded: true, TaxRate: model.MustDecimal("25.5")})
	}
	o.Lines = append(o.Lines, model.Line{Kind: model.LineShipping, Name: "Posti", Quantity: model.DecimalFromInt(1), UnitPrice: model.MustDecimal("5.9")})
	return model.OrderImport{Order: o, Ref: "SHOP-" + number, Carrier: "POSTI-SP"}
}

func seedProducts(t testing.TB, e *env, skus ...string) {
	t.Helper()
	var ups []model.ProductUpsert
	for _, s := range skus {
		ups = append(ups, model.ProductUpsert{Product: product(s, s)})
	}
	res, err := e.c.UpsertProducts(context.Background(), ups)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
}

func TestUpsertProductsCreateThenUpdate(t *testing.T) {
	e := newEnv(t, sandbox.Options{}, nil)
	ctx := context.Background()
	p := product("10", "", model.Variant{ID: "1", SKU: "TS-S", Name: "S", Barcode: "6401"}, model.Variant{ID: "2", SKU: "TS-M", Name: "M", Price: model.MustDecimal("26")})
	res, err := e.c.UpsertProducts(ctx, []model.ProductUpsert{{Product: p}, {Product: product("11", "MUKI/1")}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Err != nil || !r.Created || r.RemoteID == "" {
			t.Fatalf("first upsert: %+v", res)
		}
	}
	if res[0].RemoteID != "TS-S" {
		t.Fatalf("remote id %q", res[0].RemoteID)
	}
	m, ok, err := e.c.FindProduct(ctx, "TS-M")
	if err != nil || !ok {
		t.Fatalf("TS-M: %v %v", ok, err)
	}
	if m.Name != "Paita 10 - M" || m.SalesPrice == nil || *m.SalesPrice != model.MustDecimal("26") || m.LanguageCode != "fi" || m.EanCode != "64000010" {
		t.Fatalf("TS-M: %+v", m)
	}
	p.Name = "T-paita"
	res, err = e.c.UpsertProducts(ctx, []model.ProductUpsert{{Product: p, RemoteID: res[0].RemoteID}, {Product: func() model.Product { q := product("11", "MUKI/1"); q.Name = "Muki"; return q }()}})
	if err != nil || res[0].Err != nil || res[0].Created || res[1].Err != nil || res[1].Created {
		t.Fatalf("update: %+v %v", res, err)
	}
	s, _, _ := e.c.FindProduct(ctx, "TS-S")
	if s.Name != "T-paita - S" {
		t.Fatalf("after update: %+v", s)
	}
	if mu, _, _ := e.c.FindProduct(ctx, "MUKI/1"); mu.Name != "Muki" {
		t.Fatalf("a code with a slash (base64url path) was not updated: %+v", mu)
	}
	if n := e.counts(t)["products"]; n != 3 {
		t.Fatalf("%d products, want 3", n)
	}
	// Nothing changed: nothing written.
	before := e.sb.CallCounts()["PUT /Products"]
	if _, err := e.c.UpsertProducts(ctx, []model.ProductUpsert{{Product: p}}); err != nil {
		t.Fatal(err)
	}
	if after := e.sb.CallCounts()["PUT /Products"]; after != before {
		t.Fatalf("an unchanged product was written again (%d → %d PUTs); calls %v", before, after, e.sb.CallCounts())
	}
}

func TestImportTwiceCreatesOnce(t *testing.T) {
	e := newEnv(t, sandbox.Options{}, nil)
	ctx := context.Background()
	seedProducts(t, e, "A1", "B2")
	imps := []model.OrderImport{orderImport("1001", "A1"), orderImport("1002", "A1", "B2")}
	res, err := e.c.ImportOrders(ctx, imps)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Err != nil || !r.Created {
			t.Fatalf("first import: %+v", res)
		}
	}
	res2, err := e.c.ImportOrders(ctx, imps)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res2 {
		if r.Err != nil || r.Created || r.RemoteID != res[i].RemoteID {
			t.Fatalf("second import: %+v", res2)
		}
	}
	if n := e.counts(t)["orders"]; n != 2 {
		t.Fatalf("%d orders, want 2", n)
	}
	o, ok := e.sb.Order("1002")
	if !ok || o.ShippingCode == nil || *o.ShippingCode != "POSTI-SP" || len(o.OrderLines) != 2 || o.Customer.Name != "Maija Meikäläinen" || o.Customer.CountryCode != "FI" {
		t.Fatalf("order 1002 in OGOship: %+v", o)
	}
	if o.OrderLines[0].UnitPrice == nil || *o.OrderLines[0].UnitPrice != 12.45 {
		t.Fatalf("unit price %+v", o.OrderLines[0])
	}
}

func TestImportRefusals(t *testing.T) {
	e := newEnv(t, sandbox.Options{}, nil)
	ctx := context.Background()
	seedProducts(t, e, "A1")
	unknownSKU := orderImport("2001", "A1", "NOPE")
	badMethod := orderImport("2002", "A1")
	badMethod.Carrier = "NO-SUCH-METHOD"
	noMethod := orderImport("2003", "A1")
	noMethod.Carrier = ""
	res, err := e.c.ImportOrders(ctx, []model.OrderImport{unknownSKU, badMethod, noMethod})
	if err != nil {
		t.Fatal(err)
	}
	var up *ogoship.UnknownProductsError
	if !errors.As(res[0].Err, &up) || !errors.Is(res[0].Err, model.ErrUnknownSKU) || jobs.ClassOf(res[0].Err) != jobs.ClassNeedsAction || up.Codes[0] != "NOPE" {
		t.Fatalf("unknown SKU: %v", res[0].Err)
	}
	for _, r := range res[1:] {
		var sm *ogoship.ShippingMethodError
		if !errors.As(r.Err, &sm) || jobs.ClassOf(r.Err) != jobs.ClassNeedsAction {
			t.Fatalf("shipping method: %v", r.Err)
		}
	}
	if !strings.Contains(res[1].Err.Error(), "NO-SUCH-METHOD") {
		t.Fatalf("the refusal does not name the code: %v", res[1].Err)
	}
	if n := e.counts(t)["orders"]; n != 0 {
		t.Fatalf("%d orders made", n)
	}
	// A malformed order (no street) is refused before sending, permanently.
	bad := orderImport("2004", "A1")
	bad.Order.Shipping.Street = ""
	bad.Order.Billing = model.Address{}
	res, _ = e.c.ImportOrders(ctx, []model.OrderImport{bad})
	if res[0].Err == nil || jobs.ClassOf(res[0].Err) == jobs.ClassNeedsAction {
		t.Fatalf("malformed: %v", res[0].Err)
	}
}

func TestUpdateAndCancelBeforeAndAfterStart(t *testing.T) {
	e := newEnv(t, sandbox.Options{}, nil)
	ctx := context.Background()
	seedProducts(t, e, "A1", "B2")
	if _, err := e.sb.Receive("A1", 50); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sb.Receive("B2", 50); err != nil {
		t.Fatal(err)
	}
	imps := []model.OrderImport{orderImport("3001", "A1"), orderImport("3002", "A1"), orderImport("3003", "B2"), orderImport("3004", "B2")}
	res, err := e.c.ImportOrders(ctx, imps)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	// Before start: an update replaces the lines, a cancel cancels.
	upd := imps[0]
	upd.Order.Lines = append(upd.Order.Lines, model.Line{Kind: model.LineProduct, SKU: "B2", Quantity: model.DecimalFromInt(1), UnitPrice: model.MustDecimal("3"), TaxIncluded: true})
	upd.Order.Note = "Soita ovelta"
	if err := e.c.UpdateOrder(ctx, res[0].RemoteID, upd); err != nil {
		t.Fatal(err)
	}
	if o, _ := e.sb.Order("3001"); len(o.OrderLines) != 2 || o.Comments == nil || *o.Comments != "Soita ovelta" {
		t.Fatalf("after update: %+v", o)
	}
	if err := e.c.CancelOrder(ctx, res[1].RemoteID, imps[1]); err != nil {
		t.Fatal(err)
	}
	if err := e.c.CancelOrder(ctx, res[1].RemoteID, imps[1]); err != nil {
		t.Fatalf("cancelling twice: %v", err)
	}
	if o, _ := e.sb.Order("3002"); o.Status != "cancelled" {
		t.Fatalf("after cancel: %s", o.Status)
	}
	// After start: held for a person, naming the order and its status.
	for _, ref := range []string{"3003", "3004"} {
		if _, err := e.sb.Advance(ref, "collecting"); err != nil {
			t.Fatal(err)
		}
	}
	err = e.c.UpdateOrder(ctx, res[2].RemoteID, imps[2])
	var se *ogoship.StartedError
	if !errors.As(err, &se) || jobs.ClassOf(err) != jobs.ClassNeedsAction || !strings.Contains(err.Error(), "3003") || !strings.Contains(err.Error(), "collecting") {
		t.Fatalf("update after start: %v", err)
	}
	err = e.c.CancelOrder(ctx, res[3].RemoteID, imps[3])
	if !errors.As(err, &se) || jobs.ClassOf(err) != jobs.ClassNeedsAction || se.Op != "cancel" {
		t.Fatalf("cancel after start: %v", err)
	}
	if o, _ := e.sb.Order("3004"); o.Status != "collecting" {
		t.Fatalf("the started order is %s", o.Status)
	}
	// Gone.
	if err := e.c.UpdateOrder(ctx, "NOPE", imps[0]); !errors.Is(err, model.ErrGone) {
		t.Fatalf("unknown order: %v", err)
	}
	st, err := e.c.OrderStates(ctx, []string{"3001", "3002", "3003", "NOPE"})
	if err != nil || st["3001"].State != "new" && st["3001"].State != "reserved" || st["3002"].State != "cancelled" || st["3003"].State != "collecting" || st["NOPE"].State == "" {
		t.Fatalf("states %+v %v", st, err)
	}
}

func TestStockAndShipments(t *testing.T) {
	e := newEnv(t, sandbox.Options{}, nil)
	ctx := context.Background()
	seedProducts(t, e, "A1", "B2", "C3")
	e.sb.Receive("A1", 10)
	e.sb.Receive("B2", 5)
	var imps []model.OrderImport
	for _, n := range []string{"4001", "4002", "4003", "4004", "4005", "4006", "4007", "4008", "4009"} {
		imps = append(imps, orderImport(n, "A1"))
	}
	imps[8] = orderImport("4009", "B2")
	if _, err := e.c.ImportOrders(ctx, imps[:4]); err != nil {
		t.Fatal(err)
	}
	levels, err := e.c.StockLevels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]model.Stock{}
	for _, l := range levels {
		by[l.SKU] = l
	}
	if len(by) != 3 || by["A1"].Quantity != model.DecimalFromInt(10) || by["B2"].Available != model.DecimalFromInt(5) || by["C3"].Quantity != 0 {
		t.Fatalf("levels %+v", by)
	}
	// Ship two; the pass from zero hands both over with their tracking codes.
	since := time.Now().Add(-time.Hour)
	for _, ref := range []string{"4001", "4003"} {
		if _, err := e.sb.Advance(ref, "shipped"); err != nil {
			t.Fatal(err)
		}
	}
	got, throughs := readShipments(t, e, since)
	if len(got) != 2 || got["4001"].TrackingCode == "" || got["4003"].OrderID != "4003" || got["4001"].Status != model.ShipmentCompleted {
		t.Fatalf("shipments %+v", got)
	}
	o, _ := e.sb.Order("4001")
	if got["4001"].TrackingCode != *o.TrackingNumber {
		t.Fatalf("tracking %q, OGOship %q", got["4001"].TrackingCode, *o.TrackingNumber)
	}
	last := throughs[len(throughs)-1]
	if last.Before(since) || time.Since(last) > time.Minute {
		t.Fatalf("last checkpoint %v", last)
	}
	for _, th := range throughs[:len(throughs)-1] {
		if !th.Equal(since) {
			t.Fatalf("a page before the last moved the checkpoint: %v", throughs)
		}
	}
	// Reserved stock shows as less available.
	levels, _ = e.c.StockLevels(ctx)
	for _, l := range levels {
		if l.SKU == "A1" && (l.Quantity != model.DecimalFromInt(6) || l.Available > l.Quantity) {
			t.Fatalf("A1 after shipping 4: %+v", l)
		}
	}
	// Many pages (page size 7): every shipped order comes once.
	if _, err := e.c.ImportOrders(ctx, imps[4:]); err != nil {
		t.Fatal(err)
	}
	e.sb.Receive("A1", 100)
	for _, imp := range imps[1:] {
		if imp.Order.Number == "4003" {
			continue
		}
		if _, err := e.sb.Advance(imp.Order.Number, "shipped"); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 12; i++ {
		if _, err := e.c.ImportOrders(ctx, []model.OrderImport{orderImport("50"+string(rune('a'+i)), "C3")}); err != nil {
			t.Fatal(err)
		}
	}
	got, throughs = readShipments(t, e, since)
	if len(got) != 9 || len(throughs) < 3 {
		t.Fatalf("%d shipments over %d pages", len(got), len(throughs))
	}
}

func readShipments(t *testing.T, e *env, since time.Time) (map[string]model.Shipment, []time.Time) {
	t.Helper()
	got := map[string]model.Shipment{}
	var throughs []time.Time
	err := e.c.DoneShipments(context.Background(), since, func(ss []model.Shipment, through time.Time) error {
		for _, s := range ss {
			if _, dup := got[s.ID]; dup {
				t.Errorf("shipment %s twice", s.ID)
			}
			got[s.ID] = s
		}
		throughs = append(throughs, through)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got, throughs
}

func TestCommitThenFailCreatesOnce(t *testing.T) {
	for _, drop := range []bool{false, true} {
		t.Run(map[bool]string{false: "500", true: "drop"}[drop], func(t *testing.T) {
			e := newEnv(t, sandbox.Options{}, nil)
			ctx := context.Background()
			if err := e.sb.SetCommitFaults(sandbox.CommitFaults{Routes: []string{"POST /Products"}, Next: 1, Drop: drop}); err != nil {
				t.Fatal(err)
			}
			seedProducts(t, e, "A1")
			if err := e.sb.SetCommitFaults(sandbox.CommitFaults{Routes: []string{"POST /Orders"}, Next: 2, Drop: drop}); err != nil {
				t.Fatal(err)
			}
			res, err := e.c.ImportOrders(ctx, []model.OrderImport{orderImport("6001", "A1"), orderImport("6002", "A1")})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range res {
				if r.Err != nil || !r.Created {
					t.Fatalf("import: %+v", res)
				}
			}
			c := e.counts(t)
			if c["orders"] != 2 || c["products"] != 1 || c["commit_failures"] != 3 {
				t.Fatalf("counts %v", c)
			}
		})
	}
}

func TestTokenExpiryMidPass(t *testing.T) {
	e := newEnv(t, sandbox.Options{}, nil)
	ctx := context.Background()
	var skus []string
	for i := 0; i < 20; i++ {
		skus = append(skus, "P"+string(rune('A'+i)))
	}
	seedProducts(t, e, skus...)
	n, pagesRead := 0, 0
	err := e.c.Products(ctx, nil, func(items []ogoship.Product, bad []error) error {
		n += len(items)
		pagesRead++
		e.sb.ExpireTokens() // every token dies while the pass goes on
		return nil
	})
	if err != nil || n != 20 || pagesRead != 3 {
		t.Fatalf("%d products over %d pages: %v", n, pagesRead, err)
	}
	c := e.counts(t)
	if c["token_grants.password"] != 1 || c["token_grants.refresh_token"] != 2 {
		t.Fatalf("grants %v", c)
	}
	if e.noAuth.Load() != 0 {
		t.Fatalf("%d calls without a token", e.noAuth.Load())
	}
}

func TestLostRefreshFallsBackToPassword(t *testing.T) {
	e := newEnv(t, sandbox.Options{}, nil)
	ctx := context.Background()
	seedProducts(t, e, "A1")
	if err := e.sb.SetLoseRefresh(sandbox.LoseRefresh{Next: 1}); err != nil {
		t.Fatal(err)
	}
	e.sb.ExpireTokens()
	if _, ok, err := e.c.FindProduct(ctx, "A1"); err != nil || !ok {
		t.Fatalf("after a lost refresh: %v %v", ok, err)
	}
	c := e.counts(t)
	if c["token_grants.refresh_lost"] != 1 || c["token_grants.password"] != 2 {
		t.Fatalf("grants %v", c)
	}
	// The session goes on with refreshes.
	e.sb.ExpireTokens()
	if _, _, err := e.c.FindProduct(ctx, "A1"); err != nil {
		t.Fatal(err)
	}
	// (refresh_token counts the lost grant too.)
	if c := e.counts(t); c["token_grants.refresh_token"] != 2 || c["token_grants.refresh_lost"] != 1 || c["token_grants.password"] != 2 {
		t.Fatalf("grants %v", c)
	}
}

func TestConcurrentCallersWithExpiringTokens(t *testing.T) {
	e := newEnv(t, sandbox.Options{}, nil)
	ctx := context.Background()
	seedProducts(t, e, "A1", "B2")
	e.sb.SetTokenTTL(1500*time.Millisecond, time.Hour)
	e.sb.ExpireTokens()
	before := e.counts(t)
	unauth0 := e.unauthorized.Load()
	// Phase 1: tokens expire on their own every 1.5 s; the client renews
	// them before, so no call is refused.
	run := func(d time.Duration) int64 {
		var wg sync.WaitGroup
		var calls atomic.Int64
		stop := time.Now().Add(d)
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(stop) {
					if _, ok, err := e.c.FindProduct(ctx, "A1"); err != nil || !ok {
						t.Errorf("caller: %v %v", ok, err)
						return
					}
					calls.Add(1)
				}
			}()
		}
		wg.Wait()
		return calls.Load()
	}
	calls := run(4 * time.Second)
	after := e.counts(t)
	refreshes := after["token_grants.refresh_token"] - before["token_grants.refresh_token"]
	passwords := after["token_grants.password"] - before["token_grants.password"]
	// One grant after the expiry above, then one per ~1.2 s.
	if refreshes+passwords < 3 || refreshes+passwords > 6 || after["token_grants.failed"] != before["token_grants.failed"] {
		t.Fatalf("%d calls made %d refreshes and %d password grants: %v", calls, refreshes, passwords, after)
	}
	// At most the 8 callers in flight with the token killed by ExpireTokens
	// above were refused; none after.
	if n := e.unauthorized.Load() - unauth0; n > 8 {
		t.Fatalf("%d calls refused 401 while tokens were renewed ahead of expiry", n)
	}
	// Phase 2: every token dies at once under 8 callers: one refresh serves
	// them all.
	e.sb.SetTokenTTL(time.Hour, time.Hour)
	e.sb.ExpireTokens()
	run(50 * time.Millisecond) // a grant at the new TTL
	mid := e.counts(t)
	e.sb.ExpireTokens()
	run(300 * time.Millisecond)
	end := e.counts(t)
	if g := end["token_grants.refresh_token"] + end["token_grants.password"] - mid["token_grants.refresh_token"] - mid["token_grants.password"]; g != 1 {
		t.Fatalf("%d grants for one expiry under 8 callers: %v", g, end)
	}
	if e.noAuth.Load() != 0 {
		t.Fatalf("%d calls without a token", e.noAuth.Load())
	}
}

func TestConnectionTest(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, sandbox.Options{}, nil)
	rep, err := e.c.Test(ctx)
	if err != nil || !rep.OK || !strings.Contains(rep.Summary, "demo-merchant") {
		t.Fatalf("%+v %v", rep, err)
	}
	for name, change := range map[string]func(*ogoship.Settings, *ogoship.Credentials){
		"bad client secret": func(_ *ogoship.Settings, c *ogoship.Credentials) { c.ClientSecret = "wrong" },
		"token refused":     func(_ *ogoship.Settings, c *ogoship.Credentials) { c.SecretToken = "wrong" },
		"unreachable": func(s *ogoship.Settings, _ *ogoship.Credentials) {
			s.TokenURL, s.BaseURL, s.MaxAttempts, s.Timeout = "http://127.0.0.1:1/OAuth/Token", "http://127.0.0.1:1", 1, time.Second
		},
	} {
		e := newEnv(t, sandbox.Options{}, change)
		rep, err := e.c.Test(ctx)
		if err != nil || rep.OK || !strings.HasPrefix(rep.Summary, name) {
			t.Errorf("%s: %+v %v", name, rep, err)
		}
	}
	// A refused merchant is needs_action for the queue.
	e = newEnv(t, sandbox.Options{}, func(_ *ogoship.Settings, c *ogoship.Credentials) { c.SecretToken = "wrong" })
	_, _, err = e.c.FindProduct(ctx, "A1")
	var te *ogoship.TokenError
	if !errors.As(err, &te) || jobs.ClassOf(err) != jobs.ClassNeedsAction || te.Code != "invalid_grant" {
		t.Fatalf("refused merchant: %v", err)
	}
}

func TestWebhooksNullAndSignature(t *testing.T) {
	e := newEnv(t, sandbox.Options{}, nil)
	ws, err := e.c.Webhooks(context.Background())
	if err != nil || len(ws) != 0 {
		t.Fatalf("%v %v", ws, err)
	}
	body := []byte(`{"reference":"1001","status":"shipped","trackingNumber":"JJFI1","editTime":"2026-06-01T12:00:00.000Z"}`)
	h := http.Header{}
	h.Set(ogoship.SignatureHeader, sandbox.Sign("k3y", body))
	topic, key, err := e.c.VerifyWebhook(h, body, "k3y")
	if err != nil || topic != ogoship.TopicOrderShipped || key != "order:1001:shipped:2026-06-01T12:00:00.000Z" {
		t.Fatalf("%q %q %v", topic, key, err)
	}
	if _, _, err := e.c.VerifyWebhook(h, body, "other"); err == nil {
		t.Fatal("a wrong key verified")
	}
	if _, _, err := e.c.VerifyWebhook(h, append(body, ' '), "k3y"); err == nil {
		t.Fatal("a changed body verified")
	}
}

// An order read on an early page that changes while the pass goes on moves
// to the end of the editTime order and shifts the others: the pass does not
// move the checkpoint, and every shipped order still comes.
func TestShipmentsCheckpointWhenOrdersMoveMidPass(t *testing.T) {
	e := newEnv(t, sandbox.Options{}, nil)
	ctx := context.Background()
	seedProducts(t, e, "A1")
	e.sb.Receive("A1", 100)
	var refs []string
	for i := 0; i < 16; i++ {
		imp := orderImport(string(rune('a'+i))+"70", "A1")
		if _, err := e.c.ImportOrders(ctx, []model.OrderImport{imp}); err != nil {
			t.Fatal(err)
		}
		refs = append(refs, imp.Order.Number)
	}
	for _, r := range refs[1:] {
		if _, err := e.sb.Advance(r, "shipped"); err != nil {
			t.Fatal(err)
		}
	}
	since := time.Now().Add(-time.Hour)
	got := map[string]bool{}
	var last time.Time
	pageNo := 0
	err := e.c.DoneShipments(ctx, since, func(ss []model.Shipment, through time.Time) error {
		pageNo++
		for _, s := range ss {
			got[s.ID] = true
		}
		last = through
		return nil
	})
	if err != nil || len(got) != 15 || !last.After(since) {
		t.Fatalf("quiet pass: %d shipments, last checkpoint %v (%v)", len(got), last, err)
	}
	// Now the first order (oldest, page 1) changes after page 1 is read.
	got = map[string]bool{}
	first := true
	err = e.c.DoneShipments(ctx, since, func(ss []model.Shipment, through time.Time) error {
		if first {
			first = false
			if _, err := e.sb.Advance(refs[0], "shipped"); err != nil {
				t.Fatal(err)
			}
		}
		for _, s := range ss {
			got[s.ID] = true
		}
		last = through
		return nil
	})
	if err != nil || !last.Equal(since) {
		t.Fatalf("a pass with an order moving under it ended with checkpoint %v (since %v): %v", last, since, err)
	}
	if len(got) < 15 {
		t.Logf("%d of 16 shipments in the disturbed pass (the next pass reads from since again)", len(got))
	}
	got = map[string]bool{}
	_ = e.c.DoneShipments(ctx, since, func(ss []model.Shipment, _ time.Time) error {
		for _, s := range ss {
			got[s.ID] = true
		}
		return nil
	})
	if len(got) != 16 {
		t.Fatalf("%d shipments after the disturbance", len(got))
	}
}

// SubscribeShipments subscribes once (a second call keeps the webhook and its
// key); OGOship's OrderShipped delivery verifies with that key and names the
// order; a delivery signed with another key does not.
func TestSubscribeShipmentsAndVerify(t *testing.T) {
	e := newEnv(t, sandbox.Options{}, nil)
	ctx := context.Background()
	got := make(chan *http.Request, 4)
	bodies := make(chan []byte, 4)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- r
		bodies <- b
	}))
	defer recv.Close()
	key, err := e.c.SubscribeShipments(ctx, recv.URL+"/hooks/ogo")
	if err != nil || key == "" {
		t.Fatalf("subscribe: %q %v", key, err)
	}
	again, err := e.c.SubscribeShipments(ctx, recv.URL+"/hooks/ogo")
	if err != nil || again != key {
		t.Fatalf("subscribing again: %q %v, want the same key", again, err)
	}
	if hooks, _ := e.c.Webhooks(ctx); len(hooks) != 1 {
		t.Fatalf("%d webhooks after subscribing twice", len(hooks))
	}
	seedProducts(t, e, "A1")
	e.sb.Receive("A1", 10)
	if _, err := e.c.ImportOrders(ctx, []model.OrderImport{orderImport("5001", "A1")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sb.Advance("5001", "shipped"); err != nil {
		t.Fatal(err)
	}
	e.sb.WaitWebhooks()
	r, body := <-got, <-bodies
	topic, dedup, err := e.c.VerifyWebhook(r.Header, body, key)
	if err != nil || topic != ogoship.TopicOrderShipped || !strings.Contains(dedup, "5001") {
		t.Fatalf("verify: %q %q %v", topic, dedup, err)
	}
	if _, _, err := e.c.VerifyWebhook(r.Header, body, "another-key"); err == nil {
		t.Fatal("a delivery verified with the wrong key")
	}
}

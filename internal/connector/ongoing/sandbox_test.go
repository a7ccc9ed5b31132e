package ongoing_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/connector/ongoing"
	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/sandbox/fault"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/ongoing"
)

type env struct {
	sb  *sandbox.Server
	url string
	c   *ongoing.Client
}

func newEnv(t testing.TB, opts sandbox.Options, change func(*ongoing.Settings)) *env {
	t.Helper()
	sb := sandbox.New(opts)
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	s := *ongoing.DefaultSettings()
	s.BaseURL, s.Warehouse, s.GoodsOwnerID, s.RateLimit, s.PageSize = srv.URL+"/{warehouse}/api/v1", sb.Options().Warehouse, sb.Options().GoodsOwnerID, 0, 7
	if change != nil {
		change(&s)
	}
	c, err := ongoing.New("wms", s, sb.Options().User, sb.Options().Password, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &env{sb: sb, url: srv.URL, c: c}
}

// control calls a /_sandbox endpoint and decodes its answer into out.
func (e *env) control(t *testing.T, method, path string, body, out any) {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, e.url+"/_sandbox/"+path, rd)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode > 299 {
		t.Fatalf("%s /_sandbox/%s: HTTP %d", method, path, resp.StatusCode)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
}

func (e *env) advance(t *testing.T, number string, status int) {
	t.Helper()
	e.control(t, http.MethodPost, "advance", map[string]any{"orderNumber": number, "status": status}, nil)
}

func (e *env) overlaps(t *testing.T) int64 {
	t.Helper()
	var o struct {
		Overlaps int64 `json:"overlaps"`
	}
	e.control(t, http.MethodGet, "overlaps", nil, &o)
	return o.Overlaps
}

func product(id, sku string, variants ...model.Variant) model.Product {
	return model.Product{ID: id, SKU: sku, Name: "Paita " + id, Price: model.MustDecimal("24.90"), PurchasePrice: model.MustDecimal("9.5"), Weight: model.MustDecimal("0.2"), Barcode: "640000" + id, Active: true, Variants: variants}
}

func orderImport(id string, skus ...string) model.OrderImport {
	o := model.Order{
		ID: id, Number: id, Status: model.OrderOpen, Currency: "EUR", CreatedAt: time.Date(2026, 5, 3, 7, 12, 0, 0, time.UTC),
		Customer: model.Party{ID: "77", Email: "maija@example.fi"},
		Shipping: model.Address{FirstName: "Maija", LastName: "Meikäläinen", Street: "Esimerkkikatu 1", PostalCode: "00100", City: "Helsinki", Country: "fi", Phone: "+358401234567", Email: "maija@example.fi"},
		Total:    model.MustDecimal("54.80"), Note: "Ovikoodi 1234",
	}
	for i, s := range skus {
		o.Lines = append(o.Lines, model.Line{ID: strconv.Itoa(100 + i), Kind: model.LineProduct, SKU: s, Quantity: model.DecimalFromInt(2), UnitPrice: model.MustDecimal("12.45")})
	}
	o.Lines = append(o.Lines, model.Line{ID: "900", Kind: model.LineShipping, Name: "Posti", Quantity: model.DecimalFromInt(1), UnitPrice: model.MustDecimal("5.9")})
	return model.OrderImport{Order: o, Ref: "SHOP-" + id, Carrier: "PN-SP"}
}

func TestUpsertProductsCreateThenUpdate(t *testing.T) {
	e := newEnv(t, sandbox.Options{Articles: -1}, nil)
	ctx := context.Background()
	p := product("10", "", model.Variant{ID: "1", SKU: "TS-S", Name: "S", Barcode: "6401"}, model.Variant{ID: "2", SKU: "TS-M", Name: "M", Price: model.MustDecimal("26")})
	res, err := e.c.UpsertProducts(ctx, []model.ProductUpsert{{Product: p}, {Product: product("11", "MUKI")}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Err != nil || !r.Created || r.RemoteID == "" {
			t.Fatalf("first upsert: %+v", res)
		}
	}
	found, err := e.c.FindArticles(ctx, []string{"TS-S", "TS-M", "MUKI"})
	if err != nil || len(found) != 3 {
		t.Fatalf("found %v (%v)", found, err)
	}
	if a := found["TS-M"]; a.ArticleName != "Paita 10 - M" || a.ProductCode != "10-2" || a.CustomerPrice == nil || *a.CustomerPrice != model.MustDecimal("26") {
		t.Fatalf("TS-M: %+v", a)
	}
	if a := found["TS-S"]; a.BarCodeInfo == nil || a.BarCodeInfo.BarCode != "6401" || *a.CustomerPrice != model.MustDecimal("24.9") {
		t.Fatalf("TS-S: %+v", a)
	}
	if a := found["MUKI"]; a.ArticleName != "Paita 11" || a.ProductCode != "11" {
		t.Fatalf("MUKI: %+v", a)
	}
	p.Name = "T-paita"
	res, err = e.c.UpsertProducts(ctx, []model.ProductUpsert{{Product: p, RemoteID: res[0].RemoteID}})
	if err != nil || res[0].Err != nil || res[0].Created {
		t.Fatalf("update: %+v %v", res, err)
	}
	found, _ = e.c.FindArticles(ctx, []string{"TS-S"})
	if found["TS-S"].ArticleName != "T-paita - S" {
		t.Fatalf("after update: %+v", found["TS-S"])
	}
	if st := e.sb.State(); st.Articles != 3 {
		t.Fatalf("%d articles, want 3", st.Articles)
	}
}

func seedArticles(t *testing.T, e *env, skus ...string) {
	t.Helper()
	var ups []model.ProductUpsert
	for i, s := range skus {
		ups = append(ups, model.ProductUpsert{Product: product(strconv.Itoa(i+1), s)})
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

func TestImportOrdersTwiceCreatesOnce(t *testing.T) {
	e := newEnv(t, sandbox.Options{Articles: -1}, nil)
	ctx := context.Background()
	seedArticles(t, e, "A1", "A2")
	imps := []model.OrderImport{orderImport("1001", "A1", "A2"), orderImport("1002", "A1")}
	res, err := e.c.ImportOrders(ctx, imps)
	if err != nil || res[0].Err != nil || res[1].Err != nil || !res[0].Created || !res[1].Created {
		t.Fatalf("first import: %+v %v", res, err)
	}
	again, err := e.c.ImportOrders(ctx, imps)
	if err != nil || again[0].Err != nil || again[0].Created || again[0].RemoteID != res[0].RemoteID {
		t.Fatalf("second import: %+v %v", again, err)
	}
	if st := e.sb.State(); st.Orders != 2 {
		t.Fatalf("%d orders, want 2", st.Orders)
	}
	o, ok, err := e.c.FindOrder(ctx, "1001")
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if string(o.OrderInfo.GoodsOwnerOrderID) != "1001" || o.OrderInfo.OrderRemark != "Ovikoodi 1234" || o.Consignee.Name != "Maija Meikäläinen" || o.Consignee.CountryCode != "FI" || len(o.OrderLines) != 2 {
		t.Fatalf("order: %+v", o)
	}
	if o.OrderInfo.WayOfDelivery == nil || o.OrderInfo.WayOfDelivery.Code != "PN-SP" {
		t.Fatalf("way of delivery %+v", o.OrderInfo.WayOfDelivery)
	}
	// An order naming an article the warehouse lacks waits for it.
	bad, _ := e.c.ImportOrders(ctx, []model.OrderImport{orderImport("1003", "NOPE")})
	if !errors.Is(bad[0].Err, model.ErrUnknownSKU) || jobs.ClassOf(bad[0].Err) != jobs.ClassNeedsAction {
		t.Fatalf("unknown article: %v", bad[0].Err)
	}
	if st := e.sb.State(); st.Orders != 2 || st.Articles != 2 {
		t.Fatalf("after the refused order: %+v", st)
	}
}

func TestUpdateAndCancelBeforeAndAfterStart(t *testing.T) {
	e := newEnv(t, sandbox.Options{Articles: -1}, nil)
	ctx := context.Background()
	seedArticles(t, e, "A1", "A2")
	e.sb.SetStock("A1", 50)
	e.sb.SetStock("A2", 50)
	res, _ := e.c.ImportOrders(ctx, []model.OrderImport{orderImport("2001", "A1"), orderImport("2002", "A1"), orderImport("2003", "A2"), orderImport("2004", "A2")})
	for _, r := range res {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	// Before the warehouse starts: the update goes through.
	upd := orderImport("2001", "A1", "A2")
	upd.Order.Note = "Soita ennen"
	if err := e.c.UpdateOrder(ctx, res[0].RemoteID, upd); err != nil {
		t.Fatal(err)
	}
	o, _, _ := e.c.FindOrder(ctx, "2001")
	if o.OrderInfo.OrderRemark != "Soita ennen" || len(o.OrderLines) != 2 {
		t.Fatalf("updated order %+v", o.OrderInfo)
	}
	// After it started: refused, naming the order and its status.
	e.advance(t, "2002", 300)
	upd = orderImport("2002", "A2")
	err := e.c.UpdateOrder(ctx, res[1].RemoteID, upd)
	var se *ongoing.StartedError
	if !errors.As(err, &se) || jobs.ClassOf(err) != jobs.ClassNeedsAction || !strings.Contains(err.Error(), "2002") || !strings.Contains(err.Error(), "Released") {
		t.Fatalf("update after start: %v", err)
	}
	o, _, _ = e.c.FindOrder(ctx, "2002")
	if string(o.OrderLines[0].Article.ArticleNumber) != "A1" {
		t.Fatal("the started order was changed")
	}
	// Cancel before start works (twice is fine); after start it is refused.
	if err := e.c.CancelOrder(ctx, res[2].RemoteID, orderImport("2003")); err != nil {
		t.Fatal(err)
	}
	if err := e.c.CancelOrder(ctx, res[2].RemoteID, orderImport("2003")); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.sb.OrderStatus("2003"); n != 1000 {
		t.Fatalf("cancelled order has status %d", n)
	}
	e.advance(t, "2004", 400)
	err = e.c.CancelOrder(ctx, res[3].RemoteID, orderImport("2004"))
	if !errors.As(err, &se) || jobs.ClassOf(err) != jobs.ClassNeedsAction || !strings.Contains(err.Error(), "Picked") {
		t.Fatalf("cancel after start: %v", err)
	}
	// A record that is not there is gone.
	if err := e.c.UpdateOrder(ctx, "999999", upd); !errors.Is(err, model.ErrGone) {
		t.Fatalf("missing order: %v", err)
	}
	states, err := e.c.OrderStates(ctx, []string{res[0].RemoteID, res[2].RemoteID, res[3].RemoteID})
	if err != nil || states[res[0].RemoteID].State != "Open" || states[res[2].RemoteID].State != "Cancelled" || states[res[3].RemoteID].State != "Picked" {
		t.Fatalf("states %+v %v", states, err)
	}
}

func TestStockLevels(t *testing.T) {
	e := newEnv(t, sandbox.Options{Articles: -1}, nil)
	ctx := context.Background()
	seedArticles(t, e, "A1", "A2")
	e.sb.SetStock("A1", 10)
	e.sb.SetStock("A2", 3)
	if res, _ := e.c.ImportOrders(ctx, []model.OrderImport{orderImport("3001", "A1")}); res[0].Err != nil {
		t.Fatal(res[0].Err)
	}
	levels, err := e.c.StockLevels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]model.Stock{}
	for _, l := range levels {
		got[l.SKU] = l
	}
	if l := got["A1"]; l.Quantity != model.DecimalFromInt(10) || l.Available != model.DecimalFromInt(8) {
		t.Fatalf("A1 %+v", l)
	}
	if l := got["A2"]; l.Quantity != model.DecimalFromInt(3) || l.Available != model.DecimalFromInt(3) || len(got) != 2 {
		t.Fatalf("levels %+v", got)
	}
}

func TestStockLevelsPagesGeneratedArticles(t *testing.T) {
	e := newEnv(t, sandbox.Options{Articles: 30}, nil) // page size 7: five pages
	levels, err := e.c.StockLevels(context.Background())
	if err != nil || len(levels) != 30 {
		t.Fatalf("%d levels (%v)", len(levels), err)
	}
}

func TestDoneShipmentsAfterAdvance(t *testing.T) {
	e := newEnv(t, sandbox.Options{Articles: -1}, nil)
	ctx := context.Background()
	seedArticles(t, e, "A1")
	e.sb.SetStock("A1", 100)
	var imps []model.OrderImport
	for i := 0; i < 10; i++ {
		imps = append(imps, orderImport(strconv.Itoa(4001+i), "A1"))
	}
	res, _ := e.c.ImportOrders(ctx, imps)
	since := time.Now().Add(-time.Minute)
	for i := 0; i < 9; i++ {
		e.advance(t, imps[i].Order.Number, 450)
	}
	var got []model.Shipment
	var last time.Time
	calls := 0
	err := e.c.DoneShipments(ctx, since, func(s []model.Shipment, through time.Time) error {
		calls++
		got = append(got, s...)
		if through.Before(last) {
			t.Fatalf("through went back: %v after %v", through, last)
		}
		last = through
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 9 || calls < 2 {
		t.Fatalf("%d shipments in %d pages", len(got), calls)
	}
	for _, s := range got {
		if s.TrackingCode == "" || s.OrderID == "" || s.CompletedAt.IsZero() || s.Status != model.ShipmentCompleted {
			t.Fatalf("shipment %+v", s)
		}
		if s.OrderID == res[9].RemoteID {
			t.Fatal("the unshipped order came as shipped")
		}
	}
	if !last.After(since) || last.After(time.Now().Add(time.Second)) {
		t.Fatalf("final checkpoint %v", last)
	}
	// From the checkpoint on nothing is shipped yet.
	n := 0
	_ = e.c.DoneShipments(ctx, last.Add(2*time.Second), func(s []model.Shipment, _ time.Time) error { n += len(s); return nil })
	if n != 0 {
		t.Fatalf("%d shipments after the checkpoint", n)
	}
}

func TestCommitThenFailCreatesOnce(t *testing.T) {
	e := newEnv(t, sandbox.Options{Articles: -1}, nil)
	ctx := context.Background()
	seedArticles(t, e, "A1")
	for _, drop := range []bool{false, true} {
		if err := e.sb.SetCommitThenFail(sandbox.CommitThenFail{Next: 1, Drop: drop}); err != nil {
			t.Fatal(err)
		}
		num := "5001"
		if drop {
			num = "5002"
		}
		res, err := e.c.ImportOrders(ctx, []model.OrderImport{orderImport(num, "A1")})
		if err != nil || res[0].Err != nil || res[0].RemoteID == "" {
			t.Fatalf("drop %v: %+v %v", drop, res, err)
		}
	}
	if st := e.sb.State(); st.Orders != 2 || st.CommitFailures != 2 {
		t.Fatalf("state %+v", st)
	}
	_ = e.sb.SetCommitThenFail(sandbox.CommitThenFail{Next: 1})
	res, err := e.c.UpsertProducts(ctx, []model.ProductUpsert{{Product: product("9", "NEW")}})
	if err != nil || res[0].Err != nil {
		t.Fatalf("article under commit-then-fail: %+v %v", res, err)
	}
	if st := e.sb.State(); st.Articles != 2 {
		t.Fatalf("%d articles", st.Articles)
	}
}

func TestNoParallelCalls(t *testing.T) {
	e := newEnv(t, sandbox.Options{Articles: 20, Faults: fault.Config{Latency: 3 * time.Millisecond}}, nil)
	ctx := context.Background()
	seedArticles(t, e, "A1")
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 4; i++ {
				var err error
				switch i % 3 {
				case 0:
					_, err = e.c.StockLevels(ctx)
				case 1:
					var res []model.WriteResult
					res, err = e.c.ImportOrders(ctx, []model.OrderImport{orderImport(strconv.Itoa(6000+g*10+i), "A1")})
					if err == nil {
						err = res[0].Err
					}
				default:
					_, err = e.c.Statuses(ctx)
				}
				if err != nil {
					errs <- err
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := e.overlaps(t); n != 0 {
		t.Fatalf("%d overlapping requests", n)
	}
}

func TestRetriesTransientFaults(t *testing.T) {
	e := newEnv(t, sandbox.Options{Articles: 10, Faults: fault.Config{ErrorRate: 0.3, Seed: 3}}, func(s *ongoing.Settings) { s.MaxAttempts = 10 })
	levels, err := e.c.StockLevels(context.Background())
	if err != nil || len(levels) != 10 {
		t.Fatalf("%d levels: %v", len(levels), err)
	}
}

func TestConnectionTest(t *testing.T) {
	e := newEnv(t, sandbox.Options{}, nil)
	ctx := context.Background()
	rep, _ := e.c.Test(ctx)
	if !rep.OK || !strings.Contains(rep.Summary, "goods owner 42 (Demo Oy)") || !strings.Contains(rep.Summary, "demo") {
		t.Fatalf("report %+v", rep)
	}
	for name, tc := range map[string]struct {
		change func(*ongoing.Settings)
		pass   string
		want   string
	}{
		"password":    {pass: "wrong", want: "bad credentials"},
		"goods owner": {change: func(s *ongoing.Settings) { s.GoodsOwnerID = 7 }, want: "wrong goods owner"},
		"warehouse":   {change: func(s *ongoing.Settings) { s.Warehouse = "other" }, want: "no Ongoing API"},
		"unreachable": {change: func(s *ongoing.Settings) { s.BaseURL = "http://127.0.0.1:1/{warehouse}/api/v1"; s.MaxAttempts = 1 }, want: "unreachable"},
	} {
		t.Run(name, func(t *testing.T) {
			s := *ongoing.DefaultSettings()
			s.BaseURL, s.Warehouse, s.GoodsOwnerID, s.RateLimit = e.url+"/{warehouse}/api/v1", "demo", 42, 0
			if tc.change != nil {
				tc.change(&s)
			}
			pass := e.sb.Options().Password
			if tc.pass != "" {
				pass = tc.pass
			}
			c, err := ongoing.New("wms", s, e.sb.Options().User, pass, nil)
			if err != nil {
				t.Fatal(err)
			}
			rep, _ := c.Test(ctx)
			if rep.OK || !strings.Contains(rep.Summary, tc.want) {
				t.Fatalf("report %+v, want %q", rep, tc.want)
			}
		})
	}
}

// Two clients of one goods owner in a process (the routes' and the dashboard's
// connection test) take turns too: no call overlaps another.
func TestClientsOfOneGoodsOwnerTakeTurns(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{ServeOverlaps: true}, nil)
	s := *ongoing.DefaultSettings()
	s.BaseURL, s.Warehouse, s.GoodsOwnerID, s.RateLimit = e.url+"/{warehouse}/api/v1", e.sb.Options().Warehouse, e.sb.Options().GoodsOwnerID, 0
	other, err := ongoing.New("wms", s, e.sb.Options().User, e.sb.Options().Password, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 8 {
		c := e.c
		if i%2 == 1 {
			c = other
		}
		wg.Go(func() {
			if _, err := c.StockLevels(ctx); err != nil {
				t.Error(err)
			}
			if _, err := c.Test(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := e.overlaps(t); n != 0 {
		t.Fatalf("%d calls overlapped", n)
	}
}

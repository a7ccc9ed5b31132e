package odoo

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/remote"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
)

// BenchmarkImportOrders imports b.N orders a page of 100 at a time into the
// Odoo sandbox of each version, every order confirmed with its own posted
// invoice, and reports orders/s, Odoo calls (attempts) per order and posted
// invoices per order. The sandbox runs in the same process, so orders/s is a
// ratio between versions, not a figure for a real server.
//
//	go test -run '^$' -bench BenchmarkImportOrders -benchtime 2000x ./internal/connector/odoo/
func BenchmarkImportOrders(b *testing.B) {
	for _, version := range []int{14, 15, 16, 17, 18, 19} {
		b.Run(fmt.Sprint(version), func(b *testing.B) {
			ctx := context.Background()
			c, sb := sandboxClient(b, version)
			book := remote.NewCallBook()
			c.caller.CountCalls(book)
			levels, err := c.StockLevels(ctx)
			if err != nil || len(levels) < 3 {
				b.Fatalf("%v %v", levels, err)
			}
			imps := make([]model.OrderImport, b.N)
			for i := range imps {
				n := fmt.Sprint(100000 + i)
				imps[i] = model.OrderImport{Ref: "SHOP-" + n, Carrier: "Posti SmartPOST", Order: model.Order{ID: n, Number: n, Status: model.OrderOpen,
					Customer: model.Party{Email: fmt.Sprintf("bench%d@example.fi", i%500), Name: "Bench"}, Billing: model.Address{Country: "FI", Street: "Katu 1", City: "Helsinki"},
					Lines: []model.Line{
						{Kind: model.LineProduct, SKU: levels[i%3].SKU, Name: "x", Quantity: model.DecimalFromInt(1 + int64(i%3)), UnitPrice: model.MustDecimal("24.90"), TaxIncluded: true, TaxRate: model.MustDecimal("25.5")},
						{Kind: model.LineShipping, Name: "Posti", Quantity: model.DecimalFromInt(1), UnitPrice: model.MustDecimal("5.90"), TaxIncluded: true, TaxRate: model.MustDecimal("25.5")},
					}}}
			}
			calls := func() int64 {
				var n int64
				for _, m := range book.Minutes(time.Now().Add(-time.Hour)) {
					n += m.OK + m.Failed
				}
				return n
			}
			before := calls()
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i += 100 {
				page := imps[i:min(b.N, i+100)]
				res, err := c.ImportOrders(ctx, page)
				if err != nil {
					b.Fatal(err)
				}
				for _, r := range res {
					if r.Err != nil {
						b.Fatal(r.Err)
					}
				}
			}
			b.StopTimer()
			elapsed := time.Since(start)
			invoices := len(sb.SearchRead("account.move", []any{[]any{"move_type", "=", "out_invoice"}, []any{"state", "=", "posted"}}, []string{"id"}))
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "orders/s")
			b.ReportMetric(float64(calls()-before)/float64(b.N), "calls/order")
			b.ReportMetric(float64(invoices)/float64(b.N), "invoices/order")
		})
	}
}

// Pages imported at once never confirm at once (real Odoo's quants would
// collide): action_confirm calls take turns per database.
func TestConfirmsTakeTurns(t *testing.T) {
	t.Parallel()
	sb := sandbox.New(sandbox.Options{Version: 17})
	h := sb.Handler()
	var now, most atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if bytes.Contains(body, []byte(`"action_confirm"`)) {
			n := now.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			time.Sleep(20 * time.Millisecond)
			defer now.Add(-1)
		}
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	s := *DefaultSettings()
	s.URL, s.Database, s.RateLimit, s.Timeout = srv.URL, "ferry", 0, 5*time.Second
	ctx := context.Background()
	var wg sync.WaitGroup
	for p := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, _ := New("erp", s, "admin", "demo-key", nil)
			levels, _ := c.StockLevels(ctx)
			imps := testOrders(5)
			for i := range imps {
				imps[i].Ref = fmt.Sprintf("SHOP-P%d-%d", p, i)
				imps[i].Order.Lines[0].SKU, imps[i].Carrier = levels[0].SKU, "Posti SmartPOST"
			}
			if _, err := c.ImportOrders(ctx, imps); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if most.Load() != 1 {
		t.Fatalf("%d action_confirm calls at once, want 1", most.Load())
	}
}

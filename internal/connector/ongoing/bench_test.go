package ongoing_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/model"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/ongoing"
)

// BenchmarkWrites writes b.N articles (a product each) and then b.N orders of
// two lines into the Ongoing sandbox, 50 a call of the client, and reports
// records/s and Ongoing calls (the sandbox's requests) per record. One call
// at a time per goods owner, as the client always does; the sandbox runs in
// the process, so records/s is a ratio, not a real warehouse's figure.
//
//	go test -run '^$' -bench BenchmarkWrites -benchtime 2000x ./internal/connector/ongoing/
func BenchmarkWrites(b *testing.B) {
	ctx := context.Background()
	for _, what := range []string{"articles", "orders"} {
		b.Run(what, func(b *testing.B) {
			e := newEnv(b, sandbox.Options{Articles: -1}, nil)
			skus := make([]string, b.N)
			var ups []model.ProductUpsert
			for i := range skus {
				skus[i] = fmt.Sprintf("B-%06d", i)
				ups = append(ups, model.ProductUpsert{Product: product(fmt.Sprint(i), skus[i])})
			}
			write := func(n int, f func(lo, hi int) ([]model.WriteResult, error)) {
				for lo := 0; lo < n; lo += 50 {
					res, err := f(lo, min(n, lo+50))
					if err != nil {
						b.Fatal(err)
					}
					for _, r := range res {
						if r.Err != nil {
							b.Fatal(r.Err)
						}
					}
				}
			}
			articles := func(lo, hi int) ([]model.WriteResult, error) { return e.c.UpsertProducts(ctx, ups[lo:hi]) }
			if what == "orders" {
				write(b.N, articles)
			}
			before := e.sb.State().Requests
			b.ResetTimer()
			start := time.Now()
			if what == "articles" {
				write(b.N, articles)
			} else {
				imps := make([]model.OrderImport, b.N)
				for i := range imps {
					imps[i] = orderImport(fmt.Sprint(500000+i), skus[i], skus[(i+1)%b.N])
				}
				write(b.N, func(lo, hi int) ([]model.WriteResult, error) { return e.c.ImportOrders(ctx, imps[lo:hi]) })
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), what+"/s")
			b.ReportMetric(float64(e.sb.State().Requests-before)/float64(b.N), "calls/record")
			if n := e.sb.State().Overlaps; n != 0 {
				b.Fatalf("%d overlapping calls", n)
			}
		})
	}
}

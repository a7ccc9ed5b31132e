package ogoship_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/model"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/ogoship"
)

// BenchmarkWrites writes b.N products and then b.N orders of
// two lines into the OGOship sandbox, 50 a call of the client, and reports
// records/s and OGOship calls (the sandbox's requests, token grants included)
// per record; the sandbox runs in the process, so records/s is a ratio, not a
// real warehouse's figure.
//
//	go test -run '^$' -bench BenchmarkWrites -benchtime 2000x ./internal/connector/ogoship/
func BenchmarkWrites(b *testing.B) {
	ctx := context.Background()
	for _, what := range []string{"products", "orders"} {
		b.Run(what, func(b *testing.B) {
			e := newEnv(b, sandbox.Options{}, nil)
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
			products := func(lo, hi int) ([]model.WriteResult, error) { return e.c.UpsertProducts(ctx, ups[lo:hi]) }
			if what == "orders" {
				write(b.N, products)
			}
			before := int64(e.sb.Counts()["requests"])
			b.ResetTimer()
			start := time.Now()
			if what == "products" {
				write(b.N, products)
			} else {
				imps := make([]model.OrderImport, b.N)
				for i := range imps {
					imps[i] = orderImport(fmt.Sprint(500000+i), skus[i], skus[(i+1)%b.N])
				}
				write(b.N, func(lo, hi int) ([]model.WriteResult, error) { return e.c.ImportOrders(ctx, imps[lo:hi]) })
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), what+"/s")
			b.ReportMetric(float64(int64(e.sb.Counts()["requests"])-before)/float64(b.N), "calls/record")
		})
	}
}

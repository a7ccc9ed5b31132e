package flow_test

import (
	"context"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/model"
)

// The sales report sums exactly the orders the route imported: by day the
// order totals, by product the product lines' quantities, by instance the
// same money as by day; a period leaves out what is outside it.
func TestSalesReport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupOrders(t, &flow.OrdersOptions{BatchSize: 25, Overlap: time.Minute}, allCarriers())
	b.pass(t, "orders")
	if b.erp.creates == 0 {
		t.Fatal("nothing imported")
	}
	money := map[string]model.Decimal{}
	var qty model.Decimal
	var first time.Time
	for _, imp := range b.erp.orders {
		money[imp.Order.Currency] += imp.Order.Total
		for _, l := range imp.Order.Lines {
			if l.Kind == model.LineProduct {
				qty += l.Quantity
			}
		}
		if first.IsZero() || imp.Order.CreatedAt.Before(first) {
			first = imp.Order.CreatedAt
		}
	}
	sum := func(rep flow.SalesReport) (orders int, q model.Decimal, m map[string]model.Decimal) {
		m = map[string]model.Decimal{}
		for _, r := range rep.Rows {
			orders += r.Orders
			q += r.Quantity
			for c, v := range r.Amounts {
				m[c] += v
			}
		}
		return orders, q, m
	}
	for _, by := range []string{"day", "instance", "product"} {
		rep, err := b.rt.SalesReport(ctx, flow.SalesQuery{By: by})
		if err != nil {
			t.Fatal(err)
		}
		n, q, m := sum(rep)
		if rep.Orders != b.erp.creates || q != qty || len(rep.Instances) != 1 || rep.Instances[0] != "shop" {
			t.Fatalf("by %s: %d orders (want %d), quantity %s (want %s), instances %v", by, rep.Orders, b.erp.creates, q, qty, rep.Instances)
		}
		if by != "product" {
			if n != b.erp.creates {
				t.Fatalf("by %s: rows count %d orders, want %d", by, n, b.erp.creates)
			}
			for c, v := range money {
				if m[c] != v {
					t.Fatalf("by %s: %s %s, the orders total %s", by, c, m[c], v)
				}
			}
		}
		var pivot model.Decimal
		for _, cells := range rep.Pivot {
			pivot += cells["shop"]
		}
		if by != "product" && pivot != money[rep.Currency] {
			t.Fatalf("by %s: the pivot sums %s, the orders %s %s", by, pivot, money[rep.Currency], rep.Currency)
		}
	}
	// Days after the first order's leave it out.
	rep, err := b.rt.SalesReport(ctx, flow.SalesQuery{By: "day", From: first.Add(time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Orders >= b.erp.creates {
		t.Fatalf("from after the first order: %d orders of %d", rep.Orders, b.erp.creates)
	}
	if _, err := b.rt.SalesReport(ctx, flow.SalesQuery{By: "week"}); err == nil {
		t.Fatal("by week was accepted")
	}
}

package shopify

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// Paging by (updatedAt, id) with a filter returns every order that matched at
// the start exactly once or, when it was updated meanwhile, again later; none is
// missed, although orders change between pages.
func TestPagingUpdatedAtStable(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: 10_000, Products: 200, Customers: 300, MaximumAvailable: 1e9, RestoreRate: 1e6})
	const q = `query Q($q: String!, $after: String) { orders(first: 250, after: $after, query: $q, sortKey: UPDATED_AT) {
		pageInfo { hasNextPage endCursor } edges { cursor node { id updatedAt } } } }`
	// The filter keeps the newer half of the shop.
	a := ts.gql(`{ orders(first: 1, sortKey: UPDATED_AT, reverse: true) { nodes { updatedAt } } }`, nil)
	newest, _ := time.Parse(time.RFC3339, dig(a.Data, "orders", "nodes", 0, "updatedAt").(string))
	since := newest.AddDate(0, 0, -30).Format(time.RFC3339)
	filter := fmt.Sprintf("updated_at:>='%s' status:any", since)

	// The orders that match before the pass begins.
	want := map[string]bool{}
	ts.Server.mu.Lock()
	sinceT, _ := time.Parse(time.RFC3339, since)
	for _, o := range ts.Server.st.orders {
		if !o.updatedAt.Before(sinceT) {
			want[gid("Order", o.id)] = true
		}
	}
	ts.Server.mu.Unlock()
	if len(want) < 1000 {
		t.Fatalf("only %d orders match", len(want))
	}

	rng := rand.New(rand.NewPCG(7, 7))
	seen, updated := map[string]int{}, map[string]bool{}
	var after any
	var last time.Time
	start := time.Now()
	pages := 0
	for {
		a := ts.gql(q, map[string]any{"q": filter, "after": after})
		pages++
		for _, e := range dig(a.Data, "orders", "edges").([]any) {
			id := dig(e, "node", "id").(string)
			at, _ := time.Parse(time.RFC3339, dig(e, "node", "updatedAt").(string))
			if at.Before(last.Truncate(time.Second)) {
				t.Fatalf("out of order: %s after %s", at, last)
			}
			last = at
			seen[id]++
		}
		if dig(a.Data, "orders", "pageInfo", "hasNextPage") != true {
			break
		}
		after = dig(a.Data, "orders", "pageInfo", "endCursor")
		// Merchants edit orders, seen and unseen, while the client pages.
		for range 15 {
			name := fmt.Sprintf("#%d", 1001+rng.IntN(10_000))
			if err := ts.UpdateOrder(name, "edited"); err != nil {
				t.Fatal(err)
			}
			ts.Server.mu.Lock()
			updated[gid("Order", ts.Server.findOrder(name).id)] = true
			ts.Server.mu.Unlock()
		}
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("%d pages took %s", pages, d)
	}
	for id := range want {
		if seen[id] == 0 {
			t.Errorf("missed %s (updated: %v)", id, updated[id])
		}
	}
	for id, n := range seen {
		if n > 1 && !updated[id] {
			t.Errorf("%s seen %d times but never updated", id, n)
		}
		if !want[id] && !updated[id] {
			t.Errorf("%s matched neither before nor by an update", id)
		}
	}
	t.Logf("%d pages, %d orders wanted, %d seen, %d updated", pages, len(want), len(seen), len(updated))
}

// Backwards paging with last/before mirrors forwards paging.
func TestPagingBackwards(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: 23})
	collect := func(q string, next func(map[string]any) (bool, any)) []string {
		var ids []string
		var cur any
		for {
			a := ts.gql(q, map[string]any{"c": cur})
			conn := dig(a.Data, "orders").(map[string]any)
			for _, n := range dig(conn, "nodes").([]any) {
				ids = append(ids, dig(n, "id").(string))
			}
			more, c := next(conn)
			if !more {
				return ids
			}
			cur = c
		}
	}
	fwd := collect(`query Q($c: String) { orders(first: 5, after: $c, sortKey: CREATED_AT) { pageInfo { hasNextPage endCursor } nodes { id } } }`,
		func(c map[string]any) (bool, any) {
			return dig(c, "pageInfo", "hasNextPage") == true, dig(c, "pageInfo", "endCursor")
		})
	back := collect(`query Q($c: String) { orders(last: 5, before: $c, sortKey: CREATED_AT) { pageInfo { hasPreviousPage startCursor } nodes { id } } }`,
		func(c map[string]any) (bool, any) {
			return dig(c, "pageInfo", "hasPreviousPage") == true, dig(c, "pageInfo", "startCursor")
		})
	if len(fwd) != 23 || len(back) != 23 {
		t.Fatalf("forward %d, backward %d", len(fwd), len(back))
	}
	// Backwards pages come newest page first, each in ascending order.
	set := map[string]bool{}
	for _, id := range back {
		set[id] = true
	}
	for _, id := range fwd {
		if !set[id] {
			t.Errorf("%s missing backwards", id)
		}
	}
	// 23 = 4 pages of 5 and a last page of 3, which starts with the first order.
	if back[len(back)-3] != fwd[0] || back[0] != fwd[18] {
		t.Errorf("backward pages: %v, forward: %v", back, fwd)
	}
}

// The search syntax: comparisons, AND, negation, status, sku, id.
func TestOrderSearch(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: 300})
	ts.Server.mu.Lock()
	orders := ts.Server.st.orders
	mid := orders[150]
	sku := orders[10].lines[0].sku
	count := func(f func(*order) bool) int {
		n := 0
		for _, o := range orders {
			if f(o) {
				n++
			}
		}
		return n
	}
	midT := mid.createdAt.UTC().Format(time.RFC3339)
	cases := []struct {
		query string
		want  int
	}{
		{"created_at:<'" + midT + "'", count(func(o *order) bool { return o.createdAt.Before(mid.createdAt) })},
		{"created_at:>=" + midT, count(func(o *order) bool { return !o.createdAt.Before(mid.createdAt) })},
		{"status:cancelled", count(func(o *order) bool { return !o.cancelledAt.IsZero() })},
		{"-status:cancelled", count(func(o *order) bool { return o.cancelledAt.IsZero() })},
		{"financial_status:paid AND source_name:pos", count(func(o *order) bool { return o.financial == "PAID" && o.sourceName == "pos" })},
		{"sku:" + sku, count(func(o *order) bool {
			for _, l := range o.lines {
				if l.sku == sku {
					return true
				}
			}
			return false
		})},
		{fmt.Sprintf("id:>%d", mid.id), count(func(o *order) bool { return o.id > mid.id })},
		{"test:true", count(func(o *order) bool { return o.test })},
		{"risk_level:high OR risk_level:medium", count(func(o *order) bool { return o.riskLevel != "LOW" })},
		{"updated_at:<2000-01-01", 0},
	}
	ts.Server.mu.Unlock()
	for _, tc := range cases {
		n := 0
		var after any
		for {
			a := ts.gql(`query Q($q: String, $a: String) { orders(first: 250, after: $a, query: $q) { pageInfo { hasNextPage endCursor } nodes { id } } }`,
				map[string]any{"q": tc.query, "a": after})
			n += len(dig(a.Data, "orders", "nodes").([]any))
			if dig(a.Data, "orders", "pageInfo", "hasNextPage") != true {
				break
			}
			after = dig(a.Data, "orders", "pageInfo", "endCursor")
		}
		if n != tc.want {
			t.Errorf("%q: %d orders, want %d", tc.query, n, tc.want)
		}
	}
	// An unknown filter is ignored with a warning in extensions.search.
	a := ts.gql(`{ orders(first: 1, query: "frobnicate:1") { nodes { id } } }`, nil)
	if got := string(a.Raw); !strings.Contains(got, `"search":[{"path":["orders"],"query":"frobnicate:1","warnings":[{"field":"frobnicate"`) {
		t.Errorf("no search warning: %s", got)
	}
}

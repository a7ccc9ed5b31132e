package mycashflow

import (
	"fmt"
	"net/url"
	"sort"
	"testing"
	"time"
)

// pageReader reads every page of path with page+1, as a naive client does,
// advancing the clock one second per read; it returns the ids it got.
func pageReader(f *fixture, path string) map[int]bool {
	got := map[int]bool{}
	for page := 1; page < 1000; page++ {
		f.clk.Advance(time.Second)
		r := f.must(200, "GET", fmt.Sprintf("%s&page=%d", path, page), nil)
		for _, v := range r.list() {
			got[id(v)] = true
		}
		if _, more := r.meta()["next"]; !more {
			return got
		}
	}
	f.t.Fatal("paging did not end")
	return nil
}

// cursorReader re-queries orders with updated_at-from = the last updated_at it
// read and drops duplicates; it returns the updated_at it last saw per id.
func cursorReader(f *fixture, pageSize int) map[int]string {
	got := map[int]string{}
	cursor := ""
	for n := 0; n < 1000; n++ {
		f.clk.Advance(time.Second)
		path := fmt.Sprintf("/api/v1/orders?sort=updated_at-asc&page_size=%d", pageSize)
		if cursor != "" {
			path += "&updated_at-from=" + url.QueryEscape(cursor)
		}
		r := f.must(200, "GET", path, nil)
		list := r.list()
		for _, v := range list {
			o := v.(map[string]any)
			got[id(o)] = o["updated_at"].(string)
		}
		if _, more := r.meta()["next"]; !more {
			return got
		}
		cursor = list[len(list)-1].(map[string]any)["updated_at"].(string)
	}
	f.t.Fatal("cursor reading did not end")
	return nil
}

func existingIDs(f *fixture, resource string) []int {
	var ids []int
	switch resource {
	case "orders":
		ids = f.srv.OrderIDs()
	case "products":
		for _, p := range f.srv.Products() {
			ids = append(ids, p.ID)
		}
	case "stock":
		for _, si := range f.srv.Stock() {
			ids = append(ids, si.ID)
		}
	}
	return ids
}

// TestPageChurnSkipsNaivePaging proves the switch produces the skip of issue 12
// item 1: sorted by updated_at, a page+1 reader misses records that existed
// when it began; sorted by id it misses none.
func TestPageChurnSkipsNaivePaging(t *testing.T) {
	t.Parallel()
	tests := []struct {
		resource, sort string
		wantMiss       bool
	}{
		{"orders", "updated_at-asc", true},
		{"products", "updated_at-asc", true},
		{"stock", "updated_at-asc", true},
		{"orders", "id-asc", false},
		{"products", "id-asc", false},
	}
	for _, tc := range tests {
		t.Run(tc.resource+" "+tc.sort, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, Options{PageChurn: PageChurn{Resources: []string{tc.resource}, PerRead: 1}})
			before := existingIDs(f, tc.resource)
			got := pageReader(f, fmt.Sprintf("/api/v1/%s?sort=%s&page_size=10", tc.resource, tc.sort))
			var missed []int
			for _, n := range before {
				if !got[n] {
					missed = append(missed, n)
				}
			}
			touches := f.srv.ChurnTouches()
			t.Logf("%d records, %d touches, missed %v", len(before), len(touches), missed)
			if len(touches) == 0 {
				t.Fatal("the switch touched nothing")
			}
			for _, tc := range touches {
				if tc.Page < 2 {
					t.Errorf("touch on a read of page %d: %+v", tc.Page, tc)
				}
			}
			if tc.wantMiss && len(missed) == 0 {
				t.Fatalf("a page+1 reader missed nothing of %d records after %d touches", len(before), len(touches))
			}
			if !tc.wantMiss && len(missed) > 0 {
				t.Fatalf("an id-sorted reader missed %v", missed)
			}
		})
	}
}

// TestPageChurnCursorReaderMissesNothing: re-querying by updated_at-from with
// dedupe reads every order, and the touched ones in their new state.
func TestPageChurnCursorReaderMissesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{PageChurn: PageChurn{PerRead: 2}})
	before := f.srv.OrderIDs()
	got := cursorReader(f, 10)
	for _, n := range before {
		if _, ok := got[n]; !ok {
			t.Errorf("order %d missed", n)
		}
	}
	touches := f.srv.ChurnTouches()
	if len(touches) < 2 {
		t.Fatalf("only %d touches", len(touches))
	}
	for _, tc := range touches {
		o, _ := f.srv.Order(tc.ID)
		if want := o.UpdatedAt.In(helsinki).Format(time.RFC3339); got[tc.ID] != want {
			t.Errorf("order %d (%s) last read at updated_at %s, now %s", tc.ID, tc.Change, got[tc.ID], want)
		}
	}
}

// TestPageChurnDeterministic: the same seed and reads touch the same records;
// another seed touches others. The switch is also settable at run time.
func TestPageChurnDeterministic(t *testing.T) {
	t.Parallel()
	run := func(seed uint64) []ChurnTouch {
		f := newFixture(t, Options{})
		if err := f.srv.SetPageChurn(PageChurn{PerRead: 1, Seed: seed}); err != nil {
			t.Fatal(err)
		}
		pageReader(f, "/api/v1/orders?sort=updated_at-asc&page_size=5")
		return f.srv.ChurnTouches()
	}
	a, b, c := run(7), run(7), run(8)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatalf("same seed, different touches:\n%v\n%v", a, b)
	}
	if fmt.Sprint(a) == fmt.Sprint(c) {
		t.Fatalf("seeds 7 and 8 touched the same records: %v", a)
	}
	if err := New(Options{}).SetPageChurn(PageChurn{PerRead: 1, Resources: []string{"customers"}}); err == nil {
		t.Fatal("an unsupported resource was accepted")
	}
}

func TestPageChurnAdminEndpoint(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	r := f.adminJSON("PUT", "/_sandbox/page-churn", `{"resources": ["orders", "stock"], "per_read": 3, "seed": 5}`)
	if r.Code != 200 {
		t.Fatalf("PUT: %d %s", r.Code, r.Raw)
	}
	pageReader(f, "/api/v1/stock?sort=updated_at-asc&page_size=20")
	r = f.adminJSON("GET", "/_sandbox/page-churn", "")
	touches, _ := r.Body["touches"].([]any)
	if len(touches) == 0 || len(touches)%3 != 0 {
		t.Fatalf("touches %s", r.Raw)
	}
	if r := f.adminJSON("PUT", "/_sandbox/page-churn", `{"per_read": -1}`); r.Code != 400 {
		t.Fatalf("per_read -1: %d", r.Code)
	}
	f.adminJSON("PUT", "/_sandbox/page-churn", `{}`)
	n := len(f.srv.ChurnTouches())
	pageReader(f, "/api/v1/orders?sort=updated_at-asc&page_size=20")
	if len(f.srv.ChurnTouches()) != n {
		t.Fatal("the switch touched records after it was turned off")
	}
}

// TestOrderUpdatedAtFilters pins the list filters of the reference: from and to
// inclusive, ties in id order (reversed for -desc), whole-second timestamps
// with the Helsinki offset, next only while more pages exist.
func TestOrderUpdatedAtFilters(t *testing.T) {
	t.Parallel()
	f := emptyShop(t)
	f.srv.SetStock("MUG", 100)
	var ids []int
	for i := 0; i < 4; i++ {
		if i == 3 {
			f.clk.Advance(1500 * time.Millisecond)
		}
		o, err := f.srv.CreateOrder(NewOrder{Email: "a@example.fi", Lines: []OrderLine{{ProductCode: "MUG", Quantity: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, o.ID)
	}
	t0 := f.clk.Now().Add(-1500 * time.Millisecond).In(helsinki)
	ts := t0.Format(time.RFC3339)
	listIDs := func(query string) ([]int, resp) {
		r := f.must(200, "GET", "/api/v1/orders?"+query, nil)
		var out []int
		for _, v := range r.list() {
			out = append(out, id(v))
		}
		return out, r
	}
	a, b, c, d := ids[0], ids[1], ids[2], ids[3]
	tests := []struct {
		query string
		want  []int
	}{
		{"sort=updated_at-asc&updated_at-from=" + url.QueryEscape(ts), []int{a, b, c, d}},
		{"sort=updated_at-asc&updated_at-to=" + url.QueryEscape(ts), []int{a, b, c}},
		{"sort=updated_at-desc", []int{d, c, b, a}},
		{"sort=updated_at-asc&updated_at-from=" + url.QueryEscape(t0.Add(500*time.Millisecond).Format(time.RFC3339Nano)), []int{d}},
		{"sort=updated_at-asc&updated_at-from=" + url.QueryEscape(t0.UTC().Format(time.RFC3339)), []int{a, b, c, d}},
		{"sort=updated_at-asc&page_size=3&page=2", []int{d}},
	}
	for _, tc := range tests {
		if got, r := listIDs(tc.query); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: %v, want %v: %s", tc.query, got, tc.want, r.Raw)
		}
	}
	_, r := listIDs("sort=updated_at-asc&page_size=3")
	if next, _ := r.meta()["next"].(string); next == "" {
		t.Errorf("page 1 of 2 has no next: %s", r.Raw)
	}
	for _, q := range []string{"sort=updated_at-asc&page_size=3&page=2", "page_size=3&page=3", "page_size=4"} {
		if _, r := listIDs(q); r.meta()["next"] != nil {
			t.Errorf("%s: next on the last page: %v", q, r.meta())
		}
	}
	got, r := listIDs("sort=updated_at-asc&page_size=4")
	first := r.list()[0].(map[string]any)["updated_at"].(string)
	if first != ts || !sort.IntsAreSorted(got) {
		t.Errorf("updated_at %q, want %q (whole seconds, +02:00)", first, ts)
	}
}

// adminJSON calls a /_sandbox endpoint (no auth) with a JSON body.
func (f *fixture) adminJSON(method, path, body string) resp {
	f.t.Helper()
	var b any
	if body != "" {
		b = body
	}
	return f.doAuth(method, path, b, "", "")
}

package clientify

import (
	"fmt"
	"net/url"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"
)

// pageIDs follows next from first to the end and returns the ids in order,
// calling between after each page.
func pageIDs(t *testing.T, e *env, first string, between func(page int, seen []int)) []int {
	t.Helper()
	var ids []int
	next, page := first, 0
	for next != "" {
		a := e.must(e.get(next), 200).obj(t)
		for _, r := range a["results"].([]any) {
			ids = append(ids, num(r.(map[string]any)["id"]))
		}
		page++
		if page > 1000 {
			t.Fatal("next never ends")
		}
		next, _ = a["next"].(string)
		if between != nil && next != "" {
			between(page, ids)
		}
	}
	return ids
}

func TestPagingFollowsNext(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{Contacts, Companies, Products, Deals} {
		for _, ver := range []string{"v1", "v2"} {
			for _, size := range []int{1, 7, 20, 100} {
				t.Run(fmt.Sprintf("%s/%s/%d", kind, ver, size), func(t *testing.T) {
					t.Parallel()
					e := start(t, Options{Companies: 23, Contacts: 45, Products: 31})
					first := fmt.Sprintf("/%s/%s/?fields=id,modified&page_size=%d", ver, kind, size)
					var count int
					var pages []map[string]any
					next := first
					for next != "" {
						a := e.must(e.get(next), 200).obj(t)
						pages = append(pages, a)
						count = num(a["count"])
						next, _ = a["next"].(string)
					}
					ids := pageIDs(t, e, first, nil)
					want := e.sb.IDs(kind)
					if count != len(want) || len(ids) != len(want) {
						t.Fatalf("count %d, followed %d ids, have %d records", count, len(ids), len(want))
					}
					// The default order is (modified, id): the pages come in it.
					var inOrder []int
					for _, r := range e.sb.Records(kind) {
						inOrder = append(inOrder, num(r["id"]))
					}
					if !reflect.DeepEqual(ids, inOrder) {
						t.Fatalf("ids not in (modified, id) order")
					}
					if len(pages) != (len(want)+size-1)/size {
						t.Errorf("%d pages", len(pages))
					}
					if len(pages) > 1 {
						prev, _ := pages[1]["previous"].(string)
						u, _ := url.Parse(prev)
						if u.Query().Has("page") || u.Query().Get("page_size") != fmt.Sprint(size) || u.Query().Get("fields") != "id,modified" {
							t.Errorf("previous of page 2 = %q", prev)
						}
					}
				})
			}
		}
	}
}

// TestPagingModifiedOrderNeverSkips: an incremental read, modified[gte] and
// ordering=modified, while records are created and records not yet read are
// changed between the pages: every record is seen, the changed ones again
// at the end.
func TestPagingModifiedOrderNeverSkips(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name           string
		create, modify int // per page
		size           int
	}{{"creates", 2, 0, 10}, {"modifies-unread", 0, 2, 10}, {"both", 1, 1, 7}, {"both-small-pages", 1, 1, 4}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := start(t, Options{Contacts: 60, Companies: 5})
			before := e.sb.IDs(Contacts)
			cursor := url.QueryEscape(fmtTime(e.clk.Now().Add(-365*24*time.Hour), time.UTC))
			first := fmt.Sprintf("/v2/contacts/?fields=id,modified&modified[gte]=%s&ordering=modified&page_size=%d", cursor, tt.size)
			changed := map[int]int{} // id → page after which it changed
			var created []int
			ids := pageIDs(t, e, first, func(page int, seen []int) {
				e.clk.Add(time.Second)
				read := map[int]bool{}
				for _, id := range seen {
					read[id] = true
				}
				n := 0
				for _, id := range before {
					if n == tt.modify {
						break
					}
					if !read[id] && changed[id] == 0 {
						e.must(e.req("PATCH", fmt.Sprintf("/v2/contacts/%d/", id), map[string]any{"title": fmt.Sprint("p", page)}), 200)
						changed[id] = page
						n++
					}
				}
				for i := 0; i < tt.create; i++ {
					c := e.must(e.req("POST", "/v2/contacts/", map[string]any{"first_name": fmt.Sprint("new", page, i)}), 201).obj(t)
					created = append(created, num(c["id"]))
				}
			})
			seen := map[int]int{}
			for _, id := range ids {
				seen[id]++
			}
			for _, id := range append(before, created...) {
				if seen[id] == 0 {
					t.Errorf("contact %d skipped", id)
				}
			}
			if len(changed) == 0 && tt.modify > 0 {
				t.Fatal("nothing changed")
			}
			for id := range changed {
				if seen[id] != 1 { // not read before its change, read once after it
					t.Errorf("changed contact %d seen %d times", id, seen[id])
				}
			}
		})
	}
}

// TestPagingHazardModifiedAlreadyRead pins DRF page-number paging on a live
// list: when a record already read is changed, it moves behind the cursor
// and every later record one place forward, so the next page skips one. A
// client must overlap its incremental passes or re-read (doc.go).
func TestPagingHazardModifiedAlreadyRead(t *testing.T) {
	t.Parallel()
	e := start(t, Options{Contacts: 30, Companies: 3})
	first := "/v2/contacts/?fields=id&ordering=modified&page_size=10"
	order := pageIDs(t, e, first, nil)
	ids := pageIDs(t, e, first, func(page int, seen []int) {
		if page == 1 {
			e.clk.Add(time.Second)
			e.must(e.req("PATCH", fmt.Sprintf("/v2/contacts/%d/", seen[0]), map[string]any{"title": "moved"}), 200)
		}
	})
	seen := map[int]bool{}
	for _, id := range ids {
		seen[id] = true
	}
	var skipped []int
	for _, id := range order {
		if !seen[id] {
			skipped = append(skipped, id)
		}
	}
	if !reflect.DeepEqual(skipped, []int{order[10]}) {
		t.Fatalf("skipped %v, want the first of page 2 (%d)", skipped, order[10])
	}
}

// TestPagingConcurrentWriters: pagers and writers at once (run with -race):
// every page is a consistent slice of distinct records.
func TestPagingConcurrentWriters(t *testing.T) {
	t.Parallel()
	e := start(t, Options{Contacts: 80, Companies: 5, Now: time.Now})
	ids := e.sb.IDs(Contacts)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := ids[(i*7+w*13)%len(ids)]
				a := e.req("PATCH", fmt.Sprintf("/v2/contacts/%d/", id), map[string]any{"title": fmt.Sprint(w, i)})
				if a.code != 200 {
					t.Errorf("PATCH: %d %s", a.code, a.body)
					return
				}
				e.req("POST", "/v2/contacts/", map[string]any{"first_name": fmt.Sprint("w", w, i)})
			}
		}(w)
	}
	for p := 0; p < 3; p++ {
		next := "/v2/contacts/?fields=id&ordering=-modified&page_size=9"
		for next != "" {
			a := e.must(e.get(next), 200).obj(t)
			res := a["results"].([]any)
			got := map[int]bool{}
			for _, r := range res {
				id := num(r.(map[string]any)["id"])
				if got[id] {
					t.Fatalf("contact %d twice in a page", id)
				}
				got[id] = true
			}
			if len(res) > 9 || num(a["count"]) < len(ids) {
				t.Fatalf("page of %d, count %v", len(res), a["count"])
			}
			next, _ = a["next"].(string)
		}
	}
	close(stop)
	wg.Wait()
}

func TestPagingEdges(t *testing.T) {
	t.Parallel()
	e := start(t, Options{Contacts: 45, Companies: 1, Products: -1})
	for _, tt := range []struct {
		query string
		code  int
		n     int // results
		page  string
	}{
		{"", 200, 20, ""}, {"page=1", 200, 20, ""}, {"page=3", 200, 5, ""}, {"page=last", 200, 5, ""},
		{"page=4", 404, 0, ""}, {"page=0", 404, 0, ""}, {"page=abc", 404, 0, ""}, {"page=-1", 404, 0, ""},
		{"page_size=1000", 200, 45, ""}, {"page_size=abc", 200, 20, ""}, {"page_size=0", 200, 20, ""}, {"page_size=45&page=2", 404, 0, ""},
	} {
		a := e.get("/v1/contacts/?" + tt.query)
		if a.code != tt.code {
			t.Errorf("%s: %d %s", tt.query, a.code, a.body)
			continue
		}
		if tt.code == 404 {
			if !reflect.DeepEqual(a.obj(t), map[string]any{"detail": "Invalid page."}) {
				t.Errorf("%s: %s", tt.query, a.body)
			}
			continue
		}
		if n := len(a.obj(t)["results"].([]any)); n != tt.n {
			t.Errorf("%s: %d results, want %d", tt.query, n, tt.n)
		}
	}
	// MaxPageSize caps page_size.
	e2 := start(t, Options{Contacts: 150, Companies: 1})
	if n := len(e2.get("/v1/contacts/?page_size=150").obj(t)["results"].([]any)); n != MaxPageSize {
		t.Errorf("page_size=150 gave %d", n)
	}
	// An empty list has one empty page.
	a := e.must(e.get("/v1/products/"), 200).obj(t)
	if num(a["count"]) != 0 || a["next"] != nil || a["previous"] != nil || len(a["results"].([]any)) != 0 {
		t.Errorf("empty list %v", a)
	}
	e.must(e.get("/v1/products/?page=2"), 404)
	// next keeps the filters, with the query sorted by key as Django's urlencode.
	a = e.must(e.get("/v2/contacts/?page_size=5&fields=id&modified%5Bgte%5D=2020-01-01&ordering=-id"), 200).obj(t)
	want := e.srv.URL + "/v2/contacts/?fields=id&modified%5Bgte%5D=2020-01-01&ordering=-id&page=2&page_size=5"
	if a["next"] != want {
		t.Errorf("next %v, want %s", a["next"], want)
	}
	ids := pageIDs(t, e, "/v2/contacts/?page_size=5&fields=id&ordering=-id", nil)
	if !sort.SliceIsSorted(ids, func(i, j int) bool { return ids[i] > ids[j] }) || len(ids) != 45 {
		t.Errorf("ordering=-id: %v", ids)
	}
}

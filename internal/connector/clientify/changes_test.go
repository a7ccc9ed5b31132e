package clientify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// failer is what passRun needs of *testing.T and *rapid.T.
type failer interface {
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

// action changes the fake's products on the n-th listing request (before
// it is answered): the interleavings of the pass contract.
type action struct {
	at   int    // listing request number, 1-based
	kind string // "touch", "add", "delete"
	// idx picks the record: the idx-th of the initial ones (mod their
	// number).
	idx int
}

// passRun reads ChangedProductRecords over a fake with the given initial
// modified times and actions, and checks the pass contract after every
// page: each record whose current modified is in [since, through) was
// handed over at that version; at the end, every record that existed at
// the start with modified ≥ since was handed over (at some version); no
// version is handed over twice; through never goes back.
func passRun(t failer, f *fake, initial []time.Duration, since time.Duration, pageSize int, acts []action) {
	base := f.now.Add(-time.Hour)
	ids := make([]int64, len(initial))
	for i, d := range initial {
		ids[i] = f.add("products", map[string]any{"sku": fmt.Sprint("S", i), "name": "p"}, base.Add(d))
	}
	want := map[int64]bool{}
	for i, d := range initial {
		if d >= since {
			want[ids[i]] = true
		}
	}
	lists := 0
	f.before = func(f *fake, w http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodGet {
			return false
		}
		lists++
		for _, a := range acts {
			if a.at != lists {
				continue
			}
			id := ids[a.idx%len(ids)]
			switch a.kind {
			case "touch":
				f.touch("products", id)
			case "add":
				f.addLocked("products", map[string]any{"sku": "new", "name": "n"}, f.now)
			case "delete":
				delete(f.recs["products"], id)
				delete(want, id)
			}
		}
		return false
	}
	c := f.client(f.t)
	c.settings.PageSize = pageSize
	handed := map[changeKey]bool{}
	got := map[int64]bool{}
	var last time.Time
	err := c.ChangedProductRecords(context.Background(), base.Add(since), func(ps []Product, through time.Time) error {
		if through.Before(last) {
			t.Fatalf("through went back: %v after %v", through, last)
		}
		last = through
		for _, p := range ps {
			k := changeKey{int64(p.ID), p.Modified.UnixNano()}
			if handed[k] {
				t.Fatalf("product %d at %v handed over twice", p.ID, p.Modified)
			}
			if p.Modified.Before(base.Add(since)) {
				t.Fatalf("product %d modified %v is before since", p.ID, p.Modified)
			}
			handed[k] = true
			got[int64(p.ID)] = true
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		for id, x := range f.recs["products"] {
			m := x.modified.Truncate(time.Microsecond)
			if !m.Before(base.Add(since)) && m.Before(through) && !handed[changeKey{id, m.UnixNano()}] {
				t.Fatalf("through %v, but product %d modified %v was not handed over (calls %v)", through, id, m, f.calls)
			}
		}
		return nil
	})
	var busy *BusySecondError
	if errors.As(err, &busy) {
		return // a second that kept changing: the pass is tried again later
	}
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for id := range want {
		if !got[id] {
			t.Fatalf("product %d existed at the start and was never handed over; calls %v", id, f.calls)
		}
	}
	if last.IsZero() {
		t.Fatal("no checkpoint handed over")
	}
}

func secs(ss ...float64) []time.Duration {
	out := make([]time.Duration, len(ss))
	for i, s := range ss {
		out[i] = time.Duration(s * float64(time.Second)).Truncate(time.Millisecond)
	}
	return out
}

func TestPassContractInterleavings(t *testing.T) {
	t.Parallel()
	spread := secs(1, 2, 3, 4, 5, 6, 7, 8, 9)
	crowded := secs(1, 2.1, 2.2, 2.3, 2.4, 2.5, 2.6, 2.7, 2.8, 3, 4)
	for _, tc := range []struct {
		name    string
		initial []time.Duration
		since   time.Duration
		size    int
		acts    []action
	}{
		{name: "quiet", initial: spread, size: 3},
		{name: "since filters", initial: spread, since: 4500 * time.Millisecond, size: 2},
		{name: "first record changes after page 1", initial: spread, size: 3, acts: []action{{at: 2, kind: "touch", idx: 0}}},
		{name: "page 1 changes wholesale", initial: spread, size: 3, acts: []action{{at: 2, kind: "touch", idx: 0}, {at: 2, kind: "touch", idx: 1}, {at: 2, kind: "touch", idx: 2}}},
		{name: "a record changes on every request", initial: spread, size: 2, acts: []action{{at: 2, kind: "touch", idx: 0}, {at: 3, kind: "touch", idx: 0}, {at: 4, kind: "touch", idx: 0}, {at: 5, kind: "touch", idx: 0}}},
		{name: "the last record changes", initial: spread, size: 3, acts: []action{{at: 2, kind: "touch", idx: 8}}},
		{name: "new records during the read", initial: spread, size: 3, acts: []action{{at: 2, kind: "add"}, {at: 3, kind: "add"}}},
		{name: "a deletion shifts the pages", initial: spread, size: 3, acts: []action{{at: 2, kind: "delete", idx: 1}}},
		{name: "crowded second", initial: crowded, size: 3},
		{name: "crowded second changes while read", initial: crowded, size: 3, acts: []action{{at: 3, kind: "touch", idx: 2}, {at: 4, kind: "touch", idx: 3}}},
		{name: "crowded second, page size 1", initial: crowded, size: 1, acts: []action{{at: 4, kind: "touch", idx: 4}}},
		{name: "empty", initial: secs(1), since: 2 * time.Second, size: 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			passRun(t, newFake(t), tc.initial, tc.since, tc.size, tc.acts)
		})
	}
}

// The pass contract holds for any records, page size and interleaving of
// changes, additions and deletions.
func TestPassContractProperty(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(1, 14).Draw(rt, "records")
		initial := make([]time.Duration, n)
		for i := range initial {
			// Few distinct seconds, so that seconds crowd.
			initial[i] = time.Duration(rapid.IntRange(0, 4).Draw(rt, "sec"))*time.Second + time.Duration(rapid.IntRange(0, 999).Draw(rt, "ms"))*time.Millisecond
		}
		since := time.Duration(rapid.IntRange(0, 3000).Draw(rt, "since")) * time.Millisecond
		size := rapid.IntRange(1, 4).Draw(rt, "page size")
		acts := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) action {
			return action{at: rapid.IntRange(1, 12).Draw(t, "at"), kind: rapid.SampledFrom([]string{"touch", "touch", "add", "delete"}).Draw(t, "kind"), idx: rapid.IntRange(0, 13).Draw(t, "idx")}
		}), 0, 8).Draw(rt, "actions")
		f := newFake(t)
		defer f.srv.Close()
		passRun(rt, f, initial, since, size, acts)
	})
}

// The listing's query: modified[gte] as whole UTC seconds, ordering, and a
// client-side check that the order holds.
func TestPassQueryAndOrdering(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.add("products", map[string]any{"sku": "A"}, f.now.Add(-time.Minute))
	since := time.Date(2025, 12, 21, 16, 31, 40, 500e6, time.FixedZone("CET", 3600))
	err := f.client(t).ChangedProductRecords(context.Background(), since, func([]Product, time.Time) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(f.callList()[0], "modified%5Bgte%5D=2025-12-21T15%3A31%3A40%2B00%3A00") || !strings.Contains(f.callList()[0], "ordering=modified") {
		t.Fatal(f.callList()[0])
	}
	// A server that ignores ordering=modified is caught.
	f2 := newFake(t)
	f2.add("products", map[string]any{"sku": "A"}, f2.now.Add(-time.Minute))
	f2.add("products", map[string]any{"sku": "B"}, f2.now.Add(-2*time.Minute))
	f2.before = func(f *fake, w http.ResponseWriter, r *http.Request) bool {
		q := r.URL.Query()
		q.Del("ordering")
		r.URL.RawQuery = q.Encode()
		return false
	}
	err = f2.client(t).ChangedProductRecords(context.Background(), time.Time{}, func([]Product, time.Time) error { return nil })
	var oe *OrderingError
	if !errors.As(err, &oe) {
		t.Fatalf("%v, want an OrderingError", err)
	}
}

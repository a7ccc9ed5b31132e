// Package storetest is the conformance suite every store.Store implementation
// passes, plus helpers that give other packages' tests a fresh database.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ferryhub/ferry/internal/store"
)

// Run runs the suite. newStore must return a fresh, migrated, empty store for
// each call and close it when its t ends; every subtest runs in parallel with its
// own store.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Helper()
	ctx := context.Background()

	// base has sub-microsecond digits and a non-UTC zone on purpose: the store
	// must return it in UTC, truncated to the microsecond.
	base := time.Date(2026, 11, 22, 14, 30, 15, 123456789, time.FixedZone("EET", 2*60*60))
	at := func(d time.Duration) time.Time { return base.Add(d) }
	want := func(tm time.Time) time.Time { return tm.UTC().Truncate(time.Microsecond) }

	tests := []struct {
		name string
		run  func(t *testing.T, s store.Store)
	}{
		{"AddInboxDedup", func(t *testing.T, s store.Store) {
			id1, dup, err := s.AddInbox(ctx, store.InboxItem{Connection: "shop", Topic: "order.created", DedupKey: "d1", Payload: []byte(`{"a":1}`), ReceivedAt: at(0)})
			mustNil(t, err)
			if dup || id1 == 0 {
				t.Fatalf("first AddInbox: id %d dup %v, want new id and dup false", id1, dup)
			}
			id2, dup, err := s.AddInbox(ctx, store.InboxItem{Connection: "shop", Topic: "order.created", DedupKey: "d1", Payload: []byte(`{"a":2}`)})
			mustNil(t, err)
			if !dup || id2 != id1 {
				t.Fatalf("redelivery: id %d dup %v, want id %d dup true", id2, dup, id1)
			}
			// The same key on another connection is a different delivery.
			id3, dup, err := s.AddInbox(ctx, store.InboxItem{Connection: "shop2", Topic: "order.created", DedupKey: "d1"})
			mustNil(t, err)
			if dup || id3 == id1 {
				t.Fatalf("other connection: id %d dup %v, want a new item", id3, dup)
			}
			items, err := s.PendingInbox(ctx, 0)
			mustNil(t, err)
			if len(items) != 2 {
				t.Fatalf("PendingInbox: %d items, want 2", len(items))
			}
			if string(items[0].Payload) != `{"a":1}` {
				t.Errorf("payload %s, want the first delivery's", items[0].Payload)
			}
		}},
		{"ConnectionDelete", func(t *testing.T, s store.Store) {
			mustNil(t, s.PutConnection(ctx, store.Connection{Name: "odoo", Kind: "odoo"}))
			mustNil(t, s.DeleteConnection(ctx, "odoo"))
			_, err := s.GetConnection(ctx, "odoo")
			mustNotFound(t, err)
			mustNotFound(t, s.DeleteConnection(ctx, "odoo"))
		}},
		{"ConnectionNotFound", func(t *testing.T, s store.Store) {
			_, err := s.GetConnection(ctx, "nope")
			mustNotFound(t, err)
		}},
		{"ConnectionRoundTrip", func(t *testing.T, s store.Store) {
			in := store.Connection{Name: "shop", Kind: "mycashflow", Settings: []byte(`{"b":1, "a":[2]}`), Credentials: []byte{0, 1, 2, 255}, UpdatedAt: at(0)}
			mustNil(t, s.PutConnection(ctx, in))
			got, err := s.GetConnection(ctx, "shop")
			mustNil(t, err)
			in.UpdatedAt = want(in.UpdatedAt)
			diff(t, in, got)
			mustUTC(t, got.UpdatedAt)
		}},
		{"ConnectionUpsertAndList", func(t *testing.T, s store.Store) {
			mustNil(t, s.PutConnection(ctx, store.Connection{Name: "shop", Kind: "mycashflow", Settings: []byte(`{"v":1}`), UpdatedAt: at(0)}))
			mustNil(t, s.PutConnection(ctx, store.Connection{Name: "erp", Kind: "odoo", UpdatedAt: at(time.Second)}))
			upd := store.Connection{Name: "shop", Kind: "shopify", Settings: []byte(`{"v":2}`), Credentials: []byte("sealed"), UpdatedAt: at(time.Hour)}
			mustNil(t, s.PutConnection(ctx, upd))
			list, err := s.ListConnections(ctx)
			mustNil(t, err)
			upd.UpdatedAt = want(upd.UpdatedAt)
			diff(t, []store.Connection{{Name: "erp", Kind: "odoo", UpdatedAt: want(at(time.Second))}, upd}, list)
		}},
		{"ConnectionZeroUpdatedAtIsNow", func(t *testing.T, s store.Store) {
			before := time.Now().Add(-time.Second)
			mustNil(t, s.PutConnection(ctx, store.Connection{Name: "shop", Kind: "mycashflow"}))
			got, err := s.GetConnection(ctx, "shop")
			mustNil(t, err)
			if got.UpdatedAt.Before(before) || got.UpdatedAt.After(time.Now().Add(time.Second)) {
				t.Errorf("UpdatedAt %v, want about now", got.UpdatedAt)
			}
		}},
		{"Cursors", func(t *testing.T, s store.Store) {
			_, err := s.GetCursor(ctx, "r1", "orders")
			mustNotFound(t, err)
			mustNil(t, s.PutCursor(ctx, store.Cursor{Route: "r1", Name: "orders", Value: "2026-11-22T10:00:00Z", UpdatedAt: at(0)}))
			mustNil(t, s.PutCursor(ctx, store.Cursor{Route: "r1", Name: "stock", Value: "tok-1", UpdatedAt: at(0)}))
			mustNil(t, s.PutCursor(ctx, store.Cursor{Route: "r1", Name: "orders", Value: "2026-11-22T11:00:00Z", UpdatedAt: at(time.Minute)}))
			got, err := s.GetCursor(ctx, "r1", "orders")
			mustNil(t, err)
			diff(t, store.Cursor{Route: "r1", Name: "orders", Value: "2026-11-22T11:00:00Z", UpdatedAt: want(at(time.Minute))}, got)
			mustUTC(t, got.UpdatedAt)
			got, err = s.GetCursor(ctx, "r1", "stock")
			mustNil(t, err)
			if got.Value != "tok-1" {
				t.Errorf("stock cursor %q, want tok-1", got.Value)
			}
			_, err = s.GetCursor(ctx, "r2", "orders")
			mustNotFound(t, err)
		}},
		{"DeleteLink", func(t *testing.T, s store.Store) {
			mustNil(t, s.PutLink(ctx, store.Link{Connection: "erp", Kind: "order", LocalID: "shop:1", RemoteID: "42"}))
			mustNil(t, s.DeleteLink(ctx, "erp", "order", "shop:1"))
			_, err := s.GetLinkByRemote(ctx, "erp", "order", "42")
			mustNotFound(t, err)
			mustNotFound(t, s.DeleteLink(ctx, "erp", "order", "shop:1"))
			// Both ids are free again.
			mustNil(t, s.PutLink(ctx, store.Link{Connection: "erp", Kind: "order", LocalID: "shop:1", RemoteID: "43"}))
			mustNil(t, s.PutLink(ctx, store.Link{Connection: "erp", Kind: "order", LocalID: "shop:2", RemoteID: "42"}))
		}},
		{"DialectDBPing", func(t *testing.T, s store.Store) {
			if d := s.Dialect(); d != store.SQLite && d != store.Postgres {
				t.Errorf("Dialect() = %q", d)
			}
			if s.DB() == nil {
				t.Fatal("DB() is nil")
			}
			mustNil(t, s.Ping(ctx))
			mustNil(t, s.DB().PingContext(ctx))
		}},
		{"GetLinkNotFound", func(t *testing.T, s store.Store) {
			_, err := s.GetLinkByLocal(ctx, "erp", "order", "shop:1")
			mustNotFound(t, err)
			_, err = s.GetLinkByRemote(ctx, "erp", "order", "42")
			mustNotFound(t, err)
		}},
		{"IssuesFilters", func(t *testing.T, s store.Store) {
			issues := []store.JobIssue{
				{JobID: 1, Route: "orders", Entity: "order 1001", Class: store.NeedsAction, Reason: "no mapping", DependsOn: "mapping:shipping_method:DHL", CreatedAt: at(1 * time.Second)},
				{JobID: 2, Route: "orders", Entity: "order 1002", Class: store.Permanent, Reason: "bad vat", CreatedAt: at(2 * time.Second)},
				{JobID: 3, Route: "stock", Entity: "sku A", Class: store.NeedsAction, Reason: "no mapping", DependsOn: "mapping:shipping_method:DHL", CreatedAt: at(3 * time.Second)},
				{JobID: 4, Route: "stock", Entity: "sku B", Class: store.NeedsAction, Reason: "credential", DependsOn: "connection:erp", CreatedAt: at(4 * time.Second), ResolvedAt: at(5 * time.Second)},
			}
			for _, is := range issues {
				mustNil(t, s.PutIssue(ctx, is))
			}
			ids := func(f store.IssueFilter) []int64 {
				t.Helper()
				got, err := s.ListIssues(ctx, f)
				mustNil(t, err)
				out := []int64{}
				for _, is := range got {
					out = append(out, is.JobID)
				}
				return out
			}
			cases := []struct {
				f    store.IssueFilter
				want []int64
			}{
				{store.IssueFilter{}, []int64{4, 3, 2, 1}},
				{store.IssueFilter{Route: "orders"}, []int64{2, 1}},
				{store.IssueFilter{Class: store.NeedsAction}, []int64{4, 3, 1}},
				{store.IssueFilter{DependsOn: "mapping:shipping_method:DHL"}, []int64{3, 1}},
				{store.IssueFilter{Open: true}, []int64{3, 2, 1}},
				{store.IssueFilter{Open: true, Class: store.NeedsAction, Route: "stock"}, []int64{3}},
				{store.IssueFilter{Limit: 2}, []int64{4, 3}},
				{store.IssueFilter{Route: "nope"}, []int64{}},
				{store.IssueFilter{JobIDs: []int64{2, 4, 99}}, []int64{4, 2}},
				{store.IssueFilter{JobIDs: []int64{}}, []int64{}},
			}
			for _, c := range cases {
				if d := cmp.Diff(c.want, ids(c.f)); d != "" {
					t.Errorf("ListIssues(%+v) (-want +got):\n%s", c.f, d)
				}
			}
			got, err := s.ListIssues(ctx, store.IssueFilter{Route: "stock", Open: false, DependsOn: "connection:erp"})
			mustNil(t, err)
			w := issues[3]
			w.CreatedAt, w.ResolvedAt = want(w.CreatedAt), want(w.ResolvedAt)
			diff(t, []store.JobIssue{w}, got)
			mustUTC(t, got[0].CreatedAt)
			mustUTC(t, got[0].ResolvedAt)
		}},
		{"IssuesPutReplaces", func(t *testing.T, s store.Store) {
			mustNil(t, s.PutIssue(ctx, store.JobIssue{JobID: 7, Route: "orders", Entity: "order 1", Class: store.NeedsAction, Reason: "a", DependsOn: "k", CreatedAt: at(0), ResolvedAt: at(time.Second)}))
			repl := store.JobIssue{JobID: 7, Route: "orders", Entity: "order 1", Class: store.Permanent, Reason: "b", CreatedAt: at(time.Minute)}
			mustNil(t, s.PutIssue(ctx, repl))
			got, err := s.ListIssues(ctx, store.IssueFilter{})
			mustNil(t, err)
			repl.CreatedAt = want(repl.CreatedAt)
			diff(t, []store.JobIssue{repl}, got)
		}},
		{"IssuesResolve", func(t *testing.T, s store.Store) {
			mustNotFound(t, s.ResolveIssue(ctx, 9, at(0)))
			mustNil(t, s.PutIssue(ctx, store.JobIssue{JobID: 9, Route: "orders", Class: store.NeedsAction, Reason: "x", CreatedAt: at(0)}))
			mustNil(t, s.ResolveIssue(ctx, 9, at(time.Hour)))
			open, err := s.ListIssues(ctx, store.IssueFilter{Open: true})
			mustNil(t, err)
			if len(open) != 0 {
				t.Errorf("open issues after resolve: %+v", open)
			}
			all, err := s.ListIssues(ctx, store.IssueFilter{})
			mustNil(t, err)
			if len(all) != 1 || !all[0].ResolvedAt.Equal(want(at(time.Hour))) {
				t.Errorf("resolved issue %+v, want ResolvedAt %v", all, want(at(time.Hour)))
			}
		}},
		{"ListLinksFilters", func(t *testing.T, s store.Store) {
			links := []store.Link{
				{Connection: "erp", Kind: "order", LocalID: "shop:1", RemoteID: "11"},
				{Connection: "erp", Kind: "order", LocalID: "shop:2", RemoteID: "12"},
				{Connection: "erp", Kind: "order", LocalID: "shop:3", RemoteID: "13"},
				{Connection: "erp", Kind: "partner", LocalID: "shop:1", RemoteID: "11"},
				{Connection: "wms", Kind: "order", LocalID: "shop:1", RemoteID: "A-1"},
			}
			for _, l := range links {
				l.SyncedAt = at(0)
				mustNil(t, s.PutLink(ctx, l))
			}
			keys := func(f store.LinkFilter) []string {
				t.Helper()
				got, err := s.ListLinks(ctx, f)
				mustNil(t, err)
				out := []string{}
				for _, l := range got {
					out = append(out, l.Connection+"/"+l.Kind+"/"+l.LocalID+"="+l.RemoteID)
				}
				return out
			}
			cases := []struct {
				f    store.LinkFilter
				want []string
			}{
				{store.LinkFilter{Connection: "erp", Kind: "order"}, []string{"erp/order/shop:1=11", "erp/order/shop:2=12", "erp/order/shop:3=13"}},
				{store.LinkFilter{Connection: "erp", Kind: "order", LocalIDs: []string{"shop:3", "shop:1", "shop:9"}}, []string{"erp/order/shop:1=11", "erp/order/shop:3=13"}},
				{store.LinkFilter{Connection: "erp", Kind: "order", RemoteIDs: []string{"12"}}, []string{"erp/order/shop:2=12"}},
				{store.LinkFilter{Connection: "erp", Kind: "order", LocalIDs: []string{}}, []string{}},
				{store.LinkFilter{Kind: "order", LocalIDs: []string{"shop:1"}}, []string{"erp/order/shop:1=11", "wms/order/shop:1=A-1"}},
				{store.LinkFilter{Connection: "erp"}, []string{"erp/order/shop:1=11", "erp/partner/shop:1=11", "erp/order/shop:2=12", "erp/order/shop:3=13"}},
				{store.LinkFilter{Connection: "erp", Kind: "order", Limit: 2}, []string{"erp/order/shop:1=11", "erp/order/shop:2=12"}},
				{store.LinkFilter{Connection: "erp", Kind: "order", Limit: 2, AfterLocalID: "shop:2"}, []string{"erp/order/shop:3=13"}},
				{store.LinkFilter{Connection: "nope"}, []string{}},
			}
			for _, c := range cases {
				if d := cmp.Diff(c.want, keys(c.f)); d != "" {
					t.Errorf("ListLinks(%+v) (-want +got):\n%s", c.f, d)
				}
			}
		}},
		{"ListLinksByteOrder", func(t *testing.T, s store.Store) {
			// Ids sort by bytes in every dialect (a locale collation would put
			// "b" before "C" and ignore the punctuation).
			for i, id := range []string{"b", "C", "a-2", "a1", "A"} {
				mustNil(t, s.PutLink(ctx, store.Link{Connection: "erp", Kind: "sku", LocalID: id, RemoteID: fmt.Sprint(i)}))
			}
			got, err := s.ListLinks(ctx, store.LinkFilter{Connection: "erp", Kind: "sku"})
			mustNil(t, err)
			var ids []string
			for _, l := range got {
				ids = append(ids, l.LocalID)
			}
			diff(t, []string{"A", "C", "a-2", "a1", "b"}, ids)
			page, err := s.ListLinks(ctx, store.LinkFilter{Connection: "erp", Kind: "sku", AfterLocalID: "C", Limit: 2})
			mustNil(t, err)
			if len(page) != 2 || page[0].LocalID != "a-2" || page[1].LocalID != "a1" {
				t.Errorf("page after C: %+v, want a-2, a1", page)
			}
		}},
		{"ListLinksManyIDs", func(t *testing.T, s store.Store) {
			// More ids than fit one IN list comfortably; every second one is linked.
			const n = 2100
			var local, remote []string
			for i := range n {
				local = append(local, fmt.Sprintf("shop:%05d", i))
				remote = append(remote, fmt.Sprint(i))
			}
			for i := 0; i < n; i += 2 {
				mustNil(t, s.PutLink(ctx, store.Link{Connection: "erp", Kind: "product", LocalID: local[i], RemoteID: remote[i]}))
			}
			check := func(name string, f store.LinkFilter, wantN int) {
				t.Helper()
				got, err := s.ListLinks(ctx, f)
				mustNil(t, err)
				if len(got) != wantN {
					t.Fatalf("%s: %d links, want %d", name, len(got), wantN)
				}
				for i, l := range got {
					if w := fmt.Sprintf("shop:%05d", 2*i); l.LocalID != w {
						t.Fatalf("%s: link %d is %s, want %s", name, i, l.LocalID, w)
					}
				}
			}
			check("by local ids", store.LinkFilter{Connection: "erp", Kind: "product", LocalIDs: append(local, local[0])}, n/2)
			check("by remote ids", store.LinkFilter{Connection: "erp", Kind: "product", RemoteIDs: remote}, n/2)
			check("with limit", store.LinkFilter{Connection: "erp", Kind: "product", LocalIDs: local, Limit: 600}, 600)
		}},
		{"LogsAddAndList", func(t *testing.T, s store.Store) {
			in := store.LogLine{Time: at(0), Level: store.LevelError, Route: "orders", JobID: 12, Entity: "order 1001", Message: "odoo rejected the order", Remote: "POST /json2/sale.order → 400"}
			id, err := s.AddLog(ctx, in)
			mustNil(t, err)
			if id <= 0 {
				t.Fatalf("AddLog id %d", id)
			}
			got, err := s.ListLogs(ctx, store.LogFilter{})
			mustNil(t, err)
			in.ID, in.Time = id, want(in.Time)
			diff(t, []store.LogLine{in}, got)
			mustUTC(t, got[0].Time)
		}},
		{"LogsFilters", func(t *testing.T, s store.Store) {
			add := func(d time.Duration, level store.Level, route, entity string) int64 {
				t.Helper()
				id, err := s.AddLog(ctx, store.LogLine{Time: at(d), Level: level, Route: route, Entity: entity, Message: "m"})
				mustNil(t, err)
				return id
			}
			a := add(0, store.LevelInfo, "orders", "order 1")
			b := add(time.Minute, store.LevelError, "orders", "order 2")
			c := add(2*time.Minute, store.LevelWarn, "stock", "sku A")
			d := add(3*time.Minute, store.LevelError, "stock", "order 2")
			ids := func(f store.LogFilter) []int64 {
				t.Helper()
				got, err := s.ListLogs(ctx, f)
				mustNil(t, err)
				out := []int64{}
				for _, l := range got {
					out = append(out, l.ID)
				}
				return out
			}
			cases := []struct {
				f    store.LogFilter
				want []int64
			}{
				{store.LogFilter{}, []int64{d, c, b, a}},
				{store.LogFilter{Route: "orders"}, []int64{b, a}},
				{store.LogFilter{Level: store.LevelError}, []int64{d, b}},
				{store.LogFilter{Entity: "order 2"}, []int64{d, b}},
				{store.LogFilter{Since: at(time.Minute)}, []int64{d, c, b}},
				{store.LogFilter{Until: at(2 * time.Minute)}, []int64{b, a}},
				{store.LogFilter{Since: at(time.Minute), Until: at(3 * time.Minute)}, []int64{c, b}},
				{store.LogFilter{Route: "stock", Level: store.LevelError}, []int64{d}},
				{store.LogFilter{Route: "nope"}, []int64{}},
			}
			for _, cs := range cases {
				if diff := cmp.Diff(cs.want, ids(cs.f)); diff != "" {
					t.Errorf("ListLogs(%+v) (-want +got):\n%s", cs.f, diff)
				}
			}
		}},
		{"LogsPaging", func(t *testing.T, s store.Store) {
			var all []int64
			for i := range 7 {
				id, err := s.AddLog(ctx, store.LogLine{Time: at(time.Duration(i) * time.Second), Route: "orders", Message: fmt.Sprint(i)})
				mustNil(t, err)
				all = append([]int64{id}, all...)
			}
			var got []int64
			var before int64
			for pages := 0; ; pages++ {
				if pages > 10 {
					t.Fatal("paging does not end")
				}
				page, err := s.ListLogs(ctx, store.LogFilter{Route: "orders", Limit: 3, BeforeID: before})
				mustNil(t, err)
				if len(page) == 0 {
					break
				}
				if len(page) > 3 {
					t.Fatalf("page of %d lines, limit 3", len(page))
				}
				for _, l := range page {
					got = append(got, l.ID)
				}
				before = page[len(page)-1].ID
			}
			diff(t, all, got)
		}},
		{"LogsPrune", func(t *testing.T, s store.Store) {
			for i := range 5 {
				_, err := s.AddLog(ctx, store.LogLine{Time: at(time.Duration(i) * time.Hour), Message: fmt.Sprint(i)})
				mustNil(t, err)
			}
			n, err := s.PruneLogs(ctx, at(2*time.Hour))
			mustNil(t, err)
			if n != 2 {
				t.Errorf("PruneLogs deleted %d, want 2", n)
			}
			left, err := s.ListLogs(ctx, store.LogFilter{})
			mustNil(t, err)
			var msgs []string
			for _, l := range left {
				msgs = append(msgs, l.Message)
			}
			diff(t, []string{"4", "3", "2"}, msgs)
			n, err = s.PruneLogs(ctx, at(2*time.Hour))
			mustNil(t, err)
			if n != 0 {
				t.Errorf("second PruneLogs deleted %d, want 0", n)
			}
		}},
		{"MarkInbox", func(t *testing.T, s store.Store) {
			mustNotFound(t, s.MarkInbox(ctx, 12345, at(0), ""))
			var ids []int64
			for i := range 4 {
				id, _, err := s.AddInbox(ctx, store.InboxItem{Connection: "shop", Topic: "t", DedupKey: fmt.Sprint(i), ReceivedAt: at(time.Duration(i) * time.Second)})
				mustNil(t, err)
				ids = append(ids, id)
			}
			mustNil(t, s.MarkInbox(ctx, ids[1], at(time.Minute), ""))
			mustNil(t, s.MarkInbox(ctx, ids[2], at(time.Minute), "odoo down"))
			pending, err := s.PendingInbox(ctx, 10)
			mustNil(t, err)
			diff(t, []store.InboxItem{
				{ID: ids[0], Connection: "shop", Topic: "t", DedupKey: "0", ReceivedAt: want(at(0))},
				{ID: ids[3], Connection: "shop", Topic: "t", DedupKey: "3", ReceivedAt: want(at(3 * time.Second))},
			}, pending)
			// A processed item still deduplicates its redelivery.
			id, dup, err := s.AddInbox(ctx, store.InboxItem{Connection: "shop", Topic: "t", DedupKey: "1"})
			mustNil(t, err)
			if !dup || id != ids[1] {
				t.Errorf("redelivery of processed item: id %d dup %v, want %d true", id, dup, ids[1])
			}
		}},
		{"Migrate", func(t *testing.T, s store.Store) {
			mustNil(t, s.PutSetting(ctx, "k", "v"))
			// Migrating a current store again is a no-op that keeps the data.
			mustNil(t, store.Migrate(ctx, s))
			mustNil(t, store.Migrate(ctx, s))
			v, err := s.GetSetting(ctx, "k")
			mustNil(t, err)
			if v != "v" {
				t.Errorf("setting after Migrate = %q, want v", v)
			}
		}},
		{"PendingInboxOrderAndLimit", func(t *testing.T, s store.Store) {
			for i := range 5 {
				_, _, err := s.AddInbox(ctx, store.InboxItem{Connection: "shop", Topic: "t", DedupKey: fmt.Sprint(i), Payload: []byte(fmt.Sprint(i)), ReceivedAt: at(0)})
				mustNil(t, err)
			}
			got, err := s.PendingInbox(ctx, 3)
			mustNil(t, err)
			var keys []string
			for _, it := range got {
				keys = append(keys, it.DedupKey)
				mustUTC(t, it.ReceivedAt)
				if !it.ProcessedAt.IsZero() || it.Error != "" {
					t.Errorf("pending item %+v has processed fields", it)
				}
			}
			diff(t, []string{"0", "1", "2"}, keys)
		}},
		{"PutLinkConcurrentSameLocal", func(t *testing.T, s store.Store) {
			errs := race(8, func(i int) error {
				return s.PutLink(ctx, store.Link{Connection: "erp", Kind: "order", LocalID: "shop:1", RemoteID: fmt.Sprint(100 + i)})
			})
			winner := oneWinner(t, errs)
			got, err := s.GetLinkByLocal(ctx, "erp", "order", "shop:1")
			mustNil(t, err)
			if got.RemoteID != fmt.Sprint(100+winner) {
				t.Errorf("stored remote id %s, want the winner's %d", got.RemoteID, 100+winner)
			}
		}},
		{"PutLinkConcurrentSameRemote", func(t *testing.T, s store.Store) {
			errs := race(8, func(i int) error {
				return s.PutLink(ctx, store.Link{Connection: "erp", Kind: "order", LocalID: fmt.Sprintf("shop:%d", i), RemoteID: "42"})
			})
			winner := oneWinner(t, errs)
			got, err := s.GetLinkByRemote(ctx, "erp", "order", "42")
			mustNil(t, err)
			if got.LocalID != fmt.Sprintf("shop:%d", winner) {
				t.Errorf("stored local id %s, want the winner's shop:%d", got.LocalID, winner)
			}
		}},
		{"PutLinkConflict", func(t *testing.T, s store.Store) {
			mustNil(t, s.PutLink(ctx, store.Link{Connection: "erp", Kind: "order", LocalID: "shop:1", RemoteID: "42", Hash: "h1"}))
			// The remote id is taken by another local id.
			err := s.PutLink(ctx, store.Link{Connection: "erp", Kind: "order", LocalID: "shop:2", RemoteID: "42"})
			if !errors.Is(err, store.ErrLinkConflict) {
				t.Errorf("remote id reused: err %v, want ErrLinkConflict", err)
			}
			// The local id is already linked to another remote id.
			err = s.PutLink(ctx, store.Link{Connection: "erp", Kind: "order", LocalID: "shop:1", RemoteID: "43"})
			if !errors.Is(err, store.ErrLinkConflict) {
				t.Errorf("local id relinked: err %v, want ErrLinkConflict", err)
			}
			got, err := s.GetLinkByLocal(ctx, "erp", "order", "shop:1")
			mustNil(t, err)
			if got.RemoteID != "42" || got.Hash != "h1" {
				t.Errorf("link after conflicts %+v, want the first one unchanged", got)
			}
			_, err = s.GetLinkByLocal(ctx, "erp", "order", "shop:2")
			mustNotFound(t, err)
			// The same ids under another connection or kind are independent.
			mustNil(t, s.PutLink(ctx, store.Link{Connection: "erp", Kind: "partner", LocalID: "shop:2", RemoteID: "42"}))
			mustNil(t, s.PutLink(ctx, store.Link{Connection: "wms", Kind: "order", LocalID: "shop:2", RemoteID: "42"}))
		}},
		{"PutLinkRoundTrip", func(t *testing.T, s store.Store) {
			in := store.Link{Connection: "erp", Kind: "order", LocalID: "shop:1234", RemoteID: "42", Hash: "sha256:ab", SourceVersion: "2026-11-22T10:00:00Z", Data: []byte(`{"name":"S00042"}`), SyncedAt: at(0)}
			mustNil(t, s.PutLink(ctx, in))
			in.SyncedAt = want(in.SyncedAt)
			byLocal, err := s.GetLinkByLocal(ctx, "erp", "order", "shop:1234")
			mustNil(t, err)
			diff(t, in, byLocal)
			mustUTC(t, byLocal.SyncedAt)
			byRemote, err := s.GetLinkByRemote(ctx, "erp", "order", "42")
			mustNil(t, err)
			diff(t, in, byRemote)
		}},
		{"PutLinkUpdate", func(t *testing.T, s store.Store) {
			mustNil(t, s.PutLink(ctx, store.Link{Connection: "erp", Kind: "order", LocalID: "shop:1", RemoteID: "42", Hash: "h1", SourceVersion: "1", Data: []byte(`{}`), SyncedAt: at(0)}))
			upd := store.Link{Connection: "erp", Kind: "order", LocalID: "shop:1", RemoteID: "42", Hash: "h2", SourceVersion: "2", SyncedAt: at(time.Hour)}
			mustNil(t, s.PutLink(ctx, upd))
			got, err := s.GetLinkByLocal(ctx, "erp", "order", "shop:1")
			mustNil(t, err)
			upd.SyncedAt = want(upd.SyncedAt)
			diff(t, upd, got)
		}},
		{"Routes", func(t *testing.T, s store.Store) {
			_, err := s.GetRoute(ctx, "orders")
			mustNotFound(t, err)
			r := store.Route{Name: "orders", Flow: "orders_to_erp", From: "shop", To: "erp", Schedule: "*/5 * * * *", Options: []byte(`{"state":"draft"}`), Enabled: true, UpdatedAt: at(0)}
			mustNil(t, s.PutRoute(ctx, r))
			mustNil(t, s.PutRoute(ctx, store.Route{Name: "a-stock", Flow: "stock_to_shop", From: "erp", To: "shop", UpdatedAt: at(0)}))
			got, err := s.GetRoute(ctx, "orders")
			mustNil(t, err)
			r.UpdatedAt = want(r.UpdatedAt)
			diff(t, r, got)
			mustUTC(t, got.UpdatedAt)
			r.Enabled, r.Schedule, r.Options, r.UpdatedAt = false, "@hourly", nil, want(at(time.Minute))
			mustNil(t, s.PutRoute(ctx, r))
			list, err := s.ListRoutes(ctx)
			mustNil(t, err)
			diff(t, []store.Route{{Name: "a-stock", Flow: "stock_to_shop", From: "erp", To: "shop", UpdatedAt: want(at(0))}, r}, list)
			mustNil(t, s.DeleteRoute(ctx, "orders"))
			mustNotFound(t, s.DeleteRoute(ctx, "orders"))
			_, err = s.GetRoute(ctx, "orders")
			mustNotFound(t, err)
		}},
		{"UsersSessionsTokens", func(t *testing.T, s store.Store) {
			mustNil(t, s.PutUser(ctx, store.User{Name: "ops", PasswordHash: "h1", Role: store.RoleOperator, CreatedAt: at(0)}))
			mustNil(t, s.PutUser(ctx, store.User{Name: "admin", PasswordHash: "h0", Role: store.RoleAdmin}))
			// Replacing keeps the creation time and changes hash and role.
			mustNil(t, s.PutUser(ctx, store.User{Name: "ops", PasswordHash: "h2", Role: store.RoleViewer, CreatedAt: at(time.Hour)}))
			u, err := s.GetUser(ctx, "ops")
			mustNil(t, err)
			if u.PasswordHash != "h2" || u.Role != store.RoleViewer || !u.CreatedAt.Equal(want(at(0))) {
				t.Fatalf("user after replace: %+v", u)
			}
			list, err := s.ListUsers(ctx)
			mustNil(t, err)
			if len(list) != 2 || list[0].Name != "admin" {
				t.Fatalf("users: %+v", list)
			}
			_, err = s.GetUser(ctx, "nobody")
			mustNotFound(t, err)

			mustNil(t, s.PutSession(ctx, store.Session{ID: "s1", User: "ops", CSRF: "c1", CreatedAt: at(0), ExpiresAt: at(time.Hour)}))
			mustNil(t, s.PutSession(ctx, store.Session{ID: "s2", User: "ops", CSRF: "c2", CreatedAt: at(0), ExpiresAt: at(time.Minute)}))
			ss, err := s.GetSession(ctx, "s1", at(30*time.Minute))
			mustNil(t, err)
			if ss.User != "ops" || ss.CSRF != "c1" || !ss.ExpiresAt.Equal(want(at(time.Hour))) {
				t.Fatalf("session: %+v", ss)
			}
			_, err = s.GetSession(ctx, "s2", at(30*time.Minute))
			mustNotFound(t, err) // expired
			n, err := s.PruneSessions(ctx, at(30*time.Minute))
			mustNil(t, err)
			if n != 1 {
				t.Fatalf("pruned %d sessions, want 1", n)
			}
			mustNil(t, s.DeleteSession(ctx, "s1"))
			_, err = s.GetSession(ctx, "s1", at(0))
			mustNotFound(t, err)

			mustNil(t, s.PutToken(ctx, store.Token{ID: "t1", User: "admin", Label: "ci"}))
			tok, err := s.GetToken(ctx, "t1")
			mustNil(t, err)
			if tok.User != "admin" || tok.Label != "ci" || tok.CreatedAt.IsZero() {
				t.Fatalf("token: %+v", tok)
			}
			if err := s.PutToken(ctx, store.Token{ID: "t2", User: "nobody", Label: "x"}); err == nil {
				t.Fatal("a token of an unknown user was stored")
			}
			// Deleting a user takes its sessions and tokens with it.
			mustNil(t, s.PutSession(ctx, store.Session{ID: "s3", User: "admin", CSRF: "c3", ExpiresAt: at(time.Hour)}))
			mustNil(t, s.DeleteUser(ctx, "admin"))
			_, err = s.GetToken(ctx, "t1")
			mustNotFound(t, err)
			_, err = s.GetSession(ctx, "s3", at(0))
			mustNotFound(t, err)
			mustNotFound(t, s.DeleteUser(ctx, "admin"))
		}},
		{"RouteStatsAndRuns", func(t *testing.T, s store.Store) {
			mustNil(t, s.AddRouteStats(ctx, "orders", at(0), store.Counts{Created: 2, Parked: 1}))
			mustNil(t, s.AddRouteStats(ctx, "orders", at(10*time.Minute), store.Counts{Created: 3, Failed: 1, Unchanged: 4}))
			mustNil(t, s.AddRouteStats(ctx, "orders", at(2*time.Hour), store.Counts{Updated: 5}))
			mustNil(t, s.AddRouteStats(ctx, "stock", at(0), store.Counts{Updated: 7}))
			all, err := s.ListRouteStats(ctx, "", at(-time.Hour))
			mustNil(t, err)
			if len(all) != 3 {
				t.Fatalf("stats: %+v", all)
			}
			orders, err := s.ListRouteStats(ctx, "orders", time.Time{})
			mustNil(t, err)
			hour := want(at(0)).Truncate(time.Hour)
			wantStats := []store.RouteStat{
				{Route: "orders", Hour: hour, Counts: store.Counts{Created: 5, Unchanged: 4, Parked: 1, Failed: 1}},
				{Route: "orders", Hour: hour.Add(2 * time.Hour), Counts: store.Counts{Updated: 5}},
			}
			if d := cmp.Diff(wantStats, orders); d != "" {
				t.Fatalf("orders stats (-want +got):\n%s", d)
			}
			later, err := s.ListRouteStats(ctx, "orders", at(time.Hour))
			mustNil(t, err)
			if len(later) != 1 || later[0].Updated != 5 {
				t.Fatalf("stats since an hour later: %+v", later)
			}
			mustNil(t, s.PutRouteRun(ctx, store.RouteRun{Route: "orders", StartedAt: at(0), FinishedAt: at(time.Second), Queued: 3}))
			mustNil(t, s.PutRouteRun(ctx, store.RouteRun{Route: "orders", StartedAt: at(time.Minute), FinishedAt: at(time.Minute + time.Second), Error: "shop: 503"}))
			runs, err := s.ListRouteRuns(ctx)
			mustNil(t, err)
			if len(runs) != 1 || runs[0].Error != "shop: 503" || runs[0].Queued != 0 || !runs[0].StartedAt.Equal(want(at(time.Minute))) {
				t.Fatalf("runs: %+v", runs)
			}
		}},
		{"Settings", func(t *testing.T, s store.Store) {
			_, err := s.GetSetting(ctx, "key_check")
			mustNotFound(t, err)
			mustNil(t, s.PutSetting(ctx, "key_check", "v1"))
			mustNil(t, s.PutSetting(ctx, "key_check", "v2"))
			mustNil(t, s.PutSetting(ctx, "other", ""))
			v, err := s.GetSetting(ctx, "key_check")
			mustNil(t, err)
			if v != "v2" {
				t.Errorf("GetSetting = %q, want v2", v)
			}
			v, err = s.GetSetting(ctx, "other")
			mustNil(t, err)
			if v != "" {
				t.Errorf("GetSetting(other) = %q, want empty", v)
			}
		}},
		{"TimestampsMicrosecondUTC", func(t *testing.T, s store.Store) {
			// A time far from the epoch and one before it, in a zone west of UTC.
			for i, tm := range []time.Time{
				time.Date(2099, 12, 31, 23, 59, 59, 999999999, time.FixedZone("X", -5*60*60)),
				time.Date(1969, 7, 20, 20, 17, 40, 1000, time.UTC),
			} {
				route := fmt.Sprint("r", i)
				mustNil(t, s.PutCursor(ctx, store.Cursor{Route: route, Name: "c", Value: "v", UpdatedAt: tm}))
				got, err := s.GetCursor(ctx, route, "c")
				mustNil(t, err)
				if !got.UpdatedAt.Equal(want(tm)) || got.UpdatedAt.Location() != time.UTC {
					t.Errorf("stored %v, got back %v (%v), want %v in UTC", tm, got.UpdatedAt, got.UpdatedAt.Location(), want(tm))
				}
			}
		}},
		{"ClaimsReplaceOwner", func(t *testing.T, s store.Store) {
			mustNil(t, s.PutClaims(ctx, []store.Claim{{Route: "orders", Entity: "1", JobID: 7, Version: "v1", UpdatedAt: at(0)}, {Route: "orders", Entity: "2", JobID: 7, Version: "v1"}}))
			mustNil(t, s.PutClaims(ctx, []store.Claim{{Route: "orders", Entity: "1", JobID: 9, Version: "v2", UpdatedAt: at(time.Second)}, {Route: "stock", Entity: "1", JobID: 3, Version: "x"}}))
			got, err := s.ListClaims(ctx, "orders", []string{"1", "2", "3"})
			mustNil(t, err)
			byEntity := map[string]store.Claim{}
			for _, c := range got {
				byEntity[c.Entity] = c
			}
			if len(got) != 2 || byEntity["1"].JobID != 9 || byEntity["1"].Version != "v2" || byEntity["2"].JobID != 7 {
				t.Fatalf("claims %+v, want entity 1 owned by job 9 at v2 and entity 2 by job 7", got)
			}
			diff(t, want(at(time.Second)), byEntity["1"].UpdatedAt)
		}},
		{"SwapClaimsOnlyFromTheExpectedOwner", func(t *testing.T, s store.Store) {
			got, err := s.SwapClaims(ctx, []store.Claim{{Route: "orders", Entity: "1", JobID: 5, Version: "v1"}, {Route: "orders", Entity: "2", JobID: 5, Version: "v1"}})
			mustNil(t, err)
			diff(t, []bool{true, true}, got)
			// 1 was handed from 5 to 6 meanwhile; a swap expecting 5 leaves 6.
			_, err = s.SwapClaims(ctx, []store.Claim{{Route: "orders", Entity: "1", JobID: 6, Version: "v1", Prev: 5}})
			mustNil(t, err)
			got, err = s.SwapClaims(ctx, []store.Claim{{Route: "orders", Entity: "1", JobID: 7, Version: "v2", Prev: 5}, {Route: "orders", Entity: "2", JobID: 7, Version: "v2"}, {Route: "orders", Entity: "3", JobID: 7, Version: "v2"}})
			mustNil(t, err)
			diff(t, []bool{false, false, true}, got)
			list, err := s.ListClaims(ctx, "orders", []string{"1", "2", "3"})
			mustNil(t, err)
			owner := map[string]int64{}
			for _, c := range list {
				owner[c.Entity] = c.JobID
			}
			diff(t, map[string]int64{"1": 6, "2": 5, "3": 7}, owner)
		}},
		{"LeaseAllOrNone", func(t *testing.T, s store.Store) {
			until := time.Now().Add(time.Minute)
			ok, err := s.TryLease(ctx, "a", []string{"k1", "k2"}, until)
			mustNil(t, err)
			if !ok {
				t.Fatal("a could not take free keys")
			}
			// b wants k2 (held) and k3 (free): it gets neither.
			ok, err = s.TryLease(ctx, "b", []string{"k3", "k2"}, until)
			mustNil(t, err)
			if ok {
				t.Fatal("b took k2 while a holds it")
			}
			ok, err = s.TryLease(ctx, "c", []string{"k3"}, until)
			mustNil(t, err)
			if !ok {
				t.Fatal("k3 stayed taken after b's failed take")
			}
			// The holder extends its own lease.
			ok, err = s.TryLease(ctx, "a", []string{"k1"}, until.Add(time.Minute))
			mustNil(t, err)
			if !ok {
				t.Fatal("a could not extend its own lease")
			}
			mustNil(t, s.ReleaseLease(ctx, "b", []string{"k1"}))
			ok, err = s.TryLease(ctx, "b", []string{"k1"}, until)
			mustNil(t, err)
			if ok {
				t.Fatal("b released a's key")
			}
			mustNil(t, s.ReleaseLease(ctx, "a", []string{"k1", "k2"}))
			ok, err = s.TryLease(ctx, "b", []string{"k1", "k2"}, until)
			mustNil(t, err)
			if !ok {
				t.Fatal("released keys stayed taken")
			}
		}},
		{"LeaseExpires", func(t *testing.T, s store.Store) {
			ok, err := s.TryLease(ctx, "dead", []string{"k"}, time.Now().Add(-time.Second))
			mustNil(t, err)
			if !ok {
				t.Fatal("first take failed")
			}
			ok, err = s.TryLease(ctx, "alive", []string{"k"}, time.Now().Add(time.Minute))
			mustNil(t, err)
			if !ok {
				t.Fatal("an expired lease kept its key")
			}
		}},
		{"LeaseRace", func(t *testing.T, s store.Store) {
			var mu sync.Mutex
			won := 0
			errs := race(8, func(i int) error {
				ok, err := s.TryLease(ctx, fmt.Sprint("owner", i), []string{"order:SHOP-1", "partner:a@example.fi"}, time.Now().Add(time.Minute))
				if ok {
					mu.Lock()
					won++
					mu.Unlock()
				}
				return err
			})
			for _, err := range errs {
				mustNil(t, err)
			}
			if won != 1 {
				t.Fatalf("%d owners took the same keys at once, want 1", won)
			}
		}},
		{"LockerExcludes", func(t *testing.T, s store.Store) {
			l := store.NewLocker(s, "test")
			l.TTL = 300 * time.Millisecond
			var mu sync.Mutex
			inside, most := 0, 0
			errs := race(4, func(int) error {
				unlock, err := l.Lock(ctx, "order:SHOP-9")
				if err != nil {
					return err
				}
				mu.Lock()
				inside++
				most = max(most, inside)
				mu.Unlock()
				// Longer than the TTL: the lease must be renewed while held.
				time.Sleep(400 * time.Millisecond)
				mu.Lock()
				inside--
				mu.Unlock()
				unlock()
				return nil
			})
			for _, err := range errs {
				mustNil(t, err)
			}
			if most != 1 {
				t.Fatalf("%d holders at once, want 1", most)
			}
		}},
		{"SkipsReplaceAndPage", func(t *testing.T, s store.Store) {
			mustNil(t, s.PutSkips(ctx, []store.Skip{
				{Route: "orders", Entity: "1", Label: "order 1", Version: "v1", Reason: "no shipping method", At: at(0)},
				{Route: "orders", Entity: "2", Label: "order 2", Version: "v1", Reason: "no payment method", At: at(time.Second)},
				{Route: "other", Entity: "1", Label: "order 1", Version: "v1", Reason: "x", At: at(0)},
			}))
			mustNil(t, s.PutSkips(ctx, []store.Skip{{Route: "orders", Entity: "1", Label: "order 1", Version: "v2", Reason: "cancelled before import", At: at(2 * time.Second)}}))
			got, total, err := s.ListSkips(ctx, store.SkipFilter{Route: "orders", Limit: 1})
			mustNil(t, err)
			if total != 2 || len(got) != 1 || got[0].Entity != "1" || got[0].Reason != "cancelled before import" {
				t.Fatalf("skips %+v (total %d), want the replaced entity 1 first of 2", got, total)
			}
			got, _, err = s.ListSkips(ctx, store.SkipFilter{Route: "orders", Limit: 1, Offset: 1})
			mustNil(t, err)
			if len(got) != 1 || got[0].Entity != "2" {
				t.Fatalf("second page %+v, want entity 2", got)
			}
			got, total, err = s.ListSkips(ctx, store.SkipFilter{Route: "orders", Entities: []string{"2", "9"}})
			mustNil(t, err)
			if total != 1 || len(got) != 1 || got[0].Entity != "2" {
				t.Fatalf("skips of entities 2 and 9: %+v (total %d), want entity 2 alone", got, total)
			}
			mustNil(t, s.DeleteSkips(ctx, "orders", []string{"1", "2"}))
			_, total, err = s.ListSkips(ctx, store.SkipFilter{})
			mustNil(t, err)
			if total != 1 {
				t.Fatalf("%d skips left, want the other route's 1", total)
			}
		}},
		{"ResolveSupersededOnlyOlderJobsOfTheEntity", func(t *testing.T, s store.Store) {
			for _, is := range []store.JobIssue{
				{JobID: 1, Route: "orders", Entity: "order 7", Class: store.NeedsAction, Reason: "a", CreatedAt: at(0)},
				{JobID: 2, Route: "orders", Entity: "order 8", Class: store.NeedsAction, Reason: "b", CreatedAt: at(0)},
				{JobID: 3, Route: "stock", Entity: "order 7", Class: store.NeedsAction, Reason: "c", CreatedAt: at(0)},
				{JobID: 9, Route: "orders", Entity: "order 7", Class: store.Permanent, Reason: "d", CreatedAt: at(0)},
			} {
				mustNil(t, s.PutIssue(ctx, is))
			}
			n, err := s.ResolveSuperseded(ctx, "orders", "order 7", 5, at(time.Second))
			mustNil(t, err)
			open, err := s.ListIssues(ctx, store.IssueFilter{Open: true})
			mustNil(t, err)
			if n != 1 || len(open) != 3 {
				t.Fatalf("resolved %d, open %+v; want only job 1's resolved", n, open)
			}
		}},
		{"CallHealthReplacesAMinuteAndPrunes", func(t *testing.T, s store.Store) {
			m := at(0).Truncate(time.Minute)
			mustNil(t, s.PutCallHealth(ctx, []store.CallHealth{
				{Connection: "erp", Minute: m, Process: "p1", OK: 3, Failed: 1, LastAt: at(time.Second), LastOK: false, LastError: "HTTP 503"},
				{Connection: "erp", Minute: m.Add(-time.Hour), Process: "p1", OK: 9, LastAt: at(-time.Hour), LastOK: true},
			}))
			// The same minute put again carries its totals so far: replaced, not added.
			mustNil(t, s.PutCallHealth(ctx, []store.CallHealth{{Connection: "erp", Minute: m, Process: "p1", OK: 4, Failed: 2, LastAt: at(2 * time.Second), LastOK: true}}))
			mustNil(t, s.PutCallHealth(ctx, []store.CallHealth{{Connection: "erp", Minute: m, Process: "p2", OK: 1, LastAt: at(time.Second), LastOK: true}}))
			got, err := s.ListCallHealth(ctx, m)
			mustNil(t, err)
			if len(got) != 2 || got[0].OK != 4 || got[0].Failed != 2 || !got[0].LastOK || got[0].LastError != "" || got[1].Process != "p2" {
				t.Fatalf("call health %+v", got)
			}
			mustUTC(t, got[0].LastAt)
			mustNil(t, s.PruneCallHealth(ctx, m))
			all, err := s.ListCallHealth(ctx, m.Add(-2*time.Hour))
			mustNil(t, err)
			if len(all) != 2 {
				t.Fatalf("%d minutes after pruning, want the 2 of the recent minute", len(all))
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, newStore(t))
		})
	}
}

// race runs f(0..n-1) at once and returns their errors.
func race(n int, f func(i int) error) []error {
	errs := make([]error, n)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range n {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			errs[i] = f(i)
		}()
	}
	start.Done()
	done.Wait()
	return errs
}

// oneWinner checks that exactly one call succeeded and every other one got
// ErrLinkConflict, and returns the winner's index.
func oneWinner(t *testing.T, errs []error) int {
	t.Helper()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil:
			if winner >= 0 {
				t.Fatalf("calls %d and %d both succeeded", winner, i)
			}
			winner = i
		case !errors.Is(err, store.ErrLinkConflict):
			t.Fatalf("call %d: %v, want nil or ErrLinkConflict", i, err)
		}
	}
	if winner < 0 {
		t.Fatalf("no call succeeded: %v", errs)
	}
	return winner
}

func mustNil(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func mustNotFound(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("err %v, want ErrNotFound", err)
	}
}

func mustUTC(t *testing.T, tm time.Time) {
	t.Helper()
	if tm.Location() != time.UTC {
		t.Errorf("time %v is in %v, want UTC", tm, tm.Location())
	}
}

func diff(t *testing.T, want, got any) {
	t.Helper()
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

package odoo

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// On 16 two overlapping action_post calls of a journal's first invoices of a
// year both number INV/<year>/00001; the later fails with the unique-name
// ValidationError and leaves its invoice draft, and posting it again takes
// 00002. On 18 both post with their own numbers. 14 and 15 have no
// account_sequence, so no unique index: both commit the same number (derived
// from their source, not seen).
func TestConcurrentFirstPosts(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 18} {
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		srv := httptest.NewServer(New(Options{Version: version, Products: 1, Partners: 2, PostLatency: 150 * time.Millisecond, Now: func() time.Time { return now }}).Handler())
		defer srv.Close()
		c := caller{t, srv.URL}
		var inv []int64
		for i := 0; i < 2; i++ {
			inv = append(inv, result[int64](t, kw(t, srv.URL, "account.move", "create", []any{map[string]any{"move_type": "out_invoice", "partner_id": 1,
				"invoice_line_ids": []any{[]any{0, 0, map[string]any{"product_id": 1, "quantity": 1, "price_unit": 10}}}}}, nil)))
		}
		errs := make([]json.RawMessage, 2)
		var wg sync.WaitGroup
		for i := range inv {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = kw(t, srv.URL, "account.move", "action_post", []any{[]any{inv[i]}}, nil)["error"]
			}()
		}
		wg.Wait()
		rows := c.read("account.move", inv, "state", "name")
		failed := -1
		for i, e := range errs {
			if e != nil {
				failed = i
			}
		}
		if version == 18 {
			if failed >= 0 || rows[0]["name"] == rows[1]["name"] {
				t.Errorf("18 concurrent posts: %s %v", errs[failed], rows)
			}
			continue
		}
		if version <= 15 {
			// No unique index: both commit the journal's first number
			// (14 by month, 15 by year); the next post locks the last one.
			first := map[int]string{14: "INV/2026/03/0001", 15: "INV/2026/00001"}[version]
			if failed >= 0 || rows[0]["state"] != "posted" || rows[0]["name"] != first || rows[1]["name"] != first {
				t.Errorf("%d concurrent first posts: %s %v", version, errs, rows)
			}
			_, third := c.postedInvoice(10)
			if n := c.one("account.move", third, "name")["name"]; n != map[int]string{14: "INV/2026/03/0002", 15: "INV/2026/00002"}[version] {
				t.Errorf("%d the next invoice: %v", version, n)
			}
			continue
		}
		if failed < 0 || errs[1-failed] != nil {
			t.Fatalf("16: want one of two posts to fail, got %s / %s", errs[0], errs[1])
		}
		if e := string(errs[failed]); !strings.Contains(e, "odoo.exceptions.ValidationError") || !strings.Contains(e, "Another entry with the same name already exists.") {
			t.Errorf("16 duplicate name error: %s", e)
		}
		if rows[failed]["state"] != "draft" || rows[1-failed]["name"] != "INV/2026/00001" {
			t.Errorf("16 after the conflict: %v", rows)
		}
		c.call("account.move", "action_post", []any{[]any{inv[failed]}}, nil)
		if r := c.read("account.move", inv[failed:failed+1], "state", "name")[0]; r["state"] != "posted" || r["name"] != fmt.Sprintf("INV/2026/%05d", 2) {
			t.Errorf("16 re-post: %v", r)
		}
	}
}

// One action_post of a journal's first invoices numbers them one after the
// other in its one transaction, on 16 too: only overlapping calls collide.
func TestOneCallPostsTheFirstInvoicesInOrder(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	srv := httptest.NewServer(New(Options{Version: 16, Products: 1, Partners: 2, PostLatency: 10 * time.Millisecond, Now: func() time.Time { return now }}).Handler())
	defer srv.Close()
	c := caller{t, srv.URL}
	var inv []int64
	for i := 0; i < 3; i++ {
		inv = append(inv, result[int64](t, kw(t, srv.URL, "account.move", "create", []any{map[string]any{"move_type": "out_invoice", "partner_id": 1,
			"invoice_line_ids": []any{[]any{0, 0, map[string]any{"product_id": 1, "quantity": 1, "price_unit": 10}}}}}, nil)))
	}
	if e := kw(t, srv.URL, "account.move", "action_post", []any{inv}, nil)["error"]; e != nil {
		t.Fatalf("one action_post of 3 first invoices: %s", e)
	}
	var names []string
	for _, r := range c.read("account.move", inv, "name") {
		names = append(names, fmt.Sprint(r["name"]))
	}
	if strings.Join(names, " ") != "INV/2026/00001 INV/2026/00002 INV/2026/00003" {
		t.Fatalf("names %v", names)
	}
}

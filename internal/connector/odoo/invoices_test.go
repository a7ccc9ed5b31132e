package odoo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	sandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
)

// wizardCall is one sale.advance.payment.inv call as Odoo got it.
type wizardCall struct {
	method       string
	activeIDs    []int64
	consolidated any // the create's consolidated_billing, nil when not sent
}

// groupingOdoo is the sandbox, which invoices as real Odoo does (16/17 group
// a customer's orders into one invoice; 18/19 too while consolidated_billing,
// default True); the proxy in front records the wizard calls.
func groupingOdoo(t *testing.T, version int) (*Client, *sandbox.Server, func() []wizardCall) {
	t.Helper()
	sb := sandbox.New(sandbox.Options{Version: version})
	h := sb.Handler()
	var mu sync.Mutex
	var calls []wizardCall
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var rpc struct {
			Params struct{ Args []json.RawMessage }
		}
		var model, method string
		var kw map[string]any
		if r.URL.Path == "/jsonrpc" {
			json.Unmarshal(body, &rpc)
			if len(rpc.Params.Args) > 6 {
				json.Unmarshal(rpc.Params.Args[3], &model)
				json.Unmarshal(rpc.Params.Args[4], &method)
				json.Unmarshal(rpc.Params.Args[6], &kw)
			}
		} else if p, ok := strings.CutPrefix(r.URL.Path, "/json/2/"); ok {
			model, method, _ = strings.Cut(p, "/")
			json.Unmarshal(body, &kw)
		}
		if model == "sale.advance.payment.inv" {
			call := wizardCall{method: method}
			ctx, _ := kw["context"].(map[string]any)
			ids, _ := ctx["active_ids"].([]any)
			for _, id := range ids {
				call.activeIDs = append(call.activeIDs, int64(id.(float64)))
			}
			if method == "create" {
				call.consolidated = "absent"
				if bytes.Contains(body, []byte(`"consolidated_billing":false`)) {
					call.consolidated = false
				}
			}
			mu.Lock()
			calls = append(calls, call)
			mu.Unlock()
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	s := *DefaultSettings()
	s.URL, s.Database, s.RateLimit, s.Timeout = srv.URL, "ferry", 0, 5*time.Second
	c, err := New("erp", s, "admin", "demo-key", nil)
	if err != nil {
		t.Fatal(err)
	}
	return c, sb, func() []wizardCall { mu.Lock(); defer mu.Unlock(); return append([]wizardCall(nil), calls...) }
}

// TestOneInvoicePerOrder: a page of orders of one customer gets one invoice
// each, each naming one order, on every version: no wizard call on 16/17 has
// two orders of a customer (Odoo would group them), and 18+ send
// consolidated_billing False.
func TestOneInvoicePerOrder(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 17, 18, 19} {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, sb, calls := groupingOdoo(t, version)
			levels, _ := c.StockLevels(ctx)
			imps := testOrders(4)
			for i := range imps {
				imps[i].Order.Customer.Email = "same@example.fi"
				imps[i].Order.Lines[0].SKU, imps[i].Carrier = levels[0].SKU, "Posti SmartPOST"
			}
			imps[3].Order.Customer.Email = "other@example.fi"
			res, err := c.ImportOrders(ctx, imps)
			if err != nil {
				t.Fatal(err)
			}
			partnerOf := map[int64]any{}
			for _, r := range res {
				if r.Err != nil || r.Warning != "" || !r.Invoiced {
					t.Fatalf("%+v", r)
				}
				o := sb.SearchRead("sale.order", []any{[]any{"id", "=", mustInt(t, r.RemoteID)}}, []string{"partner_id", "invoice_ids", "name"})
				if ids := fmt.Sprint(o[0]["invoice_ids"]); strings.Contains(ids, " ") || ids == "[]" {
					t.Fatalf("order %v: invoices %v", r.Number, o[0]["invoice_ids"])
				}
				partnerOf[parseInt(r.RemoteID)] = fmt.Sprint(o[0]["partner_id"])
			}
			moves := sb.SearchRead("account.move", []any{[]any{"move_type", "=", "out_invoice"}}, []string{"invoice_origin", "state"})
			if len(moves) != 4 {
				t.Fatalf("%d invoices for 4 orders", len(moves))
			}
			for _, m := range moves {
				if strings.Contains(fmt.Sprint(m["invoice_origin"]), ",") || m["state"] != "posted" {
					t.Errorf("invoice %v", m)
				}
			}
			// A second import of the same orders finds them invoiced: no
			// invoice is counted twice.
			again, err := c.ImportOrders(ctx, imps)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range again {
				if r.Err != nil || r.Invoiced {
					t.Errorf("re-import: %+v", r)
				}
			}
			for _, call := range calls() {
				if version >= 18 {
					if call.method == "create" && call.consolidated != false {
						t.Errorf("wizard create without consolidated_billing False: %+v", call)
					}
					continue
				}
				seen := map[any]bool{}
				for _, id := range call.activeIDs {
					if seen[partnerOf[id]] {
						t.Errorf("one wizard call invoices two orders of one customer: %+v", call)
					}
					seen[partnerOf[id]] = true
				}
			}
		})
	}
}

func TestDistinctCustomers(t *testing.T) {
	t.Parallel()
	got := fmt.Sprint(distinctCustomers([]int64{1, 2, 3, 4, 5}, map[int64]int64{1: 7, 2: 7, 3: 8, 4: 7, 5: 9}))
	if got != "[[1 3 5] [2] [4]]" {
		t.Fatal(got)
	}
}

// TestPostingRetriesADuplicateNumber: 16 refuses a post whose draft number
// another entry took (account_move_unique_name); the client posts again
// under the journal's lock and no invoice stays draft.
func TestPostingRetriesADuplicateNumber(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sb := sandbox.New(sandbox.Options{Version: 16})
	h := sb.Handler()
	var refusals int
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		mu.Lock()
		refuse := bytes.Contains(body, []byte(`"account.move","action_post"`)) && refusals < 2
		if refuse {
			refusals++
		}
		mu.Unlock()
		if refuse {
			json.NewEncoder(w).Encode(map[string]any{"jsonrpc": "2.0", "id": 1, "error": map[string]any{"code": 200, "message": "Odoo Server Error", "data": map[string]any{"name": "odoo.exceptions.ValidationError", "message": "The operation cannot be completed: Another entry with the same name already exists."}}})
			return
		}
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	s := *DefaultSettings()
	s.URL, s.Database, s.RateLimit, s.Timeout = srv.URL, "ferry", 0, 5*time.Second
	c, _ := New("erp", s, "admin", "demo-key", nil)
	locks := &keyLocks{held: map[string]bool{}}
	c.WithLocks(locks)
	levels, _ := c.StockLevels(ctx)
	imps := testOrders(3)
	for i := range imps {
		imps[i].Order.Lines[0].SKU, imps[i].Carrier = levels[0].SKU, "Posti SmartPOST"
	}
	res, err := c.ImportOrders(ctx, imps)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Err != nil || r.Warning != "" {
			t.Fatalf("%+v", r)
		}
	}
	if drafts := sb.SearchRead("account.move", []any{[]any{"state", "=", "draft"}}, []string{"name"}); len(drafts) != 0 {
		t.Fatalf("drafts left: %v", drafts)
	}
	var post bool
	for _, k := range locks.taken {
		post = post || k[0] == "odoo:erp:post:sale"
	}
	if !post {
		t.Fatalf("posting took no journal lock: %v", locks.taken)
	}
}

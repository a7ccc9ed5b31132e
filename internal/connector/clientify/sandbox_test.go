package clientify

// The client against internal/sandbox/clientify, a Clientify written by
// someone who never read this client, with its DEFAULT options: the strict
// ones, its best guess of the real API (v2 lists need fields=, a literal
// taxpayer_identification_number= filter is ignored, only bracket date
// filters work, a path without its trailing slash is a 301, DRF page-number
// paging on a live list, 10 requests/s per key answered 429 with
// Retry-After, webhooks for every change). Only the clock is sometimes a
// test clock, and the client is given no rate limit of its own, so that the
// sandbox's throttle is met and waited out. The tests of lookups, updates
// and passes also run with every strictness switch the other way
// (sandboxVariants): where the sandbox guesses, the client works on both.
//
// Every test goes through wire, which fails a request that meets a
// redirect and, at the end, any path without its trailing slash.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/remote"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/clientify"
	"github.com/ferryhub/ferry/internal/sandbox/fault"
)

// wireCall is one request the client sent, and the status it got (0: none).
type wireCall struct {
	Method, Path, Query string
	Status              int
	At                  time.Time
	RetryAfter          string
}

// wire records the client's requests; before, when set, runs first (a test
// changes the sandbox at an exact point of an operation).
type wire struct {
	next   http.RoundTripper
	mu     sync.Mutex
	calls  []wireCall
	before func(r *http.Request)
}

func (w *wire) RoundTrip(r *http.Request) (*http.Response, error) {
	w.mu.Lock()
	before := w.before
	w.mu.Unlock()
	if before != nil {
		before(r)
	}
	resp, err := w.next.RoundTrip(r)
	c := wireCall{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, At: time.Now()}
	if resp != nil {
		c.Status = resp.StatusCode
		c.RetryAfter = resp.Header.Get("Retry-After")
	}
	w.mu.Lock()
	w.calls = append(w.calls, c)
	w.mu.Unlock()
	return resp, err
}

func (w *wire) list() []wireCall {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]wireCall(nil), w.calls...)
}

func (w *wire) setBefore(f func(r *http.Request)) {
	w.mu.Lock()
	w.before = f
	w.mu.Unlock()
}

// countPath counts the calls of method to exactly path.
func (w *wire) countPath(method, path string) int {
	n := 0
	for _, c := range w.list() {
		if c.Method == method && c.Path == path {
			n++
		}
	}
	return n
}

// count counts the calls of method whose path starts with prefix.
func (w *wire) count(method, prefix string) int {
	n := 0
	for _, c := range w.list() {
		if c.Method == method && strings.HasPrefix(c.Path, prefix) {
			n++
		}
	}
	return n
}

type sbEnv struct {
	t     *testing.T
	sb    *sandbox.Server
	srv   *httptest.Server
	wire  *wire
	traps sandbox.Traps
}

// startSandbox serves a sandbox with o (the zero Options are the defaults)
// over httptest.
func startSandbox(t *testing.T, o sandbox.Options) *sbEnv {
	t.Helper()
	sb := sandbox.New(o)
	srv := httptest.NewServer(sb.Handler())
	e := &sbEnv{t: t, sb: sb, srv: srv, wire: &wire{next: srv.Client().Transport}}
	// The generator is deterministic: the traps of the default data.
	if o.Data == nil && o.Companies == 0 && o.Contacts == 0 && o.Products == 0 && o.Seed == 0 {
		e.traps = sandbox.Generate(12, 30, 20, 1).Traps
	}
	t.Cleanup(func() {
		srv.Close()
		sb.Close()
		for _, c := range e.wire.list() {
			if c.Status >= 300 && c.Status < 400 {
				t.Errorf("%s %s?%s was answered %d: no request may rely on a redirect", c.Method, c.Path, c.Query, c.Status)
			}
			if !strings.HasSuffix(c.Path, "/") {
				t.Errorf("%s %s: the path has no trailing slash", c.Method, c.Path)
			}
		}
	})
	return e
}

// client is a client of the sandbox's /v2 with pages of 7 and no rate limit
// of its own; mod changes the settings.
func (e *sbEnv) client(mod func(*Settings)) *Client {
	e.t.Helper()
	s := DefaultSettings()
	s.BaseURL = e.srv.URL + "/v2"
	s.RateLimit = 0
	s.PageSize = 7
	if mod != nil {
		mod(s)
	}
	hc := &http.Client{Transport: e.wire, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		return fmt.Errorf("redirected to %s: the client relied on a %d", req.URL.Path, req.Response.StatusCode)
	}}
	c, err := New("crm", *s, e.sb.APIKey(), hc)
	if err != nil {
		e.t.Fatal(err)
	}
	c.SetWebhookToken(sandbox.DefaultWebhookToken)
	return c
}

// record is the sandbox's record of kind id (fatal when there is none).
func (e *sbEnv) record(kind string, id int64) map[string]any {
	e.t.Helper()
	r, ok := e.sb.Record(kind, int(id))
	if !ok {
		e.t.Fatalf("the sandbox has no %s %d", kind, id)
	}
	return r
}

func ids64(ids []int) []int64 {
	out := make([]int64, len(ids))
	for i, id := range ids {
		out[i] = int64(id)
	}
	return out
}

func sortedIDs(m map[int64]int) []int64 {
	var out []int64
	for id := range m {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func sameIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func sbStr(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func sbNum(m map[string]any, k string) float64 {
	switch x := m[k].(type) {
	case float64:
		return x
	case int:
		return float64(x)
	case int64:
		return float64(x)
	}
	return 0
}

func sbTime(t *testing.T, m map[string]any, k string) time.Time {
	t.Helper()
	v, err := ParseTime(sbStr(m, k))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func sbEmails(m map[string]any) []string {
	var out []string
	l, _ := m["emails"].([]any)
	for _, it := range l {
		if o, ok := it.(map[string]any); ok {
			out = append(out, sbStr(o, "email"))
		}
	}
	return out
}

// sbRef is the id a rendered relation (a hyperlink or an id) names.
func sbRef(m map[string]any, k string) int64 {
	switch x := m[k].(type) {
	case string:
		return trailingID(x)
	case float64:
		return int64(x)
	}
	return 0
}

// sandboxVariants are the default (strict) sandbox and the one with every
// strictness switch the other way, where the sandbox's guess may be wrong:
// the client must work on both.
var sandboxVariants = []struct {
	name string
	opts sandbox.Options
}{
	{"strict", sandbox.Options{}},
	{"lenient", sandbox.Options{NoFieldsRequirement: true, TaxIDFilter: true, DjangoLookups: true, IgnoreNestedUpdate: true}},
}

// The account check, on v2 and v1, and a refused key.
func TestSandboxAccountCheck(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := startSandbox(t, sandbox.Options{})
	for _, ver := range []string{"v2", "v1"} {
		c := e.client(func(s *Settings) { s.BaseURL = e.srv.URL + "/" + ver })
		m, err := c.Me(ctx)
		if err != nil {
			t.Fatalf("%s: %v", ver, err)
		}
		if m.ID != ID(e.sb.Options().UserID) || m.Email != sandbox.DefaultUsername {
			t.Errorf("%s: me %+v", ver, m)
		}
		rep, err := c.Test(ctx)
		if err != nil || !rep.OK || !strings.Contains(rep.Summary, "API "+ver) {
			t.Errorf("%s: test %+v %v", ver, rep, err)
		}
	}
	wrong := e.client(func(s *Settings) { s.BaseURL = e.srv.URL + "/v3" })
	if rep, _ := wrong.Test(ctx); rep.OK || !strings.Contains(rep.Summary, "no Clientify API at") {
		t.Errorf("a wrong base_url: %+v", rep)
	}
	s := DefaultSettings()
	s.BaseURL, s.RateLimit = e.srv.URL+"/v2", 0
	bad, err := New("crm", *s, "not-the-key", &http.Client{Transport: e.wire})
	if err != nil {
		t.Fatal(err)
	}
	rep, _ := bad.Test(ctx)
	if rep.OK || !strings.Contains(rep.Summary, "refused") {
		t.Errorf("wrong key: %+v", rep)
	}
	_, err = bad.Me(ctx)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 401 || ae.FailureClass() != "needs_action" || ae.DependsOn() != "connection:crm" {
		t.Errorf("wrong key: %v", err)
	}
}

// Every listing, in pages, on v2 and v1: every record once, decoded as the
// sandbox holds it; and each record by id.
func TestSandboxReads(t *testing.T) {
	t.Parallel()
	for _, ver := range []string{"v2", "v1"} {
		t.Run(ver, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			e := startSandbox(t, sandbox.Options{})
			c := e.client(func(s *Settings) { s.BaseURL = e.srv.URL + "/" + ver })
			// The generated account has no orders: three, with items.
			contactIDs := e.sb.IDs(sandbox.Contacts)
			for i := 0; i < 3; i++ {
				in := OrderInput{OrderID: fmt.Sprintf("S%05d", 100+i), Status: "sale", Ecommerce: "Odoo", Currency: "EUR",
					OrderDate: time.Date(2026, 3, 1, 10, i, 0, 0, time.UTC), Contact: Ref{ID: int64(contactIDs[i])},
					Items: []OrderItem{{Name: "Taza", SKU: "SKU-10003", Price: model.MustDecimal("9.90"), Quantity: model.DecimalFromInt(int64(i + 1))}}}
				if _, err := c.CreateOrder(ctx, in); err != nil {
					t.Fatal(err)
				}
			}

			pages := map[string]int{}
			got := map[string]map[int64]int{}
			note := func(kind string, id int64) {
				if got[kind] == nil {
					got[kind] = map[int64]int{}
				}
				got[kind][id]++
			}
			companies := map[int64]Company{}
			if err := c.Companies(ctx, nil, func(vs []Company) error {
				pages[sandbox.Companies]++
				for _, v := range vs {
					note(sandbox.Companies, int64(v.ID))
					companies[int64(v.ID)] = v
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			contacts := map[int64]Contact{}
			if err := c.Contacts(ctx, nil, func(vs []Contact) error {
				pages[sandbox.Contacts]++
				for _, v := range vs {
					note(sandbox.Contacts, int64(v.ID))
					contacts[int64(v.ID)] = v
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			products := map[int64]Product{}
			if err := c.Products(ctx, nil, func(vs []Product) error {
				pages[sandbox.Products]++
				for _, v := range vs {
					note(sandbox.Products, int64(v.ID))
					products[int64(v.ID)] = v
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			deals := map[int64]Deal{}
			if err := c.Deals(ctx, nil, func(vs []Deal) error {
				pages[sandbox.Deals]++
				for _, v := range vs {
					note(sandbox.Deals, int64(v.ID))
					deals[int64(v.ID)] = v
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			orders := map[int64]Order{}
			if err := c.Orders(ctx, nil, func(vs []Order) error {
				pages[sandbox.Orders]++
				for _, v := range vs {
					note(sandbox.Orders, int64(v.ID))
					orders[int64(v.ID)] = v
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			for _, kind := range []string{sandbox.Companies, sandbox.Contacts, sandbox.Products, sandbox.Deals, sandbox.Orders} {
				want := ids64(e.sb.IDs(kind))
				if !sameIDs(sortedIDs(got[kind]), want) {
					t.Errorf("%s: read %v, the sandbox has %v", kind, sortedIDs(got[kind]), want)
				}
				for id, n := range got[kind] {
					if n != 1 {
						t.Errorf("%s %d read %d times", kind, id, n)
					}
				}
				if min := (len(want) + 6) / 7; pages[kind] < min {
					t.Errorf("%s: %d pages, want %d", kind, pages[kind], min)
				}
			}

			for id, v := range companies {
				r := e.record(sandbox.Companies, id)
				if v.Name != sbStr(r, "name") || v.TaxpayerID != sbStr(r, "taxpayer_identification_number") || len(v.Emails) != len(sbEmails(r)) ||
					!v.Modified.Equal(sbTime(t, r, "modified")) || !v.Created.Equal(sbTime(t, r, "created")) {
					t.Errorf("company %d: %+v, the sandbox has %v", id, v, r)
				}
			}
			for id, v := range contacts {
				r := e.record(sandbox.Contacts, id)
				if v.FirstName != sbStr(r, "first_name") || v.LastName != sbStr(r, "last_name") || v.Status != sbStr(r, "status") ||
					v.TaxpayerID != sbStr(r, "taxpayer_identification_number") || v.CompanyRef().ID != sbRef(r, "company") ||
					!v.Modified.Equal(sbTime(t, r, "modified")) {
					t.Errorf("contact %d: %+v, the sandbox has %v", id, v, r)
				}
				for _, m := range sbEmails(r) {
					if !v.HasEmail(m) {
						t.Errorf("contact %d lacks %s", id, m)
					}
				}
			}
			for id, v := range products {
				r := e.record(sandbox.Products, id)
				if string(v.SKU) != sbStr(r, "sku") || v.Name != sbStr(r, "name") || v.Price != model.DecimalFromFloat(sbNum(r, "price")) {
					t.Errorf("product %d: %+v, the sandbox has %v", id, v, r)
				}
			}
			for id, v := range deals {
				r := e.record(sandbox.Deals, id)
				if v.Name != sbStr(r, "name") || v.Contact.ID != sbRef(r, "contact") || v.Company.ID != sbRef(r, "company") ||
					int(v.Status) != int(sbNum(r, "status")) || v.StatusDesc != sbStr(r, "status_desc") ||
					v.Amount != model.DecimalFromFloat(sbNum(r, "amount")) || v.PipelineStage.ID == 0 {
					t.Errorf("deal %d: %+v, the sandbox has %v", id, v, r)
				}
			}
			for id, v := range orders {
				r := e.record(sandbox.Orders, id)
				if string(v.OrderID) != sbStr(r, "order_id") || v.Contact.ID != sbRef(r, "contact") || len(v.Items) != 1 ||
					v.Total != model.DecimalFromFloat(sbNum(r, "total")) || v.OrderDate.IsZero() {
					t.Errorf("order %d: %+v, the sandbox has %v", id, v, r)
				}
			}

			// Each record by id.
			co, err := c.Company(ctx, int64(e.sb.IDs(sandbox.Companies)[3]))
			if err != nil || co.Name == "" {
				t.Errorf("company: %+v %v", co, err)
			}
			ct, err := c.Contact(ctx, int64(contactIDs[4]))
			if err != nil || ct.FirstName == "" {
				t.Errorf("contact: %+v %v", ct, err)
			}
			pr, err := c.Product(ctx, int64(e.sb.IDs(sandbox.Products)[5]))
			if err != nil || pr.SKU == "" {
				t.Errorf("product: %+v %v", pr, err)
			}
			dl, err := c.Deal(ctx, int64(e.sb.IDs(sandbox.Deals)[0]))
			if err != nil || dl.Name == "" {
				t.Errorf("deal: %+v %v", dl, err)
			}
			or, err := c.Order(ctx, int64(e.sb.IDs(sandbox.Orders)[0]))
			if err != nil || or.OrderID == "" {
				t.Errorf("order: %+v %v", or, err)
			}
			if _, err := c.Company(ctx, 1); !IsNotFound(err) {
				t.Errorf("an unknown company: %v", err)
			}

			// A filter: the won deals.
			won := 0
			if err := c.Deals(ctx, url.Values{"status_id": {"3"}}, func(vs []Deal) error {
				for _, v := range vs {
					if v.Status != DealWon {
						t.Errorf("deal %d: status %d in the won ones", v.ID, v.Status)
					}
					won++
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			want := 0
			for _, r := range e.sb.Records(sandbox.Deals) {
				if sbNum(r, "status") == DealWon {
					want++
				}
			}
			if won != want {
				t.Errorf("%d won deals read, the sandbox has %d", won, want)
			}
		})
	}
}

// A plain listing read while the records already read change (a CRM user at
// work) still reads every record once: the page-number hazard of a list in
// modified order does not apply to it.
func TestSandboxListWhileRecordsChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := startSandbox(t, sandbox.Options{})
	c := e.client(nil)
	want := ids64(e.sb.IDs(sandbox.Contacts))
	got := map[int64]int{}
	page := 0
	if err := c.Contacts(ctx, nil, func(vs []Contact) error {
		page++
		for _, v := range vs {
			got[int64(v.ID)]++
		}
		// Each record of this page changes: in a list ordered by
		// modified, all of them would move behind the cursor.
		for _, v := range vs {
			if _, err := e.sb.UserUpdate(sandbox.Contacts, int(v.ID), map[string]any{"title": fmt.Sprint("p", page)}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !sameIDs(sortedIDs(got), want) {
		t.Fatalf("read %v, the sandbox has %v", sortedIDs(got), want)
	}
	for id, n := range got {
		if n != 1 {
			t.Errorf("contact %d read %d times", id, n)
		}
	}
}

// version is one record version a pass handed over.
type version struct {
	id       int64
	modified time.Time
}

// passKind runs one kind's incremental pass and changes its records the
// way a CRM user or the hub would.
type passKind struct {
	kind string
	pass func(c *Client, since time.Time, page func([]version, time.Time) error) error
	// touch changes record id: by the CRM user (user) or through the API.
	touch  func(e *sbEnv, c *Client, id int64, n int, user bool) error
	create func(e *sbEnv, n int) (int64, error)
}

var passKinds = []passKind{
	{
		kind: sandbox.Companies,
		pass: func(c *Client, since time.Time, page func([]version, time.Time) error) error {
			return c.ChangedCompanyRecords(context.Background(), since, func(vs []Company, through time.Time) error {
				out := make([]version, len(vs))
				for i, v := range vs {
					out[i] = version{int64(v.ID), v.Modified.Time}
				}
				return page(out, through)
			})
		},
		touch: func(e *sbEnv, c *Client, id int64, n int, user bool) error {
			if user {
				_, err := e.sb.UserUpdate(sandbox.Companies, int(id), map[string]any{"remarks": fmt.Sprint("touch ", n)})
				return err
			}
			_, err := c.UpdateCompany(context.Background(), id, CompanyInput{Description: fmt.Sprint("hub ", n)})
			return err
		},
		create: func(e *sbEnv, n int) (int64, error) {
			r, err := e.sb.UserCreate(sandbox.Companies, map[string]any{"name": fmt.Sprint("Nueva ", n, " SL")})
			return int64(sbNum(r, "id")), err
		},
	},
	{
		kind: sandbox.Contacts,
		pass: func(c *Client, since time.Time, page func([]version, time.Time) error) error {
			return c.ChangedContactRecords(context.Background(), since, func(vs []Contact, through time.Time) error {
				out := make([]version, len(vs))
				for i, v := range vs {
					out[i] = version{int64(v.ID), v.Modified.Time}
				}
				return page(out, through)
			})
		},
		touch: func(e *sbEnv, c *Client, id int64, n int, user bool) error {
			if user {
				_, err := e.sb.UserUpdate(sandbox.Contacts, int(id), map[string]any{"title": fmt.Sprint("touch ", n)})
				return err
			}
			_, err := c.UpdateContact(context.Background(), id, ContactInput{Title: fmt.Sprint("hub ", n)})
			return err
		},
		create: func(e *sbEnv, n int) (int64, error) {
			r, err := e.sb.UserCreate(sandbox.Contacts, map[string]any{"first_name": fmt.Sprint("Nuevo ", n)})
			return int64(sbNum(r, "id")), err
		},
	},
	{
		kind: sandbox.Products,
		pass: func(c *Client, since time.Time, page func([]version, time.Time) error) error {
			return c.ChangedProductRecords(context.Background(), since, func(vs []Product, through time.Time) error {
				out := make([]version, len(vs))
				for i, v := range vs {
					out[i] = version{int64(v.ID), v.Modified.Time}
				}
				return page(out, through)
			})
		},
		touch: func(e *sbEnv, c *Client, id int64, n int, user bool) error {
			if user {
				_, err := e.sb.UserUpdate(sandbox.Products, int(id), map[string]any{"description": fmt.Sprint("touch ", n)})
				return err
			}
			r := e.record(sandbox.Products, id)
			_, err := c.UpdateProduct(context.Background(), id, ProductInput{SKU: sbStr(r, "sku"), Price: model.DecimalFromFloat(sbNum(r, "price") + 1)})
			return err
		},
		create: func(e *sbEnv, n int) (int64, error) {
			r, err := e.sb.UserCreate(sandbox.Products, map[string]any{"name": fmt.Sprint("Nuevo ", n), "sku": fmt.Sprint("NEW-", n)})
			return int64(sbNum(r, "id")), err
		},
	},
}

// A whole pass from the beginning hands over every record once; a pass
// from the modified of a record includes it (the lower bound is inclusive)
// and hands over nothing older.
func TestSandboxChangedFullPass(t *testing.T) {
	t.Parallel()
	for _, pk := range passKinds {
		for _, sv := range sandboxVariants {
			t.Run(pk.kind+"/"+sv.name, func(t *testing.T) {
				t.Parallel()
				e := startSandbox(t, sv.opts)
				c := e.client(nil)
				got := map[int64]int{}
				var last time.Time
				if err := pk.pass(c, time.Time{}, func(vs []version, through time.Time) error {
					for _, v := range vs {
						got[v.id]++
					}
					last = through
					return nil
				}); err != nil {
					t.Fatal(err)
				}
				if want := ids64(e.sb.IDs(pk.kind)); !sameIDs(sortedIDs(got), want) {
					t.Fatalf("handed %v, the sandbox has %v", sortedIDs(got), want)
				}
				for id, n := range got {
					if n != 1 {
						t.Errorf("%d handed %d times", id, n)
					}
				}
				if last.After(time.Now()) || time.Since(last) > time.Minute {
					t.Errorf("through %v at the end", last)
				}
				recs := e.sb.Records(pk.kind) // in (modified, id) order
				mid := recs[len(recs)/2]
				since := sbTime(t, mid, "modified")
				got = map[int64]int{}
				if err := pk.pass(c, since, func(vs []version, through time.Time) error {
					for _, v := range vs {
						if v.modified.Before(since) {
							t.Errorf("%d modified %v, before since %v", v.id, v.modified, since)
						}
						got[v.id]++
					}
					return nil
				}); err != nil {
					t.Fatal(err)
				}
				if got[int64(sbNum(mid, "id"))] != 1 || len(got) != len(recs)-len(recs)/2 {
					t.Errorf("since the middle record's modified: %v", sortedIDs(got))
				}
			})
		}
	}
}

// The pass contract under the paging hazard: while a pass reads, records it
// has handed over already change (which, on a DRF page-number listing in
// modified order, makes the next page skip one: the sandbox's
// TestPagingHazardModifiedAlreadyRead), records not read yet change, records
// are created and one is deleted. The pass still hands over every record
// that existed when it began, every record created meanwhile, and every
// record's latest version whose modified is before the final through; and
// after each page, every record whose current modified is before through
// has been handed over at that version.
func TestSandboxChangedWhilePaging(t *testing.T) {
	t.Parallel()
	for _, pk := range passKinds {
		for _, pageSize := range []int{3, 7} {
			for _, sv := range sandboxVariants {
				t.Run(fmt.Sprintf("%s/%d/%s", pk.kind, pageSize, sv.name), func(t *testing.T) {
					t.Parallel()
					e := startSandbox(t, sv.opts)
					c := e.client(func(s *Settings) { s.PageSize = pageSize })
					before := ids64(e.sb.IDs(pk.kind))
					handed := map[version]int{}
					ids := map[int64]bool{}
					var created []int64
					createdAt := map[int64]int{}
					deleted := map[int64]bool{}
					var prev time.Time
					page := 0
					err := pk.pass(c, time.Time{}, func(vs []version, through time.Time) error {
						page++
						if through.Before(prev) {
							t.Errorf("page %d: through went back from %v to %v", page, prev, through)
						}
						prev = through
						var read []int64
						for _, v := range vs {
							handed[v]++
							ids[v.id] = true
							read = append(read, v.id)
						}
						// The contract at this page.
						for _, r := range e.sb.Records(pk.kind) {
							v := version{int64(sbNum(r, "id")), sbTime(t, r, "modified")}
							if v.modified.Before(through) && handed[v] == 0 {
								t.Errorf("page %d: %d modified %v is before through %v and was not handed over", page, v.id, v.modified, through)
							}
						}
						if page > 6 || len(read) == 0 {
							return nil
						}
						// Already read: the first of this page (by the CRM
						// user), and the last (through the API).
						if err := pk.touch(e, c, read[0], page, true); err != nil {
							return err
						}
						if err := pk.touch(e, c, read[len(read)-1], page, false); err != nil {
							return err
						}
						// Not read yet: the oldest unread one, and one deleted.
						var unread []int64
						for _, id := range before {
							if !ids[id] && !deleted[id] {
								unread = append(unread, id)
							}
						}
						if len(unread) > 0 {
							if err := pk.touch(e, c, unread[0], page, true); err != nil {
								return err
							}
						}
						if page == 2 && len(unread) > 1 {
							id := unread[len(unread)-1]
							if err := e.sb.UserDelete(pk.kind, int(id)); err != nil {
								return err
							}
							deleted[id] = true
						}
						id, err := pk.create(e, page)
						created = append(created, id)
						createdAt[id] = page
						return err
					})
					if err != nil {
						t.Fatal(err)
					}
					// A record created in the last page's callback came after
					// the pass.
					if len(created) > 0 && createdAt[created[len(created)-1]] == page {
						created = created[:len(created)-1]
					}
					for _, id := range append(append([]int64(nil), before...), created...) {
						if !ids[id] && !deleted[id] {
							t.Errorf("%s %d was never handed over", pk.kind, id)
						}
					}
					for _, r := range e.sb.Records(pk.kind) {
						v := version{int64(sbNum(r, "id")), sbTime(t, r, "modified")}
						if v.modified.Before(prev) && handed[v] == 0 {
							t.Errorf("%d: its latest version (%v) is before the final through %v and was not handed over", v.id, v.modified, prev)
						}
					}
					for v, n := range handed {
						if n > 1 {
							t.Errorf("%d at %v handed over %d times", v.id, v.modified, n)
						}
					}
					if page < 3 {
						t.Errorf("only %d pages", page)
					}
					// The pass never read page 2 of a listing that changed
					// under it.
					for _, w := range e.wire.list() {
						if strings.HasPrefix(w.Path, "/v2/"+pk.kind+"/") && w.Method == http.MethodGet && strings.Contains(w.Query, "page=") &&
							!strings.Contains(w.Query, "modified%5Blt%5D") {
							t.Errorf("the pass read a numbered page: %s?%s", w.Path, w.Query)
						}
					}
				})
			}
		}
	}
}

// More records changed in one second than a page holds (a bulk import):
// the pass reads that second alone and hands over each once.
func TestSandboxChangedCrowdedSecond(t *testing.T) {
	t.Parallel()
	clk := time.Date(2026, 3, 2, 9, 30, 0, 250000000, time.UTC)
	var mu sync.Mutex
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clk }
	e := startSandbox(t, sandbox.Options{Now: now})
	c := e.client(func(s *Settings) { s.PageSize = 3 })
	var crowd []int64
	for i := 0; i < 8; i++ {
		r, err := e.sb.UserCreate(sandbox.Products, map[string]any{"name": fmt.Sprint("Lote ", i), "sku": fmt.Sprint("LOT-", i)})
		if err != nil {
			t.Fatal(err)
		}
		crowd = append(crowd, int64(sbNum(r, "id")))
		mu.Lock()
		clk = clk.Add(time.Millisecond)
		mu.Unlock()
	}
	got := map[int64]int{}
	if err := c.ChangedProductRecords(context.Background(), clk.Add(-time.Hour), func(vs []Product, through time.Time) error {
		for _, v := range vs {
			got[int64(v.ID)]++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !sameIDs(sortedIDs(got), crowd) {
		t.Fatalf("handed %v, want %v", sortedIDs(got), crowd)
	}
	alone := 0
	for _, w := range e.wire.list() {
		if strings.Contains(w.Query, "modified%5Blt%5D=2026-03-02T09%3A30%3A01%2B00%3A00") {
			alone++
		}
	}
	if alone < 3 {
		t.Errorf("the crowded second was read alone in %d requests", alone)
	}
	for id, n := range got {
		if n != 1 {
			t.Errorf("%d handed %d times", id, n)
		}
	}
}

// A create that commits and then fails (Django's 500 page, or a dropped
// connection) is found by its natural key: one record, one POST; calling
// CreateOrFind… again creates nothing.
func TestSandboxCreateOrFindCommitThenFail(t *testing.T) {
	t.Parallel()
	type made struct {
		id      int64
		created bool
	}
	for _, tc := range []struct {
		kind   string
		create func(c *Client) (made, error)
	}{
		{sandbox.Companies, func(c *Client) (made, error) {
			v, cr, err := c.CreateOrFindCompany(context.Background(), CompanyInput{Name: "Ferretería Ruiz SL", TaxpayerID: "B99887766",
				Emails: []Email{{Email: "info@ferreteria.example.es"}}, Phones: []Phone{{Phone: "+34 910 111 222"}}})
			return made{int64(v.ID), cr}, err
		}},
		{sandbox.Contacts, func(c *Client) (made, error) {
			v, cr, err := c.CreateOrFindContact(context.Background(), ContactInput{FirstName: "Inés", LastName: "Mora", Emails: []Email{{Email: "Ines.Mora@example.es"}},
				TaxpayerID: "11223344B", Phones: []Phone{{Phone: "+34 600 111 222"}}})
			return made{int64(v.ID), cr}, err
		}},
		{sandbox.Products, func(c *Client) (made, error) {
			v, cr, err := c.CreateOrFindProduct(context.Background(), ProductInput{SKU: "FRY-0001", Name: "Pan", Price: model.MustDecimal("1.20")})
			return made{int64(v.ID), cr}, err
		}},
		{sandbox.Orders, func(c *Client) (made, error) {
			v, cr, err := c.CreateOrFindOrder(context.Background(), OrderInput{OrderID: "S00042", Currency: "EUR",
				Items: []OrderItem{{Name: "Pan", SKU: "FRY-0001", Price: model.MustDecimal("1.20"), Quantity: model.DecimalFromInt(2)}}})
			return made{int64(v.ID), cr}, err
		}},
	} {
		for _, drop := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/drop=%v", tc.kind, drop), func(t *testing.T) {
				t.Parallel()
				e := startSandbox(t, sandbox.Options{})
				c := e.client(nil)
				n := e.sb.State().Counts[tc.kind]
				if err := e.sb.SetCommitThenFail(sandbox.CommitThenFail{Next: 1, Drop: drop}); err != nil {
					t.Fatal(err)
				}
				m, err := tc.create(c)
				if err != nil || m.id == 0 || !m.created {
					t.Fatalf("%+v %v", m, err)
				}
				if got := e.sb.State().Counts[tc.kind]; got != n+1 {
					t.Fatalf("%d %s, want %d", got, tc.kind, n+1)
				}
				if f := e.sb.CommitFailures(); len(f) != 1 || f[0].Method != http.MethodPost {
					t.Fatalf("commit failures %+v", f)
				}
				if posts := e.wire.countPath(http.MethodPost, "/v2/"+tc.kind+"/"); posts != 1 {
					t.Errorf("%d POSTs", posts)
				}
				again, err := tc.create(c)
				if err != nil || again.id != m.id || again.created {
					t.Fatalf("again: %+v %v", again, err)
				}
				if got := e.sb.State().Counts[tc.kind]; got != n+1 {
					t.Fatalf("again: %d %s, want %d", got, tc.kind, n+1)
				}
				if tc.kind == sandbox.Companies || tc.kind == sandbox.Contacts {
					r := e.record(tc.kind, m.id)
					if len(sbEmails(r)) != 1 {
						t.Errorf("e-mails %v", sbEmails(r))
					}
					if ph, _ := r["phones"].([]any); len(ph) != 1 {
						t.Errorf("phones %v", r["phones"])
					}
				}
			})
		}
	}
}

// The generator's traps, and what the client does with each: a natural key
// two records hold is a DuplicateKeyError naming both (needs_action: a
// person merges them), never a guess and never a third record; a taxpayer
// id is the same key with and without blanks, dots or hyphens.
func TestSandboxNaturalKeyTraps(t *testing.T) {
	t.Parallel()
	for _, v := range sandboxVariants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			naturalKeyTraps(t, v.opts)
		})
	}
}

func naturalKeyTraps(t *testing.T, o sandbox.Options) {
	ctx := context.Background()
	e := startSandbox(t, o)
	c := e.client(nil)
	tr := e.traps
	if tr.SharedEmail == "" || tr.PlainTaxID == "" || tr.DuplicateSKU == "" {
		t.Fatalf("no traps: %+v", tr)
	}
	dup := func(what string, err error, want [2]int) {
		t.Helper()
		var de *DuplicateKeyError
		if !errors.As(err, &de) || !sameIDs(de.IDs, []int64{int64(want[0]), int64(want[1])}) || de.FailureClass() != "needs_action" {
			t.Errorf("%s: %v, want a DuplicateKeyError naming %v", what, err, want)
		}
	}
	counts := e.sb.State().Counts

	// Two contacts share an e-mail.
	for _, addr := range []string{tr.SharedEmail, strings.ToUpper(tr.SharedEmail), " " + tr.SharedEmail + " "} {
		_, _, err := c.FindContactByEmail(ctx, addr)
		dup("FindContactByEmail "+addr, err, tr.SharedEmailContacts)
	}
	_, _, err := c.CreateOrFindContact(ctx, ContactInput{FirstName: "Otro", Emails: []Email{{Email: tr.SharedEmail}}})
	dup("CreateOrFindContact", err, tr.SharedEmailContacts)

	// Two companies have one CIF, with and without a blank.
	for _, tin := range []string{tr.PlainTaxID, tr.SpacedTaxID, strings.ToLower(tr.PlainTaxID), tr.PlainTaxID[:1] + "-" + tr.PlainTaxID[1:]} {
		_, _, err := c.FindCompanyByTaxID(ctx, tin)
		dup("FindCompanyByTaxID "+tin, err, tr.TaxIDCompanies)
	}
	_, _, err = c.CreateOrFindCompany(ctx, CompanyInput{Name: "Otra SL", TaxpayerID: tr.PlainTaxID})
	dup("CreateOrFindCompany", err, tr.TaxIDCompanies)

	// Two products share a SKU.
	for _, sku := range []string{tr.DuplicateSKU, " " + tr.DuplicateSKU} {
		_, _, err := c.FindProductBySKU(ctx, sku)
		dup("FindProductBySKU "+sku, err, tr.DuplicateSKUProducts)
	}
	_, _, err = c.CreateOrFindProduct(ctx, ProductInput{SKU: tr.DuplicateSKU, Name: "Otro"})
	dup("CreateOrFindProduct", err, tr.DuplicateSKUProducts)

	if got := e.sb.State().Counts; got[sandbox.Contacts] != counts[sandbox.Contacts] || got[sandbox.Companies] != counts[sandbox.Companies] ||
		got[sandbox.Products] != counts[sandbox.Products] {
		t.Fatalf("a trap made a record: %v, before %v", got, counts)
	}
	if n := e.wire.count(http.MethodPost, "/v2/"); n != 0 {
		t.Fatalf("%d POSTs", n)
	}

	// A company's CIF written otherwise than Clientify holds it finds the
	// company, and CreateOrFind makes no second one (the sandbox, like
	// Clientify, compares taxpayer ids exactly and would take it).
	third := e.record(sandbox.Companies, int64(e.sb.IDs(sandbox.Companies)[2]))
	tin := sbStr(third, "taxpayer_identification_number")
	for _, other := range []string{tin[:1] + " " + tin[1:], tin[:1] + "-" + tin[1:4] + "." + tin[4:], "  " + strings.ToLower(tin)} {
		v, created, err := c.CreateOrFindCompany(ctx, CompanyInput{Name: "Duplicada SL", TaxpayerID: other})
		if err != nil || created || int64(v.ID) != int64(sbNum(third, "id")) {
			t.Errorf("CreateOrFindCompany %q: %d created %v %v, want company %v", other, v.ID, created, err, third["id"])
		}
	}
	// The same for a contact's NIF (no e-mail given).
	for _, r := range e.sb.Records(sandbox.Contacts) {
		nif := sbStr(r, "taxpayer_identification_number")
		if nif == "" {
			continue
		}
		spaced := nif[:2] + " " + nif[2:5] + "." + nif[5:8] + "-" + nif[8:]
		v, created, err := c.CreateOrFindContact(ctx, ContactInput{FirstName: "Sin Email", TaxpayerID: spaced})
		if err != nil || created || int64(v.ID) != int64(sbNum(r, "id")) {
			t.Errorf("CreateOrFindContact NIF %q: %d created %v %v, want contact %v", spaced, v.ID, created, err, r["id"])
		}
		break
	}
	if got := e.sb.State().Counts; got[sandbox.Companies] != counts[sandbox.Companies] || got[sandbox.Contacts] != counts[sandbox.Contacts] {
		t.Fatalf("a differently written taxpayer id made a record: %v", got)
	}
}

// Updates write what they are given and keep the rest: the record's
// required fields (which a DRF PUT needs) are not lost when the hub sends
// only some fields; e-mails and phones are added once.
func TestSandboxUpdates(t *testing.T) {
	t.Parallel()
	for _, v := range sandboxVariants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			sandboxUpdates(t, v.opts)
		})
	}
}

func sandboxUpdates(t *testing.T, o sandbox.Options) {
	ctx := context.Background()
	e := startSandbox(t, o)
	c := e.client(nil)

	coID := int64(e.sb.IDs(sandbox.Companies)[3])
	co0 := e.record(sandbox.Companies, coID)
	co, err := c.UpdateCompany(ctx, coID, CompanyInput{Description: "Cliente mayorista", Emails: []Email{{Email: "compras@empresa4.example.es"}},
		Phones: []Phone{{Phone: "+34 911 222 333"}}, CustomFields: []CustomField{{Field: "odoo_id", Value: "77"}}})
	if err != nil {
		t.Fatal(err)
	}
	co1 := e.record(sandbox.Companies, coID)
	if sbStr(co1, "description") != "Cliente mayorista" || sbStr(co1, "name") != sbStr(co0, "name") ||
		sbStr(co1, "taxpayer_identification_number") != sbStr(co0, "taxpayer_identification_number") ||
		len(sbEmails(co1)) != len(sbEmails(co0))+1 || co.Description != "Cliente mayorista" || len(co.Emails) != len(sbEmails(co1)) {
		t.Errorf("company after the update: %v (returned %+v)", co1, co)
	}

	ctID := int64(e.sb.IDs(sandbox.Contacts)[5])
	ct0 := e.record(sandbox.Contacts, ctID)
	ct, err := c.UpdateContact(ctx, ctID, ContactInput{Title: "CEO", Status: "client", Company: Ref{URL: c.URL("companies", coID)},
		Emails: []Email{{Email: sbEmails(ct0)[0]}, {Email: "otro@example.es"}}})
	if err != nil {
		t.Fatal(err)
	}
	ct1 := e.record(sandbox.Contacts, ctID)
	if sbStr(ct1, "title") != "CEO" || sbStr(ct1, "status") != "client" || sbStr(ct1, "first_name") != sbStr(ct0, "first_name") ||
		sbRef(ct1, "company") != coID || len(sbEmails(ct1)) != len(sbEmails(ct0))+1 || ct.CompanyRef().ID != coID {
		t.Errorf("contact after the update: %v (returned %+v)", ct1, ct)
	}
	// The same update again changes no list.
	if _, err := c.UpdateContact(ctx, ctID, ContactInput{Title: "CEO", Emails: []Email{{Email: "OTRO@example.es"}}}); err != nil {
		t.Fatal(err)
	}
	if got := sbEmails(e.record(sandbox.Contacts, ctID)); len(got) != len(sbEmails(ct1)) {
		t.Errorf("e-mails after the same update: %v", got)
	}

	prID := int64(e.sb.IDs(sandbox.Products)[4])
	pr0 := e.record(sandbox.Products, prID)
	pr, err := c.UpdateProduct(ctx, prID, ProductInput{SKU: sbStr(pr0, "sku"), Price: model.MustDecimal("12.50")})
	if err != nil {
		t.Fatal(err)
	}
	pr1 := e.record(sandbox.Products, prID)
	if sbNum(pr1, "price") != 12.5 || sbStr(pr1, "name") != sbStr(pr0, "name") || sbStr(pr1, "sku") != sbStr(pr0, "sku") || pr.Price != model.MustDecimal("12.50") {
		t.Errorf("product after the update: %v", pr1)
	}
	// A product update without a SKU keeps the SKU.
	if _, err := c.UpdateProduct(ctx, prID, ProductInput{Name: "Taza grande", Price: model.MustDecimal("13")}); err != nil {
		t.Fatal(err)
	}
	if pr2 := e.record(sandbox.Products, prID); sbStr(pr2, "sku") != sbStr(pr0, "sku") || sbStr(pr2, "name") != "Taza grande" {
		t.Errorf("product after an update without SKU: %v", pr2)
	}

	ord, err := c.CreateOrder(ctx, OrderInput{OrderID: "S00077", Status: "sale", Contact: Ref{ID: ctID},
		Items: []OrderItem{{Name: "Taza", SKU: "SKU-10005", Price: model.MustDecimal("9.90"), Quantity: model.DecimalFromInt(1)}}})
	if err != nil {
		t.Fatal(err)
	}
	o2, err := c.UpdateOrder(ctx, int64(ord.ID), OrderInput{OrderID: "S00077", Status: "done",
		Items: []OrderItem{{Name: "Taza", SKU: "SKU-10005", Price: model.MustDecimal("9.90"), Quantity: model.DecimalFromInt(3)}}})
	if err != nil {
		t.Fatal(err)
	}
	or1 := e.record(sandbox.Orders, int64(ord.ID))
	if sbStr(or1, "status") != "done" || sbNum(or1, "total") != 29.7 || o2.Total != model.MustDecimal("29.70") || sbRef(or1, "contact") != ctID {
		t.Errorf("order after the update: %v", or1)
	}
	// An order update with the status alone keeps the items and order_id.
	if _, err := c.UpdateOrder(ctx, int64(ord.ID), OrderInput{Status: "cancel"}); err != nil {
		t.Fatal(err)
	}
	if or2 := e.record(sandbox.Orders, int64(ord.ID)); sbStr(or2, "status") != "cancel" || sbStr(or2, "order_id") != "S00077" || sbNum(or2, "total") != 29.7 {
		t.Errorf("order after a status update: %v", or2)
	}

	// An update that commits and then fails (a PUT) is sent again: PUTs
	// are absolute.
	if err := e.sb.SetCommitThenFail(sandbox.CommitThenFail{Next: 1}); err != nil {
		t.Fatal(err)
	}
	puts := e.wire.count(http.MethodPut, "/v2/products/")
	if _, err := c.UpdateProduct(ctx, prID, ProductInput{SKU: sbStr(pr0, "sku"), Name: "Taza XL", Price: model.MustDecimal("14")}); err != nil {
		t.Fatal(err)
	}
	if n := e.wire.count(http.MethodPut, "/v2/products/") - puts; n != 2 || sbStr(e.record(sandbox.Products, prID), "name") != "Taza XL" {
		t.Errorf("%d PUTs; %v", n, e.record(sandbox.Products, prID))
	}

	// An e-mail added through the sub-resource that commits and then fails
	// fails the call (typed, ambiguous); the next update sees the e-mail
	// and does not add it twice.
	e.wire.setBefore(func(r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/emails/") {
			e.wire.setBefore(nil) // once: RoundTrip calls before outside its lock
			_ = e.sb.SetCommitThenFail(sandbox.CommitThenFail{Next: 1})
		}
	})
	in := ContactInput{FirstName: "Juan", Emails: []Email{{Email: "tercero@example.es"}}}
	_, err = c.UpdateContact(ctx, ctID, in)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 500 || ae.Subject.Resource != "contact" || !remote.IsAmbiguous(err) {
		t.Fatalf("the e-mail that committed and failed: %v", err)
	}
	e.wire.setBefore(nil)
	if _, err := c.UpdateContact(ctx, ctID, in); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range sbEmails(e.record(sandbox.Contacts, ctID)) {
		if m == "tercero@example.es" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the e-mail is there %d times", n)
	}
}

// A 429 is waited out for its Retry-After and the call goes through; one
// asking for longer than the client sleeps fails at once with RetryAfter
// for the job to snooze.
func TestSandboxRateLimited(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := startSandbox(t, sandbox.Options{})
	c := e.client(nil)
	start := time.Now()
	for i := 0; i < 25; i++ {
		if _, err := c.Me(ctx); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	calls := e.wire.list()
	throttled := 0
	for i, w := range calls {
		if w.Status != http.StatusTooManyRequests {
			continue
		}
		throttled++
		if w.RetryAfter == "" {
			t.Errorf("a 429 without Retry-After")
		}
		if i+1 < len(calls) && calls[i+1].At.Sub(w.At) < 900*time.Millisecond {
			t.Errorf("the call after a 429 came %v later, before its Retry-After %ss", calls[i+1].At.Sub(w.At), w.RetryAfter)
		}
	}
	if throttled == 0 || time.Since(start) < time.Second {
		t.Fatalf("%d 429s in %v: the sandbox's 10/s was not met", throttled, time.Since(start))
	}

	e.sb.Faults().Set(fault.Config{RateLimitRate: 1, RetryAfter: 30, Seed: 1})
	defer e.sb.Faults().Set(fault.Config{})
	begin := time.Now()
	_, err := c.Product(ctx, int64(e.sb.IDs(sandbox.Products)[0]))
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 429 || remote.RetryAfterOf(err) != 30*time.Second || ae.FailureClass() != "transient" ||
		ae.Subject.Resource != "product" || time.Since(begin) > 5*time.Second {
		t.Fatalf("a 429 with Retry-After 30: %v (RetryAfter %v, %v)", err, remote.RetryAfterOf(err), time.Since(begin))
	}
}

// Django's and the proxy's HTML 5xx pages are typed errors: an APIError
// naming the record, transient, its page's title, over the remote.Error of
// the retries.
func TestSandboxHTML5xx(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := startSandbox(t, sandbox.Options{})
	c := e.client(nil)
	id := int64(e.sb.IDs(sandbox.Companies)[0])
	e.sb.Faults().Set(fault.Config{ErrorRate: 1, Seed: 3})
	_, err := c.Company(ctx, id)
	var ae *APIError
	var re *remote.Error
	if !errors.As(err, &ae) || ae.Status < 500 || !ae.NotJSON || ae.Subject != (Subject{Resource: "company", Key: "id", Value: fmt.Sprint(id)}) ||
		ae.FailureClass() != "transient" || !strings.Contains(ae.Error(), "Server Error") {
		t.Fatalf("an HTML 5xx: %#v", err)
	}
	if !errors.As(err, &re) || re.Attempts != 4 || !remote.IsTransient(err) {
		t.Fatalf("the retries: %v", err)
	}
	if !strings.Contains(err.Error(), "company id=") {
		t.Errorf("the error names no record: %v", err)
	}
	rep, _ := c.Test(ctx)
	if rep.OK || strings.Contains(rep.Summary, "no Clientify API") {
		t.Errorf("the account check when Clientify fails: %+v", rep)
	}
	e.sb.Faults().Set(fault.Config{})

	// Django's own "Server Error (500)" after a create committed: a create
	// without a natural key is not sent again.
	if err := e.sb.SetCommitThenFail(sandbox.CommitThenFail{Next: 1}); err != nil {
		t.Fatal(err)
	}
	n := e.sb.State().Counts[sandbox.Companies]
	_, err = c.CreateCompany(ctx, CompanyInput{Name: "Sin NIF SL"})
	if !errors.As(err, &ae) || ae.Status != 500 || !strings.Contains(ae.Error(), "Server Error (500)") || !remote.IsAmbiguous(err) || ae.Subject.Resource != "company" {
		t.Fatalf("a create that committed and failed: %v", err)
	}
	if e.sb.State().Counts[sandbox.Companies] != n+1 || e.wire.countPath(http.MethodPost, "/v2/companies/") != 1 {
		t.Errorf("sent again: %d companies", e.sb.State().Counts[sandbox.Companies])
	}
}

// hookReceiver takes the sandbox's webhook deliveries.
type hookReceiver struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []gotHook
}

type gotHook struct {
	header http.Header
	body   []byte
}

func newHookReceiver(t *testing.T) *hookReceiver {
	h := &hookReceiver{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.got = append(h.got, gotHook{r.Header.Clone(), b})
		h.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hookReceiver) byBody(body string) (gotHook, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, g := range h.got {
		if string(g.body) == body {
			return g, true
		}
	}
	return gotHook{}, false
}

// Every payload shape the sandbox sends, for API changes and the CRM
// user's, saves and deletions: verified with the token header and decoded
// into the event, the record and, where the shape has them, the user and
// the changed fields.
func TestSandboxWebhooks(t *testing.T) {
	t.Parallel()
	for _, shape := range []string{sandbox.ShapeHookData, sandbox.ShapeEventRoot, sandbox.ShapeHookRoot, sandbox.ShapeEventData, sandbox.ShapeMixed} {
		t.Run(shape, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			recv := newHookReceiver(t)
			e := startSandbox(t, sandbox.Options{WebhookShape: shape, Webhooks: []sandbox.Webhook{{URL: recv.srv.URL + "/hooks/crm"}},
				WebhookFaults: sandbox.WebhookFaults{Duplicate: 2}})
			c := e.client(nil)
			me, err := c.Me(ctx)
			if err != nil {
				t.Fatal(err)
			}
			crmUser := int64(e.sb.Options().UserID + 1)
			coID := int64(e.sb.IDs(sandbox.Companies)[4])
			// The hub's changes.
			if _, _, err := c.CreateOrFindContact(ctx, ContactInput{FirstName: "Ana", Emails: []Email{{Email: "ana.webhook@example.es"}}}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.UpdateCompany(ctx, coID, CompanyInput{Description: "Mayorista"}); err != nil {
				t.Fatal(err)
			}
			if _, _, err := c.CreateOrFindProduct(ctx, ProductInput{SKU: "HOOK-1", Name: "Gancho", Price: model.MustDecimal("2")}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.CreateOrder(ctx, OrderInput{OrderID: "S-HOOK"}); err != nil { // orders fire nothing
				t.Fatal(err)
			}
			// The CRM user's.
			if _, err := e.sb.UserUpdate(sandbox.Deals, e.sb.IDs(sandbox.Deals)[0], map[string]any{"name": "Pedido #1001 - editado"}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.sb.UserCreate(sandbox.Companies, map[string]any{"name": "Creada a mano SL"}); err != nil {
				t.Fatal(err)
			}
			for _, kind := range []string{sandbox.Contacts, sandbox.Companies, sandbox.Products, sandbox.Deals} {
				if err := e.sb.UserDelete(kind, e.sb.IDs(kind)[len(e.sb.IDs(kind))-1]); err != nil {
					t.Fatal(err)
				}
			}
			if !e.sb.WaitIdle(10 * time.Second) {
				t.Fatal("deliveries still running")
			}
			events := map[string]bool{}
			keys := map[string]int{} // key → event id
			n := 0
			for _, d := range e.sb.Deliveries() {
				if d.Attempt == 0 {
					continue
				}
				n++
				events[d.Event] = true
				g, ok := recv.byBody(d.Body)
				if !ok {
					t.Errorf("delivery %d (%s) never arrived", d.EventID, d.Event)
					continue
				}
				topic, key, err := c.VerifyWebhook(g.header, g.body, "")
				if err != nil || topic != d.Event {
					t.Errorf("%s %s: verify: %q %v", d.Shape, d.Event, topic, err)
					continue
				}
				if id, seen := keys[key]; seen && id != d.EventID {
					t.Errorf("%s: events %d and %d share the key %s", d.Shape, id, d.EventID, key)
				}
				keys[key] = d.EventID
				h, err := DecodeWebhook(g.body)
				if err != nil {
					t.Errorf("%s %s: %v: %s", d.Shape, d.Event, err, g.body)
					continue
				}
				wantRes := map[string]string{"companies": "company", "contacts": "contact", "products": "product", "deals": "deal"}[d.Entity]
				if h.Event != d.Event || h.Resource != wantRes || h.ID != int64(d.RecordID) || h.Deleted() != strings.HasSuffix(d.Event, ".deleted") {
					t.Errorf("%s: %+v, want %s of %s %d", d.Shape, h, d.Event, wantRes, d.RecordID)
				}
				if !h.Deleted() && h.Modified.IsZero() {
					t.Errorf("%s %s: no modified", d.Shape, d.Event)
				}
				if (d.Shape == sandbox.ShapeHookData || d.Shape == sandbox.ShapeHookRoot) && h.HookID == 0 {
					t.Errorf("%s: no hook id", d.Shape)
				}
				if d.Shape == sandbox.ShapeEventRoot || d.Shape == sandbox.ShapeEventData {
					// Whose change it was: the hub's own (the API user, as
					// Me says) or a person's.
					api := strings.HasSuffix(d.Event, ".saved") && (d.Entity == sandbox.Products || d.RecordID == int(coID) ||
						(d.Entity == sandbox.Contacts && strings.Contains(d.Body, "ana.webhook")))
					want := crmUser
					if api {
						want = int64(me.ID)
					}
					if h.UserID != want || h.AccountID != int64(e.sb.Options().AccountID) || h.Own(int64(me.ID)) != api {
						t.Errorf("%s %s %d: user %d account %d, want user %d", d.Shape, d.Event, d.RecordID, h.UserID, h.AccountID, want)
					}
				}
				if d.Shape == sandbox.ShapeEventData && d.Entity == sandbox.Companies && d.RecordID == int(coID) {
					if !containsStr(h.Changed, "description") {
						t.Errorf("the company update's changes: %v", h.Changed)
					}
				}
				// The token is checked.
				bad := g.header.Clone()
				bad.Set(sandbox.SecretHeader, "guess")
				if _, _, err := c.VerifyWebhook(bad, g.body, ""); err == nil {
					t.Errorf("a wrong token was taken")
				}
			}
			for _, ev := range []string{"contact.saved", "company.saved", "product.saved", "deal.saved", "contact.deleted", "company.deleted", "product.deleted", "deal.deleted"} {
				if !events[ev] {
					t.Errorf("no %s was delivered", ev)
				}
			}
			if st := e.sb.WebhookStats(); st.Duplicated != 2 || n != st.Events+st.Duplicated {
				t.Errorf("stats %+v, %d deliveries", st, n)
			}
			if shape == sandbox.ShapeMixed {
				shapes := map[string]bool{}
				for _, d := range e.sb.Deliveries() {
					shapes[d.Shape] = true
				}
				if len(shapes) < 3 {
					t.Errorf("mixed gave shapes %v", shapes)
				}
			}
		})
	}
}

func containsStr(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// Every fields= names every field its record type decodes, so a sparse
// read loses nothing.
func TestFieldsCoverRecords(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		fields string
		v      any
	}{{companyFields, Company{}}, {contactFields, Contact{}}, {productFields, Product{}}, {dealFields, Deal{}}, {orderFields, Order{}}} {
		have := map[string]bool{}
		for _, f := range strings.Split(tc.fields, ",") {
			have[f] = true
		}
		rt := reflect.TypeOf(tc.v)
		for i := 0; i < rt.NumField(); i++ {
			name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
			if name != "" && name != "-" && !have[name] {
				t.Errorf("%s: fields= lacks %s", rt.Name(), name)
			}
		}
	}
}

// A listing that shrinks while it is read (records deleted in Clientify)
// can lose its last page: DRF answers the next link 404 "Invalid page.".
// That is the list changing, not the request being wrong: a transient
// ListChangedError, for the read to be tried again.
func TestSandboxListShrinksWhileRead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := startSandbox(t, sandbox.Options{})
	c := e.client(nil) // pages of 7: 30 contacts are 5 pages
	page := 0
	err := c.Contacts(ctx, nil, func(vs []Contact) error {
		if page++; page == 4 {
			ids := e.sb.IDs(sandbox.Contacts)
			for _, id := range ids[:3] {
				if err := e.sb.UserDelete(sandbox.Contacts, id); err != nil {
					return err
				}
			}
		}
		return nil
	})
	var lc *ListChangedError
	if !errors.As(err, &lc) || lc.FailureClass() != "transient" || lc.Resource != "contact" || IsNotFound(err) {
		t.Fatalf("a listing that lost its last page: %v", err)
	}
}

// A custom field with an empty value cannot be written (Clientify refuses
// a blank value): it is left out, as other empty fields are.
func TestSandboxBlankCustomField(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := startSandbox(t, sandbox.Options{})
	c := e.client(nil)
	ct, err := c.CreateContact(ctx, ContactInput{FirstName: "Eva", Emails: []Email{{Email: "eva@example.es"}},
		CustomFields: []CustomField{{Field: "odoo_id", Value: "42"}, {Field: "vat_note", Value: " "}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ct.CustomFields) != 1 || ct.CustomFields[0].Field != "odoo_id" || ct.CustomFields[0].Value != "42" {
		t.Errorf("custom fields %+v", ct.CustomFields)
	}
	if _, err := c.UpdateCompany(ctx, int64(e.sb.IDs(sandbox.Companies)[0]), CompanyInput{CustomFields: []CustomField{{Field: "odoo_id", Value: ""}}}); err != nil {
		t.Fatal(err)
	}
}

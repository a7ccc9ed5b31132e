package clientify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/remote"
)

// Pages are followed through next (absolute URLs), with the key, the
// trailing slash and v2's fields= on every request.
func TestPagingFollowsNext(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	for i := 0; i < 7; i++ {
		f.add("contacts", map[string]any{"first_name": fmt.Sprint("c", i), "emails": []any{map[string]any{"id": i + 1, "type": 1, "email": fmt.Sprintf("c%d@example.com", i)}}}, f.now)
	}
	c := f.client(t)
	var got []Contact
	pages := 0
	if err := c.Contacts(context.Background(), nil, func(cs []Contact) error { pages++; got = append(got, cs...); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 7 || pages != 3 {
		t.Fatalf("%d contacts in %d pages", len(got), pages)
	}
	for _, call := range f.callList() {
		if !strings.Contains(call, "/v2/contacts/?") || !strings.Contains(call, "fields=") {
			t.Errorf("call %s: want /v2/contacts/ with fields=", call)
		}
	}
}

// A relative next is resolved against the page; one on another host is
// refused before the key goes there.
func TestNextLinks(t *testing.T) {
	t.Parallel()
	var other atomic.Int32
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { other.Add(1) }))
	defer evil.Close()
	for _, tc := range []struct {
		name, next string
		want       int
		err        bool
	}{
		{name: "relative", next: "/v2/products/?page=2", want: 2},
		{name: "query only", next: "?page=2", want: 2},
		{name: "other host", next: evil.URL + "/v2/products/?page=2", err: true},
		{name: "same page again", next: "/v2/products/?page_size=3", err: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Query().Get("page") == "2" {
					fmt.Fprint(w, `{"count":2,"next":null,"previous":null,"results":[{"id":2,"sku":"B"}]}`)
					return
				}
				fmt.Fprintf(w, `{"count":2,"next":%q,"previous":null,"results":[{"id":1,"sku":"A"}]}`, tc.next)
			}))
			defer srv.Close()
			s := DefaultSettings()
			s.BaseURL, s.PageSize = srv.URL+"/v2/", 3
			c, _ := New("crm", *s, testKey, nil)
			n := 0
			err := c.Products(context.Background(), nil, func(ps []Product) error { n += len(ps); return nil })
			if tc.err {
				if err == nil {
					t.Fatal("followed")
				}
				var nh *NextHostError
				if strings.Contains(tc.name, "host") && (!errors.As(err, &nh) || nh.FailureClass() != "needs_action") {
					t.Fatalf("%v, want a NextHostError", err)
				}
				return
			}
			if err != nil || n != tc.want {
				t.Fatalf("%d products, %v", n, err)
			}
		})
	}
	if other.Load() != 0 {
		t.Fatal("the other host was called")
	}
}

// Every error body of the reference decodes into an APIError naming the
// operation, the record and the field, with the failure class.
func TestErrorDecoding(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		status int
		body   string
		class  string
		field  string
		want   string
	}{
		{name: "field errors", status: 400, body: `{"target": ["Enter a valid URL."]}`, class: "permanent", field: "target", want: "target: Enter a valid URL."},
		{name: "nested", status: 400, body: `{"emails": [{"email": ["Enter a valid email address."]}]}`, class: "permanent", field: "emails", want: "email: Enter a valid email address."},
		{name: "bare array", status: 400, body: `["You must specify the fields param: fields = id, ..."]`, class: "permanent", want: "fields param"},
		{name: "invalid token", status: 401, body: `{"detail": "Invalid token."}`, class: "needs_action", want: "Invalid token."},
		{name: "no key", status: 404, body: `{"detail":"Api key not provided."}`, class: "needs_action", want: "Api key"},
		{name: "not found", status: 404, body: `{"detail":"Not found."}`, class: "permanent", want: "Not found."},
		{name: "html 404", status: 404, body: `<html><title>Page not found at /v1/x</title></html>`, class: "needs_action", want: "a web page: Page not found"},
		{name: "duplicate", status: 409, body: `{"detail":"Contact with this taxpayer_identification_number already exists."}`, class: "permanent", field: "taxpayer_identification_number", want: "already exists"},
		{name: "html 500", status: 500, body: "<!DOCTYPE html><html><head><title>Server Error (500)</title></head></html>", class: "transient", want: "Server Error (500)"},
		{name: "empty 502", status: 502, body: "", class: "transient", want: "Bad Gateway"},
	} {
		e := DecodeError(tc.status, []byte(tc.body))
		e.Account, e.Op, e.Subject = "crm", "POST /contacts/", Subject{Resource: "contact", Key: "email", Value: "a@example.com"}
		if e.FailureClass() != tc.class || e.Field() != tc.field || !strings.Contains(e.Error(), tc.want) || !strings.Contains(e.Error(), "contact email=a@example.com") {
			t.Errorf("%s: class %q field %q: %v", tc.name, e.FailureClass(), e.Field(), e)
		}
	}
}

// A 429 is waited out (Retry-After) and the call goes through; a 5xx GET is
// retried; a 5xx create is not (it may have committed).
func TestRetries(t *testing.T) {
	t.Parallel()
	t.Run("429", func(t *testing.T) {
		t.Parallel()
		f := newFake(t)
		n := 0
		f.before = func(f *fake, w http.ResponseWriter, r *http.Request) bool {
			if n++; n == 1 {
				w.Header().Set("Retry-After", "1")
				writeJSON(w, 429, map[string]string{"detail": "Request was throttled. Expected available in 1 second."})
				return true
			}
			return false
		}
		start := time.Now()
		if _, err := f.client(t).Me(context.Background()); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d < 900*time.Millisecond {
			t.Fatalf("did not wait Retry-After: %v", d)
		}
	})
	t.Run("5xx", func(t *testing.T) {
		t.Parallel()
		f := newFake(t)
		f.before = func(f *fake, w http.ResponseWriter, r *http.Request) bool {
			w.WriteHeader(503)
			fmt.Fprint(w, "<html><title>Service Unavailable</title></html>")
			return true
		}
		c := f.client(t)
		_, err := c.Product(context.Background(), 1)
		var re *remote.Error
		if !errors.As(err, &re) || re.Attempts != 4 || !remote.IsTransient(err) {
			t.Fatalf("GET: %v", err)
		}
		f.mu.Lock()
		f.calls = nil
		f.mu.Unlock()
		_, err = c.CreateProduct(context.Background(), ProductInput{SKU: "X"})
		if !remote.IsAmbiguous(err) {
			t.Fatalf("POST: %v", err)
		}
	})
}

// A create that commits and then loses its answer is found by its natural
// key: one record, one POST, for every resource.
func TestCreateCommitsAndDrops(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		resource string
		create   func(c *Client) (int64, error)
	}{
		{"company", "companies", func(c *Client) (int64, error) {
			v, err := c.CreateCompany(ctx, CompanyInput{Name: "Mi Empresa SL", TaxpayerID: "ESB12345678"})
			return int64(v.ID), err
		}},
		{"contact", "contacts", func(c *Client) (int64, error) {
			v, err := c.CreateContact(ctx, ContactInput{FirstName: "Juan", Emails: []Email{{Email: "Juan.Perez@example.com"}}})
			return int64(v.ID), err
		}},
		{"product", "products", func(c *Client) (int64, error) {
			v, err := c.CreateProduct(ctx, ProductInput{SKU: "FRY-1", Name: "Pan"})
			return int64(v.ID), err
		}},
		{"order", "orders", func(c *Client) (int64, error) {
			v, err := c.CreateOrder(ctx, OrderInput{OrderID: "S00042", Currency: "EUR", Items: []OrderItem{{Name: "Pan", SKU: "FRY-1", Quantity: 20000}}})
			return int64(v.ID), err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			dropped := false
			f.dropAfter = func(r *http.Request) bool {
				if r.Method == http.MethodPost && !dropped {
					dropped = true
					return true
				}
				return false
			}
			id, err := tc.create(f.client(t))
			if err != nil || id == 0 {
				t.Fatalf("%d %v", id, err)
			}
			f.mu.Lock()
			wasDropped := dropped
			f.mu.Unlock()
			if f.count(tc.resource) != 1 || f.postCount() != 1 || !wasDropped {
				t.Fatalf("%d records, %d POSTs, dropped %v; calls %v", f.count(tc.resource), f.postCount(), wasDropped, f.callList())
			}
		})
	}
}

// CreateOrFind… called twice creates once; a 409 for a taxpayer id that
// exists returns the record.
func TestCreateOrFindTwice(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFake(t)
	c := f.client(t)
	in := ContactInput{FirstName: "Ada", TaxpayerID: "ESB1", Emails: []Email{{Email: "ada@example.com"}, {Email: "ada@work.example.com"}},
		Phones: []Phone{{Phone: "+34 612 345 678"}}, Addresses: []Address{{Street: "Calle Mayor 1", City: "Madrid", PostalCode: "28001", Country: "ES"}}}
	a, created, err := c.CreateOrFindContact(ctx, in)
	if err != nil || !created {
		t.Fatal(created, err)
	}
	if len(a.Emails) != 2 || len(a.Phones) != 1 || len(a.Addresses) != 1 {
		t.Fatalf("lists %+v", a)
	}
	b, created, err := c.CreateOrFindContact(ctx, in)
	if err != nil || created || b.ID != a.ID || f.count("contacts") != 1 {
		t.Fatalf("second: %v %v %v, %d contacts", b.ID, created, err, f.count("contacts"))
	}
	// Another e-mail, the same NIF: the create meets 409 and finds it.
	other := in
	other.Emails = []Email{{Email: "someone@example.com"}}
	v, created, err := c.CreateOrFindContact(ctx, other)
	if err != nil || created || v.ID != a.ID || f.count("contacts") != 1 {
		t.Fatalf("409: %v %v %v", v.ID, created, err)
	}
	// An update adds the e-mail it lacks, once.
	for i := 0; i < 2; i++ {
		if v, err = c.UpdateContact(ctx, int64(a.ID), ContactInput{Title: "CEO", Emails: []Email{{Email: "ADA@example.com"}, {Email: "new@example.com"}}}); err != nil {
			t.Fatal(err)
		}
	}
	if len(v.Emails) != 3 || v.Title != "CEO" {
		t.Fatalf("after update %+v", v)
	}
}

// Searches compare the key exactly: query= is a substring search.
func TestFindExact(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFake(t)
	f.add("contacts", map[string]any{"emails": []any{map[string]any{"email": "aestepamolina@gmail.com"}}, "taxpayer_identification_number": "X12345678"}, f.now)
	id := f.add("contacts", map[string]any{"emails": []any{map[string]any{"email": "molina@gmail.com"}}, "taxpayer_identification_number": "12345678"}, f.now)
	f.add("companies", map[string]any{"name": "A", "taxpayer_identification_number": "ESB12345678"}, f.now)
	f.add("companies", map[string]any{"name": "B", "taxpayer_identification_number": "ESB123456789"}, f.now)
	f.add("companies", map[string]any{"name": "C", "taxpayer_identification_number": "ESB00000001"}, f.now)
	f.add("companies", map[string]any{"name": "C2", "taxpayer_identification_number": "ESB00000001 "}, f.now)
	c := f.client(t)
	v, ok, err := c.FindContactByEmail(ctx, "Molina@gmail.com")
	if err != nil || !ok || int64(v.ID) != id {
		t.Fatalf("by e-mail: %v %v %v", v.ID, ok, err)
	}
	if v, ok, err = c.FindContactByTaxID(ctx, "12345678"); err != nil || !ok || int64(v.ID) != id {
		t.Fatalf("by NIF: %v %v %v", v.ID, ok, err)
	}
	co, ok, err := c.FindCompanyByTaxID(ctx, "ESB12345678")
	if err != nil || !ok || co.Name != "A" {
		t.Fatalf("company: %+v %v %v", co, ok, err)
	}
	if _, ok, err := c.FindProductBySKU(ctx, "none"); ok || err != nil {
		t.Fatal(ok, err)
	}
	// Two companies hold one NIF (as normalised): a person merges them.
	_, _, err = c.FindCompanyByTaxID(ctx, "ESB00000001")
	var dup *DuplicateKeyError
	if !errors.As(err, &dup) || len(dup.IDs) != 2 || dup.FailureClass() != "needs_action" {
		t.Fatalf("duplicates: %v", err)
	}
	// A NIF is searched with query= by its digits, which every writing of
	// it holds (a literal filter is not honoured, and Clientify keeps
	// blanks: "ESB 00000001").
	calls := strings.Join(f.callList(), " ")
	if !strings.Contains(calls, "query=00000001") || strings.Contains(calls, "taxpayer_identification_number=") {
		t.Fatal(f.callList())
	}
}

// Test reads /me/ and says what is wrong when the key or address is.
func TestConnTest(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	ctx := context.Background()
	rep, err := f.client(t).Test(ctx)
	if err != nil || !rep.OK || !strings.Contains(rep.Summary, "rafa@example.com") || !strings.Contains(rep.Summary, "API v2") {
		t.Fatalf("%+v %v", rep, err)
	}
	if !strings.Contains(f.callList()[0], "/v2/me/?fields=id%2Cemail") {
		t.Fatal(f.callList())
	}
	s := DefaultSettings()
	s.BaseURL = f.srv.URL + "/v2"
	bad, _ := New("crm", *s, "wrong", nil)
	if rep, _ = bad.Test(ctx); rep.OK || !strings.Contains(rep.Summary, "API key") {
		t.Fatalf("bad key: %+v", rep)
	}
	s.BaseURL = f.srv.URL + "/v9"
	wrong, _ := New("crm", *s, testKey, nil)
	if rep, _ = wrong.Test(ctx); rep.OK || !strings.Contains(rep.Summary, "no Clientify API") {
		t.Fatalf("bad base: %+v", rep)
	}
}

// Relations decode as ids, numeric strings, hyperlinks, objects, names or
// null.
func TestRefDecoding(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Ref{
		`7788123`:   {ID: 7788123},
		`"7788123"`: {ID: 7788123},
		`"https://api.clientify.net/v1/companies/7788123/"`: {ID: 7788123, URL: "https://api.clientify.net/v1/companies/7788123/"},
		`{"id": 5, "name": "X"}`:                            {ID: 5, Name: "X"},
		`"Henderson Gomez LLC"`:                             {Name: "Henderson Gomez LLC"},
		`"https://api.clientify.net/v1/contacts/integer/"`:  {URL: "https://api.clientify.net/v1/contacts/integer/"},
		`null`: {},
	} {
		var r Ref
		if err := json.Unmarshal([]byte(in), &r); err != nil || r != want {
			t.Errorf("%s: %+v %v", in, r, err)
		}
	}
	var r Ref
	if err := json.Unmarshal([]byte(`[1]`), &r); err == nil {
		t.Error("an array decoded as a relation")
	}
}

// A create without a natural key that may have committed is not sent
// again; a 2xx the client cannot read is looked up, not repeated.
func TestCreateWithoutKeyOrAnswer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFake(t)
	f.dropAfter = func(r *http.Request) bool { return r.Method == http.MethodPost }
	if _, err := f.client(t).CreateCompany(ctx, CompanyInput{Name: "No NIF"}); !remote.IsAmbiguous(err) || f.postCount() != 1 {
		t.Fatalf("%v, %d POSTs", err, f.postCount())
	}
	g := newFake(t)
	g.before = func(f *fake, w http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodPost {
			return false
		}
		f.posts++
		f.addLocked("products", map[string]any{"sku": "FRY-2"}, f.now)
		w.WriteHeader(201)
		fmt.Fprint(w, "<html>Created</html>")
		return true
	}
	p, err := g.client(t).CreateProduct(ctx, ProductInput{SKU: "FRY-2"})
	if err != nil || p.SKU != "FRY-2" || g.postCount() != 1 {
		t.Fatalf("%+v %v, %d POSTs", p, err, g.postCount())
	}
}

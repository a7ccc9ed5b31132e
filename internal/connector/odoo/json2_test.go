package odoo

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/jobs"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
)

// json2Client is a client of a version 19 sandbox forced to JSON-2.
func json2Client(t *testing.T, opts sandbox.Options, db string) (*Client, *sandbox.Server) {
	t.Helper()
	opts.Version = 19
	sb := sandbox.New(opts)
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	s := *DefaultSettings()
	s.URL, s.Database, s.Protocol, s.RateLimit, s.Timeout = srv.URL, db, "json2", 0, 5*time.Second
	c, err := New("erp", s, "admin", "demo-key", nil)
	if err != nil {
		t.Fatal(err)
	}
	return c, sb
}

// TestJSON2ErrorsAreReadNotRetried: 19 answers 500 with builtins.ValueError
// for an invalid field; the client reads the body (one call, not four), calls
// it permanent and shows Odoo's message without the traceback.
func TestJSON2ErrorsAreReadNotRetried(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, sb := json2Client(t, sandbox.Options{}, "ferry")
	before := sb.Calls("res.partner", "search_read")
	_, err := SearchRead[partnerRow](ctx, c, "res.partner", Query{Fields: []string{"no_such_field"}})
	var oe *Error
	if !errors.As(err, &oe) || oe.Name != "ValueError" || oe.Status != 500 || jobs.ClassOf(err) != jobs.ClassPermanent {
		t.Fatalf("invalid field over JSON-2: %#v", err)
	}
	if strings.Contains(err.Error(), "Traceback") || strings.Contains(err.Error(), "/usr/lib") || !strings.Contains(err.Error(), "no_such_field") {
		t.Fatalf("error text %q: want Odoo's message without the traceback", err)
	}
	if n := sb.Calls("res.partner", "search_read") - before; n > 1 {
		t.Fatalf("%d calls of a refused read, want 1", n)
	}
	_, err = c.Create(ctx, "res.partner", []map[string]any{{"email": "x@example.fi"}}, nil)
	if !IsValidation(err) || jobs.ClassOf(err) != jobs.ClassPermanent {
		t.Fatalf("validation over JSON-2: %v", err)
	}
}

// TestJSON2WrongDatabase: the HTML 404 page becomes "database … does not exist".
func TestJSON2WrongDatabase(t *testing.T) {
	t.Parallel()
	c, _ := json2Client(t, sandbox.Options{}, "nope")
	rep, err := c.Test(context.Background())
	if err != nil || rep.OK || rep.Summary != `database "nope" does not exist on `+c.s.URL {
		t.Fatalf("%+v %v", rep, err)
	}
	if strings.Contains(strings.Join(rep.Details, " "), "DOCTYPE") {
		t.Fatalf("the HTML page shows: %v", rep.Details)
	}
}

// TestJSON2ErrorClasses: every class 19 answers, as the queue must treat it.
func TestJSON2ErrorClasses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status int
		name   string
		want   jobs.Class
	}{
		{422, "odoo.exceptions.UserError", jobs.ClassPermanent},
		{422, "odoo.exceptions.ValidationError", jobs.ClassPermanent},
		{403, "odoo.exceptions.AccessError", jobs.ClassNeedsAction},
		{401, "odoo.exceptions.AccessDenied", jobs.ClassNeedsAction},
		{404, "odoo.exceptions.MissingError", jobs.ClassPermanent},
		{500, "builtins.ValueError", jobs.ClassPermanent},
		{500, "builtins.KeyError", jobs.ClassPermanent},
		{500, "builtins.TypeError", jobs.ClassPermanent},
		{500, "psycopg2.errors.SerializationFailure", jobs.ClassTransient},
		{500, "psycopg2.OperationalError", jobs.ClassTransient},
	} {
		var calls atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			w.WriteHeader(tc.status)
			w.Write([]byte(`{"name": "` + tc.name + `", "message": "refused", "arguments": ["refused"], "context": {}, "debug": "Traceback (most recent call last):\n  File \"/usr/lib/python3/dist-packages/odoo/http.py\""}`))
		}))
		s := *DefaultSettings()
		s.URL, s.Database, s.Protocol, s.Version, s.RateLimit, s.MaxAttempts = srv.URL, "ferry", "json2", 19, 0, 2
		c, _ := New("erp", s, "admin", "demo-key", nil)
		_, err := c.Execute(context.Background(), "res.partner", "search_read", nil, nil, true)
		srv.Close()
		if got := jobs.ClassOf(err); got != tc.want || err == nil || strings.Contains(err.Error(), "Traceback") {
			t.Errorf("%d %s: class %s (%v), want %s", tc.status, tc.name, got, err, tc.want)
		}
		if tc.want != jobs.ClassTransient && calls.Load() != 1 {
			t.Errorf("%s: %d calls, want 1", tc.name, calls.Load())
		}
	}
}

// TestJSON2NeverCallsJSONRPC: a connection test and a full import (customers,
// orders, confirm, invoices) over JSON-2 make no call of the deprecated
// /jsonrpc, in json2 mode and in auto mode on 19.
func TestJSON2NeverCallsJSONRPC(t *testing.T) {
	t.Parallel()
	for _, protocol := range []string{"json2", "auto"} {
		t.Run(protocol, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, sb := json2Client(t, sandbox.Options{}, "ferry")
			c.s.Protocol = protocol
			if rep, err := c.Test(ctx); err != nil || !rep.OK {
				t.Fatalf("%+v %v", rep, err)
			}
			levels, err := c.StockLevels(ctx)
			if err != nil || len(levels) == 0 {
				t.Fatalf("%v %v", levels, err)
			}
			imps := testOrders(3)
			for i := range imps {
				imps[i].Order.Lines[0].SKU = levels[0].SKU
				imps[i].Carrier = "Posti SmartPOST"
			}
			res, err := c.ImportOrders(ctx, imps)
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range res {
				if r.Err != nil || r.RemoteID == "" {
					t.Fatalf("order %d: %+v", i, r)
				}
			}
			if n := sb.DeprecatedCalls(); n != 0 {
				t.Fatalf("%d calls of /jsonrpc or /xmlrpc over JSON-2", n)
			}
		})
	}
}

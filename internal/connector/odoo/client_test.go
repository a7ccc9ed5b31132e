package odoo

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ferryhub/ferry/internal/model"
)

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// recorded answers JSON-RPC calls with the recorded payloads named by
// "service.method" or "model.method"; authenticate answers uid 2 unless a
// payload is named for it.
func recorded(t *testing.T, answers map[string]string) (*Client, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/jsonrpc" {
			http.NotFound(w, r) // as 16–18 answer GET /web/version
			return
		}
		calls.Add(1)
		var req struct {
			Params struct {
				Service, Method string
				Args            []json.RawMessage
			}
		}
		body, _ := io.ReadAll(r.Body)
		json.Unmarshal(body, &req)
		key := req.Params.Service + "." + req.Params.Method
		if _, ok := answers[key]; !ok && key == "common.authenticate" {
			w.Write([]byte(`{"jsonrpc":"2.0","id":1,"result":2}`))
			return
		}
		if req.Params.Method == "execute_kw" && len(req.Params.Args) > 4 {
			var model, method string
			json.Unmarshal(req.Params.Args[3], &model)
			json.Unmarshal(req.Params.Args[4], &method)
			key = model + "." + method
		}
		name, ok := answers[key]
		if !ok {
			t.Errorf("unexpected call %s", key)
			w.WriteHeader(500)
			return
		}
		w.Write(readFile(t, name))
	}))
	t.Cleanup(srv.Close)
	s := *DefaultSettings()
	s.URL, s.Database, s.MaxAttempts, s.RateLimit = srv.URL, "ferry", 1, 0
	c, err := New("erp", s, "admin", "secret-key-123", nil)
	if err != nil {
		t.Fatal(err)
	}
	return c, &calls
}

type partner struct {
	ID        Int      `json:"id"`
	Name      Str      `json:"name"`
	Email     Str      `json:"email"`
	Ref       Str      `json:"ref"`
	ParentID  Many2one `json:"parent_id"`
	CountryID Many2one `json:"country_id"`
	ChildIDs  IDs      `json:"child_ids"`
	WriteDate Time     `json:"write_date"`
}

func TestRecordedShapesDecode(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, calls := recorded(t, map[string]string{"common.version": "version_16.json", "res.partner.search_read": "search_read_partners.json", "res.partner.create": "error_validation.json", "stock.quant.action_apply_inventory": "none_result.json"})
	v, err := c.Version(ctx)
	if err != nil || v != 16 {
		t.Fatalf("version %d, %v", v, err)
	}
	rows, err := SearchRead[partner](ctx, c, "res.partner", Query{Fields: []string{"name", "email", "ref", "parent_id", "country_id", "child_ids", "write_date"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []partner{
		{ID: 7, Name: "Maija Meikäläinen", Email: "maija@example.fi", CountryID: Many2one{70, "Finland"}, ChildIDs: IDs{8, 9}, WriteDate: Time{time.Date(2024, 5, 2, 7, 5, 0, 0, time.UTC)}},
		{ID: 8, Ref: "SHOP-77", ParentID: Many2one{7, "Maija Meikäläinen"}, WriteDate: Time{time.Date(2024, 5, 2, 7, 5, 1, 0, time.UTC)}},
	}
	if d := cmp.Diff(want, rows); d != "" {
		t.Fatalf("decoded (-want +got):\n%s", d)
	}
	_, err = c.Create(ctx, "res.partner", []map[string]any{{"email": "x@example.fi"}}, nil)
	var oe *Error
	if !errors.As(err, &oe) || !IsValidation(err) || oe.Message != "The operation cannot be completed: Contacts require a name" || oe.FailureClass() != "permanent" {
		t.Fatalf("validation error: %v", err)
	}
	res, err := c.Call(ctx, "stock.quant", "action_apply_inventory", []int64{1}, nil)
	if err != nil || res != nil {
		t.Fatalf("a None result: %s %v", res, err)
	}
	if calls.Load() != 5 {
		t.Fatalf("%d calls, want 5 (version, authenticate, search_read, create, action)", calls.Load())
	}
}

func TestBadCredentialsAndAccessDenied(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, _ := recorded(t, map[string]string{"common.version": "version_16.json", "common.authenticate": "authenticate_false.json"})
	if _, err := c.Version(ctx); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("authenticate false: %v", err)
	}
	rep, _ := c.Test(ctx)
	if rep.OK || !strings.Contains(rep.Summary, "bad credentials") {
		t.Fatalf("report %+v", rep)
	}
	if _, err := decodeRPC(readFile(t, "error_access_denied.json"), "res.partner read"); !IsAccessDenied(err) {
		t.Fatalf("access denied: %v", err)
	}
	err := decodeJSON2Error(401, readFile(t, "json2_unauthorized.json"), "res.partner", "search_read")
	var oe *Error
	if !IsAccessDenied(err) || !errors.As(err, &oe) || oe.Message != "Invalid apikey" || oe.FailureClass() != "needs_action" {
		t.Fatalf("JSON-2 401: %v", err)
	}
}

func TestJSON2Params(t *testing.T) {
	t.Parallel()
	p := json2Params("write", []any{[]int64{1, 2}, map[string]any{"name": "x"}}, map[string]any{"context": map[string]any{"lang": "fi_FI"}})
	if p["ids"] == nil || p["vals"] == nil || p["context"] == nil {
		t.Fatalf("write params %v", p)
	}
	p = json2Params("create", []any{map[string]any{"name": "x"}}, nil)
	if l, ok := p["vals_list"].([]any); !ok || len(l) != 1 {
		t.Fatalf("create params %v", p)
	}
	p = json2Params("search_read", nil, map[string]any{"fields": []string{"name"}})
	if _, ok := p["domain"]; !ok {
		t.Fatalf("search_read params %v", p)
	}
}

func TestValuesDecodeFalse(t *testing.T) {
	t.Parallel()
	var v struct {
		S Str
		N Num
		I Int
		M Many2one
		X IDs
		T Time
	}
	if err := json.Unmarshal([]byte(`{"S":false,"N":false,"I":false,"M":false,"X":false,"T":false}`), &v); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(`{"S":"a","N":41.4,"I":3,"M":[5,"WH"],"X":[1,2],"T":"2024-01-02 03:04:05"}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.N.D() != model.MustDecimal("41.4") || v.M.Name != "WH" || len(v.X) != 2 || v.T.Hour() != 3 {
		t.Fatalf("%+v", v)
	}
	if err := json.Unmarshal([]byte(`{"M":"nope"}`), &v); err == nil {
		t.Fatal("a string many2one was accepted")
	}
}

func FuzzDecodeRPC(f *testing.F) {
	for _, n := range []string{"version_16.json", "search_read_partners.json", "error_validation.json", "none_result.json", "authenticate_false.json"} {
		f.Add(readFile(f, n))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		res, err := decodeRPC(b, "m x")
		if err == nil {
			var rows []partner
			_ = json.Unmarshal(res, &rows)
		}
	})
}

func FuzzDecodeJSON2Error(f *testing.F) {
	f.Add(readFile(f, "json2_unauthorized.json"))
	f.Add([]byte(`<html>502</html>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := decodeJSON2Error(400, b, "m", "x"); err == nil || err.Error() == "" {
			t.Fatal("no error")
		}
	})
}

func FuzzValues(f *testing.F) {
	f.Add([]byte(`[5,"WH"]`))
	f.Add([]byte(`false`))
	f.Add([]byte(`"2024-01-02 03:04:05"`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Many2one
		_ = json.Unmarshal(b, &m)
		var s Str
		_ = json.Unmarshal(b, &s)
		var n Num
		_ = json.Unmarshal(b, &n)
		var x IDs
		_ = json.Unmarshal(b, &x)
		var tm Time
		_ = json.Unmarshal(b, &tm)
	})
}

// TestConnectionTestRefusesOdoo13: a server older than MinVersion is named
// in the connection test and not logged in to; a forced version below it is
// a settings error.
func TestConnectionTestRefusesOdoo13(t *testing.T) {
	t.Parallel()
	c, calls := recorded(t, map[string]string{"common.version": "version_13.json"})
	rep, err := c.Test(context.Background())
	if err != nil || rep.OK || rep.Summary != "Odoo 13.0: ferry speaks Odoo 14 and later" || calls.Load() != 1 {
		t.Fatalf("%+v %v (%d calls)", rep, err, calls.Load())
	}
	s := *DefaultSettings()
	s.URL, s.Database, s.Version = "http://odoo.example", "ferry", 13
	if _, err := New("erp", s, "admin", "k", nil); err == nil || !strings.Contains(err.Error(), "version 13: ferry speaks Odoo 14 and later") {
		t.Fatalf("forced 13: %v", err)
	}
	s.Version = 14
	if _, err := New("erp", s, "admin", "k", nil); err != nil {
		t.Fatalf("forced 14: %v", err)
	}
}

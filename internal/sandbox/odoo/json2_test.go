package odoo

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// j2 calls JSON-2 with the demo key (or headers given), returning the status,
// the content type and the raw body.
func j2(t *testing.T, url, path, body string, headers ...string) (int, string, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+path, strings.NewReader(body))
	req.Header.Set("Authorization", "bearer demo-key")
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

// j2ok calls JSON-2 and decodes a 200 answer into T.
func j2ok[T any](t *testing.T, url, path, body string) T {
	t.Helper()
	code, _, b := j2(t, url, path, body)
	var v T
	if code != 200 {
		t.Fatalf("%s: %d %s", path, code, b)
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %s: %v", path, b, err)
	}
	return v
}

// Odoo 19 answers JSON-2 errors by exception class: 422 for UserError and
// ValidationError, 403 access, 404 missing records and unknown models or
// methods, 401 a bad key, and 500 for every other exception (ValueError…),
// with a debug traceback naming the server's files.
func TestJSON2ErrorClasses(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(New(Options{Version: 19, Products: 2, Partners: 1}).Handler())
	defer srv.Close()
	inv := j2ok[[]int64](t, srv.URL, "/json/2/account.move/create", `{"vals_list":[{"move_type":"out_invoice","partner_id":1}]}`)
	j2ok[any](t, srv.URL, "/json/2/account.move/action_post", `{"ids":[`+itoa(inv[0])+`]}`)
	for _, c := range []struct {
		what, path, body string
		status           int
		name             string
	}{
		{"invalid field", "/json/2/res.partner/write", `{"ids":[1],"vals":{"no_such_field":1}}`, 500, "builtins.ValueError"},
		{"invalid field read", "/json/2/res.partner/read", `{"ids":[1],"fields":["no_such_field"]}`, 500, "builtins.ValueError"},
		{"validation", "/json/2/res.partner/create", `{"vals_list":[{"email":"x@example.fi"}]}`, 422, "odoo.exceptions.ValidationError"},
		{"user error", "/json/2/account.move/action_post", `{"ids":[` + itoa(inv[0]) + `]}`, 422, "odoo.exceptions.UserError"},
		{"private", "/json/2/res.partner/_read", `{"ids":[1]}`, 403, "odoo.exceptions.AccessError"},
		{"missing", "/json/2/res.partner/write", `{"ids":[99999],"vals":{"name":"x"}}`, 404, "odoo.exceptions.MissingError"},
		{"unknown model", "/json/2/no.such.model/search", `{"domain":[]}`, 404, "werkzeug.exceptions.NotFound"},
		{"unknown method", "/json/2/res.partner/frobnicate", `{"ids":[1]}`, 404, "werkzeug.exceptions.NotFound"},
	} {
		code, ct, b := j2(t, srv.URL, c.path, c.body)
		var body struct {
			Name, Message, Debug string
			Arguments            []any
			Context              map[string]any
		}
		if err := json.Unmarshal(b, &body); err != nil || code != c.status || body.Name != c.name || ct != "application/json" {
			t.Errorf("%s: %d %s %s", c.what, code, ct, b)
			continue
		}
		if body.Message == "" || len(body.Arguments) == 0 || body.Context == nil || !strings.Contains(body.Debug, "/usr/lib/python3/dist-packages/odoo/") {
			t.Errorf("%s: body %s", c.what, b)
		}
	}
	code, _, b := j2(t, srv.URL, "/json/2/res.partner/search", `{"domain":[]}`, "Authorization", "bearer wrong")
	if code != 401 || !bytes.Contains(b, []byte(`"Invalid apikey"`)) {
		t.Errorf("bad key: %d %s", code, b)
	}
	// A database that does not exist: Odoo's HTML 404, not JSON.
	code, ct, b := j2(t, srv.URL, "/json/2/res.partner/search", `{"domain":[]}`, "X-Odoo-Database", "nodb")
	if code != 404 || !strings.HasPrefix(ct, "text/html") || !bytes.HasPrefix(b, []byte("<!DOCTYPE html>")) {
		t.Errorf("wrong database: %d %s %s", code, ct, b)
	}
	if code, _, _ := j2(t, srv.URL, "/json/2/res.partner/search", `{"domain":[]}`, "X-Odoo-Database", "ferry"); code != 200 {
		t.Errorf("right database: %d", code)
	}
}

// 19 serves its version at GET /web/version (and /json/version) without a
// key, so a JSON-2 client needs no /jsonrpc; the deprecated endpoints are
// counted. 16–18 have no such route.
func TestJSON2VersionAndDeprecatedRPC(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 18, 19} {
		s := New(Options{Version: version, Products: 1, Partners: 1})
		srv := httptest.NewServer(s.Handler())
		defer srv.Close()
		resp, err := http.Get(srv.URL + "/web/version")
		if err != nil {
			t.Fatal(err)
		}
		var v struct {
			Version     string `json:"version"`
			VersionInfo []any  `json:"version_info"`
		}
		json.NewDecoder(resp.Body).Decode(&v)
		resp.Body.Close()
		if version < 19 {
			if resp.StatusCode != 404 {
				t.Errorf("%d /web/version: %d", version, resp.StatusCode)
			}
			rpc(t, srv.URL, "common", "version")
			if s.DeprecatedCalls() != 0 {
				t.Errorf("%d counts deprecated calls", version)
			}
			continue
		}
		if resp.StatusCode != 200 || v.Version != "19.0" || len(v.VersionInfo) != 6 || v.VersionInfo[0] != 19.0 || v.VersionInfo[3] != "final" {
			t.Errorf("19 /web/version: %d %+v", resp.StatusCode, v)
		}
		j2ok[[]int64](t, srv.URL, "/json/2/res.partner/search", `{"domain":[]}`)
		if n := s.DeprecatedCalls(); n != 0 {
			t.Errorf("JSON-2 counted as deprecated: %d", n)
		}
		rpc(t, srv.URL, "common", "version")
		kw(t, srv.URL, "res.partner", "search", []any{[]any{}}, nil)
		if n := s.DeprecatedCalls(); n != 2 {
			t.Errorf("two /jsonrpc calls counted %d", n)
		}
	}
}

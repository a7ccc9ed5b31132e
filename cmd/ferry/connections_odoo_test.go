package main

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	odoosandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
)

// `ferry connections test NAME` on an Odoo connection reports the server
// version and the user, and names the modules the routes need that are
// missing.
func TestConnectionsTestOdoo(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		version int
		modules []string
		want    []string
		ok      bool
	}{
		{16, nil, []string{"OK erp: Odoo 16.0", "user Administrator (login admin)", "over jsonrpc"}, true},
		{19, nil, []string{"OK erp: Odoo 19.0", "user Administrator (login admin)", "over json2"}, true},
		{18, []string{"base", "sale", "stock", "account"}, []string{"FAIL erp: Odoo 18.0: modules the routes need are not installed: sale_management, stock_delivery"}, false},
	} {
		srv := httptest.NewServer(odoosandbox.New(odoosandbox.Options{Version: tc.version, Modules: tc.modules, Products: 1, Partners: 1}).Handler())
		defer srv.Close()
		path := writeConfig(t, fmt.Sprintf(`data_dir: DATADIR
connections:
  erp:
    kind: odoo
    settings: {url: %s, database: ferry}
    credentials: {login: admin, api_key: demo-key}
`, srv.URL))
		out, _, err := runFerry(t, "connections", "test", "erp", "-c", path)
		var ee exitError
		if tc.ok != (err == nil) || (!tc.ok && !errors.As(err, &ee)) {
			t.Fatalf("%d: err %v, output %s", tc.version, err, out)
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%d: output %q lacks %q", tc.version, out, w)
			}
		}
	}
}

// `ferry connections test` without a name tests every connection, and fails
// when one of them does.
func TestConnectionsTestEveryConnection(t *testing.T) {
	t.Parallel()
	good := httptest.NewServer(odoosandbox.New(odoosandbox.Options{Version: 17, Products: 1, Partners: 1}).Handler())
	defer good.Close()
	path := writeConfig(t, fmt.Sprintf(`data_dir: DATADIR
connections:
  erp:
    kind: odoo
    settings: {url: %s, database: ferry}
    credentials: {login: admin, api_key: demo-key}
  old:
    kind: odoo
    settings: {url: %s, database: nosuchdb}
    credentials: {login: admin, api_key: demo-key}
`, good.URL, good.URL))
	out, _, err := runFerry(t, "connections", "test", "-c", path)
	var ee exitError
	if !errors.As(err, &ee) || !strings.Contains(out, "OK erp: Odoo 17.0") || !strings.Contains(out, "FAIL old:") {
		t.Fatalf("err %v, output %s: want erp OK, old FAIL, exit 1", err, out)
	}
}

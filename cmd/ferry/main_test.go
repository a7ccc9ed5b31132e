package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// runFerry runs the command line in-process and returns stdout, stderr and the
// error (an exitError for commands that printed their own failure).
func runFerry(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	root := newRoot()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "ferry.yaml")
	body = strings.ReplaceAll(body, "DATADIR", filepath.Join(dir, "data"))
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestConfigValidateNamesFileLineAndKey(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, "data_dir: DATADIR\nqueue:\n  workers: 4\n  job_timout: 1m\n")
	_, stderr, err := runFerry(t, "config", "validate", "--config", path)
	var ee exitError
	if !errors.As(err, &ee) || ee.code == 0 {
		t.Fatalf("config validate on a typo: err %v, want a non-zero exit", err)
	}
	for _, want := range []string{path + ":4:", `"job_timout"`, `"job_timeout"`} {
		if !strings.Contains(stderr, want) {
			t.Errorf("output %q does not contain %q", stderr, want)
		}
	}
}

func TestConfigValidateAcceptsAGoodFile(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, "data_dir: DATADIR\nqueue:\n  workers: 4\n")
	out, _, err := runFerry(t, "config", "validate", "-c", path)
	if err != nil || !strings.Contains(out, "is valid") {
		t.Fatalf("out %q err %v", out, err)
	}
}

func TestBadFlagSaysWhatToDo(t *testing.T) {
	t.Parallel()
	_, _, err := runFerry(t, "jobs", "list", "--stat", "parked")
	if err == nil || !strings.Contains(err.Error(), "unknown flag") || !strings.Contains(err.Error(), "--help") {
		t.Fatalf("err = %v", err)
	}
	_, _, err = runFerry(t, "jobs", "list", "--state", "stuck", "-c", writeConfig(t, "data_dir: DATADIR\n"))
	if err == nil || !strings.Contains(err.Error(), "unknown state") {
		t.Fatalf("err = %v", err)
	}
}

func TestMissingConfigNamedExplicitlyIsAnError(t *testing.T) {
	t.Parallel()
	_, _, err := runFerry(t, "migrate", "--config", filepath.Join(t.TempDir(), "nope.yaml"))
	if err == nil || !strings.Contains(err.Error(), "nope.yaml") {
		t.Fatalf("err = %v", err)
	}
}

func TestMigrateAndJobsListOnAFreshSQLite(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, "data_dir: DATADIR\n")
	if out, _, err := runFerry(t, "migrate", "-c", path); err != nil || !strings.Contains(out, "up to date") {
		t.Fatalf("migrate: %q %v", out, err)
	}
	out, _, err := runFerry(t, "jobs", "list", "-c", path)
	if err != nil || !strings.Contains(out, "ID") {
		t.Fatalf("jobs list: %q %v", out, err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(path), "data", "secret.key")); err != nil {
		t.Fatalf("no secret key file was created: %v", err)
	}
	for _, cmd := range [][]string{{"jobs", "list", "--route", "nosuch"}, {"jobs", "retry", "--failed", "--route", "nosuch"}} {
		if _, _, err := runFerry(t, append(cmd, "-c", path)...); err == nil || !strings.Contains(err.Error(), `--route "nosuch": no such route`) {
			t.Errorf("%v: %v", cmd, err)
		}
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	out, _, err := runFerry(t, "version")
	if err != nil || !strings.HasPrefix(out, "ferry ") {
		t.Fatalf("%q %v", out, err)
	}
}

// Routes that can never run are refused when the config is read, each at its
// file:line:col, all at once with the other mistakes.
func TestConfigRefusesRoutesThatCannotRun(t *testing.T) {
	t.Parallel()
	conns := `data_dir: DATADIR
queue: {workers: lots}
connections:
  shop: {kind: mycashflow, settings: {store: demo}, credentials: {user: u, apikey: k}}
  erp: {kind: odoo, settings: {url: "http://127.0.0.1:1", database: d}, credentials: {login: a, api_key: k}}
  wms: {kind: ongoing, settings: {warehouse: w, goods_owner_id: 1}, credentials: {user: u, password: p}}
routes:
`
	routes := []struct{ route, want string }{
		{"{flow: orders, from: erp, to: shop}", "routes.r0.from: kind odoo cannot be an order source"},
		{"{flow: orders, from: erp, to: shop}", "routes.r1.to: kind mycashflow cannot be an order target"},
		{"{flow: stock, from: shop, to: erp}", "routes.r2.from: kind mycashflow cannot be a stock source"},
		{"{flow: products, from: wms, to: shop}", "routes.r3.from: kind ongoing cannot be a product source"},
		{"{flow: payments, from: wms, to: shop}", "routes.r4.from: kind ongoing cannot be a payment source"},
		{"{flow: shipments, from: shop, to: wms}", "routes.r5.from: kind mycashflow cannot be a shipment source"},
		{"{flow: base_config, from: wms, to: erp}", "routes.r6.from: kind ongoing cannot be a configuration source"},
		{"{flow: campaign_prices, from: shop, to: erp}", "routes.r7.to: kind odoo cannot be a campaign target"},
	}
	body := conns
	for i, r := range routes {
		body += fmt.Sprintf("  r%d: %s\n", i, r.route)
	}
	// Routes that can run are not refused.
	body += "  ok1: {flow: orders, from: shop, to: wms}\n  ok2: {flow: stock, from: wms, to: shop}\n  ok3: {flow: products, from: shop, to: wms}\n"
	path := writeConfig(t, body)
	_, stderr, err := runFerry(t, "config", "validate", "-c", path)
	if err == nil {
		t.Fatal("a config with routes that cannot run was accepted")
	}
	for _, r := range append(routes,
		struct{ route, want string }{"", `queue.workers: "lots" is not a whole number`},
		struct{ route, want string }{"", `connections.shop.credentials.apikey: kind mycashflow takes no credential "apikey"; did you mean "api_key"?`}) {
		if !strings.Contains(stderr, r.want) {
			t.Errorf("no %q in:\n%s", r.want, stderr)
		}
	}
	if strings.Contains(stderr, "ok1") || strings.Contains(stderr, "ok2") || strings.Contains(stderr, "ok3") {
		t.Errorf("a route that can run was refused:\n%s", stderr)
	}
	if !regexp.MustCompile(`ferry\.yaml:\d+:\d+: routes\.r2\.from`).MatchString(stderr) {
		t.Errorf("no file:line:col for routes.r2.from:\n%s", stderr)
	}
}

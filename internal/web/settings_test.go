package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/store"
)

func fieldOf(fs []Field, key string) (Field, bool) {
	for _, f := range fs {
		if f.Key == key {
			return f, true
		}
	}
	return Field{}, false
}

// TestSettingsFormsShowWhatIsInForce: one input a field, the value in force
// (ferry.yaml's connection rate_limit over the settings' own) with the
// default beside it; route options likewise, rule lists left to Mappings.
func TestSettingsFormsShowWhatIsInForce(t *testing.T) {
	e := newEnv(t)
	var v SettingsView
	if st := e.api(t, "GET", "/api/v1/settings", "", &v); st != http.StatusOK {
		t.Fatalf("GET settings: %d", st)
	}
	var shop ConnectionSettings
	for _, c := range v.Connections {
		if c.Name == "shop" {
			shop = c
		}
	}
	rate, ok := fieldOf(shop.Fields, "rate_limit")
	if !ok || rate.Value != "200" || rate.Default != "3" || !rate.Locked || !strings.Contains(rate.Note, "connections.shop.rate_limit") {
		t.Errorf("shop rate_limit %+v: want 200 in force (ferry.yaml), default 3, locked", rate)
	}
	if f, _ := fieldOf(shop.Fields, "timeout"); f.Input != "duration" || f.Value != "30s" || f.Default != "30s" {
		t.Errorf("shop timeout %+v: want the duration 30s", f)
	}
	if f, _ := fieldOf(shop.Fields, "store"); f.Input != "text" || f.Value != "demo" {
		t.Errorf("shop store %+v", f)
	}
	var orders RouteSettings
	for _, r := range v.Routes {
		if r.Name == "orders" {
			orders = r
		}
	}
	if f, _ := fieldOf(orders.Fields, "batch_size"); f.Input != "number" || f.Value != "100" || f.Default != "100" {
		t.Errorf("orders batch_size %+v", f)
	}
	if f, _ := fieldOf(orders.Fields, "overlap"); f.Value != "2m" {
		t.Errorf("orders overlap %+v: want 2m", f)
	}
	if !contains(orders.Complex, "shipping_methods") {
		t.Errorf("orders complex fields %v: want the rule lists", orders.Complex)
	}

	admin := signIn(t, e.srv.URL, "admin", adminPass)
	_, body := admin.do(t, "GET", "/settings", nil, "")
	for _, want := range []string{`name="f_timeout" value="30s"`, `name="f_batch_size" value="100"`, `href="/mappings#route-orders"`, `name="f_rate_limit" value="200"`} {
		if !strings.Contains(body, want) {
			t.Errorf("settings page lacks %s", want)
		}
	}

	// Saving a route's fields validates them and keeps its rules.
	resp, _ := admin.form(t, "/routes/orders/options", url.Values{"csrf": {admin.csrf}, "f_batch_size": {"0"}, "f_overlap": {"5m"}})
	if loc := resp.Header.Get("Location"); !strings.Contains(loc, "error=") || !strings.Contains(loc, "batch_size") {
		t.Errorf("batch_size 0 saved: %s", loc)
	}
	resp, _ = admin.form(t, "/routes/orders/options", url.Values{"csrf": {admin.csrf}, "f_batch_size": {"25"}, "f_overlap": {"5m"}})
	if loc, _ := url.QueryUnescape(resp.Header.Get("Location")); !strings.Contains(loc, "options saved") {
		t.Errorf("saving the orders options: %s", loc)
	}
	r, _ := e.hub.Flows.Route("orders")
	o := r.Options.(*flow.OrdersOptions)
	if o.BatchSize != 25 || o.Overlap != 5*time.Minute || len(o.ShippingMethods) != 2 {
		t.Errorf("orders options in force %+v: want batch 25, overlap 5m and the 2 rules kept", o)
	}
	// The connection's form: a bad duration is refused, a good one in force.
	resp, _ = admin.form(t, "/connections/shop/settings", url.Values{"csrf": {admin.csrf}, "f_timeout": {"soon"}})
	if loc, _ := url.QueryUnescape(resp.Header.Get("Location")); !strings.Contains(loc, "timeout") {
		t.Errorf("a bad timeout: %s", loc)
	}
	resp, _ = admin.form(t, "/connections/shop/settings", url.Values{"csrf": {admin.csrf}, "f_timeout": {"45s"}, "f_page_size": {"50"}})
	if loc, _ := url.QueryUnescape(resp.Header.Get("Location")); !strings.Contains(loc, "saved") {
		t.Errorf("saving the shop's settings: %s", loc)
	}
	cur, _, _, err := e.hub.ConnectionSettings(t.Context(), "shop")
	if err != nil {
		t.Fatal(err)
	}
	fs, _ := fieldsOf(cur, nil)
	if f, _ := fieldOf(fs, "timeout"); f.Value != "45s" {
		t.Errorf("shop timeout after saving: %s", f.Value)
	}
}

// TestSettingsRerunParkedOnRefusedCredentials: a key the shop refuses parks
// the jobs that met it on connection:shop; saving the right key in the
// settings form re-runs each of them and says how many.
func TestSettingsRerunParkedOnRefusedCredentials(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	if _, err := e.hub.UpdateConnection(ctx, "shop", mustJSON(t, e, "shop"), map[string]string{"api_key": "wrong-key"}); err != nil {
		t.Fatal(err)
	}
	for _, route := range []string{"orders", "stock", "base-config"} {
		if err := flow.PassNow(ctx, e.hub.Flows, []string{route}); err != nil {
			t.Fatal(err)
		}
	}
	parked, err := e.hub.Store.ListIssues(ctx, store.IssueFilter{Open: true, DependsOn: "connection:shop"})
	if err != nil {
		t.Fatal(err)
	}
	if len(parked) < 2 {
		all, _ := e.hub.Store.ListIssues(ctx, store.IssueFilter{Open: true})
		t.Fatalf("%d jobs parked on connection:shop after the key was refused, want the passes that met it; open issues: %+v", len(parked), all)
	}
	admin := signIn(t, e.srv.URL, "admin", adminPass)
	resp, _ := admin.form(t, "/connections/shop/settings", url.Values{"csrf": {admin.csrf}, "cred_api_key": {shopKey}})
	loc, _ := url.QueryUnescape(resp.Header.Get("Location"))
	if want := reran(len(parked)); !strings.Contains(loc, want) {
		t.Errorf("saving the key: %s, want %q", loc, want)
	}
}

func mustJSON(t *testing.T, e *env, conn string) []byte {
	t.Helper()
	cur, _, _, err := e.hub.ConnectionSettings(t.Context(), conn)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(cur)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

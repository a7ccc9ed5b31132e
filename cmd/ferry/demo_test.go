package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The README's main command: every route of the MyCashflow ⇄ Odoo integration
// runs once between the two sandboxes, and records reach the other side.
func TestDemoOnce(t *testing.T) {
	t.Parallel()
	out, _, err := runFerry(t, "demo", "--once", "--data-dir", t.TempDir(), "--addr", freeAddr(t))
	if err != nil {
		t.Fatalf("demo --once: %v\n%s", err, out)
	}
	var res struct {
		Routes map[string]demoCounts
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	want := map[string]func(c demoCounts) bool{
		"base-config": func(c demoCounts) bool { return c.Created > 0 },
		"products": func(c demoCounts) bool {
			return c.Created > 0 && c.Parked > 0
		},
		"stock":     func(c demoCounts) bool { return c.Updated > 0 },
		"orders":    func(c demoCounts) bool { return c.Created > 0 },
		"shipments": func(c demoCounts) bool { return c.Updated > 0 },
		"payments": func(c demoCounts) bool {
			return c.Updated+c.Unchanged > 0
		},
		// Rules a shop campaign cannot hold are skipped with the reason.
		"campaign-prices": func(c demoCounts) bool { return c.Skipped > 0 },
	}
	for route, ok := range want {
		c, found := res.Routes[route]
		if !found || !ok(c) || c.Failed > 0 {
			t.Errorf("route %s: %+v", route, c)
		}
	}
}

type demoCounts struct{ Created, Updated, Unchanged, Parked, Failed, Skipped int }

// The Ongoing scenario (seed 002) runs as a new user would run it: articles
// from the shop, the shop's orders into the warehouse once, every one shipped
// and quick-processed back with stock, and no call overlapped per goods owner.
func TestDemoOnceOngoing(t *testing.T) {
	t.Parallel()
	out, _, err := runFerry(t, "demo", "--scenario", "mcf-ongoing", "--once", "--data-dir", t.TempDir(), "--addr", freeAddr(t))
	if err != nil {
		t.Fatalf("demo --scenario mcf-ongoing --once: %v\n%s", err, out)
	}
	var res struct {
		Routes    map[string]demoCounts
		Warehouse struct {
			Orders   int            `json:"orders"`
			ByStatus map[string]int `json:"orders_by_status"`
			Overlaps int            `json:"overlaps"`
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	r := res.Routes
	if r["articles"].Created == 0 || r["orders"].Created != 10 || r["shipments"].Updated != 10 || r["stock"].Updated == 0 {
		t.Fatalf("counts %+v", r)
	}
	if res.Warehouse.Orders != 10 || res.Warehouse.ByStatus["450"] != 10 || res.Warehouse.Overlaps != 0 {
		t.Fatalf("warehouse %+v", res.Warehouse)
	}
}

// The OGOship scenario (seed 001): products and orders to the fulfilment
// warehouse once, every order shipped and quick-processed back, one token.
func TestDemoOnceOGOship(t *testing.T) {
	t.Parallel()
	out, _, err := runFerry(t, "demo", "--scenario", "mcf-ogoship", "--once", "--data-dir", t.TempDir(), "--addr", freeAddr(t))
	if err != nil {
		t.Fatalf("demo --scenario mcf-ogoship --once: %v\n%s", err, out)
	}
	var res struct {
		Routes    map[string]demoCounts
		Warehouse map[string]int
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	r, w := res.Routes, res.Warehouse
	if r["products"].Created == 0 || r["orders"].Created != 10 || r["shipments"].Updated != 10 || r["stock"].Updated == 0 {
		t.Fatalf("counts %+v", r)
	}
	if w["orders"] != 10 || w["orders.shipped"] != 10 || w["token_grants.password"] != 1 {
		t.Fatalf("warehouse %+v", w)
	}
}

// A data directory an earlier demo filled is refused with what to do: the
// sandboxes start afresh, so its links and cursors would lie.
func TestDemoRefusesAnEarlierDemosDataDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ferry.db"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := runFerry(t, "demo", "--once", "--data-dir", dir, "--addr", freeAddr(t))
	if err == nil || !strings.Contains(err.Error(), "holds an earlier demo's data") {
		t.Fatalf("demo on a used data dir: %v", err)
	}
}

// The Shopify scenario (seed 003) as a new user runs it: Shopify's products
// and customers into Odoo, orders once (risky and cancelled ones held as
// quotations, one confirmed after review), deliveries back, returns
// credited, payouts booked, and nothing failed.
func TestDemoOnceShopify(t *testing.T) {
	t.Parallel()
	out, _, err := runFerry(t, "demo", "--scenario", "shopify-odoo", "--once", "--data-dir", t.TempDir(), "--addr", freeAddr(t))
	if err != nil {
		t.Fatalf("demo --scenario shopify-odoo --once: %v\n%s", err, out)
	}
	var res struct {
		Routes    map[string]demoCounts
		Held      int    `json:"held_for_review"`
		Confirmed string `json:"confirmed_after_review"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	r := res.Routes
	if r["products"].Created == 0 || r["customers"].Created == 0 || r["orders"].Created == 0 || r["shipped-orders"].Created == 0 ||
		r["shipments"].Updated == 0 || r["stock"].Updated == 0 || r["refunds"].Created != 2 || r["payouts"].Created == 0 {
		t.Fatalf("counts %+v", r)
	}
	if res.Held == 0 || res.Confirmed == "" {
		t.Fatalf("held %d, confirmed %q", res.Held, res.Confirmed)
	}
}

// The Clientify scenario (seed 004): companies, contacts and products both
// ways, each trap of the sandbox's data skipped with its reason, and the
// confirmed sales as Clientify orders.
func TestDemoOnceClientify(t *testing.T) {
	t.Parallel()
	out, _, err := runFerry(t, "demo", "--scenario", "clientify-odoo", "--once", "--data-dir", t.TempDir(), "--addr", freeAddr(t))
	if err != nil {
		t.Fatalf("demo --scenario clientify-odoo --once: %v\n%s", err, out)
	}
	var res struct {
		Routes  map[string]demoCounts
		Skipped map[string][]string
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	r := res.Routes
	for _, name := range []string{"companies-in", "contacts-out", "contacts-in", "products-out", "products-in", "sales"} {
		if r[name].Created == 0 || r[name].Failed > 0 {
			t.Errorf("route %s: %+v", name, r[name])
		}
	}
	for route, want := range map[string]string{"companies-in": "ref (tax id)", "contacts-in": "e-mail", "products-in": "SKU"} {
		if s := strings.Join(res.Skipped[route], "\n"); !strings.Contains(s, want) || !strings.Contains(s, "merge them") {
			t.Errorf("route %s skipped %q, want the trap of its %s", route, s, want)
		}
	}
}

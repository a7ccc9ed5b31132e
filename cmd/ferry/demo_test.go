package main

import (
	"encoding/json"
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

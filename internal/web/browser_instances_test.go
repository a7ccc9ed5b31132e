package web

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestInstancesInBrowser: the shop's panel shows the orders the env imported
// today as the orders route counted them, and the invoices Odoo made for them, and Run now with a period queues a
// pass of that route.
func TestInstancesInBrowser(t *testing.T) {
	chrome := chromium(t)
	e := newEnv(t)
	tb := newTab(t, e, chrome)
	var api []struct {
		Name string `json:"name"`
		KPIs []struct {
			Label string `json:"label"`
			Route string `json:"route"`
			Today int    `json:"today"`
		} `json:"kpis"`
	}
	e.api(t, "GET", "/api/v1/instances", "", &api)
	if len(api) != 1 || api[0].Name != "shop" {
		t.Fatalf("instances: %+v", api)
	}
	imported, invoiced := -1, -1
	for _, k := range api[0].KPIs {
		switch k.Label {
		case "orders imported":
			imported = k.Today
		case "invoices created":
			invoiced = k.Today
		}
	}
	// Odoo invoices every order the env imported (the default workflow).
	if imported <= 0 || invoiced != imported {
		t.Fatalf("the shop's figures: %+v", api[0].KPIs)
	}
	tb.signIn("oper", operPass, "/instances")
	tb.do("see the shop", chromedp.WaitVisible(chromedp.CSS(`section.instance[data-instance="shop"]`)))
	got := tb.text(`section.instance[data-instance="shop"] .kpi[data-kpi="orders imported"] .today`)
	if n, _ := strconv.Atoi(strings.TrimSpace(got)); n != imported {
		t.Fatalf("the page says %q orders imported today, the API %d", got, imported)
	}
	if got := tb.text(`section.instance[data-instance="shop"] .kpi[data-kpi="invoices created"] .today`); strings.TrimSpace(got) != strconv.Itoa(invoiced) {
		t.Fatalf("the page says %q invoices created today, the API %d", got, invoiced)
	}
	tb.shot("instances")
	row := `section.instance[data-instance="shop"] tr[data-route="orders"]`
	tb.do("run the orders of a period",
		chromedp.SetValue(chromedp.CSS(row+` input[name="since"]`), "2026-11-01"),
		chromedp.SetValue(chromedp.CSS(row+` input[name="until"]`), "2026-11-30"),
		chromedp.Click(chromedp.CSS(row+` button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#flash")))
	if msg := tb.text("#flash"); !strings.Contains(msg, "route orders") || !strings.Contains(msg, "2026-11-01") {
		t.Fatalf("after Run now: %q", msg)
	}
}

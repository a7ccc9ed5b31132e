package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestConfigurationInBrowser is seed 003's Configuration tab for one
// instance: the seed's settings with their values in force (the orders
// route's prefix, the Odoo warehouse, the schedules), and an admin changes
// the order prefix and product auto creation from the page, which puts them
// in force on the route; an unknown instance is a 404 naming it.
func TestConfigurationInBrowser(t *testing.T) {
	chrome := chromium(t)
	e, _ := newShopifyEnv(t)
	tb := newTab(t, e, chrome)
	var cfg InstanceConfig
	e.api(t, "GET", "/api/v1/instances/shopify/configuration", "", &cfg)
	byKey := map[string]ConfigItem{}
	for _, it := range cfg.Items {
		byKey[it.Where+" "+it.Key] = it
	}
	for _, want := range []string{"route orders prefix", "route orders create_products", "route orders statuses", "connection erp warehouse", "route products pricelist", "route orders schedule"} {
		if _, ok := byKey[want]; !ok {
			t.Errorf("the configuration lacks %q: %+v", want, cfg.Items)
		}
	}
	if code, body := e.apiRaw(t, "GET", "/api/v1/instances/nosuch/configuration", ""); code != 404 || !strings.Contains(body, "nosuch") {
		t.Fatalf("unknown instance: %d %s", code, body)
	}
	tb.signIn("admin", adminPass, "/instances")
	tb.do("open the configuration", chromedp.Click(chromedp.CSS(`section.instance[data-instance="shopify"] a.configure`)), chromedp.WaitVisible(chromedp.CSS("#seed-settings")))
	if got := tb.text(`#seed-settings tr[data-setting="create_products"] td.value`); strings.TrimSpace(got) != "false" {
		t.Fatalf("product auto creation shows %q", got)
	}
	tb.shot("configuration")
	form := `#route-orders form`
	tb.do("set the prefix and auto creation",
		chromedp.SetValue(chromedp.CSS(form+` input[name="f_prefix"]`), "SFY-"),
		chromedp.Click(chromedp.CSS(form+` input[type="checkbox"][name="f_create_products"]`)),
		chromedp.Click(chromedp.CSS(form+` button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#flash")))
	if got := tb.text(`#seed-settings tr[data-setting="prefix"] td.value`); strings.TrimSpace(got) != "SFY-" {
		t.Fatalf("after saving, the prefix shows %q (%s)", got, tb.text("#flash"))
	}
	e.api(t, "GET", "/api/v1/instances/shopify/configuration", "", &cfg)
	for _, r := range cfg.Routes {
		if r.Name == "orders" && (!strings.Contains(string(r.Options), `"prefix":"SFY-"`) || !strings.Contains(string(r.Options), `"create_products":true`)) {
			t.Fatalf("the orders route's options in force: %s", r.Options)
		}
	}
}

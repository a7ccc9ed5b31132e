package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ferryhub/ferry/internal/flow"
)

// TestOGOshipSyncPagesInBrowser is seed 001 in a real browser: Products →
// Sync webshop products shows the shop's products missing in OGOship after a
// Refresh, two are selected and created there, and the page shows them
// existing; the Mappings page lists the shop's shipping methods with their
// links, offers OGOship's codes, and choosing one links an unlinked method.
func TestOGOshipSyncPagesInBrowser(t *testing.T) {
	t.Parallel()
	chrome := chromium(t)
	e := newOGOshipEnv(t)
	tb := newTab(t, e, chrome)
	ctx, do, text, count, shot := tb.ctx, tb.do, tb.text, tb.count, tb.shot
	// An admin: operators create products, admins change the links.
	tb.signIn("admin", adminPass, "/products")

	// Nothing has read the shop yet: Refresh reads it, writing nothing to OGOship.
	if n := count("#products tr[data-id]"); n != 0 {
		t.Fatalf("%d products before anything read the shop", n)
	}
	do("refresh", chromedp.Click(chromedp.CSS("#refresh button")), chromedp.WaitVisible(chromedp.CSS("#flash")))
	if got := text("#flash"); !strings.Contains(got, "reading the products of shop") {
		t.Errorf("after Refresh: %q", got)
	}
	reloadUntil := func(what, path string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for {
			do("reload "+path, chromedp.Navigate(e.srv.URL+path), chromedp.WaitVisible(chromedp.CSS("#products")))
			if ok() {
				return
			}
			if time.Now().After(deadline) {
				shot("ogo-timeout")
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(300 * time.Millisecond)
		}
	}
	reloadUntil("the shop's products, all missing in OGOship", "/products", func() bool {
		return count(`#products tr[data-in-target="no"]`) == shopProducts
	})
	if n := e.ogo.Counts()["products"]; n != 0 {
		t.Fatalf("a refresh wrote %d products to OGOship", n)
	}
	if got := text("#refreshed"); !strings.Contains(got, fmt.Sprintf("%d of them missing in wms", shopProducts)) {
		t.Errorf("the page's summary %q", got)
	}
	if got := text("#create"); got != "Create or update selected in wms" {
		t.Errorf("the create button says %q", got)
	}
	shot("ogo-01-products-missing")

	// Select two and create them in OGOship.
	ids, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#products tr[data-id]")].slice(0, 2).map(r => r.dataset.id)`))
	if err != nil || len(ids) != 2 {
		t.Fatalf("the first two products: %v %v", ids, err)
	}
	want := 0 // OGOship products: one per variant SKU, or the product's own
	for _, p := range e.shop.Products() {
		if id := fmt.Sprint(p.ID); id == ids[0] || id == ids[1] {
			want += max(1, len(p.Variations))
		}
	}
	for _, id := range ids {
		do("select "+id, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#products tr[data-id=%q] input[name=id]`, id))))
	}
	do("create", chromedp.Click(chromedp.CSS("#create")), chromedp.WaitVisible(chromedp.CSS("#flash")))
	if got := text("#flash"); !strings.Contains(got, "2 products queued to be created or updated in wms") {
		t.Errorf("after Create: %q", got)
	}
	reloadUntil("the two products existing in OGOship", "/products", func() bool {
		return count(`#products tr[data-in-target="yes"]`) == 2
	})
	for _, id := range ids {
		if got := text(fmt.Sprintf(`#products tr[data-id=%q] td.in-target`, id)); got != "exists" {
			t.Errorf("product %s: %q in OGOship", id, got)
		}
	}
	if n := e.ogo.Counts()["products"]; n != want {
		t.Errorf("OGOship has %d products, want the %d SKUs of the two selected", n, want)
	}
	shot("ogo-02-products-created")
	do("only the missing", chromedp.Navigate(e.srv.URL+"/products?missing=1"), chromedp.WaitVisible(chromedp.CSS("#products")))
	if n := count("#products tr[data-id]"); n != shopProducts-2 {
		t.Errorf("missing in OGOship: %d listed, want %d", n, shopProducts-2)
	}
	// The API says the same.
	var list []flow.ProductView
	if st := e.api(t, "GET", "/api/v1/products?missing=1", "", &list); st != http.StatusOK || len(list) != shopProducts-2 || *list[0].InTarget {
		t.Errorf("API missing: %d, %d products", st, len(list))
	}

	// Mappings: every shop method with its link; DHL is not linked and holds
	// its orders.
	do("mappings", chromedp.Navigate(e.srv.URL+"/mappings"), chromedp.WaitVisible(chromedp.CSS("#links-orders")))
	dhl := `#links-orders tr[data-method="DHL Express"]`
	if n := count(dhl + `[data-linked="no"]`); n != 1 {
		t.Fatalf("DHL Express is not listed as unlinked")
	}
	if got := text(`#links-orders tr[data-method="Posti SmartPOST"] .link-to`); got != "POSTI-SP" {
		t.Errorf("Posti SmartPOST linked to %q, want POSTI-SP", got)
	}
	if n := count("#links-orders tr[data-method]"); n != 4 {
		t.Errorf("%d shop methods listed, want the shop's 4", n)
	}
	if n := count(`#mappings-orders select[data-pick="ship_to"] option[value="DHL-EXPRESS"]`); n != 1 {
		t.Errorf("OGOship's DHL-EXPRESS is not offered")
	}
	shot("ogo-03-mappings")
	do("link DHL Express",
		chromedp.SetValue(chromedp.CSS(`#mappings-orders select[data-pick="ship_match"]`), "DHL Express"),
		chromedp.SetValue(chromedp.CSS(`#mappings-orders select[data-pick="ship_to"]`), "DHL-EXPRESS"),
		chromedp.Click(chromedp.CSS(`#mappings-orders button.save`)),
		chromedp.WaitVisible(chromedp.CSS("#preview-orders")),
	)
	// Matkahuolto and the pickup stay unlinked: confirm they hold orders.
	do("confirm and save",
		chromedp.Click(chromedp.CSS("#confirm-held-orders")),
		chromedp.Click(chromedp.CSS(`#mappings-orders button.save`)),
		chromedp.WaitVisible(chromedp.CSS("#flash")),
	)
	do("mappings again", chromedp.Navigate(e.srv.URL+"/mappings"), chromedp.WaitVisible(chromedp.CSS("#links-orders")))
	if got := text(dhl + " .link-to"); got != "DHL-EXPRESS" {
		t.Errorf("DHL Express linked to %q, want DHL-EXPRESS", got)
	}
	if got := text(dhl + " td:nth-child(3)"); got != "DHL Express" {
		t.Errorf("DHL Express linked by rule %q", got)
	}
	if n := count(`#links-orders tr[data-linked="no"]`); n != 2 {
		t.Errorf("%d methods unlinked, want Matkahuolto and the pickup", n)
	}
	shot("ogo-04-mappings-linked")
}

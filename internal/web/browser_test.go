package web

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium finds Debian's chromium. Without it the browser test skips, except
// in CI, where .ci/run installs it and its absence is a failure.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium on PATH: .ci/run installs Debian's chromium")
	}
	t.Skip("no chromium on PATH (apt-get install chromium); the browser test runs in CI")
	return ""
}

// browser starts a headless Chromium with a fresh profile.
func browser(t *testing.T, path string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // CI runs as root
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1360, 900),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(cancel3)
	return ctx
}

// TestDashboardInBrowser is a person's morning in a real browser: sign in, see
// the orders, find the parked one and why, fix the shipping mapping and see
// the order go through, retry a job; then a viewer, who is refused an action.
// Every page is photographed into the test's artifact directory (go test
// -artifacts -outputdir DIR keeps them).
func TestDashboardInBrowser(t *testing.T) {
	chrome := chromium(t)
	e := newEnv(t)
	ctx := browser(t, chrome)
	shots := t.ArtifactDir()
	do := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	count := func(sel string) int {
		t.Helper()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
		if err != nil {
			t.Fatalf("counting %s: %v", sel, err)
		}
		return n
	}
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	signIn := func(user, pw, then string) {
		t.Helper()
		do("open "+then, chromedp.Navigate(e.srv.URL+then), chromedp.WaitVisible(chromedp.CSS("#login")))
		do("sign in as "+user,
			chromedp.SendKeys(chromedp.CSS("#user"), user),
			chromedp.SendKeys(chromedp.CSS("#password"), pw),
			chromedp.Submit(chromedp.CSS("#login")),
			chromedp.WaitVisible(chromedp.CSS("header.top")),
		)
	}

	// Signing in sends the person where they were going.
	do("open the dashboard", chromedp.Navigate(e.srv.URL+"/orders"), chromedp.WaitVisible(chromedp.CSS("#login")))
	shot("01-login")
	signIn("admin", adminPass, "/orders")
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.HasSuffix(loc, "/orders") {
		t.Fatalf("after sign-in at %s, want /orders", loc)
	}

	// The demo's orders are there; the parked one comes first, with why.
	if n := count("#orders tr[data-order]"); n < 4 {
		t.Fatalf("orders page lists %d orders, want the 4 of the shop", n)
	}
	held := fmt.Sprintf(`#orders tr.held[data-order=%q]`, e.parked)
	if first := text("#orders tbody tr:first-child td:first-child"); first != e.parked {
		t.Errorf("first order is %q, want the parked %s", first, e.parked)
	}
	if got := text(held + " .reason"); !strings.Contains(got, `"DHL Express"`) {
		t.Errorf("parked order's reason %q does not name the shipping method", got)
	}
	shot("02-orders")
	do("open the parked order", chromedp.Click(chromedp.CSS(held+" a.reason")), chromedp.WaitVisible(chromedp.CSS("#reason")))
	reason := text("#reason")
	if !strings.Contains(reason, "order "+e.parked) || !strings.Contains(reason, "not mapped") || !strings.Contains(reason, "shipping_methods") {
		t.Errorf("job page reason %q: want the order, the unmapped method and what to change", reason)
	}
	shot("03-parked-order")

	// Fixing the mapping re-runs the parked order, which then goes through.
	do("add a shipping rule",
		chromedp.Navigate(e.srv.URL+"/mappings"),
		chromedp.WaitVisible(chromedp.CSS("#mappings-orders")),
		chromedp.SendKeys(chromedp.CSS(`#mappings-orders [data-new=ship_match]`), "D*L*"),
		chromedp.SendKeys(chromedp.CSS(`#mappings-orders [data-new=ship_to]`), "DHL Express"),
		chromedp.Click(chromedp.CSS(`#mappings-orders button.save`)),
		chromedp.WaitVisible(chromedp.CSS("#preview-orders")),
	)
	// The shop's pickup method matches no rule: saving asks to confirm that
	// its orders will be held.
	if got := text("#preview-orders .warn"); !strings.Contains(got, "Nouto myymälästä") {
		t.Errorf("the warning %q does not name the method that would be held", got)
	}
	shot("04a-mappings-confirm")
	do("confirm and save",
		chromedp.Click(chromedp.CSS("#confirm-held-orders")),
		chromedp.Click(chromedp.CSS(`#mappings-orders button.save`)),
		chromedp.WaitVisible(chromedp.CSS("#flash")),
	)
	if got := text("#flash"); !strings.Contains(got, "re-ran 1 parked job") {
		t.Errorf("after saving the mapping: %q, want it to re-run the parked order", got)
	}
	shot("04-mappings")
	deadline := time.Now().Add(60 * time.Second)
	for {
		do("reload orders", chromedp.Navigate(e.srv.URL+"/orders?q="+e.parked), chromedp.WaitVisible(chromedp.CSS("#orders")))
		if count(held) == 0 && strings.HasPrefix(text(fmt.Sprintf(`#orders tr[data-order=%q] td:nth-child(3)`, e.parked)), "S") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("order %s did not go through after the mapping was fixed", e.parked)
		}
		time.Sleep(300 * time.Millisecond)
	}
	// The ERP's number links to the order in the ERP's own screens.
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector('#orders tr[data-order=%q] td:nth-child(3) a').href`, e.parked)))
	if err != nil || !strings.Contains(href, "/web#id=") || !strings.Contains(href, "model=sale.order") {
		t.Errorf("the ERP order's link %q (%v), want Odoo's form of the sale.order", href, err)
	}
	do("all orders", chromedp.Navigate(e.srv.URL+"/orders"), chromedp.WaitVisible(chromedp.CSS("#orders")))
	shot("05-orders-through")

	// Retrying a parked job (a product without SKU) runs it again.
	do("parked jobs", chromedp.Navigate(e.srv.URL+"/jobs?state=parked"), chromedp.WaitVisible(chromedp.CSS("#jobs")))
	if count(`#jobs tr[data-state=parked]`) == 0 {
		t.Fatal("no parked job to retry (the products without SKU)")
	}
	shot("06-jobs-parked")
	do("retry one", chromedp.Click(chromedp.CSS(`#jobs tr[data-state=parked] form[action$="/retry"] button`)), chromedp.WaitVisible(chromedp.CSS("#flash")))
	if got := text("#flash"); !strings.Contains(got, "runs again") {
		t.Errorf("after retry: %q", got)
	}

	// The other pages, each photographed; the overview refreshes itself.
	do("overview", chromedp.Navigate(e.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#routes")))
	if n := count("#routes tr[data-route]"); n != 6 {
		t.Errorf("overview lists %d routes, want 6", n)
	}
	do("live refresh", chromedp.WaitVisible(chromedp.CSS("#live[data-updated]")))
	shot("00-overview")
	for _, p := range []struct{ path, wait, name string }{
		{"/products", "#products", "07-products"},
		{"/logs", "#logs", "08-logs"},
		{"/settings", "#connection-erp", "09-settings"},
		{"/jobs", "#jobs", "10-jobs"},
	} {
		do(p.path, chromedp.Navigate(e.srv.URL+p.path), chromedp.WaitVisible(chromedp.CSS(p.wait)))
		shot(p.name)
		if p.path == "/products" && count(`#products tr[data-sku]`) == 0 {
			t.Error("the product layer lists no products")
		}
	}

	// A viewer sees the jobs but gets no buttons, and a forged request is
	// refused.
	do("sign out", chromedp.Click(chromedp.CSS("header.top form.who button")), chromedp.WaitVisible(chromedp.CSS("#login")))
	signIn("viewer", viewerPass, "/jobs?state=parked")
	if n := count(`#jobs form[action$="/retry"]`); n != 0 {
		t.Errorf("a viewer is offered %d retry buttons", n)
	}
	status, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(async () => {
		const id = document.querySelector('#jobs tr[data-job]').getAttribute('data-job');
		const token = document.querySelector('meta[name=csrf-token]').content;
		const r = await fetch('/jobs/' + id + '/retry', {method: 'POST', headers: {'X-CSRF-Token': token}});
		return r.status;
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if status != 403 {
		t.Errorf("a viewer's retry: %d, want 403", status)
	}
	shot("11-viewer-jobs")
	t.Logf("screenshots in %s", shots)
}

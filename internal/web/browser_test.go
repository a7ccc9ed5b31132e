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

	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/store"
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

// tab is a browser tab on an env's dashboard, with the steps tests take.
type tab struct {
	t     *testing.T
	ctx   context.Context
	e     *env
	shots string
}

func newTab(t *testing.T, e *env, chrome string) *tab {
	return &tab{t: t, ctx: browser(t, chrome), e: e, shots: t.ArtifactDir()}
}

// do runs a step's actions, failing the test with the step's name.
func (b *tab) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", step, err)
	}
}

func (b *tab) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func (b *tab) count(sel string) int {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
	if err != nil {
		b.t.Fatalf("counting %s: %v", sel, err)
	}
	return n
}

// shot photographs the page into the test's artifact directory.
func (b *tab) shot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// signIn opens then, signs in as user and waits for the page.
func (b *tab) signIn(user, pw, then string) {
	b.t.Helper()
	b.do("open "+then, chromedp.Navigate(b.e.srv.URL+then), chromedp.WaitVisible(chromedp.CSS("#login")))
	b.do("sign in as "+user,
		chromedp.SendKeys(chromedp.CSS("#user"), user),
		chromedp.SendKeys(chromedp.CSS("#password"), pw),
		chromedp.Submit(chromedp.CSS("#login")),
		chromedp.WaitVisible(chromedp.CSS("header.top")),
	)
}

// TestDashboardInBrowser is a person's morning in a real browser: sign in, see
// the orders, find the parked one and why, fix the shipping mapping and see
// the order go through, retry a job; then a viewer, who is refused an action.
// Every page is photographed into the test's artifact directory (go test
// -artifacts -outputdir DIR keeps them).
func TestDashboardInBrowser(t *testing.T) {
	chrome := chromium(t)
	e := newEnv(t)
	tb := newTab(t, e, chrome)
	ctx, shots := tb.ctx, tb.shots
	do, text, count, shot, signIn := tb.do, tb.text, tb.count, tb.shot, tb.signIn

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
	if !strings.Contains(reason, "order "+e.parked) || !strings.Contains(reason, "not mapped") || !strings.Contains(reason, "Mappings page") || strings.Contains(reason, "options.") {
		t.Errorf("job page reason %q: want the order, the unmapped method and the page that fixes it, no YAML path", reason)
	}
	if body := text("body"); strings.Contains(body, "JobCancelError") || strings.Contains(body, "*errors.") {
		t.Errorf("the job page shows a Go type name: %.400s", body)
	}
	if fix, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("a.fix"), "href")); err != nil || fix.Value != "/mappings#route-orders" {
		t.Errorf("the job page links the fix to %q (%v), want /mappings#route-orders", fix.Value, err)
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

// TestDashboardFormsInBrowser: a shipping mapping chosen from the dropdowns
// (confirming what it holds) re-runs the held order; a settings form saves a
// credential and re-runs the jobs parked on it; River's UI opens for an admin
// and is refused to a viewer. The changed pages are photographed.
func TestDashboardFormsInBrowser(t *testing.T) {
	chrome := chromium(t)
	e := newEnv(t)
	tb := newTab(t, e, chrome)
	ctx, shots := tb.ctx, tb.shots
	do, text, count, shot, signIn := tb.do, tb.text, tb.count, tb.shot, tb.signIn
	signIn("admin", adminPass, "/mappings")

	// The held DHL order: its method is offered as unmapped, the ERP's
	// carriers as a list.
	do("mappings", chromedp.WaitVisible(chromedp.CSS(`#mappings-orders select[data-pick=ship_match]`)))
	if n := count(`#mappings-orders select[data-pick=ship_match] option[value="DHL Express"]`); n != 1 {
		t.Fatalf("the shop's DHL Express is offered %d times", n)
	}
	shot("20-mappings-choices")
	do("choose DHL Express → DHL Express",
		chromedp.SetValue(chromedp.CSS(`#mappings-orders select[data-pick=ship_match]`), "DHL Express"),
		chromedp.SetValue(chromedp.CSS(`#mappings-orders select[data-pick=ship_to]`), "DHL Express"),
		chromedp.Click(chromedp.CSS(`#mappings-orders button[name=preview]`)),
		chromedp.WaitVisible(chromedp.CSS("#preview-orders")),
	)
	if got := text("#preview-orders .warn"); !strings.Contains(got, "Nouto myymälästä") || !strings.Contains(got, "0 recent orders") {
		t.Errorf("the preview %q: want the pickup method, used by no recent order", got)
	}
	shot("21-mappings-preview")
	do("confirm and save",
		chromedp.Click(chromedp.CSS("#confirm-held-orders")),
		chromedp.Click(chromedp.CSS(`#mappings-orders button.save`)),
		chromedp.WaitVisible(chromedp.CSS("#flash")),
	)
	if got := text("#flash"); !strings.Contains(got, "re-ran 1 parked job") {
		t.Errorf("after saving the chosen mapping: %q", got)
	}
	shot("22-mappings-saved")
	deadline := time.Now().Add(60 * time.Second)
	for {
		do("reload orders", chromedp.Navigate(e.srv.URL+"/orders?q="+e.parked), chromedp.WaitVisible(chromedp.CSS("#orders")))
		if count(fmt.Sprintf(`#orders tr.held[data-order=%q]`, e.parked)) == 0 && strings.HasPrefix(text(fmt.Sprintf(`#orders tr[data-order=%q] td:nth-child(3)`, e.parked)), "S") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("order %s did not go through after the mapping chosen from the list", e.parked)
		}
		time.Sleep(300 * time.Millisecond)
	}

	// A refused shop key parks the passes on the connection; the settings
	// form's new key re-runs every one of them.
	if _, err := e.hub.UpdateConnection(ctx, "shop", mustJSON(t, e, "shop"), map[string]string{"api_key": "wrong-key"}); err != nil {
		t.Fatal(err)
	}
	for _, route := range []string{"orders", "stock"} {
		if err := flow.PassNow(ctx, e.hub.Flows, []string{route}); err != nil {
			t.Fatal(err)
		}
	}
	parked, err := e.hub.Store.ListIssues(ctx, store.IssueFilter{Open: true, DependsOn: "connection:shop"})
	if err != nil || len(parked) == 0 {
		t.Fatalf("%d jobs parked on connection:shop (%v)", len(parked), err)
	}
	do("settings", chromedp.Navigate(e.srv.URL+"/settings#connection-shop"), chromedp.WaitVisible(chromedp.CSS("#connection-shop")))
	if v := text(`#connection-shop tr[data-field=rate_limit] td.default`); v != "3" {
		t.Errorf("shop rate_limit default shown %q", v)
	}
	do("new key and timeout",
		chromedp.SetValue(chromedp.CSS("#c-shop-timeout"), "40s"),
		chromedp.SendKeys(chromedp.CSS(`#connection-shop input[name=cred_api_key]`), shopKey),
	)
	shot("23-settings-form")
	do("save shop", chromedp.Click(chromedp.CSS(`#connection-shop button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS("#flash")))
	if got, want := text("#flash"), reran(len(parked)); !strings.Contains(got, want) {
		t.Errorf("after saving the key: %q, want %q", got, want)
	}
	if v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#c-shop-timeout').value`)); err != nil || v != "40s" {
		t.Errorf("the timeout in force after saving: %q (%v)", v, err)
	}
	shot("24-settings-saved")

	// River's UI: an admin's, not a viewer's.
	do("river ui", chromedp.Click(chromedp.CSS("#nav-riverui")), chromedp.WaitReady(chromedp.CSS("#root")))
	for deadline := time.Now().Add(30 * time.Second); ; {
		// The page draws its job states once its API answered.
		if body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`)); strings.Contains(body, "Completed") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("River's UI drew no job states in 30 s")
		}
		time.Sleep(200 * time.Millisecond)
	}
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.Contains(loc, "/riverui") {
		t.Errorf("River UI link led to %s", loc)
	}
	shot("25-riverui-admin")
	do("sign out", chromedp.Navigate(e.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("header.top form.who button")), chromedp.Click(chromedp.CSS("header.top form.who button")), chromedp.WaitVisible(chromedp.CSS("#login")))
	signIn("viewer", viewerPass, "/")
	if n := count("#nav-riverui"); n != 0 {
		t.Errorf("a viewer is offered River's UI")
	}
	do("viewer to river ui", chromedp.Navigate(e.srv.URL+"/riverui/"), chromedp.WaitVisible(chromedp.CSS("body")))
	if got := text("body"); !strings.Contains(got, "for admins") {
		t.Errorf("a viewer at /riverui/ sees %.200q, want the refusal", got)
	}
	shot("26-riverui-viewer")
	t.Logf("screenshots in %s", shots)
}

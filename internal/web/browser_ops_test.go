package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/sandbox/fault"
)

// TestOperatorSeesOutagesAndPagesJobs, in a real browser: the ERP's health
// turns red while its calls fail (the routes' own calls, not a test) and green
// again after; 1,000 jobs page 50 at a time with their total.
func TestOperatorSeesOutagesAndPagesJobs(t *testing.T) {
	chrome := chromium(t)
	e := newEnv(t)
	tb := newTab(t, e, chrome)
	ctx, do, shot := tb.ctx, tb.do, tb.shot
	attr := func(sel, name string) string {
		r, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
		if err != nil {
			return ""
		}
		return r.Value
	}
	tb.signIn("admin", adminPass, "/")
	erpHealth := `#connections tr[data-connection="erp"] [data-health]`
	// waitHealth reloads the overview until the ERP's badge says want.
	waitHealth := func(want string) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for {
			do("reload the overview", chromedp.Navigate(e.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#connections")))
			if got := attr(erpHealth, "data-health"); got == want {
				return
			} else if time.Now().After(deadline) {
				shot("health-" + want + "-timeout")
				t.Fatalf("the ERP's health is %q, want %q", got, want)
			}
			// The routes call the ERP when they run; run one now.
			e.api(t, "POST", "/api/v1/routes/stock/run", `{}`, nil)
			time.Sleep(time.Second)
		}
	}
	waitHealth("ok")
	// The ERP goes down: every call answers 5xx.
	e.erp.Faults().Set(fault.Config{ErrorRate: 1})
	waitHealth("failing")
	if why := attr(erpHealth, "class"); !strings.Contains(why, "failing") {
		t.Errorf("the failing badge has class %q", why)
	}
	shot("10-erp-outage")
	e.erp.Faults().Set(fault.Config{})
	waitHealth("ok")
	shot("11-erp-back")

	// 1,000 jobs (scheduled for tomorrow, so they stay) page 50 at a time.
	var ins []jobs.Insert
	for i := range 1000 {
		id := fmt.Sprint(900000 + i)
		ins = append(ins, jobs.Insert{Args: flow.OrderArgs{Route: "orders", OrderID: id, Version: "v1", Order: model.Order{ID: model.RemoteID(id), Number: id}}, At: time.Now().Add(24 * time.Hour)})
	}
	if _, err := e.hub.Queue.EnqueueMany(context.Background(), ins); err != nil {
		t.Fatal(err)
	}
	do("open the scheduled jobs", chromedp.Navigate(e.srv.URL+"/jobs?route=orders&state=scheduled"), chromedp.WaitVisible(chromedp.CSS("nav.pager")))
	if total := attr("nav.pager", "data-total"); total != "1000" {
		t.Fatalf("the pager's total is %q, want 1000", total)
	}
	seen := map[string]bool{}
	for page := 1; ; page++ {
		ids, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#jobs tr[data-job]")].map(r => r.dataset.job)`))
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) > 50 {
			t.Fatalf("page %d lists %d jobs", page, len(ids))
		}
		for _, id := range ids {
			if seen[id] {
				t.Fatalf("job %s on two pages", id)
			}
			seen[id] = true
		}
		if page == 2 {
			shot("12-jobs-page-2")
		}
		// chromedp's queries wait for their element: ask the page instead.
		if hasNext, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.querySelector('nav.pager a[rel="next"]')`)); !hasNext {
			break
		}
		do(fmt.Sprintf("page %d → next", page), chromedp.Click(chromedp.CSS(`nav.pager a[rel="next"]`)), chromedp.WaitVisible(chromedp.CSS("nav.pager")))
	}
	if len(seen) != 1000 {
		t.Fatalf("paging showed %d of 1,000 jobs", len(seen))
	}
}

package web

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/sandbox/fault"
)

// TestProcessesInBrowser: the queues show the parked order; while the ERP is
// down the stock route's records wait for a retry, and Process now runs them
// at once when it is back, emptying the queue.
func TestProcessesInBrowser(t *testing.T) {
	chrome := chromium(t)
	e := newEnv(t)
	tb := newTab(t, e, chrome)
	tb.signIn("oper", operPass, "/processes")
	tb.do("see the queues", chromedp.WaitVisible(chromedp.CSS("#queues")))
	if got := strings.TrimSpace(tb.text(`#queues tr[data-route="orders"] td.parked`)); got != "1" {
		t.Fatalf("orders queue parked: %q, want the env's 1", got)
	}
	later := func() int {
		var qs []ProcessQueue
		e.api(t, "GET", "/api/v1/processes", "", &qs)
		for _, q := range qs {
			if q.Route == "products" {
				return q.Later
			}
		}
		t.Fatal("no products queue")
		return 0
	}
	// The shop is down: an export of its products fails and waits for its
	// retry.
	var products []flow.ProductView
	e.api(t, "GET", "/api/v1/products?route=products&state=exported", "", &products)
	if len(products) == 0 {
		t.Fatal("no exported product")
	}
	e.shop.Faults().Set(fault.Config{ErrorRate: 1})
	e.api(t, "POST", "/api/v1/routes/products/export", `{"ids":["`+products[0].ID+`"]}`, nil)
	deadline := time.Now().Add(30 * time.Second)
	for later() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no products record waits for a retry")
		}
		time.Sleep(200 * time.Millisecond)
	}
	e.shop.Faults().Set(fault.Config{})
	tb.do("reload", chromedp.Navigate(e.srv.URL+"/processes"), chromedp.WaitVisible(chromedp.CSS("#queues")))
	shown, _ := strconv.Atoi(strings.TrimSpace(tb.text(`#queues tr[data-route="products"] td.later`)))
	if shown == 0 {
		t.Fatal("the page shows no products record waiting for later")
	}
	tb.shot("processes-waiting")
	tb.do("process now", chromedp.Click(chromedp.CSS(`#queues tr[data-route="products"] button.process`)), chromedp.WaitVisible(chromedp.CSS("#flash")))
	if msg := tb.text("#flash"); !strings.Contains(msg, "waiting records run now") {
		t.Fatalf("after Process now: %q", msg)
	}
	deadline = time.Now().Add(30 * time.Second)
	for later() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d products records still wait after Process now", later())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

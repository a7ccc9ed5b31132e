package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestSalesReportInBrowser: the orders the env imported show on the reports
// page as bars and pivot rows whose order counts add up to what the API
// says, by day and by product; a bad date is refused with the field named.
func TestSalesReportInBrowser(t *testing.T) {
	chrome := chromium(t)
	e := newEnv(t)
	tb := newTab(t, e, chrome)
	var api struct {
		Orders int `json:"orders"`
		Rows   []struct {
			Key    string `json:"key"`
			Orders int    `json:"orders"`
		} `json:"rows"`
	}
	e.api(t, "GET", "/api/v1/reports/sales?by=day", "", &api)
	if api.Orders == 0 || len(api.Rows) == 0 {
		t.Fatalf("the API's sales report is empty: %+v", api)
	}
	tb.signIn("viewer", viewerPass, "/reports")
	tb.do("see the report", chromedp.WaitVisible(chromedp.CSS("#sales-chart")))
	if n := tb.count("#sales-chart rect.bar-done"); n != len(api.Rows) {
		t.Fatalf("%d bars for %d days", n, len(api.Rows))
	}
	if n := tb.count("#pivot tbody tr[data-key]"); n != len(api.Rows) {
		t.Fatalf("%d pivot rows for %d days", n, len(api.Rows))
	}
	if got := tb.text("#pivot thead"); !strings.Contains(got, "shop") {
		t.Fatalf("the pivot has no column for instance shop: %q", got)
	}
	tb.shot("reports-by-day")
	tb.do("by product", chromedp.SetValue(chromedp.CSS(`select[name="by"]`), "product"), chromedp.Submit(chromedp.CSS("form.filters")), chromedp.WaitVisible(chromedp.CSS("#pivot")))
	if n := tb.count("#pivot tbody tr[data-key]"); n == 0 {
		t.Fatal("no product rows")
	}
	tb.shot("reports-by-product")
	tb.do("a bad date", chromedp.Navigate(e.srv.URL+"/reports?from=yesterday"), chromedp.WaitVisible(chromedp.CSS("#error")))
	if got := tb.text("#error"); !strings.Contains(got, "from") || !strings.Contains(got, "yesterday") {
		t.Fatalf("the error says %q", got)
	}
}

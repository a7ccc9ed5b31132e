package web

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestRiskyQuotationsInBrowser is seed 003's Risky Quotations: the orders a
// risk assessment held wait on the Sales page with the reason and the
// quotation's state in Odoo; an operator confirms one, which runs the route's
// workflow in Odoo (a sales order), and cancels another (cancelled there);
// a viewer sees the list but no buttons.
func TestRiskyQuotationsInBrowser(t *testing.T) {
	chrome := chromium(t)
	e, _ := newShopifyEnv(t)
	tb := newTab(t, e, chrome)
	var sales salesData
	e.api(t, "GET", "/api/v1/sales", "", &sales)
	var waiting []string
	var risky string
	for _, h := range sales.Held {
		if h.Review == "held" && h.TargetState == "quotation" {
			waiting = append(waiting, h.Number)
			if risky == "" && strings.Contains(h.Reason, "risk") {
				risky = h.Number
			}
		}
	}
	if len(waiting) < 2 || risky == "" {
		t.Fatalf("want two quotations waiting, one risky: %+v", sales.Held)
	}
	other := waiting[0]
	if other == risky {
		other = waiting[1]
	}
	tb.signIn("oper", operPass, "/sales")
	row := func(n string) string { return `#held tr[data-order="` + n + `"]` }
	tb.do("see the risky quotations", chromedp.WaitVisible(chromedp.CSS(row(risky))))
	if why := tb.text(row(risky) + " td.reason"); !strings.Contains(why, "risk") {
		t.Fatalf("the reason shown: %q", why)
	}
	tb.shot("risky-quotations")
	tb.do("confirm "+risky, chromedp.Click(chromedp.CSS(row(risky)+" button.confirm")), chromedp.WaitVisible(chromedp.CSS("#flash")))
	if msg := tb.text("#flash"); !strings.Contains(msg, "order "+risky+" confirmed") {
		t.Fatalf("after confirm: %q", msg)
	}
	tb.do("back to the list", chromedp.Navigate(e.srv.URL+"/sales"), chromedp.WaitVisible(chromedp.CSS(row(other))))
	tb.do("cancel "+other, chromedp.Click(chromedp.CSS(row(other)+" button.cancel")), chromedp.WaitVisible(chromedp.CSS("#flash")))
	if msg := tb.text("#flash"); !strings.Contains(msg, "order "+other+" cancelled") {
		t.Fatalf("after cancel: %q", msg)
	}
	e.api(t, "GET", "/api/v1/sales", "", &sales)
	for _, h := range sales.Held {
		switch h.Number {
		case risky:
			rows := e.erp.SearchRead("sale.order", []any{[]any{"id", "=", toNum(h.RemoteID)}}, []string{"state", "invoice_ids"})
			if h.Review != "confirmed" || h.ReviewedBy != "oper" || len(rows) != 1 || rows[0]["state"] != "sale" {
				t.Fatalf("confirmed %s: %+v, Odoo %v", risky, h, rows)
			}
		case other:
			rows := e.erp.SearchRead("sale.order", []any{[]any{"id", "=", toNum(h.RemoteID)}}, []string{"state"})
			if h.Review != "cancelled" || len(rows) != 1 || rows[0]["state"] != "cancel" {
				t.Fatalf("cancelled %s: %+v, Odoo %v", other, h, rows)
			}
		}
	}
	if got := tb.text(row(risky) + " td:last-child"); !strings.Contains(got, "confirmed") || !strings.Contains(got, "oper") {
		t.Fatalf("the row after review says %q", got)
	}
	tb.shot("risky-quotations-reviewed")
	// The API refuses a decision it does not know, naming it, and one taken
	// already, naming who took it.
	if code, body := e.apiRaw(t, "POST", "/api/v1/routes/orders/review", `{"order":"x","decision":"maybe"}`); code != 400 || !strings.Contains(body, "maybe") {
		t.Fatalf("decision maybe: %d %s", code, body)
	}
	for _, h := range sales.Held {
		if h.Number == risky {
			body := fmt.Sprintf(`{"order":%q,"decision":"cancel"}`, h.OrderID)
			if code, got := e.apiRaw(t, "POST", "/api/v1/routes/orders/review", body); code != 400 || !strings.Contains(got, "confirmed already by oper") {
				t.Fatalf("a second decision: %d %s", code, got)
			}
		}
	}
	// A viewer reads, and cannot decide.
	tv := newTab(t, e, chrome)
	tv.signIn("viewer", viewerPass, "/sales")
	tv.do("see the list", chromedp.WaitVisible(chromedp.CSS("#held")))
	if n := tv.count("#held button.confirm"); n != 0 {
		t.Fatalf("a viewer sees %d confirm buttons", n)
	}
	if n := tv.count("#refund-list tr[data-refund]") + tv.count("#payout-list tr[data-payout]"); n == 0 {
		t.Fatal("no refund or payout is listed")
	}
	if n := tv.count("#customer-list tr[data-customer] a"); n == 0 {
		t.Fatal("no customer is listed with its link to Odoo")
	}
}

func toNum(s string) float64 {
	var f float64
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0
		}
		f = f*10 + float64(c-'0')
	}
	return f
}

// apiRaw calls the API as the admin and answers the status and body, also
// for errors.
func (e *env) apiRaw(t *testing.T, method, path, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+e.adminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestSalesOrdersInBrowser is seed 003's sale orders, invoices and delivery
// orders: the Sales page lists the orders ferry imported with their state in
// Odoo now and their invoices and delivery orders by Odoo's numbers, each
// linked to Odoo's form.
func TestSalesOrdersInBrowser(t *testing.T) {
	chrome := chromium(t)
	e, _ := newShopifyEnv(t)
	tb := newTab(t, e, chrome)
	var sales salesData
	e.api(t, "GET", "/api/v1/sales", "", &sales)
	if sales.OrdersError != "" || len(sales.Orders) == 0 {
		t.Fatalf("orders %d (%s)", len(sales.Orders), sales.OrdersError)
	}
	var number, invoice, delivery string
	for _, o := range sales.Orders {
		if o.Target == nil || len(o.Target.Invoices) == 0 || len(o.Target.Deliveries) == 0 {
			continue
		}
		// The numbers are Odoo's own.
		moves := e.erp.SearchRead("account.move", []any{[]any{"id", "=", toNum(string(o.Target.Invoices[0].ID))}}, []string{"name"})
		picks := e.erp.SearchRead("stock.picking", []any{[]any{"id", "=", toNum(string(o.Target.Deliveries[0].ID))}}, []string{"name"})
		if len(moves) != 1 || moves[0]["name"] != o.Target.Invoices[0].Name || len(picks) != 1 || picks[0]["name"] != o.Target.Deliveries[0].Name {
			t.Fatalf("order %s: %+v; Odoo has %v and %v", o.ShopNumber, o.Target, moves, picks)
		}
		number, invoice, delivery = o.ShopNumber, o.Target.Invoices[0].Name, o.Target.Deliveries[0].Name
		break
	}
	if number == "" {
		t.Fatalf("no order with an invoice and a delivery order: %+v", sales.Orders)
	}
	tb.signIn("viewer", viewerPass, "/sales")
	row := `#order-list tr[data-order="` + number + `"]`
	tb.do("see the orders", chromedp.WaitVisible(chromedp.CSS(row)))
	if got := tb.text(row + " td.invoices"); !strings.Contains(got, invoice) {
		t.Fatalf("the invoices cell says %q, want %s", got, invoice)
	}
	if got := tb.text(row + " td.deliveries"); !strings.Contains(got, delivery) {
		t.Fatalf("the deliveries cell says %q, want %s", got, delivery)
	}
	href, err := chromedp.Run(tb.ctx, chromedp.AttributeValue(chromedp.CSS(row+" td.invoices a"), "href"))
	if err != nil || !strings.Contains(href.Value, "model=account.move") {
		t.Fatalf("the invoice links to %q (%v)", href.Value, err)
	}
	tb.shot("sales-orders")
}

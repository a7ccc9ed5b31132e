package odoo

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/model"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
)

// An attempt that created an order and stopped before confirming it (a lost
// answer, a killed process) leaves a quotation; importing the order again
// confirms and invoices that one instead of leaving it as it is.
func TestImportOrdersFinishesAnOrderLeftInDraft(t *testing.T) {
	t.Parallel()
	c, sb := sandboxClient(t, 17)
	ctx := context.Background()
	partner, err := c.Create(ctx, "res.partner", []map[string]any{{"name": "Left Behind", "email": "left@example.fi"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	products := sb.SearchRead("product.product", []any{[]any{"default_code", "!=", false}}, []string{"default_code"})
	line := map[string]any{"product_id": products[0]["id"], "product_uom_qty": 1.0, "price_unit": 10.0}
	draft, err := c.Create(ctx, "sale.order", []map[string]any{{"partner_id": partner[0], "client_order_ref": "SHOP-77", "order_line": []any{[]any{0, 0, line}}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	imp := model.OrderImport{Ref: "SHOP-77", Order: model.Order{ID: "77", Number: "77", Status: model.OrderOpen, Customer: model.Party{Email: "left@example.fi"}}}
	res, err := c.ImportOrders(ctx, []model.OrderImport{imp})
	if err != nil || res[0].Err != nil {
		t.Fatalf("import: %v %+v", err, res)
	}
	if res[0].Created || res[0].RemoteID != fmt.Sprint(draft[0]) {
		t.Fatalf("import of an order Odoo has: %+v, want the draft %d, not created", res[0], draft[0])
	}
	rows := sb.SearchRead("sale.order", []any{[]any{"client_order_ref", "=", "SHOP-77"}}, []string{"state", "invoice_status"})
	if len(rows) != 1 || rows[0]["state"] != "sale" || rows[0]["invoice_status"] != "invoiced" {
		t.Fatalf("SHOP-77 in Odoo after the import: %v", rows)
	}
}

// Pages imported at once that share a new customer create it once.
func TestImportOrdersAtOnceCreateACustomerOnce(t *testing.T) {
	t.Parallel()
	c, sb := sandboxClient(t, 17)
	ctx := context.Background()
	products := sb.SearchRead("product.product", []any{[]any{"default_code", "!=", false}}, []string{"default_code"})
	sku, _ := products[0]["default_code"].(string)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := model.Order{ID: fmt.Sprint(100 + i), Number: fmt.Sprint(100 + i), Status: model.OrderOpen,
				Customer: model.Party{Email: "Same.Customer@example.fi", Name: "Same Customer"},
				Lines:    []model.Line{{Kind: model.LineProduct, SKU: sku, Name: "x", Quantity: model.DecimalFromInt(1), UnitPrice: model.MustDecimal("10"), TaxIncluded: true, TaxRate: model.MustDecimal("25.5")}}}
			res, err := c.ImportOrders(ctx, []model.OrderImport{{Order: o, Ref: "SHOP-" + o.Number}})
			if err == nil {
				err = res[0].Err
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if rows := sb.SearchRead("res.partner", []any{[]any{"email", "=", "same.customer@example.fi"}}, []string{"id"}); len(rows) != 1 {
		t.Fatalf("the customer is %d times in Odoo: %v", len(rows), rows)
	}
}

// An attempt whose answer to create_invoices was lost left a draft invoice;
// importing again posts it and makes no second invoice.
func TestImportOrdersPostsAnInvoiceLeftInDraft(t *testing.T) {
	t.Parallel()
	c, sb := sandboxClient(t, 17)
	ctx := context.Background()
	products := sb.SearchRead("product.product", []any{[]any{"default_code", "!=", false}}, []string{"default_code"})
	sku, _ := products[0]["default_code"].(string)
	o := model.Order{ID: "5", Number: "5", Status: model.OrderOpen, Customer: model.Party{Email: "draft@example.fi", Name: "Draft"},
		Lines: []model.Line{{Kind: model.LineProduct, SKU: sku, Name: "x", Quantity: model.DecimalFromInt(1), UnitPrice: model.MustDecimal("10"), TaxIncluded: true, TaxRate: model.MustDecimal("25.5")}}}
	imps := []model.OrderImport{{Order: o, Ref: "SHOP-5"}}
	sb.FailAfterCommit("sale.advance.payment.inv", "create_invoices", 1)
	if _, err := c.ImportOrders(ctx, imps); err == nil {
		t.Fatal("the lost answer of create_invoices was not reported")
	}
	res, err := c.ImportOrders(ctx, imps)
	if err != nil || res[0].Err != nil {
		t.Fatalf("import again: %v %+v", err, res)
	}
	rows := sb.SearchRead("sale.order", []any{[]any{"client_order_ref", "=", "SHOP-5"}}, []string{"invoice_ids"})
	invs := sb.SearchRead("account.move", []any{[]any{"invoice_origin", "!=", false}}, []string{"state"})
	if len(rows) != 1 || len(invs) != 1 || invs[0]["state"] != "posted" {
		t.Fatalf("SHOP-5 in Odoo: %v, invoices %v; want one order with one posted invoice", rows, invs)
	}
}

// A customer create answered 5xx before it reached Odoo created nothing: the
// page fails to be tried again (transient), never an order failed for good;
// the next attempt creates the customer once and imports the order.
func TestImportOrdersRetriesACustomerCreateThatDidNotHappen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sb := sandbox.New(sandbox.Options{Version: 17})
	var refused atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if bytes.Contains(body, []byte(`"res.partner"`)) && bytes.Contains(body, []byte(`"create"`)) && refused.CompareAndSwap(false, true) {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		sb.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	s := *DefaultSettings()
	s.URL, s.Database, s.RateLimit, s.Timeout, s.MaxAttempts = srv.URL, "ferry", 0, 5*time.Second, 1
	c, err := New("erp", s, "admin", "demo-key", nil)
	if err != nil {
		t.Fatal(err)
	}
	products := sb.SearchRead("product.product", []any{[]any{"default_code", "!=", false}}, []string{"default_code"})
	sku, _ := products[0]["default_code"].(string)
	imp := model.OrderImport{Ref: "SHOP-300", Order: model.Order{ID: "300", Number: "300", Status: model.OrderOpen,
		Customer: model.Party{Email: "new.customer@example.fi", Name: "New Customer"},
		Lines:    []model.Line{{Kind: model.LineProduct, SKU: sku, Name: "x", Quantity: model.DecimalFromInt(1), UnitPrice: model.MustDecimal("10"), TaxIncluded: true, TaxRate: model.MustDecimal("25.5")}}}}
	res, err := c.ImportOrders(ctx, []model.OrderImport{imp})
	if err == nil {
		err = res[0].Err
	}
	if err == nil || jobs.ClassOf(err) != jobs.ClassTransient {
		t.Fatalf("first attempt: %v (class %s), want a transient error", err, jobs.ClassOf(err))
	}
	res, err = c.ImportOrders(ctx, []model.OrderImport{imp})
	if err != nil || res[0].Err != nil || !res[0].Created {
		t.Fatalf("second attempt: %+v %v", res, err)
	}
	if rows := sb.SearchRead("res.partner", []any{[]any{"email", "=", "new.customer@example.fi"}}, []string{"id"}); len(rows) != 1 {
		t.Fatalf("the customer is %d times in Odoo", len(rows))
	}
}

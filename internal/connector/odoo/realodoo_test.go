package odoo

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

// TestRealOdooMoney runs the money operations (held and cancelled
// quotations, workflows that pay, refunds with returns, payouts) against a
// real Odoo: ODOO_REAL_URL, ODOO_REAL_DB, ODOO_REAL_LOGIN and ODOO_REAL_KEY
// (a password or an API key) name it, on a database with sale_management,
// stock, account (a chart of accounts) and delivery. It skips when
// ODOO_REAL_URL is unset. Every run makes its own product, tax, carrier and
// journal, so it can run again on the same database.
func TestRealOdooMoney(t *testing.T) {
	url := os.Getenv("ODOO_REAL_URL")
	if url == "" {
		t.Skip("ODOO_REAL_URL is not set")
	}
	s := *DefaultSettings()
	s.URL, s.Database, s.Timeout = url, os.Getenv("ODOO_REAL_DB"), 2*time.Minute
	c, err := New("real", s, os.Getenv("ODOO_REAL_LOGIN"), os.Getenv("ODOO_REAL_KEY"), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	version, err := c.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	run := time.Now().Format("0102150405")
	sku := "FERRY-" + run
	t.Logf("Odoo %d, run %s", version, run)

	// What a shop's orders need: a storable product in stock, a
	// price-included 25.5 % tax, a carrier and a bank journal.
	if res, err := c.UpsertProducts(ctx, []model.ProductUpsert{{Product: model.Product{SKU: sku, Name: "Ferry money " + run, Price: model.MustDecimal("12.55"), Active: true}}}); err != nil || res[0].Err != nil {
		t.Fatalf("product: %+v %v", res, err)
	}
	if errs, err := c.SetStockLevels(ctx, []model.Stock{{SKU: sku, Quantity: model.DecimalFromInt(100)}}); err != nil || errs[0] != nil {
		t.Fatalf("stock: %v %v", errs, err)
	}
	tax := map[string]any{"name": "Ferry 25.5% incl. " + run, "amount": 25.5, "amount_type": "percent", "type_tax_use": "sale"}
	if version >= 18 {
		tax["price_include_override"] = "tax_included"
	} else {
		tax["price_include"] = true
	}
	if _, err := c.Create(ctx, "account.tax", []map[string]any{tax}, nil); err != nil {
		t.Fatal(err)
	}
	carrier := "Ferry Post " + run
	if _, err := c.ApplyShopConfig(ctx, model.ShopConfig{ShippingMethods: []model.Method{{ID: "1", Name: carrier}}}); err != nil {
		t.Fatal(err)
	}
	// Bank statements need the accountant's rights: "Show Full Accounting
	// Features" (group_account_user), from 18 its Basic group
	// (group_account_basic).
	groups, err := SearchRead[map[string]any](ctx, c, "ir.model.data", Query{Domain: []any{[]any{"module", "=", "account"}, []any{"name", "in", []any{"group_account_user", "group_account_basic"}}}, Fields: []string{"res_id"}})
	if err != nil {
		t.Fatal(err)
	}
	uid, _, _, _ := c.session(ctx)
	for _, g := range groups {
		if err := c.Write(ctx, "res.users", []int64{uid}, map[string]any{"groups_id": []any{[]any{4, g["res_id"]}}}); err != nil {
			t.Fatal(err)
		}
	}
	journal := "Ferry Shopify " + run
	code := "F" + run[len(run)-4:]
	if _, err := c.Create(ctx, "account.journal", []map[string]any{{"name": journal, "type": "bank", "code": code}}, nil); err != nil {
		t.Fatal(err)
	}
	order := func(num string, qty int64) model.OrderImport {
		imp := moneyOrder(run+num, sku, qty)
		imp.Carrier = carrier
		imp.Order.Lines[0].TaxName = tax["name"].(string)
		imp.Order.Lines[1].TaxName = tax["name"].(string)
		return imp
	}
	read := func(model string, id any, fields ...string) map[string]any {
		t.Helper()
		rows, err := SearchRead[map[string]any](ctx, c, model, Query{Domain: []any{[]any{"id", "=", id}}, Fields: fields, Context: inactiveToo})
		if err != nil || len(rows) != 1 {
			t.Fatalf("%s %v: %v %v", model, id, rows, err)
		}
		return rows[0]
	}
	count := func(model string, domain ...any) int {
		t.Helper()
		n, err := c.SearchCount(ctx, model, domain)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	noteCount := func(id string) int {
		return count("mail.message", []any{"model", "=", "sale.order"}, []any{"res_id", "=", parseInt(id)}, []any{"message_type", "=", "comment"})
	}
	invoiceOf := func(order string) map[string]any {
		t.Helper()
		o := read("sale.order", parseInt(order), "invoice_ids")
		ids := idsOf(o["invoice_ids"])
		if len(ids) == 0 {
			t.Fatalf("order %s has no invoice", order)
		}
		return read("account.move", ids[0], "name", "state", "payment_state", "amount_residual", "amount_total")
	}

	// Held and cancelled quotations.
	held := order("H", 1)
	held.Hold = "high fraud risk in the shop (card & <address>)"
	gone := order("C", 1)
	gone.Order.Status, gone.Order.CancelReason = model.OrderCancelled, "customer"
	imps := []model.OrderImport{held, gone}
	res, err := c.ImportOrders(ctx, imps)
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.ImportOrders(ctx, imps)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"draft", "cancel"} {
		if res[i].Err != nil || again[i].RemoteID != res[i].RemoteID || again[i].Created {
			t.Fatalf("%s: %+v then %+v", imps[i].Ref, res[i], again[i])
		}
		if o := read("sale.order", parseInt(res[i].RemoteID), "state", "invoice_ids"); o["state"] != want {
			t.Errorf("%s: %v, want %s", imps[i].Ref, o, want)
		}
		if n := noteCount(res[i].RemoteID); n != 1 {
			t.Errorf("%s: %d notes", imps[i].Ref, n)
		}
	}
	msgs, _ := SearchRead[map[string]any](ctx, c, "mail.message", Query{Domain: []any{[]any{"model", "=", "sale.order"}, []any{"res_id", "=", parseInt(res[0].RemoteID)}, []any{"message_type", "=", "comment"}}, Fields: []string{"body", "subtype_id"}})
	t.Logf("held note as stored: %v", msgs)
	for range 2 {
		if err := c.ConfirmHeld(ctx, res[0].RemoteID, nil); err != nil {
			t.Fatal(err)
		}
	}
	if inv := invoiceOf(res[0].RemoteID); inv["state"] != "posted" || inv["amount_total"] != 18.45 {
		t.Errorf("confirmed held order's invoice %v", inv)
	}
	if err := c.ConfirmHeld(ctx, res[1].RemoteID, nil); err == nil {
		t.Error("a cancelled quotation was confirmed")
	}
	h2 := order("H2", 1)
	h2.Hold = "medium fraud risk in the shop"
	r2, err := c.ImportOrders(ctx, []model.OrderImport{h2})
	if err != nil || r2[0].Err != nil {
		t.Fatalf("%+v %v", r2, err)
	}
	for range 2 {
		if err := c.CancelHeld(ctx, r2[0].RemoteID, "cancelled by a test after review"); err != nil {
			t.Fatal(err)
		}
	}
	if o := read("sale.order", parseInt(r2[0].RemoteID), "state"); o["state"] != "cancel" || noteCount(r2[0].RemoteID) != 2 {
		t.Errorf("cancelled held order %v, %d notes", o, noteCount(r2[0].RemoteID))
	}

	// Workflows that pay, in full and in part, once.
	full, part := order("WF", 1), order("WP", 1)
	full.Workflow = &model.Workflow{Confirm: true, Invoice: true, Post: true, PaymentJournal: code}
	part.Workflow = &model.Workflow{Confirm: true, Invoice: true, Post: true, PaymentJournal: journal, PaidAmount: model.MustDecimal("10")}
	draft := order("WD", 1)
	draft.Workflow = &model.Workflow{Confirm: true, Invoice: true}
	wimps := []model.OrderImport{full, part, draft}
	var wres []model.WriteResult
	for range 2 {
		if wres, err = c.ImportOrders(ctx, wimps); err != nil {
			t.Fatal(err)
		}
	}
	memo := map[bool]string{true: "memo", false: "ref"}[version >= 18]
	for i, want := range []string{"paid", "partial"} {
		if wres[i].Err != nil || wres[i].Warning != "" {
			t.Fatalf("%s: %+v", wimps[i].Ref, wres[i])
		}
		inv := invoiceOf(wres[i].RemoteID)
		if inv["payment_state"] != want && !(want == "paid" && inv["payment_state"] == "in_payment") {
			t.Errorf("%s: invoice %v, want %s", wimps[i].Ref, inv, want)
		}
		if n := count("account.payment", []any{memo, "=", wimps[i].Ref}); n != 1 {
			t.Errorf("%s: %d payments", wimps[i].Ref, n)
		}
	}
	if inv := invoiceOf(wres[2].RemoteID); inv["state"] != "draft" {
		t.Errorf("invoice of a workflow that stops before posting: %v", inv)
	}

	// Refunds: a partial one with a return after delivery, then the rest.
	rimp := order("R", 2)
	rres, err := c.ImportOrders(ctx, []model.OrderImport{rimp})
	if err != nil || rres[0].Err != nil {
		t.Fatalf("%+v %v", rres, err)
	}
	ro := rres[0].RemoteID
	for _, p := range idsOf(read("sale.order", parseInt(ro), "picking_ids")["picking_ids"]) {
		if err := c.ValidateDelivery(ctx, p, "JJFI"+run); err != nil {
			t.Fatal(err)
		}
	}
	onHand := func() float64 {
		rows, _ := SearchRead[map[string]any](ctx, c, "product.product", Query{Domain: []any{[]any{"default_code", "=", sku}}, Fields: []string{"qty_available"}})
		return rows[0]["qty_available"].(float64)
	}
	stock := onHand()
	r1 := model.Refund{ID: model.RemoteID(run + "1"), CreatedAt: time.Now(), Lines: []model.RefundLine{{SKU: sku, Quantity: 1, Amount: model.MustDecimal("12.55"), Restock: true}}, Adjustment: model.MustDecimal("-2"), Total: model.MustDecimal("10.55")}
	cr1, err := c.RefundOrder(ctx, ro, r1)
	if err != nil || !cr1.Created || cr1.Warning != "" {
		t.Fatalf("refund: %+v %v", cr1, err)
	}
	if cr, err := c.RefundOrder(ctx, ro, r1); err != nil || cr.Created || cr.RemoteID != cr1.RemoteID {
		t.Fatalf("the refund again: %+v %v", cr, err)
	}
	if cn := read("account.move", parseInt(cr1.RemoteID), "amount_total", "state", "payment_state"); cn["amount_total"] != 10.55 || cn["state"] != "posted" {
		t.Errorf("credit note %v", cn)
	}
	if inv := invoiceOf(ro); inv["payment_state"] != "partial" || inv["amount_residual"] != 20.45 {
		t.Errorf("invoice after the refund %v", inv)
	}
	if got := onHand(); got != stock+1 {
		t.Errorf("on hand %v after returning 1 of %v", got, stock)
	}
	r2r := model.Refund{ID: model.RemoteID(run + "2"), Lines: []model.RefundLine{{SKU: sku, Quantity: 1, Amount: model.MustDecimal("12.55"), Restock: true}}, Shipping: model.MustDecimal("5.90"), Adjustment: model.MustDecimal("2"), Total: model.MustDecimal("20.45")}
	if _, err := c.RefundOrder(ctx, ro, r2r); err != nil {
		t.Fatal(err)
	}
	if inv := invoiceOf(ro); inv["payment_state"] != "reversed" || inv["amount_residual"] != 0.0 {
		t.Errorf("invoice after the second refund %v", inv)
	}
	if got := onHand(); got != stock+2 {
		t.Errorf("on hand %v after both returns", got)
	}

	// Payouts: a charge of an open invoice, one of an invoice a workflow
	// paid, fees; then a refund paid out against its credit note.
	open := order("P", 1)
	pres, err := c.ImportOrders(ctx, []model.OrderImport{open})
	if err != nil || pres[0].Err != nil {
		t.Fatalf("%+v %v", pres, err)
	}
	orders := map[model.RemoteID]string{"open": pres[0].RemoteID, "paid": wres[0].RemoteID, "x": "0"}
	p1 := model.Payout{ID: model.RemoteID("po" + run), Date: time.Now(), Lines: []model.PayoutLine{
		{ID: "t1", Type: "charge", OrderID: "open", OrderNumber: "#P", Amount: model.MustDecimal("18.45"), Fee: model.MustDecimal("0.80"), Net: model.MustDecimal("17.65")},
		{ID: "t2", Type: "charge", OrderID: "paid", OrderNumber: "#WF", Amount: model.MustDecimal("18.45"), Fee: model.MustDecimal("0.80"), Net: model.MustDecimal("17.65")},
		{ID: "t3", Type: "adjustment", Amount: model.MustDecimal("-1"), Net: model.MustDecimal("-1")},
	}, Net: model.MustDecimal("34.30")}
	book, err := c.BookPayout(ctx, journal, p1, orders)
	if err != nil || !book.Created || !strings.Contains(book.Warning, "adjustment t3 (no order)") || strings.Contains(book.Warning, "#P ") || strings.Contains(book.Warning, "#WF") {
		t.Fatalf("payout: %+v %v", book, err)
	}
	t.Logf("payout: %+v", book)
	st := read("account.bank.statement", parseInt(book.RemoteID), "balance_start", "balance_end", "balance_end_real", "line_ids", "journal_id", "is_complete")
	t.Logf("statement %v", st)
	if len(idsOf(st["line_ids"])) != 5 || fmt.Sprint(st["balance_end"]) != fmt.Sprint(st["balance_end_real"]) {
		t.Errorf("statement %v", st)
	}
	if inv := invoiceOf(pres[0].RemoteID); inv["payment_state"] != "paid" && inv["payment_state"] != "in_payment" {
		t.Errorf("invoice of the open order after the payout %v", inv)
	}
	lines, _ := SearchRead[map[string]any](ctx, c, "account.bank.statement.line", Query{Domain: []any{[]any{"statement_id", "=", parseInt(book.RemoteID)}}, Fields: []string{"ref", "is_reconciled", "amount"}})
	for _, l := range lines {
		want := l["ref"] != "t3"
		if l["is_reconciled"] != want {
			t.Errorf("statement line %v, want reconciled %v", l, want)
		}
	}
	if again, err := c.BookPayout(ctx, code, p1, orders); err != nil || again.Created || again.RemoteID != book.RemoteID {
		t.Fatalf("the payout again: %+v %v", again, err)
	}
	pay := open
	pay.Ref, pay.Order.Number = pay.Ref+"b", pay.Order.Number+"b"
	cr, err := c.RefundOrder(ctx, pres[0].RemoteID, model.Refund{ID: model.RemoteID(run + "3"), Lines: []model.RefundLine{{SKU: sku, Quantity: 1, Amount: model.MustDecimal("12.55")}}, Total: model.MustDecimal("12.55")})
	if err != nil {
		t.Fatal(err)
	}
	p2 := model.Payout{ID: model.RemoteID("po2" + run), Date: time.Now(), Net: model.MustDecimal("-12.55"), Lines: []model.PayoutLine{
		{ID: "t4", Type: "refund", OrderID: "open", OrderNumber: "#P", Amount: model.MustDecimal("-12.55"), Net: model.MustDecimal("-12.55")}}}
	if book2, err := c.BookPayout(ctx, journal, p2, orders); err != nil || book2.Warning != "" {
		t.Fatalf("refund payout: %+v %v", book2, err)
	}
	if cn := read("account.move", parseInt(cr.RemoteID), "payment_state", "amount_residual"); cn["payment_state"] != "paid" && cn["payment_state"] != "in_payment" {
		t.Errorf("credit note after its payout %v", cn)
	}
}

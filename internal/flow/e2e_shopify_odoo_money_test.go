package flow_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/model"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
	odoosandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
	sfysandbox "github.com/ferryhub/ferry/internal/sandbox/shopify"
	"github.com/ferryhub/ferry/internal/store"
	"github.com/ferryhub/ferry/internal/store/storetest"
)

// Seed 003's money (issue 17): Shopify orders come into Odoo with a workflow
// that posts their invoices and pays them in the Shopify Payments journal;
// the shop's refunds become one credit note each on the order's invoice, to
// the cent, with the goods back in stock as the refund says; its payouts one
// bank statement each whose lines are reconciled with what they pay. Refunds
// of orders the orders route did not import are skipped with its reason.
func TestShopifyOdooMoneyEndToEnd(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			url := storetest.SQLiteURL(t)
			if dialect == "postgres" {
				url = storetest.PostgresURL(t)
			}
			shopifyOdooMoney(t, url)
		})
	}
}

// moneyShop is the Shopify sandbox as the money test drives it.
type moneyShop struct {
	sb         *sfysandbox.Server
	url, token string
}

// lines answers an order's line items: id, SKU, quantity.
func (m moneyShop) lines(t *testing.T, order string) []struct {
	ID, SKU  string
	Quantity int
} {
	t.Helper()
	var o struct {
		Data struct {
			Order struct {
				LineItems struct {
					Nodes []struct {
						ID, SKU  string
						Quantity int
					}
				}
			}
		}
	}
	shopifyQuery(t, m.url, m.token, fmt.Sprintf(`{ order(id: %q) { lineItems(first: 50) { nodes { id sku quantity } } } }`, order), &o)
	out := make([]struct {
		ID, SKU  string
		Quantity int
	}, 0)
	for _, n := range o.Data.Order.LineItems.Nodes {
		out = append(out, struct {
			ID, SKU  string
			Quantity int
		}{n.ID, n.SKU, n.Quantity})
	}
	return out
}

// refund runs refundCreate on order with the given input fields (after
// orderId) and answers the refund's id and total.
func (m moneyShop) refund(t *testing.T, order, input string) (string, model.Decimal) {
	t.Helper()
	var r struct {
		Data struct {
			RefundCreate struct {
				Refund *struct {
					ID               string
					TotalRefundedSet struct{ ShopMoney struct{ Amount string } }
				}
				UserErrors []struct{ Message string }
			}
		}
		Errors []struct{ Message string }
	}
	shopifyQuery(t, m.url, m.token, fmt.Sprintf(`mutation { refundCreate(input: {orderId: %q, %s}) { refund { id totalRefundedSet { shopMoney { amount } } } userErrors { message } } }`, order, input), &r)
	rc := r.Data.RefundCreate
	if rc.Refund == nil || len(rc.UserErrors) > 0 || len(r.Errors) > 0 {
		t.Fatalf("refundCreate on %s (%s): %+v %+v", order, input, rc, r.Errors)
	}
	return rc.Refund.ID, model.MustDecimal(rc.Refund.TotalRefundedSet.ShopMoney.Amount)
}

func shopifyOdooMoney(t *testing.T, dbURL string) {
	ctx := context.Background()
	ssb, sfy, sfyURL := newShopify(t, "sfy", sfysandbox.Options{Orders: 60, Products: 6, RestoreRate: 1000, MaximumAvailable: 20000})
	shop := moneyShop{sb: ssb, url: sfyURL, token: ssb.Options().AccessToken}
	esb, erp := newOdoo(t, "erp", odoosandbox.Options{Version: 17, Currency: "EUR", Products: -1})
	if _, err := erp.Create(ctx, "account.tax", []map[string]any{{"name": "ALV 24 % (sis.)", "amount": 24, "amount_type": "percent", "type_tax_use": "sale", "price_include": true}}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := erp.Create(ctx, "account.journal", []map[string]any{{"name": "Shopify Payments", "type": "bank", "code": "SHOP"}}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := erp.Create(ctx, "product.template", []map[string]any{{"name": "Shop extras", "default_code": "CUSTOM", "type": "service", "list_price": 0}}, nil); err != nil {
		t.Fatal(err)
	}
	carriers, err := erp.CarrierNames(ctx)
	if err != nil || len(carriers) == 0 {
		t.Fatalf("Odoo carriers %v (%v)", carriers, err)
	}
	routes := []flow.Route{
		{Name: "products", Flow: "products", From: "sfy", To: "erp", Options: &flow.ProductsOptions{BatchSize: 50}},
		{Name: "orders", Flow: "orders", From: "sfy", To: "erp", Options: &flow.OrdersOptions{BatchSize: 10, Overlap: time.Minute, ImportCancelled: true, CustomLineSKU: "CUSTOM",
			ShippingMethods: []flow.Rule{{Match: "*", To: carriers[0]}},
			Workflows: []flow.WorkflowRule{
				{Gateway: "shopify_payments", Until: "pay", Journal: "Shopify Payments"},
				{Until: "post"},
			}}},
		{Name: "refunds", Flow: "refunds", From: "sfy", To: "erp", Options: &flow.RefundsOptions{Overlap: time.Minute}},
		{Name: "payouts", Flow: "payouts", From: "sfy", To: "erp", Options: &flow.PayoutsOptions{Journal: "Shopify Payments", Overlap: time.Minute}},
	}
	h := newHarnessWith(t, mcfsandbox.Options{Orders: -1, Products: -1}, routes, erp, harnessOpts{dbURL: dbURL, extra: map[string]connector.Conn{"sfy": sfy}})
	h.pass(t, "products")
	loc := esb.SearchRead("stock.location", []any{[]any{"usage", "=", "internal"}}, []string{"id"})
	if len(loc) == 0 {
		t.Fatal("Odoo has no internal stock location")
	}
	for _, p := range esb.SearchRead("product.product", []any{[]any{"type", "!=", "service"}}, []string{"id"}) {
		ids, err := erp.Create(ctx, "stock.quant", []map[string]any{{"product_id": p["id"], "location_id": loc[0]["id"], "inventory_quantity": 1000}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := erp.Call(ctx, "stock.quant", "action_apply_inventory", ids, nil); err != nil {
			t.Fatal(err)
		}
	}
	// An order a person cancels in the shop while Odoo holds it for review,
	// before anything was invoiced: its refund needs no credit note.
	skus := esb.SearchRead("product.product", []any{[]any{"default_code", "!=", false}, []any{"default_code", "!=", "CUSTOM"}}, []string{"default_code"})
	heldGID, heldName, err := ssb.CreateOrder(sfysandbox.OrderSpec{Email: "risky@example.com", Risk: "INVESTIGATE", Lines: []sfysandbox.LineSpec{{SKU: skus[0]["default_code"].(string), Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	h.pass(t, "orders")
	h.pass(t, "orders")
	if c := h.rt.Counts()["orders"]; c.Created == 0 || c.Failed+c.Parked > 0 {
		skips, _, _ := h.store.ListSkips(ctx, store.SkipFilter{Route: "orders"})
		t.Fatalf("orders: %+v; skipped %+v", c, skips)
	}
	if err := ssb.CancelOrder(heldName, "CUSTOMER"); err != nil {
		t.Fatal(err)
	}
	h.pass(t, "orders")
	links, err := h.store.ListLinks(ctx, store.LinkFilter{Connection: "erp", Kind: "order"})
	if err != nil {
		t.Fatal(err)
	}
	erpOrder := map[string]string{} // Shopify order gid → Odoo sale.order id
	for _, l := range links {
		erpOrder[strings.TrimPrefix(l.LocalID, "sfy:")] = l.RemoteID
	}
	if o := esb.SearchRead("sale.order", []any{[]any{"id", "=", toFloat(erpOrder[heldGID])}}, []string{"state", "invoice_ids"}); len(o) != 1 || o[0]["state"] != "cancel" || len(idList(o[0]["invoice_ids"])) != 0 {
		t.Fatalf("the held order cancelled in the shop is %v in Odoo", o)
	}
	// Odoo ships what it has: restocked refunds return goods from a delivery.
	for _, p := range esb.OpenPickings() {
		if err := erp.ValidateDelivery(ctx, p, fmt.Sprintf("JJFI%d", p)); err != nil {
			t.Fatalf("validating delivery %d: %v", p, err)
		}
	}

	// The orders paid through Shopify Payments, their invoices posted and
	// paid by the workflow.
	invoiceOf := map[string]int64{} // Shopify order gid → its Odoo invoice
	var paid []string
	for gidOrder, so := range erpOrder {
		o := esb.SearchRead("sale.order", []any{[]any{"id", "=", toFloat(so)}}, []string{"state", "invoice_ids", "client_order_ref"})
		if len(o) != 1 || o[0]["state"] != "sale" {
			continue
		}
		invs := idList(o[0]["invoice_ids"])
		if len(invs) != 1 {
			t.Fatalf("order %s has invoices %v", o[0]["client_order_ref"], invs)
		}
		invoiceOf[gidOrder] = invs[0]
		inv := esb.SearchRead("account.move", []any{[]any{"id", "=", float64(invs[0])}}, []string{"state", "payment_state", "amount_total"})
		var money struct {
			Data struct {
				Order struct{ PaymentGatewayNames []string }
			}
		}
		shopifyQuery(t, sfyURL, shop.token, fmt.Sprintf(`{ order(id: %q) { paymentGatewayNames } }`, gidOrder), &money)
		want := "not_paid"
		if slices.Contains(money.Data.Order.PaymentGatewayNames, "shopify_payments") {
			want = "paid"
			paid = append(paid, gidOrder)
		}
		if len(inv) != 1 || inv[0]["state"] != "posted" || inv[0]["payment_state"] != want {
			t.Fatalf("invoice of %s (%v): %v, want %s", o[0]["client_order_ref"], money.Data.Order.PaymentGatewayNames, inv, want)
		}
	}
	slices.Sort(paid)
	if len(paid) < 4 {
		t.Fatalf("only %d imported orders were paid through Shopify Payments", len(paid))
	}

	// Refunds in the shop after the import: a unit returned to stock, a unit
	// kept with the shipping, the rest of the first order returned, and
	// money only.
	type madeRefund struct {
		id, order string
		total     model.Decimal
		restock   map[string]int // SKU → units back in stock
	}
	var made []madeRefund
	pick := func(order string) (string, string, int) {
		for _, l := range shop.lines(t, order) {
			if l.SKU != "" {
				return l.ID, l.SKU, l.Quantity
			}
		}
		return "", "", 0
	}
	for i, order := range paid[:4] {
		line, sku, qty := pick(order)
		if line == "" {
			continue
		}
		switch i {
		case 0:
			id, total := shop.refund(t, order, fmt.Sprintf(`note: "size", refundLineItems: [{lineItemId: %q, quantity: 1, restockType: RETURN}]`, line))
			made = append(made, madeRefund{id, order, total, map[string]int{sku: 1}})
			if qty > 1 {
				id, total = shop.refund(t, order, fmt.Sprintf(`refundLineItems: [{lineItemId: %q, quantity: %d, restockType: RETURN}], shipping: {fullRefund: true}`, line, qty-1))
				made = append(made, madeRefund{id, order, total, map[string]int{sku: qty - 1}})
			}
		case 1:
			id, total := shop.refund(t, order, fmt.Sprintf(`refundLineItems: [{lineItemId: %q, quantity: 1, restockType: NO_RESTOCK}], shipping: {fullRefund: true}`, line))
			made = append(made, madeRefund{id, order, total, nil})
		case 2:
			id, total := shop.refund(t, order, fmt.Sprintf(`note: "goodwill", transactions: [{orderId: %q, amount: "4.99", kind: REFUND, gateway: "shopify_payments"}]`, order))
			made = append(made, madeRefund{id, order, total, nil})
		case 3:
			id, total := shop.refund(t, order, fmt.Sprintf(`refundLineItems: [{lineItemId: %q, quantity: 1, restockType: RETURN}]`, line))
			made = append(made, madeRefund{id, order, total, map[string]int{sku: 1}})
		}
	}
	onHand := func() map[string]float64 {
		out := map[string]float64{}
		for _, p := range esb.SearchRead("product.product", []any{[]any{"default_code", "!=", false}}, []string{"default_code", "qty_available"}) {
			out[p["default_code"].(string)] = toFloatAny(p["qty_available"])
		}
		return out
	}
	before := onHand()

	h.pass(t, "refunds")
	creates := esb.Calls("account.move", "create")
	h.pass(t, "refunds")
	if n := esb.Calls("account.move", "create"); n != creates {
		t.Fatalf("a second refunds pass created %d moves", n-creates)
	}
	c := h.rt.Counts()["refunds"]
	if c.Failed+c.Parked > 0 || c.Created != len(made) {
		skips, _, _ := h.store.ListSkips(ctx, store.SkipFilter{Route: "refunds"})
		issues, _ := h.store.ListIssues(ctx, store.IssueFilter{Route: "refunds", Open: true})
		t.Fatalf("refunds: %+v for %d made; skips %+v; issues %+v", c, len(made), skips, issues)
	}
	wantStock := before
	for _, r := range made {
		l, err := h.store.GetLinkByLocal(ctx, "erp", "refund", "sfy:"+r.id)
		if err != nil {
			t.Fatalf("refund %s: %v", r.id, err)
		}
		cns := esb.SearchRead("account.move", []any{[]any{"move_type", "=", "out_refund"}, []any{"ref", "ilike", "refund " + r.id}}, []string{"amount_total", "state", "reversed_entry_id"})
		if len(cns) != 1 || fmt.Sprint(cns[0]["id"]) != l.RemoteID {
			t.Fatalf("refund %s: credit notes %v, link %s", r.id, cns, l.RemoteID)
		}
		if cn := cns[0]; cents(cn["amount_total"]) != cents(r.total.Float64()) || cn["state"] != "posted" || m2oID(cn["reversed_entry_id"]) != invoiceOf[r.order] {
			t.Errorf("refund %s of %s (invoice %d): credit note %v", r.id, r.total, invoiceOf[r.order], cn)
		}
		for sku, n := range r.restock {
			wantStock[sku] += float64(n)
		}
	}
	if got := onHand(); !mapsEqual(got, wantStock) {
		t.Errorf("on hand after the refunds %v, want %v (before %v)", got, wantStock, before)
	}
	// Every refund in the shop is booked, or skipped with why.
	var all []model.Refund
	if err := sfy.ChangedRefunds(ctx, time.Time{}, func(rs []model.Refund, _ time.Time) error { all = append(all, rs...); return nil }); err != nil {
		t.Fatal(err)
	}
	skips, _, err := h.store.ListSkips(ctx, store.SkipFilter{Route: "refunds"})
	if err != nil {
		t.Fatal(err)
	}
	skipped := map[string]string{}
	for _, s := range skips {
		skipped[s.Entity] = s.Reason
	}
	sawNotImported, sawCancelled := false, false
	for _, r := range all {
		_, linked := h.store.GetLinkByLocal(ctx, "erp", "refund", "sfy:"+r.ID)
		why, isSkip := skipped[r.ID]
		_, imported := erpOrder[r.OrderID]
		switch {
		case !imported:
			if !isSkip || !strings.Contains(why, "route orders did not import") {
				t.Errorf("refund %s of an order not imported: skip %q", r.ID, why)
			}
			sawNotImported = true
			if n := len(esb.SearchRead("account.move", []any{[]any{"ref", "ilike", "refund " + r.ID}}, []string{"id"})); n != 0 {
				t.Errorf("refund %s of an order not imported has %d credit notes", r.ID, n)
			}
		case r.OrderID == heldGID:
			if !isSkip || !strings.Contains(why, "cancelled before it was invoiced") {
				t.Errorf("refund %s of the cancelled quotation: skip %q", r.ID, why)
			}
			sawCancelled = true
		case isSkip:
			// Made before the import: the order came in net of it.
			if !strings.Contains(why, "imported net of it") {
				t.Errorf("refund %s skipped: %q", r.ID, why)
			}
		case linked != nil:
			t.Errorf("refund %s of order %s: neither booked nor skipped", r.ID, r.OrderID)
		}
	}
	if !sawNotImported || !sawCancelled {
		t.Errorf("no refund of an order not imported (%v) or of the cancelled quotation (%v)", sawNotImported, sawCancelled)
	}

	// Payouts: one statement each, its lines reconciled with what they pay.
	h.pass(t, "payouts")
	stCreates := esb.Calls("account.bank.statement", "create")
	h.pass(t, "payouts")
	if n := esb.Calls("account.bank.statement", "create"); n != stCreates {
		t.Fatalf("a second payouts pass created %d statements", n-stCreates)
	}
	if c := h.rt.Counts()["payouts"]; c.Failed+c.Parked > 0 || c.Created == 0 {
		t.Fatalf("payouts: %+v", c)
	}
	var payouts []model.Payout
	if err := sfy.ChangedPayouts(ctx, time.Time{}, func(ps []model.Payout, _ time.Time) error { payouts = append(payouts, ps...); return nil }); err != nil {
		t.Fatal(err)
	}
	matched := 0
	for _, p := range payouts {
		sts := esb.SearchRead("account.bank.statement", []any{[]any{"reference", "=", "payout " + p.ID}}, []string{"balance_start", "balance_end", "line_ids"})
		if len(sts) != 1 {
			t.Fatalf("payout %s: %d statements", p.ID, len(sts))
		}
		st := sts[0]
		if cents(toFloatAny(st["balance_end"])-toFloatAny(st["balance_start"])) != cents(p.Net.Float64()) {
			t.Errorf("payout %s of %s: statement %v", p.ID, p.Net, st)
		}
		lines := esb.SearchRead("account.bank.statement.line", []any{[]any{"statement_id", "=", st["id"]}}, []string{"ref", "amount", "is_reconciled", "move_id"})
		byRef := map[string]map[string]any{}
		for _, l := range lines {
			byRef[fmt.Sprint(l["ref"])] = l
		}
		for _, pl := range p.Lines {
			l := byRef[string(pl.ID)]
			if l == nil || cents(l["amount"]) != cents(pl.Amount.Float64()) {
				t.Errorf("payout %s line %s (%s): statement line %v", p.ID, pl.ID, pl.Amount, l)
				continue
			}
			if !pl.Fee.IsZero() {
				if f := byRef[string(pl.ID)+" fee"]; f == nil || cents(f["amount"]) != -cents(pl.Fee.Float64()) || f["is_reconciled"] != true {
					t.Errorf("payout %s line %s: fee line %v for %s", p.ID, pl.ID, f, pl.Fee)
				}
			}
			inv, ok := invoiceOf[string(pl.OrderID)]
			if !ok || pl.Type != "charge" {
				if l["is_reconciled"] == true && !ok {
					t.Errorf("payout %s line %s of order %s not imported is reconciled", p.ID, pl.ID, pl.OrderNumber)
				}
				continue
			}
			if l["is_reconciled"] != true {
				t.Errorf("payout %s: %s line %s of %s not reconciled", p.ID, pl.Type, pl.ID, pl.OrderNumber)
				continue
			}
			if got := paidBy(esb, m2oID(l["move_id"])); !slices.Contains(got, inv) {
				t.Errorf("payout %s line %s of %s pays %v, want invoice %d", p.ID, pl.ID, pl.OrderNumber, got, inv)
			}
			matched++
		}
	}
	if matched == 0 {
		t.Fatal("no payout line was matched with an invoice")
	}
}

// paidBy follows a bank statement line's move through its reconciliations to
// the invoices it settles: directly, or through a payment it matched.
func paidBy(esb *odoosandbox.Server, move int64) []int64 {
	var out []int64
	for _, it := range esb.SearchRead("account.move.line", []any{[]any{"move_id", "=", float64(move)}}, []string{"matched_debit_ids", "matched_credit_ids"}) {
		for _, pid := range append(idList(it["matched_debit_ids"]), idList(it["matched_credit_ids"])...) {
			p := esb.SearchRead("account.partial.reconcile", []any{[]any{"id", "=", float64(pid)}}, []string{"debit_move_id", "credit_move_id"})
			for _, side := range []string{"debit_move_id", "credit_move_id"} {
				other := esb.SearchRead("account.move.line", []any{[]any{"id", "=", float64(m2oID(p[0][side]))}}, []string{"move_id"})
				m := m2oID(other[0]["move_id"])
				if m == move {
					continue
				}
				if pays := esb.SearchRead("account.payment", []any{[]any{"move_id", "=", float64(m)}}, []string{"reconciled_invoice_ids"}); len(pays) > 0 {
					out = append(out, idList(pays[0]["reconciled_invoice_ids"])...)
				} else {
					out = append(out, m)
				}
			}
		}
	}
	return out
}

func idList(v any) []int64 {
	var out []int64
	l, _ := v.([]any)
	for _, x := range l {
		switch id := x.(type) {
		case int64:
			out = append(out, id)
		case float64:
			out = append(out, int64(id))
		}
	}
	if l == nil {
		if ids, ok := v.([]int64); ok {
			out = ids
		}
	}
	return out
}

func m2oID(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case float64:
		return int64(x)
	case []any:
		if len(x) > 0 {
			return m2oID(x[0])
		}
	}
	return 0
}

func cents(v any) int64 {
	f, _ := v.(float64)
	return int64(math.Round(f * 100))
}

func mapsEqual(a, b map[string]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

package odoo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/model"
)

var _ flow.PayoutSink = (*Client)(nil)

// Payouts as bank statements, per version: one line per payout line and one
// per fee (against 620000), the statement's balance the payout's net; each
// charge reconciled with its order's open invoice, or with the outstanding
// receipt of a payment the workflow registered; a refund with its open
// credit note. Lines of unknown orders, orders without a posted invoice and
// lines without an order stay open, listed by order number. A repeat (also
// after the statement's create, a suspense item's write or a reconcile
// committed and then failed) creates and reconciles nothing twice.
func TestBookPayout(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 17, 18, 19} {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, sb, sku := moneyClient(t, version)
			if _, err := c.Create(ctx, "account.journal", []map[string]any{{"name": "Shopify Payments", "type": "bank", "code": "SHOP"}}, nil); err != nil {
				t.Fatal(err)
			}
			a := importDelivered(t, c, sb, moneyOrder("PA", sku, 1), false) // 18.45, open
			pb := moneyOrder("PB", sku, 1)
			pb.Workflow = &model.Workflow{Confirm: true, Invoice: true, Post: true, PaymentJournal: "SHOP"}
			b := importDelivered(t, c, sb, pb, false)                       // 18.45, paid by a payment
			cc := importDelivered(t, c, sb, moneyOrder("PC", sku, 2), true) // 31.00, open
			pd := moneyOrder("PD", sku, 1)
			pd.Workflow = &model.Workflow{Confirm: true, Invoice: true}
			d := importDelivered(t, c, sb, pd, false) // a draft invoice
			orders := map[model.RemoteID]string{"a": a, "b": b, "c": cc, "d": d}
			line := func(id, order, num, typ, amount, fee string) model.PayoutLine {
				a, f := model.MustDecimal(amount), model.MustDecimal(fee)
				return model.PayoutLine{ID: model.RemoteID(id), Type: typ, OrderID: model.RemoteID(order), OrderNumber: num, Amount: a, Fee: f, Net: a - f}
			}
			p1 := model.Payout{ID: "po1", Date: time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC), Currency: "USD", Lines: []model.PayoutLine{
				line("t1", "a", "#PA", "charge", "18.45", "0.80"),
				line("t2", "b", "#PB", "charge", "18.45", "0.80"),
				line("t3", "c", "#PC", "charge", "31.00", "1.20"),
				line("t4", "x", "#PX", "charge", "10.00", "0.50"),
				line("t5", "d", "#PD", "charge", "18.45", "0.80"),
				line("t6", "", "", "adjustment", "-5.00", "0"),
			}}
			for _, l := range p1.Lines {
				p1.Net += l.Net
			}
			sb.FailAfterCommit("account.bank.statement", "create", 1)
			sb.FailAfterCommit("account.move.line", "reconcile", 1)
			if _, err := c.BookPayout(ctx, "Shopify Payments", p1, orders); err == nil {
				t.Fatal("the dropped reconcile was not reported")
			}
			sb.FailAfterCommit("account.move.line", "write", 1)
			if _, err := c.BookPayout(ctx, "Shopify Payments", p1, orders); err == nil {
				t.Fatal("the dropped write was not reported")
			}
			res, err := c.BookPayout(ctx, "SHOP", p1, orders)
			if err != nil || res.Created || res.RemoteID == "" || res.Number != "Payout po1" {
				t.Fatalf("payout: %+v %v", res, err)
			}
			if w := res.Warning; !strings.Contains(w, "#PX (no open invoice)") || !strings.Contains(w, "#PD (no open invoice)") || !strings.Contains(w, "adjustment t6 (no order)") || strings.Contains(w, "#PA") || strings.Contains(w, "#PB") || strings.Contains(w, "#PC") {
				t.Errorf("warning %q", w)
			}
			sts := sb.SearchRead("account.bank.statement", []any{[]any{"reference", "=", "payout po1"}}, []string{"balance_end", "line_ids", "journal_id", "date"})
			if len(sts) != 1 || sts[0]["balance_end"] != p1.Net.Float64() || len(idsOf(sts[0]["line_ids"])) != 11 || sts[0]["date"] != "2026-03-04" {
				t.Fatalf("statements %v (net %s)", sts, p1.Net)
			}
			for _, o := range []string{a, b, cc} {
				if inv := invoiceOf(t, sb, o); inv["payment_state"] != "paid" || inv["amount_residual"] != 0.0 {
					t.Errorf("invoice of order %s after the payout: %v", o, inv)
				}
			}
			lines := sb.SearchRead("account.bank.statement.line", []any{[]any{"statement_id", "=", parseInt(res.RemoteID)}}, []string{"ref", "is_reconciled", "amount", "payment_ref"})
			want := map[string]bool{"t1": true, "t2": true, "t3": true, "t4": false, "t5": false, "t6": false, "t1 fee": true, "t2 fee": true, "t3 fee": true, "t4 fee": true, "t5 fee": true}
			for _, l := range lines {
				if w, ok := want[fmt.Sprint(l["ref"])]; !ok || l["is_reconciled"] != w {
					t.Errorf("line %v, want reconciled %v", l, w)
				}
			}
			// The registered payment of PB is matched by the bank line.
			memo := map[bool]string{true: "memo", false: "ref"}[version >= 18]
			if pays := sb.SearchRead("account.payment", []any{[]any{memo, "=", "SHOP-PB"}}, []string{"is_reconciled"}); len(pays) != 1 || pays[0]["is_reconciled"] != true {
				t.Errorf("PB's payment %v", pays)
			}
			again, err := c.BookPayout(ctx, "SHOP", p1, orders)
			if err != nil || again.Created || again.RemoteID != res.RemoteID || again.Warning != res.Warning {
				t.Fatalf("the payout again: %+v %v", again, err)
			}
			if n := len(sb.SearchRead("account.bank.statement.line", []any{}, []string{"id"})); n != 11 {
				t.Errorf("%d statement lines after the repeat", n)
			}

			// A refund paid out: reconciled with its credit note.
			cr, err := c.RefundOrder(ctx, cc, model.Refund{ID: "r1", Lines: []model.RefundLine{{SKU: sku, Quantity: 1, Amount: model.MustDecimal("12.55")}}, Total: model.MustDecimal("12.55")})
			if err != nil {
				t.Fatal(err)
			}
			p2 := model.Payout{ID: "po2", Date: time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC), Net: model.MustDecimal("-12.55"), Lines: []model.PayoutLine{line("t7", "c", "#PC", "refund", "-12.55", "0")}}
			res2, err := c.BookPayout(ctx, "SHOP", p2, orders)
			if err != nil || !res2.Created || res2.Warning != "" {
				t.Fatalf("refund payout: %+v %v", res2, err)
			}
			if m := one(t, sb, "account.move", cr.RemoteID, "payment_state", "amount_residual"); m["payment_state"] != "paid" || m["amount_residual"] != 0.0 {
				t.Errorf("credit note after its payout %v", m)
			}
			if s := one(t, sb, "account.bank.statement", res2.RemoteID, "balance_start", "balance_end_real"); s["balance_start"] != p1.Net.Float64() || s["balance_end_real"] != round2(p1.Net.Float64()-12.55) {
				t.Errorf("second statement %v", s)
			}
			if version <= 15 {
				// Posted (Processing) with lines left open; validated once
				// every line is reconciled.
				if s := one(t, sb, "account.bank.statement", res.RemoteID, "state"); s["state"] != "posted" {
					t.Errorf("first statement %v", s)
				}
				if s := one(t, sb, "account.bank.statement", res2.RemoteID, "state"); s["state"] != "confirm" {
					t.Errorf("second statement %v", s)
				}
			}

			var re *RecordError
			if _, err := c.BookPayout(ctx, "Stripe", p2, orders); !errors.As(err, &re) || !re.Action || !strings.Contains(re.Msg, `"Stripe"`) || !strings.Contains(re.Error(), "payout po2") {
				t.Errorf("missing journal: %v", err)
			}
		})
	}
}

// Without a bank fees account the fee lines stay in suspense and the result
// says so.
func TestBookPayoutWithoutFeesAccount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, sb, _ := moneyClient(t, 17)
	fees := sb.SearchRead("account.account", []any{[]any{"code", "=", feeAccountCode}}, []string{"id"})
	if err := c.Write(ctx, "account.account", []int64{fees[0]["id"].(int64)}, map[string]any{"code": "999999", "name": "Misc"}); err != nil {
		t.Fatal(err)
	}
	p := model.Payout{ID: "po9", Date: time.Now(), Net: model.MustDecimal("9"), Lines: []model.PayoutLine{{ID: "t1", Type: "adjustment", Amount: model.MustDecimal("10"), Fee: model.MustDecimal("1"), Net: model.MustDecimal("9")}}}
	res, err := c.BookPayout(ctx, "BNK", p, nil)
	if err != nil || !strings.Contains(res.Warning, "no bank fees account (620000)") {
		t.Fatalf("%+v %v", res, err)
	}
	if s := one(t, sb, "account.bank.statement", res.RemoteID, "balance_end"); s["balance_end"] != 9.0 {
		t.Errorf("statement %v", s)
	}
}

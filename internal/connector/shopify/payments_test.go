package shopify

import (
	"context"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/model"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/shopify"
)

// Each order's transactions and refunds, and the payouts with their balance
// transactions, read as the sandbox shop has them.
func TestOrderMoneyAndPayouts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, sandbox.Options{Orders: 60, RestoreRate: 20000, MaximumAvailable: 20000}, nil)
	var ids []string
	if err := e.c.ChangedOrders(ctx, time.Time{}, func(os []model.Order, _ []error, _ time.Time) error {
		for _, o := range os {
			ids = append(ids, o.ID)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	withTx, withRefund := 0, 0
	for _, id := range ids {
		txs, refunds, err := e.c.OrderMoney(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(txs) > 0 {
			withTx++
			if txs[0].Gateway == "" || txs[0].Kind == "" || txs[0].Currency == "" {
				t.Fatalf("order %s transaction %+v", id, txs[0])
			}
		}
		for _, r := range refunds {
			withRefund++
			if r.Total <= 0 || r.Currency == "" {
				t.Fatalf("order %s refund %+v", id, r)
			}
			var lines model.Decimal
			for _, l := range r.Lines {
				if l.SKU == "" || l.Quantity <= 0 || l.RestockType == "" {
					t.Fatalf("order %s refund line %+v", id, l)
				}
				lines += l.Subtotal
			}
			if lines > r.Total {
				t.Fatalf("order %s refund %s: lines %v over the total %v", id, r.ID, lines, r.Total)
			}
		}
	}
	t.Logf("%d orders, %d with transactions, %d refunds", len(ids), withTx, withRefund)
	if withTx == 0 || withRefund == 0 {
		t.Fatalf("%d orders with transactions, %d refunds: the shop has both", withTx, withRefund)
	}
	var payouts []Payout
	if err := e.c.Payouts(ctx, func(p []Payout) error { payouts = append(payouts, p...); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(payouts) == 0 {
		t.Fatal("no payouts read")
	}
	{
		var bts []BalanceTransaction
		if err := e.c.BalanceTransactions(ctx, payouts[0].ID, func(b []BalanceTransaction) error { bts = append(bts, b...); return nil }); err != nil {
			t.Fatal(err)
		}
		var net model.Decimal
		for _, b := range bts {
			net += b.Net
		}
		// A payout pays out the net of its balance transactions.
		if len(bts) == 0 || net != payouts[0].Net {
			t.Fatalf("%d balance transactions of payout %s net %v, the payout %v", len(bts), payouts[0].ID, net, payouts[0].Net)
		}
		for _, b := range bts {
			if b.PayoutID != payouts[0].ID || b.Amount-b.Fee != b.Net {
				t.Fatalf("balance transaction %+v of payout %s", b, payouts[0].ID)
			}
		}
	}
}

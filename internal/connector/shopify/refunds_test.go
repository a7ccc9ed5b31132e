package shopify

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/model"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/shopify"
)

// Every refund of the shop comes through ChangedRefunds once per pass, with
// the amounts OrderMoney reads; a refund made after a pass comes in the next
// one, from its cursor.
func TestChangedRefunds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, sandbox.Options{Orders: 80, RestoreRate: 20000, MaximumAvailable: 20000}, nil)
	read := func(since time.Time) (map[string]model.Refund, time.Time) {
		got := map[string]model.Refund{}
		var last time.Time
		err := e.c.ChangedRefunds(ctx, since, func(rs []model.Refund, through time.Time) error {
			if through.Before(last) {
				t.Errorf("through went back: %v after %v", through, last)
			}
			last = through
			for _, r := range rs {
				if _, dup := got[r.ID]; dup {
					t.Errorf("refund %s twice in one pass", r.ID)
				}
				got[r.ID] = r
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return got, last
	}
	first, through := read(time.Time{})
	if len(first) == 0 {
		t.Fatal("no refunds in a shop that has some")
	}
	for id, r := range first {
		_, refunds, err := e.c.OrderMoney(ctx, r.OrderID)
		if err != nil {
			t.Fatal(err)
		}
		var want *Refund
		for i := range refunds {
			if refunds[i].ID == id {
				want = &refunds[i]
			}
		}
		if want == nil || want.Total != r.Total || len(want.Lines) != len(r.Lines) {
			t.Fatalf("refund %s: %+v, OrderMoney %+v", id, r, want)
		}
		var sum model.Decimal
		for _, l := range r.Lines {
			if l.SKU == "" || l.Quantity <= 0 || l.Amount <= 0 {
				t.Fatalf("refund %s line %+v", id, l)
			}
			sum += l.Amount
		}
		if sum+r.Adjustment != r.Total {
			t.Fatalf("refund %s: lines %v + adjustment %v != total %v", id, sum, r.Adjustment, r.Total)
		}
	}
	// A new refund through the Admin API: the next pass from the cursor has it.
	var order model.Order
	_ = e.c.ChangedOrders(ctx, time.Time{}, func(os []model.Order, _ []error, _ time.Time) error {
		for _, o := range os {
			if o.Status == model.OrderCompleted && o.FinancialStatus == "paid" && len(o.Lines) > 0 && order.ID == "" {
				order = o
			}
		}
		return nil
	})
	if order.ID == "" {
		t.Fatal("no fulfilled paid order to refund")
	}
	lineID := order.Lines[0].ID
	body, _ := json.Marshal(map[string]any{"query": `mutation($input: RefundInput!) { refundCreate(input: $input) { refund { id } userErrors { field message } } }`,
		"variables": map[string]any{"input": map[string]any{"orderId": order.ID, "note": "damaged",
			"refundLineItems": []any{map[string]any{"lineItemId": lineID, "quantity": 1, "restockType": "NO_RESTOCK"}}}}})
	req, _ := http.NewRequest("POST", e.srv.URL+sandbox.GraphQLPath(DefaultSettings().APIVersion), bytes.NewReader(body))
	req.Header.Set("X-Shopify-Access-Token", e.sb.Options().AccessToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var ans struct {
		Data struct {
			RefundCreate struct {
				Refund     *struct{ ID string } `json:"refund"`
				UserErrors []any                `json:"userErrors"`
			} `json:"refundCreate"`
		} `json:"data"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&ans)
	resp.Body.Close()
	if ans.Data.RefundCreate.Refund == nil {
		t.Fatalf("refundCreate: %+v", ans)
	}
	next, _ := read(through.Add(-time.Second))
	r, ok := next[ans.Data.RefundCreate.Refund.ID]
	if !ok || r.Note != "damaged" || len(r.Lines) != 1 || r.Lines[0].Restock || r.Lines[0].SKU != order.Lines[0].SKU {
		t.Fatalf("the new refund in the next pass: %+v (%v)", r, ok)
	}
}

// ChangedPayouts hands paid payouts only, oldest first, each with lines that
// sum to its net, and never moves its checkpoint past one still on its way.
func TestChangedPayouts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, sandbox.Options{Orders: 120, RestoreRate: 20000, MaximumAvailable: 20000}, nil)
	var all []Payout
	if err := e.c.Payouts(ctx, func(p []Payout) error { all = append(all, p...); return nil }); err != nil {
		t.Fatal(err)
	}
	var pending time.Time
	paid := 0
	for _, p := range all {
		if p.Status == "PAID" {
			paid++
		} else if pending.IsZero() || p.IssuedAt.Before(pending) {
			pending = p.IssuedAt
		}
	}
	var got []model.Payout
	var last time.Time
	err := e.c.ChangedPayouts(ctx, time.Time{}, func(ps []model.Payout, through time.Time) error {
		for _, p := range ps {
			if len(got) > 0 && p.Date.Before(got[len(got)-1].Date) {
				t.Errorf("payout %s before the one handed earlier", p.ID)
			}
			var sum model.Decimal
			for _, l := range p.Lines {
				sum += l.Net
				if l.Net != l.Amount-l.Fee {
					t.Errorf("payout %s line %+v: net is not amount - fee", p.ID, l)
				}
				if l.Type == "charge" && l.OrderID == "" {
					t.Errorf("payout %s: a charge without its order", p.ID)
				}
			}
			if sum != p.Net || len(p.Lines) == 0 {
				t.Errorf("payout %s: %d lines summing to %v, net %v", p.ID, len(p.Lines), sum, p.Net)
			}
			got = append(got, p)
		}
		last = through
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if paid == 0 || len(got) == 0 {
		t.Fatalf("%d payouts paid, %d handed", paid, len(got))
	}
	if !pending.IsZero() && last.After(pending) {
		t.Fatalf("checkpoint %v passed the payout on its way of %v", last, pending)
	}
	t.Logf("%d payouts, %d paid, %d handed; checkpoint %v", len(all), paid, len(got), last)
}

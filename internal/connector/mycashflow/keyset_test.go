package mycashflow

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/model"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
)

// A pass reads every order of the shop once, however many share a second.
func TestChangedOrdersReadsEveryOrder(t *testing.T) {
	t.Parallel()
	for _, size := range []int{7, 100} {
		b := setupSandbox(t, sandbox.Options{Seed: 9, Orders: 700}, func(s *Settings) { s.PageSize = size })
		seen := map[string]int{}
		err := b.client.ChangedOrders(context.Background(), time.Time{}, func(os []model.Order, bad []error, _ time.Time) error {
			for _, o := range os {
				seen[o.ID]++
			}
			if len(bad) > 0 {
				t.Errorf("bad: %v", bad)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		ids := b.sb.OrderIDs()
		missing := 0
		for _, id := range ids {
			if seen[strconv.Itoa(id)] == 0 {
				missing++
			}
		}
		if missing > 0 || len(seen) != len(ids) {
			t.Fatalf("page size %d: read %d of %d orders, %d missing", size, len(seen), len(ids), missing)
		}
	}
}

// With orders changing while the client pages (the sandbox's page churn: an
// order read on an earlier page is paid or edited before each later read),
// ChangedOrders still hands over every order that existed when it began.
func TestChangedOrdersWhileOrdersChange(t *testing.T) {
	t.Parallel()
	b := setupSandbox(t, sandbox.Options{Seed: 10, Orders: 300, PageChurn: sandbox.PageChurn{Resources: []string{"orders"}, PerRead: 2}}, func(s *Settings) { s.PageSize = 10 })
	before := b.sb.OrderIDs()
	seen := map[string]bool{}
	err := b.client.ChangedOrders(context.Background(), time.Time{}, func(os []model.Order, bad []error, _ time.Time) error {
		for _, o := range os {
			seen[o.ID] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.sb.ChurnTouches()) == 0 {
		t.Fatal("the sandbox changed no order while the client paged")
	}
	for _, id := range before {
		if !seen[strconv.Itoa(id)] {
			t.Fatalf("order %d existed when the read began and was never handed over (%d orders changed meanwhile)", id, len(b.sb.ChurnTouches()))
		}
	}
}

// A mark-as-paid that applied and then answered 500 is read back and found
// paid: success, not a failure after the retry's 409 (issue 12 item 6).
func TestMarkPaidThatCommittedAndFailed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setupSandbox(t, sandbox.Options{Seed: 11, Orders: 60}, nil)
	var order, payment int
	for _, id := range b.sb.OrderIDs() {
		o, _ := b.sb.Order(id)
		for _, p := range o.Payments {
			if p.Status == "OPEN" && o.Status == "open" {
				order, payment = id, p.ID
			}
		}
	}
	if order == 0 {
		t.Fatal("no order with an open payment")
	}
	b.sb.SetCommitFaults(sandbox.CommitFaults{Routes: []string{"POST /orders/{id}/payments/{pid}/mark-as-paid"}, Next: 1})
	if err := b.client.MarkPaid(ctx, strconv.Itoa(order), strconv.Itoa(payment)); err != nil {
		t.Fatalf("mark-as-paid that applied: %v", err)
	}
	o, _ := b.sb.Order(order)
	for _, p := range o.Payments {
		if p.ID == payment && p.Status != "PAID" {
			t.Fatalf("payment %d is %s", payment, p.Status)
		}
	}
	if len(b.sb.CommitFailures()) != 1 {
		t.Fatalf("the sandbox failed %d writes after committing, want 1", len(b.sb.CommitFailures()))
	}
}

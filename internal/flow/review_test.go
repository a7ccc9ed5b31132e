package flow

import (
	"strings"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

func TestOrderEligibilityByRouteOptions(t *testing.T) {
	t.Parallel()
	open := model.Order{Number: "#1001", Status: model.OrderOpen, CreatedAt: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC),
		PaymentMethod: model.Method{ID: "shopify_payments", Name: "shopify_payments"}, ShippingMethod: model.Method{ID: "std", Name: "Standard"}}
	with := func(f func(*model.Order)) model.Order { o := open; f(&o); return o }
	cases := []struct {
		name    string
		opts    OrdersOptions
		o       model.Order
		canHold bool
		want    string // a part of the reason; "" = eligible
	}{
		{"open", OrdersOptions{}, open, false, ""},
		{"test order", OrdersOptions{}, with(func(o *model.Order) { o.Test = true }), true, "test order"},
		{"test order taken", OrdersOptions{TestOrders: true}, with(func(o *model.Order) { o.Test = true }), true, ""},
		{"pos", OrdersOptions{}, with(func(o *model.Order) { o.Channel = "pos" }), true, "point-of-sale"},
		{"pos taken", OrdersOptions{POS: true}, with(func(o *model.Order) { o.Channel = "pos" }), true, ""},
		{"before import_after", OrdersOptions{ImportAfter: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}, open, true, "before the route's import_after 2026-06-01"},
		{"after import_after", OrdersOptions{ImportAfter: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}, open, true, ""},
		{"cancelled", OrdersOptions{}, with(func(o *model.Order) { o.Status = model.OrderCancelled }), true, "cancelled in the shop"},
		{"cancelled as quotation", OrdersOptions{ImportCancelled: true}, with(func(o *model.Order) { o.Status = model.OrderCancelled; o.ShippingMethod = model.Method{} }), true, ""},
		{"cancelled, target cannot hold", OrdersOptions{ImportCancelled: true}, with(func(o *model.Order) { o.Status = model.OrderCancelled }), false, "cancelled in the shop"},
		{"completed", OrdersOptions{}, with(func(o *model.Order) { o.Status = model.OrderCompleted }), true, "completed in the shop"},
		{"completed route", OrdersOptions{Statuses: []string{"completed"}}, with(func(o *model.Order) { o.Status = model.OrderCompleted }), true, ""},
		{"open on a completed route", OrdersOptions{Statuses: []string{"completed"}}, open, true, "completed orders only"},
		{"risky to a target that holds", OrdersOptions{}, with(func(o *model.Order) { o.Risk = "medium" }), true, ""},
		{"risky to a warehouse", OrdersOptions{}, with(func(o *model.Order) { o.Risk = "high" }), false, "held for review (high fraud risk"},
		{"medium risk, hold_risk high", OrdersOptions{HoldRisk: "high"}, with(func(o *model.Order) { o.Risk = "medium" }), false, ""},
		{"no payment method", OrdersOptions{}, with(func(o *model.Order) { o.PaymentMethod = model.Method{} }), true, "no payment method"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got := ineligible(&c.opts, c.o, c.canHold)
			if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
				t.Fatalf("ineligible = %q, want %q", got, c.want)
			}
		})
	}
}

func TestHoldReason(t *testing.T) {
	t.Parallel()
	cases := []struct {
		hold, risk string
		highRisk   bool
		held       bool
	}{
		{"", "", false, false}, {"", "low", false, false}, {"", "medium", false, true}, {"", "high", false, true},
		{"medium", "medium", false, true}, {"high", "medium", false, false}, {"high", "high", false, true},
		{"off", "high", true, false}, {"", "", true, true},
	}
	for _, c := range cases {
		why := holdReason(&OrdersOptions{HoldRisk: c.hold}, model.Order{Risk: c.risk, HighRisk: c.highRisk, RiskReason: "recommendation INVESTIGATE"})
		if (why != "") != c.held {
			t.Errorf("hold_risk %q, risk %q (high %v): reason %q, want held %v", c.hold, c.risk, c.highRisk, why, c.held)
		}
		if why != "" && !strings.Contains(why, "INVESTIGATE") {
			t.Errorf("reason %q does not say the shop's words", why)
		}
	}
}

func TestWorkflowRules(t *testing.T) {
	t.Parallel()
	rules := []WorkflowRule{
		{FinancialStatus: "paid", Gateway: "shopify_payments", Until: "pay", Journal: "Shopify Payments"},
		{FinancialStatus: "paid", Gateway: "paypal", Until: "pay", Journal: "PayPal"},
		{FinancialStatus: "pending", Until: "confirm"},
		{FinancialStatus: "authorized", Until: "quotation"},
		{FinancialStatus: "*", Until: "invoice"},
	}
	for i, r := range rules {
		if err := r.validate(); err != nil {
			t.Fatalf("rule %d: %v", i, err)
		}
	}
	cases := []struct {
		fin, gw string
		want    model.Workflow
	}{
		{"paid", "shopify_payments", model.Workflow{Confirm: true, Invoice: true, Post: true, PaymentJournal: "Shopify Payments"}},
		{"paid", "PayPal", model.Workflow{Confirm: true, Invoice: true, Post: true, PaymentJournal: "PayPal"}},
		{"pending", "manual", model.Workflow{Confirm: true}},
		{"authorized", "shopify_payments", model.Workflow{}},
		{"partially_paid", "manual", model.Workflow{Confirm: true, Invoice: true}},
	}
	for _, c := range cases {
		w, ok := workflowFor(rules, model.Order{FinancialStatus: c.fin, PaymentMethod: model.Method{Name: c.gw}})
		if !ok || *w != c.want {
			t.Errorf("%s/%s: %+v %v, want %+v", c.fin, c.gw, w, ok, c.want)
		}
	}
	if _, ok := workflowFor(rules[:2], model.Order{FinancialStatus: "pending"}); ok {
		t.Error("a pending order matched a paid-only rule")
	}
	if w, ok := workflowFor(nil, model.Order{}); !ok || w != nil {
		t.Errorf("no rules: %v %v, want the target's default", w, ok)
	}
	for _, bad := range []WorkflowRule{{Until: "ship"}, {Until: "pay"}, {Until: "post", Journal: "Bank"}} {
		if bad.validate() == nil {
			t.Errorf("%+v passed validation", bad)
		}
	}
}

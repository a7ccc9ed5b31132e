package flow_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/model"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
	"github.com/ferryhub/ferry/internal/store"
)

// fakeDeliveries is an ERP's done deliveries and paid invoices.
type fakeDeliveries struct {
	shipments []model.Shipment
	invoices  []model.Invoice
}

func (f *fakeDeliveries) Test(context.Context) (connector.TestReport, error) {
	return connector.TestReport{OK: true}, nil
}

func (f *fakeDeliveries) DoneShipments(_ context.Context, _ time.Time, page func([]model.Shipment, time.Time) error) error {
	return page(f.shipments, time.Time{})
}

func (f *fakeDeliveries) PaidInvoices(_ context.Context, _ time.Time, page func([]model.Invoice, time.Time) error) error {
	return page(f.invoices, time.Time{})
}

func TestShipmentsAndPaymentsReachTheShop(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	erp := &fakeDeliveries{}
	h := newHarness(t, mcfsandbox.Options{Seed: 14, Orders: 80}, []flow.Route{
		{Name: "shipments", Flow: "shipments", From: "erp", To: "shop", Options: &flow.ShipmentsOptions{}},
		{Name: "payments", Flow: "payments", From: "erp", To: "shop", Options: &flow.PaymentsOptions{InvoiceMethods: []string{"Lasku*", "Postiennakko"}}},
	}, erp)
	sb, st, rt, q := h.sb, h.store, h.rt, h.queue
	pass := func(routes ...string) { h.pass(t, routes...) }

	// Open orders with one payment: one card-paid (PAID), one billed by invoice
	// (OPEN); the orders route imported both as ERP orders 501 and 502.
	// A third (lateOrder) ships before its import stored its link.
	var paidOrder, invoiceOrder, lateOrder int
	for _, id := range sb.OrderIDs() {
		o, _ := sb.Order(id)
		if o.Status != "open" || len(o.Payments) != 1 || len(o.Shipments) == 0 {
			continue
		}
		switch {
		case o.Payments[0].Status == "PAID" && paidOrder == 0:
			paidOrder = id
		case o.Payments[0].Status == "OPEN" && invoiceOrder == 0:
			invoiceOrder = id
		case o.Payments[0].Status == "PAID" && lateOrder == 0:
			lateOrder = id
		}
	}
	if paidOrder == 0 || invoiceOrder == 0 || lateOrder == 0 {
		t.Fatalf("sandbox lacks test orders: %d %d %d", paidOrder, invoiceOrder, lateOrder)
	}
	for erpID, shopID := range map[string]int{"501": paidOrder, "502": invoiceOrder} {
		if err := st.PutLink(ctx, store.Link{Connection: "erp", Kind: "order", LocalID: fmt.Sprintf("shop:%d", shopID), RemoteID: erpID}); err != nil {
			t.Fatal(err)
		}
	}
	*erp = fakeDeliveries{
		shipments: []model.Shipment{
			{ID: "WH/OUT/1", OrderID: "501", TrackingCode: "JJFI1", CompletedAt: time.Now()},
			{ID: "WH/OUT/2", OrderID: "502", TrackingCode: "JJFI2", CompletedAt: time.Now()},
			{ID: "WH/OUT/3", OrderID: "503", TrackingCode: "JJFI3", CompletedAt: time.Now()},
			{ID: "WH/OUT/9", OrderID: "999", TrackingCode: "X", CompletedAt: time.Now().Add(-7 * time.Hour)},
		},
		invoices: []model.Invoice{
			{ID: "INV/1", OrderRef: "501", PaymentState: model.InvoicePaid, UpdatedAt: time.Now()},
			{ID: "INV/2", OrderRef: "502", PaymentState: model.InvoicePaid, UpdatedAt: time.Now()},
		},
	}
	pass("payments")
	if o, _ := sb.Order(invoiceOrder); o.Payments[0].Status != "PAID" {
		t.Fatalf("the invoice-billed order's payment is %s", o.Payments[0].Status)
	}
	if c := rt.Counts()["payments"]; c.Updated != 1 || c.Unchanged != 1 {
		t.Fatalf("payments counts %+v (one marked paid, one paid at checkout)", c)
	}

	// Order 503's link comes once its delivery's job has been tried: the job
	// waits for it instead of failing.
	go func() {
		for {
			lines, _ := st.ListLogs(ctx, store.LogFilter{Route: "shipments", Entity: "delivery WH/OUT/3 of order 503"})
			for _, l := range lines {
				if strings.Contains(l.Message, "waiting") && strings.Contains(l.Message, "import may still be under way") {
					st.PutLink(ctx, store.Link{Connection: "erp", Kind: "order", LocalID: fmt.Sprintf("shop:%d", lateOrder), RemoteID: "503"})
					return
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	pass("shipments")
	for _, id := range []int{paidOrder, invoiceOrder, lateOrder} {
		o, _ := sb.Order(id)
		if o.Status != "completed" || o.Shipments[0].TrackingCode == "" {
			t.Fatalf("order %d after the shipments route: %s %+v", id, o.Status, o.Shipments)
		}
	}
	link, err := st.GetLinkByLocal(ctx, "shop", "shipment", "erp:WH/OUT/1")
	if err != nil {
		t.Fatal(err)
	}
	var data flow.ShipmentData
	json.Unmarshal(link.Data, &data)
	if data.TrackingCode != "JJFI1" || len(data.DocumentURLs) == 0 {
		t.Fatalf("the link keeps no printable documents: %+v", data)
	}
	failed, _ := q.List(ctx, jobs.Filter{Route: "shipments", States: []jobs.State{jobs.StateFailed}})
	if len(failed) != 1 || failed[0].Entity != "delivery WH/OUT/9 of order 999" || failed[0].Attempt != 1 {
		t.Fatalf("the old delivery of an order ferry never imported: %+v", failed)
	}
	// Passing again changes nothing.
	calls := sb.Calls("POST /orders/{id}/quick-process")
	pass("shipments", "payments")
	if sb.Calls("POST /orders/{id}/quick-process") != calls {
		t.Fatal("a second pass processed orders again")
	}
}

// An order paid in parts (a gift card at checkout, the rest by invoice): the
// paid ERP invoice marks the invoice part paid, and the gift card stays as it
// was (the route took the order's first payment method and marked nothing).
func TestSplitPaymentMarksTheInvoicePart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	erp := &fakeDeliveries{}
	h := newHarness(t, mcfsandbox.Options{Seed: 15, Orders: 80}, []flow.Route{
		{Name: "payments", Flow: "payments", From: "erp", To: "shop", Options: &flow.PaymentsOptions{InvoiceMethods: []string{"Lasku*"}}},
	}, erp)
	split := 0
	for _, id := range h.sb.OrderIDs() {
		if o, _ := h.sb.Order(id); o.Status == "open" && len(o.Payments) == 2 && o.Payments[0].Status == "PAID" && o.Payments[1].Status == "OPEN" {
			split = id
			break
		}
	}
	if split == 0 {
		t.Fatal("the sandbox has no open order paid in parts")
	}
	if err := h.store.PutLink(ctx, store.Link{Connection: "erp", Kind: "order", LocalID: fmt.Sprintf("shop:%d", split), RemoteID: "701"}); err != nil {
		t.Fatal(err)
	}
	erp.invoices = []model.Invoice{{ID: "INV/7", OrderRef: "701", PaymentState: model.InvoicePaid, UpdatedAt: time.Now()}}
	h.pass(t, "payments")
	o, _ := h.sb.Order(split)
	for _, p := range o.Payments {
		if p.Status != "PAID" {
			t.Fatalf("order %d after its invoice was paid: payment %d is %s", split, p.ID, p.Status)
		}
	}
	if c := h.rt.Counts()["payments"]; c.Updated != 1 || c.Failed+c.Parked != 0 {
		t.Fatalf("counts %+v", c)
	}
}

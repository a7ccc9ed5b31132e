package flow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/store"
)

// The shipments and payments routes send what happened in the ERP back to the
// shop's orders. Both find the shop order through the link the orders route
// made: (ERP connection, "order", ERP order id) → "shop:1234".

// ShipmentsOptions configure a shipments route (ERP deliveries → shop orders).
type ShipmentsOptions struct {
	// Overlap is how far before its cursor each pass re-reads. Default 2m.
	Overlap time.Duration `yaml:"overlap" json:"overlap"`
}

// PaymentsOptions configure a payments route (paid ERP invoices → shop orders).
type PaymentsOptions struct {
	// InvoiceMethods are the shop payment methods billed by invoice (with *
	// wildcards); only their orders are marked paid. Default: "Lasku*",
	// "*invoice*", "*lasku*".
	InvoiceMethods []string `yaml:"invoice_methods" json:"invoice_methods"`
	// Overlap is how far before its cursor each pass re-reads. Default 2m.
	Overlap time.Duration `yaml:"overlap" json:"overlap"`
}

// Validate checks the options.
func (o *ShipmentsOptions) Validate() error {
	if o.Overlap < 0 {
		return errors.New("overlap must not be negative")
	}
	return nil
}

// Validate checks the options.
func (o *PaymentsOptions) Validate() error {
	if o.Overlap < 0 {
		return errors.New("overlap must not be negative")
	}
	for i, m := range o.InvoiceMethods {
		if strings.TrimSpace(m) == "" {
			return fmt.Errorf("invoice_methods[%d] is empty", i)
		}
	}
	return nil
}

func init() {
	RegisterKind(Kind{
		Name:       "shipments",
		Title:      "Shipments",
		NewOptions: func() any { return &ShipmentsOptions{Overlap: DefaultOverlap} },
		Register:   registerShipments,
		Pass:       passShipments,
		From:       need[ShipmentSource]("a shipment source"),
		To:         need[ShipmentSink]("a shipment target"),
	})
	RegisterKind(Kind{
		Name:  "payments",
		Title: "Payments",
		NewOptions: func() any {
			return &PaymentsOptions{InvoiceMethods: []string{"Lasku*", "*invoice*", "*lasku*"}, Overlap: DefaultOverlap}
		},
		Register: registerPayments,
		Pass:     passPayments,
		From:     need[PaymentSource]("a payment source"),
		To:       need[PaymentSink]("a payment target"),
	})
}

const (
	shipmentLink = "shipment"
	paymentLink  = "payment"
)

// unlinkedPatience is how long after a delivery or payment a missing order
// link is waited for: the order's import may have committed in the target and
// not yet stored its link (a killed process, a retried job). After it, the
// order was not imported by ferry.
const unlinkedPatience = 6 * time.Hour

// awaitLink is what a job does when the order link it needs is missing: it
// waits while the event of at is recent (the order's import may have
// committed in the target and not stored its link yet), then fails with
// gone. Soon after the event it looks again soon, later ever less often (a
// tenth of the event's age, 5 s to 10 min); with no time to judge by, the
// job's retries, which end, decide.
func awaitLink(at time.Time, why, gone error) error {
	if at.IsZero() {
		return why
	}
	if age := time.Since(at); age < unlinkedPatience {
		return jobs.RetryIn(min(max(age/10, 5*time.Second), 10*time.Minute), why)
	}
	return gone
}

// shopOrder returns the shop's id of the order the ERP knows as erpOrderID, from
// the orders route's link. With no link the job waits while the event of at is
// recent (unlinkedPatience), then fails for good; with no time it retries as
// any transient failure, up to its attempts.
func shopOrder(ctx context.Context, rt *Runtime, r Route, erpOrderID string, at time.Time) (string, error) {
	l, err := rt.Store.GetLinkByRemote(ctx, r.From, orderLink, erpOrderID)
	if errors.Is(err, store.ErrNotFound) {
		why := fmt.Errorf("%s order %s has no link to a %s order yet; its import may still be under way, so this waits for it until %v after the event", r.From, erpOrderID, r.To, unlinkedPatience)
		return "", awaitLink(at, why, jobs.Permanentf("%s order %s was not imported by ferry from %s; nothing to update there", r.From, erpOrderID, r.To))
	}
	if err != nil {
		return "", err
	}
	id, ok := strings.CutPrefix(l.LocalID, r.To+":")
	if !ok {
		return "", jobs.Permanentf("%s order %s came from %s, not from %s", r.From, erpOrderID, strings.SplitN(l.LocalID, ":", 2)[0], r.To)
	}
	return id, nil
}

// ShipmentArgs registers one delivery on its shop order.
type ShipmentArgs struct {
	Route    string         `json:"route" river:"unique"`
	Shipment model.Shipment `json:"shipment" river:"unique"`
}

// Kind implements river.JobArgs.
func (ShipmentArgs) Kind() string { return "shipments.register" }

// JobRoute implements jobs.Args.
func (a ShipmentArgs) JobRoute() string { return a.Route }

// JobEntity implements jobs.Args.
func (a ShipmentArgs) JobEntity() string {
	return "delivery " + a.Shipment.ID + " of order " + a.Shipment.OrderID
}

// ShipmentData is kept in a shipment's link: what the shop offers for printing.
type ShipmentData struct {
	OrderID      string   `json:"order_id"`
	TrackingCode string   `json:"tracking_code,omitempty"`
	LabelURL     string   `json:"label_url,omitempty"`
	DocumentURLs []string `json:"document_urls,omitempty"`
}

func registerShipments(reg *jobs.Registry, rt *Runtime) {
	jobs.Register(reg, func(ctx context.Context, job *jobs.Job[ShipmentArgs]) error {
		r, err := rt.Route(job.Args.Route)
		if err != nil {
			return err
		}
		res, err := registerShipment(ctx, rt, r, job.Args.Shipment, nil)
		rt.Count(r.Name, countStop(ctx, res, err, 1))
		return err
	})
}

func passShipments(ctx context.Context, rt *Runtime, r Route, p PassOptions) (Result, error) {
	opts, _ := r.Options.(*ShipmentsOptions)
	if opts == nil {
		opts = &ShipmentsOptions{Overlap: DefaultOverlap}
	}
	src, err := As[ShipmentSource](ctx, rt, r, r.From, "a shipment source")
	if err != nil {
		return Result{}, err
	}
	since := p.Since
	if since.IsZero() {
		if since, err = ReadCursor(ctx, rt.Store, r.Name, "shipments", opts.Overlap); err != nil {
			return Result{}, err
		}
	}
	var res Result
	var pageErr error
	err = src.DoneShipments(ctx, since, func(shipments []model.Shipment, through time.Time) error {
		pr, err := takeShipments(ctx, rt, r, shipments, p)
		res = res.Add(pr)
		if err == nil && p.DryRun == nil {
			err = AdvanceCursor(ctx, rt.Store, r.Name, "shipments", through)
		}
		pageErr = err
		return err
	})
	if err != nil && err != pageErr {
		err = fmt.Errorf("route %s: reading deliveries from %s: %w", r.Name, r.From, err)
	}
	return res, err
}

// takeShipments enqueues a job per delivery of one page not registered yet. A
// partial delivery waits, skipped with the reason, for the last one of its
// order, which registers the order delivered with every tracking code.
func takeShipments(ctx context.Context, rt *Runtime, r Route, shipments []model.Shipment, p PassOptions) (Result, error) {
	var res Result
	var ins []jobs.Insert
	var skips []store.Skip
	var whole []string
	for _, s := range shipments {
		if _, err := rt.Store.GetLinkByLocal(ctx, r.To, shipmentLink, r.From+":"+s.ID); err == nil {
			res.Unchanged++
			continue
		}
		entity := "order " + s.OrderID
		if s.Partial {
			res.Skipped++
			why := fmt.Sprintf("delivery %s (tracking %q) is partial; the shop order is marked delivered, with every tracking code, when the rest of it ships", s.ID, s.TrackingCode)
			skips = append(skips, store.Skip{Route: r.Name, Entity: entity, Label: fmt.Sprintf("%s order %s", r.From, s.OrderID), Version: s.ID, Reason: why})
			if p.DryRun != nil {
				p.DryRun.Record(Action{Op: "skip", Target: r.To, Entity: "delivery " + s.ID, Detail: why})
			}
			continue
		}
		whole = append(whole, entity)
		if p.DryRun != nil {
			res2, err := registerShipment(ctx, rt, r, s, p.DryRun)
			res = res.Add(res2)
			if err != nil {
				p.DryRun.Record(Action{Op: "skip", Target: r.To, Entity: "delivery " + s.ID, Detail: err.Error()})
			}
			continue
		}
		ins = append(ins, jobs.Insert{Args: ShipmentArgs{Route: r.Name, Shipment: s}, Queue: jobs.QueueName(r.To)})
	}
	if p.DryRun != nil {
		return res, nil
	}
	if err := rt.Store.PutSkips(ctx, skips); err != nil {
		return res, err
	}
	if err := rt.Store.DeleteSkips(ctx, r.Name, whole); err != nil {
		return res, err
	}
	if _, err := rt.Queue.EnqueueMany(ctx, ins); err != nil {
		return res, err
	}
	res.Enqueued, res.Queued = len(ins), len(ins)
	return res, nil
}

func registerShipment(ctx context.Context, rt *Runtime, r Route, s model.Shipment, dry *DryRun) (Result, error) {
	var res Result
	orderID, err := shopOrder(ctx, rt, r, s.OrderID, s.CompletedAt)
	if err != nil {
		return res, err
	}
	if dry != nil {
		dry.Record(Action{Op: "register shipment", Target: r.To, Entity: "order " + orderID, Detail: "tracking " + s.TrackingCode})
		res.Updated++
		return res, nil
	}
	sink, err := As[ShipmentSink](ctx, rt, r, r.To, "a shipment target")
	if err != nil {
		return res, err
	}
	got, err := sink.RegisterShipment(ctx, orderID, s)
	if err != nil {
		return res, fmt.Errorf("order %s: %w", orderID, err)
	}
	data, _ := json.Marshal(ShipmentData{OrderID: orderID, TrackingCode: got.TrackingCode, LabelURL: got.LabelURL, DocumentURLs: got.DocumentURLs})
	remoteID := got.ID
	if remoteID == "" {
		remoteID = orderID
	}
	err = rt.Store.PutLink(ctx, store.Link{Connection: r.To, Kind: shipmentLink, LocalID: r.From + ":" + s.ID, RemoteID: remoteID, Data: data, SyncedAt: time.Now().UTC()})
	if err != nil && !errors.Is(err, store.ErrLinkConflict) {
		return res, err
	}
	res.Updated++
	return res, nil
}

// PaymentArgs marks one paid invoice's shop order paid.
type PaymentArgs struct {
	Route   string        `json:"route" river:"unique"`
	Invoice model.Invoice `json:"invoice" river:"unique"`
}

// Kind implements river.JobArgs.
func (PaymentArgs) Kind() string { return "payments.mark_paid" }

// JobRoute implements jobs.Args.
func (a PaymentArgs) JobRoute() string { return a.Route }

// JobEntity implements jobs.Args.
func (a PaymentArgs) JobEntity() string {
	return "invoice " + nonEmpty(a.Invoice.Number, a.Invoice.ID) + " of order " + a.Invoice.OrderRef
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func registerPayments(reg *jobs.Registry, rt *Runtime) {
	jobs.Register(reg, func(ctx context.Context, job *jobs.Job[PaymentArgs]) error {
		r, err := rt.Route(job.Args.Route)
		if err != nil {
			return err
		}
		res, err := markPaid(ctx, rt, r, job.Args.Invoice, nil)
		rt.Count(r.Name, countStop(ctx, res, err, 1))
		return err
	})
}

func passPayments(ctx context.Context, rt *Runtime, r Route, p PassOptions) (Result, error) {
	opts, _ := r.Options.(*PaymentsOptions)
	if opts == nil {
		opts = &PaymentsOptions{InvoiceMethods: []string{"Lasku*", "*invoice*", "*lasku*"}, Overlap: DefaultOverlap}
	}
	src, err := As[PaymentSource](ctx, rt, r, r.From, "a payment source")
	if err != nil {
		return Result{}, err
	}
	return passOnce(ctx, rt, r, p, onceRecords[model.Invoice]{
		cursor: "payments", what: "paid invoices", noun: "invoice", overlap: opts.Overlap, link: paymentLink,
		read: src.PaidInvoices,
		id:   func(inv model.Invoice) string { return inv.ID },
		job:  func(inv model.Invoice) jobs.Args { return PaymentArgs{Route: r.Name, Invoice: inv} },
		dry:  func(inv model.Invoice) (Result, error) { return markPaid(ctx, rt, r, inv, p.DryRun) },
	})
}

func markPaid(ctx context.Context, rt *Runtime, r Route, inv model.Invoice, dry *DryRun) (Result, error) {
	var res Result
	opts, _ := r.Options.(*PaymentsOptions)
	if opts == nil {
		opts = &PaymentsOptions{InvoiceMethods: []string{"Lasku*", "*invoice*", "*lasku*"}}
	}
	orderID, err := shopOrder(ctx, rt, r, inv.OrderRef, inv.UpdatedAt)
	if err != nil {
		return res, err
	}
	sink, err := As[PaymentSink](ctx, rt, r, r.To, "a payment target")
	if err != nil {
		return res, err
	}
	payments, err := sink.OrderPayments(ctx, orderID)
	if err != nil {
		return res, fmt.Errorf("order %s: %w", orderID, err)
	}
	// An order can be paid in parts (a gift card at checkout and the rest by
	// invoice): only the open parts billed by invoice are marked.
	var todo []model.Payment
	for _, pay := range payments {
		if pay.Status != model.PaymentOpen {
			continue
		}
		for _, m := range opts.InvoiceMethods {
			if Match(m, pay.Method) {
				todo = append(todo, pay)
				break
			}
		}
	}
	link := store.Link{Connection: r.To, Kind: paymentLink, LocalID: r.From + ":" + inv.ID, RemoteID: orderID, SyncedAt: time.Now().UTC()}
	if len(todo) == 0 {
		// Paid at checkout, or marked already: nothing to mark, and nothing to ask.
		res.Unchanged++
		if dry == nil {
			if err := rt.Store.PutLink(ctx, link); err != nil && !errors.Is(err, store.ErrLinkConflict) {
				return res, err
			}
		}
		return res, nil
	}
	if dry != nil {
		for _, pay := range todo {
			dry.Record(Action{Op: "mark paid", Target: r.To, Entity: "order " + orderID, Detail: "invoice " + nonEmpty(inv.Number, inv.ID) + ", payment " + pay.ID + " (" + pay.Method + ")"})
		}
		res.Updated++
		return res, nil
	}
	for _, pay := range todo {
		if err := sink.MarkPaid(ctx, orderID, pay.ID); err != nil {
			return res, fmt.Errorf("order %s: payment %s (%s): %w", orderID, pay.ID, pay.Method, err)
		}
	}
	if err := rt.Store.PutLink(ctx, link); err != nil && !errors.Is(err, store.ErrLinkConflict) {
		return res, err
	}
	res.Updated++
	return res, nil
}

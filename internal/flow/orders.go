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

// OrdersOptions configure an orders route (a shop's orders into an ERP or a
// warehouse).
type OrdersOptions struct {
	// Prefix starts every order reference in the target. Default: the source
	// connection's name in capitals and "-" ("SHOP-1234"), so that several shops
	// can feed one target without clashing.
	Prefix string `yaml:"prefix" json:"prefix"`
	// ShippingMethods map the shop's shipping method names (with * wildcards) to
	// the target's carriers. Empty: the shop's name is used as it is. Not empty: an
	// order whose method matches no rule is parked until a rule is added.
	ShippingMethods []Rule `yaml:"shipping_methods" json:"shipping_methods,omitempty"`
	// PaymentMethods map the shop's payment method names to the target's, and say
	// which are billed by invoice (paid later, marked paid by the payments route).
	PaymentMethods []PaymentRule `yaml:"payment_methods" json:"payment_methods,omitempty"`
	// Taxes map the shop's tax rates to the target's taxes by name, where the
	// target has several of one rate (price-included or not, another country's).
	// Empty: the target's sale tax of the same rate is used.
	Taxes []TaxRule `yaml:"taxes" json:"taxes,omitempty"`
	// BatchSize is the number of orders per job. Default 100.
	BatchSize int `yaml:"batch_size" json:"batch_size"`
	// StartFrom limits the first pass (no cursor yet) to orders updated since
	// then; zero reads every order.
	StartFrom time.Time `yaml:"start_from" json:"start_from,omitzero"`
	// Overlap is how far before its cursor each pass re-reads. Default 2m.
	Overlap time.Duration `yaml:"overlap" json:"overlap"`
	// Statuses are the shop order states the route imports: "open" (not
	// shipped yet) and "completed" (shipped already: the seed's "Shipped
	// Orders" queue, often a route of its own). Default: open.
	Statuses []string `yaml:"statuses" json:"statuses,omitempty"`
	// ImportAfter skips orders placed before it (the shop's order date);
	// zero takes every order. Unlike start_from it holds on every pass.
	ImportAfter time.Time `yaml:"import_after" json:"import_after,omitzero"`
	// POS imports the shop's point-of-sale orders too. Default false.
	POS bool `yaml:"pos" json:"pos"`
	// TestOrders imports orders placed in the shop's test mode too.
	// Default false: test orders are skipped, with the reason.
	TestOrders bool `yaml:"test_orders" json:"test_orders"`
	// HoldRisk is the shop's fraud verdict from which an order is held for
	// review in the target (a quotation a person confirms or cancels there or
	// on the dashboard): "medium" (default: whatever the shop does not
	// accept), "high", or "off". A target that cannot hold orders (a
	// warehouse) gets none of them: they are skipped with the reason.
	HoldRisk string `yaml:"hold_risk" json:"hold_risk,omitempty"`
	// ImportCancelled brings orders cancelled in the shop before ferry
	// imported them into the target as cancelled quotations, for the record,
	// instead of skipping them. Only targets that hold orders take them.
	ImportCancelled bool `yaml:"import_cancelled" json:"import_cancelled"`
	// CustomLineSKU is the target's product (its SKU) that order lines
	// without a SKU go on, with their own name and price: a shop's gift
	// wrapping, tips or custom items. Empty: such an order waits for a
	// person.
	CustomLineSKU string `yaml:"custom_line_sku" json:"custom_line_sku,omitempty"`
	// CreateProducts makes the target create a product for an order line
	// whose SKU it lacks (its name and unit price from the line), instead of
	// parking the order until someone creates it (seed 003's "product auto
	// creation"). Default false.
	CreateProducts bool `yaml:"create_products" json:"create_products"`
	// Workflows say how far the target takes each order, by its financial
	// status and payment gateway; the first rule that matches applies. Empty:
	// the target's default (confirm, invoice, post the invoice). Not empty: an
	// order no rule matches is parked until one is added.
	Workflows []WorkflowRule `yaml:"workflows" json:"workflows,omitempty"`
}

// PaymentRule maps shop payment methods to the target.
type PaymentRule struct {
	Match string `yaml:"match" json:"match"`
	To    string `yaml:"to" json:"to"`
	// Invoice marks the method as billed by invoice.
	Invoice bool `yaml:"invoice" json:"invoice"`
}

// TaxRule maps a tax rate (a percentage, "25.5") to the target's tax name.
type TaxRule struct {
	Rate string `yaml:"rate" json:"rate"`
	To   string `yaml:"to" json:"to"`
}

// Validate checks the options.
func (o *OrdersOptions) Validate() error {
	var errs []error
	rates := map[string]bool{}
	for i, t := range o.Taxes {
		d, err := model.ParseDecimal(strings.TrimSuffix(strings.TrimSpace(t.Rate), "%"))
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("taxes[%d]: rate %q is not a percentage like 25.5", i, t.Rate))
		case strings.TrimSpace(t.To) == "":
			errs = append(errs, fmt.Errorf("taxes[%d]: to (the target's tax name) is required", i))
		case rates[d.String()]:
			errs = append(errs, fmt.Errorf("taxes[%d]: rate %s is mapped twice", i, d))
		default:
			rates[d.String()] = true
		}
	}
	for i, r := range o.ShippingMethods {
		if strings.TrimSpace(r.Match) == "" || strings.TrimSpace(r.To) == "" {
			errs = append(errs, fmt.Errorf("shipping_methods[%d]: match and to are required", i))
		}
	}
	for i, r := range o.PaymentMethods {
		if strings.TrimSpace(r.Match) == "" {
			errs = append(errs, fmt.Errorf("payment_methods[%d]: match is required", i))
		}
	}
	for i, st := range o.Statuses {
		if st != string(model.OrderOpen) && st != string(model.OrderCompleted) {
			errs = append(errs, fmt.Errorf("statuses[%d]: %q is not open or completed", i, st))
		}
	}
	switch o.HoldRisk {
	case "", "medium", "high", "off":
	default:
		errs = append(errs, fmt.Errorf("hold_risk %q: want medium, high or off", o.HoldRisk))
	}
	for i, w := range o.Workflows {
		if err := w.validate(); err != nil {
			errs = append(errs, fmt.Errorf("workflows[%d]: %w", i, err))
		}
	}
	if o.BatchSize < 1 || o.BatchSize > 1000 {
		errs = append(errs, fmt.Errorf("batch_size %d: want 1..1000", o.BatchSize))
	}
	if o.Overlap < 0 {
		errs = append(errs, errors.New("overlap must not be negative"))
	}
	return errors.Join(errs...)
}

func init() {
	RegisterKind(Kind{
		Name:       "orders",
		Title:      "Orders",
		NewOptions: func() any { return &OrdersOptions{BatchSize: 100, Overlap: DefaultOverlap, HoldRisk: "medium"} },
		Register:   registerOrders,
		Pass:       passOrders,
		From:       need[OrderSource]("an order source"),
		To:         need[OrderSink]("an order target"),
	})
}

// orderLink is the link kind of an imported order.
const orderLink = "order"

func ordersOptions(r Route) *OrdersOptions {
	if o, ok := r.Options.(*OrdersOptions); ok && o != nil {
		return o
	}
	return &OrdersOptions{BatchSize: 100, Overlap: DefaultOverlap}
}

func orderLocalID(r Route, o model.Order) string { return r.From + ":" + o.ID }

// orderVersion tells one state of an order from another. A shop's updated_at
// counts whole seconds (MyCashflow's does), so two changes
// within one second carry the same time: the version is the time and a hash of
// the order's content, and the second change is a new version all the same.
func orderVersion(o model.Order) string {
	parts := []any{o.Status, o.Customer, o.Billing, o.Shipping, o.Lines, o.Note, o.ShippingMethod, o.PaymentMethod, o.Total, o.Currency}
	if o.Risk != "" || o.FinancialStatus != "" {
		// A fraud verdict or a payment can come without moving updated_at.
		parts = append(parts, o.Risk, o.FinancialStatus)
	}
	return o.UpdatedAt.UTC().Format(time.RFC3339Nano) + "#" + Hash(parts)[:12]
}

// eligible reports whether a shop order may be imported by the route: see
// ineligible.
func eligible(opts *OrdersOptions, o model.Order, canHold bool) bool {
	return ineligible(opts, o, canHold) == ""
}

// ineligible says why a shop order is not imported by the route, or "" when
// it is: it is open (or completed, where the route takes those), it has a
// payment method and a shipping method, as shop integration users know an
// import requires, and the route's filters (test, POS, order date) let it in.
// canHold says the target can hold orders for review.
func ineligible(opts *OrdersOptions, o model.Order, canHold bool) string {
	switch {
	case o.Test && !opts.TestOrders:
		return "a test order (placed in the shop's test mode); set test_orders on the route to import them"
	case strings.EqualFold(o.Channel, "pos") && !opts.POS:
		return "a point-of-sale order; set pos on the route to import them"
	case !opts.ImportAfter.IsZero() && !o.CreatedAt.IsZero() && o.CreatedAt.Before(opts.ImportAfter):
		return fmt.Sprintf("placed %s, before the route's import_after %s", o.CreatedAt.UTC().Format(time.DateTime), opts.ImportAfter.UTC().Format(time.DateTime))
	case o.Status == model.OrderCancelled && opts.ImportCancelled && canHold:
		return ""
	case o.Status == model.OrderCancelled:
		return "cancelled in the shop before it was imported"
	case o.Status == model.OrderCompleted && !opts.takes(model.OrderCompleted):
		return "completed in the shop before it was imported; the route imports open orders (statuses)"
	case o.Status == model.OrderOpen && !opts.takes(model.OrderOpen):
		return "open; the route imports completed orders only (statuses)"
	case o.Status != model.OrderOpen && o.Status != model.OrderCompleted:
		return fmt.Sprintf("status %q; only open orders are imported", o.Status)
	case o.PaymentMethod.ID == "" && o.ShippingMethod.ID == "":
		return "open, but it has no payment method and no shipping method; it is imported once it has both"
	case o.PaymentMethod.ID == "":
		return "open, but it has no payment method; it is imported once it has one"
	case o.ShippingMethod.ID == "":
		return "open, but it has no shipping method; it is imported once it has one"
	}
	if why := holdReason(opts, o); why != "" && !canHold {
		return "held for review (" + why + "), and the target cannot hold orders for review; review it in the shop"
	}
	return ""
}

// takes reports whether the route imports orders of status st.
func (o *OrdersOptions) takes(st model.OrderStatus) bool {
	if len(o.Statuses) == 0 {
		return st == model.OrderOpen
	}
	for _, s := range o.Statuses {
		if s == string(st) {
			return true
		}
	}
	return false
}

// OrderBatchArgs is a page of orders to import or update.
type OrderBatchArgs struct {
	Route string `json:"route" river:"unique"`
	// Key identifies the orders at their versions.
	Key    string        `json:"key" river:"unique"`
	Orders []model.Order `json:"orders"`
}

// Kind implements river.JobArgs.
func (OrderBatchArgs) Kind() string { return "orders.batch" }

// JobRoute implements jobs.Args.
func (a OrderBatchArgs) JobRoute() string { return a.Route }

// JobEntity implements jobs.Args.
func (a OrderBatchArgs) JobEntity() string {
	if len(a.Orders) == 1 {
		return "order " + a.Orders[0].Number
	}
	return fmt.Sprintf("orders %s…%s (%d)", a.Orders[0].Number, a.Orders[len(a.Orders)-1].Number, len(a.Orders))
}

// OrderArgs is one order that needs its own job: it failed in a batch, so that it
// can be parked or failed with its own reason while the rest went through.
type OrderArgs struct {
	Route   string      `json:"route" river:"unique"`
	OrderID string      `json:"order_id" river:"unique"`
	Version string      `json:"version" river:"unique"`
	Order   model.Order `json:"order"`
	// From is the batch job that moved the order here.
	From int64 `json:"from,omitempty"`
}

// Kind implements river.JobArgs.
func (OrderArgs) Kind() string { return "orders.one" }

// JobRoute implements jobs.Args.
func (a OrderArgs) JobRoute() string { return a.Route }

// JobEntity implements jobs.Args.
func (a OrderArgs) JobEntity() string { return "order " + a.Order.Number }

func registerOrders(reg *jobs.Registry, rt *Runtime) {
	jobs.Register(reg, func(ctx context.Context, job *jobs.Job[OrderBatchArgs]) error {
		r, err := rt.Route(job.Args.Route)
		if err != nil {
			return err
		}
		orders, err := rt.ownOrders(ctx, r, job.ID, 0, job.Args.Orders)
		if err != nil {
			return err
		}
		res, err := importOrders(ctx, rt, r, orders, false, nil)
		if err != nil {
			res = countStop(ctx, res, err, len(orders)-res.Done())
		}
		rt.Count(r.Name, res)
		return err
	})
	jobs.Register(reg, func(ctx context.Context, job *jobs.Job[OrderArgs]) error {
		r, err := rt.Route(job.Args.Route)
		if err != nil {
			return err
		}
		orders, err := rt.ownOrders(ctx, r, job.ID, job.Args.From, []model.Order{job.Args.Order})
		if err != nil || len(orders) == 0 {
			return err
		}
		res, err := importOrders(ctx, rt, r, orders, true, nil)
		rt.Count(r.Name, countStop(ctx, res, err, 1))
		// A configuration gap the target reports (a carrier, tax or product it
		// lacks) is mostly closed in the route's mappings: a change of them
		// re-runs the order.
		if jobs.ClassOf(err) == jobs.ClassNeedsAction && jobs.DependsOnOf(err) == "" {
			err = jobs.NeedsActionErr("", "route:"+r.Name, err)
		}
		return err
	})
}

// ownOrders returns the orders of a job that it owns; the others were handed
// to a job with a newer copy since, and are left to it.
func (rt *Runtime) ownOrders(ctx context.Context, r Route, job, from int64, orders []model.Order) ([]model.Order, error) {
	ids := make([]string, len(orders))
	versions := make([]string, len(orders))
	for i, o := range orders {
		ids[i], versions[i] = o.ID, orderVersion(o)
	}
	keep, err := rt.mine(ctx, r.Name, job, from, ids, versions)
	if err != nil {
		return nil, err
	}
	out := make([]model.Order, 0, len(orders))
	var left []string
	for i, o := range orders {
		if keep[i] {
			out = append(out, o)
		} else {
			left = append(left, o.Number)
		}
	}
	if len(left) > 0 {
		rt.logLine(ctx, store.LevelInfo, r.Name, fmt.Sprintf("orders %s", strings.Join(left, ", ")), "left to the job that has a newer copy of them")
		rt.Count(r.Name, Result{Unchanged: len(left)})
	}
	return out, nil
}

// passOrders reads the orders changed since the cursor a page at a time,
// enqueues a job per batch of those to import or update, and after each page
// moves the cursor to the page's checkpoint, so that a pass's memory does not
// grow with the backlog and a pass stopped half-way resumes there.
func passOrders(ctx context.Context, rt *Runtime, r Route, p PassOptions) (Result, error) {
	opts := ordersOptions(r)
	src, err := As[OrderSource](ctx, rt, r, r.From, "an order source")
	if err != nil {
		return Result{}, err
	}
	since := p.Since
	if since.IsZero() {
		if since, err = ReadCursor(ctx, rt.Store, r.Name, "orders", opts.Overlap); err != nil {
			return Result{}, err
		}
		if since.IsZero() {
			since = opts.StartFrom
		}
	}
	var res Result
	// held is the oldest change left to a job that will still run: the cursor
	// stays before it, so that a later pass reads the order again.
	var held time.Time
	var pageErr error
	err = src.ChangedOrders(ctx, since, func(orders []model.Order, bad []error, through time.Time) error {
		pr, h, err := takeOrders(ctx, rt, r, opts, orders, bad, p)
		res = res.Add(pr)
		if err != nil {
			pageErr = err
			return err
		}
		if !h.IsZero() && (held.IsZero() || h.Before(held)) {
			held = h
		}
		if p.DryRun != nil {
			return nil
		}
		// The page's jobs are stored: only now may the cursor move past it.
		pageErr = rt.checkpoint(ctx, r.Name, "orders", through, held, p.Until)
		return pageErr
	})
	if err != nil {
		if err == pageErr {
			return res, err
		}
		return res, fmt.Errorf("route %s: reading orders from %s: %w", r.Name, r.From, err)
	}
	return res, nil
}

// takeOrders decides for one page of a pass what becomes of each order, and
// stores that: jobs for the orders to import or update (each owning its
// orders), skipped entries for those not eligible. It returns the oldest change
// it left to a job that will still run.
func takeOrders(ctx context.Context, rt *Runtime, r Route, opts *OrdersOptions, orders []model.Order, bad []error, p PassOptions) (Result, time.Time, error) {
	var res Result
	var held time.Time
	for _, b := range bad {
		res.Failed++
		rt.logLine(ctx, store.LevelError, r.Name, "", "order not read: "+b.Error()+"; fix it in the shop and it is read again when it changes")
	}
	if len(orders) == 0 {
		return res, held, nil
	}
	ids := make([]string, len(orders))
	local := make([]string, len(orders))
	for i, o := range orders {
		ids[i], local[i] = o.ID, orderLocalID(r, o)
	}
	links, err := rt.linksByLocal(ctx, r.To, orderLink, local)
	if err != nil {
		return res, held, err
	}
	canHold := canHoldOrders(ctx, rt, r)
	own, err := rt.ownersOf(ctx, r.Name, ids)
	if err != nil {
		return res, held, err
	}
	var todo []model.Order
	var skips []store.Skip
	var taken []string
	for _, o := range orders {
		if !p.Until.IsZero() && o.UpdatedAt.After(p.Until) {
			continue
		}
		active, stopped := own.hold(o.ID, orderVersion(o))
		if active {
			// A job that will still run has this order already.
			if held.IsZero() || o.UpdatedAt.Before(held) {
				held = o.UpdatedAt
			}
			res.Unchanged++
			continue
		}
		if stopped != 0 {
			// A parked or failed job holds this very version; it is that
			// job's to retry, never a second job's.
			res.Unchanged++
			continue
		}
		l, linked := links[orderLocalID(r, o)]
		why := ineligible(opts, o, canHold)
		switch {
		case linked && l.SourceVersion == orderVersion(o):
			res.Unchanged++
		case linked || why == "":
			todo = append(todo, o)
			taken = append(taken, o.ID)
		default:
			res.Skipped++
			skips = append(skips, store.Skip{Route: r.Name, Entity: o.ID, Label: "order " + o.Number, Version: orderVersion(o), Reason: why})
			if p.DryRun != nil {
				p.DryRun.Record(Action{Op: "skip", Target: r.To, Entity: "order " + o.Number, Detail: why})
			}
		}
	}
	if p.DryRun != nil {
		r2, err := importOrders(ctx, rt, r, todo, false, p.DryRun)
		return res.Add(r2), held, err
	}
	if err := rt.Store.PutSkips(ctx, skips); err != nil {
		return res, held, err
	}
	if err := rt.Store.DeleteSkips(ctx, r.Name, taken); err != nil {
		return res, held, err
	}
	var ins []jobs.Insert
	for start := 0; start < len(todo); start += opts.BatchSize {
		page := todo[start:min(start+opts.BatchSize, len(todo))]
		keyParts := make([]string, len(page))
		for i, o := range page {
			keyParts[i] = o.ID + "@" + orderVersion(o)
		}
		ins = append(ins, jobs.Insert{Args: OrderBatchArgs{Route: r.Name, Key: Hash(keyParts), Orders: page}, Queue: jobs.QueueName(r.To)})
	}
	err = rt.enqueueOwned(ctx, r.Name, own, ins, func(i int) (ids, versions []string) {
		for _, o := range ins[i].Args.(OrderBatchArgs).Orders {
			ids, versions = append(ids, o.ID), append(versions, orderVersion(o))
		}
		return ids, versions
	})
	if err != nil {
		return res, held, err
	}
	res.Enqueued, res.Queued = len(ins), len(todo)
	return res, held, nil
}

// orderHash covers what an import writes to the target: the mapped methods,
// the status, the customer, the addresses, the lines and the note; payments and
// shipments are other routes' business.
func orderHash(imp model.OrderImport) string {
	o := imp.Order
	parts := []any{imp.Ref, imp.Carrier, imp.PaymentMethod, imp.InvoiceBilled, o.Status, o.Customer.Email, o.Billing, o.Shipping, o.Lines, o.Note}
	// Added only when set, so that the hashes of routes without holds or
	// workflows stay what they were.
	if imp.Hold != "" {
		parts = append(parts, "hold", imp.Hold)
	}
	if imp.Workflow != nil {
		parts = append(parts, "workflow", *imp.Workflow)
	}
	return Hash(parts)
}

// orderData is kept in an order's link.
type orderData struct {
	// Number is the order's number in the target.
	Number string `json:"number,omitempty"`
	// ShopNumber and ShopStatus are the source's, when ferry last read it.
	ShopNumber string `json:"shop_number,omitempty"`
	ShopStatus string `json:"shop_status,omitempty"`
	// Status is what ferry last did in the target: imported, updated, cancelled.
	Status string `json:"status,omitempty"`
	// Sale is the order's figures for the sales report, as last read.
	Sale *saleFacts `json:"sale,omitempty"`
}

// withOrderData returns l's data with the source's number and status and the
// target status set.
func withOrderData(l store.Link, o model.Order, status string) []byte {
	var d orderData
	_ = json.Unmarshal(l.Data, &d)
	d.ShopNumber, d.ShopStatus = o.Number, string(o.Status)
	d.Sale = saleOf(o)
	if status != "" {
		d.Status = status
	}
	b, _ := json.Marshal(d)
	return b
}

// importOrders imports new orders and updates or cancels linked ones. In a batch
// (single false) an order that fails for its own reasons is moved to a job of its
// own; alone, its error is returned so the job parks or fails with it.
//
// The orders' references in the target are locked meanwhile, across processes:
// two jobs can never both find an order missing and create it.
func importOrders(ctx context.Context, rt *Runtime, r Route, orders []model.Order, single bool, dry *DryRun) (Result, error) {
	if len(orders) == 0 || dry != nil {
		return importLocked(ctx, rt, r, orders, single, dry)
	}
	opts := ordersOptions(r)
	keys := make([]string, len(orders))
	for i, o := range orders {
		keys[i] = "order:" + r.To + ":" + orderRef(r, opts, o)
	}
	var res Result
	err := rt.withKeys(ctx, keys, func() error {
		var err error
		res, err = importLocked(ctx, rt, r, orders, single, dry)
		return err
	})
	return res, err
}

func importLocked(ctx context.Context, rt *Runtime, r Route, orders []model.Order, single bool, dry *DryRun) (Result, error) {
	var res Result
	if len(orders) == 0 {
		return res, nil
	}
	opts := ordersOptions(r)
	sink, err := As[OrderSink](ctx, rt, r, r.To, "an order target")
	if err != nil {
		return res, err
	}
	ids := make([]string, len(orders))
	for i, o := range orders {
		ids[i] = orderLocalID(r, o)
	}
	links, err := rt.linksByLocal(ctx, r.To, orderLink, ids)
	if err != nil {
		return res, err
	}
	reviews, err := rt.linksByLocal(ctx, r.To, reviewLink, ids)
	if err != nil {
		return res, err
	}
	_, canHold := sink.(HoldSink)
	var spill []model.Order
	var spillErr error
	var did report
	fail := func(o model.Order, err error) error {
		if single {
			spillErr = err
			return err
		}
		if jobs.ClassOf(err) == jobs.ClassTransient {
			// The whole batch is retried; what succeeded is linked and skipped then.
			return err
		}
		spill = append(spill, o)
		did.add("order "+o.Number, "moved to a job of its own: "+err.Error())
		return nil
	}
	var fresh []model.OrderImport
	var freshOrders []model.Order
	for _, o := range orders {
		l, linked := links[orderLocalID(r, o)]
		if linked && l.SourceVersion == orderVersion(o) {
			res.Unchanged++
			did.add("order "+o.Number, "unchanged")
			continue
		}
		if !linked && !eligible(opts, o, canHold) {
			res.Skipped++
			did.add("order "+o.Number, "skipped: "+ineligible(opts, o, canHold))
			continue
		}
		imp, err := mapOrder(r, opts, o)
		if rl, ok := reviews[orderLocalID(r, o)]; reviewed(rl, ok) {
			imp.Hold = ""
		}
		if err != nil {
			if e := fail(o, err); e != nil {
				return res, e
			}
			continue
		}
		if !linked {
			fresh = append(fresh, imp)
			freshOrders = append(freshOrders, o)
			continue
		}
		// A linked order whose content for the target did not change (a payment
		// marked paid, the shop completing it after our own shipment) only
		// moves its version; so does an order the shop completed.
		if l.Hash == orderHash(imp) || o.Status == model.OrderCompleted {
			if dry == nil {
				l.SourceVersion, l.SyncedAt, l.Data = orderVersion(o), time.Now().UTC(), withOrderData(l, o, "")
				if err := rt.Store.PutLink(ctx, l); err != nil {
					return res, err
				}
			}
			res.Unchanged++
			did.add("order "+o.Number, "unchanged in "+r.To)
			continue
		}
		if dry != nil {
			op := "update"
			if o.Status == model.OrderCancelled {
				op = "cancel"
			}
			dry.Record(Action{Op: op, Target: r.To, Entity: "order " + o.Number, Detail: "linked to " + l.RemoteID})
			res.Updated++
			continue
		}
		if o.Status == model.OrderCancelled {
			err = sink.CancelOrder(ctx, l.RemoteID, imp)
		} else {
			err = sink.UpdateOrder(ctx, l.RemoteID, imp)
		}
		if errors.Is(err, model.ErrGone) {
			// Deleted in the target: import it again, as a changed order.
			if err := rt.Store.DeleteLink(ctx, r.To, orderLink, orderLocalID(r, o)); err != nil && !errors.Is(err, store.ErrNotFound) {
				return res, err
			}
			if eligible(opts, o, canHold) {
				fresh = append(fresh, imp)
				freshOrders = append(freshOrders, o)
			} else {
				res.Skipped++
			}
			continue
		}
		if err != nil {
			if e := fail(o, orderErr(o.Number, err)); e != nil {
				return res, e
			}
			continue
		}
		done := "updated"
		if o.Status == model.OrderCancelled {
			done = "cancelled"
		}
		rl, known := reviews[orderLocalID(r, o)]
		switch {
		case imp.Hold != "" && !known:
			if err := rt.noteHeld(ctx, r, o, imp, l.RemoteID, ""); err != nil {
				return res, err
			}
		case imp.Hold == "" && known && !reviewed(rl, known) && o.Status != model.OrderCancelled:
			// The shop cleared its verdict: the update confirmed the order.
			if err := rt.noteReviewed(ctx, r, rl, reviewConfirmed, "the shop (its fraud verdict cleared)"); err != nil {
				return res, err
			}
		}
		l.SourceVersion, l.Hash, l.SyncedAt, l.Data = orderVersion(o), orderHash(imp), time.Now().UTC(), withOrderData(l, o, done)
		if err := rt.Store.PutLink(ctx, l); err != nil {
			return res, err
		}
		res.Updated++
		did.add("order "+o.Number, done+" in "+r.To+" ("+l.RemoteID+")")
	}
	if len(fresh) > 0 {
		if dry != nil {
			for _, imp := range fresh {
				dry.Record(Action{Op: "create", Target: r.To, Entity: "order " + imp.Order.Number, Detail: fmt.Sprintf("%s, %d lines, total %s, carrier %q", imp.Ref, len(imp.Order.Lines), imp.Order.Total, imp.Carrier)})
			}
			res.Created += len(fresh)
			return res, nil
		}
		results, err := sink.ImportOrders(ctx, fresh)
		if err != nil {
			return res, fmt.Errorf("route %s: importing %d orders into %s: %w", r.Name, len(fresh), r.To, err)
		}
		if len(results) != len(fresh) {
			return res, fmt.Errorf("route %s: %s answered %d results for %d orders", r.Name, r.To, len(results), len(fresh))
		}
		for i, rr := range results {
			o := freshOrders[i]
			if rr.Err != nil {
				if e := fail(o, orderErr(o.Number, rr.Err)); e != nil {
					return res, e
				}
				continue
			}
			data, _ := json.Marshal(orderData{Number: rr.Number, ShopNumber: o.Number, ShopStatus: string(o.Status), Status: "imported", Sale: saleOf(o)})
			err := rt.Store.PutLink(ctx, store.Link{
				Connection: r.To, Kind: orderLink, LocalID: orderLocalID(r, o), RemoteID: rr.RemoteID,
				Hash: orderHash(fresh[i]), SourceVersion: orderVersion(o), Data: data, SyncedAt: time.Now().UTC(),
			})
			if err != nil && !errors.Is(err, store.ErrLinkConflict) {
				return res, err
			}
			if rr.Warning != "" {
				rt.logLine(ctx, store.LevelWarn, r.Name, "order "+o.Number, rr.Warning)
			}
			if fresh[i].Hold != "" {
				if err := rt.noteHeld(ctx, r, o, fresh[i], rr.RemoteID, rr.Number); err != nil {
					return res, err
				}
			}
			if rr.Invoiced {
				res.Invoiced++
			}
			if rr.Created {
				res.Created++
				did.add("order "+o.Number, "created in "+r.To+" as "+nonEmpty(rr.Number, rr.RemoteID))
			} else {
				res.Unchanged++
				did.add("order "+o.Number, "found in "+r.To+" as "+nonEmpty(rr.Number, rr.RemoteID)+" (made by an earlier attempt)")
			}
		}
	}
	if spillErr != nil {
		return res, spillErr
	}
	if len(spill) > 0 && dry == nil {
		ins := make([]jobs.Insert, len(spill))
		ids, versions := make([]string, len(spill)), make([]string, len(spill))
		for i, o := range spill {
			ids[i], versions[i] = o.ID, orderVersion(o)
			ins[i] = jobs.Insert{Args: OrderArgs{Route: r.Name, OrderID: o.ID, Version: versions[i], Order: o, From: jobs.CurrentID(ctx)}, Queue: jobs.QueueName(r.To)}
		}
		if err := rt.spill(ctx, r.Name, ins, ids, versions); err != nil {
			return res, err
		}
	}
	if dry == nil && !single {
		did.write(ctx, rt, r.Name)
	}
	return res, nil
}

// orderRef is the order's reference in the target: the route's prefix and the
// shop's order number.
func orderRef(r Route, opts *OrdersOptions, o model.Order) string {
	prefix := opts.Prefix
	if prefix == "" {
		prefix = strings.ToUpper(r.From) + "-"
	}
	return prefix + o.Number
}

// mapOrder applies the route's mappings to an order.
func mapOrder(r Route, opts *OrdersOptions, o model.Order) (model.OrderImport, error) {
	imp := model.OrderImport{Order: o, Ref: orderRef(r, opts, o), Carrier: o.ShippingMethod.Name, PaymentMethod: o.PaymentMethod.Name, CreateProducts: opts.CreateProducts}
	if len(opts.ShippingMethods) > 0 && o.ShippingMethod.ID != "" {
		to, ok := Lookup(opts.ShippingMethods, o.ShippingMethod.Name)
		if !ok {
			return imp, jobs.NeedsAction(fmt.Sprintf("order %s: shipping method %q is not mapped to a carrier of %s; map it on the Mappings page of route %s", o.Number, o.ShippingMethod.Name, r.To, r.Name), "route:"+r.Name)
		}
		imp.Carrier = to
	}
	for _, pr := range opts.PaymentMethods {
		if Match(pr.Match, o.PaymentMethod.Name) {
			if pr.To != "" {
				imp.PaymentMethod = pr.To
			}
			imp.InvoiceBilled = pr.Invoice
			break
		}
	}
	if len(opts.Taxes) > 0 {
		lines := make([]model.Line, len(o.Lines))
		for i, l := range o.Lines {
			for _, t := range opts.Taxes {
				if d, err := model.ParseDecimal(strings.TrimSuffix(strings.TrimSpace(t.Rate), "%")); err == nil && d == l.TaxRate {
					l.TaxName = strings.TrimSpace(t.To)
					break
				}
			}
			lines[i] = l
		}
		imp.Order.Lines = lines
	}
	if o.Status != model.OrderCancelled {
		imp.Hold = holdReason(opts, o)
		w, ok := workflowFor(opts.Workflows, o)
		if !ok {
			return imp, jobs.NeedsAction(fmt.Sprintf("order %s: no workflow of route %s matches financial status %q and gateway %q; add one (workflows) and the order is imported", o.Number, r.Name, o.FinancialStatus, o.PaymentMethod.Name), "route:"+r.Name)
		}
		imp.Workflow = w
	}
	if sku := strings.TrimSpace(opts.CustomLineSKU); sku != "" {
		// Lines the shop sells without a product (gift wrapping, a custom
		// item) go on the target's product of that SKU, with their own name
		// and price.
		lines := make([]model.Line, len(imp.Order.Lines))
		for i, l := range imp.Order.Lines {
			if l.Kind == model.LineProduct && l.SKU == "" {
				l.SKU = sku
			}
			lines[i] = l
		}
		imp.Order.Lines = lines
	}
	for _, l := range imp.Order.Lines {
		if l.Kind == model.LineProduct && l.SKU == "" {
			return imp, jobs.NeedsAction(fmt.Sprintf("order %s: line %q has no SKU, so it cannot be matched to a product in %s; give the product a product code in the shop, or set the route's custom_line_sku to a product of %s for such lines", o.Number, l.Name, r.To, r.To), "route:"+r.Name)
		}
	}
	if o.Customer.Email == "" {
		return imp, jobs.NeedsAction(fmt.Sprintf("order %s: the customer has no e-mail, the key customers are matched by; add it in the shop", o.Number), "")
	}
	return imp, nil
}

// linksByLocal returns the links of localIDs, by local id.
func (rt *Runtime) linksByLocal(ctx context.Context, conn, kind string, localIDs []string) (map[string]store.Link, error) {
	out := map[string]store.Link{}
	if len(localIDs) == 0 {
		return out, nil
	}
	list, err := rt.Store.ListLinks(ctx, store.LinkFilter{Connection: conn, Kind: kind, LocalIDs: localIDs})
	if err != nil {
		return nil, err
	}
	for _, l := range list {
		out[l.LocalID] = l
	}
	return out, nil
}

// logLine writes a log line for people, of the running job if there is one; a
// failure to write it is logged.
func (rt *Runtime) logLine(ctx context.Context, level store.Level, route, entity, msg string) {
	if _, err := rt.Store.AddLog(ctx, store.LogLine{Time: time.Now().UTC(), Level: level, Route: route, JobID: jobs.CurrentID(ctx), Entity: entity, Message: msg}); err != nil && rt.Log != nil {
		rt.Log.Error("writing log line", "err", err)
	}
}

// orderErr names the order in err, unless the target's error names it already
// (Odoo's client says "order 1008: …"; twice reads badly).
func orderErr(number string, err error) error {
	if strings.HasPrefix(err.Error(), "order "+number+": ") {
		return err
	}
	return fmt.Errorf("order %s: %w", number, err)
}

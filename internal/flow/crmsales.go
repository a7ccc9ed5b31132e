package flow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/store"
)

// The sales route (seed 004: Odoo's sales → Clientify's orders): an ERP's
// confirmed sale orders ("siempre los pedidos en firme") become orders of the
// CRM, with the customer's contact (or company), the order's name as
// order_id, its date, currency, status, ecommerce "Odoo" and its lines as
// items; an order is written again whenever it changes in the ERP (a
// delivery lowering what is left to deliver, a cancellation). One-way: the
// link (Connection = the CRM, Kind crm_order, LocalID "<erp>:<id>") holds the
// hash of what was written, so an order that did not change is not written
// again. The customer is found through the pair links of the contacts (or
// companies) route and, when it has none, synced first as that route would
// (found by e-mail or ref in the CRM, else created, and linked), so both
// routes share it. An order the CRM deleted is logged and not created again;
// nothing is ever deleted in the CRM.

const crmOrderLink = "crm_order"

// SalesOptions configure a sales route.
type SalesOptions struct {
	// BatchSize is the orders per job. Default 20.
	BatchSize int `yaml:"batch_size" json:"batch_size"`
	// Overlap is how far before its cursor each pass re-reads. Default 2m.
	Overlap time.Duration `yaml:"overlap" json:"overlap"`
	// Ecommerce is the order's ecommerce field: where it comes from.
	// Default "Odoo" (seed 004).
	Ecommerce string `yaml:"ecommerce" json:"ecommerce"`
	// Statuses map the ERP's order states to the CRM's status. Default
	// sale → confirmed, done → done, cancel → cancelled.
	Statuses map[string]string `yaml:"statuses" json:"statuses"`
}

// Validate checks the options.
func (o *SalesOptions) Validate() error {
	if o.BatchSize < 1 || o.BatchSize > 200 {
		return fmt.Errorf("batch_size %d: want 1 to 200", o.BatchSize)
	}
	if o.Overlap < 0 {
		return errors.New("overlap must not be negative")
	}
	if strings.TrimSpace(o.Ecommerce) == "" {
		return errors.New("ecommerce must not be empty")
	}
	return nil
}

func defaultSales() *SalesOptions {
	return &SalesOptions{BatchSize: 20, Overlap: DefaultOverlap, Ecommerce: "Odoo",
		Statuses: map[string]string{"sale": "confirmed", "done": "done", "cancel": "cancelled"}}
}

func salesOptions(r Route) *SalesOptions {
	if o, ok := r.Options.(*SalesOptions); ok && o != nil {
		return o
	}
	return defaultSales()
}

func init() {
	RegisterKind(Kind{
		Name:       "sales",
		Title:      "Sales (ERP → CRM orders)",
		NewOptions: func() any { return defaultSales() },
		Register:   registerSales,
		Pass:       passSales,
		From:       need[SaleOrderSource]("a sale order source (an ERP)"),
		To:         need[CRMOrderSink]("a CRM that takes orders"),
	})
}

// statusOf is the CRM status of an ERP state.
func (o *SalesOptions) statusOf(state string) string {
	if s, ok := o.Statuses[state]; ok {
		return s
	}
	return state
}

// saleHash is what an order's link remembers: a change of any of it is
// written again, a new write_date alone is not.
func saleHash(o model.SaleOrder, opts *SalesOptions) string {
	o.UpdatedAt = time.Time{}
	return Hash(struct {
		O         model.SaleOrder
		Status    string
		Ecommerce string
	}{o, opts.statusOf(o.State), opts.Ecommerce})
}

// SalesArgs writes a page of sale orders.
type SalesArgs struct {
	Route  string            `json:"route" river:"unique"`
	Key    string            `json:"key" river:"unique"`
	Orders []model.SaleOrder `json:"orders"`
}

// Kind implements river.JobArgs.
func (SalesArgs) Kind() string { return "sales.upsert" }

// JobRoute implements jobs.Args.
func (a SalesArgs) JobRoute() string { return a.Route }

// JobEntity implements jobs.Args.
func (a SalesArgs) JobEntity() string {
	if len(a.Orders) == 1 {
		return "sale order " + a.Orders[0].Number
	}
	return fmt.Sprintf("page of %d sale orders", len(a.Orders))
}

func registerSales(reg *jobs.Registry, rt *Runtime) {
	jobs.Register(reg, func(ctx context.Context, job *jobs.Job[SalesArgs]) error {
		r, err := rt.Route(job.Args.Route)
		if err != nil {
			return err
		}
		res, err := upsertSales(ctx, rt, r, job.Args.Orders)
		rt.Count(r.Name, countStop(ctx, res, err, len(job.Args.Orders)-res.Done()))
		return err
	})
}

func passSales(ctx context.Context, rt *Runtime, r Route, p PassOptions) (Result, error) {
	opts := salesOptions(r)
	src, err := As[SaleOrderSource](ctx, rt, r, r.From, "a sale order source")
	if err != nil {
		return Result{}, err
	}
	since := p.Since
	if since.IsZero() {
		if since, err = ReadCursor(ctx, rt.Store, r.Name, "sales", opts.Overlap); err != nil {
			return Result{}, err
		}
	}
	var res Result
	var pageErr error
	err = src.ChangedSaleOrders(ctx, since, func(orders []model.SaleOrder, bad []error, through time.Time) error {
		var skips []store.Skip
		for _, e := range bad {
			res.Skipped++
			skips = append(skips, store.Skip{Route: r.Name, Entity: "bad:" + Hash(e.Error()), Label: "sale order", Reason: e.Error()})
		}
		local := make([]string, len(orders))
		for i, o := range orders {
			local[i] = r.From + ":" + o.ID
		}
		links, err := rt.linksByLocal(ctx, r.To, crmOrderLink, local)
		if err != nil {
			pageErr = err
			return err
		}
		var todo []model.SaleOrder
		for i, o := range orders {
			l, linked := links[local[i]]
			switch {
			case linked && l.Hash == saleHash(o, opts):
				res.Unchanged++
				continue
			case !linked && o.State == "cancel":
				res.Skipped++
				skips = append(skips, store.Skip{Route: r.Name, Entity: o.ID, Label: "sale order " + o.Number, Version: saleHash(o, opts),
					Reason: fmt.Sprintf("sale order %s is cancelled and was never sent to %s; only confirmed orders go there", o.Number, r.To)})
				continue
			}
			todo = append(todo, o)
		}
		if p.DryRun != nil {
			for _, o := range todo {
				op := "create"
				if _, ok := links[r.From+":"+o.ID]; ok {
					op = "update"
				}
				p.DryRun.Record(Action{Op: op, Target: r.To, Entity: "order " + o.Number, Detail: fmt.Sprintf("%s, %d lines", opts.statusOf(o.State), len(o.Lines))})
			}
			res.Updated += len(todo)
			return nil
		}
		if err := rt.Store.PutSkips(ctx, skips); err != nil {
			pageErr = err
			return err
		}
		var ins []jobs.Insert
		for start := 0; start < len(todo); start += opts.BatchSize {
			page := todo[start:min(start+opts.BatchSize, len(todo))]
			keys := make([]string, len(page))
			for i, o := range page {
				keys[i] = o.ID + "@" + o.UpdatedAt.UTC().Format(time.RFC3339Nano) + "@" + saleHash(o, opts)
			}
			ins = append(ins, jobs.Insert{Args: SalesArgs{Route: r.Name, Key: Hash(keys), Orders: page}, Queue: jobs.QueueName(r.To)})
		}
		if _, err := rt.Queue.EnqueueMany(ctx, ins); err != nil {
			pageErr = err
			return err
		}
		res.Enqueued += len(ins)
		res.Queued += len(todo)
		pageErr = AdvanceCursor(ctx, rt.Store, r.Name, "sales", through)
		return pageErr
	})
	if err != nil && err != pageErr {
		err = fmt.Errorf("route %s: reading sale orders from %s: %w", r.Name, r.From, err)
	}
	return res, err
}

// upsertSales writes a page of orders under a lease per order number, each
// with its customer in the CRM.
func upsertSales(ctx context.Context, rt *Runtime, r Route, orders []model.SaleOrder) (Result, error) {
	var res Result
	if len(orders) == 0 {
		return res, nil
	}
	opts := salesOptions(r)
	sink, err := As[CRMOrderSink](ctx, rt, r, r.To, "a CRM that takes orders")
	if err != nil {
		return res, err
	}
	local := make([]string, len(orders))
	keys := make([]string, len(orders))
	for i, o := range orders {
		local[i] = r.From + ":" + o.ID
		keys[i] = r.To + ":crm_order:" + strings.TrimSpace(o.Number)
	}
	err = rt.withKeys(ctx, keys, func() error {
		links, err := rt.linksByLocal(ctx, r.To, crmOrderLink, local)
		if err != nil {
			return err
		}
		var ups []model.CRMOrder
		var idx []int
		var retry []error
		var skips []store.Skip
		for i, o := range orders {
			l, linked := links[local[i]]
			switch {
			case linked && l.Hash == saleHash(o, opts):
				res.Unchanged++
				continue
			case linked && l.SourceVersion > o.UpdatedAt.UTC().Format(time.RFC3339Nano):
				// A later change of this order was written already.
				res.Unchanged++
				continue
			}
			up := model.CRMOrder{Order: o, RemoteID: l.RemoteID, Status: opts.statusOf(o.State), Ecommerce: opts.Ecommerce}
			if up.ContactID, up.CompanyID, err = saleCustomer(ctx, rt, r, o); err != nil {
				if jobs.ClassOf(err) == jobs.ClassTransient {
					retry = append(retry, fmt.Errorf("sale order %s: %w", o.Number, err))
				} else {
					res.Skipped++
					skips = append(skips, store.Skip{Route: r.Name, Entity: o.ID, Label: "sale order " + o.Number, Version: saleHash(o, opts), Reason: err.Error()})
				}
				continue
			}
			ups = append(ups, up)
			idx = append(idx, i)
		}
		if len(ups) > 0 {
			results, err := sink.UpsertCRMOrders(ctx, ups)
			if err != nil {
				return fmt.Errorf("route %s: writing %d orders to %s: %w", r.Name, len(ups), r.To, err)
			}
			if len(results) != len(ups) {
				return fmt.Errorf("route %s: %s answered %d results for %d orders", r.Name, r.To, len(results), len(ups))
			}
			for j, wr := range results {
				o := orders[idx[j]]
				label := "sale order " + o.Number
				switch {
				case errors.Is(wr.Err, model.ErrGone):
					reason := fmt.Sprintf("%s: its order %s was deleted in %s; ferry deletes nothing and does not create it again (%s keeps the sale order)", label, ups[j].RemoteID, r.To, r.From)
					res.Skipped++
					skips = append(skips, store.Skip{Route: r.Name, Entity: o.ID, Label: label, Version: saleHash(o, opts), Reason: reason})
					rt.logLine(ctx, store.LevelWarn, r.Name, label, reason)
					continue
				case wr.Err != nil && (jobs.ClassOf(wr.Err) == jobs.ClassTransient || strings.HasPrefix(jobs.DependsOnOf(wr.Err), "connection:")):
					retry = append(retry, fmt.Errorf("%s: %w", label, wr.Err))
					continue
				case wr.Err != nil:
					res.Failed++
					reason := fmt.Sprintf("%s: %s refused it: %v", label, r.To, wr.Err)
					skips = append(skips, store.Skip{Route: r.Name, Entity: o.ID, Label: label, Version: saleHash(o, opts), Reason: reason})
					rt.logLine(ctx, store.LevelError, r.Name, label, reason)
					continue
				}
				err := rt.Store.PutLink(ctx, store.Link{Connection: r.To, Kind: crmOrderLink, LocalID: local[idx[j]], RemoteID: wr.RemoteID,
					Hash: saleHash(o, opts), SourceVersion: o.UpdatedAt.UTC().Format(time.RFC3339Nano), SyncedAt: time.Now().UTC()})
				if err != nil && !errors.Is(err, store.ErrLinkConflict) {
					return err
				}
				if wr.Created {
					res.Created++
				} else {
					res.Updated++
				}
			}
		}
		if err := rt.Store.PutSkips(ctx, skips); err != nil {
			return err
		}
		return errors.Join(retry...)
	})
	return res, err
}

// saleCustomer returns the CRM's ids of an order's contact and company: by
// the pair links of the contacts and companies routes, syncing a customer
// that has none first (as those routes would: found by its key, else
// created, and linked).
func saleCustomer(ctx context.Context, rt *Runtime, r Route, o model.SaleOrder) (contact, company string, err error) {
	ce := syncEnv{route: r.Name, from: r.From, to: r.To, prefix: "company:"}
	if o.CustomerIsCompany {
		company, err = pairedID(ctx, rt, r, ce, companiesKind, o.CustomerID)
		return "", company, err
	}
	if o.CompanyID != "" {
		// The person's company first, which the contact is linked to; the
		// order goes without it rather than wait for it.
		company, _ = pairedID(ctx, rt, r, ce, companiesKind, o.CompanyID)
	}
	if contact, err = pairedID(ctx, rt, r, syncEnv{route: r.Name, from: r.From, to: r.To, prefix: "contact:"}, contactsKind, o.CustomerID); err != nil {
		return "", "", err
	}
	return contact, company, nil
}

// pairedID is the id in e.to of the record id of e.from, synced by k first
// when it has no pair yet.
func pairedID[T any](ctx context.Context, rt *Runtime, r Route, e syncEnv, k *syncKind[T], id string) (string, error) {
	for try := 0; ; try++ {
		links, err := rt.pairLinks(ctx, k.link, e.from, e.to, []string{id})
		if err != nil {
			return "", err
		}
		if l, ok := links[id]; ok {
			if l.side(e.to).Gone {
				return "", fmt.Errorf("its %s (%s %s) was deleted in %s", k.noun, e.from, id, e.to)
			}
			return l.side(e.to).ID, nil
		}
		if try > 0 {
			skips, _, serr := rt.Store.ListSkips(ctx, store.SkipFilter{Route: e.route, Entities: []string{e.prefix + id}, Limit: 1})
			if serr == nil && len(skips) > 0 {
				return "", fmt.Errorf("its %s could not be synced to %s: %s", k.noun, e.to, skips[0].Reason)
			}
			return "", fmt.Errorf("its %s (%s %s) is not in %s", k.noun, e.from, id, e.to)
		}
		if _, err := k.sync(ctx, rt, r, e, []string{id}); err != nil {
			var w *waitError
			if errors.As(err, &w) {
				return "", &transientError{w}
			}
			return "", err
		}
	}
}

// transientError marks an error to try again.
type transientError struct{ error }

func (e *transientError) Unwrap() error { return e.error }

// FailureClass: transient.
func (e *transientError) FailureClass() string { return "transient" }

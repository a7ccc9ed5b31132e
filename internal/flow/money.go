package flow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/store"
)

// The refunds and payouts routes bring a shop's money into the ERP's books:
// a refund becomes a credit note on the order the orders route imported, a
// payout a bank statement reconciled with the invoices it pays. Both find the
// ERP order through the orders route's link: (ERP connection, "order",
// "shop:1234") → ERP order id.

const (
	refundLink = "refund"
	payoutLink = "payout"
)

// RefundsOptions configure a refunds route (shop refunds → ERP credit notes).
type RefundsOptions struct {
	// Overlap is how far before its cursor each pass re-reads. Default 2m.
	Overlap time.Duration `yaml:"overlap" json:"overlap"`
	// Restock returns refunded goods to stock as each refund says (true,
	// the default), or never (false: the warehouse handles returns).
	Restock *bool `yaml:"restock" json:"restock,omitempty"`
}

// Validate checks the options.
func (o *RefundsOptions) Validate() error {
	if o.Overlap < 0 {
		return errors.New("overlap must not be negative")
	}
	return nil
}

// PayoutsOptions configure a payouts route (payment provider payouts → ERP
// bank statements).
type PayoutsOptions struct {
	// Journal is the ERP's bank journal (name or code) the payouts reach.
	// Required.
	Journal string `yaml:"journal" json:"journal"`
	// Overlap is how far before its cursor each pass re-reads. Default 2m.
	Overlap time.Duration `yaml:"overlap" json:"overlap"`
}

// Validate checks the options.
func (o *PayoutsOptions) Validate() error {
	if strings.TrimSpace(o.Journal) == "" {
		return errors.New("journal is required: the bank journal the payouts are booked in")
	}
	if o.Overlap < 0 {
		return errors.New("overlap must not be negative")
	}
	return nil
}

func init() {
	RegisterKind(Kind{
		Name:       "refunds",
		Title:      "Refunds",
		NewOptions: func() any { return &RefundsOptions{Overlap: DefaultOverlap} },
		Register:   registerRefunds,
		Pass:       passRefunds,
		From:       need[RefundSource]("a refund source"),
		To:         need[RefundSink]("a refund target"),
	})
	RegisterKind(Kind{
		Name:       "payouts",
		Title:      "Payouts",
		NewOptions: func() any { return &PayoutsOptions{Overlap: DefaultOverlap} },
		Register:   registerPayouts,
		Pass:       passPayouts,
		From:       need[PayoutSource]("a payout source"),
		To:         need[PayoutSink]("a payout target"),
	})
}

// onceRecords describes the records of a route that writes each once, when
// it is not linked yet (refunds, payouts, payments).
type onceRecords[T any] struct {
	// cursor names the route's cursor, what the records in errors and noun
	// one of them ("refund").
	cursor, what, noun string
	overlap            time.Duration
	link               string
	read               func(ctx context.Context, since time.Time, page func([]T, time.Time) error) error
	id                 func(T) string
	job                func(T) jobs.Args
	// dry works one record inline for a dry run.
	dry func(T) (Result, error)
}

// passOnce is the pass of such a route: from the cursor (minus the overlap),
// each record of a page that has no link yet becomes a job, and the cursor
// moves to the page's checkpoint once its jobs are stored.
func passOnce[T any](ctx context.Context, rt *Runtime, r Route, p PassOptions, o onceRecords[T]) (Result, error) {
	since := p.Since
	if since.IsZero() {
		var err error
		if since, err = ReadCursor(ctx, rt.Store, r.Name, o.cursor, o.overlap); err != nil {
			return Result{}, err
		}
	}
	var res Result
	var pageErr error
	err := o.read(ctx, since, func(records []T, through time.Time) error {
		var ins []jobs.Insert
		for _, rec := range records {
			if _, err := rt.Store.GetLinkByLocal(ctx, r.To, o.link, r.From+":"+o.id(rec)); err == nil {
				res.Unchanged++
				continue
			}
			if p.DryRun != nil {
				res2, err := o.dry(rec)
				res = res.Add(res2)
				if err != nil {
					p.DryRun.Record(Action{Op: "skip", Target: r.To, Entity: o.noun + " " + o.id(rec), Detail: err.Error()})
				}
				continue
			}
			ins = append(ins, jobs.Insert{Args: o.job(rec), Queue: jobs.QueueName(r.To)})
		}
		if p.DryRun != nil {
			return nil
		}
		if _, err := rt.Queue.EnqueueMany(ctx, ins); err != nil {
			pageErr = err
			return err
		}
		res.Enqueued += len(ins)
		res.Queued += len(ins)
		pageErr = AdvanceCursor(ctx, rt.Store, r.Name, o.cursor, through)
		return pageErr
	})
	if err != nil && err != pageErr {
		err = fmt.Errorf("route %s: reading %s from %s: %w", r.Name, o.what, r.From, err)
	}
	return res, err
}

// erpOrder returns the target's id of the shop order shopOrderID from the
// orders route's link. With no link the job waits while the event of at is
// recent (unlinkedPatience: the import may be under way), then fails for good.
func erpOrder(ctx context.Context, rt *Runtime, r Route, shopOrderID string, at time.Time) (string, error) {
	l, err := rt.Store.GetLinkByLocal(ctx, r.To, orderLink, r.From+":"+shopOrderID)
	if errors.Is(err, store.ErrNotFound) {
		// An orders route between the same two that skipped the order says
		// it will not come (until it changes).
		for _, or := range rt.Routes() {
			if or.Flow != "orders" || or.From != r.From || or.To != r.To {
				continue
			}
			skips, _, err := rt.Store.ListSkips(ctx, store.SkipFilter{Route: or.Name, Entities: []string{shopOrderID}, Limit: 1})
			if err != nil {
				return "", err
			}
			if len(skips) > 0 {
				return "", &notImportedError{fmt.Sprintf("route %s did not import %s (%s): %s", or.Name, nonEmpty(skips[0].Label, "order "+shopOrderID), r.From, skips[0].Reason)}
			}
		}
		why := fmt.Errorf("%s order %s has no link to a %s order yet; its import may still be under way, so this waits for it until %v after the event", r.From, shopOrderID, r.To, unlinkedPatience)
		return "", awaitLink(at, why, &notImportedError{fmt.Sprintf("%s order %s was not imported by ferry into %s (see the orders route's skipped orders); book it there by hand", r.From, shopOrderID, r.To)})
	}
	if err != nil {
		return "", err
	}
	return l.RemoteID, nil
}

// notImportedError says an event's order is not in the target and will not
// come: the event is skipped with the reason, not failed.
type notImportedError struct{ msg string }

func (e *notImportedError) Error() string { return e.msg }

// RefundArgs credits one refund.
type RefundArgs struct {
	Route  string       `json:"route" river:"unique"`
	Refund model.Refund `json:"refund" river:"unique"`
	// Queued is when the pass queued it: a refund read in a first sync is
	// old, but its order's import may be under way in the same sync, so the
	// wait for the order's link counts from here as well.
	Queued time.Time `json:"queued,omitzero"`
}

// Kind implements river.JobArgs.
func (RefundArgs) Kind() string { return "refunds.credit" }

// JobRoute implements jobs.Args.
func (a RefundArgs) JobRoute() string { return a.Route }

// JobEntity implements jobs.Args.
func (a RefundArgs) JobEntity() string {
	return "refund " + a.Refund.ID + " of order " + a.Refund.OrderID
}

func registerRefunds(reg *jobs.Registry, rt *Runtime) {
	jobs.Register(reg, func(ctx context.Context, job *jobs.Job[RefundArgs]) error {
		r, err := rt.Route(job.Args.Route)
		if err != nil {
			return err
		}
		res, err := creditRefund(ctx, rt, r, job.Args.Refund, job.Args.Queued, nil)
		rt.Count(r.Name, countStop(ctx, res, err, 1))
		return err
	})
}

func passRefunds(ctx context.Context, rt *Runtime, r Route, p PassOptions) (Result, error) {
	opts, _ := r.Options.(*RefundsOptions)
	if opts == nil {
		opts = &RefundsOptions{Overlap: DefaultOverlap}
	}
	src, err := As[RefundSource](ctx, rt, r, r.From, "a refund source")
	if err != nil {
		return Result{}, err
	}
	return passOnce(ctx, rt, r, p, onceRecords[model.Refund]{
		cursor: "refunds", what: "refunds", noun: "refund", overlap: opts.Overlap, link: refundLink,
		read: src.ChangedRefunds,
		id:   func(rf model.Refund) string { return rf.ID },
		job: func(rf model.Refund) jobs.Args {
			return RefundArgs{Route: r.Name, Refund: rf, Queued: time.Now().UTC()}
		},
		dry: func(rf model.Refund) (Result, error) { return creditRefund(ctx, rt, r, rf, time.Now(), p.DryRun) },
	})
}

// creditRefund books one refund as a credit note in the target, once: the
// refund's link says it is done, and the sink matches the credit note by the
// refund's id should the link be missing after a crash.
func creditRefund(ctx context.Context, rt *Runtime, r Route, rf model.Refund, queued time.Time, dry *DryRun) (Result, error) {
	var res Result
	opts, _ := r.Options.(*RefundsOptions)
	if opts != nil && opts.Restock != nil && !*opts.Restock {
		lines := make([]model.RefundLine, len(rf.Lines))
		for i, l := range rf.Lines {
			l.Restock = false
			lines[i] = l
		}
		rf.Lines = lines
	}
	entity := "refund " + rf.ID + " of order " + rf.OrderID
	at := rf.CreatedAt
	if queued.After(at) {
		at = queued
	}
	orderID, err := erpOrder(ctx, rt, r, rf.OrderID, at)
	var ni *notImportedError
	switch {
	case errors.As(err, &ni):
		res.Skipped++
		if dry != nil {
			dry.Record(Action{Op: "skip", Target: r.To, Entity: entity, Detail: ni.msg})
			return res, nil
		}
		return res, rt.Store.PutSkips(ctx, []store.Skip{{Route: r.Name, Entity: rf.ID, Label: entity, Reason: ni.msg}})
	case err != nil && dry != nil:
		// A dry run does not wait: the order is not there yet.
		dry.Record(Action{Op: "wait", Target: r.To, Entity: entity, Detail: err.Error()})
		return res, nil
	case err != nil:
		return res, err
	}
	if dry != nil {
		dry.Record(Action{Op: "credit note", Target: r.To, Entity: "order " + orderID, Detail: fmt.Sprintf("refund %s: %s %s, %d lines", rf.ID, rf.Total, rf.Currency, len(rf.Lines))})
		res.Created++
		return res, nil
	}
	sink, err := As[RefundSink](ctx, rt, r, r.To, "a refund target")
	if err != nil {
		return res, err
	}
	var wr model.WriteResult
	err = rt.withKeys(ctx, []string{r.To + ":refund:" + r.From + ":" + rf.ID}, func() error {
		if _, err := rt.Store.GetLinkByLocal(ctx, r.To, refundLink, r.From+":"+rf.ID); err == nil {
			wr = model.WriteResult{}
			return errDone
		}
		var err error
		wr, err = sink.RefundOrder(ctx, orderID, rf)
		if err == nil {
			err = wr.Err
		}
		if err != nil {
			return fmt.Errorf("%s: %w", entity, err)
		}
		// A refund the target had nothing to book for (an order cancelled
		// before it was invoiced) is linked to no record, with the reason.
		remote := wr.RemoteID
		if remote == "" {
			remote = "none:" + rf.ID
		}
		data, _ := json.Marshal(moneyLinkData{Number: wr.Number, Order: orderID, Total: rf.Total, Currency: rf.Currency, Warning: wr.Warning})
		err = rt.Store.PutLink(ctx, store.Link{Connection: r.To, Kind: refundLink, LocalID: r.From + ":" + rf.ID, RemoteID: remote, Data: data, SyncedAt: time.Now().UTC()})
		if err != nil && !errors.Is(err, store.ErrLinkConflict) {
			return err
		}
		return nil
	})
	if errors.Is(err, errDone) {
		res.Unchanged++
		return res, nil
	}
	if err != nil {
		return res, err
	}
	if wr.RemoteID == "" {
		// Nothing was booked (an order cancelled before it was invoiced, or
		// imported net of the refund): a skip with the target's reason, not
		// an unchanged record.
		res.Skipped++
		return res, rt.Store.PutSkips(ctx, []store.Skip{{Route: r.Name, Entity: rf.ID, Label: entity, Reason: nonEmpty(wr.Warning, r.To+" booked nothing for it")}})
	}
	if wr.Warning != "" {
		rt.logLine(ctx, store.LevelWarn, r.Name, entity, wr.Warning)
	}
	if wr.Created {
		res.Created++
		rt.logLine(ctx, store.LevelInfo, r.Name, entity, fmt.Sprintf("credit note %s for %s %s", nonEmpty(wr.Number, wr.RemoteID), rf.Total, rf.Currency))
	} else {
		res.Unchanged++
	}
	return res, nil
}

// moneyLinkData is what a refund's or payout's link keeps for the dashboard.
type moneyLinkData struct {
	Number   string        `json:"number,omitempty"`
	Order    string        `json:"order,omitempty"`
	Total    model.Decimal `json:"total"`
	Currency string        `json:"currency,omitempty"`
	Warning  string        `json:"warning,omitempty"`
}

// errDone ends a locked section that found its work done by another job.
var errDone = errors.New("done already")

// PayoutArgs books one payout.
type PayoutArgs struct {
	Route  string       `json:"route" river:"unique"`
	Payout model.Payout `json:"payout" river:"unique"`
}

// Kind implements river.JobArgs.
func (PayoutArgs) Kind() string { return "payouts.book" }

// JobRoute implements jobs.Args.
func (a PayoutArgs) JobRoute() string { return a.Route }

// JobEntity implements jobs.Args.
func (a PayoutArgs) JobEntity() string { return "payout " + a.Payout.ID }

func registerPayouts(reg *jobs.Registry, rt *Runtime) {
	jobs.Register(reg, func(ctx context.Context, job *jobs.Job[PayoutArgs]) error {
		r, err := rt.Route(job.Args.Route)
		if err != nil {
			return err
		}
		res, err := bookPayout(ctx, rt, r, job.Args.Payout, nil)
		rt.Count(r.Name, countStop(ctx, res, err, 1))
		return err
	})
}

func passPayouts(ctx context.Context, rt *Runtime, r Route, p PassOptions) (Result, error) {
	opts, _ := r.Options.(*PayoutsOptions)
	if opts == nil {
		return Result{}, fmt.Errorf("route %s: payouts need options with the journal", r.Name)
	}
	src, err := As[PayoutSource](ctx, rt, r, r.From, "a payout source")
	if err != nil {
		return Result{}, err
	}
	return passOnce(ctx, rt, r, p, onceRecords[model.Payout]{
		cursor: "payouts", what: "payouts", noun: "payout", overlap: opts.Overlap, link: payoutLink,
		read: src.ChangedPayouts,
		id:   func(po model.Payout) string { return po.ID },
		job:  func(po model.Payout) jobs.Args { return PayoutArgs{Route: r.Name, Payout: po} },
		dry:  func(po model.Payout) (Result, error) { return bookPayout(ctx, rt, r, po, p.DryRun) },
	})
}

// bookPayout books one payout as a bank statement, once. Lines of orders
// ferry did not import stay for a person to reconcile; the warning names them.
func bookPayout(ctx context.Context, rt *Runtime, r Route, po model.Payout, dry *DryRun) (Result, error) {
	var res Result
	opts, _ := r.Options.(*PayoutsOptions)
	if opts == nil {
		return res, jobs.Permanentf("route %s: payouts need options with the journal", r.Name)
	}
	entity := "payout " + po.ID
	orders := map[model.RemoteID]string{}
	for _, l := range po.Lines {
		if l.OrderID == "" {
			continue
		}
		if _, ok := orders[l.OrderID]; ok {
			continue
		}
		link, err := rt.Store.GetLinkByLocal(ctx, r.To, orderLink, r.From+":"+l.OrderID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			continue
		case err != nil:
			return res, err
		}
		orders[l.OrderID] = link.RemoteID
	}
	if dry != nil {
		dry.Record(Action{Op: "bank statement", Target: r.To, Entity: entity, Detail: fmt.Sprintf("%s %s in %s, %d lines, %d orders to reconcile", po.Net, po.Currency, opts.Journal, len(po.Lines), len(orders))})
		res.Created++
		return res, nil
	}
	sink, err := As[PayoutSink](ctx, rt, r, r.To, "a payout target")
	if err != nil {
		return res, err
	}
	var wr model.WriteResult
	err = rt.withKeys(ctx, []string{r.To + ":payout:" + r.From + ":" + po.ID}, func() error {
		if _, err := rt.Store.GetLinkByLocal(ctx, r.To, payoutLink, r.From+":"+po.ID); err == nil {
			return errDone
		}
		var err error
		wr, err = sink.BookPayout(ctx, opts.Journal, po, orders)
		if err == nil {
			err = wr.Err
		}
		if err != nil {
			return fmt.Errorf("%s: %w", entity, err)
		}
		data, _ := json.Marshal(moneyLinkData{Number: wr.Number, Total: po.Net, Currency: po.Currency, Warning: wr.Warning})
		err = rt.Store.PutLink(ctx, store.Link{Connection: r.To, Kind: payoutLink, LocalID: r.From + ":" + po.ID, RemoteID: wr.RemoteID, Data: data, SyncedAt: time.Now().UTC()})
		if err != nil && !errors.Is(err, store.ErrLinkConflict) {
			return err
		}
		return nil
	})
	if errors.Is(err, errDone) {
		res.Unchanged++
		return res, nil
	}
	if err != nil {
		return res, err
	}
	if wr.Warning != "" {
		rt.logLine(ctx, store.LevelWarn, r.Name, entity, wr.Warning)
	}
	if wr.Created {
		res.Created++
		rt.logLine(ctx, store.LevelInfo, r.Name, entity, fmt.Sprintf("bank statement %s for %s %s in %s", nonEmpty(wr.Number, wr.RemoteID), po.Net, po.Currency, opts.Journal))
	} else {
		res.Unchanged++
	}
	return res, nil
}

// MoneyRecord is a refund or payout a route booked in its target, as the
// dashboard lists it.
type MoneyRecord struct {
	Route  string `json:"route"`
	Source string `json:"source"`
	Target string `json:"target"`
	// ID is the source's id (refund or payout); RemoteID and Number the
	// target's record (credit note, bank statement).
	ID       string        `json:"id"`
	RemoteID string        `json:"remote_id"`
	Number   string        `json:"number,omitempty"`
	Order    string        `json:"order,omitempty"`
	Total    model.Decimal `json:"total"`
	Currency string        `json:"currency,omitempty"`
	Warning  string        `json:"warning,omitempty"`
	At       time.Time     `json:"at"`
}

// MoneyRecords lists what the refunds or payouts routes (flow "refunds" or
// "payouts") booked, newest first, at most limit (0: 500).
func (rt *Runtime) MoneyRecords(ctx context.Context, flowName string, limit int) ([]MoneyRecord, error) {
	kind := map[string]string{"refunds": refundLink, "payouts": payoutLink}[flowName]
	if kind == "" {
		return nil, &RequestError{Msg: fmt.Sprintf("no money records of flow %q: want refunds or payouts", flowName)}
	}
	if limit <= 0 {
		limit = 500
	}
	var out []MoneyRecord
	for _, r := range rt.Routes() {
		if r.Flow != flowName {
			continue
		}
		links, err := rt.Store.ListLinks(ctx, store.LinkFilter{Connection: r.To, Kind: kind})
		if err != nil {
			return nil, fmt.Errorf("route %s: reading %s: %w", r.Name, flowName, err)
		}
		for _, l := range links {
			id, ok := strings.CutPrefix(l.LocalID, r.From+":")
			if !ok {
				continue
			}
			var d moneyLinkData
			_ = json.Unmarshal(l.Data, &d)
			remote := l.RemoteID
			if strings.HasPrefix(remote, "none:") {
				remote = "" // nothing was booked; Warning says why
			}
			out = append(out, MoneyRecord{Route: r.Name, Source: r.From, Target: r.To, ID: id, RemoteID: remote, Number: d.Number,
				Order: d.Order, Total: d.Total, Currency: d.Currency, Warning: d.Warning, At: l.SyncedAt})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

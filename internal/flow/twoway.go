package flow

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/store"
)

// Two-way routes (companies, contacts, crm_products; seed 004, Clientify ⇄
// Odoo). A two-way sync of one kind between connections A and B is two
// routes, A → B and B → A, sharing one pair link per pair of records
// (pairlinks.go). Each route's pass reads what changed in its source (From)
// and hands the records whose fields differ from what the pair link last saw
// there to jobs; a job reads the records afresh on both sides, under leases
// on their pair and natural key (taken by both routes alike, so the two
// directions never write one pair at once), and decides field by field:
//
//   - Echo suppression: each side of a pair link keeps the record's fields as
//     ferry last read them there or wrote them there (read back after the
//     write), with their hash, and the hash of ferry's own last write. A read
//     whose hash is the side's is no change: ferry's own write coming back (an
//     echo) or a record read again. So a change ferry wrote is never written
//     back, and a write that changes nothing on a side is not sent at all.
//   - Changes are each side's fields that differ from what the link saw
//     there. A field changed on one side only is written to the other. A
//     field changed on both sides since the last sync, to different values,
//     is a conflict: the side whose record changed later wins (the record's
//     update time; a tie goes to the route's source), its value is written to
//     the other side, and the losing values are logged (warn) naming the
//     record; nothing is lost silently. Fields each side changed alone are
//     kept: a conflict can write both sides.
//   - Existence: the pair link decides. A linked record is written by its id;
//     one the other side deleted is logged and never created again (nor is
//     anything deleted: "no se borran registros"; deleting is done by hand on
//     both sides). A record archived in its system (Odoo's active false) is
//     logged and its pair left as it is; archiving travels nowhere.
//   - A record without a link is looked up on the other side by its natural
//     key (ref, e-mail, SKU): one found and not linked to another record is
//     linked (both sides' fields merged as above, with nothing seen before),
//     none is created; a create whose answer was lost is found by its key by
//     the connector before it is sent again. Two records holding one key (on
//     either side, or two of one page) are skipped with the reason, for a
//     person to merge: never a duplicate, never a guess.
//   - A record that refers to one not there yet (a contact whose company the
//     other side lacks) waits in a job of its own (TwoWayOptions.WaitFor),
//     then parks with the reason.
//
// A kind is meant to run as both routes. One alone still writes back to its
// source what a conflict or a first link decides there, since the decision
// is the pair's; it only never reads the other side's changes by itself.
// Webhooks of the source (twoway_hooks.go) hand the record they name to a
// job at once.

// TwoWayOptions configure one direction of a two-way route.
type TwoWayOptions struct {
	// BatchSize is the records per job. Default 50.
	BatchSize int `yaml:"batch_size" json:"batch_size"`
	// Overlap is how far before its cursor each pass re-reads. Default 2m.
	Overlap time.Duration `yaml:"overlap" json:"overlap"`
	// WaitFor is how long a record waits for a record it refers to (a
	// contact for its company) before its job parks. Default 1h.
	WaitFor time.Duration `yaml:"wait_for" json:"wait_for"`
}

// Validate checks the options.
func (o *TwoWayOptions) Validate() error {
	if o.BatchSize < 1 || o.BatchSize > 500 {
		return fmt.Errorf("batch_size %d: want 1 to 500", o.BatchSize)
	}
	if o.Overlap < 0 {
		return errors.New("overlap must not be negative")
	}
	if o.WaitFor < 0 {
		return errors.New("wait_for must not be negative")
	}
	return nil
}

func defaultTwoWay() *TwoWayOptions {
	return &TwoWayOptions{BatchSize: 50, Overlap: DefaultOverlap, WaitFor: time.Hour}
}

func twoWayOptions(r Route) *TwoWayOptions {
	if o, ok := r.Options.(*TwoWayOptions); ok && o != nil {
		return o
	}
	return defaultTwoWay()
}

// syncSide is one end of a two-way route, over its connection's capability.
type syncSide[T any] interface {
	changed(ctx context.Context, since time.Time, page func([]T, []error, time.Time) error) error
	read(ctx context.Context, ids []string) ([]T, error)
	find(ctx context.Context, keys []string) ([]model.Match[T], error)
	write(ctx context.Context, ws []model.Upsert[T]) ([]model.Written[T], error)
}

// syncKind is one kind of two-way record.
type syncKind[T any] struct {
	flow, title string
	// link is the pair links' kind ("company"), noun the record's for people.
	link, noun string
	// keyName names the natural key for people ("ref (tax id)").
	keyName string
	need    Need
	side    func(ctx context.Context, rt *Runtime, r Route, conn string) (syncSide[T], error)
	key     func(T) string
	id      func(T) string
	updated func(T) time.Time
	// label names a record for people ("company B12345678 (Acme SL)").
	label func(T) string
}

// syncRunner is a syncKind without its type, for the job handler.
type syncRunner interface {
	run(ctx context.Context, rt *Runtime, r Route, args SyncArgs) (Result, error)
	deleted(ctx context.Context, rt *Runtime, r Route, id string) error
	nounOf() string
}

var syncKinds = map[string]syncRunner{}

func (k *syncKind[T]) register() {
	syncKinds[k.flow] = k
	RegisterKind(Kind{
		Name:       k.flow,
		Title:      k.title,
		NewOptions: func() any { return defaultTwoWay() },
		Pass:       k.pass,
		From:       k.need,
		To:         k.need,
	})
}

// SyncArgs is a page of records of a two-way route to sync, read afresh by
// the job.
type SyncArgs struct {
	Route string   `json:"route" river:"unique"`
	Key   string   `json:"key" river:"unique"`
	IDs   []string `json:"ids"`
	Noun  string   `json:"noun,omitempty"`
	// Waiting, when set (RFC 3339), is since when the records wait for
	// records they refer to.
	Waiting string `json:"waiting,omitempty"`
}

// Kind implements river.JobArgs.
func (SyncArgs) Kind() string { return "twoway.sync" }

// JobRoute implements jobs.Args.
func (a SyncArgs) JobRoute() string { return a.Route }

// JobEntity implements jobs.Args.
func (a SyncArgs) JobEntity() string {
	if len(a.IDs) == 1 {
		return a.Noun + " " + a.IDs[0]
	}
	return fmt.Sprintf("page of %d %s records", len(a.IDs), a.Noun)
}

func registerSync(reg *jobs.Registry, rt *Runtime) {
	jobs.Register(reg, func(ctx context.Context, job *jobs.Job[SyncArgs]) error {
		r, err := rt.Route(job.Args.Route)
		if err != nil {
			return err
		}
		k, ok := syncKinds[r.Flow]
		if !ok {
			return jobs.Permanentf("route %s: flow %s is not a two-way flow", r.Name, r.Flow)
		}
		res, err := k.run(ctx, rt, r, job.Args)
		rt.Count(r.Name, countStop(ctx, res, err, len(job.Args.IDs)-res.Done()))
		return err
	})
}

func (k *syncKind[T]) pass(ctx context.Context, rt *Runtime, r Route, p PassOptions) (Result, error) {
	opts := twoWayOptions(r)
	x, err := k.side(ctx, rt, r, r.From)
	if err != nil {
		return Result{}, err
	}
	since := p.Since
	if since.IsZero() {
		if since, err = ReadCursor(ctx, rt.Store, r.Name, k.flow, opts.Overlap); err != nil {
			return Result{}, err
		}
	}
	var res Result
	var pageErr error
	err = x.changed(ctx, since, func(recs []T, bad []error, through time.Time) error {
		var skips []store.Skip
		for _, e := range bad {
			res.Skipped++
			skips = append(skips, store.Skip{Route: r.Name, Entity: "bad:" + Hash(e.Error()), Label: k.noun, Reason: e.Error()})
		}
		ids := make([]string, len(recs))
		for i, v := range recs {
			ids[i] = k.id(v)
		}
		links, err := rt.pairLinks(ctx, k.link, r.From, r.To, ids)
		if err != nil {
			pageErr = err
			return err
		}
		var todo []T
		for _, v := range recs {
			if l, ok := links[k.id(v)]; ok && l.side(r.From).Hash == fieldsOf(v).hash() {
				res.Unchanged++
				continue
			}
			todo = append(todo, v)
		}
		if p.DryRun != nil {
			for _, v := range todo {
				op := "create or link"
				if _, ok := links[k.id(v)]; ok {
					op = "update"
				}
				p.DryRun.Record(Action{Op: op, Target: r.To, Entity: k.label(v), Detail: r.From + " " + k.id(v)})
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
			args := SyncArgs{Route: r.Name, Noun: k.noun}
			for i, v := range page {
				keys[i] = k.id(v) + "@" + k.updated(v).UTC().Format(time.RFC3339Nano) + "@" + fieldsOf(v).hash()
				args.IDs = append(args.IDs, k.id(v))
			}
			args.Key = Hash(keys)
			ins = append(ins, jobs.Insert{Args: args, Queue: jobs.QueueName(r.To)})
		}
		if _, err := rt.Queue.EnqueueMany(ctx, ins); err != nil {
			pageErr = err
			return err
		}
		res.Enqueued += len(ins)
		res.Queued += len(todo)
		pageErr = AdvanceCursor(ctx, rt.Store, r.Name, k.flow, through)
		return pageErr
	})
	if err != nil && err != pageErr {
		err = fmt.Errorf("route %s: reading %s records from %s: %w", r.Name, k.noun, r.From, err)
	}
	return res, err
}

// run is a job of the route: it syncs its records, and moves those that wait
// for a record they refer to into jobs of their own, which wait.
func (k *syncKind[T]) run(ctx context.Context, rt *Runtime, r Route, args SyncArgs) (Result, error) {
	opts := twoWayOptions(r)
	res, err := k.sync(ctx, rt, r, syncEnv{route: r.Name, from: r.From, to: r.To}, args.IDs)
	var w *waitError
	if !errors.As(err, &w) {
		return res, err
	}
	if args.Waiting == "" {
		// A page: each waiting record goes to a job of its own, once per
		// page job (its retries make no second one).
		now := time.Now().UTC().Format(time.RFC3339)
		var ins []jobs.Insert
		for _, id := range w.ids {
			key := fmt.Sprintf("wait:%s@%d", id, jobs.CurrentID(ctx))
			ins = append(ins, jobs.Insert{Args: SyncArgs{Route: r.Name, Noun: k.noun, Key: key, IDs: []string{id}, Waiting: now}, Queue: jobs.QueueName(r.To)})
		}
		if _, err := rt.Queue.EnqueueMany(ctx, ins); err != nil {
			return res, err
		}
		return res, errors.Join(w.others...)
	}
	since, perr := time.Parse(time.RFC3339, args.Waiting)
	if perr != nil {
		return res, jobs.Permanentf("route %s: waiting since %q is not a time", r.Name, args.Waiting)
	}
	if age := time.Since(since); age < opts.WaitFor {
		return res, jobs.RetryIn(min(max(age/10, 5*time.Second), 10*time.Minute), w)
	}
	return res, jobs.NeedsAction(fmt.Sprintf("%s (waited %v)", w.Error(), opts.WaitFor), "")
}

// waitError lists the records that wait for records they refer to; others
// are the page's other failures (transient).
type waitError struct {
	ids     []string
	reasons []string
	others  []error
}

func (e *waitError) Error() string { return strings.Join(e.reasons, "; ") }

// syncEnv is where a sync runs: the route it belongs to (logs, skips) and
// its direction.
type syncEnv struct {
	route, from, to string
	// prefix goes before the records' ids in the route's skips (a sales
	// route skips orders and the customers it syncs for them).
	prefix string
}

func (k *syncKind[T]) leaseKey(e syncEnv, what, v string) string {
	p, q := pairOf(e.from, e.to)
	return "sync:" + p + "|" + q + ":" + k.link + ":" + what + ":" + v
}

// sync brings the records ids of e.from in line with their pairs in e.to.
func (k *syncKind[T]) sync(ctx context.Context, rt *Runtime, r Route, e syncEnv, ids []string) (Result, error) {
	x, err := k.side(ctx, rt, r, e.from)
	if err != nil {
		return Result{}, err
	}
	y, err := k.side(ctx, rt, r, e.to)
	if err != nil {
		return Result{}, err
	}
	xs, err := x.read(ctx, ids)
	if err != nil {
		return Result{}, fmt.Errorf("route %s: reading %d %s records from %s: %w", e.route, len(ids), k.noun, e.from, err)
	}
	byID := map[string]T{}
	for _, v := range xs {
		byID[k.id(v)] = v
	}
	pre, err := rt.pairLinks(ctx, k.link, e.from, e.to, ids)
	if err != nil {
		return Result{}, err
	}
	var keys []string
	for _, id := range ids {
		if l, ok := pre[id]; ok {
			keys = append(keys, k.leaseKey(e, "pair", l.side(l.q).ID))
		}
		if v, ok := byID[id]; ok && k.key(v) != "" {
			keys = append(keys, k.leaseKey(e, "key", k.key(v)))
		}
	}
	sort.Strings(keys)
	keys = compactStrings(keys)
	var res Result
	err = rt.withKeys(ctx, keys, func() error {
		s := &syncRun[T]{k: k, rt: rt, e: e, x: x, y: y}
		err := s.run(ctx, ids, byID)
		res = s.res
		return err
	})
	return res, err
}

func compactStrings(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

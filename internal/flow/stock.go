package flow

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/store"
)

// StockOptions configure a stock route (ERP or warehouse → shop).
type StockOptions struct {
	// Quantity is what the shop receives: "on_hand" (default; the shop subtracts
	// its own reservations of open orders) or "available" (on hand minus what the
	// source has reserved).
	Quantity string `yaml:"quantity" json:"quantity"`
	// BatchSize is the number of SKUs per job. Default 200.
	BatchSize int `yaml:"batch_size" json:"batch_size"`
}

// Validate checks the options.
func (o *StockOptions) Validate() error {
	var errs []error
	if o.Quantity != "on_hand" && o.Quantity != "available" {
		errs = append(errs, fmt.Errorf("quantity %q: use on_hand or available", o.Quantity))
	}
	if o.BatchSize < 1 || o.BatchSize > 5000 {
		errs = append(errs, fmt.Errorf("batch_size %d: want 1..5000", o.BatchSize))
	}
	return errors.Join(errs...)
}

func init() {
	RegisterKind(Kind{
		Name:       "stock",
		Title:      "Stock levels",
		NewOptions: func() any { return &StockOptions{Quantity: "on_hand", BatchSize: 200} },
		Register:   registerStock,
		Pass:       passStock,
		From:       need[StockHolder]("a stock source (a system that holds the goods: an ERP or a warehouse)"),
		To:         need[StockSink]("a stock target"),
	})
}

const stockLink = "stock"

func stockOptions(r Route) *StockOptions {
	if o, ok := r.Options.(*StockOptions); ok && o != nil {
		return o
	}
	return &StockOptions{Quantity: "on_hand", BatchSize: 200}
}

// shopQuantity is the level as the route sends it.
func shopQuantity(opts *StockOptions, s model.Stock) model.Stock {
	out := model.Stock{SKU: s.SKU, Quantity: s.Quantity, Location: s.Location, UpdatedAt: s.UpdatedAt}
	if opts.Quantity == "available" {
		out.Quantity = s.Available
	}
	out.Available = out.Quantity
	return out
}

// StockBatchArgs is a page of changed stock levels.
type StockBatchArgs struct {
	Route  string        `json:"route" river:"unique"`
	Key    string        `json:"key" river:"unique"`
	Levels []model.Stock `json:"levels"`
}

// Kind implements river.JobArgs.
func (StockBatchArgs) Kind() string { return "stock.batch" }

// JobRoute implements jobs.Args.
func (a StockBatchArgs) JobRoute() string { return a.Route }

// JobEntity implements jobs.Args.
func (a StockBatchArgs) JobEntity() string {
	if len(a.Levels) == 1 {
		return "SKU " + a.Levels[0].SKU
	}
	return fmt.Sprintf("%d SKUs from %s", len(a.Levels), a.Levels[0].SKU)
}

func registerStock(reg *jobs.Registry, rt *Runtime) {
	jobs.Register(reg, func(ctx context.Context, job *jobs.Job[StockBatchArgs]) error {
		r, err := rt.Route(job.Args.Route)
		if err != nil {
			return err
		}
		res, err := writeStock(ctx, rt, r, job.Args.Levels, nil)
		rt.Count(r.Name, countStop(ctx, res, err, len(job.Args.Levels)-res.Done()))
		return err
	})
}

// passStock reads every level of the source and, where the target can say
// what it has, every level of the target, and enqueues the SKUs whose level in
// the target differs from what the route would send: the target converges on
// the source in one pass, whatever the target did to its own quantities (a shop
// lowers them when it delivers an order). A target that cannot report levels
// gets a SKU again when what the route would send changed since it last sent
// it. SKUs the target does not have are skipped with the reason, until it has
// them.
func passStock(ctx context.Context, rt *Runtime, r Route, p PassOptions) (Result, error) {
	opts := stockOptions(r)
	src, err := As[StockSource](ctx, rt, r, r.From, "a stock source")
	if err != nil {
		return Result{}, err
	}
	levels, err := src.StockLevels(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("route %s: reading stock from %s: %w", r.Name, r.From, err)
	}
	sort.Slice(levels, func(i, j int) bool { return levels[i].SKU < levels[j].SKU })
	var have map[string]model.Stock
	if tgt, err := As[StockSource](ctx, rt, r, r.To, "a stock target that reports its levels"); err == nil {
		list, err := tgt.StockLevels(ctx)
		if err != nil {
			return Result{}, fmt.Errorf("route %s: reading stock from %s: %w", r.Name, r.To, err)
		}
		// The quantity the target's write sets is the one to compare.
		avail := false
		if a, err := As[AvailableStockSink](ctx, rt, r, r.To, "a stock target"); err == nil {
			avail = a.WritesAvailable()
		}
		have = make(map[string]model.Stock, len(list))
		for _, l := range list {
			if avail {
				l.Quantity = l.Available
			}
			have[l.SKU] = l
		}
	}
	ids := make([]string, len(levels))
	for i, l := range levels {
		ids[i] = l.SKU
	}
	links, err := rt.linksByLocal(ctx, r.To, stockLink, ids)
	if err != nil {
		return Result{}, err
	}
	var res Result
	var changed []model.Stock
	var present []string
	for _, l := range levels {
		send := shopQuantity(opts, l)
		if have != nil {
			// A SKU the target lists with the same count is in step; one it
			// does not list may have no stock record yet (or no product: the
			// write says which).
			if t, ok := have[l.SKU]; ok && !t.Untracked && t.Quantity == send.Quantity {
				res.Unchanged++
				present = append(present, l.SKU)
				continue
			}
		} else if link, ok := links[l.SKU]; ok && link.Hash == stockHash(send) {
			res.Unchanged++
			continue
		}
		changed = append(changed, send)
	}
	if p.DryRun != nil {
		for _, l := range changed {
			detail := "quantity " + l.Quantity.String()
			if t, ok := have[l.SKU]; ok {
				detail += " (has " + t.Quantity.String() + ")"
			}
			p.DryRun.Record(Action{Op: "update", Target: r.To, Entity: "SKU " + l.SKU, Detail: detail})
		}
		res.Updated += len(changed)
		return res, nil
	}
	if err := rt.Store.DeleteSkips(ctx, r.Name, present); err != nil {
		return Result{}, err
	}
	var ins []jobs.Insert
	for start := 0; start < len(changed); start += opts.BatchSize {
		page := changed[start:min(start+opts.BatchSize, len(changed))]
		// The key holds what the target had and when each SKU was last written:
		// jobs are unique across all states, and the same levels must be sent
		// again once the target has moved away from them after the last write
		// (the shop sold some), while a parked job's page is not doubled.
		seen := make([]any, len(page))
		for i, l := range page {
			t, ok := have[l.SKU]
			seen[i] = []any{ok, t.Quantity, t.Untracked, links[l.SKU].SyncedAt}
		}
		ins = append(ins, jobs.Insert{Args: StockBatchArgs{Route: r.Name, Key: Hash([]any{page, seen}), Levels: page}, Queue: jobs.QueueName(r.To)})
	}
	if _, err := rt.Queue.EnqueueMany(ctx, ins); err != nil {
		return Result{}, err
	}
	res.Enqueued, res.Queued = len(ins), len(changed)
	return res, nil
}

func stockHash(s model.Stock) string { return Hash([]any{s.SKU, s.Quantity}) }

// writeStock sends levels to the shop and links each written SKU with the hash
// of what was sent. A SKU the shop does not know is skipped with the reason and
// tried again by the next pass (the product may not be exported yet).
func writeStock(ctx context.Context, rt *Runtime, r Route, levels []model.Stock, dry *DryRun) (Result, error) {
	var res Result
	sink, err := As[StockSink](ctx, rt, r, r.To, "a stock target")
	if err != nil {
		return res, err
	}
	errs, err := sink.SetStockLevels(ctx, levels)
	if err != nil {
		return res, fmt.Errorf("route %s: writing stock to %s: %w", r.Name, r.To, err)
	}
	var transient error
	var skips []store.Skip
	var written []string
	for i, l := range levels {
		var e error
		if i < len(errs) {
			e = errs[i]
		}
		switch {
		case e == nil:
			written = append(written, l.SKU)
		case errors.Is(e, model.ErrUnknownSKU):
			res.Skipped++
			skips = append(skips, store.Skip{Route: r.Name, Entity: l.SKU, Label: "SKU " + l.SKU, Version: l.Quantity.String(), Reason: fmt.Sprintf("not sent: %v", e)})
			continue
		case jobs.ClassOf(e) == jobs.ClassTransient:
			transient = e
			continue
		default:
			res.Parked++
			rt.logLine(ctx, store.LevelWarn, r.Name, "SKU "+l.SKU, fmt.Sprintf("stock not written: %v", e))
			continue
		}
		err := rt.Store.PutLink(ctx, store.Link{Connection: r.To, Kind: stockLink, LocalID: l.SKU, RemoteID: l.SKU, Hash: stockHash(l), SourceVersion: l.Quantity.String(), SyncedAt: time.Now().UTC()})
		if err != nil && !errors.Is(err, store.ErrLinkConflict) {
			return res, err
		}
		res.Updated++
	}
	if err := rt.Store.PutSkips(ctx, skips); err != nil {
		return res, err
	}
	if err := rt.Store.DeleteSkips(ctx, r.Name, written); err != nil {
		return res, err
	}
	// A transient failure retries the job; the SKUs written are linked and skipped
	// by the next pass.
	return res, transient
}

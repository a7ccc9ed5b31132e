package flow

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/store"
)

// The product sync page (seed 001's Products → Sync webshop products): the
// source's products beside what the target holds of them, and a Refresh that
// reads the source's whole catalogue again without writing to the target, so
// that a person chooses what to create there.

// ProductCatalog is a products route's target that can list its catalogue
// (OGOship's products, Ongoing's articles, a shop's product codes).
type ProductCatalog interface {
	// ProductCodes returns every SKU the target holds, with the target's id of
	// the record that carries it.
	ProductCodes(ctx context.Context) (map[string]string, error)
}

// TargetReadTimeout bounds reading a target's catalogue while a page renders:
// a slow target must not hold the page, which then says so.
var TargetReadTimeout = 10 * time.Second

// ProductPage is a products route's products with what its target holds.
type ProductPage struct {
	Products []ProductView `json:"products"`
	// Total is how many products the filter selects, before the limit.
	Total int `json:"total"`
	// Target is the target connection; TargetChecked says whether its
	// catalogue was read (each product's InTarget is set only then), and
	// TargetError why not when it could not be.
	Target        string `json:"target"`
	TargetChecked bool   `json:"target_checked"`
	TargetError   string `json:"target_error,omitempty"`
	// Missing is how many of the selected products lack a SKU in the target.
	Missing int `json:"missing"`
	// RefreshedAt is when a Refresh last read the whole source; Refreshing
	// says one waits or runs.
	RefreshedAt time.Time `json:"refreshed_at,omitzero"`
	Refreshing  bool      `json:"refreshing"`
}

// skus are the codes a product takes in a target: one per variant, or its own
// without variants (as every ProductSink writes them).
func skus(v ProductView) []string {
	if len(v.Variants) == 0 {
		if v.SKU == "" {
			return nil
		}
		return []string{v.SKU}
	}
	out := make([]string, 0, len(v.Variants))
	for _, vr := range v.Variants {
		out = append(out, vr.SKU)
	}
	return out
}

// ProductSync is ProductViews with the target's catalogue read live: each
// product and variant says whether its SKU exists in the target, and
// f.Missing keeps the products that lack one.
func ProductSync(ctx context.Context, rt *Runtime, route string, f ProductFilter) (ProductPage, error) {
	pg := ProductPage{Products: []ProductView{}}
	r, err := rt.Route(route)
	if err != nil {
		return pg, err
	}
	pg.Target = r.To
	list, err := productViews(ctx, rt, route, f.State)
	if err != nil {
		return pg, err
	}
	list = matchQuery(list, f.Query)
	codes, why := targetCodes(ctx, rt, r)
	pg.TargetChecked, pg.TargetError = codes != nil, why
	if codes != nil {
		kept := list[:0]
		for _, v := range list {
			markInTarget(&v, codes)
			if !*v.InTarget {
				pg.Missing++
			} else if f.Missing {
				continue
			}
			kept = append(kept, v)
		}
		list = kept
	} else if f.Missing {
		// Nothing is known missing when the target could not be read; the
		// page says why rather than listing everything as missing.
		list = nil
	}
	if f.Limit <= 0 {
		f.Limit = 500
	}
	pg.Total = len(list)
	pg.Products = append(pg.Products, list[:min(len(list), f.Limit)]...)
	if pg.RefreshedAt, err = lastRefresh(ctx, rt, r.Name); err != nil {
		return pg, err
	}
	active, err := rt.Queue.List(ctx, jobs.Filter{Route: r.Name, Kinds: []string{CatalogArgs{}.Kind()}, States: []jobs.State{jobs.StateAvailable, jobs.StateRunning, jobs.StateRetryable, jobs.StateScheduled, jobs.StatePending}, Limit: 1})
	if err != nil {
		return pg, fmt.Errorf("route %s: refresh jobs: %w", r.Name, err)
	}
	pg.Refreshing = len(active) > 0
	return pg, nil
}

// targetCodes reads the target's SKUs within TargetReadTimeout; nil with the
// reason when it cannot list them or could not be read.
func targetCodes(ctx context.Context, rt *Runtime, r Route) (map[string]string, string) {
	c, err := rt.Conn(ctx, r.To)
	if err != nil {
		return nil, fmt.Sprintf("connection %s cannot be opened (%v): whether the products exist there is not known", r.To, err)
	}
	cat, ok := c.(ProductCatalog)
	if !ok {
		return nil, fmt.Sprintf("connection %s cannot list its products: whether they exist there is not known", r.To)
	}
	cctx, cancel := context.WithTimeout(ctx, TargetReadTimeout)
	defer cancel()
	codes, err := cat.ProductCodes(cctx)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Sprintf("the products of %s could not be read in %v: whether they exist there is not known; reload to try again", r.To, TargetReadTimeout)
		}
		return nil, fmt.Sprintf("the products of %s could not be read (%v): whether they exist there is not known", r.To, err)
	}
	if codes == nil {
		codes = map[string]string{}
	}
	return codes, ""
}

// markInTarget sets whether each SKU of v exists among codes.
func markInTarget(v *ProductView, codes map[string]string) {
	all := true
	v.MissingSKUs = nil
	for i := range v.Variants {
		vr := &v.Variants[i]
		id, ok := codes[vr.SKU]
		vr.InTarget, vr.TargetRecord = ptrTo(ok && vr.SKU != ""), id
	}
	for _, s := range skus(*v) {
		if _, ok := codes[s]; !ok || s == "" {
			all = false
			v.MissingSKUs = append(v.MissingSKUs, s)
		}
	}
	if len(v.Variants) == 0 {
		v.TargetRecord = codes[v.SKU]
	}
	// A product without any SKU cannot exist in the target.
	v.InTarget = ptrTo(all && len(skus(*v)) > 0)
}

func ptrTo[T any](v T) *T { return &v }

// CatalogArgs reads a products route's whole source into the catalogue
// snapshot and writes nothing to the target: the product sync page's
// Refresh. Unique per route while it waits or runs.
type CatalogArgs struct {
	Route string `json:"route" river:"unique"`
}

// Kind implements river.JobArgs.
func (CatalogArgs) Kind() string { return "products.refresh" }

// JobRoute implements jobs.Args.
func (a CatalogArgs) JobRoute() string { return a.Route }

// JobEntity implements jobs.Args.
func (CatalogArgs) JobEntity() string { return "catalogue" }

// catalogCursor records when a refresh last read the whole source.
const catalogCursor = "catalog_refresh"

// RefreshCatalog queues a Refresh of a products route; false when one
// already waits or runs, which then covers the request.
func RefreshCatalog(ctx context.Context, rt *Runtime, route string) (bool, error) {
	r, err := rt.Route(route)
	if err != nil {
		return false, err
	}
	if r.Flow != "products" {
		return false, badRequest("route %s runs %s, not products: only a products route has a catalogue to refresh", r.Name, r.Flow)
	}
	res, err := rt.Queue.Enqueue(ctx, jobs.Insert{Args: CatalogArgs{Route: r.Name}, Queue: jobs.QueueName(r.From), WhileActive: true})
	if err != nil {
		return false, fmt.Errorf("route %s: %w", r.Name, err)
	}
	return !res.Duplicate, nil
}

func registerCatalog(reg *jobs.Registry, rt *Runtime) {
	jobs.Register(reg, func(ctx context.Context, job *jobs.Job[CatalogArgs]) error {
		r, err := rt.Route(job.Args.Route)
		if err != nil {
			return err
		}
		return refreshCatalog(ctx, rt, r)
	})
}

// refreshCatalog reads every product of the route's source into the
// catalogue, then drops the products the source no longer has (only after a
// whole read, so a failed one removes nothing).
func refreshCatalog(ctx context.Context, rt *Runtime, r Route) error {
	src, err := As[ProductSource](ctx, rt, r, r.From, "a product source")
	if err != nil {
		return err
	}
	started := time.Now().UTC()
	seen := map[string]bool{}
	err = src.ChangedProducts(ctx, time.Time{}, func(products []model.Product, _ time.Time) error {
		for _, pr := range products {
			seen[string(pr.ID)] = true
		}
		return keepCatalog(ctx, rt, r, products)
	})
	if err != nil {
		return fmt.Errorf("route %s: refreshing the products of %s: %w", r.Name, r.From, err)
	}
	have, err := rt.Store.ListLinks(ctx, store.LinkFilter{Connection: r.From, Kind: catalogLink})
	if err != nil {
		return fmt.Errorf("route %s: catalogue of %s: %w", r.Name, r.From, err)
	}
	gone := 0
	for _, l := range have {
		if !seen[l.LocalID] {
			if err := rt.Store.DeleteLink(ctx, r.From, catalogLink, l.LocalID); err != nil {
				return fmt.Errorf("route %s: dropping product %s, gone from %s: %w", r.Name, l.LocalID, r.From, err)
			}
			gone++
		}
	}
	if err := rt.Store.PutCursor(ctx, store.Cursor{Route: r.Name, Name: catalogCursor, Value: started.Format(time.RFC3339Nano)}); err != nil {
		return fmt.Errorf("route %s: %w", r.Name, err)
	}
	msg := fmt.Sprintf("refresh: read %d products of %s", len(seen), r.From)
	if gone > 0 {
		msg += fmt.Sprintf("; %d no longer there were taken off the products page", gone)
	}
	rt.logLine(ctx, store.LevelInfo, r.Name, "catalogue", msg)
	return nil
}

// lastRefresh is when a refresh of the route last read its whole source.
func lastRefresh(ctx context.Context, rt *Runtime, route string) (time.Time, error) {
	c, err := rt.Store.GetCursor(ctx, route, catalogCursor)
	if errors.Is(err, store.ErrNotFound) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("route %s: %w", route, err)
	}
	t, _ := time.Parse(time.RFC3339Nano, c.Value)
	return t, nil
}

// Presence is InTarget in words: "yes", "no" or "unknown" (for pages).
func (v ProductView) Presence() string { return presence(v.InTarget) }

// Presence is InTarget in words: "yes", "no" or "unknown" (for pages).
func (v VariantView) Presence() string { return presence(v.InTarget) }

func presence(b *bool) string {
	switch {
	case b == nil:
		return "unknown"
	case *b:
		return "yes"
	}
	return "no"
}

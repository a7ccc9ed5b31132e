package flow

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/store"
)

// ProductsOptions configure a products route (the product master → a shop).
type ProductsOptions struct {
	// BatchSize is the number of products per job. Default 50.
	BatchSize int `yaml:"batch_size" json:"batch_size"`
	// Overlap is how far before its cursor each pass re-reads. Default 2m.
	Overlap time.Duration `yaml:"overlap" json:"overlap"`
	// Pricelist is the id of a source pricelist whose prices the shop gets
	// instead of the list prices (seed 003): its rules for one quantity, a
	// SKU's own rule first, else a rule for every product. A change of the
	// pricelist alone is not a change of the products: export them again
	// (Create on the Products page). Empty: list prices.
	Pricelist string `yaml:"pricelist" json:"pricelist,omitempty"`
}

// Validate checks the options.
func (o *ProductsOptions) Validate() error {
	if o.BatchSize < 1 || o.BatchSize > 1000 {
		return fmt.Errorf("batch_size %d: want 1..1000", o.BatchSize)
	}
	if o.Overlap < 0 {
		return errors.New("overlap must not be negative")
	}
	return nil
}

func init() {
	RegisterKind(Kind{
		Name:       "products",
		Title:      "Products",
		NewOptions: func() any { return &ProductsOptions{BatchSize: 50, Overlap: DefaultOverlap} },
		Register:   registerProducts,
		Pass:       passProducts,
		From:       need[ProductSource]("a product source"),
		To:         need[ProductSink]("a product target"),
	})
}

const productLink = "product"

func productsOptions(r Route) *ProductsOptions {
	if o, ok := r.Options.(*ProductsOptions); ok && o != nil {
		return o
	}
	return &ProductsOptions{BatchSize: 50, Overlap: DefaultOverlap}
}

// productKey is the product's local id: the source and its id there (the SKU may
// be missing, which is why the product is parked).
func productKey(r Route, p model.Product) string { return r.From + ":" + p.ID }

// productVersion is the source's version of a product: when it last changed.
func productVersion(p model.Product) string { return p.UpdatedAt.UTC().Format(time.RFC3339Nano) }

// productHash is the content that matters to the target; UpdatedAt and the
// source id are left out so that a touch without a change sends nothing.
func productHash(p model.Product) string {
	p.UpdatedAt, p.ID = time.Time{}, ""
	for i := range p.Variants {
		p.Variants[i].ID = ""
	}
	return Hash(p)
}

// missingSKU returns why a product cannot be exported, or "".
func missingSKU(p model.Product) string {
	if len(p.Variants) == 0 && p.SKU == "" {
		return fmt.Sprintf("product %q has no internal reference (SKU); give it one in the source to export it", p.Name)
	}
	for _, v := range p.Variants {
		if v.SKU == "" {
			return fmt.Sprintf("variant %q of product %q has no internal reference (SKU); give it one in the source to export it", v.Name, p.Name)
		}
	}
	return ""
}

// ProductBatchArgs is a page of changed products.
type ProductBatchArgs struct {
	Route    string          `json:"route" river:"unique"`
	Key      string          `json:"key" river:"unique"`
	Products []model.Product `json:"products"`
}

// Kind implements river.JobArgs.
func (ProductBatchArgs) Kind() string { return "products.batch" }

// JobRoute implements jobs.Args.
func (a ProductBatchArgs) JobRoute() string { return a.Route }

// JobEntity implements jobs.Args.
func (a ProductBatchArgs) JobEntity() string {
	if len(a.Products) == 1 {
		return productEntity(a.Products[0])
	}
	return fmt.Sprintf("%d products from %s", len(a.Products), productEntity(a.Products[0]))
}

func productEntity(p model.Product) string {
	if p.SKU != "" {
		return "SKU " + p.SKU
	}
	return fmt.Sprintf("product %q", p.Name)
}

// ProductArgs is one product that needs its own job (parked or failed alone).
type ProductArgs struct {
	Route   string        `json:"route" river:"unique"`
	Key     string        `json:"key" river:"unique"`
	Product model.Product `json:"product"`
	// Force writes the product even when the target has it unchanged (a
	// person's "export now").
	Force bool `json:"force,omitempty"`
	// From is the batch job that moved the product here.
	From int64 `json:"from,omitempty"`
}

// Kind implements river.JobArgs.
func (ProductArgs) Kind() string { return "products.one" }

// JobRoute implements jobs.Args.
func (a ProductArgs) JobRoute() string { return a.Route }

// JobEntity implements jobs.Args.
func (a ProductArgs) JobEntity() string { return productEntity(a.Product) }

func registerProducts(reg *jobs.Registry, rt *Runtime) {
	registerCatalog(reg, rt)
	jobs.Register(reg, func(ctx context.Context, job *jobs.Job[ProductBatchArgs]) error {
		r, err := rt.Route(job.Args.Route)
		if err != nil {
			return err
		}
		products, err := rt.ownProducts(ctx, r, job.ID, 0, job.Args.Products, false)
		if err != nil {
			return err
		}
		res, err := exportProducts(ctx, rt, r, products, false, false)
		rt.Count(r.Name, countStop(ctx, res, err, len(products)-res.Done()))
		return err
	})
	jobs.Register(reg, func(ctx context.Context, job *jobs.Job[ProductArgs]) error {
		r, err := rt.Route(job.Args.Route)
		if err != nil {
			return err
		}
		// A person's export now writes the product whoever had it.
		products, err := rt.ownProducts(ctx, r, job.ID, job.Args.From, []model.Product{job.Args.Product}, job.Args.Force)
		if err != nil || len(products) == 0 {
			return err
		}
		res, err := exportProducts(ctx, rt, r, products, true, job.Args.Force)
		rt.Count(r.Name, countStop(ctx, res, err, 1))
		return err
	})
}

// ownProducts returns the products of a job that it owns (all of them when
// force is set, taking them).
func (rt *Runtime) ownProducts(ctx context.Context, r Route, job, from int64, products []model.Product, force bool) ([]model.Product, error) {
	if force {
		cs := make([]store.Claim, len(products))
		for i, pr := range products {
			cs[i] = store.Claim{Route: r.Name, Entity: pr.ID, JobID: job, Version: productVersion(pr)}
		}
		return products, rt.Store.PutClaims(ctx, cs)
	}
	ids := make([]string, len(products))
	versions := make([]string, len(products))
	for i, pr := range products {
		ids[i], versions[i] = pr.ID, productVersion(pr)
	}
	keep, err := rt.mine(ctx, r.Name, job, from, ids, versions)
	if err != nil {
		return nil, err
	}
	out := make([]model.Product, 0, len(products))
	for i, pr := range products {
		if keep[i] {
			out = append(out, pr)
		} else {
			rt.Count(r.Name, Result{Unchanged: 1})
		}
	}
	return out, nil
}

func passProducts(ctx context.Context, rt *Runtime, r Route, p PassOptions) (Result, error) {
	opts := productsOptions(r)
	src, err := As[ProductSource](ctx, rt, r, r.From, "a product source")
	if err != nil {
		return Result{}, err
	}
	since := p.Since
	if since.IsZero() {
		if since, err = ReadCursor(ctx, rt.Store, r.Name, "products", opts.Overlap); err != nil {
			return Result{}, err
		}
	}
	var res Result
	var held time.Time
	var pageErr error
	err = src.ChangedProducts(ctx, since, func(products []model.Product, through time.Time) error {
		pr, h, err := takeProducts(ctx, rt, r, opts, products, p)
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
		pageErr = rt.checkpoint(ctx, r.Name, "products", through, held, time.Time{})
		return pageErr
	})
	if err != nil {
		if err == pageErr {
			return res, err
		}
		return res, fmt.Errorf("route %s: reading products from %s: %w", r.Name, r.From, err)
	}
	return res, nil
}

// takeProducts enqueues the changed products of one page of a pass in jobs that
// own them, and returns the oldest change it left to a job that will still run.
func takeProducts(ctx context.Context, rt *Runtime, r Route, opts *ProductsOptions, products []model.Product, p PassOptions) (Result, time.Time, error) {
	var res Result
	var held time.Time
	if len(products) == 0 {
		return res, held, nil
	}
	if p.DryRun == nil {
		if err := keepCatalog(ctx, rt, r, products); err != nil {
			return res, held, err
		}
	}
	keys := make([]string, len(products))
	ids := make([]string, len(products))
	for i, pr := range products {
		keys[i], ids[i] = productKey(r, pr), pr.ID
	}
	links, err := rt.linksByLocal(ctx, r.To, productLink, keys)
	if err != nil {
		return res, held, err
	}
	own, err := rt.ownersOf(ctx, r.Name, ids)
	if err != nil {
		return res, held, err
	}
	var changed []model.Product
	for _, pr := range products {
		active, stopped := own.hold(pr.ID, productVersion(pr))
		if active {
			// A job has this product already; the cursor stays before it so a
			// later pass reads it again once that job is done.
			if held.IsZero() || pr.UpdatedAt.Before(held) {
				held = pr.UpdatedAt
			}
			res.Unchanged++
			continue
		}
		if stopped != 0 {
			res.Unchanged++
			continue
		}
		if l, ok := links[productKey(r, pr)]; ok && l.Hash == productHash(pr) {
			res.Unchanged++
			continue
		}
		changed = append(changed, pr)
	}
	if p.DryRun != nil {
		for _, pr := range changed {
			op := "create"
			if _, ok := links[productKey(r, pr)]; ok {
				op = "update"
			}
			if why := missingSKU(pr); why != "" {
				p.DryRun.Record(Action{Op: "park", Target: r.To, Entity: productEntity(pr), Detail: why})
				continue
			}
			p.DryRun.Record(Action{Op: op, Target: r.To, Entity: productEntity(pr), Detail: fmt.Sprintf("%q, %d variants", pr.Name, len(pr.Variants))})
			if op == "create" {
				res.Created++
			} else {
				res.Updated++
			}
		}
		return res, held, nil
	}
	var ins []jobs.Insert
	for start := 0; start < len(changed); start += opts.BatchSize {
		page := changed[start:min(start+opts.BatchSize, len(changed))]
		ins = append(ins, jobs.Insert{Args: ProductBatchArgs{Route: r.Name, Key: Hash(page), Products: page}, Queue: jobs.QueueName(r.To)})
	}
	err = rt.enqueueOwned(ctx, r.Name, own, ins, func(i int) (ids, versions []string) {
		for _, pr := range ins[i].Args.(ProductBatchArgs).Products {
			ids, versions = append(ids, pr.ID), append(versions, productVersion(pr))
		}
		return ids, versions
	})
	if err != nil {
		return res, held, err
	}
	res.Enqueued, res.Queued = len(ins), len(changed)
	return res, held, nil
}

// exportProducts writes products to the target and links them with their content
// hash. Products without SKUs, and products the target refuses, go to jobs of
// their own (single false) or fail this one (single true).
func exportProducts(ctx context.Context, rt *Runtime, r Route, products []model.Product, single, force bool) (Result, error) {
	var res Result
	sink, err := As[ProductSink](ctx, rt, r, r.To, "a product target")
	if err != nil {
		return res, err
	}
	keys := make([]string, len(products))
	for i, pr := range products {
		keys[i] = productKey(r, pr)
	}
	links, err := rt.linksByLocal(ctx, r.To, productLink, keys)
	if err != nil {
		return res, err
	}
	if pl := productsOptions(r).Pricelist; pl != "" {
		if products, err = withPricelist(ctx, rt, r, pl, products); err != nil {
			return res, err
		}
	}
	var spill []model.Product
	var ups []model.ProductUpsert
	var upsLinked []bool
	for _, pr := range products {
		if why := missingSKU(pr); why != "" {
			if single {
				return res, jobs.NeedsAction(why, "")
			}
			spill = append(spill, pr)
			continue
		}
		l, linked := links[productKey(r, pr)]
		if linked && l.Hash == productHash(pr) && !force {
			res.Unchanged++
			continue
		}
		ups = append(ups, model.ProductUpsert{Product: pr, RemoteID: l.RemoteID})
		upsLinked = append(upsLinked, linked)
	}
	if len(ups) > 0 {
		results, err := sink.UpsertProducts(ctx, ups)
		if err != nil {
			return res, fmt.Errorf("route %s: writing %d products to %s: %w", r.Name, len(ups), r.To, err)
		}
		if len(results) != len(ups) {
			return res, fmt.Errorf("route %s: %s answered %d results for %d products", r.Name, r.To, len(results), len(ups))
		}
		var transient error
		for i, rr := range results {
			pr := ups[i].Product
			if rr.Err != nil {
				err := fmt.Errorf("%s: %w", productEntity(pr), rr.Err)
				switch {
				case single:
					return res, err
				case jobs.ClassOf(rr.Err) == jobs.ClassTransient:
					transient = err
				default:
					spill = append(spill, pr)
				}
				continue
			}
			if upsLinked[i] {
				// The target may have answered with a new id if the old record was gone.
				if err := rt.Store.DeleteLink(ctx, r.To, productLink, productKey(r, pr)); err != nil && !errors.Is(err, store.ErrNotFound) {
					return res, err
				}
			}
			err := rt.Store.PutLink(ctx, store.Link{Connection: r.To, Kind: productLink, LocalID: productKey(r, pr), RemoteID: rr.RemoteID, Hash: productHash(pr), SourceVersion: pr.UpdatedAt.UTC().Format(time.RFC3339Nano), SyncedAt: time.Now().UTC()})
			if err != nil && !errors.Is(err, store.ErrLinkConflict) {
				return res, err
			}
			if rr.Created {
				res.Created++
			} else {
				res.Updated++
			}
		}
		if transient != nil {
			return res, transient
		}
	}
	if len(spill) > 0 {
		ins := make([]jobs.Insert, len(spill))
		ids, versions := make([]string, len(spill)), make([]string, len(spill))
		for i, pr := range spill {
			ids[i], versions[i] = pr.ID, productVersion(pr)
			ins[i] = jobs.Insert{Args: ProductArgs{Route: r.Name, Key: productKey(r, pr) + "@" + productHash(pr), Product: pr, From: jobs.CurrentID(ctx)}, Queue: jobs.QueueName(r.To)}
		}
		if err := rt.spill(ctx, r.Name, ins, ids, versions); err != nil {
			return res, err
		}
	}
	return res, nil
}

// withPricelist returns products with the prices of the source's pricelist
// id: for quantity one, a SKU's own rule, else a rule for every product
// (category rules are the source's to apply: they are left out).
func withPricelist(ctx context.Context, rt *Runtime, r Route, id string, products []model.Product) ([]model.Product, error) {
	src, err := As[PricelistSource](ctx, rt, r, r.From, "a pricelist source")
	if err != nil {
		return nil, err
	}
	pls, err := src.Pricelists(ctx, []string{id})
	if err != nil {
		return nil, fmt.Errorf("route %s: reading pricelist %s of %s: %w", r.Name, id, r.From, err)
	}
	if len(pls) == 0 {
		return nil, jobs.NeedsAction(fmt.Sprintf("route %s: %s has no pricelist %s (option pricelist)", r.Name, r.From, id), "route:"+r.Name)
	}
	bySKU := map[string]model.PriceRule{}
	var global *model.PriceRule
	one := model.DecimalFromInt(1)
	for _, rule := range pls[0].Rules {
		if rule.MinQuantity > one {
			continue
		}
		switch {
		case rule.SKU != "":
			bySKU[rule.SKU] = rule
		case rule.Scope == "all products" && global == nil:
			g := rule
			global = &g
		}
	}
	price := func(sku string, list model.Decimal) model.Decimal {
		rule, ok := bySKU[sku]
		if !ok {
			if global == nil {
				return list
			}
			rule = *global
		}
		if rule.FixedPrice != nil {
			return *rule.FixedPrice
		}
		if rule.DiscountPercent != nil {
			off := list.Mul(*rule.DiscountPercent).Mul(model.MustDecimal("0.01"))
			// Prices are in cents.
			return model.DecimalFromFloat(math.Round((list-off).Float64()*100) / 100)
		}
		return list
	}
	out := make([]model.Product, len(products))
	for i, p := range products {
		p.Price = price(p.SKU, p.Price)
		vs := make([]model.Variant, len(p.Variants))
		for j, v := range p.Variants {
			v.Price = price(v.SKU, v.Price)
			vs[j] = v
		}
		p.Variants = vs
		out[i] = p
	}
	return out, nil
}

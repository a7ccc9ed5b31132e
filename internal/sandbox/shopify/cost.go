package shopify

import (
	"math"
	"strings"
	"sync"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
)

// Costs as the reference §1.4 gives them: scalars and enums 0, objects 1,
// connections 2 + first (or last) × the cost of one node, mutations 10. A list
// that is not a connection costs its element once [U]. Interfaces and unions
// cost their most expensive member's selection.
const (
	mutationCost = 10
	// MaxQueryCost is the single-query limit, checked against the requested
	// cost before execution (§1.4).
	MaxQueryCost = 1000
)

// requestedCost is the cost Shopify reserves before running op.
func (ec *execCtx) requestedCost(op *ast.OperationDefinition) int {
	root := ec.schema.Query
	if op.Operation == ast.Mutation {
		root = ec.schema.Mutation
	}
	return ec.selCost(op.SelectionSet, root, op.Operation == ast.Mutation, 0)
}

func (ec *execCtx) selCost(sel ast.SelectionSet, def *ast.Definition, mutationRoot bool, depth int) int {
	if depth > 30 {
		return 0
	}
	types := []*ast.Definition{def}
	if def.Kind != ast.Object {
		types = ec.schema.PossibleTypes[def.Name]
	}
	best := 0
	for _, t := range types {
		sum := 0
		for _, g := range ec.collect(sel, t, nil, map[string]bool{}) {
			f := g.fields[0]
			fd := t.Fields.ForName(f.Name)
			if fd == nil {
				continue
			}
			if mutationRoot {
				sum += mutationCost
				continue
			}
			var sub ast.SelectionSet
			for _, ff := range g.fields {
				sub = append(sub, ff.SelectionSet...)
			}
			sum += ec.fieldCost(fd, f, sub, depth)
		}
		best = max(best, sum)
	}
	return best
}

func (ec *execCtx) fieldCost(fd *ast.FieldDefinition, f *ast.Field, sub ast.SelectionSet, depth int) int {
	named := fd.Type
	for named.Elem != nil {
		named = named.Elem
	}
	def := ec.schema.Types[named.NamedType]
	if def == nil || def.Kind == ast.Scalar || def.Kind == ast.Enum {
		return 0
	}
	if isConnection(def) {
		args := f.ArgumentMap(ec.vars)
		n, ok := argInt(args["first"])
		if !ok || args["first"] == nil {
			n, _ = argInt(args["last"])
		}
		node := ec.schema.Types[def.Fields.ForName("nodes").Type.Elem.NamedType]
		per := 0
		for _, g := range ec.collect(sub, def, nil, map[string]bool{}) {
			switch g.fields[0].Name {
			case "nodes":
				per = max(per, 1+ec.selCost(merged(g.fields), node, false, depth+1))
			case "edges":
				edge := ec.schema.Types[def.Fields.ForName("edges").Type.Elem.NamedType]
				for _, eg := range ec.collect(merged(g.fields), edge, nil, map[string]bool{}) {
					if eg.fields[0].Name == "node" {
						per = max(per, 1+ec.selCost(merged(eg.fields), node, false, depth+1))
					}
				}
			}
		}
		return 2 + n*per
	}
	return 1 + ec.selCost(sub, def, false, depth+1)
}

func merged(fields []*ast.Field) ast.SelectionSet {
	var sel ast.SelectionSet
	for _, f := range fields {
		sel = append(sel, f.SelectionSet...)
	}
	return sel
}

func isConnection(def *ast.Definition) bool {
	return def.Kind == ast.Object && strings.HasSuffix(def.Name, "Connection") &&
		def.Fields.ForName("nodes") != nil && def.Fields.ForName("edges") != nil && def.Fields.ForName("pageInfo") != nil
}

// Plan names a shop plan's throttle figures (reference §1.4, 2026 restore rates).
type Plan struct {
	// MaximumAvailable is the bucket size in points. The 2026 docs give no size;
	// the default is 20 × the restore rate (2,000 on Standard) [U].
	MaximumAvailable float64
	// RestoreRate is the points restored per second.
	RestoreRate float64
}

// Plans are the figures of Options.Plan: standard 100/s, advanced 200/s, plus
// 1,000/s, enterprise 2,000/s; "classic" is the older docs' 1,000 at 50/s.
var Plans = map[string]Plan{
	"standard":   {2000, 100},
	"advanced":   {4000, 200},
	"plus":       {20000, 1000},
	"enterprise": {40000, 2000},
	"classic":    {1000, 50},
}

// bucket is the leaky bucket of one (shop, app) pair, keyed by the app's
// static token (granted tokens map to it: appOf).
type bucket struct {
	available float64
	at        time.Time
}

type buckets struct {
	mu   sync.Mutex
	plan Plan
	m    map[string]*bucket
}

func (b *buckets) refill(token string, now time.Time) *bucket {
	bk := b.m[token]
	if bk == nil {
		bk = &bucket{available: b.plan.MaximumAvailable, at: now}
		b.m[token] = bk
	}
	if d := now.Sub(bk.at).Seconds(); d > 0 {
		bk.available = math.Min(b.plan.MaximumAvailable, bk.available+d*b.plan.RestoreRate)
		bk.at = now
	}
	return bk
}

// take reserves cost points; ok is false (nothing taken) when the bucket holds
// fewer.
func (b *buckets) take(token string, cost int, now time.Time) (left float64, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	bk := b.refill(token, now)
	if bk.available < float64(cost) {
		return bk.available, false
	}
	bk.available -= float64(cost)
	return bk.available, true
}

// refund gives back points after execution (requested − actual).
func (b *buckets) refund(token string, points int, now time.Time) float64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	bk := b.refill(token, now)
	bk.available = math.Min(b.plan.MaximumAvailable, bk.available+float64(points))
	return bk.available
}

// drain takes points away, as another process of the same app would; negative
// points fill it.
func (b *buckets) drain(token string, points float64, now time.Time) float64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	bk := b.refill(token, now)
	bk.available = math.Max(0, math.Min(b.plan.MaximumAvailable, bk.available-points))
	return bk.available
}

func (b *buckets) planNow() Plan {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.plan
}

func (b *buckets) restoreRate() float64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.plan.RestoreRate
}

func (b *buckets) setPlan(p Plan, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.plan = p
	for _, bk := range b.m {
		bk.available = math.Min(p.MaximumAvailable, bk.available)
	}
}

// costExt is extensions.cost; actual is nil when the query did not run.
func (b *buckets) costExt(requested int, actual *int, left float64) *omap {
	b.mu.Lock()
	p := b.plan
	b.mu.Unlock()
	m := newOmap("requestedQueryCost", requested)
	// A throttled answer has no actualQueryCost, as in
	// samples/shopify/graphql/throttled.go-shopify.json (the reference's
	// example writes null).
	if actual != nil {
		m.set("actualQueryCost", *actual)
	}
	m.set("throttleStatus", newOmap("maximumAvailable", shopFloat(p.MaximumAvailable),
		"currentlyAvailable", int(math.Floor(left)), "restoreRate", shopFloat(p.RestoreRate)))
	return m
}

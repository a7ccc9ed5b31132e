// Package flow holds ferry's routes: each flow kind reads what changed in a source
// connection, maps it through internal/model, and writes it to a target
// connection, one page of records per job. A flow states what it needs of its two
// connections as small interfaces defined here (OrderSource, StockSink, …); any
// connection whose client has those methods can be either end, so a new connector
// joins every flow it fits without new flow code.
//
// A route's pass runs as a job: it reads the source from the route's cursor (minus
// an overlap window, so that records written during the last pass are not
// missed), enqueues one job per page of changed records, and only then advances
// the cursor. Record jobs are unique per (route, records, versions), link every
// record they write in the store, and look a record up by its natural key in the
// target before creating it, so a record is written once whatever crashes,
// retries and overlapping passes happen.
package flow

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/store"
)

// Route is a configured route as a flow runs it.
type Route struct {
	Name    string
	Flow    string
	From    string
	To      string
	Options any
}

// Kind is one flow kind ("orders", "stock", …).
type Kind struct {
	Name  string
	Title string
	// NewOptions returns the flow's options with defaults set; config decodes a
	// route's `options:` into it.
	NewOptions func() any
	// Register adds the flow's job kinds to reg; handlers reach the routes and
	// connections through rt.
	Register func(reg *jobs.Registry, rt *Runtime)
	// Pass reads what changed in the route's source and enqueues jobs for it (or,
	// with p.DryRun set, works it inline and writes nothing).
	Pass func(ctx context.Context, rt *Runtime, r Route, p PassOptions) (Result, error)
	// From and To are what the route's ends must be, checked when the config
	// is read (CheckEnds) so that a route that can never run is refused then.
	From, To Need
}

// Need is a capability a route's end must have.
type Need struct {
	// What names it for people ("an order source").
	What string
	has  func(conn any) bool
}

func need[T any](what string) Need {
	return Need{What: what, has: func(c any) bool { _, ok := c.(T); return ok }}
}

// CheckEnds says why a route of flow from a connection whose client is from
// to one whose client is to can never run; from or to nil (a kind that does
// not declare its client) is not checked.
func CheckEnds(flow, fromKind string, from any, toKind string, to any) []string {
	k, ok := LookupKind(flow)
	if !ok {
		return nil
	}
	var out []string
	if from != nil && k.From.has != nil && !k.From.has(from) {
		out = append(out, fmt.Sprintf("from: kind %s cannot be %s (flow %s)", fromKind, k.From.What, flow))
	}
	if to != nil && k.To.has != nil && !k.To.has(to) {
		out = append(out, fmt.Sprintf("to: kind %s cannot be %s (flow %s)", toKind, k.To.What, flow))
	}
	return out
}

// PassOptions change one pass of a route.
type PassOptions struct {
	// Since overrides the cursor: read changes from this time.
	Since time.Time
	// Until, when set, leaves out changes after it (flows that read by time:
	// orders).
	Until time.Time
	// DryRun, when set, records what would be written instead of writing it, and
	// leaves the cursor, the links and the queue as they are.
	DryRun *DryRun
}

// Result counts what a pass or a job did with its records.
type Result struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Parked    int `json:"parked"`
	Failed    int `json:"failed"`
	// Skipped are records a pass read and did not take (orders that are not
	// eligible), each kept with its reason.
	Skipped int `json:"skipped"`
	// Enqueued is the number of jobs a pass enqueued, and Queued the records in
	// them.
	Enqueued int `json:"enqueued,omitempty"`
	Queued   int `json:"queued,omitempty"`
	// Invoiced are the orders the target invoiced in this write (an
	// instance's "invoices" figure).
	Invoiced int `json:"invoiced,omitempty"`
}

// Add returns r plus o.
func (r Result) Add(o Result) Result {
	return Result{r.Created + o.Created, r.Updated + o.Updated, r.Unchanged + o.Unchanged, r.Parked + o.Parked, r.Failed + o.Failed, r.Skipped + o.Skipped, r.Enqueued + o.Enqueued, r.Queued + o.Queued, r.Invoiced + o.Invoiced}
}

var (
	kindsMu sync.RWMutex
	kinds   = map[string]Kind{}
)

// RegisterKind adds a flow kind; flow files call it from init.
func RegisterKind(k Kind) {
	kindsMu.Lock()
	defer kindsMu.Unlock()
	if _, dup := kinds[k.Name]; dup {
		panic(fmt.Sprintf("flow: kind %q registered twice", k.Name))
	}
	kinds[k.Name] = k
}

// LookupKind returns the flow kind called name.
func LookupKind(name string) (Kind, bool) {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	k, ok := kinds[name]
	return k, ok
}

// KindNames returns the registered flow kinds, sorted.
func KindNames() []string {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	out := make([]string, 0, len(kinds))
	for n := range kinds {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Options returns fresh options of a flow kind, for config decoding.
func Options(flow string) (any, bool) {
	k, ok := LookupKind(flow)
	if !ok || k.NewOptions == nil {
		return nil, ok
	}
	return k.NewOptions(), true
}

// Runtime is what flows run with.
type Runtime struct {
	Store store.Store
	Queue *jobs.Queue
	Log   *slog.Logger
	// Open opens a connection by name (with its credentials).
	Open func(ctx context.Context, name string) (connector.Conn, error)
	// Locks serializes writes of one natural key (an order's reference in the
	// target) across processes; nil locks within this process only.
	Locks connector.Locker

	mu     sync.Mutex
	routes map[string]Route
	conns  map[string]connector.Conn
	counts map[string]Result
	// refused counts webhooks refused per connection, logged once a minute.
	refused map[string]*refusals
}

// NewRuntime returns a Runtime for the given routes. Its Store, Queue and Open are
// set by Bind once they exist: the queue needs the flows' job kinds before it can
// open, and the handlers need the queue only when they run.
func NewRuntime(log *slog.Logger, routes []Route) *Runtime {
	rt := &Runtime{Log: log, routes: map[string]Route{}, conns: map[string]connector.Conn{}, counts: map[string]Result{}}
	for _, r := range routes {
		rt.routes[r.Name] = r
	}
	return rt
}

// Bind gives the runtime its store, queue and connection opener.
func (rt *Runtime) Bind(st store.Store, q *jobs.Queue, open func(ctx context.Context, name string) (connector.Conn, error)) {
	rt.Store, rt.Queue, rt.Open = st, q, open
}

// Route returns a configured route.
func (rt *Runtime) Route(name string) (Route, error) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	r, ok := rt.routes[name]
	if !ok {
		return Route{}, jobs.Permanentf("route %q is not configured (any more)", name)
	}
	return r, nil
}

// SetRoute puts a route's new definition in force for the passes and jobs that
// start from now on.
func (rt *Runtime) SetRoute(r Route) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	rt.routes[r.Name] = r
}

// ForgetConn closes nothing but drops the cached connection, so that the next
// use opens it with the stored settings and credentials.
func (rt *Runtime) ForgetConn(name string) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	delete(rt.conns, name)
}

// Routes returns the configured routes, sorted by name.
func (rt *Runtime) Routes() []Route {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	out := make([]Route, 0, len(rt.routes))
	for _, r := range rt.routes {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Count adds what a job of route did to the route's counts in this process and
// to its hourly counts in the store (the dashboard's figures and charts).
func (rt *Runtime) Count(route string, r Result) {
	rt.mu.Lock()
	rt.counts[route] = rt.counts[route].Add(r)
	rt.mu.Unlock()
	c := store.Counts{Created: r.Created, Updated: r.Updated, Unchanged: r.Unchanged, Parked: r.Parked, Failed: r.Failed, Skipped: r.Skipped}
	if rt.Store == nil || c == (store.Counts{}) {
		return
	}
	// Figures only: a store hiccup must not fail the job that did the work.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := rt.Store.AddRouteStats(ctx, route, time.Now(), c); err != nil {
		rt.Log.Warn("route counts not stored", "route", route, "err", err)
	}
	if r.Invoiced > 0 {
		if err := rt.Store.AddRouteStats(ctx, InvoicesStat(route), time.Now(), store.Counts{Created: r.Invoiced}); err != nil {
			rt.Log.Warn("route counts not stored", "route", route, "err", err)
		}
	}
}

// InvoicesStat is the name the hourly counts of the invoices an orders
// route's target made are kept under, beside the route's own.
func InvoicesStat(route string) string { return route + ":invoices" }

// Counts returns the counts of every route since the runtime started.
func (rt *Runtime) Counts() map[string]Result {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	out := make(map[string]Result, len(rt.routes))
	for name := range rt.routes {
		out[name] = rt.counts[name]
	}
	return out
}

// Conn returns the open connection called name, opening it once.
func (rt *Runtime) Conn(ctx context.Context, name string) (connector.Conn, error) {
	rt.mu.Lock()
	c, ok := rt.conns[name]
	rt.mu.Unlock()
	if ok {
		return c, nil
	}
	c, err := rt.Open(ctx, name)
	if err != nil {
		return nil, err
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if prev, ok := rt.conns[name]; ok {
		return prev, nil
	}
	rt.conns[name] = c
	return c, nil
}

// As returns connection name as capability T, or a needs-action error that says
// the route's flow cannot use that connection.
func As[T any](ctx context.Context, rt *Runtime, r Route, name, capability string) (T, error) {
	var zero T
	c, err := rt.Conn(ctx, name)
	if err != nil {
		return zero, jobs.NeedsActionErr(fmt.Sprintf("route %s: connection %s cannot be opened", r.Name, name), "connection:"+name, err)
	}
	t, ok := c.(T)
	if !ok {
		return zero, jobs.Permanentf("route %s (flow %s): connection %s cannot be %s", r.Name, r.Flow, name, capability)
	}
	return t, nil
}

// TickArgs is one pass of a route: its periodic job, a webhook's trigger, or a
// person's request (ferry sync, the demo). It is unique per route while it
// waits or runs, so passes of one route never overlap.
type TickArgs struct {
	Route string `json:"route" river:"unique"`
	// Since and Until (RFC 3339, optional) make a person's pass read the
	// changes of that period instead of those since the cursor (the
	// dashboard's Run now with a date range).
	Since string `json:"since,omitempty"`
	Until string `json:"until,omitempty"`
}

// Kind implements river.JobArgs.
func (TickArgs) Kind() string { return "ferry.route_pass" }

// JobRoute implements jobs.Args.
func (a TickArgs) JobRoute() string { return a.Route }

// JobEntity implements jobs.Args.
func (a TickArgs) JobEntity() string {
	if a.Since != "" || a.Until != "" {
		return "pass " + a.Since + "…" + a.Until
	}
	return "pass"
}

// Register adds the route pass jobs and every flow kind's jobs to reg.
func Register(reg *jobs.Registry, rt *Runtime) {
	jobs.Register(reg, func(ctx context.Context, job *jobs.Job[TickArgs]) error {
		var p PassOptions
		for _, f := range []struct {
			v string
			t *time.Time
		}{{job.Args.Since, &p.Since}, {job.Args.Until, &p.Until}} {
			if f.v == "" {
				continue
			}
			t, err := time.Parse(time.RFC3339, f.v)
			if err != nil {
				return jobs.Permanentf("route %s: pass period %q is not an RFC 3339 time", job.Args.Route, f.v)
			}
			*f.t = t
		}
		return rt.pass(ctx, job.Args.Route, p, job.Log)
	})
	registerSync(reg, rt)
	for _, name := range KindNames() {
		k, _ := LookupKind(name)
		if k.Register != nil {
			k.Register(reg, rt)
		}
	}
}

// pass runs one pass of a route.
func (rt *Runtime) pass(ctx context.Context, route string, p PassOptions, log *slog.Logger) error {
	r, err := rt.Route(route)
	if err != nil {
		return err
	}
	k, ok := LookupKind(r.Flow)
	if !ok {
		return jobs.Permanentf("route %s: unknown flow %q", r.Name, r.Flow)
	}
	started := time.Now()
	res, err := k.Pass(ctx, rt, r, p)
	run := store.RouteRun{Route: r.Name, StartedAt: started, FinishedAt: time.Now(), Queued: res.Queued}
	if err != nil {
		run.Error = err.Error()
	}
	if perr := rt.Store.PutRouteRun(ctx, run); perr != nil {
		log.Warn("route run not recorded", "err", perr)
	}
	if err != nil {
		return err
	}
	rt.Count(r.Name, Result{Unchanged: res.Unchanged, Skipped: res.Skipped, Failed: res.Failed})
	log.Debug("route pass done", "enqueued", res.Enqueued, "unchanged", res.Unchanged, "skipped", res.Skipped)
	return nil
}

// Hash returns a stable content hash of v (its JSON encoding), to tell whether a
// record changed since it was last written.
func Hash(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("flow: hashing %T: %v", v, err))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// DefaultOverlap is how far back a pass re-reads before its cursor: remote
// timestamps have whole-second precision and records committed during the last
// pass may carry a time before its end.
const DefaultOverlap = 2 * time.Minute

// ReadCursor returns where the route's named cursor stands, minus overlap, or
// zero when the route has not run.
func ReadCursor(ctx context.Context, st store.Store, route, name string, overlap time.Duration) (time.Time, error) {
	c, err := st.GetCursor(ctx, route, name)
	if errors.Is(err, store.ErrNotFound) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	t, err := time.Parse(time.RFC3339Nano, c.Value)
	if err != nil {
		return time.Time{}, fmt.Errorf("route %s: cursor %s is not a time: %q", route, name, c.Value)
	}
	return t.Add(-overlap), nil
}

// AdvanceCursor moves the route's named cursor to t unless it already stands
// later; call it only after the jobs covering everything up to t are stored.
func AdvanceCursor(ctx context.Context, st store.Store, route, name string, t time.Time) error {
	if t.IsZero() {
		return nil
	}
	c, err := st.GetCursor(ctx, route, name)
	if err == nil {
		if cur, perr := time.Parse(time.RFC3339Nano, c.Value); perr == nil && !t.After(cur) {
			return nil
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return st.PutCursor(ctx, store.Cursor{Route: route, Name: name, Value: t.UTC().Format(time.RFC3339Nano), UpdatedAt: time.Now().UTC()})
}

// DryRun collects what a dry-run pass would have written.
type DryRun struct {
	mu      sync.Mutex
	Actions []Action `json:"actions"`
}

// Action is one write a dry run skipped.
type Action struct {
	// Op is "create", "update", "cancel", "confirm", …
	Op     string `json:"op"`
	Target string `json:"target"`
	Entity string `json:"entity"`
	Detail string `json:"detail,omitempty"`
}

// Record adds an action.
func (d *DryRun) Record(a Action) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.Actions = append(d.Actions, a)
}

// unfinished are the states of a job that will still run.
var unfinished = []jobs.State{jobs.StateAvailable, jobs.StateRunning, jobs.StateRetryable, jobs.StateScheduled, jobs.StatePending}

// PassNow enqueues a pass of each route and waits until every job of those routes
// has finished (completed, parked, failed or cancelled), or ctx ends. The queue
// must be running in this process or another.
func PassNow(ctx context.Context, rt *Runtime, routes []string) error {
	for _, name := range routes {
		if _, err := rt.Route(name); err != nil {
			return err
		}
	}
	again := routes
	// One pass per route at a time: a request that finds a pass waiting or
	// running waits for it and then asks once more, since that pass may have
	// read the source before the request.
	for round := 0; round < 2 && len(again) > 0; round++ {
		var dup []string
		for _, name := range again {
			res, err := rt.Queue.Enqueue(ctx, jobs.Insert{Args: TickArgs{Route: name}, WhileActive: true})
			if err != nil {
				return err
			}
			if res.Duplicate {
				dup = append(dup, name)
			}
		}
		if err := waitIdle(ctx, rt, routes); err != nil {
			return err
		}
		again = dup
	}
	return nil
}

// waitIdle waits until no job of the routes will still run. It looks again
// after 50 ms, then ever less often up to once a second, so that a short pass
// ends at once and a long one costs little.
func waitIdle(ctx context.Context, rt *Runtime, routes []string) error {
	wait := 50 * time.Millisecond
	for {
		busy := false
		for _, name := range routes {
			active, err := rt.Queue.Active(ctx, name)
			if err != nil {
				return err
			}
			if active {
				busy = true
				break
			}
		}
		if !busy {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*3/2, time.Second)
	}
}

// Done returns the records a job finished with (created, updated, unchanged,
// parked or failed).
func (r Result) Done() int {
	return r.Created + r.Updated + r.Unchanged + r.Parked + r.Failed + r.Skipped
}

// Busy reports whether the route has jobs that will still run.
func Busy(ctx context.Context, rt *Runtime, route string) (bool, error) {
	return rt.Queue.Active(ctx, route)
}

// countStop adds to res the records a job stopped without writing: n parked or
// failed, as err's class says; a transient error counts only when the job
// gives up with it (its last attempt), as failed.
func countStop(ctx context.Context, res Result, err error, n int) Result {
	switch jobs.ClassOf(err) {
	case jobs.ClassNeedsAction:
		res.Parked += n
	case jobs.ClassPermanent:
		res.Failed += n
	default:
		if jobs.GivesUp(ctx, err) {
			res.Failed += n
		}
	}
	return res
}

package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/riverqueue/river"

	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/remote"
	"github.com/ferryhub/ferry/internal/store"
	"github.com/ferryhub/ferry/internal/store/storetest"
)

// testArgs is a job of route "r1" for one entity at one version.
type testArgs struct {
	Route   string `json:"route" river:"unique"`
	Entity  string `json:"entity" river:"unique"`
	Version string `json:"version" river:"unique"`
}

func (testArgs) Kind() string        { return "test.entity" }
func (a testArgs) JobRoute() string  { return a.Route }
func (a testArgs) JobEntity() string { return a.Entity }

// behaviour decides what the handler does with an entity on each attempt.
type behaviour func(attempt int) error

type testBundle struct {
	store store.Store
	queue *jobs.Queue
	mu    sync.Mutex
	runs  map[string]int
	plan  map[string]behaviour
}

func (b *testBundle) setPlan(entity string, f behaviour) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.plan[entity] = f
}

func (b *testBundle) runsOf(entity string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.runs[entity]
}

// dialects runs a test on SQLite and on PostgreSQL.
func dialects(t *testing.T, f func(t *testing.T, url string)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		f(t, storetest.SQLiteURL(t))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		f(t, storetest.PostgresURL(t))
	})
}

func setup(t *testing.T, url string, mod func(*jobs.Options)) *testBundle {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{URL: url, DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	b := &testBundle{store: st, runs: map[string]int{}, plan: map[string]behaviour{}}
	reg := jobs.NewRegistry()
	jobs.Register(reg, func(ctx context.Context, job *jobs.Job[testArgs]) error {
		b.mu.Lock()
		b.runs[job.Args.Entity]++
		f := b.plan[job.Args.Entity]
		b.mu.Unlock()
		if f == nil {
			return nil
		}
		return f(job.Attempt)
	})
	opts := jobs.Options{Work: true, Workers: 10, PollInterval: 50 * time.Millisecond, RetryBase: 20 * time.Millisecond, MaxAttempts: 3, Queues: map[string]int{"shop": 2}}
	if mod != nil {
		mod(&opts)
	}
	q, err := jobs.Open(ctx, st, reg, opts)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Work {
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			q.Stop(ctx)
		})
	}
	b.queue = q
	return b
}

func waitState(t *testing.T, q *jobs.Queue, id int64, want jobs.State) jobs.Info {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var last jobs.Info
	for time.Now().Before(deadline) {
		info, err := q.Get(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if info.State == want {
			return info
		}
		last = info
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("job %d is %s (attempt %d, error %q), want %s", id, last.State, last.Attempt, last.LastError, want)
	return last
}

func enqueue(t *testing.T, q *jobs.Queue, args testArgs, queue string) jobs.Enqueued {
	t.Helper()
	res, err := q.Enqueue(context.Background(), jobs.Insert{Args: args, Queue: queue})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestQueue(t *testing.T) {
	t.Parallel()

	t.Run("CancelStopsAScheduledJob", func(t *testing.T) {
		t.Parallel()
		dialects(t, func(t *testing.T, url string) {
			b := setup(t, url, nil)
			res, err := b.queue.Enqueue(context.Background(), jobs.Insert{Args: testArgs{Route: "r1", Entity: "later"}, At: time.Now().Add(time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			if err := b.queue.Cancel(context.Background(), res.ID); err != nil {
				t.Fatal(err)
			}
			waitState(t, b.queue, res.ID, jobs.StateCancelled)
			if b.runsOf("later") != 0 {
				t.Fatal("a cancelled job ran")
			}
		})
	})

	t.Run("ActiveSeesOnlyJobsThatWillStillRun", func(t *testing.T) {
		t.Parallel()
		dialects(t, func(t *testing.T, url string) {
			b := setup(t, url, nil)
			ctx := context.Background()
			active := func(route string) bool {
				t.Helper()
				ok, err := b.queue.Active(ctx, route)
				if err != nil {
					t.Fatal(err)
				}
				return ok
			}
			res, err := b.queue.Enqueue(ctx, jobs.Insert{Args: testArgs{Route: "r1", Entity: "later"}, At: time.Now().Add(time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			if !active("r1") || active("r2") {
				t.Fatalf("with a scheduled job of r1: Active(r1) %v, Active(r2) %v", active("r1"), active("r2"))
			}
			if err := b.queue.Cancel(ctx, res.ID); err != nil {
				t.Fatal(err)
			}
			waitState(t, b.queue, res.ID, jobs.StateCancelled)
			if active("r1") {
				t.Fatal("a cancelled job counts as active")
			}
		})
	})

	t.Run("GivesUpAfterMaxAttempts", func(t *testing.T) {
		t.Parallel()
		dialects(t, func(t *testing.T, url string) {
			b := setup(t, url, nil)
			b.setPlan("flaky", func(int) error { return errors.New("connection reset") })
			res := enqueue(t, b.queue, testArgs{Route: "r1", Entity: "flaky"}, "")
			info := waitState(t, b.queue, res.ID, jobs.StateFailed)
			if b.runsOf("flaky") != 3 || info.Reason == "" {
				t.Fatalf("ran %d times, reason %q; want 3 runs and a reason", b.runsOf("flaky"), info.Reason)
			}
		})
	})

	t.Run("NeedsActionParksAndRetryIssuesRerunsByDependency", func(t *testing.T) {
		t.Parallel()
		dialects(t, func(t *testing.T, url string) {
			b := setup(t, url, nil)
			var fixed atomic.Bool
			b.setPlan("order 1", func(int) error {
				if !fixed.Load() {
					return jobs.NeedsAction(`shipping method "DHL Express" is not mapped`, "mapping:shipping_method")
				}
				return nil
			})
			res := enqueue(t, b.queue, testArgs{Route: "r1", Entity: "order 1", Version: "v1"}, "")
			info := waitState(t, b.queue, res.ID, jobs.StateParked)
			if strings.Contains(info.LastError, "JobCancelError") {
				t.Errorf("last error %q carries a Go type name", info.LastError)
			}
			if info.Reason != `shipping method "DHL Express" is not mapped` || info.DependsOn != "mapping:shipping_method" {
				t.Fatalf("parked with %q / %q", info.Reason, info.DependsOn)
			}
			// Metrics count it as parked, not as River's "cancelled", and the empty
			// queue's lag is 0 rather than missing.
			counts, _, err := b.queue.Stats(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if n := stateCount(counts, "test.entity", "parked"); n != 1 || stateCount(counts, "test.entity", "cancelled") != 0 {
				t.Fatalf("stats count %d parked: %+v", n, counts)
			}
			if metricsText(t, b.queue, `ferry_queue_lag_seconds{queue="default"} 0`) == "" {
				t.Fatal("no lag of 0 for the empty default queue")
			}
			logs, err := b.store.ListLogs(context.Background(), store.LogFilter{Route: "r1", Entity: "order 1"})
			if err != nil || len(logs) == 0 || logs[0].Level != store.LevelWarn {
				t.Fatalf("no warn log line for the parked job: %v %+v", err, logs)
			}
			// A re-poll of the same version does not enqueue a second copy.
			if again := enqueue(t, b.queue, testArgs{Route: "r1", Entity: "order 1", Version: "v1"}, ""); !again.Duplicate {
				t.Fatal("the same version was enqueued twice while parked")
			}
			fixed.Store(true)
			n, err := b.queue.RetryIssues(context.Background(), store.IssueFilter{DependsOn: "mapping:shipping_method"})
			if err != nil || n != 1 {
				t.Fatalf("RetryIssues = %d, %v", n, err)
			}
			waitState(t, b.queue, res.ID, jobs.StateCompleted)
			if list, _ := b.queue.List(context.Background(), jobs.Filter{States: []jobs.State{jobs.StateParked}}); len(list) != 0 {
				t.Fatalf("still parked: %+v", list)
			}
		})
	})

	t.Run("ALaterJobOfTheRecordResolvesTheParkedOne", func(t *testing.T) {
		t.Parallel()
		dialects(t, func(t *testing.T, url string) {
			b := setup(t, url, nil)
			var fixed atomic.Bool
			b.setPlan("order 7", func(int) error {
				if !fixed.Load() {
					return jobs.NeedsAction("no such shipping method", "")
				}
				return nil
			})
			old := enqueue(t, b.queue, testArgs{Route: "r1", Entity: "order 7", Version: "v1"}, "")
			waitState(t, b.queue, old.ID, jobs.StateParked)
			fixed.Store(true)
			newer := enqueue(t, b.queue, testArgs{Route: "r1", Entity: "order 7", Version: "v2"}, "")
			waitState(t, b.queue, newer.ID, jobs.StateCompleted)
			if info := waitState(t, b.queue, old.ID, jobs.StateCancelled); info.Reason != "" {
				t.Fatalf("the superseded job still says %q", info.Reason)
			}
			open, err := b.store.ListIssues(context.Background(), store.IssueFilter{Route: "r1", Open: true})
			if err != nil || len(open) != 0 {
				t.Fatalf("open issues %+v, %v; want none once the record was done", open, err)
			}
		})
	})

	t.Run("CancelOfACompletedJobSaysSoAndArgsAreJSON", func(t *testing.T) {
		t.Parallel()
		dialects(t, func(t *testing.T, url string) {
			b := setup(t, url, nil)
			res := enqueue(t, b.queue, testArgs{Route: "r1", Entity: "order 9", Version: "v1"}, "")
			info := waitState(t, b.queue, res.ID, jobs.StateCompleted)
			if err := b.queue.Cancel(context.Background(), res.ID); err == nil || !strings.Contains(err.Error(), "is completed: nothing to cancel") {
				t.Fatalf("cancel of a completed job: %v", err)
			}
			out, _ := json.Marshal(info)
			if !strings.Contains(string(out), `"args":{"route":"r1","entity":"order 9"`) {
				t.Fatalf("a job as JSON: %s", out)
			}
		})
	})

	t.Run("PermanentFailsWithReason", func(t *testing.T) {
		t.Parallel()
		dialects(t, func(t *testing.T, url string) {
			b := setup(t, url, nil)
			b.setPlan("sku X", func(int) error { return jobs.Permanentf("SKU X: price %q is not a number", "abc") })
			res := enqueue(t, b.queue, testArgs{Route: "r1", Entity: "sku X"}, "")
			info := waitState(t, b.queue, res.ID, jobs.StateFailed)
			if b.runsOf("sku X") != 1 || info.Reason != `SKU X: price "abc" is not a number` {
				t.Fatalf("runs %d, reason %q", b.runsOf("sku X"), info.Reason)
			}
			failed, err := b.queue.List(context.Background(), jobs.Filter{Route: "r1", States: []jobs.State{jobs.StateFailed}})
			if err != nil || len(failed) != 1 || failed[0].ID != res.ID {
				t.Fatalf("List failed = %+v, %v", failed, err)
			}
		})
	})

	t.Run("PerConnectionQueueRunsJobs", func(t *testing.T) {
		t.Parallel()
		dialects(t, func(t *testing.T, url string) {
			b := setup(t, url, nil)
			res := enqueue(t, b.queue, testArgs{Route: "r1", Entity: "in shop queue"}, jobs.QueueName("shop"))
			info := waitState(t, b.queue, res.ID, jobs.StateCompleted)
			if info.Queue != "c_shop" {
				t.Fatalf("ran in queue %q", info.Queue)
			}
		})
	})

	t.Run("RemoteRetryAfterSnoozes", func(t *testing.T) {
		t.Parallel()
		dialects(t, func(t *testing.T, url string) {
			b := setup(t, url, nil)
			// A snooze does not use up an attempt, so count runs instead.
			var runs atomic.Int32
			b.setPlan("busy", func(int) error {
				if runs.Add(1) == 1 {
					return &remote.Error{System: "shop", Op: "GET /orders", Status: http.StatusTooManyRequests, Transient: true, RetryAfter: 300 * time.Millisecond}
				}
				return nil
			})
			res := enqueue(t, b.queue, testArgs{Route: "r1", Entity: "busy"}, "")
			waitState(t, b.queue, res.ID, jobs.StateCompleted)
			if b.runsOf("busy") != 2 {
				t.Fatalf("ran %d times, want 2", b.runsOf("busy"))
			}
		})
	})

	t.Run("TransientErrorsAreRetried", func(t *testing.T) {
		t.Parallel()
		dialects(t, func(t *testing.T, url string) {
			b := setup(t, url, nil)
			b.setPlan("order 2", func(attempt int) error {
				if attempt < 3 {
					return fmt.Errorf("odoo: HTTP 502")
				}
				return nil
			})
			res := enqueue(t, b.queue, testArgs{Route: "r1", Entity: "order 2"}, "")
			info := waitState(t, b.queue, res.ID, jobs.StateCompleted)
			if info.Attempt != 3 || b.runsOf("order 2") != 3 {
				t.Fatalf("attempt %d, runs %d; want 3", info.Attempt, b.runsOf("order 2"))
			}
		})
	})

	t.Run("UniquePerRouteEntityVersion", func(t *testing.T) {
		t.Parallel()
		dialects(t, func(t *testing.T, url string) {
			b := setup(t, url, func(o *jobs.Options) { o.Work = false })
			first := enqueue(t, b.queue, testArgs{Route: "r1", Entity: "order 7", Version: "2026-11-01T10:00:00Z"}, "")
			dup := enqueue(t, b.queue, testArgs{Route: "r1", Entity: "order 7", Version: "2026-11-01T10:00:00Z"}, "")
			next := enqueue(t, b.queue, testArgs{Route: "r1", Entity: "order 7", Version: "2026-11-02T08:00:00Z"}, "")
			other := enqueue(t, b.queue, testArgs{Route: "r2", Entity: "order 7", Version: "2026-11-01T10:00:00Z"}, "")
			if first.Duplicate || !dup.Duplicate || dup.ID != first.ID || next.Duplicate || other.Duplicate {
				t.Fatalf("first %+v dup %+v next %+v other route %+v", first, dup, next, other)
			}
			many, err := b.queue.EnqueueMany(context.Background(), []jobs.Insert{
				{Args: testArgs{Route: "r1", Entity: "order 7", Version: "2026-11-01T10:00:00Z"}},
				{Args: testArgs{Route: "r1", Entity: "order 8", Version: "1"}},
			})
			if err != nil || !many[0].Duplicate || many[1].Duplicate {
				t.Fatalf("EnqueueMany = %+v, %v", many, err)
			}
		})
	})
}

// tickArgs is a route's periodic tick.
type tickArgs struct {
	Route string `json:"route"`
}

func (tickArgs) Kind() string        { return "test.tick" }
func (a tickArgs) JobRoute() string  { return a.Route }
func (a tickArgs) JobEntity() string { return "tick" }

func TestPeriodicJobsComeFromTheLeaderOnly(t *testing.T) {
	t.Parallel()
	dialects(t, func(t *testing.T, url string) {
		ctx := context.Background()
		var ticks atomic.Int32
		var clients []*jobs.Queue
		for i := 0; i < 2; i++ {
			st, err := store.Open(ctx, store.Options{URL: url, DataDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			reg := jobs.NewRegistry()
			jobs.Register(reg, func(ctx context.Context, job *jobs.Job[tickArgs]) error { ticks.Add(1); return nil })
			q, err := jobs.Open(ctx, st, reg, jobs.Options{
				ID: fmt.Sprintf("proc%d", i), Work: true, PollInterval: 50 * time.Millisecond,
				Periodic: []jobs.Periodic{{ID: "route:r1", Schedule: river.PeriodicInterval(500 * time.Millisecond), Args: tickArgs{Route: "r1"}, RunOnStart: true}},
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := q.Start(ctx); err != nil {
				t.Fatal(err)
			}
			clients = append(clients, q)
		}
		defer func() {
			for _, q := range clients {
				sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				q.Stop(sctx)
				cancel()
			}
		}()
		// Wait for ticks to flow, then count over a fixed window: two schedulers
		// would double the count.
		deadline := time.Now().Add(20 * time.Second)
		for ticks.Load() < 2 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if ticks.Load() < 2 {
			t.Fatal("no periodic ticks ran")
		}
		start := ticks.Load()
		time.Sleep(3 * time.Second)
		n := ticks.Load() - start
		// 3 s at one tick per 500 ms is about 6; two leaders would give about 12.
		if n < 3 || n > 9 {
			t.Fatalf("%d ticks in 3 s, want about 6 (one scheduler)", n)
		}
	})
}

type classedErr string

func (e classedErr) Error() string        { return "connector says: " + string(e) }
func (e classedErr) FailureClass() string { return string(e) }

func TestClassOfReadsConnectorErrors(t *testing.T) {
	t.Parallel()
	cases := map[error]jobs.Class{
		errors.New("plain"): jobs.ClassTransient,
		fmt.Errorf("wrapped: %w", classedErr("needs_action")): jobs.ClassNeedsAction,
		classedErr("permanent"):                               jobs.ClassPermanent,
		classedErr("something else"):                          jobs.ClassTransient,
		jobs.Permanentf("bad"):                                jobs.ClassPermanent,
		jobs.NeedsAction("fix", ""):                           jobs.ClassNeedsAction,
	}
	for err, want := range cases {
		if got := jobs.ClassOf(err); got != want {
			t.Errorf("ClassOf(%v) = %s, want %s", err, got, want)
		}
	}
}

func stateCount(counts []jobs.KindState, kind, state string) int64 {
	for _, c := range counts {
		if c.Kind == kind && c.State == state {
			return c.Count
		}
	}
	return 0
}

// metricsText gathers the queue's collectors and returns the exposition line that
// starts with want, or "".
func metricsText(t *testing.T, q *jobs.Queue, want string) string {
	t.Helper()
	reg := prometheus.NewRegistry()
	for _, c := range q.Collectors() {
		if err := reg.Register(c); err != nil {
			t.Fatal(err)
		}
	}
	rec := httptest.NewRecorder()
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, line := range strings.Split(rec.Body.String(), "\n") {
		if strings.HasPrefix(line, want) {
			return line
		}
	}
	return ""
}

package jobs

import (
	"context"
	crand "crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/ferryhub/ferry/internal/store"
)

// DefaultQueue runs jobs that are not bound to one remote account (route ticks,
// housekeeping).
const DefaultQueue = river.QueueDefault

// Args is what a flow's job arguments implement on top of river.JobArgs.
type Args interface {
	river.JobArgs
	// JobRoute is the route the job belongs to; empty for ferry's own jobs.
	JobRoute() string
	// JobEntity names the record for people: "order 1234", "SKU TSHIRT-M".
	JobEntity() string
}

// Options configure a Queue. Zero values select the defaults.
type Options struct {
	Logger *slog.Logger
	// ID names this process among the queue's clients; default River's.
	ID string
	// Work makes this process run jobs. Without it the Queue only inserts and
	// manages jobs (the CLI's `jobs` commands).
	Work bool
	// Workers is the default queue's concurrency in this process. Default 20.
	Workers int
	// Queues are the per-account queues and their concurrency in this process.
	Queues map[string]int
	// JobTimeout bounds one run of a job. Default 2 min.
	JobTimeout time.Duration
	// RescueAfter is how long a job may stay running before it is presumed lost
	// with its process and run again. It must exceed JobTimeout. Default 5 min.
	RescueAfter time.Duration
	// MaxAttempts is the number of runs of a transiently failing job before it
	// fails for good. Default 10.
	MaxAttempts int
	// PollInterval is how often idle clients look for new jobs when the database
	// cannot notify them (SQLite). Default 1 s.
	PollInterval time.Duration
	// Periodic are the scheduled jobs; only the elected leader enqueues them.
	Periodic []Periodic
	// RetryBase is the first retry delay of the backoff. Default 2 s.
	RetryBase time.Duration
	// Heartbeat is how often a working process on PostgreSQL says it is alive;
	// its running jobs are taken back by the others three beats after its
	// last. Default 5 s.
	Heartbeat time.Duration
}

// Periodic is one scheduled job.
type Periodic struct {
	// ID identifies the schedule across restarts (the route name).
	ID       string
	Schedule river.PeriodicSchedule
	Args     Args
	// Queue is where the job goes; default DefaultQueue.
	Queue      string
	RunOnStart bool
}

// client is the part of river.Client that Queue uses; it hides the transaction
// type, which differs per driver.
type client interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	InsertMany(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
	JobCancel(ctx context.Context, id int64) (*rivertype.JobRow, error)
	JobGet(ctx context.Context, id int64) (*rivertype.JobRow, error)
	JobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
	JobRetry(ctx context.Context, id int64) (*rivertype.JobRow, error)
	Subscribe(kinds ...river.EventKind) (<-chan *river.Event, func())
}

// Queue is ferry's transaction queue over one store.
type Queue struct {
	client      client
	store       store.Store
	log         *slog.Logger
	maxAttempts int
	driverName  string
	work        bool
	// id is this process's River client id; heartbeat how often it beats.
	id        string
	heartbeat time.Duration
	stopBeat  context.CancelFunc
	beatDone  chan struct{}
	// kinds are the registered job kinds, reported in metrics even at zero;
	// queues the queues this process knows, whose lag is reported even at zero.
	kinds  []string
	queues []string
}

func (q *Queue) queueNames() []string { return q.queues }

// Open migrates River's tables and returns a Queue on st. Call Start to run jobs
// when opts.Work is set.
func Open(ctx context.Context, st store.Store, reg *Registry, opts Options) (*Queue, error) {
	if reg == nil {
		reg = NewRegistry()
	}
	opts = withDefaults(opts)
	if opts.RescueAfter <= opts.JobTimeout {
		return nil, fmt.Errorf("jobs: rescue-after (%v) must be longer than the job timeout (%v)", opts.RescueAfter, opts.JobTimeout)
	}
	q := &Queue{store: st, log: opts.Logger, maxAttempts: opts.MaxAttempts, kinds: reg.Kinds(), work: opts.Work, id: opts.ID, heartbeat: opts.Heartbeat}
	q.queues = []string{DefaultQueue}
	for name := range opts.Queues {
		q.queues = append(q.queues, QueueName(name))
	}
	sort.Strings(q.queues[1:])
	reg.bind(q)
	cfg := &river.Config{
		ID:                   q.id,
		Logger:               quietRiver(opts.Logger),
		JobTimeout:           opts.JobTimeout,
		RescueStuckJobsAfter: opts.RescueAfter,
		MaxAttempts:          opts.MaxAttempts,
		FetchPollInterval:    opts.PollInterval,
		// A busy queue fetches again this soon after a job ends: with one job per
		// record (a delivery), a queue of 4 workers does at most 4 per cooldown
		// (40/s at River's 100 ms, 200/s at 20 ms).
		FetchCooldown:       min(opts.PollInterval, 20*time.Millisecond),
		RetryPolicy:         &RetryPolicy{Base: opts.RetryBase, Max: time.Hour},
		SkipUnknownJobCheck: true,
		// Parked and failed jobs wait for a person (and own their records)
		// however long that takes; River would delete them after a day or a
		// week. Not -1 ("never"): riversqlite v0.47.0 ignores it and deletes
		// them at once.
		CancelledJobRetentionPeriod: keepStopped,
		DiscardedJobRetentionPeriod: keepStopped,
	}
	if opts.Work {
		cfg.Workers = reg.workers
		cfg.Queues = map[string]river.QueueConfig{DefaultQueue: {MaxWorkers: opts.Workers}}
		for name, n := range opts.Queues {
			if n <= 0 {
				n = 4
			}
			cfg.Queues[QueueName(name)] = river.QueueConfig{MaxWorkers: n}
		}
		for _, p := range opts.Periodic {
			p := p
			insert := q.insertOpts(p.Args, p.Queue)
			// A tick is unique while it waits or runs, so that passes of one route
			// never overlap, whoever enqueued them; only the leader inserts ticks.
			insert.UniqueOpts.ByState = activeStates
			cfg.PeriodicJobs = append(cfg.PeriodicJobs, river.NewPeriodicJob(p.Schedule,
				func() (river.JobArgs, *river.InsertOpts) { return p.Args, insert },
				&river.PeriodicJobOpts{ID: p.ID, RunOnStart: p.RunOnStart}))
		}
	}
	var err error
	switch st.Dialect() {
	case store.SQLite:
		q.driverName = "sqlite"
		// One process owns a SQLite file, so nothing needs River's emulated
		// LISTEN, which queries the notification table 20 times a second (most of
		// an idle hub's CPU); producers poll every FetchPollInterval instead.
		cfg.PollOnly = true
		q.client, err = newClient(ctx, riversqlite.New(st.DB()), cfg, nil)
	case store.Postgres:
		pool, ok := store.PgxPool(st)
		if !ok {
			return nil, errors.New("jobs: the PostgreSQL store has no pgx pool")
		}
		q.driverName = "postgres"
		lock := func(ctx context.Context, f func() error) error {
			// Several processes may start at once; one migrates at a time.
			conn, err := pool.Acquire(ctx)
			if err != nil {
				return err
			}
			defer conn.Release()
			if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(7346010)"); err != nil {
				return err
			}
			defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(7346010)")
			return f()
		}
		q.client, err = newClient[pgx.Tx](ctx, riverpgxv5.New(pool), cfg, lock)
	default:
		return nil, fmt.Errorf("jobs: unsupported store dialect %q", st.Dialect())
	}
	if err != nil {
		return nil, err
	}
	return q, nil
}

func newClient[TTx any](ctx context.Context, drv riverdriver.Driver[TTx], cfg *river.Config, lock func(context.Context, func() error) error) (client, error) {
	migrate := func() error {
		m, err := rivermigrate.New(drv, &rivermigrate.Config{Logger: quietRiver(cfg.Logger)})
		if err != nil {
			return err
		}
		_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
		return err
	}
	var err error
	if lock != nil {
		err = lock(ctx, migrate)
	} else {
		err = migrate()
	}
	if err != nil {
		return nil, fmt.Errorf("jobs: migrating the queue tables: %w", err)
	}
	c, err := river.NewClient(drv, cfg)
	if err != nil {
		return nil, fmt.Errorf("jobs: creating the queue client: %w", err)
	}
	return c, nil
}

func withDefaults(o Options) Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Workers <= 0 {
		o.Workers = 20
	}
	if o.JobTimeout <= 0 {
		o.JobTimeout = 2 * time.Minute
	}
	if o.RescueAfter <= 0 {
		o.RescueAfter = 5 * time.Minute
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 10
	}
	if o.PollInterval <= 0 {
		o.PollInterval = time.Second
	}
	if o.RetryBase <= 0 {
		o.RetryBase = 2 * time.Second
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = 5 * time.Second
	}
	if o.ID == "" {
		// The heartbeat names the process by the id River records in
		// attempted_by.
		host, _ := os.Hostname()
		var b [4]byte
		_, _ = crand.Read(b[:])
		o.ID = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
	}
	return o
}

// quietRiver keeps River's own info chatter out of ferry's logs; its warnings and
// errors still come through.
func quietRiver(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(levelFloor{l.Handler(), slog.LevelWarn})
}

type levelFloor struct {
	slog.Handler
	min slog.Level
}

func (h levelFloor) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h levelFloor) WithAttrs(a []slog.Attr) slog.Handler {
	return levelFloor{h.Handler.WithAttrs(a), h.min}
}

func (h levelFloor) WithGroup(n string) slog.Handler {
	return levelFloor{h.Handler.WithGroup(n), h.min}
}

var queueNameSep = regexp.MustCompile(`[^a-z0-9]+`)

// QueueName returns the River queue of a connection: "c_" and the name folded to
// the characters River allows.
func QueueName(connection string) string {
	n := strings.Trim(queueNameSep.ReplaceAllString(strings.ToLower(connection), "_"), "_")
	if n == "" {
		return DefaultQueue
	}
	return "c_" + n
}

// Start runs the workers and the scheduler until Stop.
func (q *Queue) Start(ctx context.Context) error {
	if q.work && q.store.Dialect() == store.SQLite {
		if err := q.takeBackOrphans(ctx); err != nil {
			return err
		}
	}
	if err := q.client.Start(ctx); err != nil {
		return fmt.Errorf("jobs: starting: %w", err)
	}
	if q.work && q.store.Dialect() == store.Postgres {
		bctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		q.stopBeat, q.beatDone = cancel, make(chan struct{})
		go func() { defer close(q.beatDone); q.heartbeats(bctx) }()
	}
	return nil
}

// Stop stops fetching jobs and waits for running jobs to finish until ctx ends;
// then it cancels them, and River puts them back to be retried, so nothing is lost.
func (q *Queue) Stop(ctx context.Context) error {
	err := q.client.Stop(ctx)
	if q.stopBeat != nil {
		q.stopBeat()
		<-q.beatDone
	}
	if err == nil {
		return nil
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		return q.client.StopAndCancel(stopCtx)
	}
	return err
}

// Store returns the store the queue keeps issues and log lines in.
func (q *Queue) Store() store.Store { return q.store }

// allStates makes a job unique across its whole life, so that a parked or failed
// job is not replaced by a copy of itself; a new version of the entity is a new
// job.
var allStates = []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStateCancelled, rivertype.JobStateCompleted,
	rivertype.JobStateDiscarded, rivertype.JobStatePending, rivertype.JobStateRetryable,
	rivertype.JobStateRunning, rivertype.JobStateScheduled,
}

// activeStates are the states of a job that has not finished; River requires
// these four in every unique set.
var activeStates = []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
	rivertype.JobStateRunning, rivertype.JobStateScheduled,
}

type jobMeta struct {
	Route  string `json:"route,omitempty"`
	Entity string `json:"entity,omitempty"`
}

func (q *Queue) insertOpts(args Args, queue string) *river.InsertOpts {
	meta, _ := json.Marshal(jobMeta{Route: args.JobRoute(), Entity: args.JobEntity()})
	o := &river.InsertOpts{
		Metadata:    meta,
		Queue:       queue,
		MaxAttempts: q.maxAttempts,
		UniqueOpts:  river.UniqueOpts{ByArgs: true, ByState: allStates},
	}
	if o.Queue == "" {
		o.Queue = DefaultQueue
	}
	if r := args.JobRoute(); r != "" {
		o.Tags = []string{routeTag(r)}
	}
	return o
}

func routeTag(route string) string {
	return "route_" + strings.Trim(queueNameSep.ReplaceAllString(strings.ToLower(route), "_"), "_")
}

// Insert is one job to enqueue.
type Insert struct {
	Args Args
	// Queue is the queue to run it in: QueueName(target connection). Default
	// DefaultQueue.
	Queue string
	// At delays the job; zero runs it now.
	At time.Time
	// WhileActive makes the job unique only while it has not finished: a copy
	// is refused while one waits or runs, and allowed again afterwards (route
	// passes: one at a time per route, across processes).
	WhileActive bool
}

// Enqueued is the result of enqueueing one job.
type Enqueued struct {
	ID int64
	// Duplicate means an identical job (same kind and unique args) already
	// existed, in any state, and nothing was inserted.
	Duplicate bool
}

// Enqueue inserts one job.
func (q *Queue) Enqueue(ctx context.Context, in Insert) (Enqueued, error) {
	opts := q.insertOpts(in.Args, in.Queue)
	opts.ScheduledAt = in.At
	if in.WhileActive {
		opts.UniqueOpts.ByState = activeStates
	}
	res, err := q.client.Insert(ctx, in.Args, opts)
	if err != nil {
		return Enqueued{}, fmt.Errorf("jobs: enqueue %s %s: %w", in.Args.Kind(), in.Args.JobEntity(), err)
	}
	return Enqueued{ID: res.Job.ID, Duplicate: res.UniqueSkippedAsDuplicate}, nil
}

// EnqueueMany inserts jobs, about a megabyte of arguments per round trip; when
// it returns nil every job is durably stored (or was already there), so a
// poller may advance its cursor.
func (q *Queue) EnqueueMany(ctx context.Context, ins []Insert) ([]Enqueued, error) {
	if len(ins) == 0 {
		return nil, nil
	}
	out := make([]Enqueued, 0, len(ins))
	var params []river.InsertManyParams
	size := 0
	flush := func() error {
		if len(params) == 0 {
			return nil
		}
		res, err := q.client.InsertMany(ctx, params)
		if err != nil {
			return fmt.Errorf("jobs: enqueue %d jobs: %w", len(ins), err)
		}
		for _, r := range res {
			out = append(out, Enqueued{ID: r.Job.ID, Duplicate: r.UniqueSkippedAsDuplicate})
		}
		params, size = params[:0], 0
		return nil
	}
	for _, in := range ins {
		opts := q.insertOpts(in.Args, in.Queue)
		opts.ScheduledAt = in.At
		if in.WhileActive {
			opts.UniqueOpts.ByState = activeStates
		}
		// The database and River hold several copies of a batch's arguments
		// while they insert it (a pass of 10,000 orders took 250 MB at once),
		// so large batches go in parts.
		if b, err := json.Marshal(in.Args); err == nil {
			size += len(b)
		}
		params = append(params, river.InsertManyParams{Args: in.Args, InsertOpts: opts})
		if size >= enqueueChunkBytes {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return out, nil
}

// keepStopped is how long cancelled and discarded jobs are kept: a century.
const keepStopped = 100 * 365 * 24 * time.Hour

// enqueueChunkBytes is the size of arguments EnqueueMany inserts at once.
const enqueueChunkBytes = 1 << 20

// db returns the shared *sql.DB; used by metrics.
func (q *Queue) db() *sql.DB { return q.store.DB() }

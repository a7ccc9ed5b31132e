package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/ferryhub/ferry/internal/remote"
	"github.com/ferryhub/ferry/internal/store"
)

// Job is one run of a job, as a handler sees it.
type Job[T Args] struct {
	ID          int64
	Attempt     int
	MaxAttempts int
	Args        T
	// Log is a logger with the job, route and entity attached.
	Log *slog.Logger
}

// HandlerFunc does the work of one job kind. It returns nil on success, an error
// made by NeedsAction or Permanent to stop the job, or any other error to have
// it retried.
type HandlerFunc[T Args] func(ctx context.Context, job *Job[T]) error

// Registry collects the job kinds of the flows before the Queue opens.
type Registry struct {
	workers *river.Workers
	kinds   []string
	q       *Queue
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{workers: river.NewWorkers()} }

// Kinds returns the registered job kinds in registration order.
func (r *Registry) Kinds() []string { return r.kinds }

func (r *Registry) bind(q *Queue) { r.q = q }

// Register adds the handler for the job kind of T. Registering a kind twice panics.
func Register[T Args](r *Registry, h HandlerFunc[T]) {
	var zero T
	river.AddWorker(r.workers, &worker[T]{reg: r, handle: h})
	r.kinds = append(r.kinds, zero.Kind())
}

type worker[T Args] struct {
	river.WorkerDefaults[T]
	reg    *Registry
	handle HandlerFunc[T]
}

func (w *worker[T]) Work(ctx context.Context, rj *river.Job[T]) error {
	q := w.reg.q
	args := rj.Args
	log := q.log.With("job", rj.ID, "kind", rj.Kind, "route", args.JobRoute(), "entity", args.JobEntity())
	start := time.Now()
	ctx = context.WithValue(ctx, jobIDKey{}, runInfo{id: rj.ID, attempt: rj.Attempt, max: rj.MaxAttempts})
	err := w.handle(ctx, &Job[T]{ID: rj.ID, Attempt: rj.Attempt, MaxAttempts: rj.MaxAttempts, Args: args, Log: log})
	outcome := q.settle(ctx, rj.ID, rj.Attempt, rj.MaxAttempts, args, err, log)
	jobDuration.WithLabelValues(rj.Kind, outcome).Observe(time.Since(start).Seconds())
	switch outcome {
	case "ok":
		return nil
	case "parked", "failed_permanent":
		return river.JobCancel(err)
	case "snoozed":
		d, _ := retryAfter(err)
		return river.JobSnooze(d)
	}
	return err
}

type jobIDKey struct{}

// runInfo is the run of a job a handler's ctx belongs to.
type runInfo struct {
	id           int64
	attempt, max int
}

// CurrentID returns the id of the job whose handler ctx belongs to, or 0.
func CurrentID(ctx context.Context) int64 {
	ri, _ := ctx.Value(jobIDKey{}).(runInfo)
	return ri.id
}

// GivesUp reports whether err, returned by the handler whose ctx this is,
// ends the job for good: parked or failed, or transient on its last attempt
// (as settle decides), so that the handler can count its records as such.
func GivesUp(ctx context.Context, err error) bool {
	if err == nil {
		return false
	}
	if ClassOf(err) != ClassTransient {
		return true
	}
	ri, ok := ctx.Value(jobIDKey{}).(runInfo)
	if d, _ := retryAfter(err); !ok || errors.Is(err, context.Canceled) || d > 0 && ctx.Err() == nil {
		return false
	}
	return ri.attempt >= ri.max
}

// settle records what a job's error means and returns the outcome label.
func (q *Queue) settle(ctx context.Context, id int64, attempt, maxAttempts int, args Args, err error, log *slog.Logger) string {
	// Bookkeeping must outlive a cancelled job context (shutdown, timeout).
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	route, entity := args.JobRoute(), args.JobEntity()
	if err == nil {
		// An older job parked or failed on the same record holds nothing now:
		// the route's state is its records' state.
		if n, err := q.store.ResolveSuperseded(bctx, route, entity, id, time.Now().UTC()); err != nil {
			log.Warn("resolving superseded issues", "err", err)
		} else if n > 0 {
			q.logLine(bctx, store.LevelInfo, id, route, entity, fmt.Sprintf("done; %d older parked or failed job(s) of %s need nothing more", n, entity), "")
		}
		return "ok"
	}
	class := ClassOf(err)
	if class == ClassTransient {
		if ra, asked := retryAfter(err); ra > 0 && ctx.Err() == nil {
			msg := fmt.Sprintf("remote asked to wait %v; trying again then: %v", ra.Round(time.Second), err)
			if !asked {
				msg = fmt.Sprintf("waiting %v: %v", ra.Round(time.Second), err)
			}
			q.logLine(bctx, store.LevelInfo, id, route, entity, msg, remoteExcerpt(err))
			return "snoozed"
		}
		if attempt < maxAttempts || errors.Is(err, context.Canceled) {
			q.logLine(bctx, store.LevelWarn, id, route, entity, fmt.Sprintf("attempt %d of %d failed, will retry: %v", attempt, maxAttempts, err), remoteExcerpt(err))
			return "retry"
		}
		reason := fmt.Sprintf("gave up after %d attempts: %v", attempt, err)
		q.recordIssue(bctx, id, route, entity, store.Permanent, reason, "", log)
		return "failed"
	}
	reason, dependsOn := reasonOf(err)
	if class == ClassNeedsAction {
		q.recordIssue(bctx, id, route, entity, store.NeedsAction, reason, dependsOn, log)
		return "parked"
	}
	q.recordIssue(bctx, id, route, entity, store.Permanent, reason, "", log)
	return "failed_permanent"
}

func (q *Queue) recordIssue(ctx context.Context, id int64, route, entity string, class store.IssueClass, reason, dependsOn string, log *slog.Logger) {
	now := time.Now().UTC()
	if err := q.store.PutIssue(ctx, store.JobIssue{JobID: id, Route: route, Entity: entity, Class: class, Reason: reason, DependsOn: dependsOn, CreatedAt: now}); err != nil {
		// The job's own error still reaches River's error list; say why the issue
		// row is missing.
		log.Error("recording job issue", "err", err)
	}
	level := store.LevelError
	verb := "failed"
	if class == store.NeedsAction {
		level, verb = store.LevelWarn, "parked (needs action)"
	}
	q.logLine(ctx, level, id, route, entity, verb+": "+reason, "")
}

func (q *Queue) logLine(ctx context.Context, level store.Level, id int64, route, entity, msg, remoteText string) {
	if _, err := q.store.AddLog(ctx, store.LogLine{Time: time.Now().UTC(), Level: level, Route: route, JobID: id, Entity: entity, Message: msg, Remote: remoteText}); err != nil {
		q.log.Error("writing log line", "err", err, "job", id)
	}
	q.log.Log(ctx, slogLevel(level), msg, "job", id, "route", route, "entity", entity)
}

func slogLevel(l store.Level) slog.Level {
	switch l {
	case store.LevelError:
		return slog.LevelError
	case store.LevelWarn:
		return slog.LevelWarn
	case store.LevelDebug:
		return slog.LevelDebug
	}
	return slog.LevelInfo
}

func remoteExcerpt(err error) string {
	var re *remote.Error
	if errors.As(err, &re) {
		return re.Body
	}
	return ""
}

package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/ferryhub/ferry/internal/store"
)

// State is a job's state as ferry shows it: River's states, with cancelled jobs
// that carry an issue shown as parked or failed.
type State string

// Job states.
const (
	StateAvailable State = "available"
	StateScheduled State = "scheduled"
	StateRunning   State = "running"
	StateRetryable State = "retryable"
	StateCompleted State = "completed"
	StateParked    State = "parked"
	StateFailed    State = "failed"
	StateCancelled State = "cancelled"
	StatePending   State = "pending"
)

// States lists every state, in the order people read them.
var States = []State{StateParked, StateFailed, StateRetryable, StateRunning, StateAvailable, StateScheduled, StatePending, StateCompleted, StateCancelled}

// Info describes one job.
type Info struct {
	ID          int64     `json:"id"`
	Kind        string    `json:"kind"`
	Queue       string    `json:"queue"`
	State       State     `json:"state"`
	Route       string    `json:"route,omitempty"`
	Entity      string    `json:"entity,omitempty"`
	Attempt     int       `json:"attempt"`
	MaxAttempts int       `json:"max_attempts"`
	CreatedAt   time.Time `json:"created_at"`
	ScheduledAt time.Time `json:"scheduled_at"`
	FinalizedAt time.Time `json:"finalized_at,omitzero"`
	// LastError is the newest error River recorded for the job.
	LastError string `json:"last_error,omitempty"`
	// Reason is why a parked or failed job stopped.
	Reason    string `json:"reason,omitempty"`
	DependsOn string `json:"depends_on,omitempty"`
	// Args are the job's arguments as JSON.
	Args json.RawMessage `json:"args,omitempty"`
}

// Filter selects jobs for List; zero fields match everything.
type Filter struct {
	Route  string
	Kinds  []string
	States []State
	// Limit caps the result; default 100.
	Limit int
	// After, when set, is the id of the last job of the previous page: List
	// returns the jobs after it in its order (older ones).
	After int64
}

// Get returns one job.
func (q *Queue) Get(ctx context.Context, id int64) (Info, error) {
	row, err := q.client.JobGet(ctx, id)
	if err != nil {
		if errors.Is(err, river.ErrNotFound) {
			return Info{}, fmt.Errorf("jobs: job %d: %w", id, store.ErrNotFound)
		}
		return Info{}, fmt.Errorf("jobs: get job %d: %w", id, err)
	}
	infos, err := q.describe(ctx, []*rivertype.JobRow{row})
	if err != nil {
		return Info{}, err
	}
	return infos[0], nil
}

// Active reports whether the route has a job that will still run (available,
// running, retryable, scheduled or pending). It reads neither arguments nor
// issues, so a caller may poll it while large jobs run.
func (q *Queue) Active(ctx context.Context, route string) (bool, error) {
	query := `SELECT EXISTS (SELECT 1 FROM river_job WHERE state IN ('available', 'running', 'retryable', 'scheduled', 'pending') AND $1 = ANY(tags))`
	if q.store.Dialect() == store.SQLite {
		query = `SELECT EXISTS (SELECT 1 FROM river_job WHERE state IN ('available', 'running', 'retryable', 'scheduled', 'pending') AND EXISTS (SELECT 1 FROM json_each(river_job.tags) WHERE value = ?))`
	}
	var active bool
	if err := q.store.DB().QueryRowContext(ctx, query, routeTag(route)).Scan(&active); err != nil {
		return false, fmt.Errorf("jobs: looking for active jobs of route %s: %w", route, err)
	}
	return active, nil
}

// List returns jobs matching f, newest first.
func (q *Queue) List(ctx context.Context, f Filter) ([]Info, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	want := map[State]bool{}
	var riverStates []rivertype.JobState
	for _, s := range f.States {
		want[s] = true
		switch s {
		case StateParked, StateCancelled:
			riverStates = append(riverStates, rivertype.JobStateCancelled)
		case StateFailed:
			riverStates = append(riverStates, rivertype.JobStateCancelled, rivertype.JobStateDiscarded)
		default:
			riverStates = append(riverStates, rivertype.JobState(s))
		}
	}
	var out []Info
	var cursor *river.JobListCursor
	if f.After > 0 {
		row, err := q.client.JobGet(ctx, f.After)
		if err != nil {
			return nil, fmt.Errorf("jobs: list after job %d: %w", f.After, err)
		}
		cursor = river.JobListCursorFromJob(row)
	}
	// River lists at most 10,000 jobs a call; page below that.
	page := min(f.Limit, 1000)
	for len(out) < f.Limit {
		p := river.NewJobListParams().OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(page)
		if len(riverStates) > 0 {
			p = p.States(riverStates...)
		} else {
			p = p.States(allStates...)
		}
		if f.Route != "" {
			p = p.TagsAny(routeTag(f.Route))
		}
		if len(f.Kinds) > 0 {
			p = p.Kinds(f.Kinds...)
		}
		if cursor != nil {
			p = p.After(cursor)
		}
		res, err := q.client.JobList(ctx, p)
		if err != nil {
			return nil, fmt.Errorf("jobs: list: %w", err)
		}
		infos, err := q.describe(ctx, res.Jobs)
		if err != nil {
			return nil, err
		}
		for _, in := range infos {
			if len(want) == 0 || want[in.State] {
				out = append(out, in)
			}
		}
		if len(res.Jobs) < page || res.LastCursor == nil {
			break
		}
		cursor = res.LastCursor
	}
	if len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

func (q *Queue) describe(ctx context.Context, rows []*rivertype.JobRow) ([]Info, error) {
	var stopped []int64
	for _, r := range rows {
		if r.State == rivertype.JobStateCancelled || r.State == rivertype.JobStateDiscarded {
			stopped = append(stopped, r.ID)
		}
	}
	issues := map[int64]store.JobIssue{}
	if len(stopped) > 0 {
		list, err := q.store.ListIssues(ctx, store.IssueFilter{Open: true, JobIDs: stopped})
		if err != nil {
			return nil, fmt.Errorf("jobs: reading job issues: %w", err)
		}
		for _, is := range list {
			issues[is.JobID] = is
		}
	}
	out := make([]Info, len(rows))
	for i, r := range rows {
		var meta jobMeta
		_ = json.Unmarshal(r.Metadata, &meta)
		in := Info{
			ID: r.ID, Kind: r.Kind, Queue: r.Queue, State: State(r.State), Route: meta.Route, Entity: meta.Entity,
			Attempt: r.Attempt, MaxAttempts: r.MaxAttempts, CreatedAt: r.CreatedAt, ScheduledAt: r.ScheduledAt, Args: r.EncodedArgs,
		}
		if r.FinalizedAt != nil {
			in.FinalizedAt = *r.FinalizedAt
		}
		if n := len(r.Errors); n > 0 {
			in.LastError = plainError(r.Errors[n-1].Error)
		}
		if is, ok := issues[r.ID]; ok {
			in.Reason, in.DependsOn = is.Reason, is.DependsOn
			if is.Class == store.NeedsAction {
				in.State = StateParked
			} else {
				in.State = StateFailed
			}
		} else if r.State == rivertype.JobStateDiscarded {
			in.State = StateFailed
			in.Reason = in.LastError
		}
		out[i] = in
	}
	return out, nil
}

// Retry makes a parked, failed, cancelled, scheduled or retryable job run again now.
// A running job is left alone.
func (q *Queue) Retry(ctx context.Context, id int64) error {
	row, err := q.client.JobRetry(ctx, id)
	if err != nil {
		if errors.Is(err, river.ErrNotFound) {
			return fmt.Errorf("jobs: retry job %d: %w", id, store.ErrNotFound)
		}
		return fmt.Errorf("jobs: retry job %d: %w", id, err)
	}
	if row.State == rivertype.JobStateRunning {
		process, alive, err := q.Owner(ctx, id)
		if err != nil {
			return err
		}
		if process == "" {
			return fmt.Errorf("jobs: job %d is running; it was left alone", id)
		}
		if alive {
			return fmt.Errorf("jobs: job %d is running in process %s, which is alive; it was left alone", id, process)
		}
		return fmt.Errorf("jobs: job %d was running in process %s, which stopped; a working ferry process takes it back within seconds", id, process)
	}
	if err := q.store.ResolveIssue(ctx, id, time.Now().UTC()); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("jobs: retry job %d: %w", id, err)
	}
	var meta jobMeta
	_ = json.Unmarshal(row.Metadata, &meta)
	q.logLine(ctx, store.LevelInfo, id, meta.Route, meta.Entity, "retry requested", "")
	return nil
}

// RetryIssues retries every open parked or failed job that f selects (a route's,
// or those depending on a changed mapping) and returns how many it retried.
func (q *Queue) RetryIssues(ctx context.Context, f store.IssueFilter) (int, error) {
	f.Open = true
	list, err := q.store.ListIssues(ctx, f)
	if err != nil {
		return 0, fmt.Errorf("jobs: listing issues: %w", err)
	}
	n := 0
	var errs []error
	for _, is := range list {
		if err := q.Retry(ctx, is.JobID); err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

// Cancel stops a job that has not finished; a running job is cancelled as soon as
// its handler notices.
func (q *Queue) Cancel(ctx context.Context, id int64) error {
	// A finished job has nothing left to cancel: say so rather than claim it.
	if in, err := q.Get(ctx, id); err == nil {
		switch in.State {
		case StateCompleted:
			return fmt.Errorf("job %d is completed: nothing to cancel", id)
		case StateCancelled:
			return fmt.Errorf("job %d is cancelled already", id)
		}
	}
	row, err := q.client.JobCancel(ctx, id)
	if err != nil {
		if errors.Is(err, river.ErrNotFound) {
			return fmt.Errorf("jobs: cancel job %d: %w", id, store.ErrNotFound)
		}
		return fmt.Errorf("jobs: cancel job %d: %w", id, err)
	}
	if err := q.store.ResolveIssue(ctx, id, time.Now().UTC()); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("jobs: cancel job %d: %w", id, err)
	}
	var meta jobMeta
	_ = json.Unmarshal(row.Metadata, &meta)
	q.logLine(ctx, store.LevelInfo, id, meta.Route, meta.Entity, "cancelled by an operator", "")
	return nil
}

// Count returns how many jobs f selects (Limit and After aside), with parked
// and failed told apart from cancelled as List tells them.
func (q *Queue) Count(ctx context.Context, f Filter) (int, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		if q.store.Dialect() == store.SQLite {
			return "?"
		}
		return fmt.Sprintf("$%d", len(args))
	}
	if f.Route != "" {
		if q.store.Dialect() == store.SQLite {
			where = append(where, "EXISTS (SELECT 1 FROM json_each(j.tags) WHERE value = "+arg(routeTag(f.Route))+")")
		} else {
			where = append(where, arg(routeTag(f.Route))+" = ANY(j.tags)")
		}
	}
	if len(f.Kinds) > 0 {
		var in []string
		for _, k := range f.Kinds {
			in = append(in, arg(k))
		}
		where = append(where, "j.kind IN ("+strings.Join(in, ", ")+")")
	}
	state := `CASE WHEN i.class = 'needs_action' THEN 'parked'
		WHEN i.job_id IS NOT NULL OR CAST(j.state AS TEXT) = 'discarded' THEN 'failed'
		ELSE CAST(j.state AS TEXT) END`
	if len(f.States) > 0 {
		var in []string
		for _, s := range f.States {
			in = append(in, arg(string(s)))
		}
		where = append(where, state+" IN ("+strings.Join(in, ", ")+")")
	}
	query := `SELECT COUNT(*) FROM river_job j LEFT JOIN job_issues i ON i.job_id = j.id AND i.resolved_at IS NULL
		AND CAST(j.state AS TEXT) IN ('cancelled', 'discarded')`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	var n int
	if err := q.db().QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("jobs: counting jobs: %w", err)
	}
	return n, nil
}

// plainError drops the Go type name River puts before a cancelled or snoozed
// job's error ("JobCancelError: …"): people read the cause.
func plainError(msg string) string {
	for _, prefix := range []string{"JobCancelError: ", "JobSnoozeError: "} {
		msg = strings.TrimPrefix(msg, prefix)
	}
	return msg
}

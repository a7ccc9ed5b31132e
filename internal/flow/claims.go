package flow

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/store"
)

// A record of a route belongs to one job at a time, whatever the jobs' states
// and in however many processes: a pass hands a record to a new job only when no
// job will still run for it and no stopped (parked, failed) job holds the same
// version of it, and a job writes only the records it owns. The owner is kept in
// the store's claims (route, record) → (job, version).

// owners is what a pass knows of a page's records' jobs.
type owners struct {
	claims map[string]store.Claim
	phases map[int64]jobs.Phase
}

// ownersOf reads the claims of entities and the phase of their jobs.
func (rt *Runtime) ownersOf(ctx context.Context, route string, entities []string) (owners, error) {
	o := owners{claims: map[string]store.Claim{}}
	if len(entities) == 0 {
		return o, nil
	}
	list, err := rt.Store.ListClaims(ctx, route, entities)
	if err != nil {
		return o, err
	}
	ids := make([]int64, 0, len(list))
	for _, c := range list {
		o.claims[c.Entity] = c
		ids = append(ids, c.JobID)
	}
	if o.phases, err = rt.Queue.Phases(ctx, ids); err != nil {
		return o, err
	}
	return o, nil
}

// hold says whether a pass must leave entity at version to the job that owns
// it: active when that job will still run (the cursor must then stay before the
// record, so a later pass reads it again), and otherwise the stopped job's id
// when it holds this very version (a person retries it).
func (o owners) hold(entity, version string) (active bool, stopped int64) {
	c, ok := o.claims[entity]
	if !ok {
		return false, 0
	}
	switch o.phases[c.JobID] {
	case jobs.PhaseActive:
		return true, 0
	case jobs.PhaseStopped:
		if c.Version == version {
			return false, c.JobID
		}
	}
	return false, 0
}

// claim hands records to jobs, each only if its owner is still the one the
// caller read (prev), so that a hand-over a job made meanwhile (a batch moving
// a failed record to a job of its own) is never undone. It reports which it
// handed.
func (rt *Runtime) claim(ctx context.Context, route string, recs []claimed) ([]bool, error) {
	if len(recs) == 0 {
		return nil, nil
	}
	now := time.Now().UTC()
	cs := make([]store.Claim, len(recs))
	for i, r := range recs {
		cs[i] = store.Claim{Route: route, Entity: r.entity, JobID: r.job, Version: r.version, UpdatedAt: now, Prev: r.prev}
	}
	return rt.Store.SwapClaims(ctx, cs)
}

type claimed struct {
	entity, version string
	job             int64
	// prev is the owner the caller read (0: none).
	prev int64
}

// enqueueOwned stores the jobs of a pass and hands each job the records of
// its batch: recs(i) names batch i's records and versions. Jobs are stored
// first, so a record is never claimed by a job that does not exist.
func (rt *Runtime) enqueueOwned(ctx context.Context, route string, own owners, ins []jobs.Insert, recs func(i int) (entities, versions []string)) error {
	got, err := rt.Queue.EnqueueMany(ctx, ins)
	if err != nil {
		return err
	}
	var cs []claimed
	for i := range ins {
		entities, versions := recs(i)
		for k, e := range entities {
			cs = append(cs, claimed{entity: e, version: versions[k], job: got[i].ID, prev: own.prevOwner(e)})
		}
	}
	_, err = rt.claim(ctx, route, cs)
	return err
}

// spill stores the jobs a running job moves its failed records into (one
// record each: entities[i] at versions[i] for ins[i]) and hands each record
// from the running job to its new one (which may have taken it already).
func (rt *Runtime) spill(ctx context.Context, route string, ins []jobs.Insert, entities, versions []string) error {
	got, err := rt.Queue.EnqueueMany(ctx, ins)
	if err != nil {
		return err
	}
	from := jobs.CurrentID(ctx)
	cs := make([]claimed, len(ins))
	for i := range ins {
		cs[i] = claimed{entity: entities[i], version: versions[i], job: got[i].ID, prev: from}
	}
	_, err = rt.claim(ctx, route, cs)
	return err
}

// checkpoint moves a pass's cursor to a page's checkpoint through, but never
// past a change left to a job that will still run (held: the next pass reads
// it again) nor past the end of a person's period (until).
func (rt *Runtime) checkpoint(ctx context.Context, route, name string, through, held, until time.Time) error {
	cur := through
	if !held.IsZero() && !cur.Before(held) {
		cur = held.Add(-time.Second)
	}
	if !until.IsZero() && cur.After(until) {
		cur = until
	}
	return AdvanceCursor(ctx, rt.Store, route, name, cur)
}

// prevOwner is the job own says owns entity, or 0.
func (o owners) prevOwner(entity string) int64 { return o.claims[entity].JobID }

// mine returns, for a job about to write records at the given versions, which
// of them it owns, and takes the ones nobody owns, or whose owner completed or
// holds an older version. A record that another job, still to run or stopped,
// owns at the same or a newer version is left to that job: it is a stale copy
// here (a retried job whose record was handed on).
//
// from is the job that handed the records to this one (a batch moving a failed
// record into a job of its own), which still owns them until it records the
// hand-over: its claim counts as this job's.
func (rt *Runtime) mine(ctx context.Context, route string, job, from int64, entities, versions []string) ([]bool, error) {
	own, err := rt.ownersOf(ctx, route, entities)
	if err != nil {
		return nil, err
	}
	keep := make([]bool, len(entities))
	var take []claimed
	var at []int
	for i, e := range entities {
		c, ok := own.claims[e]
		if ok && c.JobID == job {
			keep[i] = true
			continue
		}
		if ok && !newerVersion(versions[i], c.Version) && (from == 0 || c.JobID != from) {
			if ph := own.phases[c.JobID]; ph == jobs.PhaseActive || ph == jobs.PhaseStopped {
				continue
			}
		}
		take = append(take, claimed{entity: e, version: versions[i], job: job, prev: c.JobID})
		at = append(at, i)
	}
	got, err := rt.claim(ctx, route, take)
	if err != nil {
		return nil, err
	}
	// A record whose owner changed since it was read is another job's now,
	// unless the change was the pass handing it to this very job.
	var lost []string
	for k, i := range at {
		keep[i] = got[k]
		if !got[k] {
			lost = append(lost, entities[i])
		}
	}
	if len(lost) > 0 {
		now, err := rt.Store.ListClaims(ctx, route, lost)
		if err != nil {
			return nil, err
		}
		mineNow := map[string]bool{}
		for _, c := range now {
			mineNow[c.Entity] = c.JobID == job
		}
		for _, i := range at {
			if mineNow[entities[i]] {
				keep[i] = true
			}
		}
	}
	return keep, nil
}

// newerVersion reports whether version a is later than b: times when both are
// RFC 3339 times (with an order's content hash after "#"), else a plain
// comparison.
func newerVersion(a, b string) bool {
	at, ah, _ := strings.Cut(a, "#")
	bt, bh, _ := strings.Cut(b, "#")
	ta, ea := time.Parse(time.RFC3339Nano, at)
	tb, eb := time.Parse(time.RFC3339Nano, bt)
	if ea == nil && eb == nil {
		// Within one second (the shop's precision) a different content is
		// taken as the newer: it is what the caller read last.
		return ta.After(tb) || ta.Equal(tb) && ah != bh
	}
	return a > b
}

// withKeys serializes writes of these natural keys in the target across
// processes while f runs, so that two jobs can never both find a record
// missing and create it.
func (rt *Runtime) withKeys(ctx context.Context, keys []string, f func() error) error {
	if len(keys) == 0 {
		return f()
	}
	l := rt.Locks
	if l == nil {
		l = store.NewLocker(rt.Store, "local")
	}
	unlock, err := l.Lock(ctx, keys...)
	if err != nil {
		return fmt.Errorf("waiting for %d records another job is writing: %w", len(keys), err)
	}
	defer unlock()
	return f()
}

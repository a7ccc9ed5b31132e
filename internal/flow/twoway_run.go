package flow

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/store"
)

// syncRun is one sync of a page of records, under the page's leases.
type syncRun[T any] struct {
	k    *syncKind[T]
	rt   *Runtime
	e    syncEnv
	x, y syncSide[T]
	res  Result
	// skips are the records not taken, with the reason; done the ones
	// synced, whose old skips go.
	skips []store.Skip
	done  []string
	retry []error
	wait  *waitError
}

// syncPlan is what a sync does with one record of the source.
type syncPlan[T any] struct {
	id string
	x  T
	fx recFields
	l  *pairLink
	// y is the other side's record (hasY), read by its link or found by key.
	y    T
	hasY bool
	fy   recFields
	// create makes the record on the other side; toY and toX are the fields
	// written to the other side and back to the source.
	create    bool
	toY, toX  []string
	conflicts []string
	xWins     bool
	// found: linked now by its key, not by an earlier link.
	found bool
	// written records (read back), and whether each write failed.
	xw, yw       T
	xDone, yDone bool
	failed       bool
}

// archivedField is never written: archiving is no deletion to carry.
const archivedField = "archived"

func (s *syncRun[T]) skip(ctx context.Context, v T, id, reason string, level store.Level) {
	s.res.Skipped++
	s.skips = append(s.skips, store.Skip{Route: s.e.route, Entity: s.e.prefix + id, Label: s.k.label(v), Version: fieldsOf(v).hash(), Reason: reason})
	if level != "" {
		s.rt.logLine(ctx, level, s.e.route, s.k.label(v), reason)
	}
}

func (s *syncRun[T]) run(ctx context.Context, ids []string, byID map[string]T) error {
	k, e := s.k, s.e
	links, err := s.rt.pairLinks(ctx, k.link, e.from, e.to, ids)
	if err != nil {
		return err
	}
	var plans []*syncPlan[T]
	var yIDs []string
	for _, id := range ids {
		l := links[id]
		v, ok := byID[id]
		if !ok {
			// Gone from the source since the pass read it.
			if l != nil && !l.side(e.from).Gone {
				l.side(e.from).Gone = true
				s.rt.logLine(ctx, store.LevelWarn, e.route, fmt.Sprintf("%s %s %s", e.from, k.noun, id),
					fmt.Sprintf("%s %s %s was deleted in %s (or is no %s there any more); ferry deletes nothing: %s %s stays in %s (delete it there by hand if it should go)", e.from, k.noun, id, e.from, k.noun, k.noun, l.side(e.to).ID, e.to))
				if err := s.rt.putPair(ctx, l); err != nil {
					return err
				}
			}
			s.res.Unchanged++
			continue
		}
		p := &syncPlan[T]{id: id, x: v, fx: fieldsOf(v), l: l}
		if l != nil {
			sx, sy := l.side(e.from), l.side(e.to)
			if sx.Hash == p.fx.hash() {
				s.res.Unchanged++
				continue
			}
			if sy.Gone {
				s.gone(ctx, p, e.to)
				continue
			}
			yIDs = append(yIDs, sy.ID)
		}
		plans = append(plans, p)
	}
	if err := s.readLinked(ctx, plans, yIDs); err != nil {
		return err
	}
	if err := s.findUnlinked(ctx, plans); err != nil {
		return err
	}
	var todo []*syncPlan[T]
	for _, p := range plans {
		if !p.failed {
			todo = append(todo, p)
		}
	}
	if err := s.write(ctx, todo); err != nil {
		return err
	}
	if err := s.finish(ctx, todo); err != nil {
		return err
	}
	if err := s.rt.Store.PutSkips(ctx, s.skips); err != nil {
		return err
	}
	if len(s.done) > 0 {
		if err := s.rt.Store.DeleteSkips(ctx, e.route, s.done); err != nil {
			return err
		}
	}
	if s.wait != nil {
		s.wait.others = s.retry
		return s.wait
	}
	// The others are written and linked: a retry writes only these.
	return errors.Join(s.retry...)
}

// gone records that the pair's record on side was deleted there: the
// source's change is taken (not read again) and logged, nothing is created.
func (s *syncRun[T]) gone(ctx context.Context, p *syncPlan[T], side string) {
	e, k := s.e, s.k
	other := e.from
	if side == e.from {
		other = e.to
	}
	p.l.side(e.from).set(p.id, p.fx, s.k.updated(p.x), false)
	p.l.side(side).Gone = true
	reason := fmt.Sprintf("%s %s %s was deleted in %s (or is no %s there any more); ferry deletes nothing and does not create it again, so the change of %s %s is not written there (%s keeps its own; delete it there too by hand if it should go)",
		side, k.noun, p.l.side(side).ID, side, k.noun, other, p.l.side(other).ID, other)
	if side == e.from {
		reason = fmt.Sprintf("%s %s %s was deleted in %s (or is no %s there any more); ferry deletes nothing: %s %s stays", side, k.noun, p.id, side, k.noun, other, p.l.side(other).ID)
	}
	s.skip(ctx, p.x, p.id, reason, store.LevelWarn)
	if err := s.rt.putPair(ctx, p.l); err != nil {
		s.retry = append(s.retry, err)
	}
	p.failed = true
}

// readLinked reads the linked records on the other side and decides what
// each pair needs.
func (s *syncRun[T]) readLinked(ctx context.Context, plans []*syncPlan[T], yIDs []string) error {
	if len(yIDs) == 0 {
		return nil
	}
	e, k := s.e, s.k
	ys, err := s.y.read(ctx, yIDs)
	if err != nil {
		return fmt.Errorf("route %s: reading %d %s records from %s: %w", e.route, len(yIDs), k.noun, e.to, err)
	}
	byID := map[string]T{}
	for _, v := range ys {
		byID[k.id(v)] = v
	}
	for _, p := range plans {
		if p.l == nil {
			continue
		}
		sx, sy := p.l.side(e.from), p.l.side(e.to)
		yv, ok := byID[sy.ID]
		if !ok {
			s.gone(ctx, p, e.to)
			continue
		}
		p.y, p.hasY, p.fy = yv, true, fieldsOf(yv)
		dX := diff(sx.Seen, p.fx)
		var dY []string
		if p.fy.hash() != sy.Hash {
			dY = diff(sy.Seen, p.fy)
		}
		s.decide(p, dX, dY)
	}
	return nil
}

// decide sets what a pair writes: the fields changed on one side only go
// to the other, a field changed on both to different values goes the way of
// the side whose record changed later.
func (s *syncRun[T]) decide(p *syncPlan[T], dX, dY []string) {
	dX, dY = without(dX, archivedField), without(dY, archivedField)
	inX, inY := map[string]bool{}, map[string]bool{}
	for _, f := range dX {
		inX[f] = true
	}
	for _, f := range dY {
		inY[f] = true
	}
	p.xWins = !s.k.updated(p.y).After(s.k.updated(p.x))
	for _, f := range dX {
		if p.fx.equal(p.fy, f) {
			continue
		}
		if inY[f] {
			p.conflicts = append(p.conflicts, f)
			if !p.xWins {
				continue
			}
		}
		p.toY = append(p.toY, f)
	}
	for _, f := range dY {
		if p.fx.equal(p.fy, f) || (inX[f] && p.xWins) {
			continue
		}
		p.toX = append(p.toX, f)
	}
}

// findUnlinked looks the records without a link up by their natural key on
// the other side.
func (s *syncRun[T]) findUnlinked(ctx context.Context, plans []*syncPlan[T]) error {
	e, k := s.e, s.k
	byKey := map[string]*syncPlan[T]{}
	var keys []string
	for _, p := range plans {
		if p.l != nil || p.failed {
			continue
		}
		if p.fx[archivedField] != nil {
			s.skip(ctx, p.x, p.id, fmt.Sprintf("%s is archived in %s; ferry does not create it in %s", k.label(p.x), e.from, e.to), "")
			p.failed = true
			continue
		}
		key := k.key(p.x)
		if key == "" {
			s.skip(ctx, p.x, p.id, fmt.Sprintf("%s has no %s, the key %s records are linked by; give it one in %s", k.label(p.x), k.keyName, k.noun, e.from), "")
			p.failed = true
			continue
		}
		if first, ok := byKey[key]; ok {
			s.skip(ctx, p.x, p.id, fmt.Sprintf("%s %s %s has the %s %q of %s %s %s too; merge them in %s (ferry links one record to one)", e.from, k.noun, p.id, k.keyName, key, e.from, k.noun, first.id, e.from), store.LevelWarn)
			p.failed = true
			continue
		}
		byKey[key] = p
		keys = append(keys, key)
	}
	if len(keys) == 0 {
		return nil
	}
	ms, err := s.y.find(ctx, keys)
	if err != nil {
		return fmt.Errorf("route %s: looking %d %s records up in %s: %w", e.route, len(keys), k.noun, e.to, err)
	}
	var found []string
	for _, m := range ms {
		p := byKey[m.Key]
		if p == nil {
			continue
		}
		switch {
		case m.Err != nil:
			s.skip(ctx, p.x, p.id, fmt.Sprintf("%s: %s cannot say which record it is: %v", k.label(p.x), e.to, m.Err), store.LevelWarn)
			p.failed = true
		case m.Found:
			p.y, p.hasY, p.fy, p.found = m.Record, true, fieldsOf(m.Record), true
			found = append(found, k.id(m.Record))
		}
	}
	taken, err := s.rt.pairLinks(ctx, k.link, e.to, e.from, found)
	if err != nil {
		return err
	}
	claimed := map[string]string{}
	for _, key := range keys {
		p := byKey[key]
		if p.failed {
			continue
		}
		if !p.hasY {
			p.create, p.l = true, newPair(k.link, e.from, e.to)
			continue
		}
		yid := k.id(p.y)
		if other, ok := taken[yid]; ok {
			s.skip(ctx, p.x, p.id, fmt.Sprintf("%s %s %s holding the %s %q is linked to %s %s %s already, so two %s records share it; merge them in %s (ferry links one record to one)",
				e.to, k.noun, yid, k.keyName, key, e.from, k.noun, other.side(e.from).ID, e.from, e.from), store.LevelWarn)
			p.failed = true
			continue
		}
		if first, ok := claimed[yid]; ok {
			s.skip(ctx, p.x, p.id, fmt.Sprintf("%s %s %s is the record of %s %s %s too; merge them in %s", e.to, k.noun, yid, e.from, k.noun, first, e.from), store.LevelWarn)
			p.failed = true
			continue
		}
		claimed[yid] = p.id
		// Nothing seen before: every field either side holds is its change.
		s.decide(p, keysOf(p.fx), keysOf(p.fy))
		p.l = newPair(k.link, e.from, e.to)
	}
	return nil
}

func keysOf(f recFields) []string {
	out := make([]string, 0, len(f))
	for k := range f {
		out = append(out, k)
	}
	return out
}

// write sends the page's writes: one call to the other side, one back to the
// source for the fields it lost to the other side.
func (s *syncRun[T]) write(ctx context.Context, plans []*syncPlan[T]) error {
	e, k := s.e, s.k
	var toY, toX []model.Upsert[T]
	var atY, atX []*syncPlan[T]
	for _, p := range plans {
		switch {
		case p.create:
			var zero T
			toY = append(toY, model.Upsert[T]{Record: overlay(zero, p.x, keysOf(p.fx))})
			atY = append(atY, p)
		case len(p.toY) > 0:
			toY = append(toY, model.Upsert[T]{Record: overlay(p.y, p.x, p.toY), RemoteID: k.id(p.y), Fields: p.toY})
			atY = append(atY, p)
		}
		if len(p.toX) > 0 {
			toX = append(toX, model.Upsert[T]{Record: overlay(p.x, p.y, p.toX), RemoteID: p.id, Fields: p.toX})
			atX = append(atX, p)
		}
	}
	if err := s.send(ctx, s.y, e.to, toY, atY, false); err != nil {
		return err
	}
	return s.send(ctx, s.x, e.from, toX, atX, true)
}

func (s *syncRun[T]) send(ctx context.Context, side syncSide[T], conn string, ws []model.Upsert[T], at []*syncPlan[T], back bool) error {
	if len(ws) == 0 {
		return nil
	}
	e, k := s.e, s.k
	results, err := side.write(ctx, ws)
	if err != nil {
		return fmt.Errorf("route %s: writing %d %s records to %s: %w", e.route, len(ws), k.noun, conn, err)
	}
	if len(results) != len(ws) {
		return fmt.Errorf("route %s: %s answered %d results for %d %s records", e.route, conn, len(results), len(ws), k.noun)
	}
	for i, wr := range results {
		p := at[i]
		if p.failed {
			continue
		}
		if wr.Err != nil {
			s.failed(ctx, p, conn, wr.Err)
			continue
		}
		if back {
			p.xw, p.xDone = wr.Record, true
		} else {
			p.yw, p.yDone = wr.Record, true
			if p.create {
				p.hasY = true
			}
		}
	}
	return nil
}

// failed handles a write refused or failed for one record.
func (s *syncRun[T]) failed(ctx context.Context, p *syncPlan[T], conn string, err error) {
	e, k := s.e, s.k
	p.failed = true
	switch {
	case errors.Is(err, model.ErrGone) && p.l != nil && p.l.stored.Connection != "":
		s.gone(ctx, p, conn)
	case errors.Is(err, model.ErrNoCompany):
		if s.wait == nil {
			s.wait = &waitError{}
		}
		s.wait.ids = append(s.wait.ids, p.id)
		s.wait.reasons = append(s.wait.reasons, fmt.Sprintf("%s waits for its company in %s: %v", k.label(p.x), conn, err))
	case jobs.ClassOf(err) == jobs.ClassTransient || strings.HasPrefix(jobs.DependsOnOf(err), "connection:"):
		// Tried again (or parked on the connection, a refused key): the
		// record is not at fault.
		s.retry = append(s.retry, fmt.Errorf("%s: %w", k.label(p.x), err))
	default:
		// Refused for good: shown with the reason, taken again when the
		// record changes.
		s.res.Failed++
		reason := fmt.Sprintf("%s: %s refused it: %v", k.label(p.x), conn, err)
		s.skips = append(s.skips, store.Skip{Route: e.route, Entity: e.prefix + p.id, Label: k.label(p.x), Version: p.fx.hash(), Reason: reason})
		s.rt.logLine(ctx, store.LevelError, e.route, k.label(p.x), reason)
	}
}

// finish links the records whose writes all went through, and logs their
// conflicts and archivings.
func (s *syncRun[T]) finish(ctx context.Context, plans []*syncPlan[T]) error {
	e, k := s.e, s.k
	for _, p := range plans {
		if p.failed || !p.hasY {
			continue
		}
		x, y := p.x, p.y
		if p.xDone {
			x = p.xw
		}
		if p.yDone {
			y = p.yw
		}
		sx, sy := p.l.side(e.from), p.l.side(e.to)
		if p.l.stored.Connection != "" && !sx.Seen.equal(p.fx, archivedField) {
			if p.fx[archivedField] != nil {
				s.rt.logLine(ctx, store.LevelInfo, e.route, k.label(p.x), fmt.Sprintf("%s was archived in %s; ferry archives and deletes nothing, so %s %s stays in %s", k.label(p.x), e.from, k.noun, k.id(y), e.to))
			} else {
				s.rt.logLine(ctx, store.LevelInfo, e.route, k.label(p.x), fmt.Sprintf("%s was restored in %s", k.label(p.x), e.from))
			}
		}
		if len(p.conflicts) > 0 {
			s.logConflict(ctx, p)
		}
		sx.set(p.id, fieldsOf(x), k.updated(x), p.xDone)
		sy.set(k.id(y), fieldsOf(y), k.updated(y), p.yDone)
		if err := s.rt.putPair(ctx, p.l); err != nil {
			return err
		}
		s.done = append(s.done, e.prefix+p.id)
		switch {
		case p.create:
			s.res.Created++
		case p.xDone || p.yDone:
			s.res.Updated++
		default:
			s.res.Unchanged++
		}
	}
	return nil
}

// logConflict says which side's values of a pair's conflicting fields were
// not kept.
func (s *syncRun[T]) logConflict(ctx context.Context, p *syncPlan[T]) {
	e, k := s.e, s.k
	win, lose, lost := e.from, e.to, p.fy
	if !p.xWins {
		win, lose, lost = e.to, e.from, p.fx
	}
	how := "changed in both since the last sync"
	if p.found {
		how = "found in both by its " + k.keyName + " with different values"
	}
	msg := fmt.Sprintf("%s (%s %s ⇄ %s %s) %s: %s's newer change wins for %s; %s's values were not kept: %s",
		k.label(p.x), e.from, p.id, e.to, k.id(p.y), how, win, strings.Join(p.conflicts, ", "), lose, lost.show(p.conflicts))
	s.rt.logLine(ctx, store.LevelWarn, e.route, k.label(p.x), msg)
}

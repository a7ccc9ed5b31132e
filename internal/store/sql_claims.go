package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// chunk is how many keys one statement carries; well under either dialect's
// limit of bound parameters.
const chunk = 400

func chunks(keys []string) [][]string {
	var out [][]string
	for len(keys) > 0 {
		n := min(len(keys), chunk)
		out = append(out, keys[:n])
		keys = keys[n:]
	}
	return out
}

func (s *sqlStore) PutClaims(ctx context.Context, claims []Claim) error {
	for start := 0; start < len(claims); start += chunk / 5 {
		part := claims[start:min(start+chunk/5, len(claims))]
		var args []any
		rows := make([]string, len(part))
		for i, c := range part {
			rows[i] = "(?, ?, ?, ?, ?)"
			args = append(args, c.Route, c.Entity, c.JobID, c.Version, s.ts(orNow(c.UpdatedAt)))
		}
		_, err := s.exec(ctx, `INSERT INTO claims (route, entity, job_id, version, updated_at) VALUES `+strings.Join(rows, ", ")+`
			ON CONFLICT (route, entity) DO UPDATE SET job_id = excluded.job_id, version = excluded.version, updated_at = excluded.updated_at`, args...)
		if err != nil {
			return fmt.Errorf("store: put %d claims: %w", len(part), err)
		}
	}
	return nil
}

func (s *sqlStore) SwapClaims(ctx context.Context, claims []Claim) ([]bool, error) {
	done := make([]bool, len(claims))
	if len(claims) == 0 {
		return done, nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: swap claims: %w", err)
	}
	defer tx.Rollback()
	for i, c := range claims {
		var q string
		args := []any{c.JobID, c.Version, s.ts(orNow(c.UpdatedAt))}
		if c.Prev == 0 {
			q = `INSERT INTO claims (job_id, version, updated_at, route, entity) VALUES (?, ?, ?, ?, ?) ON CONFLICT (route, entity) DO NOTHING`
			args = append(args, c.Route, c.Entity)
		} else {
			q = `UPDATE claims SET job_id = ?, version = ?, updated_at = ? WHERE route = ? AND entity = ? AND job_id = ?`
			args = append(args, c.Route, c.Entity, c.Prev)
		}
		res, err := tx.ExecContext(ctx, s.rebind(q), args...)
		if err != nil {
			return nil, fmt.Errorf("store: swap claim of %s %s: %w", c.Route, c.Entity, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return nil, fmt.Errorf("store: swap claims: %w", err)
		}
		done[i] = n == 1
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: swap claims: %w", err)
	}
	return done, nil
}

func (s *sqlStore) ListClaims(ctx context.Context, route string, entities []string) ([]Claim, error) {
	var out []Claim
	for _, part := range chunks(entities) {
		var w where
		w.add("route = ?", route)
		w.in("entity", part)
		rows, err := s.query(ctx, `SELECT route, entity, job_id, version, updated_at FROM claims`+w.String(), w.args...)
		if err != nil {
			return nil, fmt.Errorf("store: list claims of route %q: %w", route, err)
		}
		got, err := collect(rows, func(sc interface{ Scan(...any) error }) (Claim, error) {
			var c Claim
			err := sc.Scan(&c.Route, &c.Entity, &c.JobID, &c.Version, timeCol{&c.UpdatedAt})
			return c, err
		})
		if err != nil {
			return nil, fmt.Errorf("store: list claims of route %q: %w", route, err)
		}
		out = append(out, got...)
	}
	return out, nil
}

// TryLease takes the keys in one transaction: an insert that finds a key held
// by another owner whose lease has not expired changes nothing for that key, so
// fewer rows than keys means someone else holds one and the whole take is
// undone.
func (s *sqlStore) TryLease(ctx context.Context, owner string, keys []string, until time.Time) (bool, error) {
	if len(keys) == 0 {
		return true, nil
	}
	keys = slices.Clone(keys)
	slices.Sort(keys)
	keys = slices.Compact(keys)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("store: lease: %w", err)
	}
	defer tx.Rollback()
	now := s.ts(time.Now())
	for _, part := range chunks(keys) {
		rows := make([]string, len(part))
		var args []any
		for i, k := range part {
			rows[i] = "(?, ?, ?)"
			args = append(args, k, owner, s.ts(until))
		}
		args = append(args, now)
		res, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO key_leases (key, owner, expires_at) VALUES `+strings.Join(rows, ", ")+`
			ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
			WHERE key_leases.owner = excluded.owner OR key_leases.expires_at < ?`), args...)
		if err != nil {
			return false, fmt.Errorf("store: lease %d keys: %w", len(part), err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return false, fmt.Errorf("store: lease: %w", err)
		}
		if int(n) < len(part) {
			return false, nil
		}
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("store: lease: %w", err)
	}
	return true, nil
}

func (s *sqlStore) ReleaseLease(ctx context.Context, owner string, keys []string) error {
	for _, part := range chunks(keys) {
		var w where
		w.add("owner = ?", owner)
		w.in("key", part)
		if _, err := s.exec(ctx, `DELETE FROM key_leases`+w.String(), w.args...); err != nil {
			return fmt.Errorf("store: release %d leases: %w", len(part), err)
		}
	}
	return nil
}

func (s *sqlStore) PutSkips(ctx context.Context, skips []Skip) error {
	for start := 0; start < len(skips); start += chunk / 6 {
		part := skips[start:min(start+chunk/6, len(skips))]
		var args []any
		rows := make([]string, len(part))
		for i, k := range part {
			rows[i] = "(?, ?, ?, ?, ?, ?)"
			args = append(args, k.Route, k.Entity, k.Label, k.Version, k.Reason, s.ts(orNow(k.At)))
		}
		_, err := s.exec(ctx, `INSERT INTO skips (route, entity, label, version, reason, at) VALUES `+strings.Join(rows, ", ")+`
			ON CONFLICT (route, entity) DO UPDATE SET label = excluded.label, version = excluded.version,
				reason = excluded.reason, at = excluded.at`, args...)
		if err != nil {
			return fmt.Errorf("store: put %d skips: %w", len(part), err)
		}
	}
	return nil
}

func (s *sqlStore) DeleteSkips(ctx context.Context, route string, entities []string) error {
	for _, part := range chunks(entities) {
		var w where
		w.add("route = ?", route)
		w.in("entity", part)
		if _, err := s.exec(ctx, `DELETE FROM skips`+w.String(), w.args...); err != nil {
			return fmt.Errorf("store: delete skips of route %q: %w", route, err)
		}
	}
	return nil
}

func (s *sqlStore) ListSkips(ctx context.Context, f SkipFilter) ([]Skip, int, error) {
	var w where
	if f.Route != "" {
		w.add("route = ?", f.Route)
	}
	if f.Entities != nil {
		if len(f.Entities) == 0 {
			return nil, 0, nil
		}
		w.in("entity", f.Entities)
	}
	var total int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM skips`+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count skips: %w", err)
	}
	q := limit(`SELECT route, entity, label, version, reason, at FROM skips`+w.String()+` ORDER BY at DESC, route, entity`, f.Limit)
	if f.Offset > 0 {
		if f.Limit <= 0 {
			q += " LIMIT -1"
			if s.dialect == Postgres {
				q = strings.TrimSuffix(q, " LIMIT -1") + " LIMIT ALL"
			}
		}
		q += fmt.Sprintf(" OFFSET %d", f.Offset)
	}
	rows, err := s.query(ctx, q, w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list skips: %w", err)
	}
	out, err := collect(rows, func(sc interface{ Scan(...any) error }) (Skip, error) {
		var k Skip
		err := sc.Scan(&k.Route, &k.Entity, &k.Label, &k.Version, &k.Reason, timeCol{&k.At})
		return k, err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("store: list skips: %w", err)
	}
	return out, total, nil
}

package store

import (
	"context"
	"fmt"
	"time"
)

// Users.

const userCols = "name, password_hash, role, created_at"

func scanUser(sc interface{ Scan(...any) error }) (User, error) {
	var u User
	var role string
	err := sc.Scan(&u.Name, &u.PasswordHash, &role, timeCol{&u.CreatedAt})
	u.Role = Role(role)
	return u, err
}

func (s *sqlStore) PutUser(ctx context.Context, u User) error {
	_, err := s.exec(ctx, `INSERT INTO users (`+userCols+`) VALUES (?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash, role = excluded.role`,
		u.Name, u.PasswordHash, string(u.Role), s.ts(orNow(u.CreatedAt)))
	if err != nil {
		return fmt.Errorf("store: put user %q: %w", u.Name, err)
	}
	return nil
}

func (s *sqlStore) GetUser(ctx context.Context, name string) (User, error) {
	u, err := scanUser(s.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE name = ?`, name))
	if err != nil {
		return User{}, fmt.Errorf("store: get user %q: %w", name, notFound(err))
	}
	return u, nil
}

func (s *sqlStore) ListUsers(ctx context.Context) ([]User, error) {
	rows, err := s.query(ctx, `SELECT `+userCols+` FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	out, err := collect(rows, scanUser)
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	return out, nil
}

func (s *sqlStore) DeleteUser(ctx context.Context, name string) error {
	if err := mustAffect(s.exec(ctx, `DELETE FROM users WHERE name = ?`, name)); err != nil {
		return fmt.Errorf("store: delete user %q: %w", name, err)
	}
	return nil
}

// Sessions and tokens.

const sessionCols = "id, user_name, csrf, created_at, expires_at"

func (s *sqlStore) PutSession(ctx context.Context, ss Session) error {
	_, err := s.exec(ctx, `INSERT INTO sessions (`+sessionCols+`) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET csrf = excluded.csrf, expires_at = excluded.expires_at`,
		ss.ID, ss.User, ss.CSRF, s.ts(orNow(ss.CreatedAt)), s.ts(ss.ExpiresAt))
	if err != nil {
		return fmt.Errorf("store: put session of %q: %w", ss.User, err)
	}
	return nil
}

func (s *sqlStore) GetSession(ctx context.Context, id string, now time.Time) (Session, error) {
	var ss Session
	err := s.queryRow(ctx, `SELECT `+sessionCols+` FROM sessions WHERE id = ? AND expires_at > ?`, id, s.ts(orNow(now))).
		Scan(&ss.ID, &ss.User, &ss.CSRF, timeCol{&ss.CreatedAt}, timeCol{&ss.ExpiresAt})
	if err != nil {
		return Session{}, fmt.Errorf("store: get session: %w", notFound(err))
	}
	return ss, nil
}

func (s *sqlStore) DeleteSession(ctx context.Context, id string) error {
	if _, err := s.exec(ctx, `DELETE FROM sessions WHERE id = ?`, id); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

func (s *sqlStore) PruneSessions(ctx context.Context, t time.Time) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, s.ts(t))
	if err != nil {
		return 0, fmt.Errorf("store: prune sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

func (s *sqlStore) PutToken(ctx context.Context, t Token) error {
	_, err := s.exec(ctx, `INSERT INTO api_tokens (id, user_name, label, created_at) VALUES (?, ?, ?, ?)`,
		t.ID, t.User, t.Label, s.ts(orNow(t.CreatedAt)))
	if err != nil {
		return fmt.Errorf("store: put token %q of %q: %w", t.Label, t.User, err)
	}
	return nil
}

func (s *sqlStore) GetToken(ctx context.Context, id string) (Token, error) {
	var t Token
	err := s.queryRow(ctx, `SELECT id, user_name, label, created_at FROM api_tokens WHERE id = ?`, id).
		Scan(&t.ID, &t.User, &t.Label, timeCol{&t.CreatedAt})
	if err != nil {
		return Token{}, fmt.Errorf("store: get token: %w", notFound(err))
	}
	return t, nil
}

// Route statistics.

func (s *sqlStore) AddRouteStats(ctx context.Context, route string, at time.Time, c Counts) error {
	hour := orNow(at).UTC().Truncate(time.Hour)
	_, err := s.exec(ctx, `INSERT INTO route_stats (route, hour, created, updated, unchanged, parked, failed, skipped)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (route, hour) DO UPDATE SET created = route_stats.created + excluded.created,
			updated = route_stats.updated + excluded.updated, unchanged = route_stats.unchanged + excluded.unchanged,
			parked = route_stats.parked + excluded.parked, failed = route_stats.failed + excluded.failed,
			skipped = route_stats.skipped + excluded.skipped`,
		route, s.ts(hour), c.Created, c.Updated, c.Unchanged, c.Parked, c.Failed, c.Skipped)
	if err != nil {
		return fmt.Errorf("store: add stats of route %q: %w", route, err)
	}
	return nil
}

func (s *sqlStore) ListRouteStats(ctx context.Context, route string, since time.Time) ([]RouteStat, error) {
	var w where
	if route != "" {
		w.add("route = ?", route)
	}
	if !since.IsZero() {
		w.add("hour >= ?", s.ts(since.UTC().Truncate(time.Hour)))
	}
	rows, err := s.query(ctx, `SELECT route, hour, created, updated, unchanged, parked, failed, skipped FROM route_stats`+w.String()+` ORDER BY hour, route`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: list route stats: %w", err)
	}
	out, err := collect(rows, func(sc interface{ Scan(...any) error }) (RouteStat, error) {
		var r RouteStat
		err := sc.Scan(&r.Route, timeCol{&r.Hour}, &r.Created, &r.Updated, &r.Unchanged, &r.Parked, &r.Failed, &r.Skipped)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: list route stats: %w", err)
	}
	return out, nil
}

func (s *sqlStore) PutRouteRun(ctx context.Context, r RouteRun) error {
	_, err := s.exec(ctx, `INSERT INTO route_runs (route, started_at, finished_at, queued, error) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (route) DO UPDATE SET started_at = excluded.started_at, finished_at = excluded.finished_at,
			queued = excluded.queued, error = excluded.error`,
		r.Route, s.ts(orNow(r.StartedAt)), s.ts(orNow(r.FinishedAt)), r.Queued, r.Error)
	if err != nil {
		return fmt.Errorf("store: put run of route %q: %w", r.Route, err)
	}
	return nil
}

func (s *sqlStore) ListRouteRuns(ctx context.Context) ([]RouteRun, error) {
	rows, err := s.query(ctx, `SELECT route, started_at, finished_at, queued, error FROM route_runs ORDER BY route`)
	if err != nil {
		return nil, fmt.Errorf("store: list route runs: %w", err)
	}
	out, err := collect(rows, func(sc interface{ Scan(...any) error }) (RouteRun, error) {
		var r RouteRun
		err := sc.Scan(&r.Route, timeCol{&r.StartedAt}, timeCol{&r.FinishedAt}, &r.Queued, &r.Error)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: list route runs: %w", err)
	}
	return out, nil
}

func (s *sqlStore) PutCallHealth(ctx context.Context, rows []CallHealth) error {
	for _, r := range rows {
		lastOK := 0
		if r.LastOK {
			lastOK = 1
		}
		_, err := s.exec(ctx, `INSERT INTO call_health (connection, minute, process, ok, failed, last_at, last_ok, last_error)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (connection, minute, process) DO UPDATE SET ok = excluded.ok, failed = excluded.failed,
				last_at = excluded.last_at, last_ok = excluded.last_ok, last_error = excluded.last_error`,
			r.Connection, s.ts(r.Minute.Truncate(time.Minute)), r.Process, r.OK, r.Failed, s.ts(orNow(r.LastAt)), lastOK, r.LastError)
		if err != nil {
			return fmt.Errorf("store: put call health of %q: %w", r.Connection, err)
		}
	}
	return nil
}

func (s *sqlStore) ListCallHealth(ctx context.Context, since time.Time) ([]CallHealth, error) {
	rows, err := s.query(ctx, `SELECT connection, minute, process, ok, failed, last_at, last_ok, last_error FROM call_health
		WHERE minute >= ? ORDER BY minute, connection, process`, s.ts(since.Truncate(time.Minute)))
	if err != nil {
		return nil, fmt.Errorf("store: list call health: %w", err)
	}
	out, err := collect(rows, func(sc interface{ Scan(...any) error }) (CallHealth, error) {
		var r CallHealth
		var lastOK int64
		err := sc.Scan(&r.Connection, timeCol{&r.Minute}, &r.Process, &r.OK, &r.Failed, timeCol{&r.LastAt}, &lastOK, &r.LastError)
		r.LastOK = lastOK != 0
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: list call health: %w", err)
	}
	return out, nil
}

func (s *sqlStore) PruneCallHealth(ctx context.Context, before time.Time) error {
	if _, err := s.exec(ctx, `DELETE FROM call_health WHERE minute < ?`, s.ts(before)); err != nil {
		return fmt.Errorf("store: prune call health: %w", err)
	}
	return nil
}

package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// sqlStore implements Store over database/sql for both dialects. Queries are
// written once with "?" placeholders and rebound to "$n" for PostgreSQL.
type sqlStore struct {
	dialect Dialect
	db      *sql.DB
	// pool is the pgx pool under db on PostgreSQL, nil on SQLite.
	pool   *pgxpool.Pool
	logger *slog.Logger
	// owner is the lock file that makes this process the SQLite file's only
	// worker, when it is one.
	owner *os.File
}

func (s *sqlStore) Dialect() Dialect { return s.dialect }
func (s *sqlStore) DB() *sql.DB      { return s.db }

func (s *sqlStore) Close() error {
	err := s.db.Close()
	if s.pool != nil {
		s.pool.Close()
	}
	if s.owner != nil {
		s.owner.Close()
	}
	if err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

func (s *sqlStore) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// rebind turns "?" placeholders into "$1", "$2", … on PostgreSQL. Queries in this
// package never contain "?" other than as placeholders.
func (s *sqlStore) rebind(q string) string {
	if s.dialect != Postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (s *sqlStore) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return s.db.ExecContext(ctx, s.rebind(q), args...)
}

func (s *sqlStore) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return s.db.QueryContext(ctx, s.rebind(q), args...)
}

func (s *sqlStore) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return s.db.QueryRowContext(ctx, s.rebind(q), args...)
}

// ts converts a time for a query argument: UTC truncated to the microsecond, as
// unix microseconds on SQLite and timestamptz on PostgreSQL. The zero time is NULL.
func (s *sqlStore) ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	t = t.UTC().Truncate(time.Microsecond)
	if s.dialect == SQLite {
		return t.UnixMicro()
	}
	return t
}

// orNow is t, or the current time when t is zero.
func orNow(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now()
	}
	return t
}

// timeCol scans a timestamp of either dialect into a UTC time; NULL is the zero
// time.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.t = time.Time{}
	case int64:
		*c.t = time.UnixMicro(v).UTC()
	case time.Time:
		*c.t = v.UTC()
	default:
		return fmt.Errorf("unexpected timestamp type %T", src)
	}
	return nil
}

// bytesCol scans a blob, leaving nil for NULL and empty values so both dialects
// return the same thing.
type bytesCol struct{ b *[]byte }

func (c bytesCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.b = nil
	case []byte:
		if len(v) == 0 {
			*c.b = nil
		} else {
			*c.b = append([]byte(nil), v...)
		}
	case string:
		if v == "" {
			*c.b = nil
		} else {
			*c.b = []byte(v)
		}
	default:
		return fmt.Errorf("unexpected blob type %T", src)
	}
	return nil
}

// blob passes nil for empty byte slices so the column is NULL either way.
func blob(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// isUniqueViolation reports whether err is a unique-constraint violation in
// either dialect.
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		c := sqErr.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// notFound maps sql.ErrNoRows to ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// mustAffect returns ErrNotFound when res changed no row.
func mustAffect(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// where collects conditions and their arguments of a dynamic query.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

// in adds "col IN (?, ?, …)" for vals.
func (w *where) in(col string, vals []string) {
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(vals)), ", ")
	args := make([]any, len(vals))
	for i, v := range vals {
		args[i] = v
	}
	w.add(col+" IN ("+marks+")", args...)
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// limit appends a LIMIT clause when n is positive.
func limit(q string, n int) string {
	if n > 0 {
		return q + " LIMIT " + strconv.Itoa(n)
	}
	return q
}

// Connections.

const connectionCols = "name, kind, settings, credentials, updated_at"

func scanConnection(sc interface{ Scan(...any) error }) (Connection, error) {
	var c Connection
	err := sc.Scan(&c.Name, &c.Kind, bytesCol{&c.Settings}, bytesCol{&c.Credentials}, timeCol{&c.UpdatedAt})
	return c, err
}

// PutConnection inserts or replaces a connection; a zero UpdatedAt is set to now.
func (s *sqlStore) PutConnection(ctx context.Context, c Connection) error {
	_, err := s.exec(ctx, `INSERT INTO connections (`+connectionCols+`) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, settings = excluded.settings,
			credentials = excluded.credentials, updated_at = excluded.updated_at`,
		c.Name, c.Kind, blob(c.Settings), blob(c.Credentials), s.ts(orNow(c.UpdatedAt)))
	if err != nil {
		return fmt.Errorf("store: put connection %q: %w", c.Name, err)
	}
	return nil
}

func (s *sqlStore) GetConnection(ctx context.Context, name string) (Connection, error) {
	c, err := scanConnection(s.queryRow(ctx, `SELECT `+connectionCols+` FROM connections WHERE name = ?`, name))
	if err != nil {
		return Connection{}, fmt.Errorf("store: get connection %q: %w", name, notFound(err))
	}
	return c, nil
}

// ListConnections returns all connections by name.
func (s *sqlStore) ListConnections(ctx context.Context) ([]Connection, error) {
	rows, err := s.query(ctx, `SELECT `+connectionCols+` FROM connections ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: list connections: %w", err)
	}
	out, err := collect(rows, scanConnection)
	if err != nil {
		return nil, fmt.Errorf("store: list connections: %w", err)
	}
	return out, nil
}

// DeleteConnection returns ErrNotFound when there is no such connection.
func (s *sqlStore) DeleteConnection(ctx context.Context, name string) error {
	if err := mustAffect(s.exec(ctx, `DELETE FROM connections WHERE name = ?`, name)); err != nil {
		return fmt.Errorf("store: delete connection %q: %w", name, err)
	}
	return nil
}

// collect scans all rows and closes them.
func collect[T any](rows *sql.Rows, scan func(interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// Routes.

const routeCols = "name, flow, from_conn, to_conn, schedule, options, enabled, updated_at"

func scanRoute(sc interface{ Scan(...any) error }) (Route, error) {
	var r Route
	err := sc.Scan(&r.Name, &r.Flow, &r.From, &r.To, &r.Schedule, bytesCol{&r.Options}, &r.Enabled, timeCol{&r.UpdatedAt})
	return r, err
}

// PutRoute inserts or replaces a route; a zero UpdatedAt is set to now.
func (s *sqlStore) PutRoute(ctx context.Context, r Route) error {
	_, err := s.exec(ctx, `INSERT INTO routes (`+routeCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET flow = excluded.flow, from_conn = excluded.from_conn,
			to_conn = excluded.to_conn, schedule = excluded.schedule, options = excluded.options,
			enabled = excluded.enabled, updated_at = excluded.updated_at`,
		r.Name, r.Flow, r.From, r.To, r.Schedule, blob(r.Options), r.Enabled, s.ts(orNow(r.UpdatedAt)))
	if err != nil {
		return fmt.Errorf("store: put route %q: %w", r.Name, err)
	}
	return nil
}

func (s *sqlStore) GetRoute(ctx context.Context, name string) (Route, error) {
	r, err := scanRoute(s.queryRow(ctx, `SELECT `+routeCols+` FROM routes WHERE name = ?`, name))
	if err != nil {
		return Route{}, fmt.Errorf("store: get route %q: %w", name, notFound(err))
	}
	return r, nil
}

// ListRoutes returns all routes by name.
func (s *sqlStore) ListRoutes(ctx context.Context) ([]Route, error) {
	rows, err := s.query(ctx, `SELECT `+routeCols+` FROM routes ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: list routes: %w", err)
	}
	out, err := collect(rows, scanRoute)
	if err != nil {
		return nil, fmt.Errorf("store: list routes: %w", err)
	}
	return out, nil
}

// DeleteRoute returns ErrNotFound when there is no such route.
func (s *sqlStore) DeleteRoute(ctx context.Context, name string) error {
	if err := mustAffect(s.exec(ctx, `DELETE FROM routes WHERE name = ?`, name)); err != nil {
		return fmt.Errorf("store: delete route %q: %w", name, err)
	}
	return nil
}

// Links.

const linkCols = "connection, kind, local_id, remote_id, hash, source_version, data, synced_at"

func scanLink(sc interface{ Scan(...any) error }) (Link, error) {
	var l Link
	err := sc.Scan(&l.Connection, &l.Kind, &l.LocalID, &l.RemoteID, &l.Hash, &l.SourceVersion, bytesCol{&l.Data}, timeCol{&l.SyncedAt})
	return l, err
}

// PutLink is one statement: the upsert on (connection, kind, local_id) only
// updates a row with the same remote id, so a different remote id returns no row,
// and a remote id already linked elsewhere violates the other unique key. Both
// are ErrLinkConflict, also when concurrent callers race. A zero SyncedAt is set
// to now.
func (s *sqlStore) PutLink(ctx context.Context, l Link) error {
	var got string
	err := s.queryRow(ctx, `INSERT INTO links (`+linkCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (connection, kind, local_id) DO UPDATE SET hash = excluded.hash,
			source_version = excluded.source_version, data = excluded.data, synced_at = excluded.synced_at
		WHERE links.remote_id = excluded.remote_id
		RETURNING local_id`,
		l.Connection, l.Kind, l.LocalID, l.RemoteID, l.Hash, l.SourceVersion, blob(l.Data), s.ts(orNow(l.SyncedAt))).Scan(&got)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("store: put link %s %s→%s: local id is linked to another remote id: %w", l.Kind, l.LocalID, l.RemoteID, ErrLinkConflict)
	case isUniqueViolation(err):
		return fmt.Errorf("store: put link %s %s→%s: remote id is linked to another local id: %w", l.Kind, l.LocalID, l.RemoteID, ErrLinkConflict)
	case err != nil:
		return fmt.Errorf("store: put link %s %s→%s: %w", l.Kind, l.LocalID, l.RemoteID, err)
	}
	return nil
}

func (s *sqlStore) GetLinkByLocal(ctx context.Context, connection, kind, localID string) (Link, error) {
	l, err := scanLink(s.queryRow(ctx, `SELECT `+linkCols+` FROM links WHERE connection = ? AND kind = ? AND local_id = ?`,
		connection, kind, localID))
	if err != nil {
		return Link{}, fmt.Errorf("store: get link %s %s local %s: %w", connection, kind, localID, notFound(err))
	}
	return l, nil
}

func (s *sqlStore) GetLinkByRemote(ctx context.Context, connection, kind, remoteID string) (Link, error) {
	l, err := scanLink(s.queryRow(ctx, `SELECT `+linkCols+` FROM links WHERE connection = ? AND kind = ? AND remote_id = ?`,
		connection, kind, remoteID))
	if err != nil {
		return Link{}, fmt.Errorf("store: get link %s %s remote %s: %w", connection, kind, remoteID, notFound(err))
	}
	return l, nil
}

// maxInList caps the ids in one IN list, well under SQLite's 32766 and
// PostgreSQL's 65535 parameters per statement; longer lists run in chunks.
const maxInList = 1000

// ListLinks returns links by local id, then connection and kind. An empty but
// non-nil LocalIDs or RemoteIDs matches nothing.
func (s *sqlStore) ListLinks(ctx context.Context, f LinkFilter) ([]Link, error) {
	if len(f.LocalIDs) > maxInList || len(f.RemoteIDs) > maxInList {
		return s.listLinksChunked(ctx, f)
	}
	var w where
	if f.Connection != "" {
		w.add("connection = ?", f.Connection)
	}
	if f.Kind != "" {
		w.add("kind = ?", f.Kind)
	}
	if f.LocalIDs != nil {
		if len(f.LocalIDs) == 0 {
			return nil, nil
		}
		w.in("local_id", f.LocalIDs)
	}
	if f.RemoteIDs != nil {
		if len(f.RemoteIDs) == 0 {
			return nil, nil
		}
		w.in("remote_id", f.RemoteIDs)
	}
	if f.AfterLocalID != "" {
		w.add("local_id > ?", f.AfterLocalID)
	}
	q := limit(`SELECT `+linkCols+` FROM links`+w.String()+` ORDER BY local_id, connection, kind`, f.Limit)
	rows, err := s.query(ctx, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: list links: %w", err)
	}
	out, err := collect(rows, scanLink)
	if err != nil {
		return nil, fmt.Errorf("store: list links: %w", err)
	}
	return out, nil
}

// listLinksChunked runs ListLinks once per chunk of the longer id list and merges
// the results in ListLinks' order.
func (s *sqlStore) listLinksChunked(ctx context.Context, f LinkFilter) ([]Link, error) {
	ids, set := f.LocalIDs, func(g *LinkFilter, c []string) { g.LocalIDs = c }
	if len(f.RemoteIDs) > len(f.LocalIDs) {
		ids, set = f.RemoteIDs, func(g *LinkFilter, c []string) { g.RemoteIDs = c }
	}
	var out []Link
	for c := range slices.Chunk(ids, maxInList) {
		g := f
		g.Limit = 0
		set(&g, c)
		part, err := s.ListLinks(ctx, g)
		if err != nil {
			return nil, err
		}
		out = append(out, part...)
	}
	slices.SortFunc(out, func(a, b Link) int {
		return cmp.Or(cmp.Compare(a.LocalID, b.LocalID), cmp.Compare(a.Connection, b.Connection), cmp.Compare(a.Kind, b.Kind))
	})
	// Duplicate ids in the request would return a link twice.
	out = slices.CompactFunc(out, func(a, b Link) bool {
		return a.LocalID == b.LocalID && a.Connection == b.Connection && a.Kind == b.Kind
	})
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

// DeleteLink returns ErrNotFound when there is no such link.
func (s *sqlStore) DeleteLink(ctx context.Context, connection, kind, localID string) error {
	err := mustAffect(s.exec(ctx, `DELETE FROM links WHERE connection = ? AND kind = ? AND local_id = ?`, connection, kind, localID))
	if err != nil {
		return fmt.Errorf("store: delete link %s %s local %s: %w", connection, kind, localID, err)
	}
	return nil
}

// Cursors.

func (s *sqlStore) GetCursor(ctx context.Context, route, name string) (Cursor, error) {
	c := Cursor{Route: route, Name: name}
	err := s.queryRow(ctx, `SELECT value, updated_at FROM cursors WHERE route = ? AND name = ?`, route, name).
		Scan(&c.Value, timeCol{&c.UpdatedAt})
	if err != nil {
		return Cursor{}, fmt.Errorf("store: get cursor %s/%s: %w", route, name, notFound(err))
	}
	return c, nil
}

// PutCursor inserts or replaces a cursor; a zero UpdatedAt is set to now.
func (s *sqlStore) PutCursor(ctx context.Context, c Cursor) error {
	_, err := s.exec(ctx, `INSERT INTO cursors (route, name, value, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (route, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		c.Route, c.Name, c.Value, s.ts(orNow(c.UpdatedAt)))
	if err != nil {
		return fmt.Errorf("store: put cursor %s/%s: %w", c.Route, c.Name, err)
	}
	return nil
}

// Log lines.

const logCols = "id, time, level, route, job_id, entity, message, remote"

func scanLog(sc interface{ Scan(...any) error }) (LogLine, error) {
	var l LogLine
	var level string
	err := sc.Scan(&l.ID, timeCol{&l.Time}, &level, &l.Route, &l.JobID, &l.Entity, &l.Message, &l.Remote)
	l.Level = Level(level)
	return l, err
}

// AddLog stores a line and returns its id; ids grow in insertion order. A zero
// Time is set to now and an empty Level to info.
func (s *sqlStore) AddLog(ctx context.Context, l LogLine) (int64, error) {
	if l.Level == "" {
		l.Level = LevelInfo
	}
	var id int64
	err := s.queryRow(ctx, `INSERT INTO log_lines (time, level, route, job_id, entity, message, remote)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		s.ts(orNow(l.Time)), string(l.Level), l.Route, l.JobID, l.Entity, l.Message, l.Remote).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: add log line (route %q, entity %q): %w", l.Route, l.Entity, err)
	}
	return id, nil
}

// ListLogs returns lines newest (highest id) first. Level matches exactly; Since
// is inclusive and Until exclusive; BeforeID returns lines with smaller ids, so
// the last id of a page fetches the next one.
func (s *sqlStore) logWhere(f LogFilter) where {
	var w where
	if f.Route != "" {
		w.add("route = ?", f.Route)
	}
	if f.Level != "" {
		w.add("level = ?", string(f.Level))
	}
	if f.Entity != "" {
		w.add("entity = ?", f.Entity)
	}
	if f.JobID != 0 {
		w.add("job_id = ?", f.JobID)
	}
	if !f.Since.IsZero() {
		w.add("time >= ?", s.ts(f.Since))
	}
	if !f.Until.IsZero() {
		w.add("time < ?", s.ts(f.Until))
	}
	if f.BeforeID > 0 {
		w.add("id < ?", f.BeforeID)
	}
	return w
}

func (s *sqlStore) ListLogs(ctx context.Context, f LogFilter) ([]LogLine, error) {
	w := s.logWhere(f)
	rows, err := s.query(ctx, limit(`SELECT `+logCols+` FROM log_lines`+w.String()+` ORDER BY id DESC`, f.Limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: list log lines: %w", err)
	}
	out, err := collect(rows, scanLog)
	if err != nil {
		return nil, fmt.Errorf("store: list log lines: %w", err)
	}
	return out, nil
}

func (s *sqlStore) CountLogs(ctx context.Context, f LogFilter) (int, error) {
	w := s.logWhere(f)
	var n int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM log_lines`+w.String(), w.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count log lines: %w", err)
	}
	return n, nil
}

func (s *sqlStore) PruneLogs(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM log_lines WHERE time < ?`, s.ts(before))
	if err != nil {
		return 0, fmt.Errorf("store: prune log lines before %s: %w", before.UTC().Format(time.RFC3339), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: prune log lines before %s: %w", before.UTC().Format(time.RFC3339), err)
	}
	return n, nil
}

// Inbox.

const inboxCols = "id, connection, topic, dedup_key, payload, received_at, processed_at, error"

func scanInbox(sc interface{ Scan(...any) error }) (InboxItem, error) {
	var it InboxItem
	err := sc.Scan(&it.ID, &it.Connection, &it.Topic, &it.DedupKey, bytesCol{&it.Payload},
		timeCol{&it.ReceivedAt}, timeCol{&it.ProcessedAt}, &it.Error)
	return it, err
}

// AddInbox stores a webhook; a zero ReceivedAt is set to now. On a duplicate it
// returns the id of the item already stored.
func (s *sqlStore) AddInbox(ctx context.Context, it InboxItem) (int64, bool, error) {
	var id int64
	err := s.queryRow(ctx, `INSERT INTO inbox (connection, topic, dedup_key, payload, received_at, processed_at, error)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (connection, dedup_key) DO NOTHING RETURNING id`,
		it.Connection, it.Topic, it.DedupKey, blob(it.Payload), s.ts(orNow(it.ReceivedAt)), s.ts(it.ProcessedAt), it.Error).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = s.queryRow(ctx, `SELECT id FROM inbox WHERE connection = ? AND dedup_key = ?`, it.Connection, it.DedupKey).Scan(&id)
		if err == nil {
			return id, true, nil
		}
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: add inbox %s %s (key %q): %w", it.Connection, it.Topic, it.DedupKey, err)
	}
	return id, false, nil
}

func (s *sqlStore) PendingInbox(ctx context.Context, n int) ([]InboxItem, error) {
	rows, err := s.query(ctx, limit(`SELECT `+inboxCols+` FROM inbox WHERE processed_at IS NULL ORDER BY id`, n))
	if err != nil {
		return nil, fmt.Errorf("store: pending inbox: %w", err)
	}
	out, err := collect(rows, scanInbox)
	if err != nil {
		return nil, fmt.Errorf("store: pending inbox: %w", err)
	}
	return out, nil
}

// MarkInbox records that an item was processed (with errMsg if it failed), which
// takes it out of PendingInbox; a zero processedAt is set to now. It returns
// ErrNotFound for an unknown id.
func (s *sqlStore) MarkInbox(ctx context.Context, id int64, processedAt time.Time, errMsg string) error {
	err := mustAffect(s.exec(ctx, `UPDATE inbox SET processed_at = ?, error = ? WHERE id = ?`, s.ts(orNow(processedAt)), errMsg, id))
	if err != nil {
		return fmt.Errorf("store: mark inbox %d: %w", id, err)
	}
	return nil
}

// Job issues.

const issueCols = "job_id, route, entity, class, reason, depends_on, created_at, resolved_at"

func scanIssue(sc interface{ Scan(...any) error }) (JobIssue, error) {
	var is JobIssue
	var class string
	err := sc.Scan(&is.JobID, &is.Route, &is.Entity, &class, &is.Reason, &is.DependsOn, timeCol{&is.CreatedAt}, timeCol{&is.ResolvedAt})
	is.Class = IssueClass(class)
	return is, err
}

// PutIssue replaces all fields of the job's issue; a zero CreatedAt is set to now.
func (s *sqlStore) PutIssue(ctx context.Context, is JobIssue) error {
	_, err := s.exec(ctx, `INSERT INTO job_issues (`+issueCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (job_id) DO UPDATE SET route = excluded.route, entity = excluded.entity,
			class = excluded.class, reason = excluded.reason, depends_on = excluded.depends_on,
			created_at = excluded.created_at, resolved_at = excluded.resolved_at`,
		is.JobID, is.Route, is.Entity, string(is.Class), is.Reason, is.DependsOn, s.ts(orNow(is.CreatedAt)), s.ts(is.ResolvedAt))
	if err != nil {
		return fmt.Errorf("store: put issue of job %d (route %q, entity %q): %w", is.JobID, is.Route, is.Entity, err)
	}
	return nil
}

// ListIssues returns issues newest (CreatedAt, then job id) first.
func (s *sqlStore) ListIssues(ctx context.Context, f IssueFilter) ([]JobIssue, error) {
	var w where
	if f.Route != "" {
		w.add("route = ?", f.Route)
	}
	if f.Class != "" {
		w.add("class = ?", string(f.Class))
	}
	if f.DependsOn != "" {
		w.add("depends_on = ?", f.DependsOn)
	}
	if f.JobIDs != nil {
		if len(f.JobIDs) == 0 {
			return nil, nil
		}
		args := make([]any, len(f.JobIDs))
		for i, id := range f.JobIDs {
			args[i] = id
		}
		w.add("job_id IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")+")", args...)
	}
	if f.Open {
		w.add("resolved_at IS NULL")
	}
	q := limit(`SELECT `+issueCols+` FROM job_issues`+w.String()+` ORDER BY created_at DESC, job_id DESC`, f.Limit)
	rows, err := s.query(ctx, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: list issues: %w", err)
	}
	out, err := collect(rows, scanIssue)
	if err != nil {
		return nil, fmt.Errorf("store: list issues: %w", err)
	}
	return out, nil
}

// ResolveIssue returns ErrNotFound when the job has no issue; a zero at is set
// to now.
func (s *sqlStore) ResolveIssue(ctx context.Context, jobID int64, at time.Time) error {
	err := mustAffect(s.exec(ctx, `UPDATE job_issues SET resolved_at = ? WHERE job_id = ?`, s.ts(orNow(at)), jobID))
	if err != nil {
		return fmt.Errorf("store: resolve issue of job %d: %w", jobID, err)
	}
	return nil
}

func (s *sqlStore) ResolveSuperseded(ctx context.Context, route, entity string, jobID int64, at time.Time) (int, error) {
	res, err := s.exec(ctx, `UPDATE job_issues SET resolved_at = ? WHERE route = ? AND entity = ? AND job_id < ? AND resolved_at IS NULL`,
		s.ts(orNow(at)), route, entity, jobID)
	if err != nil {
		return 0, fmt.Errorf("store: resolve issues of %s %s before job %d: %w", route, entity, jobID, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// Settings.

func (s *sqlStore) GetSetting(ctx context.Context, key string) (string, error) {
	var v string
	if err := s.queryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v); err != nil {
		return "", fmt.Errorf("store: get setting %q: %w", key, notFound(err))
	}
	return v, nil
}

func (s *sqlStore) PutSetting(ctx context.Context, key, value string) error {
	_, err := s.exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("store: put setting %q: %w", key, err)
	}
	return nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite" // Also registers the "sqlite" database/sql driver.
	sqlite3 "modernc.org/sqlite/lib"
)

// Options configure Open.
type Options struct {
	// URL selects the database: "" for the SQLite file <DataDir>/ferry.db;
	// "sqlite://<path>", "file:<path>", "file://<path>" or a bare path ending in ".db" for a SQLite
	// file; "postgres://…" or "postgresql://…" for PostgreSQL.
	URL string
	// DataDir holds the default SQLite file; it is created (mode 0700) if missing.
	// Defaults to the working directory.
	DataDir string
	// MaxConns caps PostgreSQL connections (pgxpool's default, max(4, CPUs), when 0).
	// SQLite always uses one connection: the pool is shared with River, which
	// advises a single connection to avoid SQLITE_BUSY.
	MaxConns int
	// Logger receives migration progress; nil discards it.
	Logger *slog.Logger
	// Own makes this process the only one that works on a SQLite file (it
	// runs the queue's workers, which expect to be alone): Open fails with an
	// error that Is ErrOwned while another live process owns it. Management
	// commands open without it. No effect on PostgreSQL.
	Own bool
}

// sqlitePragmas are applied, in order, to every SQLite connection: a 10 s busy
// timeout (first, so the others wait for a lock too), WAL for concurrent readers,
// NORMAL sync (safe with WAL), foreign keys on, and BEGIN IMMEDIATE so a read never
// has to upgrade to a write lock mid-transaction.
const sqlitePragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
	"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_txlock=immediate"

// target is a parsed Options.URL.
type target struct {
	dialect Dialect
	// path and query locate a SQLite file; query holds the caller's extra DSN
	// parameters.
	path  string
	query string
	// url is the PostgreSQL connection string.
	url string
}

// parseURL decides the dialect and location of a database URL.
func parseURL(raw, dataDir string) (target, error) {
	switch {
	case raw == "":
		if dataDir == "" {
			dataDir = "."
		}
		return target{dialect: SQLite, path: filepath.Join(dataDir, "ferry.db")}, nil
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		return target{dialect: Postgres, url: raw}, nil
	case strings.HasPrefix(raw, "sqlite://"), strings.HasPrefix(raw, "file:"):
		rest := raw
		for _, prefix := range []string{"sqlite://", "file://", "file:"} {
			if r, ok := strings.CutPrefix(raw, prefix); ok {
				rest = r
				break
			}
		}
		path, query, _ := strings.Cut(rest, "?")
		if path == "" {
			return target{}, fmt.Errorf("store: database URL %q has no file path", raw)
		}
		return target{dialect: SQLite, path: path, query: query}, nil
	case !strings.Contains(raw, "://") && strings.HasSuffix(raw, ".db"):
		return target{dialect: SQLite, path: raw}, nil
	}
	scheme, _, ok := strings.Cut(raw, "://")
	if !ok {
		return target{}, fmt.Errorf("store: database URL %q is neither a URL nor a path ending in .db", redact(raw))
	}
	return target{}, fmt.Errorf("store: unsupported database URL scheme %q in %q (want sqlite, file or postgres)", scheme, redact(raw))
}

// redact hides a password in a URL before it goes into an error.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	return u.Redacted()
}

// Open connects to the database opts.URL names and migrates it, so the returned
// store always has the current schema.
func Open(ctx context.Context, opts Options) (Store, error) {
	tg, err := parseURL(opts.URL, opts.DataDir)
	if err != nil {
		return nil, err
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var s *sqlStore
	switch tg.dialect {
	case SQLite:
		var lock *os.File
		if opts.Own {
			if lock, err = own(tg.path); err != nil {
				return nil, err
			}
		}
		s, err = openSQLite(ctx, tg)
		if err != nil && lock != nil {
			lock.Close()
		}
		if s != nil {
			s.owner = lock
		}
	case Postgres:
		s, err = openPostgres(ctx, tg, opts.MaxConns)
	}
	if err != nil {
		return nil, err
	}
	s.logger = logger
	if err := Migrate(ctx, s); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	return s, nil
}

func openSQLite(ctx context.Context, tg target) (*sqlStore, error) {
	if err := os.MkdirAll(filepath.Dir(tg.path), 0o700); err != nil {
		return nil, fmt.Errorf("store: create directory for %s: %w", tg.path, err)
	}
	dsn := "file:" + tg.path + "?" + sqlitePragmas
	if tg.query != "" {
		dsn += "&" + tg.query
	}
	db, err := sql.Open(cachingDriverName, dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite %s: %w", tg.path, err)
	}
	db.SetMaxOpenConns(1)
	if err := pingSQLite(ctx, db); err != nil {
		return nil, errors.Join(fmt.Errorf("store: open sqlite %s: %w", tg.path, err), db.Close())
	}
	return &sqlStore{dialect: SQLite, db: db}, nil
}

// pingSQLite opens the first connection. Switching a new file to WAL can fail
// with SQLITE_BUSY without waiting when another process opens it at the same
// moment; the switch is then done by the other one, so a retry succeeds.
func pingSQLite(ctx context.Context, db *sql.DB) error {
	var err error
	for attempt := 1; attempt <= 5; attempt++ {
		err = db.PingContext(ctx)
		var sqErr *sqlite.Error
		if err == nil || !errors.As(err, &sqErr) || sqErr.Code()&0xff != sqlite3.SQLITE_BUSY {
			return err
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(time.Duration(attempt) * 50 * time.Millisecond):
		}
	}
	return err
}

func openPostgres(ctx context.Context, tg target, maxConns int) (*sqlStore, error) {
	cfg, err := pgxpool.ParseConfig(tg.url)
	if err != nil {
		// pgx errors may quote the connection string; keep only ours, redacted.
		return nil, fmt.Errorf("store: parse postgres URL %q: invalid connection string", redact(tg.url))
	}
	if maxConns > 0 {
		cfg.MaxConns = int32(maxConns)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres %s: %w", redact(tg.url), err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: connect to postgres %s: %w", redact(tg.url), err)
	}
	return &sqlStore{dialect: Postgres, db: stdlib.OpenDBFromPool(pool), pool: pool}, nil
}

// PgxPool returns the pgx pool under a PostgreSQL store, so the job queue's
// riverpgxv5 driver shares its connections; ok is false for other stores.
func PgxPool(s Store) (pool *pgxpool.Pool, ok bool) {
	ss, ok := s.(*sqlStore)
	if !ok || ss.pool == nil {
		return nil, false
	}
	return ss.pool, true
}

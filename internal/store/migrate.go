package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"hash/crc64"
	"io/fs"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFS embed.FS

// versionTable is goose's history table, named for ferry so it never meets
// another tool's goose table in a shared database.
const versionTable = "ferry_goose_version"

// Migrate applies the pending migrations of s's dialect. It is idempotent, and on
// PostgreSQL an advisory lock per schema keeps concurrent processes from migrating
// at the same time.
func Migrate(ctx context.Context, s Store) error {
	d := s.Dialect()
	var gd goose.Dialect
	switch d {
	case SQLite:
		gd = goose.DialectSQLite3
	case Postgres:
		gd = goose.DialectPostgres
	default:
		return fmt.Errorf("store: migrate: unknown dialect %q", d)
	}
	fsys, err := fs.Sub(migrationFS, "migrations/"+string(d))
	if err != nil {
		return fmt.Errorf("store: migrate %s: %w", d, err)
	}
	opts := []goose.ProviderOption{goose.WithTableName(versionTable), goose.WithDisableGlobalRegistry(true)}
	if ss, ok := s.(*sqlStore); ok && ss.logger != nil {
		opts = append(opts, goose.WithSlog(ss.logger))
	}
	if d == Postgres {
		locker, err := schemaLocker(ctx, s)
		if err != nil {
			return err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(gd, s.DB(), fsys, opts...)
	if err != nil {
		return fmt.Errorf("store: migrate %s: %w", d, err)
	}
	if d == SQLite {
		return upSQLite(ctx, p)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate %s: %w", d, err)
	}
	return nil
}

// upSQLite applies the migrations, tolerating another process migrating the same
// file at the same moment. SQLite has no advisory lock, but each migration runs in
// its own BEGIN IMMEDIATE transaction, so the loser of a race fails cleanly
// ("table already exists") and rolls back; it then finds nothing pending.
func upSQLite(ctx context.Context, p *goose.Provider) error {
	var err error
	for attempt := 1; attempt <= 5; attempt++ {
		if _, err = p.Up(ctx); err == nil {
			return nil
		}
		if pending, perr := p.HasPending(ctx); perr == nil && !pending {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("store: migrate sqlite: %w", errors.Join(err, ctx.Err()))
		case <-time.After(time.Duration(attempt) * 50 * time.Millisecond):
		}
	}
	return fmt.Errorf("store: migrate sqlite: %w", err)
}

// schemaLocker returns a session lock keyed by the current schema, so processes
// sharing a schema migrate one at a time while other schemas (parallel tests)
// don't wait on each other. It retries every second for up to five minutes.
func schemaLocker(ctx context.Context, s Store) (lock.SessionLocker, error) {
	var schema string
	if err := s.DB().QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return nil, fmt.Errorf("store: migrate postgres: read current schema: %w", err)
	}
	id := int64(crc64.Checksum([]byte("ferry:"+schema), crc64.MakeTable(crc64.ECMA)) >> 1)
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(id), lock.WithLockTimeout(1, 300))
	if err != nil {
		return nil, fmt.Errorf("store: migrate postgres: %w", err)
	}
	return locker, nil
}

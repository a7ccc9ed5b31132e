package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strings"
	"sync"
)

// The SQLite driver prepares (parses and plans) every statement each time it
// runs. River's queue polls every queue once a second with the same few large
// statements, so an idle hub spent most of its CPU parsing them. On ferry's one
// SQLite connection, statements are prepared once and kept: a driver wrapper
// caches a prepared statement per query text and reuses it while no result of
// it is open.

// maxCachedStmts bounds the cache; queries with IN lists of varying length are
// prepared afresh once it is full.
const maxCachedStmts = 256

const cachingDriverName = "sqlite-ferry"

func init() {
	// The wrapper speaks to the driver modernc registers as "sqlite".
	db, err := sql.Open("sqlite", "")
	if err != nil {
		panic(err)
	}
	sql.Register(cachingDriverName, cachingDriver{base: db.Driver()})
	db.Close()
}

type cachingDriver struct{ base driver.Driver }

func (d cachingDriver) Open(name string) (driver.Conn, error) {
	c, err := d.base.Open(name)
	if err != nil {
		return nil, err
	}
	return &cachingConn{base: c, stmts: map[string]*cachedStmt{}}, nil
}

type cachedStmt struct {
	st   driver.Stmt
	busy bool // a result of it is open
}

// cachingConn wraps one connection; database/sql uses a connection from one
// goroutine at a time, so the cache needs no lock.
type cachingConn struct {
	base  driver.Conn
	stmts map[string]*cachedStmt
}

// cacheable reports whether a query is one statement (a trailing semicolon
// allowed); scripts run through the driver as they are.
func cacheable(q string) bool {
	q = strings.TrimSpace(q)
	q = strings.TrimSuffix(q, ";")
	return q != "" && !strings.Contains(q, ";")
}

// stmt returns the cached statement for q, preparing it, or a fresh one (and
// a release) when the cached one is in use or the cache is full.
func (c *cachingConn) stmt(ctx context.Context, q string) (st driver.Stmt, release func(), err error) {
	if cs, ok := c.stmts[q]; ok && !cs.busy {
		cs.busy = true
		return cs.st, func() { cs.busy = false }, nil
	}
	st, err = c.base.(driver.ConnPrepareContext).PrepareContext(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	if _, ok := c.stmts[q]; !ok && len(c.stmts) < maxCachedStmts {
		cs := &cachedStmt{st: st, busy: true}
		c.stmts[q] = cs
		return st, func() { cs.busy = false }, nil
	}
	return st, func() { st.Close() }, nil
}

func (c *cachingConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	if !cacheable(q) {
		return c.base.(driver.QueryerContext).QueryContext(ctx, q, args)
	}
	st, release, err := c.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	rows, err := st.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		release()
		return nil, err
	}
	return &releasingRows{Rows: rows, release: release}, nil
}

func (c *cachingConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	if !cacheable(q) {
		return c.base.(driver.ExecerContext).ExecContext(ctx, q, args)
	}
	st, release, err := c.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	defer release()
	return st.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (c *cachingConn) Prepare(q string) (driver.Stmt, error) { return c.base.Prepare(q) }

func (c *cachingConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	return c.base.(driver.ConnPrepareContext).PrepareContext(ctx, q)
}

func (c *cachingConn) Begin() (driver.Tx, error) { return c.base.Begin() } //nolint:staticcheck // required by driver.Conn

func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.base.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *cachingConn) Close() error {
	for _, cs := range c.stmts {
		cs.st.Close()
	}
	c.stmts = nil
	return c.base.Close()
}

func (c *cachingConn) Ping(ctx context.Context) error {
	if p, ok := c.base.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *cachingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.base.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *cachingConn) IsValid() bool {
	if v, ok := c.base.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (c *cachingConn) CheckNamedValue(nv *driver.NamedValue) error {
	if ch, ok := c.base.(driver.NamedValueChecker); ok {
		return ch.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

// releasingRows frees its statement for reuse when closed.
type releasingRows struct {
	driver.Rows
	release func()
	once    sync.Once
}

func (r *releasingRows) Close() error {
	err := r.Rows.Close()
	r.once.Do(r.release)
	return err
}

func (r *releasingRows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

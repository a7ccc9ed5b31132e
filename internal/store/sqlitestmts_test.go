package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/ferryhub/ferry/internal/store/storetest"
)

// The SQLite connection keeps prepared statements; reusing one must never
// disturb a result of the same statement still being read, scripts must still
// run whole, and a failed statement must not poison the next.
func TestSQLiteStatementCache(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := open(t, storetest.SQLiteURL(t)).DB()
	if _, err := db.ExecContext(ctx, "CREATE TABLE cache_t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO cache_t (v) VALUES ('a'); INSERT INTO cache_t (v) VALUES ('b');"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, err := db.ExecContext(ctx, "INSERT INTO cache_t (v) VALUES (?)", fmt.Sprint("x", i)); err != nil {
			t.Fatal(err)
		}
	}
	// The same query inside the reading of its own result, in a transaction
	// that holds the one connection.
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	const q = "SELECT id, v FROM cache_t ORDER BY id"
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	var outer []string
	for rows.Next() {
		var id int
		var v string
		if err := rows.Scan(&id, &v); err != nil {
			t.Fatal(err)
		}
		outer = append(outer, v)
		var firstID int
		var first string
		if err := tx.QueryRowContext(ctx, q).Scan(&firstID, &first); err != nil || first != "a" {
			t.Fatalf("inner query: %q %v", first, err)
		}
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(outer) != "[a b x0 x1 x2]" {
		t.Fatalf("outer rows %v", outer)
	}
	// A bad statement fails alone.
	if _, err := db.QueryContext(ctx, "SELECT nope FROM cache_t"); err == nil {
		t.Fatal("a bad column was accepted")
	}
	// More distinct statements than the cache holds.
	for i := 0; i < 300; i++ {
		var n int
		if err := db.QueryRowContext(ctx, fmt.Sprintf("SELECT count(*) + %d FROM cache_t", i)).Scan(&n); err != nil || n != 5+i {
			t.Fatalf("statement %d: %d %v", i, n, err)
		}
	}
	// A cached statement sees later changes of the schema.
	if err := db.QueryRowContext(ctx, "SELECT * FROM cache_t ORDER BY id LIMIT 1").Scan(new(int), new(string)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, "ALTER TABLE cache_t ADD COLUMN w TEXT DEFAULT 'z'"); err != nil {
		t.Fatal(err)
	}
	var w string
	if err := db.QueryRowContext(ctx, "SELECT * FROM cache_t ORDER BY id LIMIT 1").Scan(new(int), new(string), &w); err != nil || w != "z" {
		t.Fatalf("after ALTER TABLE: %q %v", w, err)
	}
}

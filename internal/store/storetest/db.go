package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultPostgresURL is used when FERRY_TEST_DATABASE_URL is unset.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// SQLiteURL returns the URL of a fresh SQLite file in t's temporary directory.
func SQLiteURL(t testing.TB) string {
	t.Helper()
	return "sqlite://" + filepath.Join(t.TempDir(), "ferry.db")
}

// PostgresURL returns the URL of a fresh, empty schema on the test PostgreSQL
// server (FERRY_TEST_DATABASE_URL, default DefaultPostgresURL, with user root
// tried too when the default's postgres user fails). The schema is dropped when
// t ends. An unreachable server skips t, or fails it when CI=true.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base, conn := connectAdmin(t)
	schema := "ferry_t_" + randomHex(6)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := conn.Exec(ctx, "CREATE SCHEMA "+schema)
	conn.Close(context.Background())
	if err != nil {
		t.Fatalf("storetest: create schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("storetest: drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("storetest: drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("storetest: parse %s: %v", base, err)
	}
	q := u.Query()
	// search_path is sent as a startup parameter, so every pooled connection
	// works in the test's own schema.
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// server is the test server's URL, found once per process; err is why none
// was reachable.
var server struct {
	once sync.Once
	url  string
	err  error
}

// connectAdmin connects to the test server and returns the URL that worked.
func connectAdmin(t testing.TB) (string, *pgx.Conn) {
	t.Helper()
	server.once.Do(func() {
		candidates := []string{DefaultPostgresURL, "postgres://root@127.0.0.1:5432/test?sslmode=disable"}
		if env := os.Getenv("FERRY_TEST_DATABASE_URL"); env != "" {
			candidates = []string{env}
		}
		for _, c := range candidates {
			conn, err := dial(c)
			if err == nil {
				conn.Close(context.Background())
				server.url, server.err = c, nil
				return
			}
			if server.err == nil {
				server.err = err
			}
		}
	})
	if server.err != nil {
		msg := "storetest: PostgreSQL unreachable (set FERRY_TEST_DATABASE_URL): %v"
		if os.Getenv("CI") == "true" {
			t.Fatalf(msg, server.err)
		}
		t.Skipf(msg, server.err)
	}
	conn, err := dial(server.url)
	if err != nil {
		t.Fatalf("storetest: connect to PostgreSQL: %v", err)
	}
	return server.url, conn
}

func dial(url string) (*pgx.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return pgx.Connect(ctx, url)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

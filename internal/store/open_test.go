package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestParseURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url, dataDir string
		want         target
		// wantErr lists substrings the error must contain; nil means no error.
		wantErr []string
	}{
		{url: "", dataDir: "/var/lib/ferry", want: target{dialect: SQLite, path: "/var/lib/ferry/ferry.db"}},
		{url: "", want: target{dialect: SQLite, path: "ferry.db"}},
		{url: "sqlite:///abs/dir/f.db", want: target{dialect: SQLite, path: "/abs/dir/f.db"}},
		{url: "sqlite://rel/f.sqlite", want: target{dialect: SQLite, path: "rel/f.sqlite"}},
		{url: "sqlite:///x.db?_pragma=cache_size(-20000)", want: target{dialect: SQLite, path: "/x.db", query: "_pragma=cache_size(-20000)"}},
		{url: "file:/data/ferry.db", want: target{dialect: SQLite, path: "/data/ferry.db"}},
		{url: "file:///data/ferry.db", want: target{dialect: SQLite, path: "/data/ferry.db"}},
		{url: "data/ferry.db", want: target{dialect: SQLite, path: "data/ferry.db"}},
		{url: "postgres://u:p@db:5432/ferry?sslmode=disable", want: target{dialect: Postgres, url: "postgres://u:p@db:5432/ferry?sslmode=disable"}},
		{url: "postgresql://db/ferry", want: target{dialect: Postgres, url: "postgresql://db/ferry"}},
		{url: "mysql://u:secret@db/ferry", wantErr: []string{`scheme "mysql"`, "u:xxxxx@db", "want sqlite"}},
		{url: "sqlite://", wantErr: []string{"no file path"}},
		{url: "ferry.sqlite", wantErr: []string{`"ferry.sqlite"`, "path ending in .db"}},
	}
	for _, tt := range tests {
		got, err := parseURL(tt.url, tt.dataDir)
		if tt.wantErr != nil {
			if err == nil {
				t.Errorf("parseURL(%q) = %+v, want an error", tt.url, got)
				continue
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("parseURL(%q) error %q does not contain %q", tt.url, err, w)
				}
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("parseURL(%q) error %q leaks the password", tt.url, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseURL(%q): %v", tt.url, err)
			continue
		}
		if got != tt.want {
			t.Errorf("parseURL(%q) = %+v, want %+v", tt.url, got, tt.want)
		}
	}
}

func TestOpenDefaultCreatesDataDir(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data", "ferry")
	s, err := Open(context.Background(), Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Dialect() != SQLite {
		t.Errorf("Dialect() = %q, want sqlite", s.Dialect())
	}
	if _, ok := PgxPool(s); ok {
		t.Error("PgxPool of a SQLite store: ok true")
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o700 {
		t.Errorf("data dir mode %o, want 700", perm)
	}
	if _, err := os.Stat(filepath.Join(dir, "ferry.db")); err != nil {
		t.Error(err)
	}
	// The pragmas from the DSN are in effect.
	for pragma, want := range map[string]string{"journal_mode": "wal", "busy_timeout": "10000", "synchronous": "1", "foreign_keys": "1"} {
		var got string
		if err := s.DB().QueryRow("PRAGMA " + pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %s, want %s", pragma, got, want)
		}
	}
}

func TestOpenBadURL(t *testing.T) {
	t.Parallel()
	_, err := Open(context.Background(), Options{URL: "redis://localhost:6379"})
	if err == nil || !strings.Contains(err.Error(), `scheme "redis"`) {
		t.Errorf("Open(redis://…) error %v, want one naming the scheme", err)
	}
	_, err = Open(context.Background(), Options{URL: "postgres://u:secret@127.0.0.1:1/x?connect_timeout=1"})
	if err == nil {
		t.Fatal("Open of an unreachable postgres: no error")
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("error %q leaks the password", err)
	}
}

// TestOpenSQLiteConcurrently opens a new file from several pools at once, as two
// ferry commands started together would: the WAL switch and the migrations race.
func TestOpenSQLiteConcurrently(t *testing.T) {
	t.Parallel()
	for range 3 {
		url := filepath.Join(t.TempDir(), "ferry.db")
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				s, err := Open(context.Background(), Options{URL: url})
				if err != nil {
					t.Error(err)
					return
				}
				if err := s.PutSetting(context.Background(), "k", "v"); err != nil {
					t.Error(err)
				}
				if err := s.Close(); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
}

package store_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/ferryhub/ferry/internal/store"
	"github.com/ferryhub/ferry/internal/store/storetest"
)

func TestSQLite(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) store.Store {
		return open(t, storetest.SQLiteURL(t))
	})
}

// open opens url for t and closes the store when t ends.
func open(t *testing.T, url string) store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), store.Options{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// One process runs workers on a SQLite file: a second that asks to own it is
// refused with the first one's pid; a process that only manages (no Own) may
// still open it.
func TestSQLiteHasOneOwner(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	first, err := store.Open(ctx, store.Options{DataDir: dir, Own: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = store.Open(ctx, store.Options{DataDir: dir, Own: true})
	var owned *store.OwnedError
	if !errors.Is(err, store.ErrOwned) || !errors.As(err, &owned) || owned.PID != os.Getpid() {
		t.Fatalf("second owner: %v, want ErrOwned naming pid %d", err, os.Getpid())
	}
	manage, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatalf("a managing process could not open the file: %v", err)
	}
	manage.Close()
	first.Close()
	again, err := store.Open(ctx, store.Options{DataDir: dir, Own: true})
	if err != nil {
		t.Fatalf("after the owner closed: %v", err)
	}
	again.Close()
}

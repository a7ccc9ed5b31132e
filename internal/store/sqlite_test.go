package store_test

import (
	"context"
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

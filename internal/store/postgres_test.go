package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/ferryhub/ferry/internal/store"
	"github.com/ferryhub/ferry/internal/store/storetest"
)

func TestPostgres(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) store.Store {
		s := open(t, storetest.PostgresURL(t))
		if _, ok := store.PgxPool(s); !ok {
			t.Error("PgxPool of a PostgreSQL store: ok false")
		}
		return s
	})
}

// TestPostgresManyProcesses stands in for several ferry processes on one
// database: they migrate at the same time and then race for the same link.
func TestPostgresManyProcesses(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresURL(t)
	const n = 4
	stores := make([]store.Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			stores[i], errs[i] = store.Open(context.Background(), store.Options{URL: url, MaxConns: 2})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		t.Cleanup(func() { stores[i].Close() })
	}
	for i := range n {
		wg.Go(func() {
			errs[i] = stores[i].PutLink(context.Background(), store.Link{Connection: "erp", Kind: "order", LocalID: "shop:1", RemoteID: fmt.Sprint(i)})
		})
	}
	wg.Wait()
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, store.ErrLinkConflict):
			t.Errorf("PutLink %d: %v", i, err)
		}
	}
	if won != 1 {
		t.Errorf("%d PutLink calls succeeded, want 1", won)
	}
}

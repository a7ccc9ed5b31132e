package store_test

import (
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

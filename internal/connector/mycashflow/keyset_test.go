package mycashflow

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/model"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
)

// A pass reads every order of the shop once, however many share a second.
func TestChangedOrdersReadsEveryOrder(t *testing.T) {
	t.Parallel()
	for _, size := range []int{7, 100} {
		b := setupSandbox(t, sandbox.Options{Seed: 9, Orders: 700}, func(s *Settings) { s.PageSize = size })
		seen := map[string]int{}
		err := b.client.ChangedOrders(context.Background(), time.Time{}, func(os []model.Order, bad []error, _ time.Time) error {
			for _, o := range os {
				seen[o.ID]++
			}
			if len(bad) > 0 {
				t.Errorf("bad: %v", bad)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		ids := b.sb.OrderIDs()
		missing := 0
		for _, id := range ids {
			if seen[strconv.Itoa(id)] == 0 {
				missing++
			}
		}
		if missing > 0 || len(seen) != len(ids) {
			t.Fatalf("page size %d: read %d of %d orders, %d missing", size, len(seen), len(ids), missing)
		}
	}
}

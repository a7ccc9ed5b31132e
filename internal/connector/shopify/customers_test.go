package shopify

import (
	"context"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/model"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/shopify"
)

// Every customer comes through ChangedCustomers once, with e-mail and
// address, in small pages; a customer made after the pass comes in the next
// one, from its cursor.
func TestChangedCustomers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, sandbox.Options{Customers: 45, Orders: 10, RestoreRate: 20000, MaximumAvailable: 20000}, func(s *Settings) { s.PageSize = 10 })
	read := func(since time.Time) (map[model.RemoteID]model.Party, time.Time, int) {
		got := map[model.RemoteID]model.Party{}
		var last time.Time
		pages := 0
		err := e.c.ChangedCustomers(ctx, since, func(ps []model.Party, bad []error, through time.Time) error {
			pages++
			if through.Before(last) {
				t.Errorf("through went back: %v after %v", through, last)
			}
			last = through
			for _, err := range bad {
				t.Errorf("bad customer: %v", err)
			}
			for _, p := range ps {
				if _, dup := got[p.ID]; dup {
					t.Errorf("customer %s twice in one pass", p.ID)
				}
				got[p.ID] = p
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return got, last, pages
	}
	all, through, pages := read(time.Time{})
	if len(all) != e.sb.State().Customers || pages < 4 {
		t.Fatalf("%d customers in %d pages; the shop has %d", len(all), pages, e.sb.State().Customers)
	}
	for _, p := range all {
		if p.Email == "" || p.Name == "" || p.Address.Country == "" {
			t.Fatalf("customer %+v lacks e-mail, name or country", p)
		}
	}
	if _, _, err := e.sb.CreateOrder(sandbox.OrderSpec{Email: "new.buyer@example.com", Lines: []sandbox.LineSpec{{SKU: firstSKU(t, e), Quantity: 1}}}); err != nil {
		t.Fatal(err)
	}
	next, _, _ := read(through)
	found := false
	for _, p := range next {
		found = found || p.Email == "new.buyer@example.com"
	}
	if !found || len(next) >= len(all) {
		t.Fatalf("the next pass read %d customers, the new one among them: %v", len(next), found)
	}
}

func firstSKU(t *testing.T, e *env) string {
	t.Helper()
	p, ok := e.sb.Product("")
	if !ok || len(p.Variants) == 0 {
		t.Fatal("the shop has no product")
	}
	return p.Variants[0].SKU
}

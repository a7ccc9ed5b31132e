package odoo

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/store"
	"github.com/ferryhub/ferry/internal/store/storetest"
)

// shopCustomers is a customer source kept in memory.
type shopCustomers struct {
	mu sync.Mutex
	ps []model.Party
}

func (s *shopCustomers) Test(context.Context) (connector.TestReport, error) {
	return connector.TestReport{OK: true}, nil
}

func (s *shopCustomers) ChangedCustomers(_ context.Context, since time.Time, page func([]model.Party, []error, time.Time) error) error {
	s.mu.Lock()
	var out []model.Party
	for _, p := range s.ps {
		if !p.UpdatedAt.Before(since) {
			out = append(out, p)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b model.Party) int { return a.UpdatedAt.Compare(b.UpdatedAt) })
	return page(out, nil, time.Now())
}

// change changes customer i in the shop.
func (s *shopCustomers) change(i int, f func(*model.Party)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(&s.ps[i])
	s.ps[i].UpdatedAt = time.Now().UTC()
}

// TestCustomersRouteIntoOdoo runs the customers route (internal/flow) from a
// shop into the sandbox, on SQLite with the queue running and the store's
// locks: each customer is made or found once, a pass with no changes writes
// nothing, a change is written to the linked partner, a partner deleted in
// Odoo is made again, a refused VAT number fails only its customer, and an
// order imported afterwards has the route's partner.
func TestCustomersRouteIntoOdoo(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 17, 18, 19} {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, sb := vatRefusing(t, version)
			st, err := store.Open(ctx, store.Options{URL: storetest.SQLiteURL(t)})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			c.WithLocks(store.NewLocker(st, "test"))
			shop := &shopCustomers{}
			at := time.Now().UTC().Add(-time.Hour)
			for n := 1; n <= 8; n++ {
				p := shopCustomer(n)
				p.UpdatedAt = at.Add(time.Duration(n) * time.Second)
				shop.ps = append(shop.ps, p)
			}
			shop.ps[0].Email = "maija.mixedcase@example.fi"
			shop.ps[5].Name, shop.ps[5].VATCode, shop.ps[5].IsCompany = "Huono Oy", badVAT, true
			existing := createPartner(t, c, map[string]any{"name": "Maija", "email": "Maija.Mixedcase@Example.FI"})

			routes := []flow.Route{{Name: "customers", Flow: "customers", From: "shop", To: "erp", Options: &flow.CustomersOptions{BatchSize: 3, Overlap: time.Minute}}}
			rt := flow.NewRuntime(slog.New(slog.DiscardHandler), routes)
			reg := jobs.NewRegistry()
			flow.Register(reg, rt)
			q, err := jobs.Open(ctx, st, reg, jobs.Options{Work: true, MaxAttempts: 5, PollInterval: 20 * time.Millisecond, RetryBase: 10 * time.Millisecond, Queues: map[string]int{"shop": 2, "erp": 2}})
			if err != nil {
				t.Fatal(err)
			}
			rt.Bind(st, q, func(_ context.Context, name string) (connector.Conn, error) {
				switch name {
				case "shop":
					return shop, nil
				case "erp":
					return c, nil
				}
				return nil, fmt.Errorf("no connection %s", name)
			})
			if err := q.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				defer cancel()
				q.Stop(sctx)
			})
			pass := func() flow.Result {
				t.Helper()
				pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
				defer cancel()
				if err := flow.PassNow(pctx, rt, []string{"customers"}); err != nil {
					t.Fatal(err)
				}
				return rt.Counts()["customers"]
			}
			partner := func(i int) string {
				t.Helper()
				rows, err := SearchRead[partnerRow](ctx, c, "res.partner", Query{Domain: emailDomain([]any{emailKey(shop.ps[i].Email)}), Fields: []string{"email"}, Context: inactiveToo})
				if err != nil || len(rows) != 1 {
					t.Fatalf("customer %d: partners %+v (%v)", i, rows, err)
				}
				return rows[0].ID.String()
			}

			got := pass()
			if got.Created != 6 || got.Updated != 1 || got.Failed != 1 {
				t.Fatalf("first pass: %+v", got)
			}
			if p := partner(0); p != existing {
				t.Fatalf("the customer of an existing partner got %s, want %s", p, existing)
			}
			for i := 1; i < 8; i++ {
				if i != 5 {
					partner(i)
				}
			}
			if n := partnersWithEmail(t, c, shop.ps[5].Email); n != 0 {
				t.Fatalf("%d partners of the refused customer", n)
			}

			creates, writes := sb.Calls("res.partner", "create"), sb.Calls("res.partner", "write")
			pass()
			if n, m := sb.Calls("res.partner", "create")-creates, sb.Calls("res.partner", "write")-writes; n != 0 || m != 0 {
				t.Fatalf("a pass without changes: %d creates, %d writes", n, m)
			}

			// A change in the shop reaches the linked partner; a partner
			// deleted in Odoo is made again; the refused customer, fixed,
			// is made.
			shop.change(1, func(p *model.Party) { p.Address.City = "Rovaniemi" })
			gone := partner(2)
			if _, err := c.Call(ctx, "res.partner", "unlink", []int64{parseInt(gone)}, nil); err != nil {
				t.Fatal(err)
			}
			shop.change(2, func(p *model.Party) { p.Phone = "+358 50 1" })
			shop.change(5, func(p *model.Party) { p.VATCode = "FI12345671" })
			before := rt.Counts()["customers"]
			got = pass()
			if d := got.Created - before.Created; d != 2 || got.Updated-before.Updated != 1 || got.Failed != before.Failed {
				t.Fatalf("after the changes: %+v, before %+v", got, before)
			}
			if r := readPartner(t, c, partner(1)); r.City != "Rovaniemi" {
				t.Fatalf("the change did not reach Odoo: %+v", r)
			}
			if p := partner(2); p == gone || readPartner(t, c, p).Phone != "+358 50 1" {
				t.Fatalf("the deleted partner: %s (was %s)", p, gone)
			}
			partner(5)

			// An order of a route's customer is that partner's.
			levels, err := c.StockLevels(ctx)
			if err != nil || len(levels) == 0 {
				t.Fatalf("%v %v", levels, err)
			}
			imps := testOrders(1)
			imps[0].Order.Customer.Email = strings.ToUpper(shop.ps[3].Email)
			imps[0].Order.Lines[0].SKU, imps[0].Carrier = levels[0].SKU, "Posti SmartPOST"
			res, err := c.ImportOrders(ctx, imps)
			if err != nil || res[0].Err != nil {
				t.Fatalf("%+v %v", res, err)
			}
			if n, err := c.SearchCount(ctx, "sale.order", []any{[]any{"id", "=", parseInt(res[0].RemoteID)}, []any{"partner_id", "=", parseInt(partner(3))}}); err != nil || n != 1 {
				t.Fatalf("the order is not the route's customer's (%d, %v)", n, err)
			}
		})
	}
}

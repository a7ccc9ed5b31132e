package odoo

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/jobs"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
)

const badVAT = "FI52468398"

// vatRefusing is the sandbox with base_vat installed, as l10n_fi needs it: a
// res.partner create with an invalid VAT number fails the whole call with
// Odoo's ValidationError (JSON-RPC error, or JSON-2's 422).
func vatRefusing(t *testing.T, version int) (*Client, *sandbox.Server) {
	t.Helper()
	c, sb := sandboxClient(t, version)
	sb.SetBaseVAT(true)
	return c, sb
}

// TestOneBadCustomerDoesNotFailThePage: of a page whose new customers include
// one Odoo refuses (base_vat), that customer's orders come back needs-action
// with Odoo's message; the others are imported.
func TestOneBadCustomerDoesNotFailThePage(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 17, 18, 19} {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, _ := vatRefusing(t, version)
			levels, err := c.StockLevels(ctx)
			if err != nil || len(levels) == 0 {
				t.Fatalf("%v %v", levels, err)
			}
			imps := testOrders(10) // customers c0..c6
			for i := range imps {
				imps[i].Order.Lines[0].SKU, imps[i].Carrier = levels[0].SKU, "Posti SmartPOST"
				if imps[i].Order.Customer.Email == "c3@example.fi" {
					imps[i].Order.Customer.VATCode, imps[i].Order.Customer.Name = badVAT, "Huono Oy"
				}
			}
			res, err := c.ImportOrders(ctx, imps)
			if err != nil {
				t.Fatalf("the page failed: %v", err)
			}
			for i, r := range res {
				bad := imps[i].Order.Customer.VATCode == badVAT
				switch {
				case bad && (r.Err == nil || jobs.ClassOf(r.Err) != jobs.ClassNeedsAction || !strings.Contains(r.Err.Error(), "The VAT number [") || !strings.Contains(r.Err.Error(), "Huono Oy") || !strings.Contains(r.Err.Error(), "order "+imps[i].Order.Number) || !strings.Contains(r.Err.Error(), "fix the VAT")):
					t.Errorf("order %s of the refused customer: %v", imps[i].Order.Number, r.Err)
				case !bad && (r.Err != nil || r.RemoteID == ""):
					t.Errorf("order %s: %+v", imps[i].Order.Number, r)
				}
			}
		})
	}
}

// TestCustomerFoundWhateverTheCase: a partner Maija.Mixedcase@Example.FI is the
// customer of an order for maija.mixedcase@example.fi; none is created.
func TestCustomerFoundWhateverTheCase(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 17, 18, 19} {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, _ := sandboxClient(t, version)
			ids, err := c.Create(ctx, "res.partner", []map[string]any{{"name": "Maija", "email": "Maija.Mixedcase@Example.FI"}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			levels, _ := c.StockLevels(ctx)
			imps := testOrders(1)
			imps[0].Order.Customer.Email = "maija.mixedcase@example.fi"
			imps[0].Order.Lines[0].SKU, imps[0].Carrier = levels[0].SKU, "Posti SmartPOST"
			res, err := c.ImportOrders(ctx, imps)
			if err != nil || res[0].Err != nil {
				t.Fatalf("%+v %v", res, err)
			}
			n, err := c.SearchCount(ctx, "res.partner", []any{[]any{"email", "=ilike", "maija.mixedcase@example.fi"}})
			if err != nil || n != 1 {
				t.Fatalf("%d partners for the address (%v)", n, err)
			}
			same, err := c.SearchCount(ctx, "sale.order", []any{[]any{"id", "=", parseInt(res[0].RemoteID)}, []any{"partner_id", "=", ids[0]}})
			if err != nil || same != 1 {
				t.Fatalf("the order is not the existing partner's (%d, %v)", same, err)
			}
		})
	}
}

// keyLocks is a Locker as the store gives one: keys held all or none.
type keyLocks struct {
	mu    sync.Mutex
	held  map[string]bool
	taken [][]string
}

func (l *keyLocks) Lock(ctx context.Context, keys ...string) (func(), error) {
	for {
		l.mu.Lock()
		free := true
		for _, k := range keys {
			free = free && !l.held[k]
		}
		if free {
			for _, k := range keys {
				l.held[k] = true
			}
			l.taken = append(l.taken, append([]string(nil), keys...))
			l.mu.Unlock()
			return func() {
				l.mu.Lock()
				defer l.mu.Unlock()
				for _, k := range keys {
					delete(l.held, k)
				}
			}, nil
		}
		l.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
}

// TestCustomersLockedAcrossProcesses: two clients (two processes) sharing the
// store's locks import pages with the same new customers at once; each
// customer is created once, under keys per lower-cased e-mail.
func TestCustomersLockedAcrossProcesses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sb := sandbox.New(sandbox.Options{Version: 18})
	srv := httptest.NewServer(sb.Handler())
	defer srv.Close()
	locks := &keyLocks{held: map[string]bool{}}
	var clients []*Client
	for range 2 {
		s := *DefaultSettings()
		s.URL, s.Database, s.RateLimit, s.Timeout = srv.URL, "ferry", 0, 5*time.Second
		c, _ := New("erp", s, "admin", "demo-key", nil)
		clients = append(clients, c.WithLocks(locks))
	}
	levels, _ := clients[0].StockLevels(ctx)
	var wg sync.WaitGroup
	for p, c := range clients {
		imps := testOrders(7)
		for i := range imps {
			imps[i].Ref = fmt.Sprintf("P%d-%s", p, imps[i].Ref)
			imps[i].Order.Customer.Email = strings.ToUpper(imps[i].Order.Customer.Email[:1]) + imps[i].Order.Customer.Email[1:]
			imps[i].Order.Lines[0].SKU, imps[i].Carrier = levels[0].SKU, "Posti SmartPOST"
		}
		wg.Go(func() {
			if res, err := c.ImportOrders(ctx, imps); err != nil || res[0].Err != nil {
				t.Errorf("%+v %v", res, err)
			}
		})
	}
	wg.Wait()
	for i := range 7 {
		if n, _ := clients[0].SearchCount(ctx, "res.partner", []any{[]any{"email", "=ilike", fmt.Sprintf("c%d@example.fi", i)}}); n != 1 {
			t.Errorf("%d partners c%d@example.fi", n, i)
		}
	}
	if len(locks.taken) == 0 || locks.taken[0][0] != "odoo:erp:partner:c0@example.fi" || !slices.IsSorted(locks.taken[0]) {
		t.Fatalf("keys taken: %v", locks.taken)
	}
}

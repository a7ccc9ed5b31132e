package flow_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/model"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
	sfysandbox "github.com/ferryhub/ferry/internal/sandbox/shopify"
)

// crm is a customer target kept in memory, matched by e-mail.
type crm struct {
	mu      sync.Mutex
	byEmail map[string]string
	rows    map[string]model.Party
	writes  int
}

func (c *crm) Test(context.Context) (connector.TestReport, error) {
	return connector.TestReport{OK: true}, nil
}

func (c *crm) UpsertCustomers(_ context.Context, ups []model.CustomerUpsert) ([]model.WriteResult, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]model.WriteResult, len(ups))
	for i, u := range ups {
		c.writes++
		key := strings.ToLower(u.Customer.Email)
		id := u.RemoteID
		if id == "" {
			id = c.byEmail[key]
		}
		created := id == ""
		if created {
			id = fmt.Sprint(len(c.rows) + 1)
			c.byEmail[key] = id
		}
		c.rows[id] = u.Customer
		out[i] = model.WriteResult{RemoteID: id, Created: created}
	}
	return out, nil
}

// Shopify's customers reach the target once each with their addresses; a
// second pass writes nothing; a customer changed in the shop is updated, not
// created again.
func TestCustomersOnceAndUpdated(t *testing.T) {
	t.Parallel()
	ssb, sfy, _ := newShopify(t, "sfy", sfysandbox.Options{Customers: 30, Orders: 10, Products: 4, RestoreRate: 1000, MaximumAvailable: 20000})
	target := &crm{byEmail: map[string]string{}, rows: map[string]model.Party{}}
	routes := []flow.Route{{Name: "customers", Flow: "customers", From: "sfy", To: "erp", Options: &flow.CustomersOptions{BatchSize: 7, Overlap: time.Minute}}}
	h := newHarnessWith(t, mcfsandbox.Options{Orders: -1, Products: -1}, routes, target, harnessOpts{extra: map[string]connector.Conn{"sfy": sfy}})
	h.pass(t, "customers")
	want := ssb.State().Customers
	if c := h.rt.Counts()["customers"]; c.Created != want || c.Failed > 0 || len(target.rows) != want {
		t.Fatalf("customers: %+v, %d in the target, the shop has %d", c, len(target.rows), want)
	}
	for _, p := range target.rows {
		if p.Address.City == "" || p.Email == "" {
			t.Fatalf("a customer without address or e-mail: %+v", p)
		}
	}
	writes := target.writes
	h.pass(t, "customers")
	if target.writes != writes {
		t.Fatalf("a second pass wrote %d customers", target.writes-writes)
	}
	// A new buyer's order adds a customer in the shop: the next pass brings
	// it, and only it.
	p, _ := ssb.Product("")
	if _, _, err := ssb.CreateOrder(sfysandbox.OrderSpec{Email: "late.buyer@example.com", Lines: []sfysandbox.LineSpec{{SKU: p.Variants[0].SKU, Quantity: 1}}}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // Shopify's updated_at query has whole seconds
	h.pass(t, "customers")
	if len(target.rows) != want+1 || target.writes != writes+1 {
		t.Fatalf("after a new customer: %d rows (want %d), %d writes (want %d)", len(target.rows), want+1, target.writes, writes+1)
	}
}

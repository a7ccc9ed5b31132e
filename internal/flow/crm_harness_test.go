package flow_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/connector/clientify"
	"github.com/ferryhub/ferry/internal/connector/odoo"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/jobs"
	cfysandbox "github.com/ferryhub/ferry/internal/sandbox/clientify"
	odoosandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
	"github.com/ferryhub/ferry/internal/store"
	"github.com/ferryhub/ferry/internal/store/storetest"
)

// Both ends of seed 004 are what the routes ask of them.
var (
	_ flow.CompanySide     = (*odoo.Client)(nil)
	_ flow.CompanySide     = (*clientify.Client)(nil)
	_ flow.ContactSide     = (*odoo.Client)(nil)
	_ flow.ContactSide     = (*clientify.Client)(nil)
	_ flow.CRMProductSide  = (*odoo.Client)(nil)
	_ flow.CRMProductSide  = (*clientify.Client)(nil)
	_ flow.SaleOrderSource = (*odoo.Client)(nil)
	_ flow.CRMOrderSink    = (*clientify.Client)(nil)
)

// crmHarness runs routes between an Odoo sandbox (connection "erp") and a
// Clientify sandbox (connection "crm") over real HTTP with the real clients,
// on a store with the queue running.
type crmHarness struct {
	osb   *odoosandbox.Server
	erp   *odoo.Client
	csb   *cfysandbox.Server
	crm   *clientify.Client
	rt    *flow.Runtime
	store store.Store
	queue *jobs.Queue
}

// dialects are the stores an end-to-end test runs on: SQLite, and
// PostgreSQL (skipped when there is no server, unless CI=true).
var dialects = []string{"sqlite", "postgres"}

func dbURL(t *testing.T, dialect string) string {
	if dialect == "postgres" {
		return storetest.PostgresURL(t)
	}
	return storetest.SQLiteURL(t)
}

func newCRMHarness(t *testing.T, url string, oo odoosandbox.Options, co cfysandbox.Options, routes []flow.Route) *crmHarness {
	t.Helper()
	ctx := context.Background()
	if oo.Version == 0 {
		oo.Version = 17
	}
	osb, erp := newOdoo(t, "erp", oo)
	co.RateLimit = -1
	csb := cfysandbox.New(co)
	srv := httptest.NewServer(csb.Handler())
	t.Cleanup(func() { srv.Close(); csb.Close() })
	cs := clientify.DefaultSettings()
	cs.BaseURL, cs.RateLimit = srv.URL+"/v2", 0
	crm, err := clientify.New("crm", *cs, csb.APIKey(), nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, store.Options{URL: url, DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	log := slog.New(slog.DiscardHandler)
	if os.Getenv("FERRY_TEST_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	rt := flow.NewRuntime(log, routes)
	reg := jobs.NewRegistry()
	flow.Register(reg, rt)
	q, err := jobs.Open(ctx, st, reg, jobs.Options{Logger: log, Work: true, MaxAttempts: 4, PollInterval: 50 * time.Millisecond, RetryBase: 20 * time.Millisecond, Queues: map[string]int{"erp": 2, "crm": 2}})
	if err != nil {
		t.Fatal(err)
	}
	rt.Bind(st, q, func(ctx context.Context, name string) (connector.Conn, error) {
		switch name {
		case "erp":
			return erp, nil
		case "crm":
			return crm, nil
		}
		return nil, fmt.Errorf("no connection %s", name)
	})
	rt.Locks = store.NewLocker(st, "test")
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		q.Stop(sctx)
	})
	return &crmHarness{osb: osb, erp: erp, csb: csb, crm: crm, rt: rt, store: st, queue: q}
}

// pass runs one pass of each route in turn and waits for its jobs.
func (h *crmHarness) pass(t *testing.T, routes ...string) {
	t.Helper()
	for _, r := range routes {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		err := flow.PassNow(ctx, h.rt, []string{r})
		cancel()
		if err != nil {
			t.Fatal(err)
		}
	}
}

// writes counts the writes ferry made in both sandboxes: Clientify's API
// writes of every kind and Odoo's create and write calls.
func (h *crmHarness) writes() int {
	n := 0
	for _, w := range h.csb.State().APIWrites {
		n += w.Created + w.Updated + w.Deleted
	}
	for _, m := range []string{"res.partner", "product.template", "product.product"} {
		n += h.osb.Calls(m, "create") + h.osb.Calls(m, "write")
	}
	return n
}

// odooPartner is an Odoo partner's fields, archived or not (fatal when
// there is none).
func (h *crmHarness) odooPartner(t *testing.T, id string, fields ...string) map[string]any {
	t.Helper()
	rows, err := odoo.SearchRead[map[string]any](context.Background(), h.erp, "res.partner", odoo.Query{Domain: []any{[]any{"id", "=", toFloat(id)}}, Fields: fields, Context: map[string]any{"active_test": false}})
	if err != nil || len(rows) != 1 {
		t.Fatalf("Odoo has no partner %s (%v)", id, err)
	}
	return rows[0]
}

// logs returns the route's log lines that contain all of words.
func (h *crmHarness) logs(t *testing.T, route string, words ...string) []store.LogLine {
	t.Helper()
	lines, err := h.store.ListLogs(context.Background(), store.LogFilter{Route: route, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []store.LogLine
next:
	for _, l := range lines {
		for _, w := range words {
			if !strings.Contains(l.Message, w) {
				continue next
			}
		}
		out = append(out, l)
	}
	return out
}

// skips returns the route's skipped records.
func (h *crmHarness) skips(t *testing.T, route string) []store.Skip {
	t.Helper()
	s, _, err := h.store.ListSkips(context.Background(), store.SkipFilter{Route: route, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// twoWay are the two routes of one kind: erp → crm (name-out) and crm → erp
// (name-in).
func twoWay(flowName string, o *flow.TwoWayOptions) []flow.Route {
	if o == nil {
		o = &flow.TwoWayOptions{BatchSize: 20, Overlap: time.Minute, WaitFor: time.Minute}
	}
	return []flow.Route{
		{Name: flowName + "-out", Flow: flowName, From: "erp", To: "crm", Options: o},
		{Name: flowName + "-in", Flow: flowName, From: "crm", To: "erp", Options: o},
	}
}

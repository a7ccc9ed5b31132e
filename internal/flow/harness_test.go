package flow_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/connector/mycashflow"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/jobs"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
	"github.com/ferryhub/ferry/internal/store"
	"github.com/ferryhub/ferry/internal/store/storetest"
)

// harness runs routes over a MyCashflow sandbox ("shop") and a test double of
// the other end, on SQLite with the queue running.
type harness struct {
	sb    *mcfsandbox.Server
	shop  *mycashflow.Client
	rt    *flow.Runtime
	store store.Store
	queue *jobs.Queue
}

func newHarness(t *testing.T, opts mcfsandbox.Options, routes []flow.Route, other connector.Conn) *harness {
	t.Helper()
	return newHarnessWith(t, opts, routes, other, harnessOpts{})
}

// harnessOpts change a harness.
type harnessOpts struct {
	// shop changes the shop client's settings.
	shop func(*mycashflow.Settings)
	// maxAttempts is the queue's; default 10.
	maxAttempts int
	// dbURL is the store's; default a new SQLite database.
	dbURL string
	// extra are more connections beside shop and erp, by name.
	extra map[string]connector.Conn
}

// newHarnessWith is newHarness with ho.
func newHarnessWith(t *testing.T, opts mcfsandbox.Options, routes []flow.Route, other connector.Conn, ho harnessOpts) *harness {
	t.Helper()
	ctx := context.Background()
	sb := mcfsandbox.New(opts)
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	s := *mycashflow.DefaultSettings()
	s.Store, s.BaseURL, s.RateLimit = "demo", srv.URL, 0
	if ho.shop != nil {
		ho.shop(&s)
	}
	shop, err := mycashflow.New("shop", s, "api@demo.example", "demo-key", nil)
	if err != nil {
		t.Fatal(err)
	}
	if ho.dbURL == "" {
		ho.dbURL = storetest.SQLiteURL(t)
	}
	st, err := store.Open(ctx, store.Options{URL: ho.dbURL})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	rt := flow.NewRuntime(slog.New(slog.DiscardHandler), routes)
	queues := map[string]int{"shop": 2, "erp": 2}
	for name := range ho.extra {
		queues[name] = 2
	}
	reg := jobs.NewRegistry()
	flow.Register(reg, rt)
	q, err := jobs.Open(ctx, st, reg, jobs.Options{Work: true, MaxAttempts: ho.maxAttempts, PollInterval: 50 * time.Millisecond, RetryBase: 20 * time.Millisecond, Queues: queues})
	if err != nil {
		t.Fatal(err)
	}
	rt.Bind(st, q, func(ctx context.Context, name string) (connector.Conn, error) {
		switch name {
		case "shop":
			return shop, nil
		case "erp":
			return other, nil
		}
		if c, ok := ho.extra[name]; ok {
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
	return &harness{sb: sb, shop: shop, rt: rt, store: st, queue: q}
}

// pass runs one pass of routes and waits for their jobs.
func (h *harness) pass(t *testing.T, routes ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := flow.PassNow(ctx, h.rt, routes); err != nil {
		t.Fatal(err)
	}
}

package hub

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/config"
	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/jobs"
)

type testSettings struct {
	Store string `yaml:"store" json:"store"`
}

func (s *testSettings) Validate() error {
	if s.Store == "" {
		return errors.New("store is required")
	}
	return nil
}

type testConn struct{ env connector.Env }

func (c *testConn) Test(context.Context) (connector.TestReport, error) {
	if c.env.Credentials["api_key"] != "right" {
		return connector.TestReport{OK: false, Summary: "bad credentials"}, nil
	}
	return connector.TestReport{OK: true, Summary: "store " + c.env.Settings.(*testSettings).Store}, nil
}

func init() {
	// A flow that parks when its connection's test fails, as a real flow parks
	// on rejected credentials.
	flow.RegisterKind(flow.Kind{
		Name: "hubtest_check",
		Pass: func(ctx context.Context, rt *flow.Runtime, r flow.Route, p flow.PassOptions) (flow.Result, error) {
			conn, err := rt.Conn(ctx, r.From)
			if err != nil {
				return flow.Result{}, err
			}
			rep, err := conn.Test(ctx)
			if err != nil {
				return flow.Result{}, err
			}
			if !rep.OK {
				return flow.Result{}, jobs.NeedsAction("connection "+r.From+": "+rep.Summary, DependsOnConnection(r.From))
			}
			return flow.Result{Unchanged: 1}, nil
		},
	})
	connector.Register(connector.Kind{
		Name: "hubtest", Title: "Hub test",
		NewSettings: func() connector.Settings { return &testSettings{} },
		Open: func(ctx context.Context, env connector.Env) (connector.Conn, error) {
			return &testConn{env: env}, nil
		},
	})
}

func loadConfig(t *testing.T, dir, apiKey string) *config.Config {
	t.Helper()
	src := "data_dir: " + filepath.Join(dir, "data") + "\nconnections:\n  shop:\n    kind: hubtest\n    settings: {store: demo}\n    credentials: {api_key: " + apiKey + "}\n  other:\n    kind: hubtest\n    settings: {store: other}\nroutes:\n  check:\n    flow: hubtest_check\n    from: shop\n    to: other\n"
	path := filepath.Join(dir, "ferry.yaml")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.ParseEnv(path, []byte(src), Schemas(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestCredentialsAreSealedAndUsable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	h, err := Open(ctx, loadConfig(t, dir, "right"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	row, err := h.Store.GetConnection(ctx, "shop")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(row.Credentials, []byte("right")) {
		t.Fatal("the credential is stored in clear")
	}
	conn, err := h.Conn(ctx, "shop")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := conn.Test(ctx)
	if err != nil || !rep.OK || rep.Summary != "store demo" {
		t.Fatalf("Test = %+v, %v", rep, err)
	}
	h.Close()
	db, err := os.ReadFile(filepath.Join(dir, "data", "ferry.db"))
	if err == nil && bytes.Contains(db, []byte("api_key")) {
		t.Fatal("the database file holds the credentials in clear")
	}
}

func TestWrongSecretKeyIsCaughtAtStart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	cfg := loadConfig(t, dir, "right")
	h, err := Open(ctx, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	h.Close()
	cfg.SecretKey = strings.Repeat("ab", 32)
	if _, err := Open(ctx, cfg, Options{}); err == nil || !strings.Contains(err.Error(), "secret key does not match") {
		t.Fatalf("opening with another key: %v", err)
	}
}

func TestChangedConnectionRerunsItsParkedJobs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	open := func(key string) *Hub {
		h, err := Open(ctx, loadConfig(t, dir, key), Options{Work: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := h.Queue.Start(ctx); err != nil {
			t.Fatal(err)
		}
		return h
	}
	stop := func(h *Hub) {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		h.Queue.Stop(sctx)
		h.Close()
	}
	h := open("wrong")
	waitCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := flow.PassNow(waitCtx, h.Flows, []string{"check"}); err != nil {
		t.Fatal(err)
	}
	parked, err := h.Queue.List(ctx, jobs.Filter{Route: "check", States: []jobs.State{jobs.StateParked}})
	if err != nil || len(parked) != 1 || !strings.Contains(parked[0].Reason, "bad credentials") {
		t.Fatalf("parked = %+v, %v", parked, err)
	}
	id := parked[0].ID
	stop(h)

	// The same config again changes nothing: the job stays parked.
	h = open("wrong")
	if info, _ := h.Queue.Get(ctx, id); info.State != jobs.StateParked {
		t.Fatalf("unchanged config: job is %s", info.State)
	}
	stop(h)

	// New credentials re-run it, and it goes through.
	h = open("right")
	defer stop(h)
	deadline := time.Now().Add(20 * time.Second)
	for {
		info, err := h.Queue.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if info.State == jobs.StateCompleted {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the credential change the job is %s", info.State)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

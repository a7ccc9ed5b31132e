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
	"github.com/ferryhub/ferry/internal/store/storetest"
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
		Credentials: []connector.Credential{{Key: "api_key"}},
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

// The dashboard's change of a connection re-runs the jobs parked on it at once,
// keeps the credentials it was not given, and stays in force after a restart
// until ferry.yaml itself changes that connection.
func TestDashboardChangesConnectionUntilTheFileDoes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	h, err := Open(ctx, loadConfig(t, dir, "wrong"), Options{Work: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Queue.Start(ctx); err != nil {
		t.Fatal(err)
	}
	waitCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := flow.PassNow(waitCtx, h.Flows, []string{"check"}); err != nil {
		t.Fatal(err)
	}
	var ie *InvalidError
	if _, err := h.UpdateConnection(ctx, "shop", []byte(`{"store": ""}`), nil); !errors.As(err, &ie) || !strings.Contains(err.Error(), "store is required") {
		t.Fatalf("empty store accepted: %v", err)
	}
	if _, err := h.UpdateConnection(ctx, "shop", []byte(`{"store": "demo"}`), map[string]string{"password": "x"}); !errors.As(err, &ie) {
		t.Fatalf("unknown credential accepted: %v", err)
	}
	n, err := h.UpdateConnection(ctx, "shop", []byte(`{"store": "demo2"}`), map[string]string{"api_key": "right"})
	if err != nil || n != 1 {
		t.Fatalf("UpdateConnection = %d, %v; want 1 job re-run", n, err)
	}
	if err := flow.PassNow(waitCtx, h.Flows, []string{"check"}); err != nil {
		t.Fatal(err)
	}
	if parked, _ := h.Queue.List(ctx, jobs.Filter{Route: "check", States: []jobs.State{jobs.StateParked}}); len(parked) != 0 {
		t.Fatalf("still parked after the fix: %+v", parked)
	}
	// Settings only: the stored credential stays.
	if _, err := h.UpdateConnection(ctx, "shop", []byte(`{"store": "demo3"}`), map[string]string{"api_key": ""}); err != nil {
		t.Fatal(err)
	}
	conn, _ := h.Conn(ctx, "shop")
	if rep, _ := conn.Test(ctx); !rep.OK || rep.Summary != "store demo3" {
		t.Fatalf("after a settings-only change: %+v", rep)
	}
	sctx, scancel := context.WithTimeout(ctx, 10*time.Second)
	defer scancel()
	h.Queue.Stop(sctx)
	h.Close()

	// Restart with the same file: the dashboard's values hold.
	h, err = Open(ctx, loadConfig(t, dir, "wrong"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	conn, _ = h.Conn(ctx, "shop")
	if rep, _ := conn.Test(ctx); !rep.OK || rep.Summary != "store demo3" {
		t.Fatalf("after a restart: %+v", rep)
	}
	h.Close()
	// The file changes that connection: the file wins.
	h, err = Open(ctx, loadConfig(t, dir, "other"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	conn, _ = h.Conn(ctx, "shop")
	if rep, _ := conn.Test(ctx); rep.OK || rep.Summary != "bad credentials" {
		t.Fatalf("after the file changed: %+v", rep)
	}
}

// A hub starts on PostgreSQL, starts again with its key, and refuses another
// key; the key check used to be stored as bytes PostgreSQL's text refuses.
func TestHubOpensOnPostgreSQL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := loadConfig(t, t.TempDir(), "right")
	cfg.DatabaseURL = storetest.PostgresURL(t)
	for range 2 {
		h, err := Open(ctx, cfg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		h.Close()
	}
	cfg.SecretKey = strings.Repeat("ab", 32)
	if _, err := Open(ctx, cfg, Options{}); err == nil || !strings.Contains(err.Error(), "secret key does not match") {
		t.Fatalf("opening with another key: %v", err)
	}
}

// A credential saved in the dashboard holds across restarts when ferry.yaml
// names it by an env: reference whose variable did not change; a new value of
// the variable is a change of the file's entry, and wins.
func TestDashboardCredentialHoldsOverUnchangedEnvReference(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	env := map[string]string{"FERRY_HUBTEST_KEY": "wrong"}
	open := func() *Hub {
		t.Helper()
		cfg := loadConfig(t, dir, "right")
		cfg, err := config.ParseEnv(cfg.Path, []byte("data_dir: "+filepath.Join(dir, "data")+"\nconnections:\n  shop:\n    kind: hubtest\n    settings: {store: demo}\n    credentials: {api_key: env:FERRY_HUBTEST_KEY}\n  other:\n    kind: hubtest\n    settings: {store: other}\nroutes:\n  check:\n    flow: hubtest_check\n    from: shop\n    to: other\n"), Schemas(), env)
		if err != nil {
			t.Fatal(err)
		}
		h, err := Open(ctx, cfg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	test := func(h *Hub) string {
		t.Helper()
		conn, err := h.Conn(ctx, "shop")
		if err != nil {
			t.Fatal(err)
		}
		rep, _ := conn.Test(ctx)
		return rep.Summary
	}
	h := open()
	if _, err := h.UpdateConnection(ctx, "shop", []byte(`{"store": "demo"}`), map[string]string{"api_key": "right"}); err != nil {
		t.Fatal(err)
	}
	h.Close()
	for i := 0; i < 2; i++ {
		h = open()
		if got := test(h); got == "bad credentials" {
			t.Fatalf("restart %d with the same env value: the dashboard's credential was reverted", i+1)
		}
		h.Close()
	}
	env["FERRY_HUBTEST_KEY"] = "other"
	h = open()
	defer h.Close()
	if got := test(h); got != "bad credentials" {
		t.Fatalf("after the env value changed: %q, want the file's (new) credential in force", got)
	}
}

package hub

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/alert"
	"github.com/ferryhub/ferry/internal/config"
	"github.com/ferryhub/ferry/internal/flow"
)

// A route that parks is heard of by the alert rule's webhook, sent by the
// hub's periodic alerts job (at start, then every alerts.every).
func TestHubSendsAlerts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	var mu sync.Mutex
	var got []alert.Message
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m alert.Message
		json.NewDecoder(r.Body).Decode(&m)
		mu.Lock()
		got = append(got, m)
		mu.Unlock()
	}))
	t.Cleanup(hook.Close)
	// The day's failure: the route parks on the wrong credentials.
	h, err := Open(ctx, loadConfig(t, dir, "wrong"), Options{Work: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Queue.Start(ctx); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := flow.PassNow(wctx, h.Flows, []string{"check"}); err != nil {
		t.Fatal(err)
	}
	sctx, scancel := context.WithTimeout(ctx, 10*time.Second)
	h.Queue.Stop(sctx)
	scancel()
	h.Close()

	src := "data_dir: " + filepath.Join(dir, "data") + "\nconnections:\n  shop:\n    kind: hubtest\n    settings: {store: demo}\n    credentials: {api_key: wrong}\n  other:\n    kind: hubtest\n    settings: {store: other}\nroutes:\n  check:\n    flow: hubtest_check\n    from: shop\n    to: other\nalerts:\n  every: 1h\n  rules:\n    - {name: ops, webhook: \"" + hook.URL + "\"}\n"
	path := filepath.Join(dir, "ferry.yaml")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.ParseEnv(path, []byte(src), Schemas(), nil)
	if err != nil {
		t.Fatal(err)
	}
	h, err = Open(ctx, cfg, Options{Work: true, Scheduler: true})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if err := h.Queue.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		h.Queue.Stop(sctx)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no alert reached the webhook")
		}
		time.Sleep(100 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || len(got[0].Issues) != 1 || got[0].Issues[0].Route != "check" || !strings.Contains(got[0].Issues[0].Reason, "bad credentials") {
		t.Fatalf("alerts: %+v", got)
	}
}

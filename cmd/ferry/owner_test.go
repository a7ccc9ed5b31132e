package main

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/config"
	mcfsandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
	odoosandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
	"github.com/ferryhub/ferry/internal/store"
)

// One hub per SQLite file: a second serve is refused, naming the first; a
// ferry sync beside the running hub has the hub do the pass and reports it.
func TestOneHubPerSQLiteFileAndSyncThroughIt(t *testing.T) {
	t.Parallel()
	shop := httptest.NewServer(mcfsandbox.New(mcfsandbox.Options{Seed: 3, Orders: 30}).Handler())
	defer shop.Close()
	erp := httptest.NewServer(odoosandbox.New(odoosandbox.Options{Version: 17, Seed: 3}).Handler())
	defer erp.Close()
	path := writeConfig(t, fmt.Sprintf(`data_dir: DATADIR
http: {addr: %q}
log: {level: warn}
queue: {poll_interval: 100ms}
connections:
  shop:
    kind: mycashflow
    settings: {store: demo, base_url: %q}
    credentials: {user: api@demo.example, api_key: demo-key}
  erp:
    kind: odoo
    settings: {url: %q, database: ferry}
    credentials: {login: admin, api_key: demo-key}
routes:
  orders: {flow: orders, from: shop, to: erp}
`, freeAddr(t), shop.URL, erp.URL))
	cfg, err := config.Load(path, schemas())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, &globals{}, cfg, true, nil) }()
	defer func() { cancel(); <-done }()
	time.Sleep(time.Second)

	second, err := config.Load(path, schemas())
	if err != nil {
		t.Fatal(err)
	}
	second.HTTP.Addr = freeAddr(t)
	err = run(context.Background(), &globals{}, second, true, nil)
	if !errors.Is(err, store.ErrOwned) || !strings.Contains(err.Error(), "one process per SQLite file") {
		t.Fatalf("a second serve on the file: %v, want it refused", err)
	}
	out, stderr, err := runFerry(t, "sync", "orders", "-c", path)
	if err != nil || !strings.Contains(out, "orders (by the running hub):") || strings.Contains(out, " 0 skipped") {
		t.Fatalf("sync beside the hub: %v\n%s\n%s", err, out, stderr)
	}
}

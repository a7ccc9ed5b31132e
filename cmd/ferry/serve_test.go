package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/config"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// serve answers the operational endpoints with the metrics ferry promises, and
// stops cleanly when its context ends (SIGTERM in the binary).
func TestServeEndpointsAndGracefulStop(t *testing.T) {
	t.Parallel()
	addr := freeAddr(t)
	path := writeConfig(t, "data_dir: DATADIR\nhttp: {addr: \""+addr+"\"}\nlog: {level: warn}\n")
	cfg, err := config.Load(path, schemas())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, &globals{}, cfg, true, nil) }()

	get := func(p string) (int, string) {
		var lastErr error
		for i := 0; i < 100; i++ {
			resp, err := http.Get("http://" + addr + p)
			if err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				return resp.StatusCode, string(b)
			}
			lastErr = err
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("GET %s: %v", p, lastErr)
		return 0, ""
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Fatalf("/healthz = %d", code)
	}
	if code, body := get("/readyz"); code != 200 || !strings.Contains(body, "ready") {
		t.Fatalf("/readyz = %d %s", code, body)
	}
	// The dashboard is served, behind its sign-in page.
	if code, body := get("/login"); code != 200 || !strings.Contains(body, `id="login"`) {
		t.Errorf("/login = %d", code)
	}
	if code, _ := get("/api/v1/overview"); code != 401 {
		t.Errorf("/api/v1/overview without a token = %d, want 401", code)
	}
	_, metrics := get("/metrics")
	for _, want := range []string{"ferry_job_duration_seconds", "ferry_jobs{", "go_goroutines"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve stopped with %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop within 30 s of its signal")
	}
}

package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe to read while the command writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestSandboxOngoingCommand(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	root := newRoot()
	var out syncBuffer
	root.SetOut(&out)
	root.SetErr(io.Discard)
	root.SetArgs([]string{"sandbox", "ongoing", "--addr", "127.0.0.1:0", "--warehouse", "wh1", "--goods-owner-id", "7",
		"--user", "u1", "--password", "p1", "--articles", "5", "--step-every", "0",
		"--webhook-url", "http://127.0.0.1:9/hooks", "--webhook-token", "tk", "--webhook-header", "X-Secret"})
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	var base string
	for deadline := time.Now().Add(5 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := regexp.MustCompile(`base URL:\s+(\S+)`).FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" || !strings.HasSuffix(base, "/wh1/api/v1") {
		t.Fatalf("no base URL in %q", out.String())
	}
	for _, want := range []string{"goods owner id:  7", "user:            u1", "password:        p1", "goods_owner_id: 7",
		"webhook:         POST http://127.0.0.1:9/hooks (status_changed, retry one_day, X-Secret: tk)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q: %s", want, out.String())
		}
	}
	req, _ := http.NewRequest("GET", base+"/articles?goodsOwnerId=7", nil)
	req.SetBasicAuth("u1", "p1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || strings.Count(string(b), `"articleSystemId"`) != 5 {
		t.Fatalf("GET /articles: %d %s", resp.StatusCode, b)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("command: %v", err)
	}
}

func TestSandboxOngoingRejectsBadFlags(t *testing.T) {
	t.Parallel()
	if _, _, err := runFerry(t, "sandbox", "ongoing", "--warehouse", "a/b", "--addr", "127.0.0.1:0"); err == nil || !strings.Contains(err.Error(), "warehouse") {
		t.Fatalf("err = %v", err)
	}
	if _, _, err := runFerry(t, "sandbox", "ongoing", "--webhook-url", "localhost/hooks", "--addr", "127.0.0.1:0"); err == nil || !strings.Contains(err.Error(), "url") {
		t.Fatalf("err = %v", err)
	}
}

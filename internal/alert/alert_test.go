package alert_test

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/alert"
	"github.com/ferryhub/ferry/internal/config"
	"github.com/ferryhub/ferry/internal/store"
	"github.com/ferryhub/ferry/internal/store/storetest"
)

// smtpSink is a mail server on loopback that keeps what it is given.
type smtpSink struct {
	addr string
	mu   sync.Mutex
	mail []sunk
}

type sunk struct {
	from string
	to   []string
	data string
}

func newSMTPSink(t *testing.T) *smtpSink {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	s := &smtpSink{addr: ln.Addr().String()}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *smtpSink) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(line string) { io.WriteString(c, line+"\r\n") }
	say("220 sink ESMTP")
	var m sunk
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250-sink")
			say("250 8BITMIME")
		case strings.HasPrefix(cmd, "MAIL FROM:"):
			addr, _, _ := strings.Cut(strings.TrimSpace(line)[10:], " ")
			m = sunk{from: strings.Trim(addr, "<>")}
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			m.to = append(m.to, strings.Trim(strings.TrimSpace(line)[8:], "<>"))
			say("250 ok")
		case cmd == "DATA":
			say("354 go on")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			m.data = b.String()
			s.mu.Lock()
			s.mail = append(s.mail, m)
			s.mu.Unlock()
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func (s *smtpSink) got() []sunk {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sunk(nil), s.mail...)
}

// Failures reach the people of the rules that match them, once: by e-mail and
// by a signed webhook; a webhook that fails keeps its rule's failures for the
// next round while the other rule's mail still goes.
func TestRoundsSendEachFailureOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{URL: storetest.SQLiteURL(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sink := newSMTPSink(t)
	var hookDown atomic.Bool
	var hooks []alert.Message
	var hookMu sync.Mutex
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mac := hmac.New(sha256.New, []byte("hook-secret"))
		mac.Write(body)
		if r.Header.Get("X-Ferry-Signature") != "sha256="+hex.EncodeToString(mac.Sum(nil)) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		if hookDown.Load() {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		var m alert.Message
		json.Unmarshal(body, &m)
		hookMu.Lock()
		hooks = append(hooks, m)
		hookMu.Unlock()
	}))
	t.Cleanup(hook.Close)
	cfg := config.Alerts{
		Every: config.Duration(time.Minute),
		SMTP:  config.SMTP{Addr: sink.addr, From: "ferry@example.com", Security: "none"},
		Rules: []config.AlertRule{
			{Name: "orders-people", Email: []string{"anna@example.com", "ben@example.com"}, Routes: []string{"orders*"}},
			{Name: "chat", Webhook: hook.URL, WebhookSecret: "env:HOOK_SECRET", Classes: []string{"permanent"}},
		},
	}
	env := func(k string) string { return map[string]string{"HOOK_SECRET": "hook-secret"}[k] }
	n := alert.New(cfg, st, "https://ferry.example", nil, env)
	issue := func(job int64, route, entity string, class store.IssueClass, reason string) {
		t.Helper()
		if err := st.PutIssue(ctx, store.JobIssue{JobID: job, Route: route, Entity: entity, Class: class, Reason: reason}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond) // distinct creation times
	}
	issue(1, "orders", "order #1040", store.NeedsAction, `Odoo has no delivery carrier named "DHL"`)
	issue(2, "stock", "SKU TS-M", store.Permanent, "the shop has no SKU TS-M")
	issue(3, "orders-b2b", "order #2001", store.Permanent, "gave up after 10 attempts: 502")

	if sent, err := n.Round(ctx); err != nil || sent != 2 {
		t.Fatalf("first round: %d sent, %v", sent, err)
	}
	mail := sink.got()
	if len(mail) != 1 || len(mail[0].to) != 2 || mail[0].from != "ferry@example.com" {
		t.Fatalf("mail: %+v", mail)
	}
	for _, want := range []string{"order #1040", "DHL", "order #2001", "https://ferry.example/jobs/1", "Subject: ferry: 1 job needs action, 1 job failed (orders, orders-b2b)"} {
		if !strings.Contains(mail[0].data, want) {
			t.Errorf("the mail lacks %q:\n%s", want, mail[0].data)
		}
	}
	if strings.Contains(mail[0].data, "TS-M") {
		t.Errorf("the orders people heard of the stock route:\n%s", mail[0].data)
	}
	if len(hooks) != 1 || len(hooks[0].Issues) != 2 || hooks[0].Issues[0].Entity != "SKU TS-M" {
		t.Fatalf("webhook: %+v", hooks)
	}
	// Nothing new: nothing sent.
	if sent, err := n.Round(ctx); err != nil || sent != 0 {
		t.Fatalf("a round with nothing new: %d sent, %v", sent, err)
	}
	// The webhook is down: its failure waits, the mail goes.
	hookDown.Store(true)
	issue(4, "orders", "order #1041", store.Permanent, "Odoo refused the order: 400")
	if sent, err := n.Round(ctx); err == nil || sent != 1 || !strings.Contains(err.Error(), "rule chat") || !strings.Contains(err.Error(), "503") {
		t.Fatalf("a round with the webhook down: %d sent, %v", sent, err)
	}
	hookDown.Store(false)
	if sent, err := n.Round(ctx); err != nil || sent != 1 {
		t.Fatalf("the round after: %d sent, %v", sent, err)
	}
	if len(hooks) != 2 || len(hooks[1].Issues) != 1 || hooks[1].Issues[0].Entity != "order #1041" {
		t.Fatalf("webhook after it came back: %+v", hooks)
	}
	if m := sink.got(); len(m) != 2 || !strings.Contains(m[1].data, "order #1041") || strings.Contains(m[1].data, "order #1040") {
		t.Fatalf("second mail: %+v", m)
	}
	// A resolved issue is not news.
	issue(5, "orders", "order #1042", store.NeedsAction, "carrier")
	if err := st.ResolveIssue(ctx, 5, time.Now()); err != nil {
		t.Fatal(err)
	}
	if sent, err := n.Round(ctx); err != nil || sent != 0 {
		t.Fatalf("a resolved issue: %d sent, %v", sent, err)
	}
}

// A mail server that cannot be reached fails the round with its address.
func TestMailServerDown(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{URL: storetest.SQLiteURL(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	n := alert.New(config.Alerts{SMTP: config.SMTP{Addr: addr, From: "f@example.com", Security: "starttls"}, Rules: []config.AlertRule{{Name: "ops", Email: []string{"a@example.com"}}}}, st, "", nil, nil)
	st.PutIssue(ctx, store.JobIssue{JobID: 9, Route: "orders", Class: store.Permanent, Reason: "x"})
	if _, err := n.Round(ctx); err == nil || !strings.Contains(err.Error(), addr) {
		t.Fatalf("err = %v", err)
	}
}

package alert

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/smtp"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/config"
	"github.com/ferryhub/ferry/internal/store"
)

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// mail sends msg to the addresses through the configured SMTP server.
func (n *Notifier) mail(ctx context.Context, to []string, msg Message) error {
	s := n.cfg.SMTP
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return fmt.Errorf("smtp address %q: %w", s.Addr, err)
	}
	d := net.Dialer{Timeout: 15 * time.Second}
	var conn net.Conn
	if s.Security == "tls" {
		conn, err = tls.DialWithDialer(&d, "tcp", s.Addr, &tls.Config{ServerName: host})
	} else {
		conn, err = d.DialContext(ctx, "tcp", s.Addr)
	}
	if err != nil {
		return fmt.Errorf("connecting to %s: %w", s.Addr, err)
	}
	// The whole conversation has a deadline: a stuck server must not hold the
	// job past its timeout.
	deadline := time.Now().Add(time.Minute)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	conn.SetDeadline(deadline)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp %s: %w", s.Addr, err)
	}
	defer c.Close()
	if s.Security == "starttls" {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return fmt.Errorf("smtp %s does not offer STARTTLS; set alerts.smtp.security to tls or, for a relay on a trusted network, none", s.Addr)
		}
		if err := c.StartTLS(&tls.Config{ServerName: host}); err != nil {
			return fmt.Errorf("smtp %s: STARTTLS: %w", s.Addr, err)
		}
	}
	if s.User != "" {
		pw := s.Password
		if name, ok := strings.CutPrefix(pw, "env:"); ok {
			pw = n.getenv(name)
			if pw == "" {
				return fmt.Errorf("alerts.smtp.password: environment variable %s is not set", name)
			}
		}
		if err := c.Auth(smtp.PlainAuth("", s.User, pw, host)); err != nil {
			return fmt.Errorf("smtp %s: signing in as %s: %w", s.Addr, s.User, err)
		}
	}
	if err := c.Mail(s.From); err != nil {
		return fmt.Errorf("smtp %s: MAIL FROM %s: %w", s.Addr, s.From, err)
	}
	for _, a := range to {
		if err := c.Rcpt(a); err != nil {
			return fmt.Errorf("smtp %s: RCPT TO %s: %w", s.Addr, a, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp %s: DATA: %w", s.Addr, err)
	}
	if _, err := w.Write(mailBody(s.From, to, msg)); err != nil {
		return fmt.Errorf("smtp %s: writing the message: %w", s.Addr, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp %s: the server refused the message: %w", s.Addr, err)
	}
	return c.Quit()
}

// mailBody is the RFC 5322 message: plain UTF-8 text, lines ending CRLF.
func mailBody(from string, to []string, msg Message) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\n", from)
	fmt.Fprintf(&b, "To: %s\r\n", strings.Join(to, ", "))
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", msg.Subject))
	fmt.Fprintf(&b, "Date: %s\r\n", time.Now().UTC().Format(time.RFC1123Z))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	for _, line := range strings.Split(msg.Text(), "\n") {
		b.WriteString(line + "\r\n")
	}
	return b.Bytes()
}

// post sends msg as JSON to the rule's webhook, signed when it has a secret.
func (n *Notifier) post(ctx context.Context, r config.AlertRule, msg Message) error {
	body, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.Webhook, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "ferry-alerts")
	secret := r.WebhookSecret
	if name, ok := strings.CutPrefix(secret, "env:"); ok {
		if secret = n.getenv(name); secret == "" {
			return fmt.Errorf("webhook_secret: environment variable %s is not set", name)
		}
	}
	if secret != "" {
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(body)
		req.Header.Set("X-Ferry-Signature", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	}
	resp, err := n.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		excerpt, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		return fmt.Errorf("%s answered %s: %s", r.Webhook, resp.Status, strings.TrimSpace(string(excerpt)))
	}
	return nil
}

package config

import (
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strings"
	"time"
)

// Alerts tell named people about failures instead of waiting for someone to
// look: every Every, the jobs parked or failed since the last message are sent
// per rule, by e-mail and/or to a webhook.
type Alerts struct {
	// Every is how often new failures are gathered into one message per rule
	// (30s..24h). Default 1m.
	Every Duration `yaml:"every" json:"every"`
	// SMTP is the mail server the e-mails go through; needed by rules with
	// email.
	SMTP SMTP `yaml:"smtp" json:"smtp"`
	// Rules say who hears of which failures.
	Rules []AlertRule `yaml:"rules" json:"rules"`
}

// SMTP is a mail server's address and account.
type SMTP struct {
	// Addr is host:port (587 for STARTTLS, 465 for TLS, 25 on a trusted net).
	Addr string `yaml:"addr" json:"addr,omitempty"`
	// From is the sender's address.
	From string `yaml:"from" json:"from,omitempty"`
	// User and Password sign in (PLAIN); a password "env:VAR" reads the
	// environment variable VAR when a message is sent. Empty: no sign-in.
	User     string `yaml:"user" json:"user,omitempty"`
	Password string `yaml:"password" json:"-"`
	// Security is starttls (default: the server must offer it), tls or none
	// (only for a relay on this machine or a trusted network).
	Security string `yaml:"security" json:"security,omitempty"`
}

// AlertRule is one set of people and the failures they hear of.
type AlertRule struct {
	Name string `yaml:"name" json:"name"`
	// Email are the addresses the message goes to.
	Email []string `yaml:"email" json:"email,omitempty"`
	// Webhook receives the message as JSON (POST); WebhookSecret, when set,
	// signs the body: X-Ferry-Signature is sha256= and the hex HMAC-SHA256.
	Webhook       string `yaml:"webhook" json:"webhook,omitempty"`
	WebhookSecret string `yaml:"webhook_secret" json:"-"`
	// Routes are the routes whose failures count (* wildcards); empty: all.
	Routes []string `yaml:"routes" json:"routes,omitempty"`
	// Classes are needs_action (parked) and/or permanent (failed); empty: both.
	Classes []string `yaml:"classes" json:"classes,omitempty"`
}

func (a *Alerts) validate(add func(path, format string, args ...any)) {
	if len(a.Rules) == 0 {
		return
	}
	if e := time.Duration(a.Every); e < 30*time.Second || e > 24*time.Hour {
		add("alerts.every", "%v is out of range: 30s to 24h", e)
	}
	mails := false
	names := map[string]bool{}
	for i, r := range a.Rules {
		p := fmt.Sprintf("alerts.rules[%d]", i)
		switch {
		case strings.TrimSpace(r.Name) == "":
			add(p+".name", "must not be empty: it names the rule in the messages")
		case names[r.Name]:
			add(p+".name", "%q is used by another rule", r.Name)
		}
		names[r.Name] = true
		if len(r.Email) == 0 && r.Webhook == "" {
			add(p, "rule %q has neither email nor webhook: nobody would hear of it", r.Name)
		}
		for j, e := range r.Email {
			if _, err := mail.ParseAddress(e); err != nil {
				add(fmt.Sprintf("%s.email[%d]", p, j), "%q is not an e-mail address", e)
			}
			mails = true
		}
		if r.Webhook != "" {
			u, err := url.Parse(r.Webhook)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				add(p+".webhook", "%q is not an http(s) URL", r.Webhook)
			}
		}
		for j, c := range r.Classes {
			if c != "needs_action" && c != "permanent" {
				add(fmt.Sprintf("%s.classes[%d]", p, j), "%q: want needs_action or permanent", c)
			}
		}
		for j, m := range r.Routes {
			if strings.TrimSpace(m) == "" {
				add(fmt.Sprintf("%s.routes[%d]", p, j), "must not be empty")
			}
		}
	}
	if !mails {
		return
	}
	if _, _, err := net.SplitHostPort(a.SMTP.Addr); err != nil {
		add("alerts.smtp.addr", "%q is not host:port (e.g. smtp.example.com:587); rules with email need it", a.SMTP.Addr)
	}
	if _, err := mail.ParseAddress(a.SMTP.From); err != nil {
		add("alerts.smtp.from", "%q is not an e-mail address", a.SMTP.From)
	}
	switch a.SMTP.Security {
	case "starttls", "tls", "none":
	default:
		add("alerts.smtp.security", "%q: want starttls, tls or none", a.SMTP.Security)
	}
}

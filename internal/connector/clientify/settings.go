package clientify

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/connector"
)

// DefaultBaseURL is the v2 API root, the official n8n node's default
// (reference §3.1). The v1 root https://api.clientify.net/v1 serves the same
// paths and works too.
const DefaultBaseURL = "https://api-plus.clientify.com/v2"

// Settings configure a Clientify connection: one account, one API key.
type Settings struct {
	// BaseURL is the API root, v2 by default; https://api.clientify.net/v1
	// for the v1 API, or a sandbox (http://127.0.0.1:8086/v2). A trailing
	// slash is ignored: the client writes every path with its own trailing
	// slash, as Clientify wants.
	BaseURL string `yaml:"base_url" json:"base_url"`
	// Timeout bounds one HTTP attempt. Default 30s.
	Timeout time.Duration `yaml:"timeout" json:"timeout"`
	// RateLimit is requests per second to the account. Clientify publishes
	// none (reference §6); default 5, and a 429 is waited out (Retry-After).
	RateLimit float64 `yaml:"rate_limit" json:"rate_limit"`
	// MaxAttempts is the tries of one call on 5xx, 429 and dropped
	// connections; a create that may have committed is looked up by its
	// natural key before it is tried again. Default 4.
	MaxAttempts int `yaml:"max_attempts" json:"max_attempts"`
	// PageSize is page_size of listings (1..100: a probe of the live API saw
	// at most 100, reference §3.2). Default 100.
	PageSize int `yaml:"page_size" json:"page_size"`
	// WebhookHeader is the custom header Clientify's webhooks carry the token
	// (credential webhook_token) in: the official node registers
	// X-Clientify-Secret with the webhook slot. Default X-Clientify-Secret.
	WebhookHeader string `yaml:"webhook_header" json:"webhook_header"`
}

// DefaultSettings returns the defaults.
func DefaultSettings() *Settings {
	return &Settings{BaseURL: DefaultBaseURL, Timeout: 30 * time.Second, RateLimit: 5, MaxAttempts: 4, PageSize: 100, WebhookHeader: "X-Clientify-Secret"}
}

var headerRE = regexp.MustCompile(`^[A-Za-z0-9-]+$`)

// Validate checks the settings.
func (s *Settings) Validate() error {
	var errs []error
	if s.BaseURL != "" {
		u, err := url.Parse(s.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			errs = append(errs, fmt.Errorf("base_url %q: want an API root like %s or https://api.clientify.net/v1", s.BaseURL, DefaultBaseURL))
		}
	}
	if s.Timeout < time.Second {
		errs = append(errs, fmt.Errorf("timeout %v: at least 1s", s.Timeout))
	}
	if s.RateLimit < 0 {
		errs = append(errs, errors.New("rate_limit must not be negative (0 means no limit)"))
	}
	if s.MaxAttempts < 1 || s.MaxAttempts > 20 {
		errs = append(errs, fmt.Errorf("max_attempts %d: want 1..20", s.MaxAttempts))
	}
	if s.PageSize < 1 || s.PageSize > 100 {
		errs = append(errs, fmt.Errorf("page_size %d: want 1..100 (Clientify gives at most 100 a page)", s.PageSize))
	}
	if s.WebhookHeader != "" && !headerRE.MatchString(s.WebhookHeader) {
		errs = append(errs, fmt.Errorf("webhook_header %q: want a header name such as X-Clientify-Secret", s.WebhookHeader))
	}
	return errors.Join(errs...)
}

// root is the API root without a trailing slash.
func (s *Settings) root() string {
	b := s.BaseURL
	if b == "" {
		b = DefaultBaseURL
	}
	return strings.TrimRight(b, "/")
}

func init() {
	connector.Register(connector.Kind{
		Name:        "clientify",
		Title:       "Clientify",
		NewSettings: func() connector.Settings { return DefaultSettings() },
		Client:      (*Client)(nil),
		Credentials: []connector.Credential{
			{Key: "api_key", Required: true, Help: "the API key from Clientify's Settings ⇒ API (sent as Authorization: Token KEY)"},
			{Key: "webhook_token", Help: "the token Clientify's webhooks carry in webhook_header (registered with the webhook slot for ferry's /hooks/<connection> address); without it no webhook is taken"},
		},
		Open: func(ctx context.Context, env connector.Env) (connector.Conn, error) {
			s, ok := env.Settings.(*Settings)
			if !ok {
				return nil, fmt.Errorf("clientify: settings are %T, want *clientify.Settings", env.Settings)
			}
			if env.Credentials["api_key"] == "" {
				return nil, errors.New("clientify: credential api_key is required")
			}
			if env.RateLimit > 0 {
				cp := *s
				cp.RateLimit = env.RateLimit
				s = &cp
			}
			c, err := New(env.Name, *s, env.Credentials["api_key"], env.HTTPClient)
			if err != nil {
				return nil, err
			}
			c.caller.CountCalls(env.Calls)
			c.SetWebhookToken(env.Credentials["webhook_token"])
			return c, nil
		},
	})
}

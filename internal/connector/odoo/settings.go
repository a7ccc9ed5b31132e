package odoo

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/ferryhub/ferry/internal/connector"
)

// Settings configure an Odoo connection.
type Settings struct {
	// URL is the server's address, e.g. https://erp.example.com. Required.
	URL string `yaml:"url" json:"url"`
	// Database is the database name. Required.
	Database string `yaml:"database" json:"database"`
	// Protocol is "auto" (default: JSON-2 on 19 and later, JSON-RPC before),
	// "jsonrpc" or "json2".
	Protocol string `yaml:"protocol" json:"protocol"`
	// Version forces the major version (14..19) instead of asking the server.
	Version int `yaml:"version" json:"version,omitempty"`
	// Warehouse is the code of the warehouse stock is read from; default the first.
	Warehouse string `yaml:"warehouse" json:"warehouse,omitempty"`
	// PageSize is the records per search_read page. Default 200.
	PageSize int `yaml:"page_size" json:"page_size"`
	// Timeout bounds one HTTP attempt. Default 60s (confirming a page of orders
	// takes a while).
	Timeout time.Duration `yaml:"timeout" json:"timeout"`
	// RateLimit is requests per second. Default 10.
	RateLimit float64 `yaml:"rate_limit" json:"rate_limit"`
	// MaxAttempts is the tries of one read. Default 4.
	MaxAttempts int `yaml:"max_attempts" json:"max_attempts"`
}

// DefaultSettings returns the defaults.
func DefaultSettings() *Settings {
	return &Settings{Protocol: "auto", PageSize: 200, Timeout: 60 * time.Second, RateLimit: 10, MaxAttempts: 4}
}

// Validate checks the settings.
func (s *Settings) Validate() error {
	var errs []error
	if u, err := url.Parse(s.URL); s.URL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("url %q: want the server's address, like https://erp.example.com", s.URL))
	}
	if s.Database == "" {
		errs = append(errs, errors.New("database is required"))
	}
	switch s.Protocol {
	case "auto", "jsonrpc", "json2":
	default:
		errs = append(errs, fmt.Errorf("protocol %q: use auto, jsonrpc or json2", s.Protocol))
	}
	if s.Version != 0 && (s.Version < MinVersion || s.Version > 30) {
		errs = append(errs, fmt.Errorf("version %d: ferry speaks Odoo %d and later", s.Version, MinVersion))
	}
	if s.PageSize < 1 || s.PageSize > 5000 {
		errs = append(errs, fmt.Errorf("page_size %d: want 1..5000", s.PageSize))
	}
	if s.Timeout < time.Second {
		errs = append(errs, fmt.Errorf("timeout %v: at least 1s", s.Timeout))
	}
	if s.RateLimit < 0 {
		errs = append(errs, errors.New("rate_limit must not be negative"))
	}
	if s.MaxAttempts < 1 || s.MaxAttempts > 20 {
		errs = append(errs, fmt.Errorf("max_attempts %d: want 1..20", s.MaxAttempts))
	}
	return errors.Join(errs...)
}

func init() {
	connector.Register(connector.Kind{
		Name:        "odoo",
		Title:       "Odoo",
		NewSettings: func() connector.Settings { return DefaultSettings() },
		Client:      (*Client)(nil),
		Credentials: []connector.Credential{
			{Key: "login", Required: true, Help: "the user's login (a dedicated bot user is best)"},
			{Key: "api_key", Help: "an API key of the user (Preferences › Account Security); or set password"},
			{Key: "password", Help: "the user's password, when no API key is used"},
		},
		Open: func(ctx context.Context, env connector.Env) (connector.Conn, error) {
			s, ok := env.Settings.(*Settings)
			if !ok {
				return nil, fmt.Errorf("odoo: settings are %T, want *odoo.Settings", env.Settings)
			}
			key := env.Credentials["api_key"]
			if key == "" {
				key = env.Credentials["password"]
			}
			if env.Credentials["login"] == "" || key == "" {
				return nil, errors.New("odoo: credentials login and api_key (or password) are required")
			}
			cp := *s
			if env.RateLimit > 0 {
				cp.RateLimit = env.RateLimit
			}
			c, err := New(env.Name, cp, env.Credentials["login"], key, env.HTTPClient)
			if err != nil {
				return nil, err
			}
			c.caller.CountCalls(env.Calls)
			return c.WithLocks(env.Locks), nil
		},
	})
}

package mycashflow

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

// Settings configure a MyCashflow connection.
type Settings struct {
	// Store is the store name: https://{store}.mycashflow.fi. Required.
	Store string `yaml:"store" json:"store"`
	// BaseURL replaces https://{store}.mycashflow.fi (a sandbox:
	// http://127.0.0.1:8081); the client appends /api/v1 or /api/v0.
	BaseURL string `yaml:"base_url" json:"base_url,omitempty"`
	// APIVersions chooses the API version per resource ("orders": "v0"); every
	// resource not named uses v1.
	APIVersions map[string]string `yaml:"api_versions" json:"api_versions,omitempty"`
	// PageSize is the page size of listings (1..10000). Default 100.
	PageSize int `yaml:"page_size" json:"page_size"`
	// Timeout bounds one HTTP attempt. Default 30s.
	Timeout time.Duration `yaml:"timeout" json:"timeout"`
	// RateLimit is requests per second to the store. Default 3.
	RateLimit float64 `yaml:"rate_limit" json:"rate_limit"`
	// MaxAttempts is the tries of one call. Default 4.
	MaxAttempts int `yaml:"max_attempts" json:"max_attempts"`
}

// DefaultSettings returns the defaults.
func DefaultSettings() *Settings {
	return &Settings{PageSize: 100, Timeout: 30 * time.Second, RateLimit: 3, MaxAttempts: 4}
}

var storeRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// Validate checks the settings.
func (s *Settings) Validate() error {
	var errs []error
	if s.Store == "" {
		errs = append(errs, errors.New("store is required (the name in https://STORE.mycashflow.fi)"))
	} else if !storeRE.MatchString(s.Store) {
		errs = append(errs, fmt.Errorf("store %q: use the store's name as in its mycashflow.fi address", s.Store))
	}
	if s.BaseURL != "" {
		u, err := url.Parse(s.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("base_url %q: want an origin like https://host:port", s.BaseURL))
		} else if strings.TrimSuffix(u.Path, "/") != "" {
			errs = append(errs, fmt.Errorf("base_url %q: give the origin only; the client adds /api/v1", s.BaseURL))
		}
	}
	for res, v := range s.APIVersions {
		if v != "v0" && v != "v1" {
			errs = append(errs, fmt.Errorf("api_versions.%s: %q is not v0 or v1", res, v))
		}
	}
	if s.PageSize < 1 || s.PageSize > 10000 {
		errs = append(errs, fmt.Errorf("page_size %d: want 1..10000", s.PageSize))
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
		Name:        "mycashflow",
		Title:       "MyCashflow",
		NewSettings: func() connector.Settings { return DefaultSettings() },
		Client:      (*Client)(nil),
		Credentials: []connector.Credential{
			{Key: "user", Required: true, Help: "the API user's e-mail address"},
			{Key: "api_key", Required: true, Help: "the API user's key (shown once when the user is created)"},
		},
		Open: func(ctx context.Context, env connector.Env) (connector.Conn, error) {
			s, ok := env.Settings.(*Settings)
			if !ok {
				return nil, fmt.Errorf("mycashflow: settings are %T, want *mycashflow.Settings", env.Settings)
			}
			if env.Credentials["user"] == "" || env.Credentials["api_key"] == "" {
				return nil, errors.New("mycashflow: credentials user and api_key are required")
			}
			if env.RateLimit > 0 {
				cp := *s
				cp.RateLimit = env.RateLimit
				s = &cp
			}
			c, err := New(env.Name, *s, env.Credentials["user"], env.Credentials["api_key"], env.HTTPClient)
			if err != nil {
				return nil, err
			}
			c.caller.CountCalls(env.Calls)
			return c, nil
		},
	})
}

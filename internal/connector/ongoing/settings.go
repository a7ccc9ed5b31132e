package ongoing

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

// DefaultBaseURL is the production API; {warehouse} is replaced by
// Settings.Warehouse.
const DefaultBaseURL = "https://api.ongoingsystems.se/{warehouse}/api/v1"

// Settings configure an Ongoing WMS connection: one goods owner in one
// warehouse instance.
type Settings struct {
	// BaseURL is the API root; {warehouse} in it is replaced by Warehouse.
	// Default https://api.ongoingsystems.se/{warehouse}/api/v1 (demo systems:
	// https://wms1.ongoingsystems.se/{warehouse}/api/v1; a sandbox:
	// http://127.0.0.1:8083/{warehouse}/api/v1).
	BaseURL string `yaml:"base_url" json:"base_url"`
	// Warehouse is the instance name from the login URL
	// https://{warehouse}.ongoingsystems.se/{warehouse}. Required when BaseURL
	// has {warehouse}.
	Warehouse string `yaml:"warehouse" json:"warehouse"`
	// GoodsOwnerID is the merchant's goods owner id in the warehouse. Required.
	GoodsOwnerID int `yaml:"goods_owner_id" json:"goods_owner_id"`
	// OrderNumber chooses the Ongoing order number: "shop" (default, seed
	// 002: the shop's order number, what the warehouse staff see) or "ref"
	// (the route's reference "SHOP-1234", for several shops in one goods
	// owner).
	OrderNumber string `yaml:"order_number" json:"order_number"`
	// StartedStatus is the first order status at which the warehouse has
	// started working on an order (no update, no cancel). Default 300.
	StartedStatus int `yaml:"started_status" json:"started_status"`
	// Timeout bounds one HTTP attempt. Default 30s.
	Timeout time.Duration `yaml:"timeout" json:"timeout"`
	// RateLimit is requests per second to the goods owner. Default 2.
	RateLimit float64 `yaml:"rate_limit" json:"rate_limit"`
	// MaxAttempts is the tries of one call. Default 4.
	MaxAttempts int `yaml:"max_attempts" json:"max_attempts"`
	// PageSize is max…ToGet of listings (1..1000). Default 100.
	PageSize int `yaml:"page_size" json:"page_size"`
	// WebhookHeader is the header Ongoing's webhooks carry the token
	// (credential webhook_token) in, as set up in Ongoing's UI under
	// Administration ⇒ Webhooks. Default X-Auth-Token.
	WebhookHeader string `yaml:"webhook_header" json:"webhook_header"`
}

// DefaultSettings returns the defaults.
func DefaultSettings() *Settings {
	return &Settings{BaseURL: DefaultBaseURL, OrderNumber: "shop", StartedStatus: 300, Timeout: 30 * time.Second, RateLimit: 2, MaxAttempts: 4, PageSize: 100, WebhookHeader: "X-Auth-Token"}
}

var (
	warehouseRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	headerRE    = regexp.MustCompile(`^[A-Za-z0-9-]+$`)
)

// Validate checks the settings.
func (s *Settings) Validate() error {
	var errs []error
	if s.GoodsOwnerID <= 0 {
		errs = append(errs, errors.New("goods_owner_id is required: the goods owner's id (an integer) the warehouse gave with the API user"))
	}
	if s.Warehouse != "" && !warehouseRE.MatchString(s.Warehouse) {
		errs = append(errs, fmt.Errorf("warehouse %q: use the instance name as in https://WAREHOUSE.ongoingsystems.se", s.Warehouse))
	}
	base := s.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	if strings.Contains(base, "{warehouse}") && s.Warehouse == "" {
		errs = append(errs, errors.New("warehouse is required (the instance name in https://WAREHOUSE.ongoingsystems.se)"))
	}
	u, err := url.Parse(strings.ReplaceAll(base, "{warehouse}", "w"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("base_url %q: want an address like https://api.ongoingsystems.se/{warehouse}/api/v1", s.BaseURL))
	}
	switch s.OrderNumber {
	case "", "shop", "ref":
	default:
		errs = append(errs, fmt.Errorf("order_number %q: want shop or ref", s.OrderNumber))
	}
	if s.StartedStatus < 0 {
		errs = append(errs, errors.New("started_status must not be negative"))
	}
	if s.PageSize < 1 || s.PageSize > 1000 {
		errs = append(errs, fmt.Errorf("page_size %d: want 1..1000", s.PageSize))
	}
	if s.Timeout < time.Second {
		errs = append(errs, fmt.Errorf("timeout %v: at least 1s", s.Timeout))
	}
	if s.RateLimit < 0 {
		errs = append(errs, errors.New("rate_limit must not be negative"))
	}
	if s.WebhookHeader != "" && !headerRE.MatchString(s.WebhookHeader) {
		errs = append(errs, fmt.Errorf("webhook_header %q: want a header name such as X-Auth-Token", s.WebhookHeader))
	}
	if s.MaxAttempts < 1 || s.MaxAttempts > 20 {
		errs = append(errs, fmt.Errorf("max_attempts %d: want 1..20", s.MaxAttempts))
	}
	return errors.Join(errs...)
}

// apiRoot is the API root without a trailing slash.
func (s *Settings) apiRoot() string {
	base := s.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	return strings.TrimSuffix(strings.ReplaceAll(base, "{warehouse}", url.PathEscape(s.Warehouse)), "/")
}

func init() {
	connector.Register(connector.Kind{
		Name:        "ongoing",
		Title:       "Ongoing WMS",
		NewSettings: func() connector.Settings { return DefaultSettings() },
		Client:      (*Client)(nil),
		Credentials: []connector.Credential{
			{Key: "user", Required: true, Help: "the API user name the warehouse issued"},
			{Key: "password", Required: true, Help: "the API user's password"},
			{Key: "webhook_token", Help: "the token Ongoing's webhooks send in webhook_header (set in Ongoing's UI with ferry's /hooks/<connection> URL); without it no webhook is taken"},
		},
		Open: func(ctx context.Context, env connector.Env) (connector.Conn, error) {
			s, ok := env.Settings.(*Settings)
			if !ok {
				return nil, fmt.Errorf("ongoing: settings are %T, want *ongoing.Settings", env.Settings)
			}
			if env.Credentials["user"] == "" || env.Credentials["password"] == "" {
				return nil, errors.New("ongoing: credentials user and password are required")
			}
			if env.RateLimit > 0 {
				cp := *s
				cp.RateLimit = env.RateLimit
				s = &cp
			}
			c, err := New(env.Name, *s, env.Credentials["user"], env.Credentials["password"], env.HTTPClient)
			if err != nil {
				return nil, err
			}
			c.caller.CountCalls(env.Calls)
			c.SetWebhookToken(env.Credentials["webhook_token"])
			return c, nil
		},
	})
}

package shopify

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

// DefaultAPIVersion is the Admin API version the client asks for unless
// settings.api_version names a newer one: the schema its operations are
// validated against (reference §1.2).
const DefaultAPIVersion = "2025-01"

// Settings configure a Shopify connection: one shop, one app.
type Settings struct {
	// Shop is the shop's permanent domain, example.myshopify.com. Required.
	Shop string `yaml:"shop" json:"shop"`
	// BaseURL replaces https://{shop}/admin/api (a sandbox, a proxy); the
	// client posts to {base_url}/{api_version}/graphql.json. A bare host
	// (http://127.0.0.1:8085) means its /admin/api.
	BaseURL string `yaml:"base_url" json:"base_url"`
	// APIVersion is YYYY-MM, a quarterly release from 2025-01 on. Default 2025-01.
	APIVersion string `yaml:"api_version" json:"api_version"`
	// Timeout bounds one HTTP attempt. Default 30s.
	Timeout time.Duration `yaml:"timeout" json:"timeout"`
	// MaxAttempts is the tries of one call on 5xx and dropped connections
	// (throttling waits do not count). Default 4.
	MaxAttempts int `yaml:"max_attempts" json:"max_attempts"`
	// PageSize caps the records per page (1..250); the client asks for fewer
	// when a page would cost more than MaxQueryCost. Default 250.
	PageSize int `yaml:"page_size" json:"page_size"`
	// LinesPerPage is the line items read with each order (1..250); longer
	// orders read the rest with one more query each. Default 10.
	LinesPerPage int `yaml:"lines_per_page" json:"lines_per_page"`
	// MaxQueryCost is the requested cost a single query may reach: Shopify
	// refuses more than 1,000 points. Default 1000.
	MaxQueryCost int `yaml:"max_query_cost" json:"max_query_cost"`
	// Location is the inventory location by name or id (gid or number) whose
	// stock the client reads and writes; default the shop's first active
	// location that fulfils online orders (its primary).
	Location string `yaml:"location" json:"location"`
	// StockName is the quantity SetStockLevels sets: "available" (default) or
	// "on_hand".
	StockName string `yaml:"stock_name" json:"stock_name"`
	// BulkThreshold is the catalogue size (products) from which a first read
	// of the products (since zero) runs as a bulk operation; 0 never. Default
	// 2000.
	BulkThreshold int `yaml:"bulk_threshold" json:"bulk_threshold"`
	// BulkPoll is how often a running bulk operation is polled. Default 2s.
	BulkPoll time.Duration `yaml:"bulk_poll" json:"bulk_poll"`
	// NotifyCustomer makes Shopify e-mail the buyer when a shipment is
	// registered. Default false.
	NotifyCustomer bool `yaml:"notify_customer" json:"notify_customer"`
}

// DefaultSettings returns the defaults.
func DefaultSettings() *Settings {
	return &Settings{APIVersion: DefaultAPIVersion, Timeout: 30 * time.Second, MaxAttempts: 4, PageSize: 250, LinesPerPage: 10,
		MaxQueryCost: 1000, StockName: "available", BulkThreshold: 2000, BulkPoll: 2 * time.Second}
}

var (
	shopRE    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,61}\.myshopify\.com$`)
	versionRE = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
)

// Validate checks the settings.
func (s *Settings) Validate() error {
	var errs []error
	switch {
	case strings.TrimSpace(s.Shop) == "":
		errs = append(errs, errors.New("shop is required: the shop's permanent domain, like example.myshopify.com"))
	case !shopRE.MatchString(s.Shop):
		errs = append(errs, fmt.Errorf("shop %q: want the permanent domain example.myshopify.com (lower case, not the shop's own domain, no https://)", s.Shop))
	}
	if s.BaseURL != "" {
		p, err := url.Parse(s.BaseURL)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			errs = append(errs, fmt.Errorf("base_url %q: want an address like https://example.myshopify.com/admin/api", s.BaseURL))
		}
	}
	if err := checkVersion(s.APIVersion); err != nil {
		errs = append(errs, err)
	}
	if s.Timeout < time.Second {
		errs = append(errs, fmt.Errorf("timeout %v: at least 1s", s.Timeout))
	}
	if s.MaxAttempts < 1 || s.MaxAttempts > 20 {
		errs = append(errs, fmt.Errorf("max_attempts %d: want 1..20", s.MaxAttempts))
	}
	if s.PageSize < 1 || s.PageSize > 250 {
		errs = append(errs, fmt.Errorf("page_size %d: want 1..250 (Shopify's first is at most 250)", s.PageSize))
	}
	if s.LinesPerPage < 1 || s.LinesPerPage > 250 {
		errs = append(errs, fmt.Errorf("lines_per_page %d: want 1..250", s.LinesPerPage))
	}
	if s.MaxQueryCost < 100 || s.MaxQueryCost > 1000 {
		errs = append(errs, fmt.Errorf("max_query_cost %d: want 100..1000 (Shopify refuses a query requesting more than 1,000 points)", s.MaxQueryCost))
	}
	switch s.StockName {
	case "", "available", "on_hand":
	default:
		errs = append(errs, fmt.Errorf("stock_name %q: want available or on_hand", s.StockName))
	}
	if s.BulkThreshold < 0 {
		errs = append(errs, errors.New("bulk_threshold must not be negative (0 turns bulk reads off)"))
	}
	if s.BulkPoll != 0 && s.BulkPoll < 10*time.Millisecond {
		errs = append(errs, fmt.Errorf("bulk_poll %v: at least 10ms", s.BulkPoll))
	}
	return errors.Join(errs...)
}

// checkVersion accepts a quarterly release YYYY-MM from the default on.
func checkVersion(v string) error {
	if v == "" {
		return nil
	}
	m := versionRE.FindStringSubmatch(v)
	if m == nil {
		return fmt.Errorf("api_version %q: want YYYY-MM, like %s", v, DefaultAPIVersion)
	}
	switch m[2] {
	case "01", "04", "07", "10":
	default:
		return fmt.Errorf("api_version %q: Shopify releases versions in January, April, July and October (-01, -04, -07, -10)", v)
	}
	if v < DefaultAPIVersion {
		return fmt.Errorf("api_version %q: older than %s, which the client's operations are written for", v, DefaultAPIVersion)
	}
	return nil
}

func (s *Settings) fill() {
	d := DefaultSettings()
	if s.APIVersion == "" {
		s.APIVersion = d.APIVersion
	}
	if s.StockName == "" {
		s.StockName = d.StockName
	}
	if s.BulkPoll == 0 {
		s.BulkPoll = d.BulkPoll
	}
	if s.BaseURL == "" {
		s.BaseURL = "https://" + s.Shop + "/admin/api"
	}
	s.BaseURL = strings.TrimSuffix(s.BaseURL, "/")
	// A bare host (as a shop's address is written) means its Admin API.
	if u, err := url.Parse(s.BaseURL); err == nil && u.Host != "" && u.Path == "" {
		s.BaseURL += "/admin/api"
	}
}

// Credentials are the app's secrets: an Admin API access token, or the
// client id and secret of a Dev Dashboard app on the merchant's own store
// (client credentials grant, reference §1.3).
type Credentials struct {
	AccessToken  string
	ClientID     string
	ClientSecret string
	// WebhookSecret is the HMAC key of webhook deliveries; default the client
	// secret (Shopify signs with the app's client secret).
	WebhookSecret string
}

func (cr Credentials) check() error {
	if cr.AccessToken == "" && (cr.ClientID == "" || cr.ClientSecret == "") {
		return errors.New("credentials: access_token, or client_id and client_secret, are required")
	}
	return nil
}

func init() {
	connector.Register(connector.Kind{
		Name:        "shopify",
		Title:       "Shopify",
		NewSettings: func() connector.Settings { return DefaultSettings() },
		Client:      (*Client)(nil),
		Credentials: []connector.Credential{
			{Key: "access_token", Help: "the Admin API access token (shpat_…) of a custom app; or give client_id and client_secret"},
			{Key: "client_id", Help: "the Dev Dashboard app's client id (client credentials grant, with client_secret)"},
			{Key: "client_secret", Help: "the app's client secret: gets tokens with client_id, and signs webhooks"},
			{Key: "webhook_secret", Help: "the key webhook deliveries are signed with; default client_secret"},
		},
		Open: func(ctx context.Context, env connector.Env) (connector.Conn, error) {
			s, ok := env.Settings.(*Settings)
			if !ok {
				return nil, fmt.Errorf("shopify: settings are %T, want *shopify.Settings", env.Settings)
			}
			cr := Credentials{AccessToken: env.Credentials["access_token"], ClientID: env.Credentials["client_id"],
				ClientSecret: env.Credentials["client_secret"], WebhookSecret: env.Credentials["webhook_secret"]}
			c, err := New(env.Name, *s, cr, env.HTTPClient)
			if err != nil {
				return nil, err
			}
			c.caller.CountCalls(env.Calls)
			return c, nil
		},
	})
}

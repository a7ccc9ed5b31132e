package ogoship

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

// Defaults of the hosts (reference §3.1).
const (
	DefaultBaseURL  = "https://api.ogoship.com"
	DefaultTokenURL = "https://my.ogoship.com/OAuth/Token"
)

// Scope is what the client asks the token server for: orders, products (with
// stock) and webhooks, read and write.
const Scope = "read:order write:order read:product write:product read:webhook write:webhook"

// Settings configure an OGOship (myOGO) connection: one merchant.
type Settings struct {
	// BaseURL is the API host; routes are /api/v1/... under it. Default
	// https://api.ogoship.com.
	BaseURL string `yaml:"base_url" json:"base_url"`
	// TokenURL is the OAuth2 token endpoint. Default
	// https://my.ogoship.com/OAuth/Token.
	TokenURL string `yaml:"token_url" json:"token_url"`
	// ClientID is the OAuth client id OGOship's tech team issued (the demo
	// client is 123456). Required.
	ClientID string `yaml:"client_id" json:"client_id"`
	// Reference chooses the OGOship order reference: "shop" (default: the
	// shop's order number, what myOGO's own MyCashflow integration shows) or
	// "ref" (the route's reference "SHOP-1234", for several shops in one
	// merchant).
	Reference string `yaml:"reference" json:"reference"`
	// Language is the products' languageCode (ISO 639-1; the warehouses
	// support fi, en and sv). Default fi.
	Language string `yaml:"language" json:"language"`
	// Timeout bounds one HTTP attempt. Default 30s.
	Timeout time.Duration `yaml:"timeout" json:"timeout"`
	// RateLimit is requests per second to the merchant. OGOship documents
	// none; default 4.
	RateLimit float64 `yaml:"rate_limit" json:"rate_limit"`
	// MaxAttempts is the tries of one call. Default 4.
	MaxAttempts int `yaml:"max_attempts" json:"max_attempts"`
	// PageSize is the limit of listings (1..250). Default 100.
	PageSize int `yaml:"page_size" json:"page_size"`
	// ShippingMethods are the shipping codes enabled on the merchant's myOGO
	// "Edit Merchant → Shipping methods" page. OGOship has no API that lists
	// them (reference §3.3), so the Mappings page can offer them only when
	// they are written here; optional.
	ShippingMethods []string `yaml:"shipping_methods" json:"shipping_methods"`
}

// DefaultSettings returns the defaults.
func DefaultSettings() *Settings {
	return &Settings{BaseURL: DefaultBaseURL, TokenURL: DefaultTokenURL, Reference: "shop", Language: "fi", Timeout: 30 * time.Second, RateLimit: 4, MaxAttempts: 4, PageSize: 100}
}

var langRE = regexp.MustCompile(`^[a-z]{2}$`)

// Validate checks the settings.
func (s *Settings) Validate() error {
	var errs []error
	if strings.TrimSpace(s.ClientID) == "" {
		errs = append(errs, errors.New("client_id is required: the OAuth client id OGOship's tech team issued (the demo client is 123456)"))
	}
	for _, u := range []struct{ key, val, want string }{{"base_url", s.BaseURL, DefaultBaseURL}, {"token_url", s.TokenURL, DefaultTokenURL}} {
		if u.val == "" {
			continue
		}
		p, err := url.Parse(u.val)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			errs = append(errs, fmt.Errorf("%s %q: want an address like %s", u.key, u.val, u.want))
		}
	}
	switch s.Reference {
	case "", "shop", "ref":
	default:
		errs = append(errs, fmt.Errorf("reference %q: want shop or ref", s.Reference))
	}
	if s.Language != "" && !langRE.MatchString(s.Language) {
		errs = append(errs, fmt.Errorf("language %q: want a two-letter ISO 639-1 code (fi, en, sv)", s.Language))
	}
	if s.PageSize < 1 || s.PageSize > 250 {
		errs = append(errs, fmt.Errorf("page_size %d: want 1..250", s.PageSize))
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
	errs = append(errs, checkShippingMethods(s.ShippingMethods)...)
	return errors.Join(errs...)
}

// checkShippingMethods checks the enabled shipping codes: each a code as
// myOGO shows it (no blanks, no * — a code is matched exactly, the wildcards
// belong to the orders route's rules), each once (OGOship matches codes
// without regard to case).
func checkShippingMethods(codes []string) []error {
	var errs []error
	seen := map[string]int{}
	for i, code := range codes {
		switch {
		case strings.TrimSpace(code) == "":
			errs = append(errs, fmt.Errorf("shipping_methods[%d]: empty; write the code myOGO shows on Edit Merchant → Shipping methods", i))
		case code != strings.TrimSpace(code) || strings.ContainsAny(code, " \t\n"):
			errs = append(errs, fmt.Errorf("shipping_methods[%d] %q: a shipping code has no blanks", i, code))
		case strings.Contains(code, "*"):
			errs = append(errs, fmt.Errorf("shipping_methods[%d] %q: a shipping code is exact; wildcards go in the orders route's shipping_methods rules", i, code))
		case len(code) > 64:
			errs = append(errs, fmt.Errorf("shipping_methods[%d] %q: longer than 64 characters", i, code))
		}
		k := strings.ToLower(strings.TrimSpace(code))
		if j, ok := seen[k]; ok && k != "" {
			errs = append(errs, fmt.Errorf("shipping_methods[%d] %q: the same code as shipping_methods[%d]", i, code, j))
		} else {
			seen[k] = i
		}
	}
	return errs
}

func (s *Settings) fill() {
	if s.BaseURL == "" {
		s.BaseURL = DefaultBaseURL
	}
	if s.TokenURL == "" {
		s.TokenURL = DefaultTokenURL
	}
	if s.Reference == "" {
		s.Reference = "shop"
	}
	if s.Language == "" {
		s.Language = "fi"
	}
	s.BaseURL = strings.TrimSuffix(s.BaseURL, "/")
}

// Credentials are the merchant's secrets.
type Credentials struct {
	// ClientSecret is the OAuth client's secret (demo: abcdef).
	ClientSecret string
	// MerchantID and SecretToken are myOGO's Edit Merchant → Integrations →
	// API Information, sent as username and password.
	MerchantID, SecretToken string
}

func init() {
	connector.Register(connector.Kind{
		Name:        "ogoship",
		Title:       "OGOship",
		NewSettings: func() connector.Settings { return DefaultSettings() },
		Client:      (*Client)(nil),
		Credentials: []connector.Credential{
			{Key: "client_secret", Required: true, Help: "the OAuth client secret OGOship's tech team issued with client_id"},
			{Key: "merchant_id", Required: true, Help: "myOGO: Edit Merchant → Integrations → API Information: Merchant ID"},
			{Key: "secret_token", Required: true, Help: "myOGO: Edit Merchant → Integrations → API Information: Secret Token"},
		},
		Open: func(ctx context.Context, env connector.Env) (connector.Conn, error) {
			s, ok := env.Settings.(*Settings)
			if !ok {
				return nil, fmt.Errorf("ogoship: settings are %T, want *ogoship.Settings", env.Settings)
			}
			cr := Credentials{ClientSecret: env.Credentials["client_secret"], MerchantID: env.Credentials["merchant_id"], SecretToken: env.Credentials["secret_token"]}
			if cr.ClientSecret == "" || cr.MerchantID == "" || cr.SecretToken == "" {
				return nil, errors.New("ogoship: credentials client_secret, merchant_id and secret_token are required")
			}
			if env.RateLimit > 0 {
				cp := *s
				cp.RateLimit = env.RateLimit
				s = &cp
			}
			c, err := New(env.Name, *s, cr, env.HTTPClient)
			if err != nil {
				return nil, err
			}
			c.caller.CountCalls(env.Calls)
			return c, nil
		},
	})
}

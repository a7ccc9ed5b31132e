package clientify

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/sandbox/fault"
)

// Defaults of Options.
const (
	DefaultAPIKey       = "4f1c2b9e8d7a6c5b4a39281706f5e4d3c2b1a098"
	DefaultUsername     = "api@ferry-sandbox.example"
	DefaultPassword     = "sandbox-password"
	DefaultWebhookToken = "9b1f7c3e5a2d4f6081b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9"
	DefaultRateLimit    = 10 // requests per second per API key
	DefaultPageSize     = 20
	MaxPageSize         = 100
)

// Options configure a Server. The zero value is a usable demo account.
type Options struct {
	APIKey    string // the account's API key: Authorization: Token KEY; default DefaultAPIKey
	Username  string // the API user; also the legacy obtain_token login; default DefaultUsername
	Password  string // for POST /api-auth/obtain_token/; default DefaultPassword
	UserID    int    // the API user's id (GET /me/); default 57672
	AccountID int    // the account (company) id in webhooks; default 14800
	// AccountStatus is GET /me/'s account_status: "client_2_0" (default) or
	// "client_1_0"; FormsCRM picks the API version by it.
	AccountStatus string
	Company       string // the account's company name; default "Ferry Sandbox SL"
	TimeZone      string // account time zone: timestamps' offset, naive filter values; default Europe/Madrid
	Currency      string // account currency; default EUR
	// PublicURL replaces scheme://host of the request in hyperlinks, next and
	// previous (a sandbox behind a proxy).
	PublicURL string

	// Data is the initial content; nil generates Companies, Contacts and
	// Products records with Seed (Generate). Counts: 0 = default (12, 30, 20),
	// negative = none.
	Data                          *Data
	Companies, Contacts, Products int
	Seed                          int64 // default 1
	Pipelines                     []Pipeline

	// RateLimit is requests per second per API key before 429 with
	// Retry-After; 0 = DefaultRateLimit, negative = unlimited.
	RateLimit int
	// PageSize is the page size without page_size= (default 20); page_size is
	// capped at MaxPageSize.
	PageSize int

	// Strictness switches for what the reference leaves open (doc.go).
	NoFieldsRequirement bool // v2 contact and company lists work without fields=
	TaxIDFilter         bool // taxpayer_identification_number= filters lists (default: ignored, per FormsCRM)
	DjangoLookups       bool // modified__gte style filters too (default: only modified[gte])
	IgnoreNestedUpdate  bool // PUT/PATCH ignore emails/phones/addresses/websites (only sub-resources change them; order items and deal products still change)

	Faults         fault.Config   // 5xx HTML pages, drops, latency in front of the API
	CommitThenFail CommitThenFail // writes that take effect and then answer 500

	// Webhooks configure the per-entity webhook slots (webhooks.go).
	Webhooks []Webhook
	// WebhookShape is the payload: ShapeHookData (default), ShapeEventRoot,
	// ShapeHookRoot, ShapeEventData or ShapeMixed.
	WebhookShape string
	// WebhookRetries is how many times a failed delivery is tried again
	// (default 5, negative none); WebhookRetryDelay the first wait, doubled
	// each time (default 10 s).
	WebhookRetries    int
	WebhookRetryDelay time.Duration
	WebhookFaults     WebhookFaults

	Now func() time.Time // clock for created/modified; default time.Now
}

// Validate reports options New cannot honour.
func (o Options) Validate() error {
	if o.TimeZone != "" {
		if _, err := time.LoadLocation(o.TimeZone); err != nil {
			return fmt.Errorf("clientify sandbox: time zone %q: %v", o.TimeZone, err)
		}
	}
	if strings.ContainsAny(o.APIKey, " \t\r\n") {
		return fmt.Errorf("clientify sandbox: the API key must not contain spaces")
	}
	if o.PublicURL != "" {
		u, err := url.Parse(o.PublicURL)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return fmt.Errorf("clientify sandbox: public URL %q: want http(s)://host", o.PublicURL)
		}
	}
	if o.Companies > 1_000_000 || o.Contacts > 1_000_000 || o.Products > 1_000_000 {
		return fmt.Errorf("clientify sandbox: at most 1,000,000 generated records of a kind")
	}
	if o.PageSize > MaxPageSize {
		return fmt.Errorf("clientify sandbox: page size %d is more than %d", o.PageSize, MaxPageSize)
	}
	switch o.WebhookShape {
	case "", ShapeHookData, ShapeEventRoot, ShapeHookRoot, ShapeEventData, ShapeMixed:
	default:
		return fmt.Errorf("clientify sandbox: webhook shape %q: want %s, %s, %s, %s or %s", o.WebhookShape,
			ShapeHookData, ShapeEventRoot, ShapeHookRoot, ShapeEventData, ShapeMixed)
	}
	fc := o.Faults
	if fc.ErrorRate < 0 || fc.DropRate < 0 || fc.RateLimitRate < 0 || fc.ErrorRate+fc.DropRate+fc.RateLimitRate > 1 {
		return fmt.Errorf("clientify sandbox: fault rates must be ≥ 0 and add up to at most 1")
	}
	if err := o.CommitThenFail.check(); err != nil {
		return fmt.Errorf("clientify sandbox: %w", err)
	}
	if err := o.WebhookFaults.check(); err != nil {
		return fmt.Errorf("clientify sandbox: %w", err)
	}
	if _, err := slotsFor(o.Webhooks, o.defaultToken()); err != nil {
		return fmt.Errorf("clientify sandbox: %w", err)
	}
	return nil
}

func (o Options) defaultToken() string { return DefaultWebhookToken }

func (o *Options) defaults() {
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	def(&o.APIKey, DefaultAPIKey)
	def(&o.Username, DefaultUsername)
	def(&o.Password, DefaultPassword)
	def(&o.AccountStatus, "client_2_0")
	def(&o.Company, "Ferry Sandbox SL")
	def(&o.TimeZone, "Europe/Madrid")
	def(&o.Currency, "EUR")
	def(&o.WebhookShape, ShapeHookData)
	o.PublicURL = strings.TrimRight(o.PublicURL, "/")
	if o.UserID == 0 {
		o.UserID = 57672
	}
	if o.AccountID == 0 {
		o.AccountID = 14800
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	counts := []struct {
		p   *int
		def int
	}{{&o.Companies, 12}, {&o.Contacts, 30}, {&o.Products, 20}}
	for _, c := range counts {
		switch {
		case *c.p == 0:
			*c.p = c.def
		case *c.p < 0:
			*c.p = 0
		}
	}
	if len(o.Pipelines) == 0 {
		o.Pipelines = DefaultPipelines()
	}
	if o.RateLimit == 0 {
		o.RateLimit = DefaultRateLimit
	}
	if o.PageSize <= 0 {
		o.PageSize = DefaultPageSize
	}
	if o.WebhookRetries == 0 {
		o.WebhookRetries = 5
	}
	if o.WebhookRetryDelay <= 0 {
		o.WebhookRetryDelay = 10 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

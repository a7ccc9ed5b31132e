package clientify

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Europe/Madrid on machines without a zoneinfo database

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
	IgnoreNestedUpdate  bool // PUT/PATCH ignore emails/phones/addresses/websites (only sub-resources change them)

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

// user is a Clientify user: the API key's, or the CRM user who edits by hand.
type user struct {
	id                         int
	username, first, last, pic string
	channel                    string // a created contact's channel
}

func (u *user) fullName() string { return strings.TrimSpace(u.first + " " + u.last) }

// Server is a fake Clientify account served over HTTP.
type Server struct {
	opts     Options
	loc      *time.Location
	faults   *fault.Injector
	throttle *throttle
	api, crm *user

	mu         sync.Mutex // guards everything below
	recs       map[string]map[int]*rec
	deleted    map[string][]int
	next       map[string]int
	seq        int // ids of nested items (emails, phones …) and custom values
	cfDefs     []*cfDef
	pipelines  []*pipeline
	stages     []*stage
	apiWrites  map[string]*WriteCount
	userWrites map[string]*WriteCount
	requests   int64
	origin     string // scheme://host of the latest request, for webhook bodies
	outbox     []event
	commit     CommitThenFail
	commitRng  *rand.Rand
	commitLog  []CommitFailure

	hooks   *hookSet
	handler http.Handler
}

// New builds an account filled with opts.Data or generated records. Webhook
// slots that Validate refuses are left out. Close stops webhook delivery.
func New(opts Options) *Server {
	opts.defaults()
	loc, err := time.LoadLocation(opts.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	s := &Server{opts: opts, loc: loc, faults: fault.New(opts.Faults), throttle: newThrottle(opts.RateLimit),
		recs: map[string]map[int]*rec{}, deleted: map[string][]int{}, next: map[string]int{},
		apiWrites: map[string]*WriteCount{}, userWrites: map[string]*WriteCount{}, seq: 900000000}
	s.api = &user{id: opts.UserID, username: opts.Username, first: "API", last: "Ferry", channel: "integrations-api"}
	s.crm = &user{id: opts.UserID + 1, username: "comercial@ferry-sandbox.example", first: "Lucía", last: "Comercial", channel: "manual"}
	s.origin = opts.PublicURL
	if s.origin == "" {
		s.origin = "http://127.0.0.1" // until a request (or Serve) tells the host
	}
	for _, res := range resources {
		s.recs[res.name] = map[int]*rec{}
		s.next[res.name] = res.startID
		s.apiWrites[res.name] = &WriteCount{}
		s.userWrites[res.name] = &WriteCount{}
	}
	s.setPipelines(opts.Pipelines)
	s.setCommitThenFail(opts.CommitThenFail)
	slots, _ := slotsFor(opts.Webhooks, opts.defaultToken())
	s.hooks = newHookSet(s, slots, opts.WebhookFaults, uint64(opts.Seed))
	data := opts.Data
	if data == nil {
		data = Generate(opts.Companies, opts.Contacts, opts.Products, opts.Seed)
	}
	s.load(data)
	mux := http.NewServeMux()
	mux.Handle("/_sandbox/faults", s.faults.Handler())
	mux.HandleFunc("/_sandbox/", s.serveControl)
	mux.Handle("/", s.faults.Wrap(http.HandlerFunc(s.serveAPI)))
	s.handler = mux
	return s
}

// Handler serves /v1/…, /v2/…, /api/… (v2's hyperlinks) and /_sandbox/….
func (s *Server) Handler() http.Handler { return s.handler }

// Faults returns the fault injector in front of the API.
func (s *Server) Faults() *fault.Injector { return s.faults }

// Options returns the options in effect, defaults filled in.
func (s *Server) Options() Options { return s.opts }

// APIKey is the key to send as Authorization: Token KEY.
func (s *Server) APIKey() string { return s.opts.APIKey }

// Serve serves on ln until ctx ends, then shuts down (5 s at most) and closes.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if s.opts.PublicURL == "" {
		s.mu.Lock()
		s.origin = "http://" + ln.Addr().String()
		s.mu.Unlock()
	}
	srv := &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		s.Close()
		return fmt.Errorf("clientify sandbox: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	<-errc
	s.Close()
	if err != nil {
		return fmt.Errorf("clientify sandbox: shutdown: %w", err)
	}
	return nil
}

// Close stops webhook delivery and waits for it; deliveries still waiting
// for a retry are abandoned.
func (s *Server) Close() { s.hooks.close() }

// now is the clock truncated to microseconds, as PostgreSQL stores it.
func (s *Server) now() time.Time { return s.opts.Now().Truncate(time.Microsecond) }

// call is one API request after routing.
type call struct {
	r      *http.Request
	ver    string // "v1" or "v2"
	prefix string // "/v1", "/v2" or "/api"
	params []string
	q      url.Values
	body   any
	now    time.Time
	actor  *user
	origin string
}

// view is how this call renders records; fields= selects fields.
func (c *call) view(s *Server) *view {
	v := &view{base: c.origin + "/v1", loc: s.loc}
	if c.ver == "v2" {
		v.base = c.origin + "/api"
	}
	if f := strings.TrimSpace(c.q.Get("fields")); f != "" {
		v.sel = map[string]bool{}
		for _, n := range strings.Split(f, ",") {
			if n = strings.TrimSpace(n); n != "" {
				v.sel[n] = true
			}
		}
	}
	return v
}

func (c *call) id(i int) (int, bool) {
	if i >= len(c.params) {
		return 0, false
	}
	n, ok := asInt(c.params[i])
	return n, ok && n > 0
}

// bodyMap is the body as an object, or DRF's non_field_errors.
func (c *call) bodyMap() (map[string]any, *apiErr) {
	m, ok := c.body.(map[string]any)
	if !ok {
		return nil, invalid(errMap{"non_field_errors": []string{fmt.Sprintf("Invalid data. Expected a dictionary, but got %s.", pyType(c.body))}})
	}
	return m, nil
}

func (s *Server) requestOrigin(r *http.Request) string {
	if s.opts.PublicURL != "" {
		return s.opts.PublicURL
	}
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func splitPrefix(path string) (prefix, ver, rest string) {
	for _, p := range []struct{ prefix, ver string }{{"/v1", "v1"}, {"/v2", "v2"}, {"/api", "v2"}} {
		if path == p.prefix || strings.HasPrefix(path, p.prefix+"/") {
			return p.prefix, p.ver, path[len(p.prefix):]
		}
	}
	return "", "", ""
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	prefix, ver, rest := splitPrefix(r.URL.Path)
	if prefix == "" {
		writeErr(w, htmlNotFound())
		return
	}
	rt, params := matchRoute(strings.Trim(rest, "/"))
	if rt == nil {
		writeErr(w, htmlNotFound())
		return
	}
	if !strings.HasSuffix(r.URL.Path, "/") {
		// Django's APPEND_SLASH (CommonMiddleware): a permanent redirect, for
		// every method; a client that follows it with POST arrives as GET.
		loc := r.URL.Path + "/"
		if r.URL.RawQuery != "" {
			loc += "?" + r.URL.RawQuery
		}
		w.Header().Set("Location", loc)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusMovedPermanently)
		return
	}
	s.mu.Lock()
	s.requests++
	s.mu.Unlock()
	c := &call{r: r, ver: ver, prefix: prefix, params: params, q: r.URL.Query(), actor: s.api, origin: s.requestOrigin(r)}
	if !rt.noAuth {
		key, e := s.authenticate(r)
		if e != nil {
			writeErr(w, e)
			return
		}
		if wait, ok := s.throttle.allow(key, time.Now()); !ok {
			writeErr(w, throttled(wait))
			return
		}
	}
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	allow := rt.allow()
	w.Header().Set("Allow", allow)
	if method == http.MethodOptions {
		writeJSON(w, http.StatusOK, obj{{"name", rt.name}, {"description", ""}, {"renders", []string{"application/json"}},
			{"parses", []string{"application/json", "application/x-www-form-urlencoded", "multipart/form-data"}}})
		return
	}
	h := rt.methods[method]
	if h == nil {
		writeErr(w, methodNotAllowed(r.Method))
		return
	}
	if method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch {
		raw, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil || len(raw) > maxBody {
			writeErr(w, detail(http.StatusRequestEntityTooLarge, "Request body too large."))
			return
		}
		body, e := parseBody(r, raw)
		if e != nil {
			writeErr(w, e)
			return
		}
		c.body = body
	}
	s.mu.Lock()
	c.now = s.now()
	s.origin = c.origin
	code, out, e := h(s, c)
	failAfter, drop := false, false
	if e == nil && method != http.MethodGet && !rt.noAuth {
		failAfter, drop = s.commitFault(r, c.now)
	}
	events := s.takeOutbox()
	s.mu.Unlock()
	s.hooks.emit(events)
	switch {
	case drop:
		fault.Drop(w)
	case failAfter:
		writeErr(w, htmlServerError())
	case e != nil:
		writeErr(w, e)
	case code == http.StatusNoContent:
		w.WriteHeader(code)
	default:
		writeJSON(w, code, out)
	}
}

package shopify

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/ferryhub/ferry/internal/sandbox/fault"
)

// Options configure a Server. The zero value is a small demo shop.
type Options struct {
	// Shop is the shop's handle: {Shop}.myshopify.com; default "ferry-demo".
	Shop string
	// AccessToken is the Admin API token (X-Shopify-Access-Token); default
	// "shpat_sandbox_token".
	AccessToken string
	// ExtraTokens are tokens of other apps on the shop; each app has its own
	// cost bucket, as buckets are per (shop, app).
	ExtraTokens []string
	// APISecret is the app's client secret: the webhook HMAC key; default
	// "shpss_sandbox_secret", or ClientSecret when only that is set.
	APISecret string
	// ClientID and ClientSecret are the app's credentials for the
	// client-credentials grant (oauth.go); defaults DefaultClientID and
	// APISecret (Shopify signs webhooks with the client secret, §1.3).
	ClientID, ClientSecret string
	// TokenTTL is the lifetime of granted tokens; default 24 h (§1.3).
	TokenTTL time.Duration
	// Scopes are the app's access scopes; nil means DefaultScopes, empty none.
	Scopes []string
	// SchemaPath is the Admin API SDL; default FindSchema from the working
	// directory.
	SchemaPath string
	// Seed seeds the data generator; default 1.
	Seed int64
	// Orders, Products and Customers are the generated record counts (0 the
	// default 40, 20 and 15; negative none). VariantsPerProduct defaults to 3.
	Orders, Products, Customers, VariantsPerProduct int
	// Currency is the shop currency (default EUR); VATRate its tax rate (default
	// 0.24, prices include tax).
	Currency string
	VATRate  float64
	// Plan picks the throttle figures from Plans (default "standard");
	// MaximumAvailable and RestoreRate override them when set.
	Plan                          string
	MaximumAvailable, RestoreRate float64
	// Throttle429 answers a throttled request with HTTP 429 and Retry-After
	// instead of Shopify's usual 200 (reference §1.4).
	Throttle429 bool
	// BulkDelay is how long a bulk operation runs before it completes; default 1 s.
	BulkDelay time.Duration
	// WebhookTimeout is the time a receiver has to answer (default 5 s, §1.9);
	// WebhookRetries the retries after the first try (default 8) and
	// WebhookBackoff the first retry's delay, doubled each time (default 1 s;
	// Shopify spreads 8 retries over 4 hours).
	WebhookTimeout time.Duration
	WebhookRetries int
	WebhookBackoff time.Duration
	// Faults is the initial fault injection in front of the API.
	Faults fault.Config
	// CommitThenFail makes mutations take effect and then fail (commitfault.go).
	CommitThenFail CommitThenFail
	// MediaProcessing is how long new product media stay PROCESSING once
	// their source is read (Shopify processes media after answering);
	// default 0: READY or FAILED at once.
	MediaProcessing time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Validate reports options New cannot honour.
func (o Options) Validate() error {
	if o.Shop != "" && !shopName.MatchString(o.Shop) {
		return fmt.Errorf("shopify sandbox: shop %q: use lowercase letters, digits and '-'", o.Shop)
	}
	if o.Plan != "" {
		if _, ok := Plans[o.Plan]; !ok {
			return fmt.Errorf("shopify sandbox: unknown plan %q (standard, advanced, plus, enterprise, classic)", o.Plan)
		}
	}
	if o.TokenTTL < 0 {
		return fmt.Errorf("shopify sandbox: token TTL must not be negative")
	}
	if err := checkScopes(o.Scopes); err != nil {
		return err
	}
	if o.MaximumAvailable < 0 || o.RestoreRate < 0 {
		return fmt.Errorf("shopify sandbox: bucket size and restore rate must not be negative")
	}
	if o.Orders > 1_000_000 || o.Products > 1_000_000 || o.Products*max(1, o.VariantsPerProduct) > 2_000_000 {
		return fmt.Errorf("shopify sandbox: at most 1,000,000 orders and 2,000,000 variants")
	}
	fc := o.Faults
	if fc.ErrorRate < 0 || fc.DropRate < 0 || fc.RateLimitRate < 0 || fc.ErrorRate+fc.DropRate+fc.RateLimitRate > 1 {
		return fmt.Errorf("shopify sandbox: fault rates must be ≥ 0 and add up to at most 1")
	}
	if err := o.CommitThenFail.check(); err != nil {
		return fmt.Errorf("shopify sandbox: %w", err)
	}
	return nil
}

// DefaultClientID is the app's client ID unless Options.ClientID is set
// (Shopify's are 32 hex digits).
const DefaultClientID = "f3a9c0de5b7e4c2a9d1b6e8f0a2c4d6e"

var shopName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

func (o *Options) defaults() {
	if o.Shop == "" {
		o.Shop = "ferry-demo"
	}
	if o.AccessToken == "" {
		o.AccessToken = "shpat_sandbox_token"
	}
	if o.APISecret == "" {
		o.APISecret = cmp.Or(o.ClientSecret, "shpss_sandbox_secret")
	}
	o.ClientID = cmp.Or(o.ClientID, DefaultClientID)
	o.ClientSecret = cmp.Or(o.ClientSecret, o.APISecret)
	o.TokenTTL = cmp.Or(o.TokenTTL, 24*time.Hour)
	if o.Scopes == nil {
		o.Scopes = DefaultScopes
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	def := func(n *int, d int) {
		switch {
		case *n == 0:
			*n = d
		case *n < 0:
			*n = 0
		}
	}
	def(&o.Orders, 40)
	def(&o.Products, 20)
	def(&o.Customers, 15)
	def(&o.VariantsPerProduct, 3)
	if o.Currency == "" {
		o.Currency = "EUR"
	}
	if o.VATRate == 0 {
		o.VATRate = 0.24
	}
	if o.Plan == "" {
		o.Plan = "standard"
	}
	p := Plans[o.Plan]
	if o.MaximumAvailable == 0 {
		o.MaximumAvailable = p.MaximumAvailable
	}
	if o.RestoreRate == 0 {
		o.RestoreRate = p.RestoreRate
	}
	if o.BulkDelay == 0 {
		o.BulkDelay = time.Second
	}
	if o.WebhookTimeout == 0 {
		o.WebhookTimeout = 5 * time.Second
	}
	if o.WebhookRetries == 0 {
		o.WebhookRetries = 8
	}
	if o.WebhookBackoff == 0 {
		o.WebhookBackoff = time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Versions are the API versions served as themselves; an older or unknown
// YYYY-MM version is served as the oldest of them (reference §1.2 [U]). Every
// version is validated against the 2025-01 schema, the only one the sandbox
// has.
var Versions = []string{"2025-01", "2025-04", "2025-07", "2025-10", "2026-01", "unstable"}

var versionRe = regexp.MustCompile(`^(\d{4}-\d{2}|unstable)$`)

// Server is a fake Shopify shop serving the Admin GraphQL API over HTTP.
type Server struct {
	opts    Options
	schema  *ast.Schema
	faults  *fault.Injector
	buckets *buckets
	oauth   *oauth

	mu sync.Mutex // guards st and everything below
	st *state
	// throttle429 is Options.Throttle429, settable at run time.
	throttle429 bool
	requests    int64
	throttled   int64
	commit      CommitThenFail
	commitRng   *rand.Rand
	commitLog   []CommitFailure
	// uploadFailures is how many upload requests still answer 503.
	uploadFailures int

	// mediaCtx ends the media downloads still running when the server closes.
	mediaCtx  context.Context
	mediaStop context.CancelFunc
	mediaWG   sync.WaitGroup

	queryRoot, mutationRoot obj
	hooks                   *dispatcher
	handler                 http.Handler
}

// New builds a shop filled by the deterministic generator. It fails only when
// the schema cannot be loaded.
func New(opts Options) (*Server, error) {
	opts.defaults()
	if opts.SchemaPath == "" {
		p, err := FindSchema(".")
		if err != nil {
			return nil, err
		}
		opts.SchemaPath = p
	}
	schema, err := loadSchema(opts.SchemaPath)
	if err != nil {
		return nil, err
	}
	s := &Server{opts: opts, schema: schema, faults: fault.New(opts.Faults), st: newState(), throttle429: opts.Throttle429,
		oauth:   &oauth{ttl: opts.TokenTTL, scopes: slices.Clone(opts.Scopes), issued: map[string]time.Time{}},
		buckets: &buckets{plan: Plan{opts.MaximumAvailable, opts.RestoreRate}, m: map[string]*bucket{}}}
	s.setCommitThenFail(opts.CommitThenFail)
	s.mediaCtx, s.mediaStop = context.WithCancel(context.Background())
	s.hooks = newDispatcher(s)
	s.queryRoot = s.newQueryRoot()
	s.mutationRoot = s.newMutationRoot()
	generate(s, opts)
	mux := http.NewServeMux()
	mux.Handle("/_sandbox/faults", s.faults.Handler())
	mux.HandleFunc("/_sandbox/", s.serveControl)
	mux.HandleFunc("/_bulk/", s.serveBulkFile)
	// The upload bucket and the CDN are other hosts in Shopify: no token, no
	// API faults (FailNextUploads fails uploads).
	mux.HandleFunc("/staged-uploads/", s.serveUpload)
	mux.HandleFunc("/cdn/shop/files/", s.serveCDN)
	mux.Handle("/admin/oauth/access_token", s.faults.Wrap(http.HandlerFunc(s.serveToken)))
	mux.Handle("/admin/", s.faults.Wrap(http.HandlerFunc(s.serveAPI)))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]any{"errors": "Not Found"})
	})
	// The control paths bypass the mux: its path cleaning folds a gid:// in a
	// path to gid:/ and answers with a redirect that turns POST into GET.
	s.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/_sandbox/") && r.URL.Path != "/_sandbox/faults" {
			s.serveControl(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
	return s, nil
}

// Handler serves /admin/api/{version}/graphql.json, the bulk result files
// under /_bulk/ and the control endpoints under /_sandbox/.
func (s *Server) Handler() http.Handler { return s.handler }

// Options returns the options in effect, defaults filled in.
func (s *Server) Options() Options { return s.opts }

// Faults returns the fault injector in front of the API.
func (s *Server) Faults() *fault.Injector { return s.faults }

// ShopDomain is {shop}.myshopify.com, sent as X-Shopify-Shop-Domain.
func (s *Server) ShopDomain() string { return s.opts.Shop + ".myshopify.com" }

// GraphQLPath is the endpoint's path for version.
func GraphQLPath(version string) string { return "/admin/api/" + version + "/graphql.json" }

// Close stops webhook deliveries still queued or waiting for a retry and the
// media downloads still running.
func (s *Server) Close() {
	s.mediaStop()
	s.mediaWG.Wait()
	s.hooks.close()
}

// Serve serves on ln until ctx ends, then shuts down gracefully (5 s at most).
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	defer s.Close()
	srv := &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("shopify sandbox: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	<-errc
	if err != nil {
		return fmt.Errorf("shopify sandbox: shutdown: %w", err)
	}
	return nil
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	var b []byte
	if m, ok := v.(*omap); ok {
		b, _ = m.MarshalJSON()
	} else {
		var err error
		if b, err = json.Marshal(v); err != nil {
			code, b = http.StatusInternalServerError, []byte(`{"errors":"Internal Server Error"}`)
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(code)
	w.Write(b)
}

// maxBody caps request bodies (1 MiB).
const maxBody = 1 << 20

// unauthorized is the 401 body for a missing or wrong token (reference §1.8 f [U]).
const unauthorized = "[API] Invalid API key or access token (unrecognized login or wrong password)"

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	version, ok := strings.CutPrefix(r.URL.Path, "/admin/api/")
	version, rest, _ := strings.Cut(version, "/")
	if !ok || rest != "graphql.json" || !versionRe.MatchString(version) {
		writeJSON(w, http.StatusNotFound, map[string]any{"errors": "Not Found"})
		return
	}
	if !slices.Contains(Versions, version) {
		version = Versions[0]
	}
	w.Header().Set("X-Shopify-API-Version", version)
	w.Header().Set("X-Request-Id", s.requestID())
	// An expired token gets the same 401 as a wrong one [U].
	if st, _ := s.checkToken(r.Header.Get("X-Shopify-Access-Token")); st != tokenValid {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"errors": unauthorized})
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"errors": "Method Not Allowed"})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]any{"errors": "Request body too large"})
		return
	}
	var req struct {
		Query         string         `json:"query"`
		Variables     map[string]any `json:"variables"`
		OperationName string         `json:"operationName"`
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/graphql") {
		req.Query = string(body)
	} else if err := json.Unmarshal(body, &req); err != nil || strings.TrimSpace(req.Query) == "" {
		// [U] Shopify's words for a body without a query.
		writeJSON(w, http.StatusBadRequest, map[string]any{"errors": map[string]any{"query": "Required parameter missing or invalid"}})
		return
	}
	res := s.run(r, version, req.Query, req.Variables, req.OperationName)
	if res.committed {
		if fail, drop := s.commitFault(req.OperationName, r.URL.Path); drop {
			fault.Drop(w)
			return
		} else if fail {
			writeJSON(w, http.StatusInternalServerError, internalError(s.requestID()))
			return
		}
	}
	if res.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(res.retryAfter))
	}
	writeJSON(w, res.code, res.answer)
}

func (s *Server) requestID() string {
	s.mu.Lock()
	s.requests++
	n := s.requests
	s.mu.Unlock()
	return fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012x", uint32(s.opts.Seed), n%0xffff, n%0xfff, (n>>12)%0xfff, n)
}

// result is one request's answer. committed reports a mutation that ran, for
// commit-then-fail; retryAfter is the 429 mode's Retry-After in seconds.
type result struct {
	code       int
	answer     *omap
	committed  bool
	retryAfter int
}

func answered(a *omap) result { return result{code: http.StatusOK, answer: a} }

// run validates and executes one request.
func (s *Server) run(r *http.Request, version, query string, vars map[string]any, opName string) result {
	doc, errs := parseAndValidate(s.schema, query)
	if errs != nil {
		return answered(newOmap("errors", errList(errs)))
	}
	op, err := pickOperation(doc, opName)
	if err != nil {
		return answered(newOmap("errors", errList([]gqlErr{{Message: err.Error()}})))
	}
	coerced, verr := coerceVariables(s.schema, op, vars)
	if verr != nil {
		return answered(newOmap("errors", errList([]gqlErr{*verr})))
	}
	token := s.appOf(r.Header.Get("X-Shopify-Access-Token")) // the bucket's key
	now := s.opts.Now()
	ec := &execCtx{s: s, schema: s.schema, doc: doc, vars: coerced, now: now, base: baseURL(r), version: version, scopes: s.scopeSet()}
	requested := ec.requestedCost(op)
	if requested > MaxQueryCost {
		left, _ := s.buckets.take(token, 0, now)
		return answered(newOmap("errors", []any{newOmap("message", fmt.Sprintf(maxCostMessage, requested, MaxQueryCost),
			"extensions", newOmap("code", "MAX_COST_EXCEEDED", "cost", requested, "maxCost", MaxQueryCost,
				"documentation", "https://shopify.dev/api/usage/rate-limits"))},
			"extensions", newOmap("cost", s.buckets.costExt(requested, nil, left))))
	}
	left, ok := s.buckets.take(token, requested, now)
	if !ok {
		s.mu.Lock()
		s.throttled++
		as429 := s.throttle429
		s.mu.Unlock()
		ans := newOmap("errors", []any{newOmap("message", "Throttled",
			"extensions", newOmap("code", "THROTTLED", "documentation", "https://shopify.dev/api/usage/rate-limits"))},
			"extensions", newOmap("cost", s.buckets.costExt(requested, nil, left)))
		if as429 {
			wait := math.Ceil((float64(requested) - left) / s.buckets.restoreRate())
			return result{code: http.StatusTooManyRequests, answer: ans, retryAfter: int(max(1, wait))}
		}
		return answered(ans)
	}
	s.mu.Lock()
	data := s.execute(ec, op)
	s.mu.Unlock()
	left = s.buckets.refund(token, max(0, requested-ec.actual), s.opts.Now())
	actual := ec.actual
	answer := newOmap()
	answer.set("data", data)
	if len(ec.errs) > 0 {
		answer.set("errors", errList(ec.errs))
	}
	ext := newOmap("cost", s.buckets.costExt(requested, &actual, left))
	if len(ec.search) > 0 {
		ext.set("search", ec.search)
	}
	answer.set("extensions", ext)
	return result{code: http.StatusOK, answer: answer, committed: op.Operation == ast.Mutation && data != nil}
}

// maxCostMessage is Shopify's MAX_COST_EXCEEDED text [U: from memory of real
// answers; the reference gives only the code].
const maxCostMessage = "Query cost is %d, which exceeds the single query max cost limit (%d).\n\nSee https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\ncost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\nSee https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n"

// execute runs op with s.mu held.
func (s *Server) execute(ec *execCtx, op *ast.OperationDefinition) any {
	root, def := s.queryRoot, s.schema.Query
	if op.Operation == ast.Mutation {
		root, def = s.mutationRoot, s.schema.Mutation
	}
	data, ok := ec.selectObject(op.SelectionSet, def, root, nil)
	if !ok {
		return nil
	}
	return data
}

func pickOperation(doc *ast.QueryDocument, name string) (*ast.OperationDefinition, error) {
	if name != "" {
		if op := doc.Operations.ForName(name); op != nil {
			return op, nil
		}
		return nil, fmt.Errorf("No operation named %q", name)
	}
	if len(doc.Operations) != 1 {
		return nil, errors.New("An operation name is required")
	}
	return doc.Operations[0], nil
}

func errList(errs []gqlErr) []any {
	out := make([]any, len(errs))
	for i, e := range errs {
		m := newOmap("message", e.Message)
		if len(e.Locations) > 0 {
			var ls []any
			for _, l := range e.Locations {
				ls = append(ls, newOmap("line", l.Line, "column", l.Column))
			}
			m.set("locations", ls)
		}
		if len(e.Path) > 0 {
			m.set("path", e.Path)
		}
		if e.Extensions != nil {
			m.set("extensions", e.Extensions)
		}
		out[i] = m
	}
	return out
}

func internalError(requestID string) *omap {
	return newOmap("errors", []any{newOmap("message", "Internal error. Looks like something went wrong on our end.\nRequest ID: "+requestID+" (include this in support requests).",
		"extensions", newOmap("code", "INTERNAL_SERVER_ERROR", "requestId", requestID))})
}

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

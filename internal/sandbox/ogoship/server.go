package ogoship

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ferryhub/ferry/internal/sandbox/fault"
)

// Options configure a Server. The zero value is a usable demo merchant.
type Options struct {
	// ClientID and ClientSecret are the OAuth client; default the demo client
	// 123456 / abcdef (§3.1).
	ClientID, ClientSecret string
	// MerchantID and SecretToken are the merchant credentials sent as username
	// and password; defaults "demo-merchant" and "demo-secret".
	MerchantID, SecretToken string
	// APIKey, when set, is accepted in an X-OgoKey header with every scope.
	// Empty (the default) turns that method off.
	APIKey string
	// TokenTTL is the access-token lifetime; default 5400 s (1.5 h). RefreshTTL
	// is the refresh-token lifetime; default 14 days. Both settable at run time
	// with SetTokenTTL.
	TokenTTL, RefreshTTL time.Duration
	Seed                 int64 // data generator seed, default 1
	// Products and Orders are the generated counts; defaults 30 and 20; 0 keeps
	// the default, negative means none.
	Products, Orders int
	// ReceiveNew is the stock a product created through the API starts with,
	// as if its goods arrived with it; default 0.
	ReceiveNew int
	// ShippingMethods are the methods enabled on the merchant; default
	// DefaultShippingMethods().
	ShippingMethods []ShippingMethod
	Faults          fault.Config // initial fault injection
	// CommitFaults make writes take effect and then answer 500 or drop the
	// connection (commitfault.go); settable at run time.
	CommitFaults CommitFaults
	// LoseRefresh consumes refresh grants and drops their answer (token.go);
	// settable at run time.
	LoseRefresh LoseRefresh
	// WebhookRetry is the first pause between webhook delivery attempts; it
	// doubles after each. Default 200 ms.
	WebhookRetry time.Duration
	Now          func() time.Time // clock; default time.Now
}

// Validate reports options New cannot honour: fault rates out of range, counts
// above 1,000,000, negative lifetimes, duplicate shipping codes.
func (o Options) Validate() error {
	if o.Products > 1_000_000 || o.Orders > 1_000_000 {
		return fmt.Errorf("ogoship sandbox: more than 1,000,000 generated records")
	}
	if o.TokenTTL < 0 || o.RefreshTTL < 0 {
		return fmt.Errorf("ogoship sandbox: token lifetimes must not be negative")
	}
	fc := o.Faults
	if fc.ErrorRate < 0 || fc.DropRate < 0 || fc.RateLimitRate < 0 || fc.ErrorRate+fc.DropRate+fc.RateLimitRate > 1 {
		return fmt.Errorf("ogoship sandbox: fault rates must be ≥ 0 and add up to at most 1")
	}
	if err := o.CommitFaults.check(); err != nil {
		return fmt.Errorf("ogoship sandbox: %w", err)
	}
	if err := o.LoseRefresh.check(); err != nil {
		return fmt.Errorf("ogoship sandbox: %w", err)
	}
	seen := map[string]bool{}
	for _, m := range o.ShippingMethods {
		k := strings.ToLower(m.Code)
		if k == "" || seen[k] {
			return fmt.Errorf("ogoship sandbox: shipping method code %q is empty or repeated", m.Code)
		}
		seen[k] = true
	}
	return nil
}

func (o *Options) defaults() {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&o.ClientID, "123456")
	def(&o.ClientSecret, "abcdef")
	def(&o.MerchantID, "demo-merchant")
	def(&o.SecretToken, "demo-secret")
	if o.TokenTTL == 0 {
		o.TokenTTL = 5400 * time.Second
	}
	if o.RefreshTTL == 0 {
		o.RefreshTTL = 14 * 24 * time.Hour
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	o.Products = count(o.Products, 30)
	o.Orders = count(o.Orders, 20)
	if o.ShippingMethods == nil {
		o.ShippingMethods = DefaultShippingMethods()
	}
	if o.WebhookRetry <= 0 {
		o.WebhookRetry = 200 * time.Millisecond
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

func count(n, def int) int {
	switch {
	case n == 0:
		return def
	case n < 0:
		return 0
	}
	return n
}

// Server is a fake OGOship merchant API (and its token server) over HTTP.
type Server struct {
	opts   Options
	faults *fault.Injector

	mu       sync.Mutex
	st       *state
	tok      *tokens
	calls    map[string]int // "GET /Orders" → count
	requests int
	// unauthorized counts API calls refused with 401 (no, a bad or an expired token).
	unauthorized int
	commit       commitState
	lose         loseState

	hooks   sync.WaitGroup
	hookMu  sync.Mutex
	hookLog []WebhookDelivery

	api, token http.Handler
}

// New builds a merchant filled by the deterministic generator.
func New(opts Options) *Server {
	opts.defaults()
	s := &Server{
		opts:   opts,
		faults: fault.New(opts.Faults),
		st:     newState(opts.Seed),
		tok:    newTokens(opts.TokenTTL, opts.RefreshTTL),
		calls:  map[string]int{},
	}
	s.setCommitFaults(opts.CommitFaults)
	s.setLoseRefresh(opts.LoseRefresh)
	s.st.shipping = append([]ShippingMethod(nil), opts.ShippingMethods...)
	generate(s, opts)
	s.api = s.faults.Wrap(http.HandlerFunc(s.serveAPI))
	s.token = s.faults.Wrap(http.HandlerFunc(s.serveToken))
	return s
}

// Handler serves /OAuth/Token, /api/v1/... (both case-insensitively) and
// /_sandbox/....
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	lp := strings.ToLower(r.URL.Path)
	switch {
	case r.URL.Path == "/_sandbox/faults":
		s.faults.Handler().ServeHTTP(w, r)
	case strings.HasPrefix(r.URL.Path, "/_sandbox/"):
		s.serveControl(w, r)
	case strings.TrimSuffix(lp, "/") == "/oauth/token":
		s.token.ServeHTTP(w, r)
	case strings.HasPrefix(lp, "/api/"):
		s.api.ServeHTTP(w, r)
	default:
		writeError(w, http.StatusNotFound, "no such path %s; the API lives under /api/v1, the token server at /OAuth/Token", r.URL.Path)
	}
}

// Faults returns the fault injector in front of the API and the token server.
func (s *Server) Faults() *fault.Injector { return s.faults }

// Serve serves on ln until ctx ends, then shuts down gracefully (5 s at most)
// and waits for webhook deliveries in flight.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("ogoship sandbox: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	<-errc
	s.hooks.Wait()
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("ogoship sandbox: shutdown: %w", err)
	}
	return nil
}

// WaitWebhooks waits until no webhook delivery is in flight.
func (s *Server) WaitWebhooks() { s.hooks.Wait() }

func (s *Server) now() time.Time { return s.opts.Now().UTC() }

// Package web is ferry's HTTP server: the operational endpoints (/healthz,
// /readyz, /metrics) that every `ferry serve` and `ferry demo` process answers,
// the webhook endpoints, and, with a hub, the dashboard and the JSON API under
// /api/v1 with their access control (users, sessions, API tokens, roles, CSRF).
package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ferryhub/ferry/internal/config"
	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/hub"
	"github.com/ferryhub/ferry/internal/store"
)

// Options configure a Server.
type Options struct {
	Logger *slog.Logger
	// Gatherer serves /metrics; nil serves the default registry.
	Gatherer prometheus.Gatherer
	// Ready reports whether this process can do its work (database reachable,
	// queue running); /readyz answers 503 with its error otherwise.
	Ready func(ctx context.Context) error
	// Flows, when set, receives webhooks at POST /hooks/{connection}.
	Flows *flow.Runtime
	// Hub, when set, mounts the dashboard and the JSON API (and sets Flows).
	Hub *hub.Hub
	// TestEvery is how often the overview tests every connection. Default 5m.
	TestEvery time.Duration
	// TrustedProxies are the addresses or CIDR ranges of reverse proxies whose
	// X-Forwarded-For names the client (http.trusted_proxies); default: the
	// hub's configuration.
	TrustedProxies []string
	// HealthWindow is the span of live calls whose error rate says a connection
	// is unstable, in whole minutes. Default 5m; negative counts none (the
	// newest call or test alone decides).
	HealthWindow time.Duration
}

// Server serves ferry's HTTP endpoints.
type Server struct {
	mux     *http.ServeMux
	opts    Options
	hub     *hub.Hub
	limiter loginLimiter
	// proxies are the trusted reverse proxies (Options.TrustedProxies).
	proxies []*net.IPNet

	mu    sync.Mutex
	tests map[string]testResult // connection name → last test
}

// testResult is the last test of a connection.
type testResult struct {
	Report connector.TestReport `json:"report"`
	At     time.Time            `json:"at"`
}

// New returns a Server with the operational endpoints mounted.
func New(opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Gatherer == nil {
		opts.Gatherer = prometheus.DefaultGatherer
	}
	if opts.Hub != nil && opts.Flows == nil {
		opts.Flows = opts.Hub.Flows
	}
	if opts.TestEvery <= 0 {
		opts.TestEvery = 5 * time.Minute
	}
	if opts.HealthWindow == 0 {
		opts.HealthWindow = 5 * time.Minute
	} else if opts.HealthWindow < 0 {
		opts.HealthWindow = 0
	}
	s := &Server{mux: http.NewServeMux(), opts: opts, hub: opts.Hub, tests: map[string]testResult{}}
	proxies := opts.TrustedProxies
	if proxies == nil && opts.Hub != nil && opts.Hub.Config != nil {
		proxies = opts.Hub.Config.HTTP.TrustedProxies
	}
	for _, p := range proxies {
		// The configuration was validated; a bad entry here is skipped.
		if n, err := config.ParseProxy(p); err == nil {
			s.proxies = append(s.proxies, n)
		}
	}
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	s.mux.HandleFunc("GET /readyz", s.readyz)
	if opts.Flows != nil {
		s.mux.HandleFunc("POST /hooks/{connection}", s.hook)
	}
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(opts.Gatherer, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(opts.Logger.Handler(), slog.LevelError)}))
	if opts.Hub != nil {
		s.mountDashboard()
		s.mountAPI()
		s.mountRiverUI()
	}
	return s
}

// st is the hub's store.
func (s *Server) st() store.Store { return s.hub.Store }

// fail answers an error: JSON for the API, a page otherwise.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, api bool, status int, msg string) {
	if api {
		writeJSON(w, status, map[string]string{"error": msg})
		return
	}
	s.render(w, r, status, "error", page{Title: http.StatusText(status), Error: msg})
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// Mux returns the router, for mounting more handlers.
func (s *Server) Mux() *http.ServeMux { return s.mux }

// Handler returns the server's root handler.
func (s *Server) Handler() http.Handler { return s.mux }

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.opts.Ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		if err := s.opts.Ready(ctx); err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "error": err.Error()})
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// maxHookBody caps a webhook body (bytes).
const maxHookBody = 4 << 20

// hook receives a webhook: verified by the connection's secret (never by a
// session), stored, then answered.
func (s *Server) hook(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxHookBody+1))
	if err != nil || len(body) > maxHookBody {
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": "webhook body unreadable or over 4 MiB"})
		return
	}
	dup, err := flow.ReceiveWebhook(r.Context(), s.opts.Flows, r.PathValue("connection"), r.Header, body)
	var we *flow.WebhookError
	switch {
	case errors.As(err, &we):
		writeJSON(w, we.Status, map[string]string{"error": we.Msg})
	case err != nil:
		s.opts.Logger.Error("webhook", "connection", r.PathValue("connection"), "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "could not store the webhook; send it again"})
	default:
		writeJSON(w, http.StatusOK, map[string]any{"received": true, "duplicate": dup})
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// Serve answers on ln until ctx ends, then shuts down gracefully, giving open
// requests up to 10 s.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.mux,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.opts.Logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if s.hub != nil {
		go s.background(ctx)
	}
	select {
	case err := <-errc:
		return fmt.Errorf("web: %w", err)
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("web: shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("web: %w", err)
	}
	return nil
}

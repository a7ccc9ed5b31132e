package main

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/spf13/cobra"

	"github.com/ferryhub/ferry/internal/config"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/hub"
	"github.com/ferryhub/ferry/internal/web"
)

func newServeCmd(g *globals) *cobra.Command {
	var addr string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the HTTP server, the workers and the scheduler",
		Long: `serve runs everything one ferry process does: the HTTP server (dashboard, JSON API,
webhooks, /healthz, /readyz, /metrics), the workers of every queue, and the route
schedules (enqueued by the elected leader only). SIGTERM or Ctrl-C stops it gracefully:
running jobs get the queue's job timeout to finish, then go back to the queue.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := g.loadConfig()
			if err != nil {
				return err
			}
			if addr != "" {
				cfg.HTTP.Addr = addr
			}
			return run(cmd.Context(), g, cfg, true, nil)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "", "HTTP listen address (overrides http.addr)")
	return cmd
}

func newWorkerCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "worker",
		Short: "Run workers only (add processes or machines against one PostgreSQL)",
		Long: `worker runs the queue's workers without the HTTP server. Start as many as you like
against one PostgreSQL database to share the work. Each also carries the route schedules,
because the elected leader among all processes enqueues them and any process may be
elected; each schedule still fires once.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := g.loadConfig()
			if err != nil {
				return err
			}
			return run(cmd.Context(), g, cfg, false, nil)
		},
	}
}

// run opens the hub, calls opened (when set), starts the queue (and the HTTP
// server when withHTTP), and waits for ctx to end, then shuts down in reverse
// order.
func run(ctx context.Context, g *globals, cfg *config.Config, withHTTP bool, opened func(*hub.Hub) error) error {
	log := newLogger(cfg)
	h, err := hub.Open(ctx, cfg, hub.Options{Logger: log, Work: true, Scheduler: true})
	if err != nil {
		return err
	}
	defer h.Close()
	if opened != nil {
		if err := opened(h); err != nil {
			return err
		}
	}
	var ln net.Listener
	if withHTTP {
		ln, err = net.Listen("tcp", cfg.HTTP.Addr)
		if err != nil {
			return fmt.Errorf("listening on %s: %w", cfg.HTTP.Addr, err)
		}
	}
	if err := h.Queue.Start(ctx); err != nil {
		return err
	}
	errc := make(chan error, 1)
	if withHTTP {
		srv := web.New(web.Options{Logger: log, Gatherer: h.Metrics, Ready: h.Ready, Hub: h})
		if users, err := h.Store.ListUsers(ctx); err == nil && len(users) == 0 {
			log.Warn("the dashboard has no users yet: add one with 'ferry users add NAME --role admin'")
		}
		if cfg.HTTP.PublicURL != "" {
			if err := flow.SubscribeWebhooks(ctx, h.Flows, cfg.HTTP.PublicURL); err != nil {
				log.Warn("webhook subscriptions: orders still arrive by the route schedules", "err", err)
			}
		}
		log.Info("ferry is serving", "addr", "http://"+ln.Addr().String(), "version", versionString())
		go func() { errc <- srv.Serve(ctx, ln) }()
	} else {
		log.Info("ferry worker is running", "version", versionString())
		go func() { <-ctx.Done(); errc <- nil }()
	}
	serveErr := <-errc
	log.Info("shutting down: letting running jobs finish", "timeout", time.Duration(cfg.Queue.JobTimeout).String())
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Duration(cfg.Queue.JobTimeout))
	defer cancel()
	if err := h.Queue.Stop(stopCtx); err != nil {
		log.Warn("queue stop", "err", err)
	}
	return serveErr
}

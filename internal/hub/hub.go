// Package hub assembles a running ferry from its configuration: the store, the
// secret box that seals credentials, the connections and routes (written to the
// store so every process and the dashboard see the same), and the transaction
// queue with one queue per connection and one schedule per route. The commands in
// cmd/ferry only call into it.
package hub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/robfig/cron/v3"

	"github.com/ferryhub/ferry/internal/config"
	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/remote"
	"github.com/ferryhub/ferry/internal/secret"
	"github.com/ferryhub/ferry/internal/store"
)

// Options change how a Hub opens.
type Options struct {
	Logger *slog.Logger
	// Work makes this process run jobs (serve, worker, demo).
	Work bool
	// Scheduler adds the routes' periodic jobs; River enqueues them on the elected
	// leader only, so every process may set it. Each also runs once when the
	// leader starts, so a restarted hub catches up at once.
	Scheduler bool
	// ID names this process in the queue.
	ID string
}

// Hub is a running ferry.
type Hub struct {
	Config  *config.Config
	Store   store.Store
	Box     *secret.Box
	Queue   *jobs.Queue
	Log     *slog.Logger
	Metrics *prometheus.Registry
	// Flows runs the configured routes.
	Flows *flow.Runtime
}

// Open opens the store (migrating it), loads the secret key, writes the
// configured connections and routes to the store and opens the queue.
func Open(ctx context.Context, cfg *config.Config, opts Options) (*Hub, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	st, err := store.Open(ctx, store.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, Logger: log})
	if err != nil {
		return nil, err
	}
	h := &Hub{Config: cfg, Store: st, Log: log}
	if err := h.openBox(ctx); err != nil {
		st.Close()
		return nil, err
	}
	changed, err := h.syncConfig(ctx)
	if err != nil {
		st.Close()
		return nil, err
	}
	var routes []flow.Route
	for _, name := range sortedKeys(cfg.Routes) {
		r := cfg.Routes[name]
		routes = append(routes, flow.Route{Name: name, Flow: r.Flow, From: r.From, To: r.To, Options: r.Options})
	}
	h.Flows = flow.NewRuntime(log, routes)
	reg := jobs.NewRegistry()
	flow.Register(reg, h.Flows)
	qopts := jobs.Options{
		Logger:       log,
		ID:           opts.ID,
		Work:         opts.Work,
		Workers:      cfg.Queue.Workers,
		JobTimeout:   time.Duration(cfg.Queue.JobTimeout),
		RescueAfter:  time.Duration(cfg.Queue.RescueAfter),
		MaxAttempts:  cfg.Queue.MaxAttempts,
		PollInterval: time.Duration(cfg.Queue.PollInterval),
		Queues:       map[string]int{},
	}
	for name, c := range cfg.Connections {
		qopts.Queues[name] = c.Concurrency
	}
	if opts.Scheduler {
		for _, name := range sortedKeys(cfg.Routes) {
			r := cfg.Routes[name]
			if !r.IsEnabled() || r.Schedule == "" {
				continue
			}
			sched, err := cfg.ScheduleOf(name)
			if err != nil {
				st.Close()
				return nil, err
			}
			qopts.Periodic = append(qopts.Periodic, jobs.Periodic{ID: "route:" + name, Schedule: cronSchedule{sched}, Args: flow.TickArgs{Route: name}, RunOnStart: true})
		}
	}
	q, err := jobs.Open(ctx, st, reg, qopts)
	if err != nil {
		st.Close()
		return nil, err
	}
	h.Queue = q
	h.Flows.Bind(st, q, h.Conn)
	// Jobs parked on a route or connection whose configuration changed get another
	// chance now.
	for _, key := range changed {
		n, err := q.RetryIssues(ctx, store.IssueFilter{DependsOn: key})
		if err != nil {
			log.Warn("re-running parked jobs after a config change", "key", key, "err", err)
		}
		if n > 0 {
			log.Info("re-running parked jobs after a config change", "key", key, "jobs", n)
		}
	}
	h.Metrics = prometheus.NewRegistry()
	h.Metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	h.Metrics.MustRegister(remote.Collectors()...)
	h.Metrics.MustRegister(q.Collectors()...)
	return h, nil
}

type cronSchedule struct{ cron.Schedule }

// Close releases the store.
func (h *Hub) Close() error { return h.Store.Close() }

// Ready reports whether the store answers.
func (h *Hub) Ready(ctx context.Context) error {
	if err := h.Store.Ping(ctx); err != nil {
		return fmt.Errorf("database: %w", err)
	}
	return nil
}

// keyCheck is a known value sealed under the installation's key, so that a wrong
// key is caught at start rather than when a credential is first needed.
const keyCheckSetting = "secret_key_check"

func (h *Hub) openBox(ctx context.Context) error {
	key, created, err := secret.LoadKey(h.Config.SecretKey, h.Config.SecretKeyFile)
	if err != nil {
		return err
	}
	if created {
		h.Log.Info("created a new secret key file; back it up with the database", "path", h.Config.SecretKeyFile)
	}
	box, err := secret.NewBox(key)
	if err != nil {
		return err
	}
	sealed, err := h.Store.GetSetting(ctx, keyCheckSetting)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s, err := box.Seal([]byte("ferry"))
		if err != nil {
			return err
		}
		if err := h.Store.PutSetting(ctx, keyCheckSetting, string(s)); err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		if _, err := box.Open([]byte(sealed)); err != nil {
			return errors.New("the secret key does not match the one this database's credentials were sealed with: set FERRY_SECRET_KEY or secret_key_file to the original key")
		}
	}
	h.Box = box
	return nil
}

// DependsOnRoute is the issue dependency key of a route's configuration: a job
// parked with it runs again when the route's options change.
func DependsOnRoute(name string) string { return "route:" + name }

// DependsOnConnection is the issue dependency key of a connection's settings and
// credentials.
func DependsOnConnection(name string) string { return "connection:" + name }

// syncConfig writes the configured connections (credentials sealed) and routes to
// the store, and returns the dependency keys of those that changed.
func (h *Hub) syncConfig(ctx context.Context) ([]string, error) {
	var changed []string
	for _, name := range sortedKeys(h.Config.Connections) {
		c := h.Config.Connections[name]
		settings, err := json.Marshal(c.Settings)
		if err != nil {
			return nil, fmt.Errorf("connection %s: encoding settings: %w", name, err)
		}
		creds, err := json.Marshal(c.Credentials)
		if err != nil {
			return nil, fmt.Errorf("connection %s: encoding credentials: %w", name, err)
		}
		if old, err := h.Store.GetConnection(ctx, name); err == nil {
			plain, _ := h.Box.Open(old.Credentials)
			if old.Kind == c.Kind && string(old.Settings) == string(settings) && string(plain) == string(creds) {
				continue
			}
			changed = append(changed, DependsOnConnection(name))
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		sealed, err := h.Box.Seal(creds)
		if err != nil {
			return nil, err
		}
		if err := h.Store.PutConnection(ctx, store.Connection{Name: name, Kind: c.Kind, Settings: settings, Credentials: sealed, UpdatedAt: time.Now().UTC()}); err != nil {
			return nil, err
		}
	}
	for _, name := range sortedKeys(h.Config.Routes) {
		r := h.Config.Routes[name]
		opts, err := json.Marshal(r.Options)
		if err != nil {
			return nil, fmt.Errorf("route %s: encoding options: %w", name, err)
		}
		row := store.Route{Name: name, Flow: r.Flow, From: r.From, To: r.To, Schedule: r.Schedule, Options: opts, Enabled: r.IsEnabled()}
		if old, err := h.Store.GetRoute(ctx, name); err == nil {
			old.UpdatedAt = time.Time{}
			if sameRoute(old, row) {
				continue
			}
			changed = append(changed, DependsOnRoute(name))
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		row.UpdatedAt = time.Now().UTC()
		if err := h.Store.PutRoute(ctx, row); err != nil {
			return nil, err
		}
	}
	return changed, nil
}

func sameRoute(a, b store.Route) bool {
	return a.Name == b.Name && a.Flow == b.Flow && a.From == b.From && a.To == b.To &&
		a.Schedule == b.Schedule && string(a.Options) == string(b.Options) && a.Enabled == b.Enabled
}

// Conn opens the named connection with its credentials from the store.
func (h *Hub) Conn(ctx context.Context, name string) (connector.Conn, error) {
	c, ok := h.Config.Connections[name]
	if !ok {
		return nil, fmt.Errorf("no connection named %q in %s", name, h.Config.Path)
	}
	kind, ok := connector.Lookup(c.Kind)
	if !ok {
		return nil, fmt.Errorf("connection %s: unknown kind %q", name, c.Kind)
	}
	row, err := h.Store.GetConnection(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("connection %s: %w", name, err)
	}
	plain, err := h.Box.Open(row.Credentials)
	if err != nil {
		return nil, fmt.Errorf("connection %s: credentials: %w", name, err)
	}
	var creds map[string]string
	if err := json.Unmarshal(plain, &creds); err != nil {
		return nil, fmt.Errorf("connection %s: credentials: %w", name, err)
	}
	settings, ok := c.Settings.(connector.Settings)
	if !ok {
		return nil, fmt.Errorf("connection %s: settings of kind %s are not connector settings", name, c.Kind)
	}
	return kind.Open(ctx, connector.Env{Name: name, Settings: settings, Credentials: creds, RateLimit: c.RateLimit, Logger: h.Log.With("connection", name)})
}

// Schemas returns the config schemas of the connector kinds and flow kinds
// compiled into the binary.
func Schemas() config.Schemas {
	return config.Schemas{
		Settings: func(kind string) (any, bool) {
			k, ok := connector.Lookup(kind)
			if !ok {
				return nil, false
			}
			return k.NewSettings(), true
		},
		Kinds:   connector.Names(),
		Options: flow.Options,
		Flows:   flow.KindNames(),
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

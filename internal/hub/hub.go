// Package hub assembles a running ferry from its configuration: the store, the
// secret box that seals credentials, the connections and routes (written to the
// store so every process and the dashboard see the same), and the transaction
// queue with one queue per connection and one schedule per route. The commands in
// cmd/ferry only call into it.
package hub

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/riverqueue/river"
	"github.com/robfig/cron/v3"

	"github.com/ferryhub/ferry/internal/alert"
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
	// Calls counts what this process's calls to each connection did;
	// KeepCallHealth writes it to the store for the dashboard.
	Calls *remote.CallBook
	// process names this process in the store.
	process string

	mu   sync.Mutex
	seen map[string]time.Time // connection name → stored UpdatedAt
}

// Open opens the store (migrating it), loads the secret key, writes the
// configured connections and routes to the store and opens the queue.
func Open(ctx context.Context, cfg *config.Config, opts Options) (*Hub, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// A process that runs workers owns a SQLite file alone.
	st, err := store.Open(ctx, store.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, Logger: log, Own: opts.Work})
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
	// The store holds the effective routes: ferry.yaml's, with the dashboard's
	// edits where the file has not changed since.
	var routes []flow.Route
	for _, name := range sortedKeys(cfg.Routes) {
		r, err := h.storedRoute(ctx, name)
		if err != nil {
			st.Close()
			return nil, err
		}
		routes = append(routes, r)
	}
	h.Flows = flow.NewRuntime(log, routes)
	reg := jobs.NewRegistry()
	flow.Register(reg, h.Flows)
	// Alerts: a periodic job (one process sends) reading the open issues.
	alert.Register(reg, alert.New(cfg.Alerts, st, cfg.HTTP.PublicURL, log, os.Getenv))
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
	if opts.Scheduler && len(cfg.Alerts.Rules) > 0 {
		qopts.Periodic = append(qopts.Periodic, jobs.Periodic{ID: "alerts", Schedule: river.PeriodicInterval(time.Duration(cfg.Alerts.Every)), Args: alert.Args{}, RunOnStart: true})
	}
	q, err := jobs.Open(ctx, st, reg, qopts)
	if err != nil {
		st.Close()
		return nil, err
	}
	h.Queue = q
	h.Flows.Bind(st, q, h.Conn)
	h.process = processName(opts.ID)
	h.Calls = remote.NewCallBook()
	h.Flows.Locks = store.NewLocker(st, h.process)
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
	h.Metrics.MustRegister(flow.Collectors()...)
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
		// Settings are text, and PostgreSQL refuses text that is not UTF-8.
		if err := h.Store.PutSetting(ctx, keyCheckSetting, base64.StdEncoding.EncodeToString(s)); err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		raw, derr := base64.StdEncoding.DecodeString(sealed)
		if derr != nil {
			// Databases set up before kept the sealed bytes as they are.
			raw = []byte(sealed)
		}
		if _, err := box.Open(raw); err != nil {
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

// configHashKey is the setting holding the hash of what ferry.yaml last said
// about a connection or route (key "connection:NAME" or "route:NAME").
func configHashKey(key string) string { return "config_hash:" + key }

// syncConfig writes the configured connections (credentials sealed) and routes to
// the store, and returns the dependency keys of those that changed. What the
// dashboard changed stays in force until ferry.yaml itself changes that
// connection or route: the file then wins.
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
		key := DependsOnConnection(name)
		fileHash := flow.Hash([]string{c.Kind, string(settings), string(creds)})
		old, err := h.Store.GetConnection(ctx, name)
		switch {
		case err == nil:
			if prev, _ := h.Store.GetSetting(ctx, configHashKey(key)); prev == fileHash {
				continue
			}
			plain, _ := h.Box.Open(old.Credentials)
			if old.Kind != c.Kind || string(old.Settings) != string(settings) || string(plain) != string(creds) {
				changed = append(changed, key)
			}
		case !errors.Is(err, store.ErrNotFound):
			return nil, err
		}
		sealed, err := h.Box.Seal(creds)
		if err != nil {
			return nil, err
		}
		if err := h.Store.PutConnection(ctx, store.Connection{Name: name, Kind: c.Kind, Settings: settings, Credentials: sealed, UpdatedAt: time.Now().UTC()}); err != nil {
			return nil, err
		}
		if err := h.Store.PutSetting(ctx, configHashKey(key), fileHash); err != nil {
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
		key := DependsOnRoute(name)
		fileHash := flow.Hash([]any{row.Flow, row.From, row.To, row.Schedule, string(row.Options), row.Enabled})
		old, err := h.Store.GetRoute(ctx, name)
		switch {
		case err == nil:
			if prev, _ := h.Store.GetSetting(ctx, configHashKey(key)); prev == fileHash {
				continue
			}
			old.UpdatedAt = time.Time{}
			if !sameRoute(old, row) {
				changed = append(changed, key)
			}
		case !errors.Is(err, store.ErrNotFound):
			return nil, err
		}
		row.UpdatedAt = time.Now().UTC()
		if err := h.Store.PutRoute(ctx, row); err != nil {
			return nil, err
		}
		if err := h.Store.PutSetting(ctx, configHashKey(key), fileHash); err != nil {
			return nil, err
		}
	}
	return changed, nil
}

// storedRoute reads a route from the store with its options decoded into the
// flow's typed options.
func (h *Hub) storedRoute(ctx context.Context, name string) (flow.Route, error) {
	row, err := h.Store.GetRoute(ctx, name)
	if err != nil {
		return flow.Route{}, fmt.Errorf("route %s: %w", name, err)
	}
	opts, err := decodeOptions(row.Flow, row.Options)
	if err != nil {
		return flow.Route{}, fmt.Errorf("route %s: stored options: %w", name, err)
	}
	return flow.Route{Name: name, Flow: row.Flow, From: row.From, To: row.To, Options: opts}, nil
}

// decodeOptions decodes a flow's options from JSON, rejecting unknown fields,
// and validates them.
func decodeOptions(flowName string, raw []byte) (any, error) {
	opts, ok := flow.Options(flowName)
	if !ok {
		return nil, fmt.Errorf("unknown flow %q", flowName)
	}
	if opts == nil {
		return nil, nil
	}
	if err := decodeStrict(raw, opts); err != nil {
		return nil, err
	}
	if v, ok := opts.(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			return nil, err
		}
	}
	return opts, nil
}

// UpdateRouteOptions replaces a route's options (the dashboard's mapping and
// settings editors): it validates them, stores them, puts them in force in this
// process at once (others pick them up within their refresh interval) and
// re-runs the jobs parked on the route's configuration. It returns how many.
func (h *Hub) UpdateRouteOptions(ctx context.Context, name string, raw []byte) (int, error) {
	row, err := h.Store.GetRoute(ctx, name)
	if err != nil {
		return 0, fmt.Errorf("route %s: %w", name, err)
	}
	opts, err := decodeOptions(row.Flow, raw)
	if err != nil {
		return 0, &InvalidError{Field: "route " + name + " options", Err: err}
	}
	canon, err := json.Marshal(opts)
	if err != nil {
		return 0, err
	}
	row.Options, row.UpdatedAt = canon, time.Now().UTC()
	if err := h.Store.PutRoute(ctx, row); err != nil {
		return 0, err
	}
	h.Flows.SetRoute(flow.Route{Name: name, Flow: row.Flow, From: row.From, To: row.To, Options: opts})
	n, err := h.Queue.RetryIssues(ctx, store.IssueFilter{DependsOn: DependsOnRoute(name)})
	if err != nil {
		return 0, fmt.Errorf("route %s: re-running parked jobs: %w", name, err)
	}
	return n, nil
}

// UpdateConnection replaces a connection's settings and the credentials given
// (an empty value keeps the stored one: credentials are write-only), puts them
// in force and re-runs the jobs parked on the connection. It returns how many.
func (h *Hub) UpdateConnection(ctx context.Context, name string, rawSettings []byte, creds map[string]string) (int, error) {
	row, err := h.Store.GetConnection(ctx, name)
	if err != nil {
		return 0, fmt.Errorf("connection %s: %w", name, err)
	}
	kind, ok := connector.Lookup(row.Kind)
	if !ok {
		return 0, fmt.Errorf("connection %s: unknown kind %q", name, row.Kind)
	}
	settings := kind.NewSettings()
	if err := decodeStrict(rawSettings, settings); err != nil {
		return 0, &InvalidError{Field: "connection " + name + " settings", Err: err}
	}
	if err := settings.Validate(); err != nil {
		return 0, &InvalidError{Field: "connection " + name + " settings", Err: err}
	}
	plain, err := h.Box.Open(row.Credentials)
	if err != nil {
		return 0, fmt.Errorf("connection %s: credentials: %w", name, err)
	}
	stored := map[string]string{}
	if err := json.Unmarshal(plain, &stored); err != nil {
		return 0, fmt.Errorf("connection %s: credentials: %w", name, err)
	}
	known := map[string]bool{}
	for _, c := range kind.Credentials {
		known[c.Key] = true
	}
	for k, v := range creds {
		if !known[k] {
			return 0, &InvalidError{Field: "connection " + name + " credentials", Err: fmt.Errorf("unknown credential %q", k)}
		}
		if v != "" {
			stored[k] = v
		}
	}
	canon, _ := json.Marshal(settings)
	sealedPlain, _ := json.Marshal(stored)
	sealed, err := h.Box.Seal(sealedPlain)
	if err != nil {
		return 0, err
	}
	row.Settings, row.Credentials, row.UpdatedAt = canon, sealed, time.Now().UTC()
	if err := h.Store.PutConnection(ctx, row); err != nil {
		return 0, err
	}
	h.Flows.ForgetConn(name)
	n, err := h.Queue.RetryIssues(ctx, store.IssueFilter{DependsOn: DependsOnConnection(name)})
	if err != nil {
		return 0, fmt.Errorf("connection %s: re-running parked jobs: %w", name, err)
	}
	return n, nil
}

// Refresh puts in force what other processes changed in the store (routes'
// options, connections' settings and credentials). serve and worker call it
// every few seconds.
func (h *Hub) Refresh(ctx context.Context) error {
	for _, r := range h.Flows.Routes() {
		nr, err := h.storedRoute(ctx, r.Name)
		if err != nil {
			return err
		}
		if flow.Hash(nr) != flow.Hash(r) {
			h.Flows.SetRoute(nr)
		}
	}
	conns, err := h.Store.ListConnections(ctx)
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.seen == nil {
		h.seen = map[string]time.Time{}
	}
	for _, c := range conns {
		if prev, ok := h.seen[c.Name]; ok && !prev.Equal(c.UpdatedAt) {
			h.Flows.ForgetConn(c.Name)
		}
		h.seen[c.Name] = c.UpdatedAt
	}
	return nil
}

// InvalidError is a change refused because the input is wrong; Field names
// what, and the error says why.
type InvalidError struct {
	Field string
	Err   error
}

func (e *InvalidError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *InvalidError) Unwrap() error { return e.Err }

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
	settings := kind.NewSettings()
	if err := json.Unmarshal(row.Settings, settings); err != nil {
		return nil, fmt.Errorf("connection %s: stored settings: %w", name, err)
	}
	return kind.Open(ctx, connector.Env{Name: name, Settings: settings, Credentials: creds, RateLimit: c.RateLimit, Logger: h.Log.With("connection", name), Locks: h.Flows.Locks, Calls: h.Calls})
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
		Credentials: func(kind string) []string {
			k, ok := connector.Lookup(kind)
			if !ok {
				return nil
			}
			keys := []string{}
			for _, c := range k.Credentials {
				keys = append(keys, c.Key)
			}
			return keys
		},
		Ends: func(flowName, fromKind, toKind string) []string {
			from, fok := connector.Lookup(fromKind)
			to, tok := connector.Lookup(toKind)
			if !fok || !tok {
				return nil
			}
			return flow.CheckEnds(flowName, fromKind, from.Client, toKind, to.Client)
		},
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

// ConnectionInfo is a connection as the dashboard and the API show it: its
// settings, and which credentials are set, never their values.
type ConnectionInfo struct {
	Name        string           `json:"name"`
	Kind        string           `json:"kind"`
	Title       string           `json:"title"`
	Settings    json.RawMessage  `json:"settings"`
	Credentials []CredentialInfo `json:"credentials"`
	UpdatedAt   time.Time        `json:"updated_at"`
}

// CredentialInfo says whether one credential of a connection is set.
type CredentialInfo struct {
	Key      string `json:"key"`
	Help     string `json:"help,omitempty"`
	Required bool   `json:"required"`
	Set      bool   `json:"set"`
}

// Connections returns the stored connections, sorted by name.
func (h *Hub) Connections(ctx context.Context) ([]ConnectionInfo, error) {
	rows, err := h.Store.ListConnections(ctx)
	if err != nil {
		return nil, fmt.Errorf("connections: %w", err)
	}
	out := make([]ConnectionInfo, 0, len(rows))
	for _, row := range rows {
		ci := ConnectionInfo{Name: row.Name, Kind: row.Kind, Title: row.Kind, Settings: row.Settings, UpdatedAt: row.UpdatedAt}
		kind, ok := connector.Lookup(row.Kind)
		if ok {
			ci.Title = kind.Title
			settings := kind.NewSettings()
			if json.Unmarshal(row.Settings, settings) == nil {
				ci.Settings = displayJSON(settings)
			}
		}
		stored := map[string]string{}
		if plain, err := h.Box.Open(row.Credentials); err == nil {
			_ = json.Unmarshal(plain, &stored)
		}
		for _, c := range kind.Credentials {
			ci.Credentials = append(ci.Credentials, CredentialInfo{Key: c.Key, Help: c.Help, Required: c.Required, Set: stored[c.Key] != ""})
		}
		out = append(out, ci)
	}
	return out, nil
}

// RouteInfo is a route as the dashboard and the API show it.
type RouteInfo struct {
	Name     string          `json:"name"`
	Flow     string          `json:"flow"`
	From     string          `json:"from"`
	To       string          `json:"to"`
	Schedule string          `json:"schedule,omitempty"`
	Enabled  bool            `json:"enabled"`
	Options  json.RawMessage `json:"options"`
	// Next is when the schedule next runs the route; zero without one.
	Next time.Time `json:"next,omitzero"`
}

// Routes returns the stored routes with their effective options, sorted by
// name.
func (h *Hub) Routes(ctx context.Context, now time.Time) ([]RouteInfo, error) {
	rows, err := h.Store.ListRoutes(ctx)
	if err != nil {
		return nil, fmt.Errorf("routes: %w", err)
	}
	out := make([]RouteInfo, 0, len(rows))
	for _, row := range rows {
		ri := RouteInfo{Name: row.Name, Flow: row.Flow, From: row.From, To: row.To, Schedule: row.Schedule, Enabled: row.Enabled, Options: row.Options}
		if opts, err := decodeOptions(row.Flow, row.Options); err == nil {
			ri.Options = displayJSON(opts)
		}
		if len(ri.Options) == 0 {
			ri.Options = json.RawMessage("null")
		}
		if _, ok := h.Config.Routes[row.Name]; ok && row.Enabled && row.Schedule != "" {
			if sched, err := h.Config.ScheduleOf(row.Name); err == nil {
				ri.Next = sched.Next(now)
			}
		}
		out = append(out, ri)
	}
	return out, nil
}

// processName names this process in the store's leases: the queue ID, or the
// host and process id.
func processName(id string) string {
	if id != "" {
		return id
	}
	host, _ := os.Hostname()
	return fmt.Sprintf("%s:%d", host, os.Getpid())
}

// ConnectionSettings returns a connection's settings in force (the stored ones
// decoded over the kind's defaults), the kind's defaults, and the requests per
// second ferry.yaml's connections.NAME.rate_limit sets over the settings' own
// rate_limit (0: none).
func (h *Hub) ConnectionSettings(ctx context.Context, name string) (cur, def connector.Settings, rateLimit float64, err error) {
	row, err := h.Store.GetConnection(ctx, name)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("connection %s: %w", name, err)
	}
	kind, ok := connector.Lookup(row.Kind)
	if !ok {
		return nil, nil, 0, fmt.Errorf("connection %s: unknown kind %q", name, row.Kind)
	}
	cur, def = kind.NewSettings(), kind.NewSettings()
	if err := json.Unmarshal(row.Settings, cur); err != nil {
		return nil, nil, 0, fmt.Errorf("connection %s: stored settings: %w", name, err)
	}
	if c, ok := h.Config.Connections[name]; ok {
		rateLimit = c.RateLimit
	}
	return cur, def, rateLimit, nil
}

// RouteOptions returns a route's options in force (the stored ones decoded over
// the flow's defaults) and the flow's defaults; both nil for a flow without
// options.
func (h *Hub) RouteOptions(ctx context.Context, name string) (cur, def any, err error) {
	row, err := h.Store.GetRoute(ctx, name)
	if err != nil {
		return nil, nil, fmt.Errorf("route %s: %w", name, err)
	}
	def, ok := flow.Options(row.Flow)
	if !ok {
		return nil, nil, fmt.Errorf("route %s: unknown flow %q", name, row.Flow)
	}
	if def == nil {
		return nil, nil, nil
	}
	cur, _ = flow.Options(row.Flow)
	if len(row.Options) > 0 && string(row.Options) != "null" {
		if err := json.Unmarshal(row.Options, cur); err != nil {
			return nil, nil, fmt.Errorf("route %s: stored options: %w", name, err)
		}
	}
	return cur, def, nil
}

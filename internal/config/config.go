// Package config reads ferry's configuration: one YAML file decoded into typed
// structs with defaults, checked by Validate, with unknown keys rejected at their
// file:line:col, and overridden from the environment (FERRY_DATABASE_URL,
// FERRY_SECRET_KEY, credentials by name). Connection settings and route options
// are decoded into the typed structs of their connector or flow kind through
// Schemas, so a typo inside them is caught the same way.
package config

import (
	"fmt"
	"log/slog"
	"net"
	"regexp"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"
)

// Config is ferry's configuration.
type Config struct {
	// DataDir holds the SQLite database and the secret key file. Default "./data".
	DataDir string `yaml:"data_dir" json:"data_dir"`
	// DatabaseURL selects the store: "" is SQLite in DataDir, postgres://… is
	// PostgreSQL.
	DatabaseURL string `yaml:"database_url" json:"database_url"`
	// SecretKeyFile holds the key sealing credentials. Default DataDir/secret.key.
	SecretKeyFile string                 `yaml:"secret_key_file" json:"secret_key_file"`
	HTTP          HTTP                   `yaml:"http" json:"http"`
	Log           Log                    `yaml:"log" json:"log"`
	Queue         Queue                  `yaml:"queue" json:"queue"`
	Connections   map[string]*Connection `yaml:"connections" json:"connections"`
	Routes        map[string]*Route      `yaml:"routes" json:"routes"`
	Alerts        Alerts                 `yaml:"alerts" json:"alerts"`

	// Path is the file the config was read from.
	Path string `yaml:"-" json:"-"`
	// SecretKey comes from FERRY_SECRET_KEY only, never from the file.
	SecretKey string `yaml:"-" json:"-"`
}

// HTTP configures the HTTP server.
type HTTP struct {
	// Addr is the listen address. Default "127.0.0.1:8080".
	Addr string `yaml:"addr" json:"addr"`
	// PublicURL is where remote systems reach ferry, for webhook subscriptions.
	PublicURL string `yaml:"public_url" json:"public_url,omitempty"`
	// TrustedProxies are the addresses or CIDR ranges of reverse proxies whose
	// X-Forwarded-For names the client (for sign-in limits and the audit log);
	// default none: the connection's address is the client's.
	TrustedProxies []string `yaml:"trusted_proxies" json:"trusted_proxies,omitempty"`
}

// Log configures logging.
type Log struct {
	// Level is debug, info, warn or error. Default info.
	Level string `yaml:"level" json:"level"`
	// Format is json or text. Default json.
	Format string `yaml:"format" json:"format"`
}

// Queue configures the transaction queue.
type Queue struct {
	// Workers is the default queue's concurrency per process (1..10000). Default 20.
	Workers int `yaml:"workers" json:"workers"`
	// JobTimeout bounds one run of a job. Default 2m.
	JobTimeout Duration `yaml:"job_timeout" json:"job_timeout"`
	// RescueAfter is when a running job is presumed lost with its process; it must
	// exceed JobTimeout. Default 5m.
	RescueAfter Duration `yaml:"rescue_after" json:"rescue_after"`
	// MaxAttempts is the runs of a transiently failing job (1..100). Default 10.
	MaxAttempts int `yaml:"max_attempts" json:"max_attempts"`
	// PollInterval is how often idle workers look for jobs on SQLite. Default 1s.
	PollInterval Duration `yaml:"poll_interval" json:"poll_interval"`
}

// Connection is one account of a remote system.
type Connection struct {
	Name string `yaml:"-" json:"-"`
	// Kind is the connector kind ("mycashflow", "odoo").
	Kind string `yaml:"kind" json:"kind"`
	// Settings is the kind's typed settings, decoded from RawSettings.
	Settings    any       `yaml:"-" json:"settings,omitempty"`
	RawSettings yaml.Node `yaml:"settings" json:"-"`
	// Credentials are secrets; a value "env:NAME" reads environment variable NAME.
	Credentials map[string]string `yaml:"credentials" json:"-"`
	// RateLimit is requests per second to this account; 0 is the kind's default.
	RateLimit float64 `yaml:"rate_limit" json:"rate_limit,omitempty"`
	// Concurrency is jobs at once against this account per process (1..100).
	// Default 4.
	Concurrency int `yaml:"concurrency" json:"concurrency"`
}

// String describes the connection without its credentials.
func (c *Connection) String() string {
	keys := make([]string, 0, len(c.Credentials))
	for k := range c.Credentials {
		keys = append(keys, k)
	}
	return fmt.Sprintf("connection %s (kind %s, credentials %v redacted)", c.Name, c.Kind, keys)
}

// GoString keeps %#v from printing credentials.
func (c *Connection) GoString() string { return c.String() }

// LogValue keeps slog from printing credentials.
func (c *Connection) LogValue() slog.Value { return slog.StringValue(c.String()) }

// Route is one flow between two connections.
type Route struct {
	Name string `yaml:"-" json:"-"`
	// Flow is the flow kind ("orders", "stock", …).
	Flow string `yaml:"flow" json:"flow"`
	From string `yaml:"from" json:"from"`
	To   string `yaml:"to" json:"to"`
	// Schedule is a 5-field cron expression or "@every 60s"; empty runs the
	// route on demand only.
	Schedule   string    `yaml:"schedule" json:"schedule,omitempty"`
	Options    any       `yaml:"-" json:"options,omitempty"`
	RawOptions yaml.Node `yaml:"options" json:"-"`
	// Enabled defaults to true; a disabled route keeps its state but does not run.
	Enabled *bool `yaml:"enabled" json:"enabled,omitempty"`
}

// IsEnabled reports whether the route runs.
func (r *Route) IsEnabled() bool { return r.Enabled == nil || *r.Enabled }

// Duration is a time.Duration written "90s", "2m" or as whole seconds.
type Duration time.Duration

// UnmarshalYAML reads "90s", "2m", "1h30m" or an integer number of seconds.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	// A *yaml.TypeError lets the decoder go on and report the other problems too.
	bad := func(msg string) error {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %s", n.Line, msg)}}
	}
	if n.Kind != yaml.ScalarNode {
		return bad("want a duration like 90s or 2m")
	}
	if v, err := time.ParseDuration(n.Value); err == nil {
		*d = Duration(v)
		return nil
	}
	var secs int64
	if _, err := fmt.Sscanf(n.Value, "%d", &secs); err == nil && fmt.Sprint(secs) == n.Value {
		*d = Duration(time.Duration(secs) * time.Second)
		return nil
	}
	return bad(fmt.Sprintf("%q is not a duration (write it like 90s, 2m or 1h30m)", n.Value))
}

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Duration(d).String() + `"`), nil
}

// Schemas lets config decode the free-form parts without importing connectors or
// flows.
type Schemas struct {
	// Settings returns a pointer to fresh typed settings (defaults set) of a
	// connection kind; ok is false for an unknown kind.
	Settings func(kind string) (v any, ok bool)
	// Kinds lists the known connection kinds, for error messages.
	Kinds []string
	// Options returns a pointer to fresh typed options of a route flow; ok is
	// false for an unknown flow. A nil value with ok means the flow has none.
	Options func(flow string) (v any, ok bool)
	// Flows lists the known flows, for error messages.
	Flows []string
	// Credentials lists a kind's credential keys; nil skips the check.
	Credentials func(kind string) []string
	// Ends says why a route of flow between connections of these kinds can
	// never run (an end lacks the capability); nil skips the check.
	Ends func(flow, fromKind, toKind string) []string
}

// Default returns the built-in defaults with no connections and no routes.
func Default() *Config {
	c := &Config{
		DataDir: "./data",
		HTTP:    HTTP{Addr: "127.0.0.1:8080"},
		Log:     Log{Level: "info", Format: "json"},
		Queue: Queue{
			Workers: 20, JobTimeout: Duration(2 * time.Minute), RescueAfter: Duration(5 * time.Minute),
			MaxAttempts: 10, PollInterval: Duration(time.Second),
		},
		Connections: map[string]*Connection{},
		Routes:      map[string]*Route{},
		Alerts:      Alerts{Every: Duration(time.Minute), SMTP: SMTP{Security: "starttls"}},
	}
	return c
}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// ScheduleOf returns the parsed schedule of a route.
func (c *Config) ScheduleOf(route string) (cron.Schedule, error) {
	r, ok := c.Routes[route]
	if !ok {
		return nil, fmt.Errorf("no route %q", route)
	}
	return parseSchedule(r.Schedule)
}

func parseSchedule(s string) (cron.Schedule, error) {
	sched, err := cron.ParseStandard(s)
	if err != nil {
		return nil, fmt.Errorf("schedule %q: %v (write a 5-field cron like \"*/5 * * * *\" or \"@every 60s\")", s, err)
	}
	return sched, nil
}

// Validate checks the whole configuration and returns every problem found.
func (c *Config) Validate() error {
	var errs Errors
	add := func(path, format string, args ...any) {
		errs = append(errs, &Error{File: c.Path, Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	c.validate(add)
	if len(errs) == 0 {
		return nil
	}
	return errs
}

func (c *Config) validate(add func(path, format string, args ...any)) {
	c.Alerts.validate(add)
	if c.DataDir == "" {
		add("data_dir", "must not be empty")
	}
	if u := c.DatabaseURL; u != "" {
		scheme, _, ok := strings.Cut(u, ":")
		switch {
		case !ok && strings.HasSuffix(u, ".db"):
		case scheme == "postgres" || scheme == "postgresql" || scheme == "sqlite" || scheme == "file":
		default:
			add("database_url", "scheme %q is not supported; use postgres://…, sqlite://path or leave it empty for SQLite in data_dir", scheme)
		}
	}
	if _, _, err := net.SplitHostPort(c.HTTP.Addr); err != nil {
		add("http.addr", "%q is not host:port (e.g. 127.0.0.1:8080)", c.HTTP.Addr)
	}
	for i, p := range c.HTTP.TrustedProxies {
		if _, err := ParseProxy(p); err != nil {
			add(fmt.Sprintf("http.trusted_proxies[%d]", i), "%v", err)
		}
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		add("log.level", "%q is not a level; use debug, info, warn or error", c.Log.Level)
	}
	switch c.Log.Format {
	case "json", "text":
	default:
		add("log.format", "%q is not a format; use json or text", c.Log.Format)
	}
	q := c.Queue
	if q.Workers < 1 || q.Workers > 10000 {
		add("queue.workers", "%d is out of range 1..10000", q.Workers)
	}
	if q.MaxAttempts < 1 || q.MaxAttempts > 100 {
		add("queue.max_attempts", "%d is out of range 1..100", q.MaxAttempts)
	}
	if q.JobTimeout < Duration(time.Second) {
		add("queue.job_timeout", "%v is too short; at least 1s", time.Duration(q.JobTimeout))
	}
	if q.RescueAfter <= q.JobTimeout {
		add("queue.rescue_after", "%v must be longer than queue.job_timeout (%v), or running jobs would be run twice", time.Duration(q.RescueAfter), time.Duration(q.JobTimeout))
	}
	if q.PollInterval < Duration(10*time.Millisecond) {
		add("queue.poll_interval", "%v is too short; at least 10ms", time.Duration(q.PollInterval))
	}
	for _, name := range sorted(c.Connections) {
		conn := c.Connections[name]
		p := "connections." + name
		if !nameRE.MatchString(name) {
			add(p, "name %q: use lower-case letters, digits, - and _ (at most 63)", name)
		}
		if conn.Kind == "" {
			add(p+".kind", "is required")
		}
		if conn.Concurrency < 1 || conn.Concurrency > 100 {
			add(p+".concurrency", "%d is out of range 1..100", conn.Concurrency)
		}
		if conn.RateLimit < 0 {
			add(p+".rate_limit", "must not be negative")
		}
	}
	for _, name := range sorted(c.Routes) {
		r := c.Routes[name]
		p := "routes." + name
		if !nameRE.MatchString(name) {
			add(p, "name %q: use lower-case letters, digits, - and _ (at most 63)", name)
		}
		if r.Flow == "" {
			add(p+".flow", "is required")
		}
		for _, end := range []struct{ key, val string }{{"from", r.From}, {"to", r.To}} {
			if end.val == "" {
				add(p+"."+end.key, "is required: the name of a connection")
			} else if _, ok := c.Connections[end.val]; !ok {
				add(p+"."+end.key, "no connection named %q (have: %s)", end.val, strings.Join(sorted(c.Connections), ", "))
			}
		}
		if r.From != "" && r.From == r.To {
			add(p+".to", "must differ from from (%q)", r.From)
		}
		if r.Schedule != "" {
			if _, err := parseSchedule(r.Schedule); err != nil {
				add(p+".schedule", "%v", err)
			}
		}
	}
}

// ParseProxy reads a trusted proxy: an IP address or a CIDR range.
func ParseProxy(s string) (*net.IPNet, error) {
	s = strings.TrimSpace(s)
	if _, n, err := net.ParseCIDR(s); err == nil {
		return n, nil
	}
	ip := net.ParseIP(s)
	if ip == nil {
		return nil, fmt.Errorf("%q is neither an IP address nor a CIDR range (10.0.0.0/8)", s)
	}
	bits := 32
	if ip.To4() == nil {
		bits = 128
	}
	return &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)}, nil
}

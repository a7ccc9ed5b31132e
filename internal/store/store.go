// Package store keeps ferry's own state: connections (with encrypted credentials),
// routes, links between records of two systems, polling cursors, log lines, the
// webhook inbox and the issues of parked jobs. SQLite is the embedded default and
// PostgreSQL the scale-out store; both run the same code over database/sql, and one
// conformance suite (storetest) runs against each.
//
// The job queue's own tables belong to River and are migrated by package jobs.
package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// ErrLinkConflict is returned by PutLink when the remote id or the local id is
// already linked to a different partner record: linking it again would make one
// record stand for two.
var ErrLinkConflict = errors.New("link conflict")

// Dialect names a database family.
type Dialect string

// Supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Connection is one configured account of a remote system.
type Connection struct {
	Name string
	Kind string
	// Settings is the kind's settings as JSON.
	Settings []byte
	// Credentials is the sealed (encrypted) credentials blob; the store never sees
	// them in clear.
	Credentials []byte
	UpdatedAt   time.Time
}

// Route is one configured flow from one connection to another.
type Route struct {
	Name     string
	Flow     string
	From     string
	To       string
	Schedule string
	// Options is the flow's options as JSON.
	Options   []byte
	Enabled   bool
	UpdatedAt time.Time
}

// Link ties a record of the source (LocalID, e.g. "shop:1234") to the record a
// route made for it in the target connection (RemoteID, e.g. Odoo sale.order 42).
// (Connection, Kind, RemoteID) and (Connection, Kind, LocalID) are each unique.
type Link struct {
	// Connection is the connection holding RemoteID.
	Connection string
	// Kind is the entity kind ("order", "partner", "product", "variant", "stock").
	Kind     string
	LocalID  string
	RemoteID string
	// Hash is the content hash of what was last written, to skip unchanged records.
	Hash string
	// SourceVersion is the source's version of the record when it was last synced
	// (its updated_at, or a counter).
	SourceVersion string
	// Data holds small extra facts as JSON (a label URL, the remote order number).
	Data     []byte
	SyncedAt time.Time
}

// LinkFilter selects links; empty fields match everything.
type LinkFilter struct {
	Connection string
	Kind       string
	// LocalIDs, when set, restricts to these local ids.
	LocalIDs []string
	// RemoteIDs, when set, restricts to these remote ids.
	RemoteIDs []string
	Limit     int
	// AfterLocalID pages by local id (ascending).
	AfterLocalID string
}

// Cursor is a route's position in a source, advanced only after the jobs of the
// page it covers are durably enqueued.
type Cursor struct {
	Route string
	// Name distinguishes several cursors of one route ("orders", "stock").
	Name string
	// Value is the position: a timestamp in RFC 3339 or a source-specific token.
	Value     string
	UpdatedAt time.Time
}

// Level is a log line's severity.
type Level string

// Levels of log lines.
const (
	LevelDebug Level = "debug"
	LevelInfo  Level = "info"
	LevelWarn  Level = "warn"
	LevelError Level = "error"
)

// LogLine is one event people read in the log-lines view: a failure names the route,
// the entity and the cause, and carries an excerpt of the remote exchange (secrets
// redacted before it reaches the store).
type LogLine struct {
	ID      int64     `json:"id"`
	Time    time.Time `json:"time"`
	Level   Level     `json:"level"`
	Route   string    `json:"route,omitempty"`
	JobID   int64     `json:"job_id,omitempty"`
	Entity  string    `json:"entity,omitempty"`
	Message string    `json:"message"`
	// Remote is a redacted excerpt of the remote request and response.
	Remote string `json:"remote,omitempty"`
}

// LogFilter selects log lines; zero fields match everything. Lines come newest
// first.
type LogFilter struct {
	Route  string
	Level  Level
	Entity string
	// JobID, when set, keeps the lines of that job.
	JobID int64
	Since time.Time
	Until time.Time
	// BeforeID pages backwards.
	BeforeID int64
	Limit    int
}

// InboxItem is a webhook received and verified, stored before it is answered 2xx.
type InboxItem struct {
	ID         int64
	Connection string
	Topic      string
	// DedupKey identifies a delivery; a redelivery with the same key is dropped.
	DedupKey    string
	Payload     []byte
	ReceivedAt  time.Time
	ProcessedAt time.Time
	Error       string
}

// IssueClass is why a job stopped without success.
type IssueClass string

// Issue classes. Transient failures are retried by the queue and never recorded
// here.
const (
	// NeedsAction jobs are parked until a person fixes something (a mapping, a
	// credential) or retries them; a change of DependsOn re-runs them.
	NeedsAction IssueClass = "needs_action"
	// Permanent jobs failed on input that will not get better by retrying.
	Permanent IssueClass = "permanent"
)

// JobIssue records a parked or permanently failed job with its reason.
type JobIssue struct {
	JobID  int64
	Route  string
	Entity string
	Class  IssueClass
	Reason string
	// DependsOn is the config key whose change should re-run the job
	// ("mapping:shipping_method:DHL Express"); empty when none.
	DependsOn  string
	CreatedAt  time.Time
	ResolvedAt time.Time
}

// IssueFilter selects job issues; zero fields match everything.
type IssueFilter struct {
	Route     string
	Class     IssueClass
	DependsOn string
	// JobIDs, when set, restricts to these jobs.
	JobIDs []int64
	// Open restricts to unresolved issues.
	Open  bool
	Limit int
}

// Store is ferry's state. Implementations are safe for concurrent use. Get and
// Delete methods, MarkInbox and ResolveIssue return an error wrapping ErrNotFound
// when the row does not exist. Put and Add methods set a zero UpdatedAt, SyncedAt,
// Time, ReceivedAt or CreatedAt to the current time. Times are stored to the
// microsecond and come back in UTC.
type Store interface {
	Dialect() Dialect
	// DB is the underlying pool, shared with the job queue.
	DB() *sql.DB
	Close() error
	Ping(ctx context.Context) error

	// PutConnection inserts or replaces the connection of that name.
	PutConnection(ctx context.Context, c Connection) error
	GetConnection(ctx context.Context, name string) (Connection, error)
	// ListConnections returns all connections ordered by name.
	ListConnections(ctx context.Context) ([]Connection, error)
	DeleteConnection(ctx context.Context, name string) error

	// PutRoute inserts or replaces the route of that name.
	PutRoute(ctx context.Context, r Route) error
	GetRoute(ctx context.Context, name string) (Route, error)
	// ListRoutes returns all routes ordered by name.
	ListRoutes(ctx context.Context) ([]Route, error)
	DeleteRoute(ctx context.Context, name string) error

	// PutLink inserts or updates the link for (Connection, Kind, LocalID). It returns
	// ErrLinkConflict if RemoteID is already linked to another LocalID, or LocalID
	// to another RemoteID.
	PutLink(ctx context.Context, l Link) error
	GetLinkByLocal(ctx context.Context, connection, kind, localID string) (Link, error)
	GetLinkByRemote(ctx context.Context, connection, kind, remoteID string) (Link, error)
	// ListLinks returns links ordered by LocalID (byte order), then Connection and
	// Kind. An empty but non-nil LocalIDs or RemoteIDs matches nothing.
	ListLinks(ctx context.Context, f LinkFilter) ([]Link, error)
	DeleteLink(ctx context.Context, connection, kind, localID string) error

	GetCursor(ctx context.Context, route, name string) (Cursor, error)
	PutCursor(ctx context.Context, c Cursor) error

	// AddLog stores a line and returns its id; ids grow in insertion order. An
	// empty Level is stored as LevelInfo.
	AddLog(ctx context.Context, l LogLine) (int64, error)
	// ListLogs returns lines newest (highest id) first. Since is inclusive, Until
	// exclusive; pass the last id of a page as BeforeID for the next one.
	ListLogs(ctx context.Context, f LogFilter) ([]LogLine, error)
	// CountLogs counts the lines f selects, Limit aside.
	CountLogs(ctx context.Context, f LogFilter) (int, error)
	// PruneLogs deletes lines older than before and returns how many.
	PruneLogs(ctx context.Context, before time.Time) (int64, error)

	// AddInbox stores a webhook; dup is true (and nothing is stored) when an item
	// with the same Connection and DedupKey exists; id is then the stored item's.
	AddInbox(ctx context.Context, it InboxItem) (id int64, dup bool, err error)
	// PendingInbox returns unprocessed items, oldest first; limit 0 means all.
	PendingInbox(ctx context.Context, limit int) ([]InboxItem, error)
	// MarkInbox records that the item was processed (errMsg says why it failed,
	// empty on success), which takes it out of PendingInbox.
	MarkInbox(ctx context.Context, id int64, processedAt time.Time, errMsg string) error

	// PutIssue records or replaces the issue of a job.
	PutIssue(ctx context.Context, is JobIssue) error
	// ListIssues returns issues newest (CreatedAt, then JobID) first.
	ListIssues(ctx context.Context, f IssueFilter) ([]JobIssue, error)
	// ResolveIssue marks the job's issue resolved (when it is retried or succeeds).
	ResolveIssue(ctx context.Context, jobID int64, at time.Time) error
	// ResolveSuperseded marks resolved the open issues of the route's entity
	// that belong to jobs older than jobID (which just did the entity), and
	// returns how many.
	ResolveSuperseded(ctx context.Context, route, entity string, jobID int64, at time.Time) (int, error)

	// GetSetting and PutSetting keep small values ferry owns (the key check).
	GetSetting(ctx context.Context, key string) (string, error)
	PutSetting(ctx context.Context, key, value string) error

	// PutUser inserts or replaces a user; ListUsers orders them by name.
	PutUser(ctx context.Context, u User) error
	GetUser(ctx context.Context, name string) (User, error)
	ListUsers(ctx context.Context) ([]User, error)
	// DeleteUser removes the user with its sessions and tokens.
	DeleteUser(ctx context.Context, name string) error

	// PutSession stores a session; GetSession returns ErrNotFound for an
	// unknown or expired one (expired at now).
	PutSession(ctx context.Context, s Session) error
	GetSession(ctx context.Context, id string, now time.Time) (Session, error)
	DeleteSession(ctx context.Context, id string) error
	// PruneSessions deletes sessions expired before t and returns how many.
	PruneSessions(ctx context.Context, t time.Time) (int64, error)

	PutToken(ctx context.Context, t Token) error
	GetToken(ctx context.Context, id string) (Token, error)

	// AddRouteStats adds counts to the route's hour that holds at.
	AddRouteStats(ctx context.Context, route string, at time.Time, c Counts) error
	// ListRouteStats returns the hours of every route (route empty) or one,
	// from since on, oldest first.
	ListRouteStats(ctx context.Context, route string, since time.Time) ([]RouteStat, error)
	// PutRouteRun records the latest pass of a route.
	PutRouteRun(ctx context.Context, r RouteRun) error
	ListRouteRuns(ctx context.Context) ([]RouteRun, error)

	// PutClaims makes each claim's job the owner of its record, replacing the
	// previous owner.
	PutClaims(ctx context.Context, claims []Claim) error
	// SwapClaims makes each claim's job the owner of its record only if the
	// owner is still claim.Prev (0: there is none), and reports which it made:
	// a hand-over never undoes one that happened since the caller looked.
	SwapClaims(ctx context.Context, claims []Claim) ([]bool, error)
	// ListClaims returns the claims of the route's entities that exist.
	ListClaims(ctx context.Context, route string, entities []string) ([]Claim, error)

	// TryLease takes every key for owner until expiry, or none of them: a key
	// another owner holds unexpired makes it return false. A key owner holds
	// already is extended.
	TryLease(ctx context.Context, owner string, keys []string, until time.Time) (bool, error)
	// ReleaseLease gives up owner's keys.
	ReleaseLease(ctx context.Context, owner string, keys []string) error

	// PutSkips records records a route did not take, replacing older entries
	// of the same records; DeleteSkips forgets them once taken.
	PutSkips(ctx context.Context, skips []Skip) error
	DeleteSkips(ctx context.Context, route string, entities []string) error
	// ListSkips returns a route's skipped records (every route's when route is
	// empty), newest first, and how many there are in all.
	ListSkips(ctx context.Context, f SkipFilter) ([]Skip, int, error)

	// PutCallHealth replaces what a process saw of connections' calls in their
	// minutes (the counts are the minute's totals, so a repeated put is harmless).
	PutCallHealth(ctx context.Context, rows []CallHealth) error
	// ListCallHealth returns every process's minutes from since on, oldest first.
	ListCallHealth(ctx context.Context, since time.Time) ([]CallHealth, error)
	// PruneCallHealth deletes minutes before t.
	PruneCallHealth(ctx context.Context, before time.Time) error
}

// CallHealth is what one process saw of one connection's remote calls in one
// minute.
type CallHealth struct {
	Connection string
	Minute     time.Time
	Process    string
	OK         int64
	Failed     int64
	// LastAt is when the minute's last call ended, LastOK whether it worked and
	// LastError why not.
	LastAt    time.Time
	LastOK    bool
	LastError string
}

// Claim says which job owns a record of a route, at which version of the
// record: a pass gives a record to a new job only when no unfinished job has it
// and no stopped (parked, failed) job has that version, so that a record
// belongs to one job at a time whatever the jobs' states.
type Claim struct {
	Route     string
	Entity    string
	JobID     int64
	Version   string
	UpdatedAt time.Time
	// Prev is the owner SwapClaims expects to replace.
	Prev int64
}

// Skip is a record a pass read and did not take (an order that is not
// eligible), kept so that people see it with the reason.
type Skip struct {
	Route  string `json:"route"`
	Entity string `json:"entity"`
	// Label names it for people ("order 1008").
	Label   string    `json:"label"`
	Version string    `json:"version"`
	Reason  string    `json:"reason"`
	At      time.Time `json:"at"`
}

// SkipFilter selects skipped records.
type SkipFilter struct {
	Route string
	// Entities, when set, restricts to these records.
	Entities []string
	Limit    int
	Offset   int
}

// Role is what a user may do: viewers read, operators also retry, run and
// cancel, admins also change settings and mappings.
type Role string

// Roles, from least to most.
const (
	RoleViewer   Role = "viewer"
	RoleOperator Role = "operator"
	RoleAdmin    Role = "admin"
)

// Roles lists the roles from least to most.
var Roles = []Role{RoleViewer, RoleOperator, RoleAdmin}

// Allows reports whether r includes what need requires.
func (r Role) Allows(need Role) bool { return r.rank() >= need.rank() && need.rank() > 0 }

func (r Role) rank() int {
	switch r {
	case RoleViewer:
		return 1
	case RoleOperator:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// User is a person (or machine client) of the dashboard and API.
type User struct {
	Name string
	// PasswordHash is a bcrypt hash; the store never sees the password.
	PasswordHash string
	Role         Role
	CreatedAt    time.Time
}

// Session is a signed-in browser. ID is the SHA-256 (hex) of the cookie's
// secret, so a copy of the database does not give a session.
type Session struct {
	ID        string
	User      string
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Token is an API token of a user for machine clients; ID is the SHA-256 (hex)
// of the secret.
type Token struct {
	ID        string
	User      string
	Label     string
	CreatedAt time.Time
}

// Counts are records a route finished.
type Counts struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Parked    int `json:"parked"`
	Failed    int `json:"failed"`
	Skipped   int `json:"skipped"`
}

// RouteStat is one hour of a route's counts.
type RouteStat struct {
	Route string
	Hour  time.Time
	Counts
}

// RouteRun is the latest pass of a route.
type RouteRun struct {
	Route      string    `json:"route"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	// Queued is the number of records the pass handed to jobs.
	Queued int `json:"queued"`
	// Error is why the pass failed; empty on success.
	Error string `json:"error,omitempty"`
}

// Package connector is the registry of the kinds of remote system ferry can connect
// to. Each kind (mycashflow, odoo, …) lives in its own sub-package with an API client
// and the mapping between its wire format and internal/model, and registers itself
// here with its typed settings and the credentials it needs.
//
// What a connection can do (be an order source, a stock sink, …) is not declared
// here: the flows that use a capability define the small interface they need, and a
// connection's client either has those methods or does not.
package connector

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"sync"

	"github.com/ferryhub/ferry/internal/remote"
)

// Settings is a kind's typed, non-secret configuration. Config decoding fills a
// value from NewSettings (defaults already set) with unknown keys rejected, then
// calls Validate.
type Settings interface {
	Validate() error
}

// Env is what Open gets to build a connection.
type Env struct {
	// Name is the connection's name in the config ("shop", "erp").
	Name     string
	Settings Settings
	// Credentials holds the secret values by key (decrypted; never log them).
	Credentials map[string]string
	// RateLimit, when positive, overrides the settings' requests per second to
	// this account (the config's connections.NAME.rate_limit).
	RateLimit float64
	// Calls counts the outcome of every call for the connection's health; nil
	// counts nothing.
	Calls *remote.CallBook
	// HTTPClient is used for all calls when set (tests); nil means the kind's own.
	HTTPClient *http.Client
	Logger     *slog.Logger
	// Locks serializes work on natural keys across every process sharing
	// ferry's store (a customer's e-mail while it is looked up and created);
	// nil means this process only (tests, the CLI).
	Locks Locker
}

// Locker takes keys (all or none) for the caller alone, across processes,
// until unlock; it waits while another caller holds one, until ctx ends.
type Locker interface {
	Lock(ctx context.Context, keys ...string) (unlock func(), err error)
}

// Conn is an open connection to one remote account.
type Conn interface {
	// Test checks that the account is reachable and usable with the given settings
	// and credentials, cheaply, and says exactly what is wrong when it is not.
	Test(ctx context.Context) (TestReport, error)
}

// TestReport is the result of a connection test people read.
type TestReport struct {
	OK bool `json:"ok"`
	// Summary is one line: "MyCashflow store demo: 120 products, API v1".
	Summary string `json:"summary"`
	// Details are facts found on the way ("Odoo 17.0", "user admin (uid 2)") and,
	// when not OK, what to fix ("module stock_delivery is not installed").
	Details []string `json:"details,omitempty"`
}

// Kind describes one kind of remote system.
type Kind struct {
	// Name is the `kind:` value in the config.
	Name string
	// Title is the system's name for people ("MyCashflow").
	Title string
	// NewSettings returns settings with defaults set.
	NewSettings func() Settings
	// Credentials lists the credential keys; Required ones must be non-empty.
	Credentials []Credential
	// Open builds a connection. It must not call the remote system.
	Open func(ctx context.Context, env Env) (Conn, error)
	// Client is a typed nil of what Open returns ((*Client)(nil)), so that the
	// config can check which flows the kind can be an end of without opening
	// one; nil skips the check.
	Client any
}

// Credential is one secret a kind takes.
type Credential struct {
	Key      string
	Required bool
	Help     string
}

var (
	mu    sync.RWMutex
	kinds = map[string]Kind{}
)

// Register adds a kind; connector packages call it from init. Registering a name
// twice panics, as that is a programming error.
func Register(k Kind) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := kinds[k.Name]; dup {
		panic(fmt.Sprintf("connector: kind %q registered twice", k.Name))
	}
	kinds[k.Name] = k
}

// Lookup returns the kind registered under name.
func Lookup(name string) (Kind, bool) {
	mu.RLock()
	defer mu.RUnlock()
	k, ok := kinds[name]
	return k, ok
}

// Names returns the registered kind names, sorted.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]string, 0, len(kinds))
	for n := range kinds {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

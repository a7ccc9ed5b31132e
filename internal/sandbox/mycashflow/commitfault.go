package mycashflow

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"sort"
	"time"
)

// CommitFaults make API writes take effect and then fail: the change is saved,
// but the client gets a 500 (or a dropped connection), as when the remote
// committed and then crashed or timed out. A client must read the record back
// before it judges the write; its retry meets a 409 (conflict.go). The fault
// injector in front of the API (internal/sandbox/fault) fails requests before
// they reach the shop, so it cannot do this.
type CommitFaults struct {
	// Routes are the writes it applies to, named as Calls names them, e.g.
	// "POST /orders/{id}/payments/{pid}/mark-as-paid"; empty means every write.
	Routes []string `json:"routes,omitempty"`
	// Next is how many of the next matching writes fail after committing.
	Next int `json:"next"`
	// Rate is the share (0..1) of the other matching writes that do.
	Rate float64 `json:"rate"`
	// Seed seeds the draws of Rate; 0 uses Options.Seed.
	Seed uint64 `json:"seed,omitempty"`
	// Drop closes the connection instead of answering 500.
	Drop bool `json:"drop"`
}

// CommitFailure is one write that committed and then failed.
type CommitFailure struct {
	Method string    `json:"method"`
	Path   string    `json:"path"`
	Route  string    `json:"route"`
	Drop   bool      `json:"drop"`
	At     time.Time `json:"at"`
}

// check reports settings that cannot work: rates out of range or routes that
// are not writes of this API.
func (c CommitFaults) check() error {
	if c.Rate < 0 || c.Rate > 1 || c.Next < 0 {
		return fmt.Errorf("commit faults: rate must be within 0..1 and next ≥ 0")
	}
	for _, r := range c.Routes {
		if !isWriteRoute(r) {
			return fmt.Errorf("commit faults: %q is not a write route such as \"POST /orders/{id}/quick-process\"", r)
		}
	}
	return nil
}

func isWriteRoute(name string) bool {
	for _, rt := range routes {
		if rt.method != http.MethodGet && rt.method+" "+rt.pattern == name {
			return true
		}
	}
	return false
}

// SetCommitFaults replaces the commit-then-fail settings; the zero value turns
// them off.
func (s *Server) SetCommitFaults(c CommitFaults) error {
	if err := c.check(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setCommitFaults(c)
	return nil
}

func (s *Server) setCommitFaults(c CommitFaults) {
	c.Routes = append([]string(nil), c.Routes...)
	seed := c.Seed
	if seed == 0 {
		seed = uint64(s.opts.Seed)
	}
	s.commit = c
	s.commitRng = rand.New(rand.NewPCG(seed, 0x636f6d6d6974))
}

// CommitFaults returns the current commit-then-fail settings.
func (s *Server) CommitFaults() CommitFaults {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.commit
	c.Routes = append([]string(nil), c.Routes...)
	return c
}

// CommitFailures lists the writes that committed and then failed, oldest first.
func (s *Server) CommitFailures() []CommitFailure {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]CommitFailure(nil), s.commitLog...)
}

// commitFault decides whether a write that just succeeded fails, and whether
// by a drop rather than a 500. The caller holds s.mu.
func (s *Server) commitFault(r *http.Request, route string, now time.Time) (fail, drop bool) {
	c := &s.commit
	if c.Next == 0 && c.Rate == 0 {
		return false, false
	}
	if len(c.Routes) > 0 {
		found := false
		for _, name := range c.Routes {
			found = found || name == route
		}
		if !found {
			return false, false
		}
	}
	switch {
	case c.Next > 0:
		c.Next--
	case c.Rate > 0 && s.commitRng.Float64() < c.Rate:
	default:
		return false, false
	}
	s.commitLog = append(s.commitLog, CommitFailure{Method: r.Method, Path: r.URL.Path, Route: route, Drop: c.Drop, At: now})
	return true, c.Drop
}

// writeCommitFailure answers a committed write as a crashing server would.
func writeCommitFailure(w http.ResponseWriter) {
	writeError(w, http.StatusInternalServerError, "an internal error occurred")
}

// serveCommitFaults is /_sandbox/commit-faults: GET answers {"config",
// "failures"}; PUT or POST with a CommitFaults body replaces the settings.
func (s *Server) serveCommitFaults(w http.ResponseWriter, r *http.Request) {
	serveSwitch(w, r, "commit faults", s.SetCommitFaults, func() any {
		return map[string]any{"config": s.CommitFaults(), "failures": nonNil(s.CommitFailures())}
	})
}

// WriteRoutes lists the write routes CommitFaults.Routes may name.
func WriteRoutes() []string {
	var out []string
	for _, rt := range routes {
		if rt.method != http.MethodGet {
			out = append(out, rt.method+" "+rt.pattern)
		}
	}
	sort.Strings(out)
	return out
}

package ogoship

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"sort"
	"time"
)

// CommitFaults make API writes take effect and then fail: the change is saved
// but the client gets a 500 (or a dropped connection), as when the remote
// committed and then crashed. A client must read back before it retries; a
// retried POST meets the 400 "already exists". The fault injector fails
// requests before they reach the API, so it cannot do this.
type CommitFaults struct {
	// Routes are the writes it applies to, named as WriteRoutes names them,
	// e.g. "POST /Orders"; empty means every write.
	Routes []string `json:"routes,omitempty"`
	Next   int      `json:"next"`           // how many of the next matching writes fail
	Rate   float64  `json:"rate"`           // share (0..1) of the other matching writes that do
	Seed   uint64   `json:"seed,omitempty"` // seeds Rate's draws; 0 uses Options.Seed
	Drop   bool     `json:"drop"`           // drop the connection instead of answering 500
}

// CommitFailure is one write that committed and then failed.
type CommitFailure struct {
	Method string    `json:"method"`
	Path   string    `json:"path"`
	Route  string    `json:"route"`
	Drop   bool      `json:"drop"`
	At     time.Time `json:"at"`
}

type commitState struct {
	cfg CommitFaults
	rng *rand.Rand
	log []CommitFailure
}

func (c CommitFaults) check() error {
	if c.Rate < 0 || c.Rate > 1 || c.Next < 0 {
		return fmt.Errorf("commit faults: rate must be within 0..1 and next ≥ 0")
	}
	known := map[string]bool{}
	for _, r := range WriteRoutes() {
		known[r] = true
	}
	for _, r := range c.Routes {
		if !known[r] {
			return fmt.Errorf("commit faults: %q is not a write route; write routes: %v", r, WriteRoutes())
		}
	}
	return nil
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

// SetCommitFaults replaces the commit-then-fail settings; the zero value
// turns them off.
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
	s.commit.cfg = c
	s.commit.rng = rand.New(rand.NewPCG(seed, 0x636f6d6d6974))
}

// CommitFaults returns the current commit-then-fail settings.
func (s *Server) CommitFaults() CommitFaults {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.commit.cfg
	c.Routes = append([]string(nil), c.Routes...)
	return c
}

// CommitFailures lists the writes that committed and then failed.
func (s *Server) CommitFailures() []CommitFailure {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]CommitFailure{}, s.commit.log...)
}

// commitFault decides whether a write that succeeded fails, and whether by a
// drop; the caller holds s.mu.
func (s *Server) commitFault(r *http.Request, route string, now time.Time) (fail, drop bool) {
	c := &s.commit.cfg
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
	case c.Rate > 0 && s.commit.rng.Float64() < c.Rate:
	default:
		return false, false
	}
	s.commit.log = append(s.commit.log, CommitFailure{Method: r.Method, Path: r.URL.Path, Route: route, Drop: c.Drop, At: now})
	return true, c.Drop
}

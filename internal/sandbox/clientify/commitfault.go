package clientify

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"
)

// CommitThenFail makes API writes take effect and then fail: the change is
// saved (and its webhooks fire), but the client gets Django's HTML 500 page,
// or a dropped connection, as when the server committed and then crashed or
// a proxy timed out. A client must read back before it judges the write.
type CommitThenFail struct {
	// Rate is the share (0..1) of successful writes that fail after committing.
	Rate float64 `json:"rate"`
	// Next is how many of the next successful writes fail, before Rate applies.
	Next int `json:"next"`
	// Drop closes the connection instead of answering 500.
	Drop bool `json:"drop"`
	// Seed seeds the draws of Rate; 0 uses Options.Seed.
	Seed uint64 `json:"seed,omitempty"`
}

// CommitFailure is one write that committed and then failed.
type CommitFailure struct {
	Method string    `json:"method"`
	Path   string    `json:"path"`
	Drop   bool      `json:"drop"`
	At     time.Time `json:"at"`
}

func (c CommitThenFail) check() error {
	if c.Rate < 0 || c.Rate > 1 || c.Next < 0 {
		return fmt.Errorf("commit-then-fail: rate must be within 0..1 and next ≥ 0")
	}
	return nil
}

// SetCommitThenFail replaces the commit-then-fail settings; the zero value
// turns them off.
func (s *Server) SetCommitThenFail(c CommitThenFail) error {
	if err := c.check(); err != nil {
		return fmt.Errorf("clientify sandbox: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setCommitThenFail(c)
	return nil
}

func (s *Server) setCommitThenFail(c CommitThenFail) {
	seed := c.Seed
	if seed == 0 {
		seed = uint64(s.opts.Seed)
	}
	s.commit = c
	s.commitRng = rand.New(rand.NewPCG(seed, 0x636f6d6d6974))
}

// CommitFailures lists the writes that committed and then failed, oldest first.
func (s *Server) CommitFailures() []CommitFailure {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]CommitFailure{}, s.commitLog...)
}

// commitFault decides whether a write that just succeeded fails, and whether
// by a drop. The caller holds s.mu.
func (s *Server) commitFault(r *http.Request, now time.Time) (fail, drop bool) {
	c := &s.commit
	switch {
	case c.Next > 0:
		c.Next--
	case c.Rate > 0 && s.commitRng.Float64() < c.Rate:
	default:
		return false, false
	}
	s.commitLog = append(s.commitLog, CommitFailure{Method: r.Method, Path: r.URL.Path, Drop: c.Drop, At: now})
	return !c.Drop, c.Drop
}

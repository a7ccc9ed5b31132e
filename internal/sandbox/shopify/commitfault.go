package shopify

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// CommitThenFail makes mutations take effect and then fail: the change is
// saved (and its webhooks sent), but the client gets 500 with Shopify's
// INTERNAL_SERVER_ERROR body [U: the body's words], or a dropped connection,
// as when the remote committed and then crashed or timed out. The fault
// injector in front of the API fails requests before they reach the shop, so
// it cannot do this. A client must read the record back before it retries a
// create.
type CommitThenFail struct {
	// Rate is the share (0..1) of mutations that fail after committing.
	Rate float64 `json:"rate"`
	// Next is how many of the next mutations fail, before Rate applies.
	Next int `json:"next"`
	// Drop closes the connection instead of answering 500.
	Drop bool `json:"drop"`
	// Seed seeds the draws of Rate; 0 uses Options.Seed.
	Seed uint64 `json:"seed,omitempty"`
}

// CommitFailure is one mutation that committed and then failed.
type CommitFailure struct {
	Operation string    `json:"operation"`
	Path      string    `json:"path"`
	Drop      bool      `json:"drop"`
	At        time.Time `json:"at"`
}

func (c CommitThenFail) check() error {
	if c.Rate < 0 || c.Rate > 1 || c.Next < 0 {
		return fmt.Errorf("commit-then-fail: rate must be within 0..1 and next ≥ 0")
	}
	return nil
}

// SetCommitThenFail replaces the settings; the zero value turns them off.
func (s *Server) SetCommitThenFail(c CommitThenFail) error {
	if err := c.check(); err != nil {
		return err
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

// CommitFailures lists the mutations that committed and then failed.
func (s *Server) CommitFailures() []CommitFailure {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]CommitFailure{}, s.commitLog...)
}

// commitFault decides whether a mutation that ran fails now, and how.
func (s *Server) commitFault(op, path string) (fail, drop bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &s.commit
	switch {
	case c.Next > 0:
		c.Next--
	case c.Rate > 0 && s.commitRng.Float64() < c.Rate:
	default:
		return false, false
	}
	s.commitLog = append(s.commitLog, CommitFailure{Operation: op, Path: path, Drop: c.Drop, At: s.opts.Now()})
	return !c.Drop, c.Drop
}

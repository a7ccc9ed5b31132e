package web

import (
	"context"
	"fmt"
	"net/http"

	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/jobs"
)

// The processes page is seed 003's Processes tab: a queue per route (orders
// to import, shipped orders, products, customers, …) with its records in each
// state, the newest records with their log lines one click away, and manual
// processing: run what waits now, re-run what is held, or read the source
// again.

// ProcessQueue is one route's queue.
type ProcessQueue struct {
	Route string `json:"route"`
	Flow  string `json:"flow"`
	Title string `json:"title"`
	From  string `json:"from"`
	To    string `json:"to"`
	// Waiting are records ready to run; Later those waiting for a retry or
	// for their time; Running, Parked (needs action) and Failed as said.
	Waiting int `json:"waiting"`
	Later   int `json:"later"`
	Running int `json:"running"`
	Parked  int `json:"parked"`
	Failed  int `json:"failed"`
	// Recent are the newest records of the queue.
	Recent []jobs.Info `json:"recent"`
}

func (s *Server) processes(ctx context.Context) ([]ProcessQueue, error) {
	var out []ProcessQueue
	for _, r := range s.hub.Flows.Routes() {
		pq := ProcessQueue{Route: r.Name, Flow: r.Flow, From: r.From, To: r.To, Title: r.Flow}
		if k, ok := flow.LookupKind(r.Flow); ok {
			pq.Title = k.Title
		}
		for _, c := range []struct {
			n      *int
			states []jobs.State
		}{
			{&pq.Waiting, []jobs.State{jobs.StateAvailable, jobs.StatePending}},
			{&pq.Later, []jobs.State{jobs.StateScheduled, jobs.StateRetryable}},
			{&pq.Running, []jobs.State{jobs.StateRunning}},
			{&pq.Parked, []jobs.State{jobs.StateParked}},
			{&pq.Failed, []jobs.State{jobs.StateFailed}},
		} {
			n, err := s.hub.Queue.Count(ctx, jobs.Filter{Route: r.Name, States: c.states})
			if err != nil {
				return nil, fmt.Errorf("route %s: %w", r.Name, err)
			}
			*c.n = n
		}
		recent, err := s.hub.Queue.List(ctx, jobs.Filter{Route: r.Name, Limit: 5})
		if err != nil {
			return nil, fmt.Errorf("route %s: %w", r.Name, err)
		}
		pq.Recent = recent
		out = append(out, pq)
	}
	return out, nil
}

// processNow runs the route's records that wait for a retry or their time
// now (at most 1,000).
func (s *Server) processNow(r *http.Request, name string) (string, error) {
	if _, err := s.routeOf(name); err != nil {
		return "", &notFoundError{err.Error()}
	}
	list, err := s.hub.Queue.List(r.Context(), jobs.Filter{Route: name, States: []jobs.State{jobs.StateScheduled, jobs.StateRetryable}, Limit: 1000})
	if err != nil {
		return "", fmt.Errorf("route %s: %w", name, err)
	}
	n := 0
	for _, j := range list {
		if err := s.hub.Queue.Retry(r.Context(), j.ID); err != nil {
			return "", fmt.Errorf("route %s: after %d of %d records: %w", name, n, len(list), err)
		}
		n++
	}
	s.audit(r, name, "", fmt.Sprintf("processed the queue now: %d waiting records run", n))
	return fmt.Sprintf("route %s: %d waiting records run now", name, n), nil
}

func (s *Server) processesPage(w http.ResponseWriter, r *http.Request) {
	qs, err := s.processes(r.Context())
	if err != nil {
		s.fail(w, r, false, http.StatusInternalServerError, err.Error())
		return
	}
	s.render(w, r, http.StatusOK, "processes", page{Title: "Processes", Nav: "processes", Data: qs})
}

func (s *Server) formProcessNow(w http.ResponseWriter, r *http.Request) {
	msg, err := s.processNow(r, r.PathValue("name"))
	s.done(w, r, "/processes", msg, err)
}

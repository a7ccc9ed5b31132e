package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/hub"
	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/store"
)

// This file gathers what the dashboard and the API show, and does what they
// ask; pages.go and api.go only present it.

// Overview is the state of every connection and route.
type Overview struct {
	Connections []ConnStatus  `json:"connections"`
	Routes      []RouteStatus `json:"routes"`
	// Hours are the last 24 hours of all routes, oldest first.
	Hours []HourPoint `json:"hours"`
	At    time.Time   `json:"at"`
}

// ConnStatus is a connection, the outcome of its last test and what its
// routes' calls did lately.
type ConnStatus struct {
	hub.ConnectionInfo
	// Health is failing, unstable, ok or untested (see health); Why says why
	// it is not ok.
	Health string      `json:"health"`
	Why    string      `json:"why,omitempty"`
	Test   *testResult `json:"test,omitempty"`
	Live   Live        `json:"live"`
}

// RouteStatus is a route with its last run, next run, lag and counts.
type RouteStatus struct {
	hub.RouteInfo
	Title   string          `json:"title"`
	LastRun *store.RouteRun `json:"last_run,omitempty"`
	Backlog flow.Backlog    `json:"backlog"`
	// Lag is how long the oldest unfinished job has waited, in seconds.
	Lag float64 `json:"lag_seconds"`
	// Held is the number of parked or failed records waiting for a person.
	Held  int          `json:"held"`
	Today store.Counts `json:"today"`
	Week  store.Counts `json:"week"`
}

// HourPoint is one hour of all routes' records.
type HourPoint struct {
	Hour time.Time `json:"hour"`
	// Written is records created or updated; Unchanged records read again with
	// nothing to write.
	Written   int `json:"written"`
	Unchanged int `json:"unchanged"`
	// Errors is records parked or failed.
	Errors int `json:"errors"`
}

func (s *Server) overview(ctx context.Context) (Overview, error) {
	now := time.Now().UTC()
	ov := Overview{At: now}
	conns, err := s.hub.Connections(ctx)
	if err != nil {
		return ov, err
	}
	live, err := s.liveCalls(ctx, now)
	if err != nil {
		return ov, fmt.Errorf("connection health: %w", err)
	}
	s.mu.Lock()
	for _, c := range conns {
		cs := ConnStatus{ConnectionInfo: c, Live: live[c.Name]}
		if t, ok := s.tests[c.Name]; ok {
			cs.Test = &t
		}
		cs.Health, cs.Why = health(cs.Live, cs.Test)
		ov.Connections = append(ov.Connections, cs)
	}
	s.mu.Unlock()
	routes, err := s.hub.Routes(ctx, now)
	if err != nil {
		return ov, err
	}
	runs, err := s.st().ListRouteRuns(ctx)
	if err != nil {
		return ov, fmt.Errorf("route runs: %w", err)
	}
	lastRun := map[string]store.RouteRun{}
	for _, r := range runs {
		lastRun[r.Route] = r
	}
	stats, err := s.st().ListRouteStats(ctx, "", now.Add(-7*24*time.Hour).Truncate(time.Hour))
	if err != nil {
		return ov, fmt.Errorf("route counts: %w", err)
	}
	midnight := now.Truncate(24 * time.Hour)
	hourStart := now.Truncate(time.Hour).Add(-23 * time.Hour)
	hours := make([]HourPoint, 24)
	for i := range hours {
		hours[i].Hour = hourStart.Add(time.Duration(i) * time.Hour)
	}
	today, week := map[string]store.Counts{}, map[string]store.Counts{}
	for _, st := range stats {
		week[st.Route] = addCounts(week[st.Route], st.Counts)
		if !st.Hour.Before(midnight) {
			today[st.Route] = addCounts(today[st.Route], st.Counts)
		}
		if i := int(st.Hour.Sub(hourStart) / time.Hour); i >= 0 && i < 24 {
			hours[i].Written += st.Created + st.Updated
			hours[i].Unchanged += st.Unchanged
			hours[i].Errors += st.Parked + st.Failed
		}
	}
	ov.Hours = hours
	issues, err := s.st().ListIssues(ctx, store.IssueFilter{Open: true, Limit: 10000})
	if err != nil {
		return ov, fmt.Errorf("issues: %w", err)
	}
	held := map[string]int{}
	for _, is := range issues {
		held[is.Route]++
	}
	for _, r := range routes {
		rs := RouteStatus{RouteInfo: r, Title: r.Flow, Held: held[r.Name], Today: today[r.Name], Week: week[r.Name]}
		if k, ok := flow.LookupKind(r.Flow); ok {
			rs.Title = k.Title
		}
		if run, ok := lastRun[r.Name]; ok {
			rs.LastRun = &run
			// Interval schedules count from the last run, not from now.
			if sched, err := s.hub.Config.ScheduleOf(r.Name); err == nil && !r.Next.IsZero() {
				if next := sched.Next(run.StartedAt); next.After(now) {
					rs.Next = next
				}
			}
		}
		if rs.Backlog, err = flow.RouteBacklog(ctx, s.hub.Flows, r.Name); err != nil {
			return ov, err
		}
		if !rs.Backlog.Oldest.IsZero() {
			rs.Lag = now.Sub(rs.Backlog.Oldest).Seconds()
		}
		ov.Routes = append(ov.Routes, rs)
	}
	return ov, nil
}

func addCounts(a, b store.Counts) store.Counts {
	return store.Counts{Created: a.Created + b.Created, Updated: a.Updated + b.Updated, Unchanged: a.Unchanged + b.Unchanged, Parked: a.Parked + b.Parked, Failed: a.Failed + b.Failed}
}

// testConnection calls the remote system with the connection's stored settings
// and keeps the outcome for the overview.
func (s *Server) testConnection(ctx context.Context, name string) (testResult, error) {
	if _, ok := s.hub.Config.Connections[name]; !ok {
		return testResult{}, fmt.Errorf("no connection named %q", name)
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	res := testResult{At: time.Now().UTC()}
	conn, err := s.hub.Conn(ctx, name)
	if err == nil {
		res.Report, err = conn.Test(ctx)
	}
	if err != nil {
		res.Report.OK = false
		res.Report.Summary = "cannot reach or use " + name + ": " + err.Error()
	}
	s.mu.Lock()
	s.tests[name] = res
	s.mu.Unlock()
	return res, nil
}

// background keeps the dashboard current: it tests every connection now and
// then, puts in force what other processes changed, and prunes old sessions.
func (s *Server) background(ctx context.Context) {
	testAll := func() {
		for name := range s.hub.Config.Connections {
			if ctx.Err() != nil {
				return
			}
			_, _ = s.testConnection(ctx, name)
		}
	}
	testAll()
	tests := time.NewTicker(s.opts.TestEvery)
	defer tests.Stop()
	refresh := time.NewTicker(10 * time.Second)
	defer refresh.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tests.C:
			testAll()
		case <-refresh.C:
			if err := s.hub.Refresh(ctx); err != nil && ctx.Err() == nil {
				s.opts.Logger.Warn("dashboard: reading changed settings", "err", err)
			}
			if _, err := s.st().PruneSessions(ctx, time.Now()); err != nil && ctx.Err() == nil {
				s.opts.Logger.Warn("dashboard: pruning sessions", "err", err)
			}
		}
	}
}

// parseWhen reads a time from a form or query: RFC 3339, a datetime-local
// value (2006-01-02T15:04, UTC) or a date (UTC midnight). Empty is zero.
func parseWhen(field, v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%s %q: use a date (2026-12-01) or a time (2026-12-01T08:00:00Z)", field, v)
}

// JobDetail is one job with its log lines.
type JobDetail struct {
	jobs.Info
	Logs []store.LogLine `json:"logs"`
}

func (s *Server) jobDetail(ctx context.Context, id int64) (JobDetail, error) {
	info, err := s.hub.Queue.Get(ctx, id)
	if err != nil {
		return JobDetail{}, err
	}
	d := JobDetail{Info: info}
	if d.Logs, err = s.st().ListLogs(ctx, store.LogFilter{JobID: id, Limit: 1000}); err != nil {
		return d, fmt.Errorf("job %d: log lines: %w", id, err)
	}
	return d, nil
}

// Mappings are the rules people edit on the mappings page: per orders route
// its shipping, payment and tax rules, per payments route the methods billed
// by invoice, and per ERP connection its warehouse.
type Mappings struct {
	Orders     []OrdersMapping    `json:"orders"`
	Payments   []PaymentsMapping  `json:"payments"`
	Warehouses []WarehouseMapping `json:"warehouses"`
}

// OrdersMapping is an orders route's method rules.
type OrdersMapping struct {
	Route           string             `json:"route"`
	ShippingMethods []flow.Rule        `json:"shipping_methods"`
	PaymentMethods  []flow.PaymentRule `json:"payment_methods"`
	Taxes           []flow.TaxRule     `json:"taxes"`
}

// PaymentsMapping is a payments route's methods billed by invoice.
type PaymentsMapping struct {
	Route          string   `json:"route"`
	InvoiceMethods []string `json:"invoice_methods"`
}

// WarehouseMapping is the warehouse a connection reads stock from.
type WarehouseMapping struct {
	Connection string `json:"connection"`
	Warehouse  string `json:"warehouse"`
}

func (s *Server) mappings(ctx context.Context) (Mappings, error) {
	var m Mappings
	for _, r := range s.hub.Flows.Routes() {
		switch o := r.Options.(type) {
		case *flow.OrdersOptions:
			m.Orders = append(m.Orders, OrdersMapping{Route: r.Name, ShippingMethods: nonNil(o.ShippingMethods), PaymentMethods: nonNil(o.PaymentMethods), Taxes: nonNil(o.Taxes)})
		case *flow.PaymentsOptions:
			m.Payments = append(m.Payments, PaymentsMapping{Route: r.Name, InvoiceMethods: nonNil(o.InvoiceMethods)})
		}
	}
	conns, err := s.hub.Connections(ctx)
	if err != nil {
		return m, err
	}
	for _, c := range conns {
		var settings map[string]any
		_ = json.Unmarshal(c.Settings, &settings)
		if _, ok := settings["warehouse"]; ok || c.Kind == "odoo" {
			w, _ := settings["warehouse"].(string)
			m.Warehouses = append(m.Warehouses, WarehouseMapping{Connection: c.Name, Warehouse: w})
		}
	}
	return m, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// setRouteFields replaces some top-level fields of a route's stored options and
// puts the result in force; it returns how many parked jobs were re-run.
func (s *Server) setRouteFields(ctx context.Context, route string, fields map[string]any) (int, error) {
	row, err := s.st().GetRoute(ctx, route)
	if err != nil {
		return 0, fmt.Errorf("route %s: %w", route, err)
	}
	opts := map[string]json.RawMessage{}
	if len(row.Options) > 0 && string(row.Options) != "null" {
		if err := json.Unmarshal(row.Options, &opts); err != nil {
			return 0, fmt.Errorf("route %s: stored options: %w", route, err)
		}
	}
	for k, v := range fields {
		b, err := json.Marshal(v)
		if err != nil {
			return 0, err
		}
		opts[k] = b
	}
	raw, _ := json.Marshal(opts)
	return s.hub.UpdateRouteOptions(ctx, route, raw)
}

// setConnectionField replaces one setting of a connection.
func (s *Server) setConnectionField(ctx context.Context, name, field string, v any) (int, error) {
	row, err := s.st().GetConnection(ctx, name)
	if err != nil {
		return 0, fmt.Errorf("connection %s: %w", name, err)
	}
	settings := map[string]any{}
	if err := json.Unmarshal(row.Settings, &settings); err != nil {
		return 0, fmt.Errorf("connection %s: stored settings: %w", name, err)
	}
	settings[field] = v
	raw, _ := json.Marshal(settings)
	return s.hub.UpdateConnection(ctx, name, raw, nil)
}

// routeOf checks that a route exists and runs one of the flows.
func (s *Server) routeOf(name string, flows ...string) (flow.Route, error) {
	r, err := s.hub.Flows.Route(name)
	if err != nil {
		return r, fmt.Errorf("no route named %q", name)
	}
	if len(flows) > 0 && !contains(flows, r.Flow) {
		return r, fmt.Errorf("route %s runs %s, not %s", name, r.Flow, strings.Join(flows, " or "))
	}
	return r, nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// routesOf returns the names of the routes that run one of the flows.
func (s *Server) routesOf(flows ...string) []string {
	var out []string
	for _, r := range s.hub.Flows.Routes() {
		if contains(flows, r.Flow) {
			out = append(out, r.Name)
		}
	}
	sort.Strings(out)
	return out
}

// isInvalid reports errors caused by the request's input.
func isInvalid(err error) bool {
	var ie *hub.InvalidError
	return errors.As(err, &ie)
}

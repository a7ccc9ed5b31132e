package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/store"
)

// The actions people take, shared by the dashboard's forms and the API. Each
// returns a message for the person, and records who did what in the log lines.

// inputError is an action refused for its input (HTTP 400).
type inputError struct{ msg string }

func (e *inputError) Error() string { return e.msg }

func badInput(format string, args ...any) error { return &inputError{fmt.Sprintf(format, args...)} }

// notFoundError is an action on something that does not exist (HTTP 404).
type notFoundError struct{ msg string }

func (e *notFoundError) Error() string { return e.msg }

// tooLargeError is a request body over the limit (HTTP 413).
type tooLargeError struct{ limit int64 }

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("request too large: the body may have at most %d KiB", e.limit>>10)
}

// maxBody caps an API body: settings and mappings are small.
const maxBody = 1 << 20

// readBody reads a request body of at most maxBody bytes, refusing a larger
// one without reading the rest.
func readBody(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	var big *http.MaxBytesError
	if errors.As(err, &big) {
		return nil, &tooLargeError{limit: maxBody}
	}
	if err != nil {
		return nil, badInput("reading the body: %v", err)
	}
	if len(body) > maxBody {
		return nil, &tooLargeError{limit: maxBody}
	}
	return body, nil
}

// statusOf maps an action's error to an HTTP status.
func statusOf(err error) int {
	var in *inputError
	var req *flow.RequestError
	var nf *notFoundError
	var big *tooLargeError
	switch {
	case errors.As(err, &big):
		return http.StatusRequestEntityTooLarge
	case errors.As(err, &in), errors.As(err, &req), isInvalid(err):
		return http.StatusBadRequest
	case errors.As(err, &nf), errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound
	}
	return http.StatusInternalServerError
}

// audit records an action in the log lines, naming the person.
func (s *Server) audit(r *http.Request, route, entity, msg string) {
	p, _ := principalOf(r)
	_, err := s.st().AddLog(r.Context(), store.LogLine{Level: store.LevelInfo, Route: route, Entity: entity, Message: p.User + ": " + msg})
	if err != nil {
		s.opts.Logger.Warn("dashboard: audit line not stored", "user", p.User, "action", msg, "err", err)
	}
}

func (s *Server) runRoute(r *http.Request, name, sinceRaw, untilRaw string) (string, error) {
	if _, err := s.routeOf(name); err != nil {
		return "", &notFoundError{err.Error()}
	}
	since, err := parseWhen("since", sinceRaw)
	if err != nil {
		return "", badInput("route %s: %v", name, err)
	}
	until, err := parseWhen("until", untilRaw)
	if err != nil {
		return "", badInput("route %s: %v", name, err)
	}
	queued, err := flow.RunRoute(r.Context(), s.hub.Flows, name, since, until)
	if err != nil {
		return "", err
	}
	what := "a pass"
	if !since.IsZero() || !until.IsZero() {
		what = fmt.Sprintf("a pass of %s…%s", orDash(since.Format("2006-01-02 15:04")), orDash(until.Format("2006-01-02 15:04")))
		what = strings.ReplaceAll(what, "0001-01-01 00:00", "—")
	}
	if !queued {
		return fmt.Sprintf("route %s: a pass is already waiting or running; it covers this request", name), nil
	}
	s.audit(r, name, "pass", "asked for "+what)
	return fmt.Sprintf("route %s: %s is queued", name, what), nil
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func (s *Server) retryHeld(r *http.Request, name string) (string, error) {
	if _, err := s.routeOf(name); err != nil {
		return "", &notFoundError{err.Error()}
	}
	n, err := s.hub.Queue.RetryIssues(r.Context(), store.IssueFilter{Route: name})
	if err != nil {
		return "", fmt.Errorf("route %s: %w", name, err)
	}
	s.audit(r, name, "", fmt.Sprintf("re-ran %d parked or failed jobs", n))
	return fmt.Sprintf("route %s: re-ran %d parked or failed jobs", name, n), nil
}

func (s *Server) exportNow(r *http.Request, name string, ids []string) (string, error) {
	if _, err := s.routeOf(name, "products"); err != nil {
		return "", &notFoundError{err.Error()}
	}
	if len(ids) == 0 {
		return "", badInput("route %s: select at least one product", name)
	}
	n, err := flow.ExportProducts(r.Context(), s.hub.Flows, name, ids)
	if err != nil {
		return "", err
	}
	rt, _ := s.routeOf(name, "products")
	s.audit(r, name, "", fmt.Sprintf("asked to create or update %d products in %s now", n, rt.To))
	return fmt.Sprintf("route %s: %d products queued to be created or updated in %s", name, n, rt.To), nil
}

// refreshProducts has the products route read its source's whole catalogue
// again, writing nothing to the target (the product sync page's Refresh).
func (s *Server) refreshProducts(r *http.Request, name string) (string, error) {
	rt, err := s.routeOf(name, "products")
	if err != nil {
		return "", &notFoundError{err.Error()}
	}
	queued, err := flow.RefreshCatalog(r.Context(), s.hub.Flows, name)
	if err != nil {
		return "", err
	}
	if !queued {
		return fmt.Sprintf("route %s: a refresh of %s's products is already waiting or running", name, rt.From), nil
	}
	s.audit(r, name, "catalogue", "asked to refresh the products of "+rt.From)
	return fmt.Sprintf("route %s: reading the products of %s again; reload the page in a moment", name, rt.From), nil
}

func parseJobID(raw string) (int64, error) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, badInput("job id %q: want a number", raw)
	}
	return id, nil
}

func (s *Server) retryJob(r *http.Request, raw string) (string, error) {
	return s.onJob(r, raw, "retried", "runs again", s.hub.Queue.Retry)
}

func (s *Server) cancelJob(r *http.Request, raw string) (string, error) {
	return s.onJob(r, raw, "cancelled", "is cancelled", s.hub.Queue.Cancel)
}

// onJob does something to one job and says so: did for the audit line, now
// for the person.
func (s *Server) onJob(r *http.Request, raw, did, now string, do func(context.Context, int64) error) (string, error) {
	id, err := parseJobID(raw)
	if err != nil {
		return "", err
	}
	info, err := s.hub.Queue.Get(r.Context(), id)
	if err != nil {
		return "", &notFoundError{fmt.Sprintf("no job %d", id)}
	}
	if err := do(r.Context(), id); err != nil {
		return "", badInput("job %d (%s): %v", id, info.Entity, err)
	}
	s.audit(r, info.Route, info.Entity, fmt.Sprintf("%s job %d", did, id))
	return fmt.Sprintf("job %d (%s) %s", id, info.Entity, now), nil
}

// reran says what a configuration change set going again.
func reran(n int) string {
	switch n {
	case 0:
		return "no parked records depended on it"
	case 1:
		return "re-ran 1 parked job"
	}
	return fmt.Sprintf("re-ran %d parked jobs", n)
}

func (s *Server) setOrdersMapping(r *http.Request, name string, m OrdersMapping) (string, error) {
	if _, err := s.routeOf(name, "orders"); err != nil {
		return "", &notFoundError{err.Error()}
	}
	n, err := s.setRouteFields(r.Context(), name, map[string]any{"shipping_methods": nonNil(m.ShippingMethods), "payment_methods": nonNil(m.PaymentMethods), "taxes": nonNil(m.Taxes)})
	if err != nil {
		return "", err
	}
	s.audit(r, name, "mappings", fmt.Sprintf("set %d shipping method, %d payment method and %d tax rules; %s", len(m.ShippingMethods), len(m.PaymentMethods), len(m.Taxes), reran(n)))
	return fmt.Sprintf("route %s: mappings saved; %s", name, reran(n)), nil
}

func (s *Server) setInvoiceMethods(r *http.Request, name string, methods []string) (string, error) {
	if _, err := s.routeOf(name, "payments"); err != nil {
		return "", &notFoundError{err.Error()}
	}
	n, err := s.setRouteFields(r.Context(), name, map[string]any{"invoice_methods": nonNil(methods)})
	if err != nil {
		return "", err
	}
	s.audit(r, name, "mappings", fmt.Sprintf("set the methods billed by invoice to %q; %s", methods, reran(n)))
	return fmt.Sprintf("route %s: methods billed by invoice saved; %s", name, reran(n)), nil
}

func (s *Server) setWarehouse(r *http.Request, conn, warehouse string) (string, error) {
	if _, ok := s.hub.Config.Connections[conn]; !ok {
		return "", &notFoundError{fmt.Sprintf("no connection named %q", conn)}
	}
	n, err := s.setConnectionField(r.Context(), conn, "warehouse", warehouse)
	if err != nil {
		return "", err
	}
	s.audit(r, "", "connection "+conn, fmt.Sprintf("set the warehouse to %q; %s", warehouse, reran(n)))
	return fmt.Sprintf("connection %s: warehouse saved; %s", conn, reran(n)), nil
}

func (s *Server) setRouteOptions(r *http.Request, name string, raw []byte) (string, error) {
	if _, err := s.routeOf(name); err != nil {
		return "", &notFoundError{err.Error()}
	}
	n, err := s.hub.UpdateRouteOptions(r.Context(), name, raw)
	if err != nil {
		return "", err
	}
	s.audit(r, name, "options", "changed the route's options; "+reran(n))
	return fmt.Sprintf("route %s: options saved; %s", name, reran(n)), nil
}

func (s *Server) setConnection(r *http.Request, name string, settings []byte, creds map[string]string) (string, error) {
	if _, ok := s.hub.Config.Connections[name]; !ok {
		return "", &notFoundError{fmt.Sprintf("no connection named %q", name)}
	}
	n, err := s.hub.UpdateConnection(r.Context(), name, settings, creds)
	if err != nil {
		return "", err
	}
	var changed []string
	for k, v := range creds {
		if v != "" {
			changed = append(changed, k)
		}
	}
	what := "changed the settings"
	if len(changed) > 0 {
		what += " and the credentials " + strings.Join(changed, ", ")
	}
	s.audit(r, "", "connection "+name, what+"; "+reran(n))
	return fmt.Sprintf("connection %s: saved; %s", name, reran(n)), nil
}

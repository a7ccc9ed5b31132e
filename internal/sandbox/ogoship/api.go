package ogoship

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/sandbox/fault"
)

func writeError(w http.ResponseWriter, code int, format string, args ...any) {
	writeJSON(w, code, ApiError{StatusCode: code, StatusDescription: http.StatusText(code), Message: fmt.Sprintf(format, args...)})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		code = http.StatusInternalServerError
		b, _ = json.Marshal(ApiError{StatusCode: code, StatusDescription: http.StatusText(code), Message: "encode response: " + err.Error()})
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(code)
	w.Write(b)
}

// httpError is a handler failure with its status.
type httpError struct {
	code int
	msg  string
}

func (e *httpError) Error() string { return e.msg }

func errf(code int, format string, args ...any) error {
	return &httpError{code: code, msg: fmt.Sprintf(format, args...)}
}

// req is one API request after routing.
type req struct {
	r      *http.Request
	params map[string]string
	q      url.Values
	body   []byte
	now    time.Time
}

// get reads a query parameter whatever the casing of its name (ASP.NET binds
// query names case-insensitively).
func (q *req) get(name string) string {
	for k, v := range q.q {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// reply is what a handler answers; raw, when set, is sent verbatim.
type reply struct {
	code int
	body any
	raw  []byte
}

func ok(v any) reply { return reply{code: http.StatusOK, body: v} }

type route struct {
	method, pattern string
	parts           []string
	scope           string // OAuth scope the call needs
	h               func(*Server, *req) (reply, error)
}

var routes []route

func handle(method, pattern, scope string, h func(*Server, *req) (reply, error)) {
	routes = append(routes, route{method: method, pattern: pattern, parts: strings.Split(strings.Trim(pattern, "/"), "/"), scope: scope, h: h})
}

func init() {
	handle("GET", "/Orders", "read:order", (*Server).listOrders)
	handle("POST", "/Orders", "write:order", (*Server).createOrder)
	handle("PUT", "/Orders/{reference}", "write:order", (*Server).updateOrder)
	handle("GET", "/Products", "read:product", (*Server).listProducts)
	handle("POST", "/Products", "write:product", (*Server).createProduct)
	handle("PUT", "/Products/{code}", "write:product", (*Server).updateProduct)
	handle("GET", "/Stock", "read:product", (*Server).listStock)
	handle("GET", "/StockUpdate", "read:product", (*Server).listStockUpdates)
	handle("POST", "/StockUpdate", "write:product", (*Server).createStockUpdate)
	handle("GET", "/webhooks", "read:webhook", (*Server).listWebhooks)
	handle("POST", "/webhooks", "write:webhook", (*Server).createWebhook)
	handle("GET", "/webhooks/{id}", "read:webhook", (*Server).getWebhook)
	handle("PUT", "/webhooks/{id}", "write:webhook", (*Server).updateWebhook)
	handle("DELETE", "/webhooks/{id}", "write:webhook", (*Server).deleteWebhook)
}

// match compares literal segments case-insensitively; parameters keep their
// spelling, percent-decoded.
func match(parts, path []string) (map[string]string, bool) {
	if len(parts) != len(path) {
		return nil, false
	}
	params := map[string]string{}
	for i, p := range parts {
		if strings.HasPrefix(p, "{") {
			v, err := url.PathUnescape(path[i])
			if err != nil || v == "" {
				return nil, false
			}
			params[p[1:len(p)-1]] = v
			continue
		}
		if !strings.EqualFold(p, path[i]) {
			return nil, false
		}
	}
	return params, true
}

// maxBody caps request bodies (4 MiB: documents may carry base64 PDFs).
const maxBody = 4 << 20

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	p := strings.TrimSuffix(r.URL.EscapedPath(), "/")
	rest := ""
	if len(p) > len("/api/") {
		rest = p[len("/api/"):]
	}
	ver, sub, _ := strings.Cut(rest, "/")
	if !strings.EqualFold(ver, "v1") || sub == "" {
		writeError(w, http.StatusNotFound, "no such API path %s; use /api/v1/<resource>", r.URL.Path)
		return
	}
	segs := strings.Split(sub, "/")
	var rt *route
	var params map[string]string
	var allowed []string
	for i := range routes {
		ps, ok := match(routes[i].parts, segs)
		if !ok {
			continue
		}
		if routes[i].method != r.Method {
			allowed = append(allowed, routes[i].method)
			continue
		}
		rt, params = &routes[i], ps
		break
	}
	if rt == nil {
		if len(allowed) > 0 {
			sort.Strings(allowed)
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			writeError(w, http.StatusMethodNotAllowed, "the requested resource does not support http method '%s'", r.Method)
			return
		}
		writeError(w, http.StatusNotFound, "no HTTP resource was found that matches the request URI %s", r.URL.Path)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		writeError(w, http.StatusBadRequest, "read request body: %v", err)
		return
	}
	if len(body) > maxBody {
		writeError(w, http.StatusRequestEntityTooLarge, "request body is larger than %d bytes", maxBody)
		return
	}
	name := r.Method + " " + rt.pattern
	s.mu.Lock()
	s.requests++
	now := s.now()
	if err := s.authorize(r, rt.scope, now); err != nil {
		s.mu.Unlock()
		var he *httpError
		errors.As(err, &he)
		if he.code == http.StatusUnauthorized {
			s.mu.Lock()
			s.unauthorized++
			s.mu.Unlock()
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		}
		writeError(w, he.code, "%s", he.msg)
		return
	}
	s.calls[name]++
	q := &req{r: r, params: params, q: r.URL.Query(), body: body, now: now}
	rep, err := rt.h(s, q)
	var b []byte
	if err == nil && rep.raw != nil {
		b = rep.raw
	} else if err == nil && rep.body != nil {
		b, err = json.Marshal(rep.body)
	}
	failAfter, drop := false, false
	if err == nil && r.Method != http.MethodGet {
		failAfter, drop = s.commitFault(r, name, now)
	}
	s.mu.Unlock()
	switch {
	case drop:
		fault.Drop(w)
	case failAfter:
		writeError(w, http.StatusInternalServerError, "An error has occurred.")
	case err != nil:
		var he *httpError
		if errors.As(err, &he) {
			writeError(w, he.code, "%s", he.msg)
		} else {
			writeError(w, http.StatusInternalServerError, "%v", err)
		}
	case b == nil:
		w.WriteHeader(rep.code)
	default:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.WriteHeader(rep.code)
		w.Write(b)
	}
}

// Paging (§3.2): limit 1..250 (default 50), page from 1 (default 1).
const (
	DefaultLimit = 50
	MaxLimit     = 250
)

func page[T any](q *req, items []T) ([]T, error) {
	limit, pg := DefaultLimit, 1
	if v := q.get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxLimit {
			return nil, errf(http.StatusBadRequest, "limit: %q must be a whole number from 1 to %d", v, MaxLimit)
		}
		limit = n
	}
	if v := q.get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, errf(http.StatusBadRequest, "page: %q must be a whole number ≥ 1", v)
		}
		pg = n
	}
	lo := min(len(items), (pg-1)*limit)
	hi := min(len(items), lo+limit)
	out := items[lo:hi]
	if out == nil {
		out = []T{}
	}
	return out, nil
}

// modifiedAfter reads the modifiedAfter filter; zero means none. Records
// match when their time is at or after it.
func modifiedAfter(q *req) (time.Time, error) {
	v := q.get("modifiedAfter")
	if v == "" {
		return time.Time{}, nil
	}
	t, err := parseTime(v)
	if err != nil {
		return t, errf(http.StatusBadRequest, "modifiedAfter: %v", err)
	}
	return t, nil
}

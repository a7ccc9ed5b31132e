package mycashflow

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ferryhub/ferry/internal/sandbox/fault"
)

// Options configure a Server. The zero value is a usable demo shop.
type Options struct {
	Store  string // store name, used in document URLs; default "demo"
	User   string // API user e-mail, default "api@demo.example"
	APIKey string // default "demo-key"
	Seed   int64  // data generator seed, default 1
	// Products, Customers and Orders are the generated counts; defaults 40, 30 and
	// 60; 0 keeps the default, negative means none.
	Products, Customers, Orders int
	Faults                      fault.Config // initial fault injection
	// APIDisabled means the "API" extension is not installed: every /api call
	// answers 403 in the error shape (doc.go).
	APIDisabled bool
	// CommitFaults make writes take effect and then answer 500 or drop the
	// connection (commitfault.go); settable at run time with SetCommitFaults.
	CommitFaults CommitFaults
	// PageChurn touches records between list reads, so page-number paging
	// skips records (churn.go); settable at run time with SetPageChurn.
	PageChurn PageChurn
	Now       func() time.Time // clock; default time.Now
}

// Validate reports options New cannot honour well: a store name that is not a
// host label, a user that is not an e-mail, fault rates out of range, or counts
// above 1,000,000. New itself never fails; callers such as `ferry sandbox` check
// user input with Validate first.
func (o Options) Validate() error {
	for _, r := range o.Store {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return fmt.Errorf("mycashflow sandbox: store %q: use lower-case letters, digits and '-'", o.Store)
		}
	}
	if o.User != "" && !strings.Contains(o.User, "@") {
		return fmt.Errorf("mycashflow sandbox: user %q is not an e-mail address", o.User)
	}
	for name, n := range map[string]int{"products": o.Products, "customers": o.Customers, "orders": o.Orders} {
		if n > 1_000_000 {
			return fmt.Errorf("mycashflow sandbox: %d %s is more than 1,000,000", n, name)
		}
	}
	fc := o.Faults
	if fc.ErrorRate < 0 || fc.DropRate < 0 || fc.RateLimitRate < 0 || fc.ErrorRate+fc.DropRate+fc.RateLimitRate > 1 {
		return fmt.Errorf("mycashflow sandbox: fault rates must be ≥ 0 and add up to at most 1")
	}
	if err := o.CommitFaults.check(); err != nil {
		return fmt.Errorf("mycashflow sandbox: %w", err)
	}
	if err := o.PageChurn.check(); err != nil {
		return fmt.Errorf("mycashflow sandbox: %w", err)
	}
	return nil
}

func (o *Options) defaults() {
	if o.Store == "" {
		o.Store = "demo"
	}
	if o.User == "" {
		o.User = "api@demo.example"
	}
	if o.APIKey == "" {
		o.APIKey = "demo-key"
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	o.Products = count(o.Products, 40)
	o.Customers = count(o.Customers, 30)
	o.Orders = count(o.Orders, 60)
	if o.Now == nil {
		o.Now = time.Now
	}
}

func count(n, def int) int {
	switch {
	case n == 0:
		return def
	case n < 0:
		return 0
	}
	return n
}

// Server is a fake MyCashflow shop served over HTTP.
type Server struct {
	opts   Options
	faults *fault.Injector

	mu    sync.Mutex
	st    *state
	calls map[string]int // "GET /orders/{id}" → count
	rng   *genRand       // random source of the order stream, guarded by mu

	hooks     sync.WaitGroup // webhook deliveries in flight
	hookMu    sync.Mutex
	hookLog   []WebhookDelivery
	hookRetry time.Duration

	// dropWrites is how many more successful writes (non-GET API calls) take
	// effect and then lose their connection; guarded by mu.
	dropWrites int

	// Commit-then-fail settings, their random source and log; guarded by mu.
	commit    CommitFaults
	commitRng *rand.Rand
	commitLog []CommitFailure
	churn     churnState // guarded by mu

	handler http.Handler
}

// New builds a shop filled by the deterministic generator.
func New(opts Options) *Server {
	opts.defaults()
	s := &Server{
		opts:      opts,
		faults:    fault.New(opts.Faults),
		st:        newState(),
		calls:     map[string]int{},
		hookRetry: 200 * time.Millisecond,
	}
	s.rng = generate(s.st, opts)
	s.setCommitFaults(opts.CommitFaults)
	s.setPageChurn(opts.PageChurn)
	s.faults.Exempt(func(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/_sandbox/") })
	mux := http.NewServeMux()
	mux.Handle("/_sandbox/faults", s.faults.Handler())
	mux.HandleFunc("/_sandbox/", s.serveAdmin)
	mux.Handle("/api/", s.faults.Wrap(http.HandlerFunc(s.serveAPI)))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such path %s; the API lives under /api/v1", r.URL.Path)
	})
	s.handler = mux
	return s
}

// Handler serves /api/v1/..., /api/v0/... and /_sandbox/....
func (s *Server) Handler() http.Handler { return s.handler }

// Faults returns the fault injector in front of the API.
func (s *Server) Faults() *fault.Injector { return s.faults }

// Serve serves on ln until ctx ends, then shuts down gracefully (5 s at most) and
// waits for webhook deliveries in flight.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("mycashflow sandbox: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	<-errc
	s.hooks.Wait()
	if err != nil {
		return fmt.Errorf("mycashflow sandbox: shutdown: %w", err)
	}
	return nil
}

// apiError is the error body (§1.3): {"code","error","message"}.
type apiError struct {
	Code    int    `json:"code"`
	Error   string `json:"error"`
	Message string `json:"message"`
}

func writeError(w http.ResponseWriter, code int, format string, args ...any) {
	writeJSON(w, code, apiError{Code: code, Error: http.StatusText(code), Message: fmt.Sprintf(format, args...)})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		code = http.StatusInternalServerError
		b, _ = json.Marshal(apiError{Code: code, Error: http.StatusText(code), Message: "encode response: " + err.Error()})
	}
	w.Header().Set("Content-Type", "application/json")
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

func notFound(kind string, id any) error {
	return errf(http.StatusNotFound, "%s %v not found", kind, id)
}

// req is one API request after routing.
type req struct {
	r      *http.Request
	params map[string]string
	q      url.Values
	body   []byte
	now    time.Time
	base   string // "/api/v1"
}

func (q *req) id(name string) (int, error) {
	v := q.params[name]
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, errf(http.StatusNotFound, "%s %q is not a valid id", name, v)
	}
	return n, nil
}

// reply is what a handler answers: a status and a body, or no body for 204.
type reply struct {
	code int
	body any
}

func ok(data any) reply {
	return reply{code: http.StatusOK, body: envelope{Data: data, Meta: struct{}{}}}
}

func created(data any) reply {
	return reply{code: http.StatusCreated, body: envelope{Data: data, Meta: struct{}{}}}
}

type envelope struct {
	Data any `json:"data"`
	Meta any `json:"meta"`
}

type listMeta struct {
	Page      int    `json:"page"`
	PageSize  int    `json:"page_size"`
	PageCount int    `json:"page_count"`
	ItemCount int    `json:"item_count"`
	Next      string `json:"next,omitempty"`
}

type handlerFunc func(s *Server, q *req) (reply, error)

type route struct {
	method  string
	pattern string   // "/orders/{id}"
	parts   []string // split pattern
	h       handlerFunc
}

var routes []route

func handle(method, pattern string, h handlerFunc) {
	routes = append(routes, route{method: method, pattern: pattern, parts: strings.Split(strings.Trim(pattern, "/"), "/"), h: h})
}

func match(parts []string, path []string) (map[string]string, bool) {
	if len(parts) != len(path) {
		return nil, false
	}
	var params map[string]string
	for i, p := range parts {
		if strings.HasPrefix(p, "{") {
			if params == nil {
				params = map[string]string{}
			}
			params[p[1:len(p)-1]] = path[i]
			continue
		}
		if p != path[i] {
			return nil, false
		}
	}
	return params, true
}

// maxBody caps request bodies (1 MiB) so a runaway client cannot exhaust memory.
const maxBody = 1 << 20

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	if s.opts.APIDisabled {
		writeError(w, http.StatusForbidden, "the API extension is not installed in store %s", s.opts.Store)
		return
	}
	user, key, hasAuth := r.BasicAuth()
	if !hasAuth || subtle.ConstantTimeCompare([]byte(user), []byte(s.opts.User)) != 1 ||
		subtle.ConstantTimeCompare([]byte(key), []byte(s.opts.APIKey)) != 1 {
		w.Header().Set("WWW-Authenticate", `Basic realm="MyCashflow API"`)
		writeError(w, http.StatusUnauthorized, "invalid API credentials: use HTTP Basic with the API user's e-mail and API key")
		return
	}
	p := r.URL.Path
	if len(p) > 1 && strings.HasSuffix(p, "/") {
		writeError(w, http.StatusNotFound, "path %s ends in a slash; remove the trailing slash", p)
		return
	}
	rest, ok := strings.CutPrefix(p, "/api/")
	ver, sub, _ := strings.Cut(rest, "/")
	if !ok || (ver != "v1" && ver != "v0") || sub == "" {
		writeError(w, http.StatusNotFound, "no such API path %s; use /api/v1/<resource>", p)
		return
	}
	segs := strings.Split(sub, "/")
	var allowed []string
	for _, rt := range routes {
		params, ok := match(rt.parts, segs)
		if !ok {
			continue
		}
		if rt.method != r.Method {
			allowed = append(allowed, rt.method)
			continue
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
		q := &req{r: r, params: params, q: r.URL.Query(), body: body, base: "/api/" + ver}
		s.mu.Lock()
		s.calls[r.Method+" "+rt.pattern]++
		q.now = s.opts.Now()
		rep, err := rt.h(s, q)
		var b []byte
		if err == nil && rep.body != nil {
			b, err = json.Marshal(rep.body)
		}
		drop := false
		if err == nil && r.Method != http.MethodGet && s.dropWrites > 0 {
			s.dropWrites--
			drop = true
		}
		failAfter := false
		if err == nil && !drop && r.Method != http.MethodGet {
			failAfter, drop = s.commitFault(r, r.Method+" "+rt.pattern, q.now)
		}
		s.mu.Unlock()
		if drop {
			fault.Drop(w)
			return
		}
		if failAfter {
			writeCommitFailure(w)
			return
		}
		if err != nil {
			var he *httpError
			if errors.As(err, &he) {
				writeError(w, he.code, "%s", he.msg)
			} else {
				writeError(w, http.StatusInternalServerError, "%v", err)
			}
			return
		}
		if rep.body == nil {
			w.WriteHeader(rep.code)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.WriteHeader(rep.code)
		w.Write(b)
		return
	}
	if len(allowed) > 0 {
		sort.Strings(allowed)
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeError(w, http.StatusMethodNotAllowed, "method %s is not allowed on %s; allowed: %s", r.Method, p, strings.Join(allowed, ", "))
		return
	}
	writeError(w, http.StatusNotFound, "no such API path %s", p)
}

// DefaultPageSize is the page size when a list call has no page_size.
const DefaultPageSize = 50

// MaxPageSize is the largest page_size accepted.
const MaxPageSize = 10000

// paginate slices items into the requested page and builds meta, with next set to
// the absolute URL of the next page while one exists.
func paginate[T any](q *req, items []T) ([]T, listMeta, error) {
	page, size := 1, DefaultPageSize
	if v := q.q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, listMeta{}, errf(http.StatusBadRequest, "query parameter page: %q is not a page number ≥ 1", v)
		}
		page = n
	}
	if v := q.q.Get("page_size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxPageSize {
			return nil, listMeta{}, errf(http.StatusBadRequest, "query parameter page_size: %q must be a whole number from 1 to %d", v, MaxPageSize)
		}
		size = n
	}
	m := listMeta{Page: page, PageSize: size, ItemCount: len(items), PageCount: (len(items) + size - 1) / size}
	lo := (page - 1) * size
	if lo > len(items) {
		lo = len(items)
	}
	hi := min(lo+size, len(items))
	if page < m.PageCount {
		nq := url.Values{}
		for k, v := range q.q {
			nq[k] = v
		}
		nq.Set("page", strconv.Itoa(page+1))
		nq.Set("page_size", strconv.Itoa(size))
		scheme := "http"
		if q.r.TLS != nil {
			scheme = "https"
		}
		m.Next = scheme + "://" + q.r.Host + q.r.URL.Path + "?" + nq.Encode()
	}
	return items[lo:hi], m, nil
}

func list[T any](q *req, items []T) (reply, error) {
	pageItems, m, err := paginate(q, items)
	if err != nil {
		return reply{}, err
	}
	if pageItems == nil {
		pageItems = []T{}
	}
	return reply{code: http.StatusOK, body: envelope{Data: pageItems, Meta: m}}, nil
}

// sortSpec reads sort=<field>-asc|desc among the allowed fields; default id-asc.
func sortSpec(q *req, allowed ...string) (field string, desc bool, err error) {
	v := q.q.Get("sort")
	if v == "" {
		return "id", false, nil
	}
	i := strings.LastIndexByte(v, '-')
	if i > 0 {
		field = v[:i]
		switch v[i+1:] {
		case "asc":
		case "desc":
			desc = true
		default:
			field = ""
		}
	}
	for _, a := range append([]string{"id"}, allowed...) {
		if field == a {
			return field, desc, nil
		}
	}
	return "", false, errf(http.StatusBadRequest, "query parameter sort: %q is not supported; use one of %s with -asc or -desc",
		v, strings.Join(append([]string{"id"}, allowed...), ", "))
}

// sortByID orders records by id (they are already ascending) or reversed.
func reverse[T any](items []T) {
	for i, j := 0, len(items)-1; i < j; i, j = i+1, j-1 {
		items[i], items[j] = items[j], items[i]
	}
}

// timeRange reads <name>-from and <name>-to.
func timeRange(q *req, name string) (from, to time.Time, err error) {
	if v := q.q.Get(name + "-from"); v != "" {
		if from, err = parseTime(v); err != nil {
			return from, to, errf(http.StatusBadRequest, "query parameter %s-from: %v", name, err)
		}
	}
	if v := q.q.Get(name + "-to"); v != "" {
		if to, err = parseTime(v); err != nil {
			return from, to, errf(http.StatusBadRequest, "query parameter %s-to: %v", name, err)
		}
	}
	return from, to, nil
}

// inRange reports whether t is within [from, to]; a zero t (null) never is when
// a bound is set.
func inRange(t jtime, from, to time.Time) bool {
	if from.IsZero() && to.IsZero() {
		return true
	}
	if t.IsZero() {
		return false
	}
	if !from.IsZero() && t.Before(from) {
		return false
	}
	if !to.IsZero() && t.After(to) {
		return false
	}
	return true
}

// expandSet reads expand=<comma list> and rejects names not in allowed.
func expandSet(q *req, allowed ...string) (map[string]bool, error) {
	out := map[string]bool{}
	v := q.q.Get("expand")
	if v == "" {
		return out, nil
	}
	for _, e := range strings.Split(v, ",") {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		okName := false
		for _, a := range allowed {
			if a == e {
				okName = true
				break
			}
		}
		if !okName {
			return nil, errf(http.StatusBadRequest, "query parameter expand: %q cannot be expanded here; expandable: %s", e, strings.Join(allowed, ", "))
		}
		out[e] = true
	}
	return out, nil
}

func (q *req) object() (*fields, error) {
	m, err := decodeObject(q.body)
	if err != nil {
		return nil, errf(http.StatusBadRequest, "%v", err)
	}
	return newFields(m, ""), nil
}

// invalid turns a field error into a 422.
func invalid(err error) error {
	if err == nil {
		return nil
	}
	return errf(http.StatusUnprocessableEntity, "%v", err)
}

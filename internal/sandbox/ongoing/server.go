package ongoing

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ferryhub/ferry/internal/sandbox/fault"
)

// Options configure a Server. The zero value is a usable demo warehouse.
type Options struct {
	Warehouse      string // instance name, the first path segment; default "demo"
	GoodsOwnerID   int    // the tenant; default 42
	GoodsOwnerName string // default "Demo Oy"
	User           string // Basic auth user; default "ferry"
	Password       string // default "demo-password"
	WarehouseID    int    // the one warehouse's id in inventoryPerWarehouse; default 1
	Seed           int64  // data generator seed, default 1
	// Articles is the number of generated articles; default 30, 0 keeps the
	// default, negative means none.
	Articles int
	// ReceiveNew is the stock the warehouse books in for an article when it is
	// created (as if its goods arrived with it); default 0, none.
	ReceiveNew float64
	Faults     fault.Config // initial fault injection
	// CommitThenFail makes writes take effect and then answer 500 or drop the
	// connection (commitfault.go); settable at run time.
	CommitThenFail CommitThenFail
	// StepEvery is how often the warehouse simulation moves every order one
	// status step (warehouse.go) while Serve runs; 0 means never (tests advance
	// by hand through Advance or POST /_sandbox/advance).
	StepEvery time.Duration
	// ServeOverlaps serves requests that overlap another request of the same
	// goods owner instead of refusing them with 429; they are counted either way.
	ServeOverlaps bool
	// Webhooks are the order webhooks configured in Ongoing's UI (webhooks.go);
	// settable at run time with SetWebhooks or PUT /_sandbox/webhooks.
	Webhooks []Webhook
	// WebhookRetryScale is how long one minute of the retry schedule lasts;
	// default a minute (tests use e.g. 10ms).
	WebhookRetryScale time.Duration
	Now               func() time.Time // clock; default time.Now
}

// Validate reports options New cannot honour well. New itself never fails;
// `ferry sandbox ongoing` checks user input with Validate first.
func (o Options) Validate() error {
	if o.Warehouse != "" && !warehouseName.MatchString(o.Warehouse) {
		return fmt.Errorf("ongoing sandbox: warehouse %q: use letters, digits, '-' and '_'", o.Warehouse)
	}
	if o.GoodsOwnerID < 0 || o.WarehouseID < 0 {
		return fmt.Errorf("ongoing sandbox: goods owner id and warehouse id must be positive")
	}
	if strings.Contains(o.User, ":") {
		return fmt.Errorf("ongoing sandbox: user %q must not contain ':' (HTTP Basic)", o.User)
	}
	if o.Articles > 1_000_000 {
		return fmt.Errorf("ongoing sandbox: %d articles is more than 1,000,000", o.Articles)
	}
	if o.StepEvery < 0 {
		return fmt.Errorf("ongoing sandbox: step interval must not be negative")
	}
	fc := o.Faults
	if fc.ErrorRate < 0 || fc.DropRate < 0 || fc.RateLimitRate < 0 || fc.ErrorRate+fc.DropRate+fc.RateLimitRate > 1 {
		return fmt.Errorf("ongoing sandbox: fault rates must be ≥ 0 and add up to at most 1")
	}
	if err := o.CommitThenFail.check(); err != nil {
		return fmt.Errorf("ongoing sandbox: %w", err)
	}
	if o.WebhookRetryScale < 0 {
		return fmt.Errorf("ongoing sandbox: webhook retry scale must not be negative")
	}
	if _, err := normalizeWebhooks(o.Webhooks, o.GoodsOwnerID); err != nil {
		return fmt.Errorf("ongoing sandbox: %w", err)
	}
	return nil
}

var warehouseName = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func (o *Options) defaults() {
	if o.Warehouse == "" {
		o.Warehouse = "demo"
	}
	if o.GoodsOwnerID == 0 {
		o.GoodsOwnerID = 42
	}
	if o.GoodsOwnerName == "" {
		o.GoodsOwnerName = "Demo Oy"
	}
	if o.User == "" {
		o.User = "ferry"
	}
	if o.Password == "" {
		o.Password = "demo-password"
	}
	if o.WarehouseID == 0 {
		o.WarehouseID = 1
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	switch {
	case o.Articles == 0:
		o.Articles = 30
	case o.Articles < 0:
		o.Articles = 0
	}
	if o.WebhookRetryScale <= 0 {
		o.WebhookRetryScale = time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Server is a fake Ongoing WMS instance with one goods owner, served over HTTP.
type Server struct {
	opts   Options
	faults *fault.Injector

	mu sync.Mutex // guards everything below and the state
	st *state
	// requests counts API requests; inFlight the running ones per goods owner;
	// overlaps the requests that arrived while another of the same goods owner ran.
	requests int64
	inFlight map[int]int
	overlaps int64
	// commit-then-fail settings, their random source and log
	commit    CommitThenFail
	commitRng *rand.Rand
	commitLog []CommitFailure
	// actor is who makes the current change (byUser in webhooks).
	actor actor

	hooks   *hookSet
	handler http.Handler
}

// New builds a warehouse filled by the deterministic generator. Webhooks that
// Validate refuses are left out. Close stops webhook delivery.
func New(opts Options) *Server {
	opts.defaults()
	s := &Server{opts: opts, faults: fault.New(opts.Faults), st: newState(), inFlight: map[int]int{},
		hooks: newHookSet(opts.WebhookRetryScale)}
	generate(s.st, opts)
	var hooks []Webhook
	for i, w := range opts.Webhooks {
		if n, err := w.normalize(i, opts.GoodsOwnerID); err == nil {
			hooks = append(hooks, n)
		}
	}
	s.opts.Webhooks = hooks
	s.hooks.configure(hooks)
	s.setCommitThenFail(opts.CommitThenFail)
	mux := http.NewServeMux()
	mux.Handle("/_sandbox/faults", s.faults.Handler())
	mux.HandleFunc("/_sandbox/", s.serveControl)
	mux.HandleFunc("/", s.serveAPI)
	s.handler = mux
	return s
}

// Handler serves /{warehouse}/api/v1/... and /_sandbox/....
func (s *Server) Handler() http.Handler { return s.handler }

// Faults returns the fault injector in front of the API.
func (s *Server) Faults() *fault.Injector { return s.faults }

// Options returns the options in effect, defaults filled in.
func (s *Server) Options() Options { return s.opts }

// BasePath is the API's path prefix, "/{warehouse}/api/v1".
func (s *Server) BasePath() string { return "/" + s.opts.Warehouse + "/api/v1" }

// Serve serves on ln until ctx ends, runs the warehouse simulation when
// StepEvery is set, then shuts down gracefully (5 s at most) and closes (Close).
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	simCtx, stopSim := context.WithCancel(ctx)
	defer stopSim()
	if s.opts.StepEvery > 0 {
		go s.RunWarehouse(simCtx, s.opts.StepEvery)
	}
	select {
	case err := <-errc:
		return fmt.Errorf("ongoing sandbox: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	<-errc
	stopSim()
	s.Close()
	if err != nil {
		return fmt.Errorf("ongoing sandbox: shutdown: %w", err)
	}
	return nil
}

// writeJSON answers v as JSON with Content-Length.
func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		code = http.StatusInternalServerError
		b, _ = json.Marshal(errBody{Message: "An error has occurred."})
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(code)
	w.Write(b)
}

func writeErr(w http.ResponseWriter, e *apiErr) { writeJSON(w, e.code, e.body()) }

// req is one API request after routing.
type req struct {
	r      *http.Request
	params map[string]string
	q      query
	body   []byte
	now    time.Time
}

func (q *req) id(name string) int {
	n, _ := strconv.Atoi(q.params[name])
	return n
}

// reply is a handler's answer.
type reply struct {
	code int
	body any
}

type handlerFunc func(s *Server, q *req) (reply, *apiErr)

type route struct {
	method, pattern string
	parts           []string
	h               handlerFunc
}

var routes []route

// handle registers a route. Literal segments match case-insensitively, as ASP.NET
// routes do; {name} matches an integer.
func handle(method, pattern string, h handlerFunc) {
	routes = append(routes, route{method: method, pattern: pattern, parts: strings.Split(strings.Trim(pattern, "/"), "/"), h: h})
}

func (rt route) match(segs []string) (map[string]string, bool) {
	if len(rt.parts) != len(segs) {
		return nil, false
	}
	params := map[string]string{}
	for i, p := range rt.parts {
		if strings.HasPrefix(p, "{") {
			if _, err := strconv.Atoi(segs[i]); err != nil {
				return nil, false
			}
			params[p[1:len(p)-1]] = segs[i]
			continue
		}
		if !strings.EqualFold(p, segs[i]) {
			return nil, false
		}
	}
	return params, true
}

// maxBody caps request bodies (4 MiB).
const maxBody = 4 << 20

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	prefix := "/" + s.opts.Warehouse + "/api/v1/"
	if len(r.URL.Path) < len(prefix) || !strings.EqualFold(r.URL.Path[:len(prefix)], prefix) {
		// Another instance name is another IIS application: a plain 404 page.
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, "<html><body><h1>404 Not Found</h1><p>The API of this sandbox lives under %s</p></body></html>", prefix)
		return
	}
	s.mu.Lock()
	s.requests++
	s.mu.Unlock()
	if !s.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="`+s.opts.Warehouse+`"`)
		writeErr(w, errf(http.StatusUnauthorized, "Authorization has been denied for this request."))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		writeErr(w, errf(http.StatusBadRequest, "The request body could not be read."))
		return
	}
	if len(body) > maxBody {
		writeErr(w, errf(http.StatusRequestEntityTooLarge, "The request body is larger than %d bytes.", maxBody))
		return
	}
	owner := s.requestOwner(r, body)
	if !s.enter(owner) {
		w.Header().Set("Retry-After", "1")
		writeErr(w, errf(http.StatusTooManyRequests, "Parallel requests for goods owner %d are not allowed. Wait for the running request to finish and try again.", owner))
		return
	}
	// The owner is free again once the answer is decided (route), before it is
	// written or the connection dropped, or the client's next call would race
	// the handler's return.
	release := sync.OnceFunc(func() { s.leave(owner) })
	defer release()
	// A connection the fault injector drops ends the request at once, too.
	w = releasingWriter{w, release}
	s.faults.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.route(w, r, strings.Split(strings.Trim(r.URL.Path[len(prefix):], "/"), "/"), body, release)
	})).ServeHTTP(w, r)
}

func (s *Server) route(w http.ResponseWriter, r *http.Request, segs []string, body []byte, release func()) {
	var allowed []string
	for _, rt := range routes {
		params, ok := rt.match(segs)
		if !ok {
			continue
		}
		if rt.method != r.Method {
			allowed = append(allowed, rt.method)
			continue
		}
		q := &req{r: r, params: params, q: newQuery(r.URL.Query()), body: body}
		s.mu.Lock()
		q.now = s.opts.Now()
		s.actor = byAPI
		rep, aerr := rt.h(s, q)
		s.actor = byWarehouse
		failAfter, drop := false, false
		if aerr == nil && r.Method != http.MethodGet {
			failAfter, drop = s.commitFault(r, rt.method+" "+rt.pattern, q.now)
		}
		s.mu.Unlock()
		// The request is over for the warehouse once its answer is decided: a
		// large answer reaches the client before the handler returns, and the
		// client's next call must not count as overlapping this one.
		release()
		switch {
		case drop:
			fault.Drop(w)
		case failAfter:
			writeErr(w, errf(http.StatusInternalServerError, "An error has occurred."))
		case aerr != nil:
			writeErr(w, aerr)
		default:
			writeJSON(w, rep.code, rep.body)
		}
		return
	}
	if len(allowed) > 0 {
		sort.Strings(allowed)
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeErr(w, errf(http.StatusMethodNotAllowed, "The requested resource does not support http method '%s'.", r.Method))
		return
	}
	writeErr(w, errf(http.StatusNotFound, "No HTTP resource was found that matches the request URI '%s'.", r.URL.String()))
}

// query reads query parameters by case-insensitive name, as ASP.NET binds them.
type query map[string][]string

func newQuery(v url.Values) query {
	q := query{}
	for k, vs := range v {
		k = strings.ToLower(strings.TrimSuffix(k, "[]"))
		q[k] = append(q[k], vs...)
	}
	return q
}

func (q query) get(name string) string {
	if vs := q[strings.ToLower(name)]; len(vs) > 0 {
		return strings.TrimSpace(vs[0])
	}
	return ""
}

// list returns every value of a repeated parameter; comma lists are split too.
func (q query) list(name string) []string {
	var out []string
	for _, v := range q[strings.ToLower(name)] {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func (q query) int(name string) (int, bool, *apiErr) {
	v := q.get(name)
	if v == "" {
		return 0, false, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, false, invalid(map[string][]string{name: {fmt.Sprintf("The value '%s' is not valid for %s.", truncate(v, 40), name)}})
	}
	return n, true, nil
}

func (q query) time(name string) (time.Time, *apiErr) {
	v := q.get(name)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := parseFilterTime(v)
	if err != nil {
		return time.Time{}, invalid(map[string][]string{name: {err.Error()}})
	}
	return t, nil
}

func (q query) bool(name string) (bool, *apiErr) {
	v := q.get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, invalid(map[string][]string{name: {fmt.Sprintf("The value '%s' is not valid for %s.", truncate(v, 40), name)}})
	}
	return b, nil
}

// page reads the IdFrom/maxToGet cursor pair (§2.2): ids ≥ from, at most max
// (0 = no limit).
func (q query) page(fromName, maxName string) (from, max int, e *apiErr) {
	from, _, e = q.int(fromName)
	if e != nil {
		return
	}
	max, set, e := q.int(maxName)
	if e != nil {
		return
	}
	if set && max < 1 {
		return 0, 0, invalid(map[string][]string{maxName: {maxName + " must be at least 1."}})
	}
	return from, max, nil
}

// releasingWriter frees the goods owner before the connection is hijacked (a
// dropped connection): the client sees the drop at once and may call again.
type releasingWriter struct {
	http.ResponseWriter
	release func()
}

func (w releasingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.release()
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

func (w releasingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

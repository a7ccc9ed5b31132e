package clientify

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Europe/Madrid on machines without a zoneinfo database

	"github.com/ferryhub/ferry/internal/sandbox/fault"
)

// user is a Clientify user: the API key's, or the CRM user who edits by hand.
type user struct {
	id                         int
	username, first, last, pic string
	channel                    string // a created contact's channel
}

func (u *user) fullName() string { return strings.TrimSpace(u.first + " " + u.last) }

// Server is a fake Clientify account served over HTTP.
type Server struct {
	opts     Options
	loc      *time.Location
	faults   *fault.Injector
	throttle *throttle
	api, crm *user

	mu         sync.Mutex // guards everything below
	recs       map[string]map[int]*rec
	deleted    map[string][]int
	next       map[string]int
	seq        int // ids of nested items (emails, phones …) and custom values
	cfDefs     []*cfDef
	pipelines  []*pipeline
	stages     []*stage
	apiWrites  map[string]*WriteCount
	userWrites map[string]*WriteCount
	requests   int64
	origin     string // scheme://host of the latest request, for webhook bodies
	outbox     []event
	commit     CommitThenFail
	commitRng  *rand.Rand
	commitLog  []CommitFailure

	hooks   *hookSet
	handler http.Handler
}

// New builds an account filled with opts.Data or generated records. Webhook
// slots that Validate refuses are left out. Close stops webhook delivery.
func New(opts Options) *Server {
	opts.defaults()
	loc, err := time.LoadLocation(opts.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	s := &Server{opts: opts, loc: loc, faults: fault.New(opts.Faults), throttle: newThrottle(opts.RateLimit),
		recs: map[string]map[int]*rec{}, deleted: map[string][]int{}, next: map[string]int{},
		apiWrites: map[string]*WriteCount{}, userWrites: map[string]*WriteCount{}, seq: 900000000}
	s.api = &user{id: opts.UserID, username: opts.Username, first: "API", last: "Ferry", channel: "integrations-api"}
	s.crm = &user{id: opts.UserID + 1, username: "comercial@ferry-sandbox.example", first: "Lucía", last: "Comercial", channel: "manual"}
	s.origin = opts.PublicURL
	if s.origin == "" {
		s.origin = "http://127.0.0.1" // until a request (or Serve) tells the host
	}
	for _, res := range resources {
		s.recs[res.name] = map[int]*rec{}
		s.next[res.name] = res.startID
		s.apiWrites[res.name] = &WriteCount{}
		s.userWrites[res.name] = &WriteCount{}
	}
	s.setPipelines(opts.Pipelines)
	s.setCommitThenFail(opts.CommitThenFail)
	slots, _ := slotsFor(opts.Webhooks, opts.defaultToken())
	s.hooks = newHookSet(s, slots, opts.WebhookFaults, uint64(opts.Seed))
	data := opts.Data
	if data == nil {
		data = Generate(opts.Companies, opts.Contacts, opts.Products, opts.Seed)
	}
	s.load(data)
	mux := http.NewServeMux()
	mux.Handle("/_sandbox/faults", s.faults.Handler())
	mux.HandleFunc("/_sandbox/", s.serveControl)
	mux.Handle("/", s.faults.Wrap(http.HandlerFunc(s.serveAPI)))
	s.handler = mux
	return s
}

// Handler serves /v1/…, /v2/…, /api/… (v2's hyperlinks) and /_sandbox/….
func (s *Server) Handler() http.Handler { return s.handler }

// Faults returns the fault injector in front of the API.
func (s *Server) Faults() *fault.Injector { return s.faults }

// Options returns the options in effect, defaults filled in.
func (s *Server) Options() Options { return s.opts }

// APIKey is the key to send as Authorization: Token KEY.
func (s *Server) APIKey() string { return s.opts.APIKey }

// Serve serves on ln until ctx ends, then shuts down (5 s at most) and closes.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if s.opts.PublicURL == "" {
		s.mu.Lock()
		s.origin = "http://" + ln.Addr().String()
		s.mu.Unlock()
	}
	srv := &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		s.Close()
		return fmt.Errorf("clientify sandbox: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	<-errc
	s.Close()
	if err != nil {
		return fmt.Errorf("clientify sandbox: shutdown: %w", err)
	}
	return nil
}

// Close stops webhook delivery and waits for it; deliveries still waiting
// for a retry are abandoned.
func (s *Server) Close() { s.hooks.close() }

// now is the clock truncated to microseconds, as PostgreSQL stores it.
func (s *Server) now() time.Time { return s.opts.Now().Truncate(time.Microsecond) }

// call is one API request after routing.
type call struct {
	r      *http.Request
	ver    string // "v1" or "v2"
	prefix string // "/v1", "/v2" or "/api"
	params []string
	q      url.Values
	body   any
	now    time.Time
	actor  *user
	origin string
}

// view is how this call renders records; fields= selects fields.
func (c *call) view(s *Server) *view {
	v := &view{base: c.origin + "/v1", loc: s.loc}
	if c.ver == "v2" {
		v.base = c.origin + "/api"
	}
	if f := strings.TrimSpace(c.q.Get("fields")); f != "" {
		v.sel = map[string]bool{}
		for _, n := range strings.Split(f, ",") {
			if n = strings.TrimSpace(n); n != "" {
				v.sel[n] = true
			}
		}
	}
	return v
}

func (c *call) id(i int) (int, bool) {
	if i >= len(c.params) {
		return 0, false
	}
	n, ok := asInt(c.params[i])
	return n, ok && n > 0
}

// bodyMap is the body as an object, or DRF's non_field_errors.
func (c *call) bodyMap() (map[string]any, *apiErr) {
	m, ok := c.body.(map[string]any)
	if !ok {
		return nil, invalid(errMap{"non_field_errors": []string{fmt.Sprintf("Invalid data. Expected a dictionary, but got %s.", pyType(c.body))}})
	}
	return m, nil
}

func (s *Server) requestOrigin(r *http.Request) string {
	if s.opts.PublicURL != "" {
		return s.opts.PublicURL
	}
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func splitPrefix(path string) (prefix, ver, rest string) {
	for _, p := range []struct{ prefix, ver string }{{"/v1", "v1"}, {"/v2", "v2"}, {"/api", "v2"}} {
		if path == p.prefix || strings.HasPrefix(path, p.prefix+"/") {
			return p.prefix, p.ver, path[len(p.prefix):]
		}
	}
	return "", "", ""
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	prefix, ver, rest := splitPrefix(r.URL.Path)
	if prefix == "" {
		writeErr(w, htmlNotFound())
		return
	}
	rt, params := matchRoute(strings.Trim(rest, "/"))
	if rt == nil {
		writeErr(w, htmlNotFound())
		return
	}
	if !strings.HasSuffix(r.URL.Path, "/") {
		// Django's APPEND_SLASH (CommonMiddleware): a permanent redirect, for
		// every method; a client that follows it with POST arrives as GET.
		loc := r.URL.Path + "/"
		if r.URL.RawQuery != "" {
			loc += "?" + r.URL.RawQuery
		}
		w.Header().Set("Location", loc)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusMovedPermanently)
		return
	}
	s.mu.Lock()
	s.requests++
	s.mu.Unlock()
	c := &call{r: r, ver: ver, prefix: prefix, params: params, q: r.URL.Query(), actor: s.api, origin: s.requestOrigin(r)}
	if !rt.noAuth {
		key, e := s.authenticate(r)
		if e != nil {
			writeErr(w, e)
			return
		}
		if wait, ok := s.throttle.allow(key, time.Now()); !ok {
			writeErr(w, throttled(wait))
			return
		}
	}
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	allow := rt.allow()
	w.Header().Set("Allow", allow)
	if method == http.MethodOptions {
		writeJSON(w, http.StatusOK, obj{{"name", rt.name}, {"description", ""}, {"renders", []string{"application/json"}},
			{"parses", []string{"application/json", "application/x-www-form-urlencoded", "multipart/form-data"}}})
		return
	}
	h := rt.methods[method]
	if h == nil {
		writeErr(w, methodNotAllowed(r.Method))
		return
	}
	if method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch {
		raw, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil || len(raw) > maxBody {
			writeErr(w, detail(http.StatusRequestEntityTooLarge, "Request body too large."))
			return
		}
		body, e := parseBody(r, raw)
		if e != nil {
			writeErr(w, e)
			return
		}
		c.body = body
	}
	s.mu.Lock()
	c.now = s.now()
	s.origin = c.origin
	code, out, e := h(s, c)
	failAfter, drop := false, false
	if e == nil && method != http.MethodGet && !rt.noAuth {
		failAfter, drop = s.commitFault(r, c.now)
	}
	events := s.takeOutbox()
	s.mu.Unlock()
	s.hooks.emit(events)
	switch {
	case drop:
		fault.Drop(w)
	case failAfter:
		writeErr(w, htmlServerError())
	case e != nil:
		writeErr(w, e)
	case code == http.StatusNoContent:
		w.WriteHeader(code)
	default:
		writeJSON(w, code, out)
	}
}

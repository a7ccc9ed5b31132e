package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pageNames are the templates that render a whole page with the layout.
var pageNames = []string{"login", "error", "overview", "instances", "orders", "sales", "reports", "processes", "products", "jobs", "job", "logs", "mappings", "settings", "configuration"}

var pages = func() map[string]*template.Template {
	out := map[string]*template.Template{}
	for _, name := range pageNames {
		out[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/pager.html", "templates/fields.html", "templates/"+name+".html"))
	}
	// The overview's live part is also served alone, for the page's polling.
	out["overview_live"] = out["overview"]
	return out
}()

var funcs = template.FuncMap{
	"ago": func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return humanDur(time.Since(t)) + " ago"
	},
	"until": func(t time.Time) string {
		if t.IsZero() {
			return "on demand"
		}
		d := time.Until(t)
		if d < 0 {
			return "due"
		}
		return "in " + humanDur(d)
	},
	"secs": func(s float64) string {
		if s <= 0 {
			return "—"
		}
		return humanDur(time.Duration(s * float64(time.Second)))
	},
	"when": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04:05Z")
	},
	"pretty": func(raw json.RawMessage) string {
		var buf bytes.Buffer
		if json.Indent(&buf, raw, "", "  ") != nil {
			return string(raw)
		}
		return buf.String()
	},
	"may":        func(p principal, role string) bool { return p.Role.Allows(store.Role(role)) },
	"chart":      func(hours []HourPoint, which string) template.HTML { return chartSVG(hours, which) },
	"salesChart": salesChart,
	"money":      func(d model.Decimal) string { return d.StringFixed(2) },
	"retryable": func(st jobs.State) bool {
		switch st {
		case jobs.StateParked, jobs.StateFailed, jobs.StateRetryable, jobs.StateCancelled:
			return true
		}
		return false
	},
	"cancellable": func(st jobs.State) bool {
		switch st {
		case jobs.StateAvailable, jobs.StateScheduled, jobs.StateRetryable, jobs.StateRunning, jobs.StatePending:
			return true
		}
		return false
	},
	"add": func(a, b int) int { return a + b },
	"has": func(list []string, v string) bool { return slices.Contains(list, v) },
	// dict passes several values to a template: dict "Key" value ….
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
	"list": func(v ...string) []string { return v },
	// dependsOn says in words which change re-runs a parked job.
	"dependsOn": func(key string) string {
		if name, ok := strings.CutPrefix(key, "route:"); ok {
			return "the options or mappings of route " + name + " change"
		}
		if name, ok := strings.CutPrefix(key, "connection:"); ok {
			return "the settings or credentials of connection " + name + " change"
		}
		return key + " changes"
	},
	// fixAt is the page where a person fixes what a job depends on, with the
	// link's words.
	"fixAt": func(key string) map[string]string {
		if name, ok := strings.CutPrefix(key, "route:"); ok {
			return map[string]string{"URL": "/mappings#route-" + name, "Text": "Fix it on Mappings (route " + name + ")"}
		}
		if name, ok := strings.CutPrefix(key, "connection:"); ok {
			return map[string]string{"URL": "/settings#connection-" + name, "Text": "Fix it in Settings (connection " + name + ")"}
		}
		return nil
	},
	"short": func(s string, n int) string {
		if len(s) <= n {
			return s
		}
		return s[:n] + "…"
	},
}

func humanDur(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

// page is what every template gets.
type page struct {
	Title string
	// Nav is the menu entry to highlight.
	Nav   string
	User  principal
	Flash string
	Error string
	Data  any
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	if u, ok := principalOf(r); ok {
		p.User = u
	}
	q := r.URL.Query()
	if p.Flash == "" {
		p.Flash = q.Get("flash")
	}
	if p.Error == "" {
		p.Error = q.Get("error")
	}
	t, ok := pages[name]
	if !ok {
		http.Error(w, "no page "+name, http.StatusInternalServerError)
		return
	}
	entry := "layout"
	if name == "overview_live" {
		entry = "live"
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, entry, p); err != nil {
		s.opts.Logger.Error("dashboard: rendering", "page", name, "err", err)
		http.Error(w, "the page could not be rendered: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// securityHeaders keep the pages from being framed or fed other scripts.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "same-origin")
		h.ServeHTTP(w, r)
	})
}

func (s *Server) mountDashboard() {
	static, _ := fs.Sub(staticFS, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(static))
	// Files only: a directory (its listing) is nobody's business.
	s.mux.Handle("GET /static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/static/")
		if st, err := fs.Stat(static, strings.TrimSuffix(name, "/")); name == "" || strings.HasSuffix(name, "/") || err != nil || st.IsDir() {
			http.NotFound(w, r)
			return
		}
		files.ServeHTTP(w, r)
	}))
	page := func(pattern string, need store.Role, h http.HandlerFunc) {
		s.mux.Handle(pattern, securityHeaders(s.guard(need, false, h)))
	}
	s.mux.Handle("GET /login", securityHeaders(http.HandlerFunc(s.loginPage)))
	s.mux.Handle("POST /login", securityHeaders(http.HandlerFunc(s.login)))
	page("POST /logout", store.RoleViewer, s.logout)

	page("GET /{$}", store.RoleViewer, s.overviewPage)
	page("GET /live/overview", store.RoleViewer, s.overviewLive)
	page("GET /orders", store.RoleViewer, s.ordersPage)
	page("GET /instances", store.RoleViewer, s.instancesPage)
	page("GET /sales", store.RoleViewer, s.salesPage)
	page("GET /reports", store.RoleViewer, s.reportsPage)
	page("GET /processes", store.RoleViewer, s.processesPage)
	page("GET /products", store.RoleViewer, s.productsPage)
	page("GET /jobs", store.RoleViewer, s.jobsPage)
	page("GET /jobs/{id}", store.RoleViewer, s.jobPage)
	page("GET /logs", store.RoleViewer, s.logsPage)
	page("GET /mappings", store.RoleViewer, s.mappingsPage)
	page("GET /settings", store.RoleViewer, s.settingsPage)
	page("GET /instances/{name}/configuration", store.RoleViewer, s.configurationPage)

	page("POST /connections/{name}/test", store.RoleOperator, s.formTest)
	page("POST /routes/{name}/run", store.RoleOperator, s.formRun)
	page("POST /routes/{name}/retry-held", store.RoleOperator, s.formRetryHeld)
	page("POST /routes/{name}/process", store.RoleOperator, s.formProcessNow)
	page("POST /routes/{name}/export", store.RoleOperator, s.formExport)
	page("POST /routes/{name}/refresh", store.RoleOperator, s.formRefresh)
	page("POST /routes/{name}/review", store.RoleOperator, s.formReview)
	page("POST /jobs/{id}/retry", store.RoleOperator, s.formRetry)
	page("POST /jobs/{id}/cancel", store.RoleOperator, s.formCancel)
	page("POST /routes/{name}/mappings", store.RoleAdmin, s.formOrdersMapping)
	page("POST /routes/{name}/invoice-methods", store.RoleAdmin, s.formInvoiceMethods)
	page("POST /connections/{name}/warehouse", store.RoleAdmin, s.formWarehouse)
	page("POST /routes/{name}/options", store.RoleAdmin, s.formRouteOptions)
	page("POST /connections/{name}/settings", store.RoleAdmin, s.formConnection)
}

// back redirects a form to the page it came from (a local path), with a
// message.
func back(w http.ResponseWriter, r *http.Request, fallback, key, msg string) {
	to := r.PostFormValue("back")
	if !localPath(to) {
		to = fallback
	}
	u, _ := url.Parse(to)
	q := u.Query()
	q.Del("flash")
	q.Del("error")
	q.Set(key, msg)
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
}

// localPath reports whether p is a path on this site (never another host).
func localPath(p string) bool {
	return strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") && !strings.HasPrefix(p, "/\\")
}

// --- sign-in ---

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	token := NewSecret()
	setCookie(w, r, loginCookie, token, 600)
	next := r.URL.Query().Get("next")
	if !localPath(next) {
		next = "/"
	}
	s.render(w, r, http.StatusOK, "login", page{Title: "Sign in", Data: map[string]string{"CSRF": token, "Next": next}})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(loginCookie)
	if err != nil || c.Value == "" || r.PostFormValue(csrfField) != c.Value {
		s.fail(w, r, false, http.StatusForbidden, "the sign-in form expired or did not come from this site: reload it and try again")
		return
	}
	name, pw := strings.TrimSpace(r.PostFormValue("user")), r.PostFormValue("password")
	now := time.Now()
	keys := []string{"user:" + strings.ToLower(name), "addr:" + s.clientAddr(r)}
	next := r.PostFormValue("next")
	if !localPath(next) {
		next = "/"
	}
	again := func(status int, msg string) {
		token := NewSecret()
		setCookie(w, r, loginCookie, token, 600)
		s.render(w, r, status, "login", page{Title: "Sign in", Error: msg, Data: map[string]string{"CSRF": token, "Next": next, "User": name}})
	}
	if wait := s.limiter.blocked(now, s.unlockedAt(r.Context(), name), keys[0]); wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		again(http.StatusTooManyRequests, fmt.Sprintf("too many failed sign-ins for %s: try again in %s, or ask an admin to run 'ferry users unlock %s'", name, humanDur(wait), name))
		return
	}
	if wait := s.limiter.blocked(now, time.Time{}, keys[1]); wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		again(http.StatusTooManyRequests, fmt.Sprintf("too many failed sign-ins from this address: try again in %s", humanDur(wait)))
		return
	}
	secret, err := s.signIn(r.Context(), name, pw)
	if errors.Is(err, errBadLogin) {
		s.limiter.fail(now, keys...)
		again(http.StatusUnauthorized, err.Error())
		return
	}
	if err != nil {
		s.fail(w, r, false, http.StatusInternalServerError, "signing in: "+err.Error())
		return
	}
	s.limiter.reset(keys[0])
	setCookie(w, r, loginCookie, "", -1)
	setCookie(w, r, sessionCookie, secret, int(SessionTTL.Seconds()))
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	p, _ := principalOf(r)
	if p.Session != "" {
		_ = s.st().DeleteSession(r.Context(), p.Session)
	}
	setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// --- pages ---

func (s *Server) overviewPage(w http.ResponseWriter, r *http.Request) {
	ov, err := s.overview(r.Context())
	if err != nil {
		s.fail(w, r, false, http.StatusInternalServerError, err.Error())
		return
	}
	s.render(w, r, http.StatusOK, "overview", page{Title: "Overview", Nav: "overview", Data: ov})
}

func (s *Server) overviewLive(w http.ResponseWriter, r *http.Request) {
	ov, err := s.overview(r.Context())
	if err != nil {
		s.fail(w, r, false, http.StatusInternalServerError, err.Error())
		return
	}
	s.render(w, r, http.StatusOK, "overview_live", page{Data: ov})
}

// routePick is a page's choice among routes of some flows.
type routePick struct {
	Routes []string
	Route  string
}

func (s *Server) pickRoute(r *http.Request, flows ...string) routePick {
	rp := routePick{Routes: s.routesOf(flows...), Route: r.URL.Query().Get("route")}
	if !contains(rp.Routes, rp.Route) {
		rp.Route = ""
		if len(rp.Routes) > 0 {
			rp.Route = rp.Routes[0]
		}
	}
	return rp
}

func (s *Server) ordersPage(w http.ResponseWriter, r *http.Request) {
	rp := s.pickRoute(r, "orders")
	q := r.URL.Query()
	data := struct {
		routePick
		Query, Show string
		Page        flow.OrderPage
		Pager       Pager
	}{routePick: rp, Query: q.Get("q"), Show: q.Get("show")}
	offset, limit, err := pageArgs(q, 50, 500)
	if err != nil {
		s.render(w, r, http.StatusBadRequest, "orders", page{Title: "Orders", Nav: "orders", Error: err.Error(), Data: data})
		return
	}
	if rp.Route != "" {
		data.Page, err = flow.OrderViews(r.Context(), s.hub.Flows, rp.Route, flow.OrderQuery{Search: data.Query, Show: data.Show, Offset: offset, Limit: limit})
		if err != nil {
			status := http.StatusInternalServerError
			var req *flow.RequestError
			if errors.As(err, &req) {
				status = http.StatusBadRequest
			}
			s.render(w, r, status, "orders", page{Title: "Orders", Nav: "orders", Error: err.Error(), Data: data})
			return
		}
		data.Pager = offsetPager("/orders", q, offset, limit, len(data.Page.Orders), data.Page.Total)
	}
	s.render(w, r, http.StatusOK, "orders", page{Title: "Orders", Nav: "orders", Data: data})
}

func (s *Server) jobsPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var routes []flow.Route
	for _, rt := range s.hub.Flows.Routes() {
		routes = append(routes, rt)
	}
	data := struct {
		Route, State string
		Routes       []flow.Route
		States       []jobs.State
		Jobs         []jobs.Info
		Pager        Pager
	}{Route: q.Get("route"), State: q.Get("state"), Routes: routes, States: jobs.States}
	f, from, err := s.jobFilter(q)
	if err != nil {
		s.render(w, r, http.StatusBadRequest, "jobs", page{Title: "Jobs", Nav: "jobs", Error: err.Error(), Data: data})
		return
	}
	if data.Jobs, err = s.hub.Queue.List(r.Context(), f); err != nil {
		s.fail(w, r, false, http.StatusInternalServerError, err.Error())
		return
	}
	total, err := s.hub.Queue.Count(r.Context(), f)
	if err != nil {
		s.fail(w, r, false, http.StatusInternalServerError, err.Error())
		return
	}
	var last int64
	if n := len(data.Jobs); n > 0 {
		last = data.Jobs[n-1].ID
	}
	data.Pager = afterPager("/jobs", q, "after", from, len(data.Jobs), total, last)
	s.render(w, r, http.StatusOK, "jobs", page{Title: "Jobs", Nav: "jobs", Data: data})
}

// jobFilter reads the jobs list's filter and page from a query: route (which
// must exist), state (one or several, comma-separated), after (the last job
// of the previous page) and limit; from is how many jobs earlier pages showed.
func (s *Server) jobFilter(q url.Values) (f jobs.Filter, from int, err error) {
	f = jobs.Filter{Route: q.Get("route"), Limit: 50}
	if f.Route != "" {
		if _, err := s.hub.Flows.Route(f.Route); err != nil {
			return f, 0, badInput("route %q: no such route", f.Route)
		}
	}
	if st := q.Get("state"); st != "" {
		for _, one := range strings.Split(st, ",") {
			state := jobs.State(strings.TrimSpace(one))
			if !slices.Contains(jobs.States, state) {
				return f, 0, badInput("state %q: use one of %v", one, jobs.States)
			}
			f.States = append(f.States, state)
		}
	}
	if _, f.Limit, err = pageArgs(q, 50, 500); err != nil {
		return f, 0, err
	}
	if v := q.Get("after"); v != "" {
		if f.After, err = strconv.ParseInt(v, 10, 64); err != nil || f.After <= 0 {
			return f, 0, badInput("after %q: want a job id", v)
		}
		from, _ = strconv.Atoi(q.Get("from"))
	}
	return f, max(from, 0), nil
}

func (s *Server) jobPage(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, false, http.StatusNotFound, "no job "+r.PathValue("id"))
		return
	}
	d, err := s.jobDetail(r.Context(), id)
	if err != nil {
		s.fail(w, r, false, http.StatusNotFound, err.Error())
		return
	}
	s.render(w, r, http.StatusOK, "job", page{Title: fmt.Sprintf("Job %d", id), Nav: "jobs", Data: d})
}

func (s *Server) logsPage(w http.ResponseWriter, r *http.Request) {
	f, err := logFilter(r.URL.Query())
	if err != nil {
		s.render(w, r, http.StatusBadRequest, "logs", page{Title: "Log lines", Nav: "logs", Error: err.Error(), Data: logsData{Routes: s.hub.Flows.Routes()}})
		return
	}
	lines, err := s.st().ListLogs(r.Context(), f)
	if err != nil {
		s.fail(w, r, false, http.StatusInternalServerError, err.Error())
		return
	}
	counted := f
	counted.BeforeID, counted.Limit = 0, 0
	total, err := s.st().CountLogs(r.Context(), counted)
	if err != nil {
		s.fail(w, r, false, http.StatusInternalServerError, err.Error())
		return
	}
	q := r.URL.Query()
	from, _ := strconv.Atoi(q.Get("from"))
	if f.BeforeID == 0 {
		from = 0
	}
	var last int64
	if n := len(lines); n > 0 {
		last = lines[n-1].ID
	}
	s.render(w, r, http.StatusOK, "logs", page{Title: "Log lines", Nav: "logs", Data: logsData{
		Routes: s.hub.Flows.Routes(), Route: f.Route, Level: string(f.Level), Entity: f.Entity, Since: q.Get("since"), Until: q.Get("until"), Lines: lines,
		Pager: afterPager("/logs", q, "before", max(from, 0), len(lines), total, last),
	}})
}

type logsData struct {
	Routes                             []flow.Route
	Route, Level, Entity, Since, Until string
	Lines                              []store.LogLine
	Pager                              Pager
}

// logFilter reads the log-lines filter from a query.
func logFilter(q url.Values) (store.LogFilter, error) {
	f := store.LogFilter{Route: q.Get("route"), Entity: strings.TrimSpace(q.Get("entity")), Limit: 100}
	if _, n, err := pageArgs(q, 100, 1000); err != nil {
		return f, err
	} else {
		f.Limit = n
	}
	switch lv := store.Level(q.Get("level")); lv {
	case "", store.LevelDebug, store.LevelInfo, store.LevelWarn, store.LevelError:
		f.Level = lv
	default:
		return f, fmt.Errorf("level %q: use debug, info, warn or error", lv)
	}
	var err error
	if f.Since, err = parseWhen("since", q.Get("since")); err != nil {
		return f, err
	}
	if f.Until, err = parseWhen("until", q.Get("until")); err != nil {
		return f, err
	}
	if v := q.Get("before"); v != "" {
		if f.BeforeID, err = strconv.ParseInt(v, 10, 64); err != nil {
			return f, fmt.Errorf("before %q: want a log line id", v)
		}
	}
	return f, nil
}

func (s *Server) mappingsPage(w http.ResponseWriter, r *http.Request) {
	s.renderMappings(w, r, http.StatusOK, nil, nil, "")
}

// --- forms ---

// done answers a form's action: back to the page with a message, or with the
// error (400 for bad input is shown on the page it came from).
func (s *Server) done(w http.ResponseWriter, r *http.Request, fallback, msg string, err error) {
	if err != nil {
		back(w, r, fallback, "error", err.Error())
		return
	}
	back(w, r, fallback, "flash", msg)
}

func (s *Server) formTest(w http.ResponseWriter, r *http.Request) {
	res, err := s.testConnection(r.Context(), r.PathValue("name"))
	msg := ""
	if err == nil {
		mark := "OK"
		if !res.Report.OK {
			mark = "FAILING"
		}
		msg = fmt.Sprintf("%s %s: %s", mark, r.PathValue("name"), res.Report.Summary)
	}
	s.done(w, r, "/", msg, err)
}

func (s *Server) formRun(w http.ResponseWriter, r *http.Request) {
	msg, err := s.runRoute(r, r.PathValue("name"), r.PostFormValue("since"), r.PostFormValue("until"))
	s.done(w, r, "/", msg, err)
}

func (s *Server) formRetryHeld(w http.ResponseWriter, r *http.Request) {
	msg, err := s.retryHeld(r, r.PathValue("name"))
	s.done(w, r, "/jobs", msg, err)
}

func (s *Server) formExport(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	msg, err := s.exportNow(r, r.PathValue("name"), r.PostForm["id"])
	s.done(w, r, "/products", msg, err)
}

func (s *Server) formRetry(w http.ResponseWriter, r *http.Request) {
	msg, err := s.retryJob(r, r.PathValue("id"))
	s.done(w, r, "/jobs", msg, err)
}

func (s *Server) formCancel(w http.ResponseWriter, r *http.Request) {
	msg, err := s.cancelJob(r, r.PathValue("id"))
	s.done(w, r, "/jobs", msg, err)
}

func (s *Server) formOrdersMapping(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	f := r.PostForm
	var m OrdersMapping
	for i, match := range f["ship_match"] {
		to := at(f["ship_to"], i)
		if strings.TrimSpace(match) == "" && strings.TrimSpace(to) == "" {
			continue
		}
		m.ShippingMethods = append(m.ShippingMethods, flow.Rule{Match: strings.TrimSpace(match), To: strings.TrimSpace(to)})
	}
	for i, match := range f["pay_match"] {
		to := at(f["pay_to"], i)
		if strings.TrimSpace(match) == "" && strings.TrimSpace(to) == "" {
			continue
		}
		m.PaymentMethods = append(m.PaymentMethods, flow.PaymentRule{Match: strings.TrimSpace(match), To: strings.TrimSpace(to), Invoice: at(f["pay_invoice"], i) == "yes"})
	}
	for i, rate := range f["tax_rate"] {
		to := at(f["tax_to"], i)
		if strings.TrimSpace(rate) == "" && strings.TrimSpace(to) == "" {
			continue
		}
		m.Taxes = append(m.Taxes, flow.TaxRule{Rate: strings.TrimSpace(rate), To: strings.TrimSpace(to)})
	}
	name := r.PathValue("name")
	m.Route = name
	// A change of the shipping method rules is saved once the person has seen
	// what it will hold: a preview (the Preview button), or a save that asks
	// to confirm the count.
	changed := true
	if rt, err := s.routeOf(name, "orders"); err == nil {
		if o, ok := rt.Options.(*flow.OrdersOptions); ok {
			changed = !slices.Equal(o.ShippingMethods, m.ShippingMethods)
		}
	}
	if r.PostFormValue("preview") != "" || changed {
		p, err := s.previewShipping(r.Context(), name, m.ShippingMethods)
		if err != nil {
			s.done(w, r, "/mappings", "", err)
			return
		}
		if r.PostFormValue("preview") != "" {
			s.renderMappings(w, r, http.StatusOK, p, &m, "")
			return
		}
		if n := len(p.Held); n > 0 && r.PostFormValue("confirm_held") != strconv.Itoa(n) {
			s.renderMappings(w, r, http.StatusConflict, p, &m, fmt.Sprintf("not saved: %s. Tick \"I understand %d %s held\" and save again, or add rules for them.", p.Warning(), n, methodsWill(n)))
			return
		}
	}
	msg, err := s.setOrdersMapping(r, name, m)
	s.done(w, r, "/mappings", msg, err)
}

// methodsWill is "method will be" or "methods will be".
func methodsWill(n int) string {
	if n == 1 {
		return "method will be"
	}
	return "methods will be"
}

func at(list []string, i int) string {
	if i < len(list) {
		return list[i]
	}
	return ""
}

func (s *Server) formInvoiceMethods(w http.ResponseWriter, r *http.Request) {
	var methods []string
	for _, line := range strings.Split(r.PostFormValue("invoice_methods"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			methods = append(methods, line)
		}
	}
	msg, err := s.setInvoiceMethods(r, r.PathValue("name"), methods)
	s.done(w, r, "/mappings", msg, err)
}

func (s *Server) formWarehouse(w http.ResponseWriter, r *http.Request) {
	msg, err := s.setWarehouse(r, r.PathValue("name"), strings.TrimSpace(r.PostFormValue("warehouse")))
	s.done(w, r, "/mappings", msg, err)
}

func (s *Server) formRouteOptions(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	name := r.PathValue("name")
	raw, err := s.routeFromForm(r, name)
	msg := ""
	if err == nil {
		msg, err = s.setRouteOptions(r, name, raw)
	}
	s.done(w, r, "/settings#route-"+name, msg, err)
}

func (s *Server) formConnection(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	creds := map[string]string{}
	for k, v := range r.PostForm {
		if key, ok := strings.CutPrefix(k, "cred_"); ok && len(v) > 0 {
			creds[key] = v[0]
		}
	}
	name := r.PathValue("name")
	raw, err := s.connectionFromForm(r, name)
	msg := ""
	if err == nil {
		msg, err = s.setConnection(r, name, raw, creds)
	}
	s.done(w, r, "/settings#connection-"+name, msg, err)
}

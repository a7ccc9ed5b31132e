package odoo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ferryhub/ferry/internal/sandbox/fault"
)

// Options configure a Server.
type Options struct {
	Version  int    // 14, 15, 16, 17, 18 or 19; default 17
	Database string // default "ferry"
	Login    string // default "admin"
	APIKey   string // default "demo-key" (also accepted as the password)
	Seed     int64  // data generator seed, default 1
	// Products and Partners are generated counts; defaults 30 and 20; negative
	// means none.
	Products, Partners int
	// Modules are the installed modules; default what ferry's routes need.
	Modules []string
	Faults  fault.Config
	Now     func() time.Time
	// PostLatency is how long an account.move action_post's transaction stays
	// open before it commits; on 16 two posts of a journal's first entries of a
	// year that overlap take the same number (see posting.go).
	PostLatency time.Duration
	// Currency is the company's currency code; default "USD", as a fresh
	// database without a chart of accounts.
	Currency string
	// BaseVAT installs base_vat: res.partner vat numbers are checked against
	// their country (vat.go). Also at run time: SetBaseVAT,
	// /_sandbox/base-vat.
	BaseVAT bool
	// StockSMS installs stock_sms: validating a delivery asks the
	// confirm.stock.sms wizard first (stocksms.go). Also at run time:
	// SetStockSMS, /_sandbox/stock-sms.
	StockSMS bool
}

// Server is a fake Odoo.
type Server struct {
	opts   Options
	faults *fault.Injector
	mux    *http.ServeMux

	mu     sync.Mutex
	tables map[string]*table
	calls  map[string]int
	uid    int64
	// failAfter counts calls of "model.method" that commit and then drop.
	failAfter map[string]int
	// undo collects how to revert the running call's changes.
	undo *[]func()
	// commitFailRate is the share of writes that commit and then drop.
	commitFailRate float64
	rng            *rand.Rand
	// delegating is set while an _inherits child creates its parent.
	delegating int
	// pending is set while one2many lines are created for their parent.
	pending int
	// deprecated counts calls of /jsonrpc and /xmlrpc on 19, which logs each
	// as deprecated and scheduled for removal in 20.
	deprecated int
	// ctx is the running call's context.
	ctx map[string]any
	// postSnap is, during an action_post, how many entries each journal and
	// year had posted when its transaction began.
	postSnap map[string]int
	// counterpart is the counterpart_account_id a statement line's create
	// took out of its values (statements.go).
	counterpart int64
	// generating is set while New makes the demo data.
	generating bool
}

// New returns a server with generated data.
func New(opts Options) *Server {
	if opts.Version == 0 {
		opts.Version = 17
	}
	if opts.Database == "" {
		opts.Database = "ferry"
	}
	if opts.Login == "" {
		opts.Login = "admin"
	}
	if opts.APIKey == "" {
		opts.APIKey = "demo-key"
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Modules == nil {
		opts.Modules = []string{"base", "product", "sale", "sale_management", "stock", "account", "delivery"}
		if opts.Version >= 17 {
			opts.Modules = append(opts.Modules, "stock_delivery")
		}
	}
	s := &Server{opts: opts, faults: fault.New(opts.Faults), tables: map[string]*table{}, calls: map[string]int{}, failAfter: map[string]int{}}
	for _, def := range models(opts.Version, opts.Modules) {
		s.tables[def.name] = &table{def: def, rows: map[int64]record{}, next: 1}
	}
	s.generating = true
	s.generate()
	s.generateLedger()
	s.generating = false
	s.setModuleState("base_vat", opts.BaseVAT)
	s.installStockSMS(opts.StockSMS)
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("/_sandbox/base-vat", func(w http.ResponseWriter, r *http.Request) {
		serveSwitch(w, r, "base-vat", s.SetBaseVAT, s.BaseVAT)
	})
	s.mux.HandleFunc("/_sandbox/stock-sms", func(w http.ResponseWriter, r *http.Request) {
		serveSwitch(w, r, "stock-sms", s.SetStockSMS, s.StockSMS)
	})
	s.mux.Handle("/_sandbox/faults", s.faults.Handler())
	s.mux.HandleFunc("/_sandbox/commit-then-fail", s.commitThenFailAdmin)
	s.mux.Handle("/", s.faults.Wrap(http.HandlerFunc(s.route)))
	s.faults.Exempt(func(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/_sandbox/") })
	return s
}

// Handler serves the API.
func (s *Server) Handler() http.Handler { return s.mux }

// Faults returns the fault injector.
func (s *Server) Faults() *fault.Injector { return s.faults }

// Serve answers on ln until ctx ends.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s.mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { <-ctx.Done(); srv.Shutdown(context.WithoutCancel(ctx)) }()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// FailAfterCommit makes the next n calls of model.method apply their effect
// and then drop the connection without an answer.
func (s *Server) FailAfterCommit(model, method string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failAfter[model+"."+method] = n
}

func (s *Server) countDeprecated() {
	if s.opts.Version < 19 {
		return
	}
	s.mu.Lock()
	s.deprecated++
	s.mu.Unlock()
}

// DeprecatedCalls returns how many calls a version 19 server had on /jsonrpc
// and /xmlrpc (19: addons/rpc/controllers/jsonrpc.py logs each as deprecated);
// a client in JSON-2 mode should make none. Always 0 before 19.
func (s *Server) DeprecatedCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deprecated
}

// Calls returns how many times model.method was called.
func (s *Server) Calls(model, method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[model+"."+method]
}

// commitThenFail is the admin endpoint's body: the share of writes that commit
// and then drop, and counts of calls of "model.method" that will.
type commitThenFail struct {
	Rate  float64        `json:"rate"`
	Calls map[string]int `json:"calls,omitempty"`
}

// commitThenFailAdmin serves /_sandbox/commit-then-fail, so another process
// (a benchmark, `ferry demo`) can turn the fault on at run time: GET shows it,
// PUT or POST sets it.
func (s *Server) commitThenFailAdmin(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
	case http.MethodPut, http.MethodPost:
		var c commitThenFail
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil || c.Rate < 0 || c.Rate > 1 {
			http.Error(w, fmt.Sprintf("commit-then-fail: want {\"rate\": 0..1, \"calls\": {\"model.method\": n}} (%v)", err), http.StatusBadRequest)
			return
		}
		s.SetCommitThenFailRate(c.Rate)
		for k, n := range c.Calls {
			i := strings.LastIndexByte(k, '.')
			if i <= 0 || i == len(k)-1 {
				http.Error(w, "commit-then-fail: calls are keyed \"model.method\", got "+k, http.StatusBadRequest)
				return
			}
			s.FailAfterCommit(k[:i], k[i+1:], n)
		}
	default:
		w.Header().Set("Allow", "GET, PUT, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	s.mu.Lock()
	c := commitThenFail{Rate: s.commitFailRate, Calls: map[string]int{}}
	for k, n := range s.failAfter {
		if n > 0 {
			c.Calls[k] = n
		}
	}
	s.mu.Unlock()
	writeJSON(w, c)
}

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/jsonrpc" && r.Method == http.MethodPost:
		s.countDeprecated()
		s.jsonrpc(w, r)
	case (r.URL.Path == "/xmlrpc/2/common" || r.URL.Path == "/xmlrpc/2/object") && r.Method == http.MethodPost:
		s.countDeprecated()
		s.xmlrpc(w, r)
	case r.URL.Path == "/json/2" || strings.HasPrefix(r.URL.Path, "/json/2/"):
		s.json2(w, r)
	case (r.URL.Path == "/web/version" || r.URL.Path == "/json/version") && s.opts.Version >= 19:
		// 19 only (addons/rpc/controllers/__init__.py): the version without
		// the deprecated RPC endpoints, needing no database or key.
		writeJSON(w, map[string]any{"version": fmt.Sprintf("%d.0", s.opts.Version), "version_info": []any{s.opts.Version, 0, 0, "final", 0, ""}})
	default:
		http.NotFound(w, r)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

type rpcRequest struct {
	ID     any `json:"id"`
	Params struct {
		Service string            `json:"service"`
		Method  string            `json:"method"`
		Args    []json.RawMessage `json:"args"`
	} `json:"params"`
}

// jsonrpc serves POST /jsonrpc.
func (s *Server) jsonrpc(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 32<<20))
	if err != nil {
		return
	}
	var req rpcRequest
	if err := json.Unmarshal(body, &req); err != nil {
		s.rpcError(w, nil, &odooError{name: "werkzeug.exceptions.BadRequest", msg: "Invalid JSON data: " + err.Error()})
		return
	}
	result, none, drop, err := s.dispatch(req)
	if drop {
		dropConn(w)
		return
	}
	if err != nil {
		s.rpcError(w, req.ID, err)
		return
	}
	if none {
		// A method that returns None: no "result" key at all.
		writeJSON(w, map[string]any{"jsonrpc": "2.0", "id": req.ID})
		return
	}
	writeJSON(w, map[string]any{"jsonrpc": "2.0", "id": req.ID, "result": result})
}

func (s *Server) rpcError(w http.ResponseWriter, id any, err error) {
	var oe *odooError
	if !errors.As(err, &oe) {
		oe = &odooError{name: "builtins.Exception", msg: err.Error()}
	}
	writeJSON(w, map[string]any{"jsonrpc": "2.0", "id": id, "error": map[string]any{
		"code": 200, "message": "Odoo Server Error",
		"data": map[string]any{"name": oe.name, "message": oe.msg, "arguments": []any{oe.msg}, "context": map[string]any{}, "debug": traceback(oe)},
	}})
}

func (s *Server) dispatch(req rpcRequest) (result any, none, drop bool, err error) {
	args := req.Params.Args
	arg := func(i int, v any) error {
		if i >= len(args) {
			return valueError("missing argument %d", i)
		}
		return json.Unmarshal(args[i], v)
	}
	switch req.Params.Service + "." + req.Params.Method {
	case "common.version":
		return map[string]any{"server_version": fmt.Sprintf("%d.0", s.opts.Version), "server_version_info": []any{s.opts.Version, 0, 0, "final", 0, ""}, "server_serie": fmt.Sprintf("%d.0", s.opts.Version), "protocol_version": 1}, false, false, nil
	case "common.authenticate", "common.login":
		var db, login, key string
		if err := errors.Join(arg(0, &db), arg(1, &login), arg(2, &key)); err != nil {
			return nil, false, false, err
		}
		if db != s.opts.Database {
			return nil, false, false, &odooError{name: "psycopg2.OperationalError", msg: fmt.Sprintf("connection to server failed: FATAL:  database %q does not exist", db)}
		}
		if login != s.opts.Login || key != s.opts.APIKey {
			return false, false, false, nil
		}
		return int64(2), false, false, nil
	case "object.execute_kw":
		var db, key, model, method string
		var uid int64
		if err := errors.Join(arg(0, &db), arg(1, &uid), arg(2, &key), arg(3, &model), arg(4, &method)); err != nil {
			return nil, false, false, err
		}
		if db != s.opts.Database {
			return nil, false, false, &odooError{name: "psycopg2.OperationalError", msg: fmt.Sprintf("database %q does not exist", db)}
		}
		if uid != 2 || key != s.opts.APIKey {
			return nil, false, false, &odooError{name: "odoo.exceptions.AccessDenied", msg: "Access Denied"}
		}
		var pos []any
		kw := map[string]any{}
		if len(args) > 5 {
			if err := decodeNumbers(args[5], &pos); err != nil {
				return nil, false, false, valueError("args: %v", err)
			}
		}
		if len(args) > 6 {
			if err := decodeNumbers(args[6], &kw); err != nil {
				return nil, false, false, valueError("kwargs: %v", err)
			}
		}
		return s.execute(model, method, pos, kw)
	}
	return nil, false, false, &odooError{name: "builtins.KeyError", msg: fmt.Sprintf("%s.%s is not a service method", req.Params.Service, req.Params.Method)}
}

func decodeNumbers(b []byte, v any) error { return json.Unmarshal(b, v) }

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

// execute runs model.method under the lock, applying commit-then-fail.
func (s *Server) execute(model, method string, args []any, kw map[string]any) (result any, none, drop bool, err error) {
	var snap map[string]int
	if model == "account.move" && method == "action_post" {
		snap = s.beginPost()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.postSnap = snap
	defer func() { s.postSnap = nil }()
	if strings.HasPrefix(method, "_") {
		return nil, false, false, &odooError{name: "odoo.exceptions.AccessError", msg: fmt.Sprintf("Private methods (such as %s) cannot be called remotely.", method)}
	}
	if _, ok := s.tables[model]; !ok {
		if s.opts.Version <= 15 {
			// 14, 15: odoo/service/model.py execute_cr raises UserError
			// (16's source does too; the 16 mode keeps ValueError).
			return nil, false, false, userError("Object %s doesn't exist", model)
		}
		return nil, false, false, &odooError{name: "builtins.ValueError", msg: fmt.Sprintf("Object %s doesn't exist", model)}
	}
	s.calls[model+"."+method]++
	result, none, err = s.call(model, method, args, kw)
	if err == nil && s.failAfter[model+"."+method] > 0 {
		s.failAfter[model+"."+method]--
		return nil, false, true, nil
	}
	if err == nil && s.commitFailRate > 0 && method != "search_read" && method != "read" && method != "search" && method != "search_count" && s.rng.Float64() < s.commitFailRate {
		return nil, false, true, nil
	}
	return result, none, false, err
}

// dropConn closes the connection without an answer (after a commit).
func dropConn(w http.ResponseWriter) { fault.Drop(w) }

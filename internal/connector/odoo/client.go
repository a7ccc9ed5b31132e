package odoo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/remote"
)

// Client calls one Odoo database as one user. It is safe for concurrent use.
type Client struct {
	name   string
	s      Settings
	login  string
	key    string
	caller *remote.Caller
	ids    atomic.Int64

	mu       sync.Mutex
	uid      int64
	version  int
	protocol string
	// taxField is the sale order line's taxes field, read once.
	taxField string
	// consolidated says the invoicing wizard has consolidated_billing.
	consolidated, consolidatedKnown bool
	// refTaxes and refCarriers are the sale taxes and carriers read at refAt
	// (refData).
	refTaxes    []taxRow
	refCarriers []carrierRow
	refAt       time.Time
	// countries are res.country ids by ISO code, read as orders need them.
	countries map[string]int64
	// currency says product.pricelist has currency_id.
	currency, currencyKnown bool
	// returnLoc says stock.return.picking has location_id (16, 17).
	returnLoc, returnLocKnown bool
	// locks serialize creates by natural key across processes; nil means
	// this process only.
	locks connector.Locker
}

// WithLocks makes the client serialize its creates by natural key (customers
// by e-mail, posting by journal) through l, across every process sharing it.
func (c *Client) WithLocks(l connector.Locker) *Client {
	c.locks = l
	return c
}

// New returns a client; it does not call the server.
func New(name string, s Settings, login, key string, hc *http.Client) (*Client, error) {
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("odoo %s: %w", name, err)
	}
	s.URL = strings.TrimSuffix(s.URL, "/")
	return &Client{
		name: name, s: s, login: login, key: key,
		caller: remote.New(remote.Policy{System: "odoo", Account: name, Timeout: s.Timeout, MaxAttempts: s.MaxAttempts, RatePerSecond: s.RateLimit, Secrets: []string{key}}, hc),
	}, nil
}

// Error is an error Odoo answered with.
type Error struct {
	// Name is the exception's class without its module: "ValidationError",
	// "AccessDenied", "UserError", "MissingError", "AccessError", or another.
	Name string
	// Full is the exception's full class name ("builtins.ValueError").
	Full    string
	Message string
	Model   string
	Method  string
	// Status is the HTTP status for JSON-2 errors (200 for JSON-RPC).
	Status int
}

func (e *Error) Error() string {
	where := e.Model
	if e.Method != "" {
		where += "." + e.Method
	}
	return fmt.Sprintf("odoo: %s: %s: %s", where, e.Name, e.Message)
}

// FailureClass tells ferry's queue how to treat the error: rejected credentials
// need a person; Odoo refusing the record's data is final for that record;
// anything else (a database conflict, a server error) may pass on a later try.
//
// A ValueError, KeyError or TypeError is Odoo refusing what ferry sent (an
// invalid field, a schema ferry does not match): retrying sends the same. A
// database serialization failure is the only server error worth retrying.
func (e *Error) FailureClass() string {
	switch e.Name {
	case "AccessDenied", "AccessError", "DatabaseNotFound":
		return "needs_action"
	case "ValidationError", "UserError", "MissingError", "ValueError", "KeyError", "TypeError", "NotFound":
		return "permanent"
	}
	if strings.HasPrefix(e.Full, "builtins.") {
		return "permanent"
	}
	return ""
}

// transientName reports the exceptions of a database conflict, which pass on a
// later try (psycopg2's SerializationFailure, OperationalError…).
func transientName(full string) bool {
	return strings.HasPrefix(full, "psycopg2") || strings.HasSuffix(full, "OperationalError") || strings.HasSuffix(full, "SerializationFailure") || strings.HasSuffix(full, "TransactionRollbackError")
}

func errName(full string) string {
	if i := strings.LastIndexByte(full, '.'); i >= 0 {
		return full[i+1:]
	}
	return full
}

// Is predicates for the typed errors.
func isName(err error, name string) bool {
	var e *Error
	return errors.As(err, &e) && e.Name == name
}

// IsAccessDenied reports bad credentials.
func IsAccessDenied(err error) bool { return isName(err, "AccessDenied") }

// IsValidation reports a ValidationError.
func IsValidation(err error) bool { return isName(err, "ValidationError") }

// IsUserError reports a UserError.
func IsUserError(err error) bool { return isName(err, "UserError") }

// IsMissing reports a MissingError (the record does not exist).
func IsMissing(err error) bool { return isName(err, "MissingError") }

// ErrBadCredentials means authenticate answered false (Odoo answers false, not
// an error, for a wrong login or key).
var ErrBadCredentials = &Error{Name: "AccessDenied", Message: "the login and API key (or password) were refused", Model: "common", Method: "authenticate"}

// jsonrpc calls service.method over /jsonrpc.
func (c *Client) jsonrpc(ctx context.Context, service, method string, args []any, idempotent bool, op string) (json.RawMessage, error) {
	body, err := json.Marshal(map[string]any{
		"jsonrpc": "2.0", "method": "call", "id": c.ids.Add(1),
		"params": map[string]any{"service": service, "method": method, "args": args},
	})
	if err != nil {
		return nil, fmt.Errorf("odoo %s: encoding %s: %w", c.name, op, err)
	}
	resp, err := c.caller.Do(ctx, remote.Request{Method: http.MethodPost, URL: c.s.URL + "/jsonrpc", Header: http.Header{"Content-Type": {"application/json"}}, Body: body, Idempotent: idempotent, Op: op})
	if err != nil {
		return nil, err
	}
	if resp.Status != http.StatusOK {
		return nil, &remote.Error{System: "odoo", Account: c.name, Op: op, Status: resp.Status, Body: remote.Excerpt(resp.Body, 300, c.key), Transient: resp.Status >= 500}
	}
	return decodeRPC(resp.Body, op)
}

// decodeRPC reads a JSON-RPC answer: the result (nil when the method returned
// None and the key is missing) or the typed error.
func decodeRPC(b []byte, op string) (json.RawMessage, error) {
	var env struct {
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
			Data    struct {
				Name    string `json:"name"`
				Message string `json:"message"`
			} `json:"data"`
		} `json:"error"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return nil, fmt.Errorf("odoo: %s: the answer is not JSON-RPC: %s", op, remote.Excerpt(b, 200))
	}
	if env.Error != nil {
		model, method, _ := strings.Cut(op, " ")
		msg := env.Error.Data.Message
		if msg == "" {
			msg = env.Error.Message
		}
		name := errName(env.Error.Data.Name)
		if name == "" {
			name = "Error"
		}
		return nil, &Error{Name: name, Full: env.Error.Data.Name, Message: msg, Model: model, Method: method, Status: http.StatusOK}
	}
	return env.Result, nil
}

// json2 calls model.method over the JSON-2 API with named parameters.
func (c *Client) json2(ctx context.Context, model, method string, params map[string]any, idempotent bool) (json.RawMessage, error) {
	body, err := json.Marshal(params)
	if err != nil {
		return nil, fmt.Errorf("odoo %s: encoding %s.%s: %w", c.name, model, method, err)
	}
	h := http.Header{"Content-Type": {"application/json"}, "Authorization": {"bearer " + c.key}, "X-Odoo-Database": {c.s.Database}}
	op := model + " " + method
	// 19 answers 500 for every exception that is not a user error: the body
	// says which, so it is read rather than retried blindly (the traceback in
	// it must not reach the job's reason either).
	final := func(status int, b []byte) bool {
		var e struct {
			Name string `json:"name"`
		}
		return json.Unmarshal(b, &e) == nil && e.Name != ""
	}
	var resp *remote.Response
	for attempt := 1; ; attempt++ {
		resp, err = c.caller.Do(ctx, remote.Request{Method: http.MethodPost, URL: c.s.URL + "/json/2/" + model + "/" + method, Header: h, Body: body, Idempotent: idempotent, Op: op, Final: final})
		if err != nil {
			return nil, err
		}
		if resp.Status >= 200 && resp.Status < 300 {
			return json.RawMessage(bytes.TrimSpace(resp.Body)), nil
		}
		err = decodeJSON2Error(resp.Status, resp.Body, model, method)
		// A database conflict rolled the call back: a read is tried again.
		var oe *Error
		if !idempotent || attempt >= c.s.MaxAttempts || !errors.As(err, &oe) || !transientName(oe.Full) {
			break
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(time.Duration(attempt) * 100 * time.Millisecond):
		}
	}
	var oe *Error
	if errors.As(err, &oe) && oe.Name == "HTTP404" {
		// Odoo answers its HTML 404 page when X-Odoo-Database names no database.
		oe.Name, oe.Message = "DatabaseNotFound", fmt.Sprintf("database %q does not exist on %s (or the server does not speak JSON-2, Odoo 19 and later)", c.s.Database, c.s.URL)
	}
	return nil, err
}

// decodeJSON2Error reads a JSON-2 error body: name and message, never debug
// (a traceback with the server's paths).
func decodeJSON2Error(status int, b []byte, model, method string) error {
	var e struct {
		Name    string `json:"name"`
		Message string `json:"message"`
	}
	if json.Unmarshal(b, &e) != nil || (e.Name == "" && e.Message == "") {
		return &Error{Name: "HTTP" + strconv.Itoa(status), Message: remote.Excerpt(b, 200), Model: model, Method: method, Status: status}
	}
	name := errName(e.Name)
	if status == http.StatusUnauthorized || name == "Unauthorized" {
		name = "AccessDenied"
	}
	return &Error{Name: name, Full: e.Name, Message: e.Message, Model: model, Method: method, Status: status}
}

// session finds the server's version and protocol and logs in, once.
func (c *Client) session(ctx context.Context) (uid int64, version int, protocol string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.protocol != "" {
		return c.uid, c.version, c.protocol, nil
	}
	version = c.s.Version
	if version == 0 {
		v, err := c.serverVersion(ctx)
		if err != nil {
			return 0, 0, "", err
		}
		version = v.Major
	}
	protocol = c.s.Protocol
	if protocol == "auto" {
		protocol = "jsonrpc"
		if version >= 19 {
			protocol = "json2"
		}
	}
	if protocol == "jsonrpc" {
		res, err := c.jsonrpc(ctx, "common", "authenticate", []any{c.s.Database, c.login, c.key, map[string]any{}}, true, "common authenticate")
		if err != nil {
			return 0, 0, "", err
		}
		if bytes.Equal(bytes.TrimSpace(res), []byte("false")) {
			return 0, 0, "", ErrBadCredentials
		}
		if err := json.Unmarshal(res, &uid); err != nil || uid == 0 {
			return 0, 0, "", fmt.Errorf("odoo %s: authenticate answered %s", c.name, remote.Excerpt(res, 80))
		}
	}
	c.uid, c.version, c.protocol = uid, version, protocol
	return uid, version, protocol, nil
}

// ServerVersion is what common.version answers.
type ServerVersion struct {
	Major   int
	Version string
}

// serverVersion asks GET /web/version first (19 and later serve it without a
// key), so that JSON-2 never touches the deprecated /jsonrpc; before 19, or
// when that fails and the protocol allows it, common.version over /jsonrpc.
func (c *Client) serverVersion(ctx context.Context) (ServerVersion, error) {
	if c.s.Protocol != "jsonrpc" {
		v, err := c.webVersion(ctx)
		if err == nil || c.s.Protocol == "json2" {
			return v, err
		}
	}
	res, err := c.jsonrpc(ctx, "common", "version", []any{}, true, "common version")
	if err != nil {
		return ServerVersion{}, err
	}
	out, err := parseServerVersion(res)
	if err != nil {
		return out, fmt.Errorf("odoo %s: version: %w", c.name, err)
	}
	return out, nil
}

func (c *Client) webVersion(ctx context.Context) (ServerVersion, error) {
	// Not idempotent for the caller, so that a server without the route fails
	// fast and auto falls back to /jsonrpc.
	resp, err := c.caller.Do(ctx, remote.Request{Method: http.MethodGet, URL: c.s.URL + "/web/version", Idempotent: c.s.Protocol == "json2", Op: "GET /web/version"})
	if err != nil {
		return ServerVersion{}, err
	}
	if resp.Status != http.StatusOK {
		return ServerVersion{}, &Error{Name: "HTTP" + strconv.Itoa(resp.Status), Message: "GET /web/version: " + remote.Excerpt(resp.Body, 120), Model: "web", Method: "version", Status: resp.Status}
	}
	var v struct {
		Version     string `json:"version"`
		VersionInfo []any  `json:"version_info"`
	}
	if err := json.Unmarshal(resp.Body, &v); err != nil || v.Version == "" {
		return ServerVersion{}, fmt.Errorf("odoo %s: GET /web/version answered %s", c.name, remote.Excerpt(resp.Body, 80))
	}
	b, _ := json.Marshal(map[string]any{"server_version": v.Version, "server_version_info": v.VersionInfo})
	out, err := parseServerVersion(b)
	if err != nil {
		return out, fmt.Errorf("odoo %s: version: %w", c.name, err)
	}
	return out, nil
}

// parseServerVersion reads common.version's answer: the major version from
// server_version_info, else from server_version ("16.0", "saas~17.2").
func parseServerVersion(res []byte) (ServerVersion, error) {
	var v struct {
		ServerVersion     string `json:"server_version"`
		ServerVersionInfo []any  `json:"server_version_info"`
	}
	if err := json.Unmarshal(res, &v); err != nil {
		return ServerVersion{}, err
	}
	out := ServerVersion{Version: v.ServerVersion}
	if len(v.ServerVersionInfo) > 0 {
		if f, ok := v.ServerVersionInfo[0].(float64); ok && f >= 1 && f < 1000 {
			out.Major = int(f)
		}
	}
	if out.Major == 0 {
		major, _, _ := strings.Cut(strings.TrimPrefix(v.ServerVersion, "saas~"), ".")
		out.Major, _ = strconv.Atoi(major)
	}
	if out.Major <= 0 {
		return ServerVersion{}, fmt.Errorf("cannot read the server version from %q", v.ServerVersion)
	}
	return out, nil
}

// Version returns the server's major version (14..19).
func (c *Client) Version(ctx context.Context) (int, error) {
	_, v, _, err := c.session(ctx)
	return v, c.ofAccount(err)
}

// accountError is a refusal of this connection's credentials or rights, with
// the connection's name: a job it parks runs again when the connection's
// settings or credentials change.
type accountError struct {
	account string
	err     error
}

func (e *accountError) Error() string { return e.err.Error() }
func (e *accountError) Unwrap() error { return e.err }

// DependsOn is the connection's dependency key.
func (e *accountError) DependsOn() string { return "connection:" + e.account }

// ofAccount names the connection in a refusal of its credentials, rights or
// database (AccessDenied, AccessError, DatabaseNotFound).
func (c *Client) ofAccount(err error) error {
	var e *Error
	if err == nil || c.name == "" || !errors.As(err, &e) {
		return err
	}
	switch e.Name {
	case "AccessDenied", "AccessError", "DatabaseNotFound":
		return &accountError{account: c.name, err: err}
	}
	return err
}

// Execute calls model.method with positional args and keyword kwargs, on either
// protocol. idempotent says the call may be repeated after an unclear failure
// (reads); a write is not.
func (c *Client) Execute(ctx context.Context, model, method string, args []any, kwargs map[string]any, idempotent bool) (json.RawMessage, error) {
	out, err := c.execute(ctx, model, method, args, kwargs, idempotent)
	return out, c.ofAccount(err)
}

func (c *Client) execute(ctx context.Context, model, method string, args []any, kwargs map[string]any, idempotent bool) (json.RawMessage, error) {
	uid, _, protocol, err := c.session(ctx)
	if err != nil {
		return nil, err
	}
	if kwargs == nil {
		kwargs = map[string]any{}
	}
	if protocol == "json2" {
		return c.json2(ctx, model, method, json2Params(method, args, kwargs), idempotent)
	}
	if args == nil {
		args = []any{}
	}
	return c.jsonrpc(ctx, "object", "execute_kw", []any{c.s.Database, uid, c.key, model, method, args, kwargs}, idempotent, model+" "+method)
}

// json2Params turns execute_kw's positional arguments into JSON-2's named ones.
func json2Params(method string, args []any, kwargs map[string]any) map[string]any {
	p := map[string]any{}
	for k, v := range kwargs {
		p[k] = v
	}
	arg := func(i int) any {
		if i < len(args) {
			return args[i]
		}
		return nil
	}
	switch method {
	case "search", "search_read", "search_count":
		if d := arg(0); d != nil {
			p["domain"] = d
		} else if _, ok := p["domain"]; !ok {
			p["domain"] = []any{}
		}
	case "create":
		v := arg(0)
		if m, ok := v.(map[string]any); ok {
			v = []any{m}
		}
		p["vals_list"] = v
	case "write":
		p["ids"], p["vals"] = arg(0), arg(1)
	case "name_search":
	default:
		if ids := arg(0); ids != nil {
			p["ids"] = ids
		}
	}
	return p
}

// RecordURL is the address of a record in Odoo's web client, for people
// (the dashboard links orders to it). kind is ferry's entity kind. Odoo 17 and
// later redirect the /web# form to their own URLs.
func (c *Client) RecordURL(kind, id string) string {
	model, ok := map[string]string{"order": "sale.order", "partner": "res.partner", "product": "product.template", "invoice": "account.move", "picking": "stock.picking"}[kind]
	if !ok || id == "" {
		return ""
	}
	return strings.TrimRight(c.s.URL, "/") + "/web#id=" + url.QueryEscape(id) + "&model=" + model + "&view_type=form"
}

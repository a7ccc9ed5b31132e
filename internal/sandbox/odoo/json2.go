package odoo

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// json2 serves the JSON-2 API of Odoo 19 (reference §1.9): POST
// /json/2/<model>/<method>, "Authorization: bearer <API key>", optional
// X-Odoo-Database, named parameters in the body, the raw result as the answer,
// and errors as 4xx/5xx with {name, message, arguments, context, debug}
// (19: addons/rpc/controllers/json2.py, odoo/http.py Json2Dispatcher).
func (s *Server) json2(w http.ResponseWriter, r *http.Request) {
	if s.opts.Version < 19 {
		http.NotFound(w, r)
		return
	}
	// A database that does not exist leaves Odoo without one: the route is not
	// among the server-wide ones, and the answer is its HTML 404 page.
	if db := r.Header.Get("X-Odoo-Database"); db != "" && db != s.opts.Database {
		notFoundNoDB(w)
		return
	}
	rest := strings.TrimPrefix(r.URL.Path, "/json/2/")
	i := strings.LastIndexByte(rest, '/')
	if i <= 0 || r.Method != http.MethodPost {
		s.json2Error(w, &odooError{name: "werkzeug.exceptions.NotFound", msg: "Did you mean POST /json/2/<model>/<method>?"})
		return
	}
	model, method := rest[:i], rest[i+1:]
	auth := r.Header.Get("Authorization")
	key, ok := "", false
	if len(auth) > 7 && strings.EqualFold(auth[:7], "bearer ") {
		key, ok = strings.TrimSpace(auth[7:]), true
	}
	if !ok || key != s.opts.APIKey {
		s.json2Error(w, &odooError{name: "werkzeug.exceptions.Unauthorized", msg: "Invalid apikey"})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 32<<20))
	if err != nil {
		return
	}
	params := map[string]any{}
	if len(body) > 0 {
		if err := json.Unmarshal(body, &params); err != nil {
			s.json2Error(w, &odooError{name: "werkzeug.exceptions.BadRequest", msg: "could not parse the body as json: " + err.Error()})
			return
		}
	}
	s.mu.Lock()
	_, known := s.tables[model]
	s.mu.Unlock()
	if !known {
		s.json2Error(w, &odooError{name: "werkzeug.exceptions.NotFound", msg: fmt.Sprintf("the model %q does not exist", model)})
		return
	}
	if strings.HasPrefix(method, "_") {
		s.json2Error(w, &odooError{name: "odoo.exceptions.AccessError", msg: fmt.Sprintf("Private methods (such as '%s.%s') cannot be called remotely.", model, method)})
		return
	}
	var args []any
	take := func(k string) any {
		v := params[k]
		delete(params, k)
		return v
	}
	switch method {
	case "search", "search_read", "search_count":
		d := take("domain")
		if d == nil {
			d = []any{}
		}
		args = []any{d}
	case "create":
		args = []any{take("vals_list")}
	case "write":
		args = []any{take("ids"), take("vals")}
	default:
		if ids := take("ids"); ids != nil {
			args = []any{ids}
		}
	}
	result, none, drop, err := s.execute(model, method, args, params)
	if drop {
		dropConn(w)
		return
	}
	if err != nil {
		var oe *odooError
		if errors.As(err, &oe) && oe.name == "builtins.AttributeError" {
			// get_public_method's AttributeError becomes a NotFound.
			err = &odooError{name: "werkzeug.exceptions.NotFound", msg: fmt.Sprintf("The method '%s.%s' does not exist", model, method)}
		}
		s.json2Error(w, err)
		return
	}
	if none {
		result = nil
	}
	writeJSON(w, result)
}

// json2Status is the HTTP status Odoo 19 answers an exception with: the
// http_status of UserError and its subclasses (odoo/exceptions.py), the code
// of a werkzeug HTTPException, and 500 for anything else (a ValueError, a
// KeyError, a psycopg2 error).
func json2Status(name string) int {
	switch name {
	case "odoo.exceptions.UserError", "odoo.exceptions.ValidationError":
		return http.StatusUnprocessableEntity
	case "odoo.exceptions.AccessError", "odoo.exceptions.AccessDenied":
		return http.StatusForbidden
	case "odoo.exceptions.MissingError":
		return http.StatusNotFound
	case "odoo.exceptions.LockError":
		return http.StatusConflict
	case "werkzeug.exceptions.NotFound":
		return http.StatusNotFound
	case "werkzeug.exceptions.Unauthorized":
		return http.StatusUnauthorized
	case "werkzeug.exceptions.BadRequest":
		return http.StatusBadRequest
	case "werkzeug.exceptions.UnprocessableEntity":
		return http.StatusUnprocessableEntity
	}
	return http.StatusInternalServerError
}

// json2Error answers serialize_exception's body: an HTTPException's arguments
// are (description, code), other exceptions' their args.
func (s *Server) json2Error(w http.ResponseWriter, err error) {
	var oe *odooError
	if !errors.As(err, &oe) {
		oe = &odooError{name: "builtins.Exception", msg: err.Error()}
	}
	status := json2Status(oe.name)
	args := []any{oe.msg}
	if strings.HasPrefix(oe.name, "werkzeug.") {
		args = append(args, status)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", "Bearer")
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"name": oe.name, "message": oe.msg, "arguments": args, "context": map[string]any{}, "debug": traceback(oe)})
}

// traceback is what Odoo puts in "debug": Python's formatted traceback, with
// the server's file paths, which a client must not show its users.
func traceback(oe *odooError) string {
	cls := strings.TrimPrefix(oe.name, "builtins.")
	return "Traceback (most recent call last):\n" +
		"  File \"/usr/lib/python3/dist-packages/odoo/http.py\", line 2138, in _serve_db\n" +
		"    return service_model.retrying(self._serve_ir_http, self.env)\n" +
		"  File \"/usr/lib/python3/dist-packages/odoo/service/model.py\", line 156, in retrying\n" +
		"    result = func()\n" +
		"  File \"/usr/lib/python3/dist-packages/odoo/models.py\", line 4411, in _validate_fields\n" +
		"    raise exc\n" +
		cls + ": " + oe.msg + "\n"
}

// notFoundNoDB is Odoo's 404 page for a request that names no known database.
func notFoundNoDB(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	io.WriteString(w, "<!DOCTYPE html>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"+
		"<p>No database is selected and the requested URL was not found in the server-wide controllers.</p>\n")
}

package odoo

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
)

// json2 serves the JSON-2 API of Odoo 19 (reference §1.9): POST
// /json/2/<model>/<method>, "Authorization: bearer <API key>", optional
// X-Odoo-Database, named parameters in the body, the raw result as the answer,
// and errors as 4xx/5xx with {name, message, arguments, context, debug}.
func (s *Server) json2(w http.ResponseWriter, r *http.Request) {
	if s.opts.Version < 19 {
		http.NotFound(w, r)
		return
	}
	rest := strings.TrimPrefix(r.URL.Path, "/json/2/")
	i := strings.LastIndexByte(rest, '/')
	if i <= 0 || r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	model, method := rest[:i], rest[i+1:]
	auth := r.Header.Get("Authorization")
	key, ok := strings.CutPrefix(auth, "bearer ")
	if !ok {
		key, ok = strings.CutPrefix(auth, "Bearer ")
	}
	if !ok || key != s.opts.APIKey {
		s.json2Error(w, http.StatusUnauthorized, &odooError{name: "werkzeug.exceptions.Unauthorized", msg: "Invalid apikey"})
		return
	}
	if db := r.Header.Get("X-Odoo-Database"); db != "" && db != s.opts.Database {
		s.json2Error(w, http.StatusNotFound, &odooError{name: "werkzeug.exceptions.NotFound", msg: "database " + db + " not found"})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 32<<20))
	if err != nil {
		return
	}
	params := map[string]any{}
	if len(body) > 0 {
		if err := json.Unmarshal(body, &params); err != nil {
			s.json2Error(w, http.StatusBadRequest, &odooError{name: "werkzeug.exceptions.BadRequest", msg: "Invalid JSON body: " + err.Error()})
			return
		}
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
		status := http.StatusInternalServerError
		var oe *odooError
		if errors.As(err, &oe) {
			switch {
			case strings.HasSuffix(oe.name, "AccessError"), strings.HasSuffix(oe.name, "AccessDenied"):
				status = http.StatusForbidden
			case strings.HasSuffix(oe.name, "MissingError"):
				status = http.StatusNotFound
			case strings.HasSuffix(oe.name, "UserError"), strings.HasSuffix(oe.name, "ValidationError"), strings.HasSuffix(oe.name, "ValueError"):
				status = http.StatusUnprocessableEntity
			}
		}
		s.json2Error(w, status, err)
		return
	}
	if none {
		result = nil
	}
	writeJSON(w, result)
}

func (s *Server) json2Error(w http.ResponseWriter, status int, err error) {
	var oe *odooError
	if !errors.As(err, &oe) {
		oe = &odooError{name: "builtins.Exception", msg: err.Error()}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"name": oe.name, "message": oe.msg, "arguments": []any{oe.msg, status}, "context": map[string]any{}, "debug": "Traceback (most recent call last):\n  ...\n" + oe.name + ": " + oe.msg})
}

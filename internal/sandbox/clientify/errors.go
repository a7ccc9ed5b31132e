package clientify

import (
	"fmt"
	"net/http"
	"strconv"
)

// apiErr is an answer other than success: a DRF JSON body (body) or a Django
// HTML page (html).
type apiErr struct {
	code   int
	body   any
	html   string
	header map[string]string
}

// errMap is a DRF validation body: field → [messages], or field → [{nested}…]
// for the items of a nested list.
type errMap map[string]any

func (m errMap) add(field, msg string) {
	if prev, ok := m[field].([]string); ok {
		m[field] = append(prev, msg)
		return
	}
	m[field] = []string{msg}
}

func detail(code int, format string, args ...any) *apiErr {
	return &apiErr{code: code, body: obj{{"detail", fmt.Sprintf(format, args...)}}}
}

// notFound is DRF's 404 for an id that does not exist (or was deleted).
func notFound() *apiErr { return detail(http.StatusNotFound, "Not found.") }

func invalid(m errMap) *apiErr { return &apiErr{code: http.StatusBadRequest, body: m} }

func invalidField(field, msg string) *apiErr { return invalid(errMap{field: []string{msg}}) }

func methodNotAllowed(method string) *apiErr {
	return detail(http.StatusMethodNotAllowed, "Method %q not allowed.", method)
}

// throttled is DRF's 429 with Retry-After.
func throttled(wait int) *apiErr {
	unit := "seconds"
	if wait == 1 {
		unit = "second"
	}
	e := detail(http.StatusTooManyRequests, "Request was throttled. Expected available in %d %s.", wait, unit)
	e.header = map[string]string{"Retry-After": strconv.Itoa(wait)}
	return e
}

// Django's production pages (DEBUG = False): an unknown URL, and an
// unhandled exception.
const (
	notFoundPage = "<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n" +
		"  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n"
	serverErrorPage = "<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Server Error (500)</title>\n</head>\n<body>\n" +
		"  <h1>Server Error (500)</h1><p></p>\n</body>\n</html>\n"
)

func htmlNotFound() *apiErr { return &apiErr{code: http.StatusNotFound, html: notFoundPage} }

func htmlServerError() *apiErr {
	return &apiErr{code: http.StatusInternalServerError, html: serverErrorPage}
}

func writeErr(w http.ResponseWriter, e *apiErr) {
	for k, v := range e.header {
		w.Header().Set(k, v)
	}
	if e.html != "" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(e.html)))
		w.WriteHeader(e.code)
		w.Write([]byte(e.html))
		return
	}
	writeJSON(w, e.code, e.body)
}

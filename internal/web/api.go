package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/store"
)

// endpoint is one route of the JSON API. The table below serves the API and
// writes its OpenAPI document, so the two cannot disagree.
type endpoint struct {
	Method, Path string
	// Role is the least role allowed.
	Role    store.Role
	Summary string
	Query   []param
	// Body and Resp are examples of the request and response types, for the
	// document; nil for none.
	Body, Resp any
	h          func(w http.ResponseWriter, r *http.Request) (any, error)
}

type param struct{ Name, Desc string }

// Message is the answer of an action.
type Message struct {
	Message string `json:"message"`
}

// RunRequest asks for a pass of a route; Since and Until (dates or RFC 3339
// times, optional) make it read that period.
type RunRequest struct {
	Since string `json:"since,omitempty"`
	Until string `json:"until,omitempty"`
}

// ExportRequest names the source products to export now.
type ExportRequest struct {
	IDs []string `json:"ids"`
}

// ConnectionRequest replaces a connection's settings; credentials given
// (non-empty) replace the stored ones, the others are kept.
type ConnectionRequest struct {
	Settings    json.RawMessage   `json:"settings"`
	Credentials map[string]string `json:"credentials,omitempty"`
}

// InvoiceMethodsRequest sets a payments route's methods billed by invoice.
type InvoiceMethodsRequest struct {
	InvoiceMethods []string `json:"invoice_methods"`
}

// ReviewRequest is a person's decision on an order held for review.
type ReviewRequest struct {
	// Order is the shop's id of the order (as the sales page lists it).
	Order string `json:"order"`
	// Decision is confirm or cancel.
	Decision string `json:"decision"`
}

// WarehouseRequest sets the warehouse a connection reads stock from.
type WarehouseRequest struct {
	Warehouse string `json:"warehouse"`
}

func (s *Server) endpoints() []endpoint {
	return []endpoint{
		{Method: "GET", Path: "/api/v1/overview", Role: store.RoleViewer, Summary: "Connections with their health, routes with last and next run, lag and counts, and the last 24 hours", Resp: Overview{}, h: func(w http.ResponseWriter, r *http.Request) (any, error) {
			return s.overview(r.Context())
		}},
		{Method: "POST", Path: "/api/v1/connections/{name}/test", Role: store.RoleOperator, Summary: "Test a connection now", Resp: testResult{}, h: func(w http.ResponseWriter, r *http.Request) (any, error) {
			if _, ok := s.hub.Config.Connections[r.PathValue("name")]; !ok {
				return nil, &notFoundError{fmt.Sprintf("no connection named %q", r.PathValue("name"))}
			}
			return s.testConnection(r.Context(), r.PathValue("name"))
		}},
		{Method: "PUT", Path: "/api/v1/connections/{name}", Role: store.RoleAdmin, Summary: "Replace a connection's settings and credentials (write-only)", Body: ConnectionRequest{}, Resp: Message{}, h: func(w http.ResponseWriter, r *http.Request) (any, error) {
			var req ConnectionRequest
			if err := decodeBody(r, &req); err != nil {
				return nil, err
			}
			return message(s.setConnection(r, r.PathValue("name"), req.Settings, req.Credentials))
		}},
		{Method: "PUT", Path: "/api/v1/connections/{name}/warehouse", Role: store.RoleAdmin, Summary: "Set the warehouse a connection reads stock from", Body: WarehouseRequest{}, Resp: Message{}, h: func(w http.ResponseWriter, r *http.Request) (any, error) {
			var req WarehouseRequest
			if err := decodeBody(r, &req); err != nil {
				return nil, err
			}
			return message(s.setWarehouse(r, r.PathValue("name"), strings.TrimSpace(req.Warehouse)))
		}},
		{Method: "POST", Path: "/api/v1/routes/{name}/run", Role: store.RoleOperator, Summary: "Run a pass of a route now, optionally over a period (orders)", Body: RunRequest{}, Resp: Message{}, h: func(w http.ResponseWriter, r *http.Request) (any, error) {
			var req RunRequest
			if err := decodeBody(r, &req); err != nil {
				return nil, err
			}
			return message(s.runRoute(r, r.PathValue("name"), req.Since, req.Until))
		}},
		{Method: "POST", Path: "/api/v1/routes/{name}/retry-held", Role: store.RoleOperator, Summary: "Re-run every parked or failed job of a route", Resp: Message{}, h: func(w http.ResponseWriter, r *http.Request) (any, error) {
			return message(s.retryHeld(r, r.PathValue("name")))
		}},
		{Method: "PUT", Path: "/api/v1/routes/{name}/options", Role: store.RoleAdmin, Summary: "Replace a route's options (validated; re-runs the jobs parked on them)", Body: map[string]any{}, Resp: Message{}, h: func(w http.ResponseWriter, r *http.Request) (any, error) {
			raw, err := readBody(r)
			if err != nil {
				return nil, err
			}
			return message(s.setRouteOptions(r, r.PathValue("name"), raw))
		}},
		{Method: "GET", Path: "/api/v1/orders", Role: store.RoleViewer, Summary: "A page of an orders route's orders: held ones first with the reason, then skipped, then imported ones with the target's own state", Query: []param{{"route", "the orders route (default: the first)"}, {"q", "part of an order number"}, {"show", "held, skipped or imported (default all)"}, {"offset", "orders to pass over (default 0)"}, {"limit", "orders to list (default 50, at most 500)"}}, Resp: flow.OrderPage{}, h: func(w http.ResponseWriter, r *http.Request) (any, error) {
			rp := s.pickRoute(r, "orders")
			if rp.Route == "" {
				return flow.OrderPage{Orders: []flow.OrderView{}}, nil
			}
			q := r.URL.Query()
			offset, limit, err := pageArgs(q, 50, 500)
			if err != nil {
				return nil, err
			}
			pg, err := flow.OrderViews(r.Context(), s.hub.Flows, rp.Route, flow.OrderQuery{Search: q.Get("q"), Show: q.Get("show"), Offset: offset, Limit: limit})
			pg.Orders = nonNil(pg.Orders)
			w.Header().Set("X-Total-Count", strconv.Itoa(pg.Total))
			return pg, err
		}},
		{Method: "GET", Path: "/api/v1/instances", Role: store.RoleViewer, Summary: "Each shop (the source of an orders route) with its figures of today and 7 days, the orders waiting for review, and the routes that serve it", Resp: []Instance{}, h: func(w http.ResponseWriter, r *http.Request) (any, error) {
			return s.instances(r.Context())
		}},
		{Method: "GET", Path: "/api/v1/instances/{name}/configuration", Role: store.RoleViewer, Summary: "An instance's configuration: the seed's settings with their values in force and where each is set, and the settings of its connections and routes", Resp: InstanceConfig{}, h: func(w http.ResponseWriter, r *http.Request) (any, error) {
			return s.instanceConfig(r.Context(), r.PathValue("name"))
		}},
		{Method: "GET", Path: "/api/v1/processes", Role: store.RoleViewer, Summary: "A queue per route: its records waiting, waiting for a retry or their time, running, parked and failed, and the newest ones", Resp: []ProcessQueue{}, h: func(w http.ResponseWriter, r *http.Request) (any, error) {
			return s.processes(r.Context())
		}},
		{Method: "POST", Path: "/api/v1/routes/{name}/process", Role: store.RoleOperator, Summary: "Process a route's queue now: run its records waiting for a retry or their time", Resp: Message{}, h: func(w http.ResponseWriter, r *http.Request) (any, error) {
			return message(s.processNow(r, r.PathValue("name")))
		}},
		{Method: "GET", Path: "/api/v1/sales", Role: store.RoleViewer, Summary: "The sales page: orders held for review (risky quotations) with their target's live state, credit notes of refunds and bank statements of payouts", Resp: salesData{}, h: func(w http.ResponseWriter, r *http.Request) (any, error) {
			return s.sales(r)
		}},
		{Method: "POST", Path: "/api/v1/routes/{name}/review", Role: store.RoleOperator, Summary: "Confirm (running the route's workflow) or cancel an order an orders route held for review", Body: ReviewRequest{}, Resp: Message{}, h: func(w http.ResponseWriter, r *http.Request) (any, error) {
			var req ReviewRequest
			if err := decodeBody(r, &req); err != nil {
				return nil, err
			}
			return message(s.reviewOrder(r, r.PathValue("name"), req.Order, req.Decision))
		}},
		{Method: "GET", Path: "/api/v1/reports/sales", Role: store.RoleViewer, Summary: "Sales of the orders ferry imported by day, product or instance, with a pivot per instance in the main currency", Query: []param{{"by", "day (default), product or instance"}, {"from", "first date, 2026-11-01"}, {"to", "last date, inclusive"}}, Resp: flow.SalesReport{}, h: func(w http.ResponseWriter, r *http.Request) (any, error) {
			sq, _, err := salesQuery(r)
			if err != nil {
				return nil, err
			}
			return s.hub.Flows.SalesReport(r.Context(), sq)
		}},
		{Method: "GET", Path: "/api/v1/products", Role: store.RoleViewer, Summary: "Source products of a products route with their export state and whether the target holds each SKU (read live; in_target is absent when that is not known, and the header X-Target-Error says why)", Query: []param{{"route", "the products route (default: the first)"}, {"state", "parked, never, changed or exported"}, {"q", "part of a SKU or name"}, {"missing", "1: only the products lacking a SKU in the target"}, {"limit", "default 500"}}, Resp: []flow.ProductView{}, h: func(w http.ResponseWriter, r *http.Request) (any, error) {
			rp := s.pickRoute(r, "products")
			if rp.Route == "" {
				return []flow.ProductView{}, nil
			}
			q := r.URL.Query()
			limit, _ := strconv.Atoi(q.Get("limit"))
			pg, err := flow.ProductSync(r.Context(), s.hub.Flows, rp.Route, flow.ProductFilter{State: flow.ProductState(q.Get("state")), Query: q.Get("q"), Missing: q.Get("missing") != "" && q.Get("missing") != "0", Limit: limit})
			w.Header().Set("X-Total-Count", strconv.Itoa(pg.Total))
			w.Header().Set("X-Missing-Count", strconv.Itoa(pg.Missing))
			if pg.TargetError != "" {
				w.Header().Set("X-Target-Error", strings.ToValidUTF8(strings.NewReplacer("\r", " ", "\n", " ").Replace(pg.TargetError), "?"))
			}
			return nonNil(pg.Products), err
		}},
		{Method: "GET", Path: "/api/v1/routes/{name}/product-sync", Role: store.RoleViewer, Summary: "The product sync page of a products route: its products with whether the target holds them, how many it lacks, why the target could not be read, and when the source was last refreshed", Query: []param{{"state", "parked, never, changed or exported"}, {"q", "part of a SKU or name"}, {"missing", "1: only the products lacking a SKU in the target"}, {"limit", "default 500"}}, Resp: flow.ProductPage{}, h: func(w http.ResponseWriter, r *http.Request) (any, error) {
			if _, err := s.routeOf(r.PathValue("name"), "products"); err != nil {
				return nil, &notFoundError{err.Error()}
			}
			q := r.URL.Query()
			limit, _ := strconv.Atoi(q.Get("limit"))
			return flow.ProductSync(r.Context(), s.hub.Flows, r.PathValue("name"), flow.ProductFilter{State: flow.ProductState(q.Get("state")), Query: q.Get("q"), Missing: q.Get("missing") != "" && q.Get("missing") != "0", Limit: limit})
		}},
		{Method: "POST", Path: "/api/v1/routes/{name}/refresh", Role: store.RoleOperator, Summary: "Read every product of a products route's source again (the product sync page's Refresh); nothing is written to the target", Resp: Message{}, h: func(w http.ResponseWriter, r *http.Request) (any, error) {
			return message(s.refreshProducts(r, r.PathValue("name")))
		}},
		{Method: "POST", Path: "/api/v1/routes/{name}/export", Role: store.RoleOperator, Summary: "Create or update source products in the target now, even when unchanged", Body: ExportRequest{}, Resp: Message{}, h: func(w http.ResponseWriter, r *http.Request) (any, error) {
			var req ExportRequest
			if err := decodeBody(r, &req); err != nil {
				return nil, err
			}
			return message(s.exportNow(r, r.PathValue("name"), req.IDs))
		}},
		{Method: "GET", Path: "/api/v1/jobs", Role: store.RoleViewer, Summary: "Jobs, newest first", Query: []param{{"route", "only this route's"}, {"state", "parked, failed, retryable, running, available, scheduled, pending, completed or cancelled"}, {"limit", "default 200"}}, Resp: []jobs.Info{}, h: func(w http.ResponseWriter, r *http.Request) (any, error) {
			q := r.URL.Query()
			f := jobs.Filter{Route: q.Get("route"), Limit: 200}
			if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 {
				f.Limit = min(n, 5000)
			}
			if st := q.Get("state"); st != "" {
				if !contains(stateNames(), st) {
					return nil, badInput("state %q: use one of %s", st, strings.Join(stateNames(), ", "))
				}
				f.States = []jobs.State{jobs.State(st)}
			}
			list, err := s.hub.Queue.List(r.Context(), f)
			if list == nil {
				list = []jobs.Info{}
			}
			return list, err
		}},
		{Method: "GET", Path: "/api/v1/jobs/{id}", Role: store.RoleViewer, Summary: "One job with its reason and log lines", Resp: JobDetail{}, h: func(w http.ResponseWriter, r *http.Request) (any, error) {
			id, err := parseJobID(r.PathValue("id"))
			if err != nil {
				return nil, err
			}
			d, err := s.jobDetail(r.Context(), id)
			if err != nil {
				return nil, &notFoundError{fmt.Sprintf("no job %d", id)}
			}
			return d, nil
		}},
		{Method: "POST", Path: "/api/v1/jobs/{id}/retry", Role: store.RoleOperator, Summary: "Run a job again", Resp: Message{}, h: func(w http.ResponseWriter, r *http.Request) (any, error) {
			return message(s.retryJob(r, r.PathValue("id")))
		}},
		{Method: "POST", Path: "/api/v1/jobs/{id}/cancel", Role: store.RoleOperator, Summary: "Cancel a job that has not finished", Resp: Message{}, h: func(w http.ResponseWriter, r *http.Request) (any, error) {
			return message(s.cancelJob(r, r.PathValue("id")))
		}},
		{Method: "GET", Path: "/api/v1/logs", Role: store.RoleViewer, Summary: "Log lines, newest first", Query: []param{{"route", ""}, {"level", "debug, info, warn or error"}, {"entity", "e.g. order 1042"}, {"since", "date or RFC 3339"}, {"until", "date or RFC 3339"}, {"before", "log line id, for the next page"}}, Resp: []store.LogLine{}, h: func(w http.ResponseWriter, r *http.Request) (any, error) {
			f, err := logFilter(r.URL.Query())
			if err != nil {
				return nil, badInput("%v", err)
			}
			lines, err := s.st().ListLogs(r.Context(), f)
			if lines == nil {
				lines = []store.LogLine{}
			}
			return lines, err
		}},
		{Method: "GET", Path: "/api/v1/mappings", Role: store.RoleViewer, Summary: "Shipping and payment method rules, methods billed by invoice, warehouses", Resp: Mappings{}, h: func(w http.ResponseWriter, r *http.Request) (any, error) {
			return s.mappings(r.Context())
		}},
		{Method: "PUT", Path: "/api/v1/routes/{name}/mappings", Role: store.RoleAdmin, Summary: "Replace an orders route's shipping and payment method rules; re-runs the orders parked on them", Body: OrdersMapping{}, Resp: Message{}, h: func(w http.ResponseWriter, r *http.Request) (any, error) {
			var req OrdersMapping
			if err := decodeBody(r, &req); err != nil {
				return nil, err
			}
			return message(s.setOrdersMapping(r, r.PathValue("name"), req))
		}},
		{Method: "POST", Path: "/api/v1/routes/{name}/mappings/preview", Role: store.RoleAdmin, Summary: "What an orders route's shipping method rules would hold, before saving them: the shop's known methods that match no rule, with the orders of the last 30 days that used each", Body: OrdersMapping{}, Resp: MappingPreview{}, h: func(w http.ResponseWriter, r *http.Request) (any, error) {
			var req OrdersMapping
			if err := decodeBody(r, &req); err != nil {
				return nil, err
			}
			return s.previewShipping(r.Context(), r.PathValue("name"), req.ShippingMethods)
		}},
		{Method: "GET", Path: "/api/v1/routes/{name}/mappings/choices", Role: store.RoleViewer, Summary: "The names an orders route's mappings may use: the shop's shipping and payment methods, the target's carriers and taxes", Resp: Choices{}, h: func(w http.ResponseWriter, r *http.Request) (any, error) {
			rt, err := s.routeOf(r.PathValue("name"), "orders")
			if err != nil {
				return nil, &notFoundError{err.Error()}
			}
			return s.choices(r.Context(), rt), nil
		}},
		{Method: "PUT", Path: "/api/v1/routes/{name}/invoice-methods", Role: store.RoleAdmin, Summary: "Replace a payments route's methods billed by invoice", Body: InvoiceMethodsRequest{}, Resp: Message{}, h: func(w http.ResponseWriter, r *http.Request) (any, error) {
			var req InvoiceMethodsRequest
			if err := decodeBody(r, &req); err != nil {
				return nil, err
			}
			return message(s.setInvoiceMethods(r, r.PathValue("name"), req.InvoiceMethods))
		}},
		{Method: "GET", Path: "/api/v1/settings", Role: store.RoleViewer, Summary: "Connections (credentials only as set or not) and routes with their options", Resp: SettingsView{}, h: func(w http.ResponseWriter, r *http.Request) (any, error) {
			return s.settingsView(r.Context())
		}},
	}
}

func stateNames() []string {
	out := make([]string, len(jobs.States))
	for i, s := range jobs.States {
		out[i] = string(s)
	}
	return out
}

func message(msg string, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return Message{Message: msg}, nil
}

// decodeBody reads a JSON body into v, refusing unknown fields; an empty body
// leaves v as it is.
func decodeBody(r *http.Request, v any) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badInput("body: %v", err)
	}
	return nil
}

func (s *Server) mountAPI() {
	for _, e := range s.endpoints() {
		e := e
		s.mux.Handle(e.Method+" "+e.Path, s.guard(e.Role, true, func(w http.ResponseWriter, r *http.Request) {
			v, err := e.h(w, r)
			if err != nil {
				status := statusOf(err)
				if status == http.StatusInternalServerError {
					s.opts.Logger.Error("api", "method", r.Method, "path", r.URL.Path, "err", err)
				}
				writeJSON(w, status, map[string]string{"error": err.Error()})
				return
			}
			writeJSON(w, http.StatusOK, v)
		}))
	}
	s.mux.HandleFunc("GET /api/v1/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.openAPI())
	})
	// Unknown API paths answer JSON, not the dashboard's pages.
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no API route " + r.Method + " " + r.URL.Path + "; see /api/v1/openapi.json"})
	})
}

var pathParam = regexp.MustCompile(`\{([a-z]+)\}`)

// openAPI writes the OpenAPI 3.1 document of the endpoints.
func (s *Server) openAPI() map[string]any {
	schemas := map[string]any{}
	paths := map[string]map[string]any{}
	for _, e := range s.endpoints() {
		op := map[string]any{
			"summary":     e.Summary,
			"operationId": strings.ToLower(e.Method) + strings.NewReplacer("/api/v1/", "_", "/", "_", "{", "", "}", "", "-", "_").Replace(e.Path),
			"description": "Needs the role " + string(e.Role) + " or higher.",
			"security":    []any{map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}}},
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(e.Path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		for _, q := range e.Query {
			params = append(params, map[string]any{"name": q.Name, "in": "query", "description": q.Desc, "schema": map[string]any{"type": "string"}})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if e.Body != nil {
			op["requestBody"] = map[string]any{"required": false, "content": map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(e.Body), schemas)}}}
		}
		errResp := map[string]any{"description": "error", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
		op["responses"] = map[string]any{
			"200": map[string]any{"description": "OK", "content": map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(e.Resp), schemas)}}},
			"400": errResp, "401": errResp, "403": errResp, "404": errResp,
		}
		if paths[e.Path] == nil {
			paths[e.Path] = map[string]any{}
		}
		paths[e.Path][strings.ToLower(e.Method)] = op
	}
	schemas["Error"] = map[string]any{"type": "object", "properties": map[string]any{"error": map[string]any{"type": "string"}}, "required": []string{"error"}}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "ferry API", "version": "1",
			"description": "The dashboard's data and actions. Authenticate with an API token (`ferry users token NAME`) as `Authorization: Bearer fy_…`; a browser session also works, with its CSRF token in X-CSRF-Token for changes."},
		"paths": paths,
		"components": map[string]any{
			"schemas": schemas,
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie},
			},
		},
	}
}

var timeType = reflect.TypeOf(time.Time{})
var rawType = reflect.TypeOf(json.RawMessage{})

// schemaOf returns the JSON Schema of a Go type as encoding/json writes it,
// adding named structs to schemas and referring to them.
func schemaOf(t reflect.Type, schemas map[string]any) map[string]any {
	if t == nil {
		return map[string]any{}
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == rawType:
		return map[string]any{}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return schemaOf(t.Elem(), schemas)
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "contentEncoding": "base64"}
		}
		return map[string]any{"type": "array", "items": schemaOf(t.Elem(), schemas)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), schemas)}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		name := t.Name()
		if name == "" {
			return structSchema(t, schemas)
		}
		if _, ok := schemas[name]; !ok {
			schemas[name] = map[string]any{} // breaks cycles
			schemas[name] = structSchema(t, schemas)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

func structSchema(t reflect.Type, schemas map[string]any) map[string]any {
	props := map[string]any{}
	var collect func(t reflect.Type)
	collect = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" {
				ft := f.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					collect(ft)
					continue
				}
			}
			if name == "" {
				name = f.Name
			}
			props[name] = schemaOf(f.Type, schemas)
		}
	}
	collect(t)
	return map[string]any{"type": "object", "properties": props}
}

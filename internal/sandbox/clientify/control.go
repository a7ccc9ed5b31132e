package clientify

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/sandbox/fault"
)

// State is the account's summary for assertions (GET /_sandbox/state).
type State struct {
	Counts         map[string]int        `json:"counts"`      // live records per kind
	APIWrites      map[string]WriteCount `json:"api_writes"`  // through the API key
	UserWrites     map[string]WriteCount `json:"user_writes"` // by the CRM user (UserCreate …)
	Deleted        map[string][]int      `json:"deleted"`     // deleted ids per kind, in order
	Requests       int64                 `json:"requests"`
	CommitFailures int                   `json:"commit_failures"`
	Faults         fault.Stats           `json:"faults"`
	Webhooks       WebhookStats          `json:"webhooks"`
}

// State returns the counts of the sandbox.
func (s *Server) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := State{Counts: map[string]int{}, APIWrites: map[string]WriteCount{}, UserWrites: map[string]WriteCount{},
		Deleted: map[string][]int{}, Requests: s.requests, CommitFailures: len(s.commitLog), Faults: s.faults.Stats(),
		Webhooks: s.WebhookStats()}
	for _, res := range resources {
		st.Counts[res.name] = len(s.recs[res.name])
		st.APIWrites[res.name] = *s.apiWrites[res.name]
		st.UserWrites[res.name] = *s.userWrites[res.name]
		st.Deleted[res.name] = append([]int{}, s.deleted[res.name]...)
	}
	return st
}

// APIError is a write the sandbox refused, with the answer the API gives.
type APIError struct {
	Status int
	Body   string
}

func (e *APIError) Error() string { return fmt.Sprintf("clientify sandbox: %d %s", e.Status, e.Body) }

func toError(e *apiErr) error {
	if e == nil {
		return nil
	}
	b, _ := json.Marshal(e.body)
	return &APIError{Status: e.code, Body: string(b)}
}

func kindOf(kind string) (*resource, error) {
	res := byName[kind]
	if res == nil {
		return nil, fmt.Errorf("clientify sandbox: no kind %q (companies, contacts, products, deals, orders)", kind)
	}
	return res, nil
}

// Record is one record as GET /v2/… renders it (all fields, v2 hyperlinks).
func (s *Server) Record(kind string, id int) (map[string]any, bool) {
	res, err := kindOf(kind)
	if err != nil {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.recs[res.name][id]
	if r == nil {
		return nil, false
	}
	return s.snapshot(res, r), true
}

// Records are all records of kind, ordered by (modified, id).
func (s *Server) Records(kind string) []map[string]any {
	res, err := kindOf(kind)
	if err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var recs []*rec
	for _, r := range s.recs[res.name] {
		recs = append(recs, r)
	}
	sortRecs(recs, orderTerms(res, ""))
	out := make([]map[string]any, len(recs))
	for i, r := range recs {
		out[i] = s.snapshot(res, r)
	}
	return out
}

// IDs are the ids of kind in id order.
func (s *Server) IDs(kind string) []int {
	res, err := kindOf(kind)
	if err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []int
	for id := range s.recs[res.name] {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	return ids
}

// UserCreate creates a record as a CRM user would in Clientify's UI: with the
// API's validation, modified now, webhooks firing (user_id is the CRM user's).
func (s *Server) UserCreate(kind string, body map[string]any) (map[string]any, error) {
	return s.userWrite(kind, 0, body, mCreate)
}

// UserUpdate changes a record as a CRM user would (PATCH semantics): modified
// moves and webhooks fire.
func (s *Server) UserUpdate(kind string, id int, patch map[string]any) (map[string]any, error) {
	return s.userWrite(kind, id, patch, mPatch)
}

func (s *Server) userWrite(kind string, id int, body map[string]any, m mode) (map[string]any, error) {
	res, err := kindOf(kind)
	if err != nil {
		return nil, err
	}
	body = jsonish(body)
	s.mu.Lock()
	var r *rec
	if m != mCreate {
		if r = s.recs[res.name][id]; r == nil {
			s.mu.Unlock()
			return nil, toError(notFound())
		}
	}
	r, e := s.save(res, r, body, m, s.crm, s.now())
	var out map[string]any
	if e == nil {
		out = s.snapshot(res, r)
	}
	events := s.takeOutbox()
	s.mu.Unlock()
	s.hooks.emit(events)
	return out, toError(e)
}

// UserDelete deletes a record as a CRM user would; company.deleted and the
// other deleted webhooks fire.
func (s *Server) UserDelete(kind string, id int) error {
	res, err := kindOf(kind)
	if err != nil {
		return err
	}
	s.mu.Lock()
	r := s.recs[res.name][id]
	if r == nil {
		s.mu.Unlock()
		return toError(notFound())
	}
	s.remove(res, r, s.crm, s.now())
	events := s.takeOutbox()
	s.mu.Unlock()
	s.hooks.emit(events)
	return nil
}

// jsonish makes a Go map look like a decoded JSON body (ints become
// json.Number), so that the API's validation applies unchanged.
func jsonish(m map[string]any) map[string]any {
	b, err := json.Marshal(m)
	if err != nil {
		return m
	}
	v, e := decodeJSON(b)
	if e != nil {
		return m
	}
	out, _ := v.(map[string]any)
	return out
}

// SetRateLimit changes the requests per second per key (≤ 0: unlimited).
func (s *Server) SetRateLimit(perSecond int) { s.throttle.setRate(perSecond) }

// load places the initial data, as the CRM user's, quietly.
func (s *Server) load(d *Data) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for _, part := range []struct {
		res  *resource
		recs []Seeded
	}{{companyRes, d.Companies}, {contactRes, d.Contacts}, {productRes, d.Products}, {dealRes, d.Deals}, {orderRes, d.Orders}} {
		for _, sd := range part.recs {
			seed := &seedOpt{id: sd.ID, created: now.Add(-sd.Age).Truncate(time.Microsecond), modified: now.Add(-sd.Touched).Truncate(time.Microsecond)}
			if seed.id == 0 {
				seed.id = s.next[part.res.name]
			}
			s.saveWith(part.res, nil, jsonish(sd.Body), mCreate, s.crm, seed.modified, seed)
		}
	}
}

// serveControl serves /_sandbox/… (no auth, no faults; doc.go).
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	path := strings.Trim(strings.TrimPrefix(r.URL.Path, "/_sandbox/"), "/")
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	bad := func(format string, args ...any) { writeErr(w, detail(http.StatusBadRequest, format, args...)) }
	put := r.Method == http.MethodPut || r.Method == http.MethodPost
	switch {
	case path == "state" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.State())
	case path == "commit-then-fail" && put:
		var c CommitThenFail
		if err := strictDecode(body, &c); err != nil {
			bad("commit-then-fail: %v", err)
			return
		}
		if err := s.SetCommitThenFail(c); err != nil {
			bad("%v", err)
			return
		}
		fallthrough
	case path == "commit-then-fail" && r.Method == http.MethodGet:
		s.mu.Lock()
		c := s.commit
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"config": c, "failures": s.CommitFailures()})
	case path == "rate-limit" && put:
		var v struct {
			Rate int `json:"rate"`
		}
		if err := strictDecode(body, &v); err != nil {
			bad(`rate-limit: body must be {"rate": n}: %v`, err)
			return
		}
		s.SetRateLimit(v.Rate)
		writeJSON(w, http.StatusOK, v)
	case path == "webhooks" && put:
		var hooks []Webhook
		if err := strictDecode(body, &hooks); err != nil {
			bad(`webhooks: body must be [{"url": "...", "events": [...], "token": "..."}]: %v`, err)
			return
		}
		if err := s.SetWebhooks(hooks); err != nil {
			bad("%v", err)
			return
		}
		fallthrough
	case path == "webhooks" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]any{"slots": s.Webhooks(), "faults": s.WebhookFaults(), "stats": s.WebhookStats()})
	case path == "webhooks/faults" && put:
		var f WebhookFaults
		if err := strictDecode(body, &f); err != nil {
			bad(`webhooks/faults: body must be {"drop": n, "duplicate": n, "drop_rate": x, "duplicate_rate": x}: %v`, err)
			return
		}
		if err := s.SetWebhookFaults(f); err != nil {
			bad("%v", err)
			return
		}
		fallthrough
	case path == "webhooks/faults" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.WebhookFaults())
	case path == "webhooks/deliveries" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.Deliveries())
	case strings.HasPrefix(path, "records/"):
		s.serveRecordControl(w, r, strings.Split(strings.TrimPrefix(path, "records/"), "/"), body)
	default:
		writeErr(w, detail(http.StatusNotFound, "no sandbox endpoint %s %s; see the package doc", r.Method, r.URL.Path))
	}
}

// serveRecordControl: GET /_sandbox/records/{kind}[/{id}], POST
// /_sandbox/records/{kind} (UserCreate), PATCH and DELETE
// /_sandbox/records/{kind}/{id} (UserUpdate, UserDelete).
func (s *Server) serveRecordControl(w http.ResponseWriter, r *http.Request, parts []string, body []byte) {
	kind := parts[0]
	if _, err := kindOf(kind); err != nil || len(parts) > 2 {
		writeErr(w, detail(http.StatusNotFound, "no kind %q", kind))
		return
	}
	id := 0
	if len(parts) == 2 {
		id, _ = strconv.Atoi(parts[1])
	}
	reply := func(out map[string]any, err error, code int) {
		if ae, ok := err.(*APIError); ok {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(ae.Status)
			io.WriteString(w, ae.Body)
			return
		}
		writeJSON(w, code, out)
	}
	decode := func() (map[string]any, bool) {
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			writeErr(w, detail(http.StatusBadRequest, "records: body must be a JSON object: %v", err))
			return nil, false
		}
		return m, true
	}
	switch {
	case len(parts) == 1 && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.Records(kind))
	case len(parts) == 1 && r.Method == http.MethodPost:
		if m, ok := decode(); ok {
			out, err := s.UserCreate(kind, m)
			reply(out, err, http.StatusCreated)
		}
	case len(parts) == 2 && r.Method == http.MethodGet:
		out, ok := s.Record(kind, id)
		if !ok {
			writeErr(w, notFound())
			return
		}
		writeJSON(w, http.StatusOK, out)
	case len(parts) == 2 && (r.Method == http.MethodPatch || r.Method == http.MethodPut):
		if m, ok := decode(); ok {
			out, err := s.UserUpdate(kind, id, m)
			reply(out, err, http.StatusOK)
		}
	case len(parts) == 2 && r.Method == http.MethodDelete:
		if err := s.UserDelete(kind, id); err != nil {
			reply(nil, err, 0)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		writeErr(w, methodNotAllowed(r.Method))
	}
}

func strictDecode(body []byte, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

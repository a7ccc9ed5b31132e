package clientify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// sharedDir finds /work/shared (shared/samples/clientify) by walking up from
// the package directory; $FERRY_SHARED overrides. The samples are never
// copied into the repository.
func sharedDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("FERRY_SHARED"); d != "" {
		return d
	}
	dir, _ := os.Getwd()
	for {
		c := filepath.Join(dir, "shared")
		if st, err := os.Stat(filepath.Join(c, "samples", "clientify")); err == nil && st.IsDir() {
			return c
		}
		up := filepath.Dir(dir)
		if up == dir {
			break
		}
		dir = up
	}
	t.Skip("the shared folder (shared/samples/clientify) is not here")
	return ""
}

func samplesDir(t testing.TB) string { return filepath.Join(sharedDir(t), "samples", "clientify") }

func sample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(samplesDir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const testKey = "k3y-0123456789"

// madrid is the zone Clientify writes times in (+01:00).
var madrid = time.FixedZone("CET", 3600)

// rec is one record of the fake.
type rec struct {
	fields   map[string]any
	modified time.Time
}

// fake is a small Clientify written from the reference's wire format: DRF
// listings with absolute next links, Token auth, trailing slashes, v2's
// required fields= on contact and company listings, the filters the client
// uses, and a clock that moves a step with every request.
type fake struct {
	t   testing.TB
	srv *httptest.Server

	mu     sync.Mutex
	recs   map[string]map[int64]*rec
	nextID int64
	now    time.Time
	step   time.Duration
	calls  []string
	posts  int
	// before runs (locked) before each request is handled; it may change
	// records (the interleavings of the pass tests) or answer itself
	// (returning true).
	before func(f *fake, w http.ResponseWriter, r *http.Request) bool
	// dropAfter, when it answers true, applies the request and then drops
	// the connection without an answer.
	dropAfter func(r *http.Request) bool
	// noDate leaves the Date header to net/http (the real clock).
	noDate bool
}

func newFake(t testing.TB) *fake {
	f := &fake{t: t, recs: map[string]map[int64]*rec{}, nextID: 1000, now: time.Date(2025, 12, 21, 15, 0, 0, 0, time.UTC), step: 250 * time.Millisecond}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// client returns a client of the fake's /v2.
func (f *fake) client(t testing.TB) *Client {
	t.Helper()
	s := DefaultSettings()
	s.BaseURL = f.srv.URL + "/v2"
	s.RateLimit = 0
	s.PageSize = 3
	c, err := New("crm", *s, testKey, f.srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// add stores a record of resource ("contacts") modified at m.
func (f *fake) add(resource string, fields map[string]any, m time.Time) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.addLocked(resource, fields, m)
}

func (f *fake) addLocked(resource string, fields map[string]any, m time.Time) int64 {
	if f.recs[resource] == nil {
		f.recs[resource] = map[int64]*rec{}
	}
	id, _ := fields["id"].(int64)
	if id == 0 {
		f.nextID++
		id = f.nextID
	}
	cp := map[string]any{}
	for k, v := range fields {
		cp[k] = v
	}
	cp["id"] = id
	f.recs[resource][id] = &rec{fields: cp, modified: m}
	return id
}

// touch marks a record changed now (locked).
func (f *fake) touch(resource string, id int64) {
	if r := f.recs[resource][id]; r != nil {
		r.modified = f.now
	}
}

func (f *fake) count(resource string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.recs[resource])
}

func (f *fake) render(resource string, r *rec) map[string]any {
	out := map[string]any{}
	for k, v := range r.fields {
		out[k] = v
	}
	out["url"] = f.srv.URL + "/v2/" + resource + "/" + strconv.FormatInt(r.fields["id"].(int64), 10) + "/"
	out["modified"] = r.modified.In(madrid).Format("2006-01-02T15:04:05.000000-07:00")
	return out
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (f *fake) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.now = f.now.Add(f.step)
	f.calls = append(f.calls, r.Method+" "+r.URL.RequestURI())
	if !f.noDate {
		w.Header().Set("Date", f.now.UTC().Format(http.TimeFormat))
	}
	if f.before != nil && f.before(f, w, r) {
		f.mu.Unlock()
		return
	}
	rr := httptest.NewRecorder()
	f.handle(rr, r)
	drop := f.dropAfter != nil && f.dropAfter(r)
	f.mu.Unlock()
	if drop {
		panic(http.ErrAbortHandler)
	}
	for k, v := range rr.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rr.Code)
	w.Write(rr.Body.Bytes())
}

func (f *fake) handle(w http.ResponseWriter, r *http.Request) {
	switch a := r.Header.Get("Authorization"); {
	case a == "":
		writeJSON(w, 404, map[string]string{"detail": "Api key not provided."})
		return
	case a != "Token "+testKey:
		writeJSON(w, 401, map[string]string{"detail": "Invalid token."})
		return
	}
	p := r.URL.Path
	if !strings.HasPrefix(p, "/v2/") || !strings.HasSuffix(p, "/") {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(404)
		fmt.Fprint(w, "<html><head><title>Page not found at /</title></head><body><h1>Not Found</h1></body></html>")
		return
	}
	segs := strings.Split(strings.Trim(strings.TrimPrefix(p, "/v2/"), "/"), "/")
	if len(segs) == 1 && segs[0] == "me" {
		writeJSON(w, 200, map[string]any{"id": 7, "email": "rafa@example.com"})
		return
	}
	res := segs[0]
	var body map[string]any
	if r.Body != nil {
		b := new(bytes.Buffer)
		b.ReadFrom(r.Body)
		if b.Len() > 0 {
			if err := json.Unmarshal(b.Bytes(), &body); err != nil {
				writeJSON(w, 400, map[string][]string{"non_field_errors": {"JSON parse error"}})
				return
			}
		}
	}
	switch {
	case len(segs) == 1 && r.Method == http.MethodGet:
		f.list(w, r, res)
	case len(segs) == 1 && r.Method == http.MethodPost:
		f.posts++
		f.create(w, res, body)
	case len(segs) == 2 && (r.Method == http.MethodGet || r.Method == http.MethodPut):
		id, _ := strconv.ParseInt(segs[1], 10, 64)
		x := f.recs[res][id]
		if x == nil {
			writeJSON(w, 404, map[string]string{"detail": "Not found."})
			return
		}
		if r.Method == http.MethodPut {
			for k, v := range body {
				x.fields[k] = v
			}
			x.modified = f.now
		}
		writeJSON(w, 200, f.render(res, x))
	case len(segs) == 3 && r.Method == http.MethodPost:
		id, _ := strconv.ParseInt(segs[1], 10, 64)
		x := f.recs[res][id]
		if x == nil {
			writeJSON(w, 404, map[string]string{"detail": "Not found."})
			return
		}
		f.nextID++
		body["id"] = f.nextID
		l, _ := x.fields[segs[2]].([]any)
		x.fields[segs[2]] = append(l, body)
		x.modified = f.now
		writeJSON(w, 201, body)
	default:
		writeJSON(w, 405, map[string]string{"detail": "Method not allowed."})
	}
}

func (f *fake) create(w http.ResponseWriter, res string, body map[string]any) {
	if tax, _ := body["taxpayer_identification_number"].(string); tax != "" && res == "contacts" {
		for _, x := range f.recs[res] {
			if x.fields["taxpayer_identification_number"] == tax {
				writeJSON(w, 409, map[string]string{"detail": "Contact with this taxpayer_identification_number already exists."})
				return
			}
		}
	}
	if res == "companies" && body["name"] == nil {
		writeJSON(w, 400, map[string][]string{"name": {"This field is required."}})
		return
	}
	fields := map[string]any{}
	for k, v := range body {
		fields[k] = v
	}
	if e, ok := body["email"].(string); ok {
		f.nextID++
		fields["emails"] = []any{map[string]any{"id": f.nextID, "type": 4, "email": e}}
		delete(fields, "email")
	}
	if ph, ok := body["phone"].(string); ok {
		f.nextID++
		fields["phones"] = []any{map[string]any{"id": f.nextID, "type": 1, "phone": ph}}
		delete(fields, "phone")
	}
	fields["created"] = f.now.In(madrid).Format(time.RFC3339Nano)
	id := f.addLocked(res, fields, f.now)
	writeJSON(w, 201, f.render(res, f.recs[res][id]))
}

func (f *fake) list(w http.ResponseWriter, r *http.Request, res string) {
	q := r.URL.Query()
	if (res == "contacts" || res == "companies") && q.Get("fields") == "" {
		writeJSON(w, 400, []string{"You must specify the fields param: fields = id, ..."})
		return
	}
	var gte, lt time.Time
	if v := q.Get("modified[gte]"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			writeJSON(w, 400, map[string][]string{"modified": {"Enter a valid date/time."}})
			return
		}
		gte = t
	}
	if v := q.Get("modified[lt]"); v != "" {
		lt, _ = time.Parse(time.RFC3339, v)
	}
	var out []*rec
	for _, x := range f.recs[res] {
		if !gte.IsZero() && x.modified.Before(gte) || !lt.IsZero() && !x.modified.Before(lt) {
			continue
		}
		raw, _ := json.Marshal(x.fields)
		if v := q.Get("email"); v != "" && !strings.Contains(strings.ToLower(string(raw)), strings.ToLower(v)) {
			continue
		}
		if v := q.Get("query"); v != "" && !strings.Contains(string(raw), v) {
			continue
		}
		if v := q.Get("sku"); v != "" && x.fields["sku"] != v {
			continue
		}
		if v := q.Get("order_id"); v != "" && x.fields["order_id"] != v {
			continue
		}
		out = append(out, x)
	}
	sort.Slice(out, func(i, j int) bool {
		if q.Get("ordering") == "modified" && !out[i].modified.Equal(out[j].modified) {
			return out[i].modified.Before(out[j].modified)
		}
		return out[i].fields["id"].(int64) < out[j].fields["id"].(int64)
	})
	size, _ := strconv.Atoi(q.Get("page_size"))
	if size <= 0 {
		size = 20
	}
	page, _ := strconv.Atoi(q.Get("page"))
	if page <= 0 {
		page = 1
	}
	from := (page - 1) * size
	if from > len(out) {
		from = len(out)
	}
	to := min(from+size, len(out))
	results := []any{}
	for _, x := range out[from:to] {
		results = append(results, f.render(res, x))
	}
	var next any
	if to < len(out) {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("page", strconv.Itoa(page+1))
		next = f.srv.URL + r.URL.Path + "?" + nq.Encode()
	}
	writeJSON(w, 200, map[string]any{"count": len(out), "next": next, "previous": nil, "results": results})
}

// postCount is the number of creates the fake took (locked: a dropped
// connection gives the race detector no order between handler and test).
func (f *fake) postCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.posts
}

// callList returns the requests so far.
func (f *fake) callList() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

package clientify

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
	"time"

	"github.com/ferryhub/ferry/internal/remote"
)

// Client calls one Clientify account. It is safe for concurrent use.
type Client struct {
	name     string
	settings Settings
	root     string
	base     *url.URL
	auth     string
	caller   *remote.Caller

	// webhookToken is what Clientify's webhooks carry in the webhook
	// header; empty takes none.
	webhookToken string

	// now is the client's clock (tests replace it).
	now func() time.Time
}

// New returns a client for the account at s.BaseURL, authenticating with
// apiKey. It does not call Clientify. A nil hc uses the client's own
// transport.
func New(name string, s Settings, apiKey string, hc *http.Client) (*Client, error) {
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("clientify %s: %w", name, err)
	}
	if strings.TrimSpace(apiKey) == "" {
		return nil, fmt.Errorf("clientify %s: the api_key is empty", name)
	}
	root := s.root()
	base, err := url.Parse(root)
	if err != nil {
		return nil, fmt.Errorf("clientify %s: base_url: %w", name, err)
	}
	return &Client{
		name:     name,
		settings: s,
		root:     root,
		base:     base,
		auth:     "Token " + strings.TrimSpace(apiKey),
		now:      time.Now,
		caller: remote.New(remote.Policy{
			System: "clientify", Account: name, Timeout: s.Timeout, MaxAttempts: s.MaxAttempts,
			RatePerSecond: s.RateLimit, Secrets: []string{apiKey},
		}, hc),
	}, nil
}

// BaseURL returns the API root the client calls (no trailing slash).
func (c *Client) BaseURL() string { return c.root }

// URL returns the hyperlink Clientify uses for a record: root/resource/id/
// ("https://api.clientify.net/v1/companies/7788123/"), what a contact's
// company or a deal's contact may be written as.
func (c *Client) URL(resource string, id int64) string {
	return c.root + "/" + strings.Trim(resource, "/") + "/" + strconv.FormatInt(id, 10) + "/"
}

// path returns the absolute URL of an API path. Every path ends in "/", as
// Clientify (Django) wants: without it a POST is redirected or refused.
func (c *Client) path(p string, q url.Values) string {
	p = "/" + strings.Trim(p, "/") + "/"
	u := c.root + p
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// call is one request. body is encoded as JSON. A 2xx answer is returned;
// any other, also a 429 or 5xx the retries could not get past, is an
// *APIError naming subject; a call that got no answer is a *remote.Error.
// When out is set, the body is decoded into it (a body that is not the JSON
// expected is an *APIError with NotJSON).
func (c *Client) call(ctx context.Context, method, rawURL string, body any, idempotent bool, subject Subject, out any) (*remote.Response, error) {
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			return nil, fmt.Errorf("clientify %s: encoding %s %s: %w", c.name, method, opPath(rawURL), err)
		}
	}
	h := http.Header{"Authorization": {c.auth}, "Accept": {"application/json"}}
	if raw != nil {
		h.Set("Content-Type", "application/json")
	}
	op := method + " " + opPath(rawURL)
	resp, err := c.caller.Do(ctx, remote.Request{Method: method, URL: rawURL, Header: h, Body: raw, Idempotent: idempotent, Op: op})
	if err != nil {
		var re *remote.Error
		if errors.As(err, &re) && re.Status != 0 {
			// An answer the retries could not get past (429, 5xx: Django's
			// "Server Error (500)" page, a proxy's 502): an APIError like
			// any other answer, naming the record, over the remote.Error
			// that keeps the attempts, Ambiguous and RetryAfter.
			e := decodeAPIError(re.Status, []byte(re.Body))
			e.Account, e.Op, e.Subject, e.retries = c.name, op, subject, re
			return nil, e
		}
		return nil, err
	}
	if resp.Status < 200 || resp.Status > 299 {
		e := decodeAPIError(resp.Status, resp.Body)
		e.Account, e.Op, e.Subject = c.name, op, subject
		return resp, e
	}
	if out != nil {
		if err := json.Unmarshal(resp.Body, out); err != nil {
			return resp, &APIError{Account: c.name, Op: op, Subject: subject, Status: resp.Status, NotJSON: true,
				Detail: "the answer is not the JSON expected: " + err.Error() + ": " + remote.Excerpt(resp.Body, 200)}
		}
	}
	return resp, nil
}

// opPath is a URL's path with ids replaced by {id}, for errors and metrics.
func opPath(raw string) string {
	p := raw
	if u, err := url.Parse(raw); err == nil {
		p = u.Path
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if _, err := strconv.ParseInt(s, 10, 64); err == nil {
			segs[i] = "{id}"
		}
	}
	return strings.Join(segs, "/")
}

// Page is one page of a DRF listing: {count, next, previous, results}.
// Sub-resources answer {results} alone, and a bare JSON array is read as a
// last page.
type Page struct {
	Count    int               `json:"count"`
	Next     string            `json:"next"`
	Previous string            `json:"previous"`
	Results  []json.RawMessage `json:"results"`
}

// DecodePage reads a listing's body.
func DecodePage(b []byte) (Page, error) {
	var p Page
	t := bytes.TrimSpace(b)
	if len(t) > 0 && t[0] == '[' {
		if err := json.Unmarshal(t, &p.Results); err != nil {
			return Page{}, fmt.Errorf("not a Clientify listing: %w", err)
		}
		p.Count = len(p.Results)
		return p, nil
	}
	var raw struct {
		Count    *int              `json:"count"`
		Next     *string           `json:"next"`
		Previous *string           `json:"previous"`
		Results  []json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal(t, &raw); err != nil {
		return Page{}, fmt.Errorf("not a Clientify listing: %w", err)
	}
	if raw.Results == nil && raw.Count == nil {
		return Page{}, fmt.Errorf("not a Clientify listing: no results")
	}
	p.Results = raw.Results
	if raw.Count != nil {
		p.Count = *raw.Count
	} else {
		p.Count = len(raw.Results)
	}
	if raw.Next != nil {
		p.Next = *raw.Next
	}
	if raw.Previous != nil {
		p.Previous = *raw.Previous
	}
	return p, nil
}

// listed is one page as read: its records, the items that failed to decode,
// and the server's time of the answer (zero without a Date header).
type listed[T any] struct {
	page   Page
	items  []T
	bad    []error
	server time.Time
	sent   time.Time
}

// getPage reads one page at rawURL and decodes its items.
func getPage[T any](ctx context.Context, c *Client, rawURL, resource string, decode func(json.RawMessage) (T, error)) (listed[T], error) {
	var l listed[T]
	l.sent = c.now()
	resp, err := c.call(ctx, http.MethodGet, rawURL, nil, true, Subject{Resource: resource}, nil)
	if err != nil {
		return l, err
	}
	if t, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		l.server = t.UTC()
	}
	p, err := DecodePage(resp.Body)
	if err != nil {
		return l, &APIError{Account: c.name, Op: "GET " + opPath(rawURL), Subject: Subject{Resource: resource}, Status: resp.Status, NotJSON: true,
			Detail: err.Error() + ": " + remote.Excerpt(resp.Body, 200)}
	}
	l.page = p
	for i, raw := range p.Results {
		v, err := decode(raw)
		if err != nil {
			l.bad = append(l.bad, &ItemError{Op: "GET " + opPath(rawURL), Resource: resource, Index: i, ID: rawID(raw), Err: err})
			continue
		}
		l.items = append(l.items, v)
	}
	return l, nil
}

// nextURL resolves a page's next link against the page's own address and
// refuses one on another host: the API key goes with every request.
func (c *Client) nextURL(current, next string) (string, error) {
	if next == "" {
		return "", nil
	}
	cur, err := url.Parse(current)
	if err != nil {
		return "", err
	}
	n, err := url.Parse(next)
	if err != nil {
		return "", fmt.Errorf("clientify %s: next page %q is not an address: %w", c.name, next, err)
	}
	abs := cur.ResolveReference(n)
	if !strings.EqualFold(abs.Host, c.base.Host) || (abs.Scheme != c.base.Scheme && !(c.base.Scheme == "http" && abs.Scheme == "https")) {
		return "", &NextHostError{Account: c.name, Next: abs.Redacted(), Base: c.root}
	}
	return abs.String(), nil
}

// pages reads a listing from path with q, following next until it is null,
// and hands each page's records to each (bad lists the items that failed to
// decode; the others still come through).
//
// Without an ordering in q it asks for ordering=id. next is page-number
// paging on the live list (DRF), and the default order is by modified
// (the sandbox's choice, and what the reference suggests): a record read
// already that changes meanwhile moves to the end and shifts every later
// record one place forward, so the next page would skip one. Ids do not
// move when a record changes, and new records come last, so in id order
// only a deletion during the read can make a page skip a record; a read
// that must see every change is the incremental pass (changes.go).
func pages[T any](ctx context.Context, c *Client, path string, q url.Values, resource string, decode func(json.RawMessage) (T, error), each func(items []T, bad []error) error) error {
	q = cloneValues(q)
	if q.Get("page_size") == "" {
		q.Set("page_size", strconv.Itoa(c.settings.PageSize))
	}
	if q.Get("ordering") == "" {
		q.Set("ordering", "id")
	}
	u := c.path(path, q)
	seen := map[string]bool{}
	for first := true; u != ""; first = false {
		if seen[u] {
			return fmt.Errorf("clientify %s: GET %s: the next page %s was read already; stopping so as not to loop", c.name, opPath(u), u)
		}
		seen[u] = true
		l, err := getPage(ctx, c, u, resource, decode)
		if err != nil {
			if !first {
				err = c.pageGone(err, u, resource)
			}
			return err
		}
		if err := each(l.items, l.bad); err != nil {
			return err
		}
		if u, err = c.nextURL(u, l.page.Next); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

func cloneValues(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// rawID reads the id of an item that failed to decode, for the error.
func rawID(raw json.RawMessage) string {
	var v struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(raw, &v) != nil || len(v.ID) == 0 {
		return ""
	}
	return strings.Trim(string(v.ID), `"`)
}

// Time is a Clientify time: RFC 3339 with 0–9 fractional digits and an
// offset ("2025-11-18T08:36:12.997736+01:00", "…Z"), the same with a space
// for the T (as some exports have), a time without a zone (read as UTC), or
// a plain date; null and "" are zero.
type Time struct{ time.Time }

var timeLayouts = []string{
	time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04", "2006-01-02",
}

// ParseTime reads a Clientify time.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a Clientify time: %q", s)
}

// UnmarshalJSON reads a string time or null.
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		t.Time = time.Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("time: %w", err)
	}
	v, err := ParseTime(s)
	t.Time = v
	return err
}

// MarshalJSON writes RFC 3339 with microseconds, as Clientify does (null
// when zero).
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(t.Format("2006-01-02T15:04:05.999999Z07:00"))
}

// minQueryTime is the earliest filter time sent: no Clientify record is
// older, and Django refuses a datetime that falls outside years 1..9999 in
// the account's zone (0001-01-01T00:00:00Z, Go's zero time, is year 0 in
// Europe/Madrid): 400 {"modified[gte]": ["Enter a valid date/time."]}.
var minQueryTime = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)

// queryTime formats a filter time: UTC, whole seconds, explicit +00:00
// (url.Values encodes the '+' and ':'), which Django's date parsing reads;
// a time before minQueryTime is sent as minQueryTime.
func queryTime(t time.Time) string {
	if t.Before(minQueryTime) {
		t = minQueryTime
	}
	return t.UTC().Truncate(time.Second).Format("2006-01-02T15:04:05+00:00")
}

// Ref is a relation to another record, which Clientify writes as an id
// (7788123, "7788123") or as a hyperlink ("https://api.clientify.net/v1/
// companies/7788123/"); ID is the trailing integer either way. A value that
// is neither (a company written by name) is kept in Name. null is the zero
// Ref.
type Ref struct {
	ID   int64  `json:"id,omitempty"`
	URL  string `json:"url,omitempty"`
	Name string `json:"name,omitempty"`
}

// IsZero reports an empty relation.
func (r Ref) IsZero() bool { return r.ID == 0 && r.URL == "" && r.Name == "" }

// UnmarshalJSON reads a number, a numeric string, a URL, another string, an
// object with id or url, or null.
func (r *Ref) UnmarshalJSON(b []byte) error {
	*r = Ref{}
	t := bytes.TrimSpace(b)
	switch {
	case string(t) == "null":
		return nil
	case len(t) > 0 && t[0] == '{':
		var o struct {
			ID   ID     `json:"id"`
			URL  string `json:"url"`
			Name string `json:"name"`
		}
		if err := json.Unmarshal(t, &o); err != nil {
			return fmt.Errorf("relation: %w", err)
		}
		r.ID, r.Name = int64(o.ID), o.Name
		if u := refOfString(o.URL); u.URL != "" && (r.ID == 0 || u.ID == r.ID) {
			r.URL = u.URL
			if r.ID == 0 {
				r.ID = u.ID
			}
		}
		return nil
	case len(t) > 0 && t[0] == '"':
		var s string
		if err := json.Unmarshal(t, &s); err != nil {
			return fmt.Errorf("relation: %w", err)
		}
		*r = refOfString(s)
		return nil
	default:
		var n ID
		if err := json.Unmarshal(t, &n); err != nil {
			return fmt.Errorf("relation: not an id, URL or name: %s", excerpt(t))
		}
		r.ID = int64(n)
		return nil
	}
}

// refOfString reads a relation written as a string: an id, a hyperlink or
// a name.
func refOfString(s string) Ref {
	s = strings.TrimSpace(s)
	if s == "" {
		return Ref{}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return Ref{ID: n}
	}
	if u, err := url.Parse(s); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		return Ref{URL: s, ID: trailingID(s)}
	}
	return Ref{Name: s}
}

// MarshalJSON writes the URL when known, else the id, else the name.
func (r Ref) MarshalJSON() ([]byte, error) {
	switch {
	case r.URL != "":
		return json.Marshal(r.URL)
	case r.ID != 0:
		return json.Marshal(r.ID)
	case r.Name != "" && refOfString(r.Name) == Ref{Name: r.Name}:
		return json.Marshal(r.Name)
	case r.Name != "":
		// A name that reads as an id or a link ("5", " x "): as an object.
		return json.Marshal(map[string]string{"name": r.Name})
	}
	return []byte("null"), nil
}

// trailingID is the last integer path segment of a hyperlink, 0 when none.
func trailingID(s string) int64 {
	if u, err := url.Parse(s); err == nil {
		s = u.Path
	}
	segs := strings.Split(strings.TrimRight(s, "/"), "/")
	if len(segs) == 0 {
		return 0
	}
	n, err := strconv.ParseInt(segs[len(segs)-1], 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// ID is a record id: a JSON integer or a numeric string; null is 0.
type ID int64

// UnmarshalJSON reads a number or a numeric string.
func (n *ID) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		*n = 0
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
		if s == "" {
			*n = 0
			return nil
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != float64(int64(f)) || f > 1<<53 || f < -(1<<53) {
			return fmt.Errorf("not an id: %s", excerpt([]byte(s)))
		}
		v = int64(f)
	}
	*n = ID(v)
	return nil
}

// Text is a string that may arrive as a number or a boolean (a phone number
// column, an id in a custom field); null is "".
type Text string

// UnmarshalJSON reads a string, a number, a boolean or null.
func (s *Text) UnmarshalJSON(b []byte) error {
	t := bytes.TrimSpace(b)
	switch {
	case string(t) == "null":
		*s = ""
	case len(t) > 0 && t[0] == '"':
		var v string
		if err := json.Unmarshal(t, &v); err != nil {
			return err
		}
		*s = Text(v)
	case string(t) == "true", string(t) == "false":
		*s = Text(t)
	default:
		var n json.Number
		if err := json.Unmarshal(t, &n); err != nil {
			return fmt.Errorf("not a string or number: %s", excerpt(t))
		}
		*s = Text(n.String())
	}
	return nil
}

func excerpt(b []byte) string { return remote.Excerpt(b, 60) }

func orStr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

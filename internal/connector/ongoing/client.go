package ongoing

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ferryhub/ferry/internal/remote"
)

// Client calls one goods owner of one Ongoing warehouse. It is safe for
// concurrent use, but sends one request at a time: Ongoing asks for no
// parallel requests per goods owner, so every call (with its retries) waits
// its turn among all the clients of that owner in the process.
type Client struct {
	name     string
	settings Settings
	root     string
	auth     string
	caller   *remote.Caller
	// turn serializes every HTTP call to the goods owner in this process, of
	// this client and of any other client of the same owner (the dashboard's
	// connection test opens its own): a one-slot semaphore, so that waiting for
	// it ends with the call's context.
	turn chan struct{}

	// webhookToken is what Ongoing's webhooks carry in the webhook header;
	// empty takes none.
	webhookToken string

	statusMu sync.Mutex
	statuses map[int]string // GET /orders/statuses, cached once read
}

// New returns a client for the goods owner in s, authenticating as user with
// password. It does not call the warehouse. A nil hc uses the client's own
// transport.
func New(name string, s Settings, user, password string, hc *http.Client) (*Client, error) {
	if s.OrderNumber == "" {
		s.OrderNumber = "shop"
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("ongoing %s: %w", name, err)
	}
	return &Client{
		name:     name,
		settings: s,
		root:     s.apiRoot(),
		turn:     ownerTurn(s.apiRoot(), s.GoodsOwnerID),
		auth:     "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password)),
		caller: remote.New(remote.Policy{
			System: "ongoing", Account: name, Timeout: s.Timeout, MaxAttempts: s.MaxAttempts,
			RatePerSecond: s.RateLimit, Secrets: []string{password},
		}, hc),
	}, nil
}

// GoodsOwnerID returns the goods owner the client works for.
func (c *Client) GoodsOwnerID() int { return c.settings.GoodsOwnerID }

func (c *Client) url(path string, q url.Values) string {
	u := c.root + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// owner returns a query with the goods owner set.
func (c *Client) owner() url.Values {
	return url.Values{"goodsOwnerId": {strconv.Itoa(c.settings.GoodsOwnerID)}}
}

// send makes one call, alone: the client's mutex is held for the call and its
// retries. body is encoded as JSON and sent with its Content-Length. A 2xx
// answer is returned; any other is an *APIError, a failed call a
// *remote.Error.
func (c *Client) send(ctx context.Context, method, path string, q url.Values, body any, idempotent bool) (*remote.Response, error) {
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			return nil, fmt.Errorf("ongoing %s: encoding %s %s: %w", c.name, method, path, err)
		}
	}
	h := http.Header{"Authorization": {c.auth}, "Accept": {"application/json"}}
	if raw != nil {
		h.Set("Content-Type", "application/json; charset=utf-8")
	}
	op := method + " " + opPath(path)
	select {
	case c.turn <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("ongoing %s: %s: waiting for the goods owner's running call: %w", c.name, op, ctx.Err())
	}
	resp, err := c.caller.Do(ctx, remote.Request{Method: method, URL: c.url(path, q), Header: h, Body: raw, Idempotent: idempotent, Op: op})
	<-c.turn
	if err != nil {
		return nil, err
	}
	if resp.Status < 200 || resp.Status > 299 {
		return resp, newAPIError(c.name, op, resp.Status, resp.Body)
	}
	return resp, nil
}

// call is send with the answer decoded into out (when not nil).
func (c *Client) call(ctx context.Context, method, path string, q url.Values, body any, idempotent bool, out any) (*remote.Response, error) {
	resp, err := c.send(ctx, method, path, q, body, idempotent)
	if err != nil || out == nil {
		return resp, err
	}
	if err := json.Unmarshal(resp.Body, out); err != nil {
		return resp, &APIError{Account: c.name, Op: method + " " + opPath(path), Status: resp.Status, Message: "the answer is not the JSON expected: " + err.Error() + ": " + remote.Excerpt(resp.Body, 200), NotJSON: true}
	}
	return resp, nil
}

// opPath replaces ids in a path by {id} for error and metric labels.
func opPath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if _, err := strconv.Atoi(s); err == nil && s != "" {
			segs[i] = "{id}"
		}
	}
	return strings.Join(segs, "/")
}

// pages reads a bare-array listing with Ongoing's cursor: ids ≥ idFrom, at
// most maxToGet, the next page from the largest id + 1, until a page is empty.
// decode returns an item's id; items that fail to decode are handed to each as
// bad, naming the item, and the cursor still moves past them when their id can
// be read. The first answer's Date header is returned to each as the server's
// time (zero when absent).
func pages[T any](ctx context.Context, c *Client, path string, q url.Values, idFrom, maxToGet string, decode func(json.RawMessage) (T, int, error), each func(items []T, bad []error, server time.Time) error) error {
	q = cloneValues(q)
	from := 0
	var server time.Time
	for first := true; ; first = false {
		q.Set(idFrom, strconv.Itoa(from))
		q.Set(maxToGet, strconv.Itoa(c.settings.PageSize))
		var raws []json.RawMessage
		resp, err := c.call(ctx, http.MethodGet, path, q, nil, true, &raws)
		if err != nil {
			return err
		}
		if first {
			if t, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
				server = t.UTC()
			}
		}
		if len(raws) == 0 {
			return each(nil, nil, server)
		}
		items := make([]T, 0, len(raws))
		var bad []error
		top := from - 1
		for i, raw := range raws {
			v, id, err := decode(raw)
			if id > top {
				top = id
			}
			if err != nil {
				bad = append(bad, &ItemError{Op: "GET " + path, Index: i, ID: id, Err: err})
				continue
			}
			items = append(items, v)
		}
		if top < from {
			return fmt.Errorf("ongoing %s: GET %s: a page from id %d has no id at or above it; stopping so as not to loop", c.name, path, from)
		}
		if err := each(items, bad, server); err != nil {
			return err
		}
		from = top + 1
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

func cloneValues(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// Time is an Ongoing time: UTC with Z and 0–7 fractional digits, or without a
// zone (read as UTC, as webhooks send), or a plain date; null and "" are zero.
type Time struct{ time.Time }

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04", "2006-01-02 15:04:05.999999999", "2006-01-02"}

// ParseTime reads an Ongoing time.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("not an Ongoing time: %q", s)
}

// UnmarshalJSON reads a string time or null.
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
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

// MarshalJSON writes the time as Ongoing does (null when zero).
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(t.UTC().Format(time.RFC3339Nano))
}

// queryTime formats a filter time: UTC with an explicit offset, as the
// reference asks (url.Values encodes ':' and '+').
func queryTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000+00:00") }

// Int is an integer that may arrive as a JSON number or a numeric string.
type Int int

// UnmarshalJSON reads a number, a numeric string or null (0).
func (n *Int) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		*n = 0
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	}
	v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != float64(int64(f)) || f > 1<<53 || f < -(1<<53) {
			return fmt.Errorf("not an integer: %s", b)
		}
		v = int64(f)
	}
	*n = Int(v)
	return nil
}

// Str is a string that may arrive as a JSON number (an article number 1009).
type Str string

// UnmarshalJSON reads a string, a number or null ("").
func (s *Str) UnmarshalJSON(b []byte) error {
	t := strings.TrimSpace(string(b))
	switch {
	case t == "null":
		*s = ""
	case strings.HasPrefix(t, `"`):
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = Str(v)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("not a string or number: %s", b)
		}
		*s = Str(n.String())
	}
	return nil
}

func lower(s string) string { return strings.ToLower(s) }

// turns holds one semaphore per goods owner (API root and owner id) for every
// client in the process.
var turns = struct {
	sync.Mutex
	m map[string]chan struct{}
}{m: map[string]chan struct{}{}}

func ownerTurn(root string, owner int) chan struct{} {
	key := strings.ToLower(root) + "|" + strconv.Itoa(owner)
	turns.Lock()
	defer turns.Unlock()
	t, ok := turns.m[key]
	if !ok {
		t = make(chan struct{}, 1)
		turns.m[key] = t
	}
	return t
}

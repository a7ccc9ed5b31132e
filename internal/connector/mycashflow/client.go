package mycashflow

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ferryhub/ferry/internal/remote"
)

// Client calls one MyCashflow store. It is safe for concurrent use.
type Client struct {
	name     string
	settings Settings
	origin   string
	auth     string
	caller   *remote.Caller
	// codes finds products by product code for product exports (codes.go).
	codes codeIndex
}

// New returns a client for the store in s, authenticating as user with apiKey.
// It does not call the store. A nil hc uses the client's own transport.
func New(name string, s Settings, user, apiKey string, hc *http.Client) (*Client, error) {
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("mycashflow %s: %w", name, err)
	}
	origin := strings.TrimSuffix(s.BaseURL, "/")
	if origin == "" {
		origin = "https://" + s.Store + ".mycashflow.fi"
	}
	c := &Client{
		name:     name,
		settings: s,
		origin:   origin,
		auth:     "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+apiKey)),
		caller: remote.New(remote.Policy{
			System: "mycashflow", Account: name, Timeout: s.Timeout, MaxAttempts: s.MaxAttempts,
			RatePerSecond: s.RateLimit, Secrets: []string{apiKey},
		}, hc),
	}
	return c, nil
}

// Store returns the store name.
func (c *Client) Store() string { return c.settings.Store }

// url builds the address of path (which starts with the resource, "/orders/12")
// under the resource's API version.
func (c *Client) url(path string, q url.Values) string {
	resource := strings.TrimPrefix(path, "/")
	if i := strings.IndexByte(resource, '/'); i >= 0 {
		resource = resource[:i]
	}
	v := c.settings.APIVersions[resource]
	if v == "" {
		v = "v1"
	}
	u := c.origin + "/api/" + v + strings.TrimSuffix(path, "/")
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// call sends one request and decodes the {data, meta} envelope of a 2xx answer
// into data and meta (either may be nil).
func (c *Client) call(ctx context.Context, method, path string, q url.Values, body any, idempotent bool, data any, meta *Meta) error {
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			return fmt.Errorf("mycashflow %s: encoding %s %s: %w", c.name, method, path, err)
		}
	}
	h := http.Header{"Authorization": {c.auth}, "Accept": {"application/json"}}
	if raw != nil {
		h.Set("Content-Type", "application/json")
	}
	op := method + " " + path
	resp, err := c.caller.Do(ctx, remote.Request{Method: method, URL: c.url(path, q), Header: h, Body: raw, Idempotent: idempotent, Op: op})
	if err != nil {
		return err
	}
	if resp.Status < 200 || resp.Status > 299 {
		return newAPIError(c.name, op, resp.Status, resp.Body)
	}
	if resp.Status == http.StatusNoContent || (data == nil && meta == nil) {
		return nil
	}
	var env struct {
		Data json.RawMessage `json:"data"`
		Meta json.RawMessage `json:"meta"`
	}
	if err := json.Unmarshal(resp.Body, &env); err != nil {
		return &APIError{Account: c.name, Op: op, Status: resp.Status, Message: "the answer is not MyCashflow JSON: " + remote.Excerpt(resp.Body, 200), NotJSON: true}
	}
	if meta != nil && len(env.Meta) > 0 && !bytes.Equal(env.Meta, []byte("null")) && !bytes.Equal(env.Meta, []byte("[]")) {
		if err := json.Unmarshal(env.Meta, meta); err != nil {
			return fmt.Errorf("mycashflow %s: %s: meta: %w", c.name, op, err)
		}
	}
	if data != nil {
		if len(env.Data) == 0 {
			return fmt.Errorf("mycashflow %s: %s: the answer has no data", c.name, op)
		}
		if err := json.Unmarshal(env.Data, data); err != nil {
			return fmt.Errorf("mycashflow %s: %s: %w", c.name, op, err)
		}
	}
	return nil
}

// Meta is the paging part of a list answer.
type Meta struct {
	Page      int    `json:"page"`
	PageSize  int    `json:"page_size"`
	PageCount int    `json:"page_count"`
	ItemCount int    `json:"item_count"`
	Next      string `json:"next"`
}

// UnmarshalJSON accepts numbers as strings too.
func (m *Meta) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	for k, dst := range map[string]*int{"page": &m.Page, "page_size": &m.PageSize, "page_count": &m.PageCount, "item_count": &m.ItemCount} {
		if v, ok := raw[k]; ok {
			n, err := flexInt(v)
			if err != nil {
				return fmt.Errorf("meta.%s: %w", k, err)
			}
			*dst = int(n)
		}
	}
	if v, ok := raw["next"]; ok && !bytes.Equal(v, []byte("null")) {
		if err := json.Unmarshal(v, &m.Next); err != nil {
			m.Next = string(v)
		}
	}
	return nil
}

// ItemError is one list item that could not be decoded; the other items of the
// page still come through.
type ItemError struct {
	Op string
	// Index is the item's position in the listing.
	Index int
	// Key names the record ("id 1234", "product_code TSHIRT-M") when it could be read.
	Key string
	Err error
}

func (e *ItemError) Error() string {
	key := e.Key
	if key == "" {
		key = "item " + strconv.Itoa(e.Index)
	}
	return fmt.Sprintf("mycashflow: %s: %s: %v", e.Op, key, e.Err)
}

func (e *ItemError) Unwrap() error { return e.Err }

// list fetches every page of path, decoding each item with decode. Items that
// fail to decode are returned as *ItemError in the error list (joined), never
// dropped silently.
func list[T any](ctx context.Context, c *Client, path string, q url.Values, decode func(json.RawMessage) (T, error)) ([]T, []error, error) {
	var out []T
	var bad []error
	q = cloneValues(q)
	size := c.settings.PageSize
	q.Set("page_size", strconv.Itoa(size))
	index := 0
	for page := 1; ; page++ {
		q.Set("page", strconv.Itoa(page))
		var items []json.RawMessage
		var meta Meta
		if err := c.call(ctx, http.MethodGet, path, q, nil, true, &items, &meta); err != nil {
			return out, bad, err
		}
		for _, raw := range items {
			v, err := decode(raw)
			if err != nil {
				bad = append(bad, &ItemError{Op: "GET " + path, Index: index, Key: itemKey(raw), Err: err})
			} else {
				out = append(out, v)
			}
			index++
		}
		if meta.Next == "" || len(items) == 0 {
			return out, bad, nil
		}
		if err := ctx.Err(); err != nil {
			return out, bad, err
		}
	}
}

func decodeAs[T any](raw json.RawMessage) (T, error) {
	var v T
	err := json.Unmarshal(raw, &v)
	return v, err
}

// itemKey reads an identifying field of a raw item for error messages.
func itemKey(raw json.RawMessage) string {
	var k struct {
		ID          json.RawMessage `json:"id"`
		ProductCode json.RawMessage `json:"product_code"`
	}
	if json.Unmarshal(raw, &k) != nil {
		return ""
	}
	if len(k.ProductCode) > 0 && string(k.ProductCode) != "null" {
		return "product_code " + strings.Trim(string(k.ProductCode), `"`)
	}
	if len(k.ID) > 0 {
		return "id " + strings.Trim(string(k.ID), `"`)
	}
	return ""
}

func cloneValues(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// APIError is an answer of MyCashflow other than 2xx (after retries for 429 and
// 5xx), or a 2xx that is not MyCashflow JSON.
type APIError struct {
	Account string
	Op      string
	Status  int
	// Code, Err and Message are the fields of MyCashflow's error body, if any.
	Code    int
	Err     string
	Message string
	// NotJSON means the answer was not MyCashflow's JSON (a web page: an unknown
	// store, or the API extension missing).
	NotJSON bool
}

func (e *APIError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.Err
	}
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	return fmt.Sprintf("mycashflow %s: %s: HTTP %d: %s", e.Account, e.Op, e.Status, msg)
}

func newAPIError(account, op string, status int, body []byte) *APIError {
	e := &APIError{Account: account, Op: op, Status: status}
	var b struct {
		Code    json.RawMessage `json:"code"`
		Error   string          `json:"error"`
		Message string          `json:"message"`
	}
	if err := json.Unmarshal(body, &b); err == nil && (b.Error != "" || b.Message != "") {
		if n, err := flexInt(b.Code); err == nil {
			e.Code = int(n)
		}
		e.Err, e.Message = b.Error, b.Message
		return e
	}
	e.NotJSON = len(bytes.TrimSpace(body)) > 0
	e.Message = remote.Excerpt(body, 200)
	return e
}

// FailureClass tells ferry's queue how to treat the answer: refused credentials
// or a missing API need a person; a rejected request is permanent for that
// record; anything else may pass on a later try.
func (e *APIError) FailureClass() string {
	if e.NotJSON && e.Status >= 200 && e.Status < 300 {
		// A web page where the API should answer: the API extension or the
		// store is missing.
		return "needs_action"
	}
	return remote.ClassOfStatus(e.Status)
}

// DependsOn names the connection whose settings or credentials re-run a job
// this error parked (refused credentials or rights, a wrong address): a person
// fixes them on the Settings page.
func (e *APIError) DependsOn() string {
	if e.FailureClass() != "needs_action" || e.Account == "" {
		return ""
	}
	return "connection:" + e.Account
}

// IsNotFound reports a 404 answer.
func IsNotFound(err error) bool { return statusOf(err) == http.StatusNotFound }

// IsUnauthorized reports rejected credentials (401).
func IsUnauthorized(err error) bool { return statusOf(err) == http.StatusUnauthorized }

// IsValidation reports an answer that rejected the request's content (400, 422):
// retrying the same request cannot help.
func IsValidation(err error) bool {
	s := statusOf(err)
	return s == http.StatusBadRequest || s == http.StatusUnprocessableEntity
}

func statusOf(err error) int {
	var e *APIError
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

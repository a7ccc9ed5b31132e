package clientify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/remote"
)

// Subject names the record a call was about: its resource ("contact") and
// its natural key ("email", "juan@example.com"), or its id.
type Subject struct {
	Resource string
	// Key is the natural key's field: "email", "taxpayer_identification_number",
	// "sku", "order_id"; or "id".
	Key   string
	Value string
}

func (s Subject) String() string {
	switch {
	case s.Resource == "":
		return ""
	case s.Key == "":
		return s.Resource
	}
	return s.Resource + " " + s.Key + "=" + s.Value
}

// APIError is an answer of Clientify other than 2xx, or a 2xx that is not
// the JSON expected. A 429 or 5xx is one once the retries are spent; it
// then unwraps to their remote.Error (attempts, Ambiguous, RetryAfter).
// Clientify is Django REST Framework: {"detail": "…"} for most refusals,
// {"field": ["message", …]} for validation errors, a bare array of
// messages for some (v2's missing fields= parameter), and Django's HTML
// pages for unknown paths and server errors (a proxy's too).
type APIError struct {
	Account string
	Op      string
	// Subject is the record the call was about.
	Subject Subject
	Status  int
	// Detail is the body's detail (or the text of a non-JSON body).
	Detail string
	// Fields are the validation errors by field ("taxpayer_identification_number").
	Fields map[string][]string
	// Messages are the messages of a bare-array body, or of non_field_errors.
	Messages []string
	// NotJSON means the answer was not Clientify's JSON: a web page (a
	// wrong base_url, a server error page) or a body the client could not
	// read.
	NotJSON bool

	// retries is the remote.Error of an answer the retries could not get
	// past (429, 5xx): its attempts, Ambiguous (a write that may have
	// committed) and RetryAfter, for remote.IsAmbiguous and
	// remote.RetryAfterOf.
	retries *remote.Error
}

// Unwrap returns the remote.Error of a 429 or 5xx the retries could not
// get past, nil otherwise.
func (e *APIError) Unwrap() error {
	if e.retries == nil {
		return nil
	}
	return e.retries
}

// Ambiguous reports a write whose answer (a 5xx after sending) leaves it
// open whether it committed.
func (e *APIError) Ambiguous() bool { return e.retries != nil && e.retries.Ambiguous }

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "clientify %s: %s", e.Account, e.Op)
	if s := e.Subject.String(); s != "" {
		fmt.Fprintf(&b, " (%s)", s)
	}
	fmt.Fprintf(&b, ": HTTP %d", e.Status)
	msg := e.Detail
	if msg == "" && len(e.Messages) == 0 && len(e.Fields) == 0 {
		msg = http.StatusText(e.Status)
	}
	if msg != "" {
		b.WriteString(": " + msg)
	}
	for _, m := range e.Messages {
		b.WriteString(": " + m)
	}
	for _, k := range e.FieldNames() {
		fmt.Fprintf(&b, "; %s: %s", k, strings.Join(e.Fields[k], " "))
	}
	if f := e.Field(); f != "" && len(e.Fields) == 0 {
		fmt.Fprintf(&b, " (field %s)", f)
	}
	if r := e.retries; r != nil {
		if r.Attempts > 1 {
			fmt.Fprintf(&b, " (after %d attempts)", r.Attempts)
		}
		if r.RetryAfter > 0 {
			fmt.Fprintf(&b, " (Retry-After %v)", r.RetryAfter)
		}
		if r.Ambiguous {
			b.WriteString(" (may have been applied)")
		}
	}
	return b.String()
}

// FieldNames returns the fields with errors, sorted.
func (e *APIError) FieldNames() []string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

var withThisRE = regexp.MustCompile(`with this ([A-Za-z0-9_ ]+?) already exists`)

// Field names the field the refusal is about: the first field with an error,
// or the one a duplicate's detail names ("Contact with this
// taxpayer_identification_number already exists."), or "".
func (e *APIError) Field() string {
	if ks := e.FieldNames(); len(ks) > 0 {
		return ks[0]
	}
	if m := withThisRE.FindStringSubmatch(e.Detail); m != nil {
		return strings.ReplaceAll(strings.TrimSpace(m[1]), " ", "_")
	}
	return ""
}

// Duplicate reports a refusal because the record exists already: 409, or a
// 400 whose message says "already exists".
func (e *APIError) Duplicate() bool {
	if e.Status == http.StatusConflict {
		return true
	}
	if e.Status != http.StatusBadRequest {
		return false
	}
	if strings.Contains(e.Detail, "already exists") {
		return true
	}
	for _, ms := range e.Fields {
		for _, m := range ms {
			if strings.Contains(m, "already exists") {
				return true
			}
		}
	}
	return false
}

// KeyRefused reports an answer that refuses the API key: 401, 403, or the
// 404 {"detail": "Api key not provided."} the live API gives without one.
func (e *APIError) KeyRefused() bool {
	switch {
	case e.Status == http.StatusUnauthorized, e.Status == http.StatusForbidden:
		return true
	case e.Status == http.StatusNotFound && !e.NotJSON:
		d := strings.ToLower(e.Detail)
		return strings.Contains(d, "api key") || strings.Contains(d, "token")
	}
	return false
}

// FailureClass tells ferry's queue how to treat the answer: a refused key
// (401, 403, "Api key not provided.") and a web page where the API should be
// (a wrong base_url) need a person; 408, 425, 429 and 5xx (HTML pages
// included) are "transient"; any other 4xx is "permanent" for the record: the
// same request meets the same answer.
func (e *APIError) FailureClass() string {
	if e.KeyRefused() {
		return "needs_action"
	}
	if e.NotJSON && (e.Status == http.StatusNotFound || e.Status < 300) {
		return "needs_action"
	}
	if c := remote.ClassOfStatus(e.Status); c != "" {
		return c
	}
	return "transient"
}

// DependsOn names the connection whose settings or credentials re-run a job
// this error parked.
func (e *APIError) DependsOn() string {
	if e.FailureClass() != "needs_action" || e.Account == "" {
		return ""
	}
	return "connection:" + e.Account
}

// decodeAPIError reads a DRF error body; a body that is not JSON (an HTML
// page) is kept as an excerpt with NotJSON.
func decodeAPIError(status int, body []byte) *APIError {
	e := &APIError{Status: status}
	t := bytes.TrimSpace(body)
	if len(t) == 0 {
		return e
	}
	var v any
	if err := json.Unmarshal(t, &v); err != nil {
		e.NotJSON = true
		e.Detail = pageText(t)
		return e
	}
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			switch k {
			case "detail":
				e.Detail = textOf(val)
			case "non_field_errors":
				e.Messages = append(e.Messages, messagesOf(val)...)
			default:
				if ms := messagesOf(val); len(ms) > 0 {
					if e.Fields == nil {
						e.Fields = map[string][]string{}
					}
					e.Fields[k] = ms
				}
			}
		}
	case []any:
		e.Messages = messagesOf(x)
	case string:
		e.Detail = x
	default:
		e.Detail = remote.Excerpt(t, 200)
	}
	return e
}

// DecodeError reads an error body as the client does (tests, fuzzing).
func DecodeError(status int, body []byte) *APIError { return decodeAPIError(status, body) }

// messagesOf flattens a DRF error value: a string, a list of strings, or
// nested objects (errors of a list's items: {"emails": [{"email": ["…"]}]}).
func messagesOf(v any) []string {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, y := range x {
			out = append(out, messagesOf(y)...)
		}
		return out
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var out []string
		for _, k := range keys {
			for _, m := range messagesOf(x[k]) {
				out = append(out, k+": "+m)
			}
		}
		return out
	default:
		return []string{fmt.Sprint(x)}
	}
}

func textOf(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return strings.Join(messagesOf(v), " ")
}

var (
	titleRE = regexp.MustCompile(`(?is)<title>(.*?)</title>`)
	tagRE   = regexp.MustCompile(`(?s)<[^>]*>`)
	spaceRE = regexp.MustCompile(`\s+`)
)

// pageText is a short text of an HTML page: its title, or its text.
func pageText(b []byte) string {
	if m := titleRE.FindSubmatch(b); m != nil {
		if s := strings.TrimSpace(spaceRE.ReplaceAllString(string(m[1]), " ")); s != "" {
			return "a web page: " + remote.Excerpt([]byte(s), 120)
		}
	}
	s := strings.TrimSpace(spaceRE.ReplaceAllString(tagRE.ReplaceAllString(string(b), " "), " "))
	return remote.Excerpt([]byte(s), 200)
}

// ItemError is one list item that could not be decoded; the others of the
// page still come through.
type ItemError struct {
	Op       string
	Resource string
	Index    int
	ID       string
	Err      error
}

func (e *ItemError) Error() string {
	key := fmt.Sprintf("item %d", e.Index)
	if e.ID != "" {
		key = "id " + e.ID
	}
	return fmt.Sprintf("clientify: %s: %s %s: %v", e.Op, e.Resource, key, e.Err)
}

func (e *ItemError) Unwrap() error { return e.Err }

// FailureClass is permanent: the same record decodes the same way next time.
func (e *ItemError) FailureClass() string { return "permanent" }

// NextHostError is a listing whose next page is on another host than
// base_url: the client does not send the API key there.
type NextHostError struct {
	Account, Next, Base string
}

func (e *NextHostError) Error() string {
	return fmt.Sprintf("clientify %s: the next page %s is not under base_url %s; not following it (the API key would go there)", e.Account, e.Next, e.Base)
}

// FailureClass: a person checks base_url (v1 and v2 live on different hosts).
func (e *NextHostError) FailureClass() string { return "needs_action" }

// DuplicateKeyError is a natural key that more than one record holds: the
// client does not guess which one the hub means.
type DuplicateKeyError struct {
	Account string
	Subject Subject
	IDs     []int64
}

func (e *DuplicateKeyError) Error() string {
	ids := make([]string, len(e.IDs))
	for i, id := range e.IDs {
		ids[i] = fmt.Sprint(id)
	}
	return fmt.Sprintf("clientify %s: %s is held by %d records (ids %s); merge them in Clientify so that one remains", e.Account, e.Subject, len(e.IDs), strings.Join(ids, ", "))
}

// FailureClass: a person merges the duplicates.
func (e *DuplicateKeyError) FailureClass() string { return "needs_action" }

// OrderingError is an incremental read whose pages do not come in the
// order of modified: the account does not honour ordering=modified (which
// the reference could not confirm), so the pass contract cannot hold.
type OrderingError struct {
	Account, Resource string
}

func (e *OrderingError) Error() string {
	return fmt.Sprintf("clientify %s: the %s listing ignores ordering=modified; an incremental read cannot promise to see every change", e.Account, e.Resource)
}

// FailureClass: waiting does not change the API.
func (e *OrderingError) FailureClass() string { return "needs_action" }

// IsNotFound reports a JSON 404 of the API (not a refused key, not a page).
func IsNotFound(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.Status == http.StatusNotFound && !e.NotJSON && !e.KeyRefused()
}

// IsDuplicate reports an answer refusing a create because the record exists.
func IsDuplicate(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.Duplicate()
}

// LookupError is a search by natural key that found no record but could
// not read every candidate: the record may be among them, so the client
// does not create it.
type LookupError struct {
	Account string
	Subject Subject
}

func (e *LookupError) Error() string {
	return fmt.Sprintf("clientify %s: looking up %s: no match, but some records found could not be read", e.Account, e.Subject)
}

// FailureClass is permanent: the same records fail the same way.
func (e *LookupError) FailureClass() string { return "permanent" }

// BusySecondError is a second whose records kept changing through every
// re-read: the pass stops and is tried again later.
type BusySecondError struct {
	Account, Resource string
	Second            time.Time
}

func (e *BusySecondError) Error() string {
	return fmt.Sprintf("clientify %s: the %s records changed at %s kept changing while read %d times; try again", e.Account, e.Resource, e.Second.UTC().Format(time.RFC3339), maxSecondReads)
}

// FailureClass is transient: the next pass reads a quieter second.
func (e *BusySecondError) FailureClass() string { return "transient" }

// ListChangedError is a listing whose next page is gone: DRF answers a
// page number past the end 404 {"detail": "Invalid page."}, and a list
// that shrank while it was read (records deleted in Clientify) loses its
// last page. Later records moved into pages read already, so the read is
// incomplete; read again, it is read as it is now.
type ListChangedError struct {
	Account, Resource string
	// Next is the page that is gone.
	Next string
	// Answer is Clientify's answer (not unwrapped: the listing exists, so
	// this is no IsNotFound).
	Answer *APIError
}

func (e *ListChangedError) Error() string {
	return fmt.Sprintf("clientify %s: the %s listing changed while it was read: its next page %s is gone (%s); read it again", e.Account, e.Resource, opPath(e.Next)+pageOf(e.Next), e.Answer.Detail)
}

// FailureClass is transient: the next read meets a quieter list.
func (e *ListChangedError) FailureClass() string { return "transient" }

// pageOf is the page= of a next link, as " page N", or "".
func pageOf(next string) string {
	if u, err := url.Parse(next); err == nil && u.Query().Get("page") != "" {
		return " page " + u.Query().Get("page")
	}
	return ""
}

// pageGone turns the answer to a followed next link that is DRF's "Invalid
// page." into a ListChangedError; any other error is returned as it is.
func (c *Client) pageGone(err error, next, resource string) error {
	var ae *APIError
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound && !ae.NotJSON && strings.EqualFold(strings.TrimSpace(ae.Detail), "Invalid page.") {
		return &ListChangedError{Account: c.name, Resource: resource, Next: next, Answer: ae}
	}
	return err
}

package ongoing

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/remote"
)

// APIError is an answer of Ongoing other than 2xx (after retries for 429 and
// 5xx), or a 2xx that is not the JSON expected.
type APIError struct {
	Account string
	Op      string
	Status  int
	// Message is the ASP.NET error body's Message (or a text excerpt).
	Message string
	// Detail is ExceptionMessage or MessageDetail, when the body has one.
	Detail string
	// ModelState lists the validation errors by field ("model.orderNumber").
	ModelState map[string][]string
	// NotJSON means the answer was not Ongoing's JSON: a web page (a wrong
	// warehouse name or base_url), or a body the client could not read.
	NotJSON bool
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ongoing %s: %s: HTTP %d: ", e.Account, e.Op, e.Status)
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	b.WriteString(msg)
	if e.Detail != "" && e.Detail != msg {
		b.WriteString(" (" + e.Detail + ")")
	}
	keys := make([]string, 0, len(e.ModelState))
	for k := range e.ModelState {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "; %s: %s", k, strings.Join(e.ModelState[k], " "))
	}
	return b.String()
}

// FailureClass tells ferry's queue how to treat the answer: refused
// credentials or goods owner (401, 403) and a web page where the API should be
// (a wrong warehouse or base_url) need a person; another 4xx is permanent for
// the record; 408, 429 and 5xx are transient ("").
func (e *APIError) FailureClass() string {
	if e.NotJSON && (e.Status == http.StatusNotFound || e.Status < 300) {
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

// newAPIError reads an ASP.NET Web API error body: {"Message", "MessageDetail"
// or "ExceptionMessage", "ModelState": {field: [messages]}}; keys match
// case-insensitively.
func newAPIError(account, op string, status int, body []byte) *APIError {
	e := &APIError{Account: account, Op: op, Status: status}
	var b struct {
		Message          string              `json:"message"`
		MessageDetail    string              `json:"messageDetail"`
		ExceptionMessage string              `json:"exceptionMessage"`
		ModelState       map[string][]string `json:"modelState"`
	}
	if err := json.Unmarshal(body, &b); err == nil && (b.Message != "" || len(b.ModelState) > 0) {
		e.Message, e.ModelState = b.Message, b.ModelState
		e.Detail = b.ExceptionMessage
		if e.Detail == "" {
			e.Detail = b.MessageDetail
		}
		return e
	}
	e.NotJSON = len(bytes.TrimSpace(body)) > 0
	e.Message = remote.Excerpt(body, 200)
	return e
}

// DecodeError reads an error body as the client does (for tests and fuzzing).
func DecodeError(status int, body []byte) *APIError { return newAPIError("", "", status, body) }

// StartedError is a change refused because the warehouse has started working
// on the order (status at or past Settings.StartedStatus): a person decides
// what to do with the order in the warehouse.
type StartedError struct {
	// Op is what was refused: "update", "cancel".
	Op          string
	OrderNumber string
	OrderID     int
	Status      int
	StatusName  string
}

func (e *StartedError) Error() string {
	return fmt.Sprintf("ongoing: cannot %s order %s (orderId %d): the warehouse has started working on it (status %d %s); change it in Ongoing by hand or ask the warehouse", e.Op, e.OrderNumber, e.OrderID, e.Status, e.StatusName)
}

// FailureClass is needs_action: waiting does not help.
func (e *StartedError) FailureClass() string { return "needs_action" }

// UnknownArticlesError is an order naming article numbers the goods owner has
// no article of. Ongoing would create them on the fly with an empty name, so
// the client refuses the order until the products route has made them.
type UnknownArticlesError struct {
	OrderNumber string
	Articles    []string
}

func (e *UnknownArticlesError) Error() string {
	return fmt.Sprintf("ongoing: order %s: no article %s in the warehouse's article register yet; export the product(s) first (products route), then retry the order", e.OrderNumber, strings.Join(e.Articles, ", "))
}

// FailureClass is needs_action: the record waits for its products.
func (e *UnknownArticlesError) FailureClass() string { return "needs_action" }

// Unwrap makes it model.ErrUnknownSKU.
func (e *UnknownArticlesError) Unwrap() error { return model.ErrUnknownSKU }

// ItemError is one list item that could not be decoded; the others of the
// page still come through.
type ItemError struct {
	Op    string
	Index int
	ID    int
	Err   error
}

func (e *ItemError) Error() string {
	key := fmt.Sprintf("item %d", e.Index)
	if e.ID > 0 {
		key = fmt.Sprintf("id %d", e.ID)
	}
	return fmt.Sprintf("ongoing: %s: %s: %v", e.Op, key, e.Err)
}

func (e *ItemError) Unwrap() error { return e.Err }

// FailureClass is permanent: the same record decodes the same way next time.
func (e *ItemError) FailureClass() string { return "permanent" }

// IsNotFound reports a 404 answer of the API (JSON, not a web page).
func IsNotFound(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.Status == http.StatusNotFound && !e.NotJSON
}

func statusOf(err error) int {
	var e *APIError
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

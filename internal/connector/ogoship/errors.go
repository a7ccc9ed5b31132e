package ogoship

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/remote"
)

// APIError is an answer of the API other than 2xx (after retries for 429 and
// 5xx), or a 2xx that is not the JSON expected. The body is OGOship's ApiError
// {statusCode, statusDescription, message} (keys in any case).
type APIError struct {
	Account string
	Op      string
	Status  int
	// StatusCode and StatusDescription are the body's, when it has them.
	StatusCode        int
	StatusDescription string
	// Message is the body's message, or a text excerpt.
	Message string
	// NotJSON means the answer was not OGOship's JSON: a web page (a wrong
	// base_url), or a body the client could not read.
	NotJSON bool
}

func (e *APIError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = orStr(e.StatusDescription, http.StatusText(e.Status))
	}
	return fmt.Sprintf("ogoship %s: %s: HTTP %d: %s", e.Account, e.Op, e.Status, msg)
}

// FailureClass tells ferry's queue how to treat the answer: 401 (after a new
// token was refused too), 403 (a scope the OAuth client lacks) and a web page
// where the API should be need a person; other 4xx are permanent for the
// record (malformed requests); 408, 429 and 5xx are transient (""). Refusals
// a person must fix (started orders, unknown shipping methods, missing
// products) are their own errors below.
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

func newAPIError(account, op string, status int, body []byte) *APIError {
	e := &APIError{Account: account, Op: op, Status: status}
	var b struct {
		StatusCode        Int    `json:"statusCode"`
		StatusDescription string `json:"statusDescription"`
		Message           string `json:"message"`
	}
	if err := json.Unmarshal(body, &b); err == nil && (b.Message != "" || b.StatusDescription != "" || b.StatusCode != 0) {
		e.StatusCode, e.StatusDescription, e.Message = int(b.StatusCode), b.StatusDescription, b.Message
		return e
	}
	t := bytes.TrimSpace(body)
	e.NotJSON = len(t) > 0 && !json.Valid(t)
	e.Message = remote.Excerpt(body, 200)
	return e
}

// DecodeError reads an error body as the client does (tests, fuzzing).
func DecodeError(status int, body []byte) *APIError { return newAPIError("", "", status, body) }

// StartedError is a change refused because OGOship has started handling the
// order (collecting, locked, shipped, …): a person decides what to do in myOGO.
type StartedError struct {
	Op        string // "update", "cancel"
	Reference string
	Status    string
}

func (e *StartedError) Error() string {
	return fmt.Sprintf("ogoship: cannot %s order %s: OGOship has started handling it (status %s); change it in myOGO by hand or ask the warehouse", e.Op, e.Reference, e.Status)
}

// FailureClass is needs_action: waiting does not help.
func (e *StartedError) FailureClass() string { return "needs_action" }

// ShippingMethodError is an order OGOship refused for its shipping code: no
// shipping method of that code is enabled on the merchant (OGOship has no
// API to list them), or none was given while several are.
type ShippingMethodError struct {
	Reference string
	Code      string
	Message   string
}

func (e *ShippingMethodError) Error() string {
	if e.Code == "" {
		return fmt.Sprintf("ogoship: order %s has no shipping method and the merchant has several: map the shop's shipping method to an OGOship shipping code in the route's shipping_methods (%s)", e.Reference, e.Message)
	}
	return fmt.Sprintf("ogoship: order %s: shipping code %q is not a shipping method enabled in myOGO (Edit Merchant → Shipping methods); fix the route's shipping_methods or enable it (%s)", e.Reference, e.Code, e.Message)
}

// FailureClass is needs_action: the mapping or myOGO must change.
func (e *ShippingMethodError) FailureClass() string { return "needs_action" }

// UnknownProductsError is an order naming product codes the merchant has no
// product of (yet).
type UnknownProductsError struct {
	Reference string
	Codes     []string
}

func (e *UnknownProductsError) Error() string {
	return fmt.Sprintf("ogoship: order %s: no product %s in OGOship yet; export the product(s) first (products route), then retry the order", e.Reference, strings.Join(e.Codes, ", "))
}

// FailureClass is needs_action: the record waits for its products.
func (e *UnknownProductsError) FailureClass() string { return "needs_action" }

// Unwrap makes it model.ErrUnknownSKU.
func (e *UnknownProductsError) Unwrap() error { return model.ErrUnknownSKU }

// ItemError is one list item that could not be decoded.
type ItemError struct {
	Op    string
	Page  int
	Index int
	Key   string
	Err   error
}

func (e *ItemError) Error() string {
	key := fmt.Sprintf("page %d item %d", e.Page, e.Index)
	if e.Key != "" {
		key = e.Key
	}
	return fmt.Sprintf("ogoship: %s: %s: %v", e.Op, key, e.Err)
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

func messageOf(err error) string {
	var e *APIError
	if errors.As(err, &e) {
		return e.Message
	}
	return ""
}

package shopify

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/ferryhub/ferry/internal/remote"
)

// GraphQLError is an answer whose "errors" refused the operation (other than
// THROTTLED, which the client waits out).
type GraphQLError struct {
	Shop, Op string
	Errors   GQLErrors
}

func (e *GraphQLError) Error() string {
	var msgs []string
	for _, x := range e.Errors {
		m := x.Message
		if x.Extensions.Code != "" {
			m += " (" + x.Extensions.Code + ")"
		}
		msgs = append(msgs, m)
	}
	s := fmt.Sprintf("shopify %s: %s: %s", e.Shop, e.Op, strings.Join(msgs, "; "))
	if e.Errors.has("ACCESS_DENIED") {
		s += " (the app lacks an access scope: grant it in the app's configuration and reinstall)"
	}
	return s
}

// FailureClass: a missing scope needs a person; Shopify's own trouble is
// transient; any other refusal (an invalid query, MAX_COST_EXCEEDED) meets
// the same answer again.
func (e *GraphQLError) FailureClass() string {
	switch {
	case e.Errors.has("ACCESS_DENIED"):
		return "needs_action"
	case e.Errors.has("INTERNAL_SERVER_ERROR"), e.Errors.has("THROTTLED"):
		return ""
	}
	return "permanent"
}

// DependsOn names the connection whose settings re-run a job parked on a
// missing scope.
func (e *GraphQLError) DependsOn() string {
	if e.FailureClass() == "needs_action" {
		return "connection:" + e.Shop
	}
	return ""
}

// UserErrors is a mutation Shopify refused for business reasons (userErrors
// with HTTP 200): retrying the same call meets them again.
type UserErrors struct {
	Shop, Op string
	// Subject names what the call was about ("order #1001", "SKU FRY-1").
	Subject string
	Errors  []UserError
}

func (e *UserErrors) Error() string {
	var msgs []string
	for _, u := range e.Errors {
		m := u.Message
		if len(u.Field) > 0 {
			m = strings.Join(u.Field, ".") + ": " + m
		}
		if u.Code != "" {
			m += " (" + u.Code + ")"
		}
		msgs = append(msgs, m)
	}
	s := fmt.Sprintf("shopify %s: %s", e.Shop, e.Op)
	if e.Subject != "" {
		s += " of " + e.Subject
	}
	return s + ": " + strings.Join(msgs, "; ")
}

// FailureClass: a person must change the shop (or the mapping) first.
func (e *UserErrors) FailureClass() string { return "needs_action" }

// Code returns the first error code, "" when none.
func (e *UserErrors) Code() string {
	for _, u := range e.Errors {
		if u.Code != "" {
			return u.Code
		}
	}
	return ""
}

func userErrors(shop, op, subject string, ue []UserError) error {
	if len(ue) == 0 {
		return nil
	}
	return &UserErrors{Shop: shop, Op: op, Subject: subject, Errors: ue}
}

// AuthError is the shop refusing the app: a bad or expired token (401), or
// a shop that does not let the app in (403, 402 a frozen shop).
type AuthError struct {
	Shop, Op string
	Status   int
	Body     string
}

func (e *AuthError) Error() string {
	hint := "check credentials.access_token (or client_id and client_secret) and settings.shop"
	switch e.Status {
	case http.StatusPaymentRequired:
		hint = "the shop is frozen (its plan is unpaid)"
	case http.StatusForbidden:
		hint = "the app is not allowed on this shop (uninstalled, or a scope is missing)"
	}
	return fmt.Sprintf("shopify %s: %s: HTTP %d: %s (%s)", e.Shop, e.Op, e.Status, e.Body, hint)
}

// FailureClass: a person must fix the credentials or the app.
func (e *AuthError) FailureClass() string { return "needs_action" }

// DependsOn names the connection whose credentials re-run the job.
func (e *AuthError) DependsOn() string { return "connection:" + e.Shop }

// HTTPError is any other answer that is not GraphQL (404 for an unknown
// version or path, 4xx).
type HTTPError struct {
	Shop, Op string
	Status   int
	Body     string
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("shopify %s: %s: HTTP %d: %s", e.Shop, e.Op, e.Status, e.Body)
}

// FailureClass follows the status (remote.ClassOfStatus).
func (e *HTTPError) FailureClass() string { return remote.ClassOfStatus(e.Status) }

// DecodeError is an answer the client cannot read.
type DecodeError struct {
	Shop, Op string
	Err      error
	Body     string
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("shopify %s: %s: the answer is not the GraphQL JSON expected: %v: %s", e.Shop, e.Op, e.Err, e.Body)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// FailureClass: an unreadable answer is taken as the shop's passing trouble.
func (e *DecodeError) FailureClass() string { return "" }

package jobs

import (
	"errors"
	"fmt"
	"time"

	"github.com/ferryhub/ferry/internal/remote"
)

// Class is how a job failure is handled.
type Class string

// Failure classes.
const (
	ClassTransient   Class = "transient"
	ClassNeedsAction Class = "needs_action"
	ClassPermanent   Class = "permanent"
)

// classified is an error with a class other than transient.
type classified struct {
	class     Class
	reason    string
	dependsOn string
	err       error
}

func (e *classified) Error() string {
	if e.err != nil && e.reason != "" {
		return e.reason + ": " + e.err.Error()
	}
	if e.err != nil {
		return e.err.Error()
	}
	return e.reason
}

func (e *classified) Unwrap() error { return e.err }

// NeedsAction parks a job: it will not run again until a person acts. reason says
// what to change ("shipping method \"DHL Express\" is not mapped to an Odoo
// carrier: add it under Mappings → Shipping methods"); dependsOn names the config
// key whose change re-runs the job ("mapping:shipping_method"), or is empty.
func NeedsAction(reason, dependsOn string) error {
	return &classified{class: ClassNeedsAction, reason: reason, dependsOn: dependsOn}
}

// NeedsActionErr is NeedsAction with an underlying error kept for errors.Is/As.
func NeedsActionErr(reason, dependsOn string, err error) error {
	return &classified{class: ClassNeedsAction, reason: reason, dependsOn: dependsOn, err: err}
}

// Permanent fails a job for good: its input is wrong and retrying cannot help.
func Permanent(err error) error {
	if err == nil {
		err = errors.New("permanent failure")
	}
	return &classified{class: ClassPermanent, err: err}
}

// Permanentf is Permanent with a formatted message.
func Permanentf(format string, args ...any) error {
	return Permanent(fmt.Errorf(format, args...))
}

// ClassOf returns the class of err: transient unless it was made by NeedsAction
// or Permanent, or an error in its chain has a method FailureClass() string that
// answers "needs_action" or "permanent". Connector packages classify their own
// errors that way without depending on this package.
func ClassOf(err error) Class {
	var c *classified
	if errors.As(err, &c) {
		return c.class
	}
	var fc interface{ FailureClass() string }
	if errors.As(err, &fc) {
		switch Class(fc.FailureClass()) {
		case ClassNeedsAction:
			return ClassNeedsAction
		case ClassPermanent:
			return ClassPermanent
		}
	}
	return ClassTransient
}

// reasonOf returns the reason and dependency key of a classified error. An
// error in the chain with a method DependsOn() string (a connector's refused
// credentials: "connection:NAME") gives the key when the classification did
// not, so connector packages name what re-runs the job without depending on
// this package.
func reasonOf(err error) (reason, dependsOn string) {
	var c *classified
	if errors.As(err, &c) {
		reason, dependsOn = c.Error(), c.dependsOn
	} else {
		reason = err.Error()
	}
	if dependsOn == "" {
		var d interface{ DependsOn() string }
		if errors.As(err, &d) {
			dependsOn = d.DependsOn()
		}
	}
	return reason, dependsOn
}

// DependsOnOf returns the config key whose change re-runs a job parked by err;
// empty when none was given.
func DependsOnOf(err error) string {
	_, d := reasonOf(err)
	return d
}

// waiting is a transient failure that knows when trying again makes sense.
type waiting struct {
	after time.Duration
	err   error
}

func (e *waiting) Error() string { return e.err.Error() }
func (e *waiting) Unwrap() error { return e.err }

// RetryIn returns err as a transient failure to try again after d, without
// the growing backoff and without using up an attempt: for a record that waits
// on another job (an order's link that its import has not stored yet).
func RetryIn(d time.Duration, err error) error {
	return &waiting{after: d, err: err}
}

// retryAfter is the wait err asks for: RetryIn's, or the one a remote server
// asked for; 0 for none.
func retryAfter(err error) (d time.Duration, remoteAsked bool) {
	var w *waiting
	if errors.As(err, &w) {
		return w.after, false
	}
	return remote.RetryAfterOf(err), true
}

// Package remote is the one way ferry calls a remote system's HTTP API. Every
// connector client sends its requests through a Caller, which adds what every remote
// call needs: a per-attempt timeout, retries with exponential backoff and full
// jitter on 5xx, 429 and transport failures, Retry-After, a per-account rate limit,
// context cancellation, a Prometheus counter of calls by system and status, and
// redacted excerpts of what went over the wire for error messages and log lines.
//
// A request that is not idempotent (a create) is retried only when the server
// certainly did not act on it (429, or a connection refused before anything was
// sent). Any other failure of such a request comes back as an *Error with Ambiguous
// set: the call may have committed, so the caller must look the record up by its
// natural key before it tries again.
package remote

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/time/rate"
)

// Policy configures a Caller. The zero value of each field selects its default.
type Policy struct {
	// System names the remote system in metrics and errors ("mycashflow", "odoo").
	System string
	// Account names the connection, for errors and log lines.
	Account string
	// Timeout bounds one attempt, including reading the body. Default 30 s.
	Timeout time.Duration
	// MaxAttempts is the number of tries of one call, first included. Default 4.
	MaxAttempts int
	// BaseDelay is the backoff before the second attempt; it doubles each time and
	// is drawn with full jitter from [0, delay]. Default 250 ms.
	BaseDelay time.Duration
	// MaxDelay caps one backoff sleep. A Retry-After longer than this is not slept
	// in-process; the call fails with RetryAfter set, so that a job can snooze
	// instead of holding a worker. Default 20 s.
	MaxDelay time.Duration
	// RatePerSecond limits requests to this account; 0 means no limit.
	RatePerSecond float64
	// Burst is the limiter's bucket size. Default 1, or RatePerSecond rounded up.
	Burst int
	// Calls, when set, counts every attempt's outcome for the account's health.
	Calls *CallBook
	// Secrets are replaced by "***" in every excerpt (API keys sent in bodies).
	Secrets []string
	// MaxBody caps a response body read into memory. Default 64 MiB.
	MaxBody int64
}

// Caller sends HTTP requests to one remote account under a Policy. It is safe for
// concurrent use.
type Caller struct {
	client  *http.Client
	limiter *rate.Limiter
	policy  Policy
	// sleep waits for d or until ctx ends; tests replace it.
	sleep func(ctx context.Context, d time.Duration) error
}

// New returns a Caller. A nil client uses a fresh http.Client with its own
// transport, so that connections to one account are pooled together.
func New(p Policy, client *http.Client) *Caller {
	if p.Timeout <= 0 {
		p.Timeout = 30 * time.Second
	}
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 4
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 250 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 20 * time.Second
	}
	if p.MaxBody <= 0 {
		p.MaxBody = 64 << 20
	}
	if client == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 16
		client = &http.Client{Transport: tr}
	}
	c := &Caller{client: client, policy: p, sleep: sleepCtx}
	if p.RatePerSecond > 0 {
		burst := p.Burst
		if burst <= 0 {
			burst = int(math.Ceil(p.RatePerSecond))
		}
		c.limiter = rate.NewLimiter(rate.Limit(p.RatePerSecond), burst)
	}
	return c
}

// Policy returns the policy with defaults filled in.
func (c *Caller) Policy() Policy { return c.policy }

// Request is one call to make.
type Request struct {
	Method string
	// URL is absolute.
	URL    string
	Header http.Header
	Body   []byte
	// Idempotent says the call may be repeated safely after an unclear failure
	// (GET, a search, a PATCH that sets absolute values). See the package doc.
	Idempotent bool
	// Op names the operation for errors ("GET /orders", "sale.order create").
	Op string
	// Final, when set, reports a 5xx answer that is the server's considered
	// answer (an application error in the body, as Odoo's JSON-2 gives): it is
	// returned as a Response for the caller to read, not retried.
	Final func(status int, body []byte) bool
	// Stream, when set, reads a 2xx answer's body as it arrives instead of
	// into memory (a bulk export of any size): Timeout then bounds the wait
	// for the answer's headers, not the body, and MaxBody does not apply. A
	// Stream error ends the call with no retry (what was read has been
	// handed on); the Response's Body is then empty.
	Stream func(body io.Reader) error
}

// Response is a completed call: any status, body fully read.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	// Attempts is how many tries the call took.
	Attempts int
}

// Do sends r, retrying as the Policy and r.Idempotent allow. It returns a Response
// for any status the caller should interpret (2xx, and 4xx other than 429), and an
// *Error when retries are exhausted or a failure cannot be retried.
func (c *Caller) Do(ctx context.Context, r Request) (*Response, error) {
	op := r.Op
	if op == "" {
		op = r.Method + " " + pathOf(r.URL)
	}
	var last *Error
	for attempt := 1; ; attempt++ {
		if c.limiter != nil {
			if err := c.limiter.Wait(ctx); err != nil {
				return nil, c.fail(op, attempt, 0, nil, fmt.Errorf("waiting for rate limit: %w", ctx.Err()), false, false)
			}
		}
		resp, err := c.once(ctx, r)
		var se *streamError
		switch {
		case errors.As(err, &se):
			recordCall(c.policy.System, strconv.Itoa(http.StatusOK))
			c.policy.Calls.note(c.policy.Account, http.StatusOK, "")
			return nil, c.fail(op, attempt, http.StatusOK, nil, se.err, true, false)
		case err != nil:
			if ctx.Err() != nil {
				return nil, c.fail(op, attempt, 0, nil, ctx.Err(), false, !r.Idempotent)
			}
			sent := !refusedBeforeSend(err)
			last = c.fail(op, attempt, 0, nil, err, true, sent && !r.Idempotent)
			recordCall(c.policy.System, statusLabel(err))
			c.policy.Calls.note(c.policy.Account, 0, noAnswer(err))
			if sent && !r.Idempotent {
				return nil, last
			}
		case resp.Status == http.StatusTooManyRequests:
			recordCall(c.policy.System, strconv.Itoa(resp.Status))
			c.policy.Calls.note(c.policy.Account, resp.Status, "")
			last = c.fail(op, attempt, resp.Status, resp.Body, nil, true, false)
			last.RetryAfter = retryAfter(resp.Header)
			if last.RetryAfter > c.policy.MaxDelay {
				return nil, last
			}
		case (resp.Status >= 500 || resp.Status == http.StatusRequestTimeout || resp.Status == http.StatusTooEarly) && (r.Final == nil || !r.Final(resp.Status, resp.Body)):
			recordCall(c.policy.System, strconv.Itoa(resp.Status))
			c.policy.Calls.note(c.policy.Account, resp.Status, "")
			last = c.fail(op, attempt, resp.Status, resp.Body, nil, true, !r.Idempotent)
			last.RetryAfter = retryAfter(resp.Header)
			if !r.Idempotent {
				return nil, last
			}
		default:
			recordCall(c.policy.System, strconv.Itoa(resp.Status))
			c.policy.Calls.note(c.policy.Account, resp.Status, "")
			resp.Attempts = attempt
			return resp, nil
		}
		if attempt >= c.policy.MaxAttempts {
			return nil, last
		}
		d := c.backoff(attempt)
		if last.RetryAfter > d {
			d = last.RetryAfter
		}
		if err := c.sleep(ctx, d); err != nil {
			return nil, c.fail(op, attempt, 0, nil, err, false, last.Ambiguous)
		}
	}
}

func (c *Caller) once(ctx context.Context, r Request) (*Response, error) {
	var cancel context.CancelFunc
	var headers *time.Timer
	if r.Stream != nil {
		// Only the wait for the headers is bounded; the body takes its time.
		ctx, cancel = context.WithCancel(ctx)
		headers = time.AfterFunc(c.policy.Timeout, cancel)
	} else {
		ctx, cancel = context.WithTimeout(ctx, c.policy.Timeout)
	}
	defer cancel()
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, body)
	if err != nil {
		return nil, err
	}
	for k, v := range r.Header {
		req.Header[k] = v
	}
	resp, err := c.client.Do(req)
	if headers != nil {
		headers.Stop()
	}
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if r.Stream != nil && resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		if err := r.Stream(resp.Body); err != nil {
			return nil, &streamError{err}
		}
		return &Response{Status: resp.StatusCode, Header: resp.Header}, nil
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, c.policy.MaxBody+1))
	if err != nil {
		return nil, fmt.Errorf("reading response body: %w", err)
	}
	if int64(len(b)) > c.policy.MaxBody {
		return nil, fmt.Errorf("response body larger than %d bytes", c.policy.MaxBody)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// backoff returns the sleep before attempt+1: full jitter over an exponential cap.
func (c *Caller) backoff(attempt int) time.Duration {
	ceil := float64(c.policy.BaseDelay) * math.Pow(2, float64(attempt-1))
	if ceil > float64(c.policy.MaxDelay) {
		ceil = float64(c.policy.MaxDelay)
	}
	return time.Duration(rand.Float64() * ceil)
}

func (c *Caller) fail(op string, attempts, status int, body []byte, cause error, transient, ambiguous bool) *Error {
	return &Error{
		System:    c.policy.System,
		Account:   c.policy.Account,
		Op:        op,
		Status:    status,
		Body:      Excerpt(body, 512, c.policy.Secrets...),
		Attempts:  attempts,
		Transient: transient,
		Ambiguous: ambiguous,
		Cause:     cause,
	}
}

// Excerpt returns at most n bytes of b as text, with every secret replaced by "***".
func Excerpt(b []byte, n int, secrets ...string) string {
	s := string(b)
	for _, sec := range secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "***")
		}
	}
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}

// Error is a remote call that did not produce a usable response.
type Error struct {
	System  string
	Account string
	Op      string
	// Status is the HTTP status, or 0 for a transport failure.
	Status int
	// Body is a redacted excerpt of the response body.
	Body     string
	Attempts int
	// Transient means trying again later may succeed (5xx, 429, timeouts, drops).
	Transient bool
	// Ambiguous means the remote may have acted on the request before it failed.
	Ambiguous bool
	// RetryAfter is the server's requested wait, if it sent one.
	RetryAfter time.Duration
	Cause      error
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s", e.System)
	if e.Account != "" {
		fmt.Fprintf(&b, " (%s)", e.Account)
	}
	fmt.Fprintf(&b, ": %s", e.Op)
	if e.Status != 0 {
		fmt.Fprintf(&b, ": HTTP %d", e.Status)
	}
	if e.Cause != nil {
		fmt.Fprintf(&b, ": %v", e.Cause)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	if e.Ambiguous {
		b.WriteString(" (may have been applied)")
	}
	if e.Body != "" {
		fmt.Fprintf(&b, ": %s", e.Body)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Cause }

// ClassOfStatus is how a job treats an HTTP answer it cannot use, in the terms of
// ferry's queue: "" (transient: waiting can fix it) for 408, 425, 429 and 5xx;
// "needs_action" for refused credentials or rights (401, 403), which a person
// must fix; "permanent" for every other 4xx (400, 404, 405, 409, 410, 422, …),
// which the same request will meet again however long it waits.
func ClassOfStatus(status int) string {
	switch {
	case status == http.StatusRequestTimeout, status == http.StatusTooEarly, status == http.StatusTooManyRequests, status >= 500:
		return ""
	case status == http.StatusUnauthorized, status == http.StatusForbidden:
		return "needs_action"
	case status >= 400:
		return "permanent"
	}
	return ""
}

// IsTransient reports whether err is a remote failure worth retrying later.
func IsTransient(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Transient
}

// IsAmbiguous reports whether err leaves it open whether the remote acted.
func IsAmbiguous(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Ambiguous
}

// RetryAfterOf returns the wait a server asked for, or 0.
func RetryAfterOf(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

func retryAfter(h http.Header) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 {
		return time.Duration(secs * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

// refusedBeforeSend reports a failure that proves the server never saw the request.
func refusedBeforeSend(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

func statusLabel(err error) string {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		return "timeout"
	}
	return "error"
}

func pathOf(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
		if j := strings.IndexByte(u, '/'); j >= 0 {
			u = u[j:]
		} else {
			u = "/"
		}
	}
	if i := strings.IndexByte(u, '?'); i >= 0 {
		u = u[:i]
	}
	return u
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// streamError is a Stream that failed while it read a body: the call is not
// tried again (what was read has been handed on).
type streamError struct{ err error }

func (e *streamError) Error() string { return e.err.Error() }
func (e *streamError) Unwrap() error { return e.err }

// Package alert tells named people about failures: every few minutes, the
// jobs parked (needs action) or failed since the last message are gathered per
// rule of the config's alerts and sent by e-mail (SMTP) and/or to a webhook.
// It runs as a periodic job, so one process sends, whatever runs; each rule
// keeps its own cursor in the store, advanced only after its message went
// out, so a failure to send is retried with the job and nothing is lost (a
// message may come twice after a crash, never not at all).
package alert

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/config"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/store"
)

// Args is the periodic job that sends the alerts.
type Args struct{}

// Kind implements river.JobArgs.
func (Args) Kind() string { return "ferry.alerts" }

// JobRoute implements jobs.Args: the job belongs to no route.
func (Args) JobRoute() string { return "" }

// JobEntity implements jobs.Args.
func (Args) JobEntity() string { return "alerts" }

// Issue is one failure in a message.
type Issue struct {
	JobID  int64     `json:"job_id"`
	Route  string    `json:"route"`
	Entity string    `json:"entity"`
	Class  string    `json:"class"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
	// URL opens the job on the dashboard, when its public URL is known.
	URL string `json:"url,omitempty"`
}

// Message is what one rule hears in one round.
type Message struct {
	Rule    string  `json:"rule"`
	Subject string  `json:"subject"`
	Issues  []Issue `json:"issues"`
	// More counts the issues left out of a long message.
	More int `json:"more,omitempty"`
}

// maxIssues caps one message; the rest are counted in More.
const maxIssues = 50

// Notifier sends the alerts of cfg.
type Notifier struct {
	cfg   config.Alerts
	store store.Store
	// dashboard is the dashboard's public URL, for links; may be empty.
	dashboard string
	http      *http.Client
	log       *slog.Logger
	// getenv reads env: passwords; os.Getenv by default.
	getenv func(string) string
}

// New returns a notifier for cfg reading issues from st; dashboard is the
// public URL the messages link to (config http.public_url).
func New(cfg config.Alerts, st store.Store, dashboard string, log *slog.Logger, getenv func(string) string) *Notifier {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Notifier{cfg: cfg, store: st, dashboard: strings.TrimRight(dashboard, "/"), http: &http.Client{Timeout: 15 * time.Second}, log: log, getenv: getenv}
}

// Register adds the alerts job to reg.
func Register(reg *jobs.Registry, n *Notifier) {
	jobs.Register(reg, func(ctx context.Context, job *jobs.Job[Args]) error {
		_, err := n.Round(ctx)
		return err
	})
}

// Round sends each rule the issues opened since its last message and
// returns how many messages went out. A rule whose message could not be sent
// keeps its cursor and fails the round (after the other rules had theirs).
func (n *Notifier) Round(ctx context.Context) (int, error) {
	if len(n.cfg.Rules) == 0 {
		return 0, nil
	}
	open, err := n.store.ListIssues(ctx, store.IssueFilter{Open: true})
	if err != nil {
		return 0, fmt.Errorf("alerts: reading open issues: %w", err)
	}
	sort.Slice(open, func(i, j int) bool { return open[i].CreatedAt.Before(open[j].CreatedAt) })
	sent := 0
	var errs []string
	for _, r := range n.cfg.Rules {
		msg, newest, err := n.gather(ctx, r, open)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		if len(msg.Issues) == 0 {
			continue
		}
		if err := n.send(ctx, r, msg); err != nil {
			errs = append(errs, fmt.Sprintf("rule %s: %v", r.Name, err))
			continue
		}
		sent++
		if err := n.store.PutCursor(ctx, store.Cursor{Route: cursorRoute, Name: r.Name, Value: newest.Format(time.RFC3339Nano)}); err != nil {
			errs = append(errs, fmt.Sprintf("rule %s: sent, but its cursor was not stored (the next round sends it again): %v", r.Name, err))
		}
	}
	if len(errs) > 0 {
		return sent, fmt.Errorf("alerts: %s", strings.Join(errs, "; "))
	}
	return sent, nil
}

// cursorRoute holds the rules' cursors in the cursors table.
const cursorRoute = "ferry:alerts"

// gather picks the open issues of rule r newer than its cursor.
func (n *Notifier) gather(ctx context.Context, r config.AlertRule, open []store.JobIssue) (Message, time.Time, error) {
	var since time.Time
	c, err := n.store.GetCursor(ctx, cursorRoute, r.Name)
	switch {
	case err == nil:
		if since, err = time.Parse(time.RFC3339Nano, c.Value); err != nil {
			return Message{}, since, fmt.Errorf("rule %s: cursor %q: %w", r.Name, c.Value, err)
		}
	case !isNotFound(err):
		return Message{}, since, fmt.Errorf("rule %s: reading its cursor: %w", r.Name, err)
	}
	msg := Message{Rule: r.Name}
	var newest time.Time
	routes := map[string]bool{}
	counts := map[string]int{}
	for _, is := range open {
		if !is.CreatedAt.After(since) || !matches(r, is) {
			continue
		}
		newest = is.CreatedAt
		counts[string(is.Class)]++
		routes[nonEmpty(is.Route, "ferry")] = true
		if len(msg.Issues) == maxIssues {
			msg.More++
			continue
		}
		it := Issue{JobID: is.JobID, Route: is.Route, Entity: is.Entity, Class: string(is.Class), Reason: is.Reason, At: is.CreatedAt}
		if n.dashboard != "" {
			it.URL = fmt.Sprintf("%s/jobs/%d", n.dashboard, is.JobID)
		}
		msg.Issues = append(msg.Issues, it)
	}
	var parts []string
	if k := counts[string(store.NeedsAction)]; k > 0 {
		parts = append(parts, plural(k, "job needs", "jobs need")+" action")
	}
	if k := counts[string(store.Permanent)]; k > 0 {
		parts = append(parts, plural(k, "job", "jobs")+" failed")
	}
	names := make([]string, 0, len(routes))
	for name := range routes {
		names = append(names, name)
	}
	sort.Strings(names)
	msg.Subject = fmt.Sprintf("ferry: %s (%s)", strings.Join(parts, ", "), strings.Join(names, ", "))
	return msg, newest, nil
}

func matches(r config.AlertRule, is store.JobIssue) bool {
	if len(r.Classes) > 0 {
		ok := false
		for _, c := range r.Classes {
			ok = ok || c == string(is.Class)
		}
		if !ok {
			return false
		}
	}
	if len(r.Routes) == 0 {
		return true
	}
	for _, m := range r.Routes {
		if flow.Match(m, is.Route) {
			return true
		}
	}
	return false
}

func (n *Notifier) send(ctx context.Context, r config.AlertRule, msg Message) error {
	var errs []string
	if len(r.Email) > 0 {
		if err := n.mail(ctx, r.Email, msg); err != nil {
			errs = append(errs, "e-mail: "+err.Error())
		}
	}
	if r.Webhook != "" {
		if err := n.post(ctx, r, msg); err != nil {
			errs = append(errs, "webhook: "+err.Error())
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}

// Text is the message as people read it in an e-mail.
func (m Message) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", m.Subject)
	for _, is := range m.Issues {
		what := "needs action"
		if is.Class == string(store.Permanent) {
			what = "failed"
		}
		fmt.Fprintf(&b, "- [%s] route %s, %s: %s\n  %s", what, nonEmpty(is.Route, "—"), nonEmpty(is.Entity, "job "+fmt.Sprint(is.JobID)), is.Reason, is.At.UTC().Format("2006-01-02 15:04:05Z"))
		if is.URL != "" {
			fmt.Fprintf(&b, " · %s", is.URL)
		}
		b.WriteString("\n")
	}
	if m.More > 0 {
		fmt.Fprintf(&b, "\n…and %d more: see the dashboard's Jobs page (parked and failed).\n", m.More)
	}
	fmt.Fprintf(&b, "\nRule %s of ferry's alerts.\n", m.Rule)
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

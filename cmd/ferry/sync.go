package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ferryhub/ferry/internal/config"
	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/hub"
	"github.com/ferryhub/ferry/internal/store"
)

func newSyncCmd(g *globals) *cobra.Command {
	var since string
	var dryRun, asJSON bool
	cmd := &cobra.Command{
		Use:   "sync ROUTE",
		Short: "Run one pass of a route now, and wait for its records",
		Long: `sync runs one pass of a route in this process: it reads what changed in the source (since
the route's cursor, or --since), works every record, and shows progress (a bar on a terminal,
log lines otherwise). --dry-run prints what would be created or updated and writes nothing to
the remote systems, the links or the cursor.`,
		Example: `  ferry sync orders
  ferry sync orders --since 2026-11-01T00:00:00+02:00 --dry-run`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var sinceT time.Time
			if since != "" {
				t, err := parseSince(since)
				if err != nil {
					return err
				}
				sinceT = t
			}
			cfg, err := g.loadConfig()
			if err != nil {
				return err
			}
			route := args[0]
			rc, ok := cfg.Routes[route]
			if !ok {
				return fmt.Errorf("no route %q in %s", route, cfg.Path)
			}
			kind, ok := flow.LookupKind(rc.Flow)
			if !ok {
				return fmt.Errorf("route %s: flow %q is not built into this ferry", route, rc.Flow)
			}
			ctx := cmd.Context()
			h, err := hub.Open(ctx, cfg, hub.Options{Logger: newLogger(cfg), Work: !dryRun})
			if errors.Is(err, store.ErrOwned) {
				// A hub runs on this SQLite file: it does the pass, and this
				// process follows it.
				fmt.Fprintf(cmd.ErrOrStderr(), "%v; asking it for the pass\n", err)
				return syncThroughRunningHub(ctx, cmd.OutOrStdout(), cfg, route, sinceT, asJSON)
			}
			if err != nil {
				return err
			}
			defer h.Close()
			r, err := h.Flows.Route(route)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if dryRun {
				dry := &flow.DryRun{}
				res, err := kind.Pass(ctx, h.Flows, r, flow.PassOptions{Since: sinceT, DryRun: dry})
				if err != nil {
					return err
				}
				if asJSON {
					return json.NewEncoder(out).Encode(map[string]any{"route": route, "result": res, "actions": dry.Actions})
				}
				for _, a := range dry.Actions {
					fmt.Fprintf(out, "would %s in %s: %s", a.Op, a.Target, a.Entity)
					if a.Detail != "" {
						fmt.Fprintf(out, " (%s)", a.Detail)
					}
					fmt.Fprintln(out)
				}
				fmt.Fprintf(out, "dry run of %s: %d to create, %d to update, %d unchanged, %d skipped; nothing was written\n", route, res.Created, res.Updated, res.Unchanged, res.Skipped)
				return nil
			}
			if err := h.Queue.Start(ctx); err != nil {
				return err
			}
			defer func() {
				sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
				defer cancel()
				h.Queue.Stop(sctx)
			}()
			res, err := kind.Pass(ctx, h.Flows, r, flow.PassOptions{Since: sinceT})
			if err != nil {
				return err
			}
			p := newProgress(cmd.ErrOrStderr(), route, res.Queued)
			for {
				busy, err := flow.Busy(ctx, h.Flows, route)
				if err != nil {
					return err
				}
				// A retried job counts again what it did before, so done can
				// pass the records the pass queued.
				done := h.Flows.Counts()[route].Done()
				p.total = max(p.total, done)
				p.show(done)
				if !busy {
					break
				}
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(200 * time.Millisecond):
				}
			}
			p.finish()
			total := res.Add(h.Flows.Counts()[route])
			if asJSON {
				return json.NewEncoder(out).Encode(map[string]any{"route": route, "result": total})
			}
			fmt.Fprintf(out, "%s: %d created, %d updated, %d unchanged, %d skipped, %d parked, %d failed\n", route, total.Created, total.Updated, total.Unchanged, total.Skipped, total.Parked, total.Failed)
			if total.Skipped > 0 {
				fmt.Fprintf(out, "skipped records and why: the dashboard's Orders page, or ferry sync %s --dry-run\n", route)
			}
			if total.Parked+total.Failed > 0 {
				fmt.Fprintf(out, "see why: ferry jobs list --route %s --state parked,failed\n", route)
			}
			if total.Failed > 0 {
				return exitError{code: 1}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&since, "since", "", "read changes from this time (RFC 3339, or YYYY-MM-DD) instead of the route's cursor")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "print what would be written, write nothing")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	return cmd
}

func parseSince(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--since %q: write a time like 2026-11-01 or 2026-11-01T08:00:00+02:00", s)
}

// progress shows records done of a total: a bar with rate and ETA on a terminal,
// a log line every few seconds otherwise.
type progress struct {
	w        io.Writer
	route    string
	total    int
	start    time.Time
	tty      bool
	lastLine time.Time
	done     int
}

func newProgress(w io.Writer, route string, total int) *progress {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &progress{w: w, route: route, total: total, start: time.Now(), tty: tty}
}

func (p *progress) show(done int) {
	p.done = done
	el := time.Since(p.start).Seconds()
	rate := 0.0
	if el > 0 {
		rate = float64(done) / el
	}
	eta := "?"
	if rate > 0 && p.total > done {
		eta = (time.Duration(float64(p.total-done)/rate) * time.Second).Round(time.Second).String()
	} else if p.total <= done {
		eta = "0s"
	}
	if p.tty {
		const width = 30
		filled := width
		if p.total > 0 {
			filled = min(width, width*done/p.total)
		}
		fmt.Fprintf(p.w, "\r%s [%s%s] %d/%d records  %.1f/s  ETA %s ", p.route, strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, p.total, rate, eta)
		return
	}
	if time.Since(p.lastLine) >= 2*time.Second {
		p.lastLine = time.Now()
		fmt.Fprintf(p.w, "%s: %d/%d records, %.1f/s, ETA %s\n", p.route, done, p.total, rate, eta)
	}
}

func (p *progress) finish() {
	if p.tty {
		fmt.Fprintln(p.w)
		return
	}
	fmt.Fprintf(p.w, "%s: %d/%d records in %s\n", p.route, p.done, p.total, time.Since(p.start).Round(time.Millisecond))
}

// syncThroughRunningHub enqueues a pass of route into the hub that owns the
// SQLite file, waits until the route's jobs are done, and prints what they did
// (from the route's hourly counts, which that hub keeps in the store).
func syncThroughRunningHub(ctx context.Context, out io.Writer, cfg *config.Config, route string, since time.Time, asJSON bool) error {
	h, err := hub.Open(ctx, cfg, hub.Options{Logger: newLogger(cfg)})
	if err != nil {
		return err
	}
	defer h.Close()
	start := time.Now().UTC()
	counts := func() (store.Counts, error) {
		var c store.Counts
		stats, err := h.Store.ListRouteStats(ctx, route, start)
		for _, s := range stats {
			c.Created, c.Updated, c.Unchanged = c.Created+s.Created, c.Updated+s.Updated, c.Unchanged+s.Unchanged
			c.Parked, c.Failed, c.Skipped = c.Parked+s.Parked, c.Failed+s.Failed, c.Skipped+s.Skipped
		}
		return c, err
	}
	before, err := counts()
	if err != nil {
		return err
	}
	if _, err := flow.RunRoute(ctx, h.Flows, route, since, time.Time{}); err != nil {
		return err
	}
	// The other hub starts the pass within its poll interval.
	time.Sleep(2 * time.Second)
	for {
		busy, err := flow.Busy(ctx, h.Flows, route)
		if err != nil {
			return err
		}
		if !busy {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
	after, err := counts()
	if err != nil {
		return err
	}
	d := store.Counts{Created: after.Created - before.Created, Updated: after.Updated - before.Updated, Unchanged: after.Unchanged - before.Unchanged,
		Parked: after.Parked - before.Parked, Failed: after.Failed - before.Failed, Skipped: after.Skipped - before.Skipped}
	if asJSON {
		if err := json.NewEncoder(out).Encode(map[string]any{"route": route, "result": d, "by": "the running hub"}); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(out, "%s (by the running hub): %d created, %d updated, %d unchanged, %d skipped, %d parked, %d failed\n", route, d.Created, d.Updated, d.Unchanged, d.Skipped, d.Parked, d.Failed)
	}
	if d.Failed > 0 {
		return exitError{code: 1}
	}
	return nil
}

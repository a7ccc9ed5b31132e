package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/ferryhub/ferry/internal/hub"
	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/store"
)

func newMigrateCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Create or upgrade the database tables (also done at every start)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := g.loadConfig()
			if err != nil {
				return err
			}
			h, err := hub.Open(cmd.Context(), cfg, hub.Options{Logger: newLogger(cfg)})
			if err != nil {
				return err
			}
			defer h.Close()
			fmt.Fprintf(cmd.OutOrStdout(), "database is up to date (%s)\n", h.Store.Dialect())
			return nil
		},
	}
}

// openManaged opens the hub for a management command: no workers.
func openManaged(ctx context.Context, g *globals) (*hub.Hub, error) {
	cfg, err := g.loadConfig()
	if err != nil {
		return nil, err
	}
	return hub.Open(ctx, cfg, hub.Options{Logger: newLogger(cfg)})
}

func newJobsCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "jobs",
		Short: "List, retry and cancel jobs",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return fmt.Errorf("jobs needs a subcommand: list, retry or cancel (see 'ferry jobs --help')")
		},
	}
	cmd.AddCommand(newJobsListCmd(g), newJobsRetryCmd(g), newJobsCancelCmd(g))
	return cmd
}

func newJobsListCmd(g *globals) *cobra.Command {
	var route, kind, state string
	var limit int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List jobs, newest first",
		Example: `  ferry jobs list --state parked
  ferry jobs list --route orders --state failed,retryable --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f := jobs.Filter{Route: route, Limit: limit}
			if kind != "" {
				f.Kinds = strings.Split(kind, ",")
			}
			if state != "" {
				for _, s := range strings.Split(state, ",") {
					st := jobs.State(strings.TrimSpace(s))
					if !validState(st) {
						return fmt.Errorf("--state %q: unknown state; use one of %s", s, statesList())
					}
					f.States = append(f.States, st)
				}
			}
			h, err := openManaged(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer h.Close()
			if err := knownRoute(h, route); err != nil {
				return err
			}
			list, err := h.Queue.List(cmd.Context(), f)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(list)
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSTATE\tKIND\tROUTE\tENTITY\tATTEMPT\tCREATED\tREASON")
			for _, j := range list {
				reason := j.Reason
				if reason == "" && j.State == jobs.StateRetryable {
					reason = j.LastError
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d/%d\t%s\t%s\n", j.ID, j.State, j.Kind, j.Route, j.Entity, j.Attempt, j.MaxAttempts, j.CreatedAt.Local().Format(time.DateTime), oneLine(reason, 100))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&route, "route", "", "only jobs of this route")
	cmd.Flags().StringVar(&kind, "kind", "", "only jobs of these kinds (comma-separated)")
	cmd.Flags().StringVar(&state, "state", "", "only jobs in these states (comma-separated): "+statesList())
	cmd.Flags().IntVar(&limit, "limit", 50, "at most this many jobs")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newJobsRetryCmd(g *globals) *cobra.Command {
	var route string
	var failed, parked bool
	cmd := &cobra.Command{
		Use:   "retry [ID...]",
		Short: "Run jobs again now: by id, or every parked/failed job (of a route)",
		Example: `  ferry jobs retry 42 43
  ferry jobs retry --parked --route orders
  ferry jobs retry --failed`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ids, err := parseIDs(args)
			if err != nil {
				return err
			}
			if len(ids) == 0 && !failed && !parked {
				return errors.New("name job ids, or use --failed and/or --parked (optionally with --route)")
			}
			if len(ids) > 0 && (failed || parked || route != "") {
				return errors.New("give either job ids or --failed/--parked/--route, not both")
			}
			h, err := openManaged(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer h.Close()
			if err := knownRoute(h, route); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if len(ids) > 0 {
				var errs []error
				for _, id := range ids {
					if err := h.Queue.Retry(cmd.Context(), id); err != nil {
						errs = append(errs, err)
						continue
					}
					fmt.Fprintf(out, "job %d will run again\n", id)
				}
				return errors.Join(errs...)
			}
			total := 0
			for _, c := range issueClasses(failed, parked) {
				n, err := h.Queue.RetryIssues(cmd.Context(), store.IssueFilter{Route: route, Class: c})
				total += n
				if err != nil {
					return err
				}
			}
			fmt.Fprintf(out, "%d job(s) will run again\n", total)
			return nil
		},
	}
	cmd.Flags().StringVar(&route, "route", "", "only jobs of this route")
	cmd.Flags().BoolVar(&failed, "failed", false, "every failed job")
	cmd.Flags().BoolVar(&parked, "parked", false, "every parked (needs action) job")
	return cmd
}

func newJobsCancelCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "cancel ID...",
		Short: "Cancel jobs that have not finished",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ids, err := parseIDs(args)
			if err != nil {
				return err
			}
			h, err := openManaged(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer h.Close()
			var errs []error
			for _, id := range ids {
				if err := h.Queue.Cancel(cmd.Context(), id); err != nil {
					errs = append(errs, err)
					continue
				}
				fmt.Fprintf(cmd.OutOrStdout(), "job %d cancelled\n", id)
			}
			return errors.Join(errs...)
		},
	}
}

func issueClasses(failed, parked bool) []store.IssueClass {
	var out []store.IssueClass
	if parked {
		out = append(out, store.NeedsAction)
	}
	if failed {
		out = append(out, store.Permanent)
	}
	return out
}

func parseIDs(args []string) ([]int64, error) {
	var ids []int64
	for _, a := range args {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			return nil, fmt.Errorf("%q is not a job id (a positive number)", a)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func validState(s jobs.State) bool {
	for _, v := range jobs.States {
		if v == s {
			return true
		}
	}
	return false
}

func statesList() string {
	var s []string
	for _, v := range jobs.States {
		s = append(s, string(v))
	}
	return strings.Join(s, ", ")
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}

func newConfigCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Check the configuration",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return fmt.Errorf("config needs a subcommand: validate (see 'ferry config --help')")
		},
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "validate",
		Short: "Check the configuration file and print every problem with its line",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			g.configSet = true
			cfg, err := g.loadConfig()
			if err != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), err)
				return exitError{code: 1}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s is valid: %d connection(s), %d route(s)\n", cfg.Path, len(cfg.Connections), len(cfg.Routes))
			return nil
		},
	})
	return cmd
}

func newConnectionsCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "connections",
		Short: "Check connections to remote systems",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return fmt.Errorf("connections needs a subcommand: test (see 'ferry connections --help')")
		},
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "test [NAME]",
		Short: "Call the remote system with the connection's settings and say what works and what is wrong (every connection without a NAME)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			h, err := openManaged(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer h.Close()
			names := args
			if len(names) == 0 {
				for name := range h.Config.Connections {
					names = append(names, name)
				}
				sort.Strings(names)
			}
			out := cmd.OutOrStdout()
			failed := false
			for _, name := range names {
				if !testConnection(cmd.Context(), out, h, name) {
					failed = true
				}
			}
			if failed {
				return exitError{code: 1}
			}
			return nil
		},
	})
	return cmd
}

// testConnection tests one connection and prints what it found; it reports
// whether the connection is usable.
func testConnection(ctx context.Context, out io.Writer, h *hub.Hub, name string) bool {
	conn, err := h.Conn(ctx, name)
	if err != nil {
		fmt.Fprintf(out, "FAIL %s: %v\n", name, err)
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	rep, err := conn.Test(ctx)
	if err != nil {
		fmt.Fprintf(out, "FAIL %s: %v\n", name, err)
		return false
	}
	mark := "OK"
	if !rep.OK {
		mark = "FAIL"
	}
	fmt.Fprintf(out, "%s %s: %s\n", mark, name, rep.Summary)
	for _, d := range rep.Details {
		fmt.Fprintf(out, "  - %s\n", d)
	}
	return rep.OK
}

// knownRoute refuses a --route that names no configured route.
func knownRoute(h *hub.Hub, route string) error {
	if route == "" {
		return nil
	}
	if _, ok := h.Config.Routes[route]; ok {
		return nil
	}
	var names []string
	for n := range h.Config.Routes {
		names = append(names, n)
	}
	sort.Strings(names)
	return fmt.Errorf("--route %q: no such route; the routes are %s", route, strings.Join(names, ", "))
}

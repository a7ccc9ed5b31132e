package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ferryhub/ferry/internal/config"
	"github.com/ferryhub/ferry/internal/store"
	"github.com/ferryhub/ferry/internal/web"
)

func newUsersCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "users",
		Short: "Manage the dashboard's users and API tokens",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return fmt.Errorf("users needs a subcommand: add, list, delete, token or unlock (see 'ferry users --help')")
		},
	}
	var role, password string
	add := &cobra.Command{
		Use:   "add NAME",
		Short: "Add a user (or replace one's password and role); prints a generated password unless --password is given",
		Long: `add creates a dashboard user. Roles: viewer reads; operator also retries, runs and
cancels; admin also changes settings and mappings. Without --password a random one is
generated and printed once.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r := store.Role(role)
			if !r.Allows(store.RoleViewer) {
				return fmt.Errorf("--role %q: use admin, operator or viewer", role)
			}
			st, err := openUsersStore(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer st.Close()
			pw := password
			if pw == "" {
				pw = web.NewSecret()[:20]
			}
			if err := web.AddUser(cmd.Context(), st, args[0], pw, r); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "user %s (%s) added\n", args[0], r)
			if password == "" {
				fmt.Fprintf(out, "password: %s\n", pw)
			}
			return nil
		},
	}
	add.Flags().StringVar(&role, "role", "viewer", "admin, operator or viewer")
	add.Flags().StringVar(&password, "password", "", "the password (at least 10 characters); default: generated")
	cmd.AddCommand(add)
	cmd.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "List the users",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := openUsersStore(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer st.Close()
			users, err := st.ListUsers(cmd.Context())
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "USER\tROLE\tCREATED")
			for _, u := range users {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", u.Name, u.Role, u.CreatedAt.Format("2006-01-02 15:04"))
			}
			return tw.Flush()
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "delete NAME",
		Short: "Delete a user with their sessions and API tokens",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := openUsersStore(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer st.Close()
			if err := st.DeleteUser(cmd.Context(), args[0]); err != nil {
				return fmt.Errorf("user %s: %w", args[0], err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "user %s deleted\n", args[0])
			return nil
		},
	})
	var label string
	token := &cobra.Command{
		Use:   "token NAME",
		Short: "Create an API token acting as the user (printed once; send it as Authorization: Bearer …)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := openUsersStore(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer st.Close()
			secret, err := web.AddToken(cmd.Context(), st, args[0], strings.TrimSpace(label))
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), secret)
			return nil
		},
	}
	token.Flags().StringVar(&label, "label", "", "what the token is for")
	cmd.AddCommand(token)
	cmd.AddCommand(&cobra.Command{
		Use:   "unlock NAME",
		Short: "Let a user locked out by failed sign-ins sign in again at once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := openUsersStore(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer st.Close()
			if _, err := st.GetUser(cmd.Context(), args[0]); err != nil {
				return fmt.Errorf("no user %q: %w", args[0], err)
			}
			if err := web.Unlock(cmd.Context(), st, args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "user %s may sign in again (a running ferry sees it at the next sign-in)\n", args[0])
			return nil
		},
	})
	return cmd
}

// openUsersStore opens ferry's store alone, for the users commands: they need
// no connection, so a credential whose environment variable is unset in this
// shell does not stop them.
func openUsersStore(ctx context.Context, g *globals) (store.Store, error) {
	cfg, err := config.LoadSkippingCredentials(g.configPath, schemas())
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) || g.configSet || os.Getenv("FERRY_CONFIG") != "" {
			return nil, err
		}
		if cfg, err = g.loadConfig(); err != nil {
			return nil, err
		}
	}
	return store.Open(ctx, store.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, Logger: newLogger(cfg)})
}

package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ferryhub/ferry/internal/store"
	"github.com/ferryhub/ferry/internal/web"
)

func newUsersCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "users",
		Short: "Manage the dashboard's users and API tokens",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return fmt.Errorf("users needs a subcommand: add, list, delete or token (see 'ferry users --help')")
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
			h, err := openManaged(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer h.Close()
			pw := password
			if pw == "" {
				pw = web.NewSecret()[:20]
			}
			if err := web.AddUser(cmd.Context(), h.Store, args[0], pw, r); err != nil {
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
			h, err := openManaged(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer h.Close()
			users, err := h.Store.ListUsers(cmd.Context())
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
			h, err := openManaged(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer h.Close()
			if err := h.Store.DeleteUser(cmd.Context(), args[0]); err != nil {
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
			h, err := openManaged(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer h.Close()
			secret, err := web.AddToken(cmd.Context(), h.Store, args[0], strings.TrimSpace(label))
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), secret)
			return nil
		},
	}
	token.Flags().StringVar(&label, "label", "", "what the token is for")
	cmd.AddCommand(token)
	return cmd
}

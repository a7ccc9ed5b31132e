package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ferryhub/ferry/internal/config"
	"github.com/ferryhub/ferry/internal/hub"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

type globals struct {
	configPath string
	configSet  bool
	logLevel   string
}

func newRoot() *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:           "ferry",
		Short:         "ferry moves orders, products, stock, shipments and payments between webshops, ERPs, warehouses and CRMs",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRun: func(cmd *cobra.Command, args []string) {
			g.configSet = cmd.Flags().Changed("config")
		},
	}
	defaultConfig := "ferry.yaml"
	if env := os.Getenv("FERRY_CONFIG"); env != "" {
		defaultConfig = env
	}
	root.PersistentFlags().StringVarP(&g.configPath, "config", "c", defaultConfig, "configuration file (env FERRY_CONFIG)")
	root.PersistentFlags().StringVar(&g.logLevel, "log-level", "", "log level: debug, info, warn or error (overrides the config)")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return fmt.Errorf("%w\nrun '%s --help' for usage", err, cmd.CommandPath())
	})
	root.AddCommand(
		newServeCmd(g), newWorkerCmd(g), newMigrateCmd(g), newJobsCmd(g),
		newConfigCmd(g), newConnectionsCmd(g), newSandboxCmd(), newDemoCmd(g), newSyncCmd(g), newUsersCmd(g), newVersionCmd(),
	)
	return root
}

// loadConfig reads the config file. A missing default file gives the built-in
// defaults (no connections, no routes); a missing file named with --config is an
// error.
func (g *globals) loadConfig() (*config.Config, error) {
	cfg, err := config.Load(g.configPath, schemas())
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && !g.configSet && os.Getenv("FERRY_CONFIG") == "" {
			// No file: the defaults, still with the environment's overrides.
			cfg, err = config.Parse("(built-in defaults)", []byte("{}"), schemas())
		}
	}
	if err != nil {
		return nil, err
	}
	if g.logLevel != "" {
		cfg.Log.Level = g.logLevel
	}
	return cfg, nil
}

// schemas are the typed settings of every connector kind and options of every
// flow compiled into this binary.
func schemas() config.Schemas { return hub.Schemas() }

func newLogger(cfg *config.Config) *slog.Logger {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(cfg.Log.Level)); err != nil {
		lvl = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: lvl}
	if strings.EqualFold(cfg.Log.Format, "text") {
		return slog.New(slog.NewTextHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, opts))
}

func versionString() string {
	v := version
	if v == "" {
		v = "dev"
		if bi, ok := debug.ReadBuildInfo(); ok {
			for _, s := range bi.Settings {
				if s.Key == "vcs.revision" && len(s.Value) >= 12 {
					v = "dev-" + s.Value[:12]
				}
			}
		}
	}
	return v
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print ferry's version",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, args []string) {
			fmt.Fprintln(cmd.OutOrStdout(), "ferry", versionString())
		},
	}
}

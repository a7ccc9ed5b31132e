package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runFerry runs the command line in-process and returns stdout, stderr and the
// error (an exitError for commands that printed their own failure).
func runFerry(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	root := newRoot()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "ferry.yaml")
	body = strings.ReplaceAll(body, "DATADIR", filepath.Join(dir, "data"))
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestConfigValidateNamesFileLineAndKey(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, "data_dir: DATADIR\nqueue:\n  workers: 4\n  job_timout: 1m\n")
	_, stderr, err := runFerry(t, "config", "validate", "--config", path)
	var ee exitError
	if !errors.As(err, &ee) || ee.code == 0 {
		t.Fatalf("config validate on a typo: err %v, want a non-zero exit", err)
	}
	for _, want := range []string{path + ":4:", `"job_timout"`, `"job_timeout"`} {
		if !strings.Contains(stderr, want) {
			t.Errorf("output %q does not contain %q", stderr, want)
		}
	}
}

func TestConfigValidateAcceptsAGoodFile(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, "data_dir: DATADIR\nqueue:\n  workers: 4\n")
	out, _, err := runFerry(t, "config", "validate", "-c", path)
	if err != nil || !strings.Contains(out, "is valid") {
		t.Fatalf("out %q err %v", out, err)
	}
}

func TestBadFlagSaysWhatToDo(t *testing.T) {
	t.Parallel()
	_, _, err := runFerry(t, "jobs", "list", "--stat", "parked")
	if err == nil || !strings.Contains(err.Error(), "unknown flag") || !strings.Contains(err.Error(), "--help") {
		t.Fatalf("err = %v", err)
	}
	_, _, err = runFerry(t, "jobs", "list", "--state", "stuck", "-c", writeConfig(t, "data_dir: DATADIR\n"))
	if err == nil || !strings.Contains(err.Error(), "unknown state") {
		t.Fatalf("err = %v", err)
	}
}

func TestMissingConfigNamedExplicitlyIsAnError(t *testing.T) {
	t.Parallel()
	_, _, err := runFerry(t, "migrate", "--config", filepath.Join(t.TempDir(), "nope.yaml"))
	if err == nil || !strings.Contains(err.Error(), "nope.yaml") {
		t.Fatalf("err = %v", err)
	}
}

func TestMigrateAndJobsListOnAFreshSQLite(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, "data_dir: DATADIR\n")
	if out, _, err := runFerry(t, "migrate", "-c", path); err != nil || !strings.Contains(out, "up to date") {
		t.Fatalf("migrate: %q %v", out, err)
	}
	out, _, err := runFerry(t, "jobs", "list", "-c", path)
	if err != nil || !strings.Contains(out, "ID") {
		t.Fatalf("jobs list: %q %v", out, err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(path), "data", "secret.key")); err != nil {
		t.Fatalf("no secret key file was created: %v", err)
	}
	for _, cmd := range [][]string{{"jobs", "list", "--route", "nosuch"}, {"jobs", "retry", "--failed", "--route", "nosuch"}} {
		if _, _, err := runFerry(t, append(cmd, "-c", path)...); err == nil || !strings.Contains(err.Error(), `--route "nosuch": no such route`) {
			t.Errorf("%v: %v", cmd, err)
		}
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	out, _, err := runFerry(t, "version")
	if err != nil || !strings.HasPrefix(out, "ferry ") {
		t.Fatalf("%q %v", out, err)
	}
}

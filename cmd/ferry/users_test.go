package main

import (
	"regexp"
	"strings"
	"testing"
)

func TestUsersAddListTokenDelete(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, "data_dir: DATADIR\nlog: {level: error}\n")
	out, _, err := runFerry(t, "-c", path, "users", "add", "alice", "--role", "operator")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^password: \S{20}$`).MatchString(out) {
		t.Errorf("users add printed no generated password: %q", out)
	}
	if _, _, err := runFerry(t, "-c", path, "users", "add", "bob", "--role", "root"); err == nil || !strings.Contains(err.Error(), "admin, operator or viewer") {
		t.Errorf("an unknown role: %v", err)
	}
	if _, _, err := runFerry(t, "-c", path, "users", "add", "carol", "--password", "short"); err == nil || !strings.Contains(err.Error(), "at least 10") {
		t.Errorf("a short password: %v", err)
	}
	out, _, err = runFerry(t, "-c", path, "users", "list")
	if err != nil || !strings.Contains(out, "alice") || !strings.Contains(out, "operator") {
		t.Errorf("users list: %q %v", out, err)
	}
	out, _, err = runFerry(t, "-c", path, "users", "token", "alice", "--label", "ci")
	if err != nil || !strings.HasPrefix(strings.TrimSpace(out), "fy_") {
		t.Errorf("users token: %q %v", out, err)
	}
	if _, _, err := runFerry(t, "-c", path, "users", "token", "nobody"); err == nil {
		t.Error("a token for an unknown user was made")
	}
	if _, _, err := runFerry(t, "-c", path, "users", "delete", "alice"); err != nil {
		t.Fatal(err)
	}
	out, _, _ = runFerry(t, "-c", path, "users", "list")
	if strings.Contains(out, "alice") {
		t.Errorf("alice still listed after delete: %q", out)
	}
}

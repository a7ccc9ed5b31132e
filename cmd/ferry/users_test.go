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

// The users commands need only ferry's store: a connection whose credential
// names an environment variable unset in this shell does not stop them; and
// unlock names the user it lets in again.
func TestUsersIgnoreUnrelatedCredentialsAndUnlock(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, `data_dir: DATADIR
log: {level: error}
connections:
  shop:
    kind: mycashflow
    settings: {store: demo}
    credentials: {user: api@demo.example, api_key: "env:FERRY_TEST_SURELY_UNSET_KEY"}
`)
	if _, _, err := runFerry(t, "-c", path, "users", "add", "dora", "--role", "admin"); err != nil {
		t.Fatalf("users add with an unset credential variable elsewhere: %v", err)
	}
	out, _, err := runFerry(t, "-c", path, "users", "unlock", "dora")
	if err != nil || !strings.Contains(out, "dora may sign in again") {
		t.Errorf("users unlock: %q %v", out, err)
	}
	if _, _, err := runFerry(t, "-c", path, "users", "unlock", "nobody"); err == nil || !strings.Contains(err.Error(), `no user "nobody"`) {
		t.Errorf("unlock of an unknown user: %v", err)
	}
	// A command that uses the connections still says what is missing.
	if _, stderr, err := runFerry(t, "-c", path, "config", "validate"); err == nil || !strings.Contains(stderr, "FERRY_TEST_SURELY_UNSET_KEY") {
		t.Errorf("config validate: %v %s", err, stderr)
	}
}

package clientify

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/config"
	"github.com/ferryhub/ferry/internal/connector"
)

func schemas() config.Schemas {
	return config.Schemas{
		Settings: func(kind string) (any, bool) {
			k, ok := connector.Lookup(kind)
			if !ok {
				return nil, false
			}
			return k.NewSettings(), true
		},
		Kinds: connector.Names(),
		Credentials: func(kind string) []string {
			k, _ := connector.Lookup(kind)
			var out []string
			for _, c := range k.Credentials {
				out = append(out, c.Key)
			}
			return out
		},
	}
}

// kind: clientify in ferry.yaml: typed settings with defaults, unknown keys
// and bad values refused.
func TestSettingsInConfig(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, settings, want string
	}{
		{name: "defaults", settings: "{}"},
		{name: "v1", settings: "{base_url: 'https://api.clientify.net/v1/', timeout: 10s, rate_limit: 2, page_size: 50}"},
		{name: "unknown key", settings: "{base_url: 'https://api.clientify.net/v1', pagesize: 50}", want: "pagesize"},
		{name: "page size", settings: "{page_size: 500}", want: "page_size 500"},
		{name: "bad url", settings: "{base_url: 'api.clientify.net'}", want: "base_url"},
		{name: "bad header", settings: "{webhook_header: 'X Secret'}", want: "webhook_header"},
	} {
		src := "connections:\n  crm:\n    kind: clientify\n    settings: " + tc.settings + "\n    credentials: {api_key: k3y}\n"
		cfg, err := config.ParseEnv("ferry.yaml", []byte(src), schemas(), map[string]string{})
		if tc.want != "" {
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: %v, want an error naming %q", tc.name, err, tc.want)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		s := cfg.Connections["crm"].Settings.(*Settings)
		if tc.name == "defaults" && (s.root() != DefaultBaseURL || s.PageSize != 100 || s.Timeout != 30*time.Second || s.WebhookHeader != "X-Clientify-Secret") {
			t.Errorf("defaults %+v", s)
		}
		if tc.name == "v1" && (s.root() != "https://api.clientify.net/v1" || s.Timeout != 10*time.Second) {
			t.Errorf("v1 %+v", s)
		}
	}
}

// Open builds a client that holds the webhook token and makes no call.
func TestOpen(t *testing.T) {
	t.Parallel()
	k, ok := connector.Lookup("clientify")
	if !ok {
		t.Fatal("kind clientify not registered")
	}
	s := k.NewSettings().(*Settings)
	conn, err := k.Open(t.Context(), connector.Env{Name: "crm", Settings: s, Credentials: map[string]string{"api_key": "k", "webhook_token": "tok"}, RateLimit: 1, HTTPClient: &http.Client{}})
	if err != nil {
		t.Fatal(err)
	}
	c := conn.(*Client)
	if c.WebhookSecret() != "tok" || c.caller.Policy().RatePerSecond != 1 || c.auth != "Token k" {
		t.Fatalf("%+v", c)
	}
	if _, err := k.Open(t.Context(), connector.Env{Name: "crm", Settings: s, Credentials: map[string]string{}}); err == nil {
		t.Fatal("opened without api_key")
	}
}

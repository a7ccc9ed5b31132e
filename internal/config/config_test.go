package config

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

// shopSettings is a connector kind's settings, as a test stands in for one.
type shopSettings struct {
	Store   string `yaml:"store" json:"store"`
	BaseURL string `yaml:"base_url" json:"base_url,omitempty"`
	Nested  struct {
		PageSize int `yaml:"page_size" json:"page_size"`
	} `yaml:"nested" json:"nested"`
}

func (s *shopSettings) Validate() error {
	if s.Store == "" {
		return errors.New("store is required")
	}
	return nil
}

type orderOptions struct {
	Shipping []struct {
		Match string `yaml:"match" json:"match"`
		To    string `yaml:"to" json:"to"`
	} `yaml:"shipping_methods" json:"shipping_methods"`
}

var testSchemas = Schemas{
	Settings: func(kind string) (any, bool) {
		switch kind {
		case "shopkind":
			s := &shopSettings{}
			s.Nested.PageSize = 100
			return s, true
		case "erpkind":
			return &struct {
				URL string `yaml:"url" json:"url"`
			}{}, true
		}
		return nil, false
	},
	Kinds: []string{"erpkind", "shopkind"},
	Options: func(flow string) (any, bool) {
		switch flow {
		case "orders":
			return &orderOptions{}, true
		case "stock":
			return nil, true
		}
		return nil, false
	},
	Flows: []string{"orders", "stock"},
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from golden:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestParseGolden(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	env := map[string]string{"SHOP_KEY": "from-env", "FERRY_SECRET_ERP_TOKEN": "tok", "FERRY_DATABASE_URL": ""}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := ParseEnv(name+".yaml", data, testSchemas, env)
			var out string
			if err != nil {
				out = "error:\n" + err.Error() + "\n"
			} else {
				b, _ := json.MarshalIndent(cfg, "", "  ")
				out = string(b) + "\n"
			}
			if strings.Contains(out, "s3cret") || strings.Contains(out, "from-env") {
				t.Fatalf("a credential leaked into the output:\n%s", out)
			}
			golden(t, name, out)
		})
	}
}

func TestEnvOverridesAndCredentials(t *testing.T) {
	t.Parallel()
	src := "connections:\n  shop:\n    kind: shopkind\n    settings: {store: demo}\n    credentials: {user: u, api_key: env:SHOP_KEY}\n"
	env := map[string]string{
		"SHOP_KEY": "k1", "FERRY_SECRET_SHOP_PASSWORD": "p1", "FERRY_DATABASE_URL": "postgres://db/ferry",
		"FERRY_SECRET_KEY": "abc", "FERRY_HTTP_ADDR": "0.0.0.0:9000", "FERRY_DATA_DIR": "/var/lib/ferry",
	}
	cfg, err := ParseEnv("f.yaml", []byte(src), testSchemas, env)
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.Connections["shop"]
	if c.Credentials["api_key"] != "k1" || c.Credentials["password"] != "p1" || c.Credentials["user"] != "u" {
		t.Fatalf("credentials = %v", c.Credentials)
	}
	if cfg.DatabaseURL != "postgres://db/ferry" || cfg.SecretKey != "abc" || cfg.HTTP.Addr != "0.0.0.0:9000" || cfg.SecretKeyFile != "/var/lib/ferry/secret.key" {
		t.Fatalf("env not applied: %+v", cfg)
	}
	if s := fmt.Sprintf("%v %#v %s", c, c, c); strings.Contains(s, "k1") || strings.Contains(s, "p1") {
		t.Fatalf("credentials printed: %s", s)
	}
	if _, err := ParseEnv("f.yaml", []byte(src), testSchemas, map[string]string{}); err == nil || !strings.Contains(err.Error(), "SHOP_KEY is not set") {
		t.Fatalf("missing env credential: %v", err)
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	cfg, err := ParseEnv("empty.yaml", nil, testSchemas, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DataDir != "./data" || cfg.Queue.Workers != 20 || time.Duration(cfg.Queue.JobTimeout) != 2*time.Minute || cfg.SecretKeyFile != "./data/secret.key" {
		t.Fatalf("defaults: %+v", cfg)
	}
	if err := Default().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestExampleParses(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	permissive := Schemas{}
	cfg, err := ParseEnv("example.yaml", data, permissive, map[string]string{"MCF_API_KEY": "x", "ODOO_API_KEY": "y"})
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Connections) != 2 || len(cfg.Routes) < 5 {
		t.Fatalf("example has %d connections, %d routes", len(cfg.Connections), len(cfg.Routes))
	}
	if _, err := cfg.ScheduleOf("orders"); err != nil {
		t.Fatal(err)
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, file := range files {
		b, _ := os.ReadFile(file)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseEnv("fuzz.yaml", data, testSchemas, nil)
		if err == nil && cfg == nil {
			t.Fatal("nil config without an error")
		}
		if err != nil && err.Error() == "" {
			t.Fatal("empty error message")
		}
	})
}

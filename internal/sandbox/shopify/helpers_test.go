package shopify

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"
)

// sharedDir finds the shared folder beside the checkout by walking up from the
// package directory (in CI <dir>/main with <dir>/shared; /work/shared for a
// worktree). Tests skip without it.
func sharedDir(t testing.TB) string {
	t.Helper()
	p, err := FindSchema(".")
	if err != nil {
		t.Skip(err)
	}
	return filepath.Dir(filepath.Dir(filepath.Dir(p)))
}

func sample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sharedDir(t), "samples", "shopify", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type testShop struct {
	*Server
	http *httptest.Server
	t    testing.TB
}

func newShop(t testing.TB, o Options) *testShop {
	t.Helper()
	sharedDir(t)
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() { hs.Close(); s.Close() })
	return &testShop{Server: s, http: hs, t: t}
}

// answer is a decoded GraphQL answer.
type answer struct {
	Status     int
	Header     http.Header
	Raw        []byte
	Data       map[string]any `json:"data"`
	Errors     []gqlAnswerErr `json:"errors"`
	Extensions struct {
		Cost struct {
			Requested      int  `json:"requestedQueryCost"`
			Actual         *int `json:"actualQueryCost"`
			ThrottleStatus struct {
				Max       float64 `json:"maximumAvailable"`
				Available float64 `json:"currentlyAvailable"`
				Restore   float64 `json:"restoreRate"`
			} `json:"throttleStatus"`
		} `json:"cost"`
	} `json:"extensions"`
}

type gqlAnswerErr struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

func (ts *testShop) post(token, version string, body any) answer {
	ts.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", ts.http.URL+GraphQLPath(version), bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("X-Shopify-Access-Token", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := answer{Status: resp.StatusCode, Header: resp.Header, Raw: raw}
	if resp.StatusCode == 200 || resp.StatusCode == 429 {
		if err := json.Unmarshal(raw, &a); err != nil {
			ts.t.Fatalf("answer is not JSON: %v: %s", err, raw)
		}
	}
	return a
}

// gql runs a query with the shop's token and fails the test on errors.
func (ts *testShop) gql(query string, vars map[string]any) answer {
	ts.t.Helper()
	a := ts.post(ts.Options().AccessToken, "2025-01", map[string]any{"query": query, "variables": vars})
	if a.Status != 200 || len(a.Errors) > 0 {
		ts.t.Fatalf("query failed: %d %s", a.Status, a.Raw)
	}
	return a
}

// dig walks a decoded JSON value by keys and indexes.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// keyPaths lists a JSON value's key paths ("a.b[].c"); arrays contribute
// their elements' keys.
func keyPaths(v any, prefix string, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			out[p] = true
			keyPaths(e, p, out)
		}
	case []any:
		for _, e := range x {
			keyPaths(e, prefix+"[]", out)
		}
	}
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func topKeys(t testing.TB, raw []byte) []string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func decode(t testing.TB, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

package ogoship

import (
	"net/http"
	"strings"
	"testing"
)

// TestSandboxCommitThenFail: the write takes effect, the answer is a 500 or a
// dropped connection; the retry meets "already exists"; a read shows it.
func TestSandboxCommitThenFail(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		drop bool
		code int
	}{{"500", false, 500}, {"drop", true, -1}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := shop(t)
			if err := f.srv.SetCommitFaults(CommitFaults{Routes: []string{"POST /Orders"}, Next: 1, Drop: tc.drop}); err != nil {
				t.Fatal(err)
			}
			if r := f.do("POST", "/api/v1/Orders", orderBody("WEB-1")); r.Code != tc.code {
				t.Fatalf("committed write answered %d %s, want %d", r.Code, r.Raw, tc.code)
			}
			if _, found := f.srv.Order("WEB-1"); !found {
				t.Fatal("the failed write did not take effect")
			}
			checkError(t, f.do("POST", "/api/v1/Orders", orderBody("WEB-1")), 400, "already exists")
			f.must(200, "POST", "/api/v1/Products", productBody("OTHER")) // other routes unaffected
			if l := f.srv.CommitFailures(); len(l) != 1 || l[0].Route != "POST /Orders" || l[0].Drop != tc.drop {
				t.Fatalf("failures %+v", l)
			}
		})
	}
	t.Run("runtime switch", func(t *testing.T) {
		t.Parallel()
		f := shop(t)
		res, err := http.Post(f.ts.URL+"/_sandbox/commit-faults", "application/json", strings.NewReader(`{"rate":1}`))
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("%v %v", res, err)
		}
		res.Body.Close()
		checkError(t, f.do("PUT", "/api/v1/Products/MUG", map[string]any{"name": "Cup"}), 500, "error")
		f.must(200, "GET", "/api/v1/Products?code=MUG", nil) // reads never fail
		res, _ = http.Post(f.ts.URL+"/_sandbox/commit-faults", "application/json", strings.NewReader(`{}`))
		res.Body.Close()
		if p := f.must(200, "PUT", "/api/v1/Products/MUG", map[string]any{"description": "d"}).obj(); p["name"] != "Cup" {
			t.Fatalf("the failed PUT did not apply: %v", p)
		}
		res, _ = http.Post(f.ts.URL+"/_sandbox/commit-faults", "application/json", strings.NewReader(`{"routes":["POST /nope"]}`))
		res.Body.Close()
		if res.StatusCode != 400 {
			t.Fatalf("unknown route accepted: %d", res.StatusCode)
		}
	})
}

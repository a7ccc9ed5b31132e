package clientify

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestCommitThenFail: the write is applied (and its webhook fires), the
// answer is Django's HTML 500 or a dropped connection.
func TestCommitThenFail(t *testing.T) {
	t.Parallel()
	for _, drop := range []bool{false, true} {
		t.Run(fmt.Sprint("drop=", drop), func(t *testing.T) {
			t.Parallel()
			sink := newSink(t)
			e := start(t, Options{Contacts: 1, Companies: 1, Webhooks: []Webhook{{URL: sink.srv.URL}},
				CommitThenFail: CommitThenFail{Next: 1, Drop: drop}})
			before := len(e.sb.IDs(Contacts))
			if drop {
				r, _ := http.NewRequest("POST", e.srv.URL+"/v2/contacts/", strings.NewReader(`{"first_name":"Lost answer"}`))
				r.Header.Set("Authorization", "Token "+e.sb.APIKey())
				r.Header.Set("Content-Type", "application/json")
				if resp, err := http.DefaultClient.Do(r); err == nil {
					resp.Body.Close()
					t.Fatalf("got %d, want a dropped connection", resp.StatusCode)
				}
			} else {
				a := e.req("POST", "/v2/contacts/", map[string]any{"first_name": "Lost answer"})
				if a.code != 500 || !strings.Contains(string(a.body), "<h1>Server Error (500)</h1>") || !strings.Contains(a.hdr.Get("Content-Type"), "text/html") {
					t.Fatalf("answer %d %v %s", a.code, a.hdr, a.body)
				}
			}
			if len(e.sb.IDs(Contacts)) != before+1 {
				t.Fatal("the write was not applied")
			}
			if b := sink.wait(t, 1); b[0]["data"].(map[string]any)["first_name"] != "Lost answer" {
				t.Errorf("webhook %v", b[0])
			}
			// Only the next write failed.
			e.must(e.req("POST", "/v2/contacts/", map[string]any{"first_name": "Fine"}), 201)
			if f := e.sb.CommitFailures(); len(f) != 1 || f[0].Method != "POST" || f[0].Drop != drop {
				t.Errorf("failures %+v", f)
			}
		})
	}
}

// TestCommitThenFailRate: the share is drawn from a seeded source, so the
// same seed fails the same writes; reads never fail.
func TestCommitThenFailRate(t *testing.T) {
	t.Parallel()
	pattern := func() string {
		e := start(t, Options{Contacts: 1, Companies: 1, CommitThenFail: CommitThenFail{Rate: 0.5, Seed: 42}})
		var b strings.Builder
		for i := 0; i < 30; i++ {
			e.must(e.get("/v2/me/"), 200)
			a := e.req("POST", "/v2/products/", map[string]any{"name": fmt.Sprint(i)})
			b.WriteString(fmt.Sprint(a.code / 100))
		}
		if n := len(e.sb.IDs(Products)); n != 20+30 {
			t.Errorf("%d products: every write was applied", n)
		}
		return b.String()
	}
	p1, p2 := pattern(), pattern()
	if p1 != p2 || !strings.Contains(p1, "5") || !strings.Contains(p1, "2") {
		t.Errorf("patterns %s %s", p1, p2)
	}
	e := start(t, Options{Contacts: 1, Companies: 1})
	if err := e.sb.SetCommitThenFail(CommitThenFail{Rate: 1.5}); err == nil {
		t.Error("rate 1.5 accepted")
	}
	e.must(e.req("PUT", "/_sandbox/commit-then-fail", `{"next": 1}`), 200)
	e.must(e.req("PATCH", fmt.Sprintf("/v2/contacts/%d/", e.sb.IDs(Contacts)[0]), map[string]any{"title": "x"}), 500)
}

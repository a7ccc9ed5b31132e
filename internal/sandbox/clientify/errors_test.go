package clientify

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestErrorsAuth(t *testing.T) {
	t.Parallel()
	e := start(t, Options{Contacts: 1, Companies: 1})
	for _, tt := range []struct {
		auth, detail string
		code         int
	}{
		{"", "Authentication credentials were not provided.", 401},
		{"Bearer " + DefaultAPIKey, "Authentication credentials were not provided.", 401},
		{"Token", "Invalid token header. No credentials provided.", 401},
		{"Token a b", "Invalid token header. Token string should not contain spaces.", 401},
		{"Token wrong", "Invalid token.", 401},
		{"token " + DefaultAPIKey, "", 200},
		{"Token " + DefaultAPIKey, "", 200},
	} {
		a := e.req("GET", "/v1/me/", nil, "Authorization", tt.auth)
		if a.code != tt.code {
			t.Errorf("%q: %d %s", tt.auth, a.code, a.body)
			continue
		}
		if tt.code == 401 {
			if !reflect.DeepEqual(a.obj(t), map[string]any{"detail": tt.detail}) || a.hdr.Get("WWW-Authenticate") != "Token" {
				t.Errorf("%q: %s %v", tt.auth, a.body, a.hdr)
			}
		}
	}
	// The legacy token grant.
	a := e.must(e.req("POST", "/v1/api-auth/obtain_token/", map[string]any{"username": DefaultUsername, "password": DefaultPassword}, "Authorization", ""), 200).obj(t)
	if a["token"] != DefaultAPIKey {
		t.Errorf("token %v", a)
	}
	form := "username=" + DefaultUsername + "&password=nope"
	a = e.must(e.req("POST", "/v1/api-auth/obtain_token/", form, "Authorization", "", "Content-Type", "application/x-www-form-urlencoded"), 400).obj(t)
	if !reflect.DeepEqual(a, map[string]any{"non_field_errors": []any{"Unable to log in with provided credentials."}}) {
		t.Errorf("bad login %v", a)
	}
}

func TestErrorsShapes(t *testing.T) {
	t.Parallel()
	e := start(t, Options{Contacts: 2, Companies: 2, Products: 2})
	cid := e.sb.IDs(Contacts)[0]
	e.must(e.req("DELETE", fmt.Sprintf("/v1/contacts/%d/", e.sb.IDs(Contacts)[1]), nil), 204)
	deleted := e.sb.State().Deleted[Contacts][0]
	for _, tt := range []struct {
		name, method, path string
		body               any
		hdr                []string
		code               int
		want               any // JSON body; a string is an HTML page's <h1>
	}{
		{"unknown id", "GET", "/v1/contacts/1/", nil, nil, 404, map[string]any{"detail": "Not found."}},
		{"deleted id", "GET", fmt.Sprintf("/v1/contacts/%d/", deleted), nil, nil, 404, map[string]any{"detail": "Not found."}},
		{"non-integer id", "GET", "/v1/contacts/abc/", nil, nil, 404, map[string]any{"detail": "Not found."}},
		{"unknown path", "GET", "/v1/nosuch/", nil, nil, 404, "Not Found"},
		{"unknown version", "GET", "/v3/contacts/", nil, nil, 404, "Not Found"},
		{"too deep", "GET", "/v1/contacts/1/2/3/4/", nil, nil, 404, "Not Found"},
		{"method", "PATCH", "/v1/contacts/", map[string]any{}, nil, 405, map[string]any{"detail": `Method "PATCH" not allowed.`}},
		{"required", "POST", "/v1/contacts/", map[string]any{"last_name": "X"}, nil, 400, map[string]any{"first_name": []any{"This field is required."}}},
		{"blank", "POST", "/v1/companies/", map[string]any{"name": " "}, nil, 400, map[string]any{"name": []any{"This field may not be blank."}}},
		{"null", "POST", "/v1/companies/", map[string]any{"name": nil}, nil, 400, map[string]any{"name": []any{"This field may not be null."}}},
		{"not a string", "POST", "/v1/companies/", map[string]any{"name": map[string]any{}}, nil, 400, map[string]any{"name": []any{"Not a valid string."}}},
		{"choice", "POST", "/v1/contacts/", map[string]any{"first_name": "A", "status": "lead"}, nil, 400, map[string]any{"status": []any{`"lead" is not a valid choice.`}}},
		{"number", "POST", "/v1/products/", map[string]any{"name": "A", "price": "cheap"}, nil, 400, map[string]any{"price": []any{"A valid number is required."}}},
		{"date", "POST", "/v1/contacts/", map[string]any{"first_name": "A", "birthday": "1/2/2000"}, nil, 400, map[string]any{"birthday": []any{"Date has wrong format. Use one of these formats instead: YYYY-MM-DD."}}},
		{"nested email", "POST", "/v1/contacts/", map[string]any{"first_name": "A", "emails": []any{map[string]any{"email": "a@b.es"}, map[string]any{"email": "nope"}}}, nil, 400,
			map[string]any{"emails": []any{map[string]any{}, map[string]any{"email": []any{"Enter a valid email address."}}}}},
		{"nested not a list", "POST", "/v1/contacts/", map[string]any{"first_name": "A", "phones": "600"}, nil, 400, map[string]any{"phones": []any{`Expected a list of items but got type "str".`}}},
		{"custom blank", "POST", "/v1/contacts/", map[string]any{"first_name": "A", "custom_fields": []any{map[string]any{"field": "x", "value": ""}}}, nil, 400,
			map[string]any{"custom_fields": []any{map[string]any{"value": []any{"This field may not be blank."}}}}},
		{"link", "POST", "/v1/deals/", map[string]any{"name": "D", "contact": "https://api.clientify.net/v1/companies/1/"}, nil, 400, map[string]any{"contact": []any{"Invalid hyperlink - Incorrect URL match."}}},
		{"link missing", "POST", "/v1/deals/", map[string]any{"name": "D", "contact": 1}, nil, 400, map[string]any{"contact": []any{"Invalid hyperlink - Object does not exist."}}},
		{"list body", "POST", "/v1/contacts/", []any{}, nil, 400, map[string]any{"non_field_errors": []any{"Invalid data. Expected a dictionary, but got list."}}},
		{"json", "POST", "/v1/contacts/", `{"first_name": `, nil, 400, nil},
		{"media type", "POST", "/v1/contacts/", "first_name=A", []string{"Content-Type", "text/plain"}, 415, map[string]any{"detail": `Unsupported media type "text/plain" in request.`}},
		{"no content type: body ignored", "POST", "/v1/contacts/", `{"first_name": "A"}`, []string{"Content-Type", ""}, 400, map[string]any{"first_name": []any{"This field is required."}}},
		{"put requires", "PUT", fmt.Sprintf("/v1/contacts/%d/", cid), map[string]any{"last_name": "X"}, nil, 400, map[string]any{"first_name": []any{"This field is required."}}},
		{"slot entity", "GET", "/v2/webhooks/invoices/", nil, nil, 404, map[string]any{"detail": "Not found."}},
	} {
		a := e.req(tt.method, tt.path, tt.body, tt.hdr...)
		if a.code != tt.code {
			t.Errorf("%s: %d %s", tt.name, a.code, a.body)
			continue
		}
		switch w := tt.want.(type) {
		case string:
			if !strings.Contains(a.hdr.Get("Content-Type"), "text/html") || !strings.Contains(string(a.body), "<h1>"+w+"</h1>") {
				t.Errorf("%s: %v %s", tt.name, a.hdr, a.body)
			}
		case nil:
			if d, _ := a.obj(t)["detail"].(string); !strings.HasPrefix(d, "JSON parse error - ") {
				t.Errorf("%s: %s", tt.name, a.body)
			}
		default:
			if got := a.json(t); !reflect.DeepEqual(got, w) {
				t.Errorf("%s: %s", tt.name, a.body)
			}
		}
	}
	a := e.req("PATCH", "/v1/contacts/", map[string]any{})
	if a.hdr.Get("Allow") != "GET, HEAD, OPTIONS, POST" {
		t.Errorf("Allow: %q", a.hdr.Get("Allow"))
	}
}

// TestErrorsTrailingSlash: a path without its slash is a 301 to it (Django's
// APPEND_SLASH), before authentication and for every method.
func TestErrorsTrailingSlash(t *testing.T) {
	t.Parallel()
	e := start(t, Options{Contacts: 1, Companies: 1})
	for _, tt := range []struct{ method, path, loc string }{
		{"GET", "/v2/me", "/v2/me/"},
		{"GET", "/v1/contacts?page=2&page_size=1", "/v1/contacts/?page=2&page_size=1"},
		{"POST", "/v1/contacts", "/v1/contacts/"},
		{"PATCH", "/v1/contacts/5", "/v1/contacts/5/"},
	} {
		a := e.req(tt.method, tt.path, map[string]any{"first_name": "A"}, "Authorization", "")
		if a.code != 301 || a.hdr.Get("Location") != tt.loc {
			t.Errorf("%s %s: %d Location %q", tt.method, tt.path, a.code, a.hdr.Get("Location"))
		}
	}
	if n := e.sb.State().APIWrites[Contacts].Created; n != 0 {
		t.Errorf("a redirected POST created %d", n)
	}
	if a := e.get("/v1/nosuch"); a.code != 404 {
		t.Errorf("unknown path without slash: %d", a.code)
	}
}

// TestErrorsRateLimit: more than RateLimit requests in a second per key are
// 429 with Retry-After, DRF's throttle body, until the second has passed.
func TestErrorsRateLimit(t *testing.T) {
	t.Parallel()
	for _, rate := range []int{1, 3, 10} {
		t.Run(fmt.Sprint(rate), func(t *testing.T) {
			t.Parallel()
			e := start(t, Options{Contacts: 1, Companies: 1, RateLimit: rate})
			for i := 0; i < rate; i++ {
				e.must(e.get("/v2/me/"), 200)
			}
			a := e.must(e.get("/v2/me/"), 429)
			if a.hdr.Get("Retry-After") != "1" || !reflect.DeepEqual(a.obj(t), map[string]any{"detail": "Request was throttled. Expected available in 1 second."}) {
				t.Errorf("429: %v %s", a.hdr, a.body)
			}
			// Requests without a valid key are not counted against it.
			e.must(e.req("GET", "/v2/me/", nil, "Authorization", "Token wrong"), 401)
			time.Sleep(1100 * time.Millisecond)
			e.must(e.get("/v2/me/"), 200)
		})
	}
	e := start(t, Options{Contacts: 1, Companies: 1, RateLimit: 2})
	e.sb.SetRateLimit(-1)
	for i := 0; i < 20; i++ {
		e.must(e.get("/v2/me/"), 200)
	}
}

func TestErrorsFaults(t *testing.T) {
	t.Parallel()
	e := start(t, Options{Contacts: 1, Companies: 1})
	e.sb.Faults().Set(faultCfg(1, 7))
	a := e.get("/v2/me/")
	if a.code < 500 || !strings.Contains(a.hdr.Get("Content-Type"), "text/html") || !strings.Contains(string(a.body), "<html>") {
		t.Fatalf("fault: %d %v %s", a.code, a.hdr, a.body)
	}
	// The control endpoints are never faulted.
	if a := e.get("/_sandbox/state"); a.code != 200 {
		t.Fatalf("state: %d", a.code)
	}
	e.sb.Faults().Set(faultCfg(0.5, 7))
	n5xx := 0
	for i := 0; i < 40; i++ {
		if e.get("/v2/me/").code >= 500 {
			n5xx++
		}
	}
	if n5xx < 8 || n5xx > 32 {
		t.Errorf("%d of 40 faulted at rate 0.5", n5xx)
	}
}

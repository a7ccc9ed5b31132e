package clientify

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// samplesDir is shared/samples/clientify beside the repository (never copied in).
const samplesDir = "../../../../shared/samples/clientify"

func readSample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(samplesDir, name))
	if err != nil {
		t.Skipf("sample %s: %v", name, err)
	}
	return b
}

func sampleJSON(t testing.TB, name string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(readSample(t, name), &v); err != nil {
		t.Fatalf("sample %s: %v", name, err)
	}
	return v
}

// sameShape reports every key of the sample that the answer lacks or nests
// differently, and every value of another JSON type. A null in the sample
// matches anything; the answer may have more keys. Array elements of the
// answer are each compared with the sample's first element. keysOnly skips
// the type comparison of leaves (mock values).
func sameShape(path string, sample, got any, keysOnly bool) []string {
	if sample == nil {
		return nil
	}
	switch s := sample.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: object in the sample, %T in the answer", path, got)}
		}
		var out []string
		keys := make([]string, 0, len(s))
		for k := range s {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			gv, ok := g[k]
			if !ok {
				out = append(out, path+"."+k+": missing")
				continue
			}
			out = append(out, sameShape(path+"."+k, s[k], gv, keysOnly)...)
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: array in the sample, %T in the answer", path, got)}
		}
		if len(s) == 0 {
			return nil
		}
		if len(g) == 0 {
			return []string{path + ": empty in the answer, so its elements cannot be compared"}
		}
		var out []string
		for i, e := range g {
			out = append(out, sameShape(fmt.Sprintf("%s[%d]", path, i), s[0], e, keysOnly)...)
		}
		return out
	}
	if !keysOnly && fmt.Sprintf("%T", sample) != fmt.Sprintf("%T", got) {
		return []string{fmt.Sprintf("%s: %T in the sample, %T in the answer", path, sample, got)}
	}
	return nil
}

func checkShape(t *testing.T, name string, got any, keysOnly bool) {
	t.Helper()
	for _, p := range sameShape("$", sampleJSON(t, name), got, keysOnly) {
		t.Errorf("%s: %s", name, p)
	}
}

// TestSamplesResponses: each response body in the samples has the shape the
// sandbox answers for the same call.
func TestSamplesResponses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		sample   string
		keysOnly bool
		exact    bool // the answer equals the sample
		call     func(e *env) answer
	}{
		{sample: "formscrm-v1-contact-create-response.json", call: func(e *env) answer {
			return e.must(e.req("POST", "/v1/contacts/", map[string]any{"first_name": "John", "last_name": "Doe", "email": "john.doe@example.com",
				"phone": "+1234567890", "tags": []string{"stands modulares propios"}, "description": "Hello", "remarks": "Interested"}), 201)
		}},
		{sample: "formscrm-v2-me.json", call: func(e *env) answer { return e.must(e.get("/v2/me/"), 200) }},
		{sample: "n8n-official-me-response.json", call: func(e *env) answer { return e.must(e.get("/v2/me/?fields=id,email"), 200) }},
		{sample: "formscrm-v1-login-user.json", call: func(e *env) answer { return e.must(e.get("/v1/me/"), 200) }},
		{sample: "formscrm-v1-settings-my-account.json", call: func(e *env) answer { return e.must(e.get("/v1/settings/my-account/"), 200) }},
		{sample: "formscrm-v1-custom-fields.excerpt.json", call: func(e *env) answer { return e.must(e.get("/v1/custom-fields/"), 200) }},
		{sample: "formscrm-v2-custom-fields.excerpt.json", call: func(e *env) answer { return e.must(e.get("/v2/custom-fields/"), 200) }},
		{sample: "formscrm-v2-error-missing-fields-param.json", exact: true, call: func(e *env) answer { return e.must(e.get("/v2/contacts/"), 400) }},
		{sample: "formscrm-v2-error-missing-fields-param.json", exact: true, call: func(e *env) answer { return e.must(e.get("/v2/companies/?page=2"), 400) }},
		{sample: "formscrm-contact-409-duplicate-taxpayer-id.json", exact: true, call: func(e *env) answer {
			body := map[string]any{"first_name": "Ana", "taxpayer_identification_number": "12345678Z"}
			e.must(e.req("POST", "/v2/contacts/", body), 201)
			return e.must(e.req("POST", "/v2/contacts/", body), 409)
		}},
		{sample: "formscrm-contact-search-query-substring.json", keysOnly: true, call: func(e *env) answer {
			e.must(e.req("POST", "/v2/contacts/", map[string]any{"first_name": "Alba", "email": "aestepamolina@gmail.com"}), 201)
			return e.must(e.get("/v2/contacts/?fields=id,email&query=molina@gmail.com"), 200)
		}},
		{sample: "n8n-official-error-401-invalid-token.json", exact: true, call: func(e *env) answer {
			return e.must(e.req("GET", "/v2/me/?fields=id,email", nil, "Authorization", "Token bogus123"), 401)
		}},
		{sample: "n8n-official-webhook-slot-free-get.json", exact: true, call: func(e *env) answer { return e.must(e.get("/v2/webhooks/contacts/"), 200) }},
		{sample: "n8n-official-webhook-slot-create-201.json", exact: true, call: func(e *env) answer {
			return e.must(e.req("POST", "/v2/webhooks/contacts/", readSample(e.t, "n8n-official-webhook-slot-create-request.json")), 201)
		}},
		{sample: "n8n-official-webhook-slot-get.json", exact: true, call: func(e *env) answer {
			e.must(e.req("POST", "/v2/webhooks/contacts/", readSample(e.t, "n8n-official-webhook-slot-create-request.json")), 201)
			return e.must(e.get("/v2/webhooks/contacts/"), 200)
		}},
		{sample: "n8n-official-webhook-slot-409.json", exact: true, call: func(e *env) answer {
			e.must(e.req("POST", "/v2/webhooks/contacts/", readSample(e.t, "n8n-official-webhook-slot-create-request.json")), 201)
			return e.must(e.req("POST", "/v2/webhooks/contacts/", map[string]any{"target": "https://other.example.com/hook"}), 409)
		}},
		{sample: "n8n-official-webhook-slot-400.json", exact: true, call: func(e *env) answer {
			return e.must(e.req("POST", "/v2/webhooks/contacts/", map[string]any{"target": "not a url"}), 400)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.sample, func(t *testing.T) {
			t.Parallel()
			e := start(t, Options{Contacts: 3, Companies: 2, Products: 2})
			if strings.Contains(tt.sample, "custom-fields") {
				for _, kind := range []string{"contacts", "companies", "deals", "products"} {
					id := e.sb.IDs(kind)[0]
					e.must(e.req("PATCH", fmt.Sprintf("/v1/%s/%d/", kind, id), map[string]any{"custom_fields": []any{map[string]any{"field": "campo_" + kind, "value": "x"}}}), 200)
				}
			}
			got := tt.call(e).json(t)
			if tt.exact {
				if want := sampleJSON(t, tt.sample); !reflect.DeepEqual(got, want) {
					t.Fatalf("answer %v, sample %v", got, want)
				}
				return
			}
			checkShape(t, tt.sample, got, tt.keysOnly)
		})
	}
}

// TestSamplesDetails checks what the samples show besides their shape.
func TestSamplesDetails(t *testing.T) {
	t.Parallel()
	e := start(t, Options{Contacts: 3, Companies: 2})
	// A flat email comes back as type 4 (Main), a flat phone as type 1.
	c := e.must(e.req("POST", "/v1/contacts/", map[string]any{"first_name": "John", "email": "john.doe@example.com", "phone": "+1234567890"}), 201).obj(t)
	if em := c["emails"].([]any)[0].(map[string]any); num(em["type"]) != 4 || em["email"] != "john.doe@example.com" {
		t.Errorf("emails %v", c["emails"])
	}
	if ph := c["phones"].([]any)[0].(map[string]any); num(ph["type"]) != 1 || ph["phone"] != "+1234567890" {
		t.Errorf("phones %v", c["phones"])
	}
	if c["status"] != "cold-lead" || c["channel"] != "integrations-api" || c["url"] != e.srv.URL+fmt.Sprintf("/v1/contacts/%d/", num(c["id"])) {
		t.Errorf("status %v channel %v url %v", c["status"], c["channel"], c["url"])
	}
	// Timestamps carry microseconds and the account's offset (+01:00 in winter in Madrid).
	if m := c["modified"].(string); !strings.HasSuffix(m, "+01:00") || !strings.Contains(m, ".123456") {
		t.Errorf("modified %q", m)
	}
	// query is a substring search; a literal taxpayer_identification_number= filters nothing.
	e.must(e.req("POST", "/v2/contacts/", map[string]any{"first_name": "Alba", "email": "aestepamolina@gmail.com", "taxpayer_identification_number": "11111111H"}), 201)
	all := num(e.must(e.get("/v2/contacts/?fields=id"), 200).obj(t)["count"])
	if n := num(e.must(e.get("/v2/contacts/?fields=id&taxpayer_identification_number=11111111H"), 200).obj(t)["count"]); n != all {
		t.Errorf("taxpayer_identification_number= filtered to %d of %d", n, all)
	}
	if n := num(e.must(e.get("/v2/contacts/?fields=id&query=11111111"), 200).obj(t)["count"]); n != 1 {
		t.Errorf("query by taxpayer id found %d", n)
	}
	// v2's hyperlinks are /api/… as the v2 custom fields sample shows, and they resolve.
	c2 := e.must(e.get(fmt.Sprintf("/v2/contacts/%d/", num(c["id"]))), 200).obj(t)
	if !strings.HasPrefix(c2["url"].(string), e.srv.URL+"/api/contacts/") {
		t.Errorf("v2 url %v", c2["url"])
	}
	e.must(e.get(c2["url"].(string)), 200)
}

// TestSamplesRequests: the request bodies of the samples are understood.
func TestSamplesRequests(t *testing.T) {
	t.Parallel()
	pipes := []Pipeline{{ID: 9001, Name: "nuevo", Stages: []Stage{{9101, "primera", 2}, {9102, "ultima", 9}}}}
	e := start(t, Options{Contacts: 2, Companies: 1, Pipelines: pipes})
	// py contact create: its status is no valid choice.
	body := sampleJSON(t, "py-request-contact-create.json").(map[string]any)
	a := e.must(e.req("POST", "/v1/contacts/", body), 400).obj(t)
	if !reflect.DeepEqual(a, map[string]any{"status": []any{`"Voluptates facilis u" is not a valid choice.`}}) {
		t.Errorf("400 body %v", a)
	}
	delete(body, "status")
	c := e.must(e.req("POST", "/v1/contacts/", body), 201).obj(t)
	if c["company_name"] != "Henderson Gomez LLC" || c["company"] == nil || len(c["addresses"].([]any)) != 1 {
		t.Errorf("contact %v %v %v", c["company_name"], c["company"], c["addresses"])
	}
	if ad := c["addresses"].([]any)[0].(map[string]any); ad["city"] != "Lugo" || num(ad["type"]) != 1 || ad["postal_code"] != "34" {
		t.Errorf("address %v", ad)
	}
	// py deal create, with the placeholders as real hyperlinks.
	raw := string(readSample(t, "py-request-deal-create.json"))
	if a := e.req("POST", "/v1/deals/", raw); a.code != 400 || !strings.Contains(string(a.body), "Invalid hyperlink") {
		t.Errorf("placeholder hyperlinks: %d %s", a.code, a.body)
	}
	raw = strings.Replace(raw, "contacts/integer/", fmt.Sprintf("contacts/%d/", num(c["id"])), 1)
	raw = strings.Replace(raw, "companies/integer/", strings.TrimPrefix(c["company"].(string), "http://x")[strings.Index(c["company"].(string), "companies/"):], 1)
	d := e.must(e.req("POST", "/v1/deals/", raw), 201).obj(t)
	if d["pipeline_desc"] != "nuevo" || d["pipeline_stage_desc"] != "ultima" || d["amount"] != 11.33 || d["expected_closed_date"] != "2019-11-30" ||
		num(d["probability"]) != 9 || d["probability_desc"] != "90%" || d["status_desc"] != "Open" {
		t.Errorf("deal %v", d)
	}
	if cf := d["custom_fields"].([]any); len(cf) != 1 || cf[0].(map[string]any)["value"] != "cdn_1133" {
		t.Errorf("custom fields %v", cf)
	}
	// py deal update: a stage hyperlink.
	up := strings.Replace(string(readSample(t, "py-request-deal-update.json")), "stages/integer/", "stages/9101/", 1)
	d = e.must(e.req("PATCH", fmt.Sprintf("/v1/deals/%d/", num(d["id"])), up), 200).obj(t)
	if d["pipeline_stage_desc"] != "primera" || num(d["probability"]) != 2 {
		t.Errorf("updated deal %v %v", d["pipeline_stage_desc"], d["probability"])
	}
}

// TestSamplesETLProfile: the columns of the ETL's real v1 pull are keys of
// the sandbox's v1 records, with compatible types.
func TestSamplesETLProfile(t *testing.T) {
	t.Parallel()
	prof := sampleJSON(t, "etl-v1-column-profile.derived.json").(map[string]any)
	e := start(t, Options{})
	paths := map[string]string{"companies": "/v1/companies/", "contacts": "/v1/contacts/", "deals": "/v1/deals/",
		"users": "/v1/users/", "deals_pipelines": "/v1/deals/pipelines/", "pipelines_stages": "/v1/deals/pipelines/stages/"}
	for table, path := range paths {
		cols, ok := prof[table].(map[string]any)
		if !ok {
			t.Errorf("no table %s in the profile", table)
			continue
		}
		res := e.must(e.get(path), 200).obj(t)["results"].([]any)
		if len(res) == 0 {
			t.Fatalf("%s: no records", path)
		}
		for col, p := range cols {
			dtype, _ := p.(map[string]any)["dtype"].(string)
			if parent, sub, nested := strings.Cut(col, "."); nested {
				for _, r := range res {
					if v := r.(map[string]any)[parent]; v != nil {
						if _, ok := v.(map[string]any)[sub]; !ok {
							t.Errorf("%s.%s: %v has no %s", table, col, v, sub)
						}
					}
				}
				continue
			}
			for _, r := range res {
				v, ok := r.(map[string]any)[col]
				if !ok {
					t.Errorf("%s: no column %s", table, col)
					break
				}
				if v == nil {
					continue
				}
				switch _, isNum := v.(float64); dtype {
				case "int64":
					if f, _ := v.(float64); !isNum || f != float64(int64(f)) {
						// The ETL had reduced hyperlinks to ids: a relation is a URL here.
						if s, _ := v.(string); !strings.HasPrefix(s, "http") {
							t.Errorf("%s.%s = %v, want an integer", table, col, v)
						}
					}
				case "bool":
					if _, ok := v.(bool); !ok {
						t.Errorf("%s.%s = %v, want a boolean", table, col, v)
					}
				}
			}
		}
	}
}

// TestSamplesWebhookPayloads: each payload shape has the sample's shape.
func TestSamplesWebhookPayloads(t *testing.T) {
	t.Parallel()
	tests := []struct{ shape, sample string }{
		{ShapeEventRoot, "n8n-official-webhook-payload-event-root.json"},
		{ShapeHookRoot, "n8n-official-webhook-payload-hook-root.json"},
		{ShapeEventData, "n8n-official-webhook-payload-event-data.json"},
		{ShapeHookData, "n8n-official-webhook-payload-documented-hook-data.json"},
	}
	for _, tt := range tests {
		t.Run(tt.shape, func(t *testing.T) {
			t.Parallel()
			sink := newSink(t)
			e := start(t, Options{Contacts: 1, Companies: 1, WebhookShape: tt.shape, Webhooks: []Webhook{{URL: sink.srv.URL + "/hook/abc-123"}}})
			e.must(e.req("POST", "/v2/contacts/", map[string]any{"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}), 201)
			got := sink.wait(t, 1)[0]
			checkShape(t, tt.sample, got, false)
			if tt.shape == ShapeHookData {
				hook := got["hook"].(map[string]any)
				if hook["target"] != sink.srv.URL+"/hook/abc-123" || hook["event"] != "contact.saved" {
					t.Errorf("hook %v", hook)
				}
			}
		})
	}
	// The superseded v0.2.0 bodies: the same envelope and data.<entity>; the
	// event names are now <entity>.saved / .deleted.
	for _, tt := range []struct {
		sample, event string
		change        func(e *env)
	}{
		{"n8n-v020-webhook-contact-created.json", "contact.saved", func(e *env) {
			e.must(e.req("POST", "/v2/contacts/", map[string]any{"first_name": "John"}), 201)
		}},
		{"n8n-v020-webhook-contact-deleted.json", "contact.deleted", func(e *env) {
			e.must(e.req("DELETE", fmt.Sprintf("/v2/contacts/%d/", e.sb.IDs(Contacts)[0]), nil), 204)
		}},
		{"n8n-v020-webhook-company-updated.json", "company.saved", func(e *env) {
			e.must(e.req("PATCH", fmt.Sprintf("/v2/companies/%d/", e.sb.IDs(Companies)[0]), map[string]any{"industry": "SaaS"}), 200)
		}},
		{"n8n-v020-webhook-deal-won.json", "deal.saved", func(e *env) {
			e.must(e.req("PATCH", fmt.Sprintf("/v2/deals/%d/", e.sb.IDs(Deals)[0]), map[string]any{"status": 3}), 200)
		}},
	} {
		t.Run(tt.sample, func(t *testing.T) {
			t.Parallel()
			sink := newSink(t)
			e := start(t, Options{Contacts: 1, Companies: 1, WebhookShape: ShapeEventData, Webhooks: []Webhook{{URL: sink.srv.URL}}})
			tt.change(e)
			got := sink.wait(t, 1)[0]
			sample := sampleJSON(t, tt.sample).(map[string]any)
			for k := range sample {
				if _, ok := got[k]; !ok {
					t.Errorf("envelope lacks %s: %v", k, got)
				}
			}
			for k := range sample["data"].(map[string]any) {
				if _, ok := got["data"].(map[string]any)[k]; !ok && k != "changes" {
					t.Errorf("data lacks %s: %v", k, got["data"])
				}
			}
			if got["event"] != tt.event {
				t.Errorf("event %v", got["event"])
			}
		})
	}
	// The superseded v0.2.0 envelope: timestamp, account_id, user_id, data
	// with the entity and changes {field: {old, new}}.
	t.Run("v020-changes", func(t *testing.T) {
		t.Parallel()
		sink := newSink(t)
		e := start(t, Options{Contacts: 1, Companies: 1, WebhookShape: ShapeEventData, Webhooks: []Webhook{{URL: sink.srv.URL}}})
		id := e.sb.IDs(Contacts)[0]
		e.must(e.req("PATCH", fmt.Sprintf("/v2/contacts/%d/", id), map[string]any{"last_name": "Nuevo"}), 200)
		got := sink.wait(t, 1)[0]
		sample := sampleJSON(t, "n8n-v020-webhook-contact-updated.json").(map[string]any)
		for k := range sample {
			if _, ok := got[k]; !ok {
				t.Errorf("envelope lacks %s: %v", k, got)
			}
		}
		ch := got["data"].(map[string]any)["changes"].(map[string]any)
		if ln, ok := ch["last_name"].(map[string]any); !ok || ln["new"] != "Nuevo" || ln["old"] == nil {
			t.Errorf("changes %v", ch)
		}
		if _, err := time.Parse(time.RFC3339, got["timestamp"].(string)); err != nil {
			t.Errorf("timestamp %v", got["timestamp"])
		}
	})
}

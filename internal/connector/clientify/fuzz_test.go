package clientify

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedSamples adds every vendor sample (when present) and a few edge cases.
func seedSamples(f *testing.F, extra ...string) {
	for _, e := range extra {
		f.Add([]byte(e))
	}
	files, _ := filepath.Glob(filepath.Join(samplesDir(f), "*.json"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
}

func FuzzDecodePage(f *testing.F) {
	seedSamples(f, `{"count":2,"next":"https://api.clientify.net/v1/contacts/?page=2","previous":null,"results":[{"id":1}]}`, `[]`, `{"results":null}`, `null`)
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := DecodePage(b)
		if err == nil {
			for _, r := range p.Results {
				DecodeContact(r)
				DecodeCompany(r)
				rawID(r)
			}
		}
	})
}

func FuzzDecodeRecords(f *testing.F) {
	seedSamples(f,
		`{"id":"5","company":"https://api.clientify.net/v1/companies/7/","emails":[{"email":"a@b","type":"1"}],"modified":"2025-02-06 22:26:32.256579+01:00","tags":[{"name":"x"}]}`,
		`{"id":1,"price":"1e2","sku":1009,"amount":13521903.78,"contact":{"id":"9"},"items":[{"quantity":"2","price":null}]}`)
	f.Fuzz(func(t *testing.T, b []byte) {
		check := func(id ID, err error) {
			if err == nil && id <= 0 {
				t.Fatalf("decoded a record without id: %s", b)
			}
		}
		c, err := DecodeContact(b)
		check(c.ID, err)
		if err == nil {
			c.CompanyRef()
			c.HasEmail("a@b")
		}
		co, err := DecodeCompany(b)
		check(co.ID, err)
		p, err := DecodeProduct(b)
		check(p.ID, err)
		d, err := DecodeDeal(b)
		check(d.ID, err)
		o, err := DecodeOrder(b)
		check(o.ID, err)
		m, err := DecodeMe(b)
		check(m.ID, err)
		DecodeWebhookSlot(b)
	})
}

func FuzzDecodeRef(f *testing.F) {
	for _, s := range []string{`7`, `"7"`, `"https://api.clientify.net/v1/contacts/7/"`, `{"url":"http://x/1/"}`, `"name"`, `null`, `1e3`, `-1`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var r Ref
		if json.Unmarshal(b, &r) == nil {
			out, err := json.Marshal(r)
			if err != nil {
				t.Fatalf("%+v: %v", r, err)
			}
			var back Ref
			if err := json.Unmarshal(out, &back); err != nil || back.ID != r.ID {
				t.Fatalf("%s → %+v → %s → %+v %v", b, r, out, back, err)
			}
		}
	})
}

func FuzzDecodeError(f *testing.F) {
	seedSamples(f, `<html><title>Server Error (500)</title></html>`, `{"detail":{"x":["y"]},"non_field_errors":["z"]}`, `"text"`, `[[["deep"]]]`)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, st := range []int{400, 401, 404, 409, 429, 500} {
			e := DecodeError(st, b)
			_ = e.Error()
			switch e.FailureClass() {
			case "transient", "needs_action", "permanent":
			default:
				t.Fatalf("class %q", e.FailureClass())
			}
			e.Field()
			e.Duplicate()
		}
	})
}

func FuzzDecodeWebhook(f *testing.F) {
	seedSamples(f, `{"hook":{"id":1,"event":"company.deleted"},"data":{"id":7}}`, `{"event":"a.b","data":[]}`, `{"event":"x.saved","xes":{"id":1}}`)
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := DecodeWebhook(b)
		if err == nil {
			if h.ID <= 0 || h.Resource == "" || h.Action == "" || !strings.Contains(h.Event, ".") {
				t.Fatalf("hint %+v from %s", h, b)
			}
			WebhookKey(h, b)
		}
		hd := http.Header{}
		hd.Set("X-Clientify-Secret", "tok")
		VerifyWebhook(hd, b, "", "tok")
	})
}

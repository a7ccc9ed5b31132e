package clientify

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

// contracts checks each vendor sample with the client's decoders. Every
// file in shared/samples/clientify must have an entry: a new sample fails
// TestContractEverySample until it is read here.
var contracts = map[string]func(t *testing.T, b []byte){
	"etl-v1-column-profile.derived.json": contractETLProfile,
	"formscrm-contact-409-duplicate-taxpayer-id.json": func(t *testing.T, b []byte) {
		e := DecodeError(409, b)
		if !e.Duplicate() || e.Field() != "taxpayer_identification_number" || e.FailureClass() != "permanent" || !IsDuplicate(e) {
			t.Fatalf("%+v field %q", e, e.Field())
		}
	},
	"formscrm-contact-search-query-substring.json": func(t *testing.T, b []byte) {
		p, err := DecodePage(b)
		if err != nil || p.Count != 1 || len(p.Results) != 1 || p.Next != "" {
			t.Fatalf("%+v %v", p, err)
		}
		// The mock id "contact-wrong" is no Clientify id: an item error
		// naming it, not a contact with id 0.
		if _, err := DecodeContact(p.Results[0]); err == nil || rawID(p.Results[0]) != "contact-wrong" {
			t.Fatalf("decoded %s: %v", p.Results[0], err)
		}
	},
	"formscrm-v1-contact-create-response.json": func(t *testing.T, b []byte) {
		c, err := DecodeContact(b)
		if err != nil {
			t.Fatal(err)
		}
		if c.ID != 135341458 || c.Status != "cold-lead" || !c.HasEmail("JOHN.DOE@example.com") || c.Emails[0].Type != 4 || c.Phones[0].Phone != "+1234567890" {
			t.Fatalf("%+v", c)
		}
		if !c.CompanyRef().IsZero() || len(c.Tags) != 1 || c.TaxpayerID != "" {
			t.Fatalf("company %+v tags %v", c.Company, c.Tags)
		}
		if want := time.Date(2025, 11, 18, 7, 36, 13, 23747000, time.UTC); !c.Modified.Equal(want) {
			t.Fatalf("modified %v", c.Modified)
		}
	},
	"formscrm-v1-custom-fields.excerpt.json": contractCustomFields,
	"formscrm-v2-custom-fields.excerpt.json": contractCustomFields,
	"formscrm-v1-login-user.json": func(t *testing.T, b []byte) {
		m, err := DecodeMe(b)
		if err != nil || m.ID != 83428 || m.Username != "desarrollo@clientify.com" || m.Company != "PRUEBA CLOSE" {
			t.Fatalf("%+v %v", m, err)
		}
	},
	"formscrm-v1-settings-my-account.json": func(t *testing.T, b []byte) {
		p, err := DecodePage(b)
		if err != nil || p.Count != 1 || len(p.Results) != 1 || p.Previous != "" {
			t.Fatalf("%+v %v", p, err)
		}
	},
	"formscrm-v2-error-missing-fields-param.json": func(t *testing.T, b []byte) {
		e := DecodeError(400, b)
		if len(e.Messages) != 1 || !strings.Contains(e.Error(), "You must specify the fields param") || e.FailureClass() != "permanent" {
			t.Fatalf("%+v", e)
		}
	},
	"formscrm-v2-me.json": func(t *testing.T, b []byte) {
		m, err := DecodeMe(b)
		if err != nil || m.ID != 57672 || m.AccountStatus != "client_2_0" {
			t.Fatalf("%+v %v", m, err)
		}
	},
	"n8n-official-error-401-invalid-token.json": func(t *testing.T, b []byte) {
		e := DecodeError(401, b)
		e.Account = "crm"
		if e.Detail != "Invalid token." || !e.KeyRefused() || e.FailureClass() != "needs_action" || e.DependsOn() != "connection:crm" {
			t.Fatalf("%+v", e)
		}
	},
	"n8n-official-me-response.json": func(t *testing.T, b []byte) {
		m, err := DecodeMe(b)
		if err != nil || m.ID != 7 || m.Email != "rafa@example.com" {
			t.Fatalf("%+v %v", m, err)
		}
	},
	"n8n-official-webhook-payload-documented-hook-data.json": hint("contact.saved", "contact", 88123456, 412),
	"n8n-official-webhook-payload-event-data.json":           hint("contact.saved", "contact", 12345, 0),
	"n8n-official-webhook-payload-event-root.json":           hint("contact.saved", "contact", 12345, 0),
	"n8n-official-webhook-payload-hook-root.json":            hint("contact.saved", "contact", 12345, 9823),
	"n8n-v020-webhook-company-updated.json":                  hint("company.updated", "company", 999, 0, "domain", "industry"),
	"n8n-v020-webhook-contact-created.json":                  hint("contact.created", "contact", 12345, 0),
	"n8n-v020-webhook-contact-deleted.json":                  hint("contact.deleted", "contact", 12345, 0),
	"n8n-v020-webhook-contact-updated.json":                  hint("contact.updated", "contact", 12345, 0, "company_id", "email"),
	"n8n-v020-webhook-deal-won.json":                         hint("deal.won", "deal", 98765, 0),
	"n8n-official-webhook-slot-400.json": func(t *testing.T, b []byte) {
		e := DecodeError(400, b)
		if e.Field() != "target" || e.Fields["target"][0] != "Enter a valid URL." {
			t.Fatalf("%+v", e)
		}
	},
	"n8n-official-webhook-slot-409.json": func(t *testing.T, b []byte) {
		e := DecodeError(409, b)
		if e.Detail != "Already configured" || !e.Duplicate() || e.FailureClass() != "permanent" {
			t.Fatalf("%+v", e)
		}
	},
	"n8n-official-webhook-slot-create-201.json": slot(true, 0, ""),
	"n8n-official-webhook-slot-free-get.json":   slot(false, 2, ""),
	"n8n-official-webhook-slot-get.json":        slot(true, 2, ""),
	"n8n-official-webhook-slot-create-request.json": func(t *testing.T, b []byte) {
		s, err := DecodeWebhookSlot(b)
		tok := s.Headers[DefaultSettings().WebhookHeader]
		if err != nil || len(tok) != 48 {
			t.Fatalf("%+v %v", s, err)
		}
		// A delivery carrying the registered header verifies.
		h := map[string][]string{"X-Clientify-Secret": {tok}}
		if _, _, err := VerifyWebhook(h, sample(t, "n8n-official-webhook-payload-hook-root.json"), "", tok); err != nil {
			t.Fatal(err)
		}
	},
	"py-request-contact-create.json": func(t *testing.T, b []byte) {
		// The client's create body uses the sample's names.
		var req map[string]json.RawMessage
		if err := json.Unmarshal(b, &req); err != nil {
			t.Fatal(err)
		}
		in := ContactInput{FirstName: "J", LastName: "B", Title: "Mrs.", Status: "client", Company: Ref{Name: "Henderson Gomez LLC"}, ContactType: "x", ContactSource: "y",
			Emails: []Email{{Email: "a@example.com"}}, Phones: []Phone{{Phone: "+1"}}, Addresses: []Address{{Street: "s", City: "c", State: "st", Country: "ES", PostalCode: "34"}},
			CustomFields: []CustomField{{Field: "f", Value: "v"}}}
		body, _ := json.Marshal(in.body(true))
		var mine map[string]json.RawMessage
		json.Unmarshal(body, &mine)
		for k := range mine {
			if _, ok := req[k]; !ok {
				t.Errorf("the client sends %q, which the sample has not", k)
			}
		}
		var sa, ma []map[string]any
		json.Unmarshal(req["addresses"], &sa)
		json.Unmarshal(mine["addresses"], &ma)
		if keys(sa[0]) != keys(ma[0]) {
			t.Errorf("address keys %s, the sample's %s", keys(ma[0]), keys(sa[0]))
		}
		if string(mine["company"]) != `"Henderson Gomez LLC"` {
			t.Errorf("company %s", mine["company"])
		}
	},
	"py-request-deal-create.json": func(t *testing.T, b []byte) {
		var d Deal
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatal(err)
		}
		if d.Amount != model.MustDecimal("11.33") || d.Contact.URL == "" || d.Contact.ID != 0 || d.Company.URL == "" || d.ExpectedClosedDate.Format("2006-01-02") != "2019-11-30" || d.CustomFields[0].Value != "cdn_1133" {
			t.Fatalf("%+v", d)
		}
	},
	"py-request-deal-update.json": func(t *testing.T, b []byte) {
		var d Deal
		if err := json.Unmarshal(b, &d); err != nil || !strings.HasSuffix(d.PipelineStage.URL, "/stages/integer/") {
			t.Fatalf("%+v %v", d, err)
		}
	},
}

func keys(m map[string]any) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}

func hint(event, resource string, id, hook int64, changed ...string) func(t *testing.T, b []byte) {
	return func(t *testing.T, b []byte) {
		h, err := DecodeWebhook(b)
		if err != nil || h.Event != event || h.Resource != resource || h.ID != id || h.HookID != hook || strings.Join(h.Changed, ",") != strings.Join(changed, ",") {
			t.Fatalf("%+v %v", h, err)
		}
		if h.Deleted() != strings.HasSuffix(event, ".deleted") {
			t.Fatalf("deleted %v", h.Deleted())
		}
		// The v0.2.0 bodies carry times; the official ones none.
		if strings.Contains(string(b), "timestamp") && h.Modified.IsZero() {
			t.Fatalf("no time read: %+v", h)
		}
	}
}

func slot(active bool, events int, target string) func(t *testing.T, b []byte) {
	return func(t *testing.T, b []byte) {
		s, err := DecodeWebhookSlot(b)
		if err != nil || s.Entity != "contacts" || s.IsActive != active || len(s.Events) != events || (active && s.Target == "") {
			t.Fatalf("%+v %v", s, err)
		}
	}
}

func contractCustomFields(t *testing.T, b []byte) {
	p, err := DecodePage(b)
	if err != nil || p.Count != 354 || len(p.Results) != 5 || p.Next != "" {
		t.Fatalf("%+v %v", p, err)
	}
	for _, r := range p.Results {
		var f struct {
			URL string `json:"url"`
			ID  ID     `json:"id"`
		}
		if err := json.Unmarshal(r, &f); err != nil || trailingID(f.URL) != int64(f.ID) {
			t.Errorf("%s: url %s id %d %v", r, f.URL, f.ID, err)
		}
	}
}

// contractETLProfile builds a record of each of contacts, companies and
// deals from the columns of the real v1 pull (names, dtypes, examples),
// and decodes it: every column type the client reads must fit.
func contractETLProfile(t *testing.T, b []byte) {
	var prof map[string]json.RawMessage
	if err := json.Unmarshal(b, &prof); err != nil {
		t.Fatal(err)
	}
	build := func(table string) []byte {
		var cols map[string]struct {
			Dtype   string `json:"dtype"`
			Example string `json:"example"`
		}
		if err := json.Unmarshal(prof[table], &cols); err != nil {
			t.Fatal(table, err)
		}
		rec := map[string]any{}
		for name, c := range cols {
			if strings.Contains(name, ".") {
				continue
			}
			ex := c.Example
			switch {
			case c.Dtype == "bool":
				rec[name] = ex == "1"
			case c.Dtype == "int64":
				n, _ := strconv.ParseInt(ex, 10, 64)
				rec[name] = n
			case c.Dtype == "float64" && (ex == "" || ex == "<redacted>"):
				rec[name] = nil
			case c.Dtype == "float64":
				f, _ := strconv.ParseFloat(ex, 64)
				rec[name] = f
			case strings.HasPrefix(ex, "["):
				rec[name] = []any{}
			default:
				rec[name] = ex
			}
		}
		out, _ := json.Marshal(rec)
		return out
	}
	c, err := DecodeContact(build("contacts"))
	if err != nil || c.ID != 103483581 || c.Company.ID != 11245857 || c.Modified.IsZero() || c.Created.IsZero() {
		t.Fatalf("contact %+v %v", c, err)
	}
	co, err := DecodeCompany(build("companies"))
	if err != nil || co.ID != 11243876 {
		t.Fatalf("company %+v %v", co, err)
	}
	d, err := DecodeDeal(build("deals"))
	if err != nil || d.ID != 25381340 || d.Contact.ID != 138996286 || d.Pipeline.ID != 85328 || d.PipelineStage.ID != 376045 || d.Status != DealOpen || d.Amount != model.MustDecimal("13521903.78") || d.ActualClosedDate.IsZero() {
		t.Fatalf("deal %+v %v", d, err)
	}
}

// Every sample in shared/samples/clientify is read by a contract above.
func TestContractEverySample(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join(samplesDir(t), "*.json"))
	if err != nil || len(files) < 30 {
		t.Fatalf("%d samples %v", len(files), err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		check, ok := contracts[name]
		if !ok {
			t.Errorf("%s: no contract reads this sample", name)
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			check(t, b)
		})
	}
	for name := range contracts {
		if _, err := os.Stat(filepath.Join(samplesDir(t), name)); errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: a contract for a sample that is gone", name)
		}
	}
}

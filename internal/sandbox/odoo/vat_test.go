package odoo

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// setSwitch turns a module switch at run time, as another process would.
func setSwitch(t *testing.T, url, path string, on bool) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"enabled": on})
	req, _ := http.NewRequest(http.MethodPut, url+path, bytes.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got map[string]bool
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != 200 || got["enabled"] != on {
		t.Fatalf("PUT %s: %d %v %v", path, resp.StatusCode, got, err)
	}
}

// With base_vat a partner's vat is checked against its country with Odoo's
// message of the version, and a create of several partners of which one
// fails creates none.
func TestBaseVAT(t *testing.T) {
	t.Parallel()
	const (
		fiNote = "\nNote: the expected format is FI12345671"
		ccNote = "\nNote: the expected format is 'CC##' (CC=Country Code, ##=VAT Number)"
	)
	for _, version := range []int{14, 15, 16, 17, 18, 19} {
		t.Run("", func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(New(Options{Version: version, Products: 1, Partners: 1}).Handler())
			defer srv.Close()
			c := caller{t, srv.URL}
			fi := float64(c.ids("res.country", []any{[]any{"code", "=", "FI"}})[0])
			se := float64(c.ids("res.country", []any{[]any{"code", "=", "SE"}})[0])
			create := func(ctx map[string]any, vals ...map[string]any) map[string]json.RawMessage {
				list := []any{}
				for _, v := range vals {
					list = append(list, v)
				}
				return kw(t, srv.URL, "res.partner", "create", []any{list}, map[string]any{"context": ctx})
			}
			bad := map[string]any{"name": "Huono Oy", "vat": "FI52468398", "country_id": fi, "is_company": true}
			good := map[string]any{"name": "Hyvä Oy", "vat": "FI12345671", "country_id": fi, "is_company": true}

			// Off (the default): anything goes.
			result[[]int64](t, create(nil, map[string]any{"name": "Ei tarkistusta", "vat": "FI52468398", "country_id": fi}))
			setSwitch(t, srv.URL, "/_sandbox/base-vat", true)
			if st := c.read("ir.module.module", c.ids("ir.module.module", []any{[]any{"name", "=", "base_vat"}}), "state"); st[0]["state"] != "installed" {
				t.Errorf("%d base_vat module: %v", version, st)
			}

			wantFI := "\nThe VAT number [FI52468398] for partner [Huono Oy] does not seem to be valid. " + fiNote
			if version >= 19 {
				wantFI = "\nThe VAT number [52468398] for partner [Huono Oy] does not seem to be valid.  " + fiNote
			}
			name, msg := odooErr(t, create(nil, good, bad))
			if name != "odoo.exceptions.ValidationError" || msg != wantFI {
				t.Errorf("%d create: %s %q, want %q", version, name, msg, wantFI)
			}
			if got := c.ids("res.partner", []any{[]any{"name", "in", []any{"Hyvä Oy", "Huono Oy"}}}); len(got) != 0 {
				t.Errorf("%d the failed create left %v", version, got)
			}

			// Without a prefix the number is checked against the country.
			_, msg = odooErr(t, create(nil, map[string]any{"name": "Huono Oy", "vat": "52468398", "country_id": fi}))
			if want := "\nThe VAT number [52468398] for partner [Huono Oy] does not seem to be valid. " + map[bool]string{false: "", true: " "}[version >= 19] + fiNote; msg != want {
				t.Errorf("%d unprefixed: %q, want %q", version, msg, want)
			}
			// A prefix of another country: checked for it, then for the
			// partner's country (16–18), for the prefix's country (19).
			_, msg = odooErr(t, create(nil, map[string]any{"name": "Ruotsi AB", "vat": "SE123", "country_id": se}))
			wantSE := "\nThe VAT number [SE123] for partner [Ruotsi AB] does not seem to be valid. \nNote: the expected format is SE123456789701"
			if version >= 19 {
				wantSE = "\nThe VAT number [123] for partner [Ruotsi AB] does not seem to be valid.  \nNote: the expected format is SE123456789701"
			}
			if msg != wantSE {
				t.Errorf("%d SE: %q, want %q", version, msg, wantSE)
			}

			// No country: 16–18 check a country prefix and name no format; 19
			// checks nothing.
			env := create(nil, map[string]any{"name": "Maaton", "vat": "FI52468398"})
			wantNote := ccNote
			if version == 14 {
				// 14 names the format of the number's prefix
				// (_construct_constraint_msg(partner_country_code or vat_country_code)).
				wantNote = fiNote
			}
			if version >= 19 {
				result[[]int64](t, env)
			} else if _, msg := odooErr(t, env); msg != "\nThe VAT number [FI52468398] for partner [Maaton] does not seem to be valid. "+wantNote {
				t.Errorf("%d no country: %q", version, msg)
			}
			result[[]int64](t, create(nil, map[string]any{"name": "Maaton 2", "vat": "52468398"}))

			// Valid numbers are stored compacted.
			ids := result[[]int64](t, create(nil, map[string]any{"name": "Hyvä Oy", "vat": "FI 1234567-1", "country_id": fi},
				map[string]any{"name": "Hyvä 2", "vat": "12345671", "country_id": fi}))
			got := c.read("res.partner", ids, "vat")
			if got[0]["vat"] != "FI12345671" || got[1]["vat"] != "12345671" {
				t.Errorf("%d stored: %v", version, got)
			}
			// A child contact is checked with its company's country.
			_, msg = odooErr(t, create(nil, map[string]any{"name": "Huono Oy", "vat": "52468398", "parent_id": float64(ids[0])}))
			if want := "\nThe VAT number [52468398] for partner [Huono Oy] does not seem to be valid. " + map[bool]string{false: "", true: " "}[version >= 19] + fiNote; msg != want {
				t.Errorf("%d child: %q", version, msg)
			}

			// write is checked too and undone.
			_, msg = odooErr(t, kw(t, srv.URL, "res.partner", "write", []any{[]any{ids[0]}, map[string]any{"vat": "FI52468398", "name": "Huono Oy"}}, nil))
			if msg != wantFI {
				t.Errorf("%d write: %q", version, msg)
			}
			if got := c.read("res.partner", ids[:1], "vat", "name")[0]; got["vat"] != "FI12345671" || got["name"] != "Hyvä Oy" {
				t.Errorf("%d after the failed write: %v", version, got)
			}

			// One character: 16–18 skip it; 19 wants "/"; 14 and 15 check it
			// as any number.
			env = create(nil, map[string]any{"name": "Viiva", "vat": "x", "country_id": fi})
			switch {
			case version >= 19:
				if _, msg := odooErr(t, env); msg != "To explicitly indicate no (valid) VAT, use '/' instead. " {
					t.Errorf("19 one character: %q", msg)
				}
			case version <= 15:
				if _, msg := odooErr(t, env); msg != "\nThe VAT number [x] for partner [Viiva] does not seem to be valid. "+fiNote {
					t.Errorf("%d one character: %q", version, msg)
				}
			default:
				result[[]int64](t, env)
			}
			// no_vat_validation skips the check.
			result[[]int64](t, create(map[string]any{"no_vat_validation": true}, bad))

			setSwitch(t, srv.URL, "/_sandbox/base-vat", false)
			result[[]int64](t, create(nil, bad))
		})
	}
}

// The country checks take stdnum's examples and refuse a changed digit.
func TestVATChecks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cc, good, bad string
	}{
		{"fi", "FI 2077474-0", "FI20774741"},
		{"se", "SE 556012579001", "SE556012579101"},
		{"ee", "EE 100 931 558", "EE100931559"},
		{"de", "DE 136,695 976", "DE136695978"},
	} {
		if !vatChecks[tc.cc](18, tc.good) || vatChecks[tc.cc](18, tc.bad) {
			t.Errorf("%s: %s should pass, %s fail", tc.cc, tc.good, tc.bad)
		}
	}
}

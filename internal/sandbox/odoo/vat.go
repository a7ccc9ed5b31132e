package odoo

import (
	"strings"
	"unicode"
)

// base_vat (Options.BaseVAT, SetBaseVAT, /_sandbox/base-vat): res.partner's
// vat is checked against its country on create and write, as
// addons/base_vat/models/res_partner.py does; a number that fails raises
// ValidationError and, every call being one transaction, a create of several
// partners creates none of them. The context key no_vat_validation skips the
// check (all versions).
//
// 14 and 15 (checkVAT14: their check_vat, _construct_constraint_msg (14),
// _run_vat_test and _build_vat_error_message (15)): the prefix is always two
// characters, every non-empty vat is checked, there is no "eu" exception nor
// a Steuernummer, and without a partner country 14 names the prefix's format.
//
// 16, 17 and 18 (check_vat, @api.constrains('vat', 'country_id');
// _run_vat_test, _build_vat_error_message; 16 osamamagar/odoo16 and 18
// KaiO277/odoo are the same, 17 is taken to be too): create and write first
// normalise the number (_fix_vat_number: the prefix's stdnum compact when the
// prefix is the given country's or no country is given). The check skips an
// empty or one-character vat; a prefix that is a known country (or "eu", "xi",
// "t") is checked with the rest of the number, and then, failing that, the
// whole number against the commercial partner's country. It fails only when a
// check ran and none passed: a number without a country prefix on a partner
// without a country passes. The message names the partner's country's
// expected format, or "'CC##' (CC=Country Code, ##=VAT Number)" without one:
//
//	"\nThe VAT number [FI52468398] for partner [Huono Oy] does not seem to be valid. \nNote: the expected format is FI12345671"
//
// 19 (jnvdx6/skymedic-odoo: _run_vat_checks from _inverse_vat on vat and
// country_id): no country, no check; a one-character vat other than "/" is
// "To explicitly indicate no (valid) VAT, use '/' instead. "; an EU-style
// prefix on a partner of such a country is stripped, the number formatted and
// checked for that prefix, otherwise for the partner's country; the stored vat
// becomes prefix + formatted number. The message shows the number without its
// prefix and has two spaces before "Note" (" %(expected_note)s" with a note
// that begins " \n"):
//
//	"\nThe VAT number [52468398] for partner [Huono Oy] does not seem to be valid.  \nNote: the expected format is FI12345671"
//
// Checks (stdnum's, by the algorithms of stdnum.fi.vat, se.vat, ee.kmkr,
// de.vat): FI 8 digits, weights 7 9 10 5 8 4 2 1, sum mod 11 = 0; SE 12 digits
// ending 01 whose first 10 pass Luhn; EE 9 digits, weights 3 7 1…, sum mod 10
// = 0; DE 9 digits not starting with 0, ISO 7064 mod 11,10, or (16–18
// check_vat_de) a Steuernummer, taken here as 10 to 13 digits once "/", "-"
// and spaces go. Other countries have no check here: 16–18 accept any number
// for a country that exists (simple_vat_check's fallback), 19 any number.
// Real Odoo checks many more through stdnum.

// vatRef is base_vat's _ref_vat for the EU and EU_PREFIX countries: the
// expected format in the message.
func vatRef(version int, cc string) (string, bool) {
	if cc == "ro" && version >= 18 {
		return "RO1234567897 or 8001011234567 or 9000123456789", true
	}
	if version <= 15 {
		// 14, 15's _ref_vat where it differs from 16's.
		if ref, ok := map[string]string{"de": "DE123456788", "gr": "GR12345670", "el": "EL12345670", "hu": "HU12345676"}[cc]; ok {
			return ref, true
		}
	}
	ref, ok := map[string]string{
		"at": "ATU12345675", "be": "BE0477472701", "bg": "BG1234567892", "ch": "CHE-123.456.788 TVA or CHE-123.456.788 MWST or CHE-123.456.788 IVA",
		"cy": "CY10259033P", "cz": "CZ12345679", "de": "DE123456788 or 12/345/67890", "dk": "DK12345674", "ee": "EE123456780", "es": "ESA12345674",
		"fi": "FI12345671", "fr": "FR23334175221", "gb": "GB123456782 or XI123456782", "gr": "EL123456783", "hu": "HU12345676 or 12345678-1-11 or 8071592153",
		"hr": "HR01234567896", "ie": "IE1234567FA", "it": "IT12345670017", "lt": "LT123456715", "lu": "LU12345613", "lv": "LV41234567891",
		"mt": "MT12345634", "nl": "NL123456782B90", "no": "NO123456785", "pl": "PL1234567883", "pt": "PT123456789", "ro": "RO1234567897",
		"se": "SE123456789701", "si": "SI12345679", "sk": "SK2022749619", "sm": "SM24165", "xi": "XI123456782",
	}[cc]
	return ref, ok
}

// europe is base.europe's countries; euPrefix is 19's EU_PREFIX group (base
// res_country_data.xml: Europe and CH, NO, GB, SM).
var (
	europe   = strings.Fields("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE")
	euPrefix = append(strings.Fields("CH NO GB SM"), europe...)
)

func in(list []string, code string) bool {
	for _, c := range list {
		if strings.EqualFold(c, code) {
			return true
		}
	}
	return false
}

// clean drops the characters of drop, upper-cases and strips a prefix, as
// stdnum's compact.
func compactVAT(number, drop, prefix string) string {
	number = strings.ToUpper(strings.TrimSpace(strings.Map(func(r rune) rune {
		if strings.ContainsRune(drop, r) {
			return -1
		}
		return r
	}, number)))
	return strings.TrimPrefix(number, prefix)
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// vatCompact is stdnum's compact per country (only those checked here).
var vatCompact = map[string]func(string) string{
	"fi": func(n string) string { return compactVAT(n, " -", "FI") },
	"se": func(n string) string { return compactVAT(n, " -.", "SE") },
	"ee": func(n string) string { return compactVAT(n, " ", "EE") },
	"de": func(n string) string { return compactVAT(n, " -./,", "DE") },
}

func luhn(n string) bool {
	sum := 0
	for i := range n {
		d := int(n[len(n)-1-i] - '0')
		if i%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// vatChecks are the is_valid of each country checked here; version matters
// for DE (16–18 check_vat_de also takes a Steuernummer).
var vatChecks = map[string]func(version int, n string) bool{
	"fi": func(_ int, n string) bool {
		n = vatCompact["fi"](n)
		if !digits(n) || len(n) != 8 {
			return false
		}
		sum := 0
		for i, w := range []int{7, 9, 10, 5, 8, 4, 2, 1} {
			sum += w * int(n[i]-'0')
		}
		return sum%11 == 0
	},
	"se": func(_ int, n string) bool {
		n = vatCompact["se"](n)
		return digits(n) && len(n) == 12 && n[10:] == "01" && luhn(n[:10])
	},
	"ee": func(_ int, n string) bool {
		n = vatCompact["ee"](n)
		if !digits(n) || len(n) != 9 {
			return false
		}
		sum := 0
		for i := range n {
			sum += []int{3, 7, 1}[i%3] * int(n[i]-'0')
		}
		return sum%10 == 0
	},
	"de": func(version int, n string) bool {
		v := vatCompact["de"](n)
		if digits(v) && len(v) == 9 && v[0] != '0' {
			check := 5
			for _, r := range v {
				if check == 0 {
					check = 10
				}
				check = ((check*2)%11 + int(r-'0')) % 10
			}
			if check == 1 {
				return true
			}
		}
		if version >= 16 && version < 19 {
			// 14 and 15 have no check_vat_de: stdnum's de.vat alone.
			st := compactVAT(n, " /-", "")
			return digits(st) && len(st) >= 10 && len(st) <= 13
		}
		return false
	},
}

// vatCountry is the partner's commercial partner's country code (upper case,
// "" without one): the partner itself when it is a company or has no parent.
func (s *Server) vatCountry(id int64) string {
	t := s.tables["res.partner"]
	r, _ := t.get(id)
	for i := 0; i < 32; i++ {
		p := asID(r["parent_id"])
		if r["is_company"] == true || p == 0 {
			break
		}
		pr, ok := t.get(p)
		if !ok {
			break
		}
		r = pr
	}
	c, _ := s.tables["res.country"].get(asID(r["country_id"]))
	code, _ := c["code"].(string)
	return strings.ToUpper(code)
}

func (s *Server) countryExists(code string) bool {
	for _, r := range s.tables["res.country"].rows {
		if c, _ := r["code"].(string); code != "" && strings.EqualFold(c, code) {
			return true
		}
	}
	return false
}

func (s *Server) countryCode(id int64) string {
	c, _ := s.tables["res.country"].get(id)
	code, _ := c["code"].(string)
	return code
}

// truthy is Python's truth of a JSON value.
func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case float64:
		return x != 0
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	return true
}

func isAlpha(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return s != ""
}

// splitVAT16 is 16–18's _split_vat: a two-letter prefix when the second
// character is a letter, else a one-character one; spaces leave the rest.
func splitVAT16(vat string) (string, string) {
	r := []rune(vat)
	n := 1
	if len(r) > 1 && unicode.IsLetter(r[1]) {
		n = 2
	}
	return splitVATAt(r, n)
}

// splitVAT14 is 14 and 15's _split_vat: always a two-character prefix.
func splitVAT14(vat string) (string, string) { return splitVATAt([]rune(vat), 2) }

func splitVATAt(r []rune, n int) (string, string) {
	if len(r) < n {
		n = len(r)
	}
	return strings.ToLower(string(r[:n])), strings.ReplaceAll(string(r[n:]), " ", "")
}

// simpleVATCheck is 16–18's simple_vat_check.
func (s *Server) simpleVATCheck(cc, number string) bool {
	for _, r := range cc {
		if r > unicode.MaxASCII || !unicode.IsLetter(r) {
			return false
		}
	}
	if f, ok := vatChecks[cc]; ok {
		return f(s.opts.Version, number)
	}
	if cc == "el" {
		cc = "gr"
	}
	return s.countryExists(cc)
}

// fixVAT16 is 16–18's _fix_vat_number.
func fixVAT16(version int, vat, countryCode string) string {
	vc, number := splitVAT16(vat)
	if version <= 15 {
		vc, number = splitVAT14(vat)
	}
	if countryCode != "" && strings.ToLower(countryCode) != vc {
		return vat
	}
	if f, ok := vatCompact[vc]; ok {
		number = f(number)
	}
	return strings.ToUpper(vc) + number
}

// vatError16 is 16–18's _build_vat_error_message for a partner (the company
// is Finnish, whose vat_label is "VAT").
func vatError16(version int, cc, vat, name string) error {
	expected, ok := vatRef(version, cc)
	if !ok {
		expected = "'CC##' (CC=Country Code, ##=VAT Number)"
	}
	label := "partner [" + name + "]"
	if strings.Contains(label, "False") {
		return validationError("\nThe VAT number [%s] does not seem to be valid. \nNote: the expected format is %s", vat, expected)
	}
	return validationError("\nThe VAT number [%s] for %s does not seem to be valid. \nNote: the expected format is %s", vat, label, expected)
}

// checkVAT16 is 16–18's check_vat of one partner.
func (s *Server) checkVAT16(id int64) error {
	r := s.tables["res.partner"].rows[id]
	vat, _ := r["vat"].(string)
	if len([]rune(vat)) <= 1 {
		return nil
	}
	country := s.vatCountry(id)
	cc, number := splitVAT16(vat)
	if cc == "eu" && !in(europe, country) {
		return nil
	}
	checked := false
	if s.countryExists(cc) || cc == "xi" || cc == "t" {
		if s.simpleVATCheck(cc, number) {
			return nil
		}
		checked = true
	}
	if country != "" {
		if s.simpleVATCheck(strings.ToLower(country), vat) {
			return nil
		}
		checked = true
	}
	if !checked {
		return nil
	}
	name, _ := r["name"].(string)
	return vatError16(s.opts.Version, strings.ToLower(country), vat, name)
}

// checkVAT14 is 14's check_vat and 15's check_vat with _run_vat_test (their
// base_vat/models/res_partner.py): every non-empty vat is checked, even of
// one character; its first two characters, when they are a country code (or
// "xi"), with the rest, then, failing or not a code, the whole number against
// the commercial partner's country; a number without a code on a partner
// without a country passes. There is no "eu" exception. The message takes the
// partner's country's format; 14 the number's prefix's when the partner has
// no country, 15 then the generic one.
func (s *Server) checkVAT14(id int64) error {
	r := s.tables["res.partner"].rows[id]
	vat, _ := r["vat"].(string)
	if vat == "" {
		return nil
	}
	country := s.vatCountry(id)
	cc, number := splitVAT14(vat)
	failed := false
	legit := s.countryExists(cc) || cc == "xi"
	if legit {
		failed = !s.simpleVATCheck(cc, number)
	}
	if (!legit || failed) && country != "" {
		failed = !s.simpleVATCheck(strings.ToLower(country), vat)
	}
	if !failed {
		return nil
	}
	code := strings.ToLower(country)
	if code == "" && s.opts.Version == 14 {
		code = cc
	}
	expected, ok := vatRef(s.opts.Version, code)
	if !ok {
		expected = "'CC##' (CC=Country Code, ##=VAT Number)"
	}
	name, _ := r["name"].(string)
	return validationError("\nThe VAT number [%s] for partner [%s] does not seem to be valid. \nNote: the expected format is %s", vat, name, expected)
}

// vatError19 is 19's _build_vat_error_message.
func vatError19(code, vat, name string) *odooError {
	note := ""
	if expected, ok := vatRef(19, strings.ToLower(code)); ok {
		note = " \nNote: the expected format is " + expected
	}
	label := "partner [" + name + "]"
	if strings.Contains(label, "False") {
		return validationError("\nThe VAT number [%s] does not seem to be valid. %s", vat, note)
	}
	return validationError("\nThe VAT number [%s] for %s does not seem to be valid. %s", vat, label, note)
}

// runVATChecks19 is 19's _run_vat_checks with validation "error": the vat to
// store, or the error.
func (s *Server) runVATChecks19(country, vat, name string, validate bool) (string, error) {
	if country == "" || vat == "" {
		return vat, nil
	}
	if len([]rune(vat)) == 1 {
		if vat == "/" {
			return vat, nil
		}
		return "", validationError("To explicitly indicate no (valid) VAT, use '/' instead. ")
	}
	prefix, number := "", vat
	if r := []rune(vat); len(r) >= 2 && isAlpha(string(r[:2])) {
		prefix, number = strings.ToUpper(string(r[:2])), strings.ReplaceAll(string(r[2:]), " ", "")
	}
	if prefix == "EU" && !in(europe, country) {
		return vat, nil
	}
	code := map[string]string{"EL": "GR", "XI": "GB"}[prefix]
	if code == "" {
		code = prefix
	}
	euCheck, prefixed := false, ""
	if code != "" && in(euPrefix, code) {
		if in(euPrefix, country) {
			vat, prefixed = number, prefix
		} else {
			euCheck = true
		}
	}
	check := prefixed
	if check == "" {
		check = country
	}
	if f, ok := vatCompact[strings.ToLower(check)]; ok {
		vat = f(vat)
	}
	if prefixed == "GR" {
		prefixed = "EL"
	}
	out := prefixed + vat
	if !validate {
		return out, nil // no_vat_validation: formatted, not checked
	}
	valid := true
	if f, ok := vatChecks[strings.ToLower(check)]; ok {
		valid = f(19, vat)
	}
	if !valid || prefixed != "" && strings.HasPrefix(out, prefixed+prefixed) {
		if euCheck {
			other := ""
			if s.countryExists(code) {
				other = strings.ToUpper(code)
			}
			if v, err := s.runVATChecks19(other, prefix+number, name, true); err == nil {
				return v, nil
			}
			ref, _ := vatRef(19, strings.ToLower(code))
			e := vatError19(check, vat, name)
			e.msg += "\n\nIf you are trying to input a European number, this is the expected format: " + ref
			return "", e
		}
		return "", vatError19(check, vat, name)
	}
	return out, nil
}

func init() {
	prepareHooks["res.partner"] = func(s *Server, ids []int64, vals map[string]any) map[string]any {
		vat, _ := vals["vat"].(string)
		if !s.opts.BaseVAT || s.opts.Version >= 19 || vat == "" {
			return vals
		}
		// _fix_vat_number: create with the given country; write only when the
		// records have exactly one country between them.
		country := ""
		if ids != nil {
			seen := map[int64]bool{}
			for _, id := range ids {
				if r, ok := s.tables["res.partner"].get(id); ok && asID(r["country_id"]) != 0 {
					seen[asID(r["country_id"])] = true
				}
			}
			if len(seen) != 1 {
				return vals
			}
			for c := range seen {
				country = s.countryCode(c)
			}
		}
		if _, given := vals["country_id"]; given || ids == nil {
			c, _ := vals["country_id"].(float64)
			country = s.countryCode(int64(c))
		}
		out := make(map[string]any, len(vals))
		for k, v := range vals {
			out[k] = v
		}
		out["vat"] = fixVAT16(s.opts.Version, vat, country)
		return out
	}
	constraints["res.partner"] = func(s *Server, id int64, vals map[string]any) error {
		_, v := vals["vat"]
		_, c := vals["country_id"]
		if !s.opts.BaseVAT || !v && !c {
			return nil
		}
		skip := truthy(s.ctx["no_vat_validation"])
		if skip && s.opts.Version < 19 {
			return nil
		}
		if s.opts.Version <= 15 {
			return s.checkVAT14(id)
		}
		if s.opts.Version < 19 {
			return s.checkVAT16(id)
		}
		r := s.tables["res.partner"].rows[id]
		vat, _ := r["vat"].(string)
		name, _ := r["name"].(string)
		out, err := s.runVATChecks19(s.vatCountry(id), vat, name, !skip)
		if err != nil {
			return err
		}
		if out != vat {
			s.setField("res.partner", id, "vat", out)
		}
		return nil
	}
}

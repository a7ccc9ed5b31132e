package clientify

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// writeCtx is one write being validated.
type writeCtx struct {
	res    *resource
	rec    *rec // nil on create
	body   map[string]any
	create bool
	errs   errMap
	now    time.Time
	actor  *user
}

// pendingCompany is a company named in a contact's "company" that does not
// exist yet: it is created when the contact is saved.
type pendingCompany struct{ name string }

// coerce validates one written value as DRF's field would and returns what is
// stored, or the field's error (a []string, or []errMap for a nested list).
func (s *Server) coerce(f *field, raw any) (any, any) {
	fail := func(format string, args ...any) (any, any) { return nil, []string{fmt.Sprintf(format, args...)} }
	if raw == nil {
		switch f.kind {
		case fNullStr, fNullInt, fNullNum, fDate, fDateTime, fLink, fNamed:
			return nil, nil
		}
		return fail("This field may not be null.")
	}
	switch f.kind {
	case fStr, fNullStr, fNamed:
		sv, ok := asString(raw)
		if !ok {
			return fail("Not a valid string.")
		}
		if f.required && strings.TrimSpace(sv) == "" {
			return fail("This field may not be blank.")
		}
		if f.maxLen > 0 && len([]rune(sv)) > f.maxLen {
			return fail("Ensure this field has no more than %d characters.", f.maxLen)
		}
		return sv, nil
	case fInt, fNullInt:
		n, ok := asInt(raw)
		if !ok {
			return fail("A valid integer is required.")
		}
		return n, nil
	case fNum, fNullNum:
		x, ok := asNum(raw)
		if !ok {
			return fail("A valid number is required.")
		}
		return x, nil
	case fBool:
		b, ok := asBool(raw)
		if !ok {
			return fail("Must be a valid boolean.")
		}
		return b, nil
	case fDate:
		sv, _ := raw.(string)
		d, ok := parseDate(sv)
		if !ok {
			return fail("Date has wrong format. Use one of these formats instead: YYYY-MM-DD.")
		}
		return d, nil
	case fDateTime:
		sv, _ := raw.(string)
		t, ok := parseDateTime(sv, s.loc)
		if !ok {
			return fail("Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].")
		}
		return t.Truncate(time.Microsecond), nil
	case fChoice:
		sv, _ := asString(raw)
		for _, c := range f.choices {
			if sv == c {
				return sv, nil
			}
		}
		return fail("%q is not a valid choice.", fmt.Sprint(raw))
	case fIntChoice:
		n, ok := asInt(raw)
		if ok {
			for _, c := range f.ints {
				if n == c {
					return n, nil
				}
			}
		}
		return fail("%q is not a valid choice.", fmt.Sprint(raw))
	case fTags:
		list, ok := raw.([]any)
		if !ok {
			return fail("Expected a list of items but got type %q.", pyType(raw))
		}
		var tags []string
		seen := map[string]bool{}
		for _, e := range list {
			if m, ok := e.(map[string]any); ok {
				e = m["name"]
			}
			t, ok := asString(e)
			if !ok || strings.TrimSpace(t) == "" {
				return fail("Not a valid string.")
			}
			if !seen[t] {
				seen[t] = true
				tags = append(tags, t)
			}
		}
		return tags, nil
	case fList:
		return s.coerceList(f, raw)
	case fCustom:
		return coerceCustom(raw)
	case fLink:
		return s.coerceLink(f, raw)
	}
	return fail("This field is read-only.")
}

// coerceList validates a nested list; errors are one errMap per item ({} for
// the good ones), as DRF's ListSerializer answers.
func (s *Server) coerceList(f *field, raw any) (any, any) {
	list, ok := raw.([]any)
	if !ok {
		return nil, []string{fmt.Sprintf("Expected a list of items but got type %q.", pyType(raw))}
	}
	var out []item
	errs := make([]errMap, len(list))
	bad := false
	for i, e := range list {
		errs[i] = errMap{}
		m, ok := e.(map[string]any)
		if !ok {
			errs[i].add("non_field_errors", fmt.Sprintf("Invalid data. Expected a dictionary, but got %s.", pyType(e)))
			bad = true
			continue
		}
		it := item{}
		if id, ok := asInt(m["id"]); ok {
			it["id"] = id
		}
		for j := range f.item {
			sf := &f.item[j]
			rv, present := m[sf.name]
			if !present {
				if sf.required {
					errs[i].add(sf.name, "This field is required.")
					bad = true
				} else {
					it[sf.name] = sf.def
				}
				continue
			}
			v, ferr := s.coerce(sf, rv)
			if ferr != nil {
				errs[i][sf.name] = ferr
				bad = true
				continue
			}
			if sf.name == "email" && !validEmail(v.(string)) {
				errs[i].add("email", "Enter a valid email address.")
				bad = true
				continue
			}
			it[sf.name] = v
		}
		out = append(out, it)
	}
	if bad {
		return nil, errs
	}
	return out, nil
}

// coerceCustom validates [{field, value}]. A blank value is refused, which is
// why the PHP client writes "--" for an empty one.
func coerceCustom(raw any) (any, any) {
	list, ok := raw.([]any)
	if !ok {
		return nil, []string{fmt.Sprintf("Expected a list of items but got type %q.", pyType(raw))}
	}
	var out []cf
	errs := make([]errMap, len(list))
	bad := false
	for i, e := range list {
		errs[i] = errMap{}
		m, ok := e.(map[string]any)
		if !ok {
			errs[i].add("non_field_errors", fmt.Sprintf("Invalid data. Expected a dictionary, but got %s.", pyType(e)))
			bad = true
			continue
		}
		name, ok := asString(m["field"])
		switch {
		case m["field"] == nil:
			errs[i].add("field", "This field is required.")
			bad = true
		case !ok || strings.TrimSpace(name) == "":
			errs[i].add("field", "This field may not be blank.")
			bad = true
		}
		val, vok := asString(m["value"])
		switch {
		case m["value"] == nil:
			errs[i].add("value", "This field may not be null.")
			bad = true
		case !vok:
			errs[i].add("value", "Not a valid string.")
			bad = true
		case strings.TrimSpace(val) == "":
			errs[i].add("value", "This field may not be blank.")
			bad = true
		}
		out = append(out, cf{field: name, value: val})
	}
	if bad {
		return nil, errs
	}
	return out, nil
}

var linkPath = regexp.MustCompile(`^/(?:v1|v2|api)/(.+)/([^/.]+)/?$`)

// coerceLink reads a relation: a hyperlink (any host, /v1, /v2 or /api), or a
// bare integer id (lenient: Clientify's own examples show both). A pending
// company (contact "company" given by name) passes through.
func (s *Server) coerceLink(f *field, raw any) (any, any) {
	fail := func(msg string) (any, any) { return nil, []string{msg} }
	if p, ok := raw.(pendingCompany); ok {
		return p, nil
	}
	id := 0
	switch x := raw.(type) {
	case json.Number, float64, int:
		n, ok := asInt(x)
		if !ok {
			return fail(fmt.Sprintf("Incorrect type. Expected URL string, received %s.", pyType(raw)))
		}
		id = n
	case string:
		if n, err := strconv.Atoi(strings.TrimSpace(x)); err == nil {
			id = n
			break
		}
		u, err := url.Parse(strings.TrimSpace(x))
		if err != nil {
			return fail("Invalid hyperlink - No URL match.")
		}
		m := linkPath.FindStringSubmatch(u.Path)
		if m == nil {
			return fail("Invalid hyperlink - No URL match.")
		}
		if m[1] != f.target {
			return fail("Invalid hyperlink - Incorrect URL match.")
		}
		id, _ = strconv.Atoi(m[2]) // not a number: no such object
	default:
		return fail(fmt.Sprintf("Incorrect type. Expected URL string, received %s.", pyType(raw)))
	}
	if !s.exists(f.target, id) {
		return fail("Invalid hyperlink - Object does not exist.")
	}
	return id, nil
}

var emailRE = regexp.MustCompile(`^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$`)

func validEmail(s string) bool { return emailRE.MatchString(s) }

func asString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case int:
		return strconv.Itoa(x), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	}
	return "", false
}

func asInt(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case json.Number:
		n, err := strconv.Atoi(x.String())
		if err != nil {
			f, ferr := x.Float64()
			if ferr != nil || f != float64(int(f)) {
				return 0, false
			}
			return int(f), true
		}
		return n, true
	case float64:
		if x != float64(int(x)) {
			return 0, false
		}
		return int(x), true
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(x))
		return n, err == nil
	}
	return 0, false
}

func asNum(v any) (float64, bool) {
	var f float64
	var err error
	switch x := v.(type) {
	case json.Number:
		f, err = x.Float64()
	case float64:
		f = x
	case int:
		f = float64(x)
	case string:
		f, err = strconv.ParseFloat(strings.TrimSpace(x), 64)
	default:
		return 0, false
	}
	if err != nil || f != f || f > 1e15 || f < -1e15 {
		return 0, false
	}
	return f, true
}

func asBool(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case json.Number:
		switch x.String() {
		case "1":
			return true, true
		case "0":
			return false, true
		}
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "true", "1", "yes", "y", "on", "t":
			return true, true
		case "false", "0", "no", "n", "off", "f":
			return false, true
		}
	}
	return false, false
}

package mycashflow

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Helsinki must resolve even on hosts without zoneinfo.
)

// helsinki is the zone every timestamp is rendered in (see doc.go).
var helsinki = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		panic(fmt.Sprintf("mycashflow sandbox: load Europe/Helsinki: %v", err))
	}
	return loc
}()

// jtime is a timestamp rendered as RFC 3339 with the Helsinki offset, whole
// seconds; the zero value renders as null.
type jtime struct{ time.Time }

func stamp(t time.Time) jtime { return jtime{t.Truncate(time.Second)} }

func (t jtime) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + t.In(helsinki).Format(time.RFC3339) + `"`), nil
}

// money is an amount in cents, rendered as a JSON number in euros (or the order's
// currency), e.g. 24.9.
type money int64

func (m money) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(float64(m)/100, 'f', -1, 64)), nil
}

func (m money) String() string { return strconv.FormatFloat(float64(m)/100, 'f', 2, 64) }

// parseTime reads a filter value: RFC 3339 with or without offset (without means
// Helsinki time), or a plain date (midnight Helsinki).
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	// A "+" in a query string arrives as a space when the client forgot to escape it.
	if i := strings.LastIndexByte(s, ' '); i > 0 && len(s)-i == 6 {
		if t, err := time.Parse(time.RFC3339Nano, s[:i]+"+"+s[i+1:]); err == nil {
			return t, nil
		}
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, helsinki); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an ISO-8601 date-time such as 2024-05-01T10:00:00+03:00", s)
}

// decodeObject reads a JSON object body into raw fields, so PATCH can tell absent
// fields from null ones and reject unknown ones.
func decodeObject(body []byte) (map[string]json.RawMessage, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, fmt.Errorf("request body is empty; a JSON object is required")
	}
	if body[0] != '{' {
		return nil, fmt.Errorf("request body must be a JSON object")
	}
	var m map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("request body is not valid JSON: %v", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("request body has data after the JSON object")
	}
	return m, nil
}

// fields reads typed values out of a decoded object and collects the first error,
// naming the field.
type fields struct {
	m      map[string]json.RawMessage
	prefix string
	err    error
	known  map[string]bool
}

func newFields(m map[string]json.RawMessage, prefix string) *fields {
	return &fields{m: m, prefix: prefix, known: map[string]bool{}}
}

func (f *fields) fail(name, format string, args ...any) {
	if f.err == nil {
		f.err = fmt.Errorf("field %s%s: %s", f.prefix, name, fmt.Sprintf(format, args...))
	}
}

// raw returns the field's raw value and whether it was present and non-null.
func (f *fields) raw(name string) (json.RawMessage, bool) {
	f.known[name] = true
	v, ok := f.m[name]
	if !ok || string(bytes.TrimSpace(v)) == "null" {
		return nil, false
	}
	return v, true
}

// has reports whether the field is present at all (null included).
func (f *fields) has(name string) bool {
	f.known[name] = true
	_, ok := f.m[name]
	return ok
}

func (f *fields) str(name string, dst *string) bool {
	v, ok := f.raw(name)
	if !ok {
		if f.has(name) {
			*dst = ""
			return true
		}
		return false
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		f.fail(name, "must be a string")
		return false
	}
	*dst = s
	return true
}

func (f *fields) boolean(name string, dst *bool) bool {
	v, ok := f.raw(name)
	if !ok {
		return false
	}
	switch string(bytes.TrimSpace(v)) {
	case "true", "1", `"1"`, `"true"`:
		*dst = true
	case "false", "0", `"0"`, `"false"`:
		*dst = false
	default:
		f.fail(name, "must be a boolean")
		return false
	}
	return true
}

// number parses a JSON number or a numeric string.
func (f *fields) number(name string) (float64, bool) {
	v, ok := f.raw(name)
	if !ok {
		return 0, false
	}
	s := string(bytes.TrimSpace(v))
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(v, &s); err != nil {
			f.fail(name, "must be a number")
			return 0, false
		}
		s = strings.TrimSpace(s)
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		f.fail(name, "must be a number, got %s", truncate(string(v), 40))
		return 0, false
	}
	return x, true
}

func (f *fields) integer(name string, dst *int) bool {
	x, ok := f.number(name)
	if !ok {
		return false
	}
	if x != math.Trunc(x) || math.Abs(x) > 1e12 {
		f.fail(name, "must be a whole number, got %v", x)
		return false
	}
	*dst = int(x)
	return true
}

// optInt reads a nullable id: null (or 0) clears it.
func (f *fields) optInt(name string, dst **int) bool {
	if !f.has(name) {
		return false
	}
	if _, ok := f.raw(name); !ok {
		*dst = nil
		return true
	}
	var n int
	if !f.integer(name, &n) {
		return false
	}
	if n == 0 {
		*dst = nil
	} else {
		*dst = &n
	}
	return true
}

func (f *fields) amount(name string, dst *money) bool {
	x, ok := f.number(name)
	if !ok {
		return false
	}
	if math.Abs(x) > 1e10 {
		f.fail(name, "amount %v is out of range", x)
		return false
	}
	*dst = money(math.Round(x * 100))
	return true
}

func (f *fields) float(name string, dst *float64) bool {
	x, ok := f.number(name)
	if !ok {
		return false
	}
	*dst = x
	return true
}

func (f *fields) timestamp(name string, dst *jtime) bool {
	if !f.has(name) {
		return false
	}
	if _, ok := f.raw(name); !ok {
		*dst = jtime{}
		return true
	}
	var s string
	if !f.str(name, &s) {
		return false
	}
	t, err := parseTime(s)
	if err != nil {
		f.fail(name, "%v", err)
		return false
	}
	*dst = stamp(t)
	return true
}

// object returns a nested object's fields.
func (f *fields) object(name string) (*fields, bool) {
	v, ok := f.raw(name)
	if !ok {
		return nil, false
	}
	m, err := decodeObject(v)
	if err != nil {
		f.fail(name, "must be a JSON object")
		return nil, false
	}
	return newFields(m, f.prefix+name+"."), true
}

// array returns the elements of an array of objects.
func (f *fields) array(name string) ([]*fields, bool) {
	v, ok := f.raw(name)
	if !ok {
		return nil, f.has(name)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(v, &items); err != nil {
		f.fail(name, "must be an array")
		return nil, false
	}
	out := make([]*fields, 0, len(items))
	for i, it := range items {
		m, err := decodeObject(it)
		if err != nil {
			f.fail(fmt.Sprintf("%s[%d]", name, i), "must be a JSON object")
			return nil, false
		}
		out = append(out, newFields(m, fmt.Sprintf("%s%s[%d].", f.prefix, name, i)))
	}
	return out, true
}

// strings reads an array of strings.
func (f *fields) strings(name string, dst *[]string) bool {
	v, ok := f.raw(name)
	if !ok {
		return false
	}
	var s []string
	if err := json.Unmarshal(v, &s); err != nil {
		f.fail(name, "must be an array of strings")
		return false
	}
	*dst = s
	return true
}

// check returns the first error, or an error naming the first field that was never
// read, as writes with unknown fields are most likely a client bug.
func (f *fields) check() error {
	if f.err != nil {
		return f.err
	}
	for k := range f.m {
		if !f.known[k] {
			return fmt.Errorf("field %s%s: unknown or read-only field", f.prefix, k)
		}
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

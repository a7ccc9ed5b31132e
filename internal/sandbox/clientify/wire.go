package clientify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// kv is one member of an obj.
type kv struct {
	k string
	v any
}

// obj is a JSON object that keeps its members in order, as DRF renders a
// serializer's fields.
type obj []kv

func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := marshal(e.k)
		b.Write(k)
		b.WriteByte(':')
		v, err := marshal(e.v)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// marshal is json.Marshal without HTML escaping (DRF writes "&" and "<" as
// they are).
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

func (o obj) get(k string) any {
	for _, e := range o {
		if e.k == k {
			return e.v
		}
	}
	return nil
}

// plain converts v (obj, []obj …) into plain maps and slices, as a client
// decoding the JSON would see it.
func plain(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out any
	json.Unmarshal(b, &out)
	return out
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := marshal(v)
	if err != nil {
		code, b = http.StatusInternalServerError, []byte(`{"detail":"A server error occurred."}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Vary", "Accept")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(code)
	w.Write(b)
}

// maxBody caps request bodies (DATA_UPLOAD_MAX_MEMORY_SIZE is 2.5 MB in Django).
const maxBody = 5 << 19

// parseBody reads a request body as DRF's default parsers do: JSON, form or
// multipart by Content-Type. A body without Content-Type is not parsed at all
// (request.data is empty), as in DRF; another type is 415.
func parseBody(r *http.Request, raw []byte) (any, *apiErr) {
	ct := r.Header.Get("Content-Type")
	if ct == "" || len(bytes.TrimSpace(raw)) == 0 {
		return map[string]any{}, nil
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return nil, detail(http.StatusUnsupportedMediaType, "Unsupported media type %q in request.", ct)
	}
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return decodeJSON(raw)
	case mt == "application/x-www-form-urlencoded":
		vals, err := url.ParseQuery(string(raw))
		if err != nil {
			return nil, detail(http.StatusBadRequest, "Malformed request.")
		}
		return formMap(vals), nil
	case mt == "multipart/form-data":
		mr := multipart.NewReader(bytes.NewReader(raw), params["boundary"])
		form, err := mr.ReadForm(maxBody)
		if err != nil {
			return nil, detail(http.StatusBadRequest, "Multipart form parse error - Invalid boundary in multipart: None")
		}
		return formMap(form.Value), nil
	}
	return nil, detail(http.StatusUnsupportedMediaType, "Unsupported media type %q in request.", ct)
}

func decodeJSON(raw []byte) (any, *apiErr) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, detail(http.StatusBadRequest, "JSON parse error - %s", jsonErrText(err))
	}
	if dec.More() {
		return nil, detail(http.StatusBadRequest, "JSON parse error - Extra data: char %d", dec.InputOffset())
	}
	return v, nil
}

func jsonErrText(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("Expecting value: char %d", se.Offset)
	}
	return err.Error()
}

// formMap takes the first value of each form key (QueryDict.get).
func formMap(vals url.Values) map[string]any {
	m := map[string]any{}
	for k, vs := range vals {
		if len(vs) > 0 {
			m[k] = vs[0]
		}
	}
	return m
}

// pyType is the Python type name DRF quotes in its messages for a JSON value.
func pyType(v any) string {
	switch x := v.(type) {
	case nil:
		return "NoneType"
	case map[string]any:
		return "dict"
	case []any:
		return "list"
	case string:
		return "str"
	case bool:
		return "bool"
	case json.Number:
		if _, err := x.Int64(); err == nil {
			return "int"
		}
		return "float"
	case float64:
		return "float"
	case int:
		return "int"
	}
	return fmt.Sprintf("%T", v)
}

// fmtTime renders a timestamp as Python's isoformat does: microseconds when
// there are any, none otherwise, and the offset of the account's time zone.
func fmtTime(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	zone := "-07:00"
	if _, off := t.Zone(); off%60 != 0 { // local mean time before 1900
		zone = "-07:00:00"
	}
	if t.Nanosecond()/1000 == 0 {
		return t.Format("2006-01-02T15:04:05" + zone)
	}
	return t.Format("2006-01-02T15:04:05.000000" + zone)
}

var dtRE = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,](\d{1,6})\d*)?)?\s*(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?)?$`)

// parseDateTime reads a date-time as Django's forms and DRF read one: ISO 8601
// with T or a space, seconds and fraction optional, Z or ±HH[:MM]; a plain date
// is midnight. A value without offset is in the account's time zone.
func parseDateTime(s string, loc *time.Location) (time.Time, bool) {
	m := dtRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return time.Time{}, false
	}
	n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
	y, mo, d := n(1), n(2), n(3)
	h, mi, sec := n(4), n(5), n(6)
	us := 0
	if m[7] != "" {
		frac := m[7] + strings.Repeat("0", 6-len(m[7]))
		us, _ = strconv.Atoi(frac)
	}
	if mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	zone := loc
	if tz := m[8]; tz != "" {
		off := 0
		if tz != "Z" {
			digits := strings.ReplaceAll(tz[1:], ":", "")
			if len(digits)%2 != 0 {
				return time.Time{}, false
			}
			for i, unit := range []int{3600, 60, 1} {
				if len(digits) >= 2*i+2 {
					n, _ := strconv.Atoi(digits[2*i : 2*i+2])
					off += n * unit
				}
			}
			if off >= 24*3600 {
				return time.Time{}, false
			}
			if tz[0] == '-' {
				off = -off
			}
		}
		zone = time.FixedZone("", off)
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, us*1000, zone)
	if t.Day() != d { // 31 February
		return time.Time{}, false
	}
	// Python's datetime holds years 1 to 9999, also in the account's zone.
	for _, x := range []time.Time{t, t.UTC(), t.In(loc)} {
		if x.Year() < 1 || x.Year() > 9999 {
			return time.Time{}, false
		}
	}
	return t, true
}

// parseDate reads YYYY-MM-DD.
func parseDate(s string) (string, bool) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return "", false
	}
	return t.Format("2006-01-02"), true
}

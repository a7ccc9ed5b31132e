package ongoing

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// wtime is an API time: UTC with Z and 0 to 3 fractional digits, trailing zeros
// dropped ("2019-10-10T09:05:41.25Z"), as the samples show. The zero time is null.
type wtime time.Time

const wireTimeLayout = "2006-01-02T15:04:05.999Z07:00"

func stamp(t time.Time) wtime { return wtime(t.UTC().Truncate(time.Millisecond)) }

func (t wtime) IsZero() bool { return time.Time(t).IsZero() }

func (t wtime) Time() time.Time { return time.Time(t) }

func (t wtime) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + time.Time(t).UTC().Format(wireTimeLayout) + `"`), nil
}

// UnmarshalJSON reads what MarshalJSON writes (tests read answers back).
func (t *wtime) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*t = wtime{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	*t = wtime(v)
	return err
}

// dec is a decimal quantity or amount. It is written with at least one decimal
// ("2.0", "1.5"), as the API writes its decimals.
type dec float64

func (d dec) MarshalJSON() ([]byte, error) {
	f := float64(d)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return []byte(s), nil
}

// num is a number in a request body. Like Json.NET it accepts a JSON number, a
// numeric string ("1.5", as PUT_articles.many_fields.request.json sends) or null.
type num struct {
	v   float64
	set bool
}

func (n *num) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*n = num{}
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
		if s == "" {
			*n = num{}
			return nil
		}
		b = []byte(s)
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("could not convert %s to a number", truncate(string(b), 40))
	}
	*n = num{v: f, set: true}
	return nil
}

// ptr returns the value as a *dec, nil when unset (rendered null).
func (n num) ptr() *dec {
	if !n.set {
		return nil
	}
	d := dec(n.v)
	return &d
}

// intPtr returns the value as a *int, nil when unset.
func (n num) intPtr() *int {
	if !n.set {
		return nil
	}
	i := int(math.Round(n.v))
	return &i
}

// str is a string in a request body. Like Json.NET it also accepts a number or a
// boolean (an article number sent as 1009) and null ("").
type str string

func (s *str) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*s = ""
	case len(b) > 0 && b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = str(v)
	case string(b) == "true" || string(b) == "false":
		*s = str(strings.ToUpper(string(b[:1])) + string(b[1:]))
	default:
		if _, err := strconv.ParseFloat(string(b), 64); err != nil {
			return fmt.Errorf("could not convert %s to a string", truncate(string(b), 40))
		}
		*s = str(b)
	}
	return nil
}

func (s str) String() string { return strings.TrimSpace(string(s)) }

// codeName is the {code, name} pair of types, groups and ways of delivery.
type codeName struct {
	Code str `json:"code"`
	Name str `json:"name"`
}

// wire renders a code/name pair; an empty one is null, as the API writes unset
// code/name objects.
func (c *codeName) wire() *codeNameOut {
	if c == nil || (c.Code.String() == "" && c.Name.String() == "") {
		return nil
	}
	return &codeNameOut{Code: c.Code.String(), Name: c.Name.String()}
}

type codeNameOut struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// parseFilterTime reads a time filter: RFC 3339 with an offset as the reference
// asks clients to send; without an offset it is UTC; a plain date is UTC
// midnight. A "+" that a client forgot to encode arrives as a space and is
// taken back.
func parseFilterTime(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if i := strings.LastIndexByte(v, ' '); i > 10 {
		v = v[:i] + "+" + v[i+1:]
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("the value '%s' is not a valid date and time", truncate(v, 60))
}

// parseDate reads a deliveryDate: a date, or a date and time of which the date is
// kept. The empty string is no date.
func parseDate(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	if len(v) >= 10 {
		if t, err := time.Parse("2006-01-02", v[:10]); err == nil && (len(v) == 10 || v[10] == 'T' || v[10] == ' ') {
			return t.Format("2006-01-02"), nil
		}
	}
	return "", fmt.Errorf("the value '%s' is not a valid date", truncate(v, 60))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// apiErr is an error answer in the ASP.NET Web API shape: {"Message": ...}, with
// "ModelState" for validation errors (doc.go).
type apiErr struct {
	code  int
	msg   string
	model map[string][]string
}

func (e *apiErr) Error() string { return e.msg }

type errBody struct {
	Message    string              `json:"Message"`
	ModelState map[string][]string `json:"ModelState,omitempty"`
}

func (e *apiErr) body() errBody { return errBody{Message: e.msg, ModelState: e.model} }

func errf(code int, format string, args ...any) *apiErr {
	return &apiErr{code: code, msg: fmt.Sprintf(format, args...)}
}

// invalid is a 400 with one model-state entry per field.
func invalid(fields map[string][]string) *apiErr {
	return &apiErr{code: 400, msg: "The request is invalid.", model: fields}
}

// modelErrs collects validation messages by field.
type modelErrs map[string][]string

func (m modelErrs) add(field, format string, args ...any) {
	m[field] = append(m[field], fmt.Sprintf(format, args...))
}

func (m modelErrs) err() *apiErr {
	if len(m) == 0 {
		return nil
	}
	return invalid(m)
}

// decodeBody decodes a JSON request body into v the way Json.NET binds a model:
// unknown fields are ignored; a body that is not JSON of the right shape is a 400
// with the parser's message under "model".
func decodeBody(body []byte, v any) *apiErr {
	if len(bytes.TrimSpace(body)) == 0 {
		return invalid(map[string][]string{"model": {"The request body is empty; a JSON object is required."}})
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return invalid(map[string][]string{"model": {jsonErrText(err)}})
	}
	if dec.More() {
		return invalid(map[string][]string{"model": {"Additional text encountered after finished reading JSON content."}})
	}
	return nil
}

func jsonErrText(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("Error converting value to type '%s'. Path '%s'.", te.Type, te.Field)
	}
	return "Error reading JSON: " + err.Error()
}

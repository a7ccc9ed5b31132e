package web

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Field is one simple field of a connection's settings or a route's options,
// as the settings form shows it: the value in force and the default.
type Field struct {
	// Key is the field's YAML key (and the form's input is "f_" + Key).
	Key string `json:"key"`
	// Input is text, number, checkbox, duration or time.
	Input   string `json:"input"`
	Value   string `json:"value"`
	Default string `json:"default"`
	// Step is a number input's step ("1" for whole numbers, "any").
	Step string `json:"-"`
	// Locked says the value in force comes from elsewhere (Note says where):
	// the form shows it and does not change it.
	Locked bool   `json:"locked,omitempty"`
	Note   string `json:"note,omitempty"`
}

// Checked reports a checkbox's value.
func (f Field) Checked() bool { return f.Value == "true" }

var (
	durationType = reflect.TypeOf(time.Duration(0))
)

// yamlKey is a struct field's YAML key; "" for none.
func yamlKey(sf reflect.StructField) string {
	if !sf.IsExported() {
		return ""
	}
	tag := sf.Tag.Get("yaml")
	name, _, _ := strings.Cut(tag, ",")
	if name == "-" {
		return ""
	}
	if name == "" {
		name = strings.ToLower(sf.Name)
	}
	return name
}

// inputOf is the form input of a simple field type; "" for a complex one
// (lists, maps, structs).
func inputOf(t reflect.Type) (input, step string) {
	switch {
	case t == durationType:
		return "duration", ""
	case t == timeType:
		return "time", ""
	}
	switch t.Kind() {
	case reflect.String:
		return "text", ""
	case reflect.Bool:
		return "checkbox", ""
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "number", "1"
	case reflect.Float32, reflect.Float64:
		return "number", "any"
	}
	return "", ""
}

// fmtDuration writes a duration as a person types it: 30s, 2m, 1h30m.
func fmtDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func fmtValue(v reflect.Value) string {
	switch {
	case v.Type() == durationType:
		return fmtDuration(time.Duration(v.Int()))
	case v.Type() == timeType:
		t := v.Interface().(time.Time)
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64)
	}
	return fmt.Sprint(v.Interface())
}

func structOf(v any) (reflect.Value, bool) {
	rv := reflect.ValueOf(v)
	for rv.IsValid() && rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return reflect.Value{}, false
		}
		rv = rv.Elem()
	}
	return rv, rv.IsValid() && rv.Kind() == reflect.Struct
}

// fieldsOf lists the simple fields of a settings or options struct (cur, the
// values in force) with their defaults (def, the same type), and the YAML keys
// of its complex fields.
func fieldsOf(cur, def any) (simple []Field, complex []string) {
	cv, ok := structOf(cur)
	if !ok {
		return nil, nil
	}
	dv, dok := structOf(def)
	t := cv.Type()
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		key := yamlKey(sf)
		if key == "" {
			continue
		}
		input, step := inputOf(sf.Type)
		if input == "" {
			complex = append(complex, key)
			continue
		}
		f := Field{Key: key, Input: input, Step: step, Value: fmtValue(cv.Field(i))}
		if dok && dv.Type() == t {
			f.Default = fmtValue(dv.Field(i))
		}
		simple = append(simple, f)
	}
	return simple, complex
}

// applyFields sets the simple fields of the struct v points to from a form's
// inputs "f_KEY"; a field without an input keeps its value. A checkbox sends a
// hidden "false" before its own "true", so the last value counts.
func applyFields(v any, form url.Values) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("applyFields: %T is not a pointer to a struct", v)
	}
	sv := rv.Elem()
	t := sv.Type()
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		key := yamlKey(sf)
		vals, ok := form["f_"+key]
		if key == "" || !ok || len(vals) == 0 {
			continue
		}
		raw := strings.TrimSpace(vals[len(vals)-1])
		fv := sv.Field(i)
		input, _ := inputOf(sf.Type)
		switch input {
		case "duration":
			if raw == "" {
				raw = "0s"
			}
			d, err := time.ParseDuration(raw)
			if err != nil {
				return badInput("%s %q: want a duration like 30s, 2m or 1h30m", key, raw)
			}
			fv.SetInt(int64(d))
		case "time":
			var t time.Time
			if raw != "" {
				var err error
				if t, err = parseWhen(key, raw); err != nil {
					return badInput("%v", err)
				}
			}
			fv.Set(reflect.ValueOf(t))
		case "text":
			fv.SetString(raw)
		case "checkbox":
			fv.SetBool(raw == "true" || raw == "on" || raw == "yes")
		case "number":
			if raw == "" {
				raw = "0"
			}
			switch fv.Kind() {
			case reflect.Float32, reflect.Float64:
				n, err := strconv.ParseFloat(raw, 64)
				if err != nil {
					return badInput("%s %q: want a number", key, raw)
				}
				fv.SetFloat(n)
			case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
				n, err := strconv.ParseUint(raw, 10, 64)
				if err != nil || fv.OverflowUint(n) {
					return badInput("%s %q: want a whole number", key, raw)
				}
				fv.SetUint(n)
			default:
				n, err := strconv.ParseInt(raw, 10, 64)
				if err != nil || fv.OverflowInt(n) {
					return badInput("%s %q: want a whole number", key, raw)
				}
				fv.SetInt(n)
			}
		}
	}
	return nil
}

// complexJSON returns the JSON of the complex field with YAML key key.
func complexJSON(v any, key string) string {
	sv, ok := structOf(v)
	if !ok {
		return ""
	}
	for i := 0; i < sv.NumField(); i++ {
		if yamlKey(sv.Type().Field(i)) == key {
			b, _ := json.Marshal(sv.Field(i).Interface())
			return string(b)
		}
	}
	return ""
}

// applyComplex sets the complex fields of the struct v points to from a
// form's JSON inputs "fj_KEY"; an empty input clears the field.
func applyComplex(v any, form url.Values) error {
	sv, ok := structOf(v)
	if !ok {
		return nil
	}
	for i := 0; i < sv.NumField(); i++ {
		key := yamlKey(sv.Type().Field(i))
		vals, ok := form["fj_"+key]
		if key == "" || !ok || len(vals) == 0 {
			continue
		}
		fv := sv.Field(i)
		raw := strings.TrimSpace(vals[len(vals)-1])
		if raw == "" {
			fv.Set(reflect.Zero(fv.Type()))
			continue
		}
		p := reflect.New(fv.Type())
		if err := json.Unmarshal([]byte(raw), p.Interface()); err != nil {
			return badInput("%s: %v", key, err)
		}
		fv.Set(p.Elem())
	}
	return nil
}

func reflectFloat(f float64) reflect.Value { return reflect.ValueOf(f) }

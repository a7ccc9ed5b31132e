package hub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// People read and edit connection settings and route options as JSON in the
// dashboard and the API. encoding/json writes a time.Duration as nanoseconds;
// these helpers show durations as Go duration strings ("2m0s") and accept
// either form back, so a timeout reads "30s", not 30000000000.

var durationType = reflect.TypeOf(time.Duration(0))

// displayJSON writes v as JSON with durations as strings.
func displayJSON(v any) json.RawMessage {
	b, err := json.Marshal(toDisplay(reflect.ValueOf(v)))
	if err != nil {
		b, _ = json.Marshal(v)
	}
	return b
}

func toDisplay(v reflect.Value) any {
	if !v.IsValid() {
		return nil
	}
	if v.Type() == durationType {
		return time.Duration(v.Int()).String()
	}
	if _, ok := v.Interface().(json.Marshaler); ok {
		return v.Interface()
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return toDisplay(v.Elem())
	case reflect.Struct:
		if _, ok := v.Interface().(time.Time); ok {
			return v.Interface()
		}
		out := map[string]any{}
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, omit, ok := jsonName(f)
			if !ok {
				continue
			}
			fv := v.Field(i)
			if omit && fv.IsZero() {
				continue
			}
			out[name] = toDisplay(fv)
		}
		return out
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return nil
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = toDisplay(v.Index(i))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		out := map[string]any{}
		for _, k := range v.MapKeys() {
			out[fmt.Sprint(k.Interface())] = toDisplay(v.MapIndex(k))
		}
		return out
	}
	return v.Interface()
}

// jsonName is the name encoding/json gives a field, and whether it has
// omitempty; ok is false for fields it leaves out.
func jsonName(f reflect.StructField) (name string, omit, ok bool) {
	if !f.IsExported() {
		return "", false, false
	}
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", false, false
	}
	name, opts, _ := strings.Cut(tag, ",")
	if name == "" {
		name = f.Name
	}
	return name, strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero"), true
}

// decodeStrict decodes raw into target (a pointer to a struct), rejecting
// unknown fields, and accepting duration strings ("90s", "2m") where the field
// is a time.Duration.
func decodeStrict(raw []byte, target any) error {
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return nil
	}
	var generic any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&generic); err != nil {
		return err
	}
	fixed, err := fromDisplay(generic, reflect.TypeOf(target), "")
	if err != nil {
		return err
	}
	b, err := json.Marshal(fixed)
	if err != nil {
		return err
	}
	strict := json.NewDecoder(bytes.NewReader(b))
	strict.DisallowUnknownFields()
	return strict.Decode(target)
}

// fromDisplay turns duration strings into nanoseconds where t has a
// time.Duration; path names the place for errors.
func fromDisplay(v any, t reflect.Type, path string) (any, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == durationType {
		if s, ok := v.(string); ok {
			d, err := time.ParseDuration(strings.TrimSpace(s))
			if err != nil {
				return nil, fmt.Errorf("%s: %q is not a duration like 30s, 2m or 1h30m", strings.TrimPrefix(path, "."), s)
			}
			return int64(d), nil
		}
		return v, nil
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return v, nil
		}
		fields := map[string]reflect.Type{}
		var collect func(t reflect.Type)
		collect = func(t reflect.Type) {
			for i := 0; i < t.NumField(); i++ {
				f := t.Field(i)
				if f.Anonymous && f.Tag.Get("json") == "" && f.Type.Kind() == reflect.Struct {
					collect(f.Type)
					continue
				}
				if name, _, ok := jsonName(f); ok {
					fields[name] = f.Type
				}
			}
		}
		collect(t)
		for k, fv := range m {
			ft, ok := fields[k]
			if !ok {
				continue // the strict decoder names it
			}
			nv, err := fromDisplay(fv, ft, path+"."+k)
			if err != nil {
				return nil, err
			}
			m[k] = nv
		}
		return m, nil
	case reflect.Slice, reflect.Array:
		list, ok := v.([]any)
		if !ok {
			return v, nil
		}
		for i, e := range list {
			nv, err := fromDisplay(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			list[i] = nv
		}
		return list, nil
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			return v, nil
		}
		for k, e := range m {
			nv, err := fromDisplay(e, t.Elem(), path+"."+k)
			if err != nil {
				return nil, err
			}
			m[k] = nv
		}
		return m, nil
	}
	return v, nil
}

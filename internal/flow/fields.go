package flow

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// recFields is a canonical record as its fields, by JSON name, the unit a
// two-way route compares, merges and writes. The record's id and update time
// are not fields (they differ on each side by nature), and an empty value is
// no field at all: "", null, [], {} and false are all "nothing there".
type recFields map[string]json.RawMessage

// fieldsOf returns v's fields.
func fieldsOf(v any) recFields {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("flow: fields of %T: %v", v, err))
	}
	var m recFields
	if err := json.Unmarshal(b, &m); err != nil {
		panic(fmt.Sprintf("flow: fields of %T: %v", v, err))
	}
	delete(m, "id")
	delete(m, "updated_at")
	for k, raw := range m {
		if emptyRaw(raw) {
			delete(m, k)
			continue
		}
		var c bytes.Buffer
		if json.Compact(&c, raw) == nil {
			m[k] = c.Bytes()
		}
	}
	return m
}

func emptyRaw(raw json.RawMessage) bool {
	switch string(bytes.TrimSpace(raw)) {
	case "", `""`, "null", "[]", "{}", "false":
		return true
	}
	return false
}

// hash is the fields' content hash (keys sorted by encoding/json).
func (f recFields) hash() string { return Hash(f) }

// equal reports whether field k holds the same value in f and g.
func (f recFields) equal(g recFields, k string) bool { return bytes.Equal(f[k], g[k]) }

// diff returns the fields whose values differ between a and b, sorted.
func diff(a, b recFields) []string {
	var out []string
	for k := range a {
		if !a.equal(b, k) {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// show writes the fields' values for people: phone="+34 911 000 000", …; an
// absent field is "".
func (f recFields) show(keys []string) string {
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		v := string(f[k])
		if v == "" {
			v = `""`
		}
		parts = append(parts, k+"="+v)
	}
	return strings.Join(parts, ", ")
}

// overlay returns base with the fields keys taken from src (a field src
// lacks is emptied), keeping base's id and update time.
func overlay[T any](base, src T, keys []string) T {
	if len(keys) == 0 {
		return base
	}
	var b, s map[string]json.RawMessage
	mustRemarshal(base, &b)
	mustRemarshal(src, &s)
	for _, k := range keys {
		if v, ok := s[k]; ok {
			b[k] = v
		} else {
			delete(b, k)
		}
	}
	var out T
	mustRemarshal(b, &out)
	return out
}

func mustRemarshal(from, to any) {
	raw, err := json.Marshal(from)
	if err == nil {
		err = json.Unmarshal(raw, to)
	}
	if err != nil {
		panic(fmt.Sprintf("flow: %T to %T: %v", from, to, err))
	}
}

// without returns keys less drop.
func without(keys []string, drop ...string) []string {
	var out []string
	for _, k := range keys {
		keep := true
		for _, d := range drop {
			if k == d {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, k)
		}
	}
	return out
}

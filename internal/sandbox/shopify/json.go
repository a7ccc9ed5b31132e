package shopify

import (
	"bytes"
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"
)

// omap is a JSON object that keeps its keys in insertion order: GraphQL answers
// list fields in the order the query selected them.
type omap struct {
	keys []string
	vals []any
	// conn marks a connection's answer in a bulk operation, whose JSONL
	// flattens connections into lines of their own (bulk.go).
	conn bool
}

func newOmap(kv ...any) *omap {
	m := &omap{}
	for i := 0; i+1 < len(kv); i += 2 {
		m.set(kv[i].(string), kv[i+1])
	}
	return m
}

// set adds key or replaces its value.
func (m *omap) set(k string, v any) {
	for i, kk := range m.keys {
		if kk == k {
			m.vals[i] = v
			return
		}
	}
	m.keys = append(m.keys, k)
	m.vals = append(m.vals, v)
}

func (m *omap) get(k string) (any, bool) {
	for i, kk := range m.keys {
		if kk == k {
			return m.vals[i], true
		}
	}
	return nil, false
}

func (m *omap) del(k string) {
	for i, kk := range m.keys {
		if kk == k {
			m.keys = append(m.keys[:i], m.keys[i+1:]...)
			m.vals = append(m.vals[:i], m.vals[i+1:]...)
			return
		}
	}
}

func (m *omap) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	encode(&b, m, false)
	return b.Bytes(), nil
}

// shopFloat is a float that keeps a ".0" when whole, as Shopify writes
// maximumAvailable and restoreRate (1000.0); currentlyAvailable is an int.
type shopFloat float64

func (f shopFloat) MarshalJSON() ([]byte, error) {
	s := strconv.FormatFloat(float64(f), 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return []byte(s), nil
}

// encode writes v as JSON. escapeSlash writes "/" as "\/", as Shopify's bulk
// JSONL files do (samples/shopify/bulk/*.jsonl).
func encode(b *bytes.Buffer, v any, escapeSlash bool) {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case *omap:
		if v == nil {
			b.WriteString("null")
			return
		}
		b.WriteByte('{')
		for i, k := range v.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			encodeString(b, k, escapeSlash)
			b.WriteByte(':')
			encode(b, v.vals[i], escapeSlash)
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			encode(b, e, escapeSlash)
		}
		b.WriteByte(']')
	case string:
		encodeString(b, v, escapeSlash)
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case int:
		b.WriteString(strconv.Itoa(v))
	case int64:
		b.WriteString(strconv.FormatInt(v, 10))
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			b.WriteString("null")
			return
		}
		b.WriteString(strconv.FormatFloat(v, 'f', -1, 64))
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			encodeString(b, k, escapeSlash)
			b.WriteByte(':')
			encode(b, v[k], escapeSlash)
		}
		b.WriteByte('}')
	default:
		raw, err := json.Marshal(v)
		if err != nil {
			b.WriteString("null")
			return
		}
		b.Write(raw)
	}
}

func encodeString(b *bytes.Buffer, s string, escapeSlash bool) {
	raw, _ := json.Marshal(s)
	if escapeSlash {
		raw = bytes.ReplaceAll(raw, []byte("/"), []byte(`\/`))
	}
	b.Write(raw)
}

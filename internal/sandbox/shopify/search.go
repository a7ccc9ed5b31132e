package shopify

import (
	"strconv"
	"strings"
	"time"
)

// term is one condition of Shopify's search syntax (reference §1.5):
// field:value, field:>value, field:>=value, field:<value, field:<=value, a
// negated -field:value or NOT field:value, or a bare word.
type term struct {
	field, op, value string
	neg              bool
}

// search is a parsed query: a disjunction (OR) of conjunctions (AND, or terms
// side by side). Parentheses are read as plain separators [U: no grouping].
type search [][]term

func parseSearch(q string) search {
	var out search
	var cur []term
	neg := false
	for _, tok := range tokenize(q) {
		switch tok {
		case "AND", "":
			continue
		case "OR":
			if len(cur) > 0 {
				out = append(out, cur)
			}
			cur = nil
			continue
		case "NOT":
			neg = true
			continue
		}
		t := term{neg: neg}
		neg = false
		if strings.HasPrefix(tok, "-") && len(tok) > 1 {
			t.neg, tok = true, tok[1:]
		}
		if f, v, ok := strings.Cut(tok, ":"); ok && f != "" && !strings.ContainsAny(f, `"'`) {
			t.field = strings.ToLower(f)
			for _, op := range []string{">=", "<=", ">", "<"} {
				if strings.HasPrefix(v, op) {
					t.op, v = op, v[len(op):]
					break
				}
			}
			if t.op == "" {
				t.op = ":"
			}
			t.value = unquote(v)
		} else {
			t.op, t.value = ":", unquote(tok)
		}
		cur = append(cur, t)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// tokenize splits on blanks and parentheses outside quotes.
func tokenize(q string) []string {
	var toks []string
	var b strings.Builder
	var quote rune
	for _, r := range q {
		switch {
		case quote != 0:
			b.WriteRune(r)
			if r == quote {
				quote = 0
			}
		case r == '"' || r == '\'':
			quote = r
			b.WriteRune(r)
		case r == ' ' || r == '\t' || r == '\n' || r == '(' || r == ')':
			toks = append(toks, b.String())
			b.Reset()
		default:
			b.WriteRune(r)
		}
	}
	return append(toks, b.String())
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// filter answers whether a record matches one term of its field.
type filter func(item any, t term) bool

// filters are a resource's search fields; "" is the bare-word search.
type filters map[string]filter

// match applies q to item; unknown fields are ignored, as Shopify ignores them
// with a warning (warn collects them).
func (fs filters) match(q search, item any) bool {
	if len(q) == 0 {
		return true
	}
	for _, conj := range q {
		ok := true
		for _, t := range conj {
			f := fs[t.field]
			if f == nil {
				continue
			}
			if f(item, t) == t.neg {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// unknown lists the fields of q that fs does not know.
func (fs filters) unknown(q search) []string {
	var out []string
	for _, conj := range q {
		for _, t := range conj {
			if fs[t.field] == nil {
				out = append(out, t.field)
			}
		}
	}
	return out
}

// searchWarnings records Shopify's extensions.search entry for ignored fields.
func (ec *execCtx) searchWarnings(path string, query string, fs filters, q search) {
	bad := fs.unknown(q)
	if len(bad) == 0 {
		return
	}
	var ws []any
	for _, f := range bad {
		ws = append(ws, newOmap("field", f, "message", "Invalid search field for this query."))
	}
	ec.search = append(ec.search, newOmap("path", []any{path}, "query", query, "warnings", ws))
}

// timeFilter compares a timestamp; values are RFC 3339, a date-time without
// zone (UTC) or a date (a day for ":", its start for comparisons).
func timeFilter(get func(any) time.Time) filter {
	return func(item any, t term) bool {
		v := get(item)
		if t.value == "*" {
			return !v.IsZero()
		}
		at, day, ok := parseSearchTime(t.value)
		if !ok || v.IsZero() {
			return false
		}
		switch t.op {
		case ">":
			if day {
				return !v.Before(at.AddDate(0, 0, 1))
			}
			return v.After(at)
		case ">=":
			return !v.Before(at)
		case "<":
			return v.Before(at)
		case "<=":
			if day {
				return v.Before(at.AddDate(0, 0, 1))
			}
			return !v.After(at)
		}
		if day {
			return !v.Before(at) && v.Before(at.AddDate(0, 0, 1))
		}
		return v.Equal(at)
	}
}

func parseSearchTime(s string) (time.Time, bool, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, false, true
		}
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, true, true
	}
	return time.Time{}, false, false
}

// textFilter matches any of the values case-insensitively; "abc*" is a prefix
// and "*" any non-empty value.
func textFilter(get func(any) []string) filter {
	return func(item any, t term) bool {
		want := strings.ToLower(t.value)
		for _, v := range get(item) {
			v = strings.ToLower(v)
			switch {
			case want == "*":
				if v != "" {
					return true
				}
			case strings.HasSuffix(want, "*"):
				if strings.HasPrefix(v, strings.TrimSuffix(want, "*")) {
					return true
				}
			case v == want:
				return true
			}
		}
		return false
	}
}

// numFilter compares a number; for "id" the value may be a global id.
func numFilter(get func(any) float64) filter {
	return func(item any, t term) bool {
		s := t.value
		if _, id, ok := parseGID(s); ok {
			s = strconv.FormatInt(id, 10)
		}
		want, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return false
		}
		v := get(item)
		switch t.op {
		case ">":
			return v > want
		case ">=":
			return v >= want
		case "<":
			return v < want
		case "<=":
			return v <= want
		}
		return v == want
	}
}

func boolFilter(get func(any) bool) filter {
	return func(item any, t term) bool {
		b, err := strconv.ParseBool(t.value)
		return err == nil && get(item) == b
	}
}

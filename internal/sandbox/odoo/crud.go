package odoo

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// node is a parsed domain.
type node struct {
	op       string // "&", "|", "!" or "" for a leaf
	kids     []*node
	path     string
	operator string
	value    any
	// rel is the model the leaf's last field points at (the model itself for
	// "id"), for child_of and parent_of; set by check.
	rel string
	// tree is the ids child_of/parent_of match, resolved once per search.
	tree []any
}

// parseDomain reads Odoo's prefix notation: leaves are [field, operator,
// value]; leaves next to each other are joined with "&".
func parseDomain(d []any) (*node, error) {
	var stack []*node
	for i := len(d) - 1; i >= 0; i-- {
		switch e := d[i].(type) {
		case string:
			switch e {
			case "&", "|":
				if len(stack) < 2 {
					return nil, valueError("Invalid domain: %q needs two terms", e)
				}
				a, b := stack[len(stack)-1], stack[len(stack)-2]
				stack = append(stack[:len(stack)-2], &node{op: e, kids: []*node{a, b}})
			case "!":
				if len(stack) < 1 {
					return nil, valueError("Invalid domain: \"!\" needs a term")
				}
				a := stack[len(stack)-1]
				stack[len(stack)-1] = &node{op: "!", kids: []*node{a}}
			default:
				return nil, valueError("Invalid domain operator %q", e)
			}
		case []any:
			if len(e) != 3 {
				return nil, valueError("Invalid domain term %v", e)
			}
			path, ok1 := e[0].(string)
			op, ok2 := e[1].(string)
			if !ok1 || !ok2 {
				return nil, valueError("Invalid domain term %v", e)
			}
			stack = append(stack, &node{path: path, operator: op, value: e[2]})
		default:
			return nil, valueError("Invalid domain element %v", e)
		}
	}
	if len(stack) == 0 {
		return nil, nil
	}
	// Implicit "&" between the remaining terms, first term first.
	n := stack[len(stack)-1]
	for i := len(stack) - 2; i >= 0; i-- {
		n = &node{op: "&", kids: []*node{n, stack[i]}}
	}
	return n, nil
}

// check validates every field path of n against model.
func (s *Server) check(model string, n *node) error {
	if n == nil {
		return nil
	}
	if n.op != "" {
		for _, k := range n.kids {
			if err := s.check(model, k); err != nil {
				return err
			}
		}
		return nil
	}
	switch n.operator {
	case "=", "!=", "in", "not in", "like", "not like", "ilike", "not ilike", "=like", "=ilike", "<", ">", "<=", ">=", "child_of", "parent_of":
	default:
		return valueError("Invalid domain operator %q", n.operator)
	}
	m := model
	for _, part := range strings.Split(n.path, ".") {
		if _, ok := s.tables[m]; !ok {
			return valueError("Invalid field %q in leaf %v: %s is not a relation", part, []any{n.path, n.operator, n.value}, m)
		}
		if part == "id" {
			n.rel = m
			m = ""
			continue
		}
		f := s.fieldDef(m, part)
		if f == nil {
			return valueError("Invalid field %s.%s in leaf %v", m, part, []any{n.path, n.operator, n.value})
		}
		n.rel = f.relation
		m = f.relation
	}
	if n.operator == "child_of" || n.operator == "parent_of" {
		if n.rel == "" {
			return valueError("Invalid leaf %v: %s needs a relational field", []any{n.path, n.operator, n.value}, n.operator)
		}
		n.tree = s.hierarchy(n.rel, n.value, n.operator == "child_of")
	}
	return nil
}

// hierarchy returns the ids of model under (child_of) or above (parent_of) the
// given ids or names, themselves included, following parent_id; a model
// without parent_id matches the given records only, as in Odoo.
func (s *Server) hierarchy(model string, value any, down bool) []any {
	t := s.tables[model]
	var start []int64
	add := func(v any) {
		switch x := v.(type) {
		case float64:
			start = append(start, int64(x))
		case string:
			// A name stands for the records of that name (Odoo's name_search).
			for _, id := range t.ids() {
				if strings.EqualFold(s.displayName(model, id), x) {
					start = append(start, id)
				}
			}
		}
	}
	if list, ok := value.([]any); ok {
		for _, v := range list {
			add(v)
		}
	} else {
		add(value)
	}
	seen := map[int64]bool{}
	queue := append([]int64(nil), start...)
	_, hasParent := t.def.fields["parent_id"]
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if seen[id] {
			continue
		}
		seen[id] = true
		if !hasParent {
			continue
		}
		if down {
			for _, cid := range t.ids() {
				if t.rows[cid]["parent_id"] == id {
					queue = append(queue, cid)
				}
			}
		} else if r, ok := t.get(id); ok {
			if p, ok := r["parent_id"].(int64); ok && p != 0 {
				queue = append(queue, p)
			}
		}
	}
	out := make([]any, 0, len(seen))
	for id := range seen {
		out = append(out, float64(id))
	}
	return out
}

// values returns the values path reaches from r (several through x2many).
func (s *Server) values(model string, r record, id int64, path string) []any {
	parts := strings.Split(path, ".")
	cur := []struct {
		model string
		r     record
		id    int64
	}{{model, r, id}}
	for i, part := range parts {
		var out []any
		var next []struct {
			model string
			r     record
			id    int64
		}
		for _, c := range cur {
			if part == "id" {
				out = append(out, c.id)
				continue
			}
			f, v := s.get(c.model, c.id, c.r, part)
			if f == nil {
				continue
			}
			if i == len(parts)-1 {
				out = append(out, v)
				continue
			}
			var ids []int64
			switch x := v.(type) {
			case int64:
				ids = []int64{x}
			case []int64:
				ids = x
			}
			for _, rid := range ids {
				if rr, ok := s.tables[f.relation].get(rid); ok {
					next = append(next, struct {
						model string
						r     record
						id    int64
					}{f.relation, rr, rid})
				}
			}
		}
		if i == len(parts)-1 {
			return out
		}
		cur = next
	}
	return nil
}

func (s *Server) eval(model string, r record, id int64, n *node) bool {
	if n == nil {
		return true
	}
	switch n.op {
	case "&":
		return s.eval(model, r, id, n.kids[0]) && s.eval(model, r, id, n.kids[1])
	case "|":
		return s.eval(model, r, id, n.kids[0]) || s.eval(model, r, id, n.kids[1])
	case "!":
		return !s.eval(model, r, id, n.kids[0])
	}
	if n.operator == "child_of" || n.operator == "parent_of" {
		return s.eval(model, r, id, &node{path: n.path, operator: "in", value: n.tree})
	}
	vals := s.values(model, r, id, n.path)
	negative := n.operator == "!=" || n.operator == "not in" || strings.HasPrefix(n.operator, "not ")
	if len(vals) == 0 {
		return negative || (n.operator == "=" && (n.value == false || n.value == nil))
	}
	for _, v := range vals {
		if ids, ok := v.([]int64); ok {
			// An x2many matches when any of its ids does.
			hit := false
			for _, x := range ids {
				if leaf(x, n.operator, n.value) {
					hit = true
				}
			}
			if len(ids) == 0 {
				hit = leaf(nil, n.operator, n.value)
			}
			if hit {
				return true
			}
			continue
		}
		if leaf(v, n.operator, n.value) {
			return true
		}
	}
	return false
}

// leaf compares one stored value with a domain value.
func leaf(v any, op string, want any) bool {
	empty := v == nil || v == "" || v == int64(0) && false
	switch op {
	case "=":
		if want == false || want == nil {
			return v == nil || v == "" || v == false
		}
		return equal(v, want)
	case "!=":
		if want == false || want == nil {
			return !(v == nil || v == "" || v == false)
		}
		return !equal(v, want)
	case "in", "not in":
		list, _ := want.([]any)
		in := false
		for _, w := range list {
			if (w == false && (v == nil || v == "" || v == false)) || equal(v, w) {
				in = true
			}
		}
		return in == (op == "in")
	case "like", "ilike", "not like", "not ilike":
		str := fmt.Sprint(v)
		if v == nil {
			str = ""
		}
		w := fmt.Sprint(want)
		var hit bool
		if strings.HasSuffix(op, "ilike") {
			hit = strings.Contains(strings.ToLower(str), strings.ToLower(w))
		} else {
			hit = strings.Contains(str, w)
		}
		if strings.HasPrefix(op, "not") {
			return !hit
		}
		return hit && !empty
	case "=like", "=ilike":
		str, _ := v.(string)
		pat := regexp.QuoteMeta(fmt.Sprint(want))
		pat = strings.ReplaceAll(strings.ReplaceAll(pat, "%", ".*"), "_", ".")
		if op == "=ilike" {
			pat = "(?i)" + pat
		}
		ok, _ := regexp.MatchString("^"+pat+"$", str)
		return ok
	case "<", ">", "<=", ">=":
		c, ok := compare(v, want)
		if !ok {
			return false
		}
		switch op {
		case "<":
			return c < 0
		case ">":
			return c > 0
		case "<=":
			return c <= 0
		}
		return c >= 0
	}
	return false
}

func num(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case int:
		return float64(x), true
	}
	return 0, false
}

func equal(v, want any) bool {
	if a, ok := num(v); ok {
		b, ok := num(want)
		return ok && a == b
	}
	if t, ok := v.(time.Time); ok {
		if str, ok := want.(string); ok {
			return t.UTC().Format("2006-01-02 15:04:05") == str || t.UTC().Format("2006-01-02") == str
		}
		return false
	}
	return v == want
}

func compare(v, want any) (int, bool) {
	if a, ok := num(v); ok {
		b, ok := num(want)
		if !ok {
			return 0, false
		}
		switch {
		case a < b:
			return -1, true
		case a > b:
			return 1, true
		}
		return 0, true
	}
	var a string
	switch x := v.(type) {
	case time.Time:
		if x.IsZero() {
			return 0, false
		}
		a = x.UTC().Format("2006-01-02 15:04:05")
	case string:
		a = x
	default:
		return 0, false
	}
	b, ok := want.(string)
	if !ok {
		return 0, false
	}
	return strings.Compare(a, b), true
}

// search returns the ids of model matching domain, ordered, paged.
func (s *Server) search(model string, domain []any, activeTest bool, order string, offset, limit int) ([]int64, error) {
	t := s.tables[model]
	n, err := parseDomain(domain)
	if err != nil {
		return nil, err
	}
	if err := s.check(model, n); err != nil {
		return nil, err
	}
	_, hasActive := t.def.fields["active"]
	var out []int64
	for _, id := range t.ids() {
		r := t.rows[id]
		if activeTest && hasActive && r["active"] == false {
			continue
		}
		if s.eval(model, r, id, n) {
			out = append(out, id)
		}
	}
	if err := s.sortIDs(model, out, order); err != nil {
		return nil, err
	}
	if offset > 0 {
		if offset >= len(out) {
			return nil, nil
		}
		out = out[offset:]
	}
	if limit > 0 && limit < len(out) {
		out = out[:limit]
	}
	return out, nil
}

func (s *Server) sortIDs(model string, ids []int64, order string) error {
	if strings.TrimSpace(order) == "" {
		return nil
	}
	t := s.tables[model]
	type key struct {
		field string
		desc  bool
	}
	var keys []key
	for _, part := range strings.Split(order, ",") {
		f := strings.Fields(part)
		if len(f) == 0 {
			continue
		}
		k := key{field: f[0], desc: len(f) > 1 && strings.EqualFold(f[1], "desc")}
		if s.fieldDef(model, k.field) == nil && k.field != "id" {
			return valueError("Invalid field %s.%s in order %q", model, k.field, order)
		}
		keys = append(keys, k)
	}
	sort.SliceStable(ids, func(i, j int) bool {
		for _, k := range keys {
			var a, b any = ids[i], ids[j]
			if k.field != "id" {
				_, a = s.get(model, ids[i], t.rows[ids[i]], k.field)
				_, b = s.get(model, ids[j], t.rows[ids[j]], k.field)
			}
			c, ok := compare(a, stringOrZero(b))
			if num, isNum := b.(int64); isNum {
				c, ok = compare(a, num)
			} else if f, isF := b.(float64); isF {
				c, ok = compare(a, f)
			} else if tm, isT := b.(time.Time); isT {
				c, ok = compare(a, tm.UTC().Format("2006-01-02 15:04:05"))
			}
			if !ok || c == 0 {
				continue
			}
			if k.desc {
				return c > 0
			}
			return c < 0
		}
		return ids[i] < ids[j]
	})
	return nil
}

func stringOrZero(v any) any {
	if s, ok := v.(string); ok {
		return s
	}
	return ""
}

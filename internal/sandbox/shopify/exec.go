package shopify

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
)

// obj is a resolved GraphQL object: "__typename" names its concrete type, every
// other key a field. A value that is a resolver is called with the field's
// arguments. A field missing from the map is one the sandbox does not keep: it
// answers its type's empty value (emptyValue), so every valid query executes.
type obj map[string]any

// resolver computes a field from its coerced arguments.
type resolver func(ec *execCtx, args map[string]any) (any, error)

// lazy is a resolver without arguments, for fields that are costly to build.
func lazy(f func() any) resolver {
	return func(*execCtx, map[string]any) (any, error) { return f(), nil }
}

// page is one page of a connection (conn.go); the executor answers its edges,
// nodes and pageInfo fields for any *Connection type.
type page struct {
	nodes            []any
	cursors          []string
	hasNext, hasPrev bool
}

// execCtx is one operation being executed.
type execCtx struct {
	s      *Server
	schema *ast.Schema
	doc    *ast.QueryDocument
	vars   map[string]any
	now    time.Time
	errs   []gqlErr
	// actual is the cost of what was returned (cost.go); mutating stops counting
	// below a mutation's root field, which costs a flat 10.
	actual   int
	mutating bool
	// bulk executes a bulk operation's query: connections are not paged.
	bulk bool
	// base is scheme://host of the request, for URLs the sandbox serves;
	// version is the API version served.
	base, version string
	// search collects extensions.search warnings for unknown query filters.
	search []any
	// after runs once the operation's state changes are done: webhooks.
	after []func()
	// scopes are the calling app's (scopes.go); nil checks nothing.
	scopes scopeSet
}

type fieldGroup struct {
	key    string
	fields []*ast.Field
}

// collect gathers the fields of sel that apply to the object type def, merged
// by response key, in first-seen order (fragments and inline fragments
// included, @skip and @include honoured).
func (ec *execCtx) collect(sel ast.SelectionSet, def *ast.Definition, groups []fieldGroup, seen map[string]bool) []fieldGroup {
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			if !ec.included(s.Directives) {
				continue
			}
			key := s.Alias
			if key == "" {
				key = s.Name
			}
			found := false
			for i := range groups {
				if groups[i].key == key {
					groups[i].fields = append(groups[i].fields, s)
					found = true
					break
				}
			}
			if !found {
				groups = append(groups, fieldGroup{key: key, fields: []*ast.Field{s}})
			}
		case *ast.InlineFragment:
			if ec.included(s.Directives) && ec.applies(s.TypeCondition, def) {
				groups = ec.collect(s.SelectionSet, def, groups, seen)
			}
		case *ast.FragmentSpread:
			if !ec.included(s.Directives) || seen[s.Name] {
				continue
			}
			fd := ec.doc.Fragments.ForName(s.Name)
			if fd == nil || !ec.applies(fd.TypeCondition, def) {
				continue
			}
			seen[s.Name] = true
			groups = ec.collect(fd.SelectionSet, def, groups, seen)
			delete(seen, s.Name)
		}
	}
	return groups
}

func (ec *execCtx) included(dirs ast.DirectiveList) bool {
	for _, d := range dirs {
		if d.Name != "skip" && d.Name != "include" {
			continue
		}
		v, _ := d.ArgumentMap(ec.vars)["if"].(bool)
		if d.Name == "skip" && v || d.Name == "include" && !v {
			return false
		}
	}
	return true
}

// applies reports whether a fragment on cond applies to the object type def.
func (ec *execCtx) applies(cond string, def *ast.Definition) bool {
	if cond == "" || cond == def.Name {
		return true
	}
	for _, t := range ec.schema.PossibleTypes[cond] {
		if t.Name == def.Name {
			return true
		}
	}
	return false
}

// selectObject executes sel on the object v of type def. ok is false when a
// non-null field came out null, which makes the object itself null.
func (ec *execCtx) selectObject(sel ast.SelectionSet, def *ast.Definition, v any, path []any) (*omap, bool) {
	groups := ec.collect(sel, def, nil, map[string]bool{})
	out := &omap{keys: make([]string, 0, len(groups)), vals: make([]any, 0, len(groups))}
	for _, g := range groups {
		f := g.fields[0]
		if f.Name == "__typename" {
			out.keys, out.vals = append(out.keys, g.key), append(out.vals, def.Name)
			continue
		}
		fd := def.Fields.ForName(f.Name)
		if fd == nil {
			continue
		}
		fpath := append(append(make([]any, 0, len(path)+1), path...), g.key)
		isMutationRoot := def == ec.schema.Mutation
		if isMutationRoot {
			ec.mutating = true
			ec.actual += mutationCost
		}
		var raw any
		var err error
		if isMutationRoot || def == ec.schema.Query {
			err = ec.access(f.Name, f.ArgumentMap(ec.vars))
		}
		if err == nil {
			raw, err = ec.resolve(def, fd, f, v)
		}
		var val any
		ok := true
		if err != nil {
			ec.fail(f, fpath, err.Error())
			if x, ok := err.(interface{ extensions() *omap }); ok {
				ec.errs[len(ec.errs)-1].Extensions = x.extensions()
			}
			if fd.Type.NonNull {
				ok = false
			}
		} else {
			val, ok = ec.complete(fd.Type, g.fields, raw, fpath)
		}
		if isMutationRoot {
			ec.mutating = false
		}
		if !ok {
			return nil, false
		}
		out.keys, out.vals = append(out.keys, g.key), append(out.vals, val)
	}
	return out, true
}

// missing marks a field the sandbox does not keep.
type missingT struct{}

var missing = missingT{}

func (ec *execCtx) resolve(def *ast.Definition, fd *ast.FieldDefinition, f *ast.Field, v any) (any, error) {
	switch v := v.(type) {
	case *page:
		return ec.pageField(fd, f, v), nil
	case obj:
		x, ok := v[f.Name]
		if !ok {
			return missing, nil
		}
		if r, ok := x.(resolver); ok {
			return r(ec, f.ArgumentMap(ec.vars))
		}
		return x, nil
	}
	return missing, nil
}

func (ec *execCtx) pageField(fd *ast.FieldDefinition, f *ast.Field, p *page) any {
	switch f.Name {
	case "nodes":
		return p.nodes
	case "edges":
		edge := fd.Type.Elem.NamedType
		out := make([]any, len(p.nodes))
		for i, n := range p.nodes {
			out[i] = obj{"__typename": edge, "cursor": p.cursors[i], "node": n}
		}
		return out
	case "pageInfo":
		pi := obj{"__typename": "PageInfo", "hasNextPage": p.hasNext, "hasPreviousPage": p.hasPrev, "startCursor": nil, "endCursor": nil}
		if len(p.cursors) > 0 {
			pi["startCursor"], pi["endCursor"] = p.cursors[0], p.cursors[len(p.cursors)-1]
		}
		return pi
	}
	return missing
}

func (ec *execCtx) fail(f *ast.Field, path []any, msg string) {
	e := gqlErr{Message: msg, Path: path}
	if f != nil && f.Position != nil {
		e.Locations = []srcPos{{f.Position.Line, f.Position.Column}}
	}
	ec.errs = append(ec.errs, e)
}

// complete turns a resolved value into its answer for type t.
func (ec *execCtx) complete(t *ast.Type, fields []*ast.Field, v any, path []any) (any, bool) {
	if v == missing {
		v = ec.emptyValue(t)
	}
	if v == nil {
		if t.NonNull {
			ec.fail(fields[0], path, fmt.Sprintf("Cannot return null for non-nullable field %s", fields[0].Name))
			return nil, false
		}
		return nil, true
	}
	if t.Elem != nil {
		list, ok := v.([]any)
		if !ok {
			ec.fail(fields[0], path, "internal error: list expected")
			return nil, !t.NonNull
		}
		out := make([]any, len(list))
		for i, e := range list {
			ev, ok := ec.complete(t.Elem, fields, e, append(append(make([]any, 0, len(path)+1), path...), i))
			if !ok {
				return nil, !t.NonNull
			}
			out[i] = ev
		}
		return out, true
	}
	def := ec.schema.Types[t.NamedType]
	switch def.Kind {
	case ast.Scalar, ast.Enum:
		return scalarValue(v), true
	}
	concrete := def
	switch x := v.(type) {
	case obj:
		if tn, _ := x["__typename"].(string); tn != "" && def.Kind != ast.Object {
			concrete = ec.schema.Types[tn]
		}
		if !ec.mutating && !isWrapper(concrete.Name) {
			ec.actual++
		}
	case *page:
		if !ec.mutating {
			ec.actual += 2
		}
	default:
		ec.fail(fields[0], path, "internal error: object expected")
		return nil, !t.NonNull
	}
	if concrete == nil || concrete.Kind != ast.Object {
		ec.fail(fields[0], path, "internal error: no concrete type")
		return nil, !t.NonNull
	}
	var sel ast.SelectionSet
	for _, f := range fields {
		sel = append(sel, f.SelectionSet...)
	}
	m, ok := ec.selectObject(sel, concrete, v, path)
	if !ok {
		return nil, !t.NonNull
	}
	_, m.conn = v.(*page)
	return m, true
}

// isWrapper names the types that cost nothing of their own: a connection's
// edges and page info (cost.go).
func isWrapper(name string) bool {
	return name == "PageInfo" || len(name) > 4 && name[len(name)-4:] == "Edge"
}

func scalarValue(v any) any {
	switch x := v.(type) {
	case time.Time:
		return fmtTime(x)
	case int32:
		return int(x)
	case float32:
		return float64(x)
	}
	return v
}

// emptyValue is the answer of a field the sandbox does not keep: null, or for
// a non-null type the smallest valid value (empty list, empty connection, zero,
// "", false, the enum's first value, an object whose fields are all empty).
func (ec *execCtx) emptyValue(t *ast.Type) any {
	if !t.NonNull {
		return nil
	}
	if t.Elem != nil {
		return []any{}
	}
	def := ec.schema.Types[t.NamedType]
	switch def.Kind {
	case ast.Enum:
		return def.EnumValues[0].Name
	case ast.Scalar:
		switch def.Name {
		case "Int":
			return 0
		case "Float":
			return 0.0
		case "Boolean":
			return false
		case "Decimal", "Money":
			return "0.0"
		case "UnsignedInt64", "BigInt":
			return "0"
		case "DateTime":
			return fmtTime(ec.now)
		case "JSON":
			return map[string]any{}
		}
		return ""
	case ast.Object:
		if def.Fields.ForName("pageInfo") != nil && def.Fields.ForName("edges") != nil {
			return &page{}
		}
		return obj{"__typename": def.Name}
	default: // interface or union
		if pt := ec.schema.PossibleTypes[def.Name]; len(pt) > 0 {
			return obj{"__typename": pt[0].Name}
		}
	}
	return nil
}

// fmtTime writes a DateTime as Shopify does: UTC, whole seconds, "Z".
func fmtTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// Argument readers: variables arrive as JSON numbers (float64), literals as
// int64.

func argInt(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case int64:
		return int(x), true
	case float64:
		if x == math.Trunc(x) {
			return int(x), true
		}
	case string:
		n, err := strconv.Atoi(x)
		return n, err == nil
	}
	return 0, false
}

func argStr(v any) string {
	s, _ := v.(string)
	return s
}

func argBool(v any) bool {
	b, _ := v.(bool)
	return b
}

func argList(v any) []any {
	switch x := v.(type) {
	case []any:
		return x
	case nil:
		return nil
	}
	return []any{v}
}

func argMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

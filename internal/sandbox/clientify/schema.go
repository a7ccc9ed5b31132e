package clientify

import (
	"fmt"
	"net/url"
	"time"
)

// fkind is how a field is stored, written and rendered.
type fkind int

const (
	fStr       fkind = iota // string; default ""
	fNullStr                // string or null; default null
	fInt                    // integer
	fNullInt                // integer or null
	fNum                    // number (DecimalField rendered as a number)
	fNullNum                // number or null
	fBool                   // boolean
	fDate                   // "YYYY-MM-DD" or null
	fDateTime               // ISO 8601 date-time or null
	fChoice                 // one of choices
	fIntChoice              // one of ints
	fTags                   // list of strings (also [{"name"}] on write)
	fList                   // nested list of items with ids (emails, phones …)
	fCustom                 // custom_fields [{id, field, value}]
	fLink                   // relation: stored id, rendered as a hyperlink
	fNamed                  // string written, rendered {"name": s} or null
	fConst                  // read-only, always def (never written)
	fComputed               // read-only, from resource.computed
)

// field is one serializer field.
type field struct {
	name     string
	kind     fkind
	def      any
	required bool // required on POST and PUT; may not be blank
	maxLen   int
	choices  []string
	ints     []int
	item     []field // fList: the item's fields (id is added)
	target   string  // fLink: the resource the link points at
	readOnly bool    // rendered from storage but never written by the API
}

func str(name string) field             { return field{name: name, kind: fStr, def: ""} }
func nstr(name string) field            { return field{name: name, kind: fNullStr} }
func konst(name string, def any) field  { return field{name: name, kind: fConst, def: def} }
func computed(name string) field        { return field{name: name, kind: fComputed} }
func link(name, target string) field    { return field{name: name, kind: fLink, target: target} }
func boolean(name string, d bool) field { return field{name: name, kind: fBool, def: d} }

// list item specs
var (
	emailItem   = []field{{name: "type", kind: fIntChoice, def: 1, ints: []int{1, 2, 3, 4}}, {name: "email", kind: fStr, required: true, maxLen: 254}}
	phoneItem   = []field{{name: "type", kind: fIntChoice, def: 1, ints: []int{1, 2, 3, 4, 5, 6}}, {name: "phone", kind: fStr, required: true, maxLen: 50}, {name: "unsubscribed", kind: fBool, def: false}}
	addressItem = []field{{name: "type", kind: fIntChoice, def: 1, ints: []int{1, 2, 3, 4, 5}}, str("street"), str("city"), str("state"), str("country"), str("postal_code")}
	websiteItem = []field{{name: "type", kind: fIntChoice, def: 1, ints: []int{1, 2, 3, 4, 5}}, {name: "website", kind: fStr, required: true, maxLen: 500}}
)

func nested(name string, item []field) field { return field{name: name, kind: fList, item: item} }

// resource is one REST resource: its serializer and its hooks.
type resource struct {
	name     string // path segment: "contacts"
	singular string // "contact": webhook event prefix and payload key
	fields   []field
	byName   map[string]*field
	startID  int
	// orderBy are the fields ordering= accepts besides id, created and modified.
	orderBy []string
	// needFields: a v2 list without fields= answers 400 (FormsCRM's sample).
	needFields bool
	// hooks: changes fire <singular>.saved / .deleted webhooks.
	hooks bool
	// prepare rewrites a write body before validation (shortcuts, names).
	prepare func(s *Server, w *writeCtx)
	// computed renders the read-only derived fields.
	computed map[string]func(s *Server, r *rec, v *view) any
	// extra are fields rendered only when fields= asks for them.
	extra map[string]func(s *Server, r *rec, v *view) any
	// search gives the strings query= and search= look in.
	search func(s *Server, r *rec) []string
	// filter reads the resource's own list filters.
	filter func(s *Server, q url.Values) (func(*rec) bool, errMap)
	// after derives stored values once a write is applied.
	after func(s *Server, r *rec, old, vals map[string]any, now time.Time)
	// conflict reports a 409 for the values about to be written.
	conflict func(s *Server, r *rec, vals map[string]any) *apiErr
	// onDelete clears links to a record being deleted.
	onDelete func(s *Server, r *rec)
}

func (res *resource) index() {
	res.byName = map[string]*field{}
	for i := range res.fields {
		res.byName[res.fields[i].name] = &res.fields[i]
	}
}

// rec is one stored record.
type rec struct {
	id                int
	created, modified time.Time
	owner             *user
	v                 map[string]any
}

// item is one entry of a nested list (an e-mail, a phone …).
type item map[string]any

// cf is one custom field value.
type cf struct {
	id           int
	field, value string
}

// view is how a record is rendered: base is the URL prefix of hyperlinks
// ("http://host/v1" or "http://host/api").
type view struct {
	base string
	loc  *time.Location
	sel  map[string]bool // fields= selection; nil: all
}

func (v *view) url(resource string, id int) string {
	return fmt.Sprintf("%s/%s/%d/", v.base, resource, id)
}

func (v *view) want(name string) bool { return v.sel == nil || v.sel[name] }

// render is a record as the API answers it.
func (s *Server) render(res *resource, r *rec, v *view) obj {
	out := make(obj, 0, len(res.fields))
	for i := range res.fields {
		f := &res.fields[i]
		if !v.want(f.name) {
			continue
		}
		out = append(out, kv{f.name, s.renderField(res, f, r, v)})
	}
	if v.sel != nil {
		for name, fn := range res.extra {
			if v.sel[name] && res.byName[name] == nil {
				out = append(out, kv{name, fn(s, r, v)})
			}
		}
	}
	return out
}

func (s *Server) renderField(res *resource, f *field, r *rec, v *view) any {
	switch f.name {
	case "id":
		return r.id
	case "url":
		return v.url(res.name, r.id)
	case "created":
		return fmtTime(r.created, v.loc)
	case "modified":
		return fmtTime(r.modified, v.loc)
	}
	if fn := res.computed[f.name]; fn != nil {
		return fn(s, r, v)
	}
	if f.kind == fConst {
		return f.def
	}
	val, ok := r.v[f.name]
	if !ok {
		val = f.def
	}
	switch f.kind {
	case fDateTime:
		if t, ok := val.(time.Time); ok {
			return fmtTime(t, v.loc)
		}
		return nil
	case fTags:
		tags, _ := val.([]string)
		return append([]string{}, tags...)
	case fList:
		items, _ := val.([]item)
		out := make([]obj, 0, len(items))
		for _, it := range items {
			o := obj{{"id", it["id"]}}
			for _, sf := range f.item {
				o = append(o, kv{sf.name, it[sf.name]})
			}
			out = append(out, o)
		}
		return out
	case fCustom:
		cfs, _ := val.([]cf)
		out := make([]obj, 0, len(cfs))
		for _, c := range cfs {
			out = append(out, obj{{"id", c.id}, {"field", c.field}, {"value", c.value}})
		}
		return out
	case fLink:
		if id, ok := val.(int); ok && id > 0 {
			return v.url(f.target, id)
		}
		return nil
	case fNamed:
		if s, ok := val.(string); ok && s != "" {
			return obj{{"name", s}}
		}
		return nil
	}
	return val
}

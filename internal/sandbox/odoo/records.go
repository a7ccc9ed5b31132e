package odoo

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// fieldType is an Odoo field type.
type fieldType int

const (
	fChar fieldType = iota
	fText
	fInt
	fFloat
	fBool
	fDatetime
	fDate
	fSelection
	fMany2one
	fOne2many
	fMany2many
	fBinary // base64 text; only image fields use it
)

// field describes one field of a model.
type field struct {
	typ      fieldType
	relation string
	// inverse is the many2one on the related model that a one2many reads.
	inverse string
	// cascade marks a one2many whose inverse is ondelete='cascade': Odoo's
	// (3, id), (5,) and (6, 0, ids) delete the lines they drop, as (2, id)
	// does (odoo/fields.py One2many.write_real).
	cascade  bool
	required bool
	// compute fills a non-stored field when it is read.
	compute func(s *Server, r record) any
	// set is a computed field's inverse: what writing it changes instead.
	set func(s *Server, id int64, v any) error
	// digits, when set, rounds a float on write (a decimal precision).
	digits int
	// filter keeps only some of a one2many's lines (its domain, as
	// invoice_line_ids' display_type).
	filter func(r record) bool
	// view shows a stored value as the version's field has it (14 and 15's
	// display_type, which has no product, tax or payment_term).
	view func(v any) any
}

// modelDef is a model's fields and behaviour.
type modelDef struct {
	name   string
	fields map[string]*field
	// nameField holds the display name; default "name".
	nameField string
	// defaults fill missing values on create.
	defaults func(s *Server) map[string]any
	// inherits is the parent model of an _inherits delegation (product.product
	// on product.template) and link its many2one: the parent's fields read,
	// write and search through the child.
	inherits, link string
	// display computes the display name when it is not the name field.
	display func(s *Server, id int64, r record) string
}

// record is one row: field name → Go value (string, int64, float64, bool,
// time.Time, []int64 for x2many, int64 for many2one; nil for empty).
type record map[string]any

// table is the rows of one model.
type table struct {
	def  *modelDef
	rows map[int64]record
	next int64
	// sorted caches ids(); insert and remove clear it. Sorting every id on each
	// search and computed read made 10,000 products and orders quadratic.
	sorted []int64
	// gen counts changes of rows; indexes built at indexGen are valid while it
	// stays the same.
	gen        uint64
	indexGen   uint64
	indexReads int
	indexes    map[string]map[any][]int64
}

// insert adds or replaces a row.
func (t *table) insert(id int64, r record) {
	if _, ok := t.rows[id]; !ok {
		t.sorted = nil
	}
	t.rows[id] = r
	t.gen++
}

// remove deletes a row.
func (t *table) remove(id int64) {
	delete(t.rows, id)
	t.sorted = nil
	t.gen++
}

// index returns the ids of the rows by their value of field, in id order, or
// nil when the table changes too often for one to pay: it is built after a few
// reads without a change in between (a template's variants on every product
// read), not while records are being made one by one.
func (t *table) index(field string) map[any][]int64 {
	if t.indexes == nil || t.indexGen != t.gen {
		t.indexes, t.indexGen, t.indexReads = map[string]map[any][]int64{}, t.gen, 0
	}
	if m, ok := t.indexes[field]; ok {
		return m
	}
	if t.indexReads++; t.indexReads < 8 {
		return nil
	}
	m := map[any][]int64{}
	for _, id := range t.ids() {
		v := t.rows[id][field]
		m[v] = append(m[v], id)
	}
	t.indexes[field] = m
	return m
}

func (t *table) get(id int64) (record, bool) {
	r, ok := t.rows[id]
	return r, ok
}

// ids returns the table's ids in order; callers must not change the slice.
func (t *table) ids() []int64 {
	if t.sorted == nil {
		out := make([]int64, 0, len(t.rows))
		for id := range t.rows {
			out = append(out, id)
		}
		sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
		t.sorted = out
	}
	return t.sorted
}

// odooError is an exception Odoo raises, by its class name.
type odooError struct {
	name string // "odoo.exceptions.ValidationError"
	msg  string
}

func (e *odooError) Error() string { return e.msg }

func userError(format string, a ...any) *odooError {
	return &odooError{name: "odoo.exceptions.UserError", msg: fmt.Sprintf(format, a...)}
}

func validationError(format string, a ...any) *odooError {
	return &odooError{name: "odoo.exceptions.ValidationError", msg: fmt.Sprintf(format, a...)}
}

func valueError(format string, a ...any) *odooError {
	return &odooError{name: "builtins.ValueError", msg: fmt.Sprintf(format, a...)}
}

func missingError(format string, a ...any) *odooError {
	return &odooError{name: "odoo.exceptions.MissingError", msg: fmt.Sprintf(format, a...)}
}

// toWire turns a stored value into Odoo's JSON: false for empty, [id, name] for
// many2one, [ids] for x2many, "YYYY-MM-DD HH:MM:SS" for datetimes.
func (s *Server) toWire(f *field, v any) any {
	switch f.typ {
	case fMany2one:
		id, _ := v.(int64)
		if id == 0 {
			return false
		}
		return []any{id, s.displayName(f.relation, id)}
	case fOne2many, fMany2many:
		ids, _ := v.([]int64)
		if ids == nil {
			return []int64{}
		}
		return ids
	case fBool:
		b, _ := v.(bool)
		return b
	case fInt:
		n, _ := v.(int64)
		return n
	case fFloat:
		x, _ := v.(float64)
		return x
	case fDatetime:
		t, ok := v.(time.Time)
		if !ok || t.IsZero() {
			return false
		}
		return t.UTC().Format("2006-01-02 15:04:05")
	case fDate:
		t, ok := v.(time.Time)
		if !ok || t.IsZero() {
			return false
		}
		return t.UTC().Format("2006-01-02")
	default:
		str, _ := v.(string)
		if str == "" {
			return false
		}
		return str
	}
}

func (s *Server) displayName(model string, id int64) string {
	t, ok := s.tables[model]
	if !ok {
		return ""
	}
	r, ok := t.get(id)
	if !ok {
		return ""
	}
	if t.def.display != nil {
		return t.def.display(s, id, r)
	}
	nf := t.def.nameField
	if nf == "" {
		nf = "name"
	}
	_, v := s.get(model, id, r, nf)
	name, _ := v.(string)
	return name
}

// fieldDef finds a field of model, on the model itself or on its _inherits
// parent; nil when neither has it.
func (s *Server) fieldDef(model, name string) *field {
	t, ok := s.tables[model]
	if !ok {
		return nil
	}
	if f, ok := t.def.fields[name]; ok {
		return f
	}
	if t.def.inherits != "" {
		return s.fieldDef(t.def.inherits, name)
	}
	return nil
}

// get returns a field's definition and current value on record r (id),
// computing non-stored fields, deriving one2many from their inverse and reading
// delegated fields from the _inherits parent.
func (s *Server) get(model string, id int64, r record, name string) (*field, any) {
	t := s.tables[model]
	if f, ok := t.def.fields[name]; ok {
		v := r[name]
		if f.view != nil {
			v = f.view(v)
		}
		if f.compute != nil {
			v = f.compute(s, withID(r, id))
		}
		if f.typ == fOne2many && f.inverse != "" {
			v = s.o2m(f, id)
		}
		return f, v
	}
	if t.def.inherits == "" {
		return nil, nil
	}
	pid, _ := r[t.def.link].(int64)
	if pr, ok := s.tables[t.def.inherits].get(pid); ok {
		return s.get(t.def.inherits, pid, pr, name)
	}
	return s.fieldDef(t.def.inherits, name), nil
}

// splitInherited separates values for the _inherits parent from the model's
// own; it returns nil for the parent when the model delegates nothing.
func (s *Server) splitInherited(model string, vals map[string]any) (own, parent map[string]any) {
	t := s.tables[model]
	if t.def.inherits == "" {
		return vals, nil
	}
	own, parent = map[string]any{}, map[string]any{}
	pt := s.tables[t.def.inherits]
	for k, v := range vals {
		if _, mine := t.def.fields[k]; !mine {
			if _, theirs := pt.def.fields[k]; theirs {
				parent[k] = v
				continue
			}
		}
		own[k] = v
	}
	return own, parent
}

// fromWire reads a JSON value written to field f (create/write values).
func (s *Server) fromWire(model, name string, f *field, v any, old any) (any, error) {
	bad := func() error {
		return valueError("Wrong value for %s.%s: %v", model, name, v)
	}
	if v == nil || v == false {
		switch f.typ {
		case fBool:
			return false, nil
		case fOne2many, fMany2many:
			return []int64(nil), nil
		}
		return nil, nil
	}
	switch f.typ {
	case fChar, fText, fSelection:
		str, ok := v.(string)
		if !ok {
			return nil, bad()
		}
		return str, nil
	case fInt:
		x, ok := v.(float64)
		if !ok {
			return nil, bad()
		}
		return int64(x), nil
	case fFloat:
		x, ok := v.(float64)
		if !ok {
			return nil, bad()
		}
		if f.digits > 0 {
			x = roundTo(x, f.digits)
		}
		return x, nil
	case fBool:
		b, ok := v.(bool)
		if !ok {
			return nil, bad()
		}
		return b, nil
	case fDatetime, fDate:
		str, ok := v.(string)
		if !ok {
			return nil, bad()
		}
		for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02"} {
			if t, err := time.ParseInLocation(layout, str, time.UTC); err == nil {
				return t, nil
			}
		}
		return nil, bad()
	case fMany2one:
		x, ok := v.(float64)
		if !ok {
			return nil, bad()
		}
		id := int64(x)
		if rt, ok := s.tables[f.relation]; ok {
			if _, ok := rt.get(id); !ok {
				return nil, missingError("Record does not exist or has been deleted.\n(Record: %s(%d,), User: 2)", f.relation, id)
			}
		}
		return id, nil
	case fOne2many, fMany2many:
		return s.applyCommands(f, v, old)
	case fBinary:
		str, ok := v.(string)
		if !ok {
			return nil, bad()
		}
		if err := s.checkImage(str); err != nil {
			return nil, err
		}
		return str, nil
	}
	return nil, bad()
}

// applyCommands applies x2many commands to the current ids. One2many creates
// are returned as pending records to create after the parent (pendingCreate).
func (s *Server) applyCommands(f *field, v any, old any) (any, error) {
	cur, _ := old.([]int64)
	ids := append([]int64(nil), cur...)
	list, ok := v.([]any)
	if !ok {
		return nil, valueError("Wrong value for an x2many field: %v", v)
	}
	var creates []map[string]any
	for _, c := range list {
		cmd, ok := c.([]any)
		if !ok || len(cmd) == 0 {
			// A plain list of ids means (6, 0, ids).
			if x, ok := c.(float64); ok {
				ids = append(ids, int64(x))
				continue
			}
			return nil, valueError("Wrong x2many command: %v", c)
		}
		op, _ := cmd[0].(float64)
		arg := func(i int) any {
			if i < len(cmd) {
				return cmd[i]
			}
			return nil
		}
		switch int(op) {
		case 0:
			vals, ok := arg(2).(map[string]any)
			if !ok {
				return nil, valueError("Wrong x2many create command: %v", c)
			}
			creates = append(creates, vals)
		case 1:
			id, _ := arg(1).(float64)
			vals, _ := arg(2).(map[string]any)
			if err := s.write(f.relation, []int64{int64(id)}, vals); err != nil {
				return nil, err
			}
		case 2, 3:
			id, _ := arg(1).(float64)
			ids = remove(ids, int64(id))
			if int(op) == 2 || f.cascade {
				if err := s.unlink(f.relation, []int64{int64(id)}); err != nil {
					return nil, err
				}
			}
		case 4:
			id, _ := arg(1).(float64)
			if !contains(ids, int64(id)) {
				ids = append(ids, int64(id))
			}
		case 5:
			if f.cascade {
				if err := s.unlink(f.relation, ids); err != nil {
					return nil, err
				}
			}
			ids = nil
		case 6:
			raw, _ := arg(2).([]any)
			var keep []int64
			for _, x := range raw {
				if n, ok := x.(float64); ok {
					keep = append(keep, int64(n))
				}
			}
			if f.cascade {
				var gone []int64
				for _, id := range ids {
					if !contains(keep, id) {
						gone = append(gone, id)
					}
				}
				if err := s.unlink(f.relation, gone); err != nil {
					return nil, err
				}
			}
			ids = keep
		default:
			return nil, valueError("Unknown x2many command %v", op)
		}
	}
	if len(creates) > 0 {
		return pendingCreate{keep: ids, vals: creates}, nil
	}
	return ids, nil
}

// pendingCreate is a one2many whose new lines are created once the parent has
// its id.
type pendingCreate struct {
	keep []int64
	vals []map[string]any
}

func remove(ids []int64, id int64) []int64 {
	out := ids[:0]
	for _, x := range ids {
		if x != id {
			out = append(out, x)
		}
	}
	return out
}

func contains(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func lower(v any) string {
	s, _ := v.(string)
	return strings.ToLower(s)
}

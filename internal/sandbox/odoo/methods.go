package odoo

import (
	"fmt"
	"slices"
	"sort"
	"time"
)

// call runs one method of a model; it is one transaction: on error every
// change it made is undone.
func (s *Server) call(model, method string, args []any, kw map[string]any) (result any, none bool, err error) {
	var undo []func()
	s.undo = &undo
	defer func() {
		if err != nil {
			for i := len(undo) - 1; i >= 0; i-- {
				undo[i]()
			}
		}
		s.undo = nil
	}()
	ctx, _ := kw["context"].(map[string]any)
	s.ctx = ctx
	defer func() { s.ctx = nil }()
	activeTest := true
	if v, ok := ctx["active_test"].(bool); ok {
		activeTest = v
	}
	arg := func(i int) any {
		if i < len(args) {
			return args[i]
		}
		return nil
	}
	intArg := func(key string) int {
		f, _ := kw[key].(float64)
		return int(f)
	}
	strArg := func(key string) string {
		str, _ := kw[key].(string)
		return str
	}
	switch method {
	case "search", "search_read", "search_count":
		domain, _ := arg(0).([]any)
		if d, ok := kw["domain"].([]any); ok {
			domain = d
		}
		limit, offset, order := intArg("limit"), intArg("offset"), strArg("order")
		if order == "" {
			order = "id asc"
		}
		if method == "search_count" {
			ids, err := s.search(model, domain, activeTest, "", 0, 0)
			return int64(len(ids)), false, err
		}
		ids, err := s.search(model, domain, activeTest, order, offset, limit)
		if err != nil {
			return nil, false, err
		}
		if method == "search" {
			return ids, false, nil
		}
		fields := stringList(kw["fields"])
		rows, err := s.read(model, ids, fields)
		return rows, false, err
	case "read":
		ids := idList(arg(0))
		rows, err := s.read(model, ids, stringList(kw["fields"]))
		return rows, false, err
	case "create":
		switch v := arg(0).(type) {
		case map[string]any:
			id, err := s.create(model, v)
			return id, false, err
		case []any:
			ids := []int64{}
			for _, x := range v {
				vals, ok := x.(map[string]any)
				if !ok {
					return nil, false, valueError("create: want a dict of values, got %v", x)
				}
				id, err := s.create(model, vals)
				if err != nil {
					return nil, false, err
				}
				ids = append(ids, id)
			}
			return ids, false, nil
		}
		return nil, false, valueError("create: want values")
	case "write":
		vals, _ := arg(1).(map[string]any)
		return true, false, s.write(model, idList(arg(0)), vals)
	case "unlink":
		return true, false, s.unlink(model, idList(arg(0)))
	case "fields_get":
		out := map[string]any{}
		for _, name := range s.fieldNames(model) {
			f := s.fieldDef(model, name)
			out[name] = map[string]any{"type": typeName(f.typ), "relation": f.relation, "required": f.required, "store": f.compute == nil}
		}
		return out, false, nil
	case "default_get":
		// The defaults of the fields asked for (ferry's wizards read them).
		out := map[string]any{}
		t := s.tables[model]
		if t.def.defaults != nil {
			d := t.def.defaults(s)
			for _, name := range stringList(arg(0)) {
				if v, ok := d[name]; ok {
					if f := t.def.fields[name]; f != nil {
						out[name] = s.toWire(f, v)
					}
				}
			}
		}
		return out, false, nil
	case "name_search":
		return s.nameSearch(model, args, kw, activeTest)
	}
	if a, ok := actions[model+"."+method]; ok {
		if len(args) > 1 {
			k := map[string]any{positionalKey: args[1:]}
			for n, v := range kw {
				k[n] = v
			}
			kw = k
		}
		return a(s, idList(arg(0)), kw)
	}
	return nil, false, s.noMethod(model, method)
}

// noMethod is the error of calling a method a model does not have: 14 and 15
// (odoo/api.py call_kw: getattr(type(model), name)) let Python's own
// AttributeError through; from 16 call_kw names the method and the model.
func (s *Server) noMethod(model, method string) error {
	if s.opts.Version <= 15 {
		return &odooError{name: "builtins.AttributeError", msg: fmt.Sprintf("type object '%s' has no attribute '%s'", model, method)}
	}
	return &odooError{name: "builtins.AttributeError", msg: fmt.Sprintf("The method '%s' does not exist on the model '%s'", method, model)}
}

// positionalKey holds, in an action's kwargs, the positional arguments after
// the ids.
const positionalKey = "\x00args"

func positional(kw map[string]any) []any {
	a, _ := kw[positionalKey].([]any)
	return a
}

// actions are the business methods: model.method → implementation.
var actions = map[string]func(s *Server, ids []int64, kw map[string]any) (any, bool, error){}

func typeName(t fieldType) string {
	return [...]string{"char", "text", "integer", "float", "boolean", "datetime", "date", "selection", "many2one", "one2many", "many2many", "binary"}[t]
}

func idList(v any) []int64 {
	switch x := v.(type) {
	case []any:
		var out []int64
		for _, e := range x {
			if f, ok := e.(float64); ok {
				out = append(out, int64(f))
			}
		}
		return out
	case float64:
		return []int64{int64(x)}
	}
	return nil
}

func stringList(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func (s *Server) now() time.Time { return s.opts.Now().UTC().Truncate(time.Second) }

// create inserts a record, filling defaults, checking required fields and
// creating one2many lines after it.
func (s *Server) create(model string, vals map[string]any) (int64, error) {
	t := s.tables[model]
	if o := createOverrides[model]; o != nil {
		if id, handled, err := o(s, vals); handled {
			return id, err
		}
	}
	if prep := prepareHooks[model]; prep != nil {
		vals = prep(s, nil, vals)
	}
	vals, parentVals := s.splitInherited(model, vals)
	if parentVals != nil {
		// _inherits: a child created without its parent gets a new one, which
		// must not make a child of its own (Odoo's create_product_product).
		if _, given := vals[t.def.link]; !given {
			s.delegating++
			pid, err := s.create(t.def.inherits, parentVals)
			s.delegating--
			if err != nil {
				return 0, err
			}
			vals[t.def.link] = float64(pid)
			parentVals = nil
		}
	}
	r := record{}
	if t.def.defaults != nil {
		for k, v := range t.def.defaults(s) {
			r[k] = v
		}
	}
	var pending map[string]pendingCreate
	var inverses []func(id int64) error
	for name, v := range vals {
		f, ok := t.def.fields[name]
		if !ok {
			return 0, valueError("Invalid field '%s' on model '%s'", name, model)
		}
		if f.compute != nil {
			if f.set != nil {
				inverses = append(inverses, func(id int64) error { return f.set(s, id, v) })
			}
			continue
		}
		val, err := s.fromWire(model, name, f, v, nil)
		if err != nil {
			return 0, err
		}
		if p, ok := val.(pendingCreate); ok {
			if pending == nil {
				pending = map[string]pendingCreate{}
			}
			pending[name] = p
			r[name] = p.keep
			continue
		}
		r[name] = val
	}
	for name, f := range t.def.fields {
		if f.required && (r[name] == nil || r[name] == "") {
			return 0, validationError("The operation cannot be completed: %s require a %s", requireLabel(model), name)
		}
	}
	id := t.next
	t.next++
	now := s.now()
	r["create_date"], r["write_date"] = now, now
	t.insert(id, r)
	s.onUndo(func() { t.remove(id) })
	s.pending++
	for name, p := range pending {
		f := t.def.fields[name]
		ids := append([]int64(nil), p.keep...)
		for _, lv := range p.vals {
			lv[f.inverse] = float64(id)
			lid, err := s.create(f.relation, lv)
			if err != nil {
				s.pending--
				return 0, err
			}
			ids = append(ids, lid)
		}
		r[name] = ids
	}
	s.pending--
	if hook := createHooks[model]; hook != nil {
		if err := hook(s, id); err != nil {
			return 0, err
		}
	}
	for _, inv := range inverses {
		if err := inv(id); err != nil {
			return 0, err
		}
	}
	if len(parentVals) > 0 {
		pid, _ := r[t.def.link].(int64)
		if err := s.write(t.def.inherits, []int64{pid}, parentVals); err != nil {
			return 0, err
		}
	}
	if c := constraints[model]; c != nil {
		if err := c(s, id, vals); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// createHooks run after a record of a model is created (totals, names).
var createHooks = map[string]func(s *Server, id int64) error{}

// prepareHooks rewrite the values of a create (ids nil) or a write before
// they are applied, as a model's create/write override does (base_vat's
// _fix_vat_number).
var prepareHooks = map[string]func(s *Server, ids []int64, vals map[string]any) map[string]any{}

// constraints check a record after a create or write with these values, as
// @api.constrains does; an error undoes the whole call.
var constraints = map[string]func(s *Server, id int64, vals map[string]any) error{}

// unlinkHooks refuse an unlink, as @api.ondelete(at_uninstall=False) does.
var unlinkHooks = map[string]func(s *Server, ids []int64) error{}

func requireLabel(model string) string {
	if model == "res.partner" {
		return "Contacts"
	}
	return "Records"
}

func (s *Server) onUndo(f func()) {
	if s.undo != nil {
		*s.undo = append(*s.undo, f)
	}
}

// write sets vals on ids; write_date moves.
func (s *Server) write(model string, ids []int64, vals map[string]any) error {
	t := s.tables[model]
	if prep := prepareHooks[model]; prep != nil {
		vals = prep(s, ids, vals)
	}
	vals, parentVals := s.splitInherited(model, vals)
	if len(parentVals) > 0 {
		var parents []int64
		for _, id := range ids {
			if r, ok := t.get(id); ok {
				if pid, _ := r[t.def.link].(int64); pid != 0 && !contains(parents, pid) {
					parents = append(parents, pid)
				}
			}
		}
		if err := s.write(t.def.inherits, parents, parentVals); err != nil {
			return err
		}
	}
	for _, id := range ids {
		r, ok := t.get(id)
		if !ok {
			return missingError("Record does not exist or has been deleted.\n(Record: %s(%d,), User: 2)", model, id)
		}
		old := record{}
		for k, v := range r {
			old[k] = v
		}
		s.onUndo(func() { t.insert(id, old) })
		t.gen++
		for name, v := range vals {
			f, ok := t.def.fields[name]
			if !ok {
				return valueError("Invalid field '%s' on model '%s'", name, model)
			}
			if f.compute != nil {
				// A computed field stores nothing; its inverse, if any, writes
				// what it is computed from.
				if f.set != nil {
					if err := f.set(s, id, v); err != nil {
						return err
					}
				}
				continue
			}
			cur := r[name]
			if f.typ == fOne2many && f.inverse != "" {
				cur = s.o2m(f, id) // whoever created the lines
			}
			val, err := s.fromWire(model, name, f, v, cur)
			if err != nil {
				return err
			}
			if p, ok := val.(pendingCreate); ok {
				ids := append([]int64(nil), p.keep...)
				s.pending++
				for _, lv := range p.vals {
					lv[f.inverse] = float64(id)
					lid, err := s.create(f.relation, lv)
					if err != nil {
						s.pending--
						return err
					}
					ids = append(ids, lid)
				}
				s.pending--
				val = ids
			}
			r[name] = val
		}
		r["write_date"] = s.now()
		if hook := createHooks[model]; hook != nil {
			if err := hook(s, id); err != nil {
				return err
			}
		}
	}
	if c := constraints[model]; c != nil {
		for _, id := range ids {
			if err := c(s, id, vals); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Server) unlink(model string, ids []int64) error {
	t := s.tables[model]
	if h := unlinkHooks[model]; h != nil && len(ids) > 0 {
		if err := h(s, ids); err != nil {
			return err
		}
	}
	for _, id := range ids {
		r, ok := t.get(id)
		if !ok {
			continue
		}
		t.remove(id)
		s.onUndo(func() { t.insert(id, r) })
	}
	return nil
}

// read returns ids' fields in wire form, "id" always included.
func (s *Server) read(model string, ids []int64, fields []string) ([]map[string]any, error) {
	t := s.tables[model]
	if len(fields) == 0 {
		fields = s.fieldNames(model)
	}
	for _, name := range fields {
		if s.fieldDef(model, name) == nil && name != "id" && name != "display_name" {
			return nil, valueError("Invalid field '%s' on model '%s'", name, model)
		}
	}
	out := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		r, ok := t.get(id)
		if !ok {
			return nil, missingError("Record does not exist or has been deleted.\n(Record: %s(%d,), User: 2)", model, id)
		}
		row := map[string]any{"id": id}
		for _, name := range fields {
			if name == "id" {
				continue
			}
			if name == "display_name" {
				row[name] = s.displayName(model, id)
				continue
			}
			f, v := s.get(model, id, r, name)
			row[name] = s.toWire(f, v)
		}
		out = append(out, row)
	}
	return out, nil
}

// fieldNames lists a model's fields, the _inherits parent's included, sorted.
func (s *Server) fieldNames(model string) []string {
	seen := map[string]bool{}
	var out []string
	for m := model; m != ""; m = s.tables[m].def.inherits {
		for name := range s.tables[m].def.fields {
			if !seen[name] {
				seen[name] = true
				out = append(out, name)
			}
		}
	}
	sort.Strings(out)
	return out
}

// nameSearch answers name_search: [[id, display name]] of the records whose
// display name (or, for products, internal reference; for partners, e-mail or
// reference) matches name with operator, within a domain ("args" before 18,
// "domain" from 18), at most limit (default 100).
func (s *Server) nameSearch(model string, args []any, kw map[string]any, activeTest bool) (any, bool, error) {
	pos := func(i int) any {
		if i < len(args) {
			return args[i]
		}
		return nil
	}
	name, _ := pos(0).(string)
	if v, ok := kw["name"].(string); ok {
		name = v
	}
	domain, _ := pos(1).([]any)
	for _, k := range []string{"args", "domain"} {
		if d, ok := kw[k].([]any); ok {
			domain = d
		}
	}
	operator, _ := pos(2).(string)
	if v, ok := kw["operator"].(string); ok {
		operator = v
	}
	if operator == "" {
		operator = "ilike"
	}
	limit := 100
	if f, ok := pos(3).(float64); ok {
		limit = int(f)
	}
	if f, ok := kw["limit"].(float64); ok {
		limit = int(f)
	}
	ids, err := s.search(model, domain, activeTest, "id asc", 0, 0)
	if err != nil {
		return nil, false, err
	}
	var also []string
	switch model {
	case "product.product", "product.template":
		also = []string{"default_code", "barcode"}
	case "res.partner":
		also = []string{"email", "ref"}
	}
	out := []any{}
	for _, id := range ids {
		if limit > 0 && len(out) >= limit {
			break
		}
		r := s.tables[model].rows[id]
		display := s.displayName(model, id)
		hit := name == "" || leaf(display, operator, name)
		for _, f := range also {
			if _, v := s.get(model, id, r, f); !hit && name != "" && v != nil {
				hit = leaf(v, operator, name)
			}
		}
		if hit {
			out = append(out, []any{id, display})
		}
	}
	return out, false, nil
}

func withID(r record, id int64) record {
	c := record{"id": id}
	for k, v := range r {
		c[k] = v
	}
	return c
}

// o2m returns the records of f's model whose inverse many2one points at id: a
// one2many is derived from its inverse, as in Odoo, whoever created the lines.
func (s *Server) o2m(f *field, id int64) []int64 {
	t := s.tables[f.relation]
	var out []int64
	// Only the matches are sorted: sorting every id of the relation on each read
	// made imports quadratic (10,000 orders have 30,000 lines).
	for rid, r := range t.rows {
		if r[f.inverse] == id && (f.filter == nil || f.filter(r)) {
			out = append(out, rid)
		}
	}
	slices.Sort(out)
	return out
}

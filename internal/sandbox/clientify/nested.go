package clientify

import (
	"net/http"
	"slices"
)

// The nested lists of contacts and companies as sub-resources
// (/{res}/{id}/emails/ …): the way the PHP client changes them. Every change
// saves the parent: its modified moves and it fires <entity>.saved.

func (s *Server) nestedParent(c *call) (*resource, *rec, *field, *apiErr) {
	res := byName[c.params[0]]
	id, ok := c.id(1)
	r := s.recs[res.name][id]
	if !ok || r == nil {
		return nil, nil, nil, notFound()
	}
	return res, r, res.byName[c.params[2]], nil
}

func (s *Server) renderItem(f *field, it item) obj {
	o := obj{{"id", it["id"]}}
	for _, sf := range f.item {
		o = append(o, kv{sf.name, it[sf.name]})
	}
	return o
}

func listNested(s *Server, c *call) (int, any, *apiErr) {
	_, r, f, e := s.nestedParent(c)
	if e != nil {
		return 0, nil, e
	}
	items, _ := r.v[f.name].([]item)
	out := make([]any, len(items))
	for i, it := range items {
		out[i] = s.renderItem(f, it)
	}
	return pageOf(s, c, out)
}

// touchParent saves the parent after a change to one of its lists.
func (s *Server) touchParent(res *resource, r *rec, old map[string]any, c *call) {
	r.modified = c.now
	s.writes(c.actor)[res.name].Updated++
	s.event(res, r, old, c.actor, c.now, false)
}

func addNested(s *Server, c *call) (int, any, *apiErr) {
	res, r, f, e := s.nestedParent(c)
	if e != nil {
		return 0, nil, e
	}
	body, e := c.bodyMap()
	if e != nil {
		return 0, nil, e
	}
	v, ferr := s.coerceList(f, []any{body})
	if ferr != nil {
		return 0, nil, invalid(ferr.([]errMap)[0])
	}
	old := s.snapshot(res, r)
	it := v.([]item)[0]
	delete(it, "id")
	prev, _ := r.v[f.name].([]item)
	added := s.assignItemIDs([]item{it}, nil)[0]
	r.v[f.name] = append(slices.Clone(prev), added)
	s.touchParent(res, r, old, c)
	return http.StatusCreated, s.renderItem(f, added), nil
}

func (s *Server) nestedItem(c *call) (*resource, *rec, *field, int, *apiErr) {
	res, r, f, e := s.nestedParent(c)
	if e != nil {
		return nil, nil, nil, 0, e
	}
	id, _ := c.id(3)
	items, _ := r.v[f.name].([]item)
	for i, it := range items {
		if it["id"] == id {
			return res, r, f, i, nil
		}
	}
	return nil, nil, nil, 0, notFound()
}

func getNested(s *Server, c *call) (int, any, *apiErr) {
	_, r, f, i, e := s.nestedItem(c)
	if e != nil {
		return 0, nil, e
	}
	return http.StatusOK, s.renderItem(f, r.v[f.name].([]item)[i]), nil
}

func putNested(s *Server, c *call) (int, any, *apiErr)   { return updateNested(s, c, false) }
func patchNested(s *Server, c *call) (int, any, *apiErr) { return updateNested(s, c, true) }

func updateNested(s *Server, c *call, partial bool) (int, any, *apiErr) {
	res, r, f, i, e := s.nestedItem(c)
	if e != nil {
		return 0, nil, e
	}
	body, e := c.bodyMap()
	if e != nil {
		return 0, nil, e
	}
	items := slices.Clone(r.v[f.name].([]item))
	cur := items[i]
	merged := map[string]any{}
	if partial {
		for _, sf := range f.item {
			merged[sf.name] = cur[sf.name]
		}
	}
	for k, v := range body {
		merged[k] = v
	}
	v, ferr := s.coerceList(f, []any{merged})
	if ferr != nil {
		return 0, nil, invalid(ferr.([]errMap)[0])
	}
	old := s.snapshot(res, r)
	upd := v.([]item)[0]
	upd["id"] = cur["id"]
	items[i] = upd
	r.v[f.name] = items
	s.touchParent(res, r, old, c)
	return http.StatusOK, s.renderItem(f, upd), nil
}

func deleteNested(s *Server, c *call) (int, any, *apiErr) {
	res, r, f, i, e := s.nestedItem(c)
	if e != nil {
		return 0, nil, e
	}
	old := s.snapshot(res, r)
	items := slices.Clone(r.v[f.name].([]item))
	r.v[f.name] = append(items[:i], items[i+1:]...)
	s.touchParent(res, r, old, c)
	return http.StatusNoContent, nil, nil
}

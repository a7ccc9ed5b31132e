package clientify

import (
	"maps"
	"net/http"
	"reflect"
	"sort"
	"time"
)

// WriteCount counts the writes of one resource.
type WriteCount struct {
	Created int `json:"created"`
	Updated int `json:"updated"`
	Deleted int `json:"deleted"`
}

type mode int

const (
	mCreate mode = iota
	mPut
	mPatch
)

// seedOpt places a loaded record: its id and timestamps, no webhook, no count.
type seedOpt struct {
	id                int
	created, modified time.Time
}

// save validates body and creates (r nil) or updates r, as a DRF
// ModelSerializer save: unknown and read-only keys are ignored, PUT requires
// the required fields but leaves absent optional ones unchanged. modified
// moves on every save. The caller holds s.mu.
func (s *Server) save(res *resource, r *rec, body map[string]any, m mode, a *user, now time.Time) (*rec, *apiErr) {
	return s.saveWith(res, r, body, m, a, now, nil)
}

func (s *Server) saveWith(res *resource, r *rec, body map[string]any, m mode, a *user, now time.Time, seed *seedOpt) (*rec, *apiErr) {
	w := &writeCtx{res: res, rec: r, body: maps.Clone(body), create: m == mCreate, errs: errMap{}, now: now, actor: a}
	if w.body == nil {
		w.body = map[string]any{}
	}
	if res.prepare != nil {
		res.prepare(s, w)
	}
	vals := map[string]any{}
	for i := range res.fields {
		f := &res.fields[i]
		if f.kind == fConst || f.kind == fComputed || f.readOnly || res.computed[f.name] != nil {
			continue
		}
		// Only the lists served as sub-resources (Options): an order's
		// items and a deal's products have no other way to change.
		if f.kind == fList && m != mCreate && s.opts.IgnoreNestedUpdate && nestedNames[f.name] {
			continue
		}
		raw, present := w.body[f.name]
		if !present {
			if f.required && m != mPatch {
				w.errs.add(f.name, "This field is required.")
			}
			continue
		}
		v, ferr := s.coerce(f, raw)
		if ferr != nil {
			w.errs[f.name] = ferr
			continue
		}
		vals[f.name] = v
	}
	if len(w.errs) > 0 {
		return nil, invalid(w.errs)
	}
	if res.conflict != nil {
		if e := res.conflict(s, r, vals); e != nil {
			return nil, e
		}
	}
	var old map[string]any
	if r == nil {
		r = &rec{owner: a, v: map[string]any{}, created: now}
		if seed != nil {
			r.id, r.created = seed.id, seed.created
			if seed.id >= s.next[res.name] {
				s.next[res.name] = seed.id + 1
			}
		} else {
			r.id = s.next[res.name]
			s.next[res.name]++
		}
		for i := range res.fields {
			f := &res.fields[i]
			if f.def != nil && f.kind != fConst && f.kind != fComputed {
				r.v[f.name] = f.def
			}
		}
	} else {
		old = s.snapshot(res, r)
	}
	// Apply in field order, so that a company created by name gets its id
	// before anything else happens.
	for i := range res.fields {
		f := &res.fields[i]
		v, ok := vals[f.name]
		if !ok {
			continue
		}
		switch f.kind {
		case fList:
			prev, _ := r.v[f.name].([]item)
			v = s.assignItemIDs(v.([]item), prev)
		case fCustom:
			prev, _ := r.v[f.name].([]cf)
			v = s.mergeCustom(res, prev, v.([]cf))
		case fLink:
			if p, ok := v.(pendingCompany); ok {
				var cs *seedOpt
				if seed != nil { // a loaded record's company is loaded too
					cs = &seedOpt{id: s.next[companyRes.name], created: seed.created, modified: seed.modified}
				}
				c, _ := s.saveWith(companyRes, nil, map[string]any{"name": p.name}, mCreate, a, now, cs)
				v = nil
				if c != nil {
					v = c.id
				}
			}
		}
		r.v[f.name] = v
	}
	r.modified = now
	if seed != nil {
		r.modified = seed.modified
	}
	if res.after != nil {
		res.after(s, r, old, vals, now)
	}
	s.recs[res.name][r.id] = r
	if seed != nil {
		return r, nil
	}
	wc := s.writes(a)[res.name]
	if old == nil {
		wc.Created++
	} else {
		wc.Updated++
	}
	s.event(res, r, old, a, now, false)
	return r, nil
}

func (s *Server) writes(a *user) map[string]*WriteCount {
	if a == s.api {
		return s.apiWrites
	}
	return s.userWrites
}

// remove deletes r. Links to it are cleared as Django's SET_NULL does: by a
// plain UPDATE, so the linking records' modified stays and they fire no
// webhook.
func (s *Server) remove(res *resource, r *rec, a *user, now time.Time) {
	if res.onDelete != nil {
		res.onDelete(s, r)
	}
	delete(s.recs[res.name], r.id)
	s.deleted[res.name] = append(s.deleted[res.name], r.id)
	s.writes(a)[res.name].Deleted++
	s.event(res, r, nil, a, now, true)
}

// unlink clears field name of every record of res that points at id.
func (s *Server) unlink(res *resource, name string, id int) {
	for _, r := range s.recs[res.name] {
		if v, ok := r.v[name].(int); ok && v == id {
			r.v[name] = nil
		}
	}
}

func (s *Server) assignItemIDs(items, prev []item) []item {
	known := map[int]bool{}
	for _, p := range prev {
		if id, ok := p["id"].(int); ok {
			known[id] = true
		}
	}
	out := make([]item, len(items))
	for i, it := range items {
		it = maps.Clone(it)
		if id, ok := it["id"].(int); !ok || !known[id] {
			s.seq++
			it["id"] = s.seq
		}
		out[i] = it
	}
	return out
}

// mergeCustom sets the written custom field values by field name and keeps
// the others.
func (s *Server) mergeCustom(res *resource, prev, set []cf) []cf {
	out := append([]cf{}, prev...)
next:
	for _, c := range set {
		s.customDef(res, c.field)
		for i := range out {
			if out[i].field == c.field {
				out[i].value = c.value
				continue next
			}
		}
		s.seq++
		c.id = s.seq
		out = append(out, c)
	}
	return out
}

// exists reports whether a link target exists.
func (s *Server) exists(target string, id int) bool {
	switch target {
	case "deals/pipelines":
		return s.pipelineByID(id) != nil
	case "deals/pipelines/stages":
		return s.stageByID(id) != nil
	}
	return s.recs[target][id] != nil
}

// webhookView renders records for webhook bodies and the Go API: v2
// hyperlinks on the latest request's host.
func (s *Server) webhookView() *view { return &view{base: s.origin + "/api", loc: s.loc} }

func (s *Server) snapshot(res *resource, r *rec) map[string]any {
	m, _ := plain(s.render(res, r, s.webhookView())).(map[string]any)
	return m
}

// event queues the webhook of a change (saved, or deleted); they leave once
// the request's lock is released.
func (s *Server) event(res *resource, r *rec, old map[string]any, a *user, now time.Time, deleted bool) {
	if !res.hooks {
		return
	}
	ev := event{entity: res.name, key: res.singular, id: r.id, userID: a.id, at: now, deleted: deleted, created: old == nil && !deleted}
	if deleted {
		ev.name = res.singular + ".deleted"
		ev.data = obj{{"id", r.id}}
	} else {
		ev.name = res.singular + ".saved"
		v := s.webhookView()
		ev.data = s.render(res, r, v)
		if res.extra != nil {
			for _, n := range []string{"email", "phone"} {
				if fn := res.extra[n]; fn != nil {
					ev.data = append(ev.data, kv{n, fn(s, r, v)})
				}
			}
		}
		if old != nil {
			cur := s.snapshot(res, r)
			var keys []string
			for k := range cur {
				if k != "modified" && !reflect.DeepEqual(old[k], cur[k]) {
					keys = append(keys, k)
				}
			}
			sort.Strings(keys)
			ev.changes = []change{}
			for _, k := range keys {
				ev.changes = append(ev.changes, change{k, old[k], cur[k]})
			}
		}
	}
	s.outbox = append(s.outbox, ev)
}

func (s *Server) takeOutbox() []event {
	out := s.outbox
	s.outbox = nil
	return out
}

// lookup finds the record of /{res}/{id}/.
func (s *Server) lookup(c *call) (*resource, *rec, *apiErr) {
	res := byName[c.params[0]]
	id, ok := c.id(1)
	r := s.recs[res.name][id]
	if !ok || r == nil {
		return res, nil, notFound()
	}
	return res, r, nil
}

func createRecord(s *Server, c *call) (int, any, *apiErr) {
	res := byName[c.params[0]]
	m, e := c.bodyMap()
	if e != nil {
		return 0, nil, e
	}
	r, e := s.save(res, nil, m, mCreate, c.actor, c.now)
	if e != nil {
		return 0, nil, e
	}
	return http.StatusCreated, s.render(res, r, c.view(s)), nil
}

func getRecord(s *Server, c *call) (int, any, *apiErr) {
	res, r, e := s.lookup(c)
	if e != nil {
		return 0, nil, e
	}
	return http.StatusOK, s.render(res, r, c.view(s)), nil
}

func putRecord(s *Server, c *call) (int, any, *apiErr)   { return updateRecord(s, c, mPut) }
func patchRecord(s *Server, c *call) (int, any, *apiErr) { return updateRecord(s, c, mPatch) }

func updateRecord(s *Server, c *call, m mode) (int, any, *apiErr) {
	res, r, e := s.lookup(c)
	if e != nil {
		return 0, nil, e
	}
	body, e := c.bodyMap()
	if e != nil {
		return 0, nil, e
	}
	if _, e := s.save(res, r, body, m, c.actor, c.now); e != nil {
		return 0, nil, e
	}
	return http.StatusOK, s.render(res, r, c.view(s)), nil
}

func deleteRecord(s *Server, c *call) (int, any, *apiErr) {
	res, r, e := s.lookup(c)
	if e != nil {
		return 0, nil, e
	}
	s.remove(res, r, c.actor, c.now)
	return http.StatusNoContent, nil, nil
}

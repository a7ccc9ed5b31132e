package clientify

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DealStatuses are the deal status codes (rocketbot's status_id).
var DealStatuses = map[int]string{1: "Open", 2: "Expired", 3: "Won", 4: "Lost"}

var dealProductItem = []field{{name: "product_id", kind: fInt, required: true}, {name: "quantity", kind: fNum, def: 1.0}, {name: "price", kind: fNullNum}}

// visit is a stage a deal has been in, since when.
type visit struct {
	stage int
	since time.Time
}

// dealsResource is /deals/ (reference §3.4 and the ETL profile): contact,
// company, pipeline and pipeline_stage are hyperlinks; status an int with
// status_desc; probability an int with probability_desc "40%".
func dealsResource() *resource {
	res := &resource{name: "deals", singular: "deal", startID: 25380001, hooks: true,
		orderBy: []string{"name", "amount", "status", "expected_closed_date"},
		fields: []field{
			computed("url"), computed("id"), computed("owner"), computed("owner_name"),
			{name: "name", kind: fStr, def: "", required: true, maxLen: 255}, {name: "amount", kind: fNum, def: 0.0},
			{name: "amount_user", kind: fNullNum}, {name: "currency", kind: fStr, def: "", maxLen: 3},
			link("contact", "contacts"), computed("contact_name"), computed("contact_email"), computed("contact_phone"),
			computed("contact_medium"), computed("contact_source"), link("company", "companies"), computed("company_name"),
			link("pipeline", "deals/pipelines"), computed("pipeline_desc"), link("pipeline_stage", "deals/pipelines/stages"),
			computed("pipeline_stage_desc"), {name: "status", kind: fIntChoice, def: 1, ints: []int{1, 2, 3, 4}}, computed("status_desc"),
			{name: "probability", kind: fNullInt}, computed("probability_desc"),
			{name: "expected_closed_date", kind: fDate}, {name: "actual_closed_date", kind: fDate},
			str("deal_source"), nstr("source"), nested("products", dealProductItem), {name: "custom_fields", kind: fCustom},
			computed("stages"), {name: "tags", kind: fTags}, konst("wall_entries", []any{}), computed("created"), computed("modified"),
		}}
	contactOf := func(s *Server, r *rec) *rec { return s.recs[contactRes.name][linkID(r, "contact")] }
	res.computed = ownerFields()
	res.computed["contact_name"] = func(s *Server, r *rec, v *view) any {
		c := contactOf(s, r)
		if c == nil {
			return nil
		}
		name := strings.Trim(strVal(c, "last_name")+", "+strVal(c, "first_name"), ", ")
		if e := firstOf(c, "emails", "email"); e != "" {
			name += " <" + e + ">"
		}
		return name
	}
	res.computed["contact_email"] = func(s *Server, r *rec, v *view) any {
		if c := contactOf(s, r); c != nil {
			return nilIfEmpty(firstOf(c, "emails", "email"))
		}
		return nil
	}
	res.computed["contact_phone"] = func(s *Server, r *rec, v *view) any {
		if c := contactOf(s, r); c != nil {
			return nilIfEmpty(firstOf(c, "phones", "phone"))
		}
		return nil
	}
	res.computed["contact_medium"] = func(s *Server, r *rec, v *view) any {
		if c := contactOf(s, r); c != nil {
			return nilIfEmpty(strVal(c, "medium"))
		}
		return nil
	}
	res.computed["contact_source"] = func(s *Server, r *rec, v *view) any {
		if c := contactOf(s, r); c != nil {
			return nilIfEmpty(strVal(c, "contact_source"))
		}
		return nil
	}
	res.computed["company_name"] = func(s *Server, r *rec, v *view) any {
		if c := s.recs[companyRes.name][linkID(r, "company")]; c != nil {
			return strVal(c, "name")
		}
		return nil
	}
	res.computed["pipeline_desc"] = func(s *Server, r *rec, v *view) any {
		if p := s.pipelineByID(linkID(r, "pipeline")); p != nil {
			return p.Name
		}
		return nil
	}
	res.computed["pipeline_stage_desc"] = func(s *Server, r *rec, v *view) any {
		if st := s.stageByID(linkID(r, "pipeline_stage")); st != nil {
			return st.Name
		}
		return nil
	}
	res.computed["status_desc"] = func(s *Server, r *rec, v *view) any {
		n, _ := r.v["status"].(int)
		return DealStatuses[n]
	}
	res.computed["probability_desc"] = func(s *Server, r *rec, v *view) any {
		n, _ := r.v["probability"].(int)
		return fmt.Sprintf("%d%%", n*10)
	}
	res.computed["stages"] = func(s *Server, r *rec, v *view) any {
		visits, _ := r.v["_stages"].([]visit)
		out := []obj{}
		for i, vi := range visits {
			end := r.modified
			if i+1 < len(visits) {
				end = visits[i+1].since
			}
			name := ""
			if st := s.stageByID(vi.stage); st != nil {
				name = st.Name
			}
			out = append(out, obj{{"stage_name", name}, {"stage_duration", int(end.Sub(vi.since).Seconds())}})
		}
		return out
	}
	res.prepare = func(s *Server, w *writeCtx) {
		for _, rel := range []string{"contact", "company"} {
			if _, ok := w.body[rel]; !ok {
				if id, ok := w.body[rel+"_id"]; ok {
					w.body[rel] = id
				}
			}
		}
		var p *pipeline
		if raw, ok := w.body["pipeline_desc"]; ok {
			name, _ := asString(raw)
			if p = s.pipelineByName(name); p == nil {
				w.errs.add("pipeline_desc", fmt.Sprintf("Pipeline %q does not exist.", name))
			} else if _, set := w.body["pipeline"]; !set {
				w.body["pipeline"] = p.ID
			}
		}
		if p == nil && w.rec != nil {
			p = s.pipelineByID(linkID(w.rec, "pipeline"))
		}
		if raw, ok := w.body["pipeline_stage_desc"]; ok {
			name, _ := asString(raw)
			if st := s.stageByName(p, name); st == nil {
				w.errs.add("pipeline_stage_desc", fmt.Sprintf("Stage %q does not exist.", name))
			} else if _, set := w.body["pipeline_stage"]; !set {
				w.body["pipeline_stage"] = st.ID
			}
		}
	}
	res.conflict = func(s *Server, r *rec, vals map[string]any) *apiErr {
		items, _ := vals["products"].([]item)
		errs := make([]errMap, len(items))
		bad := false
		for i, it := range items {
			errs[i] = errMap{}
			if id, _ := it["product_id"].(int); s.recs[productRes.name][id] == nil {
				errs[i].add("product_id", fmt.Sprintf("Invalid pk \"%d\" - object does not exist.", id))
				bad = true
			}
		}
		if bad {
			return invalid(errMap{"products": errs})
		}
		return nil
	}
	res.after = func(s *Server, r *rec, old, vals map[string]any, now time.Time) { s.dealAfter(r, old, vals, now) }
	res.search = func(s *Server, r *rec) []string {
		out := []string{strVal(r, "name")}
		if c := contactOf(s, r); c != nil {
			out = append(out, strVal(c, "first_name")+" "+strVal(c, "last_name"))
		}
		cfs, _ := r.v["custom_fields"].([]cf)
		for _, c := range cfs {
			out = append(out, c.value)
		}
		return out
	}
	res.filter = func(s *Server, q url.Values) (func(*rec) bool, errMap) {
		raw := strings.TrimSpace(q.Get("status_id"))
		if raw == "" {
			return nil, nil
		}
		n, err := strconv.Atoi(raw)
		if err != nil || DealStatuses[n] == "" {
			return nil, errMap{"status_id": []string{fmt.Sprintf("Select a valid choice. %s is not one of the available choices.", raw)}}
		}
		return func(r *rec) bool { st, _ := r.v["status"].(int); return st == n }, nil
	}
	return res
}

// dealAfter keeps pipeline and stage consistent (a stage written moves the
// deal to its pipeline; a pipeline written alone moves it to the pipeline's
// first stage), takes the stage's probability when none is set, stamps
// actual_closed_date when the deal is won or lost, and logs stage visits.
func (s *Server) dealAfter(r *rec, old, vals map[string]any, now time.Time) {
	v := s.webhookView()
	st := s.stageByID(linkID(r, "pipeline_stage"))
	p := s.pipelineByID(linkID(r, "pipeline"))
	stageChanged := old == nil || old["pipeline_stage"] != plainURL(v, "deals/pipelines/stages", linkID(r, "pipeline_stage"))
	if st != nil && p != nil && st.pipeline != p {
		if _, written := vals["pipeline_stage"]; written {
			p = st.pipeline
		} else {
			st = nil
		}
	}
	if st != nil && p == nil {
		p = st.pipeline
	}
	if p == nil && len(s.pipelines) > 0 {
		p = s.pipelines[0]
	}
	if st == nil && p != nil {
		for _, x := range s.stages {
			if x.pipeline == p {
				st = x
				break
			}
		}
		stageChanged = true
	}
	if p != nil {
		r.v["pipeline"] = p.ID
	}
	if st != nil {
		r.v["pipeline_stage"] = st.ID
		if _, written := vals["probability"]; !written && (r.v["probability"] == nil || stageChanged) {
			r.v["probability"] = st.Probability
		}
		visits, _ := r.v["_stages"].([]visit)
		if len(visits) == 0 || visits[len(visits)-1].stage != st.ID {
			r.v["_stages"] = append(append([]visit{}, visits...), visit{st.ID, now})
		}
	}
	if strVal(r, "currency") == "" {
		r.v["currency"] = s.opts.Currency
	}
	if n, _ := r.v["status"].(int); (n == 3 || n == 4) && r.v["actual_closed_date"] == nil {
		r.v["actual_closed_date"] = now.In(s.loc).Format("2006-01-02")
	}
}

func plainURL(v *view, res string, id int) any {
	if id == 0 {
		return nil
	}
	return v.url(res, id)
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

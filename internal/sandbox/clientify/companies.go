package clientify

import (
	"net/url"
	"strings"
)

// employeeBuckets are number_of_employees codes and their descriptions [U].
var employeeBuckets = map[int]string{1: "1-10", 2: "11-50", 3: "51-200", 4: "201-500", 5: "501-1000", 6: "1001-5000", 7: "5001-10000", 8: "10000+"}

// companiesResource is /companies/: the official node's default fields list
// plus the embedded lists (reference §3.4).
func companiesResource() *resource {
	res := &resource{name: "companies", singular: "company", startID: 11240001, needFields: true, hooks: true,
		orderBy: []string{"name", "business_name", "taxpayer_identification_number"},
		fields: []field{
			computed("url"), computed("id"), {name: "name", kind: fStr, def: "", required: true, maxLen: 255},
			str("sector"), str("company_sector"), str("business_name"),
			{name: "taxpayer_identification_number", kind: fStr, def: "", maxLen: 64}, str("fax"),
			{name: "number_of_employees", kind: fNullInt}, computed("number_of_employees_desc"),
			computed("owner"), computed("owner_name"), {name: "rank", kind: fInt, def: 0}, {name: "rank_manual", kind: fNullInt},
			nstr("picture_url"), str("facebook_url"), str("linkedin_url"), str("twitter_url"), boolean("private", false),
			konst("last_viewed", nil), konst("last_interaction", nil), str("facebook_id"), str("twitter_id"), str("linkedin_id"),
			nstr("founded"), nstr("online_since"), konst("full_contact_extra", nil), {name: "approx_employees", kind: fNullInt},
			str("description"), str("remarks"), str("summary"), str("linkedin_picture_url"), computed("created"), computed("modified"),
			str("youtube_url"), str("instagram_url"), computed("owner_picture"), str("industry"),
			nested("emails", emailItem), nested("phones", phoneItem), nested("addresses", addressItem), nested("websites", websiteItem),
			{name: "tags", kind: fTags}, {name: "custom_fields", kind: fCustom},
		}}
	res.computed = ownerFields()
	res.computed["number_of_employees_desc"] = func(s *Server, r *rec, v *view) any {
		if n, ok := r.v["number_of_employees"].(int); ok {
			return employeeBuckets[n]
		}
		return nil
	}
	res.extra = map[string]func(s *Server, r *rec, v *view) any{
		"email": func(s *Server, r *rec, v *view) any { return firstOf(r, "emails", "email") },
		"phone": func(s *Server, r *rec, v *view) any { return firstOf(r, "phones", "phone") },
	}
	res.prepare = func(s *Server, w *writeCtx) { flatShortcuts(w) }
	res.search = func(s *Server, r *rec) []string {
		out := []string{strVal(r, "name"), strVal(r, "business_name"), strVal(r, "taxpayer_identification_number")}
		return append(append(out, listStrings(r, "emails", "email")...), listStrings(r, "phones", "phone")...)
	}
	res.filter = func(s *Server, q url.Values) (func(*rec) bool, errMap) {
		tests := s.partyFilter(q)
		if n := strings.TrimSpace(q.Get("name")); n != "" {
			tests = append(tests, func(r *rec) bool { return strings.EqualFold(strVal(r, "name"), n) })
		}
		return all(tests), nil
	}
	res.conflict = func(s *Server, r *rec, vals map[string]any) *apiErr {
		return s.taxConflict(res, r, vals, "Company")
	}
	res.onDelete = func(s *Server, r *rec) {
		s.unlink(contactRes, "company", r.id)
		s.unlink(dealRes, "company", r.id)
	}
	return res
}

// companyByName finds a company by name, case-insensitively (the first by id).
func (s *Server) companyByName(name string) *rec {
	var found *rec
	for _, r := range s.recs[companyRes.name] {
		if strings.EqualFold(strings.TrimSpace(strVal(r, "name")), strings.TrimSpace(name)) && (found == nil || r.id < found.id) {
			found = r
		}
	}
	return found
}

package clientify

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
)

// ContactStatuses are the contact status values (FormsCRM).
var ContactStatuses = []string{"other", "not-qualified-lead", "visitor", "cold-lead", "warm-lead", "hot-lead", "in-deal", "lost-lead", "client", "lost-client"}

// contactsResource is /contacts/: the keys of FormsCRM's captured create
// answer, in its order, plus company_name and gdpr_revoke_date (reference
// §3.4, the ETL profile).
func contactsResource() *resource {
	res := &resource{name: "contacts", singular: "contact", startID: 135340001, needFields: true, hooks: true,
		orderBy: []string{"first_name", "last_name", "status", "taxpayer_identification_number"},
		fields: []field{
			computed("url"), computed("id"), computed("owner"), computed("owner_id"), computed("owner_name"),
			{name: "first_name", kind: fStr, def: "", required: true, maxLen: 255}, {name: "last_name", kind: fStr, def: "", maxLen: 255},
			{name: "status", kind: fChoice, def: "cold-lead", choices: ContactStatuses}, str("title"),
			link("company", "companies"), computed("company_details"), computed("company_name"),
			nstr("contact_type"), {name: "contact_source", kind: fNamed},
			nested("emails", emailItem), nested("phones", phoneItem), nested("addresses", addressItem),
			nstr("picture_url"), {name: "custom_fields", kind: fCustom}, konst("other_companies", []any{}), {name: "tags", kind: fTags},
			str("description"), str("remarks"), str("summary"), computed("created"), computed("modified"),
			{name: "last_contact", kind: fDateTime}, konst("related_tasks", []any{}), computed("deals"),
			konst("page_views", 0), konst("total_visits", 0), konst("first_visit", nil), konst("last_visit", nil),
			boolean("gdpr_accept", false), konst("visitor_key", ""), konst("attachments", []any{}), nested("websites", websiteItem),
			str("medium"), str("channel"), str("linkedin_url"), str("linkedin_id"), str("linkedin_picture_url"), str("skype_username"),
			{name: "birthday", kind: fDate}, str("twitter_id"), {name: "lead_scoring", kind: fInt, def: 0},
			str("facebook_url"), str("twitter_url"), str("googleplus_url"), str("pinterest_url"), str("foursquare_url"),
			str("aboutme_url"), str("klout_url"), str("instagram_url"), nstr("manychat_url"), str("facebook_picture_url"),
			str("twitter_picture_url"), str("facebook_id"), str("google_id"),
			{name: "taxpayer_identification_number", kind: fStr, def: "", maxLen: 64}, boolean("unsubscribed", false),
			konst("automations", []any{}), {name: "gdpr_acceptance_date", kind: fDateTime}, {name: "gdpr_revoke_date", kind: fDateTime},
			str("country"), konst("integrations", []any{}), boolean("disclaimer", false), str("contact_sector"),
		}}
	res.computed = ownerFields()
	res.computed["company_name"] = func(s *Server, r *rec, v *view) any {
		if c := s.recs[companyRes.name][linkID(r, "company")]; c != nil {
			return strVal(c, "name")
		}
		return nil
	}
	res.computed["company_details"] = func(s *Server, r *rec, v *view) any {
		c := s.recs[companyRes.name][linkID(r, "company")]
		if c == nil {
			return nil
		}
		return obj{{"id", c.id}, {"name", strVal(c, "name")}, {"url", v.url(companyRes.name, c.id)}}
	}
	res.computed["deals"] = func(s *Server, r *rec, v *view) any {
		var ids []int
		for _, d := range s.recs[dealRes.name] {
			if linkID(d, "contact") == r.id {
				ids = append(ids, d.id)
			}
		}
		sort.Ints(ids)
		out := []string{}
		for _, id := range ids {
			out = append(out, v.url(dealRes.name, id))
		}
		return out
	}
	res.extra = map[string]func(s *Server, r *rec, v *view) any{
		"email": func(s *Server, r *rec, v *view) any { return firstOf(r, "emails", "email") },
		"phone": func(s *Server, r *rec, v *view) any { return firstOf(r, "phones", "phone") },
	}
	res.prepare = func(s *Server, w *writeCtx) {
		flatShortcuts(w)
		if _, ok := w.body["company"]; !ok {
			if id, ok := w.body["company_id"]; ok {
				w.body["company"] = id
			}
		}
		// "company" given by name links the company of that name, creating it
		// when there is none (reference §3.4).
		if name, ok := w.body["company"].(string); ok && !looksLikeLink(name) {
			switch c := s.companyByName(name); {
			case strings.TrimSpace(name) == "":
				w.body["company"] = nil
			case c != nil:
				w.body["company"] = c.id
			default:
				w.body["company"] = pendingCompany{strings.TrimSpace(name)}
			}
		}
	}
	res.after = func(s *Server, r *rec, old, _ map[string]any, _ time.Time) {
		if old == nil && strVal(r, "channel") == "" {
			r.v["channel"] = r.owner.channel
		}
	}
	res.search = func(s *Server, r *rec) []string {
		out := []string{strVal(r, "first_name"), strVal(r, "last_name"), strVal(r, "first_name") + " " + strVal(r, "last_name"),
			strVal(r, "taxpayer_identification_number")}
		if c := s.recs[companyRes.name][linkID(r, "company")]; c != nil {
			out = append(out, strVal(c, "name"))
		}
		return append(append(out, listStrings(r, "emails", "email")...), listStrings(r, "phones", "phone")...)
	}
	res.filter = func(s *Server, q url.Values) (func(*rec) bool, errMap) {
		tests := s.partyFilter(q)
		if st := strings.TrimSpace(q.Get("status")); st != "" {
			tests = append(tests, func(r *rec) bool { return strVal(r, "status") == st })
		}
		return all(tests), nil
	}
	res.conflict = func(s *Server, r *rec, vals map[string]any) *apiErr {
		return s.taxConflict(res, r, vals, "Contact")
	}
	res.onDelete = func(s *Server, r *rec) {
		s.unlink(dealRes, "contact", r.id)
		s.unlink(orderRes, "contact", r.id)
	}
	return res
}

// looksLikeLink tells a hyperlink or an id from a company name.
func looksLikeLink(s string) bool {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "://") || strings.HasPrefix(s, "/") {
		return true
	}
	_, err := fmt.Sscanf(s, "%d", new(int))
	return err == nil && strings.Trim(s, "0123456789") == ""
}

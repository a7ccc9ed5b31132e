package clientify

import (
	"net/url"
	"strings"
)

var (
	companyRes, contactRes, productRes, dealRes, orderRes *resource
	// resources in the order the API root lists them.
	resources []*resource
	byName    map[string]*resource
	// nestedNames are the nested lists served as sub-resources of contacts
	// and companies.
	nestedNames = map[string]bool{"emails": true, "phones": true, "addresses": true, "websites": true}
)

func init() {
	companyRes, contactRes, productRes = companiesResource(), contactsResource(), productsResource()
	dealRes, orderRes = dealsResource(), ordersResource()
	resources = []*resource{contactRes, companyRes, dealRes, productRes, orderRes}
	byName = map[string]*resource{}
	for _, r := range resources {
		r.index()
		byName[r.name] = r
	}
}

// Kinds of records, for the Go API: the resources' path segments.
const (
	Companies = "companies"
	Contacts  = "contacts"
	Products  = "products"
	Deals     = "deals"
	Orders    = "orders"
)

// ownerFields are the computed owner fields every resource has.
func ownerFields() map[string]func(s *Server, r *rec, v *view) any {
	return map[string]func(s *Server, r *rec, v *view) any{
		"owner":         func(s *Server, r *rec, v *view) any { return r.owner.username },
		"owner_id":      func(s *Server, r *rec, v *view) any { return r.owner.id },
		"owner_name":    func(s *Server, r *rec, v *view) any { return r.owner.fullName() },
		"owner_picture": func(s *Server, r *rec, v *view) any { return r.owner.pic },
	}
}

// flatShortcuts turns a create's flat "email" and "phone" into the first
// entries of emails (type 4, Main, as FormsCRM's capture shows) and phones
// (type 1).
func flatShortcuts(w *writeCtx) {
	if !w.create {
		return
	}
	for _, sc := range []struct {
		flat, list string
		typ        int
	}{{"email", "emails", 4}, {"phone", "phones", 1}} {
		v, ok := w.body[sc.flat]
		if !ok || v == nil || v == "" {
			continue
		}
		entry := map[string]any{sc.flat: v, "type": sc.typ}
		list, _ := w.body[sc.list].([]any)
		w.body[sc.list] = append([]any{entry}, list...)
	}
}

// listStrings are the values of one key of a nested list.
func listStrings(r *rec, list, key string) []string {
	items, _ := r.v[list].([]item)
	var out []string
	for _, it := range items {
		if s, ok := it[key].(string); ok && s != "" {
			out = append(out, s)
		}
	}
	return out
}

func firstOf(r *rec, list, key string) string {
	if l := listStrings(r, list, key); len(l) > 0 {
		return l[0]
	}
	return ""
}

func strVal(r *rec, name string) string {
	s, _ := r.v[name].(string)
	return s
}

func linkID(r *rec, name string) int {
	id, _ := r.v[name].(int)
	return id
}

// partyFilter reads the filters companies and contacts share: email (any of
// the e-mails, case-insensitive), phone (any phone, exact) and, with
// Options.TaxIDFilter, taxpayer_identification_number (exact).
func (s *Server) partyFilter(q url.Values) []func(*rec) bool {
	var tests []func(*rec) bool
	if e := strings.TrimSpace(q.Get("email")); e != "" {
		tests = append(tests, func(r *rec) bool {
			for _, x := range listStrings(r, "emails", "email") {
				if strings.EqualFold(x, e) {
					return true
				}
			}
			return false
		})
	}
	if p := q.Get("phone"); strings.TrimSpace(p) != "" {
		p = strings.TrimSpace(p)
		tests = append(tests, func(r *rec) bool {
			for _, x := range listStrings(r, "phones", "phone") {
				if x == p {
					return true
				}
			}
			return false
		})
	}
	if s.opts.TaxIDFilter {
		if vs, ok := q["taxpayer_identification_number"]; ok && len(vs) > 0 && vs[0] != "" {
			tin := vs[0]
			tests = append(tests, func(r *rec) bool { return strVal(r, "taxpayer_identification_number") == tin })
		}
	}
	return tests
}

func all(tests []func(*rec) bool) func(*rec) bool {
	if len(tests) == 0 {
		return nil
	}
	return func(r *rec) bool {
		for _, t := range tests {
			if !t(r) {
				return false
			}
		}
		return true
	}
}

// taxConflict is the 409 FormsCRM saw for a taxpayer id another record of
// res has (exact comparison; blank ids never conflict).
func (s *Server) taxConflict(res *resource, r *rec, vals map[string]any, label string) *apiErr {
	tin, _ := vals["taxpayer_identification_number"].(string)
	if tin == "" {
		return nil
	}
	for _, o := range s.recs[res.name] {
		if (r == nil || o.id != r.id) && strVal(o, "taxpayer_identification_number") == tin {
			return detail(409, "%s with this taxpayer_identification_number already exists.", label)
		}
	}
	return nil
}

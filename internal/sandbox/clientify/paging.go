package clientify

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// pageOf pages items as DRF's PageNumberPagination: ?page= (1-based, or
// "last") and ?page_size= (capped at MaxPageSize; an unusable value means the
// default), answering {count, next, previous, results} with absolute next and
// previous URLs. A page past the end is 404 {"detail": "Invalid page."}.
func pageOf(s *Server, c *call, items []any) (int, any, *apiErr) {
	size := s.opts.PageSize
	if ps := strings.TrimSpace(c.q.Get("page_size")); ps != "" {
		if n, err := strconv.Atoi(ps); err == nil && n > 0 {
			size = min(n, MaxPageSize)
		}
	}
	count := len(items)
	pages := max(1, (count+size-1)/size)
	page := 1
	switch p := strings.TrimSpace(c.q.Get("page")); p {
	case "":
	case "last":
		page = pages
	default:
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > pages {
			return 0, nil, detail(http.StatusNotFound, "Invalid page.")
		}
		page = n
	}
	lo, hi := min((page-1)*size, count), min(page*size, count)
	results := append(make([]any, 0, hi-lo), items[lo:hi]...)
	var next, prev any
	if page < pages {
		next = c.pageURL(page + 1)
	}
	if page > 1 {
		prev = c.pageURL(page - 1)
	}
	return http.StatusOK, obj{{"count", count}, {"next", next}, {"previous", prev}, {"results", results}}, nil
}

// pageURL is the request's absolute URL with page=n; page 1 drops the
// parameter, as DRF's remove_query_param. The query comes out sorted by key
// (Django's urlencode of sorted items).
func (c *call) pageURL(n int) string {
	q := url.Values{}
	for k, vs := range c.q {
		q[k] = append([]string{}, vs...)
	}
	if n == 1 {
		q.Del("page")
	} else {
		q.Set("page", strconv.Itoa(n))
	}
	u := c.origin + c.r.URL.Path
	if enc := q.Encode(); enc != "" {
		u += "?" + enc
	}
	return u
}

// listRecords is GET /{res}/: filters, ordering, fields= and paging.
func listRecords(s *Server, c *call) (int, any, *apiErr) {
	res := byName[c.params[0]]
	if c.ver == "v2" && res.needFields && !s.opts.NoFieldsRequirement && strings.TrimSpace(c.q.Get("fields")) == "" {
		return 0, nil, &apiErr{code: http.StatusBadRequest, body: []string{"You must specify the fields param: fields = id, ..."}}
	}
	keep, errs := s.listFilter(res, c.q)
	if len(errs) > 0 {
		return 0, nil, invalid(errs)
	}
	var recs []*rec
	for _, r := range s.recs[res.name] {
		if keep(r) {
			recs = append(recs, r)
		}
	}
	sortRecs(recs, orderTerms(res, c.q.Get("ordering")))
	items := make([]any, len(recs))
	v := c.view(s)
	for i, r := range recs {
		items[i] = r // rendered below, only for the page
	}
	code, out, e := pageOf(s, c, items)
	if e != nil {
		return 0, nil, e
	}
	page := out.(obj)
	results := page[3].v.([]any)
	for i, it := range results {
		results[i] = s.render(res, it.(*rec), v)
	}
	return code, page, nil
}

// dateOps are the lookups of the created and modified filters.
var dateOps = []string{"gt", "gte", "lt", "lte"}

// listFilter builds the list filter: created[op] and modified[op] (and
// created__op with DjangoLookups), query / search (substring), and the
// resource's own. Unknown parameters are ignored, as django-filter does.
func (s *Server) listFilter(res *resource, q url.Values) (func(*rec) bool, errMap) {
	var tests []func(*rec) bool
	errs := errMap{}
	for _, fld := range []string{"created", "modified"} {
		for _, op := range dateOps {
			names := []string{fld + "[" + op + "]"}
			if s.opts.DjangoLookups {
				names = append(names, fld+"__"+op)
			}
			for _, name := range names {
				raw, ok := q[name]
				if !ok || len(raw) == 0 || raw[0] == "" {
					continue
				}
				t, ok := parseDateTime(raw[0], s.loc)
				if !ok {
					errs.add(name, "Enter a valid date/time.")
					continue
				}
				t = t.Truncate(time.Microsecond)
				get := func(r *rec) time.Time { return r.modified }
				if fld == "created" {
					get = func(r *rec) time.Time { return r.created }
				}
				tests = append(tests, timeTest(get, op, t))
			}
		}
	}
	for _, name := range []string{"query", "search"} {
		if needle := strings.ToLower(strings.TrimSpace(q.Get(name))); needle != "" && res.search != nil {
			tests = append(tests, func(r *rec) bool {
				for _, h := range res.search(s, r) {
					if strings.Contains(strings.ToLower(h), needle) {
						return true
					}
				}
				return false
			})
		}
	}
	if res.filter != nil {
		f, e := res.filter(s, q)
		for k, v := range e {
			errs[k] = v
		}
		if f != nil {
			tests = append(tests, f)
		}
	}
	return func(r *rec) bool {
		for _, t := range tests {
			if !t(r) {
				return false
			}
		}
		return true
	}, errs
}

func timeTest(get func(*rec) time.Time, op string, t time.Time) func(*rec) bool {
	switch op {
	case "gt":
		return func(r *rec) bool { return get(r).After(t) }
	case "gte":
		return func(r *rec) bool { return !get(r).Before(t) }
	case "lt":
		return func(r *rec) bool { return get(r).Before(t) }
	}
	return func(r *rec) bool { return !get(r).After(t) }
}

type orderTerm struct {
	name string
	desc bool
}

// orderTerms reads ordering= as DRF's OrderingFilter: comma terms, "-" for
// descending, unknown fields dropped; none left means the default, modified
// then id. id always breaks ties, so the order is total.
func orderTerms(res *resource, param string) []orderTerm {
	allowed := map[string]bool{"id": true, "created": true, "modified": true}
	for _, n := range res.orderBy {
		allowed[n] = true
	}
	var terms []orderTerm
	hasID := false
	for _, t := range strings.Split(param, ",") {
		t = strings.TrimSpace(t)
		desc := strings.HasPrefix(t, "-")
		name := strings.TrimPrefix(t, "-")
		if !allowed[name] {
			continue
		}
		terms = append(terms, orderTerm{name, desc})
		hasID = hasID || name == "id"
	}
	if len(terms) == 0 {
		terms = []orderTerm{{name: "modified"}}
	}
	if !hasID {
		terms = append(terms, orderTerm{name: "id"})
	}
	return terms
}

func sortRecs(recs []*rec, terms []orderTerm) {
	sort.SliceStable(recs, func(i, j int) bool {
		for _, t := range terms {
			c := compareRec(recs[i], recs[j], t.name)
			if c == 0 {
				continue
			}
			if t.desc {
				return c > 0
			}
			return c < 0
		}
		return false
	})
}

func compareRec(a, b *rec, name string) int {
	switch name {
	case "id":
		return cmpInt(a.id, b.id)
	case "created":
		return a.created.Compare(b.created)
	case "modified":
		return a.modified.Compare(b.modified)
	}
	return compareVal(a.v[name], b.v[name])
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compareVal orders stored values; null sorts first.
func compareVal(a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	switch x := a.(type) {
	case string:
		y, _ := b.(string)
		return strings.Compare(strings.ToLower(x), strings.ToLower(y))
	case int:
		y, _ := b.(int)
		return cmpInt(x, y)
	case float64:
		y, _ := b.(float64)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
	case time.Time:
		y, _ := b.(time.Time)
		return x.Compare(y)
	}
	return 0
}

package web

import (
	"net/url"
	"strconv"
)

// pageArgs reads offset and limit from a query: limit defaults to def and may
// not exceed most.
func pageArgs(q url.Values, def, most int) (offset, limit int, err error) {
	limit = def
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit <= 0 || limit > most {
			return 0, 0, badInput("limit %q: want a number from 1 to %d", v, most)
		}
	}
	if v := q.Get("offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			return 0, 0, badInput("offset %q: want a number from 0", v)
		}
	}
	return offset, limit, nil
}

// Pager is the paging bar under a list: where this page sits among Total, and
// the links to the other pages (empty when there is none).
type Pager struct {
	From, To, Total   int
	First, Prev, Next string
}

// offsetPager pages a list by offset, keeping the rest of the query.
func offsetPager(path string, q url.Values, offset, limit, shown, total int) Pager {
	p := Pager{From: offset + 1, To: offset + shown, Total: total}
	if shown == 0 {
		p.From = 0
	}
	link := func(off int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("offset", strconv.Itoa(off))
		if off == 0 {
			v.Del("offset")
		}
		return path + "?" + v.Encode()
	}
	if offset > 0 {
		p.First, p.Prev = link(0), link(max(0, offset-limit))
	}
	if offset+shown < total {
		p.Next = link(offset + limit)
	}
	return p
}

// afterPager pages a list newest first by the id of its last row (jobs, log
// lines): Next goes on after last; First starts over.
func afterPager(path string, q url.Values, param string, from, shown, total int, last int64) Pager {
	p := Pager{From: from + 1, To: from + shown, Total: total}
	if shown == 0 {
		p.From = 0
	}
	link := func(after int64, skipped int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Del(param)
		v.Del("from")
		if after > 0 {
			v.Set(param, strconv.FormatInt(after, 10))
			v.Set("from", strconv.Itoa(skipped))
		}
		return path + "?" + v.Encode()
	}
	if from > 0 {
		p.First = link(0, 0)
	}
	if from+shown < total && last > 0 {
		p.Next = link(last, from+shown)
	}
	return p
}

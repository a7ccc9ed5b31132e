package clientify

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"time"
)

// Incremental reads (the pass contract).
//
// A listing ordered by modified changes under the reader: a record changed
// while the pages are read moves to the end, so every record behind it
// moves one place forward, and reading page 2, 3, … by number skips the one
// that crossed a page boundary. The client therefore never reads a second
// page of a changing listing. Each request is a first page of
//
//	GET /{resource}/?modified[gte]=CURSOR&ordering=modified&page_size=N[&fields=…]
//
// where CURSOR is the whole second (UTC, "2025-12-21T15:31:40+00:00") of the
// last record the previous page ended with; the records of that second that
// were handed over already are dropped by (id, modified). What changed
// meanwhile comes later in the order and is read when the cursor gets
// there. Only when a whole page lies in one second (more than page_size
// records changed in the same second, a bulk import) does the client read
// that second alone,
//
//	GET /{resource}/?modified[gte]=S&modified[lt]=S+1s&ordering=modified&page_size=N
//
// following next through it, and again until one whole read of the second
// keeps one count on every page (a record leaving the second lowers the
// count, and may have moved another across a page boundary).
//
// Why these parameters: modified[gte] and the bracket syntax are what the
// third-party clients send (reference §3.2); ordering=modified is the
// reference's recommendation but unconfirmed, so the client checks each
// page is in modified order and stops with an OrderingError when it is not
// (rather than promise what it cannot see). A filter the server ignores
// (modified[lt], or modified[gte] on a resource) only costs pages: every
// record is compared with since and the window here, too. Filter times are
// whole seconds in UTC with an explicit +00:00, because the precision and
// zone the server parses are unconfirmed: a second floored down selects a
// superset.
//
// through: after each page handed over, every record whose latest change
// is before through has been handed over (in that or an earlier page of
// the pass). It is max(since, the cursor) while the read goes on, and at the
// end the server's Date of the last answer less one second (Date is whole
// seconds and is written after the query ran), or the client's clock when
// the answer has no Date.

// changeKey names one version of a record.
type changeKey struct {
	id       int64
	modified int64
}

// maxSecondReads bounds the re-reads of one crowded second.
const maxSecondReads = 5

// ChangedCompanyRecords hands over, a page at a time, every company changed at
// or after since (see the pass contract above).
func (c *Client) ChangedCompanyRecords(ctx context.Context, since time.Time, page func(records []Company, through time.Time) error) error {
	return changed(ctx, c, companies, since, func(v Company) time.Time { return v.Modified.Time }, page)
}

// ChangedContactRecords hands over every contact changed at or after since.
func (c *Client) ChangedContactRecords(ctx context.Context, since time.Time, page func(records []Contact, through time.Time) error) error {
	return changed(ctx, c, contacts, since, func(v Contact) time.Time { return v.Modified.Time }, page)
}

// ChangedProductRecords hands over every product changed at or after since.
func (c *Client) ChangedProductRecords(ctx context.Context, since time.Time, page func(records []Product, through time.Time) error) error {
	return changed(ctx, c, products, since, func(v Product) time.Time { return v.Modified.Time }, page)
}

// passState is one incremental read in progress.
type passState[T any] struct {
	c        *Client
	r        resource[T]
	since    time.Time
	modified func(T) time.Time
	handed   map[changeKey]bool
	bad      []error
}

// fresh returns the records of items at or after since (and, when hi is
// set, before hi) not handed over yet, and marks them handed.
func (p *passState[T]) fresh(items []T, hi time.Time) []T {
	var out []T
	for _, v := range items {
		m := p.modified(v)
		if m.Before(p.since) || (!hi.IsZero() && !m.Before(hi)) {
			continue
		}
		k := changeKey{p.r.id(v), m.UnixNano()}
		if p.handed[k] {
			continue
		}
		p.handed[k] = true
		out = append(out, v)
	}
	return out
}

// ordered checks that items come in modified order.
func (p *passState[T]) ordered(items []T) error {
	for i := 1; i < len(items); i++ {
		if p.modified(items[i]).Before(p.modified(items[i-1])) {
			return &OrderingError{Account: p.c.name, Resource: p.r.name}
		}
	}
	return nil
}

// prune forgets versions before cursor: no later query returns them.
func (p *passState[T]) prune(cursor time.Time) {
	for k := range p.handed {
		if k.modified < cursor.UnixNano() {
			delete(p.handed, k)
		}
	}
}

func changed[T any](ctx context.Context, c *Client, r resource[T], since time.Time, modified func(T) time.Time, page func([]T, time.Time) error) error {
	p := &passState[T]{c: c, r: r, since: since, modified: modified, handed: map[changeKey]bool{}}
	cursor := since.Truncate(time.Second)
	through := since
	for {
		q := r.query(url.Values{"modified[gte]": {queryTime(cursor)}, "ordering": {"modified"}, "page_size": {strconv.Itoa(c.settings.PageSize)}})
		l, err := getPage(ctx, c, c.path(r.path, q), r.name, r.decode)
		if err != nil {
			return err
		}
		p.bad = append(p.bad, l.bad...)
		if err := p.ordered(l.items); err != nil {
			return err
		}
		if l.page.Next == "" {
			end := l.sent
			if !l.server.IsZero() {
				end = l.server.Add(-time.Second)
			}
			if end.After(through) {
				through = end
			}
			if err := page(p.fresh(l.items, time.Time{}), through); err != nil {
				return err
			}
			return errors.Join(p.bad...)
		}
		if len(l.items) == 0 {
			// A full page of records that cannot be read: no cursor to move.
			return errors.Join(append(p.bad, errors.New("clientify "+c.name+": a page of "+r.name+" changes has no readable record; cannot move on"))...)
		}
		next := modified(l.items[len(l.items)-1]).Truncate(time.Second)
		if next.After(cursor) {
			if next.After(through) {
				through = next
			}
			if f := p.fresh(l.items, time.Time{}); len(f) > 0 {
				if err := page(f, through); err != nil {
					return err
				}
			}
			cursor = next
			p.prune(cursor)
			continue
		}
		// The whole page lies in the cursor's second: read that second alone.
		if f := p.fresh(l.items, time.Time{}); len(f) > 0 {
			if err := page(f, through); err != nil {
				return err
			}
		}
		if err := p.readSecond(ctx, cursor, through, page); err != nil {
			return err
		}
		cursor = cursor.Add(time.Second)
		if cursor.After(through) {
			through = cursor
		}
		p.prune(cursor)
	}
}

// readSecond reads the records changed in the second sec, following next,
// again until one complete read keeps one count on every page.
func (p *passState[T]) readSecond(ctx context.Context, sec, through time.Time, page func([]T, time.Time) error) error {
	hi := sec.Add(time.Second)
	for read := 1; ; read++ {
		q := p.r.query(url.Values{
			"modified[gte]": {queryTime(sec)}, "modified[lt]": {queryTime(hi)},
			"ordering": {"modified"}, "page_size": {strconv.Itoa(p.c.settings.PageSize)},
		})
		u := p.c.path(p.r.path, q)
		count, stable := -1, true
		seen := map[string]bool{}
		for first := true; u != ""; first = false {
			if seen[u] {
				return errors.New("clientify " + p.c.name + ": the next page " + u + " was read already")
			}
			seen[u] = true
			l, err := getPage(ctx, p.c, u, p.r.name, p.r.decode)
			if err != nil {
				if !first {
					err = p.c.pageGone(err, u, p.r.name)
				}
				return err
			}
			if read == 1 {
				p.bad = append(p.bad, l.bad...)
			}
			if err := p.ordered(l.items); err != nil {
				return err
			}
			if count >= 0 && l.page.Count != count {
				stable = false
			}
			count = l.page.Count
			if f := p.fresh(l.items, hi); len(f) > 0 {
				if err := page(f, through); err != nil {
					return err
				}
			}
			if u, err = p.c.nextURL(u, l.page.Next); err != nil {
				return err
			}
		}
		// A record that left the second while it was read lowered the
		// count (and may have moved another across a page boundary); a
		// read with one count throughout saw every record of the second.
		if stable {
			return nil
		}
		if read >= maxSecondReads {
			return &BusySecondError{Account: p.c.name, Resource: p.r.name, Second: sec}
		}
	}
}

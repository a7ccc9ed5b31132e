package mycashflow

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// changedSince reads every record of path updated at or after from, oldest
// change first, and hands them to each a page at a time with the page's
// checkpoint: every record whose last change is before through has been handed
// over. It never misses a record that existed when it began, whatever changes
// while it reads.
//
// MyCashflow pages by number, and a record that changes moves to the end of the
// updated_at order, shifting every later record back one place, so reading
// page+1 skips one. Instead each page is asked for afresh from the newest second
// read so far (updated_at-from is inclusive and has whole seconds), and records
// already handed over at that second are dropped. Only when a whole page shares
// one second does it read the next page of that second; since records only ever
// leave a past second (to the end, where they are read again), that second is
// then swept again from its first page until a sweep finds nothing new. Memory is
// one page and the keys of one second.
func changedSince[T any](ctx context.Context, c *Client, path string, q url.Values, from time.Time, decode func(json.RawMessage) (T, error), each func(items []T, bad []error, through time.Time) error) error {
	q = cloneValues(q)
	q.Set("sort", "updated_at-asc")
	q.Set("page_size", strconv.Itoa(c.settings.PageSize))
	at := from.UTC().Truncate(time.Second)
	// seen holds the records handed over at second at or later, by key.
	seen := map[string]time.Time{}
	index := 0
	// fetch reads page p from second at and hands over what is new; it returns
	// the newest second on the page and whether more pages follow.
	fetch := func(p int) (newest time.Time, fresh int, more bool, err error) {
		if at.IsZero() {
			q.Del("updated_at-from")
		} else {
			q.Set("updated_at-from", at.Format(time.RFC3339))
		}
		q.Set("page", strconv.Itoa(p))
		var raw []json.RawMessage
		var meta Meta
		if err := c.call(ctx, http.MethodGet, path, q, nil, true, &raw, &meta); err != nil {
			return at, 0, false, err
		}
		var items []T
		var bad []error
		newest = at
		for _, r := range raw {
			key, updated, herr := recordHead(r)
			index++
			if herr != nil {
				bad = append(bad, &ItemError{Op: "GET " + path, Index: index, Key: itemKey(r), Err: herr})
				continue
			}
			sec := updated.UTC().Truncate(time.Second)
			if sec.After(newest) {
				newest = sec
			}
			if prev, ok := seen[key]; ok && prev.Equal(sec) {
				continue
			}
			seen[key] = sec
			v, derr := decode(r)
			if derr != nil {
				bad = append(bad, &ItemError{Op: "GET " + path, Index: index, Key: itemKey(r), Err: derr})
				continue
			}
			items = append(items, v)
		}
		if len(items) > 0 || len(bad) > 0 {
			if err := each(items, bad, at); err != nil {
				return at, 0, false, err
			}
		}
		return newest, len(items) + len(bad), meta.Next != "" && len(raw) > 0, nil
	}
	for {
		newest, _, more, err := fetch(1)
		if err != nil {
			return err
		}
		if more && !newest.After(at) {
			// A whole page in one second: page through it, then sweep it again.
			for p := 2; more && !newest.After(at); p++ {
				if newest, _, more, err = fetch(p); err != nil {
					return err
				}
			}
			for {
				// A sweep reads the second from its first page to the first page
				// past it; any record it hands over means a shift hid one before.
				found := 0
				for p := 1; ; p++ {
					last, n, m, err := fetch(p)
					if err != nil {
						return err
					}
					found += n
					if !m || last.After(at) {
						break
					}
				}
				if found == 0 {
					break
				}
			}
		}
		if !more {
			return each(nil, nil, newest)
		}
		at = newest
		for k, sec := range seen {
			if sec.Before(at) {
				delete(seen, k)
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// recordHead reads the id and updated_at of a raw record, which place it in
// the listing.
func recordHead(raw json.RawMessage) (key string, updated time.Time, err error) {
	var h struct {
		ID        ID   `json:"id"`
		UpdatedAt Time `json:"updated_at"`
	}
	if err := json.Unmarshal(raw, &h); err != nil {
		return "", time.Time{}, err
	}
	if h.ID == 0 || h.UpdatedAt.IsZero() {
		return "", time.Time{}, errNoHead
	}
	return h.ID.String(), h.UpdatedAt.Time, nil
}

var errNoHead = errors.New("the record has no id or updated_at")

package clientify

import (
	"context"
	"net/http"
	"strconv"
	"strings"
)

// The lists of a contact or company (emails, phones, addresses) as the
// two-way routes write them: the record's first entries are its e-mail,
// phones and address, so a change edits the entry in place
// (PUT /{resource}/{id}/{list}/{itemId}/, DRF's nested route, which the
// reference does not list: unconfirmed) rather than add one beside it, and a
// missing one is added (POST /{resource}/{id}/{list}/). Entries beyond those
// ferry writes are kept: ferry removes nothing.

// entry is one list entry to write: its body and the key it is compared by.
type entry struct {
	key  string
	body map[string]any
}

// held is one list entry the record has.
type held struct {
	id  int64
	key string
}

func phoneEntries(ps []Phone) []held {
	out := make([]held, len(ps))
	for i, p := range ps {
		out[i] = held{int64(p.ID), normPhone(string(p.Phone))}
	}
	return out
}

func emailEntries(es []Email) []held {
	out := make([]held, len(es))
	for i, e := range es {
		out[i] = held{int64(e.ID), NormEmail(e.Email)}
	}
	return out
}

func addressEntries(as []Address) []held {
	out := make([]held, len(as))
	for i, a := range as {
		out[i] = held{int64(a.ID), addressKey(a)}
	}
	return out
}

// addressKey compares every field of an address, blanks folded.
func addressKey(a Address) string {
	f := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	return f(a.Street) + "|" + f(a.City) + "|" + f(a.State) + "|" + f(a.Country) + "|" + f(string(a.PostalCode))
}

func phoneEntry(p string, typ ID) entry {
	return entry{key: normPhone(p), body: map[string]any{"phone": strings.TrimSpace(p), "type": typeOr(typ)}}
}

func emailEntry(e string, typ ID) entry {
	return entry{key: NormEmail(e), body: map[string]any{"email": strings.TrimSpace(e), "type": typeOr(typ)}}
}

func addressEntry(a Address) entry {
	return entry{key: addressKey(a), body: map[string]any{"street": a.Street, "city": a.City, "state": a.State,
		"country": a.Country, "postal_code": string(a.PostalCode), "type": typeOr(a.Type)}}
}

// setEntries makes record id's list begin with want: an entry at the same
// position that differs is changed in place, a missing one is added, the
// others are kept. It returns how many calls it made. A call that fails
// stops it (a POST that may have committed is not sent again: the next
// write reads the record and sees the entry or adds it).
func (c *Client) setEntries(ctx context.Context, resource string, id int64, list string, subject Subject, have []held, want []entry) (int, error) {
	n := 0
	for i, w := range want {
		if w.key == "" || strings.Trim(w.key, "|") == "" {
			continue
		}
		base := resource + "/" + strconv.FormatInt(id, 10) + "/" + list
		if i < len(have) {
			if have[i].key == w.key {
				continue
			}
			u := c.path(base+"/"+strconv.FormatInt(have[i].id, 10), nil)
			if _, err := c.call(ctx, http.MethodPut, u, w.body, true, subject, nil); err != nil {
				return n, err
			}
			n++
			continue
		}
		if _, err := c.call(ctx, http.MethodPost, c.path(base, nil), w.body, false, subject, nil); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

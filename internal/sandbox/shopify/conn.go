package shopify

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxPageSize is the largest first/last Shopify serves (reference §1.4).
const maxPageSize = 250

// keyed is a record as a connection orders it: by its sort value, then by id.
// Sort values are strings that order lexicographically (sortTime, sortNum).
type keyed struct {
	val  string
	id   int64
	item any
}

// cursorBody is the opaque cursor, base64 of JSON as in
// samples/shopify/graphql/orders-connection…json: {"last_id":…,"last_value":…}.
type cursorBody struct {
	LastID    int64  `json:"last_id"`
	LastValue any    `json:"last_value,omitempty"`
	val       string // LastValue as the sort compares it
}

func encodeCursor(k keyed) string {
	c := cursorBody{LastID: k.id}
	if k.val != "" {
		c.LastValue = k.val
	} else {
		c.LastValue = k.id
	}
	b, _ := json.Marshal(c)
	return base64.StdEncoding.EncodeToString(b)
}

func decodeCursor(s string) (cursorBody, error) {
	var c cursorBody
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		if b, err = base64.RawURLEncoding.DecodeString(s); err != nil {
			return c, fmt.Errorf("Invalid cursor for current pagination sort.")
		}
	}
	if err := json.Unmarshal(b, &c); err != nil || c.LastID == 0 {
		return c, fmt.Errorf("Invalid cursor for current pagination sort.")
	}
	if s, ok := c.LastValue.(string); ok {
		c.val = s
	}
	return c, nil
}

// sortTime formats t for sorting and cursors as the sample's last_value:
// microseconds, space-separated, UTC.
func sortTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000000") }

// sortNum pads n so that numbers sort as strings (up to 10^15 minor units).
func sortNum(n int64) string { return fmt.Sprintf("%020d", n+1_000_000_000_000_000) }

func cmpKeyed(a, b keyed) int {
	if c := strings.Compare(a.val, b.val); c != 0 {
		return c
	}
	switch {
	case a.id < b.id:
		return -1
	case a.id > b.id:
		return 1
	}
	return 0
}

// paginate orders items by (value, id), reversed when asked, cuts the window
// after/before the cursors and takes first or last of it. Keyset cursors make
// paging stable: a record updated while a client pages moves behind the
// client's cursor (its updatedAt is the newest), so it is seen again later, and
// no record is skipped. In bulk mode there is no limit and no cursor.
func (ec *execCtx) paginate(args map[string]any, items []keyed, render func(any) any) (*page, error) {
	reverse := argBool(args["reverse"])
	slices.SortFunc(items, func(a, b keyed) int {
		if reverse {
			return cmpKeyed(b, a)
		}
		return cmpKeyed(a, b)
	})
	first, hasFirst := argInt(args["first"])
	last, hasLast := argInt(args["last"])
	if args["first"] == nil {
		hasFirst = false
	}
	if args["last"] == nil {
		hasLast = false
	}
	p := &page{}
	if ec.bulk {
		hasFirst, hasLast = false, false
	} else {
		switch {
		case !hasFirst && !hasLast:
			return nil, fmt.Errorf("you must provide one of first or last")
		case hasFirst && hasLast:
			return nil, fmt.Errorf("providing both first and last is not supported")
		case hasFirst && (first < 0 || first > maxPageSize):
			return nil, fmt.Errorf("The first argument must be between 0 and %d.", maxPageSize)
		case hasLast && (last < 0 || last > maxPageSize):
			return nil, fmt.Errorf("The last argument must be between 0 and %d.", maxPageSize)
		}
	}
	lo, hi := 0, len(items)
	before := func(c cursorBody, k keyed) int { // k relative to the cursor, in paging order
		ck := keyed{val: c.val, id: c.LastID}
		if reverse {
			return cmpKeyed(ck, k)
		}
		return cmpKeyed(k, ck)
	}
	if a := argStr(args["after"]); a != "" && !ec.bulk {
		c, err := decodeCursor(a)
		if err != nil {
			return nil, err
		}
		lo, _ = slices.BinarySearchFunc(items, c, func(k keyed, c cursorBody) int {
			if before(c, k) <= 0 {
				return -1
			}
			return 1
		})
	}
	if b := argStr(args["before"]); b != "" && !ec.bulk {
		c, err := decodeCursor(b)
		if err != nil {
			return nil, err
		}
		hi, _ = slices.BinarySearchFunc(items, c, func(k keyed, c cursorBody) int {
			if before(c, k) < 0 {
				return -1
			}
			return 1
		})
	}
	if hi < lo {
		hi = lo
	}
	p.hasPrev, p.hasNext = lo > 0, hi < len(items)
	if hasFirst && hi-lo > first {
		hi, p.hasNext = lo+first, true
	}
	if hasLast && hi-lo > last {
		lo, p.hasPrev = hi-last, true
	}
	for _, k := range items[lo:hi] {
		p.nodes = append(p.nodes, render(k.item))
		p.cursors = append(p.cursors, encodeCursor(k))
	}
	if p.nodes == nil {
		p.nodes = []any{}
	}
	return p, nil
}

// gid is a global id, gid://shopify/Type/123.
func gid(typ string, id int64) string {
	return "gid://shopify/" + typ + "/" + strconv.FormatInt(id, 10)
}

// parseGID splits a global id; a query string (InventoryLevel ids carry
// ?inventory_item_id=…) is dropped.
func parseGID(s string) (typ string, id int64, ok bool) {
	rest, found := strings.CutPrefix(s, "gid://shopify/")
	if !found {
		return "", 0, false
	}
	rest, _, _ = strings.Cut(rest, "?")
	typ, num, found := strings.Cut(rest, "/")
	if !found {
		return "", 0, false
	}
	id, err := strconv.ParseInt(num, 10, 64)
	return typ, id, err == nil && id > 0
}

// idOf reads an ID argument of type typ: a global id or, leniently, a number.
func idOf(v any, typ string) (int64, bool) {
	s := argStr(v)
	t, id, ok := parseGID(s)
	if !ok || t != typ {
		return 0, false
	}
	return id, true
}

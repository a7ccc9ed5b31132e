package ongoing

import (
	"sort"
	"strings"
	"time"
)

// state is the goods owner's data. Every access holds Server.mu.
type state struct {
	articles    []*article // in id order
	artByID     map[int]*article
	artByNumber map[string]*article // key: strings.ToLower(articleNumber)

	orders      []*order // in id order
	ordByID     map[int]*order
	ordByNumber map[string]*order // key: strings.ToLower(orderNumber)

	suppliers map[string]bool // supplier numbers seen
	customers map[string]int  // customer number → customer id
	seq       map[string]int
}

// First ids of each kind, in the ranges the vendor samples show.
var firstIDs = map[string]int{"article": 18001, "order": 50001, "line": 48001, "parcel": 201, "customer": 21601, "item": 59001,
	"shipment": 7001, "webhookEvent": 900001}

func newState() *state {
	return &state{
		artByID: map[int]*article{}, artByNumber: map[string]*article{},
		ordByID: map[int]*order{}, ordByNumber: map[string]*order{},
		suppliers: map[string]bool{}, customers: map[string]int{}, seq: map[string]int{},
	}
}

func (st *state) next(kind string) int {
	n, ok := st.seq[kind]
	if !ok {
		n = firstIDs[kind]
	}
	st.seq[kind] = n + 1
	return n
}

func key(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func (st *state) addArticle(a *article) {
	st.articles = append(st.articles, a)
	st.artByID[a.id] = a
	st.artByNumber[key(a.in.ArticleNumber.String())] = a
}

func (st *state) addOrder(o *order) {
	st.orders = append(st.orders, o)
	st.ordByID[o.id] = o
	st.ordByNumber[key(o.number)] = o
}

// fromID returns the records with id ≥ from, at most max (0 = all), that keep
// reports true for; ids are ascending because records are appended in id order.
func fromID[T any](items []T, id func(T) int, from, max int, keep func(T) bool) []T {
	i := sort.Search(len(items), func(i int) bool { return id(items[i]) >= from })
	out := []T{}
	for ; i < len(items); i++ {
		if keep(items[i]) {
			out = append(out, items[i])
			if max > 0 && len(out) == max {
				break
			}
		}
	}
	return out
}

// after reports whether t is set and not before from; a zero from always holds.
func after(t, from time.Time) bool {
	if from.IsZero() {
		return true
	}
	return !t.IsZero() && !t.Before(from)
}

// before reports whether t is set and not after to; a zero to always holds.
func before(t, to time.Time) bool {
	if to.IsZero() {
		return true
	}
	return !t.IsZero() && !t.After(to)
}

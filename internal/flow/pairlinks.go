package flow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/store"
)

// Pair links: the links of the two-way routes.
//
// A two-way sync between connections A and B runs as two routes (A → B and
// B → A) that share one link per pair of records, so that either finds the
// pair from its own side. The link is oriented by the connections' names, not
// by the route: with P the name that sorts first and Q the other,
//
//	Connection = Q, Kind = "<kind>:<P>" (company:erp), LocalID = "<P>:<id in P>", RemoteID = "<id in Q>"
//
// so (Connection, Kind, LocalID) finds a pair from P's side and (Connection,
// Kind, RemoteID) from Q's, both unique, and one connection can pair with
// several others (the kind names the other one). Data holds each side's state
// (pairData): its id, the record's fields as ferry last read them there or
// wrote them there (read back after the write), their hash, the hash of
// ferry's own last write, the record's update time then, and whether the
// record was deleted there. Hash is a hash of both sides' hashes and
// SourceVersion the later update time, for views.
//
// The links, not a search, decide whether a record exists on the other side:
// a linked record is written by its id, and one the other side deleted stays
// deleted (logged, never created again); only a record without a link is
// looked up by its natural key before it is created.

// pairSide is one side of a pair: what ferry knows of the record there.
type pairSide struct {
	ID string `json:"id"`
	// Seen is the record's fields as last read there, or as written there
	// by ferry and read back; Hash is their hash.
	Seen recFields `json:"seen"`
	Hash string    `json:"hash"`
	// Wrote is the hash of ferry's own last write there, kept until the
	// record is read with another content: a read with this hash is ferry's
	// echo.
	Wrote string    `json:"wrote,omitempty"`
	At    time.Time `json:"at,omitzero"`
	// Gone marks a record deleted there (or no longer one of the kind's:
	// a company made a person, a product no longer sold).
	Gone bool `json:"gone,omitempty"`
}

// pairData is a pair link's Data.
type pairData struct {
	Sides map[string]*pairSide `json:"sides"`
}

// pairLink is a pair as the routes use it.
type pairLink struct {
	// p and q are the connections in name order.
	p, q string
	kind string
	data pairData
	// stored is the link as read (zero for a new pair).
	stored store.Link
}

// pairOf returns the connections a and b in name order.
func pairOf(a, b string) (p, q string) {
	if a < b {
		return a, b
	}
	return b, a
}

func pairKind(kind, p string) string { return kind + ":" + p }

// side returns conn's side of the pair (created empty when missing).
func (l *pairLink) side(conn string) *pairSide {
	if l.data.Sides == nil {
		l.data.Sides = map[string]*pairSide{}
	}
	s := l.data.Sides[conn]
	if s == nil {
		s = &pairSide{}
		l.data.Sides[conn] = s
	}
	return s
}

// set records fields f of the record id there, updated at at; wrote marks
// ferry's own write.
func (s *pairSide) set(id string, f recFields, at time.Time, wrote bool) {
	// A record read or written is there (again: a record that left the
	// route's set, an Odoo company made a person, may come back).
	s.ID, s.Seen, s.Hash, s.At, s.Gone = id, f, f.hash(), at.UTC(), false
	if wrote {
		s.Wrote = s.Hash
	} else if s.Wrote != s.Hash {
		s.Wrote = ""
	}
}

// echo reports whether a read with hash h is ferry's own last write.
func (s *pairSide) echo(h string) bool { return s.Wrote != "" && s.Wrote == h }

func (l *pairLink) toLink() (store.Link, error) {
	ps, qs := l.side(l.p), l.side(l.q)
	if ps.ID == "" || qs.ID == "" {
		return store.Link{}, fmt.Errorf("pair link %s: a side has no id", l.kind)
	}
	data, err := json.Marshal(l.data)
	if err != nil {
		return store.Link{}, err
	}
	at := ps.At
	if qs.At.After(at) {
		at = qs.At
	}
	return store.Link{Connection: l.q, Kind: pairKind(l.kind, l.p), LocalID: l.p + ":" + ps.ID, RemoteID: qs.ID,
		Hash: Hash(ps.Hash + "|" + qs.Hash), SourceVersion: at.Format(time.RFC3339Nano), Data: data, SyncedAt: time.Now().UTC()}, nil
}

func decodePair(p, q, kind string, l store.Link) (*pairLink, error) {
	pl := &pairLink{p: p, q: q, kind: kind, stored: l}
	if len(l.Data) > 0 {
		if err := json.Unmarshal(l.Data, &pl.data); err != nil {
			return nil, fmt.Errorf("pair link %s %s: %w", l.Kind, l.LocalID, err)
		}
	}
	// The ids are the link's own, whatever Data says.
	pl.side(p).ID = strings.TrimPrefix(l.LocalID, p+":")
	pl.side(q).ID = l.RemoteID
	return pl, nil
}

// pairLinks returns the pairs of kind between conn and other whose record
// in conn is one of ids, by that id.
func (rt *Runtime) pairLinks(ctx context.Context, kind, conn, other string, ids []string) (map[string]*pairLink, error) {
	out := map[string]*pairLink{}
	if len(ids) == 0 {
		return out, nil
	}
	p, q := pairOf(conn, other)
	f := store.LinkFilter{Connection: q, Kind: pairKind(kind, p)}
	if conn == p {
		for _, id := range ids {
			f.LocalIDs = append(f.LocalIDs, p+":"+id)
		}
	} else {
		f.RemoteIDs = append([]string{}, ids...)
	}
	list, err := rt.Store.ListLinks(ctx, f)
	if err != nil {
		return nil, err
	}
	for _, l := range list {
		pl, err := decodePair(p, q, kind, l)
		if err != nil {
			return nil, err
		}
		out[pl.side(conn).ID] = pl
	}
	return out, nil
}

// newPair is an empty pair of kind between a and b.
func newPair(kind, a, b string) *pairLink {
	p, q := pairOf(a, b)
	return &pairLink{p: p, q: q, kind: kind}
}

// putPair stores the pair.
func (rt *Runtime) putPair(ctx context.Context, l *pairLink) error {
	sl, err := l.toLink()
	if err != nil {
		return err
	}
	if err := rt.Store.PutLink(ctx, sl); err != nil {
		if errors.Is(err, store.ErrLinkConflict) {
			return fmt.Errorf("pair %s %s ⇄ %s %s is linked otherwise already: %w", l.p, l.side(l.p).ID, l.q, l.side(l.q).ID, err)
		}
		return err
	}
	l.stored = sl
	return nil
}

package flow

import (
	"context"
	"fmt"

	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/store"
)

// Webhooks of a CRM (Clientify fires one for every change of a company,
// contact or product, its API's own included) are hints for the two-way
// routes reading from it: the record a delivery names is synced at once, in
// a job that reads it afresh by id, as a pass would have handed it over, so
// ferry's own writes coming back are echoes like any other (the link's hash)
// and nothing loops. A deletion is a log line (and the pair marked deleted
// on that side): ferry deletes nothing on the other side. The scheduled
// pass stays the backstop for a missed delivery.

// hintedFlows are the two-way flows of a hint's resource.
var hintedFlows = map[string]string{"company": "companies", "contact": "contacts", "product": "crm_products"}

// hintedRoutesFrom returns the two-way routes reading from connection.
func hintedRoutesFrom(rt *Runtime, connection string) []Route {
	var out []Route
	for _, r := range rt.Routes() {
		if _, ok := syncKinds[r.Flow]; ok && r.From == connection {
			out = append(out, r)
		}
	}
	return out
}

// takeHint acts on a verified delivery for the two-way routes from its
// connection; key names the delivery.
func (rt *Runtime) takeHint(ctx context.Context, conn any, routes []Route, body []byte, key string) error {
	h, ok := conn.(RecordHinter)
	if !ok || len(routes) == 0 {
		return nil
	}
	hint, err := h.RecordHint(body)
	if err != nil {
		return err
	}
	flowName, ok := hintedFlows[hint.Resource]
	if !ok || hint.ID == "" {
		return nil
	}
	var ins []jobs.Insert
	for _, r := range routes {
		k := syncKinds[r.Flow]
		if r.Flow != flowName {
			continue
		}
		if hint.Deleted {
			if err := k.deleted(ctx, rt, r, hint.ID); err != nil {
				return err
			}
			continue
		}
		ins = append(ins, jobs.Insert{Args: SyncArgs{Route: r.Name, Noun: k.nounOf(), Key: "hook:" + key, IDs: []string{hint.ID}}, Queue: jobs.QueueName(r.To)})
	}
	if len(ins) == 0 {
		return nil
	}
	_, err = rt.Queue.EnqueueMany(ctx, ins)
	return err
}

func (k *syncKind[T]) nounOf() string { return k.noun }

// deleted records that the route's source deleted record id: a log line,
// and the pair (if any) marked deleted on that side. Nothing is deleted on
// the other side.
func (k *syncKind[T]) deleted(ctx context.Context, rt *Runtime, r Route, id string) error {
	e := syncEnv{route: r.Name, from: r.From, to: r.To}
	entity := fmt.Sprintf("%s %s %s", r.From, k.noun, id)
	pre, err := rt.pairLinks(ctx, k.link, r.From, r.To, []string{id})
	if err != nil {
		return err
	}
	l, ok := pre[id]
	if !ok {
		rt.logLine(ctx, store.LevelInfo, r.Name, entity, fmt.Sprintf("%s was deleted in %s; it was never synced, so %s holds nothing of it", entity, r.From, r.To))
		return nil
	}
	return rt.withKeys(ctx, []string{k.leaseKey(e, "pair", l.side(l.q).ID)}, func() error {
		links, err := rt.pairLinks(ctx, k.link, r.From, r.To, []string{id})
		if err != nil {
			return err
		}
		l, ok := links[id]
		if !ok || l.side(r.From).Gone {
			return nil
		}
		l.side(r.From).Gone = true
		rt.logLine(ctx, store.LevelWarn, r.Name, entity, fmt.Sprintf("%s was deleted in %s; ferry deletes nothing: %s %s %s stays (delete it there by hand if it should go)", entity, r.From, r.To, k.noun, l.side(r.To).ID))
		return rt.putPair(ctx, l)
	})
}

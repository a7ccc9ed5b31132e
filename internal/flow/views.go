package flow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/store"
)

// This file holds the read models of the dashboard and the JSON API: what the
// routes did to each order and product, built from the links, the job issues
// and the catalogue snapshot the products route keeps.

// RequestError is a person's request refused for what it asked (an unknown
// product, a bad period), as opposed to a failure of ferry or a remote system.
type RequestError struct{ Msg string }

func (e *RequestError) Error() string { return e.Msg }

func badRequest(format string, args ...any) error {
	return &RequestError{Msg: fmt.Sprintf(format, args...)}
}

// catalogLink is the link kind of the products route's snapshot of its source:
// one per source product (Connection the source, LocalID and RemoteID the
// product's id), with the product as JSON in Data, so people can see products
// that were never exported and export them on request.
const catalogLink = "catalog"

// OrderView is one order of an orders route as people see it.
type OrderView struct {
	Route string `json:"route"`
	// ShopID and ShopNumber name the order in the source.
	ShopID     string `json:"shop_id"`
	ShopNumber string `json:"shop_number"`
	// ShopStatus is the source's status when ferry last read the order.
	ShopStatus string `json:"shop_status,omitempty"`
	// TargetID and TargetNumber name the order ferry made in the target.
	TargetID     string `json:"target_id,omitempty"`
	TargetNumber string `json:"target_number,omitempty"`
	// TargetURL opens the order in the target's own screens, when it has them.
	TargetURL string `json:"target_url,omitempty"`
	// TargetStatus is what ferry last did there: imported, updated, cancelled.
	TargetStatus string `json:"target_status,omitempty"`
	// Target is the order's own state in the target, read live.
	Target   *model.TargetOrderState `json:"target,omitempty"`
	Shipped  bool                    `json:"shipped"`
	Tracking string                  `json:"tracking,omitempty"`
	Paid     bool                    `json:"paid"`
	SyncedAt time.Time               `json:"synced_at,omitzero"`
	// JobID, Class and Reason are set for an order held by a parked or failed
	// job: what to change is in Reason.
	JobID  int64            `json:"job_id,omitempty"`
	Class  store.IssueClass `json:"issue_class,omitempty"`
	Reason string           `json:"reason,omitempty"`
	// Skipped is set for an order the route read and did not take (not
	// eligible); Reason says why. It is read again when it changes.
	Skipped bool `json:"skipped,omitempty"`
}

// Held reports whether the order waits for a person.
func (v OrderView) Held() bool { return v.JobID != 0 }

// OrderQuery selects a page of an orders route's orders.
type OrderQuery struct {
	// Search keeps the orders whose number in either system contains it.
	Search string
	// Show is "held", "skipped", "imported" or empty for all.
	Show string
	// Offset and Limit pick the page; Limit defaults to 50.
	Offset, Limit int
}

// OrderPage is a page of orders and how many the query selects in all.
type OrderPage struct {
	Orders []OrderView `json:"orders"`
	Total  int         `json:"total"`
	// TargetError says why the target's own states could not be read; the
	// page then shows what ferry last did.
	TargetError string `json:"target_error,omitempty"`
}

// OrderStateReader is a target that tells an order's own state (Odoo's
// quotation/sales order/cancelled with its invoicing and payment, a
// warehouse's status name), read live for the orders on a page.
type OrderStateReader interface {
	OrderStates(ctx context.Context, ids []string) (map[string]model.TargetOrderState, error)
}

// OrderViews returns a page of the orders of an orders route: the held ones
// first (newest first), then those skipped (not eligible) with the reason, then
// the imported ones, most recently synced first, with the target's own state of
// each order on the page.
func OrderViews(ctx context.Context, rt *Runtime, route string, q OrderQuery) (OrderPage, error) {
	var pg OrderPage
	r, err := rt.Route(route)
	if err != nil {
		return pg, err
	}
	if r.Flow != "orders" {
		return pg, fmt.Errorf("route %s runs %s, not orders", r.Name, r.Flow)
	}
	switch q.Show {
	case "", "held", "skipped", "imported":
	default:
		return pg, badRequest("show %q: use held, skipped or imported", q.Show)
	}
	if q.Limit <= 0 {
		q.Limit = 50
	}
	query := strings.ToLower(strings.TrimSpace(q.Search))
	match := func(v OrderView) bool {
		return query == "" || strings.Contains(strings.ToLower(v.ShopNumber), query) || strings.Contains(strings.ToLower(v.TargetNumber), query)
	}
	var all []OrderView
	issues, err := rt.Store.ListIssues(ctx, store.IssueFilter{Route: r.Name, Open: true})
	if err != nil {
		return pg, fmt.Errorf("orders of route %s: %w", r.Name, err)
	}
	held := map[string]bool{}
	for _, is := range issues {
		number, ok := strings.CutPrefix(is.Entity, "order ")
		if !ok || held[number] {
			continue
		}
		held[number] = true
		v := OrderView{Route: r.Name, ShopNumber: number, JobID: is.JobID, Class: is.Class, Reason: is.Reason, SyncedAt: is.CreatedAt}
		if (q.Show == "" || q.Show == "held") && match(v) {
			all = append(all, v)
		}
	}
	if q.Show == "" || q.Show == "skipped" {
		skips, _, err := rt.Store.ListSkips(ctx, store.SkipFilter{Route: r.Name})
		if err != nil {
			return pg, fmt.Errorf("orders of route %s: %w", r.Name, err)
		}
		for _, k := range skips {
			v := OrderView{Route: r.Name, ShopID: k.Entity, ShopNumber: strings.TrimPrefix(k.Label, "order "), Reason: k.Reason, Skipped: true, SyncedAt: k.At}
			if !held[v.ShopNumber] && match(v) {
				all = append(all, v)
			}
		}
	}
	if q.Show == "" || q.Show == "imported" {
		links, err := rt.Store.ListLinks(ctx, store.LinkFilter{Connection: r.To, Kind: orderLink})
		if err != nil {
			return pg, fmt.Errorf("orders of route %s: %w", r.Name, err)
		}
		var imported []OrderView
		for _, l := range links {
			id, ok := strings.CutPrefix(l.LocalID, r.From+":")
			if !ok {
				continue
			}
			var d orderData
			_ = json.Unmarshal(l.Data, &d)
			v := OrderView{Route: r.Name, ShopID: id, ShopNumber: nonEmpty(d.ShopNumber, id), ShopStatus: d.ShopStatus,
				TargetID: l.RemoteID, TargetNumber: d.Number, TargetStatus: nonEmpty(d.Status, "imported"), SyncedAt: l.SyncedAt}
			if !held[v.ShopNumber] && match(v) {
				imported = append(imported, v)
			}
		}
		sort.SliceStable(imported, func(i, j int) bool { return imported[i].SyncedAt.After(imported[j].SyncedAt) })
		all = append(all, imported...)
	}
	pg.Total = len(all)
	if q.Offset >= len(all) {
		pg.Orders = []OrderView{}
		return pg, nil
	}
	page := all[q.Offset:min(len(all), q.Offset+q.Limit)]
	pg.TargetError, err = rt.fillOrderViews(ctx, r, page)
	pg.Orders = page
	return pg, err
}

// fillOrderViews adds to a page of orders what other records say: the held
// orders' shop status from their job, the payments and shipments the routes
// back to the shop recorded, the link into the target's screens, and the
// target's own state, read live (a failure to read it is returned as text, not
// as an error: the page still shows what ferry knows).
func (rt *Runtime) fillOrderViews(ctx context.Context, r Route, page []OrderView) (string, error) {
	var shopIDs, targetIDs []string
	for i := range page {
		v := &page[i]
		if v.Held() {
			if info, err := rt.Queue.Get(ctx, v.JobID); err == nil {
				var a OrderArgs
				if json.Unmarshal(info.Args, &a) == nil && a.Order.ID != "" {
					v.ShopID, v.ShopStatus = string(a.Order.ID), string(a.Order.Status)
				}
			}
		}
		if v.TargetID != "" {
			shopIDs = append(shopIDs, v.ShopID)
			targetIDs = append(targetIDs, v.TargetID)
		}
	}
	if len(targetIDs) == 0 {
		return "", nil
	}
	paid := map[string]bool{}
	shipped := map[string]string{}
	pays, err := rt.Store.ListLinks(ctx, store.LinkFilter{Connection: r.From, Kind: paymentLink, RemoteIDs: shopIDs})
	if err != nil {
		return "", fmt.Errorf("payments of route %s: %w", r.Name, err)
	}
	for _, l := range pays {
		paid[l.RemoteID] = true
	}
	ships, err := rt.Store.ListLinks(ctx, store.LinkFilter{Connection: r.From, Kind: shipmentLink})
	if err != nil {
		return "", fmt.Errorf("shipments of route %s: %w", r.Name, err)
	}
	for _, l := range ships {
		var d ShipmentData
		if json.Unmarshal(l.Data, &d) == nil && d.OrderID != "" {
			shipped[d.OrderID] = nonEmpty(d.TrackingCode, "shipped")
		}
	}
	var linker interface{ RecordURL(kind, id string) string }
	var states map[string]model.TargetOrderState
	var targetErr string
	if c, err := rt.Conn(ctx, r.To); err == nil {
		linker, _ = c.(interface{ RecordURL(kind, id string) string })
		if sr, ok := c.(OrderStateReader); ok {
			// A slow or failing target must not hold the page for long.
			sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			states, err = sr.OrderStates(sctx, targetIDs)
			cancel()
			if err != nil {
				targetErr = fmt.Sprintf("%s's own order states could not be read (%v); the status shown is what ferry last did", r.To, err)
			}
		}
	} else {
		targetErr = fmt.Sprintf("connection %s: %v", r.To, err)
	}
	for i := range page {
		v := &page[i]
		if v.TargetID == "" {
			continue
		}
		if linker != nil {
			v.TargetURL = linker.RecordURL(orderLink, v.TargetID)
		}
		v.Paid = paid[v.ShopID]
		if t, ok := shipped[v.ShopID]; ok {
			v.Shipped, v.Tracking = true, t
		}
		if st, ok := states[v.TargetID]; ok {
			v.Target = &st
		}
	}
	return targetErr, nil
}

// ProductState is a product's export state towards a route's target.
type ProductState string

// Product export states.
const (
	ProductExported ProductState = "exported"
	ProductChanged  ProductState = "changed"
	ProductNever    ProductState = "never"
	ProductParked   ProductState = "parked"
)

// ProductView is one source product of a products route and its export state.
type ProductView struct {
	Route    string        `json:"route"`
	ID       string        `json:"id"`
	SKU      string        `json:"sku"`
	Name     string        `json:"name"`
	Variants []VariantView `json:"variants,omitempty"`
	State    ProductState  `json:"state"`
	// TargetID is the product's id in the target once exported.
	TargetID   string    `json:"target_id,omitempty"`
	ExportedAt time.Time `json:"exported_at,omitzero"`
	SeenAt     time.Time `json:"seen_at,omitzero"`
	JobID      int64     `json:"job_id,omitempty"`
	Reason     string    `json:"reason,omitempty"`
	// InTarget says whether every SKU of the product (each variant's, or its
	// own without variants) exists in the target, read live (ProductSync);
	// nil when that is not known. MissingSKUs are the ones it lacks, and
	// TargetRecord is the target's id of a product without variants.
	InTarget     *bool    `json:"in_target,omitempty"`
	MissingSKUs  []string `json:"missing_skus,omitempty"`
	TargetRecord string   `json:"target_record,omitempty"`
}

// VariantView is one variant of a product.
type VariantView struct {
	SKU     string `json:"sku"`
	Barcode string `json:"barcode,omitempty"`
	Name    string `json:"name,omitempty"`
	// InTarget and TargetRecord: whether the variant's SKU exists in the
	// target and the target's id of it (ProductSync).
	InTarget     *bool  `json:"in_target,omitempty"`
	TargetRecord string `json:"target_record,omitempty"`
}

// ProductFilter selects products for ProductViews; zero fields match all.
type ProductFilter struct {
	State ProductState
	// Query keeps products whose SKU, a variant's SKU or name contains it.
	Query string
	// Limit caps the list (default 500); the total comes back beside it.
	Limit int
	// Missing keeps the products lacking a SKU in the target (ProductSync
	// only, which reads the target).
	Missing bool
}

// ProductViews returns the source products a products route has read, with
// their export state: parked first, then never exported, changed since the
// export, and exported; and how many matched before the limit.
func ProductViews(ctx context.Context, rt *Runtime, route string, f ProductFilter) ([]ProductView, int, error) {
	list, err := productViews(ctx, rt, route, f.State)
	if err != nil {
		return nil, 0, err
	}
	list = matchQuery(list, f.Query)
	if f.Limit <= 0 {
		f.Limit = 500
	}
	total := len(list)
	if len(list) > f.Limit {
		list = list[:f.Limit]
	}
	return list, total, nil
}

// matchQuery keeps the products whose SKU, name or a variant's SKU contains
// q (case-insensitively).
func matchQuery(list []ProductView, q string) []ProductView {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return list
	}
	kept := list[:0]
	for _, v := range list {
		hit := strings.Contains(strings.ToLower(v.SKU), q) || strings.Contains(strings.ToLower(v.Name), q)
		for _, vr := range v.Variants {
			hit = hit || strings.Contains(strings.ToLower(vr.SKU), q)
		}
		if hit {
			kept = append(kept, v)
		}
	}
	return kept
}

func productViews(ctx context.Context, rt *Runtime, route string, state ProductState) ([]ProductView, error) {
	r, err := rt.Route(route)
	if err != nil {
		return nil, err
	}
	if r.Flow != "products" {
		return nil, fmt.Errorf("route %s runs %s, not products", r.Name, r.Flow)
	}
	seen, err := rt.Store.ListLinks(ctx, store.LinkFilter{Connection: r.From, Kind: catalogLink})
	if err != nil {
		return nil, fmt.Errorf("products of route %s: %w", r.Name, err)
	}
	exported, err := rt.Store.ListLinks(ctx, store.LinkFilter{Connection: r.To, Kind: productLink})
	if err != nil {
		return nil, fmt.Errorf("products of route %s: %w", r.Name, err)
	}
	byKey := make(map[string]store.Link, len(exported))
	for _, l := range exported {
		byKey[l.LocalID] = l
	}
	issues, err := rt.Store.ListIssues(ctx, store.IssueFilter{Route: r.Name, Open: true, Limit: 1000})
	if err != nil {
		return nil, fmt.Errorf("products of route %s: %w", r.Name, err)
	}
	parked := map[string]store.JobIssue{}
	for _, is := range issues {
		if _, ok := parked[is.Entity]; !ok {
			parked[is.Entity] = is
		}
	}
	var out []ProductView
	for _, c := range seen {
		var pr model.Product
		if err := json.Unmarshal(c.Data, &pr); err != nil {
			continue
		}
		v := ProductView{Route: r.Name, ID: string(pr.ID), SKU: pr.SKU, Name: pr.Name, SeenAt: c.SyncedAt, State: ProductNever}
		for _, vr := range pr.Variants {
			v.Variants = append(v.Variants, VariantView{SKU: vr.SKU, Barcode: vr.Barcode, Name: variantName(vr)})
		}
		if l, ok := byKey[productKey(r, pr)]; ok {
			v.TargetID, v.ExportedAt = l.RemoteID, l.SyncedAt
			v.State = ProductExported
			if l.Hash != productHash(pr) {
				v.State = ProductChanged
			}
		}
		if is, ok := parked[productEntity(pr)]; ok {
			v.State, v.JobID, v.Reason = ProductParked, is.JobID, is.Reason
		}
		if state != "" && v.State != state {
			continue
		}
		out = append(out, v)
	}
	rank := map[ProductState]int{ProductParked: 0, ProductNever: 1, ProductChanged: 2, ProductExported: 3}
	sort.SliceStable(out, func(i, j int) bool {
		if rank[out[i].State] != rank[out[j].State] {
			return rank[out[i].State] < rank[out[j].State]
		}
		return out[i].SKU < out[j].SKU
	})
	return out, nil
}

func variantName(v model.Variant) string {
	if v.Name != "" {
		return v.Name
	}
	keys := make([]string, 0, len(v.Attributes))
	for k := range v.Attributes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + v.Attributes[k]
	}
	return strings.Join(parts, ", ")
}

// ExportProducts queues products of a route's source (by source id, as the
// catalogue snapshot has them) for export now, even where the target has them
// unchanged, and returns how many were queued.
func ExportProducts(ctx context.Context, rt *Runtime, route string, ids []string) (int, error) {
	r, err := rt.Route(route)
	if err != nil {
		return 0, err
	}
	if r.Flow != "products" {
		return 0, fmt.Errorf("route %s runs %s, not products", r.Name, r.Flow)
	}
	if len(ids) == 0 {
		return 0, badRequest("select at least one product")
	}
	seen, err := rt.Store.ListLinks(ctx, store.LinkFilter{Connection: r.From, Kind: catalogLink, LocalIDs: ids})
	if err != nil {
		return 0, fmt.Errorf("route %s: %w", r.Name, err)
	}
	found := map[string]bool{}
	stamp := time.Now().UTC().Format(time.RFC3339Nano)
	var ins []jobs.Insert
	for _, c := range seen {
		var pr model.Product
		if err := json.Unmarshal(c.Data, &pr); err != nil {
			return 0, fmt.Errorf("route %s: product %s: stored copy unreadable: %w", r.Name, c.LocalID, err)
		}
		found[c.LocalID] = true
		// The stamp makes a request of a person a job of its own, even for a
		// product exported unchanged before.
		ins = append(ins, jobs.Insert{Args: ProductArgs{Route: r.Name, Key: productKey(r, pr) + "@now:" + stamp, Product: pr, Force: true}, Queue: jobs.QueueName(r.To)})
	}
	for _, id := range ids {
		if !found[id] {
			return 0, badRequest("route %s: product %s has not been read from %s yet; run the route first", r.Name, id, r.From)
		}
	}
	if _, err := rt.Queue.EnqueueMany(ctx, ins); err != nil {
		return 0, fmt.Errorf("route %s: %w", r.Name, err)
	}
	return len(ins), nil
}

// keepCatalog records the products a pass read in the source's catalogue
// snapshot, writing only those whose content changed.
func keepCatalog(ctx context.Context, rt *Runtime, r Route, products []model.Product) error {
	if len(products) == 0 {
		return nil
	}
	ids := make([]string, len(products))
	for i, pr := range products {
		ids[i] = string(pr.ID)
	}
	have, err := rt.linksByLocal(ctx, r.From, catalogLink, ids)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	for _, pr := range products {
		h := Hash(pr)
		if l, ok := have[string(pr.ID)]; ok && l.Hash == h {
			continue
		}
		data, err := json.Marshal(pr)
		if err != nil {
			return fmt.Errorf("route %s: %s: %w", r.Name, productEntity(pr), err)
		}
		err = rt.Store.PutLink(ctx, store.Link{Connection: r.From, Kind: catalogLink, LocalID: string(pr.ID), RemoteID: string(pr.ID), Hash: h, Data: data, SyncedAt: now})
		if err != nil && !errors.Is(err, store.ErrLinkConflict) {
			return fmt.Errorf("route %s: keeping %s: %w", r.Name, productEntity(pr), err)
		}
	}
	return nil
}

// RunRoute asks for one pass of a route now, as a person's request (the
// dashboard's Run now): since and until, when set, make it read that period
// (until only for orders). It returns false when a pass of the route is
// already waiting or running, which then covers the request.
func RunRoute(ctx context.Context, rt *Runtime, route string, since, until time.Time) (bool, error) {
	r, err := rt.Route(route)
	if err != nil {
		return false, err
	}
	if !until.IsZero() && r.Flow != "orders" {
		return false, badRequest("route %s: an end date applies to order imports only", r.Name)
	}
	if !since.IsZero() && !until.IsZero() && !since.Before(until) {
		return false, badRequest("route %s: the period's start %s is not before its end %s", r.Name, since.Format(time.RFC3339), until.Format(time.RFC3339))
	}
	a := TickArgs{Route: r.Name}
	if !since.IsZero() {
		a.Since = since.UTC().Format(time.RFC3339)
	}
	if !until.IsZero() {
		a.Until = until.UTC().Format(time.RFC3339)
	}
	res, err := rt.Queue.Enqueue(ctx, jobs.Insert{Args: a, WhileActive: true})
	if err != nil {
		return false, fmt.Errorf("route %s: %w", r.Name, err)
	}
	return !res.Duplicate, nil
}

// Backlog is a route's unfinished work.
type Backlog struct {
	// Jobs is the number of jobs that will still run (up to 1,000 counted).
	Jobs int `json:"jobs"`
	// Oldest is when the oldest of them was queued; zero when none.
	Oldest time.Time `json:"oldest,omitzero"`
}

// RouteBacklog returns a route's unfinished jobs: their number and the age of
// the oldest, the route's lag.
func RouteBacklog(ctx context.Context, rt *Runtime, route string) (Backlog, error) {
	list, err := rt.Queue.List(ctx, jobs.Filter{Route: route, States: unfinished, Limit: 1000})
	if err != nil {
		return Backlog{}, fmt.Errorf("route %s: %w", route, err)
	}
	var b Backlog
	b.Jobs = len(list)
	for _, j := range list {
		if b.Oldest.IsZero() || j.CreatedAt.Before(b.Oldest) {
			b.Oldest = j.CreatedAt
		}
	}
	return b, nil
}

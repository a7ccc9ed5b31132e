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

// HoldSink is an order target that can hold orders for review (an ERP): an
// order imported with model.OrderImport.Hold stays a quotation until a person
// confirms or cancels it, there or through ferry.
type HoldSink interface {
	// ConfirmHeld confirms the held quotation remoteID and runs the workflow
	// (nil: the target's default); the steps it finds done are not repeated.
	ConfirmHeld(ctx context.Context, remoteID string, w *model.Workflow) error
	// CancelHeld cancels the held quotation remoteID, noting the reason.
	CancelHeld(ctx context.Context, remoteID string, reason string) error
}

// WorkflowRule chooses the automatic processing of the orders whose financial
// status and payment gateway match (both with * wildcards; empty matches all).
type WorkflowRule struct {
	FinancialStatus string `yaml:"financial_status" json:"financial_status"`
	Gateway         string `yaml:"gateway" json:"gateway"`
	// Until is the last step: quotation (none), confirm, invoice, post or pay.
	// Default post.
	Until string `yaml:"until" json:"until"`
	// Journal is the target's payment journal (name or code) the pay step
	// registers the payment in; it is required for pay.
	Journal string `yaml:"journal" json:"journal,omitempty"`
}

// workflowSteps in order; a rule's Until is one of them.
var workflowSteps = []string{"quotation", "confirm", "invoice", "post", "pay"}

func (w WorkflowRule) validate() error {
	until := w.Until
	if until == "" {
		until = "post"
	}
	found := false
	for _, s := range workflowSteps {
		found = found || s == until
	}
	switch {
	case !found:
		return fmt.Errorf("until %q: want one of %s", w.Until, strings.Join(workflowSteps, ", "))
	case until == "pay" && strings.TrimSpace(w.Journal) == "":
		return errors.New("until pay needs the journal the payment is registered in")
	case until != "pay" && w.Journal != "":
		return fmt.Errorf("journal %q is only used by until pay", w.Journal)
	}
	return nil
}

// workflow is the rule as the target's steps.
func (w WorkflowRule) workflow() *model.Workflow {
	until := w.Until
	if until == "" {
		until = "post"
	}
	n := 0
	for i, s := range workflowSteps {
		if s == until {
			n = i
		}
	}
	out := &model.Workflow{Confirm: n >= 1, Invoice: n >= 2, Post: n >= 3}
	if n >= 4 {
		out.PaymentJournal = strings.TrimSpace(w.Journal)
	}
	return out
}

// workflowFor returns the workflow of the first rule matching o, and false
// when the route has rules and none matches.
func workflowFor(rules []WorkflowRule, o model.Order) (*model.Workflow, bool) {
	if len(rules) == 0 {
		return nil, true
	}
	for _, w := range rules {
		if matchOrEmpty(w.FinancialStatus, o.FinancialStatus) && matchOrEmpty(w.Gateway, o.PaymentMethod.Name) {
			return w.workflow(), true
		}
	}
	return nil, false
}

func matchOrEmpty(pattern, name string) bool {
	return strings.TrimSpace(pattern) == "" || Match(pattern, name)
}

// holdReason says why the route holds o for review, or "".
func holdReason(opts *OrdersOptions, o model.Order) string {
	risk := o.Risk
	if risk == "" && o.HighRisk {
		risk = "high"
	}
	switch {
	case opts.HoldRisk == "off" || risk == "" || risk == "low":
		return ""
	case risk == "medium" && opts.HoldRisk == "high":
		return ""
	}
	why := risk + " fraud risk in the shop"
	if o.RiskReason != "" {
		why += " (" + o.RiskReason + ")"
	}
	return why
}

// canHoldOrders reports whether the route's target holds orders for review.
func canHoldOrders(ctx context.Context, rt *Runtime, r Route) bool {
	c, err := rt.Conn(ctx, r.To)
	if err != nil {
		return false
	}
	_, ok := c.(HoldSink)
	return ok
}

// reviewLink is the link kind that records an order held for review and a
// person's decision on it: beside the order's own link, so that the few held
// orders are listed without reading every order's link.
const reviewLink = "order-review"

// reviewData is kept in a review link.
type reviewData struct {
	Route      string `json:"route"`
	ShopNumber string `json:"shop_number"`
	Number     string `json:"number,omitempty"`
	Hold       string `json:"hold"`
	Financial  string `json:"financial,omitempty"`
	Gateway    string `json:"gateway,omitempty"`
	// Review is held, confirmed or cancelled.
	Review     string `json:"review"`
	ReviewedBy string `json:"reviewed_by,omitempty"`
}

// Review states.
const (
	reviewHeld      = "held"
	reviewConfirmed = "confirmed"
	reviewCancelled = "cancelled"
)

// reviewed reports whether a person decided on the held order already: their
// decision stands whatever the shop's verdict says later.
func reviewed(l store.Link, ok bool) bool {
	if !ok {
		return false
	}
	var d reviewData
	_ = json.Unmarshal(l.Data, &d)
	return d.Review != reviewHeld
}

// noteHeld records that the route's order o went to the target held.
func (rt *Runtime) noteHeld(ctx context.Context, r Route, o model.Order, imp model.OrderImport, remoteID, number string) error {
	d := reviewData{Route: r.Name, ShopNumber: o.Number, Number: number, Hold: imp.Hold, Financial: o.FinancialStatus, Gateway: o.PaymentMethod.Name, Review: reviewHeld}
	data, _ := json.Marshal(d)
	err := rt.Store.PutLink(ctx, store.Link{Connection: r.To, Kind: reviewLink, LocalID: orderLocalID(r, o), RemoteID: remoteID, Data: data, SyncedAt: time.Now().UTC()})
	if err != nil && !errors.Is(err, store.ErrLinkConflict) {
		return fmt.Errorf("route %s: noting order %s held: %w", r.Name, o.Number, err)
	}
	rt.logLine(ctx, store.LevelWarn, r.Name, "order "+o.Number, "held for review in "+r.To+": "+imp.Hold+"; confirm or cancel it on the Sales page or in "+r.To)
	return nil
}

// noteReviewed records the decision on a held order.
func (rt *Runtime) noteReviewed(ctx context.Context, r Route, l store.Link, review, who string) error {
	var d reviewData
	_ = json.Unmarshal(l.Data, &d)
	d.Review, d.ReviewedBy = review, who
	l.Data, _ = json.Marshal(d)
	l.SyncedAt = time.Now().UTC()
	if err := rt.Store.PutLink(ctx, l); err != nil {
		return fmt.Errorf("route %s: order %s: noting the review: %w", r.Name, d.ShopNumber, err)
	}
	rt.logLine(ctx, store.LevelInfo, r.Name, "order "+d.ShopNumber, fmt.Sprintf("%s in %s by %s after review (%s)", review, r.To, who, d.Hold))
	return nil
}

// HeldOrder is an order held for review in its target.
type HeldOrder struct {
	Route  string `json:"route"`
	Target string `json:"target"`
	// OrderID is the shop's id, Number the shop's number, RemoteID and
	// TargetNumber the target's.
	OrderID      string    `json:"order_id"`
	Number       string    `json:"number"`
	RemoteID     string    `json:"remote_id"`
	TargetNumber string    `json:"target_number,omitempty"`
	Reason       string    `json:"reason"`
	Review       string    `json:"review"`
	ReviewedBy   string    `json:"reviewed_by,omitempty"`
	At           time.Time `json:"at"`
	// TargetURL opens the quotation in the target's screens; TargetState is
	// its state there, read live (a person may have decided there already).
	TargetURL   string `json:"target_url,omitempty"`
	TargetState string `json:"target_state,omitempty"`
}

// HeldOrders lists the orders of the orders routes that were held for review,
// those still waiting first, then the newest; reviewed ones stay listed with
// who decided.
func (rt *Runtime) HeldOrders(ctx context.Context) ([]HeldOrder, error) {
	out, err := rt.heldOrders(ctx)
	if err != nil {
		return nil, err
	}
	rt.fillHeldStates(ctx, out)
	sort.SliceStable(out, func(i, j int) bool {
		wi, wj := out[i].Review == reviewHeld, out[j].Review == reviewHeld
		if wi != wj {
			return wi
		}
		return out[i].At.After(out[j].At)
	})
	return out, nil
}

// WaitingReview counts, per orders route, the held orders no one decided on
// yet, from the store alone (no call to the targets).
func (rt *Runtime) WaitingReview(ctx context.Context) (map[string]int, error) {
	held, err := rt.heldOrders(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, h := range held {
		if h.Review == reviewHeld {
			out[h.Route]++
		}
	}
	return out, nil
}

// heldOrders reads the review links of every orders route's target.
func (rt *Runtime) heldOrders(ctx context.Context) ([]HeldOrder, error) {
	var out []HeldOrder
	seen := map[string]bool{}
	for _, r := range rt.Routes() {
		if r.Flow != "orders" || seen[r.To] {
			continue
		}
		seen[r.To] = true
		links, err := rt.Store.ListLinks(ctx, store.LinkFilter{Connection: r.To, Kind: reviewLink})
		if err != nil {
			return nil, fmt.Errorf("connection %s: reading held orders: %w", r.To, err)
		}
		for _, l := range links {
			var d reviewData
			if json.Unmarshal(l.Data, &d) != nil {
				continue
			}
			from := l.LocalID[:max(0, strings.Index(l.LocalID, ":"))]
			out = append(out, HeldOrder{Route: d.Route, Target: r.To, OrderID: strings.TrimPrefix(l.LocalID, from+":"), Number: d.ShopNumber,
				RemoteID: l.RemoteID, TargetNumber: d.Number, Reason: d.Hold, Review: d.Review, ReviewedBy: d.ReviewedBy, At: l.SyncedAt})
		}
	}
	return out, nil
}

// ReviewOrder carries out a person's decision on an order held for review:
// confirm it (running the route's workflow for it) or cancel it, in the
// target. It answers the order's name for people ("order #1052").
func (rt *Runtime) ReviewOrder(ctx context.Context, route, orderID string, confirm bool, who string) (string, error) {
	r, err := rt.Route(route)
	if err != nil {
		return "", err
	}
	if r.Flow != "orders" {
		return "", fmt.Errorf("route %s is not an orders route", route)
	}
	sink, err := As[HoldSink](ctx, rt, r, r.To, "a target that holds orders for review")
	if err != nil {
		return "", err
	}
	local := r.From + ":" + orderID
	name := "order " + orderID
	err = rt.withKeys(ctx, []string{"order-review:" + r.To + ":" + local}, func() error {
		links, err := rt.linksByLocal(ctx, r.To, reviewLink, []string{local})
		if err != nil {
			return err
		}
		l, ok := links[local]
		if !ok {
			return badRequest("route %s: order %s was never held for review in %s", r.Name, orderID, r.To)
		}
		var d reviewData
		_ = json.Unmarshal(l.Data, &d)
		entity := "order " + nonEmpty(d.ShopNumber, orderID)
		name = entity
		if d.Review != reviewHeld {
			return badRequest("route %s: %s was %s already by %s", r.Name, entity, d.Review, nonEmpty(d.ReviewedBy, "someone"))
		}
		if confirm {
			w, found := workflowFor(ordersOptions(r).Workflows, model.Order{FinancialStatus: d.Financial, PaymentMethod: model.Method{Name: d.Gateway}})
			if !found {
				return jobs.NeedsAction(fmt.Sprintf("%s: no workflow for financial status %q and gateway %q; add one to route %s", entity, d.Financial, d.Gateway, r.Name), "route:"+r.Name)
			}
			err = sink.ConfirmHeld(ctx, l.RemoteID, w)
			d.Review = reviewConfirmed
		} else {
			err = sink.CancelHeld(ctx, l.RemoteID, "cancelled by "+who+" in ferry after review: "+d.Hold)
			d.Review = reviewCancelled
		}
		if err != nil {
			return fmt.Errorf("route %s: %s: %w", r.Name, entity, err)
		}
		return rt.noteReviewed(ctx, r, l, d.Review, who)
	})
	return name, err
}

// fillHeldStates adds the target's link and live state to the orders still
// waiting; a target that cannot answer leaves the state empty.
func (rt *Runtime) fillHeldStates(ctx context.Context, held []HeldOrder) {
	byTarget := map[string][]int{}
	for i, h := range held {
		byTarget[h.Target] = append(byTarget[h.Target], i)
	}
	for target, idx := range byTarget {
		c, err := rt.Conn(ctx, target)
		if err != nil {
			continue
		}
		if linker, ok := c.(interface{ RecordURL(kind, id string) string }); ok {
			for _, i := range idx {
				held[i].TargetURL = linker.RecordURL(orderLink, held[i].RemoteID)
			}
		}
		sr, ok := c.(OrderStateReader)
		if !ok {
			continue
		}
		var ids []string
		for _, i := range idx {
			if held[i].Review == reviewHeld {
				ids = append(ids, held[i].RemoteID)
			}
		}
		if len(ids) == 0 {
			continue
		}
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		states, err := sr.OrderStates(sctx, ids)
		cancel()
		if err != nil {
			continue
		}
		for _, i := range idx {
			if st, ok := states[held[i].RemoteID]; ok {
				held[i].TargetState = st.State
			}
		}
	}
}

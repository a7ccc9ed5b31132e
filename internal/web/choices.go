package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/model"
)

// The names both ends of an orders route know, offered as choices on the
// Mappings page. Connectors that can list them implement these.
type (
	// ShippingMethodNamer lists a shop's shipping methods.
	ShippingMethodNamer interface {
		ShippingMethodNames(ctx context.Context) ([]string, error)
	}
	// PaymentMethodNamer lists a shop's payment methods.
	PaymentMethodNamer interface {
		PaymentMethodNames(ctx context.Context) ([]string, error)
	}
	// CarrierNamer lists a target's carriers (ways of delivery).
	CarrierNamer interface {
		CarrierNames(ctx context.Context) ([]string, error)
	}
	// TaxNamer lists a target's taxes.
	TaxNamer interface {
		TaxNames(ctx context.Context) ([]string, error)
	}
)

// ChoicesTimeout bounds reading the choices when a page renders.
var ChoicesTimeout = 5 * time.Second

// Choices are the names an orders route's mappings may use: the shop's
// shipping and payment methods and the target's carriers and taxes. A list
// that could not be read is nil, and Notes say why (the page then offers
// free text).
type Choices struct {
	// Source and Target are the route's shop and target connections.
	Source          string   `json:"source"`
	Target          string   `json:"target"`
	ShippingMethods []string `json:"shipping_methods"`
	PaymentMethods  []string `json:"payment_methods"`
	Carriers        []string `json:"carriers"`
	Taxes           []string `json:"taxes"`
	Notes           []string `json:"notes,omitempty"`
	// Links says, for each of the shop's shipping methods, what the route's
	// rules link it to now.
	Links []MethodLink `json:"links"`
}

// MethodLink is a shop shipping method and what the rules link it to: To by
// Rule (its pattern), or nothing, and then the method's orders are held.
// Without any rules a method's name is passed on as it is (AsIs).
type MethodLink struct {
	Method string `json:"method"`
	To     string `json:"to,omitempty"`
	Rule   string `json:"rule,omitempty"`
	Linked bool   `json:"linked"`
	AsIs   bool   `json:"as_is,omitempty"`
}

// LinksFor links each of the shop's shipping methods through rules, the
// unlinked first (they hold orders), as the orders route would.
func (c *Choices) LinksFor(rules []flow.Rule) []MethodLink {
	out := []MethodLink{}
	if c == nil {
		return out
	}
	for _, m := range c.ShippingMethods {
		l := MethodLink{Method: m}
		switch i := flow.RuleFor(rules, m); {
		case len(rules) == 0:
			l.To, l.Linked, l.AsIs = m, true, true
		case i >= 0:
			l.To, l.Rule, l.Linked = rules[i].To, rules[i].Match, true
		}
		out = append(out, l)
	}
	sort.SliceStable(out, func(i, j int) bool { return !out[i].Linked && out[j].Linked })
	return out
}

// choices reads the names the ends of an orders route know, each within
// ChoicesTimeout.
func (s *Server) choices(ctx context.Context, r flow.Route) *Choices {
	ctx, cancel := context.WithTimeout(ctx, ChoicesTimeout)
	defer cancel()
	c := &Choices{Source: r.From, Target: r.To}
	var mu sync.Mutex
	var wg sync.WaitGroup
	read := func(conn, what string, dst *[]string, list func(any) (func(context.Context) ([]string, error), bool)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cn, err := s.hub.Flows.Conn(ctx, conn)
			var names []string
			if err == nil {
				fn, ok := list(cn)
				if !ok {
					return
				}
				names, err = fn(ctx)
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil && len(names) > 0 {
				// Part of the list came (OGOship's configured codes
				// without its recent orders'): offer it and say so.
				c.Notes = append(c.Notes, fmt.Sprintf("the %s of %s are incomplete (%s)", what, conn, shortErr(err)))
			} else if err != nil {
				c.Notes = append(c.Notes, fmt.Sprintf("the %s of %s could not be read (%s); type them", what, conn, shortErr(err)))
				return
			}
			*dst = uniqueSorted(names)
		}()
	}
	read(r.From, "shipping methods", &c.ShippingMethods, func(cn any) (func(context.Context) ([]string, error), bool) {
		n, ok := cn.(ShippingMethodNamer)
		if !ok {
			return nil, false
		}
		return n.ShippingMethodNames, true
	})
	read(r.From, "payment methods", &c.PaymentMethods, func(cn any) (func(context.Context) ([]string, error), bool) {
		n, ok := cn.(PaymentMethodNamer)
		if !ok {
			return nil, false
		}
		return n.PaymentMethodNames, true
	})
	read(r.To, "carriers", &c.Carriers, func(cn any) (func(context.Context) ([]string, error), bool) {
		n, ok := cn.(CarrierNamer)
		if !ok {
			return nil, false
		}
		return n.CarrierNames, true
	})
	read(r.To, "taxes", &c.Taxes, func(cn any) (func(context.Context) ([]string, error), bool) {
		n, ok := cn.(TaxNamer)
		if !ok {
			return nil, false
		}
		return n.TaxNames, true
	})
	wg.Wait()
	sort.Strings(c.Notes)
	var rules []flow.Rule
	if o, ok := r.Options.(*flow.OrdersOptions); ok && o != nil {
		rules = o.ShippingMethods
	}
	c.Links = c.LinksFor(rules)
	return c
}

func shortErr(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "no answer in " + ChoicesTimeout.String()
	}
	msg := err.Error()
	if len(msg) > 160 {
		msg = msg[:160] + "…"
	}
	return msg
}

func uniqueSorted(names []string) []string {
	out := []string{}
	for _, n := range names {
		if n = strings.TrimSpace(n); n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// HeldMethod is a shipping method no rule would match, with the recent orders
// that used it.
type HeldMethod struct {
	Method string `json:"method"`
	Orders int    `json:"orders"`
}

// MappingPreview says what a route's shipping method rules would hold: the
// shop's known methods (listed by the shop, or seen in its recent orders) that
// match no rule, and how many orders of the recent ones used each.
type MappingPreview struct {
	Route string       `json:"route"`
	Held  []HeldMethod `json:"held"`
	// Known is how many shipping methods were checked.
	Known int `json:"known"`
	// RecentOrders is how many orders since Since were read.
	RecentOrders int       `json:"recent_orders"`
	Since        time.Time `json:"since"`
	Notes        []string  `json:"notes,omitempty"`
}

// Warning is the preview in words, empty when nothing would be held.
func (p *MappingPreview) Warning() string {
	if p == nil || len(p.Held) == 0 {
		return ""
	}
	parts := make([]string, len(p.Held))
	for i, h := range p.Held {
		parts[i] = fmt.Sprintf("%q (%d recent orders)", h.Method, h.Orders)
	}
	what := "1 shipping method matches"
	if len(p.Held) != 1 {
		what = fmt.Sprintf("%d shipping methods match", len(p.Held))
	}
	return fmt.Sprintf("%s no rule, so its orders will be held: %s", what, strings.Join(parts, ", "))
}

// PreviewDays is how far back the preview reads the shop's orders.
const PreviewDays = 30

// maxPreviewOrders caps the orders the preview reads.
const maxPreviewOrders = 2000

var errEnough = errors.New("enough orders read")

// previewShipping works out what the shipping method rules would hold on an
// orders route. No rules hold nothing (the shop's names are used as they are).
func (s *Server) previewShipping(ctx context.Context, name string, rules []flow.Rule) (*MappingPreview, error) {
	r, err := s.routeOf(name, "orders")
	if err != nil {
		return nil, &notFoundError{err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, 2*ChoicesTimeout)
	defer cancel()
	p := &MappingPreview{Route: name, Held: []HeldMethod{}, Since: time.Now().UTC().AddDate(0, 0, -PreviewDays).Truncate(time.Second)}
	used := map[string]int{}
	known := map[string]bool{}
	conn, err := s.hub.Flows.Conn(ctx, r.From)
	if err != nil {
		p.Notes = append(p.Notes, fmt.Sprintf("connection %s could not be opened (%s): the methods and orders below may be incomplete", r.From, shortErr(err)))
	} else {
		if n, ok := conn.(ShippingMethodNamer); ok {
			names, err := n.ShippingMethodNames(ctx)
			if err != nil {
				p.Notes = append(p.Notes, fmt.Sprintf("the shipping methods of %s could not be read (%s)", r.From, shortErr(err)))
			}
			for _, m := range names {
				known[m] = true
			}
		}
		if src, ok := conn.(flow.OrderSource); ok {
			err := src.ChangedOrders(ctx, p.Since, func(orders []model.Order, _ []error, _ time.Time) error {
				for _, o := range orders {
					if o.ShippingMethod.Name != "" {
						used[o.ShippingMethod.Name]++
						known[o.ShippingMethod.Name] = true
					}
				}
				p.RecentOrders += len(orders)
				if p.RecentOrders >= maxPreviewOrders {
					return errEnough
				}
				return nil
			})
			if err != nil && !errors.Is(err, errEnough) {
				p.Notes = append(p.Notes, fmt.Sprintf("the recent orders of %s could not be read (%s): the counts may be low", r.From, shortErr(err)))
			}
		}
	}
	p.Known = len(known)
	if len(rules) == 0 {
		return p, nil
	}
	for m := range known {
		if _, ok := flow.Lookup(rules, m); !ok {
			p.Held = append(p.Held, HeldMethod{Method: m, Orders: used[m]})
		}
	}
	sort.Slice(p.Held, func(i, j int) bool {
		if p.Held[i].Orders != p.Held[j].Orders {
			return p.Held[i].Orders > p.Held[j].Orders
		}
		return p.Held[i].Method < p.Held[j].Method
	})
	return p, nil
}

// mappingsPageData is the Mappings page: the rules, the choices of each
// orders route, and (after a preview or a save that needs confirming) the
// proposed rules with what they would hold.
type mappingsPageData struct {
	Mappings
	Choices map[string]*Choices
	// Preview and Proposed are set for the route a preview was asked for.
	Preview  *MappingPreview
	Proposed *OrdersMapping
}

// Unmapped returns the shop's methods that no rule of m maps.
func (c *Choices) Unmapped(rules []flow.Rule) []string {
	if c == nil {
		return nil
	}
	var out []string
	for _, m := range c.ShippingMethods {
		if _, ok := flow.Lookup(rules, m); !ok {
			out = append(out, m)
		}
	}
	return out
}

func (s *Server) renderMappings(w http.ResponseWriter, r *http.Request, status int, preview *MappingPreview, proposed *OrdersMapping, errMsg string) {
	m, err := s.mappings(r.Context())
	if err != nil {
		s.fail(w, r, false, http.StatusInternalServerError, err.Error())
		return
	}
	d := mappingsPageData{Mappings: m, Choices: map[string]*Choices{}, Preview: preview, Proposed: proposed}
	if proposed != nil {
		for i := range d.Orders {
			if d.Orders[i].Route == proposed.Route {
				d.Orders[i] = *proposed
			}
		}
	}
	for _, om := range d.Orders {
		d.Choices[om.Route] = &Choices{}
		if rt, err := s.hub.Flows.Route(om.Route); err == nil {
			d.Choices[om.Route] = s.choices(r.Context(), rt)
		}
	}
	s.render(w, r, status, "mappings", page{Title: "Mappings", Nav: "mappings", Error: errMsg, Data: d})
}

package web

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/flow"
	"github.com/ferryhub/ferry/internal/store"
)

// The instances page is seed 003's dashboard: one panel per shop (several
// shops in one hub), each with its figures of today and the last 7 days in
// the seed's words (orders imported, products exported, deliveries, …), the
// orders waiting for review, and its routes with Run now (orders over a
// period).

// Instance is one shop connection and the routes that serve it.
type Instance struct {
	ConnStatus
	KPIs []KPI `json:"kpis"`
	// Waiting is the orders held for review that no one has decided on.
	Waiting int           `json:"waiting_review"`
	Routes  []RouteStatus `json:"routes"`
}

// KPI is one figure of an instance: records a kind of route wrote.
type KPI struct {
	Label string `json:"label"`
	Route string `json:"route"`
	Today int    `json:"today"`
	Week  int    `json:"week"`
	// Problems are parked or failed records of the last 7 days.
	Problems int `json:"problems"`
}

// instanceRole says, per flow, whether the shop is the route's source (true)
// or target, and the figure's words and counts.
var instanceRole = map[string]struct {
	shopIsFrom bool
	label      string
	count      func(store.Counts) int
}{
	"orders":    {true, "orders imported", func(c store.Counts) int { return c.Created }},
	"refunds":   {true, "refunds credited", func(c store.Counts) int { return c.Created }},
	"payouts":   {true, "payouts booked", func(c store.Counts) int { return c.Created }},
	"products":  {false, "products exported", func(c store.Counts) int { return c.Created + c.Updated }},
	"stock":     {false, "stock levels sent", func(c store.Counts) int { return c.Updated + c.Created }},
	"shipments": {false, "deliveries sent", func(c store.Counts) int { return c.Updated + c.Created }},
	"payments":  {false, "payments marked", func(c store.Counts) int { return c.Updated + c.Created }},
}

func (s *Server) instances(ctx context.Context) ([]Instance, error) {
	ov, err := s.overview(ctx)
	if err != nil {
		return nil, err
	}
	// From the store: the page reads no target.
	waiting, err := s.hub.Flows.WaitingReview(ctx)
	if err != nil {
		return nil, err
	}
	byName := map[string]*Instance{}
	var order []string
	for _, c := range ov.Connections {
		byName[c.Name] = &Instance{ConnStatus: c}
	}
	// A shop is the source of an orders route.
	shop := map[string]bool{}
	for _, r := range ov.Routes {
		if r.Flow == "orders" {
			shop[r.From] = true
		}
	}
	for _, r := range ov.Routes {
		role, ok := instanceRole[r.Flow]
		end := r.To
		if !ok || role.shopIsFrom {
			end = r.From
		}
		label := role.label
		// A shop that is the product master: its products go to the ERP.
		if ok && !shop[end] && !role.shopIsFrom && shop[r.From] {
			end, label = r.From, strings.Replace(role.label, "exported", "imported", 1)
		}
		if !shop[end] {
			continue
		}
		in := byName[end]
		if in == nil {
			continue
		}
		if len(in.Routes) == 0 {
			order = append(order, end)
		}
		in.Routes = append(in.Routes, r)
		if ok {
			in.KPIs = append(in.KPIs, KPI{Label: label, Route: r.Name, Today: role.count(r.Today), Week: role.count(r.Week), Problems: r.Week.Parked + r.Week.Failed})
		}
		if r.Flow == "orders" {
			k, err := s.invoicesKPI(ctx, r.Name)
			if err != nil {
				return nil, err
			}
			in.KPIs = append(in.KPIs, k)
		}
	}
	routeShop := map[string]string{}
	for _, name := range order {
		for _, r := range byName[name].Routes {
			routeShop[r.Name] = name
		}
	}
	for route, n := range waiting {
		if in := byName[routeShop[route]]; in != nil {
			in.Waiting += n
		}
	}
	sort.Strings(order)
	out := make([]Instance, 0, len(order))
	for _, name := range order {
		out = append(out, *byName[name])
	}
	return out, nil
}

// invoicesKPI counts the invoices the target of the orders route made for
// its orders, today and in the last 7 days.
func (s *Server) invoicesKPI(ctx context.Context, route string) (KPI, error) {
	now := time.Now()
	stats, err := s.st().ListRouteStats(ctx, flow.InvoicesStat(route), now.Add(-7*24*time.Hour).Truncate(time.Hour))
	if err != nil {
		return KPI{}, fmt.Errorf("route %s: invoice counts: %w", route, err)
	}
	k := KPI{Label: "invoices created", Route: route}
	midnight := now.Truncate(24 * time.Hour)
	for _, st := range stats {
		k.Week += st.Created
		if !st.Hour.Before(midnight) {
			k.Today += st.Created
		}
	}
	return k, nil
}

func (s *Server) instancesPage(w http.ResponseWriter, r *http.Request) {
	ins, err := s.instances(r.Context())
	if err != nil {
		s.fail(w, r, false, http.StatusInternalServerError, err.Error())
		return
	}
	s.render(w, r, http.StatusOK, "instances", page{Title: "Instances", Nav: "instances", Data: ins})
}

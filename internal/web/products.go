package web

import (
	"net/http"

	"github.com/ferryhub/ferry/internal/flow"
)

// The products page is seed 001's "Sync webshop products": the source's
// products with their export state and whether the target holds them (read
// live), a Refresh that reads the source again, and create or update of the
// selected ones in the target.

// productsData is the products page's data.
type productsData struct {
	routePick
	State   flow.ProductState
	Query   string
	Missing bool
	States  []flow.ProductState
	Page    flow.ProductPage
	// Source is the route's source connection.
	Source string
}

func (s *Server) productsPage(w http.ResponseWriter, r *http.Request) {
	rp := s.pickRoute(r, "products")
	q := r.URL.Query()
	f := flow.ProductFilter{State: flow.ProductState(q.Get("state")), Query: q.Get("q"), Missing: q.Get("missing") != "", Limit: 500}
	data := productsData{routePick: rp, State: f.State, Query: f.Query, Missing: f.Missing,
		States: []flow.ProductState{flow.ProductParked, flow.ProductNever, flow.ProductChanged, flow.ProductExported}}
	if rp.Route != "" {
		if rt, err := s.routeOf(rp.Route, "products"); err == nil {
			data.Source = rt.From
		}
		var err error
		if data.Page, err = flow.ProductSync(r.Context(), s.hub.Flows, rp.Route, f); err != nil {
			s.fail(w, r, false, http.StatusInternalServerError, err.Error())
			return
		}
	}
	s.render(w, r, http.StatusOK, "products", page{Title: "Products", Nav: "products", Data: data})
}

func (s *Server) formRefresh(w http.ResponseWriter, r *http.Request) {
	msg, err := s.refreshProducts(r, r.PathValue("name"))
	s.done(w, r, "/products?route="+r.PathValue("name"), msg, err)
}

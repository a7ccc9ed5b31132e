package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/ferryhub/ferry/internal/flow"
)

// The sales page is seed 003's Sales tab as far as ferry moved the records:
// the risky quotations held for review (confirmed or cancelled from here,
// which runs the route's workflow in the target), the quotations and sales
// orders ferry imported with their invoices and delivery orders, the
// customers, the credit notes of refunds and the bank statements of payouts,
// each linked to the target.

// salesData is the sales page's data.
type salesData struct {
	Held    []flow.HeldOrder   `json:"held"`
	Waiting int                `json:"waiting"`
	Refunds []flow.MoneyRecord `json:"refunds"`
	Payouts []flow.MoneyRecord `json:"payouts"`
	// Customers are the newest customers the customers routes wrote.
	Customers []flow.CustomerRecord `json:"customers"`
	// Orders are the newest orders each orders route imported, with their
	// quotation or sales order, invoices and delivery orders in the target,
	// read live; OrdersError says why the target could not be read.
	Orders      []flow.OrderView `json:"orders"`
	OrdersError string           `json:"orders_error,omitempty"`
}

// salesOrders is how many orders per orders route the sales page lists; the
// Orders page pages through all of them.
const salesOrders = 50

func (s *Server) sales(r *http.Request) (salesData, error) {
	var d salesData
	var err error
	if d.Held, err = s.hub.Flows.HeldOrders(r.Context()); err != nil {
		return d, err
	}
	for _, h := range d.Held {
		if h.Review == "held" {
			d.Waiting++
		}
	}
	if d.Refunds, err = s.hub.Flows.MoneyRecords(r.Context(), "refunds", 200); err != nil {
		return d, err
	}
	if d.Payouts, err = s.hub.Flows.MoneyRecords(r.Context(), "payouts", 200); err != nil {
		return d, err
	}
	if d.Customers, err = s.hub.Flows.CustomerRecords(r.Context(), 200); err != nil {
		return d, err
	}
	d.Orders = []flow.OrderView{}
	for _, rt := range s.hub.Flows.Routes() {
		if rt.Flow != "orders" {
			continue
		}
		pg, err := flow.OrderViews(r.Context(), s.hub.Flows, rt.Name, flow.OrderQuery{Show: "imported", Limit: salesOrders})
		if err != nil {
			return d, err
		}
		if pg.TargetError != "" {
			d.OrdersError = pg.TargetError
		}
		d.Orders = append(d.Orders, pg.Orders...)
	}
	return d, nil
}

func (s *Server) salesPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.sales(r)
	if err != nil {
		s.fail(w, r, false, http.StatusInternalServerError, err.Error())
		return
	}
	s.render(w, r, http.StatusOK, "sales", page{Title: "Sales", Nav: "sales", Data: d})
}

// reviewOrder confirms or cancels a held order of an orders route.
func (s *Server) reviewOrder(r *http.Request, route, orderID, decision string) (string, error) {
	if _, err := s.routeOf(route, "orders"); err != nil {
		return "", &notFoundError{err.Error()}
	}
	orderID = strings.TrimSpace(orderID)
	if orderID == "" {
		return "", badInput("route %s: which order? the order id is missing", route)
	}
	var confirm bool
	switch decision {
	case "confirm":
		confirm = true
	case "cancel":
	default:
		return "", badInput("route %s: order %s: decision %q: want confirm or cancel", route, orderID, decision)
	}
	p, _ := principalOf(r)
	name, err := s.hub.Flows.ReviewOrder(r.Context(), route, orderID, confirm, p.User)
	if err != nil {
		return "", err
	}
	what := map[bool]string{true: "confirmed", false: "cancelled"}[confirm]
	s.audit(r, route, name, what+" after review")
	return fmt.Sprintf("route %s: %s %s", route, name, what), nil
}

func (s *Server) formReview(w http.ResponseWriter, r *http.Request) {
	msg, err := s.reviewOrder(r, r.PathValue("name"), r.PostFormValue("order"), r.PostFormValue("decision"))
	s.done(w, r, "/sales", msg, err)
}

package shopify

import (
	"context"
	"fmt"
	"time"

	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/remote"
)

// Fulfillment is a Fulfillment.
type Fulfillment struct {
	ID           string    `json:"id"`
	Status       string    `json:"status"`
	CreatedAt    time.Time `json:"createdAt"`
	TrackingInfo []struct {
		Company *string `json:"company"`
		Number  *string `json:"number"`
		URL     *string `json:"url"`
	} `json:"trackingInfo"`
}

// FulfillmentState is an order with its fulfillments and fulfillment orders.
type FulfillmentState struct {
	ID                       string        `json:"id"`
	Name                     string        `json:"name"`
	CancelledAt              *time.Time    `json:"cancelledAt"`
	DisplayFulfillmentStatus string        `json:"displayFulfillmentStatus"`
	Fulfillments             []Fulfillment `json:"fulfillments"`
	FulfillmentOrders        struct {
		Nodes []struct {
			ID        string `json:"id"`
			Status    string `json:"status"`
			LineItems struct {
				Nodes []struct {
					ID                string  `json:"id"`
					RemainingQuantity int     `json:"remainingQuantity"`
					SKU               *string `json:"sku"`
				} `json:"nodes"`
			} `json:"lineItems"`
		} `json:"nodes"`
	} `json:"fulfillmentOrders"`
}

func (c *Client) fulfillmentState(ctx context.Context, orderID string) (*FulfillmentState, error) {
	var d struct {
		Order *FulfillmentState `json:"order"`
	}
	if err := c.do(ctx, "FulfillmentOrders", map[string]any{"id": orderGID(orderID)}, &d); err != nil {
		return nil, fmt.Errorf("shopify %s: order %s: reading its fulfillments: %w", c.settings.Shop, orderID, err)
	}
	if d.Order == nil {
		return nil, fmt.Errorf("shopify %s: order %s: %w", c.settings.Shop, orderID, model.ErrGone)
	}
	return d.Order, nil
}

// RegisterShipment fulfils what remains of the order's open fulfillment
// orders with the tracking code and carrier (flow.ShipmentSink). It reads the
// order first: a fulfillment with the same tracking code, or an order
// fulfilled already, is returned as it is, so a repeated call (or one after
// an answer lost to a commit-then-fail) creates nothing twice.
func (c *Client) RegisterShipment(ctx context.Context, orderID string, s model.Shipment) (model.Shipment, error) {
	st, err := c.fulfillmentState(ctx, orderID)
	if err != nil {
		return model.Shipment{}, err
	}
	if f, ok := existing(st, s.TrackingCode); ok {
		return toShipment(st, f), nil
	}
	if st.CancelledAt != nil {
		return model.Shipment{}, &OrderStateError{Shop: c.settings.Shop, Order: st.Name, Msg: "the order is cancelled in the shop; its delivery cannot be registered"}
	}
	var groups []map[string]any
	for _, fo := range st.FulfillmentOrders.Nodes {
		if fo.Status != "OPEN" && fo.Status != "IN_PROGRESS" {
			continue
		}
		remaining := 0
		for _, li := range fo.LineItems.Nodes {
			remaining += li.RemainingQuantity
		}
		if remaining > 0 {
			groups = append(groups, map[string]any{"fulfillmentOrderId": fo.ID}) // no line items: all that remains
		}
	}
	if len(groups) == 0 {
		if n := len(st.Fulfillments); n > 0 {
			return toShipment(st, st.Fulfillments[n-1]), nil
		}
		return model.Shipment{}, &OrderStateError{Shop: c.settings.Shop, Order: st.Name, Msg: "the order has nothing left to fulfil (no open fulfillment order)"}
	}
	tracking := map[string]any{"number": s.TrackingCode}
	if s.Carrier != "" {
		tracking["company"] = s.Carrier
	}
	input := map[string]any{"notifyCustomer": c.settings.NotifyCustomer, "trackingInfo": tracking, "lineItemsByFulfillmentOrder": groups}
	var d struct {
		FulfillmentCreate *struct {
			Fulfillment *Fulfillment `json:"fulfillment"`
			UserErrors  []UserError  `json:"userErrors"`
		} `json:"fulfillmentCreate"`
	}
	err = c.do(ctx, "FulfillmentCreate", map[string]any{"fulfillment": input}, &d)
	if remote.IsAmbiguous(err) {
		// It may have committed: read the order back before anything else.
		if st2, rerr := c.fulfillmentState(ctx, orderID); rerr == nil {
			if f, ok := existing(st2, s.TrackingCode); ok {
				return toShipment(st2, f), nil
			}
		}
		return model.Shipment{}, err
	}
	if err != nil {
		return model.Shipment{}, fmt.Errorf("shopify %s: order %s: creating its fulfillment: %w", c.settings.Shop, st.Name, err)
	}
	if d.FulfillmentCreate == nil {
		return model.Shipment{}, fmt.Errorf("shopify %s: order %s: fulfillmentCreate answered nothing", c.settings.Shop, st.Name)
	}
	if err := userErrors(c.settings.Shop, "fulfillmentCreate", "order "+st.Name, d.FulfillmentCreate.UserErrors); err != nil {
		return model.Shipment{}, err
	}
	if d.FulfillmentCreate.Fulfillment == nil {
		return model.Shipment{}, fmt.Errorf("shopify %s: order %s: fulfillmentCreate answered no fulfillment", c.settings.Shop, st.Name)
	}
	return toShipment(st, *d.FulfillmentCreate.Fulfillment), nil
}

// existing finds a successful fulfillment carrying the tracking code, or any
// when the order is fulfilled in full.
func existing(st *FulfillmentState, code string) (Fulfillment, bool) {
	for _, f := range st.Fulfillments {
		if f.Status != "SUCCESS" {
			continue
		}
		for _, ti := range f.TrackingInfo {
			if code != "" && str(ti.Number) == code {
				return f, true
			}
		}
	}
	if st.DisplayFulfillmentStatus == "FULFILLED" && len(st.Fulfillments) > 0 {
		return st.Fulfillments[len(st.Fulfillments)-1], true
	}
	return Fulfillment{}, false
}

func toShipment(st *FulfillmentState, f Fulfillment) model.Shipment {
	s := model.Shipment{ID: f.ID, OrderID: st.ID, Status: model.ShipmentCompleted, CompletedAt: f.CreatedAt.UTC()}
	if f.Status == "CANCELLED" || f.Status == "ERROR" || f.Status == "FAILURE" {
		s.Status = model.ShipmentCancelled
	}
	if len(f.TrackingInfo) > 0 {
		s.TrackingCode, s.Carrier = str(f.TrackingInfo[0].Number), str(f.TrackingInfo[0].Company)
		if u := str(f.TrackingInfo[0].URL); u != "" {
			s.DocumentURLs = []string{u}
		}
	}
	return s
}

// OrderStateError is an action the order's state does not allow.
type OrderStateError struct{ Shop, Order, Msg string }

func (e *OrderStateError) Error() string {
	return "shopify " + e.Shop + ": order " + e.Order + ": " + e.Msg
}

// FailureClass: retrying does not change the order's state.
func (e *OrderStateError) FailureClass() string { return "permanent" }

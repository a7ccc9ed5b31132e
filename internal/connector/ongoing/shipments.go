package ongoing

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

// DoneShipments reads the orders shipped at or after since (shippedTimeFrom;
// every shipped order when since is zero) and hands them over as one delivery
// each, a page of the orderId cursor at a time.
//
// The checkpoint: the listing pages by order id, not by time, so a page says
// nothing about the times after it. Every page but the last carries since
// (no progress); the last, empty one carries the server's time of the first
// answer (its Date header, whole seconds rounded down; our clock when the
// header is missing): every order shipped before that time had its shippedTime
// when the listing began and so was in it. An order shipped while the listing
// runs has a later time and comes in the next pass.
func (c *Client) DoneShipments(ctx context.Context, since time.Time, page func(shipments []model.Shipment, through time.Time) error) error {
	start := time.Now().UTC().Truncate(time.Second)
	q := url.Values{}
	if !since.IsZero() {
		q.Set("shippedTimeFrom", queryTime(since))
	}
	var pageErr error
	err := c.Orders(ctx, q, func(items []Order, bad []error, server time.Time) error {
		if len(items) == 0 && len(bad) == 0 {
			through := server.Truncate(time.Second)
			if through.IsZero() {
				through = start
			}
			pageErr = page(nil, through)
			return pageErr
		}
		var out []model.Shipment
		for _, o := range items {
			if s, ok := c.toShipment(ctx, o, since); ok {
				out = append(out, s)
			}
		}
		if len(bad) > 0 {
			// An order that cannot be read must not be passed over by the
			// cursor; stop here, naming it.
			return fmt.Errorf("ongoing %s: %w", c.name, bad[0])
		}
		pageErr = page(out, since)
		return pageErr
	})
	if err != nil && err != pageErr {
		return fmt.Errorf("ongoing %s: listing shipped orders: %w", c.name, err)
	}
	return err
}

func (c *Client) toShipment(ctx context.Context, o Order, since time.Time) (model.Shipment, bool) {
	if o.OrderInfo.ShippedTime.IsZero() || o.OrderInfo.ShippedTime.Before(since) || c.cancelled(ctx, o) {
		return model.Shipment{}, false
	}
	return ToShipment(o), true
}

// ToShipment maps a shipped order to its delivery: the order's id as both ids
// (Ongoing ships an order once; a backorder is an order of its own), the
// tracking codes (orderInfo.wayBill, then tracking[].waybill, then the
// non-return parcels' tracking waybills, de-duplicated, comma-separated; the
// parcel numbers when there is none of those), the transporter and the
// shipped time.
func ToShipment(o Order) model.Shipment {
	id := strconv.Itoa(int(o.OrderInfo.OrderID))
	s := model.Shipment{ID: id, OrderID: id, Status: model.ShipmentCompleted, TrackingCode: strings.Join(TrackingCodes(o), ", "), CompletedAt: o.OrderInfo.ShippedTime.Time}
	if t := o.Transporter; t != nil {
		s.Carrier = orStr(t.Name, orStr(t.TransporterName, t.Code))
	}
	return s
}

// TrackingCodes returns the order's tracking codes, de-duplicated, in the
// order ToShipment describes.
func TrackingCodes(o Order) []string {
	var out []string
	seen := map[string]bool{}
	add := func(code string) {
		code = strings.TrimSpace(code)
		if code != "" && !seen[code] {
			seen[code] = true
			out = append(out, code)
		}
	}
	add(o.OrderInfo.WayBill)
	for _, t := range o.Tracking {
		add(t.Waybill)
	}
	for _, p := range o.Parcels {
		if !p.IsReturnParcel && p.Tracking != nil {
			add(p.Tracking.Waybill)
		}
	}
	if len(out) == 0 {
		for _, p := range o.Parcels {
			if !p.IsReturnParcel {
				add(p.ParcelNumber)
			}
		}
	}
	return out
}

package ogoship

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/remote"
)

// DoneShipments reads the orders changed at or after since (modifiedAfter;
// every order when since is zero) and hands the shipped ones over as one
// delivery each, a page at a time.
//
// The checkpoint: the listing pages by offset (limit, page), so a page says
// nothing about the times after it. Every page but the last carries since
// (no progress). The last carries the server's time of the first answer (its
// Date header, whole seconds rounded down; our clock when it is missing):
// every order changed before then was in the listing when it began. Offset
// paging can skip an order when an order on a page already read changes and
// moves to a later position while the pass reads (the sandbox sorts by
// editTime): the orders after it shift one place towards the pages already
// read. Such a mover is still in the listing (its change is after since), so
// the pass meets its reference a second time; when it does, the last page
// carries since too, and the next pass reads the window again.
func (c *Client) DoneShipments(ctx context.Context, since time.Time, page func(shipments []model.Shipment, through time.Time) error) error {
	start := c.now().UTC().Truncate(time.Second)
	q := url.Values{}
	if !since.IsZero() {
		q.Set("modifiedAfter", queryTime(since))
	}
	var server time.Time
	moved := false
	seen := map[string]bool{}
	var pending []model.Shipment
	var pageErr error
	first := true
	err := c.Orders(ctx, q, func(items []Order, bad []error, resp *remote.Response) error {
		if first {
			first = false
			if t, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
				server = t.UTC().Truncate(time.Second)
			} else {
				server = start
			}
		}
		if len(bad) > 0 {
			// An order that cannot be read must not be passed over.
			return fmt.Errorf("ogoship %s: %w", c.name, bad[0])
		}
		// Hand over the previous page now: only the last one may move the
		// checkpoint, and which is last is known only when the next comes.
		if pending != nil {
			if pageErr = page(pending, since); pageErr != nil {
				return pageErr
			}
		}
		pending = []model.Shipment{}
		for _, o := range items {
			if seen[o.Reference] {
				moved = true
			}
			seen[o.Reference] = true
			if s, ok := ToShipment(o); ok {
				pending = append(pending, s)
			}
		}
		return nil
	})
	if err != nil {
		if err != pageErr {
			return fmt.Errorf("ogoship %s: listing shipped orders: %w", c.name, err)
		}
		return err
	}
	through := server
	if moved || through.IsZero() {
		through = since
	}
	return page(pending, through)
}

// ToShipment maps a shipped order to its delivery: the reference as both
// ids (OGOship ships an order once), the trackingNumber, the shippingCode as
// carrier, editTime as the completion time. Orders not shipped are no
// delivery.
func ToShipment(o Order) (model.Shipment, bool) {
	if o.Status != "shipped" {
		return model.Shipment{}, false
	}
	return model.Shipment{
		ID: o.Reference, OrderID: o.Reference, Status: model.ShipmentCompleted,
		TrackingCode: o.TrackingNumber, Carrier: o.ShippingCode, PickupPointID: o.PickUpPointCode,
		CompletedAt: o.EditTime.Time,
	}, true
}

package clientify

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/ferryhub/ferry/internal/model"
)

// orderInput maps a sale order (seed 004: contact, status, order_date,
// order_id, ecommerce, currency, items {name, sku = barcode, price,
// quantity = to deliver}).
func (c *Client) orderInput(o model.CRMOrder) OrderInput {
	in := OrderInput{OrderID: o.Order.Number, Status: o.Status, OrderDate: o.Order.Date, Ecommerce: o.Ecommerce, Currency: strings.ToUpper(strings.TrimSpace(o.Order.Currency))}
	if id, err := parseID(o.ContactID); err == nil {
		in.Contact = Ref{ID: id, URL: c.URL("contacts", id)}
	}
	if id, err := parseID(o.CompanyID); err == nil {
		in.Company = Ref{ID: id, URL: c.URL("companies", id)}
	}
	for _, l := range o.Order.Lines {
		in.Items = append(in.Items, OrderItem{Name: l.Name, SKU: Text(strings.TrimSpace(l.Barcode)), Price: l.Price, Quantity: l.Quantity})
	}
	return in
}

// UpsertCRMOrders implements flow.CRMOrderSink: an order with a RemoteID is
// updated (PUT, items included), one without is created, a create whose
// answer was lost looked up by order_id before it is sent again.
func (c *Client) UpsertCRMOrders(ctx context.Context, os []model.CRMOrder) ([]model.WriteResult, error) {
	out := make([]model.WriteResult, len(os))
	var down error
	for i, o := range os {
		if down != nil {
			out[i].Err = fmt.Errorf("not written, since an earlier write of the page failed: %w", down)
			continue
		}
		in := c.orderInput(o)
		var v Order
		var err error
		created := false
		if o.RemoteID == "" {
			v, created, err = c.createOrder(ctx, in)
		} else {
			id, perr := parseID(o.RemoteID)
			if perr != nil {
				err = fmt.Errorf("order %s: %w", o.Order.Number, model.ErrGone)
			} else if v, err = c.UpdateOrder(ctx, id, in); IsNotFound(err) {
				err = fmt.Errorf("clientify %s: order %d (%s): %w", c.name, id, o.Order.Number, model.ErrGone)
			}
		}
		if err != nil {
			out[i].Err = err
			if !itsOwn(err) {
				down = err
			}
			continue
		}
		out[i] = model.WriteResult{RemoteID: strconv.FormatInt(int64(v.ID), 10), Number: string(v.OrderID), Created: created}
	}
	return out, nil
}

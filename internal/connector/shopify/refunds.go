package shopify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

// ChangedRefunds reads the refunds of the orders updated at or after since
// (all when since is zero), oldest order change first, and hands them to page
// a page of orders at a time (flow.RefundSource). A refund moves its order's
// updatedAt, so the orders keyset (sortKey UPDATED_AT, as ChangedOrders) finds
// every new refund; through is the page's last updatedAt. The page reads only
// the refunds' ids (cheap: whole pages of orders); an order with refunds is
// then read whole (OrderRefunds). An order whose refunds do not decode stops
// the read with an error naming the order and the field: a refund is money,
// so none is passed over.
func (c *Client) ChangedRefunds(ctx context.Context, since time.Time, page func(refunds []model.Refund, through time.Time) error) error {
	q := "status:any"
	if !since.IsZero() {
		q = fmt.Sprintf("updated_at:>='%s' status:any", since.UTC().Truncate(time.Second).Format(time.RFC3339))
	}
	vars := map[string]any{"q": q}
	first, err := c.pageSize("ChangedRefunds", "first", vars)
	if err != nil {
		return err
	}
	vars["first"] = first
	through := since
	for {
		var p struct {
			Orders struct {
				PageInfo PageInfo `json:"pageInfo"`
				Nodes    []struct {
					ID        string     `json:"id"`
					Name      string     `json:"name"`
					UpdatedAt *time.Time `json:"updatedAt"`
					Refunds   []struct {
						ID string `json:"id"`
					} `json:"refunds"`
				} `json:"nodes"`
			} `json:"orders"`
		}
		if err := c.do(ctx, "ChangedRefunds", vars, &p); err != nil {
			return fmt.Errorf("shopify %s: listing refunds of orders changed since %s: %w", c.settings.Shop, since.Format(time.RFC3339), err)
		}
		var out []model.Refund
		for _, o := range p.Orders.Nodes {
			if t := timeOf(o.UpdatedAt); t.After(through) {
				through = t
			}
			if len(o.Refunds) == 0 {
				continue
			}
			var raw json.RawMessage
			if err := c.do(ctx, "OrderRefunds", map[string]any{"id": o.ID}, &raw); err != nil {
				return fmt.Errorf("shopify %s: order %s: reading its refunds: %w", c.settings.Shop, o.Name, err)
			}
			rs, err := DecodeOrderRefunds(raw)
			if errors.Is(err, model.ErrGone) {
				continue // deleted since the page was read
			}
			if err != nil {
				var re *RecordError
				if errors.As(err, &re) {
					re.Shop = c.settings.Shop
				}
				return fmt.Errorf("shopify %s: %w", c.settings.Shop, err)
			}
			out = append(out, rs...)
		}
		if err := page(out, through); err != nil {
			return err
		}
		if !p.Orders.PageInfo.HasNextPage || p.Orders.PageInfo.EndCursor == "" {
			return nil
		}
		vars["after"] = p.Orders.PageInfo.EndCursor
	}
}

// DecodeOrderRefunds reads the data of an OrderRefunds answer. A line's
// amount is its subtotal, plus its tax where prices exclude taxes; what no
// line explains (shipping, adjustments) is the refund's Adjustment. An order
// that is not there is model.ErrGone, a bad amount a *RecordError naming the
// field.
func DecodeOrderRefunds(data []byte) ([]model.Refund, error) {
	var d struct {
		Order *struct {
			ID            string `json:"id"`
			Name          string `json:"name"`
			TaxesIncluded bool   `json:"taxesIncluded"`
			Refunds       []struct {
				ID        string     `json:"id"`
				CreatedAt *time.Time `json:"createdAt"`
				Note      *string    `json:"note"`
				Total     *Money     `json:"totalRefundedSet"`
				Lines     struct {
					Nodes []struct {
						Quantity    int    `json:"quantity"`
						RestockType string `json:"restockType"`
						LineItem    *struct {
							SKU *string `json:"sku"`
						} `json:"lineItem"`
						Subtotal *Money `json:"subtotalSet"`
						Tax      *Money `json:"totalTaxSet"`
					} `json:"nodes"`
				} `json:"refundLineItems"`
				Transactions struct {
					Nodes []struct {
						Gateway *string `json:"gateway"`
						Kind    string  `json:"kind"`
						Status  string  `json:"status"`
					} `json:"nodes"`
				} `json:"transactions"`
			} `json:"refunds"`
		} `json:"order"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("%w: %v", model.ErrBadPayload, err)
	}
	o := d.Order
	if o == nil {
		return nil, model.ErrGone
	}
	bad := func(field string, err error) error {
		return &RecordError{Kind: "order", ID: o.Name, Field: field, Err: err}
	}
	var out []model.Refund
	for i, r := range o.Refunds {
		total, err := r.Total.decimal()
		if err != nil {
			return nil, bad(fmt.Sprintf("refunds[%d].totalRefundedSet", i), err)
		}
		if r.ID == "" {
			return nil, bad(fmt.Sprintf("refunds[%d].id", i), errors.New("missing"))
		}
		rf := model.Refund{ID: r.ID, OrderID: o.ID, CreatedAt: timeOf(r.CreatedAt), Note: str(r.Note), Total: total}
		if r.Total != nil {
			rf.Currency = r.Total.ShopMoney.CurrencyCode
		}
		var lines model.Decimal
		for j, l := range r.Lines.Nodes {
			sub, err := l.Subtotal.decimal()
			if err != nil {
				return nil, bad(fmt.Sprintf("refunds[%d].refundLineItems[%d].subtotalSet", i, j), err)
			}
			tax, err := l.Tax.decimal()
			if err != nil {
				return nil, bad(fmt.Sprintf("refunds[%d].refundLineItems[%d].totalTaxSet", i, j), err)
			}
			amount := sub
			if !o.TaxesIncluded {
				amount += tax
			}
			rl := model.RefundLine{Quantity: l.Quantity, Amount: amount, Restock: l.RestockType == "RETURN" || l.RestockType == "CANCEL" || l.RestockType == "LEGACY_RESTOCK"}
			if l.LineItem != nil {
				rl.SKU = str(l.LineItem.SKU)
			}
			lines += amount
			rf.Lines = append(rf.Lines, rl)
		}
		rf.Adjustment = total - lines
		for _, t := range r.Transactions.Nodes {
			if t.Kind == "REFUND" && t.Status == "SUCCESS" && rf.Gateway == "" {
				rf.Gateway = str(t.Gateway)
			}
		}
		out = append(out, rf)
	}
	return out, nil
}

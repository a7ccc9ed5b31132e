package shopify

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

// ChangedRefunds reads the refunds of the orders updated at or after since
// (all when since is zero), oldest order change first, and hands them to page
// a page of orders at a time (flow.RefundSource). A refund moves its order's
// updatedAt, so the orders keyset (sortKey UPDATED_AT, as ChangedOrders) finds
// every new refund; through is the page's last updatedAt. An order whose
// refunds do not decode stops the read with an error naming the order and the
// field: a refund is money, so none is passed over.
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
		var raw json.RawMessage
		if err := c.do(ctx, "ChangedRefunds", vars, &raw); err != nil {
			return fmt.Errorf("shopify %s: listing refunds of orders changed since %s: %w", c.settings.Shop, since.Format(time.RFC3339), err)
		}
		refunds, last, info, err := DecodeRefundsPage(raw)
		if err != nil {
			if re, ok := err.(*RecordError); ok {
				re.Shop = c.settings.Shop
			}
			return fmt.Errorf("shopify %s: %w", c.settings.Shop, err)
		}
		if last.After(through) {
			through = last
		}
		if err := page(refunds, through); err != nil {
			return err
		}
		if !info.HasNextPage || info.EndCursor == "" {
			return nil
		}
		vars["after"] = info.EndCursor
	}
}

// DecodeRefundsPage reads the data of a ChangedRefunds answer: the refunds of
// its orders, the newest updatedAt among them and the page's paging. A line's
// amount is its subtotal, plus its tax where prices exclude taxes; what no
// line explains (shipping, adjustments) is the refund's Adjustment.
func DecodeRefundsPage(data []byte) ([]model.Refund, time.Time, PageInfo, error) {
	var d struct {
		Orders struct {
			PageInfo PageInfo `json:"pageInfo"`
			Nodes    []struct {
				ID            string     `json:"id"`
				Name          string     `json:"name"`
				UpdatedAt     *time.Time `json:"updatedAt"`
				TaxesIncluded bool       `json:"taxesIncluded"`
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
			} `json:"nodes"`
		} `json:"orders"`
	}
	var last time.Time
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, last, PageInfo{}, fmt.Errorf("%w: %v", model.ErrBadPayload, err)
	}
	var out []model.Refund
	for _, o := range d.Orders.Nodes {
		if t := timeOf(o.UpdatedAt); t.After(last) {
			last = t
		}
		bad := func(field string, err error) error {
			return &RecordError{Kind: "order", ID: o.Name, Field: field, Err: err}
		}
		for i, r := range o.Refunds {
			total, err := r.Total.decimal()
			if err != nil {
				return nil, last, d.Orders.PageInfo, bad(fmt.Sprintf("refunds[%d].totalRefundedSet", i), err)
			}
			if r.ID == "" {
				return nil, last, d.Orders.PageInfo, bad(fmt.Sprintf("refunds[%d].id", i), fmt.Errorf("missing"))
			}
			rf := model.Refund{ID: r.ID, OrderID: o.ID, CreatedAt: timeOf(r.CreatedAt), Note: str(r.Note), Total: total}
			if r.Total != nil {
				rf.Currency = r.Total.ShopMoney.CurrencyCode
			}
			var lines model.Decimal
			for j, l := range r.Lines.Nodes {
				sub, err := l.Subtotal.decimal()
				if err != nil {
					return nil, last, d.Orders.PageInfo, bad(fmt.Sprintf("refunds[%d].refundLineItems[%d].subtotalSet", i, j), err)
				}
				tax, err := l.Tax.decimal()
				if err != nil {
					return nil, last, d.Orders.PageInfo, bad(fmt.Sprintf("refunds[%d].refundLineItems[%d].totalTaxSet", i, j), err)
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
	}
	return out, last, d.Orders.PageInfo, nil
}

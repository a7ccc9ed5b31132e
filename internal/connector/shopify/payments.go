package shopify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

// The money of a shop beyond its orders' totals, as an ERP reconciles it:
// each order's transactions and refunds, and Shopify Payments' payouts with
// their balance transactions. Amounts are the shop currency's.

// Transaction is one money movement of an order at a gateway.
type Transaction struct {
	ID string
	// Kind is SALE, AUTHORIZATION, CAPTURE, REFUND, VOID, CHANGE…; Status
	// SUCCESS, PENDING, FAILURE, ERROR….
	Kind, Status, Gateway string
	Amount                model.Decimal
	Currency              string
	ProcessedAt           time.Time
	Test                  bool
	// ParentID is the transaction this one captures or refunds.
	ParentID string
}

// Refund is money and goods given back on an order.
type Refund struct {
	ID        string
	CreatedAt time.Time
	Note      string
	Total     model.Decimal
	Currency  string
	Lines     []RefundLine
}

// RefundLine is one refunded line: RestockType is RETURN, CANCEL or
// NO_RESTOCK.
type RefundLine struct {
	SKU         string
	Quantity    int
	RestockType string
	Subtotal    model.Decimal
}

// OrderMoney returns the transactions and refunds of the order with Shopify
// id id (a gid or a number).
func (c *Client) OrderMoney(ctx context.Context, id string) ([]Transaction, []Refund, error) {
	var raw json.RawMessage
	if err := c.do(ctx, "OrderMoney", map[string]any{"id": orderGID(id)}, &raw); err != nil {
		return nil, nil, fmt.Errorf("shopify %s: reading the money of order %s: %w", c.settings.Shop, id, err)
	}
	txs, refunds, err := DecodeOrderMoney(raw)
	if err != nil {
		var re *RecordError
		if errors.As(err, &re) {
			re.Shop = c.settings.Shop
		}
		return nil, nil, fmt.Errorf("shopify %s: order %s: %w", c.settings.Shop, id, err)
	}
	return txs, refunds, nil
}

// DecodeOrderMoney reads the data of an OrderMoney answer; an order that is
// not there is model.ErrGone, a bad amount a *RecordError naming the field.
func DecodeOrderMoney(data []byte) ([]Transaction, []Refund, error) {
	var d struct {
		Order *struct {
			Name         string `json:"name"`
			Transactions []struct {
				ID          string     `json:"id"`
				Kind        string     `json:"kind"`
				Status      string     `json:"status"`
				Gateway     *string    `json:"gateway"`
				Test        bool       `json:"test"`
				ProcessedAt *time.Time `json:"processedAt"`
				AmountSet   *Money     `json:"amountSet"`
				Parent      *struct {
					ID string `json:"id"`
				} `json:"parentTransaction"`
			} `json:"transactions"`
			Refunds []struct {
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
					} `json:"nodes"`
				} `json:"refundLineItems"`
			} `json:"refunds"`
		} `json:"order"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", model.ErrBadPayload, err)
	}
	if d.Order == nil {
		return nil, nil, model.ErrGone
	}
	bad := func(field string, err error) error {
		return &RecordError{Kind: "order", ID: d.Order.Name, Field: field, Err: err}
	}
	var txs []Transaction
	for i, t := range d.Order.Transactions {
		amount, err := t.AmountSet.decimal()
		if err != nil {
			return nil, nil, bad(fmt.Sprintf("transactions[%d].amountSet", i), err)
		}
		tx := Transaction{ID: t.ID, Kind: t.Kind, Status: t.Status, Gateway: str(t.Gateway), Amount: amount, Test: t.Test, ProcessedAt: timeOf(t.ProcessedAt)}
		if t.AmountSet != nil {
			tx.Currency = t.AmountSet.ShopMoney.CurrencyCode
		}
		if t.Parent != nil {
			tx.ParentID = t.Parent.ID
		}
		txs = append(txs, tx)
	}
	var refunds []Refund
	for i, r := range d.Order.Refunds {
		total, err := r.Total.decimal()
		if err != nil {
			return nil, nil, bad(fmt.Sprintf("refunds[%d].totalRefundedSet", i), err)
		}
		rf := Refund{ID: r.ID, CreatedAt: timeOf(r.CreatedAt), Note: str(r.Note), Total: total}
		if r.Total != nil {
			rf.Currency = r.Total.ShopMoney.CurrencyCode
		}
		for j, l := range r.Lines.Nodes {
			sub, err := l.Subtotal.decimal()
			if err != nil {
				return nil, nil, bad(fmt.Sprintf("refunds[%d].refundLineItems[%d].subtotalSet", i, j), err)
			}
			rl := RefundLine{Quantity: l.Quantity, RestockType: l.RestockType, Subtotal: sub}
			if l.LineItem != nil {
				rl.SKU = str(l.LineItem.SKU)
			}
			rf.Lines = append(rf.Lines, rl)
		}
		refunds = append(refunds, rf)
	}
	return txs, refunds, nil
}

// Payout is one Shopify Payments payout to the merchant's bank.
type Payout struct {
	ID, Status, TransactionType string
	IssuedAt                    time.Time
	Net                         model.Decimal
	Currency                    string
}

// BalanceTransaction is one movement of the Shopify Payments balance: a
// charge, a refund, a fee, an adjustment; OrderID and PayoutID name what it
// belongs to.
type BalanceTransaction struct {
	ID, Type, SourceType string
	Date                 time.Time
	Amount, Fee, Net     model.Decimal
	Currency             string
	Test                 bool
	OrderID, OrderName   string
	PayoutID             string
}

// moneyV2 is Shopify's MoneyV2.
type moneyV2 struct {
	Amount       string `json:"amount"`
	CurrencyCode string `json:"currencyCode"`
}

func (m *moneyV2) decimal() (model.Decimal, error) {
	if m == nil || m.Amount == "" {
		return 0, nil
	}
	return model.ParseDecimal(m.Amount)
}

// paymentsPage is the page size of payouts and balance transactions.
const paymentsPage = 100

// Payouts hands the shop's Shopify Payments payouts, newest first, to page a
// page at a time; a shop without Shopify Payments has none.
func (c *Client) Payouts(ctx context.Context, page func([]Payout) error) error {
	return c.paymentsPages(ctx, "Payouts", "payouts", nil, func(raw json.RawMessage) error {
		var n []struct {
			ID              string     `json:"id"`
			Status          string     `json:"status"`
			TransactionType string     `json:"transactionType"`
			IssuedAt        *time.Time `json:"issuedAt"`
			Net             *moneyV2   `json:"net"`
		}
		if err := json.Unmarshal(raw, &n); err != nil {
			return &DecodeError{Shop: c.settings.Shop, Op: "Payouts", Err: err}
		}
		out := make([]Payout, 0, len(n))
		for _, p := range n {
			net, err := p.Net.decimal()
			if err != nil {
				return &RecordError{Shop: c.settings.Shop, Kind: "payout", ID: p.ID, Field: "net", Err: err}
			}
			po := Payout{ID: p.ID, Status: p.Status, TransactionType: p.TransactionType, IssuedAt: timeOf(p.IssuedAt), Net: net}
			if p.Net != nil {
				po.Currency = p.Net.CurrencyCode
			}
			out = append(out, po)
		}
		return page(out)
	})
}

// BalanceTransactions hands the balance transactions of payout (a gid; all
// when empty) to page a page at a time.
func (c *Client) BalanceTransactions(ctx context.Context, payout string, page func([]BalanceTransaction) error) error {
	vars := map[string]any{}
	if payout != "" {
		vars["q"] = "payments_transfer_id:" + legacyID(payout)
	}
	return c.paymentsPages(ctx, "BalanceTransactions", "balanceTransactions", vars, func(raw json.RawMessage) error {
		var n []struct {
			ID         string     `json:"id"`
			Type       string     `json:"type"`
			Test       bool       `json:"test"`
			Date       *time.Time `json:"transactionDate"`
			SourceType *string    `json:"sourceType"`
			Amount     *moneyV2   `json:"amount"`
			Fee        *moneyV2   `json:"fee"`
			Net        *moneyV2   `json:"net"`
			Order      *struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"associatedOrder"`
			Payout *struct {
				ID *string `json:"id"`
			} `json:"associatedPayout"`
		}
		if err := json.Unmarshal(raw, &n); err != nil {
			return &DecodeError{Shop: c.settings.Shop, Op: "BalanceTransactions", Err: err}
		}
		out := make([]BalanceTransaction, 0, len(n))
		for _, t := range n {
			bt := BalanceTransaction{ID: t.ID, Type: t.Type, Test: t.Test, Date: timeOf(t.Date), SourceType: str(t.SourceType)}
			var err error
			for field, pair := range map[string]struct {
				m   *moneyV2
				dst *model.Decimal
			}{"amount": {t.Amount, &bt.Amount}, "fee": {t.Fee, &bt.Fee}, "net": {t.Net, &bt.Net}} {
				if *pair.dst, err = pair.m.decimal(); err != nil {
					return &RecordError{Shop: c.settings.Shop, Kind: "balance transaction", ID: t.ID, Field: field, Err: err}
				}
			}
			if t.Amount != nil {
				bt.Currency = t.Amount.CurrencyCode
			}
			if t.Order != nil {
				bt.OrderID, bt.OrderName = t.Order.ID, t.Order.Name
			}
			if t.Payout != nil {
				bt.PayoutID = str(t.Payout.ID)
			}
			out = append(out, bt)
		}
		return page(out)
	})
}

// paymentsPages pages a connection of shopifyPaymentsAccount, handing each
// page's nodes to each.
func (c *Client) paymentsPages(ctx context.Context, op, field string, vars map[string]any, each func(json.RawMessage) error) error {
	if vars == nil {
		vars = map[string]any{}
	}
	vars["first"] = paymentsPage
	for {
		var d struct {
			Account map[string]struct {
				PageInfo PageInfo        `json:"pageInfo"`
				Nodes    json.RawMessage `json:"nodes"`
			} `json:"shopifyPaymentsAccount"`
		}
		if err := c.do(ctx, op, vars, &d); err != nil {
			return fmt.Errorf("shopify %s: reading %s: %w", c.settings.Shop, field, err)
		}
		conn, ok := d.Account[field]
		if d.Account == nil || !ok {
			return nil // no Shopify Payments on this shop
		}
		if err := each(conn.Nodes); err != nil {
			return err
		}
		if !conn.PageInfo.HasNextPage || conn.PageInfo.EndCursor == "" {
			return nil
		}
		vars["after"] = conn.PageInfo.EndCursor
	}
}

func timeOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// legacyID is the number at the end of a global id (gid://shopify/X/123), as
// search queries take it.
func legacyID(gid string) string {
	if i := strings.LastIndexByte(gid, '/'); i >= 0 {
		return gid[i+1:]
	}
	return gid
}

// ChangedPayouts hands the Shopify Payments payouts issued at or after since
// that are paid (reached the bank), oldest first, each with its balance
// transactions as lines (flow.PayoutSource). A payout still scheduled or in
// transit is left for a later pass: through stops before the oldest of them,
// so the route's cursor does not pass it. A shop without Shopify Payments has
// none.
func (c *Client) ChangedPayouts(ctx context.Context, since time.Time, page func(payouts []model.Payout, through time.Time) error) error {
	var paid []Payout
	var pending time.Time
	newest := since
	err := c.Payouts(ctx, func(ps []Payout) error {
		for _, p := range ps {
			if p.IssuedAt.Before(since) {
				continue
			}
			if p.IssuedAt.After(newest) {
				newest = p.IssuedAt
			}
			if p.Status != "PAID" {
				if pending.IsZero() || p.IssuedAt.Before(pending) {
					pending = p.IssuedAt
				}
				continue
			}
			paid = append(paid, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Slice(paid, func(i, j int) bool { return paid[i].IssuedAt.Before(paid[j].IssuedAt) })
	for _, p := range paid {
		if !pending.IsZero() && !p.IssuedAt.Before(pending) {
			break // after a payout still on its way: the next pass takes it
		}
		mp := model.Payout{ID: p.ID, Date: p.IssuedAt, Currency: p.Currency, Net: p.Net}
		var sum model.Decimal
		err := c.BalanceTransactions(ctx, p.ID, func(bts []BalanceTransaction) error {
			for _, bt := range bts {
				mp.Lines = append(mp.Lines, model.PayoutLine{ID: bt.ID, Type: strings.ToLower(bt.Type), OrderID: bt.OrderID, OrderNumber: bt.OrderName,
					Amount: bt.Amount, Fee: bt.Fee, Net: bt.Net})
				sum += bt.Net
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("shopify %s: payout %s: %w", c.settings.Shop, p.ID, err)
		}
		if sum != p.Net {
			return &RecordError{Shop: c.settings.Shop, Kind: "payout", ID: p.ID, Field: "net",
				Err: fmt.Errorf("the payout says %s, its balance transactions sum to %s", p.Net, sum)}
		}
		if err := page([]model.Payout{mp}, p.IssuedAt); err != nil {
			return err
		}
	}
	through := newest
	if !pending.IsZero() {
		through = pending
	}
	return page(nil, through)
}

package shopify

import (
	"strconv"
	"time"
)

// Shopify Payments: one payout per ISO week of shopify_payments sales, with a
// balance transaction per charge and refund (reference §1.7 Payouts).

func (g *generator) payouts() {
	st := g.s.st
	byWeek := map[string]*payout{}
	var order []*payout
	for _, o := range st.orders {
		for _, t := range o.txs {
			if t.gateway != "shopify_payments" || t.status != "SUCCESS" || (t.kind != "SALE" && t.kind != "CAPTURE" && t.kind != "REFUND") {
				continue
			}
			y, w := t.createdAt.ISOWeek()
			key := strconv.Itoa(y) + "-" + strconv.Itoa(w)
			p := byWeek[key]
			if p == nil {
				monday := t.createdAt.Truncate(24*time.Hour).AddDate(0, 0, -int((t.createdAt.Weekday()+6)%7))
				p = &payout{id: st.id(), issuedAt: monday.AddDate(0, 0, 9), currency: o.currency, status: "PAID"}
				if p.issuedAt.After(g.now) {
					p.status = "SCHEDULED"
				} else if g.now.Sub(p.issuedAt) < 48*time.Hour {
					p.status = "IN_TRANSIT"
				}
				byWeek[key] = p
				order = append(order, p)
			}
			bt := &balanceTx{id: st.id(), payout: p, tx: t, at: t.createdAt}
			if t.kind == "REFUND" {
				bt.typ, bt.amount = "REFUND", -t.amount
				p.refunds += t.amount
			} else {
				bt.typ, bt.amount, bt.fee = "CHARGE", t.amount, t.fee
				p.gross += t.amount
				p.fees += t.fee
			}
			st.balance = append(st.balance, bt)
		}
	}
	st.payouts = order
}

var payoutFilters = filters{
	"issued_at": timeFilter(func(x any) time.Time { return x.(*payout).issuedAt }),
	"status":    textFilter(func(x any) []string { return []string{lower(x.(*payout).status)} }),
	"id":        numFilter(func(x any) float64 { return float64(x.(*payout).id) }),
}

var balanceFilters = filters{
	"payments_transfer_id": numFilter(func(x any) float64 { return float64(x.(*balanceTx).payout.id) }),
	"payout_date":          timeFilter(func(x any) time.Time { return x.(*balanceTx).payout.issuedAt }),
	"payout_status":        textFilter(func(x any) []string { return []string{lower(x.(*balanceTx).payout.status)} }),
	"transaction_type":     textFilter(func(x any) []string { return []string{lower(x.(*balanceTx).typ)} }),
	"processed_at":         timeFilter(func(x any) time.Time { return x.(*balanceTx).at }),
}

func (s *Server) paymentsAccountObj() obj {
	cur := s.opts.Currency
	return obj{"__typename": "ShopifyPaymentsAccount", "id": gid("ShopifyPaymentsAccount", 1), "activated": true, "country": "FI",
		"defaultCurrency": cur, "onboardable": false, "payoutStatementDescriptor": "FERRY DEMO",
		"payouts": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			q := argStr(args["query"])
			parsed := parseSearch(q)
			ec.searchWarnings("payouts", q, payoutFilters, parsed)
			var items []keyed
			for _, p := range s.st.payouts {
				if payoutFilters.match(parsed, p) {
					items = append(items, keyed{val: sortTime(p.issuedAt), id: p.id, item: p})
				}
			}
			return ec.paginate(args, items, func(x any) any { return s.payoutObj(x.(*payout)) })
		}),
		"balanceTransactions": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			q := argStr(args["query"])
			parsed := parseSearch(q)
			ec.searchWarnings("balanceTransactions", q, balanceFilters, parsed)
			var items []keyed
			for _, b := range s.st.balance {
				if balanceFilters.match(parsed, b) {
					items = append(items, keyed{id: b.id, item: b})
				}
			}
			return ec.paginate(args, items, func(x any) any { return s.balanceObj(x.(*balanceTx)) })
		}),
	}
}

func (s *Server) payoutObj(p *payout) obj {
	cur := p.currency
	zero := money(0, cur)
	return obj{"__typename": "ShopifyPaymentsPayout", "id": gid("ShopifyPaymentsPayout", p.id), "legacyResourceId": strconv.FormatInt(p.id, 10),
		"issuedAt": p.issuedAt, "status": p.status, "transactionType": "DEPOSIT", "net": money(p.gross-p.fees-p.refunds, cur),
		"summary": obj{"__typename": "ShopifyPaymentsPayoutSummary", "chargesGross": money(p.gross, cur), "chargesFee": money(p.fees, cur),
			"refundsFeeGross": money(-p.refunds, cur), "refundsFee": zero, "adjustmentsGross": zero, "adjustmentsFee": zero,
			"reservedFundsGross": zero, "reservedFundsFee": zero, "retriedPayoutsGross": zero, "retriedPayoutsFee": zero,
			"advanceGross": zero, "advanceFees": zero}}
}

func (s *Server) balanceObj(b *balanceTx) obj {
	o := b.tx.ord
	cur := o.currency
	return obj{"__typename": "ShopifyPaymentsBalanceTransaction", "id": gid("ShopifyPaymentsBalanceTransaction", b.id),
		"type": b.typ, "test": o.test, "amount": money(b.amount, cur), "fee": money(b.fee, cur), "net": money(b.amount-b.fee, cur),
		"transactionDate": b.at, "sourceType": b.typ, "sourceId": strconv.FormatInt(b.tx.id, 10),
		"sourceOrderTransactionId": strconv.FormatInt(b.tx.id, 10),
		"associatedOrder":          obj{"__typename": "ShopifyPaymentsAssociatedOrder", "id": gid("Order", o.id), "name": o.name},
		"associatedPayout": obj{"__typename": "ShopifyPaymentsBalanceTransactionAssociatedPayout", "id": gid("ShopifyPaymentsPayout", b.payout.id),
			"status": b.payout.status}}
}

package shopify

import (
	"strconv"
	"strings"
	"time"
)

func lower(s string) string { return strings.ToLower(s) }

// addOrder files a new order: it numbers it, commits its stock at the
// fulfillment locations and opens one fulfillment order per location. The
// caller has filled lines, money and customer.
func (s *Server) addOrder(o *order, now time.Time) {
	st := s.st
	o.id = st.id()
	st.orderNo++
	o.number = st.orderNo
	o.name = "#" + strconv.Itoa(o.number)
	o.confirmation = confirmationNumber(o.id)
	if o.updatedAt.IsZero() {
		o.updatedAt = st.touch(now)
	}
	byLoc := map[*location]*fulfillmentOrder{}
	for _, l := range o.lines {
		l.id, l.ord = st.id(), o
		st.lineByID[l.id] = l
		if !l.requiresShipping {
			continue
		}
		loc := st.locations[0]
		if l.v != nil {
			// The first location that has the goods fulfils the line; the first
			// that stocks the item when none has enough.
			for i, lv := range l.v.item.levels {
				if i == 0 || lv.q[qAvailable] >= l.qty && l.v.item.levels[0].q[qAvailable] < l.qty {
					loc = lv.loc
				}
			}
			if lv := l.v.item.levelAt(loc); lv != nil {
				lv.q[qAvailable] -= l.qty
				lv.q[qCommitted] += l.qty
			}
		}
		fo := byLoc[loc]
		if fo == nil {
			fo = &fulfillmentOrder{id: st.id(), ord: o, loc: loc, status: "OPEN", createdAt: o.createdAt, updatedAt: o.updatedAt}
			byLoc[loc] = fo
			o.fos = append(o.fos, fo)
			st.fos = append(st.fos, fo)
			st.foByID[fo.id] = fo
		}
		fl := &foLine{id: st.id(), fo: fo, line: l, total: l.qty, remaining: l.qty}
		fo.lines = append(fo.lines, fl)
		st.foLine[fl.id] = fl
	}
	for _, sl := range o.shipping {
		sl.id = st.id()
	}
	for _, t := range o.txs {
		t.id, t.ord = st.id(), o
		st.txByID[t.id] = t
	}
	st.orders = append(st.orders, o)
	st.orderByID[o.id] = o
}

func confirmationNumber(id int64) string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 9)
	for i := range b {
		b[i] = alphabet[id%int64(len(alphabet))]
		id = id/int64(len(alphabet)) + int64(i)*7
	}
	return string(b)
}

// orderCancel cancels at once (Shopify runs a job; the sandbox's job is done
// when it answers): cancelledAt and cancelReason are set, the order closes,
// open fulfillment orders are cancelled, restock returns committed stock to
// available, refund refunds what was paid or voids an authorization.
func (s *Server) orderCancel(ec *execCtx, args map[string]any) (any, error) {
	payload := obj{"__typename": "OrderCancelPayload", "job": nil, "orderCancelUserErrors": []any{}, "userErrors": []any{}}
	fail := func(field, msg, code string) (any, error) {
		e := userError([]string{field}, msg, code)
		e["__typename"] = "OrderCancelUserError"
		payload["orderCancelUserErrors"] = []any{e}
		payload["userErrors"] = []any{userError([]string{field}, msg, "")}
		return payload, nil
	}
	id, _ := idOf(args["orderId"], "Order")
	o := s.st.orderByID[id]
	switch {
	case o == nil:
		return fail("orderId", "Order does not exist", "NOT_FOUND")
	case !o.cancelledAt.IsZero():
		return fail("orderId", "Cannot cancel an order that has already been cancelled", "INVALID")
	case o.fulfillmentStatus() == "FULFILLED":
		return fail("orderId", "Cannot cancel a fulfilled order", "INVALID")
	}
	s.cancelOrder(o, argStr(args["reason"]), argBool(args["refund"]), argBool(args["restock"]), ec.now)
	payload["job"] = obj{"__typename": "Job", "id": gid("Job", s.st.id()), "done": true, "query": s.queryRoot}
	return payload, nil
}

func (s *Server) cancelOrder(o *order, reason string, doRefund, restock bool, now time.Time) {
	now = s.st.touch(now)
	o.cancelledAt, o.closedAt, o.cancelReason, o.updatedAt = now, now, reason, now
	for _, fo := range o.fos {
		if fo.status == "CLOSED" {
			continue
		}
		for _, l := range fo.lines {
			if restock && l.line.v != nil {
				if lv := l.line.v.item.levelAt(fo.loc); lv != nil {
					lv.q[qCommitted] -= l.remaining
					lv.q[qAvailable] += l.remaining
					lv.updatedAt = now
					s.emitLevel(lv)
				}
			}
			l.remaining = 0
		}
		fo.status, fo.updatedAt = "CANCELLED", now
	}
	switch {
	case o.financial == "AUTHORIZED":
		o.financial = "VOIDED"
		o.txs = append(o.txs, s.newTx(o, "VOID", o.txs[len(o.txs)-1].gateway, 0, now))
	case doRefund && o.received() > 0:
		amt := o.received()
		r := &refund{id: s.st.id(), ord: o, note: "Order canceled", createdAt: now, amount: amt}
		t := s.newTx(o, "REFUND", o.txs[len(o.txs)-1].gateway, amt, now)
		o.txs = append(o.txs, t)
		r.txs = []*transaction{t}
		o.refunds = append(o.refunds, r)
		s.st.refundByID[r.id] = r
		o.financial = "REFUNDED"
		s.emit("refunds/create", func() *omap { return s.restRefund(r) })
	}
	s.emitOrder("orders/cancelled", o)
	s.emitOrder("orders/updated", o)
}

func (s *Server) newTx(o *order, kind, gateway string, amount int64, now time.Time) *transaction {
	t := &transaction{id: s.st.id(), ord: o, kind: kind, status: "SUCCESS", gateway: gateway, amount: amount, createdAt: now}
	if len(o.txs) > 0 {
		t.parent = o.txs[0]
	}
	s.st.txByID[t.id] = t
	return t
}

// orderMarkAsPaid records a manual payment of what is outstanding.
func (s *Server) orderMarkAsPaid(ec *execCtx, args map[string]any) (any, error) {
	payload := obj{"__typename": "OrderMarkAsPaidPayload", "order": nil, "userErrors": []any{}}
	id, _ := idOf(argMap(args["input"])["id"], "Order")
	o := s.st.orderByID[id]
	switch {
	case o == nil:
		payload["userErrors"] = []any{userError([]string{"id"}, "Order does not exist", "")}
		return payload, nil
	case o.outstanding() == 0 || !o.cancelledAt.IsZero():
		payload["userErrors"] = []any{userError([]string{"id"}, "Order cannot be marked as paid.", "")}
		return payload, nil
	}
	now := s.st.touch(ec.now)
	kind := "SALE"
	if o.financial == "AUTHORIZED" {
		kind = "CAPTURE"
	}
	o.txs = append(o.txs, s.newTx(o, kind, "manual", o.outstanding(), now))
	o.financial, o.updatedAt = "PAID", now
	s.emitOrder("orders/paid", o)
	s.emitOrder("orders/updated", o)
	payload["order"] = s.orderObj(o)
	return payload, nil
}

// refundCreate refunds line quantities (restocking them when asked) and
// shipping; the refunded amount is the lines' share of the order plus
// shipping, or the transactions given.
func (s *Server) refundCreate(ec *execCtx, args map[string]any) (any, error) {
	in := argMap(args["input"])
	payload := obj{"__typename": "RefundCreatePayload", "refund": nil, "order": nil, "userErrors": []any{}}
	fail := func(field []string, msg string) (any, error) {
		payload["userErrors"] = []any{userError(field, msg, "")}
		return payload, nil
	}
	id, _ := idOf(in["orderId"], "Order")
	o := s.st.orderByID[id]
	if o == nil {
		return fail([]string{"orderId"}, "Order does not exist.")
	}
	now := s.st.touch(ec.now)
	r := &refund{id: s.st.id(), ord: o, note: argStr(in["note"]), createdAt: now}
	for i, x := range argList(in["refundLineItems"]) {
		m := argMap(x)
		lid, _ := idOf(m["lineItemId"], "LineItem")
		l := s.st.lineByID[lid]
		qty, _ := argInt(m["quantity"])
		if l == nil || l.ord != o {
			return fail([]string{"refundLineItems", strconv.Itoa(i), "lineItemId"}, "Line item does not exist.")
		}
		if qty <= 0 || qty > l.qty-l.refunded {
			return fail([]string{"refundLineItems", strconv.Itoa(i), "quantity"}, "Quantity cannot refund more items than were purchased.")
		}
		rt := argStr(m["restockType"])
		if rt == "" {
			rt = "NO_RESTOCK"
		}
		locID, _ := idOf(m["locationId"], "Location")
		r.lines = append(r.lines, refundLine{line: l, qty: qty, restockType: rt, loc: s.st.locByID[locID]})
	}
	for _, rl := range r.lines {
		l := rl.line
		l.refunded += rl.qty
		share := l.discounted() / int64(l.qty) * int64(rl.qty)
		if !o.taxesIncluded {
			share += taxOf(share, l.taxRate, false)
		}
		r.amount += share
		// Unfulfilled units leave their fulfillment order; restocked ones go back on the shelf.
		for _, fo := range o.fos {
			for _, fl := range fo.lines {
				if fl.line == l && fl.remaining > 0 {
					n := min(fl.remaining, rl.qty)
					fl.remaining -= n
					if l.v != nil {
						if lv := l.v.item.levelAt(fo.loc); lv != nil {
							lv.q[qCommitted] -= n
							if rl.restockType != "NO_RESTOCK" {
								lv.q[qAvailable] += n
							} else {
								lv.q[qOnHand] -= n
							}
							lv.updatedAt = now
							s.emitLevel(lv)
						}
					}
				}
			}
		}
	}
	if sh := argMap(in["shipping"]); sh != nil {
		if argBool(sh["fullRefund"]) {
			r.shipping = o.shippingTotal() - o.refundedShipping()
		} else if amt := argStr(sh["amount"]); amt != "" {
			r.shipping = parseCents(amt)
		}
		r.amount += r.shipping
	}
	if txs := argList(in["transactions"]); len(txs) > 0 {
		r.amount = 0
		for _, x := range txs {
			r.amount += parseCents(argStr(argMap(x)["amount"]))
		}
	}
	// received is net of the refunds already made: what is left to refund
	// on an order that took money (an unpaid one refunds goods only).
	if r.amount > o.received() && o.received()+o.refunded() > 0 {
		return fail([]string{"transactions"}, "Refund amount exceeds the amount that can be refunded.")
	}
	if r.amount > 0 && len(o.txs) > 0 {
		t := s.newTx(o, "REFUND", o.txs[0].gateway, r.amount, now)
		o.txs = append(o.txs, t)
		r.txs = []*transaction{t}
	}
	o.refunds = append(o.refunds, r)
	s.st.refundByID[r.id] = r
	switch {
	case o.refunded() >= o.total():
		o.financial = "REFUNDED"
	case o.refunded() > 0:
		o.financial = "PARTIALLY_REFUNDED"
	}
	o.updatedAt = now
	s.emit("refunds/create", func() *omap { return s.restRefund(r) })
	s.emitOrder("orders/updated", o)
	payload["refund"], payload["order"] = s.refundObj(r), s.orderObj(o)
	return payload, nil
}

// parseCents reads a Money or Decimal string ("12.5") as minor units.
func parseCents(s string) int64 {
	whole, frac, _ := strings.Cut(strings.TrimSpace(s), ".")
	neg := strings.HasPrefix(whole, "-")
	whole = strings.TrimPrefix(whole, "-")
	w, _ := strconv.ParseInt(whole, 10, 64)
	frac = (frac + "00")[:2]
	f, _ := strconv.ParseInt(frac, 10, 64)
	n := w*100 + f
	if neg {
		n = -n
	}
	return n
}

func (s *Server) refundObj(r *refund) obj {
	o := r.ord
	return obj{"__typename": "Refund", "id": gid("Refund", r.id), "legacyResourceId": strconv.FormatInt(r.id, 10),
		"createdAt": r.createdAt, "updatedAt": r.createdAt, "note": nilIfEmpty(r.note),
		"totalRefundedSet": o.bag(r.amount), "order": lazy(func() any { return s.orderObj(o) }),
		"refundLineItems": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			var items []keyed
			for i, rl := range r.lines {
				items = append(items, keyed{id: r.id + int64(i) + 1, item: rl})
			}
			return ec.paginate(args, items, func(x any) any {
				rl := x.(refundLine)
				sub := rl.line.discounted() / int64(rl.line.qty) * int64(rl.qty)
				tax := taxOf(sub, rl.line.taxRate, o.taxesIncluded)
				var loc any
				if rl.loc != nil {
					loc = s.locationObj(rl.loc)
				}
				return obj{"__typename": "RefundLineItem", "quantity": rl.qty, "restockType": rl.restockType,
					"restocked": rl.restockType != "NO_RESTOCK", "lineItem": s.lineObj(rl.line), "location": loc,
					"priceSet": o.bag(rl.line.price), "subtotalSet": o.bag(sub), "totalTaxSet": o.bag(tax)}
			})
		}),
		"transactions": resolver(func(ec *execCtx, args map[string]any) (any, error) {
			var items []keyed
			for _, t := range r.txs {
				items = append(items, keyed{id: t.id, item: t})
			}
			return ec.paginate(args, items, func(x any) any { return s.txObj(x.(*transaction)) })
		}),
	}
}

package shopify

import (
	"fmt"
	"math"
	"strings"
)

// Amounts are kept in the shop currency's minor units (cents). GraphQL writes
// Decimal and Money as Ruby's BigDecimal does: "213.48", "59.0", "0.0";
// REST bodies (webhooks) always carry two decimals: "0.00".

func decimal(cents int64) string {
	s := rest(cents)
	if strings.HasSuffix(s, "0") {
		s = s[:len(s)-1]
	}
	return s
}

func rest(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s%d.%02d", sign, cents/100, cents%100)
}

func round(x float64) int64 { return int64(math.Round(x)) }

func money(cents int64, currency string) obj {
	return obj{"__typename": "MoneyV2", "amount": decimal(cents), "currencyCode": currency}
}

// bag is a MoneyBag of an order: the shop amount and the presentment amount at
// the order's rate.
func (o *order) bag(cents int64) obj {
	return obj{"__typename": "MoneyBag", "shopMoney": money(cents, o.currency), "presentmentMoney": money(o.pres(cents), o.presentment)}
}

func (o *order) pres(cents int64) int64 {
	if o.rate == 0 || o.rate == 1 {
		return cents
	}
	return round(float64(cents) * o.rate)
}

// restSet is a REST money set: {"shop_money":{amount,currency_code},"presentment_money":…}.
func (o *order) restSet(cents int64) *omap {
	return newOmap("shop_money", newOmap("amount", rest(cents), "currency_code", o.currency),
		"presentment_money", newOmap("amount", rest(o.pres(cents)), "currency_code", o.presentment))
}

// Line and order arithmetic. A line's discounted total is price × quantity
// less its discount allocation; its tax is carved out of that total when the
// order's taxes are included, else added to it.

func (l *lineItem) gross() int64      { return l.price * int64(l.qty) }
func (l *lineItem) discounted() int64 { return l.gross() - l.discount }

func (l *lineItem) tax() int64 { return taxOf(l.discounted(), l.taxRate, l.ord.taxesIncluded) }

func (s *shippingLine) tax(included bool) int64 { return taxOf(s.price, s.taxRate, included) }

func taxOf(amount int64, rate float64, included bool) int64 {
	if included {
		return round(float64(amount) * rate / (1 + rate))
	}
	return round(float64(amount) * rate)
}

func (o *order) subtotal() int64 {
	var n int64
	for _, l := range o.lines {
		n += l.discounted()
	}
	return n
}

func (o *order) lineItemsTotal() int64 {
	var n int64
	for _, l := range o.lines {
		n += l.gross()
	}
	return n
}

func (o *order) discounts() int64 {
	var n int64
	for _, l := range o.lines {
		n += l.discount
	}
	return n
}

func (o *order) shippingTotal() int64 {
	var n int64
	for _, s := range o.shipping {
		n += s.price
	}
	return n
}

func (o *order) totalTax() int64 {
	var n int64
	for _, l := range o.lines {
		n += l.tax()
	}
	for _, s := range o.shipping {
		n += s.tax(o.taxesIncluded)
	}
	return n
}

func (o *order) total() int64 {
	t := o.subtotal() + o.shippingTotal()
	if !o.taxesIncluded {
		t += o.totalTax()
	}
	return t
}

func (o *order) refunded() int64 {
	var n int64
	for _, r := range o.refunds {
		n += r.amount
	}
	return n
}

// received is what successful sales and captures took in, less refunds.
func (o *order) received() int64 {
	var n int64
	for _, t := range o.txs {
		if t.status != "SUCCESS" {
			continue
		}
		switch t.kind {
		case "SALE", "CAPTURE":
			n += t.amount
		case "REFUND":
			n -= t.amount
		}
	}
	return n
}

func (o *order) outstanding() int64 {
	if !o.cancelledAt.IsZero() {
		return 0
	}
	return max(0, o.total()-o.refunded()-o.received())
}

// taxGroups sums the order's tax lines by (title, rate), as Order.taxLines does.
type taxGroup struct {
	title  string
	rate   float64
	amount int64
}

func (o *order) taxGroups() []taxGroup {
	var out []taxGroup
	add := func(title string, rate float64, amt int64) {
		for i := range out {
			if out[i].title == title && out[i].rate == rate {
				out[i].amount += amt
				return
			}
		}
		out = append(out, taxGroup{title, rate, amt})
	}
	for _, l := range o.lines {
		if l.taxRate > 0 {
			add(l.taxTitle, l.taxRate, l.tax())
		}
	}
	for _, s := range o.shipping {
		if s.taxRate > 0 {
			add(s.taxTitle, s.taxRate, s.tax(o.taxesIncluded))
		}
	}
	return out
}

func (o *order) taxLineObjs(groups []taxGroup) []any {
	out := []any{}
	for _, g := range groups {
		out = append(out, obj{"__typename": "TaxLine", "title": g.title, "rate": g.rate, "ratePercentage": math.Round(g.rate*1e4) / 100,
			"priceSet": o.bag(g.amount), "channelLiable": false, "source": "Shopify"})
	}
	return out
}

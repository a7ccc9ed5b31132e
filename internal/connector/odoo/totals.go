package odoo

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/ferryhub/ferry/internal/model"
)

// netUnitPrice turns a shop's gross unit price into the net price a
// price-excluded tax of rate needs. Odoo keeps price_unit to 2 decimals, so
// of the two 2-decimal prices around the exact net it takes the one whose
// line total with tax comes nearest the shop's (56.00 at 25.5 %: 44.62).
func netUnitPrice(gross, qty, discount, rate float64) float64 {
	net := gross / (1 + rate/100)
	want := round2(gross * qty * (1 - discount/100))
	best, bestDiff := round2(net), math.Inf(1)
	for _, p := range []float64{math.Floor(net*100) / 100, math.Ceil(net*100) / 100} {
		sub := round2(p * qty * (1 - discount/100))
		if d := math.Abs(round2(sub+round2(sub*rate/100)) - want); d < bestDiff {
			best, bestDiff = p, d
		}
	}
	return best
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// pricedLine is an order line's values with how its price was made.
type pricedLine struct {
	vals     map[string]any
	line     model.Line
	convert  bool // gross shop price sent net
	excluded bool // Odoo adds the tax on top
}

// total is the line's total with tax as Odoo computes it per line.
func (p pricedLine) total(price float64) float64 {
	return p.totalWith(price, p.line.DiscountPercent.Float64())
}

// totalWith is the line's total at price less discount percent.
func (p pricedLine) totalWith(price, discount float64) float64 {
	sub := round2(price * p.line.Quantity.Float64() * (1 - discount/100))
	if p.excluded {
		return round2(sub + round2(sub*p.line.TaxRate.Float64()/100))
	}
	return sub
}

// fitSpread is how many cents around the exact net price a converted line's
// price may go so that the order's total comes to the shop's: Odoo rounds each
// line's tax, so nearby net prices give totals a cent or two apart, and a few
// cents either way on one line reach totals the nearest prices cannot.
const fitSpread = 3

// fitChoice is one way to price a converted line: a net unit price and the
// line's discount percent (Odoo keeps 2 decimals of each).
type fitChoice struct {
	price, discount float64
	// cost ranks the ways: cents away from the exact net, and a rounding
	// discount the shop did not give costs more than any price.
	cost int64
}

// fitChoices are the ways to price line p: the prices within fitSpread cents
// of the exact net; and, for a line of several units without a discount of
// its own, whose subtotal steps by that many cents a price, the next price up
// less a rounding discount of 0.01 % steps, which reaches the cents between.
func fitChoices(p pricedLine) []fitChoice {
	l := p.line
	exact := l.UnitPrice.Float64() / (1 + l.TaxRate.Float64()/100) * 100
	base := math.Floor(exact)
	own := l.DiscountPercent.Float64()
	var out []fitChoice
	for d := -fitSpread + 1; d <= fitSpread; d++ {
		if cents := base + float64(d); cents >= 0 {
			out = append(out, fitChoice{price: cents / 100, discount: own, cost: int64(math.Abs(cents - exact))})
		}
	}
	if l.Quantity.Float64() > 1 && own == 0 {
		for _, c := range out[:len(out):len(out)] {
			cents := c.price * 100
			if cents <= 0 {
				continue
			}
			// The discounts that take each unit up to a cent down, in
			// hundredths of a percent; at most 200 steps (prices from 0.50).
			steps := min(int(math.Ceil(10000/cents))+1, 200)
			for k := 1; k <= steps; k++ {
				out = append(out, fitChoice{price: c.price, discount: float64(k) / 100, cost: 100 + c.cost + int64(k)})
			}
		}
	}
	return out
}

// fitNetPrices chooses, for each converted line, how to price it (see
// fitChoices) so that the order's total (Odoo rounds each line's tax) is the
// shop's, changing the prices as little as it can. It reports whether any
// line was converted; when no choice reaches the total, the nearest prices
// stay and the read-back parks the order naming both totals.
func fitNetPrices(plan []pricedLine, want model.Decimal) bool {
	var conv []int
	fixed := 0.0
	for k, p := range plan {
		// The search grows with the lines; 30 lines reach any near total.
		if p.convert && len(conv) < 30 {
			conv = append(conv, k)
			continue
		}
		fixed += p.total(p.vals["price_unit"].(float64))
	}
	if len(conv) == 0 || want.IsZero() {
		return len(conv) > 0
	}
	target := int64(math.Round(want.Float64()*100)) - int64(math.Round(fixed*100))
	// reach[sum] is the cheapest way to make sum (in cents) from the lines so
	// far: its cost and each line's choice.
	type way struct {
		cost    int64
		choices []fitChoice
	}
	reach := map[int64]way{0: {}}
	for _, k := range conv {
		next := map[int64]way{}
		for _, ch := range fitChoices(plan[k]) {
			t := int64(math.Round(plan[k].totalWith(ch.price, ch.discount) * 100))
			for sum, w := range reach {
				n, c := sum+t, w.cost+ch.cost
				if old, ok := next[n]; ok && old.cost <= c {
					continue
				}
				next[n] = way{cost: c, choices: append(append([]fitChoice(nil), w.choices...), ch)}
			}
		}
		reach = next
	}
	if w, ok := reach[target]; ok {
		for j, k := range conv {
			ch := w.choices[j]
			plan[k].vals["price_unit"] = ch.price
			if ch.discount != 0 {
				plan[k].vals["discount"] = ch.discount
			}
		}
	}
	return true
}

type totalRow struct {
	ID          Int `json:"id"`
	AmountTotal Num `json:"amount_total"`
}

// checkTotals reads back the totals of the orders just created whose gross
// prices were sent net (one read) and parks each whose Odoo total is not the
// shop's to the cent, deleting its quotation so that a retry after the fix
// creates it afresh. An accountant fixes such a drift (56.00 → 48.70 →
// 56.01) with a price-included tax, not by ferry guessing. A price-included
// tax keeps the shop's gross prices, so those orders are not read back.
func (c *Client) checkTotals(ctx context.Context, imps []model.OrderImport, idx []int, converted map[string]bool, out []model.WriteResult) error {
	var check []int
	for _, i := range idx {
		if out[i].Err == nil && out[i].Created && converted[imps[i].Ref] {
			check = append(check, i)
		}
	}
	drifted, err := c.dropDrifted(ctx, imps, check, out, "quotations")
	for i, got := range drifted {
		o := imps[i].Order
		out[i] = model.WriteResult{Err: &RecordError{Entity: "order " + o.Number, Action: true, Msg: fmt.Sprintf(
			"Odoo total %s differs from the shop's %s; add a price-included %s sale tax in Odoo or map the rate under Mappings → Taxes",
			got.StringFixed(2), o.Total.StringFixed(2), excludedRates(o))}}
	}
	return err
}

// driftedDrafts reads the totals of the drafts at idx (orders an earlier
// attempt created and did not confirm) and deletes those whose total is not
// the shop's, returning their indexes to be made again.
func (c *Client) driftedDrafts(ctx context.Context, imps []model.OrderImport, idx []int, out []model.WriteResult) ([]int, error) {
	drifted, err := c.dropDrifted(ctx, imps, idx, out, "drafts left by an earlier attempt")
	if err != nil {
		return nil, err
	}
	var redo []int
	for i := range drifted {
		redo = append(redo, i)
	}
	sort.Ints(redo)
	return redo, nil
}

// dropDrifted reads the Odoo totals of the orders at idx (one read), deletes
// those whose total is not the shop's to the cent (one unlink; they are
// drafts) and returns their Odoo totals by index. Orders without a shop total
// are not checked.
func (c *Client) dropDrifted(ctx context.Context, imps []model.OrderImport, idx []int, out []model.WriteResult, what string) (map[int]model.Decimal, error) {
	var ids []any
	byID := map[string]int{}
	for _, i := range idx {
		if !imps[i].Order.Total.IsZero() {
			ids = append(ids, parseInt(out[i].RemoteID))
			byID[out[i].RemoteID] = i
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := SearchRead[totalRow](ctx, c, "sale.order", Query{Domain: []any{[]any{"id", "in", ids}}, Fields: []string{"amount_total"}})
	if err != nil {
		return nil, fmt.Errorf("odoo %s: reading the totals of %s: %w", c.name, what, err)
	}
	drifted := map[int]model.Decimal{}
	var drop []int64
	for _, r := range rows {
		i, ok := byID[r.ID.String()]
		if !ok || math.Round(r.AmountTotal.D().Float64()*100) == math.Round(imps[i].Order.Total.Float64()*100) {
			continue
		}
		drifted[i] = r.AmountTotal.D()
		drop = append(drop, int64(r.ID))
	}
	if len(drop) == 0 {
		return nil, nil
	}
	if _, err := c.Call(ctx, "sale.order", "unlink", drop, nil); err != nil {
		return nil, fmt.Errorf("odoo %s: deleting %d %s whose totals differ from the shop's: %w", c.name, len(drop), what, err)
	}
	return drifted, nil
}

// excludedRates names the tax rates of an order's lines, as "25.5 %".
func excludedRates(o model.Order) string {
	var rates []string
	seen := map[string]bool{}
	for _, l := range o.Lines {
		if r := l.TaxRate.String() + " %"; !l.TaxRate.IsZero() && !seen[r] {
			seen[r] = true
			rates = append(rates, r)
		}
	}
	if len(rates) == 0 {
		return "0 %"
	}
	return strings.Join(rates, " / ")
}

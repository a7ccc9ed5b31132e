package odoo

import "math"

// Taxes and rounding as Odoo computes a line (16, 18, 19:
// account/models/account_tax.py, with the company default
// tax_calculation_rounding_method round_per_line): the base is the unit price
// less the discount times the quantity, rounded to the currency; a
// price-included tax is taken out of that total and rounded, the subtotal
// being what is left; a price-excluded tax is the subtotal times its rate,
// rounded per tax. Unit prices are stored rounded to the "Product Price"
// decimal precision, 2 by default (a Float field with digits rounds on write).

// priceDigits is the "Product Price" decimal precision.
const priceDigits = 2

func round2(x float64) float64 { return roundTo(x, 2) }

// roundTo rounds half away from zero, as Odoo's float_round does, after
// taking out the binary representation error of x.
func roundTo(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p*(1+1e-15)) / p
}

// taxIncluded tells whether a tax's amount is inside the price: its
// price_include up to 17; from 18 price_include is computed from
// price_include_override ("tax_included") or the company's default
// (tax_excluded on a fresh database).
func taxIncluded(version int, r record) bool {
	if version >= 18 {
		return r["price_include_override"] == "tax_included"
	}
	return r["price_include"] == true
}

// lineAmounts returns a line's subtotal (untaxed) and tax.
func (s *Server) lineAmounts(qty, price, disc float64, taxIDs []int64) (sub, tax float64) {
	total := round2(qty * price * (1 - disc/100))
	var incl float64
	var excl []float64
	for _, id := range taxIDs {
		r, ok := s.tables["account.tax"].get(id)
		if !ok {
			continue
		}
		a, _ := r["amount"].(float64)
		if taxIncluded(s.opts.Version, r) {
			incl += a
		} else {
			excl = append(excl, a)
		}
	}
	sub = total
	if incl != 0 {
		tax = round2(total - total/(1+incl/100))
		sub = round2(total - tax)
	}
	for _, a := range excl {
		tax += round2(sub * a / 100)
	}
	return sub, round2(tax)
}

func init() {
	// 18+: price_include is read from price_include_override; writing it is
	// ignored, as for any computed field without an inverse.
	computeIncluded := func(s *Server, r record) any { return taxIncluded(s.opts.Version, r) }
	modelHooks = append(modelHooks, func(version int, defs map[string]*modelDef) {
		f := defs["account.tax"].fields
		if version >= 18 {
			f["price_include_override"] = &field{typ: fSelection}
			f["price_include"] = &field{typ: fBool, compute: computeIncluded}
		}
		for _, m := range []string{"sale.order.line", "account.move.line", "product.template"} {
			for _, name := range []string{"price_unit", "list_price"} {
				if x, ok := defs[m].fields[name]; ok {
					x.digits = priceDigits
				}
			}
		}
	})
}

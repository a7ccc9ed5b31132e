package odoo

// Currencies: a fresh database has USD and EUR among its res.currency records,
// all inactive in base's data (base/data/res_currency_data.xml) but the
// company's, which is USD unless a chart or country sets another
// (Options.Currency). A pricelist has a currency (the company's by default)
// and a sale order takes its pricelist's (sale/models/sale_order.py:
// currency_id related to pricelist_id.currency_id).

func (s *Server) companyCurrency() int64 {
	for _, r := range s.tables["res.company"].rows {
		return asID(r["currency_id"])
	}
	return 0
}

func (s *Server) saleJournal() int64 {
	t := s.tables["account.journal"]
	for _, id := range t.ids() {
		if t.rows[id]["type"] == "sale" {
			return id
		}
	}
	return 0
}

// generateCurrencies makes USD and EUR and returns the company's.
func (s *Server) generateCurrencies() int64 {
	code := s.opts.Currency
	if code == "" {
		code = "USD"
	}
	var company int64
	for _, c := range [][2]string{{"USD", "$"}, {"EUR", "€"}, {"SEK", "kr"}} {
		id := s.mustCreate("res.currency", map[string]any{"name": c[0], "symbol": c[1], "rounding": 0.01, "active": c[0] == code})
		if c[0] == code {
			company = id
		}
	}
	if company == 0 {
		company = s.mustCreate("res.currency", map[string]any{"name": code, "symbol": code, "rounding": 0.01, "active": true})
	}
	return company
}

func init() {
	createHooks["product.pricelist"] = func(s *Server, id int64) error {
		if r := s.tables["product.pricelist"].rows[id]; asID(r["currency_id"]) == 0 {
			r["currency_id"] = s.companyCurrency()
		}
		return nil
	}
}

// orderCurrency is the currency of an order's pricelist, else the company's.
func (s *Server) orderCurrency(o record) int64 {
	if pl, ok := s.tables["product.pricelist"].get(asID(o["pricelist_id"])); ok {
		if c := asID(pl["currency_id"]); c != 0 {
			return c
		}
	}
	return s.companyCurrency()
}

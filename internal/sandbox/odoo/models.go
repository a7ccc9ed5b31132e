package odoo

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

func has(mods []string, m string) bool {
	for _, x := range mods {
		if x == m {
			return true
		}
	}
	return false
}

// models returns the model definitions of a version with modules installed
// (reference §2: field names per version).
func models(version int, mods []string) []*modelDef {
	f := func(t fieldType) *field { return &field{typ: t} }
	m2o := func(rel string) *field { return &field{typ: fMany2one, relation: rel} }
	o2m := func(rel, inv string) *field { return &field{typ: fOne2many, relation: rel, inverse: inv} }
	m2m := func(rel string) *field { return &field{typ: fMany2many, relation: rel} }
	req := func(x *field) *field { x.required = true; return x }
	base := func(extra map[string]*field) map[string]*field {
		extra["create_date"] = f(fDatetime)
		extra["write_date"] = f(fDatetime)
		return extra
	}
	template := base(map[string]*field{
		"name": req(f(fChar)), "list_price": f(fFloat), "categ_id": m2o("product.category"),
		"description_sale": f(fText), "weight": f(fFloat), "active": f(fBool), "sale_ok": f(fBool), "purchase_ok": f(fBool),
		"taxes_id": m2m("account.tax"), "invoice_policy": f(fSelection),
		"attribute_line_ids": o2m("product.template.attribute.line", "product_tmpl_id"),
		// Only the active variants, as in Odoo; archived ones stay in product.product.
		"product_variant_ids":   {typ: fOne2many, relation: "product.product", compute: func(s *Server, r record) any { return s.activeVariants(r["id"].(int64)) }},
		"product_variant_count": {typ: fInt, compute: func(s *Server, r record) any { return int64(len(s.activeVariants(r["id"].(int64)))) }},
		// The internal reference and barcode live on the variant; the template
		// shows and sets them only while it has exactly one (reference §2).
		"default_code": {typ: fChar, compute: singleVariant("default_code"), set: setSingleVariant("default_code")},
		"barcode":      {typ: fChar, compute: singleVariant("barcode"), set: setSingleVariant("barcode")},
	})
	switch {
	case version >= 18:
		template["type"] = f(fSelection)
		template["is_storable"] = f(fBool)
	case version >= 15:
		// 15 adds detailed_type, type following it (product/models/product_template.py).
		template["detailed_type"] = f(fSelection)
		template["type"] = f(fSelection)
	default:
		// 14: type alone, consu/service and stock's product (storable).
		template["type"] = f(fSelection)
	}
	// product.product delegates to its template (_inherits): name, prices,
	// type and the rest read, write and search through the variant.
	product := base(map[string]*field{
		"product_tmpl_id": req(m2o("product.template")), "default_code": f(fChar), "barcode": f(fChar),
		"weight": f(fFloat), "active": f(fBool), "product_template_attribute_value_ids": m2m("product.template.attribute.value"),
		"lst_price": {typ: fFloat, compute: computeLstPrice, set: setLstPrice}, "price_extra": {typ: fFloat, compute: computePriceExtra},
		"qty_available": {typ: fFloat, compute: computeQty(false)}, "free_qty": {typ: fFloat, compute: computeQty(true)},
		"virtual_available": {typ: fFloat, compute: computeQty(true)},
	})
	imageFields(template, product)
	picking := base(map[string]*field{
		"name": f(fChar), "state": f(fSelection), "origin": f(fChar), "sale_id": m2o("sale.order"), "partner_id": m2o("res.partner"),
		"picking_type_code": f(fSelection), pickingMoves(version): o2m("stock.move", "picking_id"), "date_done": f(fDatetime), "backorder_id": m2o("stock.picking"),
		"backorder_ids": o2m("stock.picking", "backorder_id"),
	})
	if has(mods, "delivery") && version <= 16 || has(mods, "stock_delivery") && version >= 17 {
		picking["carrier_id"] = m2o("delivery.carrier")
		picking["carrier_tracking_ref"] = f(fChar)
	}
	move := base(map[string]*field{
		"product_id": m2o("product.product"), "product_uom_qty": f(fFloat), "state": f(fSelection), "picking_id": m2o("stock.picking"), "sale_line_id": m2o("sale.order.line"),
	})
	if version >= 17 {
		move["quantity"] = f(fFloat)
		move["picked"] = f(fBool)
	} else {
		move["quantity_done"] = f(fFloat)
	}
	saleOrder := base(map[string]*field{
		"name": f(fChar), "state": f(fSelection), "partner_id": req(m2o("res.partner")), "partner_invoice_id": m2o("res.partner"), "partner_shipping_id": m2o("res.partner"),
		"client_order_ref": f(fChar), "origin": f(fChar), "pricelist_id": m2o("product.pricelist"),
		// order_id is ondelete='cascade' (sale/models/sale_order_line.py).
		"order_line":     {typ: fOne2many, relation: "sale.order.line", inverse: "order_id", cascade: true},
		"amount_untaxed": f(fFloat), "amount_tax": f(fFloat), "amount_total": f(fFloat),
		"picking_ids": o2m("stock.picking", "sale_id"), "date_order": f(fDatetime), "note": f(fText),
	})
	if has(mods, "delivery") {
		saleOrder["carrier_id"] = m2o("delivery.carrier")
	}
	if version >= 17 {
		saleOrder["locked"] = f(fBool)
	}
	partner := base(map[string]*field{
		"name": req(f(fChar)), "email": f(fChar), "phone": f(fChar), "ref": f(fChar), "type": f(fSelection),
		"parent_id": m2o("res.partner"), "child_ids": o2m("res.partner", "parent_id"), "country_id": m2o("res.country"), "street": f(fChar),
		"street2": f(fChar), "zip": f(fChar), "city": f(fChar), "vat": f(fChar), "lang": f(fChar), "is_company": f(fBool), "active": f(fBool), "customer_rank": f(fInt),
		"state_id": m2o("res.country.state"),
	})
	if version < 19 {
		// 19 has no mobile (odoo/addons/base/models/res_partner.py).
		partner["mobile"] = f(fChar)
	}
	saleLine := base(map[string]*field{
		"order_id": m2o("sale.order"), "product_id": m2o("product.product"), "name": f(fText), "product_uom_qty": f(fFloat), "price_unit": f(fFloat),
		"discount": f(fFloat), "price_subtotal": f(fFloat), "price_tax": f(fFloat), "price_total": f(fFloat), "qty_delivered": f(fFloat), "is_delivery": f(fBool),
	})
	// The line's taxes are tax_id up to 18 and tax_ids from 19
	// (addons/sale/models/sale_order_line.py of each).
	saleLine[lineTaxField(version)] = m2m("account.tax")
	company := base(map[string]*field{"name": f(fChar), "country_id": m2o("res.country")})
	if version >= 19 {
		// stock/models/res_company.py (19): the text confirmation of
		// deliveries, which stock_sms turns on.
		company["stock_text_confirmation"] = f(fBool)
		company["stock_confirmation_type"] = f(fSelection)
	}
	var versioned []*modelDef
	if version < 17 {
		// Removed in 17 (reference §2.2).
		versioned = append(versioned, &modelDef{name: "stock.immediate.transfer", fields: base(map[string]*field{"pick_ids": m2m("stock.picking")})})
	}
	defs := []*modelDef{
		{name: "res.partner", fields: partner, defaults: func(*Server) map[string]any { return map[string]any{"active": true, "type": "contact"} }},
		{name: "res.users", fields: base(map[string]*field{"name": f(fChar), "login": f(fChar), "partner_id": m2o("res.partner"), "active": f(fBool)})},
		{name: "res.country", fields: base(map[string]*field{"name": f(fChar), "code": f(fChar)})},
		// base/models/res_country.py: a state's display name is "Name (CC)".
		{name: "res.country.state", fields: base(map[string]*field{"name": req(f(fChar)), "code": req(f(fChar)), "country_id": req(m2o("res.country"))}),
			display: func(s *Server, id int64, r record) string {
				name, _ := r["name"].(string)
				if c, ok := s.tables["res.country"].get(asID(r["country_id"])); ok {
					code, _ := c["code"].(string)
					return name + " (" + code + ")"
				}
				return name
			}},
		{name: "res.company", fields: company, defaults: func(*Server) map[string]any {
			if version >= 19 {
				return map[string]any{"stock_text_confirmation": false, "stock_confirmation_type": "sms"}
			}
			return nil
		}},
		{name: "ir.module.module", fields: base(map[string]*field{"name": f(fChar), "state": f(fSelection)})},
		{name: "product.category", fields: base(map[string]*field{"name": req(f(fChar)), "parent_id": m2o("product.category")})},
		{name: "product.attribute", fields: base(map[string]*field{
			"name": req(f(fChar)), "create_variant": f(fSelection), "display_type": f(fSelection), "value_ids": o2m("product.attribute.value", "attribute_id"),
		}), defaults: func(*Server) map[string]any {
			return map[string]any{"create_variant": "always", "display_type": "radio"}
		}},
		{name: "product.attribute.value", fields: base(map[string]*field{"name": req(f(fChar)), "attribute_id": req(m2o("product.attribute")), "sequence": f(fInt)})},
		{name: "product.template.attribute.line", fields: base(map[string]*field{
			"product_tmpl_id": req(m2o("product.template")), "attribute_id": req(m2o("product.attribute")), "value_ids": m2m("product.attribute.value"),
			"product_template_value_ids": o2m("product.template.attribute.value", "attribute_line_id"),
		}), display: func(s *Server, id int64, r record) string {
			return s.displayName("product.attribute", asID(r["attribute_id"]))
		}},
		{name: "product.template.attribute.value", fields: base(map[string]*field{
			"name": f(fChar), "product_tmpl_id": m2o("product.template"), "attribute_id": m2o("product.attribute"), "attribute_line_id": m2o("product.template.attribute.line"),
			"product_attribute_value_id": m2o("product.attribute.value"), "price_extra": f(fFloat), "ptav_active": f(fBool),
		}), defaults: func(*Server) map[string]any { return map[string]any{"ptav_active": true} }},
		{name: "product.template", fields: template, defaults: func(*Server) map[string]any {
			d := map[string]any{"active": true, "sale_ok": true, "purchase_ok": true, "invoice_policy": "order"}
			switch {
			case version >= 18, version <= 14:
				d["type"] = "consu"
			default:
				d["detailed_type"], d["type"] = "consu", "consu"
			}
			return d
		}},
		{name: "product.product", fields: product, inherits: "product.template", link: "product_tmpl_id", display: variantDisplay,
			defaults: func(*Server) map[string]any { return map[string]any{"active": true} }},
		{name: "account.tax", fields: base(map[string]*field{"name": f(fChar), "amount": f(fFloat), "amount_type": f(fSelection), "type_tax_use": f(fSelection), "price_include": f(fBool)})},
		{name: "account.journal", fields: base(map[string]*field{"name": f(fChar), "type": f(fSelection), "code": f(fChar)})},
		{name: "delivery.carrier", fields: base(map[string]*field{"name": req(f(fChar)), "delivery_type": f(fSelection), "product_id": req(m2o("product.product")), "fixed_price": f(fFloat), "active": f(fBool)}),
			defaults: func(*Server) map[string]any { return map[string]any{"active": true, "delivery_type": "fixed"} }},
		{name: "stock.warehouse", fields: base(map[string]*field{"name": f(fChar), "code": f(fChar), "lot_stock_id": m2o("stock.location")})},
		{name: "stock.location", fields: base(map[string]*field{"name": f(fChar), "usage": f(fSelection)})},
		{name: "stock.quant", fields: base(map[string]*field{"product_id": req(m2o("product.product")), "location_id": req(m2o("stock.location")), "quantity": f(fFloat), "reserved_quantity": f(fFloat), "inventory_quantity": f(fFloat)})},
		{name: "product.pricelist", fields: base(map[string]*field{"name": req(f(fChar)), "active": f(fBool), "item_ids": o2m("product.pricelist.item", "pricelist_id")}),
			defaults: func(*Server) map[string]any { return map[string]any{"active": true} }},
		{name: "product.pricelist.item", fields: base(map[string]*field{
			"pricelist_id": m2o("product.pricelist"), "applied_on": f(fSelection), "product_tmpl_id": m2o("product.template"), "product_id": m2o("product.product"),
			"categ_id": m2o("product.category"), "min_quantity": f(fFloat), "compute_price": f(fSelection), "fixed_price": f(fFloat), "percent_price": f(fFloat),
		}), defaults: func(*Server) map[string]any {
			// product/models/product_pricelist_item.py (16, 18, 19): min_quantity
			// default=0, applied_on '3_global', compute_price 'fixed'.
			return map[string]any{"min_quantity": 0.0, "applied_on": "3_global", "compute_price": "fixed"}
		}},
		{name: "sale.order", fields: saleOrder, defaults: func(s *Server) map[string]any {
			return map[string]any{"state": "draft", "date_order": s.now()}
		}},
		{name: "sale.order.line", fields: saleLine},
		{name: "stock.picking", fields: picking},
		{name: "stock.move", fields: move},
		{name: "stock.backorder.confirmation", fields: base(map[string]*field{"pick_ids": m2m("stock.picking")})},
	}
	return accounting(version, append(defs, versioned...))
}

// pickingMoves is the name of stock.picking's moves: move_lines up to 15,
// move_ids from 16 (stock/models/stock_picking.py of each).
func pickingMoves(version int) string {
	if version <= 15 {
		return "move_lines"
	}
	return "move_ids"
}

// lineTaxField is the name of sale.order.line's taxes in a version.
func lineTaxField(version int) string {
	if version >= 19 {
		return "tax_ids"
	}
	return "tax_id"
}

func asID(v any) int64 {
	id, _ := v.(int64)
	return id
}

// activeVariants are a template's variants that are not archived.
func (s *Server) activeVariants(tid int64) []int64 {
	var out []int64
	t := s.tables["product.product"]
	ids := t.ids()
	if idx := t.index("product_tmpl_id"); idx != nil {
		ids = idx[tid]
	}
	for _, id := range ids {
		if r := t.rows[id]; r["product_tmpl_id"] == tid && r["active"] != false {
			out = append(out, id)
		}
	}
	return out
}

func singleVariant(name string) func(s *Server, r record) any {
	return func(s *Server, r record) any {
		if vs := s.activeVariants(r["id"].(int64)); len(vs) == 1 {
			return s.tables["product.product"].rows[vs[0]][name]
		}
		return nil
	}
}

func setSingleVariant(name string) func(s *Server, id int64, v any) error {
	return func(s *Server, id int64, v any) error {
		if vs := s.activeVariants(id); len(vs) == 1 {
			return s.write("product.product", vs, map[string]any{name: v})
		}
		return nil
	}
}

// computePriceExtra sums the price extras of the variant's attribute values.
func computePriceExtra(s *Server, r record) any {
	var extra float64
	ids, _ := r["product_template_attribute_value_ids"].([]int64)
	for _, id := range ids {
		if v, ok := s.tables["product.template.attribute.value"].get(id); ok {
			x, _ := v["price_extra"].(float64)
			extra += x
		}
	}
	return extra
}

func computeLstPrice(s *Server, r record) any {
	t, _ := s.tables["product.template"].get(asID(r["product_tmpl_id"]))
	price, _ := t["list_price"].(float64)
	return price + computePriceExtra(s, r).(float64)
}

// setLstPrice writes the template's list price less the variant's extras, as
// Odoo's inverse does.
func setLstPrice(s *Server, id int64, v any) error {
	r, _ := s.tables["product.product"].get(id)
	price, ok := v.(float64)
	if !ok {
		return valueError("Wrong value for product.product.lst_price: %v", v)
	}
	return s.write("product.template", []int64{asID(r["product_tmpl_id"])}, map[string]any{"list_price": price - computePriceExtra(s, withID(r, id)).(float64)})
}

// variantDisplay is "[CODE] Template name (S, Red)", as Odoo shows a variant.
func variantDisplay(s *Server, id int64, r record) string {
	name := s.displayName("product.template", asID(r["product_tmpl_id"]))
	var vals []string
	ids, _ := r["product_template_attribute_value_ids"].([]int64)
	for _, v := range ids {
		vals = append(vals, s.displayName("product.template.attribute.value", v))
	}
	if len(vals) > 0 {
		name += " (" + strings.Join(vals, ", ") + ")"
	}
	if code, _ := r["default_code"].(string); code != "" {
		name = "[" + code + "] " + name
	}
	return name
}

// computeQty sums the product's quants in internal locations; free quantity is
// less what is reserved.
func computeQty(free bool) func(s *Server, r record) any {
	return func(s *Server, r record) any {
		id, _ := r["id"].(int64)
		var q float64
		for _, qr := range s.tables["stock.quant"].rows {
			if qr["product_id"] == id {
				loc, _ := qr["location_id"].(int64)
				if l, ok := s.tables["stock.location"].get(loc); ok && l["usage"] == "internal" {
					n, _ := qr["quantity"].(float64)
					q += n
					if free {
						res, _ := qr["reserved_quantity"].(float64)
						q -= res
					}
				}
			}
		}
		return q
	}
}

// mustCreate creates generator data; it panics on a programming error.
func (s *Server) mustCreate(model string, vals map[string]any) int64 {
	id, err := s.create(model, vals)
	if err != nil {
		panic(fmt.Sprintf("sandbox/odoo: generating %s: %v", model, err))
	}
	return id
}

// generate makes the deterministic demo data (Options.Seed).
func (s *Server) generate() {
	rng := rand.New(rand.NewPCG(uint64(s.opts.Seed), 7))
	for _, m := range []string{"base", "product", "sale", "sale_management", "stock", "account", "delivery", "stock_delivery", "website_sale", "purchase"} {
		state := "uninstalled"
		if has(s.opts.Modules, m) {
			state = "installed"
		}
		if m == "stock_delivery" && s.opts.Version < 17 {
			continue
		}
		s.mustCreate("ir.module.module", map[string]any{"name": m, "state": state})
	}
	countries := map[string]int64{}
	for _, c := range [][2]string{{"FI", "Finland"}, {"SE", "Sweden"}, {"EE", "Estonia"}, {"DE", "Germany"}, {"ES", "Spain"}} {
		countries[c[0]] = s.mustCreate("res.country", map[string]any{"code": c[0], "name": c[1]})
	}
	// Spain's provinces that seed 004's merchants sell in (base/data/res.country.state.csv).
	for _, st := range [][2]string{{"M", "Madrid"}, {"B", "Barcelona"}, {"V", "Valencia"}, {"SE", "Sevilla"}, {"BI", "Bizkaia"}, {"Z", "Zaragoza"}, {"MA", "Málaga"}} {
		s.mustCreate("res.country.state", map[string]any{"code": st[0], "name": st[1], "country_id": float64(countries["ES"])})
	}
	cur := s.generateCurrencies()
	s.mustCreate("res.company", map[string]any{"name": "Ferry Demo Oy", "country_id": float64(countries["FI"]), "currency_id": float64(cur)})
	admin := s.mustCreate("res.partner", map[string]any{"name": "Administrator", "email": "admin@example.com"})
	s.mustCreate("res.users", map[string]any{"name": "Administrator", "login": s.opts.Login, "partner_id": float64(admin), "active": true})
	stock := s.mustCreate("stock.location", map[string]any{"name": "WH/Stock", "usage": "internal"})
	s.mustCreate("stock.location", map[string]any{"name": "Partners/Customers", "usage": "customer"})
	s.mustCreate("stock.warehouse", map[string]any{"name": "Warehouse", "code": "WH", "lot_stock_id": float64(stock)})
	taxes := map[float64]int64{}
	// The Finnish sale rates, price-excluded and price-included.
	for _, incl := range []bool{false, true} {
		for _, rate := range []float64{25.5, 14, 10, 0} {
			vals := map[string]any{"name": fmt.Sprintf("%g%%", rate), "amount": rate, "amount_type": "percent", "type_tax_use": "sale"}
			if incl {
				vals["name"] = fmt.Sprintf("%g%% incl.", rate)
			}
			if s.opts.Version >= 18 {
				vals["price_include_override"] = map[bool]string{false: "tax_excluded", true: "tax_included"}[incl]
			} else {
				vals["price_include"] = incl
			}
			id := s.mustCreate("account.tax", vals)
			if !incl {
				taxes[rate] = id
			}
		}
	}
	s.mustCreate("account.journal", map[string]any{"name": "Customer Invoices", "type": "sale", "code": "INV"})
	s.mustCreate("account.journal", map[string]any{"name": "Bank", "type": "bank", "code": "BNK"})
	all := s.mustCreate("product.category", map[string]any{"name": "All"})
	cats := []int64{}
	for _, n := range []string{"Paidat", "Hupparit", "Kirjat", "Astiat"} {
		cats = append(cats, s.mustCreate("product.category", map[string]any{"name": n, "parent_id": float64(all)}))
	}
	storable := func(vals map[string]any) map[string]any {
		switch {
		case s.opts.Version >= 18:
			vals["type"], vals["is_storable"] = "consu", true
		case s.opts.Version <= 14:
			vals["type"] = "product"
		default:
			vals["detailed_type"], vals["type"] = "product", "product"
		}
		return vals
	}
	service := func(vals map[string]any) map[string]any {
		switch {
		case s.opts.Version >= 18, s.opts.Version <= 14:
			vals["type"] = "service"
		default:
			vals["detailed_type"], vals["type"] = "service", "service"
		}
		return vals
	}
	products := s.opts.Products
	if products == 0 {
		products = 30
	}
	size := s.mustCreate("product.attribute", map[string]any{"name": "Koko"})
	var sizes []int64
	for i, n := range []string{"S", "M", "L"} {
		sizes = append(sizes, s.mustCreate("product.attribute.value", map[string]any{"name": n, "attribute_id": float64(size), "sequence": float64(i)}))
	}
	for i := 1; i <= products; i++ {
		code := fmt.Sprintf("ODOO-%03d", i)
		price := float64(10+rng.IntN(90)) - 0.1
		vals := storable(map[string]any{"name": fmt.Sprintf("Tuote %d", i), "list_price": price, "categ_id": float64(cats[i%len(cats)]), "taxes_id": []any{[]any{6.0, 0.0, []any{float64(taxes[25.5])}}}, "weight": 0.3})
		dc := code
		if i%10 == 7 {
			dc = "" // some products have no internal reference (the routes park them)
		}
		if i%3 != 0 {
			vals["default_code"] = dc
			vals["barcode"] = fmt.Sprintf("64001%05d", i)
		} else {
			// Every third product comes in sizes: one variant per value.
			vals["attribute_line_ids"] = []any{[]any{0.0, 0.0, map[string]any{"attribute_id": float64(size), "value_ids": []any{[]any{6.0, 0.0, []any{float64(sizes[0]), float64(sizes[1]), float64(sizes[2])}}}}}}
		}
		if i%4 != 0 {
			// Most products have a picture; every fourth has none.
			vals["image_1920"] = demoImage(i)
		}
		tid := s.mustCreate("product.template", vals)
		variants := s.activeVariants(tid)
		if i%3 == 0 {
			for j, v := range variants {
				if err := s.write("product.product", []int64{v}, map[string]any{"default_code": fmt.Sprintf("%s-%s", code, []string{"S", "M", "L"}[j]), "barcode": fmt.Sprintf("64000%05d%d", i, j)}); err != nil {
					panic(err)
				}
			}
		}
		for _, v := range variants {
			s.mustCreate("stock.quant", map[string]any{"product_id": float64(v), "location_id": float64(stock), "quantity": float64(rng.IntN(50))})
		}
	}
	partners := s.opts.Partners
	if partners == 0 {
		partners = 20
	}
	for i := 1; i <= partners; i++ {
		p := s.mustCreate("res.partner", map[string]any{"name": fmt.Sprintf("Asiakas %d", i), "email": fmt.Sprintf("asiakas%d@example.fi", i), "phone": fmt.Sprintf("+358 40 %07d", i), "country_id": float64(countries["FI"]), "customer_rank": 1.0})
		s.mustCreate("res.partner", map[string]any{"name": fmt.Sprintf("Asiakas %d, toimitus", i), "type": "delivery", "parent_id": float64(p)})
	}
	for _, name := range []string{"Posti SmartPOST", "DHL Express"} {
		tid := s.mustCreate("product.template", service(map[string]any{"name": "Shipping: " + name, "sale_ok": false}))
		pid := s.activeVariants(tid)[0]
		s.mustCreate("delivery.carrier", map[string]any{"name": name, "product_id": float64(pid), "fixed_price": 5.9})
	}
	pl := s.mustCreate("product.pricelist", map[string]any{"name": "Määräalennus"})
	s.mustCreate("product.pricelist.item", map[string]any{"pricelist_id": float64(pl), "applied_on": "1_product", "product_tmpl_id": 1.0, "min_quantity": 5.0, "compute_price": "percentage", "percent_price": 10.0})
	// A rule without min_quantity applies from any quantity: Odoo stores 0.
	s.mustCreate("product.pricelist.item", map[string]any{"pricelist_id": float64(pl), "applied_on": "2_product_category", "categ_id": float64(cats[0]), "compute_price": "percentage", "percent_price": 5.0})
}

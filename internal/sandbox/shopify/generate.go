package shopify

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// The generator fills a shop from Options.Seed: the same seed and counts give
// the same shop. Orders go through the same code as the API (addOrder,
// fulfillmentCreate, refundCreate, cancelOrder), so generated and live records
// agree.

var (
	firstNames = []string{"Aino", "Eero", "Juan", "Maria", "Lars", "Sofia", "Mikko", "Emma", "Oskar", "Lea", "Noah", "Ella", "Ville", "Saga", "Jonas"}
	lastNames  = []string{"Virtanen", "Korhonen", "Pérez", "Nieminen", "Andersson", "Mäkelä", "Schmidt", "Lindqvist", "Heikkinen", "Koskinen"}
	cities     = []struct{ city, zip, country, code string }{
		{"Helsinki", "00100", "Finland", "FI"}, {"Tampere", "33100", "Finland", "FI"}, {"Turku", "20100", "Finland", "FI"},
		{"Stockholm", "111 22", "Sweden", "SE"}, {"Berlin", "10115", "Germany", "DE"}, {"Madrid", "28001", "Spain", "ES"},
	}
	productWords = []string{"Merino", "Wool", "Linen", "Canvas", "Trail", "Harbor", "Nordic", "Birch", "Granite", "Aurora", "Fjord", "Pine"}
	productKinds = []string{"Sweater", "Beanie", "Scarf", "Jacket", "Socks", "Tote", "Mittens", "Shirt", "Cap", "Blanket"}
	sizes        = []string{"S", "M", "L", "XL", "XXL", "One size", "36", "38", "40", "42"}
)

func newRng(seed, stream int64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x73686f70+uint64(stream)))
}

type generator struct {
	s   *Server
	rng *rand.Rand
	now time.Time
}

func generate(s *Server, opts Options) {
	g := &generator{s: s, rng: newRng(opts.Seed, 0), now: opts.Now().UTC().Truncate(time.Second)}
	st := s.st
	start := g.now.AddDate(0, 0, -90)
	for i, name := range []string{"Helsinki Warehouse", "Tampere Store"} {
		c := cities[i]
		loc := &location{id: st.id(), name: name, active: true, fulfillsOnline: i == 0, createdAt: start, updatedAt: start,
			addr: address{address1: fmt.Sprintf("Satamakatu %d", 3+i*11), city: c.city, zip: c.zip, country: c.country, countryCode: c.code}}
		st.locations = append(st.locations, loc)
		st.locByID[loc.id] = loc
	}
	for i := range opts.Customers {
		g.customer(i, start.Add(time.Duration(i)*time.Hour))
	}
	for i := range opts.Products {
		g.product(i, opts.VariantsPerProduct, start.Add(time.Duration(i)*time.Minute))
	}
	g.orders(opts.Orders, start.AddDate(0, 0, 30), g.now.Add(-time.Hour))
	g.payouts()
	st.stamp = g.now
}

func (g *generator) customer(i int, at time.Time) *customer {
	st := g.s.st
	f, l := firstNames[i%len(firstNames)], lastNames[(i/len(firstNames)+i)%len(lastNames)]
	c := cities[g.rng.IntN(len(cities))]
	cu := &customer{id: st.id(), first: f, last: l, createdAt: at, updatedAt: at, acceptsMarketing: g.rng.IntN(3) == 0,
		email: fmt.Sprintf("%s.%s%d@example.com", asciiLower(f), asciiLower(l), i), phone: fmt.Sprintf("+35840%07d", g.rng.IntN(10_000_000))}
	cu.addr = address{first: f, last: l, address1: fmt.Sprintf("%s %d", []string{"Mannerheimintie", "Kungsgatan", "Calle Mayor", "Hauptstraße"}[g.rng.IntN(4)], 1+g.rng.IntN(120)),
		city: c.city, zip: c.zip, country: c.country, countryCode: c.code, phone: cu.phone}
	if g.rng.IntN(6) == 0 {
		cu.addr.company = l + " Oy"
		cu.tags = []string{"b2b"}
	}
	st.customers = append(st.customers, cu)
	st.custByID[cu.id] = cu
	return cu
}

func asciiLower(s string) string {
	r := strings.NewReplacer("ä", "a", "ö", "o", "å", "a", "é", "e", "ß", "ss")
	return strings.ToLower(r.Replace(s))
}

func (g *generator) product(i, nv int, at time.Time) {
	st := g.s.st
	title := fmt.Sprintf("%s %s", productWords[i%len(productWords)], productKinds[(i/len(productWords)+i)%len(productKinds)])
	if i >= len(productWords)*len(productKinds)/2 {
		title += fmt.Sprintf(" %d", i)
	}
	status := "ACTIVE"
	switch i % 17 {
	case 5:
		status = "DRAFT"
	case 11:
		status = "ARCHIVED"
	}
	p := &product{id: st.id(), title: title, handle: strings.ReplaceAll(asciiLower(title), " ", "-"), status: status,
		vendor: []string{"Ferry Knits", "Nordic Supply", "Harbor & Co"}[i%3], productType: productKinds[(i/len(productWords)+i)%len(productKinds)],
		tags: []string{"autumn"}, description: "A sandbox product.", createdAt: at, updatedAt: at}
	price := int64(990 + g.rng.IntN(190)*100)
	// Derived option ids keep the id counter, and so every seeded id, as before.
	opt := &prodOption{id: p.id + 1, name: "Size"}
	p.options = []*prodOption{opt}
	for j := range nv {
		size := sizes[j%len(sizes)]
		v := &variant{id: st.id(), prod: p, title: size, opts: []string{size}, price: price + int64(j)*100,
			position: j + 1, taxable: true, policy: "DENY", createdAt: at, updatedAt: at,
			sku: fmt.Sprintf("FRY-%05d-%02d", i+1, j+1), barcode: fmt.Sprintf("64%011d", (i+1)*100+j+1)}
		if j%4 == 3 {
			v.compareAt = v.price + 1000
		}
		it := &invItem{id: st.id(), v: v, tracked: true, cost: v.price * 4 / 10, countryOfOrigin: "FI", hsCode: "611030", createdAt: at, updatedAt: at}
		v.item = it
		if opt.value(size) == nil {
			opt.values = append(opt.values, &optValue{id: v.id + 1, name: size})
		}
		for k, loc := range st.locations {
			if k > 0 && i%3 != 0 {
				continue
			}
			n := g.rng.IntN(60)
			if k == 0 {
				n += 20
			}
			l := &level{id: st.id(), item: it, loc: loc, updatedAt: at}
			l.q[qAvailable], l.q[qOnHand] = n, n
			it.levels = append(it.levels, l)
			st.levelByID[l.id] = l
		}
		p.variants = append(p.variants, v)
		st.variants = append(st.variants, v)
		st.varByID[v.id] = v
		st.items = append(st.items, it)
		st.itemByID[it.id] = it
	}
	st.products = append(st.products, p)
	st.prodByID[p.id] = p
}

// orders generates n orders spread from from to to, in time order.
func (g *generator) orders(n int, from, to time.Time) {
	if n == 0 {
		return
	}
	step := to.Sub(from) / time.Duration(n)
	for i := range n {
		at := from.Add(step*time.Duration(i) + time.Duration(g.rng.Int64N(int64(max(step, time.Second))))).Truncate(time.Second)
		g.order(at, i)
	}
}

func (g *generator) order(at time.Time, i int) *order {
	s, st, r := g.s, g.s.st, g.rng
	st.stamp = time.Time{} // generated history keeps its own times
	o := &order{createdAt: at, processedAt: at, updatedAt: at, currency: s.opts.Currency, presentment: s.opts.Currency, rate: 1,
		taxesIncluded: true, sourceName: "web", risk: "ACCEPT", riskLevel: "LOW", financial: "PAID"}
	switch x := r.IntN(10); {
	case x == 0:
		o.presentment, o.rate = "SEK", 11.2
	case x == 1:
		o.presentment, o.rate = "USD", 1.08
	}
	if len(st.customers) > 0 && r.IntN(20) != 0 {
		c := st.customers[r.IntN(len(st.customers))]
		o.cust, o.email, o.phone = c, c.email, c.phone
		a := c.addr
		o.billing, o.shipTo = &a, &a
	} else {
		o.email = fmt.Sprintf("guest%d@example.com", i)
		c := cities[r.IntN(len(cities))]
		o.billing = &address{first: "Guest", last: "Buyer", address1: "Rantatie 1", city: c.city, zip: c.zip, country: c.country, countryCode: c.code}
		o.shipTo = o.billing
	}
	pos := r.IntN(10) == 0 && len(st.locations) > 1
	if pos {
		o.sourceName, o.retail, o.shipTo = "pos", st.locations[1], nil
	}
	nLines := 1 + r.IntN(3)
	for range nLines {
		if len(st.variants) == 0 || r.IntN(25) == 0 {
			o.lines = append(o.lines, &lineItem{title: "Gift wrapping", qty: 1, price: 350, taxRate: s.opts.VATRate, taxTitle: "ALV", taxable: true})
			continue
		}
		v := st.variants[r.IntN(len(st.variants))]
		o.lines = append(o.lines, &lineItem{v: v, sku: v.sku, title: v.prod.title, variantTitle: v.title, vendor: v.prod.vendor,
			qty: 1 + r.IntN(3), price: v.price, taxRate: s.opts.VATRate, taxTitle: "ALV", requiresShipping: !pos, taxable: true})
	}
	if r.IntN(5) == 0 {
		o.discount = &discountApp{code: "WELCOME10", percent: 10}
		for _, l := range o.lines {
			l.discount = round(float64(l.gross()) * 0.10)
		}
	}
	if !pos {
		o.shipping = []*shippingLine{{title: "Posti Home Delivery", code: "POSTI", price: 590, taxRate: s.opts.VATRate, taxTitle: "ALV", source: "shopify"}}
	}
	switch x := r.IntN(100); {
	case x < 5:
		o.risk, o.riskLevel = "INVESTIGATE", "MEDIUM"
	case x < 8:
		o.risk, o.riskLevel = "CANCEL", "HIGH"
	}
	if r.IntN(33) == 0 {
		o.test = true
	}
	total := o.total()
	gateway := "shopify_payments"
	switch x := r.IntN(20); {
	case pos:
		gateway = "cash"
	case x < 2:
		o.financial = "AUTHORIZED"
		o.txs = []*transaction{{kind: "AUTHORIZATION", status: "SUCCESS", gateway: gateway, amount: total, createdAt: at}}
	case x < 4:
		o.financial, gateway = "PENDING", "manual"
	case x < 5:
		gateway = "paypal"
	}
	if o.financial == "PAID" {
		o.txs = []*transaction{{kind: "SALE", status: "SUCCESS", gateway: gateway, amount: total, createdAt: at}}
		if gateway == "shopify_payments" {
			o.txs[0].fee = round(float64(total)*0.019) + 25
		}
	}
	s.addOrder(o, at)
	age := g.now.Sub(at)
	later := func(h int) *execCtx {
		st.stamp = time.Time{}
		return &execCtx{s: s, now: at.Add(time.Duration(h) * time.Hour)}
	}
	switch x := r.IntN(100); {
	case pos:
	case x < 4:
		st.stamp = time.Time{}
		s.cancelOrder(o, []string{"CUSTOMER", "FRAUD", "INVENTORY", "DECLINED", "OTHER"}[r.IntN(5)], o.financial == "PAID", true, at.Add(3*time.Hour))
	case age > 72*time.Hour && x < 60 && o.financial != "PENDING":
		g.fulfil(later(20+r.IntN(30)), o, x%7 == 0)
		if x%11 == 0 && o.received() > 0 {
			l := o.lines[0]
			s.refundCreate(later(24*5), map[string]any{"input": map[string]any{"orderId": gid("Order", o.id), "note": "Returned",
				"refundLineItems": []any{map[string]any{"lineItemId": gid("LineItem", l.id), "quantity": 1, "restockType": "RETURN", "locationId": gid("Location", st.locations[0].id)}}}})
		}
	}
	return o
}

// fulfil ships the order's open fulfillment orders; partial ships one unit of
// the first line only.
func (g *generator) fulfil(ec *execCtx, o *order, partial bool) {
	for _, fo := range o.fos {
		if fo.status != "OPEN" {
			continue
		}
		group := map[string]any{"fulfillmentOrderId": gid("FulfillmentOrder", fo.id)}
		if partial {
			group["fulfillmentOrderLineItems"] = []any{map[string]any{"id": gid("FulfillmentOrderLineItem", fo.lines[0].id), "quantity": 1}}
		}
		n := fmt.Sprintf("JJFI64%012d", fo.id%1_000_000_000_000)
		g.s.fulfillmentCreate(ec, map[string]any{"fulfillment": map[string]any{"lineItemsByFulfillmentOrder": []any{group},
			"trackingInfo": map[string]any{"company": "Posti", "number": n, "url": "https://www.posti.fi/fi/seuranta#/lahetys/" + n}}})
		if partial {
			return
		}
	}
}

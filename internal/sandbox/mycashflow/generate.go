package mycashflow

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// genRand is the generator's seeded random source.
type genRand struct{ *rand.Rand }

func (r *genRand) pick(n int) int { return r.IntN(n) }

func (r *genRand) chance(p float64) bool { return r.Float64() < p }

// GeneratedBase is the instant the generated history ends: generated records are
// created and updated within the 180 days before it, whatever the clock says, so
// the same seed always gives the same data.
var GeneratedBase = time.Date(2026, 6, 1, 12, 0, 0, 0, helsinki)

type productTemplate struct {
	code, name, en, sv string
	price              money
	vat                float64
	weight             float64
	sizes              []string
	category           string
	noStock            bool
}

var productTemplates = []productTemplate{
	{code: "TSHIRT", name: "Logo T-paita", en: "Logo T-shirt", sv: "Logo T-skjorta", price: 2490, vat: 25.5, weight: 0.2, sizes: []string{"S", "M", "L", "XL"}, category: "T-paidat"},
	{code: "HOODIE", name: "Huppari", en: "Hoodie", sv: "Huvtröja", price: 5990, vat: 25.5, weight: 0.6, sizes: []string{"S", "M", "L"}, category: "Hupparit"},
	{code: "SOCKS", name: "Villasukat", en: "Wool socks", sv: "Ullsockor", price: 1490, vat: 25.5, weight: 0.1, sizes: []string{"36-38", "39-41", "42-44"}, category: "Asusteet"},
	{code: "BEANIE", name: "Pipo", en: "Beanie", sv: "Mössa", price: 1990, vat: 25.5, weight: 0.1, category: "Pipot"},
	{code: "COFFEE", name: "Kahvipaketti 500 g", en: "Coffee 500 g", sv: "Kaffe 500 g", price: 990, vat: 14, weight: 0.5, category: "Kahvi"},
	{code: "TEA", name: "Yrttitee 100 g", en: "Herbal tea 100 g", sv: "Örtte 100 g", price: 650, vat: 14, weight: 0.1, category: "Kahvi"},
	{code: "COOKBOOK", name: "Pohjolan keittokirja", en: "Nordic cookbook", sv: "Nordisk kokbok", price: 2990, vat: 10, weight: 0.9, category: "Keittiö"},
	{code: "KUKSA", name: "Kuksa", en: "Kuksa cup", sv: "Kåsa", price: 3490, vat: 25.5, weight: 0.15, category: "Keittiö"},
	{code: "TOTEBAG", name: "Kangaskassi", en: "Tote bag", sv: "Tygkasse", price: 1290, vat: 25.5, weight: 0.1, category: "Asusteet"},
	{code: "MUG", name: "Muki", en: "Mug", sv: "Mugg", price: 1690, vat: 25.5, weight: 0.35, category: "Keittiö"},
	{code: "GIFTCARD", name: "Lahjakortti 50 €", en: "Gift card 50 €", sv: "Presentkort 50 €", price: 5000, vat: 0, weight: 0, category: "Koti", noStock: true},
	{code: "POSTER", name: "Juliste 50x70", en: "Poster 50x70", sv: "Affisch 50x70", price: 2490, vat: 25.5, weight: 0.3, category: "Koti"},
	{code: "CANDLE", name: "Kynttilä", en: "Candle", sv: "Ljus", price: 890, vat: 25.5, weight: 0.25, category: "Koti"},
}

var (
	firstNames = []string{"Maija", "Matti", "Aino", "Juha", "Liisa", "Mikko", "Sanna", "Timo", "Elina", "Ville", "Kaisa", "Antti", "Noora", "Jussi"}
	lastNames  = []string{"Meikäläinen", "Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen", "Koskinen", "Järvinen", "Lehtonen"}
	cities     = []struct{ city, postal string }{
		{"Helsinki", "00100"}, {"Espoo", "02100"}, {"Tampere", "33100"}, {"Turku", "20100"}, {"Oulu", "90100"}, {"Jyväskylä", "40100"}, {"Kuopio", "70100"}, {"Lahti", "15100"},
	}
	streets = []string{"Esimerkkikatu", "Mannerheimintie", "Hämeenkatu", "Aurakatu", "Kauppakatu", "Koulukatu", "Rantatie", "Puistokatu"}
	brands  = []string{"Pohjola Design", "Sisu Outdoor", "Kuura", "Metsä Works", "Aalto Home"}
)

// generate fills st deterministically from opts.Seed and returns the random
// source the order stream continues with.
func generate(st *state, opts Options) *genRand {
	r := &genRand{rand.New(rand.NewPCG(uint64(opts.Seed), 0x6d6366))}
	start := GeneratedBase.Add(-180 * 24 * time.Hour)
	at := func(day float64) time.Time { return start.Add(time.Duration(day * float64(24*time.Hour))) }
	domain := opts.Store + ".mycashflow.fi"

	for i, v := range []struct{ name, lang, cur, dom string }{
		{"Suomi", "fi", "EUR", domain}, {"English", "en", "EUR", "en." + domain}, {"Sverige", "sv", "SEK", "sv." + domain},
	} {
		id := st.next("version")
		st.versions.put(id, &version{ID: id, CreatedAt: stamp(at(0)), UpdatedAt: stamp(at(0)), Name: v.name, Language: v.lang, Currency: v.cur, Domain: v.dom, IsDefault: i == 0})
	}
	allVisible := func() []visibility {
		return []visibility{{1, true}, {2, true}, {3, r.chance(0.6)}}
	}
	for _, name := range []string{"Kuluttajat", "Yritysasiakkaat", "VIP"} {
		id := st.next("customer_group")
		st.customerGroups.put(id, &customerGroup{ID: id, CreatedAt: stamp(at(0)), UpdatedAt: stamp(at(0)), Name: name})
	}
	for i, name := range brands {
		id := st.next("brand")
		st.brands.put(id, &brand{ID: id, CreatedAt: stamp(at(float64(i))), UpdatedAt: stamp(at(float64(i))), Name: name,
			URL: "https://" + strings.ToLower(strings.ReplaceAll(name, " ", "")) + ".example"})
	}
	catIDs := map[string]int{}
	for i, c := range []struct{ name, parent string }{
		{"Vaatteet", ""}, {"T-paidat", "Vaatteet"}, {"Hupparit", "Vaatteet"}, {"Asusteet", ""}, {"Pipot", "Asusteet"},
		{"Koti", ""}, {"Keittiö", "Koti"}, {"Kahvi", ""},
	} {
		id := st.next("category")
		cat := &category{ID: id, CreatedAt: stamp(at(1)), UpdatedAt: stamp(at(1)), Name: c.name, Sort: i + 1, visibilities: allVisible()}
		if c.parent != "" {
			cat.ParentID = intp(catIDs[c.parent])
		}
		catIDs[c.name] = id
		st.categories.put(id, cat)
	}
	for i, m := range []shippingMethod{
		{Name: "Posti SmartPOST", Type: "pickup_point", ServiceProvider: "posti", ServiceCode: "2103", ProductCode: "SHIP-SMARTPOST", TrackingInfo: "https://www.posti.fi/fi/seuranta#/lahetys/", FreeShippingThreshold: 10000, price: 590},
		{Name: "DHL Express", Type: "home_delivery", ServiceProvider: "dhl", ServiceCode: "EXPRESS", ProductCode: "SHIP-DHL", TrackingInfo: "https://www.dhl.com/fi-fi/home/seuranta.html?tracking-id=", price: 1490},
		{Name: "Matkahuolto", Type: "pickup_point", ServiceProvider: "matkahuolto", ServiceCode: "80", ProductCode: "SHIP-MH", TrackingInfo: "https://www.matkahuolto.fi/seuranta/", price: 690},
		{Name: "Nouto myymälästä", Type: "store_pickup", ProductCode: "SHIP-PICKUP", Description: "Nouda tilauksesi myymälästämme Helsingistä."},
	} {
		m.ID = st.next("shipping_method")
		m.CreatedAt, m.UpdatedAt, m.Sort = stamp(at(0)), stamp(at(0)), i+1
		st.shippingMethod.put(m.ID, &m)
	}
	for i, m := range []paymentMethod{
		{Name: "Lasku", Description: "Maksu laskulla 14 päivää", Provider: "invoice", ProductCode: "PAY-INVOICE", cost: 290, initial: payOpen},
		{Name: "Korttimaksu", Description: "Visa, Mastercard", Provider: "paytrail", ProductCode: "PAY-CARD", initial: payPaid},
		{Name: "Klarna", Description: "Klarna Checkout", Provider: "klarna", ProductCode: "PAY-KLARNA", initial: payPending},
		{Name: "Verkkopankki", Description: "Suomalaiset verkkopankit", Provider: "paytrail", ProductCode: "PAY-BANK", initial: payPaid},
		{Name: "Postiennakko", Description: "Maksu noudettaessa", Provider: "cod", ProductCode: "PAY-COD", cost: 490, initial: payOpen},
		{Name: "Lahjakortti", Description: "Lahjakortilla maksettu osuus", Provider: giftCardProvider, ProductCode: "PAY-GIFTCARD", initial: payPaid},
	} {
		m.ID = st.next("payment_method")
		m.CreatedAt, m.UpdatedAt, m.Sort = stamp(at(0)), stamp(at(0)), i+1
		st.paymentMethod.put(m.ID, &m)
	}

	for i := 0; i < opts.Products; i++ {
		t := productTemplates[i%len(productTemplates)]
		k := i / len(productTemplates)
		code, name := t.code, t.name
		if k > 0 {
			code = fmt.Sprintf("%s%d", t.code, k+1)
			name = fmt.Sprintf("%s, malli %d", t.name, k+1)
		}
		created := at(1 + r.Float64()*3)
		updated := created.Add(time.Duration(r.Float64() * float64(60*24*time.Hour)))
		p := &product{ID: st.next("product"), CreatedAt: stamp(created), UpdatedAt: stamp(updated), ProductCode: code,
			SupplierCode: "SUP-" + code, Name: name, Description: "<p>" + name + "</p>", Price: t.price + money(k*100),
			PurchasePrice: (t.price + money(k*100)) * 2 / 5, VatRate: t.vat, Weight: t.weight, Featured: r.chance(0.2),
			Barcode: ean13(6400000000000 + int64(i)*10)}
		if i%4 != 3 {
			p.BrandID = intp(1 + r.pick(len(brands)))
		}
		p.translations = []translation{{Language: "en", Name: t.en}, {Language: "sv", Name: t.sv}}
		p.visibilities = allVisible()
		p.categoryLinks = []categoryLink{{CategoryID: catIDs[t.category], Sort: 1}}
		for j := 0; j < 1+r.pick(2); j++ {
			p.imageLinks = append(p.imageLinks, imageLink{ProductID: p.ID, ImageID: st.next("image"), Sort: j + 1,
				Filename: fmt.Sprintf("%s-%d.jpg", strings.ToLower(code), j+1), Caption: name})
		}
		st.products.put(p.ID, p)
		st.codes[code] = codeOwner{productID: p.ID}
		newStock := func(code string, vid int) *stockItem {
			qty := r.pick(61)
			si := &stockItem{ID: st.next("stock"), CreatedAt: stamp(created), UpdatedAt: stamp(created), SKU: code, Code: code,
				Location: fmt.Sprintf("%c-%02d", 'A'+rune(r.pick(4)), 1+r.pick(20)), Enabled: true, Quantity: qty, Balance: qty,
				BalanceAlert: r.chance(0.5), BalanceLimit: 5, ProductID: p.ID, Barcode: p.Barcode}
			if vid != 0 {
				si.VariationID = intp(vid)
				si.Barcode = ean13(6410000000000 + int64(si.ID)*10)
			}
			st.stock.put(si.ID, si)
			st.stockByCode[code] = si.ID
			return si
		}
		if len(t.sizes) == 0 {
			// Every fifth plain product has stock management off (no stock item), as
			// products without an internal reference in the seed.
			if !t.noStock && i%5 != 4 {
				p.stockItemID = newStock(code, 0).ID
			}
			continue
		}
		for j, size := range t.sizes {
			v := &variation{ID: st.next("variation"), CreatedAt: stamp(created), UpdatedAt: stamp(updated), ProductID: p.ID, Sort: j + 1,
				Name: size, ProductCode: code + "-" + size, Price: p.Price, PurchasePrice: p.PurchasePrice, Weight: t.weight}
			if size == "XL" {
				v.Price += 200
			}
			st.variations.put(v.ID, v)
			st.codes[v.ProductCode] = codeOwner{productID: p.ID, variationID: v.ID}
			p.variationIDs = append(p.variationIDs, v.ID)
			v.stockItemID = newStock(v.ProductCode, v.ID).ID
		}
	}

	for i := 0; i < opts.Customers; i++ {
		fn, ln := firstNames[r.pick(len(firstNames))], lastNames[r.pick(len(lastNames))]
		c := cities[r.pick(len(cities))]
		created := at(r.Float64() * 90)
		cu := &customer{ID: st.next("customer"), CreatedAt: stamp(created), UpdatedAt: stamp(created.Add(time.Duration(r.Float64() * float64(30*24*time.Hour)))),
			FirstName: fn, LastName: ln, Email: fmt.Sprintf("%s.%s%d@example.fi", asciiLower(fn), asciiLower(ln), i+1),
			Phone: fmt.Sprintf("+35840%07d", r.pick(10000000)), StreetAddress: fmt.Sprintf("%s %d", streets[r.pick(len(streets))], 1+r.pick(60)),
			PostalCode: c.postal, City: c.city, Country: "FI", SmsSubscription: r.chance(0.3), VersionID: 1, LoginAllowed: true, groupIDs: []int{1}}
		if i%6 == 5 {
			cu.Company = ln + " Oy"
			// The same draw as before keeps the rest of the data unchanged.
			n := r.pick(89999999)
			cu.VatCode = finnishVAT(n)
			if badVATCustomer(i / 6) {
				cu.Company, cu.VatCode = badVATCompany, badFinnishVAT(n)
			}
			cu.groupIDs = []int{2}
		}
		if r.chance(0.15) {
			cu.groupIDs = append(cu.groupIDs, 3)
		}
		if r.chance(0.1) {
			cu.VersionID = 2
		}
		st.customers.put(cu.ID, cu)
	}

	// Campaigns: a running spring sale, a quantity discount and an ended one.
	for i, c := range []struct {
		name         string
		from, to     time.Time
		active       bool
		qtys         []int
		productEvery int
	}{
		{"Kevätale", at(0), GeneratedBase.AddDate(1, 0, 0), true, []int{1}, 5},
		{"Määräalennus", at(0), time.Time{}, true, []int{5, 10}, 3},
		{"Joulu 2025", time.Date(2025, 12, 1, 0, 0, 0, 0, helsinki), time.Date(2025, 12, 24, 0, 0, 0, 0, helsinki), false, []int{1}, 7},
	} {
		cp := &campaign{ID: st.next("campaign"), CreatedAt: stamp(at(float64(i))), UpdatedAt: stamp(at(float64(i))), Name: c.name,
			Description: c.name + " -kampanja", StartsAt: stamp(c.from), EndsAt: stamp(c.to), IsActive: c.active,
			visibilities: []visibility{{1, true}, {2, true}, {3, i != 1}}}
		for n, pid := range st.products.ids {
			if n%c.productEvery != i {
				continue
			}
			p := st.products.byID[pid]
			targets := []codeOwner{{productID: p.ID}}
			if len(p.variationIDs) > 0 {
				targets = targets[:0]
				for _, vid := range p.variationIDs {
					targets = append(targets, codeOwner{productID: p.ID, variationID: vid})
				}
			}
			for _, tg := range targets {
				code, base := p.ProductCode, p.Price
				var vid *int
				if tg.variationID != 0 {
					v := st.variations.byID[tg.variationID]
					code, base, vid = v.ProductCode, v.Price, intp(v.ID)
				}
				for qi, q := range c.qtys {
					cp.prices = append(cp.prices, &campaignPrice{ID: st.next("campaign_price"), CreatedAt: cp.CreatedAt, UpdatedAt: cp.UpdatedAt,
						CampaignID: cp.ID, ProductID: p.ID, VariationID: vid, ProductCode: code, MinQuantity: q,
						Price: base * money(85-10*qi) / 100})
				}
			}
		}
		st.campaigns.put(cp.ID, cp)
	}

	if opts.Orders > 0 {
		s := &Server{opts: opts, st: st}
		step := 170 * 24 * time.Hour / time.Duration(opts.Orders)
		for i := 0; i < opts.Orders; i++ {
			created := at(5).Add(time.Duration(i) * step)
			s.generateOrder(r, created, step)
		}
	}
	return r
}

// generateOrder creates one historical order at created and moves it to a random
// status with later timestamps (never after GeneratedBase).
func (s *Server) generateOrder(r *genRand, created time.Time, step time.Duration) {
	in, okIn := s.randomOrder(r)
	if !okIn {
		return
	}
	in.GiftCard = s.generatedGiftCard(in)
	o, err := s.createOrder(in, created)
	if err != nil {
		return
	}
	later := func() time.Time {
		t := created.Add(time.Duration(r.Float64() * float64(3*24*time.Hour)))
		if t.After(GeneratedBase) {
			t = GeneratedBase
		}
		return t
	}
	roll := r.Float64()
	switch {
	case roll < 0.15:
		s.cancelOrder(o, later())
	case roll < 0.55 && o.PaymentMethodID != nil && o.ShippingMethodID != nil:
		t := later()
		if len(o.shipments) > 1 {
			for _, sh := range o.shipments {
				s.completeShipment(o, sh, trackingCode(r), t)
			}
		} else if len(o.payments) == 1 {
			s.quickProcess(o, quickProcess{AllowOpenCOD: true, TrackingCode: trackingCode(r), SendEmails: true}, t)
		} else {
			// A split payment cannot be quick-processed; the shop completes the shipment.
			s.completeShipment(o, o.shipments[0], trackingCode(r), t)
		}
		if o.Status == statusCompleted {
			for _, p := range o.payments {
				if p.Status == payOpen && r.chance(0.7) {
					s.paymentAction(o, p, "mark-as-paid", payPaid, t.Add(time.Hour))
				}
			}
			if GeneratedBase.Sub(created) > 120*24*time.Hour {
				o.ArchivedAt = stamp(t.Add(2 * time.Hour))
				o.UpdatedAt = o.ArchivedAt
			}
		}
	case roll < 0.60 && len(o.shipments) > 1:
		// Partly shipped: the first shipment is out, the order is still open.
		s.completeShipment(o, o.shipments[0], trackingCode(r), later())
	}
}

// randomOrder builds a valid order from what is in stock; false when nothing is.
func (s *Server) randomOrder(r *genRand) (orderInput, bool) {
	st := s.st
	var in orderInput
	in.VersionID = 1
	if r.chance(0.1) {
		in.VersionID = 2
	}
	if ids := st.customers.ids; len(ids) > 0 && r.chance(0.7) {
		in.CustomerID = intp(ids[r.pick(len(ids))])
	} else {
		fn, ln := firstNames[r.pick(len(firstNames))], lastNames[r.pick(len(lastNames))]
		c := cities[r.pick(len(cities))]
		in.CustomerInformation = &address{FirstName: fn, LastName: ln, Email: fmt.Sprintf("%s.%s@example.com", asciiLower(fn), asciiLower(ln)),
			Phone: fmt.Sprintf("+35850%07d", r.pick(10000000)), StreetAddress: fmt.Sprintf("%s %d", streets[r.pick(len(streets))], 1+r.pick(60)),
			PostalCode: c.postal, City: c.city, Country: "FI"}
		if r.chance(0.15) {
			in.ShippingAddress = &shippingAddress{FirstName: fn, LastName: ln, StreetAddress: fmt.Sprintf("%s %d", streets[r.pick(len(streets))], 1+r.pick(60)),
				PostalCode: cities[0].postal, City: cities[0].city, Country: "FI", Phone: in.CustomerInformation.Phone, Email: in.CustomerInformation.Email}
		}
	}
	if sm := st.shippingMethod.ids; len(sm) > 0 && !r.chance(0.05) {
		in.ShippingMethodID = intp(sm[r.pick(len(sm))])
	}
	if pm := st.checkoutMethodIDs(); len(pm) > 0 && !r.chance(0.05) {
		in.PaymentMethodID = intp(pm[r.pick(len(pm))])
	}
	// Candidate codes: sellable product codes with balance (or no stock item).
	var codes []string
	for _, id := range st.products.ids {
		p := st.products.byID[id]
		if len(p.variationIDs) == 0 {
			codes = append(codes, p.ProductCode)
		}
		for _, vid := range p.variationIDs {
			if v, found := st.variations.get(vid); found {
				codes = append(codes, v.ProductCode)
			}
		}
	}
	if len(codes) == 0 {
		return in, false
	}
	taken := map[string]int{}
	n := 1 + r.pick(3)
	for tries := 0; len(in.Lines) < n && tries < 20; tries++ {
		code := codes[r.pick(len(codes))]
		if _, dup := taken[code]; dup {
			continue
		}
		qty := 1 + r.pick(2)
		if r.chance(0.05) {
			qty = 5
		}
		if si, found := st.stockFor(code); found && si.Enabled && si.Balance < qty && !si.BackorderEnabled {
			continue
		}
		taken[code] = qty
		in.Lines = append(in.Lines, lineInput{ProductCode: code, Quantity: qty})
	}
	if len(in.Lines) == 0 {
		return in, false
	}
	if r.chance(0.1) {
		in.Discount = 500
		var sub money
		for _, l := range in.Lines {
			o := st.codes[l.ProductCode]
			if o.variationID != 0 {
				sub += st.variations.byID[o.variationID].Price * money(l.Quantity)
			} else {
				sub += st.products.byID[o.productID].Price * money(l.Quantity)
			}
		}
		if sub < 1000 {
			in.Discount = 0
		}
	}
	if len(in.Lines) > 1 && r.chance(0.15) {
		in.Shipments = 2
	}
	return in, true
}

func trackingCode(r *genRand) string {
	return fmt.Sprintf("JJFI6400%014d", r.Int64N(1e14))
}

// ean13 appends the EAN-13 check digit to a 12-digit prefix given as n/10.
func ean13(n int64) string {
	d := fmt.Sprintf("%013d", n)[:12]
	sum := 0
	for i := 0; i < 12; i++ {
		w := 1
		if i%2 == 1 {
			w = 3
		}
		sum += int(d[i]-'0') * w
	}
	return fmt.Sprintf("%s%d", d, (10-sum%10)%10)
}

// asciiLower folds a Finnish name into an e-mail local part.
func asciiLower(s string) string {
	return strings.NewReplacer("ä", "a", "ö", "o", "å", "a", "Ä", "a", "Ö", "o").Replace(strings.ToLower(s))
}

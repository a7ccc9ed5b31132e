package ogoship

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// GeneratedBase is the instant the generated history ends: generated records
// are created and changed within the 60 days before it, whatever the clock
// says, so the same seed always gives the same data.
var GeneratedBase = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

type template struct {
	code, name, group string
	price             float64
	sizes             []string
}

var templates = []template{
	{"TSHIRT", "Logo T-shirt", "Apparel", 24.9, []string{"S", "M", "L", "XL"}},
	{"HOODIE", "Hoodie", "Apparel", 59.9, []string{"S", "M", "L"}},
	{"SOCKS", "Wool socks", "Accessories", 14.9, []string{"36-38", "39-41", "42-44"}},
	{"BEANIE", "Beanie", "Accessories", 19.9, nil},
	{"COFFEE", "Coffee 500 g", "Coffee", 9.9, nil},
	{"TEA", "Herbal tea 100 g", "Coffee", 6.5, nil},
	{"KUKSA", "Kuksa cup", "Kitchen", 34.9, nil},
	{"MUG", "Mug", "Kitchen", 16.9, nil},
	{"TOTEBAG", "Tote bag", "Accessories", 12.9, nil},
	{"POSTER", "Poster 50x70", "Home", 24.9, nil},
	{"CANDLE", "Candle", "Home", 8.9, nil},
}

var (
	firstNames = []string{"Maija", "Matti", "Aino", "Juha", "Liisa", "Mikko", "Sanna", "Timo", "Elina", "Ville"}
	lastNames  = []string{"Meikäläinen", "Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Laine", "Koskinen"}
	cities     = []struct{ city, zip, country string }{
		{"Helsinki", "00100", "FI"}, {"Espoo", "02100", "FI"}, {"Tampere", "33100", "FI"}, {"Turku", "20100", "FI"},
		{"Oulu", "90100", "FI"}, {"Stockholm", "11122", "SE"}, {"Tallinn", "10111", "EE"}, {"Berlin", "10115", "DE"},
	}
	streets = []string{"Esimerkkikatu", "Mannerheimintie", "Hämeenkatu", "Aurakatu", "Kauppakatu", "Rantatie"}
)

// ean13 completes twelve digits with the EAN-13 check digit.
func ean13(n uint64) string {
	d := fmt.Sprintf("%012d", n%1_000_000_000_000)
	sum := 0
	for i, r := range d {
		v := int(r - '0')
		if i%2 == 1 {
			v *= 3
		}
		sum += v
	}
	return d + fmt.Sprint((10-sum%10)%10)
}

// generate fills the merchant deterministically from opts.Seed.
func generate(s *Server, opts Options) {
	rng := rand.New(rand.NewPCG(uint64(opts.Seed), 0x6f676f))
	start := GeneratedBase.Add(-60 * 24 * time.Hour)
	at := func() time.Time {
		return start.Add(time.Duration(rng.Int64N(int64(60 * 24 * time.Hour)))).Truncate(time.Second)
	}
	for i := 0; i < opts.Products; i++ {
		t := templates[i%len(templates)]
		code, name := t.code, t.name
		if len(t.sizes) > 0 {
			sz := t.sizes[(i/len(templates))%len(t.sizes)]
			code, name = code+"-"+sz, name+" "+sz
		}
		if round := i / (len(templates) * 4); round > 0 {
			code = fmt.Sprintf("%s-%d", code, round+1)
		}
		if s.st.byCode[code] != nil {
			code = fmt.Sprintf("%s-%d", code, i)
		}
		when := at()
		p := s.st.addProduct(ProductFields{
			Name: str(name), Code: str(code), Group: str(t.group), Supplier: str("Pohjola Supply Oy"),
			EanCode: str(ean13(6_400_000_000_000/10 + uint64(opts.Seed)*10_007 + uint64(i))), SalesPrice: &t.price,
			CurrencyCode: str("EUR"), CountryOfOrigin: str("FI"), LanguageCode: str("en"),
		}, when)
		if rng.IntN(8) > 0 {
			p.stock = 5 + rng.IntN(80)
		}
		p.stockMod = when
	}
	if len(s.st.products) == 0 || len(s.st.shipping) == 0 {
		return
	}
	for i := 0; i < opts.Orders; i++ {
		c := cities[rng.IntN(len(cities))]
		name := firstNames[rng.IntN(len(firstNames))] + " " + lastNames[rng.IntN(len(lastNames))]
		m := s.st.shipping[rng.IntN(len(s.st.shipping))]
		when := at()
		o := &order{ref: fmt.Sprintf("WEB-%d", 1001+i), status: "new", edit: when, docs: []Document{}}
		o.id, o.seq = s.st.uuid()
		o.shippingCode, o.currency = str(m.Code), str("EUR")
		o.customer = Customer{Name: name, Address1: fmt.Sprintf("%s %d", streets[rng.IntN(len(streets))], 1+rng.IntN(40)),
			City: c.city, Zip: str(c.zip), CountryCode: c.country, Email: str(fmt.Sprintf("customer%d@example.fi", i+1))}
		if m.PickupPoint {
			o.pickUp = str(fmt.Sprint(100000 + rng.IntN(900000)))
		}
		total := 0.0
		for n := 1 + rng.IntN(3); n > 0; n-- {
			p := s.st.products[rng.IntN(len(s.st.products))]
			q := 1 + rng.IntN(2)
			o.lines = append(o.lines, OrderLine{Code: p.code(), Quantity: q, UnitPrice: p.f.SalesPrice, VatPercentage: ptr(25.5)})
			o.prods = append(o.prods, p)
			total += *p.f.SalesPrice * float64(q)
		}
		total = float64(int(total*100+0.5)) / 100
		o.priceTotal = &total
		o.docs = []Document{{Type: "receipt", URL: fmt.Sprintf("https://demo.example/receipts/%s.pdf", o.ref)}}
		s.st.orders = append(s.st.orders, o)
		s.st.byRef[o.ref] = o
		// Older orders are further along; a few are drafts or cancelled.
		switch r := rng.IntN(20); {
		case r == 0:
			o.status = "draft"
		case r == 1:
			o.status = "cancelled"
		default:
			for steps := rng.IntN(4); steps > 0; steps-- {
				if !s.step(o, when) || o.status == "pending" {
					break
				}
			}
		}
		o.edit = when
	}
}

func ptr[T any](v T) *T { return &v }

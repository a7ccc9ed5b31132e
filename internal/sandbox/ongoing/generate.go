package ongoing

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// GeneratedBase is the instant the generated history ends: generated articles
// were created and last counted within the 90 days before it, whatever the clock
// says, so the same seed always gives the same data.
var GeneratedBase = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)

type articleTemplate struct {
	code, name string
	sizes      []string
	price      float64 // customer price incl. VAT, EUR
	weight     float64
	group      string
	noStock    bool
}

// The article numbers follow the webshop's SKUs ("TSHIRT-M"), as the
// MyCashflow → Ongoing integration uses them (seed 002: article number = the
// variation's product code; name = "product - variation").
var articleTemplates = []articleTemplate{
	{"TSHIRT", "Logo T-shirt", []string{"S", "M", "L", "XL"}, 24.9, 0.2, "APPAREL", false},
	{"HOODIE", "Hoodie", []string{"S", "M", "L"}, 59.9, 0.6, "APPAREL", false},
	{"SOCKS", "Wool socks", []string{"36-38", "39-41", "42-44"}, 14.9, 0.1, "APPAREL", false},
	{"BEANIE", "Beanie", nil, 19.9, 0.1, "APPAREL", false},
	{"COFFEE", "Coffee 500 g", nil, 9.9, 0.5, "FOOD", false},
	{"TEA", "Herbal tea 100 g", nil, 6.5, 0.1, "FOOD", false},
	{"COOKBOOK", "Nordic cookbook", nil, 29.9, 0.9, "BOOKS", false},
	{"KUKSA", "Kuksa cup", nil, 34.9, 0.15, "KITCHEN", false},
	{"TOTEBAG", "Tote bag", nil, 12.9, 0.1, "APPAREL", false},
	{"MUG", "Mug", nil, 16.9, 0.35, "KITCHEN", false},
	{"POSTER", "Poster 50x70", nil, 24.9, 0.3, "HOME", false},
	{"CANDLE", "Candle", nil, 8.9, 0.25, "HOME", false},
	{"GIFTCARD", "Gift card 50 EUR", nil, 50, 0, "HOME", true},
}

var groupNames = map[string]string{"APPAREL": "Apparel", "FOOD": "Food", "BOOKS": "Books", "KITCHEN": "Kitchen", "HOME": "Home"}

// generate fills st with opts.Articles articles from the seed: numbers, names,
// product codes, EAN-13 barcodes, prices, weights, locations and stock (about
// one in eight out of stock).
func generate(st *state, opts Options) {
	rng := rand.New(rand.NewPCG(uint64(opts.Seed), 0x6f6e676f696e67))
	var numbers []struct {
		t    articleTemplate
		size string
	}
	for _, t := range articleTemplates {
		if len(t.sizes) == 0 {
			numbers = append(numbers, struct {
				t    articleTemplate
				size string
			}{t, ""})
		}
		for _, sz := range t.sizes {
			numbers = append(numbers, struct {
				t    articleTemplate
				size string
			}{t, sz})
		}
	}
	for i := 0; i < opts.Articles; i++ {
		n := numbers[i%len(numbers)]
		round := i / len(numbers)
		number, name := n.t.code, n.t.name
		if n.size != "" {
			number, name = number+"-"+n.size, name+" - "+n.size
		}
		if round > 0 {
			number, name = fmt.Sprintf("%s-%d", number, round+1), fmt.Sprintf("%s (%d)", name, round+1)
		}
		created := GeneratedBase.Add(-time.Duration(30+rng.IntN(60*24)) * time.Hour)
		counted := created.Add(time.Duration(rng.IntN(int(GeneratedBase.Sub(created)/time.Minute))) * time.Minute)
		a := &article{id: st.next("article"), created: created, updated: created, stockChanged: counted,
			location: fmt.Sprintf("%c%02d-%d", 'A'+rune(rng.IntN(6)), 1+rng.IntN(40), 1+rng.IntN(5))}
		stock := !n.t.noStock
		a.in = postArticle{
			GoodsOwnerID:  num{v: float64(opts.GoodsOwnerID), set: true},
			ArticleNumber: str(number), ArticleName: str(name),
			ProductCode: str(fmt.Sprintf("%d-%d", 100+i/4, 500+i)), UnitCode: "pcs", IsStockArticle: &stock,
			BarCodeInfo:   &barCodeIn{BarCode: str(ean13(rng))},
			Weight:        num{v: n.t.weight, set: n.t.weight > 0},
			CustomerPrice: num{v: n.t.price, set: true}, PurchasePrice: num{v: round2(n.t.price * 0.35), set: true},
			PurcaseCurrencyCode: "EUR", CountryOfOriginCode: str([]string{"FI", "SE", "EE", "PT"}[rng.IntN(4)]),
			ArticleGroup: &codeName{Code: str(n.t.group), Name: str(groupNames[n.t.group])},
		}
		if stock {
			if rng.IntN(8) != 0 {
				a.onHand = float64(1 + rng.IntN(120))
			}
			a.lastIn = counted
		}
		st.addArticle(a)
	}
}

// ean13 draws a Finnish (64…) EAN-13 with a valid check digit.
func ean13(rng *rand.Rand) string {
	var b strings.Builder
	b.WriteString("64")
	for i := 0; i < 10; i++ {
		b.WriteByte(byte('0' + rng.IntN(10)))
	}
	s := b.String()
	sum := 0
	for i, c := range s {
		d := int(c - '0')
		if i%2 == 1 {
			d *= 3
		}
		sum += d
	}
	return s + string(rune('0'+(10-sum%10)%10))
}

package mycashflow

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/ferryhub/ferry/internal/model"
)

func genDecimal(t *rapid.T, label string, max int64) model.Decimal {
	// Money on the wire has two decimals.
	return model.Decimal(rapid.Int64Range(0, max).Draw(t, label) * 100)
}

func genText(t *rapid.T, label string) string {
	return rapid.StringMatching(`[A-Za-zÄÖäö0-9 .-]{0,12}`).Draw(t, label)
}

func genAddress(t *rapid.T, label string) model.Address {
	return model.Address{
		FirstName: genText(t, label+"first"), LastName: genText(t, label+"last"), Company: genText(t, label+"company"),
		Street: genText(t, label+"street"), PostalCode: rapid.StringMatching(`[0-9]{5}`).Draw(t, label+"zip"),
		City: genText(t, label+"city"), Country: rapid.SampledFrom([]string{"FI", "SE", "EE"}).Draw(t, label+"country"),
		Phone: rapid.StringMatching(`\+358[0-9]{6,9}`).Draw(t, label+"phone"), Email: rapid.StringMatching(`[a-z]{1,8}@example\.fi`).Draw(t, label+"email"),
	}
}

// An order mapped to MyCashflow's shape and back keeps every field the mapping
// carries.
func TestOrderRoundTrip(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rapid.IntRange(0, 1e6).Draw(t, "at")) * time.Second)
		billing := genAddress(t, "b")
		shipping := billing
		if rapid.Bool().Draw(t, "different") {
			shipping = genAddress(t, "s")
		}
		m := model.Order{
			ID: rapid.StringMatching(`[1-9][0-9]{0,6}`).Draw(t, "id"), Status: rapid.SampledFrom([]model.OrderStatus{model.OrderOpen, model.OrderCompleted, model.OrderCancelled}).Draw(t, "status"),
			Currency: "EUR", Language: "fi", StoreVersionID: "1", CreatedAt: at, UpdatedAt: at.Add(time.Minute),
			Billing: billing, Shipping: shipping,
			ShippingMethod: model.Method{ID: "4"}, PaymentMethod: model.Method{ID: "6"},
			Note: genText(t, "note"), DispatchNoteURL: "https://demo.mycashflow.fi/d/1",
		}
		m.Number = m.ID
		m.Customer = model.Party{ID: "77", Email: billing.Email, Phone: billing.Phone, VATCode: rapid.StringMatching(`(FI[0-9]{8})?`).Draw(t, "vat"), Language: "fi", Address: billing, IsCompany: billing.Company != ""}
		m.Customer.Name = billing.FullName()
		if billing.Company != "" {
			m.Customer.Name = billing.Company
		}
		n := rapid.IntRange(1, 4).Draw(t, "lines")
		var total model.Decimal
		for i := 0; i < n; i++ {
			l := model.Line{
				ID: rapid.StringMatching(`[1-9][0-9]{0,5}`).Draw(t, "lineid"), Kind: model.LineProduct, SKU: rapid.StringMatching(`[A-Z]{2,6}(-[A-Z0-9]{1,3})?`).Draw(t, "sku"),
				Name: rapid.StringMatching(`[A-Za-z]{1,10}`).Draw(t, "name"), Quantity: model.DecimalFromInt(int64(rapid.IntRange(1, 5).Draw(t, "qty"))),
				UnitPrice: genDecimal(t, "price", 200), TaxIncluded: true, TaxRate: rapid.SampledFrom([]model.Decimal{model.MustDecimal("25.5"), model.DecimalFromInt(14), model.DecimalFromInt(10)}).Draw(t, "rate"),
			}
			total += l.UnitPrice.Mul(l.Quantity)
			m.Lines = append(m.Lines, l)
		}
		if ship := genDecimal(t, "ship", 15); !ship.IsZero() {
			m.ShippingCost = ship
			m.Lines = append(m.Lines, model.Line{Kind: model.LineShipping, Name: "Shipping", Quantity: model.DecimalFromInt(1), UnitPrice: ship, TaxIncluded: true, TaxRate: model.MustDecimal("25.5")})
			total += ship
		}
		m.Total = total
		m.Shipments = []model.Shipment{{ID: "3001", OrderID: m.ID, Status: model.ShipmentOpen, ShippingMethodID: "4", TrackingCode: genText(t, "track")}}
		m.Payments = []model.Payment{{ID: "4001", OrderID: m.ID, PaymentMethodID: "6", Amount: total, Currency: "EUR", Status: rapid.SampledFrom([]model.PaymentStatus{model.PaymentOpen, model.PaymentPaid}).Draw(t, "pstatus")}}

		back := ToOrder(FromOrder(m), Names{ShippingMethods: map[ID]string{}, PaymentMethods: map[ID]string{}})
		if d := cmp.Diff(m, back); d != "" {
			t.Fatalf("round trip changed the order (-want +got):\n%s", d)
		}
	})
}

// A product mapped to a write body and read back as MyCashflow would answer keeps
// every mapped field.
func TestProductRoundTrip(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		m := model.Product{
			ID: "101", SKU: rapid.StringMatching(`[A-Z]{2,8}`).Draw(t, "sku"), Name: genText(t, "name"), Description: genText(t, "desc"),
			Price: genDecimal(t, "price", 500), PurchasePrice: genDecimal(t, "pp", 200), TaxRate: model.MustDecimal("25.5"),
			Weight: model.Decimal(rapid.Int64Range(0, 50000).Draw(t, "w")), Barcode: rapid.StringMatching(`[0-9]{0,13}`).Draw(t, "ean"),
			Brand: rapid.SampledFrom([]string{"", "Ferry Wear"}).Draw(t, "brand"), Active: true,
		}
		if rapid.Bool().Draw(t, "cat") {
			m.Categories = []string{"Paidat"}
		}
		m.Visibilities = []model.Visibility{{StoreVersionID: "1", Visible: rapid.Bool().Draw(t, "vis")}}
		for i := 0; i < rapid.IntRange(0, 3).Draw(t, "variants"); i++ {
			m.Variants = append(m.Variants, model.Variant{ID: rapid.StringMatching(`[1-9][0-9]{1,4}`).Draw(t, "vid"), SKU: m.SKU + "-" + rapid.StringMatching(`[A-Z]{1,3}`).Draw(t, "vsku"), Name: genText(t, "vname"), Price: genDecimal(t, "vprice", 500), Sort: i})
		}
		w := FromProduct(m, map[string]ID{"Ferry Wear": 3}, map[string]ID{"Paidat": 4})
		// What MyCashflow answers for that body.
		p := Product{ID: 101, ProductCode: w.ProductCode, Name: w.Name, Description: w.Description, Barcode: w.Barcode,
			Price: model.DecimalFromFloat(*w.Price), PurchasePrice: model.DecimalFromFloat(*w.PurchasePrice), VATRate: model.DecimalFromFloat(*w.VATRate),
			Weight: model.DecimalFromFloat(*w.Weight), CategoryLinks: w.CategoryLinks, Visibilities: w.Visibilities}
		if w.BrandID != nil {
			p.Brand = One[Brand]{V: Brand{ID: ID(*w.BrandID), Name: "Ferry Wear"}, OK: true}
		}
		for _, v := range w.Variations {
			p.Variations = append(p.Variations, Variation{ID: v.ID, Name: v.Name, ProductCode: v.ProductCode, Price: model.DecimalFromFloat(*v.Price), PurchasePrice: model.DecimalFromFloat(*v.PurchasePrice), Weight: model.DecimalFromFloat(*v.Weight), Sort: v.Sort})
		}
		back := ToProduct(p, Names{Categories: map[ID]string{4: "Paidat"}})
		if d := cmp.Diff(m, back); d != "" {
			t.Fatalf("round trip changed the product (-want +got):\n%s", d)
		}
	})
}

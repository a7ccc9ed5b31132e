package mycashflow

import (
	"sort"
	"strconv"
	"strings"

	"github.com/ferryhub/ferry/internal/model"
)

// Names resolves ids of an order or product to the names the canonical model
// carries (other systems know methods and categories by name, not by MyCashflow
// id). Missing entries leave names empty.
type Names struct {
	ShippingMethods map[ID]string
	PaymentMethods  map[ID]string
	Categories      map[ID]string
}

var orderStatus = map[string]model.OrderStatus{"open": model.OrderOpen, "completed": model.OrderCompleted, "cancelled": model.OrderCancelled}

var paymentStatus = map[string]model.PaymentStatus{
	"OPEN": model.PaymentOpen, "PENDING_ACTIVATION": model.PaymentPendingActivation, "PAID": model.PaymentPaid,
	"REFUNDED": model.PaymentRefunded, "CANCELLED": model.PaymentCancelled,
}

var shipmentStatus = map[string]model.ShipmentStatus{"OPEN": model.ShipmentOpen, "COMPLETED": model.ShipmentCompleted, "CANCELLED": model.ShipmentCancelled}

func invert[K, V comparable](m map[K]V) map[V]K {
	out := make(map[V]K, len(m))
	for k, v := range m {
		out[v] = k
	}
	return out
}

func toAddress(a Address) model.Address {
	return model.Address{
		FirstName: a.FirstName, LastName: a.LastName, Company: a.Company, Street: a.StreetAddress,
		PostalCode: a.PostalCode, City: a.City, Country: strings.ToUpper(a.Country), Phone: a.Phone, Email: strings.TrimSpace(a.Email),
	}
}

func fromAddress(a model.Address, vat string) Address {
	return Address{
		Company: a.Company, VATCode: vat, FirstName: a.FirstName, LastName: a.LastName, StreetAddress: a.Street,
		PostalCode: a.PostalCode, City: a.City, Country: a.Country, Phone: a.Phone, Email: a.Email,
	}
}

// ToOrder maps a MyCashflow order to the canonical order. Prices include VAT.
// Shipping and payment costs become lines of their own, and the order discount
// one negative line per VAT rate (split as the tax summary splits it), so the
// lines add up to the total.
func ToOrder(o Order, n Names) model.Order {
	status, ok := orderStatus[o.Status]
	if !ok {
		status = model.OrderStatus(strings.ToLower(o.Status))
	}
	billing := toAddress(o.CustomerInformation)
	shipping := billing
	if bool(o.DifferentShippingAddress) || o.ShippingAddress != (Address{}) {
		shipping = toAddress(o.ShippingAddress)
		if shipping.Email == "" {
			shipping.Email = billing.Email
		}
	}
	ci := o.CustomerInformation
	party := model.Party{
		ID: o.CustomerID.String(), Email: strings.TrimSpace(ci.Email), Phone: ci.Phone, VATCode: ci.VATCode,
		IsCompany: ci.Company != "", Language: o.Language, Address: billing,
	}
	party.Name = billing.FullName()
	if ci.Company != "" {
		party.Name = ci.Company
	}
	out := model.Order{
		ID: o.ID.String(), Number: o.ID.String(), Status: status, Currency: o.Currency, Language: o.Language,
		StoreVersionID: o.VersionID.String(), CreatedAt: o.CreatedAt.Time, UpdatedAt: o.UpdatedAt.Time,
		Customer: party, Billing: billing, Shipping: shipping,
		ShippingMethod: model.Method{ID: o.ShippingMethodID.String(), Name: n.ShippingMethods[o.ShippingMethodID]},
		PaymentMethod:  model.Method{ID: o.PaymentMethodID.String(), Name: n.PaymentMethods[o.PaymentMethodID]},
		ShippingCost:   o.ShippingCosts, PaymentCost: o.PaymentCosts, Discount: o.Discount, Total: o.Total,
		Note: o.Details, DispatchNoteURL: o.DispatchNoteURL, ReceiptURL: o.ReceiptURL,
	}
	highest := model.Decimal(0)
	for _, l := range o.Products {
		name := l.ProductName
		if l.ModelName != "" {
			name += " (" + l.ModelName + ")"
		}
		out.Lines = append(out.Lines, model.Line{
			ID: l.ID.String(), Kind: model.LineProduct, SKU: l.ProductCode, Name: name, Quantity: l.Quantity,
			UnitPrice: l.UnitPrice, TaxIncluded: true, TaxRate: l.VATRate, ShipmentID: l.ShipmentID.String(),
		})
		highest = max(highest, l.VATRate)
	}
	var ts TaxSummary
	if o.TaxSummary.OK {
		ts = o.TaxSummary.V
	}
	rateOf := func(rows []TaxRow) model.Decimal {
		if len(rows) > 0 {
			return rows[0].TaxRate
		}
		return highest
	}
	if !o.ShippingCosts.IsZero() {
		out.Lines = append(out.Lines, model.Line{Kind: model.LineShipping, Name: nonEmpty(out.ShippingMethod.Name, "Shipping"), Quantity: model.DecimalFromInt(1), UnitPrice: o.ShippingCosts, TaxIncluded: true, TaxRate: rateOf(ts.ShippingCosts)})
	}
	if !o.PaymentCosts.IsZero() {
		out.Lines = append(out.Lines, model.Line{Kind: model.LinePayment, Name: nonEmpty(out.PaymentMethod.Name, "Payment"), Quantity: model.DecimalFromInt(1), UnitPrice: o.PaymentCosts, TaxIncluded: true, TaxRate: rateOf(ts.PaymentCosts)})
	}
	if !o.Discount.IsZero() {
		rows := ts.Discount
		var sum model.Decimal
		for _, r := range rows {
			sum += r.Total
		}
		if len(rows) == 0 || sum != o.Discount {
			rows = []TaxRow{{TaxRate: highest, Total: o.Discount}}
		}
		for _, r := range rows {
			out.Lines = append(out.Lines, model.Line{Kind: model.LineDiscount, Name: "Discount", Quantity: model.DecimalFromInt(1), UnitPrice: -r.Total, TaxIncluded: true, TaxRate: r.TaxRate})
		}
	}
	for _, s := range o.Shipments {
		st, ok := shipmentStatus[s.Status]
		if !ok {
			st = model.ShipmentStatus(strings.ToLower(s.Status))
		}
		ms := model.Shipment{
			ID: s.ID.String(), OrderID: o.ID.String(), Status: st, ShippingMethodID: s.ShippingMethodID.String(),
			TrackingCode: s.TrackingCode, LabelURL: s.ShippingLabelURL, PickupPointID: s.PickupPointID, CompletedAt: s.CompletedAt.Time,
		}
		for _, d := range s.Documents {
			ms.DocumentURLs = append(ms.DocumentURLs, d.URL)
		}
		out.Shipments = append(out.Shipments, ms)
	}
	for _, p := range o.Payments {
		st, ok := paymentStatus[p.Status]
		if !ok {
			st = model.PaymentStatus(strings.ToLower(p.Status))
		}
		out.Payments = append(out.Payments, model.Payment{
			ID: p.ID.String(), OrderID: o.ID.String(), PaymentMethodID: p.PaymentMethodID.String(), Method: n.PaymentMethods[p.PaymentMethodID], Amount: p.Amount,
			Currency: p.Currency, Status: st, Reference: p.Reference,
		})
	}
	return out
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func parseID(s string) ID {
	n, _ := strconv.ParseInt(s, 10, 64)
	return ID(n)
}

// FromOrder maps a canonical order back to MyCashflow's shape: the inverse of
// ToOrder for every field ToOrder maps.
func FromOrder(m model.Order) Order {
	statuses := invert(orderStatus)
	status, ok := statuses[m.Status]
	if !ok {
		status = string(m.Status)
	}
	o := Order{
		ID: parseID(m.ID), Status: status, Currency: m.Currency, Language: m.Language, VersionID: parseID(m.StoreVersionID),
		CreatedAt: Time{m.CreatedAt}, UpdatedAt: Time{m.UpdatedAt}, CustomerID: parseID(m.Customer.ID),
		ShippingMethodID: parseID(m.ShippingMethod.ID), PaymentMethodID: parseID(m.PaymentMethod.ID),
		CustomerInformation: fromAddress(m.Billing, m.Customer.VATCode), ShippingCosts: m.ShippingCost, PaymentCosts: m.PaymentCost,
		Discount: m.Discount, Total: m.Total, Details: m.Note, DispatchNoteURL: m.DispatchNoteURL, ReceiptURL: m.ReceiptURL,
	}
	o.CustomerInformation.Email = m.Customer.Email
	o.CustomerInformation.Phone = m.Customer.Phone
	if m.Shipping != m.Billing {
		o.DifferentShippingAddress = true
		o.ShippingAddress = fromAddress(m.Shipping, "")
	}
	var ts TaxSummary
	var subtotal model.Decimal
	for _, l := range m.Lines {
		switch l.Kind {
		case model.LineProduct:
			name, modelName := l.Name, ""
			if i := strings.LastIndex(name, " ("); i >= 0 && strings.HasSuffix(name, ")") {
				name, modelName = name[:i], name[i+2:len(name)-1]
			}
			o.Products = append(o.Products, OrderLine{
				ID: parseID(l.ID), ProductCode: l.SKU, ProductName: name, ModelName: modelName, Quantity: l.Quantity,
				UnitPrice: l.UnitPrice, VATRate: l.TaxRate, ShipmentID: parseID(l.ShipmentID),
			})
			subtotal += l.UnitPrice.Mul(l.Quantity)
		case model.LineShipping:
			ts.ShippingCosts = append(ts.ShippingCosts, TaxRow{TaxRate: l.TaxRate, Total: l.UnitPrice})
		case model.LinePayment:
			ts.PaymentCosts = append(ts.PaymentCosts, TaxRow{TaxRate: l.TaxRate, Total: l.UnitPrice})
		case model.LineDiscount:
			ts.Discount = append(ts.Discount, TaxRow{TaxRate: l.TaxRate, Total: -l.UnitPrice})
		}
	}
	o.Subtotal = subtotal
	if len(ts.ShippingCosts)+len(ts.PaymentCosts)+len(ts.Discount) > 0 {
		o.TaxSummary = One[TaxSummary]{V: ts, OK: true}
	}
	for _, s := range m.Shipments {
		ws := Shipment{
			ID: parseID(s.ID), OrderID: o.ID, Status: invert(shipmentStatus)[s.Status], ShippingMethodID: parseID(s.ShippingMethodID),
			TrackingCode: s.TrackingCode, ShippingLabelURL: s.LabelURL, PickupPointID: s.PickupPointID, CompletedAt: Time{s.CompletedAt},
		}
		for _, u := range s.DocumentURLs {
			ws.Documents = append(ws.Documents, Document{URL: u})
		}
		o.Shipments = append(o.Shipments, ws)
	}
	for _, p := range m.Payments {
		st := invert(paymentStatus)[p.Status]
		o.Payments = append(o.Payments, Payment{
			ID: parseID(p.ID), OrderID: o.ID, PaymentMethodID: parseID(p.PaymentMethodID), Amount: p.Amount, Currency: p.Currency,
			Status: st, Reference: p.Reference, IsPaid: Bool(p.Status == model.PaymentPaid),
		})
	}
	return o
}

// ToProduct maps a product and its variations to the canonical product.
func ToProduct(p Product, n Names) model.Product {
	out := model.Product{
		ID: p.ID.String(), SKU: p.ProductCode, Name: p.Name, Description: p.Description, Price: p.Price,
		PurchasePrice: p.PurchasePrice, TaxRate: p.VATRate, Weight: p.Weight, Barcode: p.Barcode, Active: true,
		UpdatedAt: p.UpdatedAt.Time,
	}
	if out.Barcode == "" && p.StockItem.OK {
		out.Barcode = p.StockItem.V.Barcode
	}
	if p.Brand.OK {
		out.Brand = p.Brand.V.Name
	}
	links := append([]CategoryLink(nil), p.CategoryLinks...)
	sort.SliceStable(links, func(i, j int) bool { return links[i].Sort < links[j].Sort })
	for _, l := range links {
		name := n.Categories[l.CategoryID]
		if name == "" {
			name = l.CategoryID.String()
		}
		out.Categories = append(out.Categories, name)
	}
	for _, im := range p.ImageLinks {
		out.Images = append(out.Images, model.Image{ID: im.ImageID.String(), Filename: im.Filename, Caption: im.Caption, Sort: im.Sort})
	}
	for _, v := range p.Visibilities {
		out.Visibilities = append(out.Visibilities, model.Visibility{StoreVersionID: v.VersionID.String(), Visible: bool(v.IsVisible)})
	}
	for _, v := range p.Variations {
		mv := model.Variant{
			ID: v.ID.String(), SKU: v.ProductCode, Name: v.Name, Price: v.Price, PurchasePrice: v.PurchasePrice,
			Weight: v.Weight, Sort: v.Sort,
		}
		if v.StockItem.OK {
			mv.Barcode = v.StockItem.V.Barcode
		}
		out.Variants = append(out.Variants, mv)
	}
	return out
}

// FromProduct maps a canonical product to a create/patch body. brands and
// categories resolve names to MyCashflow ids; a name they lack is left out (the
// caller creates missing brands and categories first).
func FromProduct(m model.Product, brands, categories map[string]ID) ProductWrite {
	w := ProductWrite{
		ProductCode: m.SKU, Name: m.Name, Description: m.Description, Barcode: m.Barcode,
		Price: ptr(m.Price.Float64()), PurchasePrice: ptr(m.PurchasePrice.Float64()), VATRate: ptr(m.TaxRate.Float64()), Weight: ptr(m.Weight.Float64()),
	}
	if id, ok := brands[m.Brand]; ok && m.Brand != "" {
		w.BrandID = ptr(int64(id))
	}
	for i, c := range m.Categories {
		if id, ok := categories[c]; ok {
			w.CategoryLinks = append(w.CategoryLinks, CategoryLink{CategoryID: id, Sort: i})
		}
	}
	for _, im := range m.Images {
		w.ImageLinks = append(w.ImageLinks, ImageLink{ImageID: parseID(im.ID), Filename: im.Filename, Caption: im.Caption, Sort: im.Sort})
	}
	for _, v := range m.Visibilities {
		w.Visibilities = append(w.Visibilities, Visibility{VersionID: parseID(v.StoreVersionID), IsVisible: Bool(v.Visible)})
	}
	for _, v := range m.Variants {
		w.Variations = append(w.Variations, FromVariant(v))
	}
	return w
}

// FromVariant maps a canonical variant to a variation body.
func FromVariant(v model.Variant) VariationWrite {
	return VariationWrite{
		ID: parseID(v.ID), Name: v.Name, ProductCode: v.SKU, Sort: v.Sort,
		Price: ptr(v.Price.Float64()), PurchasePrice: ptr(v.PurchasePrice.Float64()), Weight: ptr(v.Weight.Float64()),
	}
}

func ptr[T any](v T) *T { return &v }

// ToStock maps a stock item to the canonical stock: Available is the balance.
func ToStock(s StockItem) model.Stock {
	sku := s.Code
	if sku == "" {
		sku = s.SKU
	}
	return model.Stock{SKU: sku, Quantity: s.Quantity, Reserved: s.Reserved, Available: s.Balance, Location: s.Location, UpdatedAt: s.UpdatedAt.Time}
}

// FromStock is the stock write that sets the physical quantity of m.SKU and turns
// stock management on; MyCashflow keeps its own reservations and derives the
// balance.
func FromStock(m model.Stock) StockWrite {
	return StockWrite{Quantity: ptr(m.Quantity.Float64()), Enabled: ptr(true)}
}

// ToShippingMethod maps a shipping method.
func ToShippingMethod(s ShippingMethod) model.Method {
	return model.Method{ID: s.ID.String(), Name: s.Name, Code: s.ProductCode, Description: s.Description, Provider: s.ServiceProvider, UpdatedAt: s.UpdatedAt.Time}
}

// ToPaymentMethod maps a payment method.
func ToPaymentMethod(p PaymentMethod) model.Method {
	return model.Method{ID: p.ID.String(), Name: p.Name, Code: p.ProductCode, Description: p.Description, Provider: p.Provider, UpdatedAt: p.UpdatedAt.Time}
}

// ToCategory maps a category.
func ToCategory(c Category) model.Category {
	return model.Category{ID: c.ID.String(), Name: c.Name, ParentID: c.ParentID.String()}
}

// ToBrand maps a brand.
func ToBrand(b Brand) model.Brand { return model.Brand{ID: b.ID.String(), Name: b.Name} }

// ToStoreVersion maps a store version.
func ToStoreVersion(v Version) model.StoreVersion {
	return model.StoreVersion{ID: v.ID.String(), Name: v.Name, Language: v.Language, Currency: v.Currency}
}

// ToParty maps a customer account.
func ToParty(c Customer) model.Party {
	a := model.Address{FirstName: c.FirstName, LastName: c.LastName, Company: c.Company, Street: c.StreetAddress, PostalCode: c.PostalCode, City: c.City, Country: strings.ToUpper(c.Country), Phone: c.Phone, Email: c.Email}
	name := a.FullName()
	if c.Company != "" {
		name = c.Company
	}
	return model.Party{ID: c.ID.String(), Name: name, Email: c.Email, Phone: c.Phone, VATCode: c.VATCode, IsCompany: c.Company != "", Address: a, UpdatedAt: c.UpdatedAt.Time}
}

// ToPricelist maps a campaign and its quantity prices.
func ToPricelist(c Campaign) model.Pricelist {
	out := model.Pricelist{ID: c.ID.String(), Name: c.Name, Active: bool(c.IsActive), StartsAt: c.StartsAt.Time, EndsAt: c.EndsAt.Time, UpdatedAt: c.UpdatedAt.Time}
	for _, p := range c.Prices {
		out.Rules = append(out.Rules, ToPriceRule(p))
	}
	return out
}

// ToPriceRule maps one campaign price.
func ToPriceRule(p CampaignPrice) model.PriceRule {
	price := p.Price
	return model.PriceRule{SKU: p.ProductCode, MinQuantity: p.MinQuantity, FixedPrice: &price}
}

// FromPriceRule maps a product-targeted fixed-price rule to a campaign price;
// ok is false for rules MyCashflow campaigns cannot hold (no product, a
// percentage, a minimum quantity below 1).
func FromPriceRule(r model.PriceRule) (CampaignPrice, bool) {
	if r.SKU == "" || r.FixedPrice == nil || r.MinQuantity < model.DecimalFromInt(1) {
		return CampaignPrice{}, false
	}
	return CampaignPrice{ProductCode: r.SKU, MinQuantity: r.MinQuantity, Price: *r.FixedPrice}, true
}

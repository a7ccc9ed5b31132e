package shopify

import (
	"fmt"
	"strings"

	"github.com/ferryhub/ferry/internal/model"
)

// ToOrder maps an order to the canonical model. Amounts are the shop
// currency's (shopMoney); the buyer's currency is kept in
// PresentmentCurrency. An amount that does not parse is an error naming the
// order and the field.
func ToOrder(o Order) (model.Order, error) {
	bad := func(field string, err error) error {
		return &RecordError{Kind: "order", ID: o.Name, Field: field, Err: err}
	}
	email := str(o.Email)
	out := model.Order{
		ID: o.ID, Number: o.Name, Currency: o.CurrencyCode, CreatedAt: o.CreatedAt.UTC(), UpdatedAt: o.UpdatedAt.UTC(),
		Note: str(o.Note), Test: o.Test, Channel: str(o.SourceName),
		FinancialStatus:   strings.ToLower(str(o.DisplayFinancialStatus)),
		FulfillmentStatus: strings.ToLower(o.DisplayFulfillmentStatus),
	}
	if o.PresentmentCurrencyCode != "" && o.PresentmentCurrencyCode != o.CurrencyCode {
		out.PresentmentCurrency = o.PresentmentCurrencyCode
	}
	switch {
	case o.CancelledAt != nil:
		out.Status = model.OrderCancelled
		out.CancelledAt = o.CancelledAt.UTC()
		out.CancelReason = strings.ToLower(str(o.CancelReason))
	case o.Closed || o.DisplayFulfillmentStatus == "FULFILLED":
		out.Status = model.OrderCompleted
	default:
		out.Status = model.OrderOpen
	}
	if o.Risk != nil {
		r := o.Risk.Recommendation
		out.HighRisk = r == "CANCEL" || r == "INVESTIGATE"
		level := map[string]int{"": 0, "NONE": 0, "LOW": 1, "ACCEPT": 1, "MEDIUM": 2, "INVESTIGATE": 2, "HIGH": 3, "CANCEL": 3}
		worst := level[r]
		var why []string
		if r != "" && r != "ACCEPT" && r != "NONE" {
			why = append(why, "recommendation "+r)
		}
		for _, a := range o.Risk.Assessments {
			out.HighRisk = out.HighRisk || a.RiskLevel == "HIGH"
			worst = max(worst, level[a.RiskLevel])
			if level[a.RiskLevel] >= 2 {
				why = append(why, "assessment "+a.RiskLevel)
			}
		}
		out.Risk = [...]string{"", "low", "medium", "high"}[worst]
		out.RiskReason = strings.Join(why, ", ")
	}
	out.Billing = toAddress(o.BillingAddress, email)
	out.Shipping = toAddress(o.ShippingAddress, email)
	if o.ShippingAddress == nil {
		out.Shipping = out.Billing
	}
	if cu := o.Customer; cu != nil {
		out.Customer = model.Party{ID: cu.ID, Email: str(cu.Email), Phone: str(cu.Phone), Address: out.Billing}
		out.Customer.Name = strings.TrimSpace(str(cu.FirstName) + " " + str(cu.LastName))
	} else {
		out.Customer = model.Party{Email: email, Address: out.Billing, Phone: str(o.Phone)}
	}
	if out.Customer.Email == "" {
		out.Customer.Email = email
	}
	if out.Customer.Name == "" {
		out.Customer.Name = out.Billing.FullName()
	}
	if out.Billing.Company != "" {
		out.Customer.IsCompany = true
		out.Customer.Name = out.Billing.Company
	}
	if len(o.PaymentGatewayNames) > 0 {
		// A gateway has no id but its name, which is what identifies it.
		out.PaymentMethod = model.Method{ID: model.RemoteID(o.PaymentGatewayNames[0]), Name: o.PaymentGatewayNames[0], Code: o.PaymentGatewayNames[0]}
	}
	var err error
	if out.Total, err = o.TotalPriceSet.decimal(); err != nil {
		return out, bad("totalPriceSet", err)
	}
	if out.Discount, err = o.TotalDiscountsSet.decimal(); err != nil {
		return out, bad("totalDiscountsSet", err)
	}
	one := model.DecimalFromInt(1)
	for i, l := range o.LineItems.Nodes {
		field := fmt.Sprintf("lineItems[%d]", i)
		if l.CurrentQuantity <= 0 {
			continue // removed by an edit or refunded in full
		}
		unit, err := l.OriginalUnitPriceSet.decimal()
		if err != nil {
			return out, bad(field+".originalUnitPriceSet", err)
		}
		rate, err := rateOf(l.TaxLines)
		if err != nil {
			return out, bad(field+".taxLines", err)
		}
		ml := model.Line{ID: l.ID, Kind: model.LineProduct, SKU: str(l.SKU), Name: l.Name, Quantity: model.DecimalFromInt(int64(l.CurrentQuantity)),
			UnitPrice: unit, TaxIncluded: o.TaxesIncluded, TaxRate: rate}
		out.Lines = append(out.Lines, ml)
		disc, err := l.TotalDiscountSet.decimal()
		if err != nil {
			return out, bad(field+".totalDiscountSet", err)
		}
		if disc != 0 {
			name := "Discount"
			if len(o.DiscountCodes) > 0 {
				name += " " + strings.Join(o.DiscountCodes, ", ")
			}
			out.Lines = append(out.Lines, model.Line{ID: l.ID + "#discount", Kind: model.LineDiscount, SKU: ml.SKU, Name: name, Quantity: one, UnitPrice: -disc, TaxIncluded: o.TaxesIncluded, TaxRate: rate})
		}
	}
	for i, s := range o.ShippingLines.Nodes {
		field := fmt.Sprintf("shippingLines[%d]", i)
		price, err := s.OriginalPriceSet.decimal()
		if err != nil {
			return out, bad(field+".originalPriceSet", err)
		}
		rate, err := rateOf(s.TaxLines)
		if err != nil {
			return out, bad(field+".taxLines", err)
		}
		if i == 0 {
			// A shipping line names its rate by code (the carrier's service)
			// and title; no method id exists, so the code, else the title, is it.
			id := str(s.Code)
			if id == "" {
				id = s.Title
			}
			out.ShippingMethod = model.Method{ID: model.RemoteID(id), Name: s.Title, Code: str(s.Code)}
		}
		out.ShippingCost += price
		out.Lines = append(out.Lines, model.Line{Kind: model.LineShipping, Name: s.Title, Quantity: one, UnitPrice: price, TaxIncluded: o.TaxesIncluded, TaxRate: rate})
	}
	return out, nil
}

// rateOf sums a line's tax rates (a state and a county tax add up), as a
// percentage.
func rateOf(ts []TaxLine) (model.Decimal, error) {
	var sum model.Decimal
	for _, t := range ts {
		if t.RatePercentage == nil {
			continue
		}
		d, err := model.ParseDecimal(fmt.Sprintf("%.4f", *t.RatePercentage))
		if err != nil {
			return 0, err
		}
		sum += d
	}
	return sum, nil
}

func toAddress(a *MailingAddress, email string) model.Address {
	if a == nil {
		return model.Address{Email: email}
	}
	return model.Address{FirstName: a.FirstName, LastName: a.LastName, Company: a.Company, Street: a.Address1, Street2: a.Address2,
		PostalCode: a.Zip, City: a.City, State: a.Province, Country: a.CountryCode, Phone: a.Phone, Email: email}
}

package shopify

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

// The GraphQL shapes the operations select (field names of the 2025-01 schema).

// PageInfo is a connection's pageInfo.
type PageInfo struct {
	HasNextPage bool   `json:"hasNextPage"`
	EndCursor   string `json:"endCursor"`
}

// Money is a MoneyBag's shopMoney (amount a Decimal string).
type Money struct {
	ShopMoney struct {
		Amount       string `json:"amount"`
		CurrencyCode string `json:"currencyCode"`
	} `json:"shopMoney"`
}

// decimal reads the amount; empty is zero.
func (m *Money) decimal() (model.Decimal, error) {
	if m == nil || m.ShopMoney.Amount == "" {
		return 0, nil
	}
	return model.ParseDecimal(m.ShopMoney.Amount)
}

// TaxLine is a TaxLine.
type TaxLine struct {
	Title          string   `json:"title"`
	RatePercentage *float64 `json:"ratePercentage"`
	PriceSet       *Money   `json:"priceSet"`
}

// MailingAddress is a MailingAddress.
type MailingAddress struct {
	FirstName   string `json:"firstName"`
	LastName    string `json:"lastName"`
	Company     string `json:"company"`
	Address1    string `json:"address1"`
	Address2    string `json:"address2"`
	Zip         string `json:"zip"`
	City        string `json:"city"`
	Province    string `json:"province"`
	CountryCode string `json:"countryCodeV2"`
	Phone       string `json:"phone"`
}

// LineItem is a LineItem.
type LineItem struct {
	ID              string  `json:"id"`
	SKU             *string `json:"sku"`
	Name            string  `json:"name"`
	Quantity        int     `json:"quantity"`
	CurrentQuantity int     `json:"currentQuantity"`
	Variant         *struct {
		ID string `json:"id"`
	} `json:"variant"`
	OriginalUnitPriceSet *Money    `json:"originalUnitPriceSet"`
	TotalDiscountSet     *Money    `json:"totalDiscountSet"`
	TaxLines             []TaxLine `json:"taxLines"`
}

// ShippingLine is a ShippingLine.
type ShippingLine struct {
	Title            string    `json:"title"`
	Code             *string   `json:"code"`
	OriginalPriceSet *Money    `json:"originalPriceSet"`
	TaxLines         []TaxLine `json:"taxLines"`
}

// Order is the Orders operation's OrderFields.
type Order struct {
	ID                       string     `json:"id"`
	LegacyResourceID         string     `json:"legacyResourceId"`
	Name                     string     `json:"name"`
	Email                    *string    `json:"email"`
	Phone                    *string    `json:"phone"`
	Note                     *string    `json:"note"`
	CreatedAt                time.Time  `json:"createdAt"`
	UpdatedAt                time.Time  `json:"updatedAt"`
	CancelledAt              *time.Time `json:"cancelledAt"`
	CancelReason             *string    `json:"cancelReason"`
	Closed                   bool       `json:"closed"`
	Test                     bool       `json:"test"`
	SourceName               *string    `json:"sourceName"`
	DisplayFinancialStatus   *string    `json:"displayFinancialStatus"`
	DisplayFulfillmentStatus string     `json:"displayFulfillmentStatus"`
	CurrencyCode             string     `json:"currencyCode"`
	PresentmentCurrencyCode  string     `json:"presentmentCurrencyCode"`
	TaxesIncluded            bool       `json:"taxesIncluded"`
	PaymentGatewayNames      []string   `json:"paymentGatewayNames"`
	DiscountCodes            []string   `json:"discountCodes"`
	TotalPriceSet            *Money     `json:"totalPriceSet"`
	TotalDiscountsSet        *Money     `json:"totalDiscountsSet"`
	TotalShippingPriceSet    *Money     `json:"totalShippingPriceSet"`
	Risk                     *struct {
		Recommendation string `json:"recommendation"`
		Assessments    []struct {
			RiskLevel string `json:"riskLevel"`
		} `json:"assessments"`
	} `json:"risk"`
	Customer *struct {
		ID        string  `json:"id"`
		Email     *string `json:"email"`
		FirstName *string `json:"firstName"`
		LastName  *string `json:"lastName"`
		Phone     *string `json:"phone"`
	} `json:"customer"`
	BillingAddress  *MailingAddress `json:"billingAddress"`
	ShippingAddress *MailingAddress `json:"shippingAddress"`
	TaxLines        []TaxLine       `json:"taxLines"`
	ShippingLines   struct {
		Nodes []ShippingLine `json:"nodes"`
	} `json:"shippingLines"`
	LineItems struct {
		PageInfo PageInfo   `json:"pageInfo"`
		Nodes    []LineItem `json:"nodes"`
	} `json:"lineItems"`
}

// OrdersPage is the Orders operation's data.
type OrdersPage struct {
	Orders struct {
		PageInfo PageInfo          `json:"pageInfo"`
		Nodes    []json.RawMessage `json:"nodes"`
	} `json:"orders"`
}

// DecodeOrder reads one order node; an order that cannot be read names
// itself (id and name when they are readable) and the field.
func DecodeOrder(raw json.RawMessage) (Order, error) {
	var o Order
	if err := json.Unmarshal(raw, &o); err != nil {
		return o, &RecordError{Kind: "order", ID: headOf(raw), Err: err}
	}
	if o.ID == "" {
		return o, &RecordError{Kind: "order", ID: headOf(raw), Field: "id", Err: fmt.Errorf("missing")}
	}
	if o.UpdatedAt.IsZero() {
		return o, &RecordError{Kind: "order", ID: o.Name, Field: "updatedAt", Err: fmt.Errorf("missing")}
	}
	return o, nil
}

// headOf names a raw record by its name or id, whatever else is broken.
func headOf(raw json.RawMessage) string {
	var h struct {
		ID   any `json:"id"`
		Name any `json:"name"`
	}
	_ = json.Unmarshal(raw, &h)
	if s, ok := h.Name.(string); ok && s != "" {
		return s
	}
	if s, ok := h.ID.(string); ok {
		return s
	}
	return "?"
}

// RecordError is a record the client could not read or map, naming it and
// the field.
type RecordError struct {
	Shop  string
	Kind  string // order, product, inventory item
	ID    string
	Field string
	Err   error
}

func (e *RecordError) Error() string {
	s := "shopify"
	if e.Shop != "" {
		s += " " + e.Shop
	}
	s += ": " + e.Kind + " " + e.ID
	if e.Field != "" {
		s += ": field " + e.Field
	} else if f := jsonField(e.Err); f != "" {
		s += ": field " + f
	}
	return s + ": " + e.Err.Error()
}

func (e *RecordError) Unwrap() error { return e.Err }

// FailureClass: the record stays unreadable until it changes in the shop.
func (e *RecordError) FailureClass() string { return "needs_action" }

// jsonField names the field of a JSON type error.
func jsonField(err error) string {
	var te *json.UnmarshalTypeError
	if ok := asType(err, &te); ok && te.Field != "" {
		return te.Field
	}
	return ""
}

func asType(err error, te **json.UnmarshalTypeError) bool {
	for err != nil {
		if t, ok := err.(*json.UnmarshalTypeError); ok {
			*te = t
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return strings.TrimSpace(*p)
}

// numericID is the number at the end of a global id (gid://shopify/Order/12).
func numericID(gid string) string {
	if i := strings.LastIndexByte(gid, '/'); i >= 0 {
		s := gid[i+1:]
		if j := strings.IndexByte(s, '?'); j >= 0 {
			s = s[:j]
		}
		return s
	}
	return gid
}

// orderGID turns an order id as ferry links it (a global id or its number)
// into a global id.
func orderGID(id string) string {
	if strings.HasPrefix(id, "gid://") {
		return id
	}
	return "gid://shopify/Order/" + strings.TrimPrefix(id, "#")
}

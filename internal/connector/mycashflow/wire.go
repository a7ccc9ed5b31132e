package mycashflow

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

// The wire types below are MyCashflow's JSON as the reference describes it. They
// are this client's own; the sandbox has its own, so that a misreading cannot hide
// in both.

// ID is a MyCashflow id: a JSON number or a numeric string; null is 0.
type ID int64

// UnmarshalJSON accepts numbers, numeric strings and null.
func (id *ID) UnmarshalJSON(b []byte) error {
	n, err := flexInt(b)
	*id = ID(n)
	return err
}

// String returns the id in decimal, or "" for 0.
func (id ID) String() string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(int64(id), 10)
}

func flexInt(b []byte) (int64, error) {
	s := strings.TrimSpace(string(b))
	if s == "" || s == "null" || s == `""` {
		return 0, nil
	}
	s = strings.Trim(s, `"`)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != float64(int64(f)) {
		return 0, fmt.Errorf("%s is not a whole number", b)
	}
	return int64(f), nil
}

// Bool is a JSON boolean that also accepts 0/1 and "true"/"false".
type Bool bool

// UnmarshalJSON accepts booleans, 0/1 and their strings; null is false.
func (v *Bool) UnmarshalJSON(b []byte) error {
	switch strings.Trim(strings.TrimSpace(string(b)), `"`) {
	case "true", "1":
		*v = true
	case "false", "0", "", "null":
		*v = false
	default:
		return fmt.Errorf("%s is not a boolean", b)
	}
	return nil
}

// Time is a timestamp with an offset; null or "" is the zero time.
type Time struct{ time.Time }

var helsinki = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Helsinki"); err == nil {
		return loc
	}
	return time.FixedZone("EET", 2*3600)
}()

// UnmarshalJSON reads RFC 3339 (with or without fractions) or
// "YYYY-MM-DD HH:MM:SS" (Helsinki time).
func (t *Time) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" || s == `""` || s == "[]" {
		t.Time = time.Time{}
		return nil
	}
	var str string
	if err := json.Unmarshal(b, &str); err != nil {
		return fmt.Errorf("%s is not a timestamp", b)
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05-0700", "2006-01-02 15:04:05-07:00"} {
		if v, err := time.Parse(layout, str); err == nil {
			t.Time = v
			return nil
		}
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02"} {
		if v, err := time.ParseInLocation(layout, str, helsinki); err == nil {
			t.Time = v
			return nil
		}
	}
	return fmt.Errorf("%q is not a timestamp", str)
}

// MarshalJSON writes RFC 3339, or null for the zero time.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(t.Format(time.RFC3339))
}

// One is an expanded one-to-one relation: an object, or [] / null when absent.
type One[T any] struct {
	V  T
	OK bool
}

// UnmarshalJSON reads an object; [] and null are absent.
func (o *One[T]) UnmarshalJSON(b []byte) error {
	s := bytes.TrimSpace(b)
	if bytes.Equal(s, []byte("null")) || len(s) > 0 && s[0] == '[' {
		var arr []json.RawMessage
		if len(s) > 0 && s[0] == '[' {
			if err := json.Unmarshal(s, &arr); err != nil {
				return err
			}
			if len(arr) > 0 {
				return fmt.Errorf("want an object or [], got a list of %d", len(arr))
			}
		}
		*o = One[T]{}
		return nil
	}
	if err := json.Unmarshal(b, &o.V); err != nil {
		return err
	}
	o.OK = true
	return nil
}

// MarshalJSON writes the object, or [] when absent (as MyCashflow does).
func (o One[T]) MarshalJSON() ([]byte, error) {
	if !o.OK {
		return []byte("[]"), nil
	}
	return json.Marshal(o.V)
}

// Product is a product with its expansions.
type Product struct {
	ID            ID                `json:"id"`
	CreatedAt     Time              `json:"created_at"`
	UpdatedAt     Time              `json:"updated_at"`
	ProductCode   string            `json:"product_code"`
	SupplierCode  string            `json:"supplier_code,omitempty"`
	Name          string            `json:"name"`
	Description   string            `json:"description,omitempty"`
	Information   string            `json:"information,omitempty"`
	Keywords      string            `json:"keywords,omitempty"`
	Price         model.Decimal     `json:"price"`
	PurchasePrice model.Decimal     `json:"purchase_price,omitempty"`
	VATRate       model.Decimal     `json:"vat_rate"`
	Weight        model.Decimal     `json:"weight,omitempty"`
	BrandID       ID                `json:"brand_id,omitempty"`
	SupplierID    ID                `json:"supplier_id,omitempty"`
	Featured      Bool              `json:"featured,omitempty"`
	Barcode       string            `json:"barcode,omitempty"`
	StockItem     One[StockItem]    `json:"stock_item"`
	Variations    []Variation       `json:"variations,omitempty"`
	ImageLinks    []ImageLink       `json:"image_links,omitempty"`
	Visibilities  []Visibility      `json:"visibilities,omitempty"`
	CategoryLinks []CategoryLink    `json:"category_links,omitempty"`
	Brand         One[Brand]        `json:"brand"`
	Translations  []ProductLanguage `json:"translations,omitempty"`
}

// Variation is one variation of a product.
type Variation struct {
	ID            ID             `json:"id"`
	CreatedAt     Time           `json:"created_at"`
	UpdatedAt     Time           `json:"updated_at"`
	ProductID     ID             `json:"product_id"`
	Sort          int            `json:"sort"`
	Name          string         `json:"name"`
	ProductCode   string         `json:"product_code"`
	Price         model.Decimal  `json:"price"`
	PurchasePrice model.Decimal  `json:"purchase_price,omitempty"`
	Weight        model.Decimal  `json:"weight,omitempty"`
	StockItem     One[StockItem] `json:"stock_item"`
}

// StockItem is the stock of one product code. Balance = Quantity - Reserved.
type StockItem struct {
	ID                ID            `json:"id"`
	UpdatedAt         Time          `json:"updated_at"`
	SKU               string        `json:"sku,omitempty"`
	Barcode           string        `json:"barcode,omitempty"`
	Location          string        `json:"location,omitempty"`
	Enabled           Bool          `json:"enabled"`
	Quantity          model.Decimal `json:"quantity"`
	Reserved          model.Decimal `json:"reserved"`
	Balance           model.Decimal `json:"balance"`
	BalanceAlert      Bool          `json:"balance_alert"`
	BalanceLimit      model.Decimal `json:"balance_limit"`
	BackorderEnabled  Bool          `json:"backorder_enabled"`
	BackorderEstimate string        `json:"backorder_estimate,omitempty"`
	Code              string        `json:"code,omitempty"`
	ProductID         ID            `json:"product_id,omitempty"`
	VariationID       ID            `json:"variation_id,omitempty"`
}

// ImageLink is a product's image.
type ImageLink struct {
	ProductID ID     `json:"product_id,omitempty"`
	ImageID   ID     `json:"image_id"`
	Sort      int    `json:"sort"`
	Filename  string `json:"filename,omitempty"`
	Caption   string `json:"caption,omitempty"`
}

// Visibility is a product's visibility in one store version.
type Visibility struct {
	VersionID ID   `json:"version_id"`
	IsVisible Bool `json:"is_visible"`
}

// CategoryLink puts a product in a category.
type CategoryLink struct {
	CategoryID ID  `json:"category_id"`
	Sort       int `json:"sort"`
}

// ProductLanguage is a product's translation.
type ProductLanguage struct {
	Language    string `json:"language"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
}

// Brand is a product brand.
type Brand struct {
	ID        ID     `json:"id"`
	Name      string `json:"name"`
	UpdatedAt Time   `json:"updated_at"`
}

// Category is a product category.
type Category struct {
	ID          ID     `json:"id"`
	ParentID    ID     `json:"parent_id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Sort        int    `json:"sort"`
	UpdatedAt   Time   `json:"updated_at"`
}

// Version is a store version (a storefront).
type Version struct {
	ID       ID     `json:"id"`
	Name     string `json:"name"`
	Language string `json:"language"`
	Currency string `json:"currency"`
	Domain   string `json:"domain,omitempty"`
}

// ShippingMethod is a shipping method of the store.
type ShippingMethod struct {
	ID              ID     `json:"id"`
	UpdatedAt       Time   `json:"updated_at"`
	Name            string `json:"name"`
	Type            string `json:"type,omitempty"`
	ServiceProvider string `json:"service_provider,omitempty"`
	ServiceCode     string `json:"service_code,omitempty"`
	ProductCode     string `json:"product_code,omitempty"`
	Description     string `json:"description,omitempty"`
	Sort            int    `json:"sort"`
}

// PaymentMethod is a payment method of the store.
type PaymentMethod struct {
	ID          ID     `json:"id"`
	UpdatedAt   Time   `json:"updated_at"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	ProductCode string `json:"product_code,omitempty"`
	Provider    string `json:"provider,omitempty"`
	Sort        int    `json:"sort"`
}

// Customer is a customer account.
type Customer struct {
	ID            ID     `json:"id"`
	UpdatedAt     Time   `json:"updated_at"`
	Email         string `json:"email"`
	FirstName     string `json:"first_name"`
	LastName      string `json:"last_name"`
	Phone         string `json:"phone,omitempty"`
	Company       string `json:"company,omitempty"`
	VATCode       string `json:"vat_code,omitempty"`
	StreetAddress string `json:"street_address,omitempty"`
	PostalCode    string `json:"postal_code,omitempty"`
	City          string `json:"city,omitempty"`
	Country       string `json:"country,omitempty"`
}

// Address is customer_information (billing) or shipping_address.
type Address struct {
	Company       string `json:"company,omitempty"`
	VATCode       string `json:"vat_code,omitempty"`
	FirstName     string `json:"first_name,omitempty"`
	LastName      string `json:"last_name,omitempty"`
	StreetAddress string `json:"street_address,omitempty"`
	PostalCode    string `json:"postal_code,omitempty"`
	City          string `json:"city,omitempty"`
	Country       string `json:"country,omitempty"`
	Phone         string `json:"phone,omitempty"`
	Email         string `json:"email,omitempty"`
}

// UnmarshalJSON treats [] and null as an empty address.
func (a *Address) UnmarshalJSON(b []byte) error {
	s := bytes.TrimSpace(b)
	if bytes.Equal(s, []byte("null")) || bytes.Equal(s, []byte("[]")) {
		*a = Address{}
		return nil
	}
	type plain Address
	return json.Unmarshal(b, (*plain)(a))
}

// Order is an order with its expansions.
type Order struct {
	ID                       ID              `json:"id"`
	CreatedAt                Time            `json:"created_at"`
	UpdatedAt                Time            `json:"updated_at"`
	ArchivedAt               Time            `json:"archived_at"`
	ExternalID               string          `json:"external_id,omitempty"`
	VersionID                ID              `json:"version_id"`
	Language                 string          `json:"language,omitempty"`
	Currency                 string          `json:"currency,omitempty"`
	CustomerID               ID              `json:"customer_id,omitempty"`
	ShippingMethodID         ID              `json:"shipping_method_id"`
	PaymentMethodID          ID              `json:"payment_method_id"`
	CustomerInformation      Address         `json:"customer_information"`
	DifferentShippingAddress Bool            `json:"different_shipping_address"`
	ShippingAddress          Address         `json:"shipping_address"`
	Subtotal                 model.Decimal   `json:"subtotal"`
	ShippingCosts            model.Decimal   `json:"shipping_costs"`
	PaymentCosts             model.Decimal   `json:"payment_costs"`
	Discount                 model.Decimal   `json:"discount"`
	Total                    model.Decimal   `json:"total"`
	Status                   string          `json:"status"`
	Details                  string          `json:"details,omitempty"`
	DispatchNoteURL          string          `json:"dispatch_note_url,omitempty"`
	ReceiptURL               string          `json:"receipt_url,omitempty"`
	Products                 []OrderLine     `json:"products,omitempty"`
	Shipments                []Shipment      `json:"shipments,omitempty"`
	Payments                 []Payment       `json:"payments,omitempty"`
	Comments                 []Comment       `json:"comments,omitempty"`
	TaxSummary               One[TaxSummary] `json:"tax_summary"`
}

// OrderLine is one row of an order (negative quantity: a return).
type OrderLine struct {
	ID          ID            `json:"id"`
	OrderID     ID            `json:"order_id,omitempty"`
	ProductID   ID            `json:"product_id,omitempty"`
	VariationID ID            `json:"variation_id,omitempty"`
	CampaignID  ID            `json:"campaign_id,omitempty"`
	ShipmentID  ID            `json:"shipment_id,omitempty"`
	ProductCode string        `json:"product_code"`
	ProductName string        `json:"product_name"`
	ModelName   string        `json:"model_name,omitempty"`
	Quantity    model.Decimal `json:"quantity"`
	UnitPrice   model.Decimal `json:"unit_price"`
	VATRate     model.Decimal `json:"vat_rate"`
}

// Shipment is one shipment of an order.
type Shipment struct {
	ID               ID         `json:"id"`
	OrderID          ID         `json:"order_id,omitempty"`
	UpdatedAt        Time       `json:"updated_at"`
	CompletedAt      Time       `json:"completed_at"`
	Type             string     `json:"type,omitempty"`
	Status           string     `json:"status"`
	ShippingMethodID ID         `json:"shipping_method_id,omitempty"`
	TrackingCode     string     `json:"tracking_code,omitempty"`
	ShippingLabelURL string     `json:"shipping_label_url,omitempty"`
	PickupPointID    string     `json:"external_pickup_postring_id,omitempty"`
	Documents        []Document `json:"documents,omitempty"`
}

// Document is a shipment document (label, dispatch note).
type Document struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

// Payment is one payment of an order.
type Payment struct {
	ID              ID            `json:"id"`
	OrderID         ID            `json:"order_id,omitempty"`
	UpdatedAt       Time          `json:"updated_at"`
	PaymentMethodID ID            `json:"payment_method_id"`
	Reference       string        `json:"reference,omitempty"`
	Amount          model.Decimal `json:"amount"`
	Currency        string        `json:"currency,omitempty"`
	IsPaid          Bool          `json:"is_paid"`
	IsConfirmed     Bool          `json:"is_confirmed"`
	Status          string        `json:"status"`
}

// Comment is a comment on an order.
type Comment struct {
	CreatedAt  Time   `json:"created_at"`
	Visibility string `json:"visibility,omitempty"`
	Text       string `json:"text"`
}

// TaxSummary splits an order's money by VAT rate.
type TaxSummary struct {
	Subtotal      []TaxRow `json:"subtotal"`
	Discount      []TaxRow `json:"discount"`
	ShippingCosts []TaxRow `json:"shipping_costs"`
	PaymentCosts  []TaxRow `json:"payment_costs"`
	Total         []TaxRow `json:"total"`
}

// TaxRow is the money of one VAT rate.
type TaxRow struct {
	TaxRate         model.Decimal `json:"tax_rate"`
	Total           model.Decimal `json:"total"`
	TotalTax        model.Decimal `json:"total_tax"`
	TotalWithoutTax model.Decimal `json:"total_without_tax"`
}

// Campaign is a discount campaign with its prices.
type Campaign struct {
	ID          ID              `json:"id"`
	UpdatedAt   Time            `json:"updated_at"`
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	StartsAt    Time            `json:"starts_at"`
	EndsAt      Time            `json:"ends_at"`
	IsActive    Bool            `json:"is_active"`
	Prices      []CampaignPrice `json:"prices,omitempty"`
}

// CampaignPrice is a campaign's price of a product from a minimum quantity.
type CampaignPrice struct {
	ID          ID            `json:"id,omitempty"`
	CampaignID  ID            `json:"campaign_id,omitempty"`
	ProductID   ID            `json:"product_id,omitempty"`
	VariationID ID            `json:"variation_id,omitempty"`
	ProductCode string        `json:"product_code"`
	MinQuantity model.Decimal `json:"min_quantity"`
	Price       model.Decimal `json:"price"`
}

// StockChange is a row of the stock ledger. Only id and changed_at are
// documented; the other fields are read when present.
type StockChange struct {
	ID             ID            `json:"id"`
	ChangedAt      Time          `json:"changed_at"`
	ProductCode    string        `json:"product_code,omitempty"`
	QuantityChange model.Decimal `json:"quantity_change,omitempty"`
	Quantity       model.Decimal `json:"quantity,omitempty"`
	Reason         string        `json:"reason,omitempty"`
}

// Webhook is a webhook subscription.
type Webhook struct {
	UUID    string   `json:"uuid"`
	UserID  ID       `json:"user_id,omitempty"`
	Topic   string   `json:"topic"`
	Expands []string `json:"expands,omitempty"`
	URL     string   `json:"url"`
}

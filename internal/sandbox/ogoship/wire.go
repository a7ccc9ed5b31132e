package ogoship

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Wire types. Field names and nesting follow shared/samples/ogoship/*.shape.json
// key for key (camelCase out; any casing in, as encoding/json matches names
// case-insensitively, so the .NET client's PascalCase bodies decode too). Every
// key is always present: an unset nullable is null.

// ApiError is the error body of the API (§3.2).
type ApiError struct {
	StatusCode        int    `json:"statusCode"`
	StatusDescription string `json:"statusDescription"`
	Message           string `json:"message"`
}

// Customer is an order's recipient.
type Customer struct {
	Name        string  `json:"name"`
	Company     *string `json:"company"`
	Address1    string  `json:"address1"`
	Address2    *string `json:"address2"`
	City        string  `json:"city"`
	CountryCode string  `json:"countryCode"`
	Zip         *string `json:"zip"`
	Phone       *string `json:"phone"`
	Email       *string `json:"email"`
}

// OrderLine is one line of an order.
type OrderLine struct {
	Code              string   `json:"code"`
	Quantity          int      `json:"quantity"`
	UnitPrice         *float64 `json:"unitPrice"`
	VatPercentage     *float64 `json:"vatPercentage"`
	ProductInfoUrl    *string  `json:"productInfoUrl"`
	ProductPictureUrl *string  `json:"productPictureUrl"`
}

// CashOnDelivery is an order's COD instruction.
type CashOnDelivery struct {
	Amount       float64 `json:"amount"`
	CurrencyCode *string `json:"currencyCode"`
	Reference    *string `json:"reference"`
}

// Document is an order document as answered: {type, url}.
type Document struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

// OrderResponse is an order as the API answers it.
type OrderResponse struct {
	ID                string          `json:"id"`
	TrackingNumber    *string         `json:"trackingNumber"`
	TrackingUrl       *string         `json:"trackingUrl"`
	WarehouseComments *string         `json:"warehouseComments"`
	EditTime          Time            `json:"editTime"`
	Documents         []Document      `json:"documents"`
	Reference         string          `json:"reference"`
	ShippingCode      *string         `json:"shippingCode"`
	PickUpPointCode   *string         `json:"pickUpPointCode"`
	Status            string          `json:"status"`
	OrderLines        []OrderLine     `json:"orderLines"`
	Customer          Customer        `json:"customer"`
	Comments          *string         `json:"comments"`
	PriceTotal        *float64        `json:"priceTotal"`
	PriceCurrency     *string         `json:"priceCurrency"`
	CashOnDelivery    *CashOnDelivery `json:"cashOnDelivery"`
	Test              *bool           `json:"test"`
}

// ProductFields are a product's writable fields; in a request a nil field is
// absent or null and leaves the stored value alone.
type ProductFields struct {
	Name               *string  `json:"name"`
	Description        *string  `json:"description"`
	Code               *string  `json:"code"`
	SupplierCode       *string  `json:"supplierCode"`
	Supplier           *string  `json:"supplier"`
	Group              *string  `json:"group"`
	EanCode            *string  `json:"eanCode"`
	SupplyPrice        *float64 `json:"supplyPrice"`
	SalesPrice         *float64 `json:"salesPrice"`
	CurrencyCode       *string  `json:"currencyCode"`
	InfoUrl            *string  `json:"infoUrl"`
	PictureUrl         *string  `json:"pictureUrl"`
	CountryOfOrigin    *string  `json:"countryOfOrigin"`
	LanguageCode       *string  `json:"languageCode"`
	CustomsDescription *string  `json:"customsDescription"`
	HsCode             *string  `json:"hsCode"`
}

// ProductResponse is a product as the API answers it.
type ProductResponse struct {
	ID              string `json:"id"`
	Stock           int    `json:"stock"`
	StockAvailable  int    `json:"stockAvailable"`
	Reserved        int    `json:"reserved"`
	StockUpdate     int    `json:"stockUpdate"`
	StockUpdateTime *Time  `json:"stockUpdateTime"`
	EditTime        Time   `json:"editTime"`
	ProductFields
}

// StockResponse is one product's stock.
type StockResponse struct {
	ProductCode    string `json:"productCode"`
	Stock          int    `json:"stock"`
	StockAvailable int    `json:"stockAvailable"`
	Reserved       int    `json:"reserved"`
	Modified       Time   `json:"modified"`
}

// StockUpdateProduct is one product of an inbound delivery.
type StockUpdateProduct struct {
	Code               string   `json:"code"`
	Name               *string  `json:"name"`
	EanCode            *string  `json:"eanCode"`
	CountryOfOrigin    *string  `json:"countryOfOrigin"`
	CustomsDescription *string  `json:"customsDescription"`
	HsCode             *string  `json:"hsCode"`
	ExpectedQuantity   int      `json:"expectedQuantity"`
	SupplyPrice        *float64 `json:"supplyPrice"`
	ReceivedQuantity   int      `json:"receivedQuantity"`
	WarehouseComments  *string  `json:"warehouseComments"`
}

// StockUpdateResponse is an inbound delivery (purchase order) as answered.
type StockUpdateResponse struct {
	Status            string               `json:"status"`
	ArrivalDate       *Time                `json:"arrivalDate"`
	WarehouseCode     *string              `json:"warehouseCode"`
	Supplier          string               `json:"supplier"`
	Containers        *int                 `json:"containers"`
	Pallets           *int                 `json:"pallets"`
	Parcels           *int                 `json:"parcels"`
	DeliveredBy       *string              `json:"deliveredBy"`
	ReceiveDate       *Time                `json:"receiveDate"`
	MerchantComments  *string              `json:"merchantComments"`
	TrackingCodes     []string             `json:"trackingCodes"`
	SpecialAction     *string              `json:"specialAction"`
	Reference         string               `json:"reference"`
	AutoReference     string               `json:"autoReference"`
	WarehouseComments *string              `json:"warehouseComments"`
	Created           Time                 `json:"created"`
	Modified          *Time                `json:"modified"`
	Products          []StockUpdateProduct `json:"products"`
}

// WebHookResponse is a webhook subscription as answered.
type WebHookResponse struct {
	ID            string            `json:"id"`
	URL           string            `json:"url"`
	Key           string            `json:"key"`
	Type          string            `json:"type"`
	CustomHeaders map[string]string `json:"customHeaders"`
}

// Time is a timestamp on the wire: RFC 3339 in UTC with milliseconds
// ("2024-05-03T13:41:00.000Z"). Requests may send any RFC 3339 form, a time
// without offset (UTC) or a plain date.
type Time struct{ time.Time }

const wireTime = "2006-01-02T15:04:05.000Z"

func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + t.UTC().Format(wireTime) + `"`), nil
}

func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*t = Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("want a timestamp string")
	}
	v, err := parseTime(s)
	if err != nil {
		return err
	}
	t.Time = v
	return nil
}

func tp(t time.Time) *Time {
	if t.IsZero() {
		return nil
	}
	return &Time{t}
}

// parseTime reads ISO-8601: with offset, without (UTC), or a date. A "+" in a
// query decoded to a space is tolerated.
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, ' '); i > 10 {
		s = s[:i] + "+" + s[i+1:]
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an ISO-8601 timestamp such as 2024-05-03T00:00:00Z", s)
}

// Order statuses (§3.4), in the order of the C# enum (New=0 … Returned=8).
var orderStatuses = []string{"new", "draft", "reserved", "locked", "collecting", "pending", "cancelled", "shipped", "returned"}

// status is an order status in a request: a name in any casing or the C#
// enum's number (the .NET client sends 0 for New).
type status string

func (st *status) UnmarshalJSON(b []byte) error {
	v, err := enumValue(b, orderStatuses, 0)
	*st = status(v)
	return err
}

// Webhook types; the C# enum numbers them from 1.
var webhookTypes = []string{"OrderShipped", "ProductStockLevelChanged"}

type hookType string

func (h *hookType) UnmarshalJSON(b []byte) error {
	v, err := enumValue(b, webhookTypes, 1)
	*h = hookType(v)
	return err
}

// enumValue reads a JSON string (any casing) or number (first at base) among
// names, answering the canonical name; null is "".
func enumValue(b []byte, names []string, base int) (string, error) {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return "", nil
	}
	if n, err := strconv.Atoi(string(b)); err == nil {
		if n-base < 0 || n-base >= len(names) {
			return "", fmt.Errorf("%d is not one of %d..%d", n, base, base+len(names)-1)
		}
		return names[n-base], nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return "", fmt.Errorf("want a string or a number")
	}
	for _, n := range names {
		if strings.EqualFold(n, s) {
			return n, nil
		}
	}
	return "", fmt.Errorf("%q is not one of %s", s, strings.Join(names, ", "))
}

// decode reads a JSON object body into v; unknown fields are ignored, as
// ASP.NET does.
func decode(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return errf(http.StatusBadRequest, "the request body is empty; send a JSON object")
	}
	if t := bytes.TrimSpace(body); t[0] != '{' {
		return errf(http.StatusBadRequest, "the request body must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return errf(http.StatusBadRequest, "malformed JSON body: %v", err)
	}
	if dec.More() {
		return errf(http.StatusBadRequest, "malformed JSON body: data after the object")
	}
	return nil
}

func str(s string) *string { return &s }

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

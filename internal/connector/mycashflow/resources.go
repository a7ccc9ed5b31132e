package mycashflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

// ListResult carries items that could not be decoded next to the good ones: one
// bad record never hides the others.
type ListResult[T any] struct {
	Items []T
	// Bad are *ItemError values naming each record that did not decode.
	Bad []error
}

func listOf[T any](ctx context.Context, c *Client, path string, q url.Values) (ListResult[T], error) {
	items, bad, err := list(ctx, c, path, q, decodeAs[T])
	return ListResult[T]{Items: items, Bad: bad}, err
}

// ProductQuery filters a product listing.
type ProductQuery struct {
	// IDs restricts to these product ids.
	IDs []ID
	// Expand names the expansions; nil asks for every one ferry maps.
	Expand []string
}

// ProductExpand is every product expansion ferry maps.
var ProductExpand = []string{"variations", "variations.stock_item", "stock_item", "image_links", "visibilities", "category_links", "brand", "translations"}

// Products lists products with their expansions, in id order.
func (c *Client) Products(ctx context.Context, pq ProductQuery) (ListResult[Product], error) {
	q := url.Values{"sort": {"id-asc"}}
	exp := pq.Expand
	if exp == nil {
		exp = ProductExpand
	}
	if len(exp) > 0 {
		q.Set("expand", strings.Join(exp, ","))
	}
	if len(pq.IDs) > 0 {
		ids := make([]string, len(pq.IDs))
		for i, id := range pq.IDs {
			ids[i] = id.String()
		}
		q.Set("id", strings.Join(ids, ","))
	}
	return listOf[Product](ctx, c, "/products", q)
}

// Product returns one product with every expansion.
func (c *Client) Product(ctx context.Context, id ID) (Product, error) {
	var p Product
	err := c.call(ctx, http.MethodGet, "/products/"+id.String(), url.Values{"expand": {strings.Join(ProductExpand, ",")}}, nil, true, &p, nil)
	return p, err
}

// CreateProduct creates a product. Creating is not idempotent: after an unclear
// failure, look the product up by its product_code before trying again
// (FindProductByCode).
func (c *Client) CreateProduct(ctx context.Context, p ProductWrite) (Product, error) {
	var out Product
	err := c.call(ctx, http.MethodPost, "/products", nil, p, false, &out, nil)
	return out, err
}

// UpdateProduct patches a product with the fields set in p.
func (c *Client) UpdateProduct(ctx context.Context, id ID, p ProductWrite) (Product, error) {
	var out Product
	err := c.call(ctx, http.MethodPatch, "/products/"+id.String(), nil, p, true, &out, nil)
	return out, err
}

// DeleteProduct deletes a product.
func (c *Client) DeleteProduct(ctx context.Context, id ID) error {
	return c.call(ctx, http.MethodDelete, "/products/"+id.String(), nil, nil, true, nil, nil)
}

// FindProductByCode returns the product that owns code (its own or one of its
// variations'), found through the stock resource, which is keyed by product code.
func (c *Client) FindProductByCode(ctx context.Context, code string) (Product, bool, error) {
	st, err := c.Stock(ctx, code)
	if IsNotFound(err) {
		return Product{}, false, nil
	}
	if err != nil {
		return Product{}, false, err
	}
	if st.ProductID == 0 {
		return Product{}, false, nil
	}
	p, err := c.Product(ctx, st.ProductID)
	if IsNotFound(err) {
		return Product{}, false, nil
	}
	return p, err == nil, err
}

// ProductWrite is the body of a product create or patch; zero fields are left out.
type ProductWrite struct {
	ProductCode   string           `json:"product_code,omitempty"`
	Name          string           `json:"name,omitempty"`
	Description   string           `json:"description,omitempty"`
	Price         *float64         `json:"price,omitempty"`
	PurchasePrice *float64         `json:"purchase_price,omitempty"`
	VATRate       *float64         `json:"vat_rate,omitempty"`
	Weight        *float64         `json:"weight,omitempty"`
	Barcode       string           `json:"barcode,omitempty"`
	BrandID       *int64           `json:"brand_id,omitempty"`
	Visibilities  []Visibility     `json:"visibilities,omitempty"`
	CategoryLinks []CategoryLink   `json:"category_links,omitempty"`
	ImageLinks    []ImageLink      `json:"image_links,omitempty"`
	Variations    []VariationWrite `json:"variations,omitempty"`
}

// VariationWrite is the body of a variation create or patch.
type VariationWrite struct {
	ID            ID       `json:"id,omitempty"`
	ProductID     ID       `json:"product_id,omitempty"`
	Name          string   `json:"name,omitempty"`
	ProductCode   string   `json:"product_code,omitempty"`
	Price         *float64 `json:"price,omitempty"`
	PurchasePrice *float64 `json:"purchase_price,omitempty"`
	Weight        *float64 `json:"weight,omitempty"`
	Sort          int      `json:"sort,omitempty"`
}

// Variations lists the variations of a product, or all when productID is 0.
func (c *Client) Variations(ctx context.Context, productID ID) (ListResult[Variation], error) {
	q := url.Values{"sort": {"id-asc"}, "expand": {"stock_item"}}
	if productID != 0 {
		q.Set("product_id", productID.String())
	}
	return listOf[Variation](ctx, c, "/variations", q)
}

// CreateVariation adds a variation to a product (not idempotent; see
// CreateProduct).
func (c *Client) CreateVariation(ctx context.Context, v VariationWrite) (Variation, error) {
	var out Variation
	err := c.call(ctx, http.MethodPost, "/variations", nil, v, false, &out, nil)
	return out, err
}

// UpdateVariation patches a variation.
func (c *Client) UpdateVariation(ctx context.Context, id ID, v VariationWrite) (Variation, error) {
	var out Variation
	v.ID = 0
	err := c.call(ctx, http.MethodPatch, "/variations/"+id.String(), nil, v, true, &out, nil)
	return out, err
}

// StockList lists every stock item.
func (c *Client) StockList(ctx context.Context) (ListResult[StockItem], error) {
	return listOf[StockItem](ctx, c, "/stock", url.Values{"sort": {"id-asc"}})
}

// Stock returns the stock item of a product code.
func (c *Client) Stock(ctx context.Context, productCode string) (StockItem, error) {
	var s StockItem
	err := c.call(ctx, http.MethodGet, "/stock/"+url.PathEscape(productCode), nil, nil, true, &s, nil)
	return s, err
}

// StockWrite is the writable part of a stock item; nil fields are left as they are.
type StockWrite struct {
	Quantity         *float64 `json:"quantity,omitempty"`
	Enabled          *bool    `json:"enabled,omitempty"`
	Barcode          *string  `json:"barcode,omitempty"`
	Location         *string  `json:"location,omitempty"`
	BalanceAlert     *bool    `json:"balance_alert,omitempty"`
	BalanceLimit     *float64 `json:"balance_limit,omitempty"`
	BackorderEnabled *bool    `json:"backorder_enabled,omitempty"`
}

// SetStock patches the stock of a product code. Setting an absolute quantity is
// idempotent, so it is retried after unclear failures.
func (c *Client) SetStock(ctx context.Context, productCode string, w StockWrite) (StockItem, error) {
	var s StockItem
	err := c.call(ctx, http.MethodPatch, "/stock/"+url.PathEscape(productCode), nil, w, true, &s, nil)
	return s, err
}

// StockChanges lists ledger rows changed at or after since.
func (c *Client) StockChanges(ctx context.Context, since time.Time) (ListResult[StockChange], error) {
	q := url.Values{"sort": {"id-asc"}}
	if !since.IsZero() {
		q.Set("changed_at-from", since.Format(time.RFC3339))
	}
	return listOf[StockChange](ctx, c, "/stock-changes", q)
}

// Categories lists the product categories.
func (c *Client) Categories(ctx context.Context) (ListResult[Category], error) {
	return listOf[Category](ctx, c, "/categories", url.Values{"sort": {"id-asc"}})
}

// CreateCategory creates a category (not idempotent).
func (c *Client) CreateCategory(ctx context.Context, name string, parent ID) (Category, error) {
	body := map[string]any{"name": name}
	if parent != 0 {
		body["parent_id"] = parent
	}
	var out Category
	err := c.call(ctx, http.MethodPost, "/categories", nil, body, false, &out, nil)
	return out, err
}

// Brands lists the brands.
func (c *Client) Brands(ctx context.Context) (ListResult[Brand], error) {
	return listOf[Brand](ctx, c, "/brands", url.Values{"sort": {"id-asc"}})
}

// CreateBrand creates a brand (not idempotent).
func (c *Client) CreateBrand(ctx context.Context, name string) (Brand, error) {
	var out Brand
	err := c.call(ctx, http.MethodPost, "/brands", nil, map[string]any{"name": name}, false, &out, nil)
	return out, err
}

// Versions lists the store versions.
func (c *Client) Versions(ctx context.Context) (ListResult[Version], error) {
	return listOf[Version](ctx, c, "/versions", url.Values{"sort": {"id-asc"}})
}

// ShippingMethods lists the shipping methods.
func (c *Client) ShippingMethods(ctx context.Context) (ListResult[ShippingMethod], error) {
	return listOf[ShippingMethod](ctx, c, "/shipping-methods", url.Values{"sort": {"id-asc"}})
}

// PaymentMethods lists the payment methods.
func (c *Client) PaymentMethods(ctx context.Context) (ListResult[PaymentMethod], error) {
	return listOf[PaymentMethod](ctx, c, "/payment-methods", url.Values{"sort": {"id-asc"}})
}

// Customers lists the customers.
func (c *Client) Customers(ctx context.Context) (ListResult[Customer], error) {
	return listOf[Customer](ctx, c, "/customers", url.Values{"sort": {"id-asc"}})
}

// Customer returns one customer.
func (c *Client) Customer(ctx context.Context, id ID) (Customer, error) {
	var out Customer
	err := c.call(ctx, http.MethodGet, "/customers/"+id.String(), nil, nil, true, &out, nil)
	return out, err
}

// OrderExpand is every order expansion ferry maps.
var OrderExpand = []string{"products", "shipments", "payments", "tax_summary", "comments"}

// OrderQuery filters an order listing.
type OrderQuery struct {
	// UpdatedFrom lists orders updated at or after this time, oldest change first
	// (the incremental sync pattern).
	UpdatedFrom time.Time
	UpdatedTo   time.Time
	CreatedFrom time.Time
	CreatedTo   time.Time
	// Status is open, completed or cancelled; empty is all.
	Status string
}

// Orders lists orders with every expansion, sorted by updated_at (then id) when
// UpdatedFrom is set, by id otherwise.
func (c *Client) Orders(ctx context.Context, oq OrderQuery) (ListResult[Order], error) {
	q := url.Values{"expand": {strings.Join(OrderExpand, ",")}, "sort": {"id-asc"}}
	if !oq.UpdatedFrom.IsZero() {
		q.Set("sort", "updated_at-asc")
		q.Set("updated_at-from", oq.UpdatedFrom.Format(time.RFC3339))
	}
	if !oq.UpdatedTo.IsZero() {
		q.Set("updated_at-to", oq.UpdatedTo.Format(time.RFC3339))
	}
	if !oq.CreatedFrom.IsZero() {
		q.Set("created_at-from", oq.CreatedFrom.Format(time.RFC3339))
	}
	if !oq.CreatedTo.IsZero() {
		q.Set("created_at-to", oq.CreatedTo.Format(time.RFC3339))
	}
	if oq.Status != "" {
		q.Set("status", oq.Status)
	}
	return listOf[Order](ctx, c, "/orders", q)
}

// Order returns one order with every expansion.
func (c *Client) Order(ctx context.Context, id ID) (Order, error) {
	var o Order
	err := c.call(ctx, http.MethodGet, "/orders/"+id.String(), url.Values{"expand": {strings.Join(OrderExpand, ",")}}, nil, true, &o, nil)
	return o, err
}

// QuickProcess completes an order (every line delivered, shipments completed with
// the tracking code, Klarna payments activated). MyCashflow allows it only for
// orders with exactly one payment. An action is not idempotent: after an
// ambiguous failure, read the order; status completed means it happened.
func (c *Client) QuickProcess(ctx context.Context, id ID, r QuickProcess) (Order, error) {
	var o Order
	err := c.call(ctx, http.MethodPost, "/orders/"+id.String()+"/quick-process", nil, r, false, &o, nil)
	return o, err
}

// QuickProcess is the body of the quick-process action.
type QuickProcess struct {
	TrackingCode                    string `json:"tracking_code,omitempty"`
	SendEmails                      bool   `json:"send_emails"`
	AllowOpenCashOnDeliveryPayments bool   `json:"allow_open_cash_on_delivery_payments"`
	IgnorePaymentActivationErrors   bool   `json:"ignore_payment_activation_errors"`
}

// CompleteShipment marks one shipment delivered (the order completes when all
// are); trackingCode is optional.
func (c *Client) CompleteShipment(ctx context.Context, orderID, shipmentID ID, trackingCode string) (Shipment, error) {
	var body any
	if trackingCode != "" {
		body = map[string]string{"tracking_code": trackingCode}
	}
	var s Shipment
	err := c.call(ctx, http.MethodPost, fmt.Sprintf("/orders/%s/shipments/%s/complete", orderID, shipmentID), nil, body, false, &s, nil)
	return s, err
}

// Shipments lists the shipments of an order.
func (c *Client) Shipments(ctx context.Context, orderID ID) ([]Shipment, error) {
	var out []Shipment
	err := c.call(ctx, http.MethodGet, "/orders/"+orderID.String()+"/shipments", nil, nil, true, &out, nil)
	return out, err
}

// PaymentAction is an action on one payment.
type PaymentAction string

// Payment actions.
const (
	MarkAsPaid      PaymentAction = "mark-as-paid"
	MarkAsUnpaid    PaymentAction = "mark-as-unpaid"
	MarkAsCancelled PaymentAction = "mark-as-cancelled"
	Activate        PaymentAction = "activate"
)

// Payment returns one payment of an order.
func (c *Client) Payment(ctx context.Context, orderID, paymentID ID) (Payment, error) {
	var p Payment
	err := c.call(ctx, http.MethodGet, fmt.Sprintf("/orders/%s/payments/%s", orderID, paymentID), nil, nil, true, &p, nil)
	return p, err
}

// PaymentDo runs an action on a payment. Marking paid is idempotent in effect
// (a paid payment stays paid), so it is retried.
func (c *Client) PaymentDo(ctx context.Context, orderID, paymentID ID, a PaymentAction) (Payment, error) {
	switch a {
	case MarkAsPaid, MarkAsUnpaid, MarkAsCancelled, Activate:
	default:
		return Payment{}, fmt.Errorf("mycashflow: unknown payment action %q", a)
	}
	var p Payment
	err := c.call(ctx, http.MethodPost, fmt.Sprintf("/orders/%s/payments/%s/%s", orderID, paymentID, a), nil, nil, true, &p, nil)
	return p, err
}

// CancelOrder cancels an order (total to 0, lines returned).
func (c *Client) CancelOrder(ctx context.Context, id ID) (Order, error) {
	var o Order
	err := c.call(ctx, http.MethodPost, "/orders/"+id.String()+"/cancel", nil, nil, false, &o, nil)
	return o, err
}

// Campaigns lists campaigns with their prices.
func (c *Client) Campaigns(ctx context.Context) (ListResult[Campaign], error) {
	return listOf[Campaign](ctx, c, "/campaigns", url.Values{"sort": {"id-asc"}, "expand": {"prices,visibilities"}})
}

// CampaignPrices lists a campaign's prices.
func (c *Client) CampaignPrices(ctx context.Context, campaignID ID) (ListResult[CampaignPrice], error) {
	return listOf[CampaignPrice](ctx, c, "/campaigns/"+campaignID.String()+"/prices", nil)
}

// SetCampaignPrice creates or updates the campaign's price for p.ProductCode at
// p.MinQuantity: it looks the price up first, so it is safe to repeat.
func (c *Client) SetCampaignPrice(ctx context.Context, campaignID ID, p CampaignPrice) (CampaignPrice, error) {
	existing, err := c.CampaignPrices(ctx, campaignID)
	if err != nil {
		return CampaignPrice{}, err
	}
	body := map[string]any{"product_code": p.ProductCode, "min_quantity": p.MinQuantity.Int(), "price": p.Price.Float64()}
	var out CampaignPrice
	for _, e := range existing.Items {
		if e.ProductCode == p.ProductCode && e.MinQuantity == p.MinQuantity {
			err := c.call(ctx, http.MethodPatch, fmt.Sprintf("/campaigns/%s/prices/%s", campaignID, e.ID), nil, map[string]any{"price": p.Price.Float64()}, true, &out, nil)
			return out, err
		}
	}
	err = c.call(ctx, http.MethodPost, "/campaigns/"+campaignID.String()+"/prices", nil, body, false, &out, nil)
	return out, err
}

// DeleteCampaignPrice removes a campaign price.
func (c *Client) DeleteCampaignPrice(ctx context.Context, campaignID, priceID ID) error {
	return c.call(ctx, http.MethodDelete, fmt.Sprintf("/campaigns/%s/prices/%s", campaignID, priceID), nil, nil, true, nil, nil)
}

// Subscribe subscribes url to a webhook topic ("order.created"); keep the
// returned UUID to verify deliveries.
func (c *Client) Subscribe(ctx context.Context, topic, target string, expands []string) (Webhook, error) {
	var w Webhook
	err := c.call(ctx, http.MethodPost, "/webhooks", nil, map[string]any{"topic": topic, "expands": expands, "url": target}, false, &w, nil)
	return w, err
}

// Webhooks lists the webhook subscriptions.
func (c *Client) Webhooks(ctx context.Context) ([]Webhook, error) {
	// Every page: a subscription on a later page missed would be made again.
	res, err := listOf[Webhook](ctx, c, "/webhooks", nil)
	if err != nil {
		return res.Items, err
	}
	if len(res.Bad) > 0 {
		return res.Items, fmt.Errorf("mycashflow %s: %w", c.name, res.Bad[0])
	}
	return res.Items, nil
}

// Unsubscribe deletes a webhook subscription; an unknown UUID is not an error.
func (c *Client) Unsubscribe(ctx context.Context, uuid string) error {
	err := c.call(ctx, http.MethodDelete, "/webhooks/"+url.PathEscape(uuid), nil, nil, true, nil, nil)
	if IsNotFound(err) {
		return nil
	}
	return err
}

// WebhookUUIDHeader carries the subscription UUID on every delivery.
const WebhookUUIDHeader = "X-MCF-Webhook-UUID"

// WebhookMessage is a delivered webhook.
type WebhookMessage struct {
	Topic string `json:"topic"`
	Order Order  `json:"data"`
}

// ErrWebhookUUID means a delivery did not carry the subscription's UUID.
var ErrWebhookUUID = errors.New("mycashflow: webhook delivery without the subscription's UUID")

// ParseWebhook verifies a delivery against the subscription UUID and decodes it.
func ParseWebhook(header http.Header, body []byte, uuid string) (WebhookMessage, error) {
	if uuid == "" || header.Get(WebhookUUIDHeader) != uuid {
		return WebhookMessage{}, ErrWebhookUUID
	}
	m, err := DecodeWebhook(body)
	if err != nil {
		return m, fmt.Errorf("%w: %v", model.ErrBadPayload, err)
	}
	return m, nil
}

// DecodeWebhook decodes a webhook body.
func DecodeWebhook(body []byte) (WebhookMessage, error) {
	var m WebhookMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return WebhookMessage{}, fmt.Errorf("mycashflow: webhook body: %w", err)
	}
	if m.Topic == "" {
		return WebhookMessage{}, errors.New("mycashflow: webhook body has no topic")
	}
	if m.Order.ID == 0 {
		return WebhookMessage{}, fmt.Errorf("mycashflow: webhook %s: the order has no id", m.Topic)
	}
	return m, nil
}

// Count returns how many records a listing has (meta.item_count of its first page).
func (c *Client) Count(ctx context.Context, resource string) (int, error) {
	var items []json.RawMessage
	var meta Meta
	if err := c.call(ctx, http.MethodGet, "/"+resource, url.Values{"page": {"1"}, "page_size": {"1"}}, nil, true, &items, &meta); err != nil {
		return 0, err
	}
	if meta.ItemCount == 0 && len(items) > 0 {
		return len(items), nil
	}
	return meta.ItemCount, nil
}

package mycashflow

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/remote"
)

// ChangedOrders reads the orders updated at or after since (every order when
// since is zero), oldest change first, a page at a time (see changedSince),
// mapped to the canonical model with the shipping and payment method names
// filled in. Orders that did not decode come in bad, naming each.
func (c *Client) ChangedOrders(ctx context.Context, since time.Time, page func(orders []model.Order, bad []error, through time.Time) error) error {
	names, err := c.methodNames(ctx)
	if err != nil {
		return err
	}
	q := url.Values{"expand": {strings.Join(OrderExpand, ",")}}
	var pageErr error
	err = changedSince(ctx, c, "/orders", q, since, decodeAs[Order], func(items []Order, bad []error, through time.Time) error {
		out := make([]model.Order, len(items))
		for i, o := range items {
			out[i] = ToOrder(o, names)
		}
		pageErr = page(out, bad, through)
		return pageErr
	})
	if err != nil && err != pageErr {
		return fmt.Errorf("mycashflow %s: listing orders: %w", c.name, err)
	}
	return err
}

func (c *Client) methodNames(ctx context.Context) (Names, error) {
	n := Names{ShippingMethods: map[ID]string{}, PaymentMethods: map[ID]string{}}
	ships, err := c.ShippingMethods(ctx)
	if err != nil {
		return n, fmt.Errorf("mycashflow %s: listing shipping methods: %w", c.name, err)
	}
	for _, s := range ships.Items {
		n.ShippingMethods[s.ID] = s.Name
	}
	pays, err := c.PaymentMethods(ctx)
	if err != nil {
		return n, fmt.Errorf("mycashflow %s: listing payment methods: %w", c.name, err)
	}
	for _, p := range pays.Items {
		n.PaymentMethods[p.ID] = p.Name
	}
	return n, nil
}

// StockLevels returns the stock item of every product and variation code in
// the store: the physical quantity (the one SetStockLevels writes), and the
// balance MyCashflow derives from it by subtracting its reservations. Items
// with stock management off are Untracked.
func (c *Client) StockLevels(ctx context.Context) ([]model.Stock, error) {
	res, err := c.StockList(ctx)
	if err != nil {
		return nil, fmt.Errorf("mycashflow %s: listing stock: %w", c.name, err)
	}
	if len(res.Bad) > 0 {
		return nil, fmt.Errorf("mycashflow %s: %w", c.name, errors.Join(res.Bad...))
	}
	out := make([]model.Stock, 0, len(res.Items))
	for _, it := range res.Items {
		s := ToStock(it)
		if s.SKU == "" {
			continue
		}
		s.Untracked = !bool(it.Enabled)
		out = append(out, s)
	}
	return out, nil
}

// SetStockLevels sets the physical quantity of each SKU (product or variation
// code) and turns stock management on for it; MyCashflow subtracts its own
// reservations. errs has one entry per level: a SKU the store does not have is a
// needs-action error naming it.
func (c *Client) SetStockLevels(ctx context.Context, levels []model.Stock) ([]error, error) {
	errs := make([]error, len(levels))
	for i, l := range levels {
		if err := ctx.Err(); err != nil {
			return errs, err
		}
		if l.Quantity < 0 || l.Quantity != model.DecimalFromInt(l.Quantity.Int()) {
			errs[i] = &SKUError{SKU: l.SKU, Err: fmt.Errorf("quantity %s is not a whole number ≥ 0", l.Quantity)}
			continue
		}
		_, err := c.SetStock(ctx, l.SKU, FromStock(l))
		switch {
		case IsNotFound(err):
			errs[i] = &SKUError{SKU: l.SKU, Err: fmt.Errorf("no product or variation with product code %q in store %s; export the product first", l.SKU, c.settings.Store), Missing: true}
		case IsValidation(err):
			errs[i] = &SKUError{SKU: l.SKU, Err: err}
		default:
			errs[i] = err
		}
	}
	return errs, nil
}

// SKUError is a stock write the store refused for one SKU; retrying it as it is
// cannot help.
type SKUError struct {
	SKU string
	// Missing means the store has no product with that code.
	Missing bool
	Err     error
}

func (e *SKUError) Error() string { return "SKU " + e.SKU + ": " + e.Err.Error() }

func (e *SKUError) Unwrap() error { return e.Err }

// Is makes a SKU the store lacks model.ErrUnknownSKU.
func (e *SKUError) Is(target error) bool { return e.Missing && target == model.ErrUnknownSKU }

// FailureClass tells ferry's queue that a person must act (export the product,
// fix the quantity) before this SKU can be written.
func (e *SKUError) FailureClass() string { return "needs_action" }

// UpsertProducts creates or updates each product with its variations. A product
// is matched by its MyCashflow id when the route knows it, else by a product code
// (its own or a variation's, through the stock resource); a create that fails
// ambiguously is looked up again before anything is retried. Brands and
// categories are matched by name and created when missing. Images are not
// written: MyCashflow's image upload is not documented.
func (c *Client) UpsertProducts(ctx context.Context, ups []model.ProductUpsert) ([]model.WriteResult, error) {
	out := make([]model.WriteResult, len(ups))
	lookups, err := c.catalogNames(ctx)
	if err != nil {
		return nil, err
	}
	for i, up := range ups {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		out[i] = c.upsertProduct(ctx, up, lookups)
	}
	return out, nil
}

type catalogNames struct {
	brands     map[string]ID
	categories map[string]ID
}

func (c *Client) catalogNames(ctx context.Context) (*catalogNames, error) {
	n := &catalogNames{brands: map[string]ID{}, categories: map[string]ID{}}
	brands, err := c.Brands(ctx)
	if err != nil {
		return nil, fmt.Errorf("mycashflow %s: listing brands: %w", c.name, err)
	}
	for _, b := range brands.Items {
		n.brands[b.Name] = b.ID
	}
	cats, err := c.Categories(ctx)
	if err != nil {
		return nil, fmt.Errorf("mycashflow %s: listing categories: %w", c.name, err)
	}
	for _, k := range cats.Items {
		n.categories[k.Name] = k.ID
	}
	return n, nil
}

// productCode is the code a product is created under: its SKU, or for a
// template whose variants carry the SKUs, "P" and its id in the source.
func productCode(p model.Product) string {
	if p.SKU != "" {
		return p.SKU
	}
	return "P" + p.ID
}

func (c *Client) upsertProduct(ctx context.Context, up model.ProductUpsert, names *catalogNames) model.WriteResult {
	p := up.Product
	fail := func(err error) model.WriteResult { return model.WriteResult{Err: err} }
	if p.Brand != "" {
		if _, ok := names.brands[p.Brand]; !ok {
			b, err := c.CreateBrand(ctx, p.Brand)
			if err != nil {
				return fail(fmt.Errorf("creating brand %q: %w", p.Brand, err))
			}
			names.brands[p.Brand] = b.ID
		}
	}
	for _, cat := range p.Categories {
		if _, ok := names.categories[cat]; !ok {
			k, err := c.CreateCategory(ctx, cat, 0)
			if err != nil {
				return fail(fmt.Errorf("creating category %q: %w", cat, err))
			}
			names.categories[cat] = k.ID
		}
	}
	existing, found, err := c.findProduct(ctx, up)
	if err != nil {
		return fail(err)
	}
	if v, ok := variationCoded(existing, productCode(p)); found && ok && len(p.Variants) == 0 {
		// The source's product is one variation of a shop product: it is
		// written to that variation, never to the parent, whose own code
		// stays.
		vw := FromVariant(model.Variant{SKU: p.SKU, Name: v.Name, Price: p.Price, Weight: p.Weight})
		if _, err := c.UpdateVariation(ctx, v.ID, vw); err != nil {
			return fail(fmt.Errorf("variation %s of product %s: %w", v.ProductCode, existing.ProductCode, err))
		}
		return model.WriteResult{RemoteID: "V" + v.ID.String()}
	}
	w := FromProduct(p, names.brands, names.categories)
	w.ProductCode = productCode(p)
	// Variations are written one by one after the product (POST /variations).
	variations := w.Variations
	w.Variations = nil
	created := false
	if !found {
		made, err := c.CreateProduct(ctx, w)
		switch {
		case err == nil:
			existing, created = made, true
			c.codes.add(made.ID, w.ProductCode)
		case remote.IsAmbiguous(err) || IsValidation(err):
			// The create may have happened, or another process or a person
			// made the product since the codes were read: look again.
			c.codes.forget()
			var ferr error
			existing, found, ferr = c.findProduct(ctx, model.ProductUpsert{Product: p})
			if ferr != nil || !found {
				return fail(fmt.Errorf("creating product %s: %w", w.ProductCode, err))
			}
		default:
			return fail(err)
		}
	}
	if !created {
		if _, err := c.UpdateProduct(ctx, existing.ID, w); err != nil {
			return fail(err)
		}
	}
	have := map[string]Variation{}
	for _, v := range existing.Variations {
		have[v.ProductCode] = v
	}
	for _, v := range variations {
		v.ID = 0
		if old, ok := have[v.ProductCode]; ok {
			if _, err := c.UpdateVariation(ctx, old.ID, v); err != nil {
				return fail(fmt.Errorf("variation %s: %w", v.ProductCode, err))
			}
			continue
		}
		v.ProductID = existing.ID
		if _, err := c.CreateVariation(ctx, v); err != nil {
			return fail(fmt.Errorf("variation %s: %w", v.ProductCode, err))
		}
		c.codes.add(existing.ID, v.ProductCode)
	}
	return model.WriteResult{RemoteID: existing.ID.String(), Created: created}
}

// findProduct finds the product by its id, else by a product code it or its
// variations carry, through the client's index of codes.
func (c *Client) findProduct(ctx context.Context, up model.ProductUpsert) (Product, bool, error) {
	// "V…" is a variation ferry wrote a source product to; it is found by its
	// code below.
	if up.RemoteID != "" && !strings.HasPrefix(up.RemoteID, "V") {
		p, err := c.Product(ctx, parseID(up.RemoteID))
		if err == nil {
			return p, true, nil
		}
		if !IsNotFound(err) {
			return Product{}, false, err
		}
	}
	codes := []string{productCode(up.Product)}
	for _, v := range up.Product.Variants {
		codes = append(codes, v.SKU)
	}
	for _, code := range codes {
		id, ok, err := c.codes.lookup(ctx, c, code)
		if err != nil {
			return Product{}, false, fmt.Errorf("mycashflow %s: listing products to find %s: %w", c.name, code, err)
		}
		if !ok {
			continue
		}
		p, err := c.Product(ctx, id)
		if IsNotFound(err) {
			// Deleted in the shop since the index was read.
			c.codes.drop(code)
			continue
		}
		if err != nil {
			return Product{}, false, err
		}
		if carries(p, code) {
			return p, true, nil
		}
		// Its code changed in the shop since the index was read.
		c.codes.drop(code)
	}
	return Product{}, false, nil
}

// variationCoded returns p's variation with code, when code is a variation's
// and not p's own.
func variationCoded(p Product, code string) (Variation, bool) {
	if p.ProductCode == code {
		return Variation{}, false
	}
	for _, v := range p.Variations {
		if v.ProductCode == code {
			return v, true
		}
	}
	return Variation{}, false
}

// carries reports whether p or one of its variations has code.
func carries(p Product, code string) bool {
	if p.ProductCode == code {
		return true
	}
	for _, v := range p.Variations {
		if v.ProductCode == code {
			return true
		}
	}
	return false
}

// RegisterShipment marks a shop order delivered with the ERP's tracking code:
// quick-process for an order with one payment (as MyCashflow requires), else
// completion of each open shipment. An order already delivered is left as it is.
// It returns the order's first shipment with the label and document URLs.
func (c *Client) RegisterShipment(ctx context.Context, orderID string, s model.Shipment) (model.Shipment, error) {
	id := parseID(orderID)
	o, err := c.Order(ctx, id)
	if err != nil {
		return model.Shipment{}, err
	}
	switch o.Status {
	case "cancelled":
		return model.Shipment{}, &OrderStateError{OrderID: orderID, Msg: "the order is cancelled in the shop; its delivery cannot be registered"}
	case "completed":
		return firstShipment(o), nil
	}
	if len(o.Payments) == 1 {
		_, err = c.QuickProcess(ctx, id, QuickProcess{TrackingCode: s.TrackingCode, SendEmails: true, AllowOpenCashOnDeliveryPayments: true, IgnorePaymentActivationErrors: false})
	} else {
		for _, sh := range o.Shipments {
			if sh.Status == "COMPLETED" {
				continue
			}
			if _, err = c.CompleteShipment(ctx, id, sh.ID, s.TrackingCode); err != nil {
				break
			}
		}
	}
	if err != nil && !remote.IsAmbiguous(err) && statusOf(err) != http.StatusConflict {
		return model.Shipment{}, err
	}
	// Read the order back: after an ambiguous failure, or a 409 because a
	// retry found it processed already, this tells whether the action
	// happened, and it carries the label URLs either way.
	o, rerr := c.Order(ctx, id)
	if rerr != nil {
		return model.Shipment{}, rerr
	}
	if err != nil && o.Status != "completed" {
		return model.Shipment{}, err
	}
	return firstShipment(o), nil
}

func firstShipment(o Order) model.Shipment {
	m := ToOrder(o, Names{})
	if len(m.Shipments) == 0 {
		return model.Shipment{OrderID: m.ID, Status: model.ShipmentCompleted}
	}
	sh := m.Shipments[0]
	if o.DispatchNoteURL != "" {
		sh.DocumentURLs = append(sh.DocumentURLs, o.DispatchNoteURL)
	}
	return sh
}

// OrderStateError is an action the order's state does not allow.
type OrderStateError struct {
	OrderID string
	Msg     string
}

func (e *OrderStateError) Error() string { return "MyCashflow order " + e.OrderID + ": " + e.Msg }

// FailureClass: the order's state will not change by retrying.
func (e *OrderStateError) FailureClass() string { return "permanent" }

// OrderPayments returns the order's payments with their method names.
func (c *Client) OrderPayments(ctx context.Context, orderID string) ([]model.Payment, error) {
	o, err := c.Order(ctx, parseID(orderID))
	if err != nil {
		return nil, err
	}
	names, err := c.methodNames(ctx)
	if err != nil {
		return nil, err
	}
	return ToOrder(o, names).Payments, nil
}

// MarkPaid marks one payment of the order paid. A mark can apply and still
// answer an error (a 500 after the write, then 409 because it is PAID on the
// retry), so after any error the payment is read back: paid is success.
func (c *Client) MarkPaid(ctx context.Context, orderID, paymentID string) error {
	oid, pid := parseID(orderID), parseID(paymentID)
	_, err := c.PaymentDo(ctx, oid, pid, MarkAsPaid)
	if err == nil {
		return nil
	}
	if p, rerr := c.Payment(ctx, oid, pid); rerr == nil && p.Status == "PAID" {
		return nil
	}
	return err
}

// ShopConfig reads the store's base configuration: shipping and payment methods,
// categories, store versions and campaigns with their prices.
func (c *Client) ShopConfig(ctx context.Context) (model.ShopConfig, error) {
	var out model.ShopConfig
	ships, err := c.ShippingMethods(ctx)
	if err != nil {
		return out, err
	}
	for _, s := range ships.Items {
		out.ShippingMethods = append(out.ShippingMethods, ToShippingMethod(s))
	}
	pays, err := c.PaymentMethods(ctx)
	if err != nil {
		return out, err
	}
	for _, p := range pays.Items {
		out.PaymentMethods = append(out.PaymentMethods, ToPaymentMethod(p))
	}
	cats, err := c.Categories(ctx)
	if err != nil {
		return out, err
	}
	for _, k := range cats.Items {
		out.Categories = append(out.Categories, ToCategory(k))
	}
	versions, err := c.Versions(ctx)
	if err != nil {
		return out, err
	}
	for _, v := range versions.Items {
		out.StoreVersions = append(out.StoreVersions, ToStoreVersion(v))
	}
	camps, err := c.Campaigns(ctx)
	if err != nil {
		return out, err
	}
	for _, k := range camps.Items {
		out.Campaigns = append(out.Campaigns, ToPricelist(k))
	}
	for _, bad := range [][]error{ships.Bad, pays.Bad, cats.Bad, versions.Bad, camps.Bad} {
		if len(bad) > 0 {
			return out, fmt.Errorf("mycashflow %s: %w", c.name, bad[0])
		}
	}
	return out, nil
}

// SetCampaignRules makes the campaign's prices those of rules: each rule is set
// (created or updated by product code and minimum quantity) and prices the rules
// no longer have are removed. Rules a campaign cannot hold are returned with the
// reason, by index.
func (c *Client) SetCampaignRules(ctx context.Context, campaignID string, rules []model.PriceRule) (map[int]string, error) {
	id := parseID(campaignID)
	existing, err := c.CampaignPrices(ctx, id)
	if err != nil {
		return nil, err
	}
	have := map[string]CampaignPrice{}
	for _, e := range existing.Items {
		have[e.ProductCode+"@"+e.MinQuantity.String()] = e
	}
	rejected := map[int]string{}
	keep := map[string]bool{}
	for i, r := range rules {
		cp, ok := FromPriceRule(r)
		if !ok {
			if r.DiscountPercent != nil && r.FixedPrice == nil {
				rejected[i] = "MyCashflow campaign prices are fixed prices; a percentage needs the product's price, which the rule does not carry"
			} else {
				rejected[i] = "MyCashflow campaign prices need a product code and a minimum quantity of at least 1"
			}
			continue
		}
		key := cp.ProductCode + "@" + cp.MinQuantity.String()
		if old, ok := have[key]; ok {
			if old.Price != cp.Price {
				err = c.call(ctx, http.MethodPatch, fmt.Sprintf("/campaigns/%s/prices/%s", id, old.ID), nil, map[string]any{"price": cp.Price.Float64()}, true, nil, nil)
			}
		} else {
			err = c.call(ctx, http.MethodPost, "/campaigns/"+id.String()+"/prices", nil, map[string]any{"product_code": cp.ProductCode, "min_quantity": cp.MinQuantity.Int(), "price": cp.Price.Float64()}, false, nil, nil)
		}
		if err != nil {
			if IsValidation(err) {
				rejected[i] = err.Error()
				continue
			}
			return rejected, err
		}
		keep[key] = true
	}
	for _, e := range existing.Items {
		if !keep[e.ProductCode+"@"+e.MinQuantity.String()] {
			if err := c.DeleteCampaignPrice(ctx, id, e.ID); err != nil && !IsNotFound(err) {
				return rejected, err
			}
		}
	}
	return rejected, nil
}

// VerifyWebhook checks a delivery against the subscription's UUID and returns
// its topic and a key that names the event (for de-duplication of redeliveries).
func (c *Client) VerifyWebhook(h http.Header, body []byte, secret string) (topic, key string, err error) {
	m, err := ParseWebhook(h, body, secret)
	if err != nil {
		return "", "", err
	}
	return m.Topic, fmt.Sprintf("%s:%s@%s", m.Topic, m.Order.ID, m.Order.UpdatedAt.Format(time.RFC3339)), nil
}

// SubscribeOrders subscribes target to new orders and returns the secret (the
// subscription UUID) deliveries carry.
func (c *Client) SubscribeOrders(ctx context.Context, target string) (string, error) {
	hooks, err := c.Webhooks(ctx)
	if err != nil {
		return "", err
	}
	for _, h := range hooks {
		if h.URL == target && h.Topic == "order.created" {
			return h.UUID, nil
		}
	}
	w, err := c.Subscribe(ctx, "order.created", target, []string{"products", "payments", "shipments"})
	if err != nil {
		return "", err
	}
	return w.UUID, nil
}

// ChangedProducts reads the products updated at or after since (every product
// when since is zero) with their variations, oldest change first, a page at a
// time (see changedSince), mapped to the canonical model with category names.
// It makes the store a product source: the master of a warehouse's article
// register (seed 002). A product that does not decode stops the read, naming
// it, so that the cursor never passes it.
func (c *Client) ChangedProducts(ctx context.Context, since time.Time, page func(products []model.Product, through time.Time) error) error {
	cats, err := c.Categories(ctx)
	if err != nil {
		return fmt.Errorf("mycashflow %s: listing categories: %w", c.name, err)
	}
	n := Names{Categories: map[ID]string{}}
	for _, k := range cats.Items {
		n.Categories[k.ID] = k.Name
	}
	q := url.Values{"expand": {strings.Join(ProductExpand, ",")}}
	var pageErr error
	err = changedSince(ctx, c, "/products", q, since, decodeAs[Product], func(items []Product, b []error, through time.Time) error {
		out := make([]model.Product, len(items))
		for i, p := range items {
			out[i] = ToProduct(p, n)
		}
		if len(b) > 0 {
			// The cursor must not pass a product that could not be read.
			return errors.Join(b...)
		}
		pageErr = page(out, through)
		return pageErr
	})
	if err != nil && err != pageErr {
		return fmt.Errorf("mycashflow %s: listing products: %w", c.name, err)
	}
	return err
}

package mycashflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strings"
	"time"
)

// This file is the Go API tests and the demo use to set up and inspect the shop
// without going through HTTP. Every method takes the state lock; views are copies.

// OrderLine is one line of a NewOrder.
type OrderLine struct {
	ProductCode string  // product or variation product_code
	Quantity    int     // at least 1
	UnitPrice   float64 // price including VAT; 0 uses the catalogue (or campaign) price
}

// NewOrder is an order to create with CreateOrder. Zero values pick defaults.
type NewOrder struct {
	VersionID  int // default 1 (fi/EUR)
	CustomerID int // 0: a guest order with the address fields below
	// Guest address (billing; also used for shipping). Email is required when
	// CustomerID is 0.
	Email, FirstName, LastName, Street, PostalCode, City, Country string
	ShippingMethodID, PaymentMethodID                             int // 0: none
	Lines                                                         []OrderLine
	Discount                                                      float64 // order discount including VAT
	// PaymentStatus overrides the payment method's initial status: "OPEN",
	// "PENDING_ACTIVATION" or "PAID".
	PaymentStatus string
	Shipments     int // split lines over this many shipments; default 1
	// GiftCard is the part paid by gift card (a PAID "Lahjakortti" payment
	// before the payment of PaymentMethodID, which pays the rest); 0 for none.
	GiftCard   float64
	Details    string
	ExternalID string
}

// LineView is an order line.
type LineView struct {
	ID, ProductID, VariationID, ShipmentID, CampaignID int
	ProductCode, ProductName, ModelName                string
	Quantity                                           int // negative for return rows
	UnitPrice, VatRate                                 float64
	Delivered, ReturnToStock                           bool
}

// ShipmentView is a shipment of an order.
type ShipmentView struct {
	ID, ShippingMethodID int
	Status               string // OPEN or COMPLETED
	TrackingCode         string
	CompletedAt          time.Time
}

// PaymentView is a payment of an order.
type PaymentView struct {
	ID, PaymentMethodID int
	Status              string
	IsPaid              bool
	Amount              float64
	Currency            string
	UpdatedAt           time.Time
}

// OrderView is a snapshot of an order.
type OrderView struct {
	ID                                int
	Status                            string // open, completed, cancelled
	CreatedAt, UpdatedAt, ArchivedAt  time.Time
	VersionID, CustomerID             int
	ShippingMethodID, PaymentMethodID int // 0: none
	Email, Currency, Details          string
	// Company and VatCode are the billing address's.
	Company, VatCode                      string
	Subtotal, ShippingCosts, PaymentCosts float64
	Discount, Total                       float64
	Lines                                 []LineView
	Shipments                             []ShipmentView
	Payments                              []PaymentView
}

// StockView is a stock item.
type StockView struct {
	ID                          int
	ProductCode                 string
	ProductID, VariationID      int
	Quantity, Reserved, Balance int
	Enabled, BackorderEnabled   bool
	Location                    string
	UpdatedAt                   time.Time
}

// StockChangeView is one stock ledger row.
type StockChangeView struct {
	ID                             int
	ProductCode                    string
	QuantityChange, ReservedChange int
	Quantity, Reserved, Balance    int
	Reason                         string // api, order_reserved, order_cancelled, order_delivered, order_returned
	OrderID                        int
	ChangedAt                      time.Time
}

// VariationView is a variation of a product.
type VariationView struct {
	ID          int
	ProductCode string
	Name        string
	Price       float64
	HasStock    bool
}

// ProductView is a product with its variations and links.
type ProductView struct {
	ID           int
	ProductCode  string
	Name         string
	Price        float64
	VatRate      float64
	BrandID      int // 0: none
	CategoryIDs  []int
	Visible      map[int]bool      // version id → visible
	Translations map[string]string // language → name
	Variations   []VariationView
	HasStock     bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// CampaignPriceView is one quantity price of a campaign.
type CampaignPriceView struct {
	ID, ProductID, VariationID int
	ProductCode                string
	MinQuantity                int
	Price                      float64
}

// CampaignView is a campaign with its prices.
type CampaignView struct {
	ID       int
	Name     string
	IsActive bool
	Prices   []CampaignPriceView
}

// WebhookView is a subscription.
type WebhookView struct {
	UUID, Topic, URL string
	Expands          []string
}

func (m money) float() float64 { return float64(m) / 100 }

func toMoney(x float64) money { return money(math.Round(x * 100)) }

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

func viewOrder(o *order) OrderView {
	v := OrderView{ID: o.ID, Status: o.Status, CreatedAt: o.CreatedAt.Time, UpdatedAt: o.UpdatedAt.Time, ArchivedAt: o.ArchivedAt.Time,
		VersionID: o.VersionID, CustomerID: deref(o.CustomerID), ShippingMethodID: deref(o.ShippingMethodID), PaymentMethodID: deref(o.PaymentMethodID),
		Email: o.CustomerInformation.Email, Company: o.CustomerInformation.Company, VatCode: o.CustomerInformation.VatCode, Currency: o.Currency, Details: o.Details, Subtotal: o.Subtotal.float(), ShippingCosts: o.ShippingCosts.float(),
		PaymentCosts: o.PaymentCosts.float(), Discount: o.Discount.float(), Total: o.Total.float()}
	for _, l := range o.lines {
		v.Lines = append(v.Lines, LineView{ID: l.ID, ProductID: deref(l.ProductID), VariationID: deref(l.VariationID), ShipmentID: deref(l.ShipmentID),
			CampaignID: deref(l.CampaignID), ProductCode: l.ProductCode, ProductName: l.ProductName, ModelName: l.ModelName, Quantity: l.Quantity,
			UnitPrice: l.UnitPrice.float(), VatRate: l.VatRate, Delivered: !l.DeliveredAt.IsZero(), ReturnToStock: l.ReturnToStock})
	}
	for _, sh := range o.shipments {
		sv := ShipmentView{ID: sh.ID, ShippingMethodID: deref(sh.ShippingMethodID), Status: sh.Status, CompletedAt: sh.CompletedAt.Time}
		if sh.TrackingCode != nil {
			sv.TrackingCode = *sh.TrackingCode
		}
		v.Shipments = append(v.Shipments, sv)
	}
	for _, p := range o.payments {
		v.Payments = append(v.Payments, PaymentView{ID: p.ID, PaymentMethodID: p.PaymentMethodID, Status: p.Status, IsPaid: p.IsPaid,
			Amount: p.Amount.float(), Currency: p.Currency, UpdatedAt: p.UpdatedAt.Time})
	}
	return v
}

func (n NewOrder) input() orderInput {
	in := orderInput{VersionID: n.VersionID, Details: n.Details, Discount: toMoney(n.Discount), PaymentStatus: n.PaymentStatus, Shipments: n.Shipments,
		GiftCard: toMoney(n.GiftCard)}
	if in.VersionID == 0 {
		in.VersionID = 1
	}
	if n.CustomerID != 0 {
		in.CustomerID = intp(n.CustomerID)
	}
	if n.CustomerID == 0 || n.Email != "" {
		in.CustomerInformation = &address{Email: n.Email, FirstName: n.FirstName, LastName: n.LastName, StreetAddress: n.Street,
			PostalCode: n.PostalCode, City: n.City, Country: n.Country}
	}
	if n.ShippingMethodID != 0 {
		in.ShippingMethodID = intp(n.ShippingMethodID)
	}
	if n.PaymentMethodID != 0 {
		in.PaymentMethodID = intp(n.PaymentMethodID)
	}
	if n.ExternalID != "" {
		in.ExternalID = strp(n.ExternalID)
	}
	for _, l := range n.Lines {
		li := lineInput{ProductCode: l.ProductCode, Quantity: l.Quantity}
		if l.UnitPrice != 0 {
			p := toMoney(l.UnitPrice)
			li.UnitPrice = &p
		}
		in.Lines = append(in.Lines, li)
	}
	return in
}

// CreateOrder creates an order as a shopper would: it reserves stock, creates the
// shipment(s) and payment and fires order.created webhooks.
func (s *Server) CreateOrder(n NewOrder) (OrderView, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.createOrder(n.input(), s.opts.Now())
	if err != nil {
		return OrderView{}, err
	}
	return viewOrder(o), nil
}

// CreateRandomOrder creates a random valid order from the goods in stock, as the
// order stream does.
func (s *Server) CreateRandomOrder() (OrderView, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.createRandomOrder()
}

func (s *Server) createRandomOrder() (OrderView, error) {
	in, found := s.randomOrder(s.rng)
	if !found {
		return OrderView{}, errors.New("create random order: nothing is in stock")
	}
	o, err := s.createOrder(in, s.opts.Now())
	if err != nil {
		return OrderView{}, err
	}
	return viewOrder(o), nil
}

// OrderUpdate is a change an admin makes to an order in the shop's back office;
// nil fields stay as they are.
type OrderUpdate struct {
	Details          *string
	ShippingMethodID *int   // 0 clears
	PaymentMethodID  *int   // 0 clears
	Comment          string // appended as an internal comment when not empty
}

// UpdateOrder edits an order and bumps its updated_at.
func (s *Server) UpdateOrder(id int, u OrderUpdate) (OrderView, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, found := s.st.orders.get(id)
	if !found {
		return OrderView{}, fmt.Errorf("update order %d: not found", id)
	}
	if u.ShippingMethodID != nil && *u.ShippingMethodID != 0 {
		if _, found := s.st.shippingMethod.get(*u.ShippingMethodID); !found {
			return OrderView{}, fmt.Errorf("update order %d: shipping method %d does not exist", id, *u.ShippingMethodID)
		}
	}
	if u.PaymentMethodID != nil && *u.PaymentMethodID != 0 {
		if _, found := s.st.paymentMethod.get(*u.PaymentMethodID); !found {
			return OrderView{}, fmt.Errorf("update order %d: payment method %d does not exist", id, *u.PaymentMethodID)
		}
	}
	now := s.opts.Now()
	if u.Details != nil {
		o.Details = *u.Details
	}
	if u.ShippingMethodID != nil {
		o.ShippingMethodID = nil
		if *u.ShippingMethodID != 0 {
			o.ShippingMethodID = intp(*u.ShippingMethodID)
		}
	}
	if u.PaymentMethodID != nil {
		o.PaymentMethodID = nil
		if *u.PaymentMethodID != 0 {
			o.PaymentMethodID = intp(*u.PaymentMethodID)
		}
	}
	if u.Comment != "" {
		o.comments = append(o.comments, comment{OrderID: o.ID, CreatedAt: stamp(now), UserID: intp(1), Visibility: "internal", Text: u.Comment})
	}
	o.UpdatedAt = stamp(now)
	return viewOrder(o), nil
}

func (s *Server) withOrder(id int, f func(o *order, now time.Time) error) (OrderView, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, found := s.st.orders.get(id)
	if !found {
		return OrderView{}, fmt.Errorf("order %d: not found", id)
	}
	if err := f(o, s.opts.Now()); err != nil {
		return OrderView{}, err
	}
	return viewOrder(o), nil
}

// CancelOrder cancels an order as POST /orders/{id}/cancel does.
func (s *Server) CancelOrder(id int) (OrderView, error) {
	return s.withOrder(id, func(o *order, now time.Time) error { return s.cancelOrder(o, now) })
}

// QuickProcess completes an order as POST /orders/{id}/quick-process does.
func (s *Server) QuickProcess(id int, trackingCode string) (OrderView, error) {
	return s.withOrder(id, func(o *order, now time.Time) error {
		return s.quickProcess(o, quickProcess{TrackingCode: trackingCode, AllowOpenCOD: true}, now)
	})
}

// CompleteShipment completes one shipment as POST .../shipments/{sid}/complete does.
func (s *Server) CompleteShipment(orderID, shipmentID int, trackingCode string) (OrderView, error) {
	return s.withOrder(orderID, func(o *order, now time.Time) error {
		for _, sh := range o.shipments {
			if sh.ID == shipmentID {
				return s.completeShipment(o, sh, trackingCode, now)
			}
		}
		return fmt.Errorf("order %d has no shipment %d", orderID, shipmentID)
	})
}

// PaymentAction runs mark-as-paid, mark-as-unpaid, mark-as-cancelled or activate.
func (s *Server) PaymentAction(orderID, paymentID int, action string) (OrderView, error) {
	to, known := paymentActions[action]
	if !known {
		return OrderView{}, fmt.Errorf("payment action %q is unknown", action)
	}
	return s.withOrder(orderID, func(o *order, now time.Time) error {
		for _, p := range o.payments {
			if p.ID == paymentID {
				return s.paymentAction(o, p, action, to, now)
			}
		}
		return fmt.Errorf("order %d has no payment %d", orderID, paymentID)
	})
}

// Order returns a snapshot of order id.
func (s *Server) Order(id int) (OrderView, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, found := s.st.orders.get(id)
	if !found {
		return OrderView{}, false
	}
	return viewOrder(o), true
}

// OrderIDs returns the ids of all orders, ascending.
func (s *Server) OrderIDs() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.st.orders.ids...)
}

// OrderCount returns the number of orders; status "" counts all.
func (s *Server) OrderCount(status ...string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(status) == 0 || status[0] == "" {
		return s.st.orders.len()
	}
	n := 0
	for _, o := range s.st.orders.byID {
		if o.Status == status[0] {
			n++
		}
	}
	return n
}

func viewStock(si *stockItem) StockView {
	return StockView{ID: si.ID, ProductCode: si.Code, ProductID: si.ProductID, VariationID: deref(si.VariationID), Quantity: si.Quantity,
		Reserved: si.Reserved, Balance: si.Balance, Enabled: si.Enabled, BackorderEnabled: si.BackorderEnabled, Location: si.Location, UpdatedAt: si.UpdatedAt.Time}
}

// StockOf returns the stock item of a product_code; false when it has none.
func (s *Server) StockOf(productCode string) (StockView, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	si, found := s.st.stockFor(productCode)
	if !found {
		return StockView{}, false
	}
	return viewStock(si), true
}

// Stock returns every stock item in id order.
func (s *Server) Stock() []StockView {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]StockView, 0, s.st.stock.len())
	for _, si := range s.st.stock.all() {
		out = append(out, viewStock(si))
	}
	return out
}

// SetStock sets the physical quantity of a product_code (creating its stock item
// if needed), as PATCH /stock/{product_code} does; a ledger row is appended.
func (s *Server) SetStock(productCode string, quantity int) (StockView, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if quantity < 0 {
		return StockView{}, fmt.Errorf("set stock of %s: quantity %d is negative", productCode, quantity)
	}
	now := s.opts.Now()
	si, found := s.ensureStock(productCode, now)
	if !found {
		return StockView{}, fmt.Errorf("set stock of %s: no product or variation has this product_code", productCode)
	}
	s.st.adjustStock(si, quantity-si.Quantity, 0, "api", 0, now)
	si.UpdatedAt = stamp(now)
	return viewStock(si), nil
}

// StockChanges returns the ledger rows of productCode ("" for all) in id order.
func (s *Server) StockChanges(productCode string) []StockChangeView {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []StockChangeView
	for _, c := range s.st.stockChanges.all() {
		if productCode != "" && c.ProductCode != productCode {
			continue
		}
		out = append(out, StockChangeView{ID: c.ID, ProductCode: c.ProductCode, QuantityChange: c.QuantityChange, ReservedChange: c.ReservedChange,
			Quantity: c.Quantity, Reserved: c.Reserved, Balance: c.Balance, Reason: c.Reason, OrderID: deref(c.OrderID), ChangedAt: c.ChangedAt.Time})
	}
	return out
}

func (s *Server) viewProduct(p *product) ProductView {
	v := ProductView{ID: p.ID, ProductCode: p.ProductCode, Name: p.Name, Price: p.Price.float(), VatRate: p.VatRate, BrandID: deref(p.BrandID),
		Visible: map[int]bool{}, Translations: map[string]string{}, HasStock: p.stockItemID != 0, CreatedAt: p.CreatedAt.Time, UpdatedAt: p.UpdatedAt.Time}
	for _, c := range p.categoryLinks {
		v.CategoryIDs = append(v.CategoryIDs, c.CategoryID)
	}
	for _, vis := range p.visibilities {
		v.Visible[vis.VersionID] = vis.IsVisible
	}
	for _, t := range p.translations {
		v.Translations[t.Language] = t.Name
	}
	for _, id := range p.variationIDs {
		if va, found := s.st.variations.get(id); found {
			v.Variations = append(v.Variations, VariationView{ID: va.ID, ProductCode: va.ProductCode, Name: va.Name, Price: va.Price.float(), HasStock: va.stockItemID != 0})
		}
	}
	return v
}

// Products returns every product in id order.
func (s *Server) Products() []ProductView {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ProductView, 0, s.st.products.len())
	for _, p := range s.st.products.all() {
		out = append(out, s.viewProduct(p))
	}
	return out
}

// Product returns the product that owns productCode (its own code or one of its
// variations').
func (s *Server) Product(productCode string) (ProductView, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	owner, found := s.st.codes[productCode]
	if !found {
		return ProductView{}, false
	}
	p, found := s.st.products.get(owner.productID)
	if !found {
		return ProductView{}, false
	}
	return s.viewProduct(p), true
}

// Campaigns returns every campaign with its prices.
func (s *Server) Campaigns() []CampaignView {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []CampaignView
	for _, c := range s.st.campaigns.all() {
		cv := CampaignView{ID: c.ID, Name: c.Name, IsActive: c.IsActive}
		for _, p := range c.prices {
			cv.Prices = append(cv.Prices, CampaignPriceView{ID: p.ID, ProductID: p.ProductID, VariationID: deref(p.VariationID),
				ProductCode: p.ProductCode, MinQuantity: p.MinQuantity, Price: p.Price.float()})
		}
		out = append(out, cv)
	}
	return out
}

// Counts returns the number of records of each kind ("products", "orders", …).
func (s *Server) Counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return map[string]int{
		"products": s.st.products.len(), "variations": s.st.variations.len(), "stock": s.st.stock.len(),
		"stock_changes": s.st.stockChanges.len(), "categories": s.st.categories.len(), "brands": s.st.brands.len(),
		"versions": s.st.versions.len(), "shipping_methods": s.st.shippingMethod.len(), "payment_methods": s.st.paymentMethod.len(),
		"customers": s.st.customers.len(), "campaigns": s.st.campaigns.len(), "orders": s.st.orders.len(), "webhooks": len(s.st.webhooks),
	}
}

// DropNextWrites makes the next n successful write calls (POST, PATCH, DELETE
// under /api) take effect and then close the connection without an answer, as a
// timeout after the remote committed does; clients must then look the record up
// before writing again.
func (s *Server) DropNextWrites(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropWrites = max(n, 0)
}

// CategoryView is a category.
type CategoryView struct {
	ID, ParentID int // ParentID 0: a top-level category
	Name         string
	Visible      map[int]bool
}

// Categories returns every category in id order.
func (s *Server) Categories() []CategoryView {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []CategoryView
	for _, c := range s.st.categories.all() {
		cv := CategoryView{ID: c.ID, ParentID: deref(c.ParentID), Name: c.Name, Visible: map[int]bool{}}
		for _, v := range c.visibilities {
			cv.Visible[v.VersionID] = v.IsVisible
		}
		out = append(out, cv)
	}
	return out
}

// Brands returns brand names by id.
func (s *Server) Brands() map[int]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[int]string{}
	for _, b := range s.st.brands.all() {
		out[b.ID] = b.Name
	}
	return out
}

// Webhooks returns the subscriptions.
func (s *Server) Webhooks() []WebhookView {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []WebhookView
	for _, w := range s.st.webhooks {
		out = append(out, WebhookView{UUID: w.UUID, Topic: w.Topic, URL: w.URL, Expands: append([]string(nil), w.Expands...)})
	}
	return out
}

// WebhookDeliveries returns every delivery attempt so far.
func (s *Server) WebhookDeliveries() []WebhookDelivery {
	s.hookMu.Lock()
	defer s.hookMu.Unlock()
	return append([]WebhookDelivery(nil), s.hookLog...)
}

// WaitWebhooks blocks until every delivery in flight has succeeded or given up.
func (s *Server) WaitWebhooks() { s.hooks.Wait() }

// SetWebhookRetryDelay sets the delay before the first redelivery (doubling after
// each failure); default 200 ms.
func (s *Server) SetWebhookRetryDelay(d time.Duration) {
	s.hookMu.Lock()
	defer s.hookMu.Unlock()
	s.hookRetry = d
}

// Calls returns how many API requests matched a route, e.g. Calls("GET /orders")
// or Calls("PATCH /stock/{code}"); /api/v0 and /api/v1 count together. Requests
// refused by auth or the fault injector are not counted.
func (s *Server) Calls(route string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[route]
}

// CallCounts returns all route counters.
func (s *Server) CallCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

// ResetCalls zeroes the route counters.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = map[string]int{}
}

// StartOrderStream creates a random valid order every interval until ctx ends.
func (s *Server) StartOrderStream(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = time.Second
	}
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				s.CreateRandomOrder() // An empty stock just skips a beat.
			}
		}
	}()
}

// serveAdmin serves the sandbox-only endpoints under /_sandbox/ (no auth, no
// faults; doc.go).
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/_sandbox/")
	switch {
	case path == "orders" && r.Method == http.MethodPost:
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
		if err != nil {
			writeError(w, http.StatusBadRequest, "read request body: %v", err)
			return
		}
		s.mu.Lock()
		var o *order
		if strings.TrimSpace(string(body)) == "" {
			var v OrderView
			v, err = s.createRandomOrder()
			if err == nil {
				o, _ = s.st.orders.get(v.ID)
			}
		} else {
			var in orderInput
			if in, err = decodeOrder(body); err == nil {
				o, err = s.createOrder(in, s.opts.Now())
			}
		}
		var b []byte
		if err == nil {
			b, err = json.Marshal(envelope{Data: s.renderOrder(o, allExpands), Meta: struct{}{}})
		}
		s.mu.Unlock()
		if err != nil {
			var he *httpError
			if errors.As(err, &he) {
				writeError(w, he.code, "%s", he.msg)
			} else {
				writeError(w, http.StatusUnprocessableEntity, "%v", err)
			}
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		w.Write(b)
	case path == "drop-next-writes" && (r.Method == http.MethodPost || r.Method == http.MethodPut):
		var body struct {
			Count int `json:"count"`
		}
		if err := json.NewDecoder(io.LimitReader(r.Body, 4096)).Decode(&body); err != nil || body.Count < 0 {
			writeError(w, http.StatusBadRequest, "drop-next-writes: body must be {\"count\": n} with n ≥ 0")
			return
		}
		s.DropNextWrites(body.Count)
		writeJSON(w, http.StatusOK, body)
	case path == "commit-faults":
		s.serveCommitFaults(w, r)
	case path == "page-churn":
		s.servePageChurn(w, r)
	case path == "state" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]any{"counts": s.Counts()})
	case path == "calls" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.CallCounts())
	case path == "webhook-deliveries" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.WebhookDeliveries())
	case path == "stock" && r.Method == http.MethodGet:
		st := s.Stock()
		sort.Slice(st, func(i, j int) bool { return st[i].ProductCode < st[j].ProductCode })
		writeJSON(w, http.StatusOK, st)
	default:
		writeError(w, http.StatusNotFound, "no such sandbox endpoint %s %s; see the package doc", r.Method, r.URL.Path)
	}
}

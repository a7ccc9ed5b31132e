package shopify

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// State is the summary GET /_sandbox/state answers.
type State struct {
	Shop             string         `json:"shop"`
	Orders           int            `json:"orders"`
	OrdersByStatus   map[string]int `json:"orders_by_fulfillment_status"`
	Cancelled        int            `json:"cancelled"`
	Customers        int            `json:"customers"`
	Products         int            `json:"products"`
	Variants         int            `json:"variants"`
	Locations        int            `json:"locations"`
	Subscriptions    int            `json:"webhook_subscriptions"`
	Deliveries       int            `json:"webhook_deliveries"`
	BulkOperations   int            `json:"bulk_operations"`
	Requests         int64          `json:"requests"`
	Throttled        int64          `json:"throttled"`
	Throttle429      bool           `json:"throttle_429"`
	MaximumAvailable float64        `json:"maximum_available"`
	RestoreRate      float64        `json:"restore_rate"`
	CommitFailures   int            `json:"commit_failures"`
	Grants           int            `json:"oauth_grants"`
}

// State counts the shop.
func (s *Server) State() State {
	s.mu.Lock()
	st := State{Shop: s.ShopDomain(), Orders: len(s.st.orders), OrdersByStatus: map[string]int{}, Customers: len(s.st.customers),
		Products: len(s.st.products), Variants: len(s.st.variants), Locations: len(s.st.locations), Subscriptions: len(s.st.subs),
		BulkOperations: len(s.st.bulk), Requests: s.requests, Throttled: s.throttled, Throttle429: s.throttle429,
		CommitFailures: len(s.commitLog)}
	for _, o := range s.st.orders {
		st.OrdersByStatus[o.fulfillmentStatus()]++
		if !o.cancelledAt.IsZero() {
			st.Cancelled++
		}
	}
	s.mu.Unlock()
	st.Deliveries = len(s.Deliveries())
	st.Grants = s.Grants()
	p := s.buckets.planNow()
	st.MaximumAvailable, st.RestoreRate = p.MaximumAvailable, p.RestoreRate
	return st
}

// OrderSpec is an order a test or demo places (CreateOrder, POST
// /_sandbox/orders): lines by SKU, a customer by e-mail (new e-mails create a
// customer and send customers/create).
type OrderSpec struct {
	Email string     `json:"email"`
	Lines []LineSpec `json:"lines"`
	// Financial is PAID (default), PENDING or AUTHORIZED.
	Financial string `json:"financial"`
	// Presentment is the buyer's currency (default the shop's) at Rate.
	Presentment string  `json:"presentment"`
	Rate        float64 `json:"rate"`
	Source      string  `json:"source"` // web (default) or pos
	Test        bool    `json:"test"`
	// Risk is ACCEPT (default), INVESTIGATE or CANCEL.
	Risk string `json:"risk"`
	Note string `json:"note"`
}

// LineSpec is one line of an OrderSpec.
type LineSpec struct {
	SKU      string `json:"sku"`
	Quantity int    `json:"quantity"`
}

// CreateOrder places an order as a buyer would and sends orders/create (and
// customers/create for a new customer). It answers the order's global id and
// name.
func (s *Server) CreateOrder(spec OrderSpec) (id, name string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.st.touch(s.opts.Now())
	o := &order{createdAt: now, processedAt: now, updatedAt: now, currency: s.opts.Currency, presentment: s.opts.Currency, rate: 1,
		taxesIncluded: true, sourceName: "web", risk: "ACCEPT", riskLevel: "LOW", financial: "PAID", test: spec.Test, note: spec.Note}
	if spec.Presentment != "" {
		o.presentment, o.rate = spec.Presentment, spec.Rate
		if o.rate <= 0 {
			o.rate = 1
		}
	}
	if spec.Source == "pos" {
		o.sourceName, o.retail = "pos", s.st.locations[len(s.st.locations)-1]
	}
	switch spec.Risk {
	case "INVESTIGATE":
		o.risk, o.riskLevel = "INVESTIGATE", "MEDIUM"
	case "CANCEL":
		o.risk, o.riskLevel = "CANCEL", "HIGH"
	}
	for _, ls := range spec.Lines {
		v := s.variantBySKU(ls.SKU)
		if v == nil {
			return "", "", fmt.Errorf("shopify sandbox: no variant with SKU %q", ls.SKU)
		}
		q := max(1, ls.Quantity)
		o.lines = append(o.lines, &lineItem{v: v, sku: v.sku, title: v.prod.title, variantTitle: v.title, vendor: v.prod.vendor,
			qty: q, price: v.price, taxRate: s.opts.VATRate, taxTitle: "ALV", requiresShipping: o.sourceName != "pos", taxable: true})
	}
	if len(o.lines) == 0 {
		return "", "", fmt.Errorf("shopify sandbox: an order needs lines")
	}
	email := spec.Email
	if email == "" {
		email = "buyer@example.com"
	}
	var newCust *customer
	for _, c := range s.st.customers {
		if strings.EqualFold(c.email, email) {
			o.cust = c
		}
	}
	if o.cust == nil {
		c := &customer{id: s.st.id(), email: email, first: "New", last: "Buyer", createdAt: now, updatedAt: now,
			addr: address{first: "New", last: "Buyer", address1: "Mannerheimintie 1", city: "Helsinki", zip: "00100", country: "Finland", countryCode: "FI"}}
		s.st.customers = append(s.st.customers, c)
		s.st.custByID[c.id] = c
		o.cust, newCust = c, c
	}
	o.email, o.phone = o.cust.email, o.cust.phone
	a := o.cust.addr
	o.billing, o.shipTo = &a, &a
	if o.sourceName != "pos" {
		o.shipping = []*shippingLine{{title: "Posti Home Delivery", code: "POSTI", price: 590, taxRate: s.opts.VATRate, taxTitle: "ALV", source: "shopify"}}
	} else {
		o.shipTo = nil
	}
	gateway := "shopify_payments"
	switch spec.Financial {
	case "", "PAID":
		o.txs = []*transaction{{kind: "SALE", status: "SUCCESS", gateway: gateway, amount: o.total(), createdAt: now}}
	case "AUTHORIZED":
		o.financial = "AUTHORIZED"
		o.txs = []*transaction{{kind: "AUTHORIZATION", status: "SUCCESS", gateway: gateway, amount: o.total(), createdAt: now}}
	case "PENDING":
		o.financial = "PENDING"
	default:
		return "", "", fmt.Errorf("shopify sandbox: financial %q: use PAID, PENDING or AUTHORIZED", spec.Financial)
	}
	s.addOrder(o, now)
	if newCust != nil {
		s.emit("customers/create", func() *omap { return s.restCustomer(newCust, true) })
	}
	s.emitOrder("orders/create", o)
	if o.financial == "PAID" {
		s.emitOrder("orders/paid", o)
	}
	return gid("Order", o.id), o.name, nil
}

func (s *Server) variantBySKU(sku string) *variant {
	for _, v := range s.st.variants {
		if v.sku == sku {
			return v
		}
	}
	return nil
}

func (s *Server) findOrder(ref string) *order {
	if _, id, ok := parseGID(ref); ok {
		return s.st.orderByID[id]
	}
	for _, o := range s.st.orders {
		if o.name == ref || strings.TrimPrefix(o.name, "#") == ref {
			return o
		}
	}
	return nil
}

// UpdateOrder changes an order's note (and so its updatedAt) as a merchant
// editing it would, and sends orders/updated. ref is a global id or a name.
func (s *Server) UpdateOrder(ref, note string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.findOrder(ref)
	if o == nil {
		return fmt.Errorf("shopify sandbox: no order %q", ref)
	}
	o.note, o.updatedAt = note, s.st.touch(s.opts.Now())
	s.emitOrder("orders/updated", o)
	return nil
}

// CancelOrder cancels an order as the merchant would (orderCancel with refund
// and restock).
func (s *Server) CancelOrder(ref, reason string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.findOrder(ref)
	if o == nil {
		return fmt.Errorf("shopify sandbox: no order %q", ref)
	}
	if !o.cancelledAt.IsZero() {
		return fmt.Errorf("shopify sandbox: order %s is already cancelled", o.name)
	}
	if reason == "" {
		reason = "CUSTOMER"
	}
	s.cancelOrder(o, reason, true, true, s.opts.Now())
	return nil
}

// TouchOrders updates the n orders with the oldest updatedAt, as merchants
// editing orders while a client pages; it answers their ids.
func (s *Server) TouchOrders(n int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for range n {
		var oldest *order
		for _, o := range s.st.orders {
			if oldest == nil || o.updatedAt.Before(oldest.updatedAt) {
				oldest = o
			}
		}
		if oldest == nil {
			break
		}
		oldest.updatedAt = s.st.touch(s.opts.Now())
		s.emitOrder("orders/updated", oldest)
		out = append(out, gid("Order", oldest.id))
	}
	return out
}

// UpdateProduct renames a product (empty title: only its updatedAt moves) and
// sends products/update.
func (s *Server) UpdateProduct(id, title string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, n, ok := parseGID(id)
	if !ok {
		n, _ = strconv.ParseInt(id, 10, 64)
	}
	p := s.st.prodByID[n]
	if p == nil {
		return fmt.Errorf("shopify sandbox: no product %q", id)
	}
	if title != "" {
		p.title = title
	}
	p.updatedAt = s.st.touch(s.opts.Now())
	s.emit("products/update", func() *omap { return s.restProduct(p) })
	return nil
}

// SetAvailable sets the available quantity of a SKU at the location with that
// index (0 is the primary), as a stock count would, and sends
// inventory_levels/update.
func (s *Server) SetAvailable(sku string, locIndex, available int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.variantBySKU(sku)
	if v == nil || locIndex < 0 || locIndex >= len(s.st.locations) {
		return fmt.Errorf("shopify sandbox: no SKU %q or location %d", sku, locIndex)
	}
	l := v.item.levelAt(s.st.locations[locIndex])
	if l == nil {
		return fmt.Errorf("shopify sandbox: SKU %q is not stocked at location %d", sku, locIndex)
	}
	s.applyDelta(&execCtx{now: s.opts.Now()}, l, "available", available-l.q[qAvailable])
	return nil
}

// Quantities answers a SKU's quantities at the location with that index.
func (s *Server) Quantities(sku string, locIndex int) (map[string]int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.variantBySKU(sku)
	if v == nil || locIndex < 0 || locIndex >= len(s.st.locations) {
		return nil, false
	}
	l := v.item.levelAt(s.st.locations[locIndex])
	if l == nil {
		return nil, false
	}
	out := map[string]int{}
	for i, n := range quantityNames {
		out[n] = l.q[i]
	}
	return out, true
}

// GenerateOrders adds n generated orders placed now (orders/create each).
func (s *Server) GenerateOrders(n int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := &generator{s: s, rng: newRng(s.opts.Seed, int64(len(s.st.orders))), now: s.opts.Now().UTC()}
	var out []string
	for i := range n {
		stamp := s.st.stamp
		o := g.order(s.opts.Now().UTC(), len(s.st.orders)+i)
		s.st.stamp = stamp
		o.updatedAt = s.st.touch(s.opts.Now())
		s.emitOrder("orders/create", o)
		out = append(out, gid("Order", o.id))
	}
	return out
}

// DrainBucket takes points from an app's bucket (default the main token), as
// another process of the same app would; it answers what is left.
func (s *Server) DrainBucket(token string, points float64) float64 {
	if token == "" {
		token = s.opts.AccessToken
	}
	token = s.appOf(token)
	return s.buckets.drain(token, points, s.opts.Now())
}

// SetThrottle sets the 429 mode and, when positive, the bucket figures.
func (s *Server) SetThrottle(as429 bool, maximumAvailable, restoreRate float64) {
	s.mu.Lock()
	s.throttle429 = as429
	s.mu.Unlock()
	p := s.buckets.planNow()
	if maximumAvailable > 0 {
		p.MaximumAvailable = maximumAvailable
	}
	if restoreRate > 0 {
		p.RestoreRate = restoreRate
	}
	s.buckets.setPlan(p, s.opts.Now())
}

// serveControl serves /_sandbox/… (no auth, no faults; doc.go lists them).
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/_sandbox/")
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	bad := func(format string, args ...any) {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": fmt.Sprintf(format, args...)})
	}
	decode := func(v any) bool {
		if len(strings.TrimSpace(string(body))) == 0 {
			return true
		}
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v); err != nil {
			bad("%s: %v", path, err)
			return false
		}
		return true
	}
	post := r.Method == http.MethodPost || r.Method == http.MethodPut
	if s.serveOAuthControl(w, r, path, decode) {
		return
	}
	switch {
	case path == "state" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.State())
	case path == "orders" && post:
		var spec OrderSpec
		if !decode(&spec) {
			return
		}
		id, name, err := s.CreateOrder(spec)
		if err != nil {
			bad("%v", err)
			return
		}
		writeJSON(w, http.StatusCreated, map[string]string{"id": id, "name": name})
	case strings.HasPrefix(path, "orders/") && post:
		ref, action := refAndAction(r, "orders/", "update", "cancel")
		var v struct {
			Note   string `json:"note"`
			Reason string `json:"reason"`
		}
		if !decode(&v) {
			return
		}
		var err error
		switch action {
		case "update":
			err = s.UpdateOrder(ref, v.Note)
		case "cancel":
			err = s.CancelOrder(ref, v.Reason)
		default:
			err = fmt.Errorf("use orders/{id or name}/update or /cancel")
		}
		if err != nil {
			bad("%v", err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"ok": ref})
	case path == "touch" && post:
		var v struct {
			Orders int `json:"orders"`
		}
		if !decode(&v) {
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"updated": s.TouchOrders(v.Orders)})
	case path == "generate" && post:
		var v struct {
			Orders int `json:"orders"`
		}
		if !decode(&v) || v.Orders < 0 || v.Orders > 100_000 {
			bad("generate: orders must be 0..100000")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"created": s.GenerateOrders(v.Orders)})
	case strings.HasPrefix(path, "products/") && strings.HasSuffix(path, "/media") && r.Method == http.MethodGet:
		ref, _ := refAndAction(r, "products/", "media")
		if m, ok := s.ProductMedia(ref); ok {
			writeJSON(w, http.StatusOK, m)
		} else {
			writeJSON(w, http.StatusNotFound, map[string]any{"error": "no product " + ref})
		}
	case path == "uploads/fail" && post:
		var v struct {
			Count int `json:"count"`
		}
		if !decode(&v) {
			return
		}
		s.FailNextUploads(v.Count)
		writeJSON(w, http.StatusOK, map[string]int{"failing": v.Count})
	case strings.HasPrefix(path, "products/") && r.Method == http.MethodGet:
		ref := pathRef(strings.TrimPrefix(r.URL.EscapedPath(), "/_sandbox/products/"))
		if p, ok := s.Product(ref); ok {
			writeJSON(w, http.StatusOK, p)
		} else {
			writeJSON(w, http.StatusNotFound, map[string]any{"error": "no product " + strings.TrimPrefix(path, "products/")})
		}
	case strings.HasPrefix(path, "products/") && post:
		var v struct {
			Title string `json:"title"`
		}
		if !decode(&v) {
			return
		}
		ref, _ := refAndAction(r, "products/", "update")
		if err := s.UpdateProduct(ref, v.Title); err != nil {
			bad("%v", err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"ok": "updated"})
	case path == "inventory" && post:
		var v struct {
			SKU       string `json:"sku"`
			Location  int    `json:"location"`
			Available *int   `json:"available"`
		}
		if !decode(&v) || v.Available == nil {
			bad(`inventory: body must be {"sku": "...", "location": 0, "available": n}`)
			return
		}
		if err := s.SetAvailable(v.SKU, v.Location, *v.Available); err != nil {
			bad("%v", err)
			return
		}
		q, _ := s.Quantities(v.SKU, v.Location)
		writeJSON(w, http.StatusOK, q)
	case path == "bucket/drain" && post:
		var v struct {
			Token  string  `json:"token"`
			Points float64 `json:"points"`
		}
		if !decode(&v) {
			return
		}
		writeJSON(w, http.StatusOK, map[string]float64{"currently_available": s.DrainBucket(v.Token, v.Points)})
	case path == "throttle" && post:
		var v struct {
			HTTP429          bool    `json:"http429"`
			MaximumAvailable float64 `json:"maximumAvailable"`
			RestoreRate      float64 `json:"restoreRate"`
		}
		if !decode(&v) {
			return
		}
		s.SetThrottle(v.HTTP429, v.MaximumAvailable, v.RestoreRate)
		writeJSON(w, http.StatusOK, s.State())
	case path == "webhooks/tricks" && post:
		var t WebhookTricks
		if !decode(&t) {
			return
		}
		s.SetWebhookTricks(t)
		writeJSON(w, http.StatusOK, t)
	case path == "webhooks/deliveries" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.Deliveries())
	case path == "commit-then-fail" && post:
		var c CommitThenFail
		if !decode(&c) {
			return
		}
		if err := s.SetCommitThenFail(c); err != nil {
			bad("%v", err)
			return
		}
		fallthrough
	case path == "commit-then-fail" && r.Method == http.MethodGet:
		s.mu.Lock()
		c := s.commit
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"config": c, "failures": s.CommitFailures()})
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"error": fmt.Sprintf("no sandbox endpoint %s %s; see the package doc", r.Method, r.URL.Path)})
	}
}

// RefundLine refunds one unit of the order's first line as the merchant
// would for a return (refundCreate with restock RETURN at the first
// location), with the money back through the order's gateway. It answers the
// refund's global id.
func (s *Server) RefundLine(ref, note string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.findOrder(ref)
	switch {
	case o == nil:
		return "", fmt.Errorf("shopify sandbox: no order %q", ref)
	case !o.cancelledAt.IsZero():
		return "", fmt.Errorf("shopify sandbox: order %s is cancelled", o.name)
	case o.received() == 0 || len(o.lines) == 0:
		return "", fmt.Errorf("shopify sandbox: order %s has no money or lines to refund", o.name)
	}
	res, err := s.refundCreate(&execCtx{s: s, now: s.opts.Now()}, map[string]any{"input": map[string]any{"orderId": gid("Order", o.id), "note": note,
		"refundLineItems": []any{map[string]any{"lineItemId": gid("LineItem", o.lines[0].id), "quantity": 1, "restockType": "RETURN", "locationId": gid("Location", s.st.locations[0].id)}}}})
	if err != nil {
		return "", err
	}
	p, _ := res.(obj)
	if errs, _ := p["userErrors"].([]any); len(errs) > 0 {
		return "", fmt.Errorf("shopify sandbox: refund of order %s refused: %v", o.name, errs[0])
	}
	r, _ := p["refund"].(obj)
	id, _ := r["id"].(string)
	return id, nil
}

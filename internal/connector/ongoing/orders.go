package ongoing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/remote"
)

// Notification is an order's e-mail or SMS contact.
type Notification struct {
	ToBeNotified bool   `json:"toBeNotified"`
	Value        string `json:"value"`
}

// Consignee is the receiver of an order.
type Consignee struct {
	CustomerNumber string `json:"customerNumber,omitempty"`
	Name           string `json:"name"`
	Address1       string `json:"address1,omitempty"`
	Address2       string `json:"address2,omitempty"`
	Address3       string `json:"address3,omitempty"`
	PostCode       Str    `json:"postCode,omitempty"`
	City           string `json:"city,omitempty"`
	CountryCode    string `json:"countryCode,omitempty"`
	CountryState   string `json:"countryStateCode,omitempty"`
}

// LinePrices are an order line's prices.
type LinePrices struct {
	LinePrice    *model.Decimal `json:"linePrice,omitempty"`
	CurrencyCode string         `json:"currencyCode,omitempty"`
}

// OrderLineWrite is one line of PUT /orders.
type OrderLineWrite struct {
	RowNumber             string         `json:"rowNumber"`
	ArticleNumber         string         `json:"articleNumber"`
	NumberOfItems         model.Decimal  `json:"numberOfItems"`
	ExternalID            string         `json:"externalId,omitempty"`
	LineTotalCustomsValue *model.Decimal `json:"lineTotalCustomsValue,omitempty"`
	Prices                *LinePrices    `json:"prices,omitempty"`
	Comment               string         `json:"comment,omitempty"`
}

// CustomsInfo is an order's customs currency.
type CustomsInfo struct {
	CustomsValueCurrencyCode string `json:"customsValueCurrencyCode,omitempty"`
}

// OrderWrite is the body of PUT /orders (PostOrderModel): an upsert by
// orderNumber.
type OrderWrite struct {
	GoodsOwnerID      int              `json:"goodsOwnerId"`
	OrderNumber       string           `json:"orderNumber"`
	GoodsOwnerOrderID string           `json:"goodsOwnerOrderId,omitempty"`
	ReferenceNumber   string           `json:"referenceNumber,omitempty"`
	DeliveryDate      string           `json:"deliveryDate,omitempty"`
	OrderRemark       string           `json:"orderRemark,omitempty"`
	CustomerPrice     *model.Decimal   `json:"customerPrice,omitempty"`
	WayOfDelivery     *CodeName        `json:"wayOfDelivery,omitempty"`
	Consignee         Consignee        `json:"consignee"`
	EmailNotification *Notification    `json:"emailNotification,omitempty"`
	SMSNotification   *Notification    `json:"smsNotification,omitempty"`
	CustomsInfo       *CustomsInfo     `json:"customsInfo,omitempty"`
	OrderLines        []OrderLineWrite `json:"orderLines"`
}

// OrderReply is the answer of PUT and DELETE /orders.
type OrderReply struct {
	OrderID Int    `json:"orderId"`
	Message string `json:"message"`
}

// StatusRef is {number, text}.
type StatusRef struct {
	Number Int    `json:"number"`
	Text   string `json:"text"`
}

// OrderInfo is GetOrderModel.orderInfo, as far as ferry reads it.
type OrderInfo struct {
	OrderID           Int            `json:"orderId"`
	OrderNumber       Str            `json:"orderNumber"`
	GoodsOwnerOrderID Str            `json:"goodsOwnerOrderId"`
	ReferenceNumber   string         `json:"referenceNumber"`
	OrderRemark       string         `json:"orderRemark"`
	WayOfDelivery     *CodeName      `json:"wayOfDelivery"`
	DeliveryDate      Time           `json:"deliveryDate"`
	CreatedDate       Time           `json:"createdDate"`
	ShippedTime       Time           `json:"shippedTime"`
	WayBill           string         `json:"wayBill"`
	ReturnWayBill     string         `json:"returnWayBill"`
	OrderStatus       StatusRef      `json:"orderStatus"`
	CustomerPrice     *model.Decimal `json:"customerPrice"`
	Ordered           model.Decimal  `json:"orderedNumberOfItems"`
	Picked            model.Decimal  `json:"pickedNumberOfItems"`
}

// Tracking is one tracking entry of an order or parcel.
type Tracking struct {
	Waybill     string `json:"waybill"`
	TrackingURL string `json:"trackingUrl"`
	Created     Time   `json:"created"`
}

// Parcel is one parcel of an order.
type Parcel struct {
	ID             Int       `json:"id"`
	ParcelNumber   string    `json:"parcelNumber"`
	IsReturnParcel bool      `json:"isReturnParcel"`
	Tracking       *Tracking `json:"tracking"`
}

// OrderLineArticle is the article of an order line.
type OrderLineArticle struct {
	ArticleSystemID Int    `json:"articleSystemId"`
	ArticleNumber   Str    `json:"articleNumber"`
	ArticleName     string `json:"articleName"`
	ProductCode     Str    `json:"productCode"`
}

// OrderLine is one line of GetOrderModel.
type OrderLine struct {
	ID                    Int              `json:"id"`
	RowNumber             Str              `json:"rowNumber"`
	Article               OrderLineArticle `json:"article"`
	OrderedNumberOfItems  model.Decimal    `json:"orderedNumberOfItems"`
	PickedNumberOfItems   model.Decimal    `json:"pickedNumberOfItems"`
	LineTotalCustomsValue *model.Decimal   `json:"lineTotalCustomsValue"`
	ExternalID            string           `json:"externalId"`
}

// Transporter is the order's transporter as GET answers it.
type Transporter struct {
	TransporterName string `json:"transporterName"`
	Name            string `json:"name"`
	Code            string `json:"code"`
	ServiceCode     string `json:"serviceCode"`
}

// Order is GetOrderModel, as far as ferry reads it.
type Order struct {
	GoodsOwner  GoodsOwner   `json:"goodsOwner"`
	OrderInfo   OrderInfo    `json:"orderInfo"`
	Consignee   Consignee    `json:"consignee"`
	Parcels     []Parcel     `json:"parcels"`
	OrderLines  []OrderLine  `json:"orderLines"`
	Transporter *Transporter `json:"transporter"`
	Tracking    []Tracking   `json:"tracking"`
}

// DecodeOrder reads one GetOrderModel and returns its orderId.
func DecodeOrder(raw json.RawMessage) (Order, int, error) {
	var o Order
	if err := json.Unmarshal(raw, &o); err != nil {
		var id struct {
			OrderInfo struct {
				OrderID Int `json:"orderId"`
			} `json:"orderInfo"`
		}
		_ = json.Unmarshal(raw, &id)
		return o, int(id.OrderInfo.OrderID), err
	}
	if o.OrderInfo.OrderID <= 0 {
		return o, 0, errors.New("the order has no orderInfo.orderId")
	}
	return o, int(o.OrderInfo.OrderID), nil
}

// DecodeOrderReply reads the answer of PUT or DELETE /orders.
func DecodeOrderReply(b []byte) (OrderReply, error) {
	var r OrderReply
	if err := json.Unmarshal(b, &r); err != nil {
		return r, err
	}
	if r.OrderID <= 0 {
		return r, errors.New("the answer has no orderId")
	}
	return r, nil
}

// DecodeStatuses reads GET /orders/statuses.
func DecodeStatuses(b []byte) (map[int]string, error) {
	var r struct {
		OrderStatuses []StatusRef `json:"orderStatuses"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	out := make(map[int]string, len(r.OrderStatuses))
	for _, s := range r.OrderStatuses {
		out[int(s.Number)] = s.Text
	}
	return out, nil
}

// Statuses returns the goods owner's order statuses by number, read once and
// cached (a failed read is tried again next time).
func (c *Client) Statuses(ctx context.Context) (map[int]string, error) {
	c.statusMu.Lock()
	defer c.statusMu.Unlock()
	if c.statuses != nil {
		return c.statuses, nil
	}
	resp, err := c.send(ctx, http.MethodGet, "/orders/statuses", c.owner(), nil, true)
	if err != nil {
		return nil, err
	}
	st, err := DecodeStatuses(resp.Body)
	if err != nil {
		return nil, &APIError{Account: c.name, Op: "GET /orders/statuses", Status: resp.Status, Message: "the answer is not a status list: " + err.Error(), NotJSON: true}
	}
	c.statuses = st
	return st, nil
}

// statusName names status n: the instance's own text, else the one the order
// carried, else the number.
func (c *Client) statusName(ctx context.Context, s StatusRef) string {
	if st, err := c.Statuses(ctx); err == nil {
		if t, ok := st[int(s.Number)]; ok && t != "" {
			return t
		}
	}
	if s.Text != "" {
		return s.Text
	}
	return strconv.Itoa(int(s.Number))
}

// Order reads one order by its orderId; a missing one is model.ErrGone
// (wrapped with the 404).
func (c *Client) Order(ctx context.Context, id int) (Order, error) {
	resp, err := c.send(ctx, http.MethodGet, "/orders/"+strconv.Itoa(id), nil, nil, true)
	if err != nil {
		if IsNotFound(err) {
			return Order{}, fmt.Errorf("ongoing: order %d: %w (%w)", id, model.ErrGone, err)
		}
		return Order{}, err
	}
	o, _, err := DecodeOrder(resp.Body)
	if err != nil {
		return o, &APIError{Account: c.name, Op: "GET /orders/{id}", Status: resp.Status, Message: fmt.Sprintf("order %d: %v", id, err), NotJSON: true}
	}
	return o, nil
}

// Orders reads the goods owner's orders matching q, a page at a time, with
// the server's time of the first answer (zero without a Date header).
func (c *Client) Orders(ctx context.Context, q url.Values, each func(items []Order, bad []error, server time.Time) error) error {
	qq := c.owner()
	for k, v := range q {
		qq[k] = v
	}
	return pages(ctx, c, "/orders", qq, "orderIdFrom", "maxOrdersToGet", DecodeOrder, each)
}

// FindOrder returns the goods owner's order with the number, if any.
func (c *Client) FindOrder(ctx context.Context, number string) (Order, bool, error) {
	var found Order
	ok := false
	err := c.Orders(ctx, url.Values{"orderNumber": {number}}, func(items []Order, _ []error, _ time.Time) error {
		for _, o := range items {
			if lower(string(o.OrderInfo.OrderNumber)) == lower(number) {
				found, ok = o, true
			}
		}
		return nil
	})
	return found, ok, err
}

// FindOrders reads the orders of the given numbers, 50 numbers a read
// (orderNumbers repeated), keyed by lower-cased number.
func (c *Client) FindOrders(ctx context.Context, numbers []string) (map[string]Order, error) {
	out := map[string]Order{}
	want := map[string]bool{}
	for _, n := range numbers {
		want[lower(n)] = true
	}
	for start := 0; start < len(numbers); start += 50 {
		q := url.Values{"orderNumbers": numbers[start:min(start+50, len(numbers))]}
		err := c.Orders(ctx, q, func(items []Order, _ []error, _ time.Time) error {
			for _, o := range items {
				if n := lower(string(o.OrderInfo.OrderNumber)); want[n] {
					out[n] = o
				}
			}
			return nil
		})
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// PutOrder upserts one order by its number: created is true for 201. An
// answer that may have committed is read back by the order number before the
// PUT is tried again.
func (c *Client) PutOrder(ctx context.Context, w OrderWrite) (id int, created bool, err error) {
	w.GoodsOwnerID = c.settings.GoodsOwnerID
	for attempt := 1; ; attempt++ {
		resp, err := c.send(ctx, http.MethodPut, "/orders", nil, w, false)
		if err == nil {
			r, err := DecodeOrderReply(resp.Body)
			if err != nil {
				return 0, false, &APIError{Account: c.name, Op: "PUT /orders", Status: resp.Status, Message: "order " + w.OrderNumber + ": " + err.Error() + ": " + remote.Excerpt(resp.Body, 200), NotJSON: true}
			}
			return int(r.OrderID), resp.Status == http.StatusCreated, nil
		}
		if !remote.IsAmbiguous(err) || attempt >= c.settings.MaxAttempts {
			return 0, false, err
		}
		o, ok, ferr := c.FindOrder(ctx, w.OrderNumber)
		if ferr != nil {
			return 0, false, errors.Join(err, ferr)
		}
		if ok && sameOrder(o, w) {
			return int(o.OrderInfo.OrderID), true, nil
		}
		if err := sleepCtx(ctx, time.Duration(attempt)*200*time.Millisecond); err != nil {
			return 0, false, err
		}
	}
}

// sameOrder reports whether o holds what w wrote, as far as GET shows: the
// remark, the consignee's name and the lines' articles and quantities.
func sameOrder(o Order, w OrderWrite) bool {
	if o.OrderInfo.OrderRemark != w.OrderRemark || o.Consignee.Name != w.Consignee.Name || len(o.OrderLines) != len(w.OrderLines) {
		return false
	}
	have := map[string]model.Decimal{}
	for _, l := range o.OrderLines {
		have[string(l.RowNumber)+"\x00"+lower(string(l.Article.ArticleNumber))] = l.OrderedNumberOfItems
	}
	for _, l := range w.OrderLines {
		if q, ok := have[l.RowNumber+"\x00"+lower(l.ArticleNumber)]; !ok || q != l.NumberOfItems {
			return false
		}
	}
	return true
}

// orderNumber is the Ongoing order number of an import (Settings.OrderNumber).
func (c *Client) orderNumber(imp model.OrderImport) string {
	if c.settings.OrderNumber == "ref" && imp.Ref != "" {
		return imp.Ref
	}
	return imp.Order.Number
}

// ImportOrders creates the orders the goods owner does not have: the page's
// order numbers are looked up first (one filtered read), so a repeat creates
// nothing; the articles the orders name are read once too. Orders naming
// articles the goods owner lacks are refused (UnknownArticlesError) instead of
// letting Ongoing create empty articles. Each new order is one PUT (the API
// takes one order a call).
func (c *Client) ImportOrders(ctx context.Context, imps []model.OrderImport) ([]model.WriteResult, error) {
	out := make([]model.WriteResult, len(imps))
	var numbers, articles []string
	seen := map[string]bool{}
	for _, imp := range imps {
		numbers = append(numbers, c.orderNumber(imp))
		if w, err := ToOrderWrite(imp, c.orderNumber(imp)); err == nil {
			for _, l := range w.OrderLines {
				if !seen[lower(l.ArticleNumber)] {
					seen[lower(l.ArticleNumber)] = true
					articles = append(articles, l.ArticleNumber)
				}
			}
		}
	}
	existing, err := c.FindOrders(ctx, numbers)
	if err != nil {
		return nil, err
	}
	known, err := c.FindArticles(ctx, articles)
	if err != nil {
		return nil, err
	}
	for i, imp := range imps {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		out[i] = c.importOne(ctx, imp, existing, known)
		if out[i].Err != nil && remote.IsTransient(out[i].Err) {
			// The warehouse is not answering: the rest would fail alike.
			for j := i + 1; j < len(imps); j++ {
				out[j].Err = out[i].Err
			}
			break
		}
	}
	return out, nil
}

func (c *Client) importOne(ctx context.Context, imp model.OrderImport, existing map[string]Order, known map[string]Article) model.WriteResult {
	number := c.orderNumber(imp)
	w, err := ToOrderWrite(imp, number)
	if err != nil {
		return model.WriteResult{Err: err}
	}
	if o, ok := existing[lower(number)]; ok {
		return model.WriteResult{RemoteID: strconv.Itoa(int(o.OrderInfo.OrderID)), Number: string(o.OrderInfo.OrderNumber)}
	}
	if err := missingArticles(w, known); err != nil {
		return model.WriteResult{Err: err}
	}
	id, created, err := c.PutOrder(ctx, w)
	if err != nil {
		return model.WriteResult{Err: err}
	}
	return model.WriteResult{RemoteID: strconv.Itoa(id), Number: number, Created: created}
}

// checkArticles reads the articles an order names and refuses it when the
// goods owner lacks one.
func (c *Client) checkArticles(ctx context.Context, w OrderWrite) error {
	var numbers []string
	for _, l := range w.OrderLines {
		numbers = append(numbers, l.ArticleNumber)
	}
	if len(numbers) == 0 {
		return nil
	}
	known, err := c.FindArticles(ctx, numbers)
	if err != nil {
		return err
	}
	return missingArticles(w, known)
}

// missingArticles refuses an order whose lines name articles the goods owner
// does not have (known: the articles found by number).
func missingArticles(w OrderWrite, known map[string]Article) error {
	var missing []string
	seen := map[string]bool{}
	for _, l := range w.OrderLines {
		if seen[lower(l.ArticleNumber)] {
			continue
		}
		seen[lower(l.ArticleNumber)] = true
		if _, ok := known[l.ArticleNumber]; !ok {
			missing = append(missing, l.ArticleNumber)
		}
	}
	if len(missing) > 0 {
		return &UnknownArticlesError{OrderNumber: w.OrderNumber, Articles: missing}
	}
	return nil
}

// started returns the refusal for an order the warehouse has started, or nil.
func (c *Client) started(ctx context.Context, op string, o Order) error {
	n := int(o.OrderInfo.OrderStatus.Number)
	if n < c.settings.StartedStatus {
		return nil
	}
	return &StartedError{Op: op, OrderNumber: string(o.OrderInfo.OrderNumber), OrderID: int(o.OrderInfo.OrderID), Status: n, StatusName: c.statusName(ctx, o.OrderInfo.OrderStatus)}
}

// UpdateOrder replaces the order with imp while the warehouse has not started
// on it; once it has, the refusal is a StartedError (needs_action) naming the
// order and its status. An order gone from Ongoing is model.ErrGone.
func (c *Client) UpdateOrder(ctx context.Context, remoteID string, imp model.OrderImport) error {
	id, err := strconv.Atoi(remoteID)
	if err != nil {
		return fmt.Errorf("ongoing: order id %q is not a number: %w", remoteID, model.ErrGone)
	}
	o, err := c.Order(ctx, id)
	if err != nil {
		return err
	}
	if err := c.started(ctx, "update", o); err != nil {
		return err
	}
	// Keep the number the order has in Ongoing (a setting change must not
	// make a second order).
	w, err := ToOrderWrite(imp, string(o.OrderInfo.OrderNumber))
	if err != nil {
		return err
	}
	if err := c.checkArticles(ctx, w); err != nil {
		return err
	}
	_, _, err = c.PutOrder(ctx, w)
	if err != nil && statusOf(err) >= 400 && statusOf(err) < 500 {
		// Refused: maybe the warehouse started in between. Say so if it did.
		if o2, gerr := c.Order(ctx, id); gerr == nil {
			if serr := c.started(ctx, "update", o2); serr != nil {
				return serr
			}
		}
	}
	return err
}

// CancelOrder cancels the order with DELETE while the warehouse has not
// started on it; after, a StartedError (needs_action). A cancelled order is
// success; a missing one model.ErrGone.
func (c *Client) CancelOrder(ctx context.Context, remoteID string, _ model.OrderImport) error {
	id, err := strconv.Atoi(remoteID)
	if err != nil {
		return fmt.Errorf("ongoing: order id %q is not a number: %w", remoteID, model.ErrGone)
	}
	o, err := c.Order(ctx, id)
	if err != nil {
		return err
	}
	if c.cancelled(ctx, o) {
		return nil
	}
	if err := c.started(ctx, "cancel", o); err != nil {
		return err
	}
	// DELETE cancels; cancelling again answers success, so it may be retried.
	_, err = c.send(ctx, http.MethodDelete, "/orders/"+strconv.Itoa(id), nil, nil, true)
	if err != nil && statusOf(err) >= 400 && statusOf(err) < 500 {
		if o2, gerr := c.Order(ctx, id); gerr == nil {
			if c.cancelled(ctx, o2) {
				return nil
			}
			if serr := c.started(ctx, "cancel", o2); serr != nil {
				return serr
			}
		}
	}
	return err
}

// cancelled reports an order in the instance's cancelled status: 1000, or a
// status whose name says cancelled.
func (c *Client) cancelled(ctx context.Context, o Order) bool {
	if o.OrderInfo.OrderStatus.Number == 1000 {
		return true
	}
	name := lower(c.statusName(ctx, o.OrderInfo.OrderStatus))
	return strings.HasPrefix(name, "cancel") || strings.HasPrefix(name, "makul")
}

// OrderStates reads the orders' status names for the dashboard, by order id.
// Orders that cannot be read are left out.
func (c *Client) OrderStates(ctx context.Context, ids []string) (map[string]model.TargetOrderState, error) {
	out := map[string]model.TargetOrderState{}
	for _, s := range ids {
		id, err := strconv.Atoi(s)
		if err != nil {
			continue
		}
		o, err := c.Order(ctx, id)
		if errors.Is(err, model.ErrGone) {
			out[s] = model.TargetOrderState{State: "deleted in Ongoing"}
			continue
		}
		if err != nil {
			return out, err
		}
		st := model.TargetOrderState{State: c.statusName(ctx, o.OrderInfo.OrderStatus), Delivery: "not delivered"}
		if !o.OrderInfo.ShippedTime.IsZero() {
			st.Delivery = "delivered"
		}
		out[s] = st
	}
	return out, nil
}

// ToOrderWrite maps an order import to PUT /orders per seed 002: order number
// as given, goods owner order id = the shop's order id, reference number =
// the route's reference, customer price = total, remark = the order's note
// (the shop's public comments), way of delivery = the carrier the route
// mapped, consignee from the shipping address (name = first + last name or
// the company), e-mail and mobile as notifications, and one line per product
// line: row number and external id = the line's id, number of items = the
// quantity, line price and customs value = unit price × quantity. Shipping,
// payment and discount lines are the shop's money, not the warehouse's goods.
func ToOrderWrite(imp model.OrderImport, number string) (OrderWrite, error) {
	o := imp.Order
	if number == "" {
		return OrderWrite{}, errors.New("ongoing: the order has no number")
	}
	addr := o.Shipping
	if addr.Street == "" && addr.City == "" {
		addr = o.Billing
	}
	name := addr.FirstName
	if addr.LastName != "" {
		name = strings.TrimSpace(name + " " + addr.LastName)
	}
	if name == "" {
		name = addr.Company
	}
	if name == "" {
		name = addr.FullName()
	}
	w := OrderWrite{
		OrderNumber: number, GoodsOwnerOrderID: o.ID, ReferenceNumber: imp.Ref, OrderRemark: o.Note,
		CustomerPrice: ptr(o.Total),
		Consignee: Consignee{
			CustomerNumber: orStr(o.Customer.ID, o.Customer.Email), Name: name, Address1: addr.Street, Address2: addr.Street2,
			PostCode: Str(addr.PostalCode), City: addr.City, CountryCode: strings.ToUpper(addr.Country), CountryState: addr.State,
		},
	}
	if !o.CreatedAt.IsZero() {
		w.DeliveryDate = o.CreatedAt.UTC().Format("2006-01-02")
	}
	if imp.Carrier != "" {
		w.WayOfDelivery = &CodeName{Code: imp.Carrier}
	}
	if email := orStr(addr.Email, o.Customer.Email); email != "" {
		w.EmailNotification = &Notification{ToBeNotified: true, Value: email}
	}
	if phone := orStr(addr.Phone, o.Customer.Phone); phone != "" {
		w.SMSNotification = &Notification{ToBeNotified: true, Value: phone}
	}
	if o.Currency != "" {
		w.CustomsInfo = &CustomsInfo{CustomsValueCurrencyCode: o.Currency}
	}
	rows := map[string]bool{}
	for i, l := range o.Lines {
		if l.Kind != model.LineProduct && l.Kind != "" {
			continue
		}
		if l.SKU == "" {
			return OrderWrite{}, fmt.Errorf("ongoing: order %s: line %q has no SKU (article number)", number, l.Name)
		}
		row := l.ID
		if row == "" || rows[row] {
			row = strconv.Itoa(i + 1)
		}
		rows[row] = true
		total := l.UnitPrice.Mul(l.Quantity)
		w.OrderLines = append(w.OrderLines, OrderLineWrite{
			RowNumber: row, ArticleNumber: l.SKU, NumberOfItems: l.Quantity, ExternalID: l.ID,
			LineTotalCustomsValue: ptr(total), Prices: &LinePrices{LinePrice: ptr(total), CurrencyCode: o.Currency},
		})
	}
	if len(w.OrderLines) == 0 {
		return OrderWrite{}, fmt.Errorf("ongoing: order %s has no product lines", number)
	}
	return w, nil
}

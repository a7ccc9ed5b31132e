package ongoing

import (
	"fmt"
	"net/http"
	"time"
)

func init() {
	handle(http.MethodGet, "/orders", getOrders)
	handle(http.MethodPut, "/orders", putOrder)
	handle(http.MethodDelete, "/orders", deleteOrderByNumber)
	handle(http.MethodGet, "/orders/statuses", getOrderStatuses)
	handle(http.MethodGet, "/orders/{orderId}", getOrder)
	handle(http.MethodPut, "/orders/{orderId}", putOrderByID)
	handle(http.MethodDelete, "/orders/{orderId}", deleteOrder)
}

// postOrder is PostOrderModel, the body of PUT /orders (§2.5).
type postOrder struct {
	GoodsOwnerID          num            `json:"goodsOwnerId"`
	OrderNumber           str            `json:"orderNumber"`
	DeliveryDate          str            `json:"deliveryDate"`
	ReferenceNumber       str            `json:"referenceNumber"`
	GoodsOwnerOrderID     str            `json:"goodsOwnerOrderId"`
	SalesCode             str            `json:"salesCode"`
	OrderRemark           str            `json:"orderRemark"`
	DeliveryInstruction   str            `json:"deliveryInstruction"`
	ServicePointCode      str            `json:"servicePointCode"`
	FreeText1             str            `json:"freeText1"`
	FreeText2             str            `json:"freeText2"`
	FreeText3             str            `json:"freeText3"`
	OrderType             *codeName      `json:"orderType"`
	WayOfDelivery         *codeName      `json:"wayOfDelivery"`
	Consignee             *consigneeIn   `json:"consignee"`
	EmailNotification     *notification  `json:"emailNotification"`
	SmsNotification       *notification  `json:"smsNotification"`
	TelephoneNotification *notification  `json:"telephoneNotification"`
	Transporter           *transporterIn `json:"transporter"`
	ReturnTransporter     *transporterIn `json:"returnTransporter"`
	CustomsInfo           *struct {
		CustomsValueCurrencyCode str `json:"customsValueCurrencyCode"`
	} `json:"customsInfo"`
	CustomerPrice        num           `json:"customerPrice"`
	FreightPrice         num           `json:"freightPrice"`
	ConsigneeOrderNumber str           `json:"consigneeOrderNumber"`
	WarehouseInstruction str           `json:"warehouseInstruction"`
	PickingPriority      num           `json:"pickingPriority"`
	OrderLines           []orderLineIn `json:"orderLines"`
}

type consigneeIn struct {
	CustomerNumber     str `json:"customerNumber"`
	Name               str `json:"name"`
	Address1           str `json:"address1"`
	Address2           str `json:"address2"`
	Address3           str `json:"address3"`
	PostCode           str `json:"postCode"`
	City               str `json:"city"`
	CountryCode        str `json:"countryCode"`
	CountryStateCode   str `json:"countryStateCode"`
	Remark             str `json:"remark"`
	DoorCode           str `json:"doorCode"`
	OrganisationNumber str `json:"organisationNumber"`
	VatNumber          str `json:"vatNumber"`
}

type notification struct {
	ToBeNotified bool `json:"toBeNotified"`
	Value        str  `json:"value"`
}

type transporterIn struct {
	TransporterCode        str `json:"transporterCode"`
	TransporterServiceCode str `json:"transporterServiceCode"`
}

type orderLineIn struct {
	RowNumber             str   `json:"rowNumber"`
	ArticleNumber         str   `json:"articleNumber"`
	NumberOfItems         num   `json:"numberOfItems"`
	Comment               str   `json:"comment"`
	ShouldBePicked        *bool `json:"shouldBePicked"`
	SerialNumber          str   `json:"serialNumber"`
	BatchNumber           str   `json:"batchNumber"`
	LineTotalCustomsValue num   `json:"lineTotalCustomsValue"`
	Prices                *struct {
		LinePrice          num `json:"linePrice"`
		CustomerLinePrice  num `json:"customerLinePrice"`
		CurrencyCode       str `json:"currencyCode"`
		DiscountPercentage num `json:"discountPercentage"`
	} `json:"prices"`
	CustomerArticleNumber str `json:"customerArticleNumber"`
	ExternalID            str `json:"externalId"`
}

// order is one outbound order with the warehouse's progress on it.
type order struct {
	id, customerID                        int
	number                                string
	in                                    postOrder
	status                                int
	created, updated, statusChanged, sent time.Time
	wayBill, returnWayBill                string
	transporter                           transporterIn // as posted, or set by the warehouse at shipping
	lines                                 []*orderLine
	parcels                               []*parcel
	tracking                              []*trackingRow
	shipmentID                            int  // set at shipping (currentShipmentId)
	pickedFired                           bool // the picked webhook went out
}

type orderLine struct {
	id, articleID              int
	in                         orderLineIn
	allocated, picked, packed  float64
	reported, reportedReturned *float64
	returned                   float64
	items                      []pickedItem
}

type pickedItem struct {
	id                 int
	n                  float64
	inDate, pickedTime time.Time
	location, serial   string
}

type parcel struct {
	id          int
	number, url string
	isReturn    bool
}

type trackingRow struct {
	waybill, url string
	isReturn     bool
	created      time.Time
}

// decodeOrder decodes and validates a PUT /orders body.
func decodeOrder(body []byte) (postOrder, *apiErr) {
	var in postOrder
	if e := decodeBody(body, &in); e != nil {
		return in, e
	}
	m := modelErrs{}
	if !in.GoodsOwnerID.set {
		m.add("model.goodsOwnerId", "The goodsOwnerId field is required.")
	}
	if in.OrderNumber.String() == "" {
		m.add("model.orderNumber", "The orderNumber field is required.")
	}
	if d, err := parseDate(in.DeliveryDate.String()); err != nil {
		m.add("model.deliveryDate", "%v", err)
	} else if d == "" {
		m.add("model.deliveryDate", "The deliveryDate field is required.")
	} else {
		in.DeliveryDate = str(d)
	}
	if in.Consignee == nil {
		m.add("model.consignee", "The consignee field is required.")
	}
	rows := map[string]bool{}
	for i, l := range in.OrderLines {
		p := fmt.Sprintf("model.orderLines[%d]", i)
		switch r := l.RowNumber.String(); {
		case r == "":
			m.add(p+".rowNumber", "The rowNumber field is required.")
		case rows[key(r)]:
			m.add(p+".rowNumber", "Row number %s occurs more than once on the order.", r)
		default:
			rows[key(r)] = true
		}
		if l.ArticleNumber.String() == "" {
			m.add(p+".articleNumber", "The articleNumber field is required.")
		}
		if !l.NumberOfItems.set {
			m.add(p+".numberOfItems", "The numberOfItems field is required.")
		} else if l.NumberOfItems.v < 0 {
			m.add(p+".numberOfItems", "numberOfItems must not be negative.")
		}
	}
	in.OrderNumber = str(in.OrderNumber.String())
	return in, m.err()
}

func putOrder(s *Server, q *req) (reply, *apiErr) {
	in, e := decodeOrder(q.body)
	if e != nil {
		return reply{}, e
	}
	if e := s.checkOwner(int(in.GoodsOwnerID.v)); e != nil {
		return reply{}, e
	}
	o := s.st.ordByNumber[key(in.OrderNumber.String())]
	return s.upsertOrder(o, in, q.now)
}

func putOrderByID(s *Server, q *req) (reply, *apiErr) {
	o, e := s.orderByID(q)
	if e != nil {
		return reply{}, e
	}
	in, e := decodeOrder(q.body)
	if e != nil {
		return reply{}, e
	}
	if e := s.checkOwner(int(in.GoodsOwnerID.v)); e != nil {
		return reply{}, e
	}
	if other := s.st.ordByNumber[key(in.OrderNumber.String())]; other != nil && other != o {
		return reply{}, invalid(map[string][]string{"model.orderNumber": {"Order number " + in.OrderNumber.String() + " is already used by order " + itoa(other.id) + "."}})
	}
	return s.upsertOrder(o, in, q.now)
}

// upsertOrder creates the order (o nil) or replaces it with in: every field and
// the line set, lines keyed by rowNumber keep their ids. An order the warehouse
// has started is refused (doc.go).
func (s *Server) upsertOrder(o *order, in postOrder, now time.Time) (reply, *apiErr) {
	code := http.StatusOK
	if o == nil {
		o = &order{id: s.st.next("order"), status: StatusOpen, created: now, statusChanged: now}
		code = http.StatusCreated
	} else if started(o.status) {
		return reply{}, errf(http.StatusBadRequest, "Order number %s can not be updated since the warehouse has started working on it (order status %d %s).",
			o.number, o.status, statusText(o.status))
	}
	var msg string
	if c := in.Consignee; c != nil && c.CustomerNumber.String() != "" {
		id, ok := s.st.customers[key(c.CustomerNumber.String())]
		if !ok {
			id = s.st.next("customer")
			s.st.customers[key(c.CustomerNumber.String())] = id
		}
		o.customerID = id
		// The samples say "created" also for a customer that existed.
		msg = fmt.Sprintf("Customer with customer number '%s' and ID '%d' created. <br/> <br/>", c.CustomerNumber.String(), id)
	}
	old := map[string]*orderLine{}
	for _, l := range o.lines {
		old[key(l.in.RowNumber.String())] = l
		s.touchStock(l.articleID, now)
	}
	lines := make([]*orderLine, 0, len(in.OrderLines))
	for _, li := range in.OrderLines {
		a := s.st.artByNumber[key(li.ArticleNumber.String())]
		if a == nil {
			a = s.newArticle(li.ArticleNumber.String(), now) // created on the fly, name ""
		}
		l := old[key(li.RowNumber.String())]
		if l == nil {
			l = &orderLine{id: s.st.next("line")}
		}
		l.in, l.articleID = li, a.id
		lines = append(lines, l)
		s.touchStock(a.id, now)
	}
	if code == http.StatusOK && o.number != in.OrderNumber.String() {
		delete(s.st.ordByNumber, key(o.number))
		s.st.ordByNumber[key(in.OrderNumber.String())] = o
	}
	o.in, o.number, o.lines, o.updated = in, in.OrderNumber.String(), lines, now
	o.transporter = transporterIn{}
	if in.Transporter != nil {
		o.transporter = *in.Transporter
	}
	if code == http.StatusCreated {
		s.st.addOrder(o)
		s.orderEvent(o, TriggerCreated, now)
	}
	msg += "Order number " + o.number + " created/updated"
	return reply{code: code, body: orderResponse{OrderID: o.id, Message: msg}}, nil
}

// orderResponse is PostOrderResponse / PatchOrderResponse: {orderId, message}.
type orderResponse struct {
	OrderID int    `json:"orderId"`
	Message string `json:"message"`
}

func (s *Server) orderByID(q *req) (*order, *apiErr) {
	o := s.st.ordByID[q.id("orderId")]
	if o == nil {
		return nil, errf(http.StatusNotFound, "No order with orderId %d was found.", q.id("orderId"))
	}
	return o, nil
}

func getOrder(s *Server, q *req) (reply, *apiErr) {
	o, e := s.orderByID(q)
	if e != nil {
		return reply{}, e
	}
	return reply{code: http.StatusOK, body: s.renderOrder(o)}, nil
}

func getOrders(s *Server, q *req) (reply, *apiErr) {
	if e := s.ownerFromQuery(q); e != nil {
		return reply{}, e
	}
	from, max, e := q.q.page("orderIdFrom", "maxOrdersToGet")
	if e != nil {
		return reply{}, e
	}
	f, e := orderFilterFrom(q.q)
	if e != nil {
		return reply{}, e
	}
	page := fromID(s.st.orders, func(o *order) int { return o.id }, from, max, f.keep)
	out := make([]orderOut, 0, len(page))
	for _, o := range page {
		out = append(out, s.renderOrder(o))
	}
	return reply{code: http.StatusOK, body: out}, nil
}

// orderFilter is the GET /orders filters the sandbox implements (§2.2). Every
// time bound is inclusive.
type orderFilter struct {
	numbers, goodsOwnerOrderIDs, articleNumbers                             map[string]bool
	updatedFrom, statusFrom, createdFrom, createdTo, shippedFrom, shippedTo time.Time
	statusMin, statusMax                                                    int
	hasStatusMin, hasStatusMax                                              bool
}

func orderFilterFrom(q query) (orderFilter, *apiErr) {
	f := orderFilter{
		numbers:            set(append(q.list("orderNumber"), q.list("orderNumbers")...)),
		goodsOwnerOrderIDs: set(q.list("goodsOwnerOrderId")),
		articleNumbers:     set(q.list("articleNumbers")),
	}
	for name, dst := range map[string]*time.Time{
		"orderUpdatedTimeFrom": &f.updatedFrom, "orderStatusChangedTimeFrom": &f.statusFrom,
		"orderCreatedTimeFrom": &f.createdFrom, "orderCreatedTimeTo": &f.createdTo,
		"shippedTimeFrom": &f.shippedFrom, "shippedTimeTo": &f.shippedTo,
	} {
		t, e := q.time(name)
		if e != nil {
			return f, e
		}
		*dst = t
	}
	var e *apiErr
	if f.statusMin, f.hasStatusMin, e = q.int("orderStatusFrom"); e != nil {
		return f, e
	}
	f.statusMax, f.hasStatusMax, e = q.int("orderStatusTo")
	return f, e
}

func (f orderFilter) keep(o *order) bool {
	if f.numbers != nil && !f.numbers[key(o.number)] {
		return false
	}
	if f.goodsOwnerOrderIDs != nil && !f.goodsOwnerOrderIDs[key(o.in.GoodsOwnerOrderID.String())] {
		return false
	}
	if f.articleNumbers != nil {
		found := false
		for _, l := range o.lines {
			found = found || f.articleNumbers[key(l.in.ArticleNumber.String())]
		}
		if !found {
			return false
		}
	}
	if (f.hasStatusMin && o.status < f.statusMin) || (f.hasStatusMax && o.status > f.statusMax) {
		return false
	}
	return after(o.updated, f.updatedFrom) && after(o.statusChanged, f.statusFrom) &&
		after(o.created, f.createdFrom) && before(o.created, f.createdTo) &&
		after(o.sent, f.shippedFrom) && before(o.sent, f.shippedTo)
}

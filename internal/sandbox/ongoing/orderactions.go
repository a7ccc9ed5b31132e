package ongoing

import (
	"net/http"
	"time"
)

func init() {
	handle(http.MethodPatch, "/orders/{orderId}/orderStatus", patchOrderStatus)
	handle(http.MethodPatch, "/orders/{orderId}/deliveryDate", patchDeliveryDate)
	handle(http.MethodPatch, "/orders/{orderId}/orderNumber", patchOrderNumber)
	handle(http.MethodPatch, "/orders/{orderId}/servicePointCode", patchServicePoint)
	handle(http.MethodPatch, "/orders/{orderId}/transporter", patchTransporter)
	handle(http.MethodPatch, "/orders/{orderId}/waybill", patchWaybill)
	handle(http.MethodPatch, "/orders/{orderId}/returnWaybill", patchReturnWaybill)
	handle(http.MethodPatch, "/orders/{orderId}/lines/{lineId}/reportedNumberOfItems", patchReported)
	handle(http.MethodPatch, "/orders/{orderId}/lines/{lineId}/reportedReturnedNumberOfItems", patchReportedReturned)
	handle(http.MethodPatch, "/orders/{orderId}/setReportedNumberOfItemsToPickedNumberOfItems", patchReportAllPicked)
	handle(http.MethodPut, "/orders/{orderId}/orderTracking", putOrderTracking)
	handle(http.MethodPut, "/orders/{orderId}/parcels", putParcel)
	handle(http.MethodGet, "/transporterContracts", getTransporterContracts)
	handle(http.MethodGet, "/warehouses", getWarehouses)
}

// cancelOrder is DELETE: cancel (status 1000) while the warehouse has not
// started; the order stays readable. Cancelling a cancelled order answers the
// same again.
func (s *Server) cancelOrder(o *order, now time.Time) (reply, *apiErr) {
	if o.status != StatusCancelled {
		if started(o.status) {
			return reply{}, errf(http.StatusBadRequest, "Order number %s can not be cancelled since the warehouse has started working on it (order status %d %s).",
				o.number, o.status, statusText(o.status))
		}
		s.cancel(o, now)
	}
	return reply{code: http.StatusOK, body: orderResponse{OrderID: o.id, Message: "Order number " + o.number + " cancelled"}}, nil
}

func deleteOrder(s *Server, q *req) (reply, *apiErr) {
	o, e := s.orderByID(q)
	if e != nil {
		return reply{}, e
	}
	return s.cancelOrder(o, q.now)
}

func deleteOrderByNumber(s *Server, q *req) (reply, *apiErr) {
	if e := s.ownerFromQuery(q); e != nil {
		return reply{}, e
	}
	n := q.q.get("orderNumber")
	if n == "" {
		return reply{}, invalid(map[string][]string{"orderNumber": {"The orderNumber field is required."}})
	}
	o := s.st.ordByNumber[key(n)]
	if o == nil {
		return reply{}, errf(http.StatusNotFound, "No order with order number %s was found.", n)
	}
	return s.cancelOrder(o, q.now)
}

// patch runs one PATCH /orders/{orderId}/… : decode the body into v, refuse an
// order the warehouse has started when locked, apply, answer {orderId, message}.
func patch[T any](s *Server, q *req, locked bool, what string, apply func(o *order, v T) *apiErr) (reply, *apiErr) {
	o, e := s.orderByID(q)
	if e != nil {
		return reply{}, e
	}
	var v T
	if e := decodeBody(q.body, &v); e != nil {
		return reply{}, e
	}
	if locked && started(o.status) {
		return reply{}, errf(http.StatusBadRequest, "The %s of order number %s can not be changed since the warehouse has started working on it (order status %d %s).",
			what, o.number, o.status, statusText(o.status))
	}
	if e := apply(o, v); e != nil {
		return reply{}, e
	}
	o.updated = q.now
	return reply{code: http.StatusOK, body: orderResponse{OrderID: o.id, Message: "Order number " + o.number + ": " + what + " updated"}}, nil
}

func patchOrderStatus(s *Server, q *req) (reply, *apiErr) {
	return patch(s, q, false, "order status", func(o *order, v struct {
		OrderStatusNumber num `json:"orderStatusNumber"`
	}) *apiErr {
		if !v.OrderStatusNumber.set {
			return invalid(map[string][]string{"model.orderStatusNumber": {"The orderStatusNumber field is required."}})
		}
		n := int(v.OrderStatusNumber.v)
		if n == StatusCancelled { // the client's cancel follows DELETE's rule
			_, e := s.cancelOrder(o, q.now)
			return e
		}
		if err := s.moveTo(o, n, q.now); err != nil {
			return errf(http.StatusBadRequest, "%s", err.Error())
		}
		return nil
	})
}

func patchDeliveryDate(s *Server, q *req) (reply, *apiErr) {
	return patch(s, q, true, "delivery date", func(o *order, v struct {
		DeliveryDate str `json:"deliveryDate"`
	}) *apiErr {
		d, err := parseDate(v.DeliveryDate.String())
		if err != nil || d == "" {
			return invalid(map[string][]string{"model.deliveryDate": {"A valid deliveryDate is required."}})
		}
		o.in.DeliveryDate = str(d)
		return nil
	})
}

func patchOrderNumber(s *Server, q *req) (reply, *apiErr) {
	return patch(s, q, true, "order number", func(o *order, v struct {
		OrderNumber str `json:"orderNumber"`
	}) *apiErr {
		n := v.OrderNumber.String()
		if n == "" {
			return invalid(map[string][]string{"model.orderNumber": {"The orderNumber field is required."}})
		}
		if other := s.st.ordByNumber[key(n)]; other != nil && other != o {
			return invalid(map[string][]string{"model.orderNumber": {"Order number " + n + " is already used by order " + itoa(other.id) + "."}})
		}
		delete(s.st.ordByNumber, key(o.number))
		o.number, o.in.OrderNumber = n, str(n)
		s.st.ordByNumber[key(n)] = o
		return nil
	})
}

func patchServicePoint(s *Server, q *req) (reply, *apiErr) {
	return patch(s, q, true, "service point code", func(o *order, v struct {
		ServicePointCode str `json:"servicePointCode"`
	}) *apiErr {
		o.in.ServicePointCode = v.ServicePointCode
		return nil
	})
}

func patchTransporter(s *Server, q *req) (reply, *apiErr) {
	return patch(s, q, true, "transporter", func(o *order, v transporterIn) *apiErr {
		o.transporter = v
		o.in.Transporter = &v
		return nil
	})
}

func patchWaybill(s *Server, q *req) (reply, *apiErr) {
	return patch(s, q, false, "waybill", func(o *order, v struct {
		Waybill str `json:"waybill"`
	}) *apiErr {
		o.wayBill = v.Waybill.String()
		return nil
	})
}

func patchReturnWaybill(s *Server, q *req) (reply, *apiErr) {
	return patch(s, q, false, "return waybill", func(o *order, v struct {
		ReturnWaybill str `json:"returnWaybill"`
	}) *apiErr {
		o.returnWayBill = v.ReturnWaybill.String()
		return nil
	})
}

func (s *Server) line(o *order, q *req) (*orderLine, *apiErr) {
	for _, l := range o.lines {
		if l.id == q.id("lineId") {
			return l, nil
		}
	}
	return nil, errf(http.StatusNotFound, "Order %d has no order line %d.", o.id, q.id("lineId"))
}

func patchReported(s *Server, q *req) (reply, *apiErr) {
	return patch(s, q, false, "reported number of items", func(o *order, v struct {
		ReportedNumberOfItems num `json:"reportedNumberOfItems"`
	}) *apiErr {
		l, e := s.line(o, q)
		if e != nil {
			return e
		}
		l.reported = numPtr(v.ReportedNumberOfItems)
		return nil
	})
}

func patchReportedReturned(s *Server, q *req) (reply, *apiErr) {
	return patch(s, q, false, "reported returned number of items", func(o *order, v struct {
		ReportedReturnedNumberOfItems num `json:"reportedReturnedNumberOfItems"`
	}) *apiErr {
		l, e := s.line(o, q)
		if e != nil {
			return e
		}
		l.reportedReturned = numPtr(v.ReportedReturnedNumberOfItems)
		return nil
	})
}

func patchReportAllPicked(s *Server, q *req) (reply, *apiErr) {
	if len(q.body) == 0 {
		q.body = []byte("{}")
	}
	return patch(s, q, false, "reported number of items", func(o *order, _ struct{}) *apiErr {
		for _, l := range o.lines {
			p := l.picked
			l.reported = &p
		}
		return nil
	})
}

func numPtr(n num) *float64 {
	if !n.set {
		return nil
	}
	v := n.v
	return &v
}

// putOrderTracking is PUT /orders/{orderId}/orderTracking: create or update a
// waybill (keyed by waybill) on an order; the first non-return one also becomes
// orderInfo.wayBill when that is empty, a return one orderInfo.returnWayBill.
func putOrderTracking(s *Server, q *req) (reply, *apiErr) {
	o, e := s.orderByID(q)
	if e != nil {
		return reply{}, e
	}
	var v struct {
		Waybill          str  `json:"waybill"`
		TrackingURL      str  `json:"trackingUrl"`
		IsReturnTracking bool `json:"isReturnTracking"`
	}
	if e := decodeBody(q.body, &v); e != nil {
		return reply{}, e
	}
	if v.Waybill.String() == "" {
		return reply{}, invalid(map[string][]string{"model.waybill": {"The waybill field is required."}})
	}
	var row *trackingRow
	for _, t := range o.tracking {
		if t.waybill == v.Waybill.String() && t.isReturn == v.IsReturnTracking {
			row = t
		}
	}
	if row == nil {
		row = &trackingRow{waybill: v.Waybill.String(), isReturn: v.IsReturnTracking, created: q.now}
		o.tracking = append(o.tracking, row)
	}
	row.url = v.TrackingURL.String()
	switch {
	case v.IsReturnTracking:
		o.returnWayBill = row.waybill
	case o.wayBill == "":
		o.wayBill = row.waybill
	}
	o.updated = q.now
	return reply{code: http.StatusOK, body: struct {
		Success bool   `json:"success"`
		Message string `json:"message"`
	}{true, "Waybill " + row.waybill + " saved on order number " + o.number}}, nil
}

// putParcel is PUT /orders/{orderId}/parcels: create or update (keyed by
// parcelNumber) a parcel; transportAdministrationType "return" makes a return
// parcel.
func putParcel(s *Server, q *req) (reply, *apiErr) {
	o, e := s.orderByID(q)
	if e != nil {
		return reply{}, e
	}
	var v struct {
		ParcelNumber                str `json:"parcelNumber"`
		TransportAdministrationType str `json:"transportAdministrationType"`
	}
	if e := decodeBody(q.body, &v); e != nil {
		return reply{}, e
	}
	if v.ParcelNumber.String() == "" {
		return reply{}, invalid(map[string][]string{"model.parcelNumber": {"The parcelNumber field is required."}})
	}
	var p *parcel
	for _, x := range o.parcels {
		if x.number == v.ParcelNumber.String() {
			p = x
		}
	}
	if p == nil {
		p = &parcel{id: s.st.next("parcel"), number: v.ParcelNumber.String()}
		o.parcels = append(o.parcels, p)
	}
	p.isReturn = key(v.TransportAdministrationType.String()) == "return"
	o.updated = q.now
	return reply{code: http.StatusOK, body: struct {
		ParcelID int    `json:"parcelId"`
		Success  bool   `json:"success"`
		Message  string `json:"message"`
	}{p.id, true, "Parcel " + p.number + " saved on order number " + o.number}}, nil
}

type transporterContract struct {
	EdiCode                string `json:"ediCode"`
	TransporterName        string `json:"transporterName"`
	TransporterCode        string `json:"transporterCode"`
	TransporterServiceCode string `json:"transporterServiceCode"`
	TransporterServices    []struct {
		TransporterServiceName string `json:"transporterServiceName"`
		TransporterServiceCode string `json:"transporterServiceCode"`
	} `json:"transporterServices"`
}

// transporterContracts are the contracts of GET_transporterContracts.response.json
// plus Posti, a Finnish merchant's usual carrier.
var transporterContracts = func() []transporterContract {
	mk := func(name, code string, services ...string) transporterContract {
		c := transporterContract{TransporterName: name, TransporterCode: code}
		for i := 0; i+1 < len(services); i += 2 {
			c.TransporterServices = append(c.TransporterServices, struct {
				TransporterServiceName string `json:"transporterServiceName"`
				TransporterServiceCode string `json:"transporterServiceCode"`
			}{services[i], services[i+1]})
		}
		return c
	}
	return []transporterContract{
		mk("DB Schenker", "SBTL", "DB SCHENKERdirect", "BDI", "DB SCHENKERparcel", "BPA", "DB SCHENKERsystem", "BCF"),
		mk("PostNord Sweden AB", "PLAB", "PostNord Groupage", "P83", "PostNord MyPack Collect", "P19", "PostNord Pallet", "P52",
			"PostNord Parcel (Nordic)", "P18", "PostNord Return Drop Off (within Sweden)", "P24"),
		mk("Posti Oy", "POSTI", "Posti Parcel", "2103", "Posti Express", "2102", "Posti Parcel Locker", "2106"),
	}
}()

func getTransporterContracts(s *Server, q *req) (reply, *apiErr) {
	if e := s.ownerFromQuery(q); e != nil {
		return reply{}, e
	}
	return reply{code: http.StatusOK, body: transporterContracts}, nil
}

func getWarehouses(s *Server, q *req) (reply, *apiErr) {
	return reply{code: http.StatusOK, body: []struct {
		ID   int    `json:"id"`
		Code string `json:"code"`
		Name string `json:"name"`
	}{{s.opts.WarehouseID, "WH" + itoa(s.opts.WarehouseID), "Sandbox warehouse"}}}, nil
}

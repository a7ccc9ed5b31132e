package ongoing

import "strconv"

// orderOut is GetOrderModel, field for field as GET_orders_by_id.response.json
// plus tracking and parcel tracking from GET_orders_tracking.oas.shape.json.
type orderOut struct {
	GoodsOwner        goodsOwner      `json:"goodsOwner"`
	OrderInfo         orderInfoOut    `json:"orderInfo"`
	Consignee         consigneeOut    `json:"consignee"`
	Parcels           []parcelOut     `json:"parcels"`
	OrderLines        []orderLineOut  `json:"orderLines"`
	Transporter       *transporterOut `json:"transporter"`
	ReturnTransporter *transporterOut `json:"returnTransporter"`
	Tracking          []trackingOut   `json:"tracking"`
}

type orderInfoOut struct {
	OrderID                int             `json:"orderId"`
	OrderNumber            string          `json:"orderNumber"`
	GoodsOwnerOrderID      string          `json:"goodsOwnerOrderId"`
	ReferenceNumber        string          `json:"referenceNumber"`
	SalesCode              string          `json:"salesCode"`
	OrderRemark            string          `json:"orderRemark"`
	DeliveryInstruction    string          `json:"deliveryInstruction"`
	ServicePointCode       string          `json:"servicePointCode"`
	FreeText1              string          `json:"freeText1"`
	FreeText2              string          `json:"freeText2"`
	FreeText3              string          `json:"freeText3"`
	OrderType              *codeNameOut    `json:"orderType"`
	WayOfDelivery          *codeNameOut    `json:"wayOfDelivery"`
	DeliveryDate           string          `json:"deliveryDate"`
	CreatedDate            wtime           `json:"createdDate"`
	ShippedTime            wtime           `json:"shippedTime"`
	WayBill                string          `json:"wayBill"`
	ReturnWayBill          string          `json:"returnWayBill"`
	OrderStatus            statusOut       `json:"orderStatus"`
	EmailNotification      notificationOut `json:"emailNotification"`
	SmsNotification        notificationOut `json:"smsNotification"`
	TelephoneNotification  notificationOut `json:"telephoneNotification"`
	OrderedNumberOfItems   dec             `json:"orderedNumberOfItems"`
	AllocatedNumberOfItems dec             `json:"allocatedNumberOfItems"`
	PickedNumberOfItems    dec             `json:"pickedNumberOfItems"`
	CustomsInfo            struct {
		CustomsValueCurrencyCode string `json:"customsValueCurrencyCode"`
	} `json:"customsInfo"`
	Warehouse struct {
		ID   int    `json:"id"`
		Code string `json:"code"`
		Name string `json:"name"`
	} `json:"warehouse"`
	CustomerPrice        *dec   `json:"customerPrice"`
	FreightPrice         *dec   `json:"freightPrice"`
	ConsigneeOrderNumber string `json:"consigneeOrderNumber"`
	WarehouseInstruction string `json:"warehouseInstruction"`
	PickingPriority      *int   `json:"pickingPriority"`
}

type statusOut struct {
	Number int    `json:"number"`
	Text   string `json:"text"`
}

type notificationOut struct {
	ToBeNotified bool   `json:"toBeNotified"`
	Value        string `json:"value"`
}

func notif(n *notification) notificationOut {
	if n == nil {
		return notificationOut{}
	}
	return notificationOut{ToBeNotified: n.ToBeNotified, Value: n.Value.String()}
}

type consigneeOut struct {
	ID                 int    `json:"id"`
	CustomerNumber     string `json:"customerNumber"`
	Name               string `json:"name"`
	Address1           string `json:"address1"`
	Address2           string `json:"address2"`
	Address3           string `json:"address3"`
	PostCode           string `json:"postCode"`
	City               string `json:"city"`
	CountryCode        string `json:"countryCode"`
	CountryStateCode   string `json:"countryStateCode"`
	Remark             string `json:"remark"`
	DoorCode           string `json:"doorCode"`
	OrganisationNumber string `json:"organisationNumber"`
	VatNumber          string `json:"vatNumber"`
}

type parcelOut struct {
	ID             int    `json:"id"`
	ParcelNumber   string `json:"parcelNumber"`
	IsReturnParcel bool   `json:"isReturnParcel"`
	Tracking       struct {
		FreightPrice *dec   `json:"freightPrice"`
		TrackingURL  string `json:"trackingUrl"`
	} `json:"tracking"`
	Advanced any `json:"advanced"`
}

type trackingOut struct {
	FreightPrice *dec   `json:"freightPrice"`
	TrackingURL  string `json:"trackingUrl"`
	Waybill      string `json:"waybill"`
	Created      wtime  `json:"created"`
}

type transporterOut struct {
	TransporterName string `json:"transporterName"`
	Name            string `json:"name"`
	Code            string `json:"code"`
	ServiceCode     string `json:"serviceCode"`
}

type orderLineOut struct {
	ID                            int             `json:"id"`
	RowNumber                     string          `json:"rowNumber"`
	Article                       lineArticleOut  `json:"article"`
	Comment                       string          `json:"comment"`
	OrderedNumberOfItems          dec             `json:"orderedNumberOfItems"`
	AllocatedNumberOfItems        dec             `json:"allocatedNumberOfItems"`
	PickedNumberOfItems           dec             `json:"pickedNumberOfItems"`
	PackedNumberOfItems           dec             `json:"packedNumberOfItems"`
	ReportedNumberOfItems         *dec            `json:"reportedNumberOfItems"`
	ShouldBePicked                bool            `json:"shouldBePicked"`
	PickedArticleItems            []pickedItemOut `json:"pickedArticleItems"`
	SubOrderLines                 any             `json:"subOrderLines"`
	SerialNumber                  string          `json:"serialNumber"`
	LineTotalCustomsValue         *dec            `json:"lineTotalCustomsValue"`
	BatchNumber                   string          `json:"batchNumber"`
	ReportedReturnedNumberOfItems *dec            `json:"reportedReturnedNumberOfItems"`
	ReturnedNumberOfItems         dec             `json:"returnedNumberOfItems"`
	Prices                        *linePricesOut  `json:"prices"`
	CustomerArticleNumber         string          `json:"customerArticleNumber"`
	ExternalID                    string          `json:"externalId"`
}

type lineArticleOut struct {
	ArticleSystemID int    `json:"articleSystemId"`
	ArticleNumber   string `json:"articleNumber"`
	ArticleName     string `json:"articleName"`
	ProductCode     string `json:"productCode"`
}

type linePricesOut struct {
	LinePrice          *dec   `json:"linePrice"`
	CustomerLinePrice  *dec   `json:"customerLinePrice"`
	CurrencyCode       string `json:"currencyCode"`
	DiscountPercentage *dec   `json:"discountPercentage"`
}

type pickedItemOut struct {
	ArticleItemID     int     `json:"articleItemId"`
	NumberOfItems     dec     `json:"numberOfItems"`
	InDate            wtime   `json:"inDate"`
	Serial            string  `json:"serial"`
	CaseNumber        string  `json:"caseNumber"`
	BatchNumber       string  `json:"batchNumber"`
	Container         string  `json:"container"`
	Comment           string  `json:"comment"`
	Weight            *dec    `json:"weight"`
	Volume            *dec    `json:"volume"`
	IsPicked          bool    `json:"isPicked"`
	IsReturned        bool    `json:"isReturned"`
	ExpiryDate        *string `json:"expiryDate"`
	ReturnDate        *string `json:"returnDate"`
	PickedTime        wtime   `json:"pickedTime"`
	ReturnCause       any     `json:"returnCause"`
	Location          string  `json:"location"`
	LocationTypeCode  string  `json:"locationTypeCode"`
	ArticleItemStatus any     `json:"articleItemStatus"`
	FreeText1         string  `json:"freeText1"`
}

func transporterView(t transporterIn) *transporterOut {
	code := t.TransporterCode.String()
	if code == "" {
		return nil
	}
	out := &transporterOut{TransporterName: code, Code: code, ServiceCode: t.TransporterServiceCode.String()}
	for _, c := range transporterContracts {
		if c.TransporterCode == code {
			out.TransporterName = c.TransporterName
			for _, sv := range c.TransporterServices {
				if sv.TransporterServiceCode == out.ServiceCode {
					out.Name = sv.TransporterServiceName
				}
			}
		}
	}
	return out
}

func (s *Server) renderOrder(o *order) orderOut {
	in := o.in
	out := orderOut{GoodsOwner: s.owner(), Parcels: []parcelOut{}, OrderLines: []orderLineOut{}, Tracking: []trackingOut{},
		Transporter: transporterView(o.transporter)}
	if in.ReturnTransporter != nil {
		out.ReturnTransporter = transporterView(*in.ReturnTransporter)
	}
	oi := &out.OrderInfo
	*oi = orderInfoOut{OrderID: o.id, OrderNumber: o.number, GoodsOwnerOrderID: in.GoodsOwnerOrderID.String(),
		ReferenceNumber: in.ReferenceNumber.String(), SalesCode: in.SalesCode.String(), OrderRemark: in.OrderRemark.String(),
		DeliveryInstruction: in.DeliveryInstruction.String(), ServicePointCode: in.ServicePointCode.String(),
		FreeText1: in.FreeText1.String(), FreeText2: in.FreeText2.String(), FreeText3: in.FreeText3.String(),
		OrderType: in.OrderType.wire(), WayOfDelivery: in.WayOfDelivery.wire(), DeliveryDate: in.DeliveryDate.String(),
		CreatedDate: stamp(o.created), WayBill: o.wayBill, ReturnWayBill: o.returnWayBill,
		OrderStatus:       statusOut{Number: o.status, Text: statusText(o.status)},
		EmailNotification: notif(in.EmailNotification), SmsNotification: notif(in.SmsNotification),
		TelephoneNotification: notif(in.TelephoneNotification), CustomerPrice: in.CustomerPrice.ptr(),
		FreightPrice: in.FreightPrice.ptr(), ConsigneeOrderNumber: in.ConsigneeOrderNumber.String(),
		WarehouseInstruction: in.WarehouseInstruction.String(), PickingPriority: in.PickingPriority.intPtr()}
	if !o.sent.IsZero() {
		oi.ShippedTime = stamp(o.sent)
	}
	if in.CustomsInfo != nil {
		oi.CustomsInfo.CustomsValueCurrencyCode = in.CustomsInfo.CustomsValueCurrencyCode.String()
	}
	oi.Warehouse.ID, oi.Warehouse.Code, oi.Warehouse.Name = s.opts.WarehouseID, "WH"+strconv.Itoa(s.opts.WarehouseID), "Sandbox warehouse"
	if c := in.Consignee; c != nil {
		out.Consignee = consigneeOut{ID: o.customerID, CustomerNumber: c.CustomerNumber.String(), Name: c.Name.String(),
			Address1: c.Address1.String(), Address2: c.Address2.String(), Address3: c.Address3.String(), PostCode: c.PostCode.String(),
			City: c.City.String(), CountryCode: c.CountryCode.String(), CountryStateCode: c.CountryStateCode.String(),
			Remark: c.Remark.String(), DoorCode: c.DoorCode.String(), OrganisationNumber: c.OrganisationNumber.String(), VatNumber: c.VatNumber.String()}
	}
	for _, p := range o.parcels {
		po := parcelOut{ID: p.id, ParcelNumber: p.number, IsReturnParcel: p.isReturn}
		po.Tracking.TrackingURL = p.url
		out.Parcels = append(out.Parcels, po)
	}
	for _, t := range o.tracking {
		if !t.isReturn { // return tracking shows as orderInfo.returnWayBill only (doc.go)
			out.Tracking = append(out.Tracking, trackingOut{TrackingURL: t.url, Waybill: t.waybill, Created: stamp(t.created)})
		}
	}
	var ordered, allocated, picked float64
	for _, l := range o.lines {
		a := s.st.artByID[l.articleID]
		lo := orderLineOut{ID: l.id, RowNumber: l.in.RowNumber.String(), Comment: l.in.Comment.String(),
			Article:              lineArticleOut{ArticleSystemID: a.id, ArticleNumber: a.in.ArticleNumber.String(), ArticleName: a.in.ArticleName.String(), ProductCode: a.in.ProductCode.String()},
			OrderedNumberOfItems: dec(l.in.NumberOfItems.v), AllocatedNumberOfItems: dec(l.allocated), PickedNumberOfItems: dec(l.picked),
			PackedNumberOfItems: dec(l.packed), ReportedNumberOfItems: decp(l.reported), ShouldBePicked: boolOr(l.in.ShouldBePicked, true),
			PickedArticleItems: []pickedItemOut{}, SerialNumber: l.in.SerialNumber.String(), LineTotalCustomsValue: l.in.LineTotalCustomsValue.ptr(),
			BatchNumber: l.in.BatchNumber.String(), ReportedReturnedNumberOfItems: decp(l.reportedReturned), ReturnedNumberOfItems: dec(l.returned),
			CustomerArticleNumber: l.in.CustomerArticleNumber.String(), ExternalID: l.in.ExternalID.String()}
		if p := l.in.Prices; p != nil {
			lo.Prices = &linePricesOut{LinePrice: p.LinePrice.ptr(), CustomerLinePrice: p.CustomerLinePrice.ptr(), CurrencyCode: p.CurrencyCode.String(), DiscountPercentage: p.DiscountPercentage.ptr()}
		}
		for _, it := range l.items {
			lo.PickedArticleItems = append(lo.PickedArticleItems, pickedItemOut{ArticleItemID: it.id, NumberOfItems: dec(it.n),
				InDate: stamp(it.inDate), Serial: it.serial, IsPicked: true, PickedTime: stamp(it.pickedTime), Location: it.location})
		}
		ordered, allocated, picked = ordered+l.in.NumberOfItems.v, allocated+l.allocated, picked+l.picked
		out.OrderLines = append(out.OrderLines, lo)
	}
	oi.OrderedNumberOfItems, oi.AllocatedNumberOfItems, oi.PickedNumberOfItems = dec(ordered), dec(allocated), dec(picked)
	return out
}

func decp(f *float64) *dec {
	if f == nil {
		return nil
	}
	d := dec(*f)
	return &d
}

func itoa(n int) string { return strconv.Itoa(n) }

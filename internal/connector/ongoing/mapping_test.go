package ongoing_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/connector/ongoing"
	"github.com/ferryhub/ferry/internal/model"
)

func dec(s string) model.Decimal { return model.MustDecimal(s) }

func TestToArticles(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    model.Product
		want []ongoing.ArticleWrite
	}{
		{"no variants", model.Product{ID: "7", SKU: "MUKI", Name: "Muki", Price: dec("9.9"), PurchasePrice: dec("3"), Weight: dec("0.4"), Barcode: "64", Active: true},
			[]ongoing.ArticleWrite{{ArticleNumber: "MUKI", ArticleName: "Muki", ProductCode: "7", BarCodeInfo: &ongoing.BarCodeInfo{BarCode: "64"}, CustomerPrice: ptr(dec("9.9")), PurchasePrice: ptr(dec("3")), NetWeight: ptr(dec("0.4"))}}},
		{"variants fall back to the product", model.Product{ID: "8", Name: "Paita", Price: dec("20"), Weight: dec("0.2"), Barcode: "P", Variants: []model.Variant{{ID: "1", SKU: "P-S", Name: "S", Barcode: "S1", Price: dec("21"), PurchasePrice: dec("5")}, {ID: "2", SKU: "P-M"}}},
			[]ongoing.ArticleWrite{
				{ArticleNumber: "P-S", ArticleName: "Paita - S", ProductCode: "8-1", BarCodeInfo: &ongoing.BarCodeInfo{BarCode: "S1"}, CustomerPrice: ptr(dec("21")), PurchasePrice: ptr(dec("5")), NetWeight: ptr(dec("0.2"))},
				{ArticleNumber: "P-M", ArticleName: "Paita", ProductCode: "8-2", BarCodeInfo: &ongoing.BarCodeInfo{BarCode: "P"}, CustomerPrice: ptr(dec("20")), NetWeight: ptr(dec("0.2"))},
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ongoing.ToArticles(tc.p)
			if err != nil || len(got) != len(tc.want) {
				t.Fatalf("%+v %v", got, err)
			}
			for i := range got {
				g, w := got[i], tc.want[i]
				if g.ArticleNumber != w.ArticleNumber || g.ArticleName != w.ArticleName || g.ProductCode != w.ProductCode || !eqBar(g.BarCodeInfo, w.BarCodeInfo) || !eqDec(g.CustomerPrice, w.CustomerPrice) || !eqDec(g.PurchasePrice, w.PurchasePrice) || !eqDec(g.NetWeight, w.NetWeight) || g.IsActive == nil || *g.IsActive != tc.p.Active {
					t.Fatalf("article %d: got %+v, want %+v", i, g, w)
				}
			}
		})
	}
	if _, err := ongoing.ToArticles(model.Product{Name: "x", Variants: []model.Variant{{Name: "v"}}}); err == nil {
		t.Fatal("a variant without SKU mapped")
	}
}

func ptr[T any](v T) *T { return &v }

func eqDec(a, b *model.Decimal) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

func eqBar(a, b *ongoing.BarCodeInfo) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

func TestToOrderWrite(t *testing.T) {
	base := orderImport("1234", "A1", "A2")
	for _, tc := range []struct {
		name   string
		change func(*model.OrderImport)
		check  func(t *testing.T, w ongoing.OrderWrite)
	}{
		{"seed 002 fields", nil, func(t *testing.T, w ongoing.OrderWrite) {
			if w.OrderNumber != "1234" || w.GoodsOwnerOrderID != "1234" || w.ReferenceNumber != "SHOP-1234" || *w.CustomerPrice != dec("54.8") || w.OrderRemark != "Ovikoodi 1234" || w.WayOfDelivery.Code != "PN-SP" {
				t.Fatalf("%+v", w)
			}
			c := w.Consignee
			if c.Name != "Maija Meikäläinen" || c.Address1 != "Esimerkkikatu 1" || c.PostCode != "00100" || c.City != "Helsinki" || c.CountryCode != "FI" || w.EmailNotification.Value != "maija@example.fi" || w.SMSNotification.Value != "+358401234567" {
				t.Fatalf("consignee %+v", w)
			}
			if len(w.OrderLines) != 2 {
				t.Fatalf("lines %+v (the shipping line must be left out)", w.OrderLines)
			}
			l := w.OrderLines[0]
			if l.RowNumber != "100" || l.ExternalID != "100" || l.ArticleNumber != "A1" || l.NumberOfItems != dec("2") || *l.Prices.LinePrice != dec("24.9") || *l.LineTotalCustomsValue != dec("24.9") || w.DeliveryDate != "2026-05-03" {
				t.Fatalf("line %+v", l)
			}
		}},
		{"company when no person", func(i *model.OrderImport) {
			i.Order.Shipping.FirstName, i.Order.Shipping.LastName, i.Order.Shipping.Company = "", "", "Oy Ab"
		}, func(t *testing.T, w ongoing.OrderWrite) {
			if w.Consignee.Name != "Oy Ab" {
				t.Fatal(w.Consignee.Name)
			}
		}},
		{"billing address when no shipping address", func(i *model.OrderImport) {
			i.Order.Shipping = model.Address{}
			i.Order.Billing = model.Address{FirstName: "B", Street: "Katu 2", City: "Turku", Country: "FI"}
		}, func(t *testing.T, w ongoing.OrderWrite) {
			if w.Consignee.City != "Turku" || w.Consignee.Name != "B" || w.EmailNotification.Value != "maija@example.fi" {
				t.Fatalf("%+v", w.Consignee)
			}
		}},
		{"no carrier", func(i *model.OrderImport) { i.Carrier = "" }, func(t *testing.T, w ongoing.OrderWrite) {
			if w.WayOfDelivery != nil {
				t.Fatal("way of delivery without carrier")
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			imp := base
			imp.Order.Lines = append([]model.Line(nil), base.Order.Lines...)
			if tc.change != nil {
				tc.change(&imp)
			}
			w, err := ongoing.ToOrderWrite(imp, imp.Order.Number)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, w)
		})
	}
	noSKU := orderImport("1", "")
	if _, err := ongoing.ToOrderWrite(noSKU, "1"); err == nil {
		t.Fatal("a line without SKU mapped")
	}
}

func TestTrackingCodes(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    ongoing.Order
		want string
	}{
		{"waybill and tracking deduplicated", ongoing.Order{OrderInfo: ongoing.OrderInfo{OrderID: 1, WayBill: "W1"}, Tracking: []ongoing.Tracking{{Waybill: "W1"}, {Waybill: "W2"}}}, "W1, W2"},
		{"parcel tracking, not return", ongoing.Order{OrderInfo: ongoing.OrderInfo{OrderID: 1}, Parcels: []ongoing.Parcel{{ParcelNumber: "P1", Tracking: &ongoing.Tracking{Waybill: "T1"}}, {ParcelNumber: "R", IsReturnParcel: true, Tracking: &ongoing.Tracking{Waybill: "RT"}}}}, "T1"},
		{"parcel numbers when nothing else", ongoing.Order{OrderInfo: ongoing.OrderInfo{OrderID: 1}, Parcels: []ongoing.Parcel{{ParcelNumber: "P1"}, {ParcelNumber: "R", IsReturnParcel: true}}}, "P1"},
		{"none", ongoing.Order{OrderInfo: ongoing.OrderInfo{OrderID: 1}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ongoing.ToShipment(tc.o).TrackingCode; got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestParseTime(t *testing.T) {
	for in, want := range map[string]time.Time{
		"2019-10-10T09:05:41.25Z":     time.Date(2019, 10, 10, 9, 5, 41, 25e7, time.UTC),
		"2019-10-10T09:05:41Z":        time.Date(2019, 10, 10, 9, 5, 41, 0, time.UTC),
		"2023-01-01T12:00:00.0000000": time.Date(2023, 1, 1, 12, 0, 0, 0, time.UTC),
		"2019-10-10T11:05:41+02:00":   time.Date(2019, 10, 10, 9, 5, 41, 0, time.UTC),
		"2019-10-10":                  time.Date(2019, 10, 10, 0, 0, 0, 0, time.UTC),
		"":                            {},
	} {
		got, err := ongoing.ParseTime(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("%q: %v %v, want %v", in, got, err, want)
		}
	}
	if _, err := ongoing.ParseTime("yesterday"); err == nil {
		t.Error("parsed yesterday")
	}
}

func TestErrorClasses(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		class  string
		msg    string
	}{
		{500, `{"Message":"An error has occurred."}`, "", "An error has occurred."},
		{400, `{"Message":"The request is invalid.","ModelState":{"model.orderNumber":["The orderNumber field is required."]}}`, "permanent", "model.orderNumber: The orderNumber field is required."},
		{401, `{"Message":"Authorization has been denied for this request."}`, "needs_action", "denied"},
		{403, `{"message":"The user does not have access to goods owner 7."}`, "needs_action", "goods owner 7"},
		{404, `<html><body>Not found</body></html>`, "needs_action", "html"},
		{404, `{"Message":"No order with orderId 5 was found."}`, "permanent", "orderId 5"},
		{429, `{"Message":"Parallel requests"}`, "", "Parallel"},
	} {
		e := ongoing.DecodeError(tc.status, []byte(tc.body))
		if e.FailureClass() != tc.class || !strings.Contains(e.Error(), tc.msg) {
			t.Errorf("%d %s: class %q, %q", tc.status, tc.body, e.FailureClass(), e.Error())
		}
	}
	if !ongoing.IsNotFound(ongoing.DecodeError(http.StatusNotFound, []byte(`{"Message":"x"}`))) || ongoing.IsNotFound(errors.New("x")) {
		t.Error("IsNotFound")
	}
}

func TestSettings(t *testing.T) {
	s := ongoing.DefaultSettings()
	if err := s.Validate(); err == nil {
		t.Fatal("defaults without goods owner and warehouse validated")
	}
	s.GoodsOwnerID, s.Warehouse = 42, "demo"
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	s.OrderNumber = "x"
	if err := s.Validate(); err == nil {
		t.Fatal("order_number x validated")
	}
}

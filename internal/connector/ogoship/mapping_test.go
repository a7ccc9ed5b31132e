package ogoship_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/connector/ogoship"
	"github.com/ferryhub/ferry/internal/model"
)

func TestToProducts(t *testing.T) {
	d := model.MustDecimal
	for _, tc := range []struct {
		name  string
		p     model.Product
		codes []string
		names []string
		price []string
		ean   []string
		err   string
	}{
		{name: "no variants", p: model.Product{SKU: "MUKI", Name: "Muki", Price: d("9.9"), Barcode: "640"}, codes: []string{"MUKI"}, names: []string{"Muki"}, price: []string{"9.9"}, ean: []string{"640"}},
		{name: "variants", p: model.Product{SKU: "TS", Name: "Paita", Price: d("20"), Barcode: "64", Variants: []model.Variant{{SKU: "TS-S", Name: "S"}, {SKU: "TS-M", Name: "M", Price: d("22"), Barcode: "65"}}},
			codes: []string{"TS-S", "TS-M"}, names: []string{"Paita - S", "Paita - M"}, price: []string{"20", "22"}, ean: []string{"64", "65"}},
		{name: "unnamed variant", p: model.Product{Name: "P", Variants: []model.Variant{{SKU: "X"}}}, codes: []string{"X"}, names: []string{"P"}, price: []string{"0"}, ean: []string{""}},
		{name: "no SKU", p: model.Product{Name: "P"}, err: "no SKU"},
		{name: "variant SKU twice", p: model.Product{Name: "P", Variants: []model.Variant{{SKU: "X"}, {SKU: "X"}}}, err: "two variants"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws, err := ogoship.ToProducts(tc.p, "sv")
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || len(ws) != len(tc.codes) {
				t.Fatalf("%+v %v", ws, err)
			}
			for i, w := range ws {
				if w.Code != tc.codes[i] || w.Name != tc.names[i] || w.SalesPrice.String() != tc.price[i] || w.EanCode != tc.ean[i] || w.LanguageCode != "sv" {
					t.Fatalf("%d: %+v", i, w)
				}
			}
		})
	}
}

func TestToOrderWrite(t *testing.T) {
	d := model.MustDecimal
	base := orderImport("1001", "A1")
	for _, tc := range []struct {
		name   string
		change func(*model.OrderImport)
		check  func(*testing.T, ogoship.OrderWrite)
		err    string
	}{
		{name: "seed order", check: func(t *testing.T, w ogoship.OrderWrite) {
			if w.Reference != "1001" || w.ShippingCode != "POSTI-SP" || w.Customer.Name != "Maija Meikäläinen" || w.Customer.CountryCode != "FI" || w.Customer.Zip != "00100" || w.Comments != "Ovikoodi 1234" || w.PriceTotal.String() != "54.8" || w.PriceCurrency != "EUR" {
				t.Fatalf("%+v %+v", w, w.Customer)
			}
			if len(w.OrderLines) != 1 || w.OrderLines[0].Code != "A1" || w.OrderLines[0].Quantity != 2 || w.OrderLines[0].UnitPrice.String() != "12.45" || w.OrderLines[0].VatPercentage.String() != "25.5" {
				t.Fatalf("lines %+v", w.OrderLines)
			}
		}},
		{name: "net price gets VAT", change: func(i *model.OrderImport) {
			i.Order.Lines[0].TaxIncluded, i.Order.Lines[0].UnitPrice = false, d("10")
		}, check: func(t *testing.T, w ogoship.OrderWrite) {
			if w.OrderLines[0].UnitPrice.String() != "12.55" {
				t.Fatalf("%s", w.OrderLines[0].UnitPrice)
			}
		}},
		{name: "discount", change: func(i *model.OrderImport) {
			i.Order.Lines[0].UnitPrice, i.Order.Lines[0].DiscountPercent = d("20"), d("15")
		}, check: func(t *testing.T, w ogoship.OrderWrite) {
			if w.OrderLines[0].UnitPrice.String() != "17" {
				t.Fatalf("%s", w.OrderLines[0].UnitPrice)
			}
		}},
		{name: "pickup point and receipt", change: func(i *model.OrderImport) {
			i.Order.Shipments = []model.Shipment{{PickupPointID: "123456"}}
			i.Order.ReceiptURL = "https://demo.mycashflow.fi/r.pdf"
		}, check: func(t *testing.T, w ogoship.OrderWrite) {
			if w.PickUpPointCode != "123456" || len(w.Documents) != 1 || w.Documents[0].Type != "receipt" {
				t.Fatalf("%+v", w)
			}
		}},
		{name: "billing address when no shipping", change: func(i *model.OrderImport) {
			i.Order.Billing, i.Order.Shipping = i.Order.Shipping, model.Address{}
			i.Order.Billing.FirstName, i.Order.Billing.LastName, i.Order.Billing.Company = "", "", "Oy Ab"
		}, check: func(t *testing.T, w ogoship.OrderWrite) {
			if w.Customer.Name != "Oy Ab" || w.Customer.City != "Helsinki" {
				t.Fatalf("%+v", w.Customer)
			}
		}},
		{name: "fractional quantity", change: func(i *model.OrderImport) { i.Order.Lines[0].Quantity = d("1.5") }, err: "whole"},
		{name: "line without SKU", change: func(i *model.OrderImport) { i.Order.Lines[0].SKU = "" }, err: "no SKU"},
		{name: "only shipping", change: func(i *model.OrderImport) { i.Order.Lines = i.Order.Lines[1:] }, err: "no product lines"},
		{name: "no city", change: func(i *model.OrderImport) { i.Order.Shipping.City = "" }, err: "lacks"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			imp := base
			imp.Order.Lines = append([]model.Line(nil), base.Order.Lines...)
			if tc.change != nil {
				tc.change(&imp)
			}
			w, err := ogoship.ToOrderWrite(imp, imp.Order.Number)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, w)
		})
	}
}

func TestToShipmentAndEditable(t *testing.T) {
	at := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		status   string
		ship     bool
		editable bool
	}{
		{"new", false, true}, {"draft", false, true}, {"reserved", false, true}, {"pending", false, true},
		{"collecting", false, false}, {"locked", false, false}, {"shipped", true, false}, {"cancelled", false, false}, {"returned", false, false},
	} {
		o := ogoship.Order{Reference: "R1", Status: tc.status, TrackingNumber: "JJFI1", ShippingCode: "POSTI-SP", EditTime: ogoship.Time{Time: at}}
		s, ok := ogoship.ToShipment(o)
		if ok != tc.ship || ogoship.Editable(tc.status) != tc.editable {
			t.Fatalf("%s: shipment %v editable %v", tc.status, ok, ogoship.Editable(tc.status))
		}
		if ok && (s.ID != "R1" || s.OrderID != "R1" || s.TrackingCode != "JJFI1" || s.Carrier != "POSTI-SP" || !s.CompletedAt.Equal(at)) {
			t.Fatalf("%+v", s)
		}
	}
}

func TestSettingsValidate(t *testing.T) {
	s := ogoship.DefaultSettings()
	if err := s.Validate(); err == nil || !strings.Contains(err.Error(), "client_id") {
		t.Fatalf("no client id: %v", err)
	}
	s.ClientID = "123456"
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []func(*ogoship.Settings){
		func(s *ogoship.Settings) { s.PageSize = 251 },
		func(s *ogoship.Settings) { s.BaseURL = "ftp://x" },
		func(s *ogoship.Settings) { s.TokenURL = "nope" },
		func(s *ogoship.Settings) { s.Reference = "x" },
		func(s *ogoship.Settings) { s.Language = "FIN" },
		func(s *ogoship.Settings) { s.MaxAttempts = 0 },
		func(s *ogoship.Settings) { s.Timeout = time.Millisecond },
	} {
		c := *s
		bad(&c)
		if c.Validate() == nil {
			t.Fatalf("accepted %+v", c)
		}
	}
}

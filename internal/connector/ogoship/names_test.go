package ogoship_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/ferryhub/ferry/internal/connector/ogoship"
	"github.com/ferryhub/ferry/internal/model"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/ogoship"
)

// CarrierNames joins the codes of the setting with those of recent orders,
// once each whatever their case, sorted.
func TestCarrierNames(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{}, func(s *ogoship.Settings, _ *ogoship.Credentials) {
		s.ShippingMethods = []string{"GLS-EU", "posti-sp"}
	})
	ctx := context.Background()
	seedProducts(t, e, "A1")
	dhl := orderImport("2001", "A1")
	dhl.Carrier = "DHL-EXPRESS"
	if res, err := e.c.ImportOrders(ctx, []model.OrderImport{orderImport("2000", "A1"), dhl}); err != nil || res[0].Err != nil || res[1].Err != nil {
		t.Fatalf("import: %+v %v", res, err)
	}
	got, err := e.c.CarrierNames(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"DHL-EXPRESS", "GLS-EU", "posti-sp"}; !slices.Equal(got, want) {
		t.Fatalf("carrier names %q, want %q (the setting's spelling wins over the orders' POSTI-SP)", got, want)
	}
}

// Without orders and without the setting there is nothing to offer (the
// error says where to write the codes); with the
// orders unreadable the setting's codes still come back, with the reason.
func TestCarrierNamesEmptyAndUnreadable(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{}, nil)
	if got, err := e.c.CarrierNames(context.Background()); err == nil || len(got) != 0 || !strings.Contains(err.Error(), "setting shipping_methods") {
		t.Fatalf("empty merchant: %q %v", got, err)
	}
	e2 := newEnv(t, sandbox.Options{}, func(s *ogoship.Settings, cr *ogoship.Credentials) {
		s.ShippingMethods = []string{"GLS-EU"}
		s.MaxAttempts = 1
		cr.SecretToken = "wrong"
	})
	got, err := e2.c.CarrierNames(context.Background())
	if err == nil || !slices.Equal(got, []string{"GLS-EU"}) || !strings.Contains(err.Error(), "recent orders") {
		t.Fatalf("unreadable orders: %q %v", got, err)
	}
}

// ProductCodes pages through every product (the env's page size is 7).
func TestProductCodes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sandbox.Options{}, nil)
	var skus []string
	for i := range 16 {
		skus = append(skus, "SKU-"+string(rune('A'+i)))
	}
	seedProducts(t, e, skus...)
	codes, err := e.c.ProductCodes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != len(skus) {
		t.Fatalf("%d codes, want %d: %v", len(codes), len(skus), codes)
	}
	for _, s := range skus {
		p, ok, err := e.c.FindProduct(context.Background(), s)
		if err != nil || !ok || codes[s] != p.ID || p.ID == "" {
			t.Fatalf("code %s → %q, OGOship's product %+v (%v)", s, codes[s], p, err)
		}
	}
}

func TestShippingMethodsSetting(t *testing.T) {
	t.Parallel()
	s := ogoship.DefaultSettings()
	s.ClientID = "123456"
	s.ShippingMethods = []string{"POSTI-SP", "DHL-EXPRESS"}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		codes []string
		want  string
	}{
		{[]string{"POSTI-SP", ""}, "shipping_methods[1]: empty"},
		{[]string{"POSTI SP"}, `shipping_methods[0] "POSTI SP": a shipping code has no blanks`},
		{[]string{" POSTI-SP"}, "no blanks"},
		{[]string{"DHL*"}, "wildcards go in the orders route's shipping_methods rules"},
		{[]string{"POSTI-SP", "posti-sp"}, `shipping_methods[1] "posti-sp": the same code as shipping_methods[0]`},
		{[]string{strings.Repeat("X", 65)}, "longer than 64"},
	} {
		c := *s
		c.ShippingMethods = tc.codes
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.codes, err, tc.want)
		}
	}
}

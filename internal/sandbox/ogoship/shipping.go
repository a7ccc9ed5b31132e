package ogoship

import (
	"fmt"
	"strings"
)

// ShippingMethod is a shipping method enabled on the merchant's "Edit
// Merchant → Shipping methods" page. The API has no endpoint that lists them
// (§3.3); the sandbox serves its list at GET /_sandbox/shipping-methods.
type ShippingMethod struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	Carrier string `json:"carrier"`
	// PickupPoint means the parcel goes to a pickup point or parcel locker;
	// orders should then carry pickUpPointCode (not enforced).
	PickupPoint bool `json:"pickupPoint"`
}

// DefaultShippingMethods are the methods a demo merchant has enabled. Codes
// and tracking formats are the sandbox's invention, shaped after the carriers'.
func DefaultShippingMethods() []ShippingMethod {
	return []ShippingMethod{
		{Code: "POSTI-SP", Name: "Posti SmartPOST", Carrier: "Posti", PickupPoint: true},
		{Code: "POSTI-PKT", Name: "Posti Postipaketti", Carrier: "Posti"},
		{Code: "POSTI-KOTI", Name: "Posti Kotipaketti", Carrier: "Posti"},
		{Code: "MH-LAHELLA", Name: "Matkahuolto Lähellä-paketti", Carrier: "Matkahuolto", PickupPoint: true},
		{Code: "DHL-EXPRESS", Name: "DHL Express Worldwide", Carrier: "DHL"},
		{Code: "DHL-PARCEL", Name: "DHL Parcel Connect", Carrier: "DHL", PickupPoint: true},
		{Code: "OMNIVA-PT", Name: "Omniva Parcel Terminal", Carrier: "Omniva", PickupPoint: true},
		{Code: "OMNIVA-INT", Name: "Omniva International Economy", Carrier: "Omniva"},
		{Code: "GLS-EU", Name: "GLS EuroBusinessParcel", Carrier: "GLS"},
		{Code: "BUDBEE-HOME", Name: "Budbee Home", Carrier: "Budbee"},
	}
}

// shippingMethod finds an enabled method by code, case-insensitively.
func (s *Server) shippingMethod(code string) (ShippingMethod, error) {
	for _, m := range s.st.shipping {
		if strings.EqualFold(m.Code, code) {
			return m, nil
		}
	}
	codes := make([]string, len(s.st.shipping))
	for i, m := range s.st.shipping {
		codes[i] = m.Code
	}
	return ShippingMethod{}, bad("shippingCode: %q is not a shipping method enabled on the merchant; enabled: %s", code, strings.Join(codes, ", "))
}

// ShippingMethods lists the enabled methods.
func (s *Server) ShippingMethods() []ShippingMethod {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ShippingMethod(nil), s.st.shipping...)
}

// trackingFor hands out the carrier's next tracking number and URL for o.
func (st *state) trackingFor(o *order) (string, string) {
	st.tracking++
	n := uint64(st.seed)*1_000_003 + uint64(st.tracking)
	carrier := "Posti"
	for _, m := range st.shipping {
		if o.shippingCode != nil && strings.EqualFold(m.Code, *o.shippingCode) {
			carrier = m.Carrier
		}
	}
	switch carrier {
	case "DHL":
		num := fmt.Sprintf("%010d", n%10_000_000_000)
		return num, "https://www.dhl.com/fi-en/home/tracking.html?tracking-id=" + num
	case "Omniva":
		num := fmt.Sprintf("CE%09dEE", n%1_000_000_000)
		return num, "https://www.omniva.ee/private/track_and_trace?barcode=" + num
	case "GLS":
		num := fmt.Sprintf("%011d", n%100_000_000_000)
		return num, "https://gls-group.com/FI/en/parcel-tracking?match=" + num
	case "Matkahuolto":
		num := fmt.Sprintf("MH%012d", n%1_000_000_000_000)
		return num, "https://www.matkahuolto.fi/seuranta?parcelNumber=" + num
	case "Budbee":
		num := fmt.Sprintf("BB%010d", n%10_000_000_000)
		return num, "https://tracking.budbee.com/" + num
	}
	num := fmt.Sprintf("JJFI64%014d", n%100_000_000_000_000)
	return num, "https://www.posti.fi/fi/seuranta#/lahetys/" + num
}

package ogoship

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// What the dashboard reads of OGOship beside the routes: the shipping codes a
// Mappings page offers and the product codes the product sync page compares
// with the shop's.

// recentOrders is how far back CarrierNames looks for shipping codes in use.
const recentOrders = 30 * 24 * time.Hour

// CarrierNames lists the shipping codes an orders route may map the shop's
// shipping methods to. OGOship has no endpoint listing the methods enabled
// on the merchant (reference §3.3), so these are the codes of the setting
// shipping_methods (copied from myOGO's Edit Merchant page) and the codes
// OGOship's orders of the last 30 days carry (one page, at most 250), which
// OGOship accepted and so are enabled — deduplicated without regard to case
// (OGOship matches codes so) and sorted. With neither it says where the
// codes are to be written.
func (c *Client) CarrierNames(ctx context.Context) ([]string, error) {
	byKey := map[string]string{}
	add := func(code string) {
		code = strings.TrimSpace(code)
		if k := strings.ToLower(code); code != "" && byKey[k] == "" {
			byKey[k] = code
		}
	}
	for _, code := range c.settings.ShippingMethods {
		add(code)
	}
	q := url.Values{"modifiedAfter": {queryTime(c.now().Add(-recentOrders))}, "limit": {"250"}, "page": {"1"}}
	var raws []rawOrderCode
	if _, err := c.call(ctx, http.MethodGet, pathOrders, q, nil, true, "GET "+pathOrders, &raws); err != nil {
		// The configured codes still help the person; say what is missing.
		if len(byKey) > 0 {
			return sortedValues(byKey), fmt.Errorf("ogoship %s: the shipping codes of recent orders could not be read (the list holds only the setting shipping_methods): %w", c.name, err)
		}
		return nil, err
	}
	for _, o := range raws {
		add(o.ShippingCode)
	}
	if len(byKey) == 0 {
		return nil, fmt.Errorf("ogoship %s: no shipping codes known: OGOship has no API listing the shipping methods, so write those enabled on myOGO's Edit Merchant → Shipping methods in the connection's setting shipping_methods", c.name)
	}
	return sortedValues(byKey), nil
}

// rawOrderCode is the one field of OrderResponse CarrierNames reads, so that
// an order ferry could not otherwise decode still tells its code.
type rawOrderCode struct {
	ShippingCode string `json:"shippingCode"`
}

func sortedValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// ProductCodes returns every product code of the merchant with OGOship's id
// of the product (GET /Products, page by page): what the warehouse holds of
// the shop's SKUs. Codes are case-sensitive in OGOship.
func (c *Client) ProductCodes(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	err := c.Products(ctx, nil, func(items []Product, _ []error) error {
		for _, p := range items {
			out[p.Code] = orStr(p.ID, p.Code)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ogoship %s: listing products: %w", c.name, err)
	}
	return out, nil
}

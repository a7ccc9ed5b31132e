package shopify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/remote"
)

// Scopes are the access scopes the client's capabilities use.
var Scopes = []string{"read_orders", "read_products", "read_inventory", "write_inventory", "read_locations",
	"read_merchant_managed_fulfillment_orders", "write_merchant_managed_fulfillment_orders"}

// ShopInfo is what the connection test reads.
type ShopInfo struct {
	Shop struct {
		Name            string `json:"name"`
		MyshopifyDomain string `json:"myshopifyDomain"`
		CurrencyCode    string `json:"currencyCode"`
		Plan            struct {
			DisplayName        string `json:"displayName"`
			PartnerDevelopment bool   `json:"partnerDevelopment"`
			ShopifyPlus        bool   `json:"shopifyPlus"`
		} `json:"plan"`
	} `json:"shop"`
	CurrentAppInstallation *struct {
		AccessScopes []struct {
			Handle string `json:"handle"`
		} `json:"accessScopes"`
	} `json:"currentAppInstallation"`
}

// Test checks the connection: the shop, its plan, the API version, the
// scopes the app lacks and the stock location; or exactly what is wrong.
func (c *Client) Test(ctx context.Context) (connector.TestReport, error) {
	rep := connector.TestReport{}
	var info ShopInfo
	if err := c.do(ctx, "Shop", nil, &info); err != nil {
		rep.Summary, rep.Details = c.diagnose(err)
		return rep, nil
	}
	s := info.Shop
	rep.Summary = fmt.Sprintf("Shopify shop %s (%s), plan %s, Admin API %s", s.Name, orStr(s.MyshopifyDomain, c.settings.Shop), orStr(s.Plan.DisplayName, "unknown"), c.settings.APIVersion)
	rep.Details = append(rep.Details, "shop currency "+s.CurrencyCode+" (ferry takes every amount in it)")
	if s.MyshopifyDomain != "" && s.MyshopifyDomain != c.settings.Shop {
		rep.Details = append(rep.Details, fmt.Sprintf("the shop answers as %s, not settings.shop %s", s.MyshopifyDomain, c.settings.Shop))
	}
	ok := true
	if info.CurrentAppInstallation == nil || len(info.CurrentAppInstallation.AccessScopes) == 0 {
		rep.Details = append(rep.Details, "the app's access scopes could not be read")
	} else {
		have := map[string]bool{}
		for _, a := range info.CurrentAppInstallation.AccessScopes {
			have[a.Handle] = true
		}
		var missing []string
		for _, sc := range Scopes {
			// write_x implies read_x.
			if !have[sc] && !(strings.HasPrefix(sc, "read_") && have["write_"+strings.TrimPrefix(sc, "read_")]) {
				missing = append(missing, sc)
			}
		}
		if len(missing) > 0 {
			ok = false
			rep.Details = append(rep.Details, "scopes missing: "+strings.Join(missing, ", ")+" (add them to the app's configuration and reinstall it)")
		}
	}
	if loc, err := c.Location(ctx); err != nil {
		ok = false
		rep.Details = append(rep.Details, "stock location: "+err.Error())
	} else {
		rep.Details = append(rep.Details, "stock location "+loc.Name+" ("+loc.ID+")")
	}
	st := c.Throttle()
	rep.Details = append(rep.Details, fmt.Sprintf("cost bucket %.0f points, restored %.0f/s", st.Maximum, st.Rate))
	rep.OK = ok
	return rep, nil
}

func (c *Client) diagnose(err error) (string, []string) {
	var ae *AuthError
	var ge *GraphQLError
	var he *HTTPError
	var de *DecodeError
	var dns *net.DNSError
	var re *remote.Error
	switch {
	case errors.As(err, &ae):
		return "refused: " + ae.Error(), []string{"check credentials.access_token, or client_id and client_secret, and settings.shop " + c.settings.Shop}
	case errors.As(err, &ge):
		return "the shop refused the query: " + ge.Error(), nil
	case errors.As(err, &he) && he.Status == 404:
		return fmt.Sprintf("no Admin API at %s: check settings.shop, settings.base_url and api_version %s (still supported?)", c.endpoint, c.settings.APIVersion), []string{he.Error()}
	case errors.As(err, &he):
		return "unexpected answer: " + he.Error(), nil
	case errors.As(err, &de):
		return "not a Shopify answer at " + c.endpoint, []string{de.Error()}
	case errors.As(err, &dns):
		return fmt.Sprintf("unreachable: %s does not resolve", dns.Name), []string{"check settings.shop (example.myshopify.com) and the network"}
	case errors.As(err, &re):
		return "unreachable: " + err.Error(), []string{"check the network and settings.base_url"}
	}
	return "Shopify answered unexpectedly: " + err.Error(), nil
}

func orStr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

package ogoship

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"

	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/remote"
)

// Test checks the connection, like myOGO's Test button: a token from the
// token server (the client and merchant credentials), then one product, one
// order and the webhooks through the API. It says which merchant answered and
// what works, or exactly what is wrong: a bad client id or secret, a refused
// merchant id or secret token, a token the API refuses, a missing scope,
// nothing answering.
func (c *Client) Test(ctx context.Context) (connector.TestReport, error) {
	rep := connector.TestReport{}
	merchant := "merchant " + c.creds.MerchantID
	if _, err := c.token(ctx, ""); err != nil {
		rep.Summary, rep.Details = c.diagnose(err, merchant)
		return rep, nil
	}
	rep.Details = append(rep.Details, "token granted by "+c.settings.TokenURL)
	var products, orders int
	var err error
	q := url.Values{"limit": {"1"}, "page": {"1"}}
	var ps []Product
	if _, err = c.call(ctx, http.MethodGet, pathProducts, q, nil, true, "GET /Products", &ps); err != nil {
		rep.Summary, rep.Details = c.diagnose(err, merchant)
		return rep, nil
	}
	products = len(ps)
	var os []Order
	if _, err = c.call(ctx, http.MethodGet, pathOrders, q, nil, true, "GET /Orders", &os); err != nil {
		rep.Summary, rep.Details = c.diagnose(err, merchant)
		return rep, nil
	}
	orders = len(os)
	rep.OK = true
	rep.Summary = fmt.Sprintf("OGOship %s at %s: token, products and orders work", merchant, c.settings.BaseURL)
	if products == 0 {
		rep.Details = append(rep.Details, "the merchant has no products yet")
	}
	if orders == 0 {
		rep.Details = append(rep.Details, "the merchant has no orders yet")
	}
	if ws, err := c.Webhooks(ctx); err != nil {
		rep.Details = append(rep.Details, "webhooks cannot be read: "+err.Error())
	} else {
		rep.Details = append(rep.Details, fmt.Sprintf("%d webhooks", len(ws)))
	}
	return rep, nil
}

// diagnose turns a failed call into what to fix.
func (c *Client) diagnose(err error, merchant string) (string, []string) {
	var te *TokenError
	var api *APIError
	var dns *net.DNSError
	var re *remote.Error
	switch {
	case errors.As(err, &te) && te.Code == "invalid_client":
		return "bad client secret: the token server refused client " + c.settings.ClientID, []string{"check settings.client_id and credentials.client_secret (from OGOship's tech team; the demo client is 123456 / abcdef)", te.Error()}
	case errors.As(err, &te) && te.Code == "invalid_grant":
		return "token refused: the token server refused " + merchant, []string{"check credentials.merchant_id and credentials.secret_token (myOGO: Edit Merchant → Integrations → API Information)", te.Error()}
	case errors.As(err, &te) && te.FailureClass() == "":
		return "the OGOship token server is not answering properly at " + c.settings.TokenURL, []string{te.Error()}
	case errors.As(err, &te):
		return "token refused: " + te.Error(), []string{"check settings.client_id, credentials.client_secret, merchant_id and secret_token"}
	case errors.As(err, &api) && api.Status == http.StatusUnauthorized:
		return "token refused: the API at " + c.settings.BaseURL + " does not accept the token of " + merchant, []string{"check settings.base_url and settings.token_url belong together (production or test)", api.Error()}
	case errors.As(err, &api) && api.Status == http.StatusForbidden:
		return "missing rights: the token of " + merchant + " lacks a scope", []string{"ask OGOship to allow the scopes " + Scope + " for client " + c.settings.ClientID, api.Error()}
	case errors.As(err, &api) && (api.NotJSON || api.Status == http.StatusNotFound):
		return "no OGOship API at " + c.settings.BaseURL, []string{"check settings.base_url (https://api.ogoship.com)", api.Error()}
	case errors.As(err, &dns):
		return fmt.Sprintf("unreachable: %s does not resolve", dns.Name), []string{"check settings.base_url, settings.token_url and the network"}
	case errors.As(err, &re):
		return "unreachable: cannot reach OGOship: " + err.Error(), []string{"check the network, settings.base_url and settings.token_url"}
	}
	return "OGOship answered unexpectedly: " + err.Error(), nil
}

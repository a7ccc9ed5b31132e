package mycashflow

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/remote"
)

// Test checks the connection for `ferry connections test`: it reads the store's
// versions and counts products and orders, and says exactly what is wrong when it
// cannot.
func (c *Client) Test(ctx context.Context) (connector.TestReport, error) {
	rep := connector.TestReport{}
	versions, err := c.Versions(ctx)
	if err != nil {
		rep.Summary, rep.Details = c.diagnose(err)
		return rep, nil
	}
	products, err := c.Count(ctx, "products")
	if err != nil {
		rep.Summary, rep.Details = c.diagnose(err)
		return rep, nil
	}
	orders, err := c.Count(ctx, "orders")
	if err != nil {
		rep.Summary, rep.Details = c.diagnose(err)
		return rep, nil
	}
	rep.OK = true
	rep.Summary = fmt.Sprintf("MyCashflow store %s: %d products, %d orders", c.settings.Store, products, orders)
	rep.Details = append(rep.Details, "address "+c.url("/", nil))
	for _, v := range versions.Items {
		rep.Details = append(rep.Details, fmt.Sprintf("store version %s: %s (%s, %s)", v.ID, v.Name, v.Language, v.Currency))
	}
	return rep, nil
}

// diagnose turns a failed call into what to fix.
func (c *Client) diagnose(err error) (string, []string) {
	var api *APIError
	var dns *net.DNSError
	var re *remote.Error
	switch {
	case errors.As(err, &api) && api.Status == http.StatusUnauthorized:
		return "bad credentials: MyCashflow refused the API user and key", []string{
			"check credentials.user (the API user's e-mail) and credentials.api_key under Account › Users › API credentials",
		}
	case errors.As(err, &api) && api.Status == http.StatusForbidden:
		return "the API is not available for this store", []string{
			"install the \"API\" extension in MyCashflow (Advanced, Pro or Enterprise plan) and give the API user access: " + api.Error(),
		}
	case errors.As(err, &api) && (api.NotJSON || api.Status == http.StatusNotFound):
		return fmt.Sprintf("no MyCashflow API at %s", c.url("/", nil)), []string{
			fmt.Sprintf("check settings.store (%q): is the store's address https://%s.mycashflow.fi, and is the API extension installed? (%s)", c.settings.Store, c.settings.Store, api.Error()),
		}
	case errors.As(err, &dns):
		return fmt.Sprintf("unknown store %q: %s does not resolve", c.settings.Store, dns.Name), []string{
			"check settings.store: it is the name in https://STORE.mycashflow.fi",
		}
	case errors.As(err, &re):
		msg := "cannot reach MyCashflow: " + err.Error()
		if strings.Contains(err.Error(), "connection refused") {
			msg = "nothing answers at " + c.origin + ": " + err.Error()
		}
		return msg, []string{"check the network and settings.base_url"}
	}
	return "MyCashflow answered unexpectedly: " + err.Error(), nil
}

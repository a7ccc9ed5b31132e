package clientify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/remote"
)

// Me reads the account check GET /me/?fields=id,email (the official
// node's credential test).
func (c *Client) Me(ctx context.Context) (Me, error) {
	var raw json.RawMessage
	u := c.path("/me/", url.Values{"fields": {"id,email"}})
	if _, err := c.call(ctx, http.MethodGet, u, nil, true, Subject{Resource: "user"}, &raw); err != nil {
		return Me{}, err
	}
	m, err := DecodeMe(raw)
	if err != nil {
		return m, &APIError{Account: c.name, Op: "GET /me/", Status: http.StatusOK, NotJSON: true, Detail: err.Error() + ": " + remote.Excerpt(raw, 200)}
	}
	return m, nil
}

// Test checks the connection for `ferry connections test`: GET /me/ with
// the API key, and says which user and API answered, or exactly what is
// wrong (a refused key, a wrong base_url, nothing answering).
func (c *Client) Test(ctx context.Context) (connector.TestReport, error) {
	rep := connector.TestReport{}
	m, err := c.Me(ctx)
	if err != nil {
		rep.Summary, rep.Details = c.diagnose(err)
		return rep, nil
	}
	rep.OK = true
	who := orStr(m.Email, orStr(m.Username, m.FullName))
	if who == "" {
		who = "?"
	}
	rep.Summary = fmt.Sprintf("Clientify %s: user %s (id %d)", c.apiVersion(), who, m.ID)
	rep.Details = append(rep.Details, "base_url "+c.root)
	if m.AccountStatus != "" {
		rep.Details = append(rep.Details, "account_status "+m.AccountStatus)
	}
	if c.webhookToken == "" {
		rep.Details = append(rep.Details, "no webhook_token: Clientify webhooks are not taken (the scheduled pass still reads every change)")
	}
	return rep, nil
}

// apiVersion is "API v1" or "API v2" from the base URL's path.
func (c *Client) apiVersion() string {
	p := strings.ToLower(c.base.Path)
	switch {
	case strings.HasSuffix(p, "/v1"):
		return "API v1"
	case strings.HasSuffix(p, "/v2"):
		return "API v2"
	}
	return "API at " + c.root
}

func (c *Client) diagnose(err error) (string, []string) {
	var api *APIError
	var dns *net.DNSError
	var re *remote.Error
	switch {
	case errors.As(err, &api) && api.KeyRefused():
		return "refused: Clientify does not accept the API key at " + c.root, []string{
			"check credentials.api_key (Clientify ⇒ Settings ⇒ API): " + api.Error(),
		}
	case errors.As(err, &api) && (api.Status >= 500 || api.Status == http.StatusTooManyRequests):
		// Clientify (or its proxy) is failing or throttling: the settings
		// are not the cause.
		return fmt.Sprintf("Clientify at %s answers HTTP %d; try again later", c.root, api.Status), []string{api.Error()}
	case errors.As(err, &api) && (api.NotJSON || api.Status == http.StatusNotFound):
		return "no Clientify API at " + c.root, []string{
			"check settings.base_url (" + DefaultBaseURL + " or https://api.clientify.net/v1): " + api.Error(),
		}
	case errors.As(err, &api):
		return "Clientify refused the account check: " + api.Error(), nil
	case errors.As(err, &dns):
		return fmt.Sprintf("unreachable: %s does not resolve", dns.Name), []string{"check settings.base_url and the network"}
	case errors.As(err, &re):
		return "unreachable: cannot reach Clientify at " + c.root + ": " + err.Error(), []string{"check the network and settings.base_url"}
	}
	return "Clientify answered unexpectedly: " + err.Error(), nil
}

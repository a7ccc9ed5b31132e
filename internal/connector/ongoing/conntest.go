package ongoing

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/remote"
)

// Test checks the connection for `ferry connections test`: it reads the order
// statuses, one article and one order of the goods owner, and says which goods
// owner and warehouse answered, or exactly what is wrong: bad credentials, a
// goods owner the user may not reach, a wrong warehouse name, nothing
// answering.
func (c *Client) Test(ctx context.Context) (connector.TestReport, error) {
	rep := connector.TestReport{}
	where := fmt.Sprintf("warehouse %s (%s)", orStr(c.settings.Warehouse, "?"), c.root)
	st, err := c.Statuses(ctx)
	if err != nil {
		rep.Summary, rep.Details = c.diagnose(err, where)
		return rep, nil
	}
	owner := ""
	articles := 0
	q := c.owner()
	q.Set("articleSystemIdFrom", "0")
	q.Set("maxArticlesToGet", "1")
	var as []Article
	if _, err := c.call(ctx, http.MethodGet, "/articles", q, nil, true, &as); err != nil {
		rep.Summary, rep.Details = c.diagnose(err, where)
		return rep, nil
	}
	if len(as) > 0 {
		articles = len(as)
		owner = as[0].GoodsOwner.Name
	}
	if owner == "" {
		var found []Order
		err := c.Orders(ctx, url.Values{"maxOrdersToGet": {"1"}}, func(items []Order, _ []error, _ time.Time) error {
			found = append(found, items...)
			return errStop
		})
		if err != nil && !errors.Is(err, errStop) {
			rep.Summary, rep.Details = c.diagnose(err, where)
			return rep, nil
		}
		if len(found) > 0 {
			owner = found[0].GoodsOwner.Name
		}
	}
	rep.OK = true
	name := fmt.Sprintf("goods owner %d", c.settings.GoodsOwnerID)
	if owner != "" {
		name += " (" + owner + ")"
	}
	rep.Summary = fmt.Sprintf("Ongoing WMS %s, %s", where, name)
	rep.Details = append(rep.Details, fmt.Sprintf("%d order statuses", len(st)))
	if articles == 0 {
		rep.Details = append(rep.Details, "the goods owner has no articles yet")
	}
	return rep, nil
}

var errStop = errors.New("stop")

// diagnose turns a failed call into what to fix.
func (c *Client) diagnose(err error, where string) (string, []string) {
	var api *APIError
	var dns *net.DNSError
	var re *remote.Error
	switch {
	case errors.As(err, &api) && api.Status == http.StatusUnauthorized:
		return "bad credentials: Ongoing refused the API user and password at " + where, []string{
			"check credentials.user and credentials.password (the API user the warehouse issued)",
		}
	case errors.As(err, &api) && api.Status == http.StatusForbidden:
		return fmt.Sprintf("wrong goods owner: the API user may not reach goods owner %d at %s", c.settings.GoodsOwnerID, where), []string{
			"check settings.goods_owner_id with the warehouse: " + api.Error(),
		}
	case errors.As(err, &api) && (api.NotJSON || api.Status == http.StatusNotFound):
		return "no Ongoing API at " + c.root, []string{
			fmt.Sprintf("check settings.warehouse (%q, the name in https://WAREHOUSE.ongoingsystems.se) and settings.base_url: %s", c.settings.Warehouse, api.Error()),
		}
	case errors.As(err, &dns):
		return fmt.Sprintf("unreachable: %s does not resolve", dns.Name), []string{"check settings.base_url and the network"}
	case errors.As(err, &re):
		return "unreachable: cannot reach Ongoing at " + c.root + ": " + err.Error(), []string{"check the network and settings.base_url"}
	}
	return "Ongoing answered unexpectedly: " + err.Error(), nil
}

package odoo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/remote"
)

// MinVersion is the oldest major version the client speaks: 14 brought the
// API keys it logs in with (base/models/res_users.py res.users.apikeys).
const MinVersion = 14

// RequiredModules are the modules the routes need, for a major version: the
// picking's carrier fields live in delivery up to 16 and in stock_delivery
// from 17.
func RequiredModules(version int) []string {
	mods := []string{"sale_management", "stock", "account"}
	if version >= 17 {
		return append(mods, "stock_delivery")
	}
	return append(mods, "delivery")
}

type moduleRow struct {
	Name  Str `json:"name"`
	State Str `json:"state"`
}

// Test checks the connection for `ferry connections test`: the server version,
// the protocol, the user, and the modules the routes need.
func (c *Client) Test(ctx context.Context) (connector.TestReport, error) {
	var rep connector.TestReport
	v, err := c.serverVersion(ctx)
	if err != nil {
		rep.Summary, rep.Details = c.diagnose(err)
		return rep, nil
	}
	if v.Major != 0 && v.Major < MinVersion {
		rep.Summary = fmt.Sprintf("Odoo %s: ferry speaks Odoo %d and later", v.Version, MinVersion)
		rep.Details = []string{fmt.Sprintf("Odoo %s at %s; upgrade the server", v.Version, c.s.URL)}
		return rep, nil
	}
	uid, major, protocol, err := c.session(ctx)
	if err != nil {
		rep.Summary, rep.Details = c.diagnose(err)
		return rep, nil
	}
	rep.Details = append(rep.Details, fmt.Sprintf("Odoo %s at %s, database %s, over %s", v.Version, c.s.URL, c.s.Database, protocol))
	// JSON-2 has no authenticate call, so the user is looked up by login on
	// every protocol; a user who cannot read res.users is still named.
	user := "login " + c.login
	type userRow struct {
		ID   Int `json:"id"`
		Name Str `json:"name"`
	}
	if us, err := SearchRead[userRow](ctx, c, "res.users", Query{Domain: []any{[]any{"login", "=", c.login}}, Fields: []string{"name"}, Limit: 1}); err == nil && len(us) == 1 {
		uid = int64(us[0].ID)
		user = fmt.Sprintf("%s (login %s)", us[0].Name, c.login)
	}
	if uid != 0 {
		user += fmt.Sprintf(", uid %d", uid)
	}
	rep.Details = append(rep.Details, "user "+user)
	need := RequiredModules(major)
	rows, err := SearchRead[moduleRow](ctx, c, "ir.module.module", Query{Domain: []any{[]any{"name", "in", need}}, Fields: []string{"name", "state"}})
	if err != nil {
		rep.Summary, rep.Details = c.diagnose(err)
		return rep, nil
	}
	installed := map[string]bool{}
	for _, r := range rows {
		if r.State == "installed" {
			installed[string(r.Name)] = true
		}
	}
	var missing []string
	for _, m := range need {
		if !installed[m] {
			missing = append(missing, m)
		}
	}
	if len(missing) > 0 {
		rep.Summary = fmt.Sprintf("Odoo %s: modules the routes need are not installed: %s", v.Version, strings.Join(missing, ", "))
		rep.Details = append(rep.Details, "install "+strings.Join(missing, ", ")+" in Odoo (Apps), then test again")
		return rep, nil
	}
	rep.OK = true
	rep.Summary = fmt.Sprintf("Odoo %s, database %s, %s: ready", v.Version, c.s.Database, user)
	return rep, nil
}

func (c *Client) diagnose(err error) (string, []string) {
	var oe *Error
	var dns *net.DNSError
	var re *remote.Error
	switch {
	case errors.Is(err, ErrBadCredentials) || IsAccessDenied(err):
		return "bad credentials: Odoo refused login " + c.login, []string{"check credentials.login and credentials.api_key (Preferences › Account Security › New API Key)"}
	case errors.As(err, &oe) && strings.Contains(oe.Message, "does not exist"):
		return fmt.Sprintf("database %q does not exist on %s", c.s.Database, c.s.URL), []string{"check settings.database: " + oe.Message}
	case errors.As(err, &dns):
		return "cannot resolve " + dns.Name, []string{"check settings.url"}
	case errors.As(err, &re):
		return "cannot reach Odoo at " + c.s.URL + ": " + err.Error(), []string{"check settings.url and that Odoo answers JSON-RPC at /jsonrpc"}
	}
	return "Odoo answered unexpectedly: " + err.Error(), nil
}

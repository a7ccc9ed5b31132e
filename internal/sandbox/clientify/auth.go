package clientify

import (
	"net/http"
	"strings"
)

// authenticate reads Authorization: Token KEY as DRF's TokenAuthentication
// does (the keyword in any case) and returns the key.
func (s *Server) authenticate(r *http.Request) (string, *apiErr) {
	fail := func(msg string) (string, *apiErr) {
		e := detail(http.StatusUnauthorized, "%s", msg)
		e.header = map[string]string{"WWW-Authenticate": "Token"}
		return "", e
	}
	parts := strings.Fields(r.Header.Get("Authorization"))
	switch {
	case len(parts) == 0 || !strings.EqualFold(parts[0], "token"):
		return fail("Authentication credentials were not provided.")
	case len(parts) == 1:
		return fail("Invalid token header. No credentials provided.")
	case len(parts) > 2:
		return fail("Invalid token header. Token string should not contain spaces.")
	case parts[1] != s.opts.APIKey:
		return fail("Invalid token.")
	}
	return parts[1], nil
}

// renderUser is a user as /me/ (me true) and /users/ answer it.
func (s *Server) renderUser(u *user, me bool) obj {
	admin := u == s.api
	o := obj{{"id", u.id}, {"username", u.username}, {"email", u.username}, {"first_name", u.first}, {"last_name", u.last},
		{"full_name", u.fullName()}, {"company", s.opts.Company}, {"company_id", s.opts.AccountID}}
	if me {
		o = append(o, kv{"account_status", s.opts.AccountStatus})
	}
	return append(o, obj{{"country", "ES"}, {"phone", nil}, {"picture", u.pic}, {"online_status", "available"},
		{"permissions_profile", "Administrador"}, {"permissions_profile_id", 1008}, {"is_tester", false},
		{"is_partner_admin", false}, {"inbox_user", true}, {"sales_user", true}, {"language", "es"},
		{"role", "nivel 1"}, {"role_id", 1518}, {"is_company_admin", admin}, {"is_partner", false},
		{"sales_status", 2}, {"inbox_status", 2}, {"have_marketing_active", true},
		{"have_communication_active", true}, {"have_sales_active", true}}...)
}

func pick(o obj, v *view) obj {
	if v.sel == nil {
		return o
	}
	out := obj{}
	for _, e := range o {
		if v.sel[e.k] {
			out = append(out, e)
		}
	}
	return out
}

func getMe(s *Server, c *call) (int, any, *apiErr) {
	return http.StatusOK, pick(s.renderUser(s.api, true), c.view(s)), nil
}

func listUsers(s *Server, c *call) (int, any, *apiErr) {
	v := c.view(s)
	items := []any{pick(s.renderUser(s.api, false), v), pick(s.renderUser(s.crm, false), v)}
	return pageOf(s, c, items)
}

func getUser(s *Server, c *call) (int, any, *apiErr) {
	id, _ := c.id(0)
	for _, u := range []*user{s.api, s.crm} {
		if u.id == id {
			return http.StatusOK, pick(s.renderUser(u, false), c.view(s)), nil
		}
	}
	return 0, nil, notFound()
}

// getSettings is the v1 account check FormsCRM falls back to: a page of one.
func getSettings(s *Server, c *call) (int, any, *apiErr) {
	sym := map[string]string{"EUR": "€", "USD": "$", "GBP": "£"}[s.opts.Currency]
	item := obj{{"language", "es"}, {"country", "ES"}, {"time_zone", s.opts.TimeZone}, {"currency", s.opts.Currency},
		{"currency_symbol", sym}, {"currency_format", 1}, {"hour_format", 1}, {"date_format", 1}, {"sub_brand", ""}}
	return pageOf(s, c, []any{item})
}

// obtainToken is the legacy login: {"username", "password"} (JSON or form)
// gives {"token"}.
func obtainToken(s *Server, c *call) (int, any, *apiErr) {
	m, e := c.bodyMap()
	if e != nil {
		return 0, nil, e
	}
	errs := errMap{}
	user, _ := asString(m["username"])
	pass, _ := asString(m["password"])
	for name, v := range map[string]string{"username": user, "password": pass} {
		if m[name] == nil {
			errs.add(name, "This field is required.")
		} else if v == "" {
			errs.add(name, "This field may not be blank.")
		}
	}
	if len(errs) > 0 {
		return 0, nil, invalid(errs)
	}
	if !strings.EqualFold(user, s.opts.Username) || pass != s.opts.Password {
		return 0, nil, invalid(errMap{"non_field_errors": []string{"Unable to log in with provided credentials."}})
	}
	return http.StatusOK, obj{{"token", s.opts.APIKey}}, nil
}

package shopify

import (
	"net/mail"
	"strings"
)

// customerCreate and customerUpdate (CustomerInput). Their payloads carry
// plain UserError, which has no code: a taken e-mail is field ["email"],
// "Email has already been taken" (Shopify's Rails wording as remembered [U]).

var countryNames = map[string]string{"FI": "Finland", "SE": "Sweden", "DE": "Germany", "ES": "Spain", "NO": "Norway",
	"DK": "Denmark", "EE": "Estonia", "US": "United States", "GB": "United Kingdom", "FR": "France", "NL": "Netherlands"}

// checkCustomer answers the userError of a CustomerInput for c (nil: new).
func (s *Server) checkCustomer(in map[string]any, c *customer) *uerr {
	email, phone := strings.TrimSpace(argStr(in["email"])), strings.TrimSpace(argStr(in["phone"]))
	if email != "" {
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email || !strings.Contains(email[strings.Index(email, "@"):], ".") {
			return &uerr{field: []string{"email"}, msg: "Email is invalid"}
		}
	}
	if phone != "" && !validPhone(phone) {
		return &uerr{field: []string{"phone"}, msg: "Phone is invalid"}
	}
	for _, o := range s.st.customers {
		if o == c {
			continue
		}
		if email != "" && strings.EqualFold(o.email, email) {
			return &uerr{field: []string{"email"}, msg: "Email has already been taken"}
		}
		if phone != "" && o.phone == phone {
			return &uerr{field: []string{"phone"}, msg: "Phone has already been taken"}
		}
	}
	if c == nil && email == "" && phone == "" && argStr(in["firstName"]) == "" && argStr(in["lastName"]) == "" {
		return &uerr{msg: "A name, phone number, or email address must be present"} // [U]
	}
	return nil
}

// validPhone: E.164, a plus and 7 to 15 digits (Shopify also accepts local
// numbers it can place in the shop's country; the sandbox does not [U]).
func validPhone(p string) bool {
	p = strings.NewReplacer(" ", "", "-", "").Replace(p)
	if !strings.HasPrefix(p, "+") || len(p) < 8 || len(p) > 16 {
		return false
	}
	for _, r := range p[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func applyCustomer(c *customer, in map[string]any) {
	if x, ok := in["email"]; ok {
		c.email = strings.TrimSpace(argStr(x))
	}
	if x, ok := in["phone"]; ok {
		c.phone = strings.TrimSpace(argStr(x))
	}
	if x, ok := in["firstName"]; ok {
		c.first = argStr(x)
	}
	if x, ok := in["lastName"]; ok {
		c.last = argStr(x)
	}
	if x, ok := in["note"]; ok {
		c.note = argStr(x)
	}
	if x, ok := in["tags"]; ok {
		c.tags = nil
		for _, t := range argList(x) {
			if t := strings.TrimSpace(argStr(t)); t != "" {
				c.tags = append(c.tags, t)
			}
		}
	}
	if m := argMap(in["emailMarketingConsent"]); m != nil {
		c.acceptsMarketing = argStr(m["marketingState"]) == "SUBSCRIBED"
	}
	if as := argList(in["addresses"]); len(as) > 0 {
		a := argMap(as[0])
		code := argStr(a["countryCode"])
		name := countryNames[code]
		if name == "" {
			name = code
		}
		c.addr = address{first: argStr(a["firstName"]), last: argStr(a["lastName"]), company: argStr(a["company"]),
			address1: argStr(a["address1"]), address2: argStr(a["address2"]), city: argStr(a["city"]), zip: argStr(a["zip"]),
			provinceCode: argStr(a["provinceCode"]), countryCode: code, country: name, phone: argStr(a["phone"])}
	}
}

func (s *Server) customerCreate(ec *execCtx, args map[string]any) (any, error) {
	in := argMap(args["input"])
	payload := obj{"__typename": "CustomerCreatePayload", "customer": nil, "userErrors": []any{}}
	if x, ok := in["id"]; ok && x != nil {
		payload["userErrors"] = []any{userError([]string{"id"}, "Id can't be given on create", "")} // [U]
		return payload, nil
	}
	if e := s.checkCustomer(in, nil); e != nil {
		payload["userErrors"] = errList1(e)
		return payload, nil
	}
	now := s.st.touch(ec.now)
	c := &customer{id: s.st.id(), createdAt: now, updatedAt: now}
	applyCustomer(c, in)
	s.st.customers = append(s.st.customers, c)
	s.st.custByID[c.id] = c
	s.emit("customers/create", func() *omap { return s.restCustomer(c, true) })
	payload["customer"] = s.customerObj(c)
	return payload, nil
}

func (s *Server) customerUpdate(ec *execCtx, args map[string]any) (any, error) {
	in := argMap(args["input"])
	payload := obj{"__typename": "CustomerUpdatePayload", "customer": nil, "userErrors": []any{}}
	id, _ := idOf(in["id"], "Customer")
	c := s.st.custByID[id]
	if c == nil {
		payload["userErrors"] = []any{userError([]string{"id"}, "Customer does not exist", "")}
		return payload, nil
	}
	if e := s.checkCustomer(in, c); e != nil {
		payload["userErrors"] = errList1(e)
		return payload, nil
	}
	applyCustomer(c, in)
	c.updatedAt = s.st.touch(ec.now)
	s.emit("customers/update", func() *omap { return s.restCustomer(c, true) })
	payload["customer"] = s.customerObj(c)
	return payload, nil
}

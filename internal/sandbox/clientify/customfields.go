package clientify

import (
	"net/http"
	"strings"
)

// cfDef is a custom field definition. Clientify defines them in its UI; the
// sandbox defines one the first time a record is written with a new field
// name (the reference does not say whether an undefined name is refused).
type cfDef struct {
	id   int
	res  *resource
	name string
}

func (s *Server) customDef(res *resource, name string) *cfDef {
	for _, d := range s.cfDefs {
		if d.res == res && d.name == name {
			return d
		}
	}
	d := &cfDef{id: 476900 + len(s.cfDefs) + 1, res: res, name: name}
	s.cfDefs = append(s.cfDefs, d)
	return d
}

// content type labels as the v1 and v2 samples show them.
var contentTypes = map[string][2]string{
	"contacts": {"contacts | contact", "contacts | contacto"}, "companies": {"companies | company", "companies | empresa"},
	"deals": {"deals | deal", "deals | oportunidad"}, "products": {"products | product", "products"}, "orders": {"orders | order", "orders | pedido"},
}

func (s *Server) renderCustomDef(d *cfDef, c *call, v *view) obj {
	i, display := 0, "Text"
	if c.ver == "v2" {
		i, display = 1, "Texto"
	}
	return obj{{"url", v.url("custom-fields", d.id)}, {"id", d.id}, {"user_company", s.opts.Company},
		{"content_type", contentTypes[d.res.name][i]}, {"name", d.name}, {"help_text", ""}, {"field_type", 3},
		{"field_type_display", display}, {"default_value", ""}, {"dropdown_choices", []any{}}, {"visible", true}}
}

// listCustomFields is /custom-fields/, ?object_type= (contact, contacts …)
// narrowing it.
func listCustomFields(s *Server, c *call) (int, any, *apiErr) {
	v := c.view(s)
	want := strings.TrimSpace(c.q.Get("object_type"))
	var items []any
	for _, d := range s.cfDefs {
		if want != "" && want != d.res.name && want != d.res.singular {
			continue
		}
		items = append(items, pick(s.renderCustomDef(d, c, v), v))
	}
	return pageOf(s, c, items)
}

func getCustomField(s *Server, c *call) (int, any, *apiErr) {
	id, _ := c.id(0)
	for _, d := range s.cfDefs {
		if d.id == id {
			v := c.view(s)
			return http.StatusOK, pick(s.renderCustomDef(d, c, v), v), nil
		}
	}
	return 0, nil, notFound()
}

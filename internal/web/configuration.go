package web

import (
	"context"
	"fmt"
	"net/http"
	"sort"
)

// The configuration page is seed 003's Configuration tab for one instance
// (a shop): the settings of the shop's connection and of the connections its
// routes write to (the ERP's warehouse, …), and the options and schedules of
// every route that serves the shop, edited as on the settings page; above
// them, the seed's settings by the seed's names, each with its value in
// force and a link to where it is set.

// ConfigItem is one of the seed's settings: where ferry keeps it and its
// value in force.
type ConfigItem struct {
	Group string `json:"group"`
	Label string `json:"label"`
	// Where is "connection NAME" or "route NAME"; Anchor the page's section.
	Where  string `json:"where"`
	Key    string `json:"key"`
	Value  string `json:"value"`
	Anchor string `json:"-"`
}

// InstanceConfig is the configuration page's data.
type InstanceConfig struct {
	Instance    string               `json:"instance"`
	Items       []ConfigItem         `json:"items"`
	Connections []ConnectionSettings `json:"connections"`
	Routes      []RouteSettings      `json:"routes"`
	ConfigPath  string               `json:"-"`
}

// seedSettings names the seed's settings: by connection kind and setting
// key, or by route flow and option key, under the seed's groups.
var seedSettings = []struct {
	group, label string
	route        bool
	of, key      string
}{
	{"General", "Warehouse", false, "odoo", "warehouse"},
	{"Product", "Product auto creation", true, "orders", "create_products"},
	{"Product", "Pricelist", true, "products", "pricelist"},
	{"Order", "Order statuses to import", true, "orders", "statuses"},
	{"Order", "Import orders after", true, "orders", "import_after"},
	{"Order", "Order prefix", true, "orders", "prefix"},
	{"Order", "POS orders", true, "orders", "pos"},
	{"Order", "Risky orders held from", true, "orders", "hold_risk"},
	{"Order", "Cancelled orders as quotations", true, "orders", "import_cancelled"},
	{"Order", "Product for lines without a SKU", true, "orders", "custom_line_sku"},
	{"Order", "Auto-workflow by financial status and gateway", true, "orders", "workflows"},
	{"Tax", "Shopify taxes (price-included)", true, "orders", "taxes"},
	{"Tax", "Refund restock", true, "refunds", "restock"},
	{"Stock", "Shopify stock location", false, "shopify", "location"},
	{"Stock", "Stock quantity sent", false, "shopify", "stock_name"},
	{"Stock", "Odoo quantity used", true, "stock", "quantity"},
	{"Payout", "Payout journal", true, "payouts", "journal"},
}

func (s *Server) instanceConfig(ctx context.Context, name string) (InstanceConfig, error) {
	ins, err := s.instances(ctx)
	if err != nil {
		return InstanceConfig{}, err
	}
	var in *Instance
	for i := range ins {
		if ins[i].Name == name {
			in = &ins[i]
		}
	}
	if in == nil {
		return InstanceConfig{}, &notFoundError{fmt.Sprintf("no instance %q: an instance is the source connection of an orders route", name)}
	}
	all, err := s.settingsView(ctx)
	if err != nil {
		return InstanceConfig{}, err
	}
	v := InstanceConfig{Instance: name, Connections: []ConnectionSettings{}, Routes: []RouteSettings{}, Items: []ConfigItem{}, ConfigPath: all.ConfigPath}
	mine := map[string]bool{}
	conns := map[string]bool{name: true}
	for _, r := range in.Routes {
		mine[r.Name] = true
		conns[r.From], conns[r.To] = true, true
	}
	for _, c := range all.Connections {
		if conns[c.Name] {
			v.Connections = append(v.Connections, c)
		}
	}
	for _, r := range all.Routes {
		if mine[r.Name] {
			v.Routes = append(v.Routes, r)
		}
	}
	for _, st := range seedSettings {
		if st.route {
			for _, r := range v.Routes {
				if r.Flow == st.of {
					v.Items = append(v.Items, ConfigItem{Group: st.group, Label: st.label, Where: "route " + r.Name, Key: st.key, Value: s.routeValue(ctx, r, st.key), Anchor: "route-" + r.Name})
				}
			}
			continue
		}
		for _, c := range v.Connections {
			if c.Kind == st.of {
				v.Items = append(v.Items, ConfigItem{Group: st.group, Label: st.label, Where: "connection " + c.Name, Key: st.key, Value: connValue(c, st.key), Anchor: "connection-" + c.Name})
			}
		}
	}
	// Schedules are the seed's "scheduled activities".
	for _, r := range v.Routes {
		v.Items = append(v.Items, ConfigItem{Group: "Scheduled activities", Label: "Schedule of " + r.Flow, Where: "route " + r.Name, Key: "schedule", Value: nonEmptyValue(r.Schedule, "on demand (set in "+all.ConfigPath+")"), Anchor: "route-" + r.Name})
	}
	sort.SliceStable(v.Items, func(i, j int) bool { return groupRank(v.Items[i].Group) < groupRank(v.Items[j].Group) })
	return v, nil
}

var groupOrder = []string{"General", "Product", "Order", "Tax", "Stock", "Payout", "Scheduled activities"}

func groupRank(g string) int {
	for i, x := range groupOrder {
		if x == g {
			return i
		}
	}
	return len(groupOrder)
}

// routeValue is an option's value in force: a simple field's value, or a
// list's or rule set's as JSON (rules are edited on the Mappings page).
func (s *Server) routeValue(ctx context.Context, r RouteSettings, key string) string {
	for _, f := range r.Fields {
		if f.Key == key {
			return nonEmptyValue(f.Value, "not set")
		}
	}
	if cur, _, err := s.hub.RouteOptions(ctx, r.Name); err == nil && cur != nil {
		if j := complexJSON(cur, key); j != "" && j != "null" {
			return j
		}
	}
	return "not set"
}

func connValue(c ConnectionSettings, key string) string {
	for _, f := range c.Fields {
		if f.Key == key {
			return nonEmptyValue(f.Value, "default ("+nonEmptyValue(f.Default, "none")+")")
		}
	}
	for _, f := range c.Complex {
		if f.Key == key {
			return f.JSON
		}
	}
	return "not set"
}

func nonEmptyValue(v, or string) string {
	if v == "" || v == "0001-01-01T00:00:00Z" {
		return or
	}
	return v
}

func (s *Server) configurationPage(w http.ResponseWriter, r *http.Request) {
	v, err := s.instanceConfig(r.Context(), r.PathValue("name"))
	if err != nil {
		if nf, ok := err.(*notFoundError); ok {
			s.fail(w, r, false, http.StatusNotFound, nf.Error())
			return
		}
		s.fail(w, r, false, http.StatusInternalServerError, err.Error())
		return
	}
	s.render(w, r, http.StatusOK, "configuration", page{Title: "Configuration of " + v.Instance, Nav: "instances", Data: v})
}

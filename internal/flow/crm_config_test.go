package flow_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/config"
	"github.com/ferryhub/ferry/internal/connector"
	"github.com/ferryhub/ferry/internal/flow"
)

// schemas are hub.Schemas' (the hub package is above flow).
func schemas() config.Schemas {
	return config.Schemas{
		Settings: func(kind string) (any, bool) {
			k, ok := connector.Lookup(kind)
			if !ok {
				return nil, false
			}
			return k.NewSettings(), true
		},
		Kinds:   connector.Names(),
		Options: flow.Options,
		Flows:   flow.KindNames(),
		Ends: func(flowName, fromKind, toKind string) []string {
			from, fok := connector.Lookup(fromKind)
			to, tok := connector.Lookup(toKind)
			if !fok || !tok {
				return nil
			}
			return flow.CheckEnds(flowName, fromKind, from.Client, toKind, to.Client)
		},
	}
}

// Seed 004's routes in ferry.yaml: each two-way kind as two routes between
// odoo and clientify, the sales route from odoo; options with defaults,
// checked; a route that can never run is refused when the config is read.
func TestCRMRoutesInConfig(t *testing.T) {
	t.Parallel()
	const conns = `connections:
  erp:
    kind: odoo
    settings: {url: "https://erp.example.com", database: ferry}
    credentials: {login: admin, api_key: k}
  crm:
    kind: clientify
    credentials: {api_key: k}
routes:
`
	for _, tc := range []struct {
		name, routes, want string
	}{
		{name: "all", routes: `  companies-out: {flow: companies, from: erp, to: crm}
  companies-in: {flow: companies, from: crm, to: erp, options: {batch_size: 10, wait_for: 30m}}
  contacts-out: {flow: contacts, from: erp, to: crm}
  contacts-in: {flow: contacts, from: crm, to: erp}
  products-out: {flow: crm_products, from: erp, to: crm}
  products-in: {flow: crm_products, from: crm, to: erp}
  sales: {flow: sales, from: erp, to: crm, options: {statuses: {sale: "En firme"}}}
`},
		{name: "sales from the CRM", routes: "  sales: {flow: sales, from: crm, to: erp}\n", want: "kind clientify cannot be a sale order source"},
		{name: "batch size", routes: "  c: {flow: companies, from: erp, to: crm, options: {batch_size: 0}}\n", want: "batch_size 0"},
		{name: "unknown option", routes: "  c: {flow: contacts, from: erp, to: crm, options: {wait: 1h}}\n", want: "wait"},
		{name: "no ecommerce", routes: "  s: {flow: sales, from: erp, to: crm, options: {ecommerce: ''}}\n", want: "ecommerce"},
	} {
		cfg, err := config.ParseEnv("ferry.yaml", []byte(conns+tc.routes), schemas(), map[string]string{})
		if tc.want != "" {
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: %v, want an error naming %q", tc.name, err, tc.want)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if o := cfg.Routes["companies-in"].Options.(*flow.TwoWayOptions); o.BatchSize != 10 || o.WaitFor != 30*time.Minute || o.Overlap != flow.DefaultOverlap {
			t.Errorf("companies-in options %+v", o)
		}
		if o := cfg.Routes["sales"].Options.(*flow.SalesOptions); o.Ecommerce != "Odoo" || o.Statuses["sale"] != "En firme" {
			t.Errorf("sales options %+v", o)
		}
	}
}

package flow_test

import (
	"net/http/httptest"
	"testing"

	"github.com/ferryhub/ferry/internal/connector/odoo"
	"github.com/ferryhub/ferry/internal/connector/ongoing"
	"github.com/ferryhub/ferry/internal/connector/shopify"
	odoosandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
	ogsandbox "github.com/ferryhub/ferry/internal/sandbox/ongoing"
	sfysandbox "github.com/ferryhub/ferry/internal/sandbox/shopify"
)

// The systems the end-to-end tests put beside the harness's shop: a sandbox
// over real HTTP and the real client of it, not rate limited.

// newShopify starts a Shopify sandbox with o and returns it, a client named
// name and the sandbox's address.
func newShopify(t *testing.T, name string, o sfysandbox.Options) (*sfysandbox.Server, *shopify.Client, string) {
	t.Helper()
	sb, err := sfysandbox.New(o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(func() { srv.Close(); sb.Close() })
	s := *shopify.DefaultSettings()
	s.Shop, s.BaseURL = sb.ShopDomain(), srv.URL
	c, err := shopify.New(name, s, shopify.Credentials{AccessToken: sb.Options().AccessToken, WebhookSecret: sb.Options().APISecret}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return sb, c, srv.URL
}

// newOngoing starts an Ongoing sandbox with o and returns it and a client
// named name; tweak changes the client's settings.
func newOngoing(t *testing.T, name string, o ogsandbox.Options, tweak func(*ongoing.Settings)) (*ogsandbox.Server, *ongoing.Client) {
	t.Helper()
	sb := ogsandbox.New(o)
	t.Cleanup(sb.Close)
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	s := *ongoing.DefaultSettings()
	s.BaseURL, s.Warehouse, s.GoodsOwnerID, s.RateLimit = srv.URL+"/{warehouse}/api/v1", sb.Options().Warehouse, sb.Options().GoodsOwnerID, 0
	if tweak != nil {
		tweak(&s)
	}
	c, err := ongoing.New(name, s, sb.Options().User, sb.Options().Password, nil)
	if err != nil {
		t.Fatal(err)
	}
	return sb, c
}

// newOdoo starts an Odoo sandbox with o and returns it and a client named
// name.
func newOdoo(t *testing.T, name string, o odoosandbox.Options) (*odoosandbox.Server, *odoo.Client) {
	t.Helper()
	sb := odoosandbox.New(o)
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	s := *odoo.DefaultSettings()
	s.URL, s.Database, s.RateLimit = srv.URL, "ferry", 0
	c, err := odoo.New(name, s, "admin", "demo-key", nil)
	if err != nil {
		t.Fatal(err)
	}
	return sb, c
}

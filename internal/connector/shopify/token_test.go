package shopify

import (
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/model"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/shopify"
)

// An app of the client credentials grant gets its token from the shop, uses
// it, and after the shop ends it (expiry) gets a new one once and goes on; a
// wrong secret is an auth error naming the shop.
func TestClientCredentialsGrant(t *testing.T) {
	t.Parallel()
	sb, err := sandbox.New(sandbox.Options{Orders: 5, SchemaPath: filepath.Join(sharedDir(t), "data", "shopify", "admin-2025-01.graphql"), RestoreRate: 10000, MaximumAvailable: 10000})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(func() { srv.Close(); sb.Close() })
	s := DefaultSettings()
	s.Shop, s.BaseURL = sb.ShopDomain(), srv.URL
	o := sb.Options()
	c, err := New("shop", *s, Credentials{ClientID: o.ClientID, ClientSecret: o.ClientSecret}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	read := func() error {
		return c.ChangedOrders(ctx, time.Time{}, func([]model.Order, []error, time.Time) error { return nil })
	}
	if err := read(); err != nil {
		t.Fatal(err)
	}
	sb.ExpireTokens()
	if err := read(); err != nil {
		t.Fatalf("after the token ended: %v", err)
	}
	if n := sb.Grants(); n != 2 {
		t.Fatalf("%d grants, want one at the start and one after the expiry", n)
	}
	bad, err := New("shop", *s, Credentials{ClientID: o.ClientID, ClientSecret: "wrong"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = bad.ChangedOrders(ctx, time.Time{}, func([]model.Order, []error, time.Time) error { return nil })
	var ae *AuthError
	if err == nil || !errors.As(err, &ae) {
		t.Fatalf("a wrong client secret: %v, want an AuthError", err)
	}
}

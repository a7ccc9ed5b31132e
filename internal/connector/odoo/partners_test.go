package odoo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/jobs"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
)

const badVAT = "FI52468398"

// vatRefusing is the sandbox behind base_vat's check as real Odoo makes it: a
// res.partner create with badVAT is refused with a ValidationError (JSON-RPC
// error, or JSON-2's 422).
func vatRefusing(t *testing.T, version int) (*Client, *sandbox.Server) {
	t.Helper()
	sb := sandbox.New(sandbox.Options{Version: version})
	h := sb.Handler()
	msg := "The VAT number [" + badVAT + "] for partner [Huono Oy] does not seem to be valid. \nNote: the expected format is FI12345671"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if bytes.Contains(body, []byte(badVAT)) {
			if r.URL.Path == "/json/2/res.partner/create" {
				w.WriteHeader(422)
				json.NewEncoder(w).Encode(map[string]any{"name": "odoo.exceptions.ValidationError", "message": msg, "debug": "Traceback…"})
				return
			}
			if r.URL.Path == "/jsonrpc" && bytes.Contains(body, []byte(`"res.partner","create"`)) {
				json.NewEncoder(w).Encode(map[string]any{"jsonrpc": "2.0", "id": 1, "error": map[string]any{"code": 200, "message": "Odoo Server Error", "data": map[string]any{"name": "odoo.exceptions.ValidationError", "message": msg}}})
				return
			}
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	s := *DefaultSettings()
	s.URL, s.Database, s.RateLimit, s.Timeout = srv.URL, "ferry", 0, 5*time.Second
	c, err := New("erp", s, "admin", "demo-key", nil)
	if err != nil {
		t.Fatal(err)
	}
	return c, sb
}

// TestOneBadCustomerDoesNotFailThePage: of a page whose new customers include
// one Odoo refuses (base_vat), that customer's orders come back needs-action
// with Odoo's message; the others are imported.
func TestOneBadCustomerDoesNotFailThePage(t *testing.T) {
	t.Parallel()
	for _, version := range []int{16, 17, 18, 19} {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, _ := vatRefusing(t, version)
			levels, err := c.StockLevels(ctx)
			if err != nil || len(levels) == 0 {
				t.Fatalf("%v %v", levels, err)
			}
			imps := testOrders(10) // customers c0..c6
			for i := range imps {
				imps[i].Order.Lines[0].SKU, imps[i].Carrier = levels[0].SKU, "Posti SmartPOST"
				if imps[i].Order.Customer.Email == "c3@example.fi" {
					imps[i].Order.Customer.VATCode, imps[i].Order.Customer.Name = badVAT, "Huono Oy"
				}
			}
			res, err := c.ImportOrders(ctx, imps)
			if err != nil {
				t.Fatalf("the page failed: %v", err)
			}
			for i, r := range res {
				bad := imps[i].Order.Customer.VATCode == badVAT
				switch {
				case bad && (r.Err == nil || jobs.ClassOf(r.Err) != jobs.ClassNeedsAction || !strings.Contains(r.Err.Error(), "The VAT number ["+badVAT+"]") || !strings.Contains(r.Err.Error(), "order "+imps[i].Order.Number) || !strings.Contains(r.Err.Error(), "fix the VAT")):
					t.Errorf("order %s of the refused customer: %v", imps[i].Order.Number, r.Err)
				case !bad && (r.Err != nil || r.RemoteID == ""):
					t.Errorf("order %s: %+v", imps[i].Order.Number, r)
				}
			}
		})
	}
}

package odoo

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	sandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
)

// TestLineTaxesFieldPerVersion: the order line's taxes are written in the
// field the version has (tax_id on 16–18, tax_ids on 19) and read back set.
func TestLineTaxesFieldPerVersion(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 17, 18, 19} {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, sb := sandboxClient(t, version)
			levels, err := c.StockLevels(ctx)
			if err != nil || len(levels) == 0 {
				t.Fatalf("%v %v", levels, err)
			}
			imps := testOrders(1)
			imps[0].Order.Lines[0].SKU, imps[0].Carrier = levels[0].SKU, "Posti SmartPOST"
			res, err := c.ImportOrders(ctx, imps)
			if err != nil || res[0].Err != nil {
				t.Fatalf("%+v %v", res, err)
			}
			field, _ := c.lineTaxField(ctx)
			if version < 19 && field != "tax_id" {
				t.Fatalf("field %s on %d", field, version)
			}
			lines := sb.SearchRead("sale.order.line", []any{[]any{"order_id", "=", mustInt(t, res[0].RemoteID)}}, []string{field})
			if len(lines) == 0 || fmt.Sprint(lines[0][field]) == "[]" || lines[0][field] == false {
				t.Fatalf("lines %v: no tax in %s", lines, field)
			}
		})
	}
}

// TestLineTaxesFieldOn19Schema: against 19's real schema (sale.order.line has
// tax_ids, no tax_id) the client writes tax_ids. A scripted answer to
// fields_get in front of the sandbox plays that schema.
func TestLineTaxesFieldOn19Schema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sb := sandbox.New(sandbox.Options{Version: 19})
	var mu sync.Mutex
	var creates []string
	h := sb.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		switch r.URL.Path {
		case "/json/2/sale.order.line/fields_get":
			w.Write([]byte(`{"tax_ids": {"type": "many2many"}}`))
			return
		case "/json/2/sale.order/create":
			mu.Lock()
			creates = append(creates, string(body))
			mu.Unlock()
		}
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	s := *DefaultSettings()
	s.URL, s.Database, s.RateLimit, s.Timeout = srv.URL, "ferry", 0, 5*time.Second
	c, _ := New("erp", s, "admin", "demo-key", nil)
	levels, err := c.StockLevels(ctx)
	if err != nil || len(levels) == 0 {
		t.Fatalf("%v %v", levels, err)
	}
	imps := testOrders(1)
	imps[0].Order.Lines[0].SKU, imps[0].Carrier = levels[0].SKU, "Posti SmartPOST"
	if _, err := c.ImportOrders(ctx, imps); err != nil {
		t.Fatal(err)
	}
	if len(creates) == 0 || !strings.Contains(creates[0], `"tax_ids"`) || strings.Contains(creates[0], `"tax_id"`) {
		t.Fatalf("sale.order create: %v", creates)
	}
}

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
	"github.com/ferryhub/ferry/internal/model"
	sandbox "github.com/ferryhub/ferry/internal/sandbox/odoo"
)

// TestUpdateConfirmedOrder: a confirmed order is changed the way Odoo allows
// (a removed line to quantity 0, a changed quantity written, a new line
// added), never by removing a line, which the sandbox refuses as real Odoo
// does, nor by action_draft, which does nothing on a confirmed order; an order
// whose invoice is paid parks the update, naming the invoice.
func TestUpdateConfirmedOrder(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 17, 18, 19} {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, sb := sandboxClient(t, version)
			levels, _ := c.StockLevels(ctx)
			line := func(sku string, qty int64) model.Line {
				return model.Line{Kind: model.LineProduct, SKU: sku, Name: sku, Quantity: model.DecimalFromInt(qty), UnitPrice: model.DecimalFromInt(10), TaxIncluded: true, TaxRate: model.MustDecimal("25.5")}
			}
			imps := []model.OrderImport{{Ref: "SHOP-U1"}, {Ref: "SHOP-U2"}}
			for i := range imps {
				imps[i].Order = model.Order{ID: fmt.Sprint(i), Number: fmt.Sprint(100 + i), Status: model.OrderOpen, Customer: model.Party{Email: "upd@example.fi", Name: "U"},
					Lines: []model.Line{line(levels[0].SKU, 1), line(levels[1].SKU, 2)}}
			}
			res, err := c.ImportOrders(ctx, imps)
			if err != nil || res[0].Err != nil || res[1].Err != nil {
				t.Fatalf("%+v %v", res, err)
			}
			// The first order's invoice is paid; the second's is out of the way.
			inv := func(i int) int64 {
				o := sb.SearchRead("sale.order", []any{[]any{"id", "=", mustInt(t, res[i].RemoteID)}}, []string{"invoice_ids"})
				return o[0]["invoice_ids"].([]int64)[0]
			}
			if err := sb.RegisterPayment(inv(0)); err != nil {
				t.Fatal(err)
			}
			if err := c.Write(ctx, "account.move", []int64{inv(1)}, map[string]any{"state": "cancel"}); err != nil {
				t.Fatal(err)
			}
			for i := range imps {
				imps[i].Order.Lines = []model.Line{line(levels[1].SKU, 3), line(levels[2].SKU, 1)}
			}
			err = c.UpdateOrder(ctx, res[0].RemoteID, imps[0])
			if err == nil || jobs.ClassOf(err) != jobs.ClassNeedsAction || !strings.Contains(err.Error(), "INV/") || !strings.Contains(err.Error(), "paid") {
				t.Fatalf("update of a paid order: %v", err)
			}
			if err := c.UpdateOrder(ctx, res[1].RemoteID, imps[1]); err != nil {
				t.Fatal(err)
			}
			got := map[string]float64{}
			for _, l := range sb.SearchRead("sale.order.line", []any{[]any{"order_id", "=", mustInt(t, res[1].RemoteID)}}, []string{"name", "product_uom_qty"}) {
				got[l["name"].(string)] = l["product_uom_qty"].(float64)
			}
			want := map[string]float64{levels[0].SKU: 0, levels[1].SKU: 3, levels[2].SKU: 1}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("lines %v, want %v", got, want)
			}
			if o := sb.SearchRead("sale.order", []any{[]any{"id", "=", mustInt(t, res[1].RemoteID)}}, []string{"state"}); o[0]["state"] != "sale" {
				t.Fatalf("state %v", o[0]["state"])
			}
		})
	}
}

// TestUpdateCreditsAnUnpaidInvoice: a confirmed, invoiced order that changes
// gets its unpaid invoice credited (account.move.reversal refund_moves, then
// the credit note posted) and a new invoice for its new lines. A proxy plays
// the reversal wizard, which the sandbox lacks, on the sandbox's records.
func TestUpdateCreditsAnUnpaidInvoice(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sb := sandbox.New(sandbox.Options{Version: 18})
	direct := httptest.NewServer(sb.Handler())
	defer direct.Close()
	ds := *DefaultSettings()
	ds.URL, ds.Database, ds.RateLimit = direct.URL, "ferry", 0
	admin, _ := New("admin", ds, "admin", "demo-key", nil)
	var credit int64
	var reversed []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		reply := func(v any) { json.NewEncoder(w).Encode(map[string]any{"jsonrpc": "2.0", "id": 1, "result": v}) }
		switch {
		case bytes.Contains(body, []byte(`"account.move.reversal","create"`)):
			reply([]int{1})
		case bytes.Contains(body, []byte(`"account.move.reversal","refund_moves"`)):
			var req struct {
				Params struct{ Args []json.RawMessage }
			}
			json.Unmarshal(body, &req)
			var kw struct {
				Context struct {
					ActiveIDs []int64 `json:"active_ids"`
				} `json:"context"`
			}
			json.Unmarshal(req.Params.Args[6], &kw)
			for _, inv := range kw.Context.ActiveIDs {
				reversed = append(reversed, fmt.Sprint(inv))
				admin.Write(ctx, "account.move", []int64{inv}, map[string]any{"payment_state": "reversed"})
			}
			ids, _ := admin.Create(ctx, "account.move", []map[string]any{{"move_type": "out_refund", "state": "draft"}}, nil)
			credit = ids[0]
			orders, _ := admin.SearchCount(ctx, "sale.order", nil)
			for id := 1; id <= orders; id++ {
				admin.Write(ctx, "sale.order", []int64{int64(id)}, map[string]any{"invoice_status": "to invoice"})
			}
			reply(map[string]any{"type": "ir.actions.act_window", "res_model": "account.move", "res_id": credit})
		case bytes.Contains(body, []byte(`reversed_entry_id`)):
			reply([]any{map[string]any{"id": credit, "name": "/", "state": "draft"}})
		default:
			sb.Handler().ServeHTTP(w, r)
		}
	}))
	defer srv.Close()
	st := *DefaultSettings()
	st.URL, st.Database, st.RateLimit, st.Timeout = srv.URL, "ferry", 0, 5*time.Second
	c, _ := New("erp", st, "admin", "demo-key", nil)
	levels, _ := c.StockLevels(ctx)
	imp := model.OrderImport{Ref: "SHOP-C1", Order: model.Order{ID: "1", Number: "201", Status: model.OrderOpen, Customer: model.Party{Email: "credit@example.fi", Name: "C"},
		Lines: []model.Line{{Kind: model.LineProduct, SKU: levels[0].SKU, Name: "a", Quantity: model.DecimalFromInt(1), UnitPrice: model.DecimalFromInt(10), TaxIncluded: true, TaxRate: model.MustDecimal("25.5")}}}}
	res, err := c.ImportOrders(ctx, []model.OrderImport{imp})
	if err != nil || res[0].Err != nil {
		t.Fatalf("%+v %v", res, err)
	}
	imp.Order.Lines[0].Quantity = model.DecimalFromInt(2)
	if err := c.UpdateOrder(ctx, res[0].RemoteID, imp); err != nil {
		t.Fatal(err)
	}
	o := sb.SearchRead("sale.order", []any{[]any{"id", "=", mustInt(t, res[0].RemoteID)}}, []string{"invoice_ids"})
	invs := o[0]["invoice_ids"].([]int64)
	if len(reversed) != 1 || len(invs) != 2 {
		t.Fatalf("credited %v, invoices %v", reversed, invs)
	}
	for _, m := range sb.SearchRead("account.move", []any{[]any{"id", "in", []any{invs[1], credit}}}, []string{"state"}) {
		if m["state"] != "posted" {
			t.Fatalf("the new invoice or the credit note is not posted: %v", m)
		}
	}
}

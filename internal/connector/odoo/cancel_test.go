package odoo

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/model"
)

// cancelOdoo answers a cancel as real 16/18 do: action_cancel of a confirmed
// order with a posted invoice returns the sale.order.cancel wizard and cancels
// nothing; account.move.reversal credits the invoice (16: reverse_moves with
// refund_method cancel, posted; 17+: refund_moves, a draft to post).
type cancelOdoo struct {
	mu        sync.Mutex
	version   int
	order     string // state
	invoice   string // payment_state
	credit    string // the credit note's state, "" before it exists
	calls     []string
	badWizard string
}

func (s *cancelOdoo) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.URL.Path != "/jsonrpc" {
		http.NotFound(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var req struct {
		Params struct {
			Service, Method string
			Args            []json.RawMessage
		}
	}
	json.Unmarshal(body, &req)
	reply := func(v any) { json.NewEncoder(w).Encode(map[string]any{"jsonrpc": "2.0", "id": 1, "result": v}) }
	if req.Params.Service == "common" {
		reply(2)
		return
	}
	var model, method string
	json.Unmarshal(req.Params.Args[3], &model)
	json.Unmarshal(req.Params.Args[4], &method)
	s.calls = append(s.calls, model+"."+method)
	args := string(req.Params.Args[5])
	switch model + "." + method {
	case "sale.order.search_read":
		reply([]any{map[string]any{"id": 7, "name": "S00007", "client_order_ref": "SHOP-7", "state": s.order, "picking_ids": []int{}, "invoice_status": "invoiced", "invoice_ids": []int{20}, "partner_id": []any{3, "C"}}})
	case "account.move.search_read":
		switch {
		case strings.Contains(args, "reversed_entry_id"):
			if s.credit == "draft" {
				reply([]any{map[string]any{"id": 21, "name": "/", "state": "draft"}})
			} else {
				reply([]any{})
			}
		case s.invoice != "reversed":
			reply([]any{map[string]any{"id": 20, "name": "INV/2026/00020", "state": "posted", "move_type": "out_invoice", "payment_state": s.invoice}})
		default:
			reply([]any{})
		}
	case "account.move.reversal.create":
		reply([]int{1})
	case "account.move.reversal.reverse_moves":
		if s.version >= 17 {
			json.NewEncoder(w).Encode(map[string]any{"jsonrpc": "2.0", "id": 1, "error": map[string]any{"code": 200, "message": "Odoo Server Error", "data": map[string]any{"name": "builtins.AttributeError", "message": "'account.move.reversal' object has no attribute 'refund_method'"}}})
			return
		}
		s.credit, s.invoice = "posted", "reversed"
		reply(map[string]any{"type": "ir.actions.act_window", "res_model": "account.move", "res_id": 21})
	case "account.move.reversal.refund_moves":
		s.credit = "draft"
		reply(map[string]any{"type": "ir.actions.act_window", "res_model": "account.move", "res_id": 21})
	case "account.move.action_post":
		s.credit, s.invoice = "posted", "reversed"
		reply(false)
	case "sale.order.action_cancel":
		if s.badWizard != "" {
			reply(map[string]any{"type": "ir.actions.act_window", "res_model": s.badWizard})
			return
		}
		reply(map[string]any{"type": "ir.actions.act_window", "res_model": "sale.order.cancel", "target": "new"})
	case "sale.order.cancel.create":
		reply([]int{5})
	case "sale.order.cancel.action_cancel":
		s.order = "cancel"
		reply(true)
	case "stock.picking.search_read":
		reply([]any{})
	default:
		w.WriteHeader(500)
	}
}

func cancelClient(t *testing.T, s *cancelOdoo) *Client {
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	st := *DefaultSettings()
	st.URL, st.Database, st.Version, st.Protocol, st.RateLimit, st.MaxAttempts = srv.URL, "ferry", s.version, "jsonrpc", 0, 1
	c, _ := New("erp", st, "admin", "demo-key", nil)
	return c
}

// TestCancelForReal: the cancel goes through the wizard, the unpaid invoice is
// credited, and the order is read back cancelled; a paid invoice parks the
// cancel naming it; another wizard is named exactly and never reported done.
func TestCancelForReal(t *testing.T) {
	t.Parallel()
	imp := model.OrderImport{Ref: "SHOP-7", Order: model.Order{Number: "7"}}
	for _, version := range []int{14, 15, 16, 17, 18} {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := &cancelOdoo{version: version, order: "sale", invoice: "not_paid"}
			if err := cancelClient(t, s).CancelOrder(ctx, "7", imp); err != nil {
				t.Fatalf("%v (calls %v)", err, s.calls)
			}
			if s.order != "cancel" || s.invoice != "reversed" || s.credit != "posted" {
				t.Fatalf("order %s, invoice %s, credit note %q (calls %v)", s.order, s.invoice, s.credit, s.calls)
			}

			paid := &cancelOdoo{version: version, order: "sale", invoice: "paid"}
			err := cancelClient(t, paid).CancelOrder(ctx, "7", imp)
			if err == nil || jobs.ClassOf(err) != jobs.ClassNeedsAction || !strings.Contains(err.Error(), "INV/2026/00020") || paid.order != "sale" {
				t.Fatalf("paid: %v (order %s)", err, paid.order)
			}

			odd := &cancelOdoo{version: version, order: "sale", invoice: "reversed", badWizard: "mail.compose.message"}
			err = cancelClient(t, odd).CancelOrder(ctx, "7", imp)
			if err == nil || !strings.Contains(err.Error(), "Odoo answered with the mail.compose.message wizard") {
				t.Fatalf("another wizard: %v", err)
			}
		})
	}
}

// TestCancelAgainstSandbox: on the sandbox, whose 16/18 answer the
// sale.order.cancel wizard to action_cancel, an invoiced order is cancelled
// for real and its unpaid invoice credited.
func TestCancelAgainstSandbox(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 17, 18, 19} {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, sb := sandboxClient(t, version)
			levels, _ := c.StockLevels(ctx)
			imps := testOrders(1)
			imps[0].Order.Lines[0].SKU, imps[0].Carrier = levels[0].SKU, "Posti SmartPOST"
			res, err := c.ImportOrders(ctx, imps)
			if err != nil || res[0].Err != nil {
				t.Fatalf("%+v %v", res, err)
			}
			if err := c.CancelOrder(ctx, res[0].RemoteID, imps[0]); err != nil {
				t.Fatal(err)
			}
			o := sb.SearchRead("sale.order", []any{[]any{"id", "=", mustInt(t, res[0].RemoteID)}}, []string{"state"})
			if o[0]["state"] != "cancel" {
				t.Fatalf("state %v", o[0]["state"])
			}
			if n := len(sb.SearchRead("account.move", []any{[]any{"move_type", "=", "out_refund"}, []any{"state", "=", "posted"}}, []string{"name"})); n != 1 {
				t.Fatalf("%d posted credit notes", n)
			}
		})
	}
}

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

	"github.com/ferryhub/ferry/internal/model"
)

// scriptedOdoo answers the calls ImportOrders makes, keeping created orders, so
// the batching, the bisection of a refused batch and the call count can be
// checked without a full Odoo.
type scriptedOdoo struct {
	mu      sync.Mutex
	calls   map[string]int
	orders  map[string]int64 // client_order_ref → id
	refuse  string           // a ref whose create Odoo refuses
	nextID  int64
	creates int
}

func (s *scriptedOdoo) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/jsonrpc" {
		http.NotFound(w, r) // as 16–18 answer GET /web/version
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	var req struct {
		ID     int64
		Params struct {
			Service, Method string
			Args            []json.RawMessage
		}
	}
	json.Unmarshal(body, &req)
	reply := func(v any) { json.NewEncoder(w).Encode(map[string]any{"jsonrpc": "2.0", "id": req.ID, "result": v}) }
	switch req.Params.Service + "." + req.Params.Method {
	case "common.version":
		reply(map[string]any{"server_version": "17.0", "server_version_info": []any{17, 0, 0, "final", 0, ""}})
		return
	case "common.authenticate":
		reply(2)
		return
	}
	var model, method string
	json.Unmarshal(req.Params.Args[3], &model)
	json.Unmarshal(req.Params.Args[4], &method)
	s.calls[model+"."+method]++
	switch model + "." + method {
	case "sale.order.search_read":
		var rows []map[string]any
		for ref, id := range s.orders {
			if strings.Contains(string(req.Params.Args[5]), ref) || strings.Contains(string(req.Params.Args[5]), fmt.Sprint(id)) {
				rows = append(rows, map[string]any{"id": id, "name": fmt.Sprintf("S%05d", id), "client_order_ref": ref, "state": "sale", "picking_ids": []int64{}, "invoice_status": "invoiced", "invoice_ids": []int64{}})
			}
		}
		reply(rows)
	case "res.partner.search_read":
		reply([]any{})
	case "product.pricelist.fields_get":
		reply(map[string]any{})
	case "sale.order.line.fields_get":
		reply(map[string]any{"tax_id": map[string]any{"type": "many2many"}})
	case "res.partner.create":
		var lists [][]map[string]any
		json.Unmarshal(req.Params.Args[5], &lists)
		ids := []int64{}
		for range lists[0] {
			s.nextID++
			ids = append(ids, s.nextID)
		}
		reply(ids)
	case "product.product.search_read":
		reply([]map[string]any{{"id": 11, "default_code": "TSHIRT-M"}, {"id": 12, "default_code": "MUG"}})
	case "res.country.search_read":
		reply([]map[string]any{{"id": 76, "code": "FI"}})
	case "account.tax.search_read":
		reply([]map[string]any{{"id": 1, "amount": 25.5, "price_include": false}, {"id": 2, "amount": 14, "price_include": false}})
	case "delivery.carrier.search_read":
		reply([]map[string]any{{"id": 5, "name": "Posti", "product_id": []any{99, "Shipping"}}})
	case "sale.order.create":
		var lists [][]map[string]any
		json.Unmarshal(req.Params.Args[5], &lists)
		for _, v := range lists[0] {
			if v["client_order_ref"] == s.refuse {
				json.NewEncoder(w).Encode(map[string]any{"jsonrpc": "2.0", "id": req.ID, "error": map[string]any{"code": 200, "message": "Odoo Server Error", "data": map[string]any{"name": "odoo.exceptions.ValidationError", "message": "The operation cannot be completed: bad line"}}})
				return
			}
		}
		ids := []int64{}
		for _, v := range lists[0] {
			s.nextID++
			s.creates++
			s.orders[v["client_order_ref"].(string)] = s.nextID
			ids = append(ids, s.nextID)
		}
		reply(ids)
	case "sale.order.action_confirm":
		reply(true)
	default:
		w.WriteHeader(500)
	}
}

func testOrders(n int) []model.OrderImport {
	var out []model.OrderImport
	for i := 1; i <= n; i++ {
		o := model.Order{ID: fmt.Sprint(i), Number: fmt.Sprint(i), Status: model.OrderOpen,
			Customer: model.Party{Email: fmt.Sprintf("c%d@example.fi", i%7), Name: "Customer"}, Billing: model.Address{Country: "FI"},
			Lines: []model.Line{
				{Kind: model.LineProduct, SKU: "TSHIRT-M", Name: "Tee", Quantity: model.DecimalFromInt(2), UnitPrice: model.MustDecimal("24.9"), TaxIncluded: true, TaxRate: model.MustDecimal("25.5")},
				{Kind: model.LineShipping, Name: "Posti", Quantity: model.DecimalFromInt(1), UnitPrice: model.MustDecimal("5.9"), TaxIncluded: true, TaxRate: model.MustDecimal("25.5")},
			}}
		out = append(out, model.OrderImport{Order: o, Ref: "SHOP-" + o.Number, Carrier: "Posti"})
	}
	return out
}

func TestImportOrdersBatchesAndIsolatesARefusedOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	odoo := &scriptedOdoo{calls: map[string]int{}, orders: map[string]int64{}, refuse: "SHOP-37", nextID: 1000}
	srv := httptest.NewServer(http.HandlerFunc(odoo.serve))
	defer srv.Close()
	s := *DefaultSettings()
	s.URL, s.Database, s.RateLimit = srv.URL, "ferry", 0
	c, err := New("erp", s, "admin", "k-123456", nil)
	if err != nil {
		t.Fatal(err)
	}
	imps := testOrders(100)
	imps[59].Order.Lines[0].SKU = "NO-SUCH-SKU"
	res, err := c.ImportOrders(ctx, imps)
	if err != nil {
		t.Fatal(err)
	}
	var failed []string
	for i, r := range res {
		if r.Err != nil {
			failed = append(failed, imps[i].Ref+": "+r.Err.Error())
			continue
		}
		if !r.Created || r.RemoteID == "" || r.Number == "" {
			t.Fatalf("order %s: %+v", imps[i].Ref, r)
		}
	}
	if len(failed) != 2 || !strings.Contains(failed[0], "bad line") && !strings.Contains(failed[1], "bad line") || !strings.Contains(strings.Join(failed, " "), `internal reference "NO-SUCH-SKU"`) {
		t.Fatalf("failed: %v", failed)
	}
	if odoo.creates != 98 {
		t.Fatalf("%d orders created, want 98", odoo.creates)
	}
	total := 0
	for _, n := range odoo.calls {
		total += n
	}
	// Lookups, one partner create, one order create bisected down to the bad
	// order (about 2·log2(100) calls), one confirm, one read of names.
	if total > 25 {
		t.Fatalf("%d calls for 100 orders (%v)", total, odoo.calls)
	}
	// Importing the same orders again creates nothing.
	res, err = c.ImportOrders(ctx, imps)
	if err != nil || odoo.creates != 98 {
		t.Fatalf("a second import created %d, %v", odoo.creates-98, err)
	}
	if res[0].Created || res[0].RemoteID == "" {
		t.Fatalf("existing order: %+v", res[0])
	}
}

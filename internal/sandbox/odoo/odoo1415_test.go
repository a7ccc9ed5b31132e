package odoo

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// What 14 and 15 do their own way (odoo1415.go and the version switches),
// each next to 16 where it differs.

func newCaller(t *testing.T, opts Options) (caller, string) {
	t.Helper()
	srv := httptest.NewServer(New(opts).Handler())
	t.Cleanup(srv.Close)
	return caller{t, srv.URL}, srv.URL
}

// The version answer and the errors 14 and 15 raise their own way: an
// unknown model is a UserError (fault 2 over XML-RPC), an unknown method
// Python's AttributeError.
func TestVersionAndErrors14(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		version              int
		modelError, noMethod string
	}{
		{14, "odoo.exceptions.UserError", "type object 'sale.order' has no attribute 'action_nope'"},
		{15, "odoo.exceptions.UserError", "type object 'sale.order' has no attribute 'action_nope'"},
		{16, "builtins.ValueError", "The method 'action_nope' does not exist on the model 'sale.order'"},
	} {
		_, url := newCaller(t, Options{Version: tc.version, Products: 1, Partners: 1})
		env, _ := rpc(t, url, "common", "version")
		want := `"server_version_info":[` + itoa(int64(tc.version)) + `,0,0,"final",0,""]`
		if !bytes.Contains(env["result"], []byte(want)) || !bytes.Contains(env["result"], []byte(`"server_serie":"`+itoa(int64(tc.version))+`.0"`)) {
			t.Errorf("%d version: %s", tc.version, env["result"])
		}
		if env, _ := rpc(t, url, "common", "authenticate", "ferry", "admin", "demo-key", map[string]any{}); string(env["result"]) != "2" {
			t.Errorf("%d authenticate with the API key: %s", tc.version, env["result"])
		}
		if n, msg := errName(kw(t, url, "no.such.model", "search", []any{[]any{}}, nil)); n != tc.modelError || msg != "Object no.such.model doesn't exist" {
			t.Errorf("%d unknown model: %s %q", tc.version, n, msg)
		}
		if n, msg := errName(kw(t, url, "sale.order", "action_nope", []any{[]any{1}}, nil)); n != "builtins.AttributeError" || msg != tc.noMethod {
			t.Errorf("%d unknown method: %s %q", tc.version, n, msg)
		}
		str := func(s string) string { return "<param><value><string>" + s + "</string></value></param>" }
		got := xmlCall(t, url, "object", "<methodName>execute_kw</methodName><params>"+str("ferry")+"<param><value><int>2</int></value></param>"+str("demo-key")+str("no.such.model")+str("search")+"<param><value><array><data><value><array><data></data></array></value></data></array></value></param></params>")
		code := map[bool]string{true: "<int>2</int>", false: "<int>1</int>"}[tc.version <= 15]
		if !strings.Contains(got, code) {
			t.Errorf("%d XML-RPC unknown model: %s", tc.version, got)
		}
	}
}

// Product types: 14 has type alone (product = storable), 15 detailed_type
// with type following it both ways and refusing the two apart, 16 as 15
// without the sync.
func TestProductTypes14(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16} {
		c, url := newCaller(t, Options{Version: version, Products: 1, Partners: 1})
		fields := result[map[string]any](t, kw(t, url, "product.template", "fields_get", []any{}, nil))
		if _, has := fields["detailed_type"]; has != (version >= 15) {
			t.Errorf("%d detailed_type: %v", version, has)
		}
		typeField := map[bool]string{true: "type", false: "detailed_type"}[version <= 14]
		if r := c.one("product.product", 1, typeField); r[typeField] != "product" {
			t.Errorf("%d generated product %v", version, r)
		}
		if version == 14 {
			if n, _ := errName(kw(t, url, "product.template", "create", []any{map[string]any{"name": "X", "detailed_type": "consu"}}, nil)); n != "builtins.ValueError" {
				t.Errorf("14 detailed_type create: %s", n)
			}
		}
		if version == 15 {
			id := result[int64](t, kw(t, url, "product.template", "create", []any{map[string]any{"name": "Palvelu", "type": "service"}}, nil))
			if r := c.one("product.template", id, "type", "detailed_type"); r["detailed_type"] != "service" {
				t.Errorf("15 type given alone: %v", r)
			}
			c.call("product.template", "write", []any{[]any{id}, map[string]any{"detailed_type": "product"}}, nil)
			if r := c.one("product.template", id, "type", "detailed_type"); r["type"] != "product" {
				t.Errorf("15 detailed_type written alone: %v", r)
			}
			// Through the variant too.
			v := c.ids("product.product", []any{[]any{"product_tmpl_id", "=", id}})
			c.call("product.product", "write", []any{v, map[string]any{"type": "consu"}}, nil)
			if r := c.one("product.template", id, "type", "detailed_type"); r["detailed_type"] != "consu" {
				t.Errorf("15 type written on the variant: %v", r)
			}
			n, msg := errName(kw(t, url, "product.template", "write", []any{[]any{id}, map[string]any{"type": "consu", "detailed_type": "service"}}, nil))
			if n != "odoo.exceptions.ValidationError" || msg != "The Type of this product doesn't match the Detailed Type" {
				t.Errorf("15 type and detailed_type apart: %s %q", n, msg)
			}
		}
		// A storable product short of stock leaves the delivery waiting;
		// a consumable one is always available.
		prod := c.ids("product.product", []any{[]any{"default_code", "=", "ODOO-001"}})[0]
		c.call("stock.quant", "write", []any{c.ids("stock.quant", []any{[]any{"product_id", "=", prod}}), map[string]any{"quantity": 0}}, nil)
		so := result[int64](t, kw(t, url, "sale.order", "create", []any{map[string]any{"partner_id": 1, "order_line": []any{[]any{0, 0, map[string]any{"product_id": prod, "product_uom_qty": 2, "price_unit": 10}}}}}, nil))
		c.call("sale.order", "action_confirm", []any{[]any{so}}, nil)
		pick := int64(c.one("sale.order", so, "picking_ids")["picking_ids"].([]any)[0].(float64))
		if st := c.one("stock.picking", pick, "state")["state"]; st != "confirmed" {
			t.Errorf("%d storable without stock: picking %v", version, st)
		}
	}
}

// action_confirm on 14 and 15 refuses only done and cancelled orders (with
// their message) and confirms a confirmed order again without a second
// delivery; 16 here refuses anything but a quotation.
func TestConfirm14(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16} {
		c, url := newCaller(t, Options{Version: version, Products: 2, Partners: 1})
		so := c.confirmedOrder(1, 10)
		env := kw(t, url, "sale.order", "action_confirm", []any{[]any{so}}, nil)
		if version <= 15 {
			if r := result[any](t, env); r != true || len(c.one("sale.order", so, "picking_ids")["picking_ids"].([]any)) != 1 {
				t.Errorf("%d confirming again: %v", version, r)
			}
		} else if n, _ := errName(env); n != "odoo.exceptions.UserError" {
			t.Errorf("16 confirming again: %s", n)
		}
		c.call("sale.order", "action_cancel", []any{[]any{so}}, map[string]any{"context": map[string]any{"disable_cancel_warning": true}})
		_, msg := errName(kw(t, url, "sale.order", "action_confirm", []any{[]any{so}}, nil))
		want := map[bool]string{true: "It is not allowed to confirm an order in the following states: done, cancel", false: "Some orders are not in a state requiring confirmation."}[version <= 15]
		if msg != want {
			t.Errorf("%d confirming a cancelled order: %q", version, msg)
		}
	}
}

// 14's and 15's sale.order.cancel wizard is only for orders with a draft
// invoice (its action's context {default_order_id}); several such orders
// are "Expected singleton"; a shipped order cancels, its delivery stays
// done.
func TestCancelWizard14(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15} {
		c, url := newCaller(t, Options{Version: version, Products: 2, Partners: 1})
		so, so2 := c.confirmedOrder(1, 10), c.confirmedOrder(1, 20)
		for _, o := range []int64{so, so2} {
			c.invoiceWizard([]int64{o}, map[string]any{}, nil)
		}
		if _, msg := errName(kw(t, url, "sale.order", "action_cancel", []any{[]any{so, so2}}, nil)); msg != "Expected singleton: sale.order("+itoa(so)+", "+itoa(so2)+")" {
			t.Errorf("%d two orders with draft invoices: %q", version, msg)
		}
		a, ok := c.call("sale.order", "action_cancel", []any{[]any{so}}, nil).(map[string]any)
		if !ok || a["res_model"] != "sale.order.cancel" || a["context"].(map[string]any)["default_order_id"] != float64(so) || len(a["context"].(map[string]any)) != 1 {
			t.Fatalf("%d action_cancel with a draft invoice: %v", version, a)
		}
		wiz := result[int64](t, kw(t, url, "sale.order.cancel", "create", []any{map[string]any{"order_id": so}}, nil))
		c.call("sale.order.cancel", "action_cancel", []any{[]any{wiz}}, nil)
		inv := int64(c.one("sale.order", so, "invoice_ids")["invoice_ids"].([]any)[0].(float64))
		if st := c.one("sale.order", so, "state")["state"]; st != "cancel" || c.one("account.move", inv, "state")["state"] != "cancel" {
			t.Errorf("%d after the wizard: order %v", version, st)
		}
		// Shipped: cancelled all the same.
		shipped := c.confirmedOrder(1, 30)
		pick := int64(c.one("sale.order", shipped, "picking_ids")["picking_ids"].([]any)[0].(float64))
		c.call("stock.picking", "button_validate", []any{[]any{pick}}, map[string]any{"context": map[string]any{"skip_immediate": true}})
		if r := c.call("sale.order", "action_cancel", []any{[]any{shipped}}, nil); r != true || c.one("sale.order", shipped, "state")["state"] != "cancel" || c.one("stock.picking", pick, "state")["state"] != "done" {
			t.Errorf("%d cancelling a shipped order: %v", version, r)
		}
	}
}

// The invoicing wizard of 14 and 15 has no sale_order_ids: it invoices the
// context's active_ids, none of which is their nothing-to-invoice error.
func TestInvoiceWizard14(t *testing.T) {
	t.Parallel()
	want := map[int]string{
		14: "There is nothing to invoice!\n\nReason(s) of this behavior could be:\n- You should deliver your products before invoicing them: Click on the \"truck\" icon (top-right of your screen) and follow instructions.\n- You should modify the invoicing policy of your product: Open the product, go to the \"Sales tab\" and modify invoicing policy from \"delivered quantities\" to \"ordered quantities\".\n        ",
		15: "There is nothing to invoice!\n\nReason(s) of this behavior could be:\n- You should deliver your products before invoicing them: Click on the \"truck\" icon (top-right of your screen) and follow instructions.\n- You should modify the invoicing policy of your product: Open the product, go to the \"Sales\" tab and modify invoicing policy from \"delivered quantities\" to \"ordered quantities\". For Services, you should modify the Service Invoicing Policy to 'Prepaid'.",
	}
	for _, version := range []int{14, 15, 16} {
		c, url := newCaller(t, Options{Version: version, Products: 2, Partners: 1})
		so := c.confirmedOrder(1, 10)
		env := kw(t, url, "sale.advance.payment.inv", "create", []any{map[string]any{"sale_order_ids": []any{[]any{6, 0, []any{so}}}}}, nil)
		if n, _ := errName(env); (n == "builtins.ValueError") != (version <= 15) {
			t.Errorf("%d sale_order_ids: %s", version, n)
		}
		if version >= 16 {
			continue
		}
		if d := result[map[string]any](t, kw(t, url, "sale.advance.payment.inv", "default_get", []any{[]any{"advance_payment_method", "deduct_down_payments"}}, nil)); d["deduct_down_payments"] != true || d["advance_payment_method"] != "delivered" {
			t.Errorf("%d defaults %v", version, d)
		}
		wiz := result[int64](t, kw(t, url, "sale.advance.payment.inv", "create", []any{map[string]any{}}, nil))
		if n, msg := errName(kw(t, url, "sale.advance.payment.inv", "create_invoices", []any{[]any{wiz}}, nil)); n != "odoo.exceptions.UserError" || msg != want[version] {
			t.Errorf("%d without active_ids: %s %q", version, n, msg)
		}
		c.invoiceWizard([]int64{so}, map[string]any{}, nil)
		ctx := map[string]any{"context": map[string]any{"active_model": "sale.order", "active_ids": []any{so}}}
		wiz = result[int64](t, kw(t, url, "sale.advance.payment.inv", "create", []any{map[string]any{}}, ctx))
		if _, msg := errName(kw(t, url, "sale.advance.payment.inv", "create_invoices", []any{[]any{wiz}}, ctx)); msg != want[version] {
			t.Errorf("%d invoiced again: %q", version, msg)
		}
	}
}

// Inventory on 14: inventory_quantity is 0 outside inventory mode and
// writing it there does nothing; in inventory mode it reads the quantity,
// a write applies at once, a create gathers the product's quant; there is
// no action_apply_inventory. 15: the count is stored, applied by
// action_apply_inventory (None, the count back to 0), refused as a conflict
// once the quantity moved; inventory_quantity_auto_apply applies at once in
// inventory mode.
func TestQuantInventory14(t *testing.T) {
	t.Parallel()
	inv := map[string]any{"context": map[string]any{"inventory_mode": true}}
	for _, version := range []int{14, 15} {
		c, url := newCaller(t, Options{Version: version, Products: 1, Partners: 1})
		prod := c.ids("product.product", []any{[]any{"default_code", "=", "ODOO-001"}})[0]
		q := c.ids("stock.quant", []any{[]any{"product_id", "=", prod}})
		loc := m2oID(c.one("stock.quant", q[0], "location_id")["location_id"])
		onHand := func() float64 { return c.one("product.product", prod, "qty_available")["qty_available"].(float64) }
		c.call("stock.quant", "write", []any{q, map[string]any{"quantity": 5}}, nil)
		if version == 14 {
			if r := c.read("stock.quant", q, "inventory_quantity")[0]; r["inventory_quantity"] != 0.0 {
				t.Errorf("14 count outside inventory mode %v", r)
			}
			c.call("stock.quant", "write", []any{q, map[string]any{"inventory_quantity": 9}}, nil)
			if onHand() != 5 {
				t.Errorf("14 a count outside inventory mode applied: %v", onHand())
			}
			if r := result[[]map[string]any](t, kw(t, url, "stock.quant", "read", []any{q}, map[string]any{"fields": []string{"inventory_quantity"}, "context": map[string]any{"inventory_mode": true}})); r[0]["inventory_quantity"] != 5.0 {
				t.Errorf("14 count in inventory mode %v", r)
			}
			result[any](t, kw(t, url, "stock.quant", "write", []any{q, map[string]any{"inventory_quantity": 9}}, inv))
			if onHand() != 9 {
				t.Errorf("14 count in inventory mode: on hand %v", onHand())
			}
			got := result[int64](t, kw(t, url, "stock.quant", "create", []any{map[string]any{"product_id": prod, "location_id": loc, "inventory_quantity": 12}}, inv))
			if got != q[0] || onHand() != 12 {
				t.Errorf("14 create in inventory mode: quant %d (have %d), on hand %v", got, q[0], onHand())
			}
			if _, msg := errName(kw(t, url, "stock.quant", "create", []any{map[string]any{"product_id": prod, "location_id": loc, "inventory_quantity": 1, "reserved_quantity": 1}}, inv)); msg != "Quant's creation is restricted, you can't do this operation." {
				t.Errorf("14 restricted create: %q", msg)
			}
			if _, msg := errName(kw(t, url, "stock.quant", "write", []any{q, map[string]any{"inventory_quantity": 1, "reserved_quantity": 1}}, inv)); msg != "Quant's editing is restricted, you can't do this operation." || onHand() != 12 {
				t.Errorf("14 restricted write: %q, on hand %v", msg, onHand())
			}
		} else {
			c.call("stock.quant", "write", []any{q, map[string]any{"inventory_quantity": 8}}, nil)
			if r := c.read("stock.quant", q, "inventory_quantity", "inventory_diff_quantity", "inventory_quantity_set")[0]; r["inventory_diff_quantity"] != 3.0 || r["inventory_quantity_set"] != true || onHand() != 5 {
				t.Errorf("15 count %v, on hand %v", r, onHand())
			}
			if _, has := rpc(t, url, "object", "execute_kw", "ferry", 2, "demo-key", "stock.quant", "action_apply_inventory", []any{q}, map[string]any{}); has || onHand() != 8 {
				t.Errorf("15 apply: result %v, on hand %v", has, onHand())
			}
			if r := c.read("stock.quant", q, "inventory_quantity", "inventory_quantity_set")[0]; r["inventory_quantity"] != 0.0 || r["inventory_quantity_set"] != false {
				t.Errorf("15 after apply %v", r)
			}
			// Counted, then the stock moved: a conflict, nothing applied.
			c.call("stock.quant", "write", []any{q, map[string]any{"inventory_quantity": 4}}, nil)
			c.call("stock.quant", "write", []any{q, map[string]any{"quantity": 7}}, nil)
			if a, ok := c.call("stock.quant", "action_apply_inventory", []any{q}, nil).(map[string]any); !ok || a["res_model"] != "stock.inventory.conflict" || onHand() != 7 {
				t.Errorf("15 outdated count: %v, on hand %v", a, onHand())
			}
			got := result[int64](t, kw(t, url, "stock.quant", "create", []any{map[string]any{"product_id": prod, "location_id": loc, "inventory_quantity": 2}}, inv))
			if got != q[0] || onHand() != 7 || c.one("stock.quant", got, "inventory_quantity")["inventory_quantity"] != 2.0 {
				t.Errorf("15 create in inventory mode: quant %d, on hand %v", got, onHand())
			}
			c.call("stock.quant", "write", []any{q, map[string]any{"inventory_quantity_auto_apply": 11}}, inv)
			if onHand() != 11 {
				t.Errorf("15 auto apply: on hand %v", onHand())
			}
		}
	}
	// SetOnHand counts as each version's warehouse user would: 14 in
	// inventory mode on the product's quant; 15 (as 16) a new quant counted
	// and applied, which adds to the one there.
	for _, version := range []int{14, 15} {
		s := New(Options{Version: version, Products: 1, Partners: 1})
		onHand := func() float64 {
			return s.SearchRead("product.product", []any{[]any{"default_code", "=", "ODOO-001"}}, []string{"qty_available"})[0]["qty_available"].(float64)
		}
		before := onHand()
		if err := s.SetOnHand("ODOO-001", 42); err != nil {
			t.Fatalf("%d SetOnHand: %v", version, err)
		}
		if want := map[int]float64{14: 42, 15: before + 42}[version]; onHand() != want {
			t.Errorf("%d on hand after SetOnHand %v, want %v", version, onHand(), want)
		}
	}
}

// Accounts and journal items of 14 and 15: user_type_id (an
// account.account.type) instead of account_type, display_type false on
// product, tax and receivable lines, exclude_from_invoice_tab on the last
// two, account_internal_type.
func TestAccounts14(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16} {
		c, url := newCaller(t, Options{Version: version, Products: 2, Partners: 1})
		fields := result[map[string]any](t, kw(t, url, "account.account", "fields_get", []any{}, nil))
		_, hasType := fields["account_type"]
		_, hasUserType := fields["user_type_id"]
		if hasType == (version <= 15) || hasUserType != (version <= 15) {
			t.Errorf("%d account fields: account_type %v, user_type_id %v", version, hasType, hasUserType)
		}
		_, inv := c.postedInvoice(10)
		lines := result[[]map[string]any](t, kw(t, url, "account.move.line", "search_read", []any{[]any{[]any{"move_id", "=", inv}}}, map[string]any{"fields": []string{"display_type", "account_id"}, "order": "id"}))
		if version >= 16 {
			if lines[0]["display_type"] != "product" {
				t.Errorf("16 product line %v", lines[0])
			}
			continue
		}
		recv := c.ids("account.account", []any{[]any{"code", "=", "121000"}})[0]
		if a := c.one("account.account", recv, "user_type_id", "internal_type", "internal_group", "reconcile"); a["user_type_id"].([]any)[1] != "Receivable" || a["internal_type"] != "receivable" || a["internal_group"] != "asset" || a["reconcile"] != true {
			t.Errorf("%d receivable account %v", version, a)
		}
		for _, l := range lines {
			if l["display_type"] != false {
				t.Errorf("%d line %v", version, l)
			}
		}
		items := result[[]map[string]any](t, kw(t, url, "account.move.line", "search_read", []any{[]any{[]any{"move_id", "=", inv}, []any{"exclude_from_invoice_tab", "=", true}}}, map[string]any{"fields": []string{"account_internal_type", "account_id"}}))
		types := map[any]bool{}
		for _, it := range items {
			types[it["account_internal_type"]] = true
		}
		if len(items) != 2 || !types["receivable"] || !types["other"] {
			t.Errorf("%d tax and receivable items %v", version, items)
		}
		if ids := c.ids("account.move.line", []any{[]any{"move_id", "=", inv}, []any{"display_type", "=", false}}); len(ids) != 3 {
			t.Errorf("%d display_type false: %v", version, ids)
		}
		if n := len(c.one("account.move", inv, "invoice_line_ids")["invoice_line_ids"].([]any)); n != 1 {
			t.Errorf("%d invoice_line_ids %d", version, n)
		}
		// An account without a type is refused; with one it is made.
		if n, _ := errName(kw(t, url, "account.account", "create", []any{map[string]any{"code": "999999", "name": "X"}}, nil)); n != "odoo.exceptions.ValidationError" {
			t.Errorf("%d account without user_type_id: %s", version, n)
		}
		typ := c.ids("account.account.type", []any{[]any{"name", "=", "Bank and Cash"}})
		id := result[int64](t, kw(t, url, "account.account", "create", []any{map[string]any{"code": "101499", "name": "Kassa", "user_type_id": typ[0]}}, nil))
		if a := c.one("account.account", id, "internal_type"); a["internal_type"] != "liquidity" {
			t.Errorf("%d new account %v", version, a)
		}
	}
}

// Entry numbers: 14 numbers every journal by month with four digits; 15 the
// sales journal by year, the bank by month; 16 both by year, a payment with
// P. Credit notes take R.
func TestSequences14(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		version                  int
		invoice, refund, payment string
	}{
		{14, "INV/2026/03/0001", "RINV/2026/03/0001", "BNK/2026/03/0001"},
		{15, "INV/2026/00001", "RINV/2026/00001", "BNK/2026/03/0001"},
		{16, "INV/2026/00001", "RINV/2026/00001", "PBNK/2026/00001"},
	} {
		c, url := newCaller(t, Options{Version: tc.version, Products: 2, Partners: 1, Now: func() time.Time { return now }})
		_, inv := c.postedInvoice(10)
		cn := result[int64](t, kw(t, url, "account.move", "create", []any{map[string]any{"move_type": "out_refund", "partner_id": 1, "reversed_entry_id": inv,
			"invoice_line_ids": []any{[]any{0, 0, map[string]any{"product_id": 1, "quantity": 1, "price_unit": 1}}}}}, nil))
		c.call("account.move", "action_post", []any{[]any{cn}}, nil)
		ctx := contextOf("account.move", inv)
		wiz := result[int64](t, kw(t, url, "account.payment.register", "create", []any{map[string]any{}}, ctx))
		a := c.call("account.payment.register", "action_create_payments", []any{[]any{wiz}}, ctx).(map[string]any)
		pay := c.one("account.payment", int64(a["res_id"].(float64)), "name", "move_id")
		if got := []any{c.one("account.move", inv, "name")["name"], c.one("account.move", cn, "name")["name"], pay["name"]}; got[0] != tc.invoice || got[1] != tc.refund || got[2] != tc.payment {
			t.Errorf("%d names %v", tc.version, got)
		}
		if tc.version == 14 {
			// The payment's outstanding receipts are the bank journal's own.
			acc := c.ids("account.move.line", []any{[]any{"move_id", "=", m2oID(pay["move_id"])}, []any{"account_id.code", "=", "101403"}})
			if len(acc) != 1 {
				t.Errorf("14 payment's outstanding item %v", acc)
			}
		}
	}
}

// payment_state "reversed" on 14 and 15 needs the credit notes to reverse
// the invoice (reversed_entry_id) and to settle it alone; a credit note
// without reversed_entry_id leaves it "paid", as a payment with one does.
// 16 (_compute_payment_state) looks at the kinds of the counterparts.
func TestReversedState14(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16} {
		c, url := newCaller(t, Options{Version: version, Products: 2, Partners: 1})
		credit := func(inv int64, linked bool, price float64) int64 {
			vals := map[string]any{"move_type": "out_refund", "partner_id": 1,
				"invoice_line_ids": []any{[]any{0, 0, map[string]any{"product_id": 1, "quantity": 1, "price_unit": price, "tax_ids": []any{}}}}}
			if linked {
				vals["reversed_entry_id"] = inv
			}
			cn := result[int64](t, kw(t, url, "account.move", "create", []any{vals}, nil))
			c.call("account.move", "action_post", []any{[]any{cn}}, nil)
			recv := c.ids("account.move.line", []any{[]any{"move_id", "=", cn}, []any{"account_id.code", "=", "121000"}})
			c.call("account.move", "js_assign_outstanding_line", []any{[]any{inv}, recv[0]}, nil)
			return cn
		}
		state := func(id int64) any { return c.one("account.move", id, "payment_state")["payment_state"] }
		_, inv := c.postedInvoice(10)
		cn := credit(inv, false, 12.55)
		if want := map[bool]string{true: "paid", false: "reversed"}[version <= 15]; state(inv) != want || state(cn) != "paid" {
			t.Errorf("%d unlinked credit note: invoice %v (want %s), credit note %v", version, state(inv), want, state(cn))
		}
		_, inv2 := c.postedInvoice(10)
		credit(inv2, true, 12.55)
		if state(inv2) != "reversed" {
			t.Errorf("%d linked credit note: %v", version, state(inv2))
		}
		// Half credited, half paid: paid.
		_, inv3 := c.postedInvoice(10)
		credit(inv3, true, 5)
		ctx := contextOf("account.move", inv3)
		wiz := result[int64](t, kw(t, url, "account.payment.register", "create", []any{map[string]any{}}, ctx))
		c.call("account.payment.register", "action_create_payments", []any{[]any{wiz}}, ctx)
		if state(inv3) != "paid" {
			t.Errorf("%d credited and paid: %v", version, state(inv3))
		}
	}
}

// Bank statements of 14 and 15: the journal is required and the lines'
// entries stay draft until button_post, which checks the ending balance,
// names the statement and posts the entries; only then do they reconcile;
// button_validate wants every line reconciled. 16 has neither method.
func TestStatements14(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC)
	for _, version := range []int{14, 15, 16} {
		c, url := newCaller(t, Options{Version: version, Products: 2, Partners: 1, Now: func() time.Time { return now }})
		if version >= 16 {
			st := result[int64](t, kw(t, url, "account.bank.statement", "create", []any{map[string]any{"name": "x"}}, nil))
			if n, _ := errName(kw(t, url, "account.bank.statement", "button_post", []any{[]any{st}}, nil)); n != "builtins.AttributeError" {
				t.Errorf("16 button_post: %s", n)
			}
			continue
		}
		acc := func(code string) int64 { return c.ids("account.account", []any{[]any{"code", "=", code}})[0] }
		receivable, fees := acc("121000"), acc("620000")
		journal := result[int64](t, kw(t, url, "account.journal", "create", []any{map[string]any{"name": "Shopify Payments", "type": "bank", "code": "SHOP"}}, nil))
		if n, msg := errName(kw(t, url, "account.bank.statement", "create", []any{map[string]any{"line_ids": []any{[]any{0, 0, map[string]any{"journal_id": journal, "payment_ref": "x", "amount": 1}}}}}, nil)); n != "odoo.exceptions.ValidationError" || !strings.Contains(msg, "journal_id") {
			t.Errorf("%d statement without a journal: %s %q", version, n, msg)
		}
		if n, _ := errName(kw(t, url, "account.bank.statement.line", "create", []any{map[string]any{"journal_id": journal, "payment_ref": "x", "amount": 1}}, nil)); n != "odoo.exceptions.ValidationError" {
			t.Errorf("%d line without a statement: %s", version, n)
		}
		_, inv := c.postedInvoice(10)
		bank := c.ids("account.journal", []any{[]any{"code", "=", "BNK"}})[0]
		st := result[int64](t, kw(t, url, "account.bank.statement", "create", []any{map[string]any{"journal_id": journal, "reference": "payout 1", "line_ids": []any{
			[]any{0, 0, map[string]any{"journal_id": bank, "payment_ref": "#1001 charge", "ref": "tx1", "amount": 12.55, "partner_id": 1}},
			[]any{0, 0, map[string]any{"payment_ref": "#1001 fee", "amount": -0.55, "counterpart_account_id": fees}},
			[]any{0, 0, map[string]any{"payment_ref": "unknown", "amount": 1}},
		}}}, nil))
		s := c.one("account.bank.statement", st, "state", "name", "balance_start", "balance_end", "balance_end_real", "difference", "line_ids", "date")
		if s["state"] != "open" || s["name"] != false || s["balance_end"] != 13.0 || s["balance_end_real"] != 13.0 || s["difference"] != 0.0 || s["date"] != "2026-03-09" {
			t.Errorf("%d new statement %v", version, s)
		}
		lineIDs := s["line_ids"].([]any)
		line := int64(lineIDs[0].(float64))
		l := c.one("account.bank.statement.line", line, "journal_id", "move_id", "state", "date")
		move := m2oID(l["move_id"])
		if m2oID(l["journal_id"]) != journal || l["state"] != "open" || l["date"] != "2026-03-09" {
			t.Errorf("%d line %v", version, l)
		}
		if m := c.one("account.move", move, "state", "name"); m["state"] != "draft" || m["name"] != "/" {
			t.Errorf("%d line's entry before posting %v", version, m)
		}
		suspense := c.ids("account.move.line", []any{[]any{"move_id", "=", move}, []any{"account_id.code", "=", "101401"}})
		kw(t, url, "account.move.line", "write", []any{suspense, map[string]any{"account_id": receivable, "partner_id": 1}}, nil)
		invLine := c.ids("account.move.line", []any{[]any{"move_id", "=", inv}, []any{"account_id", "=", receivable}})
		if _, msg := errName(kw(t, url, "account.move.line", "reconcile", []any{append(suspense, invLine...)}, nil)); msg != "You can only reconcile posted entries." {
			t.Errorf("%d reconciling a draft entry: %q", version, msg)
		}
		// A wrong ending balance is refused.
		c.call("account.bank.statement", "write", []any{[]any{st}, map[string]any{"balance_end_real": 1234.5}}, nil)
		if _, msg := errName(kw(t, url, "account.bank.statement", "button_post", []any{[]any{st}}, nil)); msg != "The ending balance is incorrect !\nThe expected balance ($\u00a01,234.50) is different from the computed one ($\u00a013.00)." {
			t.Errorf("%d wrong ending balance: %q", version, msg)
		}
		c.call("account.bank.statement", "write", []any{[]any{st}, map[string]any{"balance_end_real": 13}}, nil)
		if env, has := rpc(t, url, "object", "execute_kw", "ferry", 2, "demo-key", "account.bank.statement", "button_post", []any{[]any{st}}, map[string]any{}); has || env["error"] != nil {
			t.Fatalf("%d button_post: %v", version, env)
		}
		if s := c.one("account.bank.statement", st, "state", "name"); s["state"] != "posted" || s["name"] != "SHOP Statement 2026/03/00001" {
			t.Errorf("%d posted statement %v", version, s)
		}
		if m := c.one("account.move", move, "state", "name"); m["state"] != "posted" || m["name"] != "SHOP/2026/03/0001" {
			t.Errorf("%d line's entry after posting %v", version, m)
		}
		if _, msg := errName(kw(t, url, "account.bank.statement", "button_post", []any{[]any{st}}, nil)); msg != "Only new statements can be posted." {
			t.Errorf("%d posting again: %q", version, msg)
		}
		if _, msg := errName(kw(t, url, "account.bank.statement.line", "create", []any{map[string]any{"statement_id": st, "payment_ref": "late", "amount": 1}}, nil)); msg != "You can only create statement line in open bank statements." {
			t.Errorf("%d line on a posted statement: %q", version, msg)
		}
		if _, msg := errName(kw(t, url, "account.bank.statement", "button_validate", []any{[]any{st}}, nil)); msg != "All the account entries lines must be processed in order to validate the statement." {
			t.Errorf("%d validating before reconciling: %q", version, msg)
		}
		env, has := rpc(t, url, "object", "execute_kw", "ferry", 2, "demo-key", "account.move.line", "reconcile", []any{append(suspense, invLine...)}, map[string]any{})
		if env["error"] != nil || !has || bytes.Contains(env["result"], []byte("exchange_partials")) {
			t.Fatalf("%d reconcile: %v", version, env)
		}
		if m := c.one("account.move", inv, "payment_state"); m["payment_state"] != "paid" {
			t.Errorf("%d invoice after reconciling %v", version, m)
		}
		if _, msg := errName(kw(t, url, "account.bank.statement", "button_validate", []any{[]any{st}}, nil)); msg == "" {
			t.Errorf("%d validated with the unknown line open", version)
		}
		unknown := m2oID(c.one("account.bank.statement.line", int64(lineIDs[2].(float64)), "move_id")["move_id"])
		kw(t, url, "account.move.line", "write", []any{c.ids("account.move.line", []any{[]any{"move_id", "=", unknown}, []any{"account_id.code", "=", "101401"}}), map[string]any{"account_id": fees}}, nil)
		if env := kw(t, url, "account.bank.statement", "button_validate", []any{[]any{st}}, nil); env["error"] != nil {
			t.Errorf("%d button_validate: %s", version, env["error"])
		}
		if s := c.one("account.bank.statement", st, "state", "all_lines_reconciled"); s["state"] != "confirm" || s["all_lines_reconciled"] != true {
			t.Errorf("%d validated statement %v", version, s)
		}
		// The next statement starts where this one ended.
		st2 := result[int64](t, kw(t, url, "account.bank.statement", "create", []any{map[string]any{"journal_id": journal, "line_ids": []any{
			[]any{0, 0, map[string]any{"payment_ref": "#1002 charge", "amount": 5}}}}}, nil))
		if s := c.one("account.bank.statement", st2, "balance_start", "balance_end_real"); s["balance_start"] != 13.0 || s["balance_end_real"] != 18.0 {
			t.Errorf("%d second statement %v", version, s)
		}
	}
}

// 14's and 15's reconcile checks line by line: the account first, then
// posted, then the first line's account ("a != b").
func TestReconcileChecks14(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15} {
		c, url := newCaller(t, Options{Version: version, Products: 2, Partners: 1})
		_, inv := c.postedInvoice(10)
		recv := c.ids("account.move.line", []any{[]any{"move_id", "=", inv}, []any{"account_id.code", "=", "121000"}})
		income := c.ids("account.move.line", []any{[]any{"move_id", "=", inv}, []any{"account_id.code", "=", "400000"}})
		if _, msg := errName(kw(t, url, "account.move.line", "reconcile", []any{append(recv, income...)}, nil)); msg != "Account 400000 Product Sales does not allow reconciliation. First change the configuration of this account to allow it." {
			t.Errorf("%d income line: %q", version, msg)
		}
		_, inv2 := c.postedInvoice(10)
		recv2 := c.ids("account.move.line", []any{[]any{"move_id", "=", inv2}, []any{"account_id.code", "=", "121000"}})
		ctx := contextOf("account.move", inv2)
		wiz := result[int64](t, kw(t, url, "account.payment.register", "create", []any{map[string]any{"amount": 1}}, ctx))
		c.call("account.payment.register", "action_create_payments", []any{[]any{wiz}}, ctx)
		code := map[int]string{14: "101403", 15: "101402"}[version]
		out := c.ids("account.move.line", []any{[]any{"account_id.code", "=", code}})
		want := "Entries are not from the same account: 121000 Account Receivable != " + code + " Outstanding Receipts"
		if _, msg := errName(kw(t, url, "account.move.line", "reconcile", []any{append(recv2, out...)}, nil)); msg != want {
			t.Errorf("%d two accounts: %q, want %q", version, msg, want)
		}
	}
}

// 14 and 15 have no check_vat_de: a German Steuernummer fails stdnum's
// de.vat, which 16–18 accept.
func TestVATDE14(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16} {
		if got := vatChecks["de"](version, "12/345/67890"); got != (version >= 16) {
			t.Errorf("%d Steuernummer: %v", version, got)
		}
		if ref, _ := vatRef(version, "de"); ref != map[bool]string{true: "DE123456788", false: "DE123456788 or 12/345/67890"}[version <= 15] {
			t.Errorf("%d DE format %q", version, ref)
		}
	}
}

package odoo

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// postedInvoice confirms an order of one line at price (12.55 with the
// product's 25.5 % tax at 10), invoices and posts it.
func (c caller) postedInvoice(price float64) (so, inv int64) {
	c.t.Helper()
	so = c.confirmedOrder(1, price)
	c.invoiceWizard([]int64{so}, map[string]any{}, nil)
	ids := c.read("sale.order", []int64{so}, "invoice_ids")[0]["invoice_ids"].([]any)
	inv = int64(ids[0].(float64))
	c.call("account.move", "action_post", []any{[]any{inv}}, nil)
	return so, inv
}

// errName is the error's data.name of an execute_kw answer, "" if none.
func errName(env map[string]json.RawMessage) (string, string) {
	var e struct {
		Data struct{ Name, Message string } `json:"data"`
	}
	if env["error"] == nil {
		return "", ""
	}
	json.Unmarshal(env["error"], &e)
	return e.Data.Name, e.Data.Message
}

func (c caller) one(model string, id int64, fields ...string) map[string]any {
	c.t.Helper()
	return c.read(model, []int64{id}, fields...)[0]
}

func m2oID(v any) int64 {
	if l, ok := v.([]any); ok && len(l) > 0 {
		f, _ := l[0].(float64)
		return int64(f)
	}
	return 0
}

// dropped calls execute_kw and reports whether the connection dropped.
func dropped(t *testing.T, url, model, method string, args []any, kwargs map[string]any) bool {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": "call", "id": 1, "params": map[string]any{"service": "object", "method": "execute_kw",
		"args": []any{"ferry", 2, "demo-key", model, method, args, kwargs}}})
	resp, err := http.Post(url+"/jsonrpc", "application/json", bytes.NewReader(body))
	if err != nil {
		return true
	}
	defer resp.Body.Close()
	var v map[string]any
	return json.NewDecoder(resp.Body).Decode(&v) != nil
}

func contextOf(model string, ids ...int64) map[string]any {
	return map[string]any{"context": map[string]any{"active_model": model, "active_ids": ids, "active_id": ids[0]}}
}

func hasPrefix(s, p string) bool { return strings.HasPrefix(s, p) }

package odoo

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// rpc is a tiny JSON-RPC caller written for the test, not the connector client.
func rpc(t *testing.T, url, service, method string, args ...any) (map[string]json.RawMessage, bool) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": "call", "id": 1, "params": map[string]any{"service": service, "method": method, "args": args}})
	resp, err := http.Post(url+"/jsonrpc", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var env map[string]json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		t.Fatal(err)
	}
	_, hasResult := env["result"]
	return env, hasResult
}

func kw(t *testing.T, url, model, method string, args []any, kwargs map[string]any) map[string]json.RawMessage {
	t.Helper()
	env, _ := rpc(t, url, "object", "execute_kw", "ferry", 2, "demo-key", model, method, args, kwargs)
	return env
}

func TestJSONRPCBasics(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 17, 18} {
		srv := httptest.NewServer(New(Options{Version: version}).Handler())
		defer srv.Close()
		env, _ := rpc(t, srv.URL, "common", "authenticate", "ferry", "admin", "demo-key", map[string]any{})
		if string(env["result"]) != "2" {
			t.Fatalf("%d authenticate: %s", version, env["result"])
		}
		env, _ = rpc(t, srv.URL, "common", "authenticate", "ferry", "admin", "wrong", map[string]any{})
		if string(env["result"]) != "false" {
			t.Fatalf("bad key: %s", env["result"])
		}
		env, _ = rpc(t, srv.URL, "common", "authenticate", "nodb", "admin", "demo-key", map[string]any{})
		if !bytes.Contains(env["error"], []byte("does not exist")) {
			t.Fatalf("bad db: %s", env["error"])
		}
		env = kw(t, srv.URL, "res.partner", "search_read", []any{[]any{"|", []any{"email", "=ilike", "ASIAKAS1@example.fi"}, []any{"parent_id.email", "=", "asiakas2@example.fi"}}}, map[string]any{"fields": []string{"name", "email", "parent_id", "ref"}})
		var rows []map[string]any
		json.Unmarshal(env["result"], &rows)
		if len(rows) != 2 || rows[0]["ref"] != false {
			t.Fatalf("%d search_read: %s", version, env["result"])
		}
		if p, ok := rows[1]["parent_id"].([]any); !ok || len(p) != 2 {
			t.Fatalf("many2one: %v", rows[1]["parent_id"])
		}
		env = kw(t, srv.URL, "res.partner", "create", []any{map[string]any{"email": "x@example.fi"}}, nil)
		if !bytes.Contains(env["error"], []byte("odoo.exceptions.ValidationError")) {
			t.Fatalf("required name: %s", env["error"])
		}
		env = kw(t, srv.URL, "res.partner", "_private", []any{}, nil)
		if !bytes.Contains(env["error"], []byte("AccessError")) {
			t.Fatalf("private: %s", env["error"])
		}
		env = kw(t, srv.URL, "no.such.model", "search", []any{[]any{}}, nil)
		if !bytes.Contains(env["error"], []byte("doesn't exist")) {
			t.Fatalf("unknown model: %s", env["error"])
		}
		if n, _ := errName(env); version <= 15 && n != "odoo.exceptions.UserError" {
			t.Errorf("%d unknown model: %s", version, n)
		}
		env = kw(t, srv.URL, "stock.quant", "search", []any{[]any{}}, map[string]any{"limit": 1})
		var ids []int64
		json.Unmarshal(env["result"], &ids)
		if version <= 14 {
			// 14: no action_apply_inventory; a count in inventory mode
			// applies itself (TestQuantInventory14).
			if n, msg := errName(kw(t, srv.URL, "stock.quant", "action_apply_inventory", []any{ids}, nil)); n != "builtins.AttributeError" || msg != "type object 'stock.quant' has no attribute 'action_apply_inventory'" {
				t.Errorf("14 action_apply_inventory: %s %q", n, msg)
			}
			continue
		}
		kw(t, srv.URL, "stock.quant", "write", []any{ids, map[string]any{"inventory_quantity": 99}}, nil)
		env, hasResult := rpc(t, srv.URL, "object", "execute_kw", "ferry", 2, "demo-key", "stock.quant", "action_apply_inventory", []any{ids}, map[string]any{})
		if hasResult || env["error"] != nil {
			t.Fatalf("a None method answered %v", env)
		}
	}
}

func TestJSON2(t *testing.T) {
	t.Parallel()
	call := func(url, key, body string) (*http.Response, map[string]any) {
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader([]byte(body)))
		req.Header.Set("Authorization", "bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v map[string]any
		json.NewDecoder(resp.Body).Decode(&v)
		return resp, v
	}
	v19 := httptest.NewServer(New(Options{Version: 19}).Handler())
	defer v19.Close()
	resp, body := call(v19.URL+"/json/2/res.partner/search_read", "wrong", `{"domain":[],"fields":["name"]}`)
	if resp.StatusCode != http.StatusUnauthorized || body["name"] != "werkzeug.exceptions.Unauthorized" || body["message"] != "Invalid apikey" {
		t.Fatalf("bad key: %d %v", resp.StatusCode, body)
	}
	req, _ := http.NewRequest(http.MethodPost, v19.URL+"/json/2/res.partner/search_count", bytes.NewReader([]byte(`{"domain":[["email","=ilike","asiakas1@example.fi"]]}`)))
	req.Header.Set("Authorization", "bearer demo-key")
	r2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	json.NewDecoder(r2.Body).Decode(&n)
	r2.Body.Close()
	if r2.StatusCode != 200 || n != 1 {
		t.Fatalf("search_count: %d %d", r2.StatusCode, n)
	}
	resp, body = call(v19.URL+"/json/2/res.partner/create", "demo-key", `{"vals_list":[{"email":"noname@example.fi"}]}`)
	if resp.StatusCode != http.StatusUnprocessableEntity || body["name"] != "odoo.exceptions.ValidationError" {
		t.Fatalf("validation: %d %v", resp.StatusCode, body)
	}
	v17 := httptest.NewServer(New(Options{Version: 17}).Handler())
	defer v17.Close()
	if resp, _ := call(v17.URL+"/json/2/res.partner/search_read", "demo-key", `{}`); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("JSON-2 on 17 answered %d", resp.StatusCode)
	}
}

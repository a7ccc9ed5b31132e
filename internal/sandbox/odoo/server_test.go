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
	for _, version := range []int{16, 17, 18} {
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
		env = kw(t, srv.URL, "stock.quant", "search", []any{[]any{}}, map[string]any{"limit": 1})
		var ids []int64
		json.Unmarshal(env["result"], &ids)
		kw(t, srv.URL, "stock.quant", "write", []any{ids, map[string]any{"inventory_quantity": 99}}, nil)
		env, hasResult := rpc(t, srv.URL, "object", "execute_kw", "ferry", 2, "demo-key", "stock.quant", "action_apply_inventory", []any{ids}, map[string]any{})
		if hasResult || env["error"] != nil {
			t.Fatalf("a None method answered %v", env)
		}
	}
}

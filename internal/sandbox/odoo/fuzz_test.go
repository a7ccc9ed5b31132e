package odoo

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// Any request body gets an answer (result or error), never a panic or a
// changed record count from a failed call.
func FuzzJSONRPC(f *testing.F) {
	f.Add([]byte(`{"jsonrpc":"2.0","method":"call","id":1,"params":{"service":"object","method":"execute_kw","args":["ferry",2,"demo-key","res.partner","search_read",[[["email","ilike","a"]]],{"fields":["name"]}]}}`))
	f.Add([]byte(`{"jsonrpc":"2.0","method":"call","id":1,"params":{"service":"object","method":"execute_kw","args":["ferry",2,"demo-key","res.partner","create",[[{"name":"x"},{"email":1}]],{}]}}`))
	f.Add([]byte(`{"params":{"service":"common","method":"authenticate","args":["ferry","admin"]}}`))
	s := New(Options{Products: 3, Partners: 2})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	f.Fuzz(func(t *testing.T, body []byte) {
		resp, err := http.Post(srv.URL+"/jsonrpc", "application/json", bytes.NewReader(body))
		if err != nil {
			return // a dropped connection (commit-then-fail is off here, so rare)
		}
		defer resp.Body.Close()
		var env map[string]json.RawMessage
		if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
			t.Fatalf("not JSON-RPC: %v", err)
		}
	})
}

func FuzzDomain(f *testing.F) {
	f.Add([]byte(`["|",["email","=ilike","A%"],"!",["parent_id.email","in",["x",false]]]`))
	f.Add([]byte(`[["write_date",">=","2024-01-01 00:00:00"],["id","not in",[1,2]]]`))
	f.Add([]byte(`["&"]`))
	f.Add([]byte(`[["parent_id","child_of",[1,"Asiakas 1"]],["id","parent_of",3]]`))
	f.Add([]byte(`[["child_ids.country_id","child_of","Finland"]]`))
	s := New(Options{Products: 3, Partners: 2})
	f.Fuzz(func(t *testing.T, b []byte) {
		var d []any
		if json.Unmarshal(b, &d) != nil {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		_, _ = s.search("res.partner", d, true, "id asc", 0, 0)
	})
}

func FuzzXMLRPCDecode(f *testing.F) {
	f.Add([]byte(`<?xml version="1.0"?><methodCall><methodName>execute_kw</methodName><params><param><value><string>ferry</string></value></param><param><value><int>2</int></value></param><param><value><array><data><value><struct><member><name>a</name><value><boolean>1</boolean></value></member></struct></value></data></array></value></param></params></methodCall>`))
	f.Add([]byte(`<methodCall><methodName>version</methodName></methodCall>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		method, params, err := decodeMethodCall(b)
		if err == nil && method == "" {
			t.Fatalf("no method and no error (%d params)", len(params))
		}
	})
}

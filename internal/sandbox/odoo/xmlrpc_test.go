package odoo

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

func xmlCall(t *testing.T, url, service, body string) string {
	t.Helper()
	resp, err := http.Post(url+"/xmlrpc/2/"+service, "text/xml", strings.NewReader(`<?xml version="1.0"?><methodCall>`+body+`</methodCall>`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func TestXMLRPC(t *testing.T) {
	t.Parallel()
	sb := New(Options{Version: 16})
	srv := httptest.NewServer(sb.Handler())
	defer srv.Close()
	str := func(s string) string { return "<param><value><string>" + s + "</string></value></param>" }
	head := str("ferry") + "<param><value><int>2</int></value></param>" + str("demo-key")

	if got := xmlCall(t, srv.URL, "common", `<methodName>authenticate</methodName><params>`+str("ferry")+str("admin")+str("demo-key")+`<param><value><struct></struct></value></param></params>`); !strings.Contains(got, "<int>2</int>") {
		t.Fatalf("authenticate: %s", got)
	}
	got := xmlCall(t, srv.URL, "object", `<methodName>execute_kw</methodName><params>`+head+str("res.partner")+str("search_read")+
		`<param><value><array><data><value><array><data><value><array><data><value>email</value><value>=ilike</value><value>asiakas1@example.fi</value></data></array></value></data></array></value></data></array></value></param>`+
		`<param><value><struct><member><name>fields</name><value><array><data><value>name</value><value>ref</value></data></array></value></member></struct></value></param></params>`)
	if !strings.Contains(got, "<string>Asiakas 1</string>") || !strings.Contains(got, "<name>ref</name><value><boolean>0</boolean>") {
		t.Fatalf("search_read: %s", got)
	}
	cases := map[string]string{
		"2": `<methodName>execute_kw</methodName><params>` + head + str("res.partner") + str("create") + `<param><value><array><data><value><struct><member><name>email</name><value>x@example.fi</value></member></struct></value></data></array></value></param></params>`,
		"3": `<methodName>execute_kw</methodName><params>` + str("ferry") + "<param><value><int>2</int></value></param>" + str("wrong") + str("res.partner") + str("search") + `<param><value><array><data></data></array></value></param></params>`,
		"4": `<methodName>execute_kw</methodName><params>` + head + str("res.partner") + str("_private") + `<param><value><array><data></data></array></value></param></params>`,
	}
	for code, body := range cases {
		if got := xmlCall(t, srv.URL, "object", body); !strings.Contains(got, "<name>faultCode</name><value><int>"+code+"</int>") {
			t.Errorf("fault %s: %s", code, got)
		}
	}
	// The None trap: the inventory is applied, and the caller gets fault 1.
	sb.mu.Lock()
	quant := sb.tables["stock.quant"].ids()[0]
	sb.tables["stock.quant"].rows[quant]["inventory_quantity"] = 77.0
	sb.mu.Unlock()
	got = xmlCall(t, srv.URL, "object", `<methodName>execute_kw</methodName><params>`+head+str("stock.quant")+str("action_apply_inventory")+`<param><value><array><data><value><array><data><value><int>`+itoa(quant)+`</int></value></data></array></value></data></array></value></param></params>`)
	if !strings.Contains(got, "cannot marshal None") || !strings.Contains(got, "<int>1</int>") {
		t.Fatalf("None trap: %s", got)
	}
	sb.mu.Lock()
	q := sb.tables["stock.quant"].rows[quant]["quantity"]
	sb.mu.Unlock()
	if q != 77.0 {
		t.Fatalf("the None-returning call did not commit: quantity %v", q)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

package odoo

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Product images over JSON-RPC in every version: generated products carry a
// small PNG of their own (some none: false), the derived sizes answer the
// same bytes, a variant shows its template's image until it gets its own,
// writing image_1920 moves write_date, and what is not an image is refused.
func TestProductImages(t *testing.T) {
	t.Parallel()
	for _, version := range []int{14, 15, 16, 17, 18, 19} {
		var mu sync.Mutex
		clock := time.Date(2025, 5, 1, 8, 0, 0, 0, time.UTC)
		now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
		srv := httptest.NewServer(New(Options{Version: version, Products: 8, Partners: 1, Now: now}).Handler())
		defer srv.Close()
		fields := []string{"name", "image_1920", "image_128", "write_date", "product_variant_ids"}
		read := func(model string, ids []int64, fs ...string) []map[string]any {
			t.Helper()
			return result[[]map[string]any](t, kw(t, srv.URL, model, "read", []any{ids}, map[string]any{"fields": fs}))
		}
		rows := read("product.template", []int64{1, 2, 3, 4}, fields...)
		seen := map[string]bool{}
		for _, r := range rows[:3] {
			img, _ := r["image_1920"].(string)
			b, err := base64.StdEncoding.DecodeString(img)
			if err != nil {
				t.Fatalf("%d %s: image_1920 is not base64: %v", version, r["name"], r["image_1920"])
			}
			if c, err := png.DecodeConfig(bytes.NewReader(b)); err != nil || c.Width != 16 {
				t.Fatalf("%d %s: not a 16×16 PNG: %v", version, r["name"], err)
			}
			if r["image_128"] != img {
				t.Errorf("%d %s: image_128 differs from image_1920", version, r["name"])
			}
			seen[img] = true
		}
		if len(seen) != 3 {
			t.Errorf("%d: generated images repeat", version)
		}
		if rows[3]["image_1920"] != false || rows[3]["image_128"] != false {
			t.Errorf("%d: product 4 should have no image: %v", version, rows[3]["image_1920"])
		}
		// Template 3 comes in three sizes: the variants show its image.
		tmpl3 := rows[2]["image_1920"].(string)
		var vids []int64
		for _, x := range rows[2]["product_variant_ids"].([]any) {
			vids = append(vids, int64(x.(float64)))
		}
		vs := read("product.product", vids, "image_1920", "image_variant_1920", "image_256")
		if len(vs) != 3 || vs[0]["image_1920"] != tmpl3 || vs[0]["image_variant_1920"] != false || vs[0]["image_256"] != tmpl3 {
			t.Fatalf("%d variants of template 3: %v", version, vs)
		}

		mu.Lock()
		clock = clock.Add(time.Hour)
		mu.Unlock()
		mine := demoImage(99)
		// One variant of three gets its own image; the template keeps its own.
		if env := kw(t, srv.URL, "product.product", "write", []any{vids[:1], map[string]any{"image_1920": mine}}, nil); env["error"] != nil {
			t.Fatalf("%d variant write: %s", version, env["error"])
		}
		vs = read("product.product", vids, "image_1920", "image_variant_1920", "write_date")
		if vs[0]["image_1920"] != mine || vs[0]["image_variant_1920"] != mine || vs[1]["image_1920"] != tmpl3 {
			t.Errorf("%d after the variant write: %v", version, vs)
		}
		if vs[0]["write_date"] != "2025-05-01 09:00:00" || vs[1]["write_date"] == "2025-05-01 09:00:00" {
			t.Errorf("%d variant write_date: %v / %v", version, vs[0]["write_date"], vs[1]["write_date"])
		}
		if read("product.template", []int64{3}, "image_1920")[0]["image_1920"] != tmpl3 {
			t.Errorf("%d: the variant write changed the template", version)
		}
		// Product 4 has one variant: writing through it sets the template.
		v4 := int64(read("product.template", []int64{4}, "product_variant_ids")[0]["product_variant_ids"].([]any)[0].(float64))
		if env := kw(t, srv.URL, "product.product", "write", []any{[]int64{v4}, map[string]any{"image_1920": mine}}, nil); env["error"] != nil {
			t.Fatalf("%d: %s", version, env["error"])
		}
		r4 := read("product.template", []int64{4}, "image_1920", "image_512", "write_date")[0]
		if r4["image_1920"] != mine || r4["image_512"] != mine || r4["write_date"] != "2025-05-01 09:00:00" {
			t.Errorf("%d template 4 after its variant's write: %v", version, r4)
		}
		// Clearing answers false again.
		kw(t, srv.URL, "product.template", "write", []any{[]int64{1}, map[string]any{"image_1920": false}}, nil)
		if r := read("product.template", []int64{1}, "image_1920", "image_1024")[0]; r["image_1920"] != false || r["image_1024"] != false {
			t.Errorf("%d cleared: %v", version, r)
		}
		n := result[int](t, kw(t, srv.URL, "product.template", "search_count", []any{[]any{[]any{"image_1920", "!=", false}, []any{"id", "<=", 4}}}, nil))
		if n != 3 {
			t.Errorf("%d templates with an image among 1-4: %d", version, n)
		}
		for _, c := range []struct{ value, class string }{
			{"not base64!", "binascii.Error"},
			{base64.StdEncoding.EncodeToString([]byte("plain text")), "This file could not be decoded as an image file."},
		} {
			env := kw(t, srv.URL, "product.template", "create", []any{map[string]any{"name": "Bad", "image_1920": c.value}}, nil)
			if !bytes.Contains(env["error"], []byte(c.class)) {
				t.Errorf("%d %q: %s", version, c.value, env["error"])
			}
		}
		fg := result[map[string]map[string]any](t, kw(t, srv.URL, "product.product", "fields_get", []any{}, nil))
		if fg["image_1920"]["type"] != "binary" || fg["image_variant_1920"]["type"] != "binary" {
			t.Errorf("%d fields_get: %v", version, fg["image_1920"])
		}
	}
}

// XML-RPC answers the image as a base64 string, false without one.
func TestProductImagesXMLRPC(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(New(Options{Version: 17, Products: 4, Partners: 1}).Handler())
	defer srv.Close()
	str := func(s string) string { return "<param><value><string>" + s + "</string></value></param>" }
	head := str("ferry") + "<param><value><int>2</int></value></param>" + str("demo-key")
	got := xmlCall(t, srv.URL, "object", `<methodName>execute_kw</methodName><params>`+head+str("product.template")+str("read")+
		`<param><value><array><data><value><array><data><value><int>2</int></value><value><int>4</int></value></data></array></value></data></array></value></param>`+
		`<param><value><struct><member><name>fields</name><value><array><data><value>image_1920</value></data></array></value></member></struct></value></param></params>`)
	if !strings.Contains(got, "<name>image_1920</name><value><string>"+demoImage(2)+"</string>") ||
		!strings.Contains(got, "<name>image_1920</name><value><boolean>0</boolean>") {
		t.Fatalf("read: %s", got)
	}
}

package ongoing

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func addSeeds(f *testing.F, names ...string) {
	for _, n := range names {
		if b, err := os.ReadFile(filepath.Join(samplesDir, n)); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{`{}`, `{"goodsOwnerId":"42","orderNumber":1,"deliveryDate":"2026-01-01T10:00:00","consignee":{},"orderLines":[{"rowNumber":1,"articleNumber":1009,"numberOfItems":"2"}]}`,
		`{"goodsOwnerId":42,"articleNumber":"A","weight":"x"}`, `[]`, `null`, `{"orderLines":[{"numberOfItems":-1}]}`, `{"quantityPerPackage":1.5}`} {
		f.Add([]byte(s))
	}
}

// FuzzDecodeOrder: the PUT /orders decoder never panics; what it accepts is valid
// and renders.
func FuzzDecodeOrder(f *testing.F) {
	addSeeds(f, "PUT_orders.many_fields.request.json", "PUT_orders.required_fields.request.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		in, e := decodeOrder(b)
		if e != nil {
			if e.code != 400 || e.msg == "" {
				t.Fatalf("error %d %q", e.code, e.msg)
			}
			return
		}
		if in.OrderNumber.String() == "" || in.Consignee == nil || in.DeliveryDate == "" {
			t.Fatalf("accepted an order without its required fields: %s", b)
		}
		s := New(Options{Articles: -1, GoodsOwnerID: int(in.GoodsOwnerID.v)})
		if s.opts.GoodsOwnerID <= 0 {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		rep, e := s.upsertOrder(nil, in, s.opts.Now())
		if e != nil || rep.code != 201 {
			t.Fatalf("upsert: %v", e)
		}
		if _, err := json.Marshal(s.renderOrder(s.st.orders[0])); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzDecodeArticle: the PUT /articles decoder never panics; what it accepts
// renders.
func FuzzDecodeArticle(f *testing.F) {
	addSeeds(f, "PUT_articles.many_fields.request.json", "PUT_articles.required_fields.request.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		in, e := decodeArticle(b)
		if e != nil {
			if e.code != 400 {
				t.Fatalf("error %d", e.code)
			}
			return
		}
		s := New(Options{Articles: -1})
		s.mu.Lock()
		defer s.mu.Unlock()
		a := s.newArticle(in.ArticleNumber.String(), s.opts.Now())
		s.applyArticle(a, in, s.opts.Now())
		if _, err := json.Marshal(s.renderArticle(a, s.bookings())); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzParseFilterTime: filter times never panic and what parses is UTC.
func FuzzParseFilterTime(f *testing.F) {
	for _, s := range []string{"2019-04-09T08:00:00.000+00:00", "2019-04-09T08:00:00.000 02:00", "2019-04-09", "2019-04-09T08:00", "x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if tm, err := parseFilterTime(s); err == nil && tm.Location().String() != "UTC" {
			t.Fatalf("%q parsed to %v", s, tm)
		}
		parseDate(s)
	})
}

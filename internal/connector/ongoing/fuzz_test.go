package ongoing_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/ferryhub/ferry/internal/connector/ongoing"
)

// seedSamples adds every vendor sample (when present) and a few edge cases to
// the corpus.
func seedSamples(f *testing.F, extra ...string) {
	for _, e := range extra {
		f.Add([]byte(e))
	}
	for _, d := range []string{"/work/shared/samples/ongoing", filepath.Join("..", "..", "..", "..", "shared", "samples", "ongoing")} {
		files, _ := filepath.Glob(filepath.Join(d, "*.json"))
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
		if len(files) > 0 {
			return
		}
	}
}

func FuzzDecodeOrder(f *testing.F) {
	seedSamples(f, `{"orderInfo":{"orderId":"5","shippedTime":"2019-01-01T00:00:00.1234567","orderStatus":{"number":"450"}}}`, `null`, `[]`)
	f.Fuzz(func(t *testing.T, b []byte) {
		o, id, err := ongoing.DecodeOrder(b)
		if err == nil {
			if id <= 0 {
				t.Fatalf("decoded an order without id: %d", id)
			}
			_ = ongoing.ToShipment(o)
			_ = ongoing.TrackingCodes(o)
		}
	})
}

func FuzzDecodeArticle(f *testing.F) {
	seedSamples(f, `{"articleSystemId":1,"articleNumber":1009,"inventoryInfo":{"numberOfItems":"1e2","sellableNumberOfItems":null}}`)
	f.Fuzz(func(t *testing.T, b []byte) {
		a, _, err := ongoing.DecodeArticle(b)
		if err == nil {
			if a.ArticleNumber == "" {
				t.Fatal("decoded an article without number")
			}
			_ = ongoing.ToStock(a)
		}
	})
}

func FuzzDecodeReplies(f *testing.F) {
	seedSamples(f, `{"orderId":1,"message":"x<br/>"}`, `{"articleSystemId":"2"}`)
	f.Fuzz(func(t *testing.T, b []byte) {
		if r, err := ongoing.DecodeOrderReply(b); err == nil && r.OrderID <= 0 {
			t.Fatal("order reply without id")
		}
		if r, err := ongoing.DecodeArticleReply(b); err == nil && r.ArticleSystemID <= 0 {
			t.Fatal("article reply without id")
		}
		_, _ = ongoing.DecodeStatuses(b)
	})
}

func FuzzDecodeError(f *testing.F) {
	seedSamples(f, `{"Message":"The request is invalid.","ModelState":{"model.orderNumber":["required"]}}`, `<html>404</html>`, ``)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, st := range []int{400, 401, 404, 500} {
			e := ongoing.DecodeError(st, b)
			_ = e.Error()
			if c := e.FailureClass(); c != "" && c != "needs_action" && c != "permanent" {
				t.Fatalf("class %q", c)
			}
		}
	})
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2019-10-10T09:05:41.25Z", "2023-01-01T12:00:00.0000000", "2019-10-10", "", "2019-10-10T09:05:41+02:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm, err := ongoing.ParseTime(s)
		if err == nil && !tm.IsZero() && tm.Location().String() != "UTC" {
			t.Fatalf("%q parsed to %v, not UTC", s, tm)
		}
		b, _ := json.Marshal(s)
		var v ongoing.Time
		_ = json.Unmarshal(b, &v)
	})
}

func FuzzDecodeOrderWebhook(f *testing.F) {
	seedSamples(f, `{"orderId":5,"webhookEventId":9,"timestamp":"2023-01-01T12:00:00.0000000","orderStatus":{"number":450}}`, `null`, `{"orderId":-1}`)
	f.Fuzz(func(t *testing.T, b []byte) {
		w, err := ongoing.DecodeOrderWebhook(b)
		if err == nil && w.OrderID <= 0 {
			t.Fatalf("decoded a webhook without an order: %+v", w)
		}
	})
}

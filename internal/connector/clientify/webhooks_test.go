package clientify

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/ferryhub/ferry/internal/model"
)

func TestVerifyWebhook(t *testing.T) {
	t.Parallel()
	body := sample(t, "n8n-official-webhook-payload-event-root.json")
	hdr := func(k, v string) http.Header { h := http.Header{}; h.Set(k, v); return h }
	for _, tc := range []struct {
		name    string
		h       http.Header
		body    []byte
		token   string
		want    string
		payload bool
	}{
		{name: "good", h: hdr("X-Clientify-Secret", "s3cret"), body: body, token: "s3cret"},
		{name: "wrong token", h: hdr("X-Clientify-Secret", "guess"), body: body, token: "s3cret", want: "not the connection's"},
		{name: "no header", h: http.Header{}, body: body, token: "s3cret", want: "no X-Clientify-Secret"},
		{name: "no token configured", h: hdr("X-Clientify-Secret", "x"), body: body, want: "webhook_token"},
		{name: "not JSON", h: hdr("X-Clientify-Secret", "s3cret"), body: []byte("<xml/>"), token: "s3cret", payload: true},
		{name: "no event", h: hdr("X-Clientify-Secret", "s3cret"), body: []byte(`{"contact":{"id":1}}`), token: "s3cret", payload: true},
		{name: "no id", h: hdr("X-Clientify-Secret", "s3cret"), body: []byte(`{"event":"company.deleted","data":{"name":"x"}}`), token: "s3cret", payload: true},
	} {
		topic, key, err := VerifyWebhook(tc.h, tc.body, "", tc.token)
		switch {
		case tc.payload:
			if !errors.Is(err, model.ErrBadPayload) {
				t.Errorf("%s: %v, want a bad payload", tc.name, err)
			}
		case tc.want != "":
			if err == nil || !strings.Contains(err.Error(), tc.want) || errors.Is(err, model.ErrBadPayload) {
				t.Errorf("%s: %v, want a refusal with %q", tc.name, err, tc.want)
			}
		default:
			if err != nil || topic != "contact.saved" || !strings.HasPrefix(key, "contact.saved:12345@sha256:") {
				t.Errorf("%s: %q %q %v", tc.name, topic, key, err)
			}
		}
	}
	// The client takes its webhook_token when the hub passes no secret,
	// in the header webhook_header names.
	f := newFake(t)
	c := f.client(t)
	c.settings.WebhookHeader = "X-Ferry-Token"
	c.SetWebhookToken("tok")
	if _, _, err := c.VerifyWebhook(hdr("X-Ferry-Token", "tok"), body, ""); err != nil {
		t.Fatal(err)
	}
}

// The shapes of reference §3.5, deletions and the key of a redelivery.
func TestDecodeWebhookShapes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		body string
		want WebhookHint
	}{
		{`{"event":"contact.saved","timestamp":"2025-12-21T16:31:40Z","account_id":4321,"user_id":77,"contact":{"id":90123456,"first_name":"Juan"}}`, WebhookHint{Event: "contact.saved", Resource: "contact", Action: "saved", ID: 90123456}},
		{`{"hook":{"id":9823,"event":"deal.saved"},"deal":{"id":5550001,"name":"Pedido #1008","status_desc":"Won"}}`, WebhookHint{Event: "deal.saved", Resource: "deal", Action: "saved", ID: 5550001, HookID: 9823}},
		{`{"event":"company.saved","data":{"company":{"id":7788123,"name":"Mi Empresa SL","modified":"2025-12-21T16:31:40.5+01:00"},"changes":{"taxpayer_identification_number":["","ESB12345678"]}}}`, WebhookHint{Event: "company.saved", Resource: "company", Action: "saved", ID: 7788123, Changed: []string{"taxpayer_identification_number"}}},
		{`{"hook":{"id":1,"event":"company.deleted"},"data":{"id":7788123}}`, WebhookHint{Event: "company.deleted", Resource: "company", Action: "deleted", ID: 7788123, HookID: 1}},
		{`{"event":"product.saved","products":{"id":"42"}}`, WebhookHint{Event: "product.saved", Resource: "product", Action: "saved", ID: 42}},
	} {
		h, err := DecodeWebhook([]byte(tc.body))
		if err != nil {
			t.Errorf("%s: %v", tc.body, err)
			continue
		}
		mod := h.Modified
		h.Modified = tc.want.Modified
		if strings.Join(h.Changed, ",") != strings.Join(tc.want.Changed, ",") || h.Event != tc.want.Event || h.Resource != tc.want.Resource || h.Action != tc.want.Action || h.ID != tc.want.ID || h.HookID != tc.want.HookID {
			t.Errorf("%s: %+v", tc.body, h)
		}
		if strings.Contains(tc.body, "16:31:40") && mod.IsZero() {
			t.Errorf("%s: no time", tc.body)
		}
	}
	a, _ := DecodeWebhook([]byte(`{"event":"contact.saved","contact":{"id":1,"modified":"2025-12-21T16:31:40+01:00"}}`))
	b, _ := DecodeWebhook([]byte(`{"event":"contact.saved","timestamp":"x","contact":{"id":1,"modified":"2025-12-21T15:31:40Z"}}`))
	if WebhookKey(a, nil) != WebhookKey(b, nil) || WebhookKey(a, nil) != "contact.saved:1@2025-12-21T15:31:40Z" {
		t.Fatalf("%s vs %s", WebhookKey(a, nil), WebhookKey(b, nil))
	}
}

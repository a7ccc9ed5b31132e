package ongoing_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/ferryhub/ferry/internal/connector/ongoing"
	"github.com/ferryhub/ferry/internal/model"
)

// The vendor's order webhook body decodes with every field ferry reads typed
// as Ongoing sends it.
func TestOrderWebhookSampleDecodes(t *testing.T) {
	t.Parallel()
	var w ongoing.OrderWebhook
	if err := json.Unmarshal(sample(t, "WEBHOOK_order.payload.json"), &w); err != nil {
		t.Fatal(err)
	}
	if w.Timestamp.IsZero() || len(w.Tracking) != 2 || w.WebhookTemplate == "" {
		t.Fatalf("decoded %+v", w)
	}
}

func TestVerifyWebhook(t *testing.T) {
	t.Parallel()
	body := bytes.Replace(sample(t, "WEBHOOK_order.payload.json"), []byte(`"orderId": 0`), []byte(`"orderId": 5001`), 1)
	body = bytes.Replace(body, []byte(`"webhookEventId": 0`), []byte(`"webhookEventId": 77`), 1)
	hdr := func(k, v string) http.Header { h := http.Header{}; h.Set(k, v); return h }
	for _, tc := range []struct {
		name    string
		h       http.Header
		body    []byte
		header  string
		token   string
		key     string
		want    string
		payload bool
	}{
		{name: "good", h: hdr("X-Auth-Token", "s3cret"), body: body, header: "X-Auth-Token", token: "s3cret", key: "order:5001:77"},
		{name: "own header", h: hdr("X-Ferry", "s3cret"), body: body, header: "X-Ferry", token: "s3cret", key: "order:5001:77"},
		{name: "wrong token", h: hdr("X-Auth-Token", "guess"), body: body, header: "X-Auth-Token", token: "s3cret", want: "does not hold"},
		{name: "no header", h: http.Header{}, body: body, header: "X-Auth-Token", token: "s3cret", want: "no X-Auth-Token"},
		{name: "no token configured", h: hdr("X-Auth-Token", ""), body: body, header: "X-Auth-Token", token: "", want: "webhook_token"},
		{name: "not JSON", h: hdr("X-Auth-Token", "s3cret"), body: []byte("<xml/>"), header: "X-Auth-Token", token: "s3cret", payload: true},
		{name: "no order", h: hdr("X-Auth-Token", "s3cret"), body: []byte(`{"webhookEventId":1}`), header: "X-Auth-Token", token: "s3cret", payload: true},
	} {
		topic, key, err := ongoing.VerifyWebhook(tc.h, tc.body, tc.header, tc.token)
		switch {
		case tc.key != "":
			if err != nil || topic != ongoing.TopicOrder || key != tc.key {
				t.Errorf("%s: %q %q %v", tc.name, topic, key, err)
			}
		case tc.payload:
			if !errors.Is(err, model.ErrBadPayload) {
				t.Errorf("%s: %v, want a bad payload", tc.name, err)
			}
		default:
			if err == nil || !strings.Contains(err.Error(), tc.want) || errors.Is(err, model.ErrBadPayload) {
				t.Errorf("%s: %v, want a refusal with %q", tc.name, err, tc.want)
			}
		}
	}
}

package ogoship

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/ferryhub/ferry/internal/model"
)

// SignatureHeader carries Base64(HMAC-SHA256(webhook key, raw body)) (§3.5).
const SignatureHeader = "X-OGOship-Hmac-SHA256"

// Webhook topics (WebHook.type).
const (
	TopicOrderShipped             = "OrderShipped"
	TopicProductStockLevelChanged = "ProductStockLevelChanged"
)

// Webhook is WebHookResponse.
type Webhook struct {
	ID            string            `json:"id"`
	URL           string            `json:"url"`
	Key           string            `json:"key"`
	Type          string            `json:"type"`
	CustomHeaders map[string]string `json:"customHeaders"`
}

// DecodeWebhooks reads GET /webhooks: a JSON array, or the literal null
// (or an empty body) when there are none.
func DecodeWebhooks(b []byte) ([]Webhook, error) {
	var out []Webhook
	if err := decodeBody(b, &out); err != nil {
		return nil, err
	}
	for i, w := range out {
		if w.ID == "" {
			return nil, fmt.Errorf("webhook %d has no id", i)
		}
		// The C# enum may come as its number.
		switch w.Type {
		case "1":
			out[i].Type = TopicOrderShipped
		case "2":
			out[i].Type = TopicProductStockLevelChanged
		}
	}
	return out, nil
}

// Webhooks lists the merchant's webhooks (none: the API answers null).
func (c *Client) Webhooks(ctx context.Context) ([]Webhook, error) {
	resp, err := c.send(ctx, http.MethodGet, pathWebhooks, nil, nil, true, "GET /webhooks")
	if err != nil {
		return nil, err
	}
	ws, err := DecodeWebhooks(resp.Body)
	if err != nil {
		return nil, &APIError{Account: c.name, Op: "GET /webhooks", Status: resp.Status, Message: "the answer is not a webhook list: " + err.Error(), NotJSON: true}
	}
	return ws, nil
}

// Sign returns the signature OGOship sends for body under key.
func Sign(key string, body []byte) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Verify reports whether signature (the X-OGOship-Hmac-SHA256 value) is the
// raw body's HMAC-SHA256 under the webhook's key, compared in constant time.
func Verify(key string, body []byte, signature string) bool {
	got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(signature))
	if err != nil || key == "" {
		return false
	}
	m := hmac.New(sha256.New, []byte(key))
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}

// VerifyWebhook checks a delivery (flow.WebhookVerifier): the signature over
// the raw body with secret (the webhook's key), then the payload: an
// OrderShipped delivery is an OrderResponse (topic OrderShipped, key
// "order:REFERENCE:STATUS:EDITTIME"), a ProductStockLevelChanged one a
// StockResponse (key "stock:CODE:MODIFIED"). The payload shapes are the
// reference's unconfirmed assumption (§3.5).
func (c *Client) VerifyWebhook(h http.Header, body []byte, secret string) (topic, key string, err error) {
	return VerifyWebhook(h, body, secret)
}

// VerifyWebhook is Client.VerifyWebhook without a client.
func VerifyWebhook(h http.Header, body []byte, secret string) (topic, key string, err error) {
	sig := h.Get(SignatureHeader)
	if sig == "" {
		return "", "", errors.New("no " + SignatureHeader + " header")
	}
	if !Verify(secret, body, sig) {
		return "", "", errors.New(SignatureHeader + " does not match the body")
	}
	var p struct {
		Reference   string `json:"reference"`
		Status      string `json:"status"`
		EditTime    string `json:"editTime"`
		ProductCode string `json:"productCode"`
		Modified    string `json:"modified"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return "", "", fmt.Errorf("%w: not an OGOship payload: %v", model.ErrBadPayload, err)
	}
	switch {
	case p.Reference != "":
		return TopicOrderShipped, "order:" + p.Reference + ":" + strings.ToLower(p.Status) + ":" + p.EditTime, nil
	case p.ProductCode != "":
		return TopicProductStockLevelChanged, "stock:" + p.ProductCode + ":" + p.Modified, nil
	}
	return "", "", fmt.Errorf("%w: the payload has neither a reference nor a productCode", model.ErrBadPayload)
}

// SubscribeShipments makes OGOship call target when an order ships
// (flow.ShipmentSubscriber) and returns the key its deliveries are signed
// with. A webhook of target that exists is kept, with its key; a create whose
// answer was lost is found by the same lookup on the next call.
func (c *Client) SubscribeShipments(ctx context.Context, target string) (string, error) {
	have, err := c.Webhooks(ctx)
	if err != nil {
		return "", fmt.Errorf("ogoship %s: reading webhooks: %w", c.name, err)
	}
	for _, w := range have {
		if w.URL == target && strings.EqualFold(w.Type, TopicOrderShipped) && w.Key != "" {
			return w.Key, nil
		}
	}
	var raw [24]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	key := base64.RawURLEncoding.EncodeToString(raw[:])
	body := map[string]any{"url": target, "key": key, "type": TopicOrderShipped, "customHeaders": nil}
	if _, err := c.send(ctx, http.MethodPost, pathWebhooks, nil, body, false, "POST /webhooks"); err != nil {
		return "", fmt.Errorf("ogoship %s: subscribing %s to shipped orders: %w", c.name, target, err)
	}
	return key, nil
}

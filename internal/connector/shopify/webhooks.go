package shopify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/ferryhub/ferry/internal/model"
)

// OrderTopics are the topics SubscribeOrders subscribes.
var OrderTopics = []string{"ORDERS_CREATE", "ORDERS_UPDATED", "ORDERS_CANCELLED"}

// Sign is base64(HMAC-SHA256(secret, body)), the X-Shopify-Hmac-Sha256 value.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Verify reports whether signature is the raw body's HMAC under secret,
// compared in constant time.
func Verify(secret string, body []byte, signature string) bool {
	got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(signature))
	if err != nil || secret == "" {
		return false
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}

// header reads X-Shopify-Name or, from the Events preview, Shopify-Name.
func header(h http.Header, name string) string {
	if v := h.Get("X-Shopify-" + name); v != "" {
		return v
	}
	return h.Get("Shopify-" + name)
}

// WebhookBody is what the client reads of a REST-shaped delivery body.
type WebhookBody struct {
	ID                json.Number `json:"id"`
	AdminGraphQLAPIID string      `json:"admin_graphql_api_id"`
	Name              string      `json:"name"`
	UpdatedAt         string      `json:"updated_at"`
}

// DecodeWebhookBody reads a delivery body: a JSON object (an order, product …).
func DecodeWebhookBody(b []byte) (WebhookBody, error) {
	var w WebhookBody
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	if err := d.Decode(&w); err != nil {
		return w, err
	}
	return w, nil
}

// VerifyWebhook checks a delivery (flow.WebhookVerifier): the HMAC of the raw
// body with secret (base64, constant time), then the body. The topic is
// X-Shopify-Topic ("orders/create"); the key names the event for
// de-duplication: shop, topic and X-Shopify-Event-Id (the same for every
// copy of one event), or X-Shopify-Webhook-Id when there is none.
func (c *Client) VerifyWebhook(h http.Header, body []byte, secret string) (topic, key string, err error) {
	return VerifyWebhook(h, body, secret)
}

// VerifyWebhook is Client.VerifyWebhook without a client.
func VerifyWebhook(h http.Header, body []byte, secret string) (topic, key string, err error) {
	sig := header(h, "Hmac-Sha256")
	if sig == "" {
		return "", "", errors.New("no X-Shopify-Hmac-Sha256 header")
	}
	if !Verify(secret, body, sig) {
		return "", "", errors.New("X-Shopify-Hmac-Sha256 does not match the body")
	}
	topic = header(h, "Topic")
	shop := header(h, "Shop-Domain")
	if topic == "" || shop == "" {
		return "", "", fmt.Errorf("%w: no X-Shopify-Topic or X-Shopify-Shop-Domain header", model.ErrBadPayload)
	}
	w, err := DecodeWebhookBody(body)
	if err != nil {
		return "", "", fmt.Errorf("%w: not a JSON object: %v", model.ErrBadPayload, err)
	}
	id := header(h, "Event-Id")
	if id == "" {
		id = header(h, "Webhook-Id")
	}
	if id == "" {
		// No delivery id: the record's version names the event.
		id = orStr(w.AdminGraphQLAPIID, w.ID.String()) + "@" + w.UpdatedAt
	}
	return topic, shop + ":" + topic + ":" + id, nil
}

// WebhookSubscription is a WebhookSubscription with its HTTP address.
type WebhookSubscription struct {
	ID       string `json:"id"`
	Topic    string `json:"topic"`
	Endpoint struct {
		Typename    string `json:"__typename"`
		CallbackURL string `json:"callbackUrl"`
	} `json:"endpoint"`
}

// WebhookSubscriptions lists the app's subscriptions on topics (all: nil).
func (c *Client) WebhookSubscriptions(ctx context.Context, topics []string) ([]WebhookSubscription, error) {
	var d struct {
		WebhookSubscriptions struct {
			Nodes []WebhookSubscription `json:"nodes"`
		} `json:"webhookSubscriptions"`
	}
	vars := map[string]any{}
	if topics != nil {
		vars["topics"] = topics
	}
	if err := c.do(ctx, "WebhookSubscriptions", vars, &d); err != nil {
		return nil, fmt.Errorf("shopify %s: listing webhook subscriptions: %w", c.settings.Shop, err)
	}
	return d.WebhookSubscriptions.Nodes, nil
}

// webhookSecret is the HMAC key of deliveries: the app's client secret, or
// the webhook_secret credential.
func (c *Client) webhookSecret() string { return orStr(c.creds.WebhookSecret, c.creds.ClientSecret) }

// SubscribeOrders subscribes target to ORDERS_CREATE, ORDERS_UPDATED and
// ORDERS_CANCELLED (flow.OrderSubscriber) and returns the key deliveries are
// signed with. The subscriptions are listed first and those of target kept,
// so calling again (or after an answer lost to a commit-then-fail) creates
// nothing twice.
func (c *Client) SubscribeOrders(ctx context.Context, target string) (string, error) {
	secret := c.webhookSecret()
	if secret == "" {
		return "", &ConfigError{Field: "credentials", Msg: "webhook deliveries cannot be verified without client_secret or webhook_secret"}
	}
	for _, topic := range OrderTopics {
		if err := c.subscribe(ctx, topic, target); err != nil {
			return "", err
		}
	}
	return secret, nil
}

func (c *Client) subscribe(ctx context.Context, topic, target string) error {
	for try := 0; ; try++ {
		have, err := c.WebhookSubscriptions(ctx, []string{topic})
		if err != nil {
			return err
		}
		for _, s := range have {
			if s.Topic == topic && s.Endpoint.CallbackURL == target {
				return nil
			}
		}
		var d struct {
			WebhookSubscriptionCreate *struct {
				WebhookSubscription *struct {
					ID string `json:"id"`
				} `json:"webhookSubscription"`
				UserErrors []UserError `json:"userErrors"`
			} `json:"webhookSubscriptionCreate"`
		}
		err = c.do(ctx, "WebhookSubscriptionCreate", map[string]any{"topic": topic, "sub": map[string]any{"callbackUrl": target, "format": "JSON"}}, &d)
		if err != nil {
			if try == 0 && isAmbiguous(err) {
				continue // it may have committed: list again
			}
			return fmt.Errorf("shopify %s: subscribing %s to %s: %w", c.settings.Shop, target, topic, err)
		}
		if d.WebhookSubscriptionCreate != nil {
			if err := userErrors(c.settings.Shop, "webhookSubscriptionCreate", topic, d.WebhookSubscriptionCreate.UserErrors); err != nil {
				return err
			}
		}
		return nil
	}
}

package ongoing

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/ferryhub/ferry/internal/model"
)

// Ongoing sets up webhooks in its own UI (Administration ⇒ Webhooks), not
// through the API, and signs nothing: a webhook can carry a static header,
// which ferry checks in constant time (reference §2.7). The body names the
// order and its status only; ferry takes it as a nudge and reads the order
// through the API in the shipments pass it triggers, the poll staying the
// backstop.

// TopicOrder is the topic of an order webhook (created, status changed,
// picked: Ongoing's webhookTemplate says which).
const TopicOrder = "order"

// WebhookSecret is the token the connection's webhooks carry (the credential
// webhook_token): Ongoing's UI holds the subscription, so ferry takes the
// secret from the connection rather than from a subscription it made.
func (c *Client) WebhookSecret() string { return c.webhookToken }

// VerifyWebhook checks a delivery (flow.WebhookVerifier): the webhook header
// must hold secret (or, when secret is empty, the connection's
// webhook_token), then the body must be an order webhook. The key is
// "order:ORDERID:EVENTID", so a redelivery of one event is taken once.
func (c *Client) VerifyWebhook(h http.Header, body []byte, secret string) (topic, key string, err error) {
	if secret == "" {
		secret = c.webhookToken
	}
	header := c.settings.WebhookHeader
	if header == "" {
		header = "X-Auth-Token"
	}
	return VerifyWebhook(h, body, header, secret)
}

// OrderWebhook is the part of Ongoing's order webhook ferry reads.
type OrderWebhook struct {
	WebhookOrdersID int64  `json:"webhookOrdersId"`
	WebhookEventID  int64  `json:"webhookEventId"`
	System          string `json:"system"`
	Timestamp       Time   `json:"timestamp"`
	OrderID         int64  `json:"orderId"`
	OrderNumber     Str    `json:"orderNumber"`
	GoodsOwnerID    int    `json:"goodsOwnerId"`
	OrderStatus     struct {
		Number int `json:"number"`
	} `json:"orderStatus"`
	WebhookTemplate string `json:"webhookTemplate"`
	Tracking        []struct {
		TrackingURL string `json:"trackingUrl"`
		Waybill     string `json:"waybill"`
		IsReturn    bool   `json:"isReturn"`
	} `json:"tracking"`
}

// DecodeOrderWebhook reads an order webhook's body.
func DecodeOrderWebhook(body []byte) (OrderWebhook, error) {
	var w OrderWebhook
	if err := json.Unmarshal(body, &w); err != nil {
		return w, fmt.Errorf("%w: not an Ongoing order webhook: %v", model.ErrBadPayload, err)
	}
	if w.OrderID <= 0 {
		return w, fmt.Errorf("%w: the webhook names no orderId", model.ErrBadPayload)
	}
	return w, nil
}

// VerifyWebhook is Client.VerifyWebhook without a client: header must hold
// token exactly.
func VerifyWebhook(h http.Header, body []byte, header, token string) (topic, key string, err error) {
	if token == "" {
		return "", "", errors.New("the connection has no webhook_token, so no Ongoing webhook is taken")
	}
	got := h.Get(header)
	if got == "" {
		return "", "", errors.New("no " + header + " header")
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
		return "", "", errors.New(header + " does not hold the webhook token")
	}
	w, err := DecodeOrderWebhook(body)
	if err != nil {
		return "", "", err
	}
	event := strconv.FormatInt(w.WebhookEventID, 10)
	if w.WebhookEventID == 0 {
		// No event id: the order and its status name the event.
		event = "status" + strconv.Itoa(w.OrderStatus.Number) + "@" + w.Timestamp.Time.UTC().Format("20060102T150405.0000000")
	}
	return TopicOrder, "order:" + strconv.FormatInt(w.OrderID, 10) + ":" + event, nil
}

// SetWebhookToken sets the token the connection's webhooks carry (the
// credential webhook_token, which the kind's Open sets).
func (c *Client) SetWebhookToken(token string) { c.webhookToken = token }

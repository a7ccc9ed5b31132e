package flow

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/store"
)

// Webhooks let a shop push new orders: a verified delivery is stored in the
// inbox, answered, and triggers a pass of every orders route from that
// connection, so the order goes through the same pass, jobs and links as a
// polled one (and a missed webhook is caught by the next scheduled pass).

// WebhookSecretKey is the store setting holding a connection's webhook secret.
func WebhookSecretKey(connection string) string { return "webhook_secret:" + connection }

// WebhookPath is where ferry receives a connection's webhooks.
func WebhookPath(connection string) string { return "/hooks/" + connection }

// orderRoutesFrom returns the orders routes reading from connection.
func orderRoutesFrom(rt *Runtime, connection string) []Route {
	var out []Route
	for _, r := range rt.Routes() {
		if r.Flow == "orders" && r.From == connection {
			out = append(out, r)
		}
	}
	return out
}

// SubscribeWebhooks subscribes ferry at publicURL to every connection that
// feeds an orders route and can push orders, and keeps the secrets in the store.
func SubscribeWebhooks(ctx context.Context, rt *Runtime, publicURL string) error {
	seen := map[string]bool{}
	var errs []error
	for _, r := range rt.Routes() {
		if r.Flow != "orders" || seen[r.From] {
			continue
		}
		seen[r.From] = true
		conn, err := rt.Conn(ctx, r.From)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		sub, ok := conn.(OrderSubscriber)
		if !ok {
			continue
		}
		target := strings.TrimSuffix(publicURL, "/") + WebhookPath(r.From)
		secret, err := sub.SubscribeOrders(ctx, target)
		if err != nil {
			errs = append(errs, fmt.Errorf("subscribing %s to the orders of %s: %w", target, r.From, err))
			continue
		}
		if err := rt.Store.PutSetting(ctx, WebhookSecretKey(r.From), secret); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// WebhookError is a delivery ferry refused, with the HTTP status to answer.
type WebhookError struct {
	Status int
	Msg    string
}

func (e *WebhookError) Error() string { return e.Msg }

// ReceiveWebhook verifies, stores and acts on one delivery for connection. It
// returns duplicate when the same event was received before (and does nothing
// more).
func ReceiveWebhook(ctx context.Context, rt *Runtime, connection string, h http.Header, body []byte) (duplicate bool, err error) {
	routes := orderRoutesFrom(rt, connection)
	if len(routes) == 0 {
		return false, &WebhookError{Status: http.StatusNotFound, Msg: fmt.Sprintf("no orders route reads from connection %q", connection)}
	}
	secret, err := rt.Store.GetSetting(ctx, WebhookSecretKey(connection))
	if errors.Is(err, store.ErrNotFound) {
		return false, &WebhookError{Status: http.StatusForbidden, Msg: fmt.Sprintf("connection %q has no webhook subscription (set http.public_url and restart ferry)", connection)}
	}
	if err != nil {
		return false, err
	}
	conn, err := rt.Conn(ctx, connection)
	if err != nil {
		return false, err
	}
	v, ok := conn.(WebhookVerifier)
	if !ok {
		return false, &WebhookError{Status: http.StatusNotFound, Msg: fmt.Sprintf("connection %q does not send webhooks", connection)}
	}
	topic, key, err := v.VerifyWebhook(h, body, secret)
	if err != nil {
		rt.logLine(ctx, store.LevelWarn, routes[0].Name, "webhook", fmt.Sprintf("refused a webhook for connection %s: %v", connection, err))
		return false, &WebhookError{Status: http.StatusUnauthorized, Msg: "webhook refused: " + err.Error()}
	}
	id, dup, err := rt.Store.AddInbox(ctx, store.InboxItem{Connection: connection, Topic: topic, DedupKey: key, Payload: body, ReceivedAt: time.Now().UTC()})
	if err != nil || dup {
		return dup, err
	}
	var ins []jobs.Insert
	for _, r := range routes {
		ins = append(ins, jobs.Insert{Args: TickArgs{Route: r.Name}, WhileActive: true})
	}
	if _, err := rt.Queue.EnqueueMany(ctx, ins); err != nil {
		// Stored but not acted on: the next scheduled pass reads the order anyway.
		rt.Store.MarkInbox(ctx, id, time.Now().UTC(), err.Error())
		return false, nil
	}
	return false, rt.Store.MarkInbox(ctx, id, time.Now().UTC(), "")
}

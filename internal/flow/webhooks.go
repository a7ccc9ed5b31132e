package flow

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ferryhub/ferry/internal/jobs"
	"github.com/ferryhub/ferry/internal/model"
	"github.com/ferryhub/ferry/internal/store"
)

// Webhooks let a shop push new orders and a warehouse shipped ones: a verified
// delivery is stored in the inbox, answered, and triggers a pass of every
// orders and shipments route from that connection, so the record goes through
// the same pass, jobs and links as a polled one (and a missed webhook is
// caught by the next scheduled pass). A CRM's record webhooks are hints for
// the two-way routes from it (twoway_hooks.go).

// WebhookSecretKey is the store setting holding a connection's webhook secret.
func WebhookSecretKey(connection string) string { return "webhook_secret:" + connection }

// WebhookPath is where ferry receives a connection's webhooks.
func WebhookPath(connection string) string { return "/hooks/" + connection }

// pushedFlows are the flows a webhook of their source triggers.
var pushedFlows = map[string]bool{"orders": true, "shipments": true}

// pushedRoutesFrom returns the orders and shipments routes reading from
// connection.
func pushedRoutesFrom(rt *Runtime, connection string) []Route {
	var out []Route
	for _, r := range rt.Routes() {
		if pushedFlows[r.Flow] && r.From == connection {
			out = append(out, r)
		}
	}
	return out
}

// SubscribeWebhooks subscribes ferry at publicURL to every connection that
// feeds an orders route and can push orders, or a shipments route and can push
// shipped orders, and keeps the secrets in the store (one per connection).
func SubscribeWebhooks(ctx context.Context, rt *Runtime, publicURL string) error {
	seen := map[string]bool{}
	var errs []error
	for _, r := range rt.Routes() {
		if !pushedFlows[r.Flow] || seen[r.From+"|"+r.Flow] {
			continue
		}
		seen[r.From+"|"+r.Flow] = true
		conn, err := rt.Conn(ctx, r.From)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		target := strings.TrimSuffix(publicURL, "/") + WebhookPath(r.From)
		var secret string
		switch sub := conn.(type) {
		case OrderSubscriber:
			if r.Flow != "orders" {
				continue
			}
			secret, err = sub.SubscribeOrders(ctx, target)
		case ShipmentSubscriber:
			if r.Flow != "shipments" {
				continue
			}
			secret, err = sub.SubscribeShipments(ctx, target)
		default:
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("subscribing %s to the %s of %s: %w", target, r.Flow, r.From, err))
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
	routes, hinted := pushedRoutesFrom(rt, connection), hintedRoutesFrom(rt, connection)
	if len(routes) == 0 && len(hinted) == 0 {
		return false, &WebhookError{Status: http.StatusNotFound, Msg: fmt.Sprintf("no orders, shipments or two-way route reads from connection %q", connection)}
	}
	logRoute := func() string {
		if len(routes) > 0 {
			return routes[0].Name
		}
		return hinted[0].Name
	}()
	conn, err := rt.Conn(ctx, connection)
	if err != nil {
		return false, err
	}
	secret, err := rt.Store.GetSetting(ctx, WebhookSecretKey(connection))
	if errors.Is(err, store.ErrNotFound) {
		holder, ok := conn.(WebhookSecretHolder)
		if !ok || holder.WebhookSecret() == "" {
			msg := fmt.Sprintf("connection %q has no webhook subscription (set http.public_url and restart ferry)", connection)
			if ok {
				msg = fmt.Sprintf("connection %q has no webhook secret: set its credential webhook_token to the token its webhooks send", connection)
			}
			return false, &WebhookError{Status: http.StatusForbidden, Msg: msg}
		}
		secret, err = holder.WebhookSecret(), nil
	}
	if err != nil {
		return false, err
	}
	v, ok := conn.(WebhookVerifier)
	if !ok {
		return false, &WebhookError{Status: http.StatusNotFound, Msg: fmt.Sprintf("connection %q does not send webhooks", connection)}
	}
	topic, key, err := v.VerifyWebhook(h, body, secret)
	if err != nil {
		rt.refuse(ctx, logRoute, connection, err)
		if errors.Is(err, model.ErrBadPayload) {
			return false, &WebhookError{Status: http.StatusBadRequest, Msg: "the webhook is signed but its body cannot be used: " + err.Error()}
		}
		return false, &WebhookError{Status: http.StatusUnauthorized, Msg: "webhook refused: its signature does not hold"}
	}
	id, dup, err := rt.Store.AddInbox(ctx, store.InboxItem{Connection: connection, Topic: topic, DedupKey: key, Payload: body, ReceivedAt: time.Now().UTC()})
	if err != nil || dup {
		return dup, err
	}
	var ins []jobs.Insert
	for _, r := range routes {
		ins = append(ins, jobs.Insert{Args: TickArgs{Route: r.Name}, WhileActive: true})
	}
	if len(ins) > 0 {
		if _, err := rt.Queue.EnqueueMany(ctx, ins); err != nil {
			// Stored but not acted on: the next scheduled pass reads the order anyway.
			rt.Store.MarkInbox(ctx, id, time.Now().UTC(), err.Error())
			return false, nil
		}
	}
	if err := rt.takeHint(ctx, conn, hinted, body, key); err != nil {
		// Stored but not acted on: the next scheduled pass reads the record anyway.
		rt.Store.MarkInbox(ctx, id, time.Now().UTC(), err.Error())
		return false, nil
	}
	return false, rt.Store.MarkInbox(ctx, id, time.Now().UTC(), "")
}

// refusals are a connection's refused webhooks since its last log line.
type refusals struct {
	n      int
	logged time.Time
	last   string
}

// refuseEvery is how often refused webhooks of one connection are logged.
const refuseEvery = time.Minute

// refusedTotal counts refused webhooks by connection, for /metrics.
var refusedTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
	Name: "ferry_webhooks_refused_total",
	Help: "Webhook deliveries refused (bad signature or unusable body), by connection.",
}, []string{"connection"})

// Collectors returns the package's Prometheus collectors for registration.
func Collectors() []prometheus.Collector { return []prometheus.Collector{refusedTotal} }

// refuse counts a refused delivery and writes one log line per connection a
// minute at most, with how many were refused since the last: forged
// deliveries by the thousand must not write a line each.
func (rt *Runtime) refuse(ctx context.Context, route, connection string, why error) {
	refusedTotal.WithLabelValues(connection).Inc()
	now := time.Now()
	rt.mu.Lock()
	if rt.refused == nil {
		rt.refused = map[string]*refusals{}
	}
	r := rt.refused[connection]
	if r == nil {
		r = &refusals{}
		rt.refused[connection] = r
	}
	r.n++
	r.last = why.Error()
	write := now.Sub(r.logged) >= refuseEvery
	n, last := r.n, r.last
	if write {
		r.n, r.logged = 0, now
	}
	rt.mu.Unlock()
	if write {
		rt.logLine(ctx, store.LevelWarn, route, "webhook", fmt.Sprintf("refused %d webhook(s) for connection %s since the last such line (at most one a minute); the latest: %s", n, connection, last))
	}
}

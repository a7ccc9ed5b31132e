package shopify

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// subscription is a webhook subscription made through the API.
type subscription struct {
	id                   int64
	topic                string // the GraphQL enum, ORDERS_UPDATED
	url                  string
	format               string
	includeFields        []string
	metafieldNamespaces  []string
	filter               string
	apiVersion           string
	createdAt, updatedAt time.Time
}

// restResources are the REST topic resources with an underscore of their own;
// the others split at the first underscore (ORDERS_PARTIALLY_FULFILLED →
// orders/partially_fulfilled).
var restResources = []string{"inventory_levels", "inventory_items", "fulfillment_orders", "fulfillment_events",
	"order_transactions", "bulk_operations", "app_subscriptions", "draft_orders", "customer_groups", "product_listings",
	"selling_plan_groups", "subscription_contracts", "subscription_billing_attempts", "tender_transactions", "app_purchases_one_time",
	"customers_marketing_consent", "customers_email_marketing_consent", "inventory_transfers", "order_routing"}

// RestTopic turns a WebhookSubscriptionTopic (ORDERS_CREATE) into the topic
// name of the X-Shopify-Topic header (orders/create).
func RestTopic(enum string) string {
	l := strings.ToLower(enum)
	for _, r := range restResources {
		if strings.HasPrefix(l, r+"_") {
			return r + "/" + l[len(r)+1:]
		}
	}
	res, act, _ := strings.Cut(l, "_")
	return res + "/" + act
}

// Sign is base64(HMAC-SHA256(secret, body)), the X-Shopify-Hmac-Sha256 value.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func (s *Server) subscriptionObj(sub *subscription) obj {
	fields, ns := []any{}, []any{}
	for _, f := range sub.includeFields {
		fields = append(fields, f)
	}
	for _, n := range sub.metafieldNamespaces {
		ns = append(ns, n)
	}
	return obj{"__typename": "WebhookSubscription", "id": gid("WebhookSubscription", sub.id), "legacyResourceId": strconv.FormatInt(sub.id, 10),
		"topic": sub.topic, "format": sub.format, "includeFields": fields, "metafieldNamespaces": ns, "privateMetafieldNamespaces": []any{},
		"filter": nilIfEmpty(sub.filter), "callbackUrl": sub.url, "createdAt": sub.createdAt, "updatedAt": sub.updatedAt,
		"apiVersion": obj{"__typename": "ApiVersion", "handle": sub.apiVersion, "displayName": sub.apiVersion, "supported": true},
		"endpoint":   obj{"__typename": "WebhookHttpEndpoint", "callbackUrl": sub.url}}
}

func (s *Server) subscriptionsConn(ec *execCtx, args map[string]any) (any, error) {
	topics := argList(args["topics"])
	var items []keyed
	for _, sub := range s.st.subs {
		if len(topics) > 0 && !slices.Contains(topics, any(sub.topic)) {
			continue
		}
		if u := argStr(args["callbackUrl"]); u != "" && u != sub.url {
			continue
		}
		if f := argStr(args["format"]); f != "" && f != sub.format {
			continue
		}
		k := keyed{id: sub.id, item: sub}
		if argStr(args["sortKey"]) == "CREATED_AT" {
			k.val = sortTime(sub.createdAt)
		}
		items = append(items, k)
	}
	return ec.paginate(args, items, func(x any) any { return s.subscriptionObj(x.(*subscription)) })
}

// readSubscription checks a WebhookSubscriptionInput into sub; the messages
// are Shopify's as far as known [U].
func (s *Server) readSubscription(in map[string]any, sub *subscription) []any {
	if v, ok := in["callbackUrl"]; ok {
		sub.url = argStr(v)
	}
	u, err := url.Parse(sub.url)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return []any{userError([]string{"webhookSubscription", "callbackUrl"}, "Address is invalid", "")}
	}
	if f := argStr(in["format"]); f != "" {
		sub.format = f
	}
	if v, ok := in["includeFields"]; ok {
		sub.includeFields = nil
		for _, f := range argList(v) {
			sub.includeFields = append(sub.includeFields, argStr(f))
		}
	}
	if v, ok := in["metafieldNamespaces"]; ok {
		sub.metafieldNamespaces = nil
		for _, f := range argList(v) {
			sub.metafieldNamespaces = append(sub.metafieldNamespaces, argStr(f))
		}
	}
	if v, ok := in["filter"]; ok {
		sub.filter = argStr(v)
	}
	for _, o := range s.st.subs {
		if o != sub && o.topic == sub.topic && o.url == sub.url {
			return []any{userError([]string{"webhookSubscription", "callbackUrl"}, "Address for this topic has already been taken", "")}
		}
	}
	return nil
}

func (s *Server) webhookSubscriptionCreate(ec *execCtx, args map[string]any) (any, error) {
	payload := obj{"__typename": "WebhookSubscriptionCreatePayload", "webhookSubscription": nil, "userErrors": []any{}}
	now := s.st.touch(ec.now)
	sub := &subscription{id: s.st.id(), topic: argStr(args["topic"]), format: "JSON", apiVersion: ec.version, createdAt: now, updatedAt: now}
	if errs := s.readSubscription(argMap(args["webhookSubscription"]), sub); errs != nil {
		payload["userErrors"] = errs
		return payload, nil
	}
	s.st.subs = append(s.st.subs, sub)
	payload["webhookSubscription"] = s.subscriptionObj(sub)
	return payload, nil
}

func (s *Server) findSub(v any) *subscription {
	id, _ := idOf(v, "WebhookSubscription")
	for _, sub := range s.st.subs {
		if sub.id == id {
			return sub
		}
	}
	return nil
}

func (s *Server) webhookSubscriptionUpdate(ec *execCtx, args map[string]any) (any, error) {
	payload := obj{"__typename": "WebhookSubscriptionUpdatePayload", "webhookSubscription": nil, "userErrors": []any{}}
	sub := s.findSub(args["id"])
	if sub == nil {
		payload["userErrors"] = []any{userError([]string{"id"}, "Webhook subscription does not exist", "")}
		return payload, nil
	}
	cp := *sub
	if errs := s.readSubscription(argMap(args["webhookSubscription"]), &cp); errs != nil {
		payload["userErrors"] = errs
		return payload, nil
	}
	cp.updatedAt = s.st.touch(ec.now)
	*sub = cp
	payload["webhookSubscription"] = s.subscriptionObj(sub)
	return payload, nil
}

func (s *Server) webhookSubscriptionDelete(ec *execCtx, args map[string]any) (any, error) {
	payload := obj{"__typename": "WebhookSubscriptionDeletePayload", "deletedWebhookSubscriptionId": nil, "userErrors": []any{}}
	sub := s.findSub(args["id"])
	if sub == nil {
		payload["userErrors"] = []any{userError([]string{"id"}, "Webhook subscription does not exist", "")}
		return payload, nil
	}
	s.st.subs = slices.DeleteFunc(s.st.subs, func(x *subscription) bool { return x == sub })
	payload["deletedWebhookSubscriptionId"] = gid("WebhookSubscription", sub.id)
	return payload, nil
}

// emit queues a delivery of body to every subscription of the REST topic, one
// event id for all of them. The caller holds s.mu; the body is encoded now, so
// a retry carries the original payload (reference §1.9).
func (s *Server) emit(topic string, render func() *omap) {
	var subs []*subscription
	for _, sub := range s.st.subs {
		if RestTopic(sub.topic) == topic {
			subs = append(subs, sub)
		}
	}
	if len(subs) == 0 {
		return
	}
	body := render()
	event := s.uuid()
	now := s.opts.Now()
	for _, sub := range subs {
		b := body
		if len(sub.includeFields) > 0 {
			b = &omap{}
			for i, k := range body.keys {
				if slices.Contains(sub.includeFields, k) {
					b.set(k, body.vals[i])
				}
			}
		}
		var raw bytes.Buffer
		encode(&raw, b, false)
		s.hooks.enqueue(&delivery{webhookID: s.uuid(), eventID: event, topic: topic, url: sub.url, body: raw.Bytes(),
			triggeredAt: now, apiVersion: sub.apiVersion})
	}
}

func (s *Server) emitOrder(topic string, o *order) {
	s.emit(topic, func() *omap { return s.restOrder(o) })
}

func (s *Server) emitLevel(l *level) {
	s.emit("inventory_levels/update", func() *omap { return restLevel(l) })
}

// uuid is a v4-shaped id from the state's counter, deterministic per seed.
func (s *Server) uuid() string {
	n := s.st.id()
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", uint32(n>>16), uint16(n), uint16(n>>4)&0xfff, uint16(n>>8)&0xfff, n^int64(s.opts.Seed)<<20)
}

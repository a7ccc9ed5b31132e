package clientify

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

// Clientify's webhooks (reference §3.5, samples n8n-official-*): one slot
// per entity (contacts, companies, deals, products, tasks, budgets), each
// covering <entity>.saved and <entity>.deleted. Clientify signs nothing; the
// slot takes custom headers, so ferry's token travels in webhook_header
// (default X-Clientify-Secret, as the official node does) and is compared in
// constant time. A delivery is a hint: the hub re-reads the record by id.

// WebhookHint is what a delivery says: which record changed, and how.
type WebhookHint struct {
	// Event is the event name as sent: "contact.saved", "company.deleted",
	// "deal.saved" (and the superseded "contact.updated", "deal.won").
	Event string
	// Resource is the entity, singular: "contact", "company", "deal",
	// "product", "task", "budget".
	Resource string
	// Action is the part after the dot: "saved", "deleted", "created", …
	Action string
	// ID is the record's id.
	ID int64
	// Modified is the record's modified (or updated_at, created_at) when the
	// body has it, else the delivery's timestamp; zero when neither.
	Modified time.Time
	// HookID is the slot's hook id (the hook-root shapes), 0 when absent.
	HookID int64
	// Changed lists the fields the body's changes name (unconfirmed shape;
	// both {"field": [old, new]} and {"field": {"old", "new"}} give names).
	Changed []string
	// UserID is the user whose change it was, and AccountID the account,
	// when the body says (the shapes with the event at the root carry
	// user_id and account_id; the hook shapes do not): 0 otherwise.
	UserID, AccountID int64
}

// Own reports a change made by the API user apiUser (Client.Me's id): the
// hub's own write coming back, since Clientify fires a webhook for every
// change, the API's included. It is false when the body names no user, so
// a hook-shaped delivery is never taken for an echo; the hub then tells its
// own writes by the record's version (WebhookKey) instead.
func (h WebhookHint) Own(apiUser int64) bool { return apiUser != 0 && h.UserID == apiUser }

// Deleted reports a deletion event. The hub deletes nothing on the other
// side: a deletion is logged for a person.
func (h WebhookHint) Deleted() bool { return h.Action == "deleted" }

// DecodeWebhook reads a delivery in any of the shapes the official node
// accepts:
//
//	{"event": "contact.saved", "contact": {...}}                      event root
//	{"hook": {"id", "event"}, "contact": {...}}                       hook root
//	{"event": "contact.saved", "data": {"contact": {...}, "changes"}} event, data
//	{"hook": {"id", "event", "target"}, "data": {...the record...}}   hook, data
//
// A body it cannot use is model.ErrBadPayload.
func DecodeWebhook(body []byte) (WebhookHint, error) {
	var h WebhookHint
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil || top == nil {
		return h, fmt.Errorf("%w: not a Clientify webhook (a JSON object): %v", model.ErrBadPayload, err)
	}
	var hook struct {
		ID    ID     `json:"id"`
		Event string `json:"event"`
	}
	if raw, ok := top["hook"]; ok {
		if err := json.Unmarshal(raw, &hook); err != nil {
			return h, fmt.Errorf("%w: hook: %v", model.ErrBadPayload, err)
		}
	}
	var event string
	if raw, ok := top["event"]; ok {
		if err := json.Unmarshal(raw, &event); err != nil {
			return h, fmt.Errorf("%w: event is not a name: %s", model.ErrBadPayload, excerpt(raw))
		}
	}
	h.Event = strings.TrimSpace(orStr(event, hook.Event))
	h.HookID = int64(hook.ID)
	for k, p := range map[string]*int64{"user_id": &h.UserID, "account_id": &h.AccountID} {
		var n ID
		if raw, ok := top[k]; ok && json.Unmarshal(raw, &n) == nil && n > 0 {
			*p = int64(n)
		}
	}
	res, action, ok := strings.Cut(h.Event, ".")
	if !ok || res == "" || action == "" {
		return h, fmt.Errorf("%w: the webhook names no event <entity>.<action> (%q)", model.ErrBadPayload, h.Event)
	}
	h.Resource, h.Action = singular(strings.ToLower(res)), strings.ToLower(action)

	// The record: under its name at the root or in data, or data itself.
	var data map[string]json.RawMessage
	if raw, ok := top["data"]; ok && len(bytes.TrimSpace(raw)) > 0 && bytes.TrimSpace(raw)[0] == '{' {
		if err := json.Unmarshal(raw, &data); err != nil {
			return h, fmt.Errorf("%w: data: %v", model.ErrBadPayload, err)
		}
	}
	entity := pick(top, h.Resource)
	if entity == nil {
		entity = pick(data, h.Resource)
	}
	if entity == nil && data != nil {
		if _, has := data["id"]; has {
			entity = top["data"]
		}
	}
	if entity == nil {
		return h, fmt.Errorf("%w: the %s webhook carries no %s", model.ErrBadPayload, h.Event, h.Resource)
	}
	var rec struct {
		ID        ID   `json:"id"`
		Modified  Time `json:"modified"`
		UpdatedAt Time `json:"updated_at"`
		CreatedAt Time `json:"created_at"`
	}
	if err := json.Unmarshal(entity, &rec); err != nil {
		return h, fmt.Errorf("%w: the %s: %v", model.ErrBadPayload, h.Resource, err)
	}
	if rec.ID <= 0 {
		return h, fmt.Errorf("%w: the %s webhook names no %s id", model.ErrBadPayload, h.Event, h.Resource)
	}
	h.ID = int64(rec.ID)
	for _, t := range []Time{rec.Modified, rec.UpdatedAt, rec.CreatedAt} {
		if !t.IsZero() {
			h.Modified = t.Time
			break
		}
	}
	if h.Modified.IsZero() {
		var ts struct {
			Timestamp Time `json:"timestamp"`
		}
		if raw, ok := top["timestamp"]; ok && json.Unmarshal([]byte(`{"timestamp":`+string(raw)+`}`), &ts) == nil {
			h.Modified = ts.Timestamp.Time
		}
	}
	changes := top["changes"]
	if c := pick(data, "changes"); c != nil {
		changes = c
	}
	if len(changes) > 0 {
		var m map[string]json.RawMessage
		if json.Unmarshal(changes, &m) == nil {
			for k := range m {
				h.Changed = append(h.Changed, k)
			}
			sort.Strings(h.Changed)
		}
	}
	return h, nil
}

// pick returns m[name] or m[plural of name] when it is a JSON object.
func pick(m map[string]json.RawMessage, name string) json.RawMessage {
	for _, k := range []string{name, plural(name)} {
		if raw, ok := m[k]; ok {
			if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '{' {
				return raw
			}
		}
	}
	return nil
}

func singular(s string) string {
	switch {
	case strings.HasSuffix(s, "ies"):
		return strings.TrimSuffix(s, "ies") + "y"
	case strings.HasSuffix(s, "s") && s != "s":
		return strings.TrimSuffix(s, "s")
	}
	return s
}

func plural(s string) string {
	if strings.HasSuffix(s, "y") {
		return strings.TrimSuffix(s, "y") + "ies"
	}
	return s + "s"
}

// VerifyToken checks a delivery's token against the connection's, in
// constant time.
func VerifyToken(got, token string) error {
	if token == "" {
		return errors.New("the connection has no webhook_token, so no Clientify webhook is taken")
	}
	if got == "" {
		return errors.New("the delivery carries no token")
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
		return errors.New("the delivery's token is not the connection's webhook_token")
	}
	return nil
}

// VerifyWebhook is Client.VerifyWebhook without a client: header must hold
// token exactly, then the body must be a Clientify webhook.
func VerifyWebhook(h http.Header, body []byte, header, token string) (topic, key string, err error) {
	if header == "" {
		header = "X-Clientify-Secret"
	}
	got := h.Get(header)
	if token != "" && got == "" {
		return "", "", errors.New("no " + header + " header")
	}
	if err := VerifyToken(got, token); err != nil {
		return "", "", fmt.Errorf("%s: %w", header, err)
	}
	w, err := DecodeWebhook(body)
	if err != nil {
		return "", "", err
	}
	return w.Event, WebhookKey(w, body), nil
}

// WebhookKey names the event for de-duplication: the event, the record
// and its version (modified), so a redelivery is taken once and the next
// change is not; without a time, a digest of the body.
func WebhookKey(w WebhookHint, body []byte) string {
	version := ""
	if !w.Modified.IsZero() {
		version = w.Modified.UTC().Format(time.RFC3339Nano)
	} else {
		sum := sha256.Sum256(body)
		version = "sha256:" + hex.EncodeToString(sum[:8])
	}
	return w.Event + ":" + strconv.FormatInt(w.ID, 10) + "@" + version
}

// VerifyWebhook checks a delivery (flow.WebhookVerifier): webhook_header
// must hold secret (or, when secret is empty, the connection's
// webhook_token); the topic is the event ("contact.saved") and the key
// WebhookKey's.
func (c *Client) VerifyWebhook(h http.Header, body []byte, secret string) (topic, key string, err error) {
	if secret == "" {
		secret = c.webhookToken
	}
	return VerifyWebhook(h, body, c.settings.WebhookHeader, secret)
}

// WebhookSecret is the token the connection's webhooks carry (the
// credential webhook_token; flow.WebhookSecretHolder): the webhook slot is
// registered in Clientify, so the secret is the connection's.
func (c *Client) WebhookSecret() string { return c.webhookToken }

// SetWebhookToken sets the token (the kind's Open sets the credential).
func (c *Client) SetWebhookToken(token string) { c.webhookToken = token }

// WebhookSlot is one of Clientify's webhook slots (GET/POST
// /webhooks/{entity}/ in v2): its target, whether it is active, the events
// it covers, and on a create the custom headers it sends.
type WebhookSlot struct {
	Entity   string            `json:"entity,omitempty"`
	Target   string            `json:"target"`
	IsActive bool              `json:"is_active"`
	Events   []string          `json:"events,omitempty"`
	Headers  map[string]string `json:"headers,omitempty"`
}

// DecodeWebhookSlot reads a slot (or the body of its create).
func DecodeWebhookSlot(b []byte) (WebhookSlot, error) {
	var s WebhookSlot
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("not a Clientify webhook slot: %w", err)
	}
	return s, nil
}

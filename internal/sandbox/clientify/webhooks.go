package clientify

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"
)

// Webhook payload shapes (reference §3.5; samples n8n-official-webhook-payload-*).
const (
	// ShapeHookData is the documented one: {"hook": {id, event, target}, "data": {…resource…}}.
	ShapeHookData = "hook-data"
	// ShapeEventRoot: {"event", "timestamp", "account_id", "user_id", "<entity>": {…}}.
	ShapeEventRoot = "event-root"
	// ShapeHookRoot: {"hook": {id, event}, "<entity>": {…}}.
	ShapeHookRoot = "hook-root"
	// ShapeEventData: {"event", "timestamp", "account_id", "user_id", "data": {"<entity>": {…}, "changes": {field: {old, new}}}}.
	ShapeEventData = "event-data"
	// ShapeMixed picks one of the four per event (seeded), so a receiver must parse them all.
	ShapeMixed = "mixed"
)

// SecretHeader carries the webhook token: the custom header the official n8n
// node registers with each slot, since Clientify signs nothing.
const SecretHeader = "X-Clientify-Secret"

// slotEntities are Clientify's six webhook slots, one per entity, each with
// <entity>.saved and <entity>.deleted. budgets and tasks are not served, so
// theirs never fire.
var slotEntities = []struct{ entity, singular string }{
	{"budgets", "budget"}, {"companies", "company"}, {"contacts", "contact"}, {"deals", "deal"}, {"products", "product"}, {"tasks", "task"},
}

func entityEvents(singular string) []string {
	return []string{singular + ".saved", singular + ".deleted"}
}

// Webhook is a webhook configured at start (Options.Webhooks, SetWebhooks, PUT
// /_sandbox/webhooks): the events it covers go to URL. Events empty means
// every event of the companies, contacts, deals and products slots. Token
// goes in X-Clientify-Secret (empty: DefaultWebhookToken; "-": none); Headers
// are sent as well.
type Webhook struct {
	URL     string            `json:"url"`
	Events  []string          `json:"events,omitempty"`
	Token   string            `json:"token,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`
}

// Slot is one entity's webhook slot as the sandbox holds it.
type Slot struct {
	Entity  string            `json:"entity"`
	ID      int               `json:"id"` // the hook id in payloads
	Target  string            `json:"target"`
	Active  bool              `json:"is_active"`
	Events  []string          `json:"events"` // the events sent (of the slot's two)
	Headers map[string]string `json:"headers,omitempty"`
}

func emptySlots() map[string]*Slot {
	out := map[string]*Slot{}
	for i, e := range slotEntities {
		out[e.entity] = &Slot{Entity: e.entity, ID: 9821 + i, Events: entityEvents(e.singular)}
	}
	return out
}

func validTarget(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && !strings.ContainsAny(raw, " \t\n")
}

// slotsFor turns configured webhooks into slots: one URL per entity.
func slotsFor(hooks []Webhook, defToken string) (map[string]*Slot, error) {
	slots := emptySlots()
	for _, w := range hooks {
		if !validTarget(w.URL) {
			return nil, fmt.Errorf("webhook URL %q: want http(s)://host/…", w.URL)
		}
		headers := maps.Clone(w.Headers)
		if headers == nil {
			headers = map[string]string{}
		}
		switch w.Token {
		case "":
			headers[SecretHeader] = defToken
		case "-":
		default:
			headers[SecretHeader] = w.Token
		}
		events := w.Events
		if len(events) == 0 {
			for _, e := range []string{"company", "contact", "deal", "product"} {
				events = append(events, entityEvents(e)...)
			}
		}
		chosen := map[string][]string{}
		for _, ev := range events {
			found := false
			for _, e := range slotEntities {
				if slices.Contains(entityEvents(e.singular), ev) {
					chosen[e.entity] = append(chosen[e.entity], ev)
					found = true
				}
			}
			if !found {
				return nil, fmt.Errorf("webhook event %q: want <entity>.saved or <entity>.deleted of budget, company, contact, deal, product or task", ev)
			}
		}
		for entity, evs := range chosen {
			sl := slots[entity]
			if sl.Target != "" && sl.Target != w.URL {
				return nil, fmt.Errorf("webhook slot %s: one URL per entity (%s and %s)", entity, sl.Target, w.URL)
			}
			if sl.Target == "" {
				sl.Events = nil
			}
			sl.Target, sl.Active, sl.Headers = w.URL, true, headers
			for _, ev := range evs {
				if !slices.Contains(sl.Events, ev) {
					sl.Events = append(sl.Events, ev)
				}
			}
			sort.Strings(sl.Events)
			slices.Reverse(sl.Events) // saved before deleted
		}
	}
	return slots, nil
}

// SetWebhooks replaces every slot's configuration.
func (s *Server) SetWebhooks(hooks []Webhook) error {
	slots, err := slotsFor(hooks, DefaultWebhookToken)
	if err != nil {
		return fmt.Errorf("clientify sandbox: %w", err)
	}
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	s.hooks.slots = slots
	return nil
}

// Webhooks lists the slots, configured or free.
func (s *Server) Webhooks() []Slot {
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	var out []Slot
	for _, e := range slotEntities {
		sl := *s.hooks.slots[e.entity]
		sl.Events = slices.Clone(sl.Events)
		sl.Headers = maps.Clone(sl.Headers)
		out = append(out, sl)
	}
	return out
}

// The slot API of the official node: GET/POST/DELETE /webhooks/{entity}/ and
// POST /webhooks/{entity}/activate/.

func (s *Server) slotOf(c *call) (*Slot, *apiErr) {
	sl := s.hooks.slots[c.params[0]]
	if sl == nil {
		return nil, notFound()
	}
	return sl, nil
}

func renderSlot(sl *Slot) obj {
	return obj{{"entity", sl.Entity}, {"target", sl.Target}, {"is_active", sl.Active}, {"events", slices.Clone(sl.Events)}}
}

func getSlot(s *Server, c *call) (int, any, *apiErr) {
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	sl, e := s.slotOf(c)
	if e != nil {
		return 0, nil, e
	}
	return http.StatusOK, renderSlot(sl), nil
}

func postSlot(s *Server, c *call) (int, any, *apiErr) {
	body, e := c.bodyMap()
	if e != nil {
		return 0, nil, e
	}
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	sl, e := s.slotOf(c)
	if e != nil {
		return 0, nil, e
	}
	target, ok := asString(body["target"])
	switch {
	case body["target"] == nil:
		return 0, nil, invalidField("target", "This field is required.")
	case !ok || !validTarget(target):
		return 0, nil, invalidField("target", "Enter a valid URL.")
	case sl.Target != "" && sl.Target != target:
		return 0, nil, detail(http.StatusConflict, "Already configured")
	}
	headers := map[string]string{}
	if raw, ok := body["headers"]; ok && raw != nil {
		m, ok := raw.(map[string]any)
		if !ok {
			return 0, nil, invalidField("headers", fmt.Sprintf("Expected a dictionary of items but got type %q.", pyType(raw)))
		}
		for k, v := range m {
			sv, ok := asString(v)
			if !ok || strings.ContainsAny(k+sv, "\r\n") || k == "" {
				return 0, nil, invalidField("headers", "Not a valid string.")
			}
			headers[k] = sv
		}
	}
	singular := strings.TrimSuffix(sl.Entity, "s")
	if sl.Entity == "companies" {
		singular = "company"
	}
	sl.Target, sl.Headers, sl.Active, sl.Events = target, headers, true, entityEvents(singular)
	return http.StatusCreated, obj{{"entity", sl.Entity}, {"target", sl.Target}, {"is_active", sl.Active}}, nil
}

func deleteSlot(s *Server, c *call) (int, any, *apiErr) {
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	sl, e := s.slotOf(c)
	if e != nil {
		return 0, nil, e
	}
	sl.Target, sl.Headers, sl.Active = "", nil, false
	return http.StatusNoContent, nil, nil
}

func activateSlot(s *Server, c *call) (int, any, *apiErr) {
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	sl, e := s.slotOf(c)
	if e != nil {
		return 0, nil, e
	}
	if sl.Target == "" {
		return 0, nil, detail(http.StatusBadRequest, "No target configured.")
	}
	sl.Active = true
	return http.StatusOK, renderSlot(sl), nil
}

// change is one field an update changed, old and new as rendered.
type change struct {
	field    string
	old, new any
}

// event is one change to deliver.
type event struct {
	name, entity, key string // "contact.saved", "contacts", "contact"
	id                int
	data              obj      // the resource; {"id"} when deleted
	changes           []change // updates only
	userID            int
	at                time.Time
	created, deleted  bool
}

// payload builds the body of ev for slot sl in shape.
func (s *Server) payload(ev event, sl *Slot, shape string) obj {
	entity := ev.data
	switch shape {
	case ShapeHookRoot:
		return obj{{"hook", obj{{"id", sl.ID}, {"event", ev.name}}}, {ev.key, entity}}
	case ShapeEventRoot:
		return append(s.envelope(ev), kv{ev.key, entity})
	case ShapeEventData:
		data := obj{{ev.key, entity}}
		if ev.changes != nil {
			ch := obj{}
			for _, c := range ev.changes {
				ch = append(ch, kv{c.field, obj{{"old", c.old}, {"new", c.new}}})
			}
			data = append(data, kv{"changes", ch})
		}
		return append(s.envelope(ev), kv{"data", data})
	}
	return obj{{"hook", obj{{"id", sl.ID}, {"event", ev.name}, {"target", sl.Target}}}, {"data", entity}}
}

func (s *Server) envelope(ev event) obj {
	return obj{{"event", ev.name}, {"timestamp", ev.at.UTC().Format(time.RFC3339)}, {"account_id", s.opts.AccountID}, {"user_id", ev.userID}}
}

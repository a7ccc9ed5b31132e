package ongoing

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"time"
)

// Order webhook triggers (§2.7) and retry policies.
const (
	TriggerCreated       = "created"        // order is created
	TriggerStatusChanged = "status_changed" // order status changed (Statuses filter)
	TriggerPicked        = "picked"         // status ≥ 400 with at least one picked item
	RetryNone            = "none"
	RetryOneDay          = "one_day" // 1, 5, 15, 30 min, then every 2 h until 24 h
	DefaultWebhookHeader = "X-Auth-Token"
)

// Webhook is one regular order webhook as a warehouse admin sets it up in
// Ongoing's UI; the API cannot configure webhooks, so the sandbox takes them as
// options (Options.Webhooks, SetWebhooks, PUT /_sandbox/webhooks).
type Webhook struct {
	// ID is webhookOrdersId in the bodies; 0 assigns 101, 102, … by position.
	ID  int    `json:"webhookOrdersId,omitempty"`
	URL string `json:"url"`
	// Header and Token are the static authentication header; Header defaults to
	// X-Auth-Token, no Token sends no header.
	Header string `json:"header,omitempty"`
	Token  string `json:"token,omitempty"`
	// Triggers are any of created, status_changed and picked; default
	// status_changed.
	Triggers []string `json:"triggers,omitempty"`
	// Statuses are the statuses that fire status_changed; empty means all.
	Statuses []int `json:"statuses,omitempty"`
	// Retry is none or one_day (the default).
	Retry string `json:"retry,omitempty"`
	// GoodsOwnerID is the goods owner the webhook fires for; 0 is the sandbox's.
	// A regular webhook of another goods owner never fires here.
	GoodsOwnerID int `json:"goodsOwnerId,omitempty"`
}

// normalize fills the defaults of the i-th webhook and checks it.
func (w Webhook) normalize(i, owner int) (Webhook, error) {
	if w.ID == 0 {
		w.ID = 101 + i
	}
	u, err := url.Parse(w.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return w, fmt.Errorf("webhook %d: url %q must be an absolute http(s) URL", i+1, w.URL)
	}
	if w.Header == "" {
		w.Header = DefaultWebhookHeader
	}
	if len(w.Triggers) == 0 {
		w.Triggers = []string{TriggerStatusChanged}
	}
	for _, t := range w.Triggers {
		if t != TriggerCreated && t != TriggerStatusChanged && t != TriggerPicked {
			return w, fmt.Errorf("webhook %d: trigger %q: use created, status_changed or picked", i+1, t)
		}
	}
	for _, n := range w.Statuses {
		if !knownStatus(n) {
			return w, fmt.Errorf("webhook %d: status %d is not an order status", i+1, n)
		}
	}
	switch w.Retry {
	case "":
		w.Retry = RetryOneDay
	case RetryNone, RetryOneDay:
	default:
		return w, fmt.Errorf("webhook %d: retry %q: use none or one_day", i+1, w.Retry)
	}
	if w.GoodsOwnerID == 0 {
		w.GoodsOwnerID = owner
	}
	return w, nil
}

func normalizeWebhooks(hooks []Webhook, owner int) ([]Webhook, error) {
	out := make([]Webhook, 0, len(hooks))
	for i, w := range hooks {
		n, err := w.normalize(i, owner)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// SetWebhooks replaces the configured webhooks. Deliveries still queued for the
// old ones are abandoned; the delivery log stays.
func (s *Server) SetWebhooks(hooks []Webhook) error {
	n, err := normalizeWebhooks(hooks, s.opts.GoodsOwnerID)
	if err != nil {
		return fmt.Errorf("ongoing sandbox: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hooks.configure(n)
	return nil
}

// Webhooks returns the configured webhooks with defaults filled in.
func (s *Server) Webhooks() []Webhook {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hooks.config()
}

// actor is who changes an order, for byUser and byComputer.
type actor int

const (
	byWarehouse actor = iota // the simulation, MoveOrder, /_sandbox/advance
	byAPI                    // an API call
)

// webhookBody is an order webhook body, key for key WEBHOOK_order.payload.json
// plus goodsOwnerOrderId and consigneeOrderNumber, which §2.7 lists too.
type webhookBody struct {
	WebhookOrdersID      int    `json:"webhookOrdersId"`
	WebhookEventID       int    `json:"webhookEventId"`
	System               string `json:"system"`
	Timestamp            string `json:"timestamp"`
	OrderID              int    `json:"orderId"`
	OrderNumber          string `json:"orderNumber"`
	GoodsOwnerID         int    `json:"goodsOwnerId"`
	GoodsOwnerOrderID    string `json:"goodsOwnerOrderId"`
	ConsigneeOrderNumber string `json:"consigneeOrderNumber"`
	Path                 string `json:"path"`
	ByUser               struct {
		UserID int `json:"userId"`
	} `json:"byUser"`
	ByComputer struct {
		ComputerID   int    `json:"computerId"`
		ComputerName string `json:"computerName"`
	} `json:"byComputer"`
	OrderStatus struct {
		Number int `json:"number"`
	} `json:"orderStatus"`
	CurrentShipmentID *int              `json:"currentShipmentId"`
	WebhookTemplate   string            `json:"webhookTemplate"`
	GoodsOwnerName    string            `json:"goodsOwnerName"`
	GoodsOwnerClasses []goodsOwnerClass `json:"goodsOwnerClasses"`
	Tracking          []webhookTracking `json:"tracking"`
	Parcels           []webhookParcel   `json:"parcels"`
}

type goodsOwnerClass struct {
	ID   int    `json:"id"`
	Code string `json:"code"`
	Name string `json:"name"`
}

type webhookTracking struct {
	TrackingURL string `json:"trackingUrl"`
	Waybill     string `json:"waybill"`
	IsReturn    bool   `json:"isReturn"`
}

type webhookParcel struct {
	ID             int    `json:"id"`
	ParcelNumber   string `json:"parcelNumber"`
	IsReturnParcel bool   `json:"isReturnParcel"`
	Tracking       struct {
		TrackingURL string `json:"trackingUrl"`
	} `json:"tracking"`
}

// webhookTemplates name each trigger's webhook type (webhookTemplate).
var webhookTemplates = map[string]string{
	TriggerCreated:       "Order created",
	TriggerStatusChanged: "Order status changed",
	TriggerPicked:        "Order picked",
}

// The sandbox's goods owner has one class, so that goodsOwnerClasses shows its
// element shape.
var sandboxOwnerClasses = []goodsOwnerClass{{ID: 1, Code: "WEBSHOP", Name: "Webshop"}}

// webhookTime is .NET's round-trip format without a zone: 7 fractional digits
// and no Z, as the example has it (§2.1). The value is UTC.
const webhookTime = "2006-01-02T15:04:05.0000000"

// orderEvent queues trigger's webhook for o on every webhook that wants it. The
// body is rendered now, so each event shows the order as it was then. The
// caller holds s.mu.
func (s *Server) orderEvent(o *order, trigger string, now time.Time) {
	if !s.hooks.any() {
		return
	}
	for _, q := range s.hooks.queueList() {
		w := q.hook
		if w.GoodsOwnerID != s.opts.GoodsOwnerID || !slices.Contains(w.Triggers, trigger) {
			continue
		}
		if trigger == TriggerStatusChanged && len(w.Statuses) > 0 && !slices.Contains(w.Statuses, o.status) {
			continue
		}
		id := s.st.next("webhookEvent")
		body, err := json.Marshal(s.webhookBody(o, w, id, trigger, now))
		if err != nil {
			continue
		}
		s.hooks.enqueue(q, &pending{eventID: id, trigger: trigger, orderNumber: o.number, status: o.status, body: body})
	}
}

func (s *Server) webhookBody(o *order, w Webhook, eventID int, trigger string, now time.Time) webhookBody {
	b := webhookBody{WebhookOrdersID: w.ID, WebhookEventID: eventID, System: s.opts.Warehouse,
		Timestamp: now.UTC().Format(webhookTime), OrderID: o.id, OrderNumber: o.number, GoodsOwnerID: s.opts.GoodsOwnerID,
		GoodsOwnerOrderID: o.in.GoodsOwnerOrderID.String(), ConsigneeOrderNumber: o.in.ConsigneeOrderNumber.String(),
		Path: s.BasePath() + "/orders/" + itoa(o.id), WebhookTemplate: webhookTemplates[trigger],
		GoodsOwnerName: s.opts.GoodsOwnerName, GoodsOwnerClasses: sandboxOwnerClasses,
		Tracking: []webhookTracking{}, Parcels: []webhookParcel{}}
	b.OrderStatus.Number = o.status
	if s.actor == byAPI {
		b.ByUser.UserID = apiUserID
	} else {
		b.ByUser.UserID, b.ByComputer.ComputerID, b.ByComputer.ComputerName = warehouseUserID, 11, "SANDBOX-WH"+itoa(s.opts.WarehouseID)
	}
	if o.shipmentID != 0 {
		id := o.shipmentID
		b.CurrentShipmentID = &id
	}
	for _, t := range o.tracking {
		b.Tracking = append(b.Tracking, webhookTracking{TrackingURL: t.url, Waybill: t.waybill, IsReturn: t.isReturn})
	}
	for _, p := range o.parcels {
		wp := webhookParcel{ID: p.id, ParcelNumber: p.number, IsReturnParcel: p.isReturn}
		wp.Tracking.TrackingURL = p.url
		b.Parcels = append(b.Parcels, wp)
	}
	return b
}

// User ids in byUser: the API user, and the warehouse worker of the simulation.
const (
	apiUserID       = 1001
	warehouseUserID = 1002
)

// statusEvents fires the webhooks of o's change from status old: status_changed,
// and picked the first time o is at 400 or beyond with picked items. The caller
// holds s.mu.
func (s *Server) statusEvents(o *order, old int, now time.Time) {
	if o.status == old {
		return
	}
	s.orderEvent(o, TriggerStatusChanged, now)
	if o.status >= StatusPicked && o.status != StatusCancelled && !o.pickedFired {
		picked := false
		for _, l := range o.lines {
			picked = picked || l.picked > 0
		}
		if picked {
			o.pickedFired = true
			s.orderEvent(o, TriggerPicked, now)
		}
	}
}

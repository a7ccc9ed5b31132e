package shopify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// The known vector of samples/shopify/README.md (bold-commerce/go-shopify).
func TestSignVector(t *testing.T) {
	t.Parallel()
	if got := Sign("hush", []byte(`"my secret message"`)); got != "hMTq0K2x7oyOjoBwGYeTj5oxfnaVYXzbanUG9aajpKI=" {
		t.Fatalf("Sign = %s", got)
	}
	if RestTopic("ORDERS_PARTIALLY_FULFILLED") != "orders/partially_fulfilled" || RestTopic("INVENTORY_LEVELS_UPDATE") != "inventory_levels/update" {
		t.Fatal("RestTopic")
	}
}

type hit struct {
	header http.Header
	body   []byte
}

// receiver records webhook requests; fail answers 500 to the first n.
type receiver struct {
	mu   sync.Mutex
	hits []hit
	fail int
	srv  *httptest.Server
}

func newReceiver(t *testing.T, fail int) *receiver {
	r := &receiver{fail: fail}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.hits = append(r.hits, hit{req.Header.Clone(), b})
		failing := r.fail > 0
		r.fail--
		r.mu.Unlock()
		if failing {
			w.WriteHeader(500)
		}
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) got() []hit {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]hit{}, r.hits...)
}

func verify(secret string, h hit) bool {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(h.body)
	got, err := base64.StdEncoding.DecodeString(h.header.Get("X-Shopify-Hmac-Sha256"))
	return err == nil && hmac.Equal(got, m.Sum(nil))
}

const subscribe = `mutation S($topic: WebhookSubscriptionTopic!, $url: URL!) { webhookSubscriptionCreate(topic: $topic,
	webhookSubscription: { callbackUrl: $url, format: JSON }) { webhookSubscription { id topic endpoint { __typename ... on WebhookHttpEndpoint { callbackUrl } } }
	userErrors { field message } } }`

func TestWebhookDelivery(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: -1, Products: 2, WebhookBackoff: 10 * time.Millisecond})
	rcv := newReceiver(t, 0)
	for _, topic := range []string{"ORDERS_CREATE", "CUSTOMERS_CREATE", "FULFILLMENTS_CREATE", "INVENTORY_LEVELS_UPDATE", "PRODUCTS_UPDATE", "ORDERS_CANCELLED", "REFUNDS_CREATE"} {
		a := ts.gql(subscribe, map[string]any{"topic": topic, "url": rcv.srv.URL + "/hooks"})
		if dig(a.Data, "webhookSubscriptionCreate", "webhookSubscription", "endpoint", "callbackUrl") != rcv.srv.URL+"/hooks" {
			t.Fatalf("subscribe: %s", a.Raw)
		}
	}
	a := ts.gql(subscribe, map[string]any{"topic": "ORDERS_CREATE", "url": rcv.srv.URL + "/hooks"})
	if len(dig(a.Data, "webhookSubscriptionCreate", "userErrors").([]any)) != 1 {
		t.Errorf("duplicate subscription: %s", a.Raw)
	}
	if a := ts.gql(`{ webhookSubscriptions(first: 10, topics: [ORDERS_CREATE]) { nodes { topic } } }`, nil); len(dig(a.Data, "webhookSubscriptions", "nodes").([]any)) != 1 {
		t.Errorf("list: %s", a.Raw)
	}
	id, _, err := ts.CreateOrder(OrderSpec{Email: "new@example.com", Lines: []LineSpec{{"FRY-00001-01", 1}}})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "customers/create and orders/create", func() bool { return len(rcv.got()) >= 2 })
	byTopic := map[string]hit{}
	for _, h := range rcv.got() {
		byTopic[h.header.Get("X-Shopify-Topic")] = h
		if !verify(ts.Options().APISecret, h) {
			t.Errorf("%s: HMAC does not verify", h.header.Get("X-Shopify-Topic"))
		}
		for _, k := range []string{"X-Shopify-Shop-Domain", "X-Shopify-Webhook-Id", "X-Shopify-Event-Id", "X-Shopify-Triggered-At", "X-Shopify-API-Version"} {
			if h.header.Get(k) == "" {
				t.Errorf("no %s", k)
			}
		}
	}
	for topic, file := range map[string]string{"orders/create": "webhooks/orders-create.rest-2025-01.json", "customers/create": "webhooks/customers-create.rest-2025-01.json"} {
		h, ok := byTopic[topic]
		if !ok {
			t.Errorf("no %s delivery", topic)
			continue
		}
		if got, want := topKeys(t, h.body), topKeys(t, sample(t, file)); !reflect.DeepEqual(got, want) {
			t.Errorf("%s keys:\n got %v\nwant %v", topic, got, want)
		}
	}
	if h := byTopic["orders/create"]; !strings.Contains(string(h.body), `"admin_graphql_api_id":"`+id+`"`) {
		t.Errorf("orders/create body: %s", h.body)
	}
	// Fulfil it: fulfillments/create and inventory_levels/update.
	a = ts.gql(`query O($id: ID!) { order(id: $id) { fulfillmentOrders(first: 1) { nodes { id } } } }`, map[string]any{"id": id})
	ts.gql(fulfil, map[string]any{"f": map[string]any{"trackingInfo": map[string]any{"number": "T1", "company": "Posti"},
		"lineItemsByFulfillmentOrder": []any{map[string]any{"fulfillmentOrderId": dig(a.Data, "order", "fulfillmentOrders", "nodes", 0, "id")}}}})
	waitFor(t, "fulfillments/create", func() bool {
		for _, h := range rcv.got() {
			if h.header.Get("X-Shopify-Topic") == "fulfillments/create" {
				byTopic["fulfillments/create"] = h
				return true
			}
		}
		return false
	})
	if got, want := topKeys(t, byTopic["fulfillments/create"].body), topKeys(t, sample(t, "webhooks/fulfillments-create.rest-2025-01.json")); !reflect.DeepEqual(got, want) {
		t.Errorf("fulfillments/create keys:\n got %v\nwant %v", got, want)
	}
	if err := ts.UpdateProduct(firstProduct(t, ts), "Renamed"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "products/update", func() bool { return hasTopic(rcv.got(), "products/update") })
	for _, h := range rcv.got() {
		if h.header.Get("X-Shopify-Topic") == "products/update" {
			if got, want := topKeys(t, h.body), topKeys(t, sample(t, "webhooks/products-update.rest-2025-01.json")); !reflect.DeepEqual(got, want) {
				t.Errorf("products/update keys:\n got %v\nwant %v", got, want)
			}
		}
	}
}

func TestWebhookRefundAndCancelBodies(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: -1, Products: 2})
	rcv := newReceiver(t, 0)
	for _, topic := range []string{"ORDERS_CANCELLED", "REFUNDS_CREATE"} {
		ts.gql(subscribe, map[string]any{"topic": topic, "url": rcv.srv.URL})
	}
	_, name, _ := ts.CreateOrder(OrderSpec{Lines: []LineSpec{{"FRY-00002-01", 2}}})
	if err := ts.CancelOrder(name, "FRAUD"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "cancel and refund", func() bool { return len(rcv.got()) >= 2 })
	for _, h := range rcv.got() {
		file := map[string]string{"orders/cancelled": "webhooks/orders-cancelled.rest-2025-01.json", "refunds/create": "webhooks/refunds-create.rest-2025-01.json"}[h.header.Get("X-Shopify-Topic")]
		if got, want := topKeys(t, h.body), topKeys(t, sample(t, file)); !reflect.DeepEqual(got, want) {
			t.Errorf("%s keys:\n got %v\nwant %v", file, got, want)
		}
	}
}

func firstProduct(t *testing.T, ts *testShop) string {
	a := ts.gql(`{ products(first: 1) { nodes { id } } }`, nil)
	return dig(a.Data, "products", "nodes", 0, "id").(string)
}

func hasTopic(hits []hit, topic string) bool {
	for _, h := range hits {
		if h.header.Get("X-Shopify-Topic") == topic {
			return true
		}
	}
	return false
}

// A failing receiver gets retries with the original body and ids.
func TestWebhookRetries(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: -1, Products: 1, WebhookBackoff: 5 * time.Millisecond, WebhookRetries: 3})
	rcv := newReceiver(t, 2)
	ts.gql(subscribe, map[string]any{"topic": "ORDERS_UPDATED", "url": rcv.srv.URL})
	_, name, _ := ts.CreateOrder(OrderSpec{Lines: []LineSpec{{"FRY-00001-01", 1}}})
	if err := ts.UpdateOrder(name, "gift"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "three tries", func() bool { return len(rcv.got()) >= 3 })
	hits := rcv.got()
	for _, h := range hits[1:] {
		if string(h.body) != string(hits[0].body) || h.header.Get("X-Shopify-Webhook-Id") != hits[0].header.Get("X-Shopify-Webhook-Id") {
			t.Errorf("a retry differs")
		}
	}
	d := ts.Deliveries()
	if len(d) != 3 || d[0].Status != 500 || d[2].Status != 200 || d[2].Attempt != 3 {
		t.Errorf("deliveries: %+v", d)
	}
	// A receiver that never answers 2xx is given up after the retries.
	dead := newReceiver(t, 1000)
	ts2 := newShop(t, Options{Orders: -1, Products: 1, WebhookBackoff: time.Millisecond, WebhookRetries: 2})
	ts2.gql(subscribe, map[string]any{"topic": "ORDERS_CREATE", "url": dead.srv.URL})
	ts2.CreateOrder(OrderSpec{Lines: []LineSpec{{"FRY-00001-01", 1}}})
	waitFor(t, "three tries", func() bool { return len(dead.got()) >= 3 })
	time.Sleep(50 * time.Millisecond)
	if n := len(dead.got()); n != 3 {
		t.Errorf("%d tries, want 1 + 2 retries", n)
	}
}

func TestWebhookTricks(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: -1, Products: 1})
	rcv := newReceiver(t, 0)
	ts.gql(subscribe, map[string]any{"topic": "ORDERS_UPDATED", "url": rcv.srv.URL})
	_, name, _ := ts.CreateOrder(OrderSpec{Lines: []LineSpec{{"FRY-00001-01", 1}}})
	// Duplicate: the same event twice.
	ts.SetWebhookTricks(WebhookTricks{Duplicate: 1, Copies: 1})
	ts.UpdateOrder(name, "one")
	waitFor(t, "duplicate", func() bool { return len(rcv.got()) == 2 })
	h := rcv.got()
	if h[0].header.Get("X-Shopify-Event-Id") != h[1].header.Get("X-Shopify-Event-Id") || string(h[0].body) != string(h[1].body) {
		t.Errorf("duplicate differs")
	}
	// Reorder: three updates arrive newest first.
	ts.SetWebhookTricks(WebhookTricks{Reorder: 3})
	for _, n := range []string{"a", "b", "c"} {
		ts.UpdateOrder(name, n)
	}
	waitFor(t, "reordered", func() bool { return len(rcv.got()) == 5 })
	var notes []string
	for _, x := range rcv.got()[2:] {
		var m struct {
			Note string `json:"note"`
		}
		json.Unmarshal(x.body, &m)
		notes = append(notes, m.Note)
	}
	if strings.Join(notes, "") != "cba" {
		t.Errorf("order %v", notes)
	}
	// Tamper: the body no longer matches its HMAC.
	ts.SetWebhookTricks(WebhookTricks{Tamper: 1})
	ts.UpdateOrder(name, "t")
	ts.UpdateOrder(name, "u")
	waitFor(t, "tampered", func() bool { return len(rcv.got()) == 7 })
	h = rcv.got()
	if verify(ts.Options().APISecret, h[5]) || !verify(ts.Options().APISecret, h[6]) {
		t.Errorf("tamper: first should fail, second verify")
	}
}

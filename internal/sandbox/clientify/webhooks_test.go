package clientify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func eventNames(t *testing.T, s *Server, n int) []string {
	t.Helper()
	if !s.WaitDeliveries(n, 5*time.Second) {
		t.Fatalf("%d deliveries, want %d: %+v", len(s.Deliveries()), n, s.Deliveries())
	}
	time.Sleep(20 * time.Millisecond) // nothing more comes
	var out []string
	for _, d := range s.Deliveries() {
		out = append(out, d.Event)
	}
	sort.Strings(out)
	return out
}

// TestWebhooksPerChange: every change through the API (the hub's own
// included) and by the CRM user fires its event.
func TestWebhooksPerChange(t *testing.T) {
	t.Parallel()
	sink := newSink(t)
	e := start(t, Options{Contacts: 2, Companies: 2, Products: 1, WebhookShape: ShapeEventRoot, Webhooks: []Webhook{{URL: sink.srv.URL}}})
	co := num(e.must(e.req("POST", "/v2/companies/", map[string]any{"name": "A SL"}), 201).obj(t)["id"])
	c := num(e.must(e.req("POST", "/v2/contacts/", map[string]any{"first_name": "B", "company": "Nueva SL"}), 201).obj(t)["id"])
	e.must(e.req("PATCH", fmt.Sprintf("/v2/contacts/%d/", c), map[string]any{"title": "CEO"}), 200)
	e.must(e.req("POST", fmt.Sprintf("/v2/contacts/%d/phones/", c), map[string]any{"phone": "+34 600 111 222"}), 201)
	p := num(e.must(e.req("POST", "/v2/products/", map[string]any{"name": "P", "sku": "P1"}), 201).obj(t)["id"])
	e.must(e.req("POST", "/v2/deals/", map[string]any{"name": "D", "contact": c, "products": []any{map[string]any{"product_id": p}}}), 201)
	e.must(e.req("POST", "/v2/orders/", map[string]any{"order_id": "S1", "contact": c}), 201) // orders have no slot
	e.must(e.req("DELETE", fmt.Sprintf("/v2/companies/%d/", co), nil), 204)
	e.must(e.req("DELETE", fmt.Sprintf("/v2/products/%d/", p), nil), 204)
	if _, err := e.sb.UserUpdate(Contacts, c, map[string]any{"status": "client"}); err != nil {
		t.Fatal(err)
	}
	e.must(e.req("GET", "/v2/contacts/?fields=id", nil), 200) // reads fire nothing
	want := []string{"company.deleted", "company.saved", "company.saved", "contact.saved", "contact.saved", "contact.saved", "contact.saved",
		"deal.saved", "product.deleted", "product.saved"}
	if got := eventNames(t, e.sb, len(want)); !reflect.DeepEqual(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	bodies := sink.wait(t, len(want))
	users := map[float64]int{}
	for i, b := range bodies {
		users[b["user_id"].(float64)]++
		if sink.hdrs[i].Get(SecretHeader) != DefaultWebhookToken {
			t.Errorf("secret header %q", sink.hdrs[i].Get(SecretHeader))
		}
	}
	if users[float64(e.sb.opts.UserID)] != len(want)-1 || users[float64(e.sb.opts.UserID+1)] != 1 {
		t.Errorf("user ids %v: the API's for API changes, the CRM user's for the one by hand", users)
	}
	if st := e.sb.WebhookStats(); st.Events != len(want) || st.Delivered != len(want) || st.Failed != 0 {
		t.Errorf("stats %+v", st)
	}
}

// TestWebhooksSlotAPI: a slot registered with POST /webhooks/{entity}/ gets
// that entity's events with its custom headers; DELETE frees it.
func TestWebhooksSlotAPI(t *testing.T) {
	t.Parallel()
	sink := newSink(t)
	e := start(t, Options{Contacts: 1, Companies: 1})
	e.must(e.req("POST", "/v2/webhooks/contacts/", map[string]any{"target": sink.srv.URL + "/n8n", "headers": map[string]any{SecretHeader: "s3cret"}}), 201)
	e.must(e.req("POST", "/v2/webhooks/contacts/", map[string]any{"target": sink.srv.URL + "/n8n"}), 201) // same target again: fine
	id := e.sb.IDs(Contacts)[0]
	e.must(e.req("PATCH", fmt.Sprintf("/v2/contacts/%d/", id), map[string]any{"title": "x"}), 200)
	e.must(e.req("PATCH", fmt.Sprintf("/v2/companies/%d/", e.sb.IDs(Companies)[0]), map[string]any{"sector": "x"}), 200) // no slot
	b := sink.wait(t, 1)
	time.Sleep(20 * time.Millisecond)
	if len(sink.got()) != 1 || b[0]["hook"].(map[string]any)["event"] != "contact.saved" {
		t.Fatalf("bodies %v", sink.got())
	}
	e.must(e.req("DELETE", "/v2/webhooks/contacts/", nil), 204)
	e.must(e.req("POST", "/v2/webhooks/contacts/activate/", nil), 400)
	e.must(e.req("PATCH", fmt.Sprintf("/v2/contacts/%d/", id), map[string]any{"title": "y"}), 200)
	time.Sleep(30 * time.Millisecond)
	if len(sink.got()) != 1 {
		t.Fatalf("a freed slot delivered: %v", sink.got())
	}
	sl := e.must(e.get("/v2/webhooks/contacts/"), 200).obj(t)
	if sl["is_active"] != false || sl["target"] != "" {
		t.Errorf("freed slot %v", sl)
	}
}

// TestWebhooksEchoLoop: a receiver that writes back on every event (a hub
// without echo suppression) gets an event for its own write, and so on.
func TestWebhooksEchoLoop(t *testing.T) {
	t.Parallel()
	var e *env
	var writes atomic.Int32
	var mu sync.Mutex
	var wg sync.WaitGroup
	stopped := false
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b map[string]any
		json.NewDecoder(r.Body).Decode(&b)
		w.WriteHeader(200)
		mu.Lock()
		defer mu.Unlock()
		if stopped {
			return
		}
		id := num(b["data"].(map[string]any)["id"])
		wg.Add(1)
		go func() { // the hub "syncs" the contact back
			defer wg.Done()
			n := writes.Add(1)
			e.req("PATCH", fmt.Sprintf("/v2/contacts/%d/", id), map[string]any{"remarks": fmt.Sprint("sync ", n)})
		}()
	}))
	t.Cleanup(hub.Close)
	e = start(t, Options{Contacts: 1, Companies: 1, Webhooks: []Webhook{{URL: hub.URL, Events: []string{"contact.saved"}}}})
	if _, err := e.sb.UserUpdate(Contacts, e.sb.IDs(Contacts)[0], map[string]any{"title": "one change by hand"}); err != nil {
		t.Fatal(err)
	}
	ok := e.sb.WaitDeliveries(6, 5*time.Second)
	mu.Lock()
	stopped = true
	mu.Unlock()
	wg.Wait()
	e.sb.WaitIdle(5 * time.Second)
	if !ok || writes.Load() < 5 {
		t.Errorf("the echo did not loop: %d deliveries, %d writes", len(e.sb.Deliveries()), writes.Load())
	}
}

func TestWebhooksFaults(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name              string
		f                 WebhookFaults
		events, delivered int
		dropped           int
	}{
		{"duplicate next 2", WebhookFaults{Duplicate: 2}, 3, 5, 0},
		{"drop next 1", WebhookFaults{Drop: 1}, 3, 2, 1},
		{"drop all", WebhookFaults{DropRate: 1}, 3, 0, 3},
		{"duplicate all", WebhookFaults{DuplicateRate: 1}, 3, 6, 0},
		{"none", WebhookFaults{}, 3, 3, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sink := newSink(t)
			e := start(t, Options{Contacts: 1, Companies: 1, Webhooks: []Webhook{{URL: sink.srv.URL}}, WebhookFaults: tt.f})
			for i := 0; i < tt.events; i++ {
				e.must(e.req("POST", "/v2/products/", map[string]any{"name": fmt.Sprint("p", i)}), 201)
			}
			e.sb.WaitIdle(5 * time.Second)
			got := sink.got()
			if len(got) != tt.delivered {
				t.Fatalf("%d bodies, want %d", len(got), tt.delivered)
			}
			dropped, dups := 0, 0
			for _, d := range e.sb.Deliveries() {
				if d.Dropped {
					dropped++
				}
				if d.Duplicate {
					dups++
				}
			}
			if dropped != tt.dropped || dups != tt.delivered+tt.dropped-tt.events {
				t.Errorf("dropped %d duplicates %d", dropped, dups)
			}
			// A duplicate carries the same body as its original.
			seen := map[string]int{}
			for _, b := range got {
				j, _ := json.Marshal(b)
				seen[string(j)]++
			}
			if len(seen) != tt.events-tt.dropped {
				t.Errorf("%d distinct bodies", len(seen))
			}
		})
	}
	e := start(t, Options{Contacts: 1, Companies: 1})
	if err := e.sb.SetWebhookFaults(WebhookFaults{DropRate: 2}); err == nil {
		t.Error("rate 2 accepted")
	}
}

// TestWebhooksRetry: a non-2xx answer is tried again after the retry delay,
// doubled each time, until 2xx or the retries run out.
func TestWebhooksRetry(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name      string
		fail      []int
		retries   int
		tries     int
		delivered int
		gaveUp    int
	}{
		{"500 twice", []int{500, 500}, 5, 3, 1, 0},
		{"404 then ok", []int{404}, 5, 2, 1, 0},
		{"runs out", []int{500, 503, 500}, 2, 3, 0, 1},
		{"no retries", []int{500}, -1, 1, 0, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sink := newSink(t)
			sink.fail = tt.fail
			e := start(t, Options{Contacts: 1, Companies: 1, Webhooks: []Webhook{{URL: sink.srv.URL}},
				WebhookRetries: tt.retries, WebhookRetryDelay: 5 * time.Millisecond})
			e.must(e.req("PATCH", fmt.Sprintf("/v2/contacts/%d/", e.sb.IDs(Contacts)[0]), map[string]any{"title": "t"}), 200)
			if !e.sb.WaitIdle(5 * time.Second) {
				t.Fatal("still delivering")
			}
			st := e.sb.WebhookStats()
			if st.Tries != tt.tries || st.Delivered != tt.delivered || st.GaveUp != tt.gaveUp || st.Retries != tt.tries-1 {
				t.Errorf("stats %+v", st)
			}
			var bodies []string
			for i, d := range e.sb.Deliveries() {
				if d.Attempt != i+1 {
					t.Errorf("attempt %d at %d", d.Attempt, i)
				}
				bodies = append(bodies, d.Body)
			}
			for _, b := range bodies {
				if b != bodies[0] {
					t.Errorf("a retry changed the body")
				}
			}
		})
	}
}

// TestWebhooksShapes: deleted events carry only the id; mixed uses several
// shapes; updates in event-data carry changes.
func TestWebhooksShapes(t *testing.T) {
	t.Parallel()
	sink := newSink(t)
	e := start(t, Options{Contacts: 1, Companies: 1, Webhooks: []Webhook{{URL: sink.srv.URL, Events: []string{"contact.deleted"}}}})
	id := e.sb.IDs(Contacts)[0]
	e.must(e.req("DELETE", fmt.Sprintf("/v2/contacts/%d/", id), nil), 204)
	b := sink.wait(t, 1)[0]
	if !reflect.DeepEqual(b["data"], map[string]any{"id": float64(id)}) || b["hook"].(map[string]any)["event"] != "contact.deleted" {
		t.Errorf("deleted body %v", b)
	}
	sink2 := newSink(t)
	e2 := start(t, Options{Contacts: 1, Companies: 1, WebhookShape: ShapeMixed, Webhooks: []Webhook{{URL: sink2.srv.URL}}})
	for i := 0; i < 16; i++ {
		e2.must(e2.req("POST", "/v2/products/", map[string]any{"name": fmt.Sprint("p", i)}), 201)
	}
	e2.sb.WaitIdle(5 * time.Second)
	shapes := map[string]bool{}
	for _, d := range e2.sb.Deliveries() {
		shapes[d.Shape] = true
	}
	if len(shapes) < 3 {
		t.Errorf("mixed used %v", shapes)
	}
}

// TestWebhooksControl: PUT /_sandbox/webhooks and /_sandbox/webhooks/faults.
func TestWebhooksControl(t *testing.T) {
	t.Parallel()
	sink := newSink(t)
	e := start(t, Options{Contacts: 1, Companies: 1})
	put := func(path string, body any) answer {
		j, _ := json.Marshal(body)
		r, _ := http.NewRequest("PUT", e.srv.URL+path, bytes.NewReader(j))
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		buf.ReadFrom(resp.Body)
		return answer{code: resp.StatusCode, body: buf.Bytes()}
	}
	e.must(put("/_sandbox/webhooks", []Webhook{{URL: sink.srv.URL, Events: []string{"deal.saved"}, Token: "tk"}}), 200)
	e.must(put("/_sandbox/webhooks", []Webhook{{URL: "ftp://x"}}), 400)
	e.must(put("/_sandbox/webhooks/faults", WebhookFaults{Duplicate: 1}), 200)
	e.must(e.req("POST", "/v2/deals/", map[string]any{"name": "D"}), 201)
	sink.wait(t, 2)
	if sink.hdrs[0].Get(SecretHeader) != "tk" {
		t.Errorf("token %q", sink.hdrs[0].Get(SecretHeader))
	}
	var ds []Delivery
	json.Unmarshal(e.must(e.get("/_sandbox/webhooks/deliveries"), 200).body, &ds)
	if len(ds) != 2 {
		t.Errorf("deliveries %v", ds)
	}
}

package ongoing

import (
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/sandbox/fault"
)

func TestSandboxUpsertCreatedThenUpdated(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, path string
		body       func(n int) map[string]any
		id         func(idMsg) int
	}{
		{"article", "/articles", func(n int) map[string]any {
			return map[string]any{"goodsOwnerId": 42, "articleNumber": "SKU-NEW", "articleName": fmt.Sprintf("Name %d", n), "unitCode": "St", "weight": "1.5"}
		}, func(r idMsg) int { return r.ArticleSystemID }},
		{"order", "/orders", func(n int) map[string]any {
			b := orderBody(42, "WEB-1", "SKU-A", n)
			b["orderRemark"] = fmt.Sprintf("remark %d", n)
			return b
		}, func(r idMsg) int { return r.OrderID }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := start(t, Options{})
			var first, second idMsg
			e.must(201, e.call("PUT", tc.path, tc.body(1))).json(t, &first)
			e.must(200, e.call("PUT", tc.path, tc.body(2))).json(t, &second)
			if tc.id(first) == 0 || tc.id(first) != tc.id(second) || first.Message == "" {
				t.Fatalf("first %+v second %+v: want the same id twice", first, second)
			}
			got := e.must(200, e.call("GET", fmt.Sprintf("%s/%d", tc.path, tc.id(first)), nil))
			for _, want := range []string{"2"} {
				if !strings.Contains(string(got.body), want) {
					t.Errorf("GET %s", got.body)
				}
			}
			if tc.name == "article" && !strings.Contains(string(got.body), `"unitCode":"st"`) || tc.name == "order" && !strings.Contains(string(got.body), `"orderRemark":"remark 2"`) {
				t.Errorf("update not visible: %s", got.body)
			}
			if got.hdr.Get("Content-Length") == "" {
				t.Error("no Content-Length")
			}
		})
	}
}

func TestSandboxPagingReadsAllWithEmptyLastPage(t *testing.T) {
	t.Parallel()
	e := start(t, Options{Articles: 23})
	for i := 0; i < 11; i++ {
		e.putOrder(201, orderBody(42, fmt.Sprintf("P-%d", i), "TSHIRT-M", 1))
	}
	for _, tc := range []struct {
		path, from, max string
		want            int
		id              func(map[string]any) int
	}{
		{"/articles", "articleSystemIdFrom", "maxArticlesToGet", 23, func(m map[string]any) int { return int(m["articleSystemId"].(float64)) }},
		{"/articles/inventoryPerWarehouse", "articleSystemIdFrom", "maxArticlesToGet", 23, func(m map[string]any) int { return int(m["articleSystemId"].(float64)) }},
		{"/orders", "orderIdFrom", "maxOrdersToGet", 11, func(m map[string]any) int {
			return int(m["orderInfo"].(map[string]any)["orderId"].(float64))
		}},
	} {
		seen, from, pages := map[int]bool{}, 0, 0
		for {
			var page []map[string]any
			e.must(200, e.call("GET", fmt.Sprintf("%s?goodsOwnerId=42&%s=%d&%s=4", tc.path, tc.from, from, tc.max), nil)).json(t, &page)
			pages++
			if len(page) == 0 {
				break
			}
			if len(page) > 4 {
				t.Fatalf("%s: page of %d, max 4", tc.path, len(page))
			}
			for _, m := range page {
				id := tc.id(m)
				if seen[id] || id < from {
					t.Fatalf("%s: id %d again or below cursor %d", tc.path, id, from)
				}
				seen[id] = true
				from = id + 1
			}
		}
		if len(seen) != tc.want || pages != (tc.want+3)/4+1 {
			t.Errorf("%s: read %d in %d pages, want %d", tc.path, len(seen), pages, tc.want)
		}
	}
	var all []any
	e.must(200, e.call("GET", "/articles?goodsOwnerId=42", nil)).json(t, &all)
	if len(all) != 23 {
		t.Errorf("without max: %d articles, want all 23", len(all))
	}
	e.must(400, e.call("GET", "/orders?goodsOwnerId=42&maxOrdersToGet=0", nil))
}

func TestSandboxChangeFilters(t *testing.T) {
	t.Parallel()
	e := start(t, Options{Articles: 5})
	t0 := e.clk.Now()
	e.putOrder(201, orderBody(42, "A", "TSHIRT-S", 1))
	t1 := e.clk.Add(time.Minute)
	e.putOrder(201, orderBody(42, "B", "TSHIRT-S", 1))
	t2 := e.clk.Add(time.Minute)
	e.sb.MoveOrder("A", StatusSent)
	t3 := e.clk.Add(time.Minute)
	e.must(201, e.call("PUT", "/articles", map[string]any{"goodsOwnerId": 42, "articleNumber": "NEW-1"}))

	ts := func(t time.Time) string { return url.QueryEscape(t.Format("2006-01-02T15:04:05.000-07:00")) }
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"orderUpdatedTimeFrom=" + ts(t0), []string{"A", "B"}},
		{"orderUpdatedTimeFrom=" + ts(t1), []string{"A", "B"}},
		{"orderUpdatedTimeFrom=" + ts(t2), []string{"A"}},
		{"orderStatusChangedTimeFrom=" + ts(t2), []string{"A"}},
		{"orderStatusChangedTimeFrom=" + ts(t3), nil},
		{"shippedTimeFrom=" + ts(t0), []string{"A"}},
		{"orderCreatedTimeFrom=" + ts(t1), []string{"B"}},
		{"orderStatusFrom=450&orderStatusTo=450", []string{"A"}},
		{"orderNumbers=A&orderNumbers=b", []string{"A", "B"}},
		{"ORDERUPDATEDTIMEFROM=" + ts(t2), []string{"A"}},
		{"orderUpdatedTimeFrom=" + strings.ReplaceAll(t2.Format("2006-01-02T15:04:05+00:00"), "+", "%20"), []string{"A"}},
	} {
		var page []orderOut
		e.must(200, e.call("GET", "/orders?goodsOwnerId=42&"+tc.query, nil)).json(t, &page)
		var got []string
		for _, o := range page {
			got = append(got, o.OrderInfo.OrderNumber)
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: got %v, want %v", tc.query, got, tc.want)
		}
	}
	for _, tc := range []struct {
		query string
		want  int
	}{
		{"articleDataLastUpdatedFrom=" + ts(t3), 1}, // only the new article
		{"stockInfoChangedFrom=" + ts(t2), 2},       // TSHIRT-S shipped, NEW-1 created later
		{"stockInfoChangedFrom=" + ts(t3), 1},       // NEW-1
		{"articleNumber=tshirt-s", 1},
		{"articleDataLastUpdatedFrom=2030-01-01", 0},
	} {
		var page []articleOut
		e.must(200, e.call("GET", "/articles?goodsOwnerId=42&"+tc.query, nil)).json(t, &page)
		if len(page) != tc.want {
			t.Errorf("%s: %d articles, want %d", tc.query, len(page), tc.want)
		}
	}
	e.must(400, e.call("GET", "/orders?goodsOwnerId=42&orderUpdatedTimeFrom=yesterday", nil))
}

func TestSandboxCancelBeforeAndAfterStart(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status   int
		byNumber bool
		want     int
	}{
		{StatusOpen, false, 200},
		{StatusOpen, true, 200},
		{StatusReleased, false, 400},
		{StatusPicked, true, 400},
		{StatusSent, false, 400},
	} {
		t.Run(fmt.Sprintf("%d/%v", tc.status, tc.byNumber), func(t *testing.T) {
			t.Parallel()
			e := start(t, Options{})
			e.SetStockHelper("TSHIRT-L", 5)
			id := e.putOrder(201, orderBody(42, "C-1", "TSHIRT-L", 1))
			if err := e.sb.MoveOrder("C-1", tc.status); err != nil {
				t.Fatal(err)
			}
			path := fmt.Sprintf("/orders/%d", id)
			if tc.byNumber {
				path = "/orders?goodsOwnerId=42&orderNumber=C-1"
			}
			a := e.must(tc.want, e.call("DELETE", path, nil))
			st, _ := e.sb.OrderStatus("C-1")
			if tc.want == 200 {
				var r idMsg
				a.json(t, &r)
				if r.OrderID != id || st != StatusCancelled {
					t.Fatalf("answer %+v, status %d", r, st)
				}
				e.must(200, e.call("DELETE", path, nil)) // again: same answer
				return
			}
			var er errAnswer
			a.json(t, &er)
			if !strings.Contains(er.Message, "started") || st != tc.status {
				t.Fatalf("refusal %q, status %d", er.Message, st)
			}
		})
	}
}

func TestSandboxUpdateRefusedAfterStart(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	id := e.putOrder(201, orderBody(42, "U-1", "MUG", 1))
	e.putOrder(200, orderBody(42, "U-1", "MUG", 2))
	e.control("POST", "advance", "") // every order one step: 200 → 300
	if st, _ := e.sb.OrderStatus("U-1"); st != StatusReleased {
		t.Fatalf("status %d after a step", st)
	}
	var er errAnswer
	e.must(400, e.call("PUT", "/orders", orderBody(42, "U-1", "MUG", 3))).json(t, &er)
	if !strings.Contains(er.Message, "started") {
		t.Fatalf("refusal %q", er.Message)
	}
	e.must(400, e.call("PATCH", fmt.Sprintf("/orders/%d/deliveryDate", id), `{"deliveryDate":"2026-08-01"}`))
	e.must(200, e.call("PATCH", fmt.Sprintf("/orders/%d/waybill", id), `{"waybill":"W-1"}`))
	var o orderOut
	e.must(200, e.call("GET", fmt.Sprintf("/orders/%d", id), nil)).json(t, &o)
	if o.OrderLines[0].OrderedNumberOfItems != 2 || o.OrderInfo.WayBill != "W-1" {
		t.Fatalf("order changed by the refused update or waybill missing: %+v", o.OrderInfo)
	}
}

func TestSandboxInventoryMovesOnShipment(t *testing.T) {
	t.Parallel()
	e := start(t, Options{Articles: -1})
	e.SetStockHelper("KUKSA", 10)
	check := func(when string, phys, sell float64) {
		t.Helper()
		p, s, _ := e.sb.Stock("KUKSA")
		var inv []inventoryPerWarehouseOut
		e.must(200, e.call("GET", "/articles/inventoryPerWarehouse?goodsOwnerId=42&articleNumbers=KUKSA", nil)).json(t, &inv)
		if p != phys || s != sell || len(inv) != 1 || float64(inv[0].InventoryPerWarehouse[0].SellableNumberOfItems) != sell {
			t.Errorf("%s: physical %v sellable %v (%+v), want %v and %v", when, p, s, inv, phys, sell)
		}
	}
	check("start", 10, 10)
	e.putOrder(201, orderBody(42, "I-1", "KUKSA", 3))
	e.putOrder(201, orderBody(42, "I-2", "KUKSA", 4))
	check("ordered", 10, 3)
	e.must(200, e.call("DELETE", "/orders?goodsOwnerId=42&orderNumber=I-2", nil))
	check("one cancelled", 10, 7)
	for i := 0; i < 4; i++ {
		e.must(200, e.control("POST", "advance", `{}`))
	}
	var o orderOut
	b, _ := e.sb.OrderJSON("I-1")
	answer{body: b}.json(t, &o)
	if o.OrderInfo.OrderStatus.Number != StatusSent || o.OrderInfo.WayBill == "" || len(o.Tracking) != 1 || len(o.Parcels) != 1 || o.OrderInfo.ShippedTime.IsZero() {
		t.Fatalf("shipped order: %s", b)
	}
	check("shipped", 7, 7)
	// An order larger than the stock waits at 300.
	e.putOrder(201, orderBody(42, "I-3", "KUKSA", 8))
	e.control("POST", "advance", "")
	e.control("POST", "advance", "")
	if st, _ := e.sb.OrderStatus("I-3"); st != StatusReleased {
		t.Fatalf("short order moved to %d", st)
	}
	e.must(409, e.control("POST", "advance", `{"orderNumber":"I-3","status":450}`))
	e.SetStockHelper("KUKSA", 20)
	e.must(200, e.control("POST", "advance", `{"orderNumber":"I-3","status":450}`))
	check("second shipment", 12, 12)
}

func (e *env) SetStockHelper(n string, q float64) {
	e.must(200, e.control("PUT", "stock", fmt.Sprintf(`{"articleNumber":%q,"numberOfItems":%v}`, n, q)))
}

func TestSandboxOverlapCounting(t *testing.T) {
	t.Parallel()
	for _, serve := range []bool{false, true} {
		t.Run(fmt.Sprint(serve), func(t *testing.T) {
			t.Parallel()
			e := start(t, Options{Faults: fault.Config{Latency: 300 * time.Millisecond}, ServeOverlaps: serve})
			var wg sync.WaitGroup
			codes := make([]int, 2)
			for i := range codes {
				wg.Add(1)
				go func() {
					defer wg.Done()
					time.Sleep(time.Duration(i) * 100 * time.Millisecond)
					codes[i] = e.call("GET", "/articles?goodsOwnerId=42&maxArticlesToGet=1", nil).code
				}()
			}
			wg.Wait()
			want := []int{200, 429}
			if serve {
				want = []int{200, 200}
			}
			if fmt.Sprint(codes) != fmt.Sprint(want) {
				t.Errorf("codes %v, want %v", codes, want)
			}
			var ov map[string]int
			e.must(200, e.control("GET", "overlaps", "")).json(t, &ov)
			if ov["overlaps"] != 1 || e.sb.State().Overlaps != 1 {
				t.Errorf("overlaps %v", ov)
			}
			// One after the other is no overlap.
			e.call("GET", "/orders/statuses", nil)
			if e.sb.Overlaps() != 1 {
				t.Errorf("sequential calls counted as overlap")
			}
		})
	}
}

func TestSandboxAuthAndTenancy(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	base := e.sb.BasePath()
	for _, tc := range []struct {
		name, method, path, user, pass string
		body                           any
		want                           int
		msg                            string
	}{
		{"no auth", "GET", base + "/orders/statuses", "", "", nil, 401, "Authorization has been denied"},
		{"wrong password", "GET", base + "/articles?goodsOwnerId=42", "ferry", "nope", nil, 401, "denied"},
		{"wrong user", "GET", base + "/articles?goodsOwnerId=42", "other", "demo-password", nil, 401, "denied"},
		{"wrong warehouse", "GET", "/other/api/v1/orders/statuses", "ferry", "demo-password", nil, 404, ""},
		{"wrong owner query", "GET", base + "/articles?goodsOwnerId=43", "ferry", "demo-password", nil, 403, "goods owner 43"},
		{"wrong owner body", "PUT", base + "/orders", "ferry", "demo-password", orderBody(43, "X", "A", 1), 403, "goods owner 43"},
		{"wrong owner article", "PUT", base + "/articles", "ferry", "demo-password", map[string]any{"goodsOwnerId": 43, "articleNumber": "A"}, 403, "goods owner 43"},
		{"missing owner", "GET", base + "/orders", "ferry", "demo-password", nil, 400, "The request is invalid."},
		{"missing fields", "PUT", base + "/orders", "ferry", "demo-password", map[string]any{"goodsOwnerId": 42}, 400, "The request is invalid."},
		{"bad json", "PUT", base + "/articles", "ferry", "demo-password", "{", 400, "The request is invalid."},
		{"unknown id", "GET", base + "/orders/999", "ferry", "demo-password", nil, 404, "No order"},
		{"unknown path", "GET", base + "/nothing", "ferry", "demo-password", nil, 404, "No HTTP resource"},
		{"wrong method", "POST", base + "/orders", "ferry", "demo-password", nil, 405, "does not support"},
		{"case-insensitive route", "GET", base + "/Orders/Statuses", "ferry", "demo-password", nil, 200, ""},
	} {
		a := e.raw(tc.method, tc.path, tc.body, tc.user, tc.pass)
		if a.code != tc.want || !strings.Contains(string(a.body), tc.msg) {
			t.Errorf("%s: %d %s, want %d with %q", tc.name, a.code, a.body, tc.want, tc.msg)
		}
		if tc.want == 401 && a.hdr.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: no WWW-Authenticate", tc.name)
		}
	}
	var er errAnswer
	e.must(400, e.call("PUT", "/orders", map[string]any{"goodsOwnerId": 42, "orderLines": []any{map[string]any{"rowNumber": 1}}})).json(t, &er)
	for _, f := range []string{"model.orderNumber", "model.deliveryDate", "model.consignee", "model.orderLines[0].articleNumber"} {
		if len(er.ModelState[f]) == 0 {
			t.Errorf("ModelState has no %s: %+v", f, er.ModelState)
		}
	}
}

func TestSandboxCommitThenFail(t *testing.T) {
	t.Parallel()
	for _, drop := range []bool{false, true} {
		t.Run(fmt.Sprint(drop), func(t *testing.T) {
			t.Parallel()
			e := start(t, Options{})
			e.must(200, e.control("PUT", "commit-then-fail", fmt.Sprintf(`{"next":1,"drop":%v}`, drop)))
			a := e.call("PUT", "/orders", orderBody(42, "CF-1", "MUG", 1))
			if drop && a.code != -1 || !drop && (a.code != 500 || !strings.Contains(string(a.body), "An error has occurred.")) {
				t.Fatalf("committed write answered %d %s", a.code, a.body)
			}
			if _, ok := e.sb.OrderStatus("CF-1"); !ok {
				t.Fatal("the write did not take effect")
			}
			e.putOrder(200, orderBody(42, "CF-1", "MUG", 1)) // the retry finds it
			if n := len(e.sb.CommitFailures()); n != 1 {
				t.Fatalf("%d failures logged", n)
			}
			e.must(200, e.control("GET", "orders/CF-1", ""))
		})
	}
}

func TestSandboxGeneratedDataIsSeeded(t *testing.T) {
	t.Parallel()
	a, b, c := start(t, Options{Seed: 7}), start(t, Options{Seed: 7}), start(t, Options{Seed: 8})
	get := func(e *env) string { return string(e.must(200, e.call("GET", "/articles?goodsOwnerId=42", nil)).body) }
	if get(a) != get(b) || get(a) == get(c) {
		t.Fatal("same seed should give the same articles, another seed others")
	}
	st := a.sb.State()
	if st.Articles != 30 || st.Orders != 0 {
		t.Fatalf("state %+v", st)
	}
}

// A connection the fault injector drops frees the goods owner before it
// closes: the client's call right after is no overlap.
func TestSandboxDropFreesTheOwner(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	for range 50 {
		e.sb.Faults().Set(fault.Config{DropRate: 1})
		if a := e.call("GET", "/articles?goodsOwnerId=42", nil); a.code != -1 {
			t.Fatalf("not dropped: %d", a.code)
		}
		e.sb.Faults().Set(fault.Config{})
		e.must(200, e.call("GET", "/articles?goodsOwnerId=42", nil))
	}
	if n := e.sb.Overlaps(); n != 0 {
		t.Fatalf("%d overlaps after drops", n)
	}
}

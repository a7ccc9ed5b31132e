package ongoing

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// samplesDir is shared/samples/ongoing beside the repository (never copied in).
const samplesDir = "../../../../shared/samples/ongoing"

func readSample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(samplesDir, name))
	if err != nil {
		t.Fatalf("sample %s: %v", name, err)
	}
	return b
}

// sameShape reports every key of the sample that the answer lacks or nests
// differently, and every value of another JSON type. A null in the sample
// matches anything; the answer may have more keys. Array elements of the answer
// are each compared with the sample's first element.
func sameShape(path string, sample, got any) []string {
	if sample == nil {
		return nil
	}
	switch s := sample.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: object in the sample, %T in the answer", path, got)}
		}
		var out []string
		keys := make([]string, 0, len(s))
		for k := range s {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			gv, ok := g[k]
			if !ok {
				out = append(out, path+"."+k+": missing")
				continue
			}
			out = append(out, sameShape(path+"."+k, s[k], gv)...)
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: array in the sample, %T in the answer", path, got)}
		}
		if len(s) == 0 {
			return nil
		}
		if len(g) == 0 {
			return []string{path + ": empty in the answer, so its elements cannot be compared"}
		}
		var out []string
		for i, e := range g {
			out = append(out, sameShape(fmt.Sprintf("%s[%d]", path, i), s[0], e)...)
		}
		return out
	}
	if fmt.Sprintf("%T", sample) != fmt.Sprintf("%T", got) {
		return []string{fmt.Sprintf("%s: %T in the sample, %T in the answer", path, sample, got)}
	}
	return nil
}

func decodeAny(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return v
}

// TestSandboxSamplesShape drives the sandbox with the vendor's request samples
// and checks each answer against the vendor's answer sample for the same call.
func TestSandboxSamplesShape(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(samplesDir); err != nil {
		t.Skipf("no samples at %s", samplesDir)
	}
	e := start(t, Options{GoodsOwnerID: 159, GoodsOwnerName: "REST example", Articles: -1})
	check := func(name string, a answer) {
		t.Helper()
		for _, p := range sameShape("$", decodeAny(t, readSample(t, name)), decodeAny(t, a.body)) {
			t.Errorf("%s: %s", name, p)
		}
	}
	// Articles.
	a := e.must(201, e.call("PUT", "/articles", readSample(t, "PUT_articles.many_fields.request.json")))
	check("PUT_articles.many_fields.response.json", a)
	check("PUT_articles.required_fields.response.json", e.must(201, e.call("PUT", "/articles", readSample(t, "PUT_articles.required_fields.request.json"))))
	var art idMsg
	a.json(t, &art)
	e.SetStockHelper("TestArticleNumber_ManyFields1", 11)
	got := e.must(200, e.call("GET", fmt.Sprintf("/articles/%d", art.ArticleSystemID), nil))
	check("GET_articles_by_id.response.json", got)
	var ga map[string]any
	got.json(t, &ga)
	if ga["unitCode"] != "st" || ga["weight"] != 1.5 || ga["quantityPerPackage"] != 10.0 {
		t.Errorf("article values: unitCode %v weight %v quantityPerPackage %v", ga["unitCode"], ga["weight"], ga["quantityPerPackage"])
	}
	inv, _ := json.Marshal(ga["inventoryInfo"])
	for _, p := range sameShape("$", decodeAny(t, readSample(t, "GET_articles_by_id.inventoryInfo.oas.shape.json")), decodeAny(t, inv)) {
		t.Errorf("inventoryInfo: %s", p)
	}
	check("GET_articles_inventoryPerWarehouse.response.shape.json", e.must(200, e.call("GET", "/articles/inventoryPerWarehouse?goodsOwnerId=159", nil)))

	// Orders: the many-fields order, shipped, then the vendor's PATCH and PUT bodies on it.
	o := e.must(201, e.call("PUT", "/orders", readSample(t, "PUT_orders.many_fields.request.json")))
	check("PUT_orders.many_fields.response.json", o)
	check("PUT_orders.required_fields.response.json", e.must(201, e.call("PUT", "/orders", readSample(t, "PUT_orders.required_fields.request.json"))))
	var ord idMsg
	o.json(t, &ord)
	e.SetStockHelper("1009", 10)
	if err := e.sb.MoveOrder("O1231234", StatusSent); err != nil {
		t.Fatal(err)
	}
	id := fmt.Sprintf("/orders/%d", ord.OrderID)
	// The request shape's keys with values (its placeholders are empty).
	tracking := decodeAny(t, readSample(t, "PUT_orders_by_id_orderTracking.request.shape.json")).(map[string]any)
	tracking["waybill"], tracking["trackingUrl"] = "TRACK-1", "https://tracking.example/TRACK-1"
	check("PUT_orders_by_id_orderTracking.response.shape.json", e.must(200, e.call("PUT", id+"/orderTracking", tracking)))
	check("PUT_orders_by_id_parcels.response.shape.json", e.must(200, e.call("PUT", id+"/parcels", readSample(t, "PUT_orders_by_id_parcels.request.json"))))
	for _, p := range []struct{ sample, path string }{
		{"PATCH_orders_by_id_waybill.request.json", id + "/waybill"},
		{"PATCH_orders_by_id_returnWaybill.request.json", id + "/returnWaybill"},
	} {
		check("PATCH_orders_by_id.response.shape.json", e.must(200, e.call("PATCH", p.path, readSample(t, p.sample))))
	}
	var view orderOut
	e.must(200, e.call("GET", id, nil)).json(t, &view)
	lineID := view.OrderLines[0].ID
	for _, p := range []string{"reportedNumberOfItems", "reportedReturnedNumberOfItems"} {
		check("PATCH_orders_by_id.response.shape.json", e.must(200, e.call("PATCH", fmt.Sprintf("%s/lines/%d/%s", id, lineID, p),
			readSample(t, "PATCH_orders_by_id_lines_by_id_"+p+".request.json"))))
	}
	got = e.must(200, e.call("GET", id, nil))
	check("GET_orders_by_id.response.json", got)
	check("GET_orders_tracking.oas.shape.json", got)
	got.json(t, &view)
	if view.OrderInfo.WayBill != "Waybill-123" || view.OrderInfo.ReturnWayBill != "Return-Waybill-123" || *view.OrderLines[0].ReportedNumberOfItems != 2 {
		t.Errorf("PATCHes not applied: %+v", view.OrderInfo)
	}
	var list []any
	e.must(200, e.call("GET", "/orders?goodsOwnerId=159&orderNumber=O1231234", nil)).json(t, &list)
	for _, p := range sameShape("$", decodeAny(t, readSample(t, "GET_orders_by_id.response.json")), list[0]) {
		t.Errorf("GET /orders element: %s", p)
	}
	// PATCH orderNumber on the other order, then cancel it.
	var other []orderOut
	e.must(200, e.call("GET", "/orders?goodsOwnerId=159&orderNumber=O987654", nil)).json(t, &other)
	oid := fmt.Sprintf("/orders/%d", other[0].OrderInfo.OrderID)
	check("PATCH_orders_by_id.response.shape.json", e.must(200, e.call("PATCH", oid+"/orderNumber", readSample(t, "PATCH_orders_by_id_orderNumber.request.json"))))
	if _, ok := e.sb.OrderStatus("NewOrderNumber"); !ok {
		t.Error("PATCH orderNumber did not rename")
	}
	check("DELETE_orders_by_id.response.shape.json", e.must(200, e.call("DELETE", oid, nil)))

	statuses := e.must(200, e.call("GET", "/orders/statuses", nil))
	check("GET_orders_statuses.response.json", statuses)
	if string(statuses.body) != string(trimJSON(t, readSample(t, "GET_orders_statuses.response.json"))) {
		t.Errorf("statuses %s differ from the sample", statuses.body)
	}
	check("GET_transporterContracts.response.json", e.must(200, e.call("GET", "/transporterContracts?goodsOwnerId=159", nil)))
}

func trimJSON(t *testing.T, b []byte) []byte {
	var v json.RawMessage
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(v)
	return out
}

package shopify

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

const runBulk = `mutation R($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status } userErrors { field message } } }`

func TestBulkOperationLifecycle(t *testing.T) {
	t.Parallel()
	ts := newShop(t, Options{Orders: 40, BulkDelay: 200 * time.Millisecond})
	inner := `{ orders(query: "status:any") { edges { node { id name updatedAt displayFinancialStatus
		lineItems { edges { node { id sku quantity } } } } } } }`
	a := ts.gql(runBulk, map[string]any{"q": inner})
	op := dig(a.Data, "bulkOperationRunQuery", "bulkOperation")
	if dig(op, "status") != "CREATED" {
		t.Fatalf("run: %s", a.Raw)
	}
	// The answer has the keys of samples/shopify/bulk/bulkOperationRunQuery-created.airbyte.json.
	if got, want := keySet(t, a.Raw, "data"), keySet(t, sample(t, "bulk/bulkOperationRunQuery-created.airbyte.json"), "data"); !reflect.DeepEqual(got, want) {
		t.Errorf("keys %v, sample %v", got, want)
	}
	// A second one while it runs: the sample's userErrors.
	a = ts.gql(runBulk, map[string]any{"q": inner})
	var want map[string]any
	json.Unmarshal(sample(t, "bulk/bulkOperationRunQuery-already-running.airbyte.json"), &want)
	errs := dig(a.Data, "bulkOperationRunQuery", "userErrors").([]any)
	wantErrs := dig(want, "data", "bulkOperationRunQuery", "userErrors").([]any)
	if dig(a.Data, "bulkOperationRunQuery", "bulkOperation") != nil || len(errs) != len(wantErrs) ||
		dig(errs, 1, "message") != "A bulk query operation for this app and shop is already in progress: "+dig(op, "id").(string)+"." {
		t.Errorf("already running: %s", a.Raw)
	}
	const poll = `query P($id: ID!) { node(id: $id) { ... on BulkOperation { id status errorCode objectCount rootObjectCount fileSize url partialDataUrl completedAt } } }`
	var done map[string]any
	waitFor(t, "COMPLETED", func() bool {
		a := ts.gql(poll, map[string]any{"id": dig(op, "id")})
		done = dig(a.Data, "node").(map[string]any)
		return done["status"] == "COMPLETED"
	})
	if cur := ts.gql(`{ currentBulkOperation { id status } }`, nil); dig(cur.Data, "currentBulkOperation", "id") != dig(op, "id") {
		t.Errorf("currentBulkOperation: %s", cur.Raw)
	}
	resp, err := http.Get(done["url"].(string))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || strconv.Itoa(len(body)) != done["fileSize"] {
		t.Fatalf("file: %d, %d bytes, fileSize %v", resp.StatusCode, len(body), done["fileSize"])
	}
	if !bytes.Contains(body, []byte(`"gid:\/\/shopify\/Order\/`)) {
		t.Errorf("slashes are not escaped: %.200s", body)
	}
	// Every order once, each line item after its order with its __parentId.
	orders, lines := 0, 0
	var parent string
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		id := m["id"].(string)
		switch {
		case strings.HasPrefix(id, "gid://shopify/Order/"):
			orders++
			parent = id
			if _, ok := m["lineItems"]; ok || m["__parentId"] != nil {
				t.Errorf("order line keeps its connection: %s", sc.Text())
			}
		case strings.HasPrefix(id, "gid://shopify/LineItem/"):
			lines++
			if m["__parentId"] != parent {
				t.Errorf("line item parent %v, want %s", m["__parentId"], parent)
			}
		}
	}
	if orders != 40 || strconv.Itoa(orders) != done["rootObjectCount"] || strconv.Itoa(orders+lines) != done["objectCount"] {
		t.Errorf("%d orders, %d lines; counts %v %v", orders, lines, done["rootObjectCount"], done["objectCount"])
	}
	// The file needs its key.
	resp, _ = http.Get(strings.Split(done["url"].(string), "?")[0])
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("file without key: %d", resp.StatusCode)
	}
	resp.Body.Close()
	// Done: a new one may start; a query without connections may not.
	a = ts.gql(runBulk, map[string]any{"q": `{ shop { name } }`})
	if dig(a.Data, "bulkOperationRunQuery", "userErrors", 0, "message") != "Bulk queries must contain at least one connection." {
		t.Errorf("no connection: %s", a.Raw)
	}
	a = ts.gql(runBulk, map[string]any{"q": `{ products { edges { node { id nope } } } }`})
	if errs := dig(a.Data, "bulkOperationRunQuery", "userErrors").([]any); len(errs) != 1 || !strings.Contains(dig(errs, 0, "message").(string), "Field 'nope' doesn't exist") {
		t.Errorf("invalid inner query: %s", a.Raw)
	}
}

func keySet(t *testing.T, raw []byte, under string) []string {
	t.Helper()
	m := map[string]bool{}
	keyPaths(decode(t, raw)[under], "", m)
	return sortedKeys(m)
}

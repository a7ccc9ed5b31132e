package shopify

import (
	"bufio"
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/model"
)

func sample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sharedDir(t), "samples", "shopify", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Every GraphQL answer sample decodes, with its errors and cost read.
func TestContractGraphQLAnswers(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob(filepath.Join(sharedDir(t), "samples", "shopify", "graphql", "*.json"))
	bulk, _ := filepath.Glob(filepath.Join(sharedDir(t), "samples", "shopify", "bulk", "*.json"))
	if len(files) < 8 {
		t.Fatalf("%d samples", len(files))
	}
	for _, f := range append(files, bulk...) {
		b, _ := os.ReadFile(f)
		r, err := DecodeResponse(b)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		name := filepath.Base(f)
		switch {
		case strings.HasPrefix(name, "throttled"):
			if !r.Errors.has("THROTTLED") {
				t.Errorf("%s: not THROTTLED", name)
			}
			if name == "throttled.go-shopify.json" && (r.Extensions.Cost == nil || r.Extensions.Cost.ThrottleStatus == nil || r.Extensions.Cost.ActualQueryCost != nil) {
				t.Errorf("%s: cost %+v", name, r.Extensions.Cost)
			}
		case strings.HasPrefix(name, "error"):
			if len(r.Errors) == 0 {
				t.Errorf("%s: no errors read", name)
			}
		}
	}
	// The orders connection (2022-01, edges) still decodes node by node.
	var p struct {
		Data struct {
			Orders struct {
				Edges []struct {
					Node Order `json:"node"`
				} `json:"edges"`
			} `json:"orders"`
		} `json:"data"`
	}
	if err := jsonUnmarshal(sample(t, "graphql/orders-connection.ms-bc-shopify-connector.json"), &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Data.Orders.Edges) == 0 || p.Data.Orders.Edges[0].Node.Name == "" {
		t.Fatalf("orders: %+v", p)
	}
	// userErrors of a fulfillmentCreate.
	var fc struct {
		Data struct {
			FulfillmentCreate struct {
				UserErrors []UserError `json:"userErrors"`
			} `json:"fulfillmentCreate"`
		} `json:"data"`
	}
	if err := jsonUnmarshal(sample(t, "graphql/fulfillmentCreate-userErrors.ms-bc.json"), &fc); err != nil || len(fc.Data.FulfillmentCreate.UserErrors) == 0 {
		t.Fatalf("userErrors: %+v %v", fc, err)
	}
	if e := userErrors("x", "fulfillmentCreate", "order #1", fc.Data.FulfillmentCreate.UserErrors).(*UserErrors); e.FailureClass() != "needs_action" || !strings.Contains(e.Error(), "Fulfillment order does not exist.") {
		t.Fatal(e)
	}
}

// Every bulk JSONL line decodes; children name their parent.
func TestContractBulkJSONL(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob(filepath.Join(sharedDir(t), "samples", "shopify", "bulk", "*.jsonl"))
	if len(files) < 4 {
		t.Fatalf("%d samples", len(files))
	}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		sc := bufio.NewScanner(bytes.NewReader(b))
		ids := map[string]bool{}
		for n := 1; sc.Scan(); n++ {
			if len(bytes.TrimSpace(sc.Bytes())) == 0 {
				continue
			}
			l, err := DecodeBulkLine(sc.Bytes())
			if err != nil || l.ID == "" && l.ParentID == "" {
				t.Errorf("%s:%d: %+v %v", filepath.Base(f), n, l, err)
			}
			if l.ParentID != "" && !ids[l.ParentID] {
				t.Errorf("%s:%d: parent %s not read before", filepath.Base(f), n, l.ParentID)
			}
			if strings.Contains(l.ID, `\/`) {
				t.Errorf("%s:%d: escaped slashes kept in %s", filepath.Base(f), n, l.ID)
			}
			ids[l.ID] = true
		}
	}
}

// Every webhook body decodes and verifies when signed; the known vector of
// the README verifies.
func TestContractWebhooks(t *testing.T) {
	t.Parallel()
	if !Verify("hush", []byte(`"my secret message"`), "hMTq0K2x7oyOjoBwGYeTj5oxfnaVYXzbanUG9aajpKI=") {
		t.Fatal("the bold-commerce vector does not verify")
	}
	files, _ := filepath.Glob(filepath.Join(sharedDir(t), "samples", "shopify", "webhooks", "*.json"))
	if len(files) < 7 {
		t.Fatalf("%d samples", len(files))
	}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		h := http.Header{}
		h.Set("X-Shopify-Hmac-Sha256", Sign("s3cret", b))
		h.Set("X-Shopify-Topic", "orders/create")
		h.Set("X-Shopify-Shop-Domain", "example.myshopify.com")
		h.Set("X-Shopify-Event-Id", "ev-1")
		topic, key, err := VerifyWebhook(h, b, "s3cret")
		if err != nil || topic != "orders/create" || key != "example.myshopify.com:orders/create:ev-1" {
			t.Errorf("%s: %q %q %v", filepath.Base(f), topic, key, err)
		}
		w, err := DecodeWebhookBody(b)
		if err != nil || w.ID.String() == "" {
			t.Errorf("%s: %+v %v", filepath.Base(f), w, err)
		}
		if _, _, err := VerifyWebhook(h, append(b, ' '), "s3cret"); err == nil {
			t.Errorf("%s: a changed body verified", filepath.Base(f))
		}
	}
}

// A cost extension with ints or floats feeds the bucket.
func TestBucketFromSampleCost(t *testing.T) {
	t.Parallel()
	r, err := DecodeResponse(sample(t, "graphql/throttled.go-shopify.json"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1000, 0)
	b := &bucket{max: 1, rate: 1, ratio: map[string]float64{}, now: func() time.Time { return now }}
	b.inflight = 1
	b.throttledBy(r.Extensions.Cost.ThrottleStatus, r.Extensions.Cost.RequestedQueryCost)
	s := b.stats()
	// go-shopify's own figure: (400 − 300) / 50 = 2 s until the query can go.
	wait := (r.Extensions.Cost.RequestedQueryCost - s.Available) / s.Rate
	if s.Maximum != 1000 || s.Rate != 50 || wait != 2 {
		t.Fatalf("%+v, wait %v", s, wait)
	}
	_ = model.OrderOpen
}

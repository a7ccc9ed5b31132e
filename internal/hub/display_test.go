package hub

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ferryhub/ferry/internal/flow"
)

func TestDurationsReadAndWriteAsText(t *testing.T) {
	t.Parallel()
	opts, err := decodeOptions("orders", []byte(`{"overlap": "5m", "batch_size": 50, "shipping_methods": [{"match": "DHL*", "to": "DHL Express"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	o := opts.(*flow.OrdersOptions)
	if o.Overlap != 5*time.Minute || o.BatchSize != 50 || len(o.ShippingMethods) != 1 {
		t.Fatalf("decoded %+v", o)
	}
	shown := displayJSON(o)
	var m map[string]any
	if err := json.Unmarshal(shown, &m); err != nil {
		t.Fatal(err)
	}
	if m["overlap"] != "5m0s" || m["batch_size"] != float64(50) {
		t.Errorf("shown as %s", shown)
	}
	// What is shown decodes back to the same options; nanoseconds still do.
	again, err := decodeOptions("orders", shown)
	if err != nil || flow.Hash(again) != flow.Hash(opts) {
		t.Errorf("round trip: %+v, %v", again, err)
	}
	if back, err := decodeOptions("orders", []byte(`{"overlap": 300000000000, "batch_size": 50}`)); err != nil || back.(*flow.OrdersOptions).Overlap != 5*time.Minute {
		t.Errorf("nanoseconds: %+v %v", back, err)
	}
	for raw, want := range map[string]string{
		`{"overlap": "soon"}`:                    `overlap: "soon" is not a duration`,
		`{"overlapp": "5m"}`:                     `unknown field "overlapp"`,
		`{"batch_size": 0}`:                      "batch_size 0",
		`{"shipping_methods": [{"match": "x"}]}`: "shipping_methods[0]",
	} {
		if _, err := decodeOptions("orders", []byte(raw)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", raw, err, want)
		}
	}
}

package mycashflow

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the sandbox's answers")

// TestGoldenWire pins the wire shape of typical answers (seed 1), so a change to
// field names or the envelope shows up in review. Run with -update to rewrite.
func TestGoldenWire(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{})
	cases := []struct{ name, path string }{
		{"order", "/api/v1/orders/1001?expand=products,shipments,payments,tax_summary,comments,events"},
		{"product_variations", "/api/v1/products/101?expand=translations,visibilities,category_links,image_links,variations,variations.stock_item,stock_item,brand"},
		{"product_list_page", "/api/v1/products?page=2&page_size=2&sort=id-asc&expand=stock_item,brand"},
		{"stock", "/api/v1/stock/TSHIRT-M"},
		{"campaign", "/api/v0/campaigns/2?expand=prices,visibilities"},
		{"error_trailing_slash", "/api/v1/orders/"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do("GET", tc.path, nil)
			var v any
			if err := json.Unmarshal(r.Raw, &v); err != nil {
				t.Fatal(err)
			}
			got, _ := json.MarshalIndent(v, "", "  ")
			// The test server's port changes between runs.
			got = bytes.ReplaceAll(got, []byte(f.ts.URL), []byte("http://sandbox"))
			got = append(got, '\n')
			file := filepath.Join("testdata", "golden", tc.name+".json")
			if *update {
				os.MkdirAll(filepath.Dir(file), 0o755)
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s; run with -update if the change is intended:\n%s", tc.path, file, got)
			}
		})
	}
}

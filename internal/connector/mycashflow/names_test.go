package mycashflow

import (
	"context"
	"strconv"
	"testing"

	sandbox "github.com/ferryhub/ferry/internal/sandbox/mycashflow"
)

// ProductCodes holds the code of every product and variation of the store,
// with its own id.
func TestProductCodes(t *testing.T) {
	t.Parallel()
	b := setupSandbox(t, sandbox.Options{}, nil)
	codes, err := b.client.ProductCodes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, p := range b.sb.Products() {
		if p.ProductCode != "" {
			want++
			if codes[p.ProductCode] != strconv.Itoa(p.ID) {
				t.Errorf("product %s → %q, want id %d", p.ProductCode, codes[p.ProductCode], p.ID)
			}
		}
		for _, v := range p.Variations {
			if v.ProductCode != "" {
				want++
				if codes[v.ProductCode] != strconv.Itoa(v.ID) {
					t.Errorf("variation %s → %q, want id %d", v.ProductCode, codes[v.ProductCode], v.ID)
				}
			}
		}
	}
	if want == 0 || len(codes) != want {
		t.Fatalf("%d codes, want %d", len(codes), want)
	}
}

package mycashflow

import (
	"fmt"
	"testing"
)

func TestYtunnusCheckDigit(t *testing.T) {
	t.Parallel()
	cases := []struct {
		code string
		ok   bool
	}{
		{"FI52468393", true},  // 217 mod 11 = 8 → 3
		{"FI52468398", false}, // the code real Odoo refused for "Huono Oy"
		{"FI01120389", true},  // remainder 2 → 9
		{"FI10000000", false}, // remainder 7 → 4, not 0
		{"FI1000000", false},
		{"SE52468393", false},
		{"FI5246839X", false},
	}
	for _, tc := range cases {
		if got := validFinnishVAT(tc.code); got != tc.ok {
			t.Errorf("validFinnishVAT(%s) = %v, want %v", tc.code, got, tc.ok)
		}
	}
	for n := 0; n < 20000; n += 7 {
		if c := finnishVAT(n); !validFinnishVAT(c) {
			t.Fatalf("finnishVAT(%d) = %s is invalid", n, c)
		}
		if c := badFinnishVAT(n); validFinnishVAT(c) {
			t.Fatalf("badFinnishVAT(%d) = %s is valid", n, c)
		}
	}
}

// TestGeneratedVATCodes reads the business customers over HTTP: all valid but
// the "Huono Oy" ones, and at least one of those in the default shop.
func TestGeneratedVATCodes(t *testing.T) {
	t.Parallel()
	for _, customers := range []int{0, 200} {
		t.Run(fmt.Sprint(customers), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, Options{Customers: customers, Orders: -1})
			r := f.must(200, "GET", "/api/v1/customers?page_size=1000", nil)
			var business, bad int
			for _, c := range r.list() {
				c := c.(map[string]any)
				code, _ := c["vat_code"].(string)
				if code == "" {
					continue
				}
				business++
				if c["company"] == badVATCompany {
					bad++
					if validFinnishVAT(code) {
						t.Errorf("customer %v (%s) has a valid VAT code %s", c["id"], badVATCompany, code)
					}
					continue
				}
				if !validFinnishVAT(code) {
					t.Errorf("customer %v (%v) has an invalid VAT code %s", c["id"], c["company"], code)
				}
			}
			if business == 0 || bad == 0 || bad > 1+business/20 {
				t.Fatalf("%d business customers, %d invalid on purpose; want a few of many", business, bad)
			}
		})
	}
}

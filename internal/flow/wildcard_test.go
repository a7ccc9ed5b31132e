package flow

import (
	"testing"

	"pgregory.net/rapid"
)

func TestMatch(t *testing.T) {
	t.Parallel()
	cases := []struct {
		pattern, name string
		want          bool
	}{
		{"DHL*", "DHL-1", true},
		{"DHL*", "DHL-test", true},
		{"D*L", "DtestL", true},
		{"D*L", "DYL", true},
		{"D*L", "DL", true},
		{"D*L", "DLX", false},
		{"DHL*", "Posti DHL", false},
		{"*SmartPOST*", "Posti SmartPOST 24h", true},
		{"Posti SmartPOST", "posti smartpost", true},
		{"Posti", "Posti SmartPOST", false},
		{"*", "anything", true},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "aXcYb", false},
		{"ab*ba", "aba", false},
	}
	for _, tc := range cases {
		if got := Match(tc.pattern, tc.name); got != tc.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tc.pattern, tc.name, got, tc.want)
		}
	}
}

func TestMatchLiteralIsEquality(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.StringMatching(`[A-Za-z0-9-]{0,6}( [A-Za-z0-9-]{1,6})?`).Draw(t, "s")
		if !Match(s, s) {
			t.Fatalf("%q does not match itself", s)
		}
		if !Match(s+"*", s+rapid.StringMatching(`[a-z]{0,5}`).Draw(t, "tail")) {
			t.Fatalf("prefix pattern failed for %q", s)
		}
	})
}

func TestLookupPrefersExactThenLongest(t *testing.T) {
	t.Parallel()
	rules := []Rule{{Match: "*", To: "fallback"}, {Match: "DHL*", To: "dhl"}, {Match: "DHL Express", To: "dhl-express"}}
	for name, want := range map[string]string{"DHL Express": "dhl-express", "DHL Parcel": "dhl", "Posti": "fallback"} {
		if got, ok := Lookup(rules, name); !ok || got != want {
			t.Errorf("Lookup(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
	if _, ok := Lookup(rules[1:], "Posti"); ok {
		t.Error("an unmatched name found a rule")
	}
}

package model

import (
	"encoding/json"
	"testing"

	"pgregory.net/rapid"
)

func TestParseDecimal(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{in: "24.90", want: "24.9"},
		{in: "-3", want: "-3"},
		{in: "0.00005", want: "0.0001"},
		{in: "1e2", want: "100"},
		{in: "", want: "0"},
		{in: ".5", want: "0.5"},
		{in: "25.5", want: "25.5"},
		{in: "abc", wantErr: true},
		{in: "1.2.3", wantErr: true},
	}
	for _, tc := range cases {
		got, err := ParseDecimal(tc.in)
		if tc.wantErr {
			if err == nil {
				t.Errorf("ParseDecimal(%q) = %v, want error", tc.in, got)
			}
			continue
		}
		if err != nil || got.String() != tc.want {
			t.Errorf("ParseDecimal(%q) = %v, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}

func TestDecimalJSONAcceptsStringsAndNumbers(t *testing.T) {
	t.Parallel()
	var v struct{ A, B, C Decimal }
	if err := json.Unmarshal([]byte(`{"A":"12.50","B":3.25,"C":null}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != MustDecimal("12.5") || v.B != MustDecimal("3.25") || v.C != 0 {
		t.Fatalf("got %+v", v)
	}
}

func TestDecimalStringRoundTrip(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		d := Decimal(rapid.Int64Range(-1e15, 1e15).Draw(t, "d"))
		back, err := ParseDecimal(d.String())
		if err != nil || back != d {
			t.Fatalf("%d -> %q -> %d, %v", d, d.String(), back, err)
		}
	})
}

func TestStringFixed(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"24.905": "24.91", "-1.005": "-1.01", "3": "3.00", "0.0049": "0.00"} {
		if got := MustDecimal(in).StringFixed(2); got != want {
			t.Errorf("StringFixed(2) of %s = %s, want %s", in, got, want)
		}
	}
}

package model

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Decimal is a fixed-point number with four fractional digits (1 = 0.0001). Four
// digits hold every price, tax rate (25.5 %) and quantity the connected systems
// send, and keep sums exact.
type Decimal int64

// DecimalScale is the number of units of a Decimal in one whole.
const DecimalScale = 10000

// NewDecimal returns the Decimal for whole units plus a fraction in 1/10000ths.
func NewDecimal(units int64, frac int64) Decimal { return Decimal(units*DecimalScale + frac) }

// DecimalFromInt returns n as a Decimal.
func DecimalFromInt(n int64) Decimal { return Decimal(n * DecimalScale) }

// DecimalFromFloat rounds f to four fractional digits.
func DecimalFromFloat(f float64) Decimal { return Decimal(math.Round(f * DecimalScale)) }

// ParseDecimal reads a plain decimal number such as "24.90", "-3", "1e2" or "".
// An empty string is zero. More than four fractional digits are rounded.
func ParseDecimal(s string) (Decimal, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	neg := false
	body := s
	if body[0] == '-' || body[0] == '+' {
		neg = body[0] == '-'
		body = body[1:]
	}
	whole, frac, hasDot := strings.Cut(body, ".")
	if strings.ContainsAny(body, "eE") || whole == "" && !hasDot || !digits(whole) || !digits(frac) || (whole == "" && frac == "") {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || math.Abs(f) > 9e14 {
			return 0, fmt.Errorf("not a decimal number: %q", s)
		}
		return DecimalFromFloat(f), nil
	}
	if len(whole) > 15 {
		return 0, fmt.Errorf("decimal out of range: %q", s)
	}
	var w int64
	if whole != "" {
		var err error
		if w, err = strconv.ParseInt(whole, 10, 64); err != nil {
			return 0, fmt.Errorf("not a decimal number: %q", s)
		}
	}
	var f int64
	round := false
	for i := 0; i < len(frac); i++ {
		d := int64(frac[i] - '0')
		switch {
		case i < 4:
			f = f*10 + d
		case i == 4:
			round = d >= 5
		}
	}
	for i := len(frac); i < 4; i++ {
		f *= 10
	}
	v := w*DecimalScale + f
	if round {
		v++
	}
	if neg {
		v = -v
	}
	return Decimal(v), nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// MustDecimal is ParseDecimal for constants in code and tests; it panics on bad input.
func MustDecimal(s string) Decimal {
	d, err := ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Float64 returns d as a float64, for wire formats that want JSON numbers.
func (d Decimal) Float64() float64 { return float64(d) / DecimalScale }

// Int returns the whole part of d, truncated toward zero.
func (d Decimal) Int() int64 { return int64(d) / DecimalScale }

// IsZero reports whether d is zero.
func (d Decimal) IsZero() bool { return d == 0 }

// Mul multiplies two decimals, rounding half away from zero to four digits.
func (d Decimal) Mul(o Decimal) Decimal {
	p := float64(d) * float64(o) / DecimalScale
	return Decimal(math.Round(p))
}

// String formats d with as few fractional digits as it needs ("24.9", "3", "-0.05").
func (d Decimal) String() string {
	v := int64(d)
	sign := ""
	if v < 0 {
		sign = "-"
		v = -v
	}
	w, f := v/DecimalScale, v%DecimalScale
	if f == 0 {
		return sign + strconv.FormatInt(w, 10)
	}
	fs := strings.TrimRight(fmt.Sprintf("%04d", f), "0")
	return sign + strconv.FormatInt(w, 10) + "." + fs
}

// StringFixed formats d with exactly n fractional digits (n ≤ 4), rounding half away
// from zero: StringFixed(2) of 24.905 is "24.91".
func (d Decimal) StringFixed(n int) string {
	if n < 0 {
		n = 0
	}
	if n > 4 {
		n = 4
	}
	v := int64(d)
	sign := ""
	if v < 0 {
		sign = "-"
		v = -v
	}
	div := int64(math.Pow10(4 - n))
	v = (v + div/2) / div
	if n == 0 {
		return sign + strconv.FormatInt(v, 10)
	}
	p := int64(math.Pow10(n))
	return fmt.Sprintf("%s%d.%0*d", sign, v/p, n, v%p)
}

// MarshalJSON writes d as a JSON number.
func (d Decimal) MarshalJSON() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalJSON reads a JSON number, a numeric string or null (zero).
func (d *Decimal) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		*d = 0
		return nil
	}
	if len(s) >= 2 && s[0] == '"' {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		s = str
	}
	v, err := ParseDecimal(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
